//! Migrations, applied at boot; the same files run on SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

mod m20261101_000001_initial;
mod m20261101_000002_seed_categories;
mod m20261122_000003_champions;
mod m20261122_000004_screening;
mod m20261122_000005_review;
mod m20261129_000006_account_lang;
mod m20261201_000007_integrity;
mod m20261202_000008_account_roles;
mod m20261202_000009_sign_in_code;
mod m20261202_000010_campaign;
mod m20261203_000011_vote_reminder;
mod m20261203_000012_audit_chain;
mod m20261203_000013_commitment;
mod m20261203_000014_published_exclusions;
mod m20261203_000015_expert_group;
mod m20261203_000016_broadcast;
mod m20261204_000017_extensions_feedback;
mod m20261204_000018_teams;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261101_000001_initial::Migration),
            Box::new(m20261101_000002_seed_categories::Migration),
            Box::new(m20261122_000003_champions::Migration),
            Box::new(m20261122_000004_screening::Migration),
            Box::new(m20261122_000005_review::Migration),
            Box::new(m20261129_000006_account_lang::Migration),
            Box::new(m20261201_000007_integrity::Migration),
            Box::new(m20261202_000008_account_roles::Migration),
            Box::new(m20261202_000009_sign_in_code::Migration),
            Box::new(m20261202_000010_campaign::Migration),
            Box::new(m20261203_000011_vote_reminder::Migration),
            Box::new(m20261203_000012_audit_chain::Migration),
            Box::new(m20261203_000013_commitment::Migration),
            Box::new(m20261203_000014_published_exclusions::Migration),
            Box::new(m20261203_000015_expert_group::Migration),
            Box::new(m20261203_000016_broadcast::Migration),
            Box::new(m20261204_000017_extensions_feedback::Migration),
            Box::new(m20261204_000018_teams::Migration),
        ]
    }
}
