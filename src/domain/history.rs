//! What a report's history records: one typed event per entry, stored as a stable code, and who
//! of the report's readers sees which part of it.
//!
//! The history is never edited, so entries written before the codes existed (statuses stored as
//! their labels, roles as Rust names, a PO number change as `distributor_edit`) stay as they are;
//! the readers here understand both forms.

use serde::{Deserialize, Serialize};

use super::policy::Role;
use super::status::{Action, Status};
use super::usage::LineChange;

/// Something that happened to a report. It travels as its stable code, as it is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum HistoryEvent {
    /// The report was created for its period from the usage feed and the catalogue.
    Generated,
    /// The usage feed corrected provisioned or used units.
    UsageImported,
    /// The partner saved chargeable units and comments.
    DraftSaved,
    /// The partner submitted it for review.
    Submitted,
    /// The deadline passed and the system submitted it; `penalties` when lines were charged at
    /// provisioned.
    AutoSubmitted { penalties: bool },
    /// The distributor returned it to the partner.
    ReturnedToPartner,
    /// The distributor sent it to the vendor.
    SubmittedToVendor,
    /// The vendor accepted it.
    Completed,
    /// The vendor returned it to the distributor for clarification.
    ReturnedByVendor,
    /// The system sent a clean report to the vendor when the review window ended.
    AutoApproved,
    /// The distributor set or changed the PO number.
    PoNumberSet,
    /// The distributor applied a verified pricing code to a line.
    PricingCodeApplied,
    /// The distributor put every line back to the catalogue's prices.
    PricingReset,
    /// The distributor took the special pricing off one line (back to the catalogue).
    PricingCodeRemoved,
    /// The vendor's system received the submitted report and answered with its reference (the
    /// comment holds it).
    DeliveredToVendor,
}

impl HistoryEvent {
    /// Every event, for table tests.
    pub const fn all() -> [HistoryEvent; 16] {
        [
            HistoryEvent::Generated,
            HistoryEvent::UsageImported,
            HistoryEvent::DraftSaved,
            HistoryEvent::Submitted,
            HistoryEvent::AutoSubmitted { penalties: false },
            HistoryEvent::AutoSubmitted { penalties: true },
            HistoryEvent::ReturnedToPartner,
            HistoryEvent::SubmittedToVendor,
            HistoryEvent::Completed,
            HistoryEvent::ReturnedByVendor,
            HistoryEvent::AutoApproved,
            HistoryEvent::PoNumberSet,
            HistoryEvent::PricingCodeApplied,
            HistoryEvent::PricingReset,
            HistoryEvent::PricingCodeRemoved,
            HistoryEvent::DeliveredToVendor,
        ]
    }

