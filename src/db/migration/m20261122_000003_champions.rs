use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Champion {
    Table,
    Id,
    EditionId,
    CategoryId,
    NominationId,
    ValidVotes,
    TiedAtCutoff,
    ExcludedReason,
    Status,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Champion::Table)
                .col(pk_auto(Champion::Id))
                .col(integer(Champion::EditionId))
                .col(integer(Champion::CategoryId))
                .col(integer(Champion::NominationId))
                .col(big_integer(Champion::ValidVotes))
                .col(boolean(Champion::TiedAtCutoff))
                .col(text_null(Champion::ExcludedReason))
                .col(string(Champion::Status))
                .col(timestamp_with_time_zone(Champion::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_champion_edition_nomination")
                .table(Champion::Table)
                .col(Champion::EditionId)
                .col(Champion::NominationId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Champion::Table).to_owned()).await
    }
}
