use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    EmailCanonical,
    FrozenBy,
}

#[derive(DeriveIden)]
enum EmailToken {
    Table,
    Payload,
}

#[derive(DeriveIden)]
enum Vote {
    Table,
    FrozenBy,
}

#[derive(DeriveIden)]
enum Edition {
    Table,
    FrictionVotesPerAddress,
    FrictionVotesPerNetwork,
    FrictionSignInsPerAddress,
}

#[derive(DeriveIden)]
enum SignInFailure {
    Table,
    Id,
    Key,
    At,
}

#[derive(DeriveIden)]
enum Attempt {
    Table,
    Id,
    Key,
    At,
}

#[derive(DeriveIden)]
enum Mail {
    Table,
    Id,
    Recipient,
    Subject,
    Body,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
enum UsedChallenge {
    Table,
    Id,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum BlockedDomain {
    Table,
    Domain,
    Note,
    AddedBy,
    AddedAt,
}

#[derive(DeriveIden)]
enum VoteFreeze {
    Table,
    Id,
    Uuid,
    EditionId,
    Kind,
    Label,
    Reason,
    Accounts,
    Votes,
    CreatedBy,
    CreatedAt,
    LiftedBy,
    LiftedAt,
    LiftReason,
}

/// What integrity under attack needs in the database: attempts reserved before a password
/// is checked (for every throttle), a mail queue, single-use proof-of-work challenges,
/// disposable domains the admins add, canonical addresses (one account per mailbox),
/// sign-up details bound to their confirmation link, frozen clusters of votes, and the
/// friction thresholds of an edition.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SignInFailure::Table).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(Attempt::Table)
                .col(pk_auto(Attempt::Id))
                .col(string(Attempt::Key))
                .col(timestamp_with_time_zone(Attempt::At))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_attempt_key_at").table(Attempt::Table).col(Attempt::Key).col(Attempt::At).to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(Mail::Table)
                .col(pk_auto(Mail::Id))
                .col(string(Mail::Recipient))
                .col(text(Mail::Subject))
                .col(text(Mail::Body))
                .col(timestamp_with_time_zone(Mail::CreatedAt))
                .col(integer(Mail::Attempts).default(0))
                .col(timestamp_with_time_zone(Mail::NextAttemptAt))
                .col(timestamp_with_time_zone_null(Mail::ClaimedUntil))
                .col(timestamp_with_time_zone_null(Mail::SentAt))
                .col(text_null(Mail::LastError))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_mail_due").table(Mail::Table).col(Mail::SentAt).col(Mail::NextAttemptAt).to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(UsedChallenge::Table)
                .col(string(UsedChallenge::Id).primary_key())
                .col(timestamp_with_time_zone(UsedChallenge::ExpiresAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BlockedDomain::Table)
                .col(string(BlockedDomain::Domain).primary_key())
                .col(string(BlockedDomain::Note).default(""))
                .col(integer_null(BlockedDomain::AddedBy))
                .col(timestamp_with_time_zone(BlockedDomain::AddedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(VoteFreeze::Table)
                .col(pk_auto(VoteFreeze::Id))
                .col(uuid_uniq(VoteFreeze::Uuid))
                .col(integer(VoteFreeze::EditionId))
                .col(string(VoteFreeze::Kind))
                .col(text(VoteFreeze::Label))
                .col(text(VoteFreeze::Reason))
                .col(integer(VoteFreeze::Accounts))
                .col(integer(VoteFreeze::Votes))
                .col(integer_null(VoteFreeze::CreatedBy))
                .col(timestamp_with_time_zone(VoteFreeze::CreatedAt))
                .col(integer_null(VoteFreeze::LiftedBy))
                .col(timestamp_with_time_zone_null(VoteFreeze::LiftedAt))
                .col(text_null(VoteFreeze::LiftReason))
                .to_owned(),
        )
        .await?;

        m.alter_table(Table::alter().table(EmailToken::Table).add_column(text_null(EmailToken::Payload)).to_owned()).await?;
        m.alter_table(Table::alter().table(Account::Table).add_column(string_null(Account::EmailCanonical)).to_owned()).await?;
        m.alter_table(Table::alter().table(Account::Table).add_column(integer_null(Account::FrozenBy)).to_owned()).await?;
        m.alter_table(Table::alter().table(Vote::Table).add_column(integer_null(Vote::FrozenBy)).to_owned()).await?;
        for (col, default) in [
            (Edition::FrictionVotesPerAddress, 200),
            (Edition::FrictionVotesPerNetwork, 2000),
            (Edition::FrictionSignInsPerAddress, 20),
        ] {
            m.alter_table(Table::alter().table(Edition::Table).add_column(integer(col).default(default)).to_owned()).await?;
        }

        // Existing accounts get their canonical address; should two accounts already share
        // a mailbox, the older one keeps it and the other stays without (it can still sign in).
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = db.query_all_raw(Statement::from_string(backend, "SELECT id, email FROM account ORDER BY id")).await?;
        let mut seen = std::collections::HashSet::new();
        for r in rows {
            let id: i32 = r.try_get("", "id")?;
            let email: String = r.try_get("", "email")?;
            let canonical = crate::account::canonical_email(&email);
            if seen.insert(canonical.clone()) {
                db.execute_raw(Statement::from_sql_and_values(
                    backend,
                    match backend {
                        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => "UPDATE account SET email_canonical = $1 WHERE id = $2",
                        _ => "UPDATE account SET email_canonical = ? WHERE id = ?",
                    },
                    [canonical.into(), id.into()],
                ))
                .await?;
            }
        }
        m.create_index(
            Index::create().name("idx_account_email_canonical").table(Account::Table).col(Account::EmailCanonical).unique().to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_account_email_canonical").table(Account::Table).to_owned()).await?;
        for col in [Edition::FrictionVotesPerAddress, Edition::FrictionVotesPerNetwork, Edition::FrictionSignInsPerAddress] {
            m.alter_table(Table::alter().table(Edition::Table).drop_column(col).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Vote::Table).drop_column(Vote::FrozenBy).to_owned()).await?;
        m.alter_table(Table::alter().table(Account::Table).drop_column(Account::FrozenBy).to_owned()).await?;
        m.alter_table(Table::alter().table(Account::Table).drop_column(Account::EmailCanonical).to_owned()).await?;
        m.alter_table(Table::alter().table(EmailToken::Table).drop_column(EmailToken::Payload).to_owned()).await?;
        for t in [
            VoteFreeze::Table.into_iden(),
            BlockedDomain::Table.into_iden(),
            UsedChallenge::Table.into_iden(),
            Mail::Table.into_iden(),
            Attempt::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(SignInFailure::Table)
                .col(pk_auto(SignInFailure::Id))
                .col(string(SignInFailure::Key))
                .col(timestamp_with_time_zone(SignInFailure::At))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
