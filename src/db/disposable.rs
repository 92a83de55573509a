//! Disposable e-mail domains, refused at sign-up: the community-maintained list
//! (`disposable_domains.txt`, refreshed by `scripts/update-disposable-domains.sh`) and the
//! domains the admins add on the accounts page (`blocked_domain`). A subdomain of a listed
//! domain is refused too.

use std::sync::OnceLock;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entity::blocked_domain;
use crate::AppError;

static LIST: &str = include_str!("disposable_domains.txt");

fn list() -> &'static [&'static str] {
    static SORTED: OnceLock<Vec<&'static str>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<&str> = LIST.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// The domain and each of its parents: `a.b.example.org`, `b.example.org`, `example.org`.
fn suffixes(domain: &str) -> impl Iterator<Item = &str> {
    let d = domain.trim_end_matches('.');
    std::iter::once(d).chain(d.match_indices('.').map(move |(i, _)| &d[i + 1..])).filter(|s| s.contains('.'))
}

/// Whether the built-in list names `domain` (or a parent of it).
pub fn is_disposable(domain: &str) -> bool {
    let d = domain.trim().to_lowercase();
    suffixes(&d).any(|s| list().binary_search(&s).is_ok())
}

/// Whether sign-ups from `domain` are refused: the built-in list or the admins' list.
pub async fn is_blocked(db: &impl ConnectionTrait, domain: &str) -> Result<bool, AppError> {
    if is_disposable(domain) {
        return Ok(true);
    }
    let d = domain.trim().to_lowercase();
    let names: Vec<String> = suffixes(&d).map(str::to_string).collect();
    Ok(blocked_domain::Entity::find().filter(blocked_domain::Column::Domain.is_in(names)).one(db).await?.is_some())
}

/// A domain as an admin typed it, if it looks like one.
pub fn parse_domain(input: &str) -> Result<String, AppError> {
    let d = input.trim().trim_start_matches('@').trim_end_matches('.').to_lowercase();
    let ok = d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if !ok {
        return Err(AppError::invalid(format!("“{}” is not a domain name.", input.trim())));
    }
    Ok(d)
}

/// The admins' domains, alphabetically.
pub async fn admin_list(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, AppError> {
    Ok(blocked_domain::Entity::find()
        .order_by_asc(blocked_domain::Column::Domain)
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.domain, d.note))
        .collect())
}

/// Adds (`blocked = true`) or removes a domain of the admins' list; audit-logged.
pub async fn set_blocked(db: &(impl ConnectionTrait + sea_orm::TransactionTrait), actor: i32, input: &str, note: &str, blocked: bool, now: chrono::DateTime<Utc>) -> Result<(), AppError> {
    let domain = parse_domain(input)?;
    if blocked {
        let note = crate::account::check_text("Note", note, false, 200).map_err(AppError::Invalid)?;
        let row = blocked_domain::ActiveModel { domain: Set(domain.clone()), note: Set(note), added_by: Set(Some(actor)), added_at: Set(now) };
        match row.insert(db).await {
            Ok(_) => {}
            Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                return Err(AppError::Conflict(format!("{domain} is already refused.")))
            }
            Err(e) => return Err(e.into()),
        }
    } else if blocked_domain::Entity::delete_by_id(domain.clone()).exec(db).await?.rows_affected == 0 {
        return Err(AppError::NotFound(format!("{domain} is not on the list.")));
    }
    super::audit::record(
        db,
        now,
        Some(actor),
        if blocked { crate::audit::AuditAction::DomainBlock } else { crate::audit::AuditAction::DomainUnblock },
        &format!("domain:{domain}"),
        None,
        None,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposable_domains_and_their_subdomains_are_known() {
        assert!(list().len() > 10_000, "the list is loaded ({})", list().len());
        assert!(is_disposable("mailinator.com"));
        assert!(is_disposable("Foo.Mailinator.com"));
        for real in ["gmail.com", "itu.int", "outlook.com", "example.org"] {
            assert!(!is_disposable(real), "{real}");
        }
    }

    #[test]
    fn admins_type_domains() {
        assert_eq!(parse_domain(" @Spam.Example. ").unwrap(), "spam.example");
        for bad in ["", "nodot", "a..b", "sp am.example", "<x>.org"] {
            assert!(parse_domain(bad).is_err(), "{bad}");
        }
    }
}
