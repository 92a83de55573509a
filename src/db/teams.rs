//! A project's team in the database: who may edit a draft, the owner's invitations by
//! e-mail (one per project and address, a unique index), their acceptance by an account
//! of the invited address (one editor row per project and account, a unique index), and
//! the owner handing the project over.

use std::collections::HashMap;

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use uuid::Uuid;

use super::entity::{account, editor_invitation, edition, nomination, nomination_editor};
use super::{audit, Services};
use crate::audit::AuditAction;
use crate::nomination::{team_may_edit, NominationStatus};
use crate::team::{check_invitee, invitation_mail, transfer_mail, InvitationView, TeamView, INVITATIONS_PER_DAY, INVITATION_DAYS};
use crate::AppError;

/// Whether the account is on the project's team: its owner or a co-editor.
pub async fn is_member(db: &impl ConnectionTrait, n: &nomination::Model, account_id: i32) -> Result<bool, AppError> {
    if n.account_id == Some(account_id) {
        return Ok(true);
    }
    Ok(nomination_editor::Entity::find()
        .filter(nomination_editor::Column::NominationId.eq(n.id))
        .filter(nomination_editor::Column::AccountId.eq(account_id))
        .one(db)
        .await?
        .is_some())
}

/// The projects the account co-edits (not those it owns).
pub async fn edited_by(db: &impl ConnectionTrait, account_id: i32) -> Result<Vec<i32>, AppError> {
    Ok(nomination_editor::Entity::find()
        .filter(nomination_editor::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.nomination_id)
        .collect())
}

