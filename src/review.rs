//! Expert review of the champions: the rubric, score checks, aggregation into a ranking,
//! and the rule for choosing winners. Pure functions, shared by browser and server.
//!
//! An expert's score for a champion is the weighted mean of the criteria, each first put on
//! a common 0–100 points scale (`(score − min) / (max − min) × 100`), so that criteria with
//! different scales weigh only by their weight. With normalisation on, each expert's scores in
//! a category become z-scores across that expert's scores there, re-scaled to the mean and
//! standard deviation of all the category's scores; an expert who is harsher or kinder by a
//! constant then has no effect on the ranking. A champion's result is the mean over the
//! experts who scored it: a conflicted or absent expert is simply not in that mean.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable key (derived from the first label) under which scores are stored.
    pub key: String,
    pub label: String,
    pub weight: u32,
    pub min: i32,
    pub max: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub criteria: Vec<Criterion>,
    /// Per-expert normalisation (z-scores) before averaging.
    pub normalise: bool,
}

/// The eight ITU criteria, weight 1 each, scored 1–10.
pub const ITU_CRITERIA: [&str; 8] = [
    "Relevance to the Action Line",
    "Results and impact",
    "Community empowerment",
    "SDG relevance",
    "Potential for replication",
    "Sustainability",
    "Partnerships",
    "WSIS values",
];

impl Default for Rubric {
    fn default() -> Self {
        Rubric {
            criteria: ITU_CRITERIA
                .iter()
                .map(|l| Criterion { key: key_of(l), label: l.to_string(), weight: 1, min: 1, max: 10 })
                .collect(),
            normalise: false,
        }
    }
}

/// `"Results and impact"` → `"results-and-impact"`.
pub fn key_of(label: &str) -> String {
    let mut out = String::new();
    for ch in label.chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

pub const MAX_CRITERIA: usize = 20;

impl Rubric {
    /// The rubric as the editor's text: one criterion per line, `label | weight | min-max`.
    pub fn to_text(&self) -> String {
        self.criteria.iter().map(|c| format!("{} | {} | {}-{}", c.label, c.weight, c.min, c.max)).collect::<Vec<_>>().join("\n")
    }

    /// Parses the editor's text. Keys of criteria whose label stays the same are kept.
    pub fn parse(text: &str, normalise: bool) -> Result<Rubric, String> {
        let mut criteria = Vec::new();
        let mut keys = BTreeSet::new();
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let n = i + 1;
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let (label, weight, scale) = match parts.as_slice() {
                [l] => (*l, "1", "1-10"),
                [l, w] => (*l, *w, "1-10"),
                [l, w, s] => (*l, *w, *s),
                _ => return Err(format!("Line {n}: write “label | weight | min-max”.")),
            };
            if label.is_empty() || label.chars().count() > 120 {
                return Err(format!("Line {n}: the criterion needs a label of at most 120 characters."));
            }
            let weight: u32 = weight
                .parse()
                .ok()
                .filter(|w| (1..=100).contains(w))
                .ok_or_else(|| format!("Line {n}: the weight must be a whole number from 1 to 100."))?;
            let (min, max) = scale
                .split_once('-')
                .and_then(|(a, b)| Some((a.trim().parse::<i32>().ok()?, b.trim().parse::<i32>().ok()?)))
                .filter(|(a, b)| *a >= 0 && a < b && *b <= 100)
                .ok_or_else(|| format!("Line {n}: the scale must read like “1-10” (from 0 to 100, smallest first)."))?;
            let key = key_of(label);
            if key.is_empty() || !keys.insert(key.clone()) {
                return Err(format!("Line {n}: “{label}” repeats another criterion."));
            }
            criteria.push(Criterion { key, label: label.to_string(), weight, min, max });
        }
        if criteria.is_empty() {
            return Err("The rubric needs at least one criterion.".into());
        }
        if criteria.len() > MAX_CRITERIA {
            return Err(format!("The rubric can have at most {MAX_CRITERIA} criteria."));
        }
        Ok(Rubric { criteria, normalise })
    }

    /// Checks scores against the rubric. A draft may leave criteria out; a submission may not.
    pub fn check(&self, scores: &BTreeMap<String, i32>, complete: bool) -> Result<(), String> {
        for (k, v) in scores {
            let c = self.criteria.iter().find(|c| &c.key == k).ok_or_else(|| format!("“{k}” is not a criterion of this rubric."))?;
            if *v < c.min || *v > c.max {
                return Err(format!("“{}” is scored from {} to {}; {v} is outside the scale.", c.label, c.min, c.max));
            }
        }
        if complete {
            if let Some(c) = self.criteria.iter().find(|c| !scores.contains_key(&c.key)) {
                return Err(format!("Please score “{}” before submitting.", c.label));
            }
        }
        Ok(())
    }

    /// The weighted mean on 0–100 points of complete scores (None if a criterion is missing).
    pub fn points(&self, scores: &BTreeMap<String, i32>) -> Option<f64> {
        let mut sum = 0.0;
        let mut weights = 0.0;
        for c in &self.criteria {
            let s = *scores.get(&c.key)?;
            let span = f64::from(c.max - c.min);
            sum += f64::from(c.weight) * f64::from(s - c.min) / span * 100.0;
            weights += f64::from(c.weight);
        }
        (weights > 0.0).then(|| sum / weights)
    }
}

