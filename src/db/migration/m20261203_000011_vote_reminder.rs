use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VoteReminder {
    Table,
    Id,
    EditionId,
    AccountId,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

/// Voters who asked for one reminder before voting closes; a row per account and edition
/// (unique), so that nobody gets two.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(VoteReminder::Table)
                .col(pk_auto(VoteReminder::Id))
                .col(integer(VoteReminder::EditionId))
                .col(integer(VoteReminder::AccountId))
                .col(timestamp_with_time_zone(VoteReminder::CreatedAt))
                .col(timestamp_with_time_zone_null(VoteReminder::SentAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_vote_reminder_account")
                        .from(VoteReminder::Table, VoteReminder::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_vote_reminder_edition_account")
                .table(VoteReminder::Table)
                .col(VoteReminder::EditionId)
                .col(VoteReminder::AccountId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(VoteReminder::Table).to_owned()).await
    }
}
