//! Configuration from the environment, read in one place, with defaults that work on a
//! laptop. Secrets are wrapped so that no log line or `{:?}` prints them.

use std::path::PathBuf;

/// A value that never prints: `Debug` shows `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::Deref for Secret<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the platform is reached, e.g. `http://127.0.0.1:3000`; used in e-mailed links,
    /// for the cookie's `Secure` flag and to refuse cross-origin posts.
    pub public_url: String,
    pub database_url: Secret<String>,
    /// Folder for the embedded database, the mail outbox and the generated secret.
    pub data_dir: PathBuf,
    /// Key for receipts, origin hashes and tokens. Several app nodes must share it.
    pub secret: Secret<Vec<u8>>,
    /// `smtp://user:pass@host:port` or `smtps://…`; without it mail goes to the outbox.
    pub smtp_url: Option<Secret<String>>,
    pub mail_from: String,
    /// Seconds a session lives.
    pub session_ttl_secs: i64,
    /// How many reverse proxies of ours append to `X-Forwarded-For` (0: the header is
    /// ignored). The client is the address the outermost of them saw, counted from the
    /// right; anything further left was written by the client and proves nothing.
    pub trusted_proxy_hops: usize,
    /// A bearer token that opens `/metrics` from anywhere; without one, only requests from
    /// this machine (loopback, not through a proxy) see it.
    pub metrics_token: Option<Secret<String>>,
    /// Calls per minute to server functions per client address, and per signed-in account.
    pub rate_per_address: u32,
    pub rate_per_account: u32,
    /// Difficulty of a proof of work in bits (about 2^bits hashes), and the delay of its
    /// no-JavaScript answer.
    pub pow_bits: u8,
    pub pow_wait_secs: u32,
    /// Where the web server listens (`LEPTOS_SITE_ADDR`, default 127.0.0.1:3000).
    pub site_addr: std::net::SocketAddr,
    /// The built browser bundle and public files (`LEPTOS_SITE_ROOT`, default `target/site`).
    pub site_root: String,
    /// The demo data the laptop command asks for (`DEMO_DATA=1`, `DEMO_PHASE=review`);
    /// `None` on every real deployment.
    pub demo: Option<DemoPhase>,
    /// Log lines as JSON (`LOG_FORMAT=json`).
    pub log_json: bool,
    /// Sign-in with an organisation's OpenID Connect provider, when configured.
    pub oidc: Option<OidcConfig>,
}

/// An OpenID Connect provider (`OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`,
/// `OIDC_NAME`). Its redirect address is `{PUBLIC_URL}/signin/oidc/callback`.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The issuer URL; its `/.well-known/openid-configuration` is read at first use.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret<String>,
    /// What the sign-in button calls the provider ("Sign in with {name}").
    pub name: String,
}

impl OidcConfig {
    /// From the environment: all of issuer, client id and secret, or none of them.
    pub fn from_env() -> std::io::Result<Option<OidcConfig>> {
        match (env("OIDC_ISSUER"), env("OIDC_CLIENT_ID"), env("OIDC_CLIENT_SECRET")) {
            (None, None, None) => Ok(None),
            (Some(issuer), Some(client_id), Some(secret)) => Ok(Some(OidcConfig {
                issuer: issuer.trim().to_string(),
                client_id: client_id.trim().to_string(),
                client_secret: Secret(secret),
                name: env("OIDC_NAME").unwrap_or_else(|| "your organisation".into()),
            })),
            _ => Err(std::io::Error::other("OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together: set all three, or none")),
        }
    }
}

/// Where the demo edition stands when the laptop command starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoPhase {
    /// Its public vote is open.
    Voting,
    /// Voting closed, champions computed and scored by the demo experts.
    Review,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|s| !s.trim().is_empty())
}

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    env(name).and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

