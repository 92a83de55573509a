use sea_orm::entity::prelude::*;

/// A category's commitment at the close of an edition's voting: how many votes were cast
/// and the Merkle root of their ledger (`crate::commitment`). One row per edition and
/// category (unique), written once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub edition_id: i32,
    pub category_id: i32,
    pub votes: i64,
    pub root: String,
    pub committed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
