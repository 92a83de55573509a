use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Edition {
    Table,
    Rubric,
    LettersSentAt,
}

#[derive(DeriveIden)]
enum Champion {
    Table,
    Winner,
    DecidedAt,
    DecisionReason,
}

#[derive(DeriveIden)]
enum ExpertAssignment {
    Table,
    Id,
    EditionId,
    CategoryId,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

/// Expert review and release: the edition's rubric (JSON; empty means the ITU default), the expert
/// group per category, staged winner choices on the champions, and when the results'
/// letters went out.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Edition::Table).add_column(text_null(Edition::Rubric)).to_owned()).await?;
        m.alter_table(
            Table::alter().table(Edition::Table).add_column(timestamp_with_time_zone_null(Edition::LettersSentAt)).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table(Champion::Table).add_column(boolean(Champion::Winner).default(false)).to_owned())
            .await?;
        m.alter_table(
            Table::alter().table(Champion::Table).add_column(timestamp_with_time_zone_null(Champion::DecidedAt)).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table(Champion::Table).add_column(text_null(Champion::DecisionReason)).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(ExpertAssignment::Table)
                .col(pk_auto(ExpertAssignment::Id))
                .col(integer(ExpertAssignment::EditionId))
                .col(integer(ExpertAssignment::CategoryId))
                .col(integer(ExpertAssignment::AccountId))
                .col(timestamp_with_time_zone(ExpertAssignment::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_expert_assignment_account")
                        .from(ExpertAssignment::Table, ExpertAssignment::AccountId)
                        .to(Account::Table, Account::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_expert_assignment")
                .table(ExpertAssignment::Table)
                .col(ExpertAssignment::EditionId)
                .col(ExpertAssignment::CategoryId)
                .col(ExpertAssignment::AccountId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ExpertAssignment::Table).to_owned()).await?;
        for col in [Champion::Winner, Champion::DecidedAt, Champion::DecisionReason] {
            m.alter_table(Table::alter().table(Champion::Table).drop_column(col).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Edition::Table).drop_column(Edition::LettersSentAt).to_owned()).await?;
        m.alter_table(Table::alter().table(Edition::Table).drop_column(Edition::Rubric).to_owned()).await
    }
}
