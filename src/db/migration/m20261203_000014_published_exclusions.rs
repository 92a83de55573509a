use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Vote {
    Table,
    Valid,
    FrozenBy,
    InvalidatedCategory,
}

#[derive(DeriveIden)]
enum Observer {
    Table,
    Id,
    EditionId,
    Email,
    AddedAt,
}

/// The reason category published with each vote left out of the count (the votes
/// invalidated before have "other", those held by a freeze "held"), and the observers an
/// admin registers to receive the commitment of an edition.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Vote::Table).add_column(string_null(Vote::InvalidatedCategory)).to_owned()).await?;
        m.exec_stmt(
            Query::update()
                .table(Vote::Table)
                .value(Vote::InvalidatedCategory, "held")
                .and_where(Expr::col(Vote::Valid).eq(false))
                .and_where(Expr::col(Vote::FrozenBy).is_not_null())
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table(Vote::Table)
                .value(Vote::InvalidatedCategory, "other")
                .and_where(Expr::col(Vote::Valid).eq(false))
                .and_where(Expr::col(Vote::FrozenBy).is_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Observer::Table)
                .col(pk_auto(Observer::Id))
                .col(integer(Observer::EditionId))
                .col(string(Observer::Email))
                .col(timestamp_with_time_zone(Observer::AddedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_observer_edition_email").table(Observer::Table).col(Observer::EditionId).col(Observer::Email).unique().to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Observer::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Vote::Table).drop_column(Vote::InvalidatedCategory).to_owned()).await
    }
}