/// Parses form values (`criterion key → text`); empty values are left out.
pub fn parse_scores(form: &BTreeMap<String, String>) -> Result<BTreeMap<String, i32>, String> {
    let mut out = BTreeMap::new();
    for (k, v) in form {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let n = v.parse::<i32>().map_err(|_| format!("The score for “{k}” must be a whole number, not “{v}”."))?;
        out.insert(k.clone(), n);
    }
    Ok(out)
}

crate::keyed_enum! {
    /// Where an expert's review of one champion stands (`NotStarted` is never stored).
    pub enum ReviewStatus {
        NotStarted = "not_started",
        Draft = "draft",
        Submitted = "submitted",
        Conflict = "conflict",
    }
}

impl ReviewStatus {
    /// Scores saved with the rubric: it can no longer change.
    pub const SCORED: [ReviewStatus; 2] = [ReviewStatus::Draft, ReviewStatus::Submitted];
}

/// One expert's submitted result for one champion, on 0–100 points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExpertScore {
    pub expert: Uuid,
    pub champion: Uuid,
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    pub champion: Uuid,
    /// Mean of the experts' raw points.
    pub raw: Option<f64>,
    /// Mean of the experts' normalised points.
    pub normalised: Option<f64>,
    /// The figure the ranking uses (normalised when the rubric says so).
    pub result: Option<f64>,
    pub experts: u32,
    /// 1-based; equal results share a rank; champions without scores come last, unranked.
    pub rank: Option<u32>,
}

