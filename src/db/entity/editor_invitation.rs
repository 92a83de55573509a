use sea_orm::entity::prelude::*;

/// An invitation to co-edit a project, sent by its owner to an address (canonical form);
/// the link carries the token, and only an account of that address accepts it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "editor_invitation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub token: Uuid,
    pub nomination_id: i32,
    pub email: String,
    pub invited_by: i32,
    pub created_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    /// Withdrawn by the owner: the link no longer works (the row stays, and counts).
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
