//! Where the list counts and sums what a query matches: the reports themselves, or the counts
//! the database keeps of them (`report_counts`, migration 0017). The WHERE clause is the same
//! for both (`list_sql::push_conditions_on`); this file says which one a query may read and
//! the few pieces of SQL that differ between them.

use super::list_sql::{FROM_MATCHES, REGION_JOIN};
use crate::domain::{
    ListScope,
    query::{ListQuery, ReportFilter},
};

/// What the reports a query matches are counted and summed from, as `r`: the reports
/// themselves, or the counts the database keeps of them (`report_counts`, migration 0017: per
/// distributor, region, month, currency, status and whether the vendor received them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tally {
    Reports,
    Kept,
}

impl Tally {
    /// The kept counts when every condition of `query` names a column they keep; the reports
    /// when one names a partner, a flag or a deadline.
    pub(super) fn for_query(query: &ListQuery) -> Tally {
        // Every field named, so that a new filter has to say which it can be counted from.
        let ReportFilter {
            status: _,
            region: _,
            distributor: _,
            from: _,
            to: _,
            partner,
            flag,
            currency: _,
            overdue,
            view: _,
            sort: _,
            page: _,
        } = &query.filter;
        let scope_kept = match query.scope {
            ListScope::Nothing
            | ListScope::All
            | ListScope::Distributor(_)
            | ListScope::ReachedVendor => true,
            ListScope::Partner(_) => false,
        };
        if scope_kept && partner.is_none() && flag.is_none() && !overdue {
            Tally::Kept
        } else {
            Tally::Reports
        }
    }

    /// The FROM clause.
    pub(super) const fn table(self) -> &'static str {
        match self {
            Tally::Reports => FROM_MATCHES,
            Tally::Kept => "FROM report_counts r",
        }
    }

    /// The FROM clause joined to the report's region (`g`).
    pub(super) fn table_with_region(self) -> String {
        format!("{} {REGION_JOIN}", self.table())
    }

    /// What ends a GROUP BY: a kept row whose reports all moved on holds none, and makes no
    /// group.
    pub(super) const fn having(self) -> &'static str {
        match self {
            Tally::Reports => "",
            Tally::Kept => " HAVING SUM(r.reports) > 0",
        }
    }

    /// How many reports a group holds, as SQL (a BIGINT on both backends).
    pub(super) const fn reports(self) -> &'static str {
        match self {
            Tally::Reports => "COUNT(*)",
            Tally::Kept => "CAST(COALESCE(SUM(r.reports), 0) AS BIGINT)",
        }
    }

    /// The report's sub-status, as SQL (NULL where it has none).
    pub(super) const fn sub_status(self) -> &'static str {
        match self {
            Tally::Reports => "r.sub_status",
            Tally::Kept => "NULLIF(r.sub_status, '')",
        }
    }

    /// Whether the vendor has received the report, as an SQL condition.
    pub(super) const fn reached_vendor(self) -> &'static str {
        match self {
            Tally::Reports => "r.sent_to_vendor_at IS NOT NULL",
            Tally::Kept => "r.reached_vendor = 1",
        }
    }
}
