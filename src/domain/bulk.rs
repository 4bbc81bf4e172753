//! Taking one step on many reports at once, with guard rails: a distributor submits clean
//! reports to the vendor, the vendor completes them.
//!
//! Only reports that qualify may be selected: the step applies to the report's status now, and
//! the report is clean (no partner comment, no penalty, neither anomaly flag) with a PO number
//! set. Anything else deserves a person's look on its own, and [`BulkStep::blocker`] says why in
//! words the list shows beside the report. The server asks the same question again for every
//! report, under its lock, and then takes each step on its own: its own version check, its own
//! history entry, its own success or refusal.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::flags::ReportFlags;
use super::listing::{CurrencyTotal, per_currency};
use super::policy::{OrgKind, Viewer, permits};
use super::query::PAGE_SIZE;
use super::status::{Action, Refusal, Status};

/// The most reports one bulk step takes: one page of the list.
pub const MAX_REPORTS: usize = PAGE_SIZE as usize;

/// The step a viewer may take on many reports at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkStep {
    /// The distributor sends reports to the vendor.
    SubmitToVendor,
    /// The vendor accepts reports.
    Complete,
}

/// What the step judges one report by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkCandidate<'a> {
    pub status: Status,
    pub flags: ReportFlags,
    pub po_number: Option<&'a str>,
}

/// One report the viewer asked to take the step on, at the version they saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkItem {
    pub id: i64,
    pub version: i64,
}

/// What happened to one report: its new status, or why it was left as it was. A bulk step
/// answers one per report asked, in the order asked (the answer names no report itself).
pub type BulkResult = Result<Status, String>;

impl BulkStep {
    /// The step this viewer may take in bulk, if any: a distributor's users who may act submit
    /// to the vendor, the vendor's complete. Nobody else (partners act on one report at a time;
    /// support users and platform admins only read).
    pub fn for_viewer(viewer: &Viewer) -> Option<BulkStep> {
        let step = match viewer.org_kind {
            OrgKind::Distributor => BulkStep::SubmitToVendor,
            OrgKind::Vendor => BulkStep::Complete,
            OrgKind::Partner | OrgKind::Operator => return None,
        };
        (viewer.region_allows() && viewer.role.may_act()).then_some(step)
    }

    /// Whether `viewer` may take this step at all, and if not the refusal: a region without
    /// billing reports, a role that only reads, or a step that is another side's.
    pub fn permit(&self, viewer: &Viewer) -> Result<(), Refusal> {
        if !viewer.region_allows() {
            Err(Refusal::RegionDisabled)
        } else if !viewer.role.may_act() {
            Err(Refusal::ReadOnly)
        } else if BulkStep::for_viewer(viewer) != Some(*self) {
            Err(Refusal::WrongActor {
                action: self.action(),
                actor: viewer.org_kind.actor_kind(),
            })
        } else {
            Ok(())
        }
    }

    /// The workflow action each report takes.
    pub const fn action(&self) -> Action {
        match self {
            BulkStep::SubmitToVendor => Action::SubmitToVendor,
            BulkStep::Complete => Action::Complete,
        }
    }

    /// Why this report cannot be taken in bulk by `viewer`, or `None` when it can.
    pub fn blocker(&self, viewer: &Viewer, report: &BulkCandidate) -> Option<String> {
        if let Err(refusal) = self.permit(viewer) {
            return Some(refusal.to_string());
        }
        if permits(viewer, report.status, self.action()).is_err() {
            return Some(format!("it is {}", report.status.label()));
        }
        if let Some(why) = report.flags.unclean() {
            return Some(why.to_owned());
        }
        if report.po_number.is_none_or(|po| po.trim().is_empty()) {
            return Some("no PO number is set".to_owned());
        }
        None
    }

    /// The button, for `n` selected reports (with none, what it will do).
    pub fn button(&self, n: usize) -> String {
        let reports = match n {
            0 => String::new(),
            n => format!(
                " {}",
                super::format::count_of(n as u64, "report", "reports")
            ),
        };
        match self {
            BulkStep::SubmitToVendor => format!("Submit{reports} to the vendor"),
            BulkStep::Complete => format!("Complete{reports}"),
        }
    }

    /// The word for a report the step went through for.
    pub const fn done(&self) -> &'static str {
        match self {
            BulkStep::SubmitToVendor => "submitted to the vendor",
            BulkStep::Complete => "completed",
        }
    }
}

