use sea_orm::entity::prelude::*;

use crate::champion::ClusterKind;

/// A suspicious cluster frozen by an admin: its accounts cannot vote and their votes are
/// held out of the count until the freeze is lifted (or the votes are invalidated).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vote_freeze")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    pub edition_id: i32,
    pub kind: ClusterKind,
    /// What the cluster is, as the audit page named it.
    pub label: String,
    pub reason: String,
    pub accounts: i32,
    pub votes: i32,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub lifted_by: Option<i32>,
    pub lifted_at: Option<DateTimeUtc>,
    pub lift_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
