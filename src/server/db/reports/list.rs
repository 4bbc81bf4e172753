//! The reports list: one page of a [`ListQuery`] with the count and totals of every matching
//! report, the same rows without paging for exports, and the filter choices. The SQL itself is
//! written in `list_sql`.

use sqlx::FromRow;

use super::header::{Basics, Flags};
use super::list_sql::{
    Statement, from_for_page, leading_period, order_by, page_reports, push_conditions,
    push_conditions_on, push_deadline_runs, push_period_window,
};
use super::list_tally::Tally;
use super::list_window::{PageWindow, deadline_window, month_window};
use crate::domain::{
    Currency, ListScope, ReportSummary, Status,
    deadline::DeadlineOf,
    from_scaled_e4,
    query::{
        Choice, FilterOptions, FoundReports, ListQuery, MatchedGroup, PAGE_SIZE, ReportFilter,
        SortKey,
    },
};
use crate::server::db::{Backend, Db, SqlError};

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    partner_id: i64,
    partner_name: String,
    distributor_name: String,
    region_name: String,
    #[sqlx(flatten)]
    basics: Basics,
    po_number: Option<String>,
    submission_deadline: String,
    review_deadline: String,
    total_e4: i64,
    version: i64,
    #[sqlx(flatten)]
    flags: Flags,
}

impl SummaryRow {
    fn into_summary(self) -> Result<ReportSummary, SqlError> {
        let basics = self.basics.decode(self.id)?;
        Ok(ReportSummary {
            id: self.id,
            partner_id: self.partner_id,
            partner_name: self.partner_name,
            distributor_name: self.distributor_name,
            region_name: self.region_name,
            currency: basics.currency,
            period: basics.period,
            status: basics.status,
            po_number: self.po_number,
            submission_deadline: self.submission_deadline,
            review_deadline: self.review_deadline,
            total: Some(from_scaled_e4(self.total_e4)),
            version: self.version,
            flags: self.flags.decode(),
        })
    }
}

/// The list rows of `query` in its order, `limit` of them from `offset` (counted from the
/// window's start when there is a window). The page's reports are chosen first, sorting
/// only their ids and sort keys (joined to no name the order does not read); then those few
/// are joined to everything a row shows. Sorting whole joined rows read every report's names
/// and carried every column through the sort.
fn rows_statement(
    backend: Backend,
    query: &ListQuery,
    window: Option<PageWindow>,
    limit: i64,
    offset: i64,
) -> Statement {
    let order = order_by(query.sort);
    let mut statement = Statement::new(format!(
        "SELECT r.id, r.partner_id, p.name AS partner_name, d.name AS distributor_name, \
                g.name AS region_name, {}, r.po_number, r.submission_deadline, \
                r.review_deadline, r.total_e4, r.version, {} \
         FROM (SELECT r.id AS page_id {}",
        Basics::COLUMNS,
        Flags::COLUMNS,
        from_for_page(&order),
    ));
    push_conditions(&mut statement, query);
    let window = window.unwrap_or_default();
    if let Some(runs) = window.deadline_runs {
        push_deadline_runs(&mut statement, runs);
    }
    if let Some((first, last)) = window.months {
        push_period_window(&mut statement, first, last);
    }
    statement
        .push(" ORDER BY ")
        .push(&order)
        .push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset)
        .push(") page ")
        .push(page_reports(backend))
        .push(" ORDER BY ")
        .push(&order);
    statement
}

/// The database's plan for the rows of the list page of `filter`, one line per step. PostgreSQL is asked
/// with sequential scans discouraged, which shows whether an index *can* serve the query
/// whatever the table's current size.
pub async fn explain_list(db: &Db, filter: &ReportFilter) -> Result<Vec<String>, SqlError> {
    let query = ListQuery::new(ListScope::All, filter);
    let (_, rows) = page_plan(db, &query).await?;
    let Statement { sql, args, .. } = rows;
    let mut tx = db.pool().begin().await?;
    let explain = match db.backend() {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        Backend::Postgres => {
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await?;
            format!("EXPLAIN {sql}")
        }
    };
    let rows = sqlx::query_with(&explain, args).fetch_all(&mut *tx).await?;
    tx.rollback().await?;
    rows.iter()
        .map(|row| {
            use sqlx::Row;
            match db.backend() {
                Backend::Sqlite => row.try_get::<String, _>("detail"),
                Backend::Postgres => row.try_get::<String, _>(0),
            }
        })
        .collect()
}

