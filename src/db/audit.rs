//! The audit log: who did what, when, with the state before and after (as JSON).

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use super::entity::audit_log;
use crate::audit::AuditAction;

/// Records one action at `at`; `before`/`after` are JSON values (`serde_json::json!`).
pub async fn record(
    db: &impl ConnectionTrait,
    at: chrono::DateTime<chrono::Utc>,
    actor: Option<i32>,
    action: AuditAction,
    subject: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(at),
        actor_account_id: Set(actor),
        action: Set(action),
        subject: Set(subject.to_string()),
        before: Set(before.map(|v| v.to_string())),
        after: Set(after.map(|v| v.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
