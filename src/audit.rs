//! What the audit log records: every action of the platform that changes what people
//! see or what counts, named once.

crate::keyed_enum! {
    pub enum AuditAction {
        AccountSignUp = "account.sign_up",
        AccountConfirm = "account.confirm",
        AccountSignIn = "account.sign_in",
        AccountSignInFailed = "account.sign_in_failed",
        AccountSignInCode = "account.sign_in_code",
        AccountSignInOidc = "account.sign_in_oidc",
        AccountPasswordReset = "account.password_reset",
        AccountCreateAdmin = "account.create_admin",
        RoleGranted = "account.role_granted",
        RoleRevoked = "account.role_revoked",
        DomainBlock = "domain.block",
        DomainUnblock = "domain.unblock",
        EditionCreate = "edition.create",
        EditionClone = "edition.clone",
        EditionSchedule = "edition.schedule",
        EditionReopen = "edition.reopen",
        EditionRules = "edition.rules",
        EditionMakeCurrent = "edition.make_current",
        ScreeningStage = "screening.stage",
        ScreenerAssign = "screening.screener_assign",
        ScreenerUnassign = "screening.screener_unassign",
        ScreeningAutoAssign = "screening.auto_assign",
        ScreeningOpinion = "screening.opinion",
        ScreeningRelease = "screening.release",
        ScreeningCorrect = "screening.correct",
        SubmissionExtend = "submission.extend",
        SubmissionOnBehalf = "submission.on_behalf",
        SubmissionTransfer = "submission.transfer",
        VoteInvalidate = "vote.invalidate",
        VoteRestore = "vote.restore",
        TallyRecount = "tally.recount",
        AuditFreeze = "audit.freeze",
        AuditLift = "audit.lift",
        AuditReopen = "audit.reopen",
        ChampionsCompute = "champions.compute",
        ChampionsExcludeTied = "champions.exclude_tied",
        ReviewRubric = "review.rubric",
        ReviewAssign = "review.assign",
        ReviewUnassign = "review.unassign",
        ReviewSaveDraft = "review.save_draft",
        ReviewSubmit = "review.submit",
        ReviewConflict = "review.conflict",
        ReviewSelectWinners = "review.select_winners",
        ReviewNotes = "review.deliberation_notes",
        ReviewCommentHide = "review.comment_hide",
        ResultsRelease = "results.release",
        ResultsReleaseAtAnnouncement = "results.release_at_announcement",
        ResultsLetters = "results.letters",
        ObserverAdd = "observer.add",
        BroadcastSend = "broadcast.send",
        ObserverRemove = "observer.remove",
    }
}

/// A reason given for the audit log: required, at most 1000 characters.
pub fn reason(input: &str) -> Result<&str, crate::AppError> {
    let r = input.trim();
    if r.is_empty() || r.chars().count() > 1000 {
        return Err(crate::AppError::reason_required());
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_keep_their_stored_names() {
        assert_eq!(AuditAction::VoteInvalidate.key(), "vote.invalidate");
        assert_eq!(AuditAction::parse("edition.make_current"), Some(AuditAction::EditionMakeCurrent));
        let keys: std::collections::HashSet<&str> = AuditAction::ALL.iter().map(|a| a.key()).collect();
        assert_eq!(keys.len(), AuditAction::ALL.len(), "distinct");
        assert!(reason("  ").is_err() && reason(&"x".repeat(1001)).is_err());
        assert_eq!(reason(" appeal upheld ").unwrap(), "appeal upheld");
    }
}
