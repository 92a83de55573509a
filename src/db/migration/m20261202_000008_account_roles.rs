use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Roles,
}

#[derive(DeriveIden)]
enum AccountRole {
    Table,
    AccountId,
    Role,
}

fn placeholders(backend: sea_orm_migration::sea_orm::DatabaseBackend) -> &'static str {
    match backend {
        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => "INSERT INTO account_role (account_id, role) VALUES ($1, $2)",
        _ => "INSERT INTO account_role (account_id, role) VALUES (?, ?)",
    }
}

/// Roles in a table of their own, one row per account and role: "who are the experts" is
/// a query, and a role that does not exist cannot be stored.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AccountRole::Table)
                .col(integer(AccountRole::AccountId))
                .col(string(AccountRole::Role))
                .primary_key(Index::create().col(AccountRole::AccountId).col(AccountRole::Role))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_account_role_account")
                        .from(AccountRole::Table, AccountRole::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_account_role_role").table(AccountRole::Table).col(AccountRole::Role).to_owned()).await?;
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = db.query_all_raw(Statement::from_string(backend, "SELECT id, roles FROM account WHERE roles <> ''")).await?;
        for r in rows {
            let id: i32 = r.try_get("", "id")?;
            let roles: String = r.try_get("", "roles")?;
            let mut keys: Vec<&str> = roles.split(',').map(str::trim).filter(|k| ["admin", "expert", "announcer"].contains(k)).collect();
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                db.execute_raw(Statement::from_sql_and_values(backend, placeholders(backend), [id.into(), k.into()])).await?;
            }
        }
        m.alter_table(Table::alter().table(Account::Table).drop_column(Account::Roles).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Account::Table).add_column(string(Account::Roles).default("")).to_owned()).await?;
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = db.query_all_raw(Statement::from_string(backend, "SELECT account_id, role FROM account_role ORDER BY account_id, role")).await?;
        let mut per: std::collections::BTreeMap<i32, Vec<String>> = Default::default();
        for r in rows {
            per.entry(r.try_get("", "account_id")?).or_default().push(r.try_get("", "role")?);
        }
        let sql = match backend {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => "UPDATE account SET roles = $1 WHERE id = $2",
            _ => "UPDATE account SET roles = ? WHERE id = ?",
        };
        for (id, roles) in per {
            db.execute_raw(Statement::from_sql_and_values(backend, sql, [roles.join(",").into(), id.into()])).await?;
        }
        m.drop_table(Table::drop().table(AccountRole::Table).to_owned()).await
    }
}
