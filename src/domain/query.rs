//! What a report list is asked for: filters, sorting and paging, as plain data shared by the
//! page (which keeps them in the URL) and the server (which turns them into a query).

use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::flags::RiskFlag;
use super::list_href::encode_query_value;
use super::period::Period;
use super::policy::{Actor, OrgKind, can_see_pricing};
use super::status::{ReviewReason, Status};

pub use super::listing::{
    CurrencyTotal, FilterTotals, FoundReports, ListQuery, ListedReports, MatchedGroup,
    PartnerReportPage, ReportPage, ViewCounts,
};

/// The URL form of "only reports whose deadline has passed" (`deadline=passed`).
pub const OVERDUE_PARAM: &str = "passed";

/// Rows per page of a report list.
pub const PAGE_SIZE: u32 = 50;

/// How many months a partner's list covers when no cycle is chosen (this one included).
pub const PARTNER_WINDOW_MONTHS: u32 = 12;

/// A status to filter by: a status, or for "Under review" also one sub-status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusFilter {
    MspPreparing,
    UnderReview(Option<ReviewReason>),
    Rejected,
    SubmittedToVendor,
    Completed,
}

impl StatusFilter {
    /// Every choice, in workflow order, for the filter control.
    pub fn all() -> Vec<StatusFilter> {
        let mut all = vec![StatusFilter::MspPreparing, StatusFilter::UnderReview(None)];
        all.extend(
            ReviewReason::all()
                .into_iter()
                .map(|reason| StatusFilter::UnderReview(Some(reason))),
        );
        all.extend([
            StatusFilter::Rejected,
            StatusFilter::SubmittedToVendor,
            StatusFilter::Completed,
        ]);
        all
    }

    /// The stored status code and, when filtering one sub-status, its code.
    pub fn codes(&self) -> (&'static str, Option<&'static str>) {
        match self {
            StatusFilter::MspPreparing => (Status::MspPreparing.as_code(), None),
            StatusFilter::UnderReview(reason) => (
                Status::UnderReview(ReviewReason::Manual).as_code(),
                reason.map(|reason| reason.as_code()),
            ),
            StatusFilter::Rejected => (Status::Rejected.as_code(), None),
            StatusFilter::SubmittedToVendor => (Status::SubmittedToVendor.as_code(), None),
            StatusFilter::Completed => (Status::Completed.as_code(), None),
        }
    }

    /// Whether a report in `status` passes this filter.
    pub fn covers(&self, status: Status) -> bool {
        match (self, status) {
            (StatusFilter::UnderReview(None), Status::UnderReview(_)) => true,
            (StatusFilter::UnderReview(Some(reason)), Status::UnderReview(actual)) => {
                *reason == actual
            }
            (StatusFilter::MspPreparing, Status::MspPreparing)
            | (StatusFilter::Rejected, Status::Rejected)
            | (StatusFilter::SubmittedToVendor, Status::SubmittedToVendor)
            | (StatusFilter::Completed, Status::Completed) => true,
            (
                StatusFilter::MspPreparing
                | StatusFilter::UnderReview(_)
                | StatusFilter::Rejected
                | StatusFilter::SubmittedToVendor
                | StatusFilter::Completed,
                _,
            ) => false,
        }
    }

    /// The URL form: `under_review`, or `under_review.manual` for one sub-status.
    pub fn to_param(&self) -> String {
        match self.codes() {
            (code, Some(sub)) => format!("{code}.{sub}"),
            (code, None) => code.to_owned(),
        }
    }

    /// Reads the URL form; anything unknown is no filter at all.
    pub fn from_param(text: &str) -> Option<StatusFilter> {
        StatusFilter::all()
            .into_iter()
            .find(|filter| filter.to_param() == text)
    }

    /// What the filter control shows.
    pub fn label(&self) -> String {
        match self {
            StatusFilter::MspPreparing => Status::MspPreparing.label(),
            StatusFilter::UnderReview(None) => "Under review (all)".to_owned(),
            StatusFilter::UnderReview(Some(reason)) => Status::UnderReview(*reason).label(),
            StatusFilter::Rejected => Status::Rejected.label(),
            StatusFilter::SubmittedToVendor => Status::SubmittedToVendor.label(),
            StatusFilter::Completed => Status::Completed.label(),
        }
    }
}

