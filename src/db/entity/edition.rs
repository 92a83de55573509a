use sea_orm::entity::prelude::*;
use sea_orm::QueryOrder;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "edition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    #[sea_orm(unique)]
    pub year: i32,
    pub title: String,
    pub time_zone: String,
    pub submission_opens: DateTimeUtc,
    pub submission_closes: DateTimeUtc,
    pub screening_opens: DateTimeUtc,
    pub screening_closes: DateTimeUtc,
    pub voting_opens: DateTimeUtc,
    pub voting_closes: DateTimeUtc,
    pub review_opens: DateTimeUtc,
    pub review_closes: DateTimeUtc,
    pub announcement_at: DateTimeUtc,
    pub champions_per_category: i32,
    pub complete_ballot: bool,
    pub submissions_per_entity: i32,
    pub max_winners_per_category: i32,
    pub experts_see_scores: bool,
    pub publish_vote_counts: bool,
    pub results_released_at: Option<DateTimeUtc>,
    pub champions_computed_at: Option<DateTimeUtc>,
    pub is_current: bool,
    /// The review rubric as JSON; None means the ITU default.
    pub rubric: Option<String>,
    /// When the champion and winner letters were sent (results finalised).
    pub letters_sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Friction: votes per hour from one address, and from one network (/24, /48), past
    /// which a vote needs a proof of work; failed sign-ins per 15 minutes from one address
    /// past which a sign-in needs one.
    pub friction_votes_per_address: i32,
    pub friction_votes_per_network: i32,
    pub friction_sign_ins_per_address: i32,
    /// Screening: independent opinions asked for each submitted project.
    pub opinions_per_project: i32,
    /// Automatic reminders, hours before the deadline (0: off): drafts not submitted before
    /// submission closes, reviews not submitted before the review closes.
    pub remind_drafts_hours: i32,
    pub remind_reviews_hours: i32,
    pub drafts_reminded_at: Option<DateTimeUtc>,
    pub reviews_reminded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The edition as the domain and the pages see it.
    pub fn view(&self) -> crate::edition::EditionView {
        use crate::edition::{EditionRules, EditionView};
        use crate::phase::{Schedule, Window};
        let count = |n: i32| u32::try_from(n).unwrap_or(0);
        EditionView {
            id: self.uuid,
            year: self.year,
            title: self.title.clone(),
            schedule: Schedule {
                submission: Window { opens: self.submission_opens, closes: self.submission_closes },
                screening: Window { opens: self.screening_opens, closes: self.screening_closes },
                voting: Window { opens: self.voting_opens, closes: self.voting_closes },
                review: Window { opens: self.review_opens, closes: self.review_closes },
                announcement: self.announcement_at,
            },
            rules: EditionRules {
                champions_per_category: count(self.champions_per_category),
                complete_ballot: self.complete_ballot,
                submissions_per_entity: count(self.submissions_per_entity),
                max_winners_per_category: count(self.max_winners_per_category),
                experts_see_scores: self.experts_see_scores,
                publish_vote_counts: self.publish_vote_counts,
                friction_votes_per_address: count(self.friction_votes_per_address).max(1),
                friction_votes_per_network: count(self.friction_votes_per_network).max(1),
                friction_sign_ins_per_address: count(self.friction_sign_ins_per_address).max(1),
                opinions_per_project: count(self.opinions_per_project).clamp(1, crate::screening::MAX_OPINIONS as u32),
                remind_drafts_hours: count(self.remind_drafts_hours),
                remind_reviews_hours: count(self.remind_reviews_hours),
            },
            results_released_at: self.results_released_at,
            is_current: self.is_current,
        }
    }

    /// Whether a phase is open at `now`, with the one refusal of each side.
    pub fn require_open(&self, kind: crate::phase::PhaseKind, now: DateTimeUtc) -> Result<(), crate::AppError> {
        self.view().require_open(kind, now)
    }

    pub fn results_public(&self) -> bool {
        self.results_released_at.is_some()
    }

    /// The edition shown on the home page: the one marked current, else the latest.
    pub async fn current(db: &impl ConnectionTrait) -> Result<Option<Model>, crate::AppError> {
        if let Some(e) = Entity::find().filter(Column::IsCurrent.eq(true)).one(db).await? {
            return Ok(Some(e));
        }
        Ok(Entity::find().order_by_desc(Column::Year).one(db).await?)
    }

    /// The current edition, or the refusal that there is none.
    pub async fn require_current(db: &impl ConnectionTrait) -> Result<Model, crate::AppError> {
        Self::current(db).await?.ok_or_else(crate::AppError::no_edition)
    }

    /// The edition of a year, or "there is no {year} edition".
    pub async fn by_year(db: &impl ConnectionTrait, year: i32) -> Result<Model, crate::AppError> {
        Entity::find().filter(Column::Year.eq(year)).one(db).await?.ok_or_else(|| crate::AppError::no_such_edition(year))
    }

    /// The edition a form or a URL names: its year, or the current one for an empty name
    /// or `current`.
    pub async fn named(db: &impl ConnectionTrait, name: &str) -> Result<Model, crate::AppError> {
        let name = name.trim();
        if name.is_empty() || name == "current" {
            return Self::require_current(db).await;
        }
        let year: i32 = name.parse().map_err(|_| crate::AppError::not_an_edition(name))?;
        Self::by_year(db, year).await
    }

    /// Every edition, newest first.
    pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, crate::AppError> {
        Ok(Entity::find().order_by_desc(Column::Year).all(db).await?)
    }
}
