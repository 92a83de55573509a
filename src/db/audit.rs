//! The audit log: who did what, when, with the state before and after.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use super::entity::audit_log;

pub async fn record(
    db: &impl ConnectionTrait,
    actor: Option<i32>,
    action: &str,
    subject: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor_account_id: Set(actor),
        action: Set(action.to_string()),
        subject: Set(subject.to_string()),
        before: Set(before),
        after: Set(after),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
