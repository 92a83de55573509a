use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
use sea_orm_migration::{prelude::*, schema::*};

use crate::db::audit::{chain_hash, GENESIS};
use crate::db::entity::audit_log;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

/// The audit log becomes a hash chain: each entry gets its place and hash (the entries
/// written before, in the order of their ids), and `audit_head` the last of them.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(AuditLog::Table).add_column(big_integer(AuditLog::Seq).default(0)).to_owned()).await?;
        m.alter_table(Table::alter().table(AuditLog::Table).add_column(string(AuditLog::Hash).default("")).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string(AuditHead::Hash))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let mut prev = GENESIS.to_string();
        let mut seq = 0i64;
        for row in audit_log::Entity::find().order_by_asc(audit_log::Column::Id).all(db).await? {
            seq += 1;
            let mut r = row.clone();
            r.seq = seq;
            let hash = chain_hash(&prev, &r.entry());
            let mut active: audit_log::ActiveModel = row.into();
            active.seq = Set(seq);
            active.hash = Set(hash.clone());
            active.update(db).await?;
            prev = hash;
        }
        m.exec_stmt(Query::insert().into_table(AuditHead::Table).columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash]).values_panic([1.into(), seq.into(), prev.into()]).to_owned())
            .await?;
        m.create_index(Index::create().name("idx_audit_log_seq").table(AuditLog::Table).col(AuditLog::Seq).unique().to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_audit_log_seq").table(AuditLog::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(AuditHead::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(AuditLog::Table).drop_column(AuditLog::Hash).to_owned()).await?;
        m.alter_table(Table::alter().table(AuditLog::Table).drop_column(AuditLog::Seq).to_owned()).await
    }
}
