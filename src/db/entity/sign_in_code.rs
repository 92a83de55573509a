use sea_orm::entity::prelude::*;

/// A sign-in code and link sent by e-mail. The row is bound to the browser that asked
/// (`request_hash`, the SHA-256 of its request cookie); the code is kept as a keyed hash,
/// the link as the SHA-256 of its token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub email_canonical: String,
    pub request_hash: String,
    pub code_hash: String,
    #[sea_orm(unique)]
    pub link_hash: String,
    /// The page to return to once signed in (a path of this site).
    pub next: String,
    pub lang: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Wrong codes entered in the browser that asked while this row was live.
    pub attempts: i32,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
