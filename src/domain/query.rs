//! What a report list is asked for: filters, sorting and paging, as plain data shared by the
//! page (which keeps them in the URL) and the server (which turns them into a query).

use serde::{Deserialize, Serialize};

use super::deadline::utc_seconds;
use super::period::Period;
use super::policy::{Actor, OrgKind, can_see_pricing, shows_pricing};
use super::report::{PartnerReportSummary, ReportSummary};
use super::status::{ReviewReason, Status};

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
}

impl SortKey {
    pub const ALL: [SortKey; 7] = [
        SortKey::Newest,
        SortKey::Oldest,
        SortKey::Partner,
        SortKey::Total,
        SortKey::Status,
        SortKey::Distributor,
        SortKey::Region,
    ];

    /// Whether the column is shown ascending (A to Z, oldest first) or descending.
    pub const fn ascending(&self) -> bool {
        match self {
            SortKey::Oldest
            | SortKey::Partner
            | SortKey::Status
            | SortKey::Distributor
            | SortKey::Region => true,
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
    pub sort: SortKey,
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
            sort: get("sort")
                .and_then(|text| SortKey::from_param(&text))
                .unwrap_or_default(),
            page: get("page")
                .and_then(|text| text.parse().ok())
                .filter(|page| *page >= 1)
                .unwrap_or(1),
        }
    }

    /// The URL query string for this filter (without `?`), only with the fields that are set.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
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
        if self.sort != SortKey::default() {
            pairs.push(("sort", self.sort.to_param().to_owned()));
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

/// What a report list sends to the browser: with pricing, or (for partners) without any.
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
}

fn page_count(total: u64, page_size: u32) -> u32 {
    let pages = total.div_ceil(u64::from(page_size.max(1)));
    u32::try_from(pages).unwrap_or(u32::MAX).max(1)
}

impl ReportPage {
    /// The page as `actor` may see it: the partner shape (no pricing field at all) for partners;
    /// otherwise with the total, but only for the reports whose status shows pricing to them (a
    /// distributor sees none while the partner is preparing).
    pub fn as_seen_by(mut self, actor: &Actor) -> ListedReports {
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
        ListedReports::Priced(self)
    }
}

impl ReportFilter {
    /// The filter as `actor` may run it in `this_month`: someone who may not see totals may not
    /// order by them either (that sort falls back to the default), and a partner's list with no
    /// cycle chosen covers the last [`PARTNER_WINDOW_MONTHS`] months.
    pub fn permitted_for(&self, actor: &Actor, this_month: Option<Period>) -> ReportFilter {
        let mut filter = self.clone();
        if !can_see_pricing(actor) && filter.sort == SortKey::Total {
            filter.sort = SortKey::default();
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

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
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
            sort: SortKey::Total,
            page: 3,
        };
        let query = filter.to_query();
        assert_eq!(
            query,
            "status=completed&region=2&distributor=7&from=2026-01&to=2026-03&partner=Acme%20%26%20Co&sort=total&page=3"
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
