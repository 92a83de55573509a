//! Sign-in with an organisation's OpenID Connect provider (`OIDC_ISSUER`, `OIDC_CLIENT_ID`,
//! `OIDC_CLIENT_SECRET`): the authorisation code flow with PKCE, a nonce and a state.
//!
//! `/signin/oidc` sends the browser to the provider with a fresh state, nonce and PKCE
//! challenge, and keeps the three secrets in a short-lived cookie signed with the server's
//! key (so any node can finish the flow, and a callback in another browser finds nothing to
//! finish). `/signin/oidc/callback` compares the state, exchanges the code with the PKCE
//! verifier, checks the ID token (signature from the provider's published keys, issuer,
//! audience, expiry, nonce, access-token hash) and reads the verified e-mail address from
//! the token or the userinfo endpoint. That address is the link to the account: a confirmed
//! account signs in; a new one gives its name and country as after a first e-mailed code.
//! An address the provider has not verified signs nobody in.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use wsis::db::auth::Caller;
use wsis::db::config::OidcConfig;
use wsis::db::sign_in_code::{self as code, Verified};
use wsis::db::{RequestContext, Services, SESSION_COOKIE};

/// The cookie that carries a started flow's state, nonce and PKCE verifier.
pub const COOKIE: &str = "wsis_oidc";
/// How long a started sign-in may take at the provider.
pub const FLOW_SECS: i64 = 600;
/// How long a node keeps the provider's metadata and keys before reading them again.
const METADATA_TTL: Duration = Duration::from_secs(600);

pub const NOT_STARTED: &str = "This sign-in was not started in this browser, or it took too long. Please start it again.";
pub const NOT_COMPLETED: &str = "The sign-in with your organisation did not complete. Please try again, or sign in with a code by e-mail.";
pub const NOT_VERIFIED: &str =
    "Your organisation did not confirm an e-mail address for you, so it cannot sign you in here. Please sign in with a code by e-mail.";
pub const UNREACHABLE: &str = "Your organisation's sign-in cannot be reached just now. Please try again later, or sign in with a code by e-mail.";

