use sea_orm::entity::prelude::*;

use crate::champion::ChampionStatus;

/// A staged champion: the nominee is in its category's top N by valid votes. Rows stay
/// `pending` until released with the results; a tied nominee left out by an admin keeps
/// its row with the recorded reason.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "champion")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub edition_id: i32,
    pub category_id: i32,
    pub nomination_id: i32,
    pub valid_votes: i64,
    pub tied_at_cutoff: bool,
    pub excluded_reason: Option<String>,
    pub status: ChampionStatus,
    pub created_at: DateTimeUtc,
    /// Chosen as a winner by an admin (staged until the results are released).
    pub winner: bool,
    /// When an admin chose the category's winners (set on every champion of it).
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
