//! Translated labels of data that the server sends in English.

use leptos_i18n::I18nContext;

use crate::i18n::*;

/// The category's name in the interface language; `key` is its slug or code
/// (`c7-e-health` or `C7 e-health`), `english` the name as stored.
pub fn category_label(i18n: I18nContext<Locale>, key: &str, english: &str) -> String {
    let slug = key.trim().to_lowercase().replace(' ', "-");
    match slug.as_str() {
        "c1" => t_string!(i18n, cat_c1).to_string(),
        "c2" => t_string!(i18n, cat_c2).to_string(),
        "c3" => t_string!(i18n, cat_c3).to_string(),
        "c4" => t_string!(i18n, cat_c4).to_string(),
        "c5" => t_string!(i18n, cat_c5).to_string(),
        "c6" => t_string!(i18n, cat_c6).to_string(),
        "c7-e-government" => t_string!(i18n, cat_c7_e_government).to_string(),
        "c7-e-business" => t_string!(i18n, cat_c7_e_business).to_string(),
        "c7-e-learning" => t_string!(i18n, cat_c7_e_learning).to_string(),
        "c7-e-health" => t_string!(i18n, cat_c7_e_health).to_string(),
        "c7-e-employment" => t_string!(i18n, cat_c7_e_employment).to_string(),
        "c7-e-environment" => t_string!(i18n, cat_c7_e_environment).to_string(),
        "c7-e-agriculture" => t_string!(i18n, cat_c7_e_agriculture).to_string(),
        "c7-e-science" => t_string!(i18n, cat_c7_e_science).to_string(),
        "c8" => t_string!(i18n, cat_c8).to_string(),
        "c9" => t_string!(i18n, cat_c9).to_string(),
        "c10" => t_string!(i18n, cat_c10).to_string(),
        "c11" => t_string!(i18n, cat_c11).to_string(),
        _ => english.to_string(),
    }
}

/// A reason category of a vote left out of the count, in the interface language.
pub fn not_counted_label(i18n: I18nContext<Locale>, reason: wsis::vote::NotCountedReason) -> String {
    use wsis::vote::NotCountedReason as R;
    match reason {
        R::CoordinatedAccounts => t_string!(i18n, not_counted_coordinated_accounts),
        R::Automated => t_string!(i18n, not_counted_automated),
        R::VoteBuying => t_string!(i18n, not_counted_vote_buying),
        R::Ineligible => t_string!(i18n, not_counted_ineligible),
        R::OtherBreach => t_string!(i18n, not_counted_other),
        R::Held => t_string!(i18n, not_counted_held),
        R::IncompleteBallot => t_string!(i18n, not_counted_incomplete_ballot),
        R::NotOnBallot => t_string!(i18n, not_counted_not_on_ballot),
    }
    .to_string()
}

/// The interface language's code (`ar`, `en`, …), for formatting.
pub fn lang(i18n: I18nContext<Locale>) -> &'static str {
    i18n.get_locale_untracked().as_str()
}

/// An instant in Geneva time, written as the interface language writes dates.
pub fn geneva(i18n: I18nContext<Locale>, t: chrono::DateTime<chrono::Utc>) -> String {
    wsis::format::geneva(t, lang(i18n))
}

/// An instant in UTC, written as the interface language writes dates.
pub fn utc(i18n: I18nContext<Locale>, t: chrono::DateTime<chrono::Utc>) -> String {
    wsis::format::utc(t, lang(i18n))
}

/// A count with the interface language's digit grouping.
pub fn num(i18n: I18nContext<Locale>, n: impl TryInto<u64>) -> String {
    wsis::format::count(n.try_into().unwrap_or(0), lang(i18n))
}

/// A role's name in the interface language.
pub fn role_label(i18n: I18nContext<Locale>, role: wsis::account::Role) -> String {
    match role {
        wsis::account::Role::Admin => t_string!(i18n, role_admin).to_string(),
        wsis::account::Role::Expert => t_string!(i18n, role_expert).to_string(),
        wsis::account::Role::Announcer => t_string!(i18n, role_announcer).to_string(),
    }
}

/// An instant in Geneva time with UTC beside it.
pub fn geneva_and_utc(i18n: I18nContext<Locale>, t: chrono::DateTime<chrono::Utc>) -> String {
    format!("{} ({})", geneva(i18n, t), utc(i18n, t))
}

/// A region's name in the interface language.
pub fn region_name(i18n: I18nContext<Locale>, r: wsis::nomination::Region) -> String {
    use wsis::nomination::Region;
    match r {
        Region::Africa => t_string!(i18n, region_africa),
        Region::Americas => t_string!(i18n, region_americas),
        Region::ArabStates => t_string!(i18n, region_arab_states),
        Region::AsiaPacific => t_string!(i18n, region_asia_pacific),
        Region::Cis => t_string!(i18n, region_cis),
        Region::Europe => t_string!(i18n, region_europe),
    }
    .to_string()
}

/// A stakeholder type's name in the interface language.
pub fn stakeholder_name(i18n: I18nContext<Locale>, s: wsis::nomination::StakeholderType) -> String {
    use wsis::nomination::StakeholderType;
    match s {
        StakeholderType::Government => t_string!(i18n, stakeholder_government),
        StakeholderType::PrivateSector => t_string!(i18n, stakeholder_private_sector),
        StakeholderType::CivilSociety => t_string!(i18n, stakeholder_civil_society),
        StakeholderType::Academia => t_string!(i18n, stakeholder_academia),
        StakeholderType::InternationalOrganisation => t_string!(i18n, stakeholder_international),
    }
    .to_string()
}

/// A nomination's status in the interface language.
pub fn status_name(i18n: I18nContext<Locale>, s: wsis::nomination::NominationStatus) -> String {
    use wsis::nomination::NominationStatus;
    match s {
        NominationStatus::Draft => t_string!(i18n, status_draft),
        NominationStatus::Submitted => t_string!(i18n, status_submitted),
        NominationStatus::Nominee => t_string!(i18n, status_nominee),
        NominationStatus::Rejected => t_string!(i18n, status_rejected),
        NominationStatus::Champion => t_string!(i18n, status_champion),
        NominationStatus::Winner => t_string!(i18n, status_winner),
    }
    .to_string()
}
