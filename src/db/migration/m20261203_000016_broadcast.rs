use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Broadcast {
    Table,
    Id,
    Token,
    EditionId,
    Grp,
    Subject,
    Body,
    Translations,
    Recipients,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Edition {
    Table,
    RemindDraftsHours,
    RemindReviewsHours,
    DraftsRemindedAt,
    ReviewsRemindedAt,
}

/// The automatic reminders of an edition (how long before the deadline; 0 is off) and when
/// each went out (claimed once across nodes). The broadcasts sent: one row each, its token unique, so that a preview is sent once
/// however many times its "send" is pressed.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Edition::RemindDraftsHours, Edition::RemindReviewsHours] {
            m.alter_table(Table::alter().table(Edition::Table).add_column(integer(col).default(48)).to_owned()).await?;
        }
        for col in [Edition::DraftsRemindedAt, Edition::ReviewsRemindedAt] {
            m.alter_table(Table::alter().table(Edition::Table).add_column(timestamp_with_time_zone_null(col)).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(Broadcast::Table)
                .col(pk_auto(Broadcast::Id))
                .col(uuid(Broadcast::Token))
                .col(integer(Broadcast::EditionId))
                .col(string(Broadcast::Grp))
                .col(string(Broadcast::Subject))
                .col(text(Broadcast::Body))
                .col(text(Broadcast::Translations))
                .col(integer(Broadcast::Recipients))
                .col(integer(Broadcast::CreatedBy))
                .col(timestamp_with_time_zone(Broadcast::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_broadcast_token").table(Broadcast::Table).col(Broadcast::Token).unique().to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Broadcast::Table).to_owned()).await?;
        for col in [Edition::RemindDraftsHours, Edition::RemindReviewsHours, Edition::DraftsRemindedAt, Edition::ReviewsRemindedAt] {
            m.alter_table(Table::alter().table(Edition::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
