use sea_orm::entity::prelude::*;

/// One vote. `(edition_id, category_id, account_id)` is unique in the database.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vote")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    pub edition_id: i32,
    pub category_id: i32,
    pub account_id: i32,
    pub nomination_id: i32,
    pub cast_at: DateTimeUtc,
    /// Keyed hash of the client address and user agent; never the raw address.
    pub origin_hash: String,
    /// Keyed hash of the vote id, shown to the voter and checkable publicly.
    #[sea_orm(unique)]
    pub receipt: String,
    pub valid: bool,
    pub invalidated_reason: Option<String>,
    /// The reason category published with the receipt when the vote is not counted.
    pub invalidated_category: Option<crate::vote::NotCountedReason>,
    /// The frozen cluster holding this vote out of the count, if any.
    pub frozen_by: Option<i32>,
    /// The campaign link the voter came by, if any (the audit's view of campaigns).
    pub campaign_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
