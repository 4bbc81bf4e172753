//! What a report list answers: the query the server runs for one viewer ([`ListQuery`]), what the
//! database finds ([`FoundReports`]), and the page each viewer receives ([`ListedReports`]) —
//! with the totals per currency of everything the filter matches for those who may see
//! pricing, and without any amount for partners.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::deadline::utc_seconds;
use super::period::Period;
use super::policy::{Actor, ListScope, can_see_pricing, list_scope, shows_pricing};
use super::query::{ReportFilter, SortKey};
use super::report::{PartnerReportSummary, ReportSummary};
use super::status::Status;

/// A list as the database is asked for it: whose reports, which of them, in which order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub scope: ListScope,
    /// The filter, with its view settled for the viewer.
    pub filter: ReportFilter,
    /// Only reports in these statuses: the viewer's to-do, when the list shows it.
    pub to_do: Option<Vec<Status>>,
    pub sort: SortKey,
}

impl ListQuery {
    /// The reports of `scope` matching `filter` as written, for someone without a to-do: in the
    /// filter's order, newest first when it has none.
    pub fn new(scope: ListScope, filter: &ReportFilter) -> ListQuery {
        ListQuery {
            scope,
            filter: filter.clone(),
            to_do: None,
            sort: filter.sort.unwrap_or_default(),
        }
    }

    /// The list `actor` asked for with `filter` in `this_month`: what they may see, as they may
    /// run it, in their to-do when the filter shows it.
    pub fn for_viewer(actor: &Actor, filter: &ReportFilter, this_month: Option<Period>) -> Self {
        let filter = filter.permitted_for(actor, this_month);
        let kind = actor.org_kind;
        ListQuery {
            scope: list_scope(actor),
            to_do: filter.to_do_statuses(kind),
            sort: filter.sort_for(kind),
            filter: filter.settled_for(kind),
        }
    }
}

/// How many matching reports one currency and status have, and their total: what the database
/// answers besides the page's rows, so that the domain decides which totals a viewer sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchedGroup {
    pub currency: Currency,
    pub status: Status,
    pub reports: u64,
    pub total: Decimal,
}

/// One page of a list as the database found it, before it is shaped for a viewer. Never sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundReports {
    pub rows: Vec<ReportSummary>,
    /// Every matching report, grouped (not only this page's).
    pub groups: Vec<MatchedGroup>,
    pub total_count: u64,
    pub page: u32,
    pub page_size: u32,
    /// When the server read the list (UTC, RFC 3339).
    pub as_of: String,
}

/// The total invoice amount of one currency's reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyTotal {
    pub currency: Currency,
    pub reports: u64,
    pub total: Decimal,
}

/// The totals of every report a filter matches (all pages), one per currency: amounts of
/// different currencies are never added together.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterTotals {
    /// The currency with the most reports first.
    pub by_currency: Vec<CurrencyTotal>,
    /// How many reports the totals add up.
    pub reports: u64,
    /// Matching reports whose totals the viewer does not see yet (their partner is still
    /// preparing them): in no total.
    pub withheld: u64,
}

impl FilterTotals {
    /// The totals `actor` may see of the matching reports `groups`.
    pub fn of(groups: &[MatchedGroup], actor: &Actor) -> FilterTotals {
        let (shown, withheld): (Vec<&MatchedGroup>, Vec<&MatchedGroup>) = groups
            .iter()
            .partition(|group| shows_pricing(actor, group.status));
        FilterTotals {
            by_currency: per_currency(
                shown
                    .iter()
                    .map(|group| (group.currency, group.reports, group.total)),
            ),
            reports: shown.iter().map(|group| group.reports).sum(),
            withheld: withheld.iter().map(|group| group.reports).sum(),
        }
    }
}

/// Adds up `(currency, reports, total)` per currency, never across currencies: the currency
/// with the most reports first.
pub fn per_currency(items: impl Iterator<Item = (Currency, u64, Decimal)>) -> Vec<CurrencyTotal> {
    let mut by_currency: BTreeMap<Currency, CurrencyTotal> = BTreeMap::new();
    for (currency, reports, total) in items {
        let entry = by_currency.entry(currency).or_insert(CurrencyTotal {
            currency,
            reports: 0,
            total: Decimal::ZERO,
        });
        entry.reports += reports;
        entry.total += total;
    }
    let mut totals: Vec<CurrencyTotal> = by_currency.into_values().collect();
    totals.sort_by_key(|total| std::cmp::Reverse(total.reports));
    totals
}

/// How many reports each of the viewer's two lists holds for the other filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewCounts {
    pub to_do: u64,
    pub all: u64,
}

/// One page of a report list, with the number of reports matching the filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPage {
    pub rows: Vec<ReportSummary>,
    pub total_count: u64,
    pub page: u32,
    pub page_size: u32,
    /// When the server read the list (UTC, RFC 3339): the "now" of "due in 3 days".
    pub as_of: String,
    /// The totals of every matching report, per currency.
    pub totals: FilterTotals,
    /// The sizes of the to-do and of everything, for a viewer who has a to-do.
    pub views: Option<ViewCounts>,
}