/// The totals of the selected reports `(currency, total)`, per currency: never added across
/// currencies.
pub fn selection_totals(selected: &[(Currency, Decimal)]) -> Vec<CurrencyTotal> {
    per_currency(
        selected
            .iter()
            .map(|(currency, total)| (*currency, 1, *total)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::Role;
    use crate::domain::status::ReviewReason;

    fn viewer(org_kind: OrgKind, role: Role) -> Viewer {
        Viewer {
            org_kind,
            role,
            region_enabled: true,
        }
    }

    fn clean(status: Status) -> BulkCandidate<'static> {
        BulkCandidate {
            status,
            flags: ReportFlags::default(),
            po_number: Some("PO-1"),
        }
    }

    #[test]
    fn the_step_belongs_to_those_who_may_act() {
        for kind in OrgKind::all() {
            for role in Role::all() {
                let expected = match (kind, role.may_act()) {
                    (OrgKind::Distributor, true) => Some(BulkStep::SubmitToVendor),
                    (OrgKind::Vendor, true) => Some(BulkStep::Complete),
                    _ => None,
                };
                assert_eq!(BulkStep::for_viewer(&viewer(kind, role)), expected);
                let off = Viewer {
                    region_enabled: false,
                    ..viewer(kind, role)
                };
                assert_eq!(BulkStep::for_viewer(&off), None);
                // Operators are tied to no region; everyone else is told about theirs first.
                if kind != OrgKind::Operator {
                    assert_eq!(
                        BulkStep::SubmitToVendor.permit(&off),
                        Err(Refusal::RegionDisabled)
                    );
                }
            }
        }
        let support = viewer(OrgKind::Distributor, Role::Support);
        assert_eq!(
            BulkStep::SubmitToVendor.permit(&support),
            Err(Refusal::ReadOnly)
        );
        let vendor = viewer(OrgKind::Vendor, Role::BillingManager);
        assert_eq!(BulkStep::Complete.permit(&vendor), Ok(()));
        assert!(matches!(
            BulkStep::SubmitToVendor.permit(&vendor),
            Err(Refusal::WrongActor { .. })
        ));
    }

    #[test]
    fn only_clean_reports_with_a_po_number_in_the_right_status_qualify() {
        let distributor = viewer(OrgKind::Distributor, Role::BillingManager);
        let step = BulkStep::SubmitToVendor;
        let review = Status::UnderReview(ReviewReason::Manual);
        assert_eq!(step.blocker(&distributor, &clean(review)), None);
        let cases = [
            (
                BulkCandidate {
                    po_number: None,
                    ..clean(review)
                },
                "no PO number is set",
            ),
            (
                BulkCandidate {
                    po_number: Some("  "),
                    ..clean(review)
                },
                "no PO number is set",
            ),
            (
                BulkCandidate {
                    flags: ReportFlags {
                        has_comments: true,
                        ..ReportFlags::default()
                    },
                    ..clean(review)
                },
                "the partner commented on a line",
            ),
            (
                BulkCandidate {
                    flags: ReportFlags {
                        auto_penalties: true,
                        ..ReportFlags::default()
                    },
                    ..clean(review)
                },
                "penalties were applied",
            ),
            (
                BulkCandidate {
                    flags: ReportFlags {
                        anomaly: true,
                        ..ReportFlags::default()
                    },
                    ..clean(review)
                },
                "a line moved unusually against the previous month",
            ),
            (
                BulkCandidate {
                    flags: ReportFlags {
                        below_used: true,
                        ..ReportFlags::default()
                    },
                    ..clean(review)
                },
                "a line is charged below what was used",
            ),
            (clean(Status::Completed), "it is Completed"),
            (clean(Status::MspPreparing), "it is MSP preparing"),
        ];
        for (candidate, why) in cases {
            assert_eq!(
                step.blocker(&distributor, &candidate).as_deref(),
                Some(why),
                "{candidate:?}"
            );
        }
        // The vendor's step, and a step that is not the viewer's.
        let vendor = viewer(OrgKind::Vendor, Role::Administrator);
        assert_eq!(
            BulkStep::Complete.blocker(&vendor, &clean(Status::SubmittedToVendor)),
            None
        );
        assert_eq!(
            BulkStep::Complete
                .blocker(&vendor, &clean(review))
                .as_deref(),
            Some("it is Under review — manual submission")
        );
        assert!(step.blocker(&vendor, &clean(review)).is_some());
    }

    #[test]
    fn the_selection_is_totalled_per_currency() {
        let totals = selection_totals(&[
            (Currency::Usd, Decimal::new(1_050, 2)),
            (Currency::Eur, Decimal::new(700, 2)),
            (Currency::Usd, Decimal::new(2_000, 2)),
        ]);
        assert_eq!(
            totals,
            vec![
                CurrencyTotal {
                    currency: Currency::Usd,
                    reports: 2,
                    total: Decimal::new(3_050, 2)
                },
                CurrencyTotal {
                    currency: Currency::Eur,
                    reports: 1,
                    total: Decimal::new(700, 2)
                },
            ]
        );
        assert_eq!(
            BulkStep::SubmitToVendor.button(1),
            "Submit 1 report to the vendor"
        );
        assert_eq!(BulkStep::Complete.button(3), "Complete 3 reports");
        assert_eq!(BulkStep::SubmitToVendor.button(0), "Submit to the vendor");
    }
}
