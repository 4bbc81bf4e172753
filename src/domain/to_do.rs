//! The to-do: the reports waiting for the viewer's organisation, which the list opens on.
//!
//! An organisation's to-do is the reports in the statuses where the workflow ([`apply`]) gives
//! it a step of its own to take — a distributor's are Under review (every sub-status), the
//! vendor's Submitted to vendor — in the order to take them. A partner's list already is its
//! to-do (its last twelve months, the report due next marked), and a platform admin has no step
//! to take: neither has a to-do, and their list has one view only.
//!
//! Pages and the server settle a filter's view with the same functions, so the links, the form
//! and the rows always agree.

use super::policy::OrgKind;
pub use super::query::ListView;
use super::query::{ReportFilter, SortKey, StatusFilter};
use super::status::{Action, Status, apply};

/// What an organisation has to do next: which reports, and in which order to take them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToDo {
    statuses: Vec<Status>,
    sort: SortKey,
}

impl ToDo {
    /// The to-do of a user of a `kind` organisation, if it has one.
    pub fn for_kind(kind: OrgKind) -> Option<ToDo> {
        let sort = match kind {
            // The review deadline that runs out first.
            OrgKind::Distributor => SortKey::Deadline,
            // The report that has waited longest.
            OrgKind::Vendor => SortKey::Oldest,
            OrgKind::Partner | OrgKind::Operator => return None,
        };
        let actor = kind.actor_kind();
        let statuses = Status::all()
            .into_iter()
            .filter(|status| {
                Action::all()
                    .into_iter()
                    .any(|action| apply(*status, action, actor).is_ok())
            })
            .collect();
        Some(ToDo { statuses, sort })
    }

    /// The statuses of the reports on the to-do.
    pub fn statuses(&self) -> &[Status] {
        &self.statuses
    }

    /// The order the to-do is taken in.
    pub const fn sort(&self) -> SortKey {
        self.sort
    }

    /// Whether every report a status filter lets through is on the to-do (no status filter:
    /// the to-do as it is).
    pub fn admits(&self, status: Option<StatusFilter>) -> bool {
        let Some(status) = status else {
            return true;
        };
        Status::all()
            .into_iter()
            .filter(|candidate| status.covers(*candidate))
            .all(|candidate| self.statuses.contains(&candidate))
    }
}

impl ReportFilter {
    /// The list this filter shows a user of `kind`: the one chosen; with none chosen, the to-do
    /// unless the chosen status lies outside it (a link such as `?status=completed` keeps
    /// meaning every completed report). `None` for those with one list only.
    pub fn view_for(&self, kind: OrgKind) -> Option<ListView> {
        let to_do = ToDo::for_kind(kind)?;
        Some(self.view.unwrap_or(if to_do.admits(self.status) {
            ListView::ToDo
        } else {
            ListView::All
        }))
    }

    /// The order of the list: the one chosen, or the view's own (the to-do's order, or newest
    /// cycle first).
    pub fn sort_for(&self, kind: OrgKind) -> SortKey {
        self.sort.unwrap_or_else(|| match self.shown_to_do(kind) {
            Some(to_do) => to_do.sort,
            None => SortKey::default(),
        })
    }

    /// The to-do's statuses, when the list shows a user of `kind` their to-do.
    pub fn to_do_statuses(&self, kind: OrgKind) -> Option<Vec<Status>> {
        self.shown_to_do(kind).map(|to_do| to_do.statuses)
    }

    fn shown_to_do(&self, kind: OrgKind) -> Option<ToDo> {
        (self.view_for(kind)? == ListView::ToDo)
            .then(|| ToDo::for_kind(kind))
            .flatten()
    }

    /// The same filter with its view written out, so that links and the form keep it.
    pub fn settled_for(&self, kind: OrgKind) -> ReportFilter {
        ReportFilter {
            view: self.view_for(kind),
            ..self.clone()
        }
    }

    /// The other filters in `view`, in its own order from page 1. The to-do keeps a chosen
    /// status only if it admits it.
    pub fn with_view(&self, view: ListView, kind: OrgKind) -> ReportFilter {
        let keeps_status = view == ListView::All
            || ToDo::for_kind(kind).is_some_and(|to_do| to_do.admits(self.status));
        ReportFilter {
            view: Some(view),
            status: self.status.filter(|_| keeps_status),
            sort: None,
            page: 1,
            ..self.clone()
        }
    }