#[derive(FromRow)]
struct GroupRow {
    currency: String,
    status: String,
    sub_status: Option<String>,
    period: i64,
    reports: i64,
    total_e4: i64,
}

impl GroupRow {
    fn decode(self) -> Result<(i64, MatchedGroup), SqlError> {
        let bad = |what: &str, error: &dyn std::fmt::Display| {
            SqlError::Decode(format!("list totals: bad {what}: {error}").into())
        };
        let group = MatchedGroup {
            currency: self
                .currency
                .parse::<Currency>()
                .map_err(|e| bad("currency", &e))?,
            status: Status::from_code(&self.status, self.sub_status.as_deref())
                .map_err(|e| bad("status", &e))?,
            reports: u64::try_from(self.reports).map_err(|e| bad("count", &e))?,
            total: from_scaled_e4(self.total_e4),
        };
        Ok((self.period, group))
    }
}

/// What `query` matches in each currency, status and month.
struct Matched {
    by_month: Vec<(i64, MatchedGroup)>,
}

impl Matched {
    /// The counts and totals per currency and status, over every month.
    fn groups(&self) -> Vec<MatchedGroup> {
        let mut groups: Vec<MatchedGroup> = Vec::new();
        for (_, group) in &self.by_month {
            match groups
                .iter_mut()
                .find(|g| g.currency == group.currency && g.status == group.status)
            {
                Some(merged) => {
                    merged.reports += group.reports;
                    merged.total += group.total;
                }
                None => groups.push(group.clone()),
            }
        }
        groups
    }

    /// How many reports match in each month.
    fn months(&self) -> Vec<(i64, u64)> {
        self.months_where(|_| true)
    }

    /// How many reports in a status that `keep` keeps match in each month.
    fn months_where(&self, keep: impl Fn(Status) -> bool) -> Vec<(i64, u64)> {
        let mut months: Vec<(i64, u64)> = Vec::new();
        let kept = self.by_month.iter().filter(|(_, group)| keep(group.status));
        for (period, group) in kept {
            match months.iter_mut().find(|(p, _)| p == period) {
                Some((_, reports)) => *reports += group.reports,
                None => months.push((*period, group.reports)),
            }
        }
        months
    }
}

/// The two statements a page of `query` runs: what matches per currency, status and month,
/// then the page's rows (read from the part of the matches that holds them when the list is
/// sorted by month or by deadline; see `list_window`).
async fn page_plan(db: &Db, query: &ListQuery) -> Result<(Matched, Statement), SqlError> {
    let limit = u64::from(PAGE_SIZE);
    let offset = u64::from(query.filter.page() - 1) * limit;
    let matched = matched(db, query).await?;
    let window = match (query.sort, leading_period(query.sort)) {
        (SortKey::Deadline, _) => {
            let runs = |status: Status| DeadlineOf::running(status).is_some();
            deadline_window(
                matched.months_where(runs),
                matched.months_where(|status| !runs(status)),
                offset,
                limit,
            )
        }
        (_, Some(newest_first)) => {
            month_window(matched.months(), newest_first, offset, limit).map(PageWindow::from)
        }
        (_, None) => None,
    };
    let start = offset - window.map_or(0, |window| window.before);
    let rows = rows_statement(
        db.backend(),
        query,
        window,
        i64::try_from(limit).unwrap_or(i64::MAX),
        i64::try_from(start).unwrap_or(i64::MAX),
    );
    Ok((matched, rows))
}

/// One page of `query`'s reports, with how many match in each currency and status and their
/// totals (every matching report, not only the page's).
#[tracing::instrument(skip(db), err)]
pub async fn list(db: &Db, query: &ListQuery) -> Result<FoundReports, SqlError> {
    let (matched, rows) = page_plan(db, query).await?;
    let groups = matched.groups();
    Ok(FoundReports {
        rows: summaries(db, rows).await?,
        total_count: groups.iter().map(|group| group.reports).sum(),
        groups,
        page: query.filter.page(),
        page_size: PAGE_SIZE,
        as_of: crate::server::db::now_utc(),
    })
}

/// The SQL a page of `query` runs, with its values written in (for running it by hand, as the
/// benchmarks do beside the list itself).
pub async fn list_sql(db: &Db, query: &ListQuery) -> Result<Vec<String>, SqlError> {
    let (_, rows) = page_plan(db, query).await?;
    Ok(vec![
        matched_statement(query).with_literals(),
        rows.with_literals(),
    ])
}

