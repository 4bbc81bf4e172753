//! The reports list: the list query, its filters and sort orders, and the filter choices.
//! Filters become a WHERE clause built from fixed fragments with bound values only, so every
//! combination stays one prepared statement shape per filter set and the indexes on
//! (period, status), (region, period) and (distributor, period) can serve it.

use sqlx::{Any, Arguments, Encode, FromRow, Type, any::AnyArguments};

use super::header::Basics;
use crate::domain::{
    ListScope, ReportFlags, ReportSummary, Status, from_scaled_e4,
    policy::reached_vendor,
    query::{Choice, FilterOptions, PAGE_SIZE, ReportFilter, ReportPage, SortKey},
};
use crate::server::db::{Backend, Db, SqlError};

/// A statement being written with its bound values, placeholders numbered `$1, $2, …` in the
/// order they are bound. Both backends accept that form; sqlx's `QueryBuilder<Any>` writes `?`
/// placeholders instead, which PostgreSQL rejects, so the list builds its statements here.
struct Statement {
    sql: String,
    args: AnyArguments<'static>,
    conditions: usize,
}

impl Statement {
    fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            args: AnyArguments::default(),
            conditions: 0,
        }
    }

    fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Binds `value` to the next placeholder, written where the statement stands.
    fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'static + Encode<'static, Any> + Type<Any>,
    {
        // Adding an integer or a text to `AnyArguments` cannot fail.
        let _ = self.args.add(value);
        self.sql.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Starts the next WHERE condition (joined to the previous ones by AND).
    fn and(&mut self) -> &mut Self {
        self.conditions += 1;
        self.push(if self.conditions == 1 {
            " WHERE "
        } else {
            " AND "
        })
    }
}

/// Writes the WHERE clause of `scope` and `filter`.
fn push_conditions(statement: &mut Statement, scope: ListScope, filter: &ReportFilter) {
    match scope {
        ListScope::Nothing => {
            statement.and().push("1 = 0");
        }
        ListScope::Partner(id) => {
            statement.and().push("r.partner_id = ").push_bind(id);
        }
        ListScope::Distributor(id) => {
            statement.and().push("r.distributor_id = ").push_bind(id);
        }
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
            statement.and().push(&format!("({})", reached.join(" OR ")));
        }
        ListScope::All => {}
    }
    if let Some(status) = filter.status {
        let (code, sub) = status.codes();
        statement
            .and()
            .push("r.status = ")
            .push_bind(code.to_owned());
        if let Some(sub) = sub {
            statement
                .and()
                .push("r.sub_status = ")
                .push_bind(sub.to_owned());
        }
    }
    if let Some(region) = filter.region {
        statement.and().push("r.region_id = ").push_bind(region);
    }
    if let Some(distributor) = filter.distributor {
        statement
            .and()
            .push("r.distributor_id = ")
            .push_bind(distributor);
    }
    match (filter.from, filter.to) {
        (Some(from), Some(to)) if from == to => {
            statement
                .and()
                .push("r.period = ")
                .push_bind(i64::from(from.to_key()));
        }
        (from, to) => {
            if let Some(from) = from {
                statement
                    .and()
                    .push("r.period >= ")
                    .push_bind(i64::from(from.to_key()));
            }
            if let Some(to) = to {
                statement
                    .and()
                    .push("r.period <= ")
                    .push_bind(i64::from(to.to_key()));
            }
        }
    }
    if let Some(partner) = &filter.partner {
        match partner.parse::<i64>() {
            Ok(id) => {
                statement.and().push("r.partner_id = ").push_bind(id);
            }
            Err(_) => {
                statement
                    .and()
                    .push("LOWER(p.name) LIKE ")
                    .push_bind(format!("%{}%", escape_like(&partner.to_lowercase())))
                    .push(" ESCAPE '\\'");
            }
        }
    }
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
    submission_deadline: String,
    review_deadline: String,
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
            submission_deadline: self.submission_deadline,
            review_deadline: self.review_deadline,
            total: Some(from_scaled_e4(self.total_e4)),
            version: self.version,
            flags: ReportFlags {
                auto_penalties: self.auto_penalties != 0,
                has_comments: self.has_comments != 0,
            },
        })
    }
}

/// The list rows of `scope` matching `filter` in its order, `limit` of them from `offset`.
fn rows_statement(scope: ListScope, filter: &ReportFilter, limit: i64, offset: i64) -> Statement {
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
    let mut statement = Statement::new(format!(
        "SELECT r.id, r.partner_id, p.name AS partner_name, d.name AS distributor_name, \
                g.name AS region_name, {}, r.po_number, r.submission_deadline, \
                r.review_deadline, r.total_e4, r.version, \
                r.auto_penalties, r.has_comments \
         {FROM_REPORTS}",
        Basics::COLUMNS,
    ));
    push_conditions(&mut statement, scope, filter);
    statement
        .push(" ORDER BY ")
        .push(order)
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
    let Statement { sql, args, .. } =
        rows_statement(ListScope::All, filter, i64::from(PAGE_SIZE), 0);
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

/// One page of the reports in `scope` matching `filter`, with the matching count.
#[tracing::instrument(skip(db), err)]
pub async fn list(
    db: &Db,
    scope: ListScope,
    filter: &ReportFilter,
) -> Result<ReportPage, SqlError> {
    let page = filter.page();
    let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);

    let mut count = Statement::new(format!("SELECT COUNT(*) {FROM_REPORTS}"));
    push_conditions(&mut count, scope, filter);
    let Statement { sql, args, .. } = count;
    let total_count: i64 = sqlx::query_scalar_with(&sql, args)
        .fetch_one(db.pool())
        .await?;

    let rows = summaries(
        db,
        rows_statement(scope, filter, i64::from(PAGE_SIZE), offset),
    )
    .await?;

    Ok(ReportPage {
        rows,
        total_count: u64::try_from(total_count).unwrap_or_default(),
        page,
        page_size: PAGE_SIZE,
        as_of: crate::server::db::now_utc(),
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
    summaries(db, rows_statement(scope, filter, i64::from(cap), 0)).await
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
