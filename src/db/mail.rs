//! Outgoing mail. A message is first written to the `mail` table, in the transaction of
//! what caused it ([`enqueue`]); a worker on each node then claims due messages (a
//! conditional update, so two nodes never send the same one) and hands them to the
//! transport: SMTP through lettre when `SMTP_URL` is set, otherwise one file per message in
//! the outbox folder, so a laptop needs no mail server. A failed delivery is retried with
//! a growing delay and its error stays on the row. No request waits on a mail server.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entity::mail;
use super::{Config, Services};
use crate::AppError;

#[derive(Clone)]
pub enum Mailer {
    Outbox(PathBuf),
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: String },
}

impl Mailer {
    pub fn from_config(config: &Config) -> Mailer {
        if let Some(url) = &config.smtp_url {
            match AsyncSmtpTransport::<Tokio1Executor>::from_url(url) {
                Ok(b) => return Mailer::Smtp { transport: b.build(), from: config.mail_from.clone() },
                Err(e) => tracing::error!(error = %e, "SMTP_URL is not usable; writing mail to the outbox instead"),
            }
        }
        Mailer::Outbox(config.outbox_dir())
    }

    /// Delivers (or files) one plain-text message.
    pub async fn deliver(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        match self {
            Mailer::Outbox(dir) => write_outbox(dir, to, subject, body).await.map_err(|e| format!("outbox: {e}")),
            Mailer::Smtp { transport, from } => {
                let msg = Message::builder()
                    .from(from.parse().map_err(|e| format!("MAIL_FROM is not an address: {e}"))?)
                    .to(to.parse().map_err(|e| format!("recipient is not an address: {e}"))?)
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(body.to_string())
                    .map_err(|e| format!("could not build the message: {e}"))?;
                transport.send(msg).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
            }
        }
    }
}

/// Queues a message written in English, in `lang` (see [`crate::messages`]). Call it with
/// the transaction of what causes the message, then [`Services::wake_mail`] after commit.
pub async fn enqueue(db: &impl ConnectionTrait, now: DateTime<Utc>, lang: &str, to: &str, subject: &str, body: &str) -> Result<(), AppError> {
    let tr = |t: &str| crate::messages::translate(t, lang);
    enqueue_as_written(db, now, to, &tr(subject), &tr(body)).await
}

