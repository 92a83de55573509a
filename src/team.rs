//! A project's team: its owner (the account that created it) and the co-editors the owner
//! invited by e-mail. Co-editors change and submit the draft; the owner alone invites,
//! removes and hands the project over. The eligibility rules count per organisation, so a
//! team changes none of them.

use serde::{Deserialize, Serialize};

/// Co-editors and open invitations a project may have at once.
pub const MAX_EDITORS: usize = 5;
/// Invitations one account may send in a day (every project together): an invitation is
/// an e-mail to an address of the sender's choosing.
pub const INVITATIONS_PER_DAY: u64 = 20;
/// Days an invitation's link works.
pub const INVITATION_DAYS: i64 = 14;

/// The project's team as a member sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub owner: String,
    pub editors: Vec<String>,
    /// Addresses invited who have not accepted yet (shown to the owner only).
    pub invited: Vec<String>,
    /// The viewer owns the project (may invite, remove and hand it over).
    pub owner_is_me: bool,
}

/// An invitation as its link shows it before it is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub title: String,
    pub edition_year: i32,
    pub invited_by: String,
    pub accepted: bool,
    /// The project, once the viewer is on its team.
    pub project: Option<uuid::Uuid>,
}

/// Checks an address the owner invites: well formed, not the owner's, not already on the
/// team or invited, and room left on the team. Answers the address to store (canonical:
/// the mailbox it reaches).
pub fn check_invitee(input: &str, owner: &str, editors: &[String], invited: &[String]) -> Result<String, String> {
    let email = crate::account::Email::parse(input)?;
    let canonical = email.canonical();
    if canonical == crate::account::canonical_email(owner) {
        return Err("You own this project already.".to_string());
    }
    if editors.iter().any(|e| crate::account::canonical_email(e) == canonical) {
        return Err("This person already edits the project.".to_string());
    }
    if invited.iter().any(|e| crate::account::canonical_email(e) == canonical) {
        return Err("This address is already invited.".to_string());
    }
    if editors.len() + invited.len() >= MAX_EDITORS {
        return Err(format!("A project has at most {MAX_EDITORS} co-editors and invitations; remove one first."));
    }
    Ok(canonical)
}

/// The invitation's e-mail.
pub fn invitation_mail(inviter: &str, title: &str, year: i32, public_url: &str, token: uuid::Uuid) -> (String, String) {
    (
        format!("WSIS Prizes {year}: {inviter} invites you to edit “{title}”"),
        format!(
            "{inviter} invites you to edit the project “{title}” for the WSIS Prizes {year} with them.\n\n\
             Sign in, or create an account, with this address, then open: {public_url}/invitations/{token}\n\n\
             If you do not know this project, ignore this message.\n"
        ),
    )
}

/// The e-mail to the new owner of a project handed over.
pub fn transfer_mail(from: &str, title: &str, year: i32, public_url: &str) -> (String, String) {
    (
        format!("WSIS Prizes {year}: you now own “{title}”"),
        format!("{from} handed the project “{title}” for the WSIS Prizes {year} over to you; they stay on its team as a co-editor.\n\nYour submissions: {public_url}/submissions\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_invitee_is_new_to_the_team_and_there_is_room() {
        let editors = vec!["ana@example.org".to_string()];
        let invited = vec!["Bo.Li+x@gmail.com".to_string()];
        assert_eq!(check_invitee(" Chen@Example.org ", "owner@example.org", &editors, &invited).unwrap(), "chen@example.org");
        assert!(check_invitee("owner@example.org", "Owner@example.org", &editors, &invited).unwrap_err().contains("own"));
        assert!(check_invitee("ANA@example.org", "owner@example.org", &editors, &invited).unwrap_err().contains("already edits"));
        assert!(check_invitee("boli@gmail.com", "owner@example.org", &editors, &invited).unwrap_err().contains("already invited"), "the same mailbox");
        assert!(check_invitee("not an address", "owner@example.org", &editors, &invited).is_err());
        let full: Vec<String> = (0..MAX_EDITORS).map(|i| format!("p{i}@example.org")).collect();
        assert!(check_invitee("new@example.org", "owner@example.org", &full, &[]).unwrap_err().contains("at most"));
    }

    #[test]
    fn the_mails_name_the_project_and_the_link() {
        let token = uuid::Uuid::nil();
        let (s, b) = invitation_mail("Ana Lima", "Rural Coding Clubs", 2027, "https://prizes.example", token);
        assert!(s.contains("Ana Lima") && s.contains("Rural Coding Clubs"));
        assert!(b.contains(&format!("https://prizes.example/invitations/{token}")));
        let (s, b) = transfer_mail("Ana Lima", "Rural Coding Clubs", 2027, "https://prizes.example");
        assert!(s.contains("you now own") && b.contains("co-editor"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_mails_read_in_every_language() {
        let token = uuid::Uuid::nil();
        for (subject, body) in [
            invitation_mail("Ana Lima", "Rural Coding Clubs", 2027, "https://prizes.example", token),
            transfer_mail("Ana Lima", "Rural Coding Clubs", 2027, "https://prizes.example"),
        ] {
            for lang in ["ar", "es", "fr", "ru", "zh"] {
                let (s, b) = (crate::messages::translate(&subject, lang), crate::messages::translate(&body, lang));
                assert!(s != subject && s.contains("Rural Coding Clubs"), "{lang}: {s}");
                assert!(b != body && b.contains("https://prizes.example/"), "{lang}: {b}");
            }
        }
    }

    proptest! {
        /// However many are invited, a team never grows past the limit.
        #[test]
        fn a_team_never_grows_past_the_limit(editors in 0usize..8, invited in 0usize..8) {
            let e: Vec<String> = (0..editors).map(|i| format!("e{i}@example.org")).collect();
            let v: Vec<String> = (0..invited).map(|i| format!("v{i}@example.org")).collect();
            let ok = check_invitee("new@example.org", "owner@example.org", &e, &v).is_ok();
            prop_assert_eq!(ok, editors + invited < MAX_EDITORS);
        }
    }
}
