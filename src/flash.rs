//! The message a form posted without JavaScript leaves for the page it returns to ("Your
//! vote is recorded", or the refusal). It travels in a short-lived cookie signed with the
//! server's key, never in the URL, so a link cannot make a page show a text the server did
//! not write.

use serde::{Deserialize, Serialize};

/// Name of the cookie.
pub const COOKIE: &str = "wsis_flash";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashKind {
    Notice,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
    /// The page (path without query) that shows it.
    pub path: String,
}

/// A cookie value the server signs: `value` as hex-encoded JSON and its MAC, keyed for
/// `purpose` (so that a value sealed for one cookie opens as no other).
#[cfg(feature = "ssr")]
pub fn seal_json<T: Serialize>(secret: &[u8], purpose: &str, value: &T) -> String {
    let body = hex::encode(serde_json::to_vec(value).unwrap_or_default());
    let mac = &crate::db::auth::keyed_hash(secret, format!("{purpose}:{body}").as_bytes())[..32];
    format!("{body}.{mac}")
}

/// The value of a [`seal_json`] cookie, if the server sealed it for `purpose`.
#[cfg(feature = "ssr")]
pub fn open_json<T: serde::de::DeserializeOwned>(secret: &[u8], purpose: &str, value: &str) -> Option<T> {
    let (body, mac) = value.rsplit_once('.')?;
    let expected = &crate::db::auth::keyed_hash(secret, format!("{purpose}:{body}").as_bytes())[..32];
    if !crate::db::auth::same_secret(expected, mac) {
        return None;
    }
    serde_json::from_slice(&hex::decode(body).ok()?).ok()
}

/// The cookie's value: the message (its text clipped) sealed.
#[cfg(feature = "ssr")]
pub fn seal(secret: &[u8], flash: &Flash) -> String {
    let mut f = flash.clone();
    f.text = f.text.chars().take(600).collect();
    seal_json(secret, "flash", &f)
}

/// The message of a cookie value, if the server signed it.
#[cfg(feature = "ssr")]
pub fn open(secret: &[u8], value: &str) -> Option<Flash> {
    open_json(secret, "flash", value)
}

/// A redirect target (a form post's, or the page to return to after signing in,
/// `/signin?next=…`): a path on this site, or `/`. `//host/…` and `/\host` are other sites
/// to a browser and become `/`, and so does anything with a control character or a space.
pub fn local_path(candidate: &str) -> String {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.starts_with("/\\")
        && !candidate.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok { candidate.to_string() } else { "/".to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site() {
        assert_eq!(local_path("/categories/c5?q=1"), "/categories/c5?q=1");
        for bad in ["//evil.example/x", "/\\evil.example", "https://evil.example", "", "x", "/a\r\nSet-Cookie: x", "javascript:alert(1)", "/\t/evil.example", " //evil.example"] {
            assert_eq!(local_path(bad), "/", "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn no_redirect_target_names_another_host(s in "\\PC{0,40}") {
            let p = local_path(&s);
            proptest::prop_assert!(p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\"));
            proptest::prop_assert!(p == "/" || p == s);
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_flash_opens_only_with_its_signature() {
        let f = Flash { kind: FlashKind::Notice, text: "Your vote is recorded.".into(), path: "/categories/c5".into() };
        let sealed = seal(b"k1", &f);
        assert_eq!(open(b"k1", &sealed), Some(f));
        assert_eq!(open(b"k2", &sealed), None, "another key");
        let forged = format!("{}.{}", hex::encode(br#"{"kind":"Error","text":"Call +1 555","path":"/"}"#), "0".repeat(32));
        assert_eq!(open(b"k1", &forged), None);
    }
}
