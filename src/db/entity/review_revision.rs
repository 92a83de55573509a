use sea_orm::entity::prelude::*;

use crate::review::ReviewStatus;

/// One saved state of an expert's review (every draft save, the submission, a conflict).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_revision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub edition_id: i32,
    pub nomination_id: i32,
    pub expert_account_id: i32,
    pub scores: String,
    pub comment: String,
    pub status: ReviewStatus,
    pub saved_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
