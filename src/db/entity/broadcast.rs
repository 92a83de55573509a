use sea_orm::entity::prelude::*;

use crate::broadcast::BroadcastGroup;

/// A broadcast sent to a group of an edition (its messages are in the mail queue).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "broadcast")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The preview's token: unique, so a preview is sent once.
    pub token: Uuid,
    pub edition_id: i32,
    pub grp: BroadcastGroup,
    pub subject: String,
    pub body: String,
    /// JSON: [[language, subject, body], …].
    pub translations: String,
    pub recipients: i32,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
