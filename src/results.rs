//! Released results: winners and champions per category, the exports' rows, the bar
//! chart, and the published tally digest that lets anyone recount from the vote ledger.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::account::Role;

/// Who looks at an edition's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Public,
    Announcer,
    Admin,
}

impl Viewer {
    /// The viewer a confirmed account's roles make (unconfirmed accounts are the public).
    pub fn of(roles: &[Role], confirmed: bool) -> Viewer {
        if !confirmed {
            Viewer::Public
        } else if roles.contains(&Role::Admin) {
            Viewer::Admin
        } else if roles.contains(&Role::Announcer) {
            Viewer::Announcer
        } else {
            Viewer::Public
        }
    }
}

/// What a viewer may see of an edition's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    /// Champions, winners and the experts' scores (pages, files, API, command line).
    pub results: bool,
    /// Vote counts wherever results show them, the vote ledger and its digest.
    pub counts: bool,
    /// The running tally of votes.
    pub live_tally: bool,
}

/// The one rule of the embargo, which every surface asks: admins see everything at any
/// time; announcers prepare the announcement once the champions are computed, with the
/// counts the public will get; the public sees the results once they are released, and
/// vote counts only if the edition publishes them.
pub fn visibility(viewer: Viewer, released: bool, champions_computed: bool, publish_vote_counts: bool) -> Visibility {
    match viewer {
        Viewer::Admin => Visibility { results: true, counts: true, live_tally: true },
        Viewer::Announcer => {
            let results = released || champions_computed;
            Visibility { results, counts: results && publish_vote_counts, live_tally: released && publish_vote_counts }
        }
        Viewer::Public => {
            let counts = released && publish_vote_counts;
            Visibility { results: released, counts, live_tally: counts }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultLine {
    pub nominee: Uuid,
    pub title: String,
    pub organisation: String,
    pub country: String,
    pub region: String,
    pub stakeholder_type: String,
    pub short_description: String,
    /// None when the edition does not publish vote counts.
    pub valid_votes: Option<u64>,
    /// The experts' result (0–100) when scored.
    pub expert_score: Option<f64>,
    pub winner: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryResult {
    pub slug: String,
    pub code: String,
    pub name: String,
    /// Winners first, then the other champions by valid votes.
    pub champions: Vec<ResultLine>,
    /// (title, valid votes) of every nominee of the category, most votes first; empty when
    /// the edition does not publish vote counts.
    pub votes: Vec<(String, u64)>,
}

impl CategoryResult {
    pub fn winners(&self) -> impl Iterator<Item = &ResultLine> {
        self.champions.iter().filter(|l| l.winner)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsView {
    pub year: i32,
    pub title: String,
    pub released: bool,
    pub released_at: Option<chrono::DateTime<chrono::Utc>>,
    pub publish_vote_counts: bool,
    pub categories: Vec<CategoryResult>,
}

/// One row of the CSV/JSON/XLSX exports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRow {
    pub edition: i32,
    pub category_code: String,
    pub category_name: String,
    /// 1-based place within the category: winners first, then champions by votes.
    pub rank: u32,
    /// `winner` or `champion`.
    pub result: String,
    pub title: String,
    pub organisation: String,
    pub country: String,
    pub region: String,
    pub stakeholder_type: String,
    pub valid_votes: Option<u64>,
    pub expert_score: Option<f64>,
}

pub const EXPORT_HEADERS: [&str; 12] = [
    "edition",
    "category_code",
    "category_name",
    "rank",
    "result",
    "title",
    "organisation",
    "country",
    "region",
    "stakeholder_type",
    "valid_votes",
    "expert_score",
];

impl ExportRow {
    pub fn cells(&self) -> [String; 12] {
        [
            self.edition.to_string(),
            self.category_code.clone(),
            self.category_name.clone(),
            self.rank.to_string(),
            self.result.clone(),
            self.title.clone(),
            self.organisation.clone(),
            self.country.clone(),
            self.region.clone(),
            self.stakeholder_type.clone(),
            self.valid_votes.map(|v| v.to_string()).unwrap_or_default(),
            self.expert_score.map(|v| format!("{v:.2}")).unwrap_or_default(),
        ]
    }
}

pub fn export_rows(v: &ResultsView) -> Vec<ExportRow> {
    let mut out = Vec::new();
    for c in &v.categories {
        for (i, l) in c.champions.iter().enumerate() {
            out.push(ExportRow {
                edition: v.year,
                category_code: c.code.clone(),
                category_name: c.name.clone(),
                rank: i as u32 + 1,
                result: if l.winner { "winner" } else { "champion" }.into(),
                title: l.title.clone(),
                organisation: l.organisation.clone(),
                country: l.country.clone(),
                region: l.region.clone(),
                stakeholder_type: l.stakeholder_type.clone(),
                valid_votes: l.valid_votes,
                expert_score: l.expert_score.map(|s| (s * 100.0).round() / 100.0),
            });
        }
    }
    out
}

/// One RFC 4180 CSV field: quoted when it holds a comma, a quote or a line break, and
/// prefixed with `'` when a spreadsheet would run it as a formula.
pub fn csv_cell(s: &str) -> String {
    // the OWASP list of a formula's first characters, tab and carriage return included
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// RFC 4180 CSV with a header line (see [`csv_cell`]).
pub fn to_csv(rows: &[ExportRow]) -> String {
    let mut out = EXPORT_HEADERS.join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.cells().iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Parses what [`to_csv`] writes (used by tests and the verification command).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A horizontal bar chart of valid votes as SVG (server-rendered; the page carries the same
/// figures as a table for screen readers and text browsers).
pub fn bar_chart_svg(title: &str, bars: &[(String, u64)]) -> String {
    let row = 22;
    let label_w = 330;
    let bar_w = 300;
    let height = 30 + bars.len() * row;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {height}\" width=\"100%\" role=\"img\" aria-label=\"{t}\" class=\"chart\"><title>{t}</title>",
        w = label_w + bar_w + 70,
        t = xml_escape(title)
    );
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = 20 + i * row;
        let len = (*n as f64 / max as f64 * bar_w as f64).round() as u64;
        let short: String = if label.chars().count() > 48 { format!("{}…", label.chars().take(47).collect::<String>()) } else { label.clone() };
        s.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"12\" fill=\"currentColor\">{l}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{len}\" height=\"14\" fill=\"#1d5c96\"/>\
             <text x=\"{nx}\" y=\"{ty}\" font-size=\"12\" fill=\"currentColor\">{n}</text>",
            lx = label_w - 8,
            ty = y + 11,
            l = xml_escape(&short),
            bx = label_w,
            nx = label_w as u64 + len + 6,
        ));
    }
    s.push_str("</svg>");
    s
}

/// One line of the anonymised vote ledger: a counted vote, without its voter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub category: String,
    pub receipt: String,
    pub nominee: Uuid,
}

/// The published digest of one category: the counts and a hash over the sorted ledger lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryDigest {
    pub category: String,
    pub receipts: u64,
    /// (nominee, valid votes), most votes first.
    pub counts: Vec<(Uuid, u64)>,
    /// SHA-256 (hex) of the lines `receipt nominee\n`, sorted by receipt.
    pub root: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    pub edition: i32,
    pub categories: Vec<CategoryDigest>,
}

#[cfg(feature = "ssr")]
pub fn digest(edition: i32, ledger: &[LedgerEntry]) -> Digest {
    use sha2::{Digest as _, Sha256};
    use std::collections::BTreeMap;
    let mut by_cat: BTreeMap<&str, Vec<&LedgerEntry>> = BTreeMap::new();
    for e in ledger {
        by_cat.entry(e.category.as_str()).or_default().push(e);
    }
    let categories = by_cat
        .into_iter()
        .map(|(cat, mut list)| {
            list.sort_by(|a, b| (&a.receipt, a.nominee).cmp(&(&b.receipt, b.nominee)));
            let mut h = Sha256::new();
            let mut counts: BTreeMap<Uuid, u64> = BTreeMap::new();
            for e in &list {
                h.update(format!("{} {}\n", e.receipt, e.nominee).as_bytes());
                *counts.entry(e.nominee).or_default() += 1;
            }
            let mut counts: Vec<(Uuid, u64)> = counts.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            CategoryDigest { category: cat.to_string(), receipts: list.len() as u64, counts, root: hex::encode(h.finalize()) }
        })
        .collect();
    Digest { edition, categories }
}

/// Recomputes the digest from a ledger and compares: every difference is named.
#[cfg(feature = "ssr")]
pub fn verify(ledger: &[LedgerEntry], published: &Digest) -> Result<(), Vec<String>> {
    let mine = digest(published.edition, ledger);
    let mut problems = Vec::new();
    for p in &published.categories {
        match mine.categories.iter().find(|m| m.category == p.category) {
            None if p.receipts == 0 => {}
            None => problems.push(format!("{}: the ledger has no votes but the digest counts {}", p.category, p.receipts)),
            Some(m) => {
                if m.root != p.root {
                    problems.push(format!("{}: the ledger's hash {} differs from the published {}", p.category, m.root, p.root));
                }
                if m.receipts != p.receipts {
                    problems.push(format!("{}: {} receipts in the ledger, {} published", p.category, m.receipts, p.receipts));
                }
                let mut a = m.counts.clone();
                let mut b = p.counts.clone();
                a.sort();
                b.sort();
                if a != b {
                    problems.push(format!("{}: the counts recomputed from the ledger differ from the published counts", p.category));
                }
            }
        }
    }
    for m in &mine.categories {
        if !published.categories.iter().any(|p| p.category == m.category) {
            problems.push(format!("{}: in the ledger but not in the digest", m.category));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod visibility_tests {
    use super::*;

    #[test]
    fn the_embargo_holds_for_everyone_but_admins_until_release() {
        for computed in [false, true] {
            for publish in [false, true] {
                let public = visibility(Viewer::Public, false, computed, publish);
                assert_eq!(public, Visibility { results: false, counts: false, live_tally: false });
                let admin = visibility(Viewer::Admin, false, computed, publish);
                assert!(admin.results && admin.counts && admin.live_tally);
                let announcer = visibility(Viewer::Announcer, false, computed, publish);
                assert_eq!(announcer.results, computed, "announcers prepare once champions exist");
                assert!(!announcer.live_tally, "nobody but admins follows the running count");
            }
        }
    }

    #[test]
    fn unpublished_counts_stay_unpublished_after_release() {
        for viewer in [Viewer::Public, Viewer::Announcer] {
            let v = visibility(viewer, true, true, false);
            assert!(v.results && !v.counts && !v.live_tally, "{viewer:?}");
            let v = visibility(viewer, true, true, true);
            assert!(v.results && v.counts && v.live_tally, "{viewer:?}");
        }
        assert_eq!(Viewer::of(&[Role::Admin], false), Viewer::Public, "an unconfirmed account is the public");
        assert_eq!(Viewer::of(&[Role::Announcer, Role::Expert], true), Viewer::Announcer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str) -> ExportRow {
        ExportRow {
            edition: 2026,
            category_code: "C1".into(),
            category_name: "Governance".into(),
            rank: 1,
            result: "winner".into(),
            title: title.into(),
            organisation: "Org, \"quoted\"".into(),
            country: "Kenya".into(),
            region: "africa".into(),
            stakeholder_type: "government".into(),
            valid_votes: Some(12),
            expert_score: Some(81.256),
        }
    }

    #[test]
    fn csv_round_trips_and_defuses_formulas() {
        let rows = vec![row("Plain"), row("=HYPERLINK(\"x\")"), row("Line\nbreak"), row("\t=1+1"), row("\r@SUM(A1)")];
        let parsed = parse_csv(&to_csv(&rows));
        assert_eq!(parsed.len(), 6);
        assert_eq!(parsed[4][5], "'\t=1+1", "a leading tab is defused too");
        assert_eq!(parsed[5][5], "'\r@SUM(A1)", "and a carriage return");
        assert_eq!(parsed[0], EXPORT_HEADERS.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(parsed[1][6], "Org, \"quoted\"");
        assert_eq!(parsed[2][5], "'=HYPERLINK(\"x\")");
        assert_eq!(parsed[3][5], "Line\nbreak");
        assert_eq!(parsed[1][11], "81.26");
    }

    #[test]
    fn chart_is_escaped_svg_with_a_title() {
        let s = bar_chart_svg("Votes <C1>", &[("A & B".into(), 10), ("C".into(), 0)]);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("<title>Votes &lt;C1&gt;</title>"));
        assert!(s.contains("A &amp; B"));
        assert_eq!(s.matches("<rect").count(), 2);
    }

    #[cfg(feature = "ssr")]
    mod digest {
        use super::super::*;
        use proptest::prelude::*;

        fn ledger() -> Vec<LedgerEntry> {
            let n = |i| Uuid::from_u128(i);
            vec![
                LedgerEntry { category: "C1".into(), receipt: "aaaa".into(), nominee: n(1) },
                LedgerEntry { category: "C1".into(), receipt: "bbbb".into(), nominee: n(1) },
                LedgerEntry { category: "C1".into(), receipt: "cccc".into(), nominee: n(2) },
                LedgerEntry { category: "C2".into(), receipt: "dddd".into(), nominee: n(3) },
            ]
        }

        #[test]
        fn the_digest_verifies_and_detects_tampering() {
            let d = digest(2026, &ledger());
            assert_eq!(d.categories.len(), 2);
            assert_eq!(d.categories[0].counts, vec![(Uuid::from_u128(1), 2), (Uuid::from_u128(2), 1)]);
            assert_eq!(verify(&ledger(), &d), Ok(()));
            // a tampered count
            let mut bad = d.clone();
            bad.categories[0].counts[0].1 = 3;
            assert!(verify(&ledger(), &bad).unwrap_err()[0].contains("counts"));
            // a vote moved to another nominee in the ledger
            let mut moved = ledger();
            moved[2].nominee = Uuid::from_u128(1);
            assert!(verify(&moved, &d).is_err());
            // a receipt dropped
            assert!(verify(&ledger()[1..], &d).is_err());
        }

        proptest! {
            #[test]
            fn order_of_the_ledger_does_not_matter(mut entries in proptest::collection::vec((0u8..3, "[a-f0-9]{8}", 0u128..5), 0..40)) {
                let ledger: Vec<LedgerEntry> = entries.drain(..).map(|(c, r, n)| LedgerEntry { category: format!("C{c}"), receipt: r, nominee: Uuid::from_u128(n) }).collect();
                let mut reversed = ledger.clone();
                reversed.reverse();
                let d = digest(1, &ledger);
                prop_assert_eq!(&d, &digest(1, &reversed));
                prop_assert_eq!(verify(&reversed, &d), Ok(()));
                prop_assert_eq!(d.categories.iter().map(|c| c.receipts).sum::<u64>(), ledger.len() as u64);
            }
        }
    }
}