impl Config {
    pub fn cookie_secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// A `Set-Cookie` value of the platform's own cookies: the whole site, not readable by
    /// scripts, not sent by cross-site posts, `Secure` when the site is served over https;
    /// `max_age` 0 removes it.
    pub fn cookie(&self, name: &str, value: &str, max_age: u64) -> String {
        let secure = if self.cookie_secure() { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Reads the environment. The secret comes from `APP_SECRET`, otherwise from
    /// `<data>/secret.key`, created on first start.
    pub fn from_env() -> std::io::Result<Config> {
        let data_dir = PathBuf::from(env("DATA_DIR").unwrap_or_else(|| "data".into()));
        std::fs::create_dir_all(&data_dir)?;
        let database_url =
            env("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data_dir.join("wsis.db").display()));
        let secret = match env("APP_SECRET") {
            Some(s) if s.len() >= 16 => s.into_bytes(),
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
        let site_addr: std::net::SocketAddr =
            env("LEPTOS_SITE_ADDR").and_then(|a| a.trim().parse().ok()).unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 3000)));
        let demo = env("DEMO_DATA").filter(|v| v == "1" || v == "true").map(|_| match env("DEMO_PHASE").as_deref() {
            Some("review") => DemoPhase::Review,
            _ => DemoPhase::Voting,
        });
        let trusted_proxy_hops = match env("TRUST_FORWARDED_FOR").as_deref().map(str::trim) {
            None | Some("0" | "false" | "no") => 0,
            Some("true" | "yes") => 1,
            Some(n) => n.parse().unwrap_or(1),
        };
        Ok(Config {
            public_url: env("PUBLIC_URL").unwrap_or_else(|| format!("http://{site_addr}")).trim_end_matches('/').to_string(),
            database_url: Secret(database_url),
            data_dir,
            secret: Secret(secret),
            smtp_url: env("SMTP_URL").map(Secret),
            mail_from: env("MAIL_FROM").unwrap_or_else(|| "WSIS Prizes <no-reply@wsis-prizes.local>".into()),
            session_ttl_secs: env_num("SESSION_TTL_SECS", 14 * 24 * 3600),
            trusted_proxy_hops,
            metrics_token: env("METRICS_TOKEN").map(Secret),
            rate_per_address: env_num("RATE_PER_ADDRESS", 600),
            rate_per_account: env_num("RATE_PER_ACCOUNT", 240),
            pow_bits: env_num("POW_BITS", 18u8).min(28),
            pow_wait_secs: env_num("POW_WAIT_SECS", 15),
            site_addr,
            site_root: env("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            demo,
            log_json: env("LOG_FORMAT").is_some_and(|f| f == "json"),
            oidc: OidcConfig::from_env()?,
        })
    }

    /// A configuration for tests and tools: everything under `data_dir`, a fixed secret,
    /// the production limits, a quick proof of work, and one trusted proxy hop so that each
    /// test client can stand for a person at an address of its own.
    pub fn for_tests(data_dir: PathBuf, database_url: String, public_url: String) -> Config {
        Config {
            public_url,
            database_url: Secret(database_url),
            data_dir,
            secret: Secret(b"test-secret-test-secret-test-secret".to_vec()),
            smtp_url: None,
            mail_from: "WSIS Prizes <no-reply@wsis-prizes.local>".into(),
            // long enough for tests that move the clock across a whole edition
            session_ttl_secs: 400 * 24 * 3600,
            trusted_proxy_hops: 1,
            metrics_token: None,
            rate_per_address: 600,
            rate_per_account: 240,
            pow_bits: 10,
            pow_wait_secs: 1,
            site_addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: "target/site".into(),
            demo: None,
            log_json: false,
            oidc: None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_do_not_print() {
        let mut c = super::Config::for_tests("d".into(), "postgres://u:hunter2@db/x".into(), "http://x".into());
        c.smtp_url = Some(super::Secret::new("smtp://me:hunter2@mail".into()));
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("test-secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }
}
