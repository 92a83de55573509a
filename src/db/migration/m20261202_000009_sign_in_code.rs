use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SignInCode {
    Table,
    Id,
    Email,
    EmailCanonical,
    RequestHash,
    CodeHash,
    LinkHash,
    Next,
    Lang,
    CreatedAt,
    ExpiresAt,
    Attempts,
    UsedAt,
}

/// E-mailed sign-in codes: one row per request, bound to the browser that asked (the hash
/// of its request cookie); the code and the link are stored as keyed hashes only.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SignInCode::Table)
                .col(pk_auto(SignInCode::Id))
                .col(string(SignInCode::Email))
                .col(string(SignInCode::EmailCanonical))
                .col(string(SignInCode::RequestHash))
                .col(string(SignInCode::CodeHash))
                .col(string_uniq(SignInCode::LinkHash))
                .col(string(SignInCode::Next).default("/"))
                .col(string(SignInCode::Lang).default("en"))
                .col(timestamp_with_time_zone(SignInCode::CreatedAt))
                .col(timestamp_with_time_zone(SignInCode::ExpiresAt))
                .col(integer(SignInCode::Attempts).default(0))
                .col(timestamp_with_time_zone_null(SignInCode::UsedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_sign_in_code_request").table(SignInCode::Table).col(SignInCode::RequestHash).col(SignInCode::ExpiresAt).to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_sign_in_code_expires").table(SignInCode::Table).col(SignInCode::ExpiresAt).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SignInCode::Table).to_owned()).await
    }
}
