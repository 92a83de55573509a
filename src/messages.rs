//! The server's messages (refusals, confirmations) in the six languages.
//!
//! Messages are written in English where they arise, as in gettext: the English text is
//! the message's identity. `src/catalogue/{ar,es,fr,ru,zh}.json` map each English template
//! (its variable parts written `{}`) to the language's text (the parts written `{0}`,
//! `{1}`, … in any order). At the edge of every server function the message is matched
//! against the templates and rewritten in the request's language; a variable part that is
//! itself a template (a field's label, a phase's name, a clause) is translated too, and a
//! date in it is written the language's way. A message without a template stays English
//! (a test fails on any message of the code that has none).

use std::collections::HashMap;
use std::sync::OnceLock;

const CATALOGUES: [(&str, &str); 5] = [
    ("ar", include_str!("catalogue/ar.json")),
    ("es", include_str!("catalogue/es.json")),
    ("fr", include_str!("catalogue/fr.json")),
    ("ru", include_str!("catalogue/ru.json")),
    ("zh", include_str!("catalogue/zh.json")),
];

struct Template {
    /// The literal parts around the variable parts (one more than the variables).
    parts: Vec<String>,
    key: String,
}

struct Catalogue {
    /// Most specific first (the most literal text).
    templates: Vec<Template>,
    texts: HashMap<String, HashMap<String, String>>,
}

fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| {
        let mut texts = HashMap::new();
        for (lang, json) in CATALOGUES {
            let map: HashMap<String, String> = serde_json::from_str(json).expect("a valid message catalogue");
            texts.insert(lang.to_string(), map);
        }
        let mut templates: Vec<Template> = texts["fr"]
            .keys()
            .map(|k| Template { parts: k.split("{}").map(str::to_string).collect(), key: k.clone() })
            .collect();
        templates.sort_by_key(|t| std::cmp::Reverse(t.parts.iter().map(String::len).sum::<usize>()));
        Catalogue { templates, texts }
    })
}

/// The English templates of the catalogue.
pub fn templates() -> Vec<&'static str> {
    catalogue().templates.iter().map(|t| t.key.as_str()).collect()
}

/// The raw catalogue text of a language (for the tests of the files).
pub fn catalogue_text(lang: &str) -> Option<&'static HashMap<String, String>> {
    catalogue().texts.get(lang)
}

/// The variable parts of `message` when it has the shape of `t`.
fn capture<'m>(t: &Template, message: &'m str) -> Option<Vec<&'m str>> {
    let rest = message.strip_prefix(t.parts[0].as_str())?;
    if t.parts.len() == 1 {
        return rest.is_empty().then(Vec::new);
    }
    let last = t.parts.last().expect("parts");
    let mut body = rest.strip_suffix(last.as_str())?;
    let mut args = Vec::with_capacity(t.parts.len() - 1);
    for part in &t.parts[1..t.parts.len() - 1] {
        let at = body.find(part.as_str())?;
        args.push(&body[..at]);
        body = &body[at + part.len()..];
    }
    args.push(body);
    args.iter().all(|a| !a.is_empty()).then_some(args)
}

/// `message` in `lang` (`ar`, `es`, `fr`, `ru`, `zh`; English and unknown languages, or
/// a message without a template, come back unchanged).
pub fn translate(message: &str, lang: &str) -> String {
    translate_at(message, lang, 0).unwrap_or_else(|| message.to_string())
}

fn translate_at(message: &str, lang: &str, depth: u8) -> Option<String> {
    let c = catalogue();
    let texts = c.texts.get(lang)?;
    for t in &c.templates {
        let Some(args) = capture(t, message) else { continue };
        let mut out = texts.get(&t.key)?.clone();
        for (i, a) in args.iter().enumerate() {
            let a = if depth < 3 { translate_at(a, lang, depth + 1).or_else(|| relabel_date(a, lang)) } else { None }
                .unwrap_or_else(|| a.to_string());
            out = out.replace(&format!("{{{i}}}"), &a);
        }
        return Some(out);
    }
    None
}

