//! Notices in the app: which events of a report tell whom (the partner or the distributor), the
//! deadline reminders and when they are due, and the words a notice is read in. The services
//! write a notice in the same transaction as the event; nothing else decides who is told.

use serde::{Deserialize, Serialize};

use super::deadline::utc_seconds;
use super::history::HistoryEvent;
use super::period::Period;

/// What a notice is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeKind {
    /// The month's report was generated: the partner can check it.
    ReportReady,
    /// The partner's deadline is three days away, or one.
    DeadlineIn3Days,
    DeadlineIn1Day,
    /// The partner submitted it (to the distributor).
    Submitted,
    /// The deadline passed and it was submitted for the partner (to the distributor).
    AutoSubmitted,
    /// The distributor returned it (to the partner).
    ReturnedToPartner,
    /// The vendor returned it (to the distributor).
    ReturnedByVendor,
    /// The vendor completed it (to the distributor).
    Completed,
}

/// Which organisation of a report a notice is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Partner,
    Distributor,
}

impl NoticeKind {
    pub const fn all() -> [NoticeKind; 8] {
        [
            NoticeKind::ReportReady,
            NoticeKind::DeadlineIn3Days,
            NoticeKind::DeadlineIn1Day,
            NoticeKind::Submitted,
            NoticeKind::AutoSubmitted,
            NoticeKind::ReturnedToPartner,
            NoticeKind::ReturnedByVendor,
            NoticeKind::Completed,
        ]
    }

    /// Stable storage code.
    pub const fn as_code(&self) -> &'static str {
        match self {
            NoticeKind::ReportReady => "report_ready",
            NoticeKind::DeadlineIn3Days => "deadline_3_days",
            NoticeKind::DeadlineIn1Day => "deadline_1_day",
            NoticeKind::Submitted => "submitted",
            NoticeKind::AutoSubmitted => "auto_submitted",
            NoticeKind::ReturnedToPartner => "returned_to_partner",
            NoticeKind::ReturnedByVendor => "returned_by_vendor",
            NoticeKind::Completed => "completed",
        }
    }

    pub fn from_code(code: &str) -> Option<NoticeKind> {
        NoticeKind::all()
            .into_iter()
            .find(|kind| kind.as_code() == code)
    }

    /// Who is told.
    pub const fn audience(&self) -> Audience {
        match self {
            NoticeKind::ReportReady
            | NoticeKind::DeadlineIn3Days
            | NoticeKind::DeadlineIn1Day
            | NoticeKind::ReturnedToPartner => Audience::Partner,
            NoticeKind::Submitted
            | NoticeKind::AutoSubmitted
            | NoticeKind::ReturnedByVendor
            | NoticeKind::Completed => Audience::Distributor,
        }
    }

    /// The notice an event of a report's history gives, if any.
    pub const fn for_event(event: HistoryEvent) -> Option<NoticeKind> {
        match event {
            HistoryEvent::Generated => Some(NoticeKind::ReportReady),
            HistoryEvent::Submitted => Some(NoticeKind::Submitted),
            HistoryEvent::AutoSubmitted { .. } => Some(NoticeKind::AutoSubmitted),
            HistoryEvent::ReturnedToPartner => Some(NoticeKind::ReturnedToPartner),
            HistoryEvent::ReturnedByVendor => Some(NoticeKind::ReturnedByVendor),
            HistoryEvent::Completed => Some(NoticeKind::Completed),
            HistoryEvent::UsageImported
            | HistoryEvent::DraftSaved
            | HistoryEvent::SubmittedToVendor
            | HistoryEvent::AutoApproved
            | HistoryEvent::PoNumberSet
            | HistoryEvent::PricingCodeApplied
            | HistoryEvent::PricingReset
            | HistoryEvent::PricingCodeRemoved
            | HistoryEvent::DeliveredToVendor => None,
        }
    }

    /// The reminder due at `now` for a partner deadline, if one is: three days before it, then
    /// one day before it.
    pub fn reminder(deadline: &str, now: &str) -> Option<NoticeKind> {
        const DAY: i64 = 86_400;
        let left = utc_seconds(deadline)? - utc_seconds(now)?;
        match left {
            ..=0 => None,
            1..=DAY => Some(NoticeKind::DeadlineIn1Day),
            _ if left <= 3 * DAY => Some(NoticeKind::DeadlineIn3Days),
            _ => None,
        }
    }

    /// The notice in words, about `partner`'s report of `period`.
    pub fn text(&self, partner: &str, period: Period) -> String {
        let month = super::format::period_long(period);
        match self {
            NoticeKind::ReportReady => format!("Your {month} report is ready to check"),
            NoticeKind::DeadlineIn3Days => {
                format!("Your {month} report is due in 3 days; after that it is submitted for you")
            }
            NoticeKind::DeadlineIn1Day => {
                format!("Your {month} report is due tomorrow; after that it is submitted for you")
            }
            NoticeKind::Submitted => format!("{partner} submitted its {month} report"),
            NoticeKind::AutoSubmitted => {
                format!("{partner}'s {month} report was submitted automatically at its deadline")
            }
            NoticeKind::ReturnedToPartner => {
                format!("Your {month} report was returned to you: please check it and resubmit")
            }
            NoticeKind::ReturnedByVendor => {
                format!("The vendor returned {partner}'s {month} report for clarification")
            }
            NoticeKind::Completed => format!("The vendor completed {partner}'s {month} report"),
        }
    }
}

/// One notice as its reader sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub id: i64,
    pub report_id: i64,
    pub text: String,
    /// UTC RFC 3339.
    pub at: String,
    /// Not read by this user before this list was opened.
    pub new: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_each_kind_has_an_audience() {
        for kind in NoticeKind::all() {
            assert_eq!(NoticeKind::from_code(kind.as_code()), Some(kind));
        }
        assert_eq!(NoticeKind::ReportReady.audience(), Audience::Partner);
        assert_eq!(NoticeKind::AutoSubmitted.audience(), Audience::Distributor);
        assert_eq!(
            NoticeKind::for_event(HistoryEvent::AutoSubmitted { penalties: true }),
            Some(NoticeKind::AutoSubmitted)
        );
        assert_eq!(NoticeKind::for_event(HistoryEvent::DraftSaved), None);
    }

    #[test]
    fn reminders_fall_three_days_and_one_day_before() {
        let deadline = "2026-11-05T23:59:00Z";
        let at = |now| NoticeKind::reminder(deadline, now);
        assert_eq!(at("2026-11-02T23:58:59Z"), None);
        assert_eq!(
            at("2026-11-02T23:59:00Z"),
            Some(NoticeKind::DeadlineIn3Days)
        );
        assert_eq!(at("2026-11-04T23:59:00Z"), Some(NoticeKind::DeadlineIn1Day));
        assert_eq!(at("2026-11-05T23:59:00Z"), None);
    }
}