impl ReportPage {
    pub fn page_count(&self) -> u32 {
        page_count(self.total_count, self.page_size)
    }
}

/// One page of a partner's report list: the same, without any amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerReportPage {
    pub rows: Vec<PartnerReportSummary>,
    pub total_count: u64,
    pub page: u32,
    pub page_size: u32,
    /// When the server read the list (UTC, RFC 3339): the "now" of "due in 3 days".
    pub as_of: String,
}

impl PartnerReportPage {
    /// The report on this page whose partner deadline comes first (an overdue one first of all):
    /// the one to work on next.
    pub fn due_next(&self) -> Option<i64> {
        self.rows
            .iter()
            .filter_map(|row| Some((utc_seconds(row.partner_deadline()?)?, row.id)))
            .min()
            .map(|(_, id)| id)
    }
}

/// What a report list sends to the browser: with pricing, or (for partners) without any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListedReports {
    Priced(ReportPage),
    Partner(PartnerReportPage),
}

impl ListedReports {
    pub fn total_count(&self) -> u64 {
        match self {
            ListedReports::Priced(page) => page.total_count,
            ListedReports::Partner(page) => page.total_count,
        }
    }

    pub fn page(&self) -> u32 {
        match self {
            ListedReports::Priced(page) => page.page,
            ListedReports::Partner(page) => page.page,
        }
    }

    /// When the server read the list (UTC, RFC 3339).
    pub fn as_of(&self) -> &str {
        match self {
            ListedReports::Priced(page) => &page.as_of,
            ListedReports::Partner(page) => &page.as_of,
        }
    }

    pub fn page_count(&self) -> u32 {
        match self {
            ListedReports::Priced(page) => page.page_count(),
            ListedReports::Partner(page) => page_count(page.total_count, page.page_size),
        }
    }

    /// The sizes of the to-do and of everything, for a viewer who has a to-do.
    pub fn views(&self) -> Option<ViewCounts> {
        match self {
            ListedReports::Priced(page) => page.views,
            ListedReports::Partner(_) => None,
        }
    }
}

fn page_count(total: u64, page_size: u32) -> u32 {
    let pages = total.div_ceil(u64::from(page_size.max(1)));
    u32::try_from(pages).unwrap_or(u32::MAX).max(1)
}

impl FoundReports {
    /// The page as `actor` may see it: the partner shape (no pricing field at all) for partners;
    /// otherwise with the totals, but only of the reports whose status shows pricing to them (a
    /// distributor sees none while the partner is preparing), and the sizes of their two lists.
    pub fn as_seen_by(mut self, actor: &Actor, views: Option<ViewCounts>) -> ListedReports {
        if !can_see_pricing(actor) {
            return ListedReports::Partner(PartnerReportPage {
                rows: self.rows.iter().map(ReportSummary::for_partner).collect(),
                total_count: self.total_count,
                page: self.page,
                page_size: self.page_size,
                as_of: self.as_of,
            });
        }
        for row in &mut self.rows {
            if !shows_pricing(actor, row.status) {
                row.total = None;
            }
        }
        ListedReports::Priced(ReportPage {
            totals: FilterTotals::of(&self.groups, actor),
            rows: self.rows,
            total_count: self.total_count,
            page: self.page,
            page_size: self.page_size,
            as_of: self.as_of,
            views,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::{OrgKind, Role};
    use crate::domain::status::ReviewReason;

    fn actor(org_kind: OrgKind) -> Actor {
        Actor {
            user_id: 1,
            org_id: 1,
            org_kind,
            role: Role::BillingManager,
            region_enabled: true,
        }
    }

    fn group(currency: Currency, status: Status, reports: u64, total: &str) -> MatchedGroup {
        MatchedGroup {
            currency,
            status,
            reports,
            total: total.parse().expect("a decimal"),
        }
    }

    #[test]
    fn totals_are_per_currency_and_only_of_what_the_viewer_may_see() {
        let groups = [
            group(Currency::Eur, Status::Completed, 2, "100.10"),
            group(Currency::Usd, Status::Completed, 3, "1000.01"),
            group(
                Currency::Usd,
                Status::UnderReview(ReviewReason::Manual),
                1,
                "0.99",
            ),
            group(Currency::Usd, Status::MspPreparing, 4, "777.77"),
            group(Currency::Jpy, Status::MspPreparing, 1, "5000"),
        ];
        let distributor = FilterTotals::of(&groups, &actor(OrgKind::Distributor));
        assert_eq!(distributor.reports, 6);
        assert_eq!(distributor.withheld, 5);
        let figures: Vec<(&str, u64, String)> = distributor
            .by_currency
            .iter()
            .map(|t| (t.currency.code(), t.reports, t.total.to_string()))
            .collect();
        assert_eq!(
            figures,
            vec![
                ("USD", 4, "1001.00".to_owned()),
                ("EUR", 2, "100.10".to_owned())
            ]
        );
        let admin = FilterTotals::of(&groups, &actor(OrgKind::Operator));
        assert_eq!((admin.reports, admin.withheld), (11, 0));
        assert_eq!(admin.by_currency.len(), 3, "one total per currency");
    }
}
