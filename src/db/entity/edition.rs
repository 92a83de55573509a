use sea_orm::entity::prelude::*;

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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