/// How many reports `query` matches in each currency and status, and their totals.
pub async fn groups(db: &Db, query: &ListQuery) -> Result<Vec<MatchedGroup>, SqlError> {
    Ok(matched(db, query).await?.groups())
}

fn matched_statement(query: &ListQuery) -> Statement {
    let tally = Tally::for_query(query);
    // Summed as scaled integers (exact); the sum is cast back from PostgreSQL's NUMERIC.
    let mut grouped = Statement::new(format!(
        "SELECT r.currency, r.status, {} AS sub_status, r.period, {} AS reports, \
                CAST(SUM(r.total_e4) AS BIGINT) AS total_e4 {}",
        tally.sub_status(),
        tally.reports(),
        tally.table(),
    ));
    push_conditions_on(&mut grouped, query, tally);
    grouped
        .push(" GROUP BY r.currency, r.status, r.sub_status, r.period")
        .push(tally.having());
    grouped
}

async fn matched(db: &Db, query: &ListQuery) -> Result<Matched, SqlError> {
    let Statement { sql, args, .. } = matched_statement(query);
    let by_month = sqlx::query_as_with::<_, GroupRow, _>(&sql, args)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(GroupRow::decode)
        .collect::<Result<_, _>>()?;
    Ok(Matched { by_month })
}

/// How many reports `query` matches.
#[tracing::instrument(skip(db), err)]
pub async fn count(db: &Db, query: &ListQuery) -> Result<u64, SqlError> {
    let tally = Tally::for_query(query);
    let mut count = Statement::new(format!("SELECT {} {}", tally.reports(), tally.table()));
    push_conditions_on(&mut count, query, tally);
    let Statement { sql, args, .. } = count;
    let total: i64 = sqlx::query_scalar_with(&sql, args)
        .fetch_one(db.pool())
        .await?;
    Ok(u64::try_from(total).unwrap_or_default())
}

#[derive(FromRow)]
struct ChoiceRow {
    id: i64,
    name: String,
    region_id: Option<i64>,
}

/// Every region with billing reports, and every distributor, by name: the list's filter choices.
pub async fn filter_options(db: &Db) -> Result<FilterOptions, SqlError> {
    let choice = |row: ChoiceRow| Choice {
        id: row.id,
        name: row.name,
        region: row.region_id,
    };
    let regions = sqlx::query_as::<_, ChoiceRow>(
        "SELECT id, name, NULL AS region_id FROM regions WHERE billing_enabled = 1 ORDER BY name, id",
    )
    .fetch_all(db.pool())
    .await?;
    let distributors = sqlx::query_as::<_, ChoiceRow>(
        "SELECT o.id, o.name, o.region_id FROM organisations o \
         JOIN regions g ON g.id = o.region_id \
         WHERE o.kind = 'distributor' AND g.billing_enabled = 1 ORDER BY o.name, o.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(FilterOptions {
        regions: regions.into_iter().map(choice).collect(),
        distributors: distributors.into_iter().map(choice).collect(),
        years: Vec::new(),
    })
}

/// The years partner `partner_id` has reports in, newest first.
pub async fn partner_years(db: &Db, partner_id: i64) -> Result<Vec<i32>, SqlError> {
    let periods: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT period FROM reports WHERE partner_id = $1 ORDER BY period DESC",
    )
    .bind(partner_id)
    .fetch_all(db.pool())
    .await?;
    let mut years: Vec<i32> = periods
        .into_iter()
        .filter_map(|key| i32::try_from(key.div_euclid(100)).ok())
        .collect();
    years.dedup();
    Ok(years)
}

// ---------------------------------------------------------------------------------------------
// Every matching report, for exports
// ---------------------------------------------------------------------------------------------

/// Every report `query` matches, in the list's order and regardless of its page, but at most
/// `cap` of them: the list query with `cap` rows from the first. A caller that must know whether
/// there are more asks for one more than it accepts.
#[tracing::instrument(skip(db), err)]
pub async fn list_all(
    db: &Db,
    query: &ListQuery,
    cap: u32,
) -> Result<Vec<ReportSummary>, SqlError> {
    summaries(
        db,
        rows_statement(db.backend(), query, None, i64::from(cap), 0),
    )
    .await
}

/// The list rows `statement` selects.
async fn summaries(db: &Db, statement: Statement) -> Result<Vec<ReportSummary>, SqlError> {
    let Statement { sql, args, .. } = statement;
    sqlx::query_as_with::<_, SummaryRow, _>(&sql, args)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(SummaryRow::into_summary)
        .collect()
}
