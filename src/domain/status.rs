//! The report workflow of SPEC §4: which status follows which action, and who may take it.
//!
//! [`apply`] is the only place a status changes. Its `match`es name every status and every action
//! with no catch-all arm, so adding a status or an action does not compile until each rule has been
//! decided. It only decides the status: `workflow` adds what else a command requires (reason, PO
//! number, comments) and the service stores the result.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a report is under review (the sub-status).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReviewReason {
    /// The partner submitted it.
    Manual,
    /// The partner's deadline passed and no line needed a penalty.
    AutoNoPenalties,
    /// The partner's deadline passed and uncommented violating lines were charged at provisioned.
    AutoPenalties,
    /// The vendor sent it back for clarification.
    ReturnedByVendor,
}

impl ReviewReason {
    /// Every reason, for table tests and filters.
    pub const fn all() -> [ReviewReason; 4] {
        [
            ReviewReason::Manual,
            ReviewReason::AutoNoPenalties,
            ReviewReason::AutoPenalties,
            ReviewReason::ReturnedByVendor,
        ]
    }

    /// Stable storage code. Never change one: stored rows and API clients depend on it.
    pub const fn as_code(&self) -> &'static str {
        match self {
            ReviewReason::Manual => "manual",
            ReviewReason::AutoNoPenalties => "auto_no_penalties",
            ReviewReason::AutoPenalties => "auto_penalties",
            ReviewReason::ReturnedByVendor => "returned_by_vendor",
        }
    }

    /// Reads a storage code.
    pub fn from_code(code: &str) -> Option<ReviewReason> {
        ReviewReason::all()
            .into_iter()
            .find(|r| r.as_code() == code)
    }

    /// Human label of the sub-status.
    pub const fn label(&self) -> &'static str {
        match self {
            ReviewReason::Manual => "manual submission",
            ReviewReason::AutoNoPenalties => "automatic submission, no penalties",
            ReviewReason::AutoPenalties => "automatic submission, penalties applied",
            ReviewReason::ReturnedByVendor => "returned by vendor",
        }
    }
}

/// Where a report is in its monthly cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Generated; the partner is reviewing it.
    MspPreparing,
    /// With the distributor, for the given reason.
    UnderReview(ReviewReason),
    /// Returned to the partner, who must fix and resubmit.
    Rejected,
    /// Sent to the vendor; prices are frozen.
    SubmittedToVendor,
    /// Accepted by the vendor; read-only forever.
    Completed,
}

/// Why [`Status::from_code`] could not read a stored status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusCodeError {
    /// The status code is not one this version knows.
    #[error("unknown report status code {0:?}")]
    UnknownStatus(String),
    /// "under_review" needs a known sub-status code, the others none.
    #[error("status {status:?} does not go with sub-status {sub_status:?}")]
    BadSubStatus {
        /// The status code.
        status: String,
        /// The sub-status code found with it.
        sub_status: Option<String>,
    },
}

impl Status {
    /// The status every report starts in (the *generate* transition).
    pub const INITIAL: Status = Status::MspPreparing;

    /// Every status, sub-statuses included, for table tests and filters.
    pub const fn all() -> [Status; 8] {
        [
            Status::MspPreparing,
            Status::UnderReview(ReviewReason::Manual),
            Status::UnderReview(ReviewReason::AutoNoPenalties),
            Status::UnderReview(ReviewReason::AutoPenalties),
            Status::UnderReview(ReviewReason::ReturnedByVendor),
            Status::Rejected,
            Status::SubmittedToVendor,
            Status::Completed,
        ]
    }

