use sea_orm::entity::prelude::*;

/// `password_hash` never leaves the server: this model is not `Serialize`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub organisation: String,
    pub country: String,
    pub confirmed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The language the account last used (its e-mails are written in it).
    pub lang: String,
    /// The mailbox behind the address (case, `+tags` and, where the provider ignores
    /// them, dots removed): one account per mailbox.
    #[sea_orm(unique)]
    pub email_canonical: Option<String>,
    /// The frozen cluster holding this account's votes, if any: it cannot vote meanwhile.
    pub frozen_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::account_role::Entity")]
    Roles,
}

impl Related<super::account_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Roles.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// How others are shown this account: its display name, else its address.
    pub fn shown_name(&self) -> String {
        if self.display_name.trim().is_empty() { self.email.clone() } else { self.display_name.clone() }
    }
}
