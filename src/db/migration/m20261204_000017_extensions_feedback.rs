use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Nomination {
    Table,
    ExtendedUntil,
    ExtensionReason,
}

#[derive(DeriveIden)]
enum Review {
    Table,
    CommentHidden,
}

/// One draft's own deadline, set by an admin with a reason; and an expert's comment that
/// an admin kept from the team's feedback.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Nomination::Table).add_column(timestamp_with_time_zone_null(Nomination::ExtendedUntil)).to_owned()).await?;
        m.alter_table(Table::alter().table(Nomination::Table).add_column(text_null(Nomination::ExtensionReason)).to_owned()).await?;
        m.alter_table(Table::alter().table(Review::Table).add_column(boolean(Review::CommentHidden).default(false)).to_owned()).await?;
        // comments of editions released before teams read their feedback were written as
        // internal: they stay so unless an admin gives one back
        m.get_connection()
            .execute_unprepared("UPDATE review SET comment_hidden = TRUE WHERE edition_id IN (SELECT id FROM edition WHERE results_released_at IS NOT NULL)")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Review::Table).drop_column(Review::CommentHidden).to_owned()).await?;
        for col in [Nomination::ExtendedUntil, Nomination::ExtensionReason] {
            m.alter_table(Table::alter().table(Nomination::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
