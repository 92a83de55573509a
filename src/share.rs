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

/// The card image's size: Open Graph's 1.91:1, at the size the large cards show it.
pub const CARD_WIDTH: u32 = 1200;
pub const CARD_HEIGHT: u32 = 630;

/// What a share card says: the edition on its band, a kicker line (the category), the title
/// (up to three lines), a byline (the organisation and country) and the call ("Vote until
/// …"). Never a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub edition: String,
    pub kicker: String,
    pub title: String,
    pub byline: String,
    pub call: String,
}

/// `text` in lines of at most `width` characters, broken between words, at most `lines`
/// of them (the last one ending in "…" when text is left over).
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = clip(word, width);
        if line.is_empty() {
            line = word;
        } else if line.chars().count() + 1 + word.chars().count() <= width {
            line.push(' ');
            line.push_str(&word);
        } else {
            out.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    if out.len() > lines {
        let rest = out[lines - 1..].join(" ");
        out.truncate(lines - 1);
        out.push(clip(&rest, width));
    }
    out
}

/// The card as SVG (rendered to PNG by the server): plain shapes and text in the fonts
/// the server bundles.
pub fn card_svg(card: &Card) -> String {
    const FONT: &str = "DejaVu Sans";
    let title_lines = wrap(&card.title, 28, 3);
    let mut title = String::new();
    for (i, l) in title_lines.iter().enumerate() {
        title.push_str(&format!(r#"<tspan x="80" y="{}">{}</tspan>"#, 268 + i * 72, xml_escape(l)));
    }
    let byline_y = 268 + title_lines.len() * 72 + 14;
    let call = clip(&card.call, 48);
    let call_width = (call.chars().count() as f64 * 21.5 + 64.0).min(1040.0);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}"><rect width="{w}" height="{h}" fill="#f4f7fa"/><rect width="{w}" height="120" fill="#00558c"/><text x="80" y="76" font-size="38" font-weight="700" fill="#ffffff">{edition}</text><text x="80" y="186" font-size="30" font-weight="700" fill="#00558c">{kicker}</text><text font-size="58" font-weight="700" fill="#14171a">{title}</text><text x="80" y="{byline_y}" font-size="30" fill="#3d4852">{byline}</text><rect x="80" y="510" width="{call_width:.0}" height="76" rx="14" fill="#00558c"/><text x="112" y="560" font-size="34" font-weight="700" fill="#ffffff">{call}</text></svg>"##,
        w = CARD_WIDTH,
        h = CARD_HEIGHT,
        edition = xml_escape(&clip(&card.edition, 48)),
        kicker = xml_escape(&clip(&card.kicker, 64)),
        byline = xml_escape(&clip(&card.byline, 64)),
        call = xml_escape(&call),
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
    fn a_card_wraps_long_titles_and_escapes_what_it_shows() {
        let card = Card {
            edition: "WSIS Prizes 2027".into(),
            kicker: "C7 E-health".into(),
            title: "A very long project title that keeps going on and on across many more words than three lines can hold <script>".into(),
            byline: "Org & Co · Kenya".into(),
            call: "Vote until 30 April 2027".into(),
        };
        let svg = card_svg(&card);
        assert_eq!(svg.matches("<tspan").count(), 3, "three title lines at most: {svg}");
        assert!(svg.contains("Org &amp; Co") && !svg.contains("<script>"), "{svg}");
        assert!(svg.contains(r#"width="1200" height="630""#));
    }

    proptest! {
        #[test]
        fn wrapped_lines_keep_to_their_width_and_count(text in "[a-zA-Z ]{0,300}", width in 5usize..40, lines in 1usize..5) {
            let out = wrap(&text, width, lines);
            prop_assert!(out.len() <= lines);
            for l in &out {
                prop_assert!(l.chars().count() <= width, "{l:?} wider than {width}");
            }
            // nothing is lost when it fits
            let words: Vec<&str> = text.split_whitespace().collect();
            if out.len() < lines && words.iter().all(|w| w.len() <= width) {
                prop_assert_eq!(out.join(" "), words.join(" "));
            }
        }
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