const EPS: f64 = 1e-9;

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Aggregates one category: every champion gets a line, ranked by result.
/// The input order does not matter (scores are sorted before any arithmetic).
pub fn aggregate(scores: &[ExpertScore], champions: &[Uuid], normalise: bool) -> Vec<Aggregate> {
    let set: BTreeSet<Uuid> = champions.iter().copied().collect();
    let mut sorted: Vec<ExpertScore> = scores.iter().copied().filter(|s| set.contains(&s.champion) && s.points.is_finite()).collect();
    // one score per expert and champion (the database guarantees it; here the highest wins)
    sorted.sort_by(|a, b| (a.expert, a.champion).cmp(&(b.expert, b.champion)).then(b.points.total_cmp(&a.points)));
    sorted.dedup_by(|later, first| later.expert == first.expert && later.champion == first.champion);

    // normalised points per (expert, champion)
    let mut normalised: BTreeMap<(Uuid, Uuid), f64> = BTreeMap::new();
    if !sorted.is_empty() {
        let all: Vec<f64> = sorted.iter().map(|s| s.points).collect();
        let (g_mean, g_sd) = mean_sd(&all);
        let mut by_expert: BTreeMap<Uuid, Vec<&ExpertScore>> = BTreeMap::new();
        for s in &sorted {
            by_expert.entry(s.expert).or_default().push(s);
        }
        for (expert, list) in by_expert {
            let xs: Vec<f64> = list.iter().map(|s| s.points).collect();
            let (m, sd) = mean_sd(&xs);
            for s in list {
                let z = if sd > EPS { (s.points - m) / sd } else { 0.0 };
                normalised.insert((expert, s.champion), g_mean + z * g_sd);
            }
        }
    }

    let mut out: Vec<Aggregate> = set
        .iter()
        .map(|c| {
            let mine: Vec<&ExpertScore> = sorted.iter().filter(|s| s.champion == *c).collect();
            let n = mine.len();
            let raw = (n > 0).then(|| mine.iter().map(|s| s.points).sum::<f64>() / n as f64);
            let norm = (n > 0).then(|| mine.iter().map(|s| normalised[&(s.expert, s.champion)]).sum::<f64>() / n as f64);
            Aggregate { champion: *c, raw, normalised: norm, result: if normalise { norm } else { raw }, experts: n as u32, rank: None }
        })
        .collect();
    out.sort_by(|a, b| match (a.result, b.result) {
        (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal).then(a.champion.cmp(&b.champion)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.champion.cmp(&b.champion),
    });
    let mut prev: Option<(f64, u32)> = None;
    for (i, a) in out.iter_mut().enumerate() {
        if let Some(r) = a.result {
            let rank = match prev {
                Some((p, pr)) if (p - r).abs() < 1e-6 => pr,
                _ => i as u32 + 1,
            };
            a.rank = Some(rank);
            prev = Some((r, rank));
        }
    }
    out
}

/// Two or more champions share the first rank.
pub fn tie_at_top(ranking: &[Aggregate]) -> bool {
    ranking.iter().filter(|a| a.rank == Some(1)).count() > 1
}

/// The champions a ranking picks when `k` winners are chosen, if it picks them unambiguously
/// (all ranked, and no tie across the k-th place).
pub fn top_k(ranking: &[Aggregate], k: usize) -> Option<BTreeSet<Uuid>> {
    if k == 0 || ranking.len() < k || ranking[..k].iter().any(|a| a.rank.is_none()) {
        return None;
    }
    if let (Some(last), Some(next)) = (ranking.get(k - 1), ranking.get(k)) {
        if next.rank.is_some() && next.rank == last.rank {
            return None;
        }
    }
    Some(ranking[..k].iter().map(|a| a.champion).collect())
}

/// Checks an admin's choice of winners for a category. Returns whether the choice departs
/// from the ranking (and so carries the reason). `eligible` are the champions.
pub fn check_winners(ranking: &[Aggregate], eligible: &[Uuid], chosen: &[Uuid], max: u32, reason: &str) -> Result<bool, String> {
    let set: BTreeSet<Uuid> = chosen.iter().copied().collect();
    if set.len() != chosen.len() {
        return Err("A champion is chosen twice.".into());
    }
    if let Some(x) = chosen.iter().find(|c| !eligible.contains(c)) {
        return Err(format!("{x} is not a champion of this category."));
    }
    if set.len() > max as usize {
        return Err(format!("This edition allows at most {max} winner(s) per category."));
    }
    let follows = top_k(ranking, set.len()).is_some_and(|top| top == set);
    if !follows && reason.trim().is_empty() {
        return Err(if set.is_empty() {
            "Choosing no winner needs a reason; it is recorded.".into()
        } else {
            "This choice departs from the experts' ranking (or the ranking is tied or incomplete): please give a reason; it is recorded.".into()
        });
    }
    if reason.chars().count() > 1000 {
        return Err("The reason is limited to 1000 characters.".into());
    }
    Ok(!follows)
}

/// What an admin sees per champion of a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedChampion {
    pub nominee: Uuid,
    pub title: String,
    pub organisation: String,
    pub country: String,
    pub votes: u64,
    pub raw: Option<f64>,
    pub normalised: Option<f64>,
    pub result: Option<f64>,
    pub rank: Option<u32>,
    pub scores: u32,
    pub conflicts: u32,
    pub winner: bool,
    /// The experts' comments, for the admins who decide which reach the team.
    #[serde(default)]
    pub comments: Vec<ReviewComment>,
}

/// An expert's submitted comment on a champion, as admins see it before the release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewComment {
    pub review: i32,
    pub expert: String,
    pub comment: String,
    /// Kept from the team's feedback.
    pub hidden: bool,
}

/// What a champion's or winner's team reads after the release: the experts' comments
/// without their names, and the project's result beside its category's mean (tenths of a
/// point on 0–100 points, the figure the ranking used).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub result: Option<u32>,
    pub category_mean: Option<u32>,
    /// How many champions the mean is over.
    pub champions: u32,
    pub comments: Vec<String>,
}