/// The co-editors' accounts of a project.
pub async fn edited_ids(db: &impl ConnectionTrait, nomination_id: i32) -> Result<Vec<i32>, AppError> {
    Ok(nomination_editor::Entity::find()
        .filter(nomination_editor::Column::NominationId.eq(nomination_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.account_id)
        .collect())
}

fn canonical_of(a: &account::Model) -> String {
    a.email_canonical.clone().unwrap_or_else(|| crate::account::canonical_email(&a.email))
}

/// The team of a project as the viewer (a member) sees it.
pub async fn team_view(db: &impl ConnectionTrait, n: &nomination::Model, viewer: i32) -> Result<TeamView, AppError> {
    let editors = nomination_editor::Entity::find().filter(nomination_editor::Column::NominationId.eq(n.id)).order_by_asc(nomination_editor::Column::Id).all(db).await?;
    let ids: Vec<i32> = editors.iter().map(|r| r.account_id).chain(n.account_id).collect();
    let accounts: HashMap<i32, account::Model> = account::Entity::find().filter(account::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|a| (a.id, a)).collect();
    let invited = editor_invitation::Entity::find()
        .filter(editor_invitation::Column::NominationId.eq(n.id))
        .filter(editor_invitation::Column::AcceptedAt.is_null())
        .filter(editor_invitation::Column::WithdrawnAt.is_null())
        .order_by_asc(editor_invitation::Column::Id)
        .all(db)
        .await?;
    let owner_is_me = n.account_id == Some(viewer);
    Ok(TeamView {
        owner: n.account_id.and_then(|a| accounts.get(&a)).map(|a| a.email.clone()).unwrap_or_default(),
        editors: editors.iter().filter_map(|r| accounts.get(&r.account_id)).map(|a| a.email.clone()).collect(),
        // the addresses invited are the owner's to see (they have not joined anything)
        invited: if owner_is_me { invited.into_iter().map(|i| i.email).collect() } else { Vec::new() },
        owner_is_me,
    })
}

/// The co-editor of the project with this (canonical) address, with its row.
async fn editor_by_address(db: &impl ConnectionTrait, n: &nomination::Model, address: &str) -> Result<Option<(nomination_editor::Model, account::Model)>, AppError> {
    let rows = nomination_editor::Entity::find().filter(nomination_editor::Column::NominationId.eq(n.id)).all(db).await?;
    let accounts = account::Entity::find().filter(account::Column::Id.is_in(rows.iter().map(|r| r.account_id))).all(db).await?;
    Ok(rows.into_iter().find_map(|r| accounts.iter().find(|a| a.id == r.account_id && canonical_of(a) == address).cloned().map(|a| (r, a))))
}

/// Whether the project is a draft its team may still change now.
fn open_to_team(n: &nomination::Model, e: &edition::Model, now: chrono::DateTime<chrono::Utc>) -> bool {
    n.status == NominationStatus::Draft && team_may_edit(e.submission_opens, e.submission_closes, n.extended_until, e.screening_closes, now)
}

/// The caller's own project (`open`: still a draft its team may change).
async fn owned(s: &Services, me: &account::Model, id: Uuid, open: bool) -> Result<(nomination::Model, edition::Model), AppError> {
    let n = nomination::Model::by_uuid(&s.db, id).await?.ok_or_else(AppError::no_submission)?;
    if n.account_id != Some(me.id) {
        return Err(if is_member(&s.db, &n, me.id).await? {
            AppError::Forbidden("Only the project's owner changes its team.".into())
        } else {
            AppError::no_submission()
        });
    }
    let e = edition::Entity::find_by_id(n.edition_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    if open && !open_to_team(&n, &e, s.now()) {
        return Err(AppError::Conflict("This project can no longer change, nor its team.".into()));
    }
    Ok((n, e))
}

/// The project re-read in the caller's transaction, refused unless the caller still owns
/// it (a hand-over may have happened since the first read).
async fn still_owned(txn: &sea_orm::DatabaseTransaction, me: &account::Model, id: i32) -> Result<nomination::Model, AppError> {
    let n = nomination::Entity::find_by_id(id).one(txn).await?.ok_or(AppError::Internal)?;
    if n.account_id != Some(me.id) {
        return Err(AppError::Forbidden("Only the project's owner changes its team.".into()));
    }
    Ok(n)
}

/// The owner invites an address to co-edit the draft: the invitation and its e-mail in one
/// transaction; at most [`crate::team::MAX_EDITORS`] on a team and
/// [`INVITATIONS_PER_DAY`] invitations per sender.
pub async fn invite(s: &Services, me: &account::Model, id: Uuid, email: &str) -> Result<TeamView, AppError> {
    let (n, e) = owned(s, me, id, true).await?;
    let now = s.now();
    // invitations of one edition one after another, so that the limits hold under a flood
    let txn = super::begin_on_edition(&s.db, e.id).await?;
    let n = match still_owned(&txn, me, n.id).await {
        Ok(n) => n,
        Err(err) => {
            let _ = txn.rollback().await;
            return Err(err);
        }
    };
    let mut team = team_view(&txn, &n, me.id).await?;
    let address = match check_invitee(email, &me.email, &team.editors, &team.invited) {
        Ok(a) => a,
        Err(m) => {
            let _ = txn.rollback().await;
            return Err(AppError::Fields(vec![("email".into(), m)]));
        }
    };
    let today = editor_invitation::Entity::find()
        .filter(editor_invitation::Column::InvitedBy.eq(me.id))
        .filter(editor_invitation::Column::CreatedAt.gt(now - Duration::days(1)))
        .count(&txn)
        .await?;
    if today >= INVITATIONS_PER_DAY {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict(format!("You sent {INVITATIONS_PER_DAY} invitations in the last day; try again tomorrow.")));
    }
    // an address invited before (withdrawn, or a co-editor since removed) is invited again
    // with its row, at most once a day: a withdrawal gives no invitation back
    let earlier = editor_invitation::Entity::find()
        .filter(editor_invitation::Column::NominationId.eq(n.id))
        .filter(editor_invitation::Column::Email.eq(address.clone()))
        .one(&txn)
        .await?;
    if earlier.as_ref().is_some_and(|r| r.created_at > now - Duration::days(1)) {
        let _ = txn.rollback().await;
        return Err(AppError::Fields(vec![("email".into(), "This address was invited in the last day; invite it again tomorrow.".into())]));
    }
    let token = Uuid::new_v4();
    let row = editor_invitation::ActiveModel {
        token: Set(token),
        nomination_id: Set(n.id),
        email: Set(address.clone()),
        invited_by: Set(me.id),
        created_at: Set(now),
        accepted_at: Set(None),
        withdrawn_at: Set(None),
        ..Default::default()
    };
    let inserted = match earlier {
        Some(r) => {
            let mut am = row;
            am.id = Set(r.id);
            am.update(&txn).await.map(|_| ())
        }
        None => row.insert(&txn).await.map(|_| ()),
    };
    match inserted {
        Ok(_) => {}
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            let _ = txn.rollback().await;
            return Err(AppError::Fields(vec![("email".into(), "This address is already invited.".into())]));
        }
        Err(err) => return Err(err.into()),
    }
    let (subject, body) = invitation_mail(&me.shown_name(), &n.title, e.year, &s.config.public_url, token);
    // in the language of the account of that address, if there is one
    let lang = account::Entity::find().filter(account::Column::EmailCanonical.eq(address.clone())).one(&txn).await?.map_or_else(|| "en".to_string(), |a| a.lang);
    super::mail::enqueue(&txn, now, &lang, &address, &subject, &body).await?;
    txn.commit().await?;
    s.wake_mail();
    team.invited.push(address);
    Ok(team)
}

