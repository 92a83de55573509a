use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Campaign {
    Table,
    Id,
    Uuid,
    NominationId,
    Code,
    Label,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Nomination {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Vote {
    Table,
    CampaignId,
}

/// Campaign links of nominees, and the campaign a vote came through.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Campaign::Table)
                .col(pk_auto(Campaign::Id))
                .col(uuid_uniq(Campaign::Uuid))
                .col(integer(Campaign::NominationId))
                .col(string(Campaign::Code))
                .col(string(Campaign::Label).default(""))
                .col(integer(Campaign::CreatedBy))
                .col(timestamp_with_time_zone(Campaign::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_campaign_nomination")
                        .from(Campaign::Table, Campaign::NominationId)
                        .to(Nomination::Table, Nomination::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_campaign_nomination_code").table(Campaign::Table).col(Campaign::NominationId).col(Campaign::Code).unique().to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table(Vote::Table).add_column(integer_null(Vote::CampaignId)).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Vote::Table).drop_column(Vote::CampaignId).to_owned()).await?;
        m.drop_table(Table::drop().table(Campaign::Table).to_owned()).await
    }
}
