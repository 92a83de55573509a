use sea_orm::entity::prelude::*;

use crate::audit::AuditAction;

/// Who did what, when, with the state before and after (JSON), chained by hashes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    pub actor_account_id: Option<i32>,
    pub action: AuditAction,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The entry's place in the chain (1, 2, …; unique).
    pub seq: i64,
    /// SHA-256 of the previous entry's hash and this entry (`wsis::db::audit::chain_hash`).
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
