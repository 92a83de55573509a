use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NominationEditor {
    Table,
    Id,
    NominationId,
    AccountId,
    AddedAt,
}

#[derive(DeriveIden)]
enum EditorInvitation {
    Table,
    Id,
    Token,
    NominationId,
    Email,
    InvitedBy,
    CreatedAt,
    AcceptedAt,
    WithdrawnAt,
}

/// A project's co-editors (one row per project and account) and the invitations its owner
/// sent (one per project and address; the token in the link is unique; a withdrawn one is
/// kept, so that the sender's daily count stays true).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(NominationEditor::Table)
                .col(pk_auto(NominationEditor::Id))
                .col(integer(NominationEditor::NominationId))
                .col(integer(NominationEditor::AccountId))
                .col(timestamp_with_time_zone(NominationEditor::AddedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_nomination_editor_unique")
                .table(NominationEditor::Table)
                .col(NominationEditor::NominationId)
                .col(NominationEditor::AccountId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_nomination_editor_account").table(NominationEditor::Table).col(NominationEditor::AccountId).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(EditorInvitation::Table)
                .col(pk_auto(EditorInvitation::Id))
                .col(uuid(EditorInvitation::Token))
                .col(integer(EditorInvitation::NominationId))
                .col(string(EditorInvitation::Email))
                .col(integer(EditorInvitation::InvitedBy))
                .col(timestamp_with_time_zone(EditorInvitation::CreatedAt))
                .col(timestamp_with_time_zone_null(EditorInvitation::AcceptedAt))
                .col(timestamp_with_time_zone_null(EditorInvitation::WithdrawnAt))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_editor_invitation_token").table(EditorInvitation::Table).col(EditorInvitation::Token).unique().to_owned()).await?;
        m.create_index(
            Index::create()
                .name("idx_editor_invitation_unique")
                .table(EditorInvitation::Table)
                .col(EditorInvitation::NominationId)
                .col(EditorInvitation::Email)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_editor_invitation_by").table(EditorInvitation::Table).col(EditorInvitation::InvitedBy).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EditorInvitation::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(NominationEditor::Table).to_owned()).await
    }
}