/// Queues a message exactly as written (a broadcast, already in the recipient's language).
pub async fn enqueue_as_written(db: &impl ConnectionTrait, now: DateTime<Utc>, to: &str, subject: &str, body: &str) -> Result<(), AppError> {
    mail::ActiveModel {
        recipient: Set(to.to_string()),
        subject: Set(subject.to_string()),
        body: Set(body.to_string()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How long a worker owns a claimed message before another may take it over.
const CLAIM_SECS: i64 = 120;

/// The delay before the next try after `attempts` failures: 30 s doubling, at most 1 h.
pub fn backoff(attempts: i32) -> Duration {
    Duration::seconds((30_i64 << attempts.clamp(0, 7)).min(3600))
}

/// Claims the due messages one by one and delivers them; returns how many were sent.
pub async fn deliver_due(s: &Services) -> Result<usize, AppError> {
    let mut sent = 0;
    loop {
        let now = s.now();
        let due: Vec<i32> = mail::Entity::find()
            .select_only()
            .column(mail::Column::Id)
            .filter(mail::Column::SentAt.is_null())
            .filter(mail::Column::NextAttemptAt.lte(now))
            .filter(sea_orm::Condition::any().add(mail::Column::ClaimedUntil.is_null()).add(mail::Column::ClaimedUntil.lt(now)))
            .order_by_asc(mail::Column::Id)
            .limit(50)
            .into_tuple()
            .all(&s.db)
            .await?;
        if due.is_empty() {
            return Ok(sent);
        }
        for id in due {
            if claim(&s.db, id, now).await? {
                if deliver_one(s, id).await? {
                    sent += 1;
                }
            }
        }
    }
}

async fn claim(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<bool, AppError> {
    let res = mail::Entity::update_many()
        .col_expr(mail::Column::ClaimedUntil, Expr::value(Some(now + Duration::seconds(CLAIM_SECS))))
        .filter(mail::Column::Id.eq(id))
        .filter(mail::Column::SentAt.is_null())
        .filter(sea_orm::Condition::any().add(mail::Column::ClaimedUntil.is_null()).add(mail::Column::ClaimedUntil.lt(now)))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

async fn deliver_one(s: &Services, id: i32) -> Result<bool, AppError> {
    let Some(m) = mail::Entity::find_by_id(id).one(&s.db).await? else { return Ok(false) };
    let outcome = s.mailer.deliver(&m.recipient, &m.subject, &m.body).await;
    let mut am: mail::ActiveModel = m.clone().into();
    am.claimed_until = Set(None);
    match &outcome {
        Ok(()) => {
            am.sent_at = Set(Some(s.now()));
            am.last_error = Set(None);
        }
        Err(e) => {
            tracing::warn!(mail = id, attempts = m.attempts + 1, error = %e, "mail delivery failed; will retry");
            am.attempts = Set(m.attempts + 1);
            am.next_attempt_at = Set(s.now() + backoff(m.attempts));
            am.last_error = Set(Some(e.chars().take(500).collect()));
        }
    }
    am.update(&s.db).await?;
    metrics::counter!("mails_total", "outcome" => if outcome.is_ok() { "sent" } else { "failed" }).increment(1);
    Ok(outcome.is_ok())
}

impl Mailer {
    /// The transport's name, as the secretariat's queue page shows it.
    pub fn kind(&self) -> &'static str {
        match self {
            Mailer::Outbox(_) => "outbox",
            Mailer::Smtp { .. } => "smtp",
        }
    }
}

/// The queue as the secretariat sees it (see [`crate::mail::MailQueue`]).
pub async fn queue(s: &Services) -> Result<crate::mail::MailQueue, AppError> {
    use sea_orm::PaginatorTrait;
    let unsent = || mail::Entity::find().filter(mail::Column::SentAt.is_null());
    let waiting = unsent().filter(mail::Column::Attempts.eq(0)).count(&s.db).await?;
    let retrying = unsent().filter(mail::Column::Attempts.gt(0)).count(&s.db).await?;
    let sent = mail::Entity::find().filter(mail::Column::SentAt.is_not_null()).count(&s.db).await?;
    let failing = unsent()
        .filter(mail::Column::Attempts.gt(0))
        .order_by_desc(mail::Column::Attempts)
        .order_by_asc(mail::Column::Id)
        .limit(crate::mail::FAILING_LISTED)
        .all(&s.db)
        .await?
        .into_iter()
        .map(|m| crate::mail::MailFailure {
            id: m.id,
            recipient: m.recipient,
            subject: m.subject,
            created_at: m.created_at,
            attempts: m.attempts,
            last_error: m.last_error.unwrap_or_default(),
            next_attempt_at: m.next_attempt_at,
        })
        .collect();
    Ok(crate::mail::MailQueue { transport: s.mailer.kind().to_string(), waiting, retrying, sent, failing })
}

/// Makes every failing message (or the one `id`) due now and wakes the worker; answers how
/// many. A sent message is never sent again.
pub async fn retry_now(s: &Services, id: Option<i32>) -> Result<u64, AppError> {
    let mut q = mail::Entity::update_many()
        .col_expr(mail::Column::NextAttemptAt, Expr::value(s.now()))
        .filter(mail::Column::SentAt.is_null())
        .filter(mail::Column::Attempts.gt(0));
    if let Some(id) = id {
        q = q.filter(mail::Column::Id.eq(id));
    }
    let n = q.exec(&s.db).await?.rows_affected;
    if id.is_some() && n == 0 {
        return Err(AppError::NotFound("No such message waiting to be sent again.".into()));
    }
    s.wake_mail();
    Ok(n)
}

/// The node's mail worker: delivers at once when woken, and every few seconds otherwise
/// (messages queued by other nodes, retries).
pub async fn run_worker(s: Services) {
    loop {
        if let Err(e) = deliver_due(&s).await {
            tracing::warn!("mail worker: {e}");
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), s.mail_wake.notified()).await;
    }
}

async fn write_outbox(dir: &Path, to: &str, subject: &str, body: &str) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let now = chrono::Utc::now();
    let name = format!("{}-{}.eml", now.format("%Y%m%dT%H%M%S%.6fZ"), uuid::Uuid::new_v4().simple());
    let text = format!("Date: {}\nTo: {to}\nSubject: {subject}\n\n{body}\n", now.to_rfc2822());
    tokio::fs::write(dir.join(&name), text).await?;
    for line in body.lines().filter(|l| l.contains("://")) {
        tracing::info!(to, subject, link = line.trim(), file = %name, "mail written to the outbox");
    }
    Ok(())
}

/// Messages in the outbox for one recipient, oldest first (for tests and the README's tip).
pub fn read_outbox(dir: &Path, to: &str) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|t| t.lines().any(|l| l.eq_ignore_ascii_case(&format!("To: {to}"))))
        .collect()
}

/// The first link in a message that contains `needle`.
pub fn find_link(message: &str, needle: &str) -> Option<String> {
    message
        .split_whitespace()
        .find(|w| w.starts_with("http") && w.contains(needle))
        .map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(super::backoff(0).num_seconds(), 30);
        assert_eq!(super::backoff(1).num_seconds(), 60);
        assert_eq!(super::backoff(20).num_seconds(), 3600);
    }
}
