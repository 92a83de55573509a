use sea_orm::entity::prelude::*;

use crate::screening::Verdict;

/// A project assigned to a screener, with their opinion once given (unique per project
/// and screener).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screening_opinion")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub edition_id: i32,
    pub nomination_id: i32,
    pub account_id: i32,
    pub verdict: Option<Verdict>,
    pub reason: Option<String>,
    pub comment: String,
    pub assigned_at: DateTimeUtc,
    pub given_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