/// The invitation behind a link, for an account of the invited address.
async fn invitation_for(s: &Services, me: &account::Model, token: Uuid) -> Result<editor_invitation::Model, AppError> {
    let inv = editor_invitation::Entity::find()
        .filter(editor_invitation::Column::Token.eq(token))
        .filter(editor_invitation::Column::WithdrawnAt.is_null())
        .one(&s.db)
        .await?
        .ok_or_else(|| AppError::NotFound("This invitation does not exist or was withdrawn.".into()))?;
    if inv.accepted_at.is_none() && inv.created_at < s.now() - Duration::days(INVITATION_DAYS) {
        return Err(AppError::NotFound("This invitation has expired: ask the project's owner for a new one.".into()));
    }
    if inv.email != canonical_of(me) {
        return Err(AppError::Forbidden("This invitation was sent to another address: sign in with that address to accept it.".into()));
    }
    Ok(inv)
}

/// What an invitation link shows to an account of the invited address.
pub async fn invitation(s: &Services, me: &account::Model, token: Uuid) -> Result<InvitationView, AppError> {
    let inv = invitation_for(s, me, token).await?;
    let n = nomination::Entity::find_by_id(inv.nomination_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    let e = edition::Entity::find_by_id(n.edition_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    let by = account::Entity::find_by_id(inv.invited_by).one(&s.db).await?.map(|a| a.shown_name()).unwrap_or_default();
    let member = is_member(&s.db, &n, me.id).await?;
    Ok(InvitationView { title: n.title, edition_year: e.year, invited_by: by, accepted: inv.accepted_at.is_some(), project: member.then_some(n.uuid) })
}

/// Accepts an invitation: the account (of the invited address) joins the team once,
/// however many times the link is opened at once.
pub async fn accept(s: &Services, me: &account::Model, token: Uuid) -> Result<InvitationView, AppError> {
    let inv = invitation_for(s, me, token).await?;
    let now = s.now();
    if inv.accepted_at.is_none() {
        // a team joins a project that may still change, nothing else
        let n = nomination::Entity::find_by_id(inv.nomination_id).one(&s.db).await?.ok_or(AppError::Internal)?;
        let e = edition::Entity::find_by_id(n.edition_id).one(&s.db).await?.ok_or(AppError::Internal)?;
        if !open_to_team(&n, &e, now) {
            return Err(AppError::Conflict("This project can no longer change, nor its team.".into()));
        }
    }
    let txn = s.db.begin().await?;
    // the claim comes first: of parallel acceptances one changes the row
    let claimed = editor_invitation::Entity::update_many()
        .col_expr(editor_invitation::Column::AcceptedAt, Expr::value(Some(now)))
        .filter(editor_invitation::Column::Id.eq(inv.id))
        .filter(editor_invitation::Column::AcceptedAt.is_null())
        .filter(editor_invitation::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 1 {
        let n = nomination::Entity::find_by_id(inv.nomination_id).one(&txn).await?.ok_or(AppError::Internal)?;
        if n.account_id != Some(me.id) {
            let row = nomination_editor::ActiveModel { nomination_id: Set(n.id), account_id: Set(me.id), added_at: Set(now), ..Default::default() }.insert(&txn).await;
            match row {
                Ok(_) => {}
                Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {}
                Err(err) => return Err(err.into()),
            }
        }
        txn.commit().await?;
    } else {
        let _ = txn.rollback().await;
    }
    invitation(s, me, token).await
}

/// The owner removes a co-editor or withdraws an invitation (by address), whatever the
/// project's status: access is revoked at any time.
pub async fn remove(s: &Services, me: &account::Model, id: Uuid, email: &str) -> Result<TeamView, AppError> {
    let (n, e) = owned(s, me, id, false).await?;
    let address = crate::account::canonical_email(email);
    let now = s.now();
    let txn = super::begin_on_edition(&s.db, e.id).await?;
    let n = match still_owned(&txn, me, n.id).await {
        Ok(n) => n,
        Err(err) => {
            let _ = txn.rollback().await;
            return Err(err);
        }
    };
    let withdrawn = editor_invitation::Entity::update_many()
        .col_expr(editor_invitation::Column::WithdrawnAt, Expr::value(Some(now)))
        .filter(editor_invitation::Column::NominationId.eq(n.id))
        .filter(editor_invitation::Column::Email.eq(address.clone()))
        .filter(editor_invitation::Column::AcceptedAt.is_null())
        .filter(editor_invitation::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    let removed = match editor_by_address(&txn, &n, &address).await? {
        Some((row, _)) => nomination_editor::Entity::delete_by_id(row.id).exec(&txn).await?.rows_affected,
        None => 0,
    };
    if withdrawn + removed == 0 {
        let _ = txn.rollback().await;
        return Err(AppError::Fields(vec![("email".into(), "This address is not on the project's team.".into())]));
    }
    let view = team_view(&txn, &n, me.id).await?;
    txn.commit().await?;
    Ok(view)
}

/// The owner hands the project over to one of its co-editors, who becomes its owner; the
/// former owner stays on the team as a co-editor. At any status (the owner receives the
/// project's decisions); audit-logged; the new owner is mailed.
pub async fn transfer(s: &Services, me: &account::Model, id: Uuid, email: &str) -> Result<TeamView, AppError> {
    let (n, e) = owned(s, me, id, false).await?;
    let now = s.now();
    let address = crate::account::canonical_email(email);
    let txn = super::begin_on_edition(&s.db, e.id).await?;
    let Some((row, target)) = editor_by_address(&txn, &n, &address).await? else {
        let _ = txn.rollback().await;
        return Err(AppError::Fields(vec![("email".into(), "Hand the project over to one of its co-editors.".into())]));
    };
    // only while the caller still owns it: two hand-overs at once change the owner once
    let moved = nomination::Entity::update_many()
        .col_expr(nomination::Column::AccountId, Expr::value(Some(target.id)))
        .filter(nomination::Column::Id.eq(n.id))
        .filter(nomination::Column::AccountId.eq(me.id))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Err(AppError::Forbidden("Only the project's owner changes its team.".into()));
    }
    nomination_editor::Entity::delete_by_id(row.id).exec(&txn).await?;
    nomination_editor::ActiveModel { nomination_id: Set(n.id), account_id: Set(me.id), added_at: Set(now), ..Default::default() }.insert(&txn).await?;
    audit::record(
        &txn,
        now,
        Some(me.id),
        AuditAction::SubmissionTransfer,
        &format!("nomination:{}", n.uuid),
        Some(serde_json::json!({ "owner": me.email })),
        Some(serde_json::json!({ "owner": target.email })),
    )
    .await?;
    let (subject, body) = transfer_mail(&me.shown_name(), &n.title, e.year, &s.config.public_url);
    super::mail::enqueue(&txn, now, &target.lang, &target.email, &subject, &body).await?;
    let moved = nomination::Entity::find_by_id(n.id).one(&txn).await?.ok_or(AppError::Internal)?;
    let view = team_view(&txn, &moved, me.id).await?;
    txn.commit().await?;
    s.wake_mail();
    Ok(view)
}
