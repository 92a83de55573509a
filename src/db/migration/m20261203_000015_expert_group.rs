use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Edition {
    Table,
    OpinionsPerProject,
}

#[derive(DeriveIden)]
enum Screener {
    Table,
    Id,
    EditionId,
    CategoryId,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ScreeningOpinion {
    Table,
    Id,
    EditionId,
    NominationId,
    AccountId,
    Verdict,
    Reason,
    Comment,
    AssignedAt,
    GivenAt,
}

#[derive(DeriveIden)]
enum ReviewRevision {
    Table,
    Id,
    EditionId,
    NominationId,
    ExpertAccountId,
    Scores,
    Comment,
    Status,
    SavedAt,
}

#[derive(DeriveIden)]
enum Deliberation {
    Table,
    Id,
    EditionId,
    CategoryId,
    Notes,
    UpdatedAt,
    UpdatedBy,
}

/// Every saved change of an expert's review, and the expert group's deliberation notes per
/// category (one row each, unique). Screening by the expert group: the screeners of each category, and one row per
/// (project, screener) assigned, holding the opinion once given — unique, so that a project
/// is never assigned twice to one screener and one screener gives one opinion.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Edition::Table).add_column(integer(Edition::OpinionsPerProject).default(2)).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(Screener::Table)
                .col(pk_auto(Screener::Id))
                .col(integer(Screener::EditionId))
                .col(integer(Screener::CategoryId))
                .col(integer(Screener::AccountId))
                .col(timestamp_with_time_zone(Screener::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_screener_unique")
                .table(Screener::Table)
                .col(Screener::EditionId)
                .col(Screener::CategoryId)
                .col(Screener::AccountId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ScreeningOpinion::Table)
                .col(pk_auto(ScreeningOpinion::Id))
                .col(integer(ScreeningOpinion::EditionId))
                .col(integer(ScreeningOpinion::NominationId))
                .col(integer(ScreeningOpinion::AccountId))
                .col(string_null(ScreeningOpinion::Verdict))
                .col(text_null(ScreeningOpinion::Reason))
                .col(text(ScreeningOpinion::Comment).default(""))
                .col(timestamp_with_time_zone(ScreeningOpinion::AssignedAt))
                .col(timestamp_with_time_zone_null(ScreeningOpinion::GivenAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_screening_opinion_unique")
                .table(ScreeningOpinion::Table)
                .col(ScreeningOpinion::NominationId)
                .col(ScreeningOpinion::AccountId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_screening_opinion_screener")
                .table(ScreeningOpinion::Table)
                .col(ScreeningOpinion::EditionId)
                .col(ScreeningOpinion::AccountId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReviewRevision::Table)
                .col(pk_auto(ReviewRevision::Id))
                .col(integer(ReviewRevision::EditionId))
                .col(integer(ReviewRevision::NominationId))
                .col(integer(ReviewRevision::ExpertAccountId))
                .col(text(ReviewRevision::Scores))
                .col(text(ReviewRevision::Comment))
                .col(string(ReviewRevision::Status))
                .col(timestamp_with_time_zone(ReviewRevision::SavedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_review_revision_edition")
                .table(ReviewRevision::Table)
                .col(ReviewRevision::EditionId)
                .col(ReviewRevision::NominationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Deliberation::Table)
                .col(pk_auto(Deliberation::Id))
                .col(integer(Deliberation::EditionId))
                .col(integer(Deliberation::CategoryId))
                .col(text(Deliberation::Notes))
                .col(timestamp_with_time_zone(Deliberation::UpdatedAt))
                .col(integer(Deliberation::UpdatedBy))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_deliberation_unique")
                .table(Deliberation::Table)
                .col(Deliberation::EditionId)
                .col(Deliberation::CategoryId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Deliberation::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReviewRevision::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ScreeningOpinion::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Screener::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Edition::Table).drop_column(Edition::OpinionsPerProject).to_owned()).await
    }
}