/// Which of a viewer's two lists a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListView {
    /// The reports waiting for the viewer's organisation.
    ToDo,
    /// Every report the viewer may see.
    All,
}

impl ListView {
    /// The URL form.
    pub const fn to_param(&self) -> &'static str {
        match self {
            ListView::ToDo => "todo",
            ListView::All => "all",
        }
    }

    /// Reads the URL form; anything unknown is no choice.
    pub fn from_param(text: &str) -> Option<ListView> {
        [ListView::ToDo, ListView::All]
            .into_iter()
            .find(|view| view.to_param() == text)
    }

    /// The tab's name.
    pub const fn label(&self) -> &'static str {
        match self {
            ListView::ToDo => "To do",
            ListView::All => "All reports",
        }
    }
}

/// The order of a report list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    /// Newest cycle first, then partner name (the default).
    #[default]
    Newest,
    /// Oldest cycle first, then partner name.
    Oldest,
    /// Partner name, then newest cycle.
    Partner,
    /// Largest total invoice first.
    Total,
    /// Workflow order: preparing, under review, rejected, submitted, completed.
    Status,
    /// Distributor name, then newest cycle.
    Distributor,
    /// Region name, then newest cycle.
    Region,
    /// The deadline running for each report's status, soonest (most overdue) first; reports
    /// with no running deadline last.
    Deadline,
}

impl SortKey {
    pub const ALL: [SortKey; 8] = [
        SortKey::Newest,
        SortKey::Oldest,
        SortKey::Partner,
        SortKey::Total,
        SortKey::Status,
        SortKey::Distributor,
        SortKey::Region,
        SortKey::Deadline,
    ];

    /// Whether the column is shown ascending (A to Z, oldest first) or descending.
    pub const fn ascending(&self) -> bool {
        match self {
            SortKey::Oldest
            | SortKey::Partner
            | SortKey::Status
            | SortKey::Distributor
            | SortKey::Region
            | SortKey::Deadline => true,
            SortKey::Newest | SortKey::Total => false,
        }
    }

    pub const fn to_param(&self) -> &'static str {
        match self {
            SortKey::Newest => "newest",
            SortKey::Oldest => "oldest",
            SortKey::Partner => "partner",
            SortKey::Total => "total",
            SortKey::Status => "status",
            SortKey::Distributor => "distributor",
            SortKey::Region => "region",
            SortKey::Deadline => "deadline",
        }
    }

    pub fn from_param(text: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|key| key.to_param() == text)
    }

    pub const fn label(&self) -> &'static str {
        match self {
            SortKey::Newest => "Newest cycle first",
            SortKey::Oldest => "Oldest cycle first",
            SortKey::Partner => "Partner name",
            SortKey::Total => "Largest total first",
            SortKey::Status => "Status, in workflow order",
            SortKey::Distributor => "Distributor name",
            SortKey::Region => "Region name",
            SortKey::Deadline => "Deadline, soonest first",
        }
    }
}

/// Filters, sort and page of a report list. Empty fields filter nothing; missing fields are
/// empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportFilter {
    pub status: Option<StatusFilter>,
    /// Region id.
    pub region: Option<i64>,
    /// Distributor organisation id.
    pub distributor: Option<i64>,
    /// First month of the cycle range (inclusive).
    pub from: Option<Period>,
    /// Last month of the cycle range (inclusive).
    pub to: Option<Period>,
    /// Partner id (exact, when the text is a number) or part of its name.
    pub partner: Option<String>,
    /// Only reports carrying this flag.
    pub flag: Option<RiskFlag>,
    /// Only reports in this currency.
    pub currency: Option<Currency>,
    /// Only reports whose running deadline has passed (see `deadline::DeadlineOf::running`).
    pub overdue: bool,
    /// The to-do or everything; none chosen is the viewer's default (see `to_do`).
    pub view: Option<ListView>,
    /// The order; none chosen is the view's own order (see `to_do`).
    pub sort: Option<SortKey>,
    /// 1-based page number.
    pub page: u32,
}