/// `2026-03-31 23:00 CEST` (how messages name instants) written the language's way.
fn relabel_date(text: &str, lang: &str) -> Option<String> {
    let (stamp, zone) = text.rsplit_once(' ')?;
    if !matches!(zone, "CET" | "CEST" | "UTC") {
        return None;
    }
    let t = chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M").ok()?;
    Some(crate::format::naive(t, zone, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_template_with_its_parts() {
        let en = templates();
        assert!(en.len() > 200, "{} templates", en.len());
        for (lang, _) in CATALOGUES {
            let texts = catalogue_text(lang).unwrap();
            assert_eq!(texts.len(), en.len(), "{lang}: the same templates as the others");
            for key in &en {
                let text = texts.get(*key).unwrap_or_else(|| panic!("{lang} lacks “{key}”"));
                assert!(!text.trim().is_empty(), "{lang}: “{key}” is empty");
                for i in 0..key.matches("{}").count() {
                    assert!(text.contains(&format!("{{{i}}}")), "{lang}: “{key}” loses part {i} in “{text}”");
                }
                assert!(!text.contains("{}"), "{lang}: “{text}” numbers its parts");
            }
        }
    }

    #[test]
    fn messages_read_in_the_chosen_language() {
        assert_eq!(translate("You have already voted in this category. Votes are final.", "fr"), "Vous avez déjà voté dans cette catégorie. Les votes sont définitifs.");
        assert_eq!(
            translate("Voting closed on 2026-03-31 23:00 CEST (Geneva time): its deadline has passed.", "es"),
            "Fase «votación pública»: terminó el 31 de marzo de 2026, 23:00 CEST (hora de Ginebra); el plazo ha vencido."
        );
        // a label inside a message is translated too
        assert_eq!(translate("The title is required.", "fr"), "Le titre : ce champ est obligatoire.");
        assert_eq!(translate("Display name may have at most 100 characters.", "ru"), "Отображаемое имя: не более 100 символов.");
        // a clause inside a message, with phase names inside the clause
        assert_eq!(
            translate("This schedule is refused: the Review phase opens before the Voting phase closes.", "fr"),
            "Ce calendrier est refusé : la phase « évaluation par les experts » ouvre avant la fermeture de la phase « vote public »."
        );
        // parts may move: Chinese puts the category before the count
        assert_eq!(
            translate("Acme has already submitted 2 project(s) in category C7 this year; the limit is 2 per organisation and category.", "zh"),
            "Acme 今年已在类别 C7 中提交了 2 个项目；每个组织每个类别的上限为 2 个。"
        );
        // English, unknown languages and unknown messages are unchanged
        let m = "You have already voted in this category. Votes are final.";
        assert_eq!(translate(m, "en"), m);
        assert_eq!(translate(m, "xx"), m);
        assert_eq!(translate("Some message nobody wrote.", "fr"), "Some message nobody wrote.");
    }

    #[test]
    fn a_template_needs_every_part() {
        // "{} is required." must not match a bare " is required."
        assert_eq!(translate(" is required.", "fr"), " is required.");
    }

    /// Every message-like text in the code (refusals, field errors, notices) has a
    /// template, so that no language falls back to English.
    #[test]
    fn every_message_of_the_code_has_a_template() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let known: std::collections::HashSet<String> = templates().into_iter().map(str::to_string).collect();
        // (e-mails, whose bodies span lines, have tests of their own next to them)
        let not_messages: [&str; 0] = [];
        let mut missing = Vec::new();
        let mut seen = 0;
        for dir in ["src", "app/src/api"] {
            for file in rust_files(&root.join(dir)) {
                let rel = file.strip_prefix(root).unwrap().to_string_lossy().to_string();
                if rel.starts_with("src/db/seed.rs") || rel.starts_with("src/db/migration") || rel.ends_with("messages.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&file).unwrap();
                let text = text.split("#[cfg(test)]").next().unwrap().replace("\\\n", "");
                for line in text.lines() {
                    let l = line.trim_start();
                    if l.starts_with("//") || l.contains("tracing::") || l.contains("expect(") {
                        continue;
                    }
                    let is_error_attr = l.contains("#[error(") || l.starts_with('"') && line.contains("has passed");
                    for lit in literals(line) {
                        let t = normalise(&lit);
                        let sentence_like = t.split_whitespace().count() >= 3
                            && (t.starts_with(|c: char| c.is_uppercase() || c == '“' || c == '{'))
                            && t.ends_with(['.', '!', '?', ')'])
                            && !t.contains(['<', '='])
                            && !t.contains("::")
                            && !t.contains("\\n");
                        let clause = is_error_attr && t != "{}" && t.split_whitespace().count() >= 3;
                        if !(sentence_like || clause) || not_messages.contains(&t.as_str()) {
                            continue;
                        }
                        seen += 1;
                        if !known.contains(&t) && !known.contains(&crate::edition::sentence(&t)) {
                            missing.push(format!("{rel}: {t}"));
                        }
                    }
                }
            }
        }
        assert!(seen > 150, "the scan finds the messages ({seen})");
        assert!(missing.is_empty(), "messages without a template in src/catalogue:\n{}", missing.join("\n"));
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(rust_files(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
        out
    }

    /// The string literals of a line.
    fn literals(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' {
                // a char literal such as '"' is not the start of a string
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("\"'") || rest.starts_with("\\\"'") {
                    chars.nth(rest.find('\'').unwrap());
                }
                continue;
            }
            if c != '"' {
                continue;
            }
            let mut s = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            s.push('\\');
                            s.push(n);
                        }
                    }
                    '"' => break,
                    _ => s.push(c),
                }
            }
            out.push(s);
        }
        out
    }

    /// Every `{…}` of a format string as `{}`.
    fn normalise(s: &str) -> String {
        let mut out = String::new();
        let mut depth = false;
        for c in s.chars() {
            match c {
                '{' => {
                    depth = true;
                    out.push_str("{}");
                }
                '}' if depth => depth = false,
                _ if depth => {}
                _ => out.push(c),
            }
        }
        out
    }
}
