//! What a nominee's team shares: plain links to the networks' own share pages (no script of
//! theirs, no tracking pixel, nothing fetched from them until the visitor clicks), the
//! badge that links back to the nominee, and the addresses of both. Pure, so that a unit
//! test checks every link without a server.

use serde::{Deserialize, Serialize};

/// Where a nominee page can be shared, in the order the page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareTarget {
    X,
    LinkedIn,
    Facebook,
    WhatsApp,
    Telegram,
    Email,
}

impl ShareTarget {
    pub const ALL: [ShareTarget; 6] =
        [ShareTarget::X, ShareTarget::LinkedIn, ShareTarget::Facebook, ShareTarget::WhatsApp, ShareTarget::Telegram, ShareTarget::Email];

    /// The network's own name (not translated).
    pub fn name(self) -> &'static str {
        match self {
            ShareTarget::X => "X",
            ShareTarget::LinkedIn => "LinkedIn",
            ShareTarget::Facebook => "Facebook",
            ShareTarget::WhatsApp => "WhatsApp",
            ShareTarget::Telegram => "Telegram",
            ShareTarget::Email => "E-mail",
        }
    }

    /// A stable id for tests and styles.
    pub fn key(self) -> &'static str {
        match self {
            ShareTarget::X => "x",
            ShareTarget::LinkedIn => "linkedin",
            ShareTarget::Facebook => "facebook",
            ShareTarget::WhatsApp => "whatsapp",
            ShareTarget::Telegram => "telegram",
            ShareTarget::Email => "email",
        }
    }

    /// The share link: `page` is the nominee's absolute address, `text` the message that
    /// goes with it, `subject` the e-mail's subject.
    pub fn link(self, page: &str, text: &str, subject: &str) -> String {
        let (u, t) = (encode(page), encode(text));
        match self {
            ShareTarget::X => format!("https://twitter.com/intent/tweet?text={t}&url={u}"),
            ShareTarget::LinkedIn => format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
            ShareTarget::Facebook => format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
            ShareTarget::WhatsApp => format!("https://wa.me/?text={}", encode(&format!("{text} {page}"))),
            ShareTarget::Telegram => format!("https://t.me/share/url?url={u}&text={t}"),
            ShareTarget::Email => format!("mailto:?subject={}&body={}", encode(subject), encode(&format!("{text}\n\n{page}"))),
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so that a title with
/// `&`, `#`, `?` or a line break stays inside its query parameter.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A nominee's page, absolute (`public_url` without its trailing slash).
pub fn nominee_url(public_url: &str, nominee: uuid::Uuid) -> String {
    format!("{}/nominees/{nominee}", public_url.trim_end_matches('/'))
}

/// Escapes text for XML and HTML (element content and attribute values).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // control characters are not allowed in XML 1.0
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// Cuts a text to `max` characters at a word boundary, with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    if let Some(i) = out.rfind(' ').filter(|&i| i > max / 2) {
        out.truncate(i);
    }
    out.push('…');
    out
}

/// The "Vote for us" badge: an SVG image that a nominee's team puts on its own site, linked
/// to its nominee page. It carries the call, the edition and the project's title, never a
/// count. `call` is already translated ("Vote for us").
pub fn badge_svg(call: &str, edition_title: &str, project: &str) -> String {
    let project = clip(project, 38);
    let (call, edition, project) = (xml_escape(call), xml_escape(&clip(edition_title, 40)), xml_escape(&project));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="84" viewBox="0 0 320 84" role="img" aria-label="{call}: {project}"><title>{call}: {project}</title><rect width="320" height="84" rx="10" fill="#00558c"/><rect x="10" y="10" width="64" height="64" rx="8" fill="#fff"/><text x="42" y="54" font-family="system-ui,Segoe UI,Roboto,sans-serif" font-size="36" font-weight="700" fill="#00558c" text-anchor="middle">W</text><text x="88" y="32" font-family="system-ui,Segoe UI,Roboto,sans-serif" font-size="20" font-weight="700" fill="#fff">{call}</text><text x="88" y="52" font-family="system-ui,Segoe UI,Roboto,sans-serif" font-size="12" fill="#e8f0f7">{edition}</text><text x="88" y="70" font-family="system-ui,Segoe UI,Roboto,sans-serif" font-size="12" fill="#fff">{project}</text></svg>"##
    )
}

/// The HTML a team copies onto its site: the badge image, linked to the nominee page.
pub fn badge_snippet(page: &str, badge: &str, alt: &str) -> String {
    format!(r#"<a href="{}"><img src="{}" alt="{}" width="320" height="84"></a>"#, xml_escape(page), xml_escape(badge), xml_escape(alt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_link_names_the_page_and_no_script() {
        let page = "https://wsis.example/nominees/7d3c0d2e-9a43-4a8c-b0a5-2b9a0f1c1d11";
        for t in ShareTarget::ALL {
            let l = t.link(page, "Vote for A & B #1?", "WSIS Prizes");
            assert!(l.starts_with("https://") || l.starts_with("mailto:"), "{l}");
            assert!(l.contains(&encode(page)) || decode(l.split("text=").nth(1).unwrap_or("")).contains(page), "{t:?}: {l}");
            // the title's & # ? never end its parameter
            assert!(!l.contains("A & B"), "{l}");
            assert!(!l.contains("#1"), "{l}");
        }
        assert_eq!(ShareTarget::X.link(page, "a b", "s"), format!("https://twitter.com/intent/tweet?text=a%20b&url={}", encode(page)));
    }

    #[test]
    fn the_badge_escapes_titles_and_shows_no_number_but_its_own() {
        let svg = badge_svg("Vote for us", "WSIS Prizes 2026", "<script>alert(1)</script> & \"co\"");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let snippet = badge_snippet("https://x.example/nominees/1", "https://x.example/nominees/1/badge.svg", "Vote \"for\" us");
        assert!(snippet.contains("&quot;for&quot;"));
    }

    #[test]
    fn clipping_keeps_short_texts_and_cuts_long_ones_at_a_word() {
        assert_eq!(clip("short", 10), "short");
        let c = clip("a very long project title that goes on and on", 20);
        assert!(c.chars().count() <= 20, "{c}");
        assert!(c.ends_with('…'));
    }

    proptest! {
        #[test]
        fn encoding_round_trips_and_leaves_only_safe_bytes(s in ".{0,80}") {
            let e = encode(&s);
            prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
            prop_assert_eq!(decode(&e), s);
        }

        #[test]
        fn escaped_text_never_opens_a_tag(s in ".{0,80}") {
            let e = xml_escape(&s);
            prop_assert!(!e.contains('<') && !e.contains('>') && !e.contains('"'));
        }
    }
}
