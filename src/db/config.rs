//! Configuration from the environment, with defaults that work on a laptop.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the platform is reached, e.g. `http://127.0.0.1:3000`; used in e-mailed links,
    /// for the cookie's `Secure` flag and to refuse cross-origin posts.
    pub public_url: String,
    pub database_url: String,
    /// Folder for the embedded database, the mail outbox and the generated secret.
    pub data_dir: PathBuf,
    /// Key for receipts, origin hashes and tokens. Several app nodes must share it.
    pub secret: Vec<u8>,
    /// `smtp://user:pass@host:port` or `smtps://…`; without it mail goes to the outbox.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Seconds a session lives.
    pub session_ttl_secs: i64,
    /// Trust `X-Forwarded-For` for the client address (behind a reverse proxy).
    pub trust_forwarded_for: bool,
}

impl Config {
    pub fn cookie_secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Reads the environment. The secret comes from `APP_SECRET`, otherwise from
    /// `<data>/secret.key`, created on first start.
    pub fn from_env() -> std::io::Result<Config> {
        let data_dir = PathBuf::from(std::env::var("DATA_DIR").unwrap_or_else(|_| "data".into()));
        std::fs::create_dir_all(&data_dir)?;
        let database_url = std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", data_dir.join("wsis.db").display())
        });
        let secret = match std::env::var("APP_SECRET") {
            Ok(s) if s.len() >= 16 => s.into_bytes(),
            _ => {
                let path = data_dir.join("secret.key");
                match std::fs::read(&path) {
                    Ok(b) if b.len() >= 32 => b,
                    _ => {
                        use rand::RngCore;
                        let mut key = [0u8; 32];
                        rand::rng().fill_bytes(&mut key);
                        let hex = hex::encode(key).into_bytes();
                        std::fs::write(&path, &hex)?;
                        hex
                    }
                }
            }
        };
        let addr = std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
        Ok(Config {
            public_url: std::env::var("PUBLIC_URL").unwrap_or_else(|_| format!("http://{addr}")).trim_end_matches('/').to_string(),
            database_url,
            data_dir,
            secret,
            smtp_url: std::env::var("SMTP_URL").ok().filter(|s| !s.is_empty()),
            mail_from: std::env::var("MAIL_FROM").unwrap_or_else(|_| "WSIS Prizes <no-reply@wsis-prizes.local>".into()),
            session_ttl_secs: std::env::var("SESSION_TTL_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(14 * 24 * 3600),
            trust_forwarded_for: std::env::var("TRUST_FORWARDED_FOR").is_ok_and(|v| v == "1" || v == "true"),
        })
    }

    /// A configuration for tests and tools: everything under `data_dir`, a fixed secret.
    pub fn for_tests(data_dir: PathBuf, database_url: String, public_url: String) -> Config {
        Config {
            public_url,
            database_url,
            data_dir,
            secret: b"test-secret-test-secret-test-secret".to_vec(),
            smtp_url: None,
            mail_from: "WSIS Prizes <no-reply@wsis-prizes.local>".into(),
            session_ttl_secs: 3600,
            trust_forwarded_for: false,
        }
    }
}