    /// Stable storage code. Never change one: stored rows depend on it.
    pub const fn as_code(&self) -> &'static str {
        match self {
            HistoryEvent::Generated => "generate",
            HistoryEvent::UsageImported => "usage_import",
            HistoryEvent::DraftSaved => "save_draft",
            HistoryEvent::Submitted => "submit",
            HistoryEvent::AutoSubmitted { penalties: false } => "auto_submit",
            HistoryEvent::AutoSubmitted { penalties: true } => "auto_submit_penalties",
            HistoryEvent::ReturnedToPartner => "reject",
            HistoryEvent::SubmittedToVendor => "submit_to_vendor",
            HistoryEvent::Completed => "complete",
            HistoryEvent::ReturnedByVendor => "return",
            HistoryEvent::AutoApproved => "auto_approve",
            HistoryEvent::PoNumberSet => "set_po_number",
            HistoryEvent::PricingCodeApplied => "apply_pricing_code",
            HistoryEvent::PricingReset => "reset_pricing",
            HistoryEvent::PricingCodeRemoved => "remove_pricing_code",
            HistoryEvent::DeliveredToVendor => "deliver_to_vendor",
        }
    }

    /// Reads a storage code, including the one older entries used for a PO number change.
    pub fn from_code(code: &str) -> Option<HistoryEvent> {
        if code == "distributor_edit" {
            return Some(HistoryEvent::PoNumberSet);
        }
        HistoryEvent::all()
            .into_iter()
            .find(|event| event.as_code() == code)
    }

    /// What happened, in words.
    pub const fn label(&self) -> &'static str {
        match self {
            HistoryEvent::Generated => "Generated",
            HistoryEvent::UsageImported => "Usage updated by the feed",
            HistoryEvent::DraftSaved => "Saved a draft",
            HistoryEvent::Submitted => "Submitted for review",
            HistoryEvent::AutoSubmitted { penalties: false } => "Submitted automatically",
            HistoryEvent::AutoSubmitted { penalties: true } => {
                "Submitted automatically, with penalties"
            }
            HistoryEvent::ReturnedToPartner => "Returned to the partner",
            HistoryEvent::SubmittedToVendor => "Submitted to the vendor",
            HistoryEvent::Completed => "Completed",
            HistoryEvent::ReturnedByVendor => "Returned by the vendor",
            HistoryEvent::AutoApproved => "Approved automatically",
            HistoryEvent::PoNumberSet => "Changed the PO number",
            HistoryEvent::PricingCodeApplied => "Applied special pricing",
            HistoryEvent::PricingReset => "Reset prices to the catalogue",
            HistoryEvent::PricingCodeRemoved => "Removed special pricing",
            HistoryEvent::DeliveredToVendor => "Received by the vendor",
        }
    }

    /// The workflow transition this event records, if it is one.
    pub const fn transition(action: Action) -> Option<HistoryEvent> {
        match action {
            Action::SaveDraft => Some(HistoryEvent::DraftSaved),
            Action::Submit => Some(HistoryEvent::Submitted),
            Action::AutoSubmit { penalties } => Some(HistoryEvent::AutoSubmitted { penalties }),
            Action::Reject => Some(HistoryEvent::ReturnedToPartner),
            Action::SubmitToVendor => Some(HistoryEvent::SubmittedToVendor),
            Action::Complete => Some(HistoryEvent::Completed),
            Action::Return => Some(HistoryEvent::ReturnedByVendor),
            Action::AutoApprove => Some(HistoryEvent::AutoApproved),
            Action::UpdateUsage => Some(HistoryEvent::UsageImported),
            // An edit is recorded as what it changed (PO number, code, reset).
            Action::DistributorEdit => None,
        }
    }

    /// Entries about prices are between the distributor and the vendor: a partner's history
    /// leaves them out.
    pub const fn shown_to_partner(&self) -> bool {
        match self {
            HistoryEvent::PricingCodeApplied
            | HistoryEvent::PricingReset
            | HistoryEvent::PricingCodeRemoved => false,
            HistoryEvent::Generated
            | HistoryEvent::UsageImported
            | HistoryEvent::DraftSaved
            | HistoryEvent::Submitted
            | HistoryEvent::AutoSubmitted { .. }
            | HistoryEvent::ReturnedToPartner
            | HistoryEvent::SubmittedToVendor
            | HistoryEvent::Completed
            | HistoryEvent::ReturnedByVendor
            | HistoryEvent::AutoApproved
            | HistoryEvent::PoNumberSet
            | HistoryEvent::DeliveredToVendor => true,
        }
    }

    /// What the distributor and the vendor write to each other (the comment to the vendor, the
    /// vendor's reason for returning it) stays between them, since that is where prices and codes
    /// get discussed. The partner still sees that the event happened.
    pub const fn partner_reads_comment(&self) -> bool {
        match self {
            HistoryEvent::SubmittedToVendor | HistoryEvent::ReturnedByVendor => false,
            HistoryEvent::Generated
            | HistoryEvent::UsageImported
            | HistoryEvent::DraftSaved
            | HistoryEvent::Submitted
            | HistoryEvent::AutoSubmitted { .. }
            | HistoryEvent::ReturnedToPartner
            | HistoryEvent::Completed
            | HistoryEvent::AutoApproved
            | HistoryEvent::PoNumberSet
            | HistoryEvent::PricingCodeApplied
            | HistoryEvent::PricingReset
            | HistoryEvent::PricingCodeRemoved
            | HistoryEvent::DeliveredToVendor => true,
        }
    }

    /// Whether the entry records prices rather than the partner's values.
    pub const fn is_about_prices(&self) -> bool {
        !self.shown_to_partner()
    }
}

impl From<HistoryEvent> for &'static str {
    fn from(event: HistoryEvent) -> Self {
        event.as_code()
    }
}

impl TryFrom<String> for HistoryEvent {
    type Error = String;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        HistoryEvent::from_code(&code).ok_or_else(|| format!("unknown history event {code:?}"))
    }
}

/// One entry of a report's history, as shown to people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    /// UTC, RFC 3339 (shown in the viewer's time zone).
    pub at: String,
    /// The user's name, or "system".
    pub actor: String,
    pub actor_org: Option<String>,
    /// The user's role in their organisation; `None` for the system.
    pub actor_role: Option<Role>,
    pub event: HistoryEvent,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub comment: Option<String>,
    /// The partner-editable values (chargeable units and comments; never prices) of each line
    /// the entry changed, before and after.
    pub changes: Vec<LineChange>,
}

impl HistoryEntry {
    /// "Dana Reyes (Northwind Distribution, Billing manager)", or "system".
    pub fn who(&self) -> String {
        let details: Vec<&str> = self
            .actor_org
            .as_deref()
            .into_iter()
            .chain(self.actor_role.as_ref().map(Role::label))
            .collect();
        if details.is_empty() {
            self.actor.clone()
        } else {
            format!("{} ({})", self.actor, details.join(", "))
        }
    }

    /// "Under review — manual submission → Rejected (returned to partner)", or the one status
    /// when it did not change.
    pub fn status_change(&self) -> String {
        match (self.from_status, self.to_status) {
            (Some(from), Some(to)) if from != to => format!("{from} → {to}"),
            (_, Some(to)) => to.label(),
            (Some(from), None) => from.label(),
            (None, None) => String::new(),
        }
    }
}

