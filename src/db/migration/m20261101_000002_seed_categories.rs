use sea_orm_migration::prelude::*;

use crate::category::CATEGORIES;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Category {
    Table,
    Id,
    Code,
    Slug,
    ActionLine,
    Name,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut insert = Query::insert()
            .into_table(Category::Table)
            .columns([Category::Id, Category::Code, Category::Slug, Category::ActionLine, Category::Name])
            .to_owned();
        for c in CATEGORIES.iter() {
            insert.values_panic([
                (c.position as i32).into(),
                c.code.into(),
                c.slug.into(),
                c.action_line.into(),
                c.name.into(),
            ]);
        }
        m.exec_stmt(insert).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(Query::delete().from_table(Category::Table).to_owned()).await
    }
}
