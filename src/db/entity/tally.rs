use sea_orm::entity::prelude::*;

/// Running count of valid votes per nominee, updated in the vote's transaction.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tally")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub nomination_id: i32,
    pub edition_id: i32,
    pub category_id: i32,
    pub valid_votes: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
