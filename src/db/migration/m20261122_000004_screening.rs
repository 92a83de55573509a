use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Nomination {
    Table,
    PendingDecision,
    PendingReason,
    DecidedAt,
}

/// Screening decisions are staged on the nomination until an admin releases them all.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        m.alter_table(Table::alter().table(Nomination::Table).add_column(string_null(Nomination::PendingDecision)).to_owned())
            .await?;
        m.alter_table(Table::alter().table(Nomination::Table).add_column(text_null(Nomination::PendingReason)).to_owned())
            .await?;
        m.alter_table(
            Table::alter().table(Nomination::Table).add_column(timestamp_with_time_zone_null(Nomination::DecidedAt)).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Nomination::PendingDecision, Nomination::PendingReason, Nomination::DecidedAt] {
            m.alter_table(Table::alter().table(Nomination::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
