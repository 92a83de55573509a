use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Commitment {
    Table,
    Id,
    EditionId,
    CategoryId,
    Votes,
    Root,
    CommittedAt,
}

/// The commitment published at the close of voting: a row per edition and category, unique,
/// so that two nodes committing at once store one.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Commitment::Table)
                .col(pk_auto(Commitment::Id))
                .col(integer(Commitment::EditionId))
                .col(integer(Commitment::CategoryId))
                .col(big_integer(Commitment::Votes))
                .col(string(Commitment::Root))
                .col(timestamp_with_time_zone(Commitment::CommittedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_commitment_edition_category").table(Commitment::Table).col(Commitment::EditionId).col(Commitment::CategoryId).unique().to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Commitment::Table).to_owned()).await
    }
}
