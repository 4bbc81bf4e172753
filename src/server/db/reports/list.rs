//! The reports list: the list query, its filters and sort orders, and the filter choices.
//! Filters become a WHERE clause built from fixed fragments with bound values only, so every
//! combination stays one prepared statement shape per filter set and the indexes on
//! (period, status), (region, period) and (distributor, period) can serve it.

use sqlx::FromRow;

use super::header::Basics;
use crate::domain::{
    ListScope, ReportFlags, ReportSummary, Status, from_scaled_e4,
    policy::reached_vendor,
    query::{Choice, FilterOptions, PAGE_SIZE, ReportFilter, ReportPage, SortKey},
};
use crate::server::db::{Backend, Db, SqlError};

/// Binds every collected value, in order, to a query of any shape.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Int(value) => query.bind(*value),
                Bind::Text(value) => query.bind(value.clone()),
            };
        }
        query
    }};
}

/// A value bound to a `$n` placeholder.
enum Bind {
    Int(i64),
    Text(String),
}

/// Collects WHERE conditions and their bound values, numbering the placeholders.
#[derive(Default)]
struct Conditions {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Conditions {
    /// Adds a condition; each `?` in `clause` becomes the next `$n` bound to the next value.
    fn push(&mut self, clause: &str, values: Vec<Bind>) {
        let mut sql = String::with_capacity(clause.len() + 4);
        let mut values = values.into_iter();
        for part in clause.split_inclusive('?') {
            match part.strip_suffix('?') {
                Some(head) => {
                    sql.push_str(head);
                    if let Some(value) = values.next() {
                        self.binds.push(value);
                        sql.push_str(&format!("${}", self.binds.len()));
                    }
                }
                None => sql.push_str(part),
            }
        }
        self.clauses.push(sql);
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn next_placeholder(&self, offset: usize) -> String {
        format!("${}", self.binds.len() + offset)
    }
}

fn conditions(scope: ListScope, filter: &ReportFilter) -> Conditions {
    let mut conditions = Conditions::default();
    match scope {
        ListScope::Nothing => conditions.push("1 = 0", vec![]),
        ListScope::Partner(id) => conditions.push("r.partner_id = ?", vec![Bind::Int(id)]),
        ListScope::Distributor(id) => conditions.push("r.distributor_id = ?", vec![Bind::Int(id)]),
        ListScope::ReachedVendor => {
            // The statuses the policy says have reached the vendor, spelled out for SQL.
            let reached: Vec<String> = Status::all()
                .into_iter()
                .filter(|status| reached_vendor(*status))
                .map(|status| match status.sub_status_code() {
                    Some(sub) => format!(
                        "(r.status = '{}' AND r.sub_status = '{sub}')",
                        status.as_code()
                    ),
                    None => format!("r.status = '{}'", status.as_code()),
                })
                .collect();
            conditions.push(&format!("({})", reached.join(" OR ")), vec![]);
        }
        ListScope::All => {}
    }
    if let Some(status) = filter.status {
        let (code, sub) = status.codes();
        conditions.push("r.status = ?", vec![Bind::Text(code.to_owned())]);
        if let Some(sub) = sub {
            conditions.push("r.sub_status = ?", vec![Bind::Text(sub.to_owned())]);
        }
    }
    if let Some(region) = filter.region {
        conditions.push("r.region_id = ?", vec![Bind::Int(region)]);
    }
    if let Some(distributor) = filter.distributor {
        conditions.push("r.distributor_id = ?", vec![Bind::Int(distributor)]);
    }
    match (filter.from, filter.to) {
        (Some(from), Some(to)) if from == to => {
            conditions.push("r.period = ?", vec![Bind::Int(from.to_key().into())]);
        }
        (from, to) => {
            if let Some(from) = from {
                conditions.push("r.period >= ?", vec![Bind::Int(from.to_key().into())]);
            }
            if let Some(to) = to {
                conditions.push("r.period <= ?", vec![Bind::Int(to.to_key().into())]);
            }
        }
    }
    if let Some(partner) = &filter.partner {
        match partner.parse::<i64>() {
            Ok(id) => conditions.push("r.partner_id = ?", vec![Bind::Int(id)]),
            Err(_) => conditions.push(
                "LOWER(p.name) LIKE ? ESCAPE '\\'",
                vec![Bind::Text(format!(
                    "%{}%",
                    escape_like(&partner.to_lowercase())
                ))],
            ),
        }
    }
    conditions
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

const FROM_REPORTS: &str = "FROM reports r \
     JOIN organisations p ON p.id = r.partner_id \
     JOIN organisations d ON d.id = r.distributor_id \
     JOIN regions g ON g.id = r.region_id";

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
    total_e4: i64,
    version: i64,
    auto_penalties: i64,
    has_comments: i64,
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
            total: Some(from_scaled_e4(self.total_e4)),
            version: self.version,
            flags: ReportFlags {
                auto_penalties: self.auto_penalties != 0,
                has_comments: self.has_comments != 0,
            },
        })
    }
}

