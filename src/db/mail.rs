//! Outgoing mail: SMTP through lettre when `SMTP_URL` is set, otherwise one file per
//! message in the outbox folder, so a laptop needs no mail server.

use std::path::{Path, PathBuf};

use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Config;

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

    /// Sends a message written in English in `lang` (see [`crate::messages`]).
    pub async fn send_in(&self, lang: &str, to: &str, subject: &str, body: &str) {
        let tr = |t: &str| crate::messages::translate(t, lang);
        self.send(to, &tr(subject), &tr(body)).await;
    }

    /// Sends (or files) one plain-text message. Failures are logged, never shown to the
    /// requester, so that answers do not depend on whether an address exists.
    pub async fn send(&self, to: &str, subject: &str, body: &str) {
        match self {
            Mailer::Outbox(dir) => {
                if let Err(e) = write_outbox(dir, to, subject, body).await {
                    tracing::error!(error = %e, "could not write to the mail outbox");
                }
            }
            Mailer::Smtp { transport, from } => {
                let msg = Message::builder()
                    .from(match from.parse() {
                        Ok(f) => f,
                        Err(e) => {
                            tracing::error!(error = %e, "MAIL_FROM is not an address");
                            return;
                        }
                    })
                    .to(match to.parse() {
                        Ok(t) => t,
                        Err(e) => {
                            tracing::error!(error = %e, "recipient is not an address");
                            return;
                        }
                    })
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(body.to_string());
                match msg {
                    Ok(m) => {
                        if let Err(e) = transport.send(m).await {
                            tracing::error!(error = %e, "SMTP delivery failed");
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "could not build the message"),
                }
            }
        }
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
