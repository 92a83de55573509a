use sea_orm::entity::prelude::*;

/// A co-editor of a project: an account its owner invited, who edits the draft.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nomination_editor")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub nomination_id: i32,
    pub account_id: i32,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