impl ReportFilter {
    /// Reads the filter from URL query parameters, ignoring what cannot be read.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> ReportFilter {
        let period = |key: &str| get(key).and_then(|text| Period::parse(&text).ok());
        // `period` is one month; `year` a calendar year (the form's choice for partners).
        let year = get("year")
            .and_then(|text| text.parse::<i32>().ok())
            .and_then(|year| Some((Period::new(year, 1).ok()?, Period::new(year, 12).ok()?)));
        let (from, to) = match (period("period"), year) {
            (Some(month), _) => (Some(month), Some(month)),
            (None, Some((first, last))) => (Some(first), Some(last)),
            (None, None) => (period("from"), period("to")),
        };
        let id = |key: &str| {
            get(key)
                .and_then(|text| text.parse::<i64>().ok())
                .filter(|id| *id > 0)
        };
        ReportFilter {
            status: get("status").and_then(|text| StatusFilter::from_param(&text)),
            region: id("region"),
            distributor: id("distributor"),
            from,
            to,
            partner: get("partner")
                .map(|text| text.trim().to_owned())
                .filter(|text| !text.is_empty()),
            flag: get("flag").and_then(|text| RiskFlag::from_param(&text)),
            currency: get("currency").and_then(|text| Currency::parse(&text).ok()),
            overdue: get("deadline").is_some_and(|text| text == OVERDUE_PARAM),
            view: get("view").and_then(|text| ListView::from_param(&text)),
            sort: get("sort").and_then(|text| SortKey::from_param(&text)),
            page: get("page")
                .and_then(|text| text.parse().ok())
                .filter(|page| *page >= 1)
                .unwrap_or(1),
        }
    }

    /// The URL query string for this filter (without `?`), only with the fields that are set.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(view) = self.view {
            pairs.push(("view", view.to_param().to_owned()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.to_param()));
        }
        if let Some(region) = self.region {
            pairs.push(("region", region.to_string()));
        }
        if let Some(distributor) = self.distributor {
            pairs.push(("distributor", distributor.to_string()));
        }
        match (self.from, self.to) {
            (Some(from), Some(to)) if from == to => pairs.push(("period", from.to_string())),
            (from, to) => {
                if let Some(from) = from {
                    pairs.push(("from", from.to_string()));
                }
                if let Some(to) = to {
                    pairs.push(("to", to.to_string()));
                }
            }
        }
        if let Some(partner) = &self.partner {
            pairs.push(("partner", partner.clone()));
        }
        if let Some(flag) = self.flag {
            pairs.push(("flag", flag.to_param().to_owned()));
        }
        if let Some(currency) = self.currency {
            pairs.push(("currency", currency.code().to_owned()));
        }
        if self.overdue {
            pairs.push(("deadline", OVERDUE_PARAM.to_owned()));
        }
        if let Some(sort) = self.sort {
            pairs.push(("sort", sort.to_param().to_owned()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        pairs
            .into_iter()
            .map(|(key, value)| format!("{key}={}", encode_query_value(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The page number, at least 1.
    pub fn page(&self) -> u32 {
        self.page.max(1)
    }

    /// Whether anything narrows the list (the view, the order and the page do not).
    pub fn narrows(&self) -> bool {
        self.status.is_some()
            || self.region.is_some()
            || self.distributor.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.partner.is_some()
            || self.flag.is_some()
            || self.currency.is_some()
            || self.overdue
    }
}

impl ReportFilter {
    /// The filter as `actor` may run it in `this_month`: someone who may not see totals may not
    /// order by them either (that sort falls back to the view's own), and a partner's list with no
    /// cycle chosen covers the last [`PARTNER_WINDOW_MONTHS`] months.
    pub fn permitted_for(&self, actor: &Actor, this_month: Option<Period>) -> ReportFilter {
        let mut filter = self.clone();
        if !can_see_pricing(actor) && filter.sort == Some(SortKey::Total) {
            filter.sort = None;
        }
        if actor.org_kind == OrgKind::Partner && filter.from.is_none() && filter.to.is_none() {
            filter.from = this_month.and_then(|this_month| {
                (1..PARTNER_WINDOW_MONTHS).try_fold(this_month, |month, _| month.previous())
            });
        }
        filter
    }

    /// The year a filter covers, when it covers exactly one calendar year.
    pub fn year(&self) -> Option<i32> {
        match (self.from, self.to) {
            (Some(from), Some(to))
                if from.year() == to.year() && from.month() == 1 && to.month() == 12 =>
            {
                Some(from.year())
            }
            _ => None,
        }
    }

    /// The same filter for one calendar year, or for no chosen cycle (`None`), from page 1.
    pub fn with_year(&self, year: Option<i32>) -> ReportFilter {
        let month = |m| year.and_then(|y| Period::new(y, m).ok());
        ReportFilter {
            from: month(1),
            to: month(12),
            page: 1,
            ..self.clone()
        }
    }
}

/// One choice of a region or distributor filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
    /// For a distributor, its region (so the distributor list can follow the region chosen).
    pub region: Option<i64>,
}

/// The region and distributor choices of the list's filters. Empty for users who only ever see
/// one distributor's reports (distributors and partners): the filters are not offered to them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterOptions {
    pub regions: Vec<Choice>,
    pub distributors: Vec<Choice>,
    /// The years a partner has reports in, newest first (partners choose a year).
    pub years: Vec<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_filters_round_trip_through_the_url() {
        for filter in StatusFilter::all() {
            assert_eq!(StatusFilter::from_param(&filter.to_param()), Some(filter));
        }
        assert_eq!(StatusFilter::from_param("nonsense"), None);
        assert_eq!(
            StatusFilter::UnderReview(Some(ReviewReason::Manual)).to_param(),
            "under_review.manual"
        );
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let filter = ReportFilter {
            status: Some(StatusFilter::Completed),
            region: Some(2),
            distributor: Some(7),
            from: Period::parse("2026-01").ok(),
            to: Period::parse("2026-03").ok(),
            partner: Some("Acme & Co".to_owned()),
            flag: Some(RiskFlag::BelowUsed),
            currency: Some(Currency::Eur),
            overdue: true,
            view: Some(ListView::All),
            sort: Some(SortKey::Deadline),
            page: 3,
        };
        let query = filter.to_query();
        assert_eq!(
            query,
            "view=all&status=completed&region=2&distributor=7&from=2026-01&to=2026-03&partner=Acme%20%26%20Co&flag=below_used&currency=EUR&deadline=passed&sort=deadline&page=3"
        );
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| {
                (
                    key.to_owned(),
                    value.replace("%20", " ").replace("%26", "&"),
                )
            })
            .collect();
        let read = ReportFilter::from_params(|key| {
            pairs
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
        });
        assert_eq!(read, filter);
    }

    #[test]
    fn one_month_is_written_as_a_period() {
        let month = Period::parse("2026-10").ok();
        let filter = ReportFilter {
            from: month,
            to: month,
            page: 1,
            ..ReportFilter::default()
        };
        assert_eq!(filter.to_query(), "period=2026-10");
        let read = ReportFilter::from_params(|key| (key == "period").then(|| "2026-10".to_owned()));
        assert_eq!(read, filter);
    }

    #[test]
    fn unreadable_parameters_filter_nothing() {
        let read = ReportFilter::from_params(|key| match key {
            "status" => Some("bogus".to_owned()),
            "from" => Some("2026-13".to_owned()),
            "page" => Some("-2".to_owned()),
            "region" => Some("abc".to_owned()),
            "distributor" => Some("-4".to_owned()),
            "sort" => Some("sideways".to_owned()),
            "partner" => Some("   ".to_owned()),
            "flag" => Some("risky".to_owned()),
            "view" => Some("mine".to_owned()),
            _ => None,
        });
        assert_eq!(
            read,
            ReportFilter {
                page: 1,
                ..ReportFilter::default()
            }
        );
        assert_eq!(ReportFilter::default().to_query(), "");
    }
}