    /// Stable storage code of the status (without its sub-status).
    pub const fn as_code(&self) -> &'static str {
        match self {
            Status::MspPreparing => "msp_preparing",
            Status::UnderReview(_) => "under_review",
            Status::Rejected => "rejected",
            Status::SubmittedToVendor => "submitted_to_vendor",
            Status::Completed => "completed",
        }
    }

    /// Stable storage code of the sub-status, if this status has one.
    pub const fn sub_status_code(&self) -> Option<&'static str> {
        match self {
            Status::UnderReview(reason) => Some(reason.as_code()),
            Status::MspPreparing
            | Status::Rejected
            | Status::SubmittedToVendor
            | Status::Completed => None,
        }
    }

    /// Reads the pair of codes stored in a report row.
    pub fn from_code(code: &str, sub_status: Option<&str>) -> Result<Status, StatusCodeError> {
        let bad_sub = || StatusCodeError::BadSubStatus {
            status: code.to_owned(),
            sub_status: sub_status.map(str::to_owned),
        };
        let plain = |status: Status| match sub_status {
            None => Ok(status),
            Some(_) => Err(bad_sub()),
        };
        match code {
            "msp_preparing" => plain(Status::MspPreparing),
            "rejected" => plain(Status::Rejected),
            "submitted_to_vendor" => plain(Status::SubmittedToVendor),
            "completed" => plain(Status::Completed),
            "under_review" => sub_status
                .and_then(ReviewReason::from_code)
                .map(Status::UnderReview)
                .ok_or_else(bad_sub),
            other => Err(StatusCodeError::UnknownStatus(
                other.chars().take(40).collect(),
            )),
        }
    }

    /// Human label, e.g. "Under review — manual submission".
    pub fn label(&self) -> String {
        match self {
            Status::MspPreparing => "MSP preparing".to_owned(),
            Status::UnderReview(reason) => format!("Under review — {}", reason.label()),
            Status::Rejected => "Rejected (returned to partner)".to_owned(),
            Status::SubmittedToVendor => "Submitted to vendor".to_owned(),
            Status::Completed => "Completed".to_owned(),
        }
    }

    /// True once nothing can change any more.
    pub const fn is_final(&self) -> bool {
        matches!(self, Status::Completed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Who takes an action, as the workflow sees it (not which user: see `policy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActorKind {
    /// A partner (MSP or reseller) user.
    Partner,
    /// A distributor user.
    Distributor,
    /// A vendor user.
    Vendor,
    /// A scheduled job (deadlines, auto-approval).
    System,
    /// An operator (platform admin) user.
    Admin,
}

impl ActorKind {
    /// Every actor kind, for table tests.
    pub const fn all() -> [ActorKind; 5] {
        [
            ActorKind::Partner,
            ActorKind::Distributor,
            ActorKind::Vendor,
            ActorKind::System,
            ActorKind::Admin,
        ]
    }

    /// How a message names this actor: "Only the distributor can …".
    pub const fn label(&self) -> &'static str {
        match self {
            ActorKind::Partner => "the partner",
            ActorKind::Distributor => "the distributor",
            ActorKind::Vendor => "the vendor",
            ActorKind::System => "the system",
            ActorKind::Admin => "a platform admin",
        }
    }

    /// Stable code for the history's "who" column.
    pub const fn as_code(&self) -> &'static str {
        match self {
            ActorKind::Partner => "partner",
            ActorKind::Distributor => "distributor",
            ActorKind::Vendor => "vendor",
            ActorKind::System => "system",
            ActorKind::Admin => "admin",
        }
    }
}

/// Something someone does to a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Partner saves chargeable units and comments without submitting.
    SaveDraft,
    /// Partner submits for review.
    Submit,
    /// System submits at the partner's deadline; `penalties` says whether any line was charged
    /// at provisioned (see `line::auto_submit_penalty`).
    AutoSubmit {
        /// Whether a penalty was applied to any line.
        penalties: bool,
    },
    /// Distributor returns the report to the partner (reason required).
    Reject,
    /// Distributor sends the report to the vendor (PO number required).
    SubmitToVendor,
    /// Vendor accepts the report.
    Complete,
    /// Vendor returns the report to the distributor for clarification (reason required).
    Return,
    /// System approves a clean report when the distributor's review window ends.
    AutoApprove,
    /// Distributor edits PO number, pricing codes, prices, margins, or resets them.
    DistributorEdit,
    /// The usage feed corrects provisioned or used units while the partner is still preparing.
    UpdateUsage,
}

impl Action {
    /// Every action, for table tests.
    pub const fn all() -> [Action; 11] {
        [
            Action::SaveDraft,
            Action::Submit,
            Action::AutoSubmit { penalties: false },
            Action::AutoSubmit { penalties: true },
            Action::Reject,
            Action::SubmitToVendor,
            Action::Complete,
            Action::Return,
            Action::AutoApprove,
            Action::DistributorEdit,
            Action::UpdateUsage,
        ]
    }

    /// Stable code for the history's "what" column.
    pub const fn as_code(&self) -> &'static str {
        match self {
            Action::SaveDraft => "save_draft",
            Action::Submit => "submit",
            Action::AutoSubmit { penalties: false } => "auto_submit",
            Action::AutoSubmit { penalties: true } => "auto_submit_penalties",
            Action::Reject => "reject",
            Action::SubmitToVendor => "submit_to_vendor",
            Action::Complete => "complete",
            Action::Return => "return",
            Action::AutoApprove => "auto_approve",
            Action::DistributorEdit => "distributor_edit",
            Action::UpdateUsage => "usage_import",
        }
    }

    /// The only kind of actor that may take this action.
    pub const fn actor(&self) -> ActorKind {
        match self {
            Action::SaveDraft | Action::Submit => ActorKind::Partner,
            Action::Reject | Action::SubmitToVendor | Action::DistributorEdit => {
                ActorKind::Distributor
            }
            Action::Complete | Action::Return => ActorKind::Vendor,
            Action::AutoSubmit { .. } | Action::AutoApprove | Action::UpdateUsage => {
                ActorKind::System
            }
        }
    }

    /// The action as a verb phrase, to complete "Only the partner can …" and "you can't … now".
    pub const fn describe(&self) -> &'static str {
        match self {
            Action::SaveDraft => "save changes to the report",
            Action::Submit => "submit the report for review",
            Action::AutoSubmit { .. } => "submit a report automatically at the deadline",
            Action::Reject => "return a report to the partner",
            Action::SubmitToVendor => "submit a report to the vendor",
            Action::Complete => "complete a report",
            Action::Return => "return a report to the distributor for clarification",
            Action::AutoApprove => "approve a report automatically",
            Action::DistributorEdit => "change the PO number, pricing codes, prices or margins",
            Action::UpdateUsage => "update its usage from the feed",
        }
    }
}

/// Why something was refused. Every message can be shown to the person who tried.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Refusal {
    /// The report does not exist for this user. Deliberately the same answer as a report that
    /// really does not exist, so nobody learns about reports they may not see.
    #[error("Report not found")]
    NotFound,
    /// The user's region does not have billing reports.
    #[error("Billing reports are not available in your region")]
    RegionDisabled,
    /// The user's role may look but not act (support, platform admin).
    #[error("Your role can view reports but not change them")]
    ReadOnly,
    /// Someone other than the action's owner tried it.
    #[error("Only {} can {}", .action.actor().label(), .action.describe())]
    WrongActor {
        /// What was attempted.
        action: Action,
        /// Who attempted it.
        actor: ActorKind,
    },
    /// The report has been completed; nothing changes any more.
    #[error("This report is Completed; it can no longer be changed")]
    Final,
    /// The action does not apply to the report's current status.
    #[error("This report is {status}; you can't {} now", .action.describe())]
    WrongStatus {
        /// What was attempted.
        action: Action,
        /// The report's status at the time.
        status: Status,
    },
    /// Someone other than the vendor's billing team or a platform admin tried to import usage
    /// or generate reports.
    #[error(
        "Only the vendor's billing team and platform admins can import usage and generate reports"
    )]
    CycleOnly,
    /// Someone other than a distributor's user opened the cycle settings.
    #[error("Cycle settings belong to distributors")]
    SettingsDistributorOnly,
    /// A distributor's user other than an administrator tried to change its settings.
    #[error("Only an administrator of your organisation can change its settings")]
    SettingsAdminOnly,
    /// Someone other than a platform admin asked to check the history's integrity.
    #[error("Only platform admins can check the integrity of the history")]
    HistoryCheckAdminOnly,
    /// Someone other than the platform's staff asked for the channel overview.
    #[error("Only platform admins can see the overview of every region")]
    OverviewAdminOnly,
    /// Someone other than the vendor's billing team or a platform admin asked for the deliveries
    /// to the vendor.
    #[error("Only the vendor's billing team and platform admins can see and retry deliveries")]
    DeliveriesOnly,
    /// Someone other than an administrator of the organisation tried to manage its API tokens
    /// or webhooks.
    #[error("Only an administrator of your organisation can manage its API tokens and webhooks")]
    IntegrationsAdminOnly,
    /// An "act" token asked for a user whose role is read-only.
    #[error("This user's role is read-only, so their API tokens can only read")]
    ApiTokenAboveRole,
    /// A "read" token asked to change something.
    #[error("This API token may only read; an administrator can create one that may act")]
    ApiTokenReadOnly,
    /// A reason (for a rejection or a return) was left blank.
    #[error("Please give a reason")]
    ReasonRequired,
    /// A reason longer than free text may be; the number of characters it has.
    #[error("{}", super::text::too_long_message("The reason", *.0))]
    ReasonTooLong(usize),
}

impl Refusal {
    /// Whether the refusal is about what was typed (fix it and try again), not about who may do
    /// what when: a missing reason is bad input, like an unreadable number.
    pub const fn is_about_input(&self) -> bool {
        matches!(self, Refusal::ReasonRequired | Refusal::ReasonTooLong(_))
    }
}

/// Checks that a reason (reject, return) has visible text and returns it trimmed.
pub fn require_reason(text: &str) -> Result<String, Refusal> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Refusal::ReasonRequired);
    }
    if let Some(len) = super::text::too_long(trimmed) {
        return Err(Refusal::ReasonTooLong(len));
    }
    Ok(trimmed.to_owned())
}

/// Decides the status that follows `action` taken by `actor` on a report in `status`.
///
/// Checks, in order: the actor kind owns the action; the report is not completed; the action
/// applies to the status. Returns the next status (possibly the same one for edits and drafts).
pub fn apply(status: Status, action: Action, actor: ActorKind) -> Result<Status, Refusal> {
    if actor != action.actor() {
        return Err(Refusal::WrongActor { action, actor });
    }
    let wrong = || Refusal::WrongStatus { action, status };
    use ReviewReason as R;
    use Status as S;
    match action {
        Action::SaveDraft => match status {
            S::MspPreparing => Ok(S::MspPreparing),
            S::Rejected => Ok(S::Rejected),
            S::UnderReview(_) | S::SubmittedToVendor => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        Action::Submit => match status {
            S::MspPreparing | S::Rejected => Ok(S::UnderReview(R::Manual)),
            S::UnderReview(_) | S::SubmittedToVendor => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        // At the partner's deadline, or the new one a rejection set.
        Action::AutoSubmit { penalties } => match status {
            S::MspPreparing | S::Rejected => Ok(S::UnderReview(if penalties {
                R::AutoPenalties
            } else {
                R::AutoNoPenalties
            })),
            S::UnderReview(_) | S::SubmittedToVendor => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        Action::Reject => match status {
            S::UnderReview(_) => Ok(S::Rejected),
            S::MspPreparing | S::Rejected | S::SubmittedToVendor => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        Action::SubmitToVendor => match status {
            S::UnderReview(_) => Ok(S::SubmittedToVendor),
            S::MspPreparing | S::Rejected | S::SubmittedToVendor => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        Action::Complete => match status {
            S::SubmittedToVendor => Ok(S::Completed),
            S::MspPreparing | S::UnderReview(_) | S::Rejected => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        Action::Return => match status {
            S::SubmittedToVendor => Ok(S::UnderReview(R::ReturnedByVendor)),
            S::MspPreparing | S::UnderReview(_) | S::Rejected => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        // Only reports that arrived cleanly may skip the distributor. One with penalties, or one
        // the vendor sent back, needs a person to look at it. Every reason is named so that a new
        // one has to be decided here.
        Action::AutoApprove => match status {
            S::UnderReview(R::Manual | R::AutoNoPenalties) => Ok(S::SubmittedToVendor),
            S::UnderReview(R::AutoPenalties | R::ReturnedByVendor)
            | S::MspPreparing
            | S::Rejected
            | S::SubmittedToVendor => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        Action::DistributorEdit => match status {
            S::UnderReview(reason) => Ok(S::UnderReview(reason)),
            S::MspPreparing | S::Rejected | S::SubmittedToVendor => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
        // Once the partner has submitted (or been asked to resubmit), the figures it saw stay.
        Action::UpdateUsage => match status {
            S::MspPreparing => Ok(S::MspPreparing),
            S::UnderReview(_) | S::Rejected | S::SubmittedToVendor => Err(wrong()),
            S::Completed => Err(Refusal::Final),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActorKind::{Distributor, Partner, System, Vendor};
    use ReviewReason::{AutoNoPenalties, AutoPenalties, Manual, ReturnedByVendor};
    use Status::{Completed, MspPreparing, Rejected, SubmittedToVendor, UnderReview};

    /// Every allowed (status, action, actor) → next status, written out by hand from SPEC §4.
    /// Anything not listed must be refused.
    const ALLOWED: &[(Status, Action, ActorKind, Status)] = &[
        // 2. save draft (partner): MSP preparing or Rejected → same
        (MspPreparing, Action::SaveDraft, Partner, MspPreparing),
        (Rejected, Action::SaveDraft, Partner, Rejected),
        // 3. submit (partner): MSP preparing or Rejected → Under review (manual)
        (MspPreparing, Action::Submit, Partner, UnderReview(Manual)),
        (Rejected, Action::Submit, Partner, UnderReview(Manual)),
        // 4. auto-submit (system): MSP preparing or Rejected → Under review (automatic)
        (
            MspPreparing,
            Action::AutoSubmit { penalties: false },
            System,
            UnderReview(AutoNoPenalties),
        ),
        (
            MspPreparing,
            Action::AutoSubmit { penalties: true },
            System,
            UnderReview(AutoPenalties),
        ),
        (
            Rejected,
            Action::AutoSubmit { penalties: false },
            System,
            UnderReview(AutoNoPenalties),
        ),
        (
            Rejected,
            Action::AutoSubmit { penalties: true },
            System,
            UnderReview(AutoPenalties),
        ),
        // 1. generate, continued: the usage feed corrects a report the partner is preparing
        (MspPreparing, Action::UpdateUsage, System, MspPreparing),
        // 5. reject (distributor): Under review → Rejected
        (UnderReview(Manual), Action::Reject, Distributor, Rejected),
        (
            UnderReview(AutoNoPenalties),
            Action::Reject,
            Distributor,
            Rejected,
        ),
        (
            UnderReview(AutoPenalties),
            Action::Reject,
            Distributor,
            Rejected,
        ),
        (
            UnderReview(ReturnedByVendor),
            Action::Reject,
            Distributor,
            Rejected,
        ),
        // 6. submit to vendor (distributor): Under review → Submitted to vendor
        (
            UnderReview(Manual),
            Action::SubmitToVendor,
            Distributor,
            SubmittedToVendor,
        ),
        (
            UnderReview(AutoNoPenalties),
            Action::SubmitToVendor,
            Distributor,
            SubmittedToVendor,
        ),
        (
            UnderReview(AutoPenalties),
            Action::SubmitToVendor,
            Distributor,
            SubmittedToVendor,
        ),
        (
            UnderReview(ReturnedByVendor),
            Action::SubmitToVendor,
            Distributor,
            SubmittedToVendor,
        ),
        // 7. complete (vendor): Submitted → Completed
        (SubmittedToVendor, Action::Complete, Vendor, Completed),
        // 8. return (vendor): Submitted → Under review (returned by vendor)
        (
            SubmittedToVendor,
            Action::Return,
            Vendor,
            UnderReview(ReturnedByVendor),
        ),
        // 9. auto-approve (system): clean report under review → Submitted to vendor
        (
            UnderReview(Manual),
            Action::AutoApprove,
            System,
            SubmittedToVendor,
        ),
        (
            UnderReview(AutoNoPenalties),
            Action::AutoApprove,
            System,
            SubmittedToVendor,
        ),
        // Distributor edits: only under review, status unchanged
        (
            UnderReview(Manual),
            Action::DistributorEdit,
            Distributor,
            UnderReview(Manual),
        ),
        (
            UnderReview(AutoNoPenalties),
            Action::DistributorEdit,
            Distributor,
            UnderReview(AutoNoPenalties),
        ),
        (
            UnderReview(AutoPenalties),
            Action::DistributorEdit,
            Distributor,
            UnderReview(AutoPenalties),
        ),
        (
            UnderReview(ReturnedByVendor),
            Action::DistributorEdit,
            Distributor,
            UnderReview(ReturnedByVendor),
        ),
    ];

    #[test]
    fn every_status_action_actor_combination_matches_the_table() {
        let mut checked = 0;
        let mut allowed_seen = 0;
        for status in Status::all() {
            for action in Action::all() {
                for actor in ActorKind::all() {
                    checked += 1;
                    let expected = ALLOWED
                        .iter()
                        .find(|(s, a, k, _)| *s == status && *a == action && *k == actor)
                        .map(|(_, _, _, next)| *next);
                    let got = apply(status, action, actor);
                    match expected {
                        Some(next) => {
                            allowed_seen += 1;
                            assert_eq!(got, Ok(next), "{status:?} × {action:?} × {actor:?}");
                        }
                        None => {
                            let refusal = got.err().unwrap_or_else(|| {
                                panic!("{status:?} × {action:?} × {actor:?} should be refused")
                            });
                            assert!(!refusal.to_string().is_empty());
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 8 * 11 * 5);
        assert_eq!(allowed_seen, ALLOWED.len());
    }

    #[test]
    fn refusals_read_well() {
        assert_eq!(
            apply(UnderReview(Manual), Action::Reject, Partner).map_err(|e| e.to_string()),
            Err("Only the distributor can return a report to the partner".to_owned())
        );
        assert_eq!(
            apply(Completed, Action::Return, Vendor).map_err(|e| e.to_string()),
            Err("This report is Completed; it can no longer be changed".to_owned())
        );
        assert_eq!(
            apply(SubmittedToVendor, Action::DistributorEdit, Distributor)
                .map_err(|e| e.to_string()),
            Err("This report is Submitted to vendor; you can't change the PO number, pricing codes, prices or margins now".to_owned())
        );
        assert_eq!(
            apply(MspPreparing, Action::Submit, ActorKind::Admin).map_err(|e| e.to_string()),
            Err("Only the partner can submit the report for review".to_owned())
        );
    }

    #[test]
    fn storage_codes_round_trip() {
        for status in Status::all() {
            assert_eq!(
                Status::from_code(status.as_code(), status.sub_status_code()),
                Ok(status)
            );
            assert!(!status.label().is_empty());
        }
        assert_eq!(
            UnderReview(Manual).label(),
            "Under review — manual submission"
        );
        assert!(Status::from_code("under_review", None).is_err());
        assert!(Status::from_code("rejected", Some("manual")).is_err());
        assert!(Status::from_code("lost", None).is_err());
        let codes: std::collections::HashSet<_> =
            Action::all().iter().map(|a| a.as_code()).collect();
        assert_eq!(codes.len(), Action::all().len());
    }

    #[test]
    fn reasons_must_have_text() {
        assert_eq!(require_reason("  "), Err(Refusal::ReasonRequired));
        assert_eq!(require_reason(" wrong PO "), Ok("wrong PO".to_owned()));
        assert_eq!(
            require_reason(&"x".repeat(2_001)),
            Err(Refusal::ReasonTooLong(2_001))
        );
    }
}