/// The configured provider, its HTTP client and its metadata as last read.
pub struct Provider {
    config: OidcConfig,
    http: openidconnect::reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

/// What the flow cookie holds.
#[derive(Serialize, Deserialize)]
struct Flow {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    /// Unix seconds when it started.
    at: i64,
}

impl Provider {
    pub fn new(config: OidcConfig) -> Provider {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // following redirects would let a provider's answer send this server elsewhere
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client");
        Provider { config, http, metadata: tokio::sync::Mutex::new(None) }
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, String> {
        let mut held = self.metadata.lock().await;
        if let Some((at, m)) = held.as_ref() {
            if at.elapsed() < METADATA_TTL {
                return Ok(m.clone());
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| format!("OIDC_ISSUER: {e}"))?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(|e| format!("discovery: {e}"))?;
        *held = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    /// A client of the provider as discovered, returning to this platform's callback.
    async fn client(&self, public_url: &str) -> Result<Discovered, &'static str> {
        let meta = self.metadata().await.map_err(|e| {
            tracing::warn!("OpenID Connect provider: {e}");
            UNREACHABLE
        })?;
        let redirect = RedirectUrl::new(format!("{public_url}/signin/oidc/callback")).map_err(|_| UNREACHABLE)?;
        let secret = ClientSecret::new(self.config.client_secret.expose().clone());
        Ok(CoreClient::from_provider_metadata(meta, ClientId::new(self.config.client_id.clone()), Some(secret)).set_redirect_uri(redirect))
    }
}

/// A client of a discovered provider: its authorisation endpoint known, its token and
/// userinfo endpoints as its metadata says.
type Discovered = CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

fn seal(secret: &[u8], flow: &Flow) -> String {
    wsis::flash::seal_json(secret, "oidc", flow)
}

fn open(secret: &[u8], value: &str) -> Option<Flow> {
    wsis::flash::open_json(secret, "oidc", value)
}

fn redirect(to: &str, cookies: &[String]) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(to) {
        h.insert(header::LOCATION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Back to the sign-in page with the refusal as its message (the flow cookie removed).
fn refuse(s: &Services, message: &str, lang: &str, next: &str) -> Response {
    let flash = wsis::flash::Flash { kind: wsis::flash::FlashKind::Error, text: wsis::messages::translate(message, lang), path: "/signin".into() };
    let to = match next {
        "/" | "" => "/signin".to_string(),
        n => format!("/signin?next={}", wsis::share::encode(n)),
    };
    redirect(&to, &[s.config.cookie(wsis::flash::COOKIE, &wsis::flash::seal(&s.config.secret, &flash), 120), s.config.cookie(COOKIE, "", 0)])
}

#[derive(Deserialize)]
struct Start {
    next: Option<String>,
}

async fn start(State(s): State<Services>, Extension(p): Extension<Arc<Provider>>, ctx: Option<Extension<RequestContext>>, Query(q): Query<Start>) -> Response {
    let lang = ctx.map_or("en", |c| c.0.lang);
    let next = wsis::flash::local_path(q.next.as_deref().filter(|n| n.len() <= 1000).unwrap_or("/"));
    let client = match p.client(&s.config.public_url).await {
        Ok(c) => c,
        Err(m) => return refuse(&s, m, lang, &next),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let flow = Flow { state: state.secret().clone(), nonce: nonce.secret().clone(), verifier: verifier.secret().clone(), next, at: s.now().timestamp() };
    redirect(url.as_str(), &[s.config.cookie(COOKIE, &seal(&s.config.secret, &flow), FLOW_SECS as u64)])
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The provider's verified e-mail address of the signed-in person, or the refusal.
async fn verified_email(p: &Provider, s: &Services, flow: &Flow, code: String) -> Result<String, &'static str> {
    let client = p.client(&s.config.public_url).await?;
    let failed = |what: &str, e: String| {
        tracing::warn!("OpenID Connect sign-in refused at {what}: {e}");
        NOT_COMPLETED
    };
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| failed("the token endpoint", e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
        .request_async(&p.http)
        .await
        .map_err(|e| failed("the code exchange", e.to_string()))?;
    let id_token = token.id_token().ok_or_else(|| failed("the token answer", "no ID token".into()))?;
    let verifier = client.id_token_verifier();
    let claims = id_token.claims(&verifier, &Nonce::new(flow.nonce.clone())).map_err(|e| failed("the ID token", e.to_string()))?;
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token.signing_alg().map_err(|e| failed("the ID token's algorithm", e.to_string()))?;
        let key = id_token.signing_key(&verifier).map_err(|e| failed("the ID token's key", e.to_string()))?;
        let actual = AccessTokenHash::from_token(token.access_token(), alg, key).map_err(|e| failed("the access token hash", e.to_string()))?;
        if actual != *expected {
            return Err(failed("the access token hash", "it does not match".into()));
        }
    }
    let (email, verified) = match claims.email() {
        Some(e) => (e.as_str().to_string(), claims.email_verified()),
        None => {
            let info: CoreUserInfoClaims = client
                .user_info(token.access_token().clone(), Some(claims.subject().clone()))
                .map_err(|e| failed("the userinfo endpoint", e.to_string()))?
                .request_async(&p.http)
                .await
                .map_err(|e| failed("the userinfo answer", e.to_string()))?;
            (info.email().map(|e| e.as_str().to_string()).unwrap_or_default(), info.email_verified())
        }
    };
    if email.is_empty() || verified != Some(true) {
        return Err(NOT_VERIFIED);
    }
    Ok(email)
}

async fn callback(
    State(s): State<Services>,
    Extension(p): Extension<Arc<Provider>>,
    ctx: Option<Extension<RequestContext>>,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Response {
    let ctx = ctx.map(|c| c.0);
    let lang = ctx.as_ref().map_or("en", |c| c.lang);
    // the flow this browser started, if any, still fresh, and the state it was sent with
    let flow = crate::cookie_value(&headers, COOKIE).and_then(|v| open(&s.config.secret, &v)).filter(|f| (s.now().timestamp() - f.at).abs() <= FLOW_SECS);
    let Some(flow) = flow else { return refuse(&s, NOT_STARTED, lang, "/") };
    if !q.state.as_deref().is_some_and(|st| wsis::db::auth::same_secret(st, &flow.state)) {
        return refuse(&s, NOT_STARTED, lang, &flow.next);
    }
    if q.error.is_some() {
        return refuse(&s, NOT_COMPLETED, lang, &flow.next);
    }
    let Some(code) = q.code.filter(|c| !c.is_empty() && c.len() <= 2048) else { return refuse(&s, NOT_COMPLETED, lang, &flow.next) };
    let email = match verified_email(&p, &s, &flow, code).await {
        Ok(e) => e,
        Err(m) => return refuse(&s, m, lang, &flow.next),
    };
    let addr = ctx.as_ref().map_or("", |c| c.client_addr.as_str());
    let previous = ctx.as_ref().and_then(|c| c.session_token.clone());
    let held = crate::cookie_value(&headers, code::REQUEST_COOKIE);
    match code::sign_in_verified(&s, &email, &flow.next, held.as_deref(), Caller { addr, lang }, previous.as_deref()).await {
        Ok(Verified::Session(signed)) => redirect(
            &signed.next,
            &[
                s.config.cookie(SESSION_COOKIE, &signed.session, s.config.session_ttl_secs.max(0) as u64),
                s.config.cookie(code::KNOWN_COOKIE, &signed.known, code::KNOWN_COOKIE_SECS),
                s.config.cookie(COOKIE, "", 0),
            ],
        ),
        Ok(Verified::Profile { request, link }) => {
            let mut to = format!("/signin/code?token={link}");
            if flow.next != "/" {
                to.push_str(&format!("&next={}", wsis::share::encode(&flow.next)));
            }
            redirect(
                &to,
                &[s.config.cookie(code::REQUEST_COOKIE, &request, (wsis::account::SIGN_IN_CODE_TTL_MINUTES * 60) as u64), s.config.cookie(COOKIE, "", 0)],
            )
        }
        Err(e) => {
            let text = match &e {
                wsis::AppError::Invalid(m) => m.clone(),
                _ => NOT_COMPLETED.to_string(),
            };
            refuse(&s, &text, lang, &flow.next)
        }
    }
}

/// `/signin/oidc` and `/signin/oidc/callback`, when a provider is configured.
pub fn routes<S: Clone + Send + Sync + 'static>(services: Services) -> Router<S> {
    let Some(config) = services.config.oidc.clone() else { return Router::new() };
    let provider = Arc::new(Provider::new(config));
    Router::new()
        .route("/signin/oidc", get(start))
        .route("/signin/oidc/callback", get(callback))
        .layer(Extension(provider))
        .with_state(services)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_cookie_opens_only_as_the_server_sealed_it() {
        let f = Flow { state: "s".into(), nonce: "n".into(), verifier: "v".into(), next: "/categories".into(), at: 1 };
        let sealed = seal(b"key-key-key-key-key", &f);
        let back = open(b"key-key-key-key-key", &sealed).expect("opens");
        assert_eq!((back.state.as_str(), back.nonce.as_str(), back.verifier.as_str(), back.next.as_str(), back.at), ("s", "n", "v", "/categories", 1));
        assert!(open(b"another-key-another", &sealed).is_none(), "another key");
        let (body, mac) = sealed.rsplit_once('.').unwrap();
        let mut forged = hex::decode(body).unwrap();
        forged[2] ^= 1;
        assert!(open(b"key-key-key-key-key", &format!("{}.{mac}", hex::encode(forged))).is_none(), "an edited body");
        assert!(open(b"key-key-key-key-key", "garbage").is_none());
    }
}