fn rows_sql(filter: &ReportFilter, conditions: &Conditions) -> String {
    let order = match filter.sort {
        SortKey::Newest => "r.period DESC, p.name ASC, r.id ASC",
        SortKey::Oldest => "r.period ASC, p.name ASC, r.id ASC",
        SortKey::Partner => "p.name ASC, r.period DESC, r.id ASC",
        // Amounts of different currencies are not compared, and reports still being prepared
        // (whose totals are not final, and hidden from their distributor) rank last.
        SortKey::Total => {
            "r.currency ASC, CASE WHEN r.status = 'msp_preparing' THEN -1 ELSE r.total_e4 END DESC, \
             r.id ASC"
        }
        SortKey::Status => {
            "CASE r.status WHEN 'msp_preparing' THEN 1 WHEN 'under_review' THEN 2 \
             WHEN 'rejected' THEN 3 WHEN 'submitted_to_vendor' THEN 4 ELSE 5 END ASC, \
             r.period DESC, p.name ASC, r.id ASC"
        }
        SortKey::Distributor => "d.name ASC, r.period DESC, p.name ASC, r.id ASC",
        SortKey::Region => "g.name ASC, r.period DESC, p.name ASC, r.id ASC",
    };
    format!(
        "SELECT r.id, r.partner_id, p.name AS partner_name, d.name AS distributor_name, \
                g.name AS region_name, {}, r.po_number, r.total_e4, r.version, \
                r.auto_penalties, r.has_comments \
         {FROM_REPORTS}{} ORDER BY {order} LIMIT {} OFFSET {}",
        Basics::COLUMNS,
        conditions.where_sql(),
        conditions.next_placeholder(1),
        conditions.next_placeholder(2),
    )
}

/// The database's plan for the list query of `filter`, one line per step. PostgreSQL is asked
/// with sequential scans discouraged, which shows whether an index *can* serve the query
/// whatever the table's current size.
pub async fn explain_list(db: &Db, filter: &ReportFilter) -> Result<Vec<String>, SqlError> {
    let conditions = conditions(ListScope::All, filter);
    let sql = rows_sql(filter, &conditions);
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
    let query = bind_all!(sqlx::query(&explain), &conditions.binds)
        .bind(i64::from(PAGE_SIZE))
        .bind(0_i64);
    let rows = query.fetch_all(&mut *tx).await?;
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

/// One page of the reports in `scope` matching `filter`, with the matching count.
#[tracing::instrument(skip(db), err)]
pub async fn list(
    db: &Db,
    scope: ListScope,
    filter: &ReportFilter,
) -> Result<ReportPage, SqlError> {
    let conditions = conditions(scope, filter);
    let where_sql = conditions.where_sql();
    let page = filter.page();
    let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);

    let count_sql = format!("SELECT COUNT(*) {FROM_REPORTS}{where_sql}");
    let total_count = bind_all!(sqlx::query_scalar::<_, i64>(&count_sql), &conditions.binds)
        .fetch_one(db.pool())
        .await?;

    let rows = summaries(db, filter, &conditions, i64::from(PAGE_SIZE), offset).await?;

    Ok(ReportPage {
        rows,
        total_count: u64::try_from(total_count).unwrap_or_default(),
        page,
        page_size: PAGE_SIZE,
    })
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
    })
}

// ---------------------------------------------------------------------------------------------
// Every matching report, for exports
// ---------------------------------------------------------------------------------------------

/// Every report in `scope` matching `filter`, in the list's order and regardless of its page, but
/// at most `cap` of them: the list query with `cap` rows from the first. A caller that must know
/// whether there are more asks for one more than it accepts.
#[tracing::instrument(skip(db), err)]
pub async fn list_all(
    db: &Db,
    scope: ListScope,
    filter: &ReportFilter,
    cap: u32,
) -> Result<Vec<ReportSummary>, SqlError> {
    let conditions = conditions(scope, filter);
    summaries(db, filter, &conditions, i64::from(cap), 0).await
}

/// The list rows of `conditions`, `limit` of them from `offset`, in `filter`'s order.
async fn summaries(
    db: &Db,
    filter: &ReportFilter,
    conditions: &Conditions,
    limit: i64,
    offset: i64,
) -> Result<Vec<ReportSummary>, SqlError> {
    let rows_sql = rows_sql(filter, conditions);
    bind_all!(
        sqlx::query_as::<_, SummaryRow>(&rows_sql),
        &conditions.binds
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(SummaryRow::into_summary)
    .collect()
}