    /// The same filter with another status chosen, from page 1. A status outside the to-do
    /// leaves the to-do for everything, rather than showing nothing.
    pub fn with_status(&self, status: Option<StatusFilter>, kind: OrgKind) -> ReportFilter {
        let view = match (self.view_for(kind), ToDo::for_kind(kind)) {
            (Some(ListView::ToDo), Some(to_do)) if !to_do.admits(status) => Some(ListView::All),
            (view, _) => view,
        };
        ReportFilter {
            status,
            view,
            page: 1,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::status::ReviewReason;

    #[test]
    fn each_organisation_has_the_to_do_its_steps_give_it() {
        let distributor = ToDo::for_kind(OrgKind::Distributor).expect("a to-do");
        let under_review: Vec<Status> = ReviewReason::all()
            .into_iter()
            .map(Status::UnderReview)
            .collect();
        assert_eq!(distributor.statuses(), under_review.as_slice());
        assert_eq!(distributor.sort(), SortKey::Deadline);
        let vendor = ToDo::for_kind(OrgKind::Vendor).expect("a to-do");
        assert_eq!(vendor.statuses(), &[Status::SubmittedToVendor]);
        assert_eq!(vendor.sort(), SortKey::Oldest);
        assert_eq!(ToDo::for_kind(OrgKind::Partner), None);
        assert_eq!(ToDo::for_kind(OrgKind::Operator), None);
    }

    #[test]
    fn the_to_do_is_the_default_unless_a_status_outside_it_is_chosen() {
        let kind = OrgKind::Distributor;
        let open = ReportFilter::default();
        assert_eq!(open.view_for(kind), Some(ListView::ToDo));
        assert_eq!(open.sort_for(kind), SortKey::Deadline);
        let manual = ReportFilter {
            status: Some(StatusFilter::UnderReview(Some(ReviewReason::Manual))),
            ..ReportFilter::default()
        };
        assert_eq!(manual.view_for(kind), Some(ListView::ToDo));
        let completed = ReportFilter {
            status: Some(StatusFilter::Completed),
            ..ReportFilter::default()
        };
        assert_eq!(completed.view_for(kind), Some(ListView::All));
        assert_eq!(completed.sort_for(kind), SortKey::Newest);
        assert_eq!(completed.to_do_statuses(kind), None);
        assert_eq!(open.view_for(OrgKind::Operator), None);
        assert_eq!(open.sort_for(OrgKind::Operator), SortKey::Newest);
        let chosen = ReportFilter {
            sort: Some(SortKey::Partner),
            ..ReportFilter::default()
        };
        assert_eq!(chosen.sort_for(kind), SortKey::Partner);
    }

    #[test]
    fn switching_lists_and_statuses_never_strands_the_viewer_on_nothing() {
        let kind = OrgKind::Vendor;
        let completed = ReportFilter {
            status: Some(StatusFilter::Completed),
            partner: Some("Harbor".to_owned()),
            sort: Some(SortKey::Partner),
            page: 3,
            ..ReportFilter::default()
        };
        let to_do = completed.with_view(ListView::ToDo, kind);
        assert_eq!(to_do.status, None, "the to-do has no completed report");
        assert_eq!(to_do.partner.as_deref(), Some("Harbor"));
        assert_eq!((to_do.sort, to_do.page), (None, 1));
        assert_eq!(to_do.to_query(), "view=todo&partner=Harbor");
        let all = completed.with_view(ListView::All, kind);
        assert_eq!(all.status, Some(StatusFilter::Completed));

        let open = ReportFilter::default().settled_for(kind);
        assert_eq!(open.view, Some(ListView::ToDo));
        let left = open.with_status(Some(StatusFilter::Completed), kind);
        assert_eq!(left.view, Some(ListView::All));
        let kept = open.with_status(Some(StatusFilter::SubmittedToVendor), kind);
        assert_eq!(kept.view, Some(ListView::ToDo));
        assert_eq!(
            ReportFilter::default()
                .settled_for(OrgKind::Operator)
                .to_query(),
            "",
            "one list only: no view in the URL"
        );
    }
}