/// The fewest scored champions of a category for its mean to be shown to a team.
pub const FEEDBACK_MIN_CHAMPIONS: usize = 3;

/// The feedback of champion `me` from its category's ranking and the comments that may
/// reach the team: empty or hidden ones left out, in an order that names no expert.
pub fn feedback(ranking: &[Aggregate], me: Uuid, comments: &[(String, bool)]) -> Feedback {
    let results: Vec<f64> = ranking.iter().filter_map(|a| a.result).collect();
    // with fewer than three results the mean and one's own would tell another team's
    let category_mean = (results.len() >= FEEDBACK_MIN_CHAMPIONS).then(|| results.iter().sum::<f64>() / results.len() as f64);
    let mut shown: Vec<String> = comments.iter().filter(|(c, hidden)| !hidden && !c.trim().is_empty()).map(|(c, _)| c.trim().to_string()).collect();
    shown.sort();
    let tenths = |x: f64| (x * 10.0).round().clamp(0.0, 1000.0) as u32;
    Feedback {
        result: ranking.iter().find(|a| a.champion == me).and_then(|a| a.result).map(tenths),
        category_mean: category_mean.map(tenths),
        champions: results.len() as u32,
        comments: shown,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertProgress {
    pub email: String,
    pub name: String,
    pub submitted: u32,
    pub expected: u32,
    pub conflicts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryReview {
    pub slug: String,
    pub code: String,
    pub name: String,
    pub experts: Vec<ExpertProgress>,
    pub submitted: u32,
    pub expected: u32,
    pub ranking: Vec<RankedChampion>,
    pub tie_at_top: bool,
    /// Set once an admin chose (possibly no) winners.
    pub decided: bool,
    pub decision_reason: Option<String>,
    /// Every saved change of the category's reviews, oldest first.
    #[serde(default)]
    pub history: Vec<ReviewRevision>,
    /// The expert group's deliberation notes.
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub notes_updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Most characters of a category's deliberation notes.
pub const NOTES_CHARS: usize = 10_000;

/// One saved state of an expert's review, as admins see the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRevision {
    pub expert: String,
    pub champion: String,
    pub status: ReviewStatus,
    pub scores: std::collections::BTreeMap<String, i32>,
    pub comment: String,
    pub saved_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewAdmin {
    pub year: i32,
    pub rubric: Rubric,
    /// Once a score is saved the rubric cannot change.
    pub rubric_locked: bool,
    pub max_winners: u32,
    pub review_open: bool,
    pub released: bool,
    pub categories: Vec<CategoryReview>,
    /// Accounts with the expert role (for the assignment form).
    pub experts: Vec<(String, String)>,
}

/// A champion on an expert's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub nominee: Uuid,
    pub title: String,
    pub organisation: String,
    pub country: String,
    pub status: ReviewStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertCategory {
    pub slug: String,
    pub code: String,
    pub name: String,
    pub champions: Vec<ReviewItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertHome {
    pub year: i32,
    pub review_open: bool,
    pub opens: chrono::DateTime<chrono::Utc>,
    pub closes: chrono::DateTime<chrono::Utc>,
    pub categories: Vec<ExpertCategory>,
}

/// Another expert's submitted scores, shown only once the viewer submitted theirs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerScore {
    pub expert: String,
    pub scores: BTreeMap<String, i32>,
    pub points: Option<f64>,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewSheet {
    pub nominee: crate::nomination::NomineeDetail,
    pub category_code: String,
    pub rubric: Rubric,
    pub status: ReviewStatus,
    pub scores: BTreeMap<String, i32>,
    pub comment: String,
    pub conflict_reason: Option<String>,
    pub review_open: bool,
    pub closes: chrono::DateTime<chrono::Utc>,
    /// None while hidden (not submitted yet, or the edition keeps scores private).
    pub peers: Option<Vec<PeerScore>>,
}

#[cfg(test)]
mod feedback_tests {
    use super::*;

    #[test]
    fn feedback_is_the_result_beside_the_mean_with_the_comments_unnamed() {
        let [a, b, c, x] = [1u128, 2, 3, 4].map(Uuid::from_u128);
        let scores = [(a, x, 80.0), (b, x, 60.25), (c, x, 40.0)]
            .map(|(champion, expert, points)| ExpertScore { expert, champion, points });
        let ranking = aggregate(&scores, &[a, b, c], false);
        let comments = [("Strong impact.".to_string(), false), ("  ".to_string(), false), ("Name the partner.".to_string(), true), ("A clear plan.".to_string(), false)];
        let f = feedback(&ranking, b, &comments);
        assert_eq!((f.result, f.category_mean, f.champions), (Some(603), Some(601), 3), "tenths of a point");
        assert_eq!(f.comments, ["A clear plan.", "Strong impact."], "hidden and empty ones left out, sorted");
        let none = feedback(&aggregate(&[], &[a], false), a, &[]);
        assert_eq!((none.result, none.category_mean, none.champions), (None, None, 0));
        // two scored champions: the mean would give the other's result away
        let two = aggregate(&scores[..2], &[a, b], false);
        assert_eq!(feedback(&two, a, &[]).category_mean, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn default_rubric_has_the_eight_criteria_and_round_trips() {
        let r = Rubric::default();
        assert_eq!(r.criteria.len(), 8);
        assert_eq!(r.criteria[1].key, "results-and-impact");
        assert_eq!(Rubric::parse(&r.to_text(), false).unwrap(), r);
    }

    #[test]
    fn parse_refuses_bad_lines_naming_them() {
        assert!(Rubric::parse("A | x | 1-10", false).unwrap_err().starts_with("Line 1"));
        assert!(Rubric::parse("A\nB | 2 | 10-1", false).unwrap_err().starts_with("Line 2"));
        assert!(Rubric::parse("A\na", false).unwrap_err().contains("repeats"));
        assert!(Rubric::parse("  \n", false).is_err());
        let r = Rubric::parse("Impact | 3 | 0-5\nReach", true).unwrap();
        assert_eq!(r.criteria[0].weight, 3);
        assert_eq!((r.criteria[1].min, r.criteria[1].max), (1, 10));
        assert!(r.normalise);
    }

    #[test]
    fn checks_and_points() {
        let r = Rubric::parse("A | 3 | 0-10\nB | 1 | 1-5", false).unwrap();
        let mut s = BTreeMap::from([("a".to_string(), 10)]);
        assert!(r.check(&s, false).is_ok());
        assert!(r.check(&s, true).unwrap_err().contains("“B”"));
        assert_eq!(r.points(&s), None);
        s.insert("b".into(), 1);
        assert_eq!(r.points(&s), Some(75.0));
        s.insert("b".into(), 6);
        assert!(r.check(&s, false).unwrap_err().contains("outside the scale"));
        s.insert("zz".into(), 1);
        assert!(r.check(&s, false).is_err());
        assert!(parse_scores(&BTreeMap::from([("a".into(), "x".into())])).is_err());
        assert_eq!(parse_scores(&BTreeMap::from([("a".into(), " ".into())])).unwrap().len(), 0);
    }

    #[test]
    fn mean_over_present_experts_and_ties_flagged() {
        let (a, b) = (id(1), id(2));
        let (x, y, z) = (id(10), id(11), id(12));
        let scores = [
            ExpertScore { expert: a, champion: x, points: 80.0 },
            ExpertScore { expert: b, champion: x, points: 60.0 },
            // b is conflicted on y: only a's score counts
            ExpertScore { expert: a, champion: y, points: 70.0 },
        ];
        let r = aggregate(&scores, &[x, y, z], false);
        assert_eq!(r[0].champion, x);
        assert_eq!(r[0].raw, Some(70.0));
        assert_eq!(r[1].champion, y);
        assert_eq!(r[0].rank, Some(1));
        assert_eq!(r[1].rank, Some(1), "70 and 70 tie");
        assert!(tie_at_top(&r));
        assert_eq!(r[2].rank, None);
        assert_eq!(top_k(&r, 1), None);
    }

    #[test]
    fn winners_follow_the_ranking_or_carry_a_reason() {
        let (a, x, y, z) = (id(1), id(10), id(11), id(12));
        let scores = [
            ExpertScore { expert: a, champion: x, points: 90.0 },
            ExpertScore { expert: a, champion: y, points: 50.0 },
            ExpertScore { expert: a, champion: z, points: 40.0 },
        ];
        let r = aggregate(&scores, &[x, y, z], false);
        let all = [x, y, z];
        assert_eq!(check_winners(&r, &all, &[x], 1, ""), Ok(false));
        assert!(check_winners(&r, &all, &[y], 1, "").is_err());
        assert_eq!(check_winners(&r, &all, &[y], 1, "jury decision"), Ok(true));
        assert!(check_winners(&r, &all, &[x, y], 1, "r").unwrap_err().contains("at most 1"));
        assert_eq!(check_winners(&r, &all, &[y, x], 2, ""), Ok(false));
        assert!(check_winners(&r, &all, &[], 1, "").is_err());
        assert_eq!(check_winners(&r, &all, &[], 1, "no project met the bar"), Ok(true));
        assert!(check_winners(&r, &all, &[id(99)], 1, "r").is_err());
        assert!(check_winners(&r, &all, &[x, x], 2, "r").is_err());
    }

    fn arb_scores() -> impl Strategy<Value = Vec<ExpertScore>> {
        // 2–5 experts, 3–6 champions, each expert scores a random subset
        (2u128..6, 3u128..7).prop_flat_map(|(e, c)| {
            proptest::collection::vec((0..e, 0..c, 0.0f64..100.0), 1..30).prop_map(|v| {
                v.into_iter().map(|(e, c, p)| ExpertScore { expert: id(e + 1), champion: id(c + 100), points: (p * 4.0).round() / 4.0 }).collect()
            })
        })
    }

    fn champs() -> Vec<Uuid> {
        (100..106).map(id).collect()
    }

    proptest! {
        #[test]
        fn expert_order_does_not_change_the_result(scores in arb_scores(), seed in any::<u64>(), normalise in any::<bool>()) {
            let mut shuffled = scores.clone();
            // deterministic shuffle
            let n = shuffled.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            prop_assert_eq!(aggregate(&scores, &champs(), normalise), aggregate(&shuffled, &champs(), normalise));
        }

        #[test]
        fn relabelling_experts_does_not_change_the_result(scores in arb_scores()) {
            let relabelled: Vec<_> = scores.iter().map(|s| ExpertScore { expert: id(50 - s.expert.as_u128()), ..*s }).collect();
            let a = aggregate(&scores, &champs(), true);
            let b = aggregate(&relabelled, &champs(), true);
            for x in &a {
                let y = b.iter().find(|y| y.champion == x.champion).unwrap();
                prop_assert_eq!(x.rank, y.rank);
                prop_assert_eq!(x.experts, y.experts);
                prop_assert!((x.result.unwrap_or(0.0) - y.result.unwrap_or(0.0)).abs() < 1e-9);
            }
        }

        #[test]
        fn a_constant_offset_on_one_expert_keeps_the_normalised_ranking(scores in arb_scores(), quarters in -120i32..120) {
            let offset = f64::from(quarters) / 4.0;
            let shifted: Vec<_> = scores.iter().map(|s| if s.expert == id(1) { ExpertScore { points: s.points + offset, ..*s } } else { *s }).collect();
            let a = aggregate(&scores, &champs(), true);
            let b = aggregate(&shifted, &champs(), true);
            let by_champion = |r: &[Aggregate]| -> BTreeMap<Uuid, Option<f64>> { r.iter().map(|x| (x.champion, x.result)).collect() };
            let (ra, rb) = (by_champion(&a), by_champion(&b));
            for (c1, p) in &ra {
                for (c2, q) in &ra {
                    if let (Some(p), Some(q)) = (p, q) {
                        // strictly ordered pairs keep their order
                        if *p > *q + 1e-6 {
                            let (r, s) = (rb[c1].unwrap(), rb[c2].unwrap());
                            prop_assert!(r > s, "{:?} vs {:?}", ra, rb);
                        }
                    }
                }
            }
        }

        #[test]
        fn results_stay_within_the_points_scale_when_raw(scores in arb_scores()) {
            for a in aggregate(&scores, &champs(), false) {
                if let Some(r) = a.result { prop_assert!((0.0..=100.0).contains(&r)); }
                prop_assert_eq!(a.rank.is_some(), a.experts > 0);
            }
        }
    }
}