/// A report's history as a partner reads it: no entries about prices, and no comments the
/// distributor and the vendor wrote to each other.
pub fn for_partner(entries: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
    entries
        .into_iter()
        .filter(|entry| entry.event.shown_to_partner())
        .map(|mut entry| {
            if !entry.event.partner_reads_comment() {
                entry.comment = None;
            }
            entry
        })
        .collect()
}

/// The latest return to the partner, while the report is still rejected: its reason is what the
/// partner must fix.
pub fn rejection(entries: &[HistoryEntry], status: Status) -> Option<&HistoryEntry> {
    if status != Status::Rejected {
        return None;
    }
    entries
        .iter()
        .rev()
        .find(|entry| entry.event == HistoryEvent::ReturnedToPartner)
}

/// The stable code a status is stored under in the history: the status code, with the
/// sub-status after a dot ("under_review.manual").
pub fn status_code(status: Status) -> String {
    match status.sub_status_code() {
        Some(sub) => format!("{}.{sub}", status.as_code()),
        None => status.as_code().to_owned(),
    }
}

/// Reads a status stored in the history: its code, or the label older entries stored.
pub fn read_status(stored: &str) -> Option<Status> {
    let (code, sub) = match stored.split_once('.') {
        Some((code, sub)) => (code, Some(sub)),
        None => (stored, None),
    };
    Status::from_code(code, sub).ok().or_else(|| {
        Status::all()
            .into_iter()
            .find(|status| status.label() == stored)
    })
}

/// Reads a role stored in the history: its code, or the Rust name older entries stored.
pub fn read_role(stored: &str) -> Option<Role> {
    Role::from_code(stored).or(match stored {
        "Administrator" => Some(Role::Administrator),
        "BillingManager" => Some(Role::BillingManager),
        "Support" => Some(Role::Support),
        "PlatformAdmin" => Some(Role::PlatformAdmin),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_codes_read_back_and_are_unique() {
        for event in HistoryEvent::all() {
            assert_eq!(HistoryEvent::from_code(event.as_code()), Some(event));
        }
        let mut codes: Vec<_> = HistoryEvent::all().iter().map(|e| e.as_code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), HistoryEvent::all().len());
        assert_eq!(
            HistoryEvent::from_code("distributor_edit"),
            Some(HistoryEvent::PoNumberSet)
        );
        assert_eq!(HistoryEvent::from_code("made_up"), None);
        let json = serde_json::to_string(&HistoryEvent::ReturnedByVendor).expect("json");
        assert_eq!(json, "\"return\"");
        let back: HistoryEvent = serde_json::from_str(&json).expect("back");
        assert_eq!(back, HistoryEvent::ReturnedByVendor);
        assert!(serde_json::from_str::<HistoryEvent>("\"made_up\"").is_err());
    }

    #[test]
    fn penalised_auto_submissions_say_so() {
        let penalised = HistoryEvent::AutoSubmitted { penalties: true };
        assert_eq!(penalised.label(), "Submitted automatically, with penalties");
        assert_eq!(
            HistoryEvent::transition(Action::AutoSubmit { penalties: true }),
            Some(penalised)
        );
    }

    #[test]
    fn statuses_read_from_codes_and_from_old_labels() {
        for status in Status::all() {
            assert_eq!(read_status(&status_code(status)), Some(status));
            assert_eq!(read_status(&status.label()), Some(status));
        }
        assert_eq!(read_status("under_review"), None);
        assert_eq!(read_status("Somewhere else"), None);
    }

    #[test]
    fn roles_read_from_codes_and_from_old_names() {
        for role in Role::all() {
            assert_eq!(read_role(role.as_code()), Some(role));
            assert_eq!(read_role(&format!("{role:?}")), Some(role));
        }
        assert_eq!(read_role("Owner"), None);
    }

    fn entry(event: HistoryEvent, comment: &str) -> HistoryEntry {
        HistoryEntry {
            id: 1,
            at: "2026-11-05T10:00:00Z".to_owned(),
            actor: "Dana".to_owned(),
            actor_org: Some("Northwind".to_owned()),
            actor_role: Some(Role::BillingManager),
            event,
            from_status: None,
            to_status: None,
            comment: Some(comment.to_owned()),
            changes: Vec::new(),
        }
    }

    #[test]
    fn partners_read_neither_prices_nor_what_distributor_and_vendor_wrote() {
        let seen = for_partner(vec![
            entry(HistoryEvent::PricingCodeApplied, "BDN-1 applied"),
            entry(HistoryEvent::SubmittedToVendor, "price per BDN-1"),
            entry(HistoryEvent::ReturnedToPartner, "please explain line 2"),
        ]);
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].event, HistoryEvent::SubmittedToVendor);
        assert_eq!(seen[0].comment, None);
        assert_eq!(seen[1].comment.as_deref(), Some("please explain line 2"));
    }

    #[test]
    fn who_names_the_role() {
        let mut e = entry(HistoryEvent::Submitted, "");
        assert_eq!(e.who(), "Dana (Northwind, Billing manager)");
        e.actor_org = None;
        e.actor_role = None;
        assert_eq!(e.who(), "Dana");
    }
}
