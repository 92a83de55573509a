use sea_orm::entity::prelude::*;

use crate::review::ReviewStatus;

/// An expert's raw scores for one champion (criterion key → score, as JSON).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub edition_id: i32,
    pub nomination_id: i32,
    pub expert_account_id: i32,
    pub scores: String,
    pub comment: String,
    pub conflict_reason: Option<String>,
    pub status: ReviewStatus,
    pub updated_at: DateTimeUtc,
    /// Kept from the team's feedback by an admin (before the release).
    pub comment_hidden: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
