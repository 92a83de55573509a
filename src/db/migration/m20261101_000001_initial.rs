use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Edition {
    Table,
    Id,
    Uuid,
    Year,
    Title,
    TimeZone,
    SubmissionOpens,
    SubmissionCloses,
    ScreeningOpens,
    ScreeningCloses,
    VotingOpens,
    VotingCloses,
    ReviewOpens,
    ReviewCloses,
    AnnouncementAt,
    ChampionsPerCategory,
    CompleteBallot,
    SubmissionsPerEntity,
    MaxWinnersPerCategory,
    ExpertsSeeScores,
    PublishVoteCounts,
    ResultsReleasedAt,
    ChampionsComputedAt,
    IsCurrent,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Category {
    Table,
    Id,
    Code,
    Slug,
    ActionLine,
    Name,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Uuid,
    Email,
    PasswordHash,
    DisplayName,
    Organisation,
    Country,
    Roles,
    ConfirmedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    TokenHash,
    AccountId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum EmailToken {
    Table,
    Id,
    TokenHash,
    AccountId,
    Purpose,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Nomination {
    Table,
    Id,
    Uuid,
    EditionId,
    CategoryId,
    AccountId,
    Title,
    ShortDescription,
    ActionLineLinkage,
    Sdgs,
    ImpactQualitative,
    ImpactQuantitative,
    Partnerships,
    Challenges,
    Organisation,
    StakeholderType,
    Country,
    Region,
    Website,
    Contact,
    Status,
    RejectionReason,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum Vote {
    Table,
    Id,
    Uuid,
    EditionId,
    CategoryId,
    AccountId,
    NominationId,
    CastAt,
    OriginHash,
    Receipt,
    Valid,
    InvalidatedReason,
}

#[derive(DeriveIden)]
enum Tally {
    Table,
    NominationId,
    EditionId,
    CategoryId,
    ValidVotes,
}

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
    EditionId,
    NominationId,
    ExpertAccountId,
    Scores,
    Comment,
    ConflictReason,
    Status,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorAccountId,
    Action,
    Subject,
    Before,
    After,
}

#[derive(DeriveIden)]
enum SignInFailure {
    Table,
    Id,
    Key,
    At,
}

fn fk(name: &str, from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Edition::Table)
                .col(pk_auto(Edition::Id))
                .col(uuid_uniq(Edition::Uuid))
                .col(integer_uniq(Edition::Year))
                .col(string(Edition::Title))
                .col(string(Edition::TimeZone))
                .col(timestamp_with_time_zone(Edition::SubmissionOpens))
                .col(timestamp_with_time_zone(Edition::SubmissionCloses))
                .col(timestamp_with_time_zone(Edition::ScreeningOpens))
                .col(timestamp_with_time_zone(Edition::ScreeningCloses))
                .col(timestamp_with_time_zone(Edition::VotingOpens))
                .col(timestamp_with_time_zone(Edition::VotingCloses))
                .col(timestamp_with_time_zone(Edition::ReviewOpens))
                .col(timestamp_with_time_zone(Edition::ReviewCloses))
                .col(timestamp_with_time_zone(Edition::AnnouncementAt))
                .col(integer(Edition::ChampionsPerCategory))
                .col(boolean(Edition::CompleteBallot))
                .col(integer(Edition::SubmissionsPerEntity))
                .col(integer(Edition::MaxWinnersPerCategory))
                .col(boolean(Edition::ExpertsSeeScores))
                .col(boolean(Edition::PublishVoteCounts))
                .col(timestamp_with_time_zone_null(Edition::ResultsReleasedAt))
                .col(timestamp_with_time_zone_null(Edition::ChampionsComputedAt))
                .col(boolean(Edition::IsCurrent))
                .col(timestamp_with_time_zone(Edition::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Category::Table)
                .col(integer(Category::Id).primary_key())
                .col(string_uniq(Category::Code))
                .col(string_uniq(Category::Slug))
                .col(string(Category::ActionLine))
                .col(string(Category::Name))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Account::Table)
                .col(pk_auto(Account::Id))
                .col(uuid_uniq(Account::Uuid))
                .col(string_uniq(Account::Email))
                .col(string(Account::PasswordHash))
                .col(string(Account::DisplayName))
                .col(string(Account::Organisation))
                .col(string(Account::Country))
                .col(string(Account::Roles))
                .col(timestamp_with_time_zone_null(Account::ConfirmedAt))
                .col(timestamp_with_time_zone(Account::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(pk_auto(Session::Id))
                .col(string_uniq(Session::TokenHash))
                .col(integer(Session::AccountId))
                .col(timestamp_with_time_zone(Session::CreatedAt))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .foreign_key(&mut fk("fk_session_account", (Session::Table, Session::AccountId), (Account::Table, Account::Id)))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EmailToken::Table)
                .col(pk_auto(EmailToken::Id))
                .col(string_uniq(EmailToken::TokenHash))
                .col(integer(EmailToken::AccountId))
                .col(string(EmailToken::Purpose))
                .col(timestamp_with_time_zone(EmailToken::CreatedAt))
                .col(timestamp_with_time_zone(EmailToken::ExpiresAt))
                .col(timestamp_with_time_zone_null(EmailToken::UsedAt))
                .foreign_key(&mut fk("fk_email_token_account", (EmailToken::Table, EmailToken::AccountId), (Account::Table, Account::Id)))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Nomination::Table)
                .col(pk_auto(Nomination::Id))
                .col(uuid_uniq(Nomination::Uuid))
                .col(integer(Nomination::EditionId))
                .col(integer(Nomination::CategoryId))
                .col(integer_null(Nomination::AccountId))
                .col(string(Nomination::Title))
                .col(text(Nomination::ShortDescription))
                .col(text(Nomination::ActionLineLinkage))
                .col(string(Nomination::Sdgs))
                .col(text(Nomination::ImpactQualitative))
                .col(text(Nomination::ImpactQuantitative))
                .col(text(Nomination::Partnerships))
                .col(text(Nomination::Challenges))
                .col(string(Nomination::Organisation))
                .col(string(Nomination::StakeholderType))
                .col(string(Nomination::Country))
                .col(string(Nomination::Region))
                .col(string(Nomination::Website))
                .col(string(Nomination::Contact))
                .col(string(Nomination::Status))
                .col(text_null(Nomination::RejectionReason))
                .col(timestamp_with_time_zone(Nomination::CreatedAt))
                .col(timestamp_with_time_zone(Nomination::UpdatedAt))
                .col(timestamp_with_time_zone_null(Nomination::SubmittedAt))
                .foreign_key(&mut fk("fk_nomination_edition", (Nomination::Table, Nomination::EditionId), (Edition::Table, Edition::Id)))
                .foreign_key(&mut fk("fk_nomination_category", (Nomination::Table, Nomination::CategoryId), (Category::Table, Category::Id)))
                .foreign_key(&mut fk("fk_nomination_account", (Nomination::Table, Nomination::AccountId), (Account::Table, Account::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_nomination_edition_category_status")
                .table(Nomination::Table)
                .col(Nomination::EditionId)
                .col(Nomination::CategoryId)
                .col(Nomination::Status)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Vote::Table)
                .col(pk_auto(Vote::Id))
                .col(uuid_uniq(Vote::Uuid))
                .col(integer(Vote::EditionId))
                .col(integer(Vote::CategoryId))
                .col(integer(Vote::AccountId))
                .col(integer(Vote::NominationId))
                .col(timestamp_with_time_zone(Vote::CastAt))
                .col(string(Vote::OriginHash))
                .col(string_uniq(Vote::Receipt))
                .col(boolean(Vote::Valid))
                .col(text_null(Vote::InvalidatedReason))
                .foreign_key(&mut fk("fk_vote_edition", (Vote::Table, Vote::EditionId), (Edition::Table, Edition::Id)))
                .foreign_key(&mut fk("fk_vote_category", (Vote::Table, Vote::CategoryId), (Category::Table, Category::Id)))
                .foreign_key(&mut fk("fk_vote_account", (Vote::Table, Vote::AccountId), (Account::Table, Account::Id)))
                .foreign_key(&mut fk("fk_vote_nomination", (Vote::Table, Vote::NominationId), (Nomination::Table, Nomination::Id)))
                .to_owned(),
        )
        .await?;
        // The mission's promise: one vote per account per category of an edition.
        m.create_index(
            Index::create()
                .name("uq_vote_edition_category_account")
                .table(Vote::Table)
                .col(Vote::EditionId)
                .col(Vote::CategoryId)
                .col(Vote::AccountId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_vote_nomination").table(Vote::Table).col(Vote::NominationId).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_vote_account").table(Vote::Table).col(Vote::AccountId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Tally::Table)
                .col(integer(Tally::NominationId).primary_key())
                .col(integer(Tally::EditionId))
                .col(integer(Tally::CategoryId))
                .col(big_integer(Tally::ValidVotes))
                .foreign_key(&mut fk("fk_tally_nomination", (Tally::Table, Tally::NominationId), (Nomination::Table, Nomination::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_tally_edition_category").table(Tally::Table).col(Tally::EditionId).col(Tally::CategoryId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Review::Table)
                .col(pk_auto(Review::Id))
                .col(integer(Review::EditionId))
                .col(integer(Review::NominationId))
                .col(integer(Review::ExpertAccountId))
                .col(text(Review::Scores))
                .col(text(Review::Comment))
                .col(text_null(Review::ConflictReason))
                .col(string(Review::Status))
                .col(timestamp_with_time_zone(Review::UpdatedAt))
                .foreign_key(&mut fk("fk_review_nomination", (Review::Table, Review::NominationId), (Nomination::Table, Nomination::Id)))
                .foreign_key(&mut fk("fk_review_expert", (Review::Table, Review::ExpertAccountId), (Account::Table, Account::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_review_nomination_expert")
                .table(Review::Table)
                .col(Review::NominationId)
                .col(Review::ExpertAccountId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(integer_null(AuditLog::ActorAccountId))
                .col(string(AuditLog::Action))
                .col(string(AuditLog::Subject))
                .col(text_null(AuditLog::Before))
                .col(text_null(AuditLog::After))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SignInFailure::Table)
                .col(pk_auto(SignInFailure::Id))
                .col(string(SignInFailure::Key))
                .col(timestamp_with_time_zone(SignInFailure::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_sign_in_failure_key_at").table(SignInFailure::Table).col(SignInFailure::Key).col(SignInFailure::At).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SignInFailure::Table.into_iden(),
            AuditLog::Table.into_iden(),
            Review::Table.into_iden(),
            Tally::Table.into_iden(),
            Vote::Table.into_iden(),
            Nomination::Table.into_iden(),
            EmailToken::Table.into_iden(),
            Session::Table.into_iden(),
            Account::Table.into_iden(),
            Category::Table.into_iden(),
            Edition::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
