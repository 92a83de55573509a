use sea_orm::entity::prelude::*;

use crate::nomination::{Choice, Decision, NominationStatus, Region, SdgList, StakeholderType};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nomination")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    pub edition_id: i32,
    pub category_id: i32,
    /// The submitting account; demo nominees have none.
    pub account_id: Option<i32>,
    pub title: String,
    pub short_description: String,
    pub action_line_linkage: String,
    pub sdgs: SdgList,
    pub impact_qualitative: String,
    pub impact_quantitative: String,
    pub partnerships: String,
    pub challenges: String,
    pub organisation: String,
    pub stakeholder_type: Choice<StakeholderType>,
    pub country: String,
    pub region: Choice<Region>,
    pub website: String,
    pub contact: String,
    pub status: NominationStatus,
    pub rejection_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    /// A staged screening decision, seen by admins only until released.
    pub pending_decision: Option<Decision>,
    pub pending_reason: Option<String>,
    /// When the screening decision was taken.
    pub decided_at: Option<DateTimeUtc>,
    /// An admin's extension of this draft's deadline, and why.
    pub extended_until: Option<DateTimeUtc>,
    pub extension_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::edition::Entity", from = "Column::EditionId", to = "super::edition::Column::Id")]
    Edition,
}

impl Related<super::edition::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Edition.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
