//! The reports list: one page of a [`ListQuery`] with the count and totals of every matching
//! report, the same rows without paging for exports, and the filter choices. The SQL itself is
//! written in `list_sql`.

use sqlx::FromRow;

use super::header::{Basics, Flags};
use super::list_sql::{FROM_REPORTS, Statement, order_by, push_conditions};
use crate::domain::{
    Currency, ListScope, ReportSummary, Status, from_scaled_e4,
    query::{
        Choice, FilterOptions, FoundReports, ListQuery, MatchedGroup, PAGE_SIZE, ReportFilter,
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

/// The list rows of `query` in its order, `limit` of them from `offset`.
fn rows_statement(query: &ListQuery, limit: i64, offset: i64) -> Statement {
    let mut statement = Statement::new(format!(
        "SELECT r.id, r.partner_id, p.name AS partner_name, d.name AS distributor_name, \
                g.name AS region_name, {}, r.po_number, r.submission_deadline, \
                r.review_deadline, r.total_e4, r.version, {} \
         {FROM_REPORTS}",
        Basics::COLUMNS,
        Flags::COLUMNS,
    ));
    push_conditions(&mut statement, query);
    statement
        .push(" ORDER BY ")
        .push(&order_by(query.sort))
        .push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    statement
}

/// The database's plan for the list query of `filter`, one line per step. PostgreSQL is asked
/// with sequential scans discouraged, which shows whether an index *can* serve the query
/// whatever the table's current size.
pub async fn explain_list(db: &Db, filter: &ReportFilter) -> Result<Vec<String>, SqlError> {
    let query = ListQuery::new(ListScope::All, filter);
    let Statement { sql, args, .. } = rows_statement(&query, i64::from(PAGE_SIZE), 0);
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
    reports: i64,
    total_e4: i64,
}

impl GroupRow {
    fn decode(self) -> Result<MatchedGroup, SqlError> {
        let bad = |what: &str, error: &dyn std::fmt::Display| {
            SqlError::Decode(format!("list totals: bad {what}: {error}").into())
        };
        Ok(MatchedGroup {
            currency: self
                .currency
                .parse::<Currency>()
                .map_err(|e| bad("currency", &e))?,
            status: Status::from_code(&self.status, self.sub_status.as_deref())
                .map_err(|e| bad("status", &e))?,
            reports: u64::try_from(self.reports).map_err(|e| bad("count", &e))?,
            total: from_scaled_e4(self.total_e4),
        })
    }
}

/// One page of `query`'s reports, with how many match in each currency and status and their
/// totals (every matching report, not only the page's).
#[tracing::instrument(skip(db), err)]
pub async fn list(db: &Db, query: &ListQuery) -> Result<FoundReports, SqlError> {
    let page = query.filter.page();
    let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);
    let groups = groups(db, query).await?;
    let rows = summaries(db, rows_statement(query, i64::from(PAGE_SIZE), offset)).await?;
    Ok(FoundReports {
        rows,
        total_count: groups.iter().map(|group| group.reports).sum(),
        groups,
        page,
        page_size: PAGE_SIZE,
        as_of: crate::server::db::now_utc(),
    })
}

/// How many reports `query` matches in each currency and status, and their totals.
pub async fn groups(db: &Db, query: &ListQuery) -> Result<Vec<MatchedGroup>, SqlError> {
    // Summed as scaled integers (exact); the sum is cast back from PostgreSQL's NUMERIC.
    let mut grouped = Statement::new(format!(
        "SELECT r.currency, r.status, r.sub_status, COUNT(*) AS reports, \
                CAST(SUM(r.total_e4) AS BIGINT) AS total_e4 {FROM_REPORTS}"
    ));
    push_conditions(&mut grouped, query);
    grouped.push(" GROUP BY r.currency, r.status, r.sub_status");
    let Statement { sql, args, .. } = grouped;
    sqlx::query_as_with::<_, GroupRow, _>(&sql, args)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(GroupRow::decode)
        .collect()
}

/// How many reports `query` matches.
#[tracing::instrument(skip(db), err)]
pub async fn count(db: &Db, query: &ListQuery) -> Result<u64, SqlError> {
    let mut count = Statement::new(format!("SELECT COUNT(*) {FROM_REPORTS}"));
    push_conditions(&mut count, query);
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
    summaries(db, rows_statement(query, i64::from(cap), 0)).await
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
