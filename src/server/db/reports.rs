//! Reports: the list query. Filters become a WHERE clause built from fixed fragments with bound
//! values only, so every combination stays one prepared statement shape per filter set and the
//! indexes on (period, status), (region, period) and (distributor, period) can serve it.

use sqlx::FromRow;

use super::{Db, SqlError};
use crate::domain::{
    Currency, Period, ReportFlags, ReportSummary, Status, from_scaled_e4,
    query::{PAGE_SIZE, ReportFilter, ReportPage},
};

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

fn conditions(filter: &ReportFilter) -> Conditions {
    let mut conditions = Conditions::default();
    if let Some(status) = filter.status {
        let (code, sub) = status.codes();
        conditions.push("r.status = ?", vec![Bind::Text(code.to_owned())]);
        if let Some(sub) = sub {
            conditions.push("r.sub_status = ?", vec![Bind::Text(sub.to_owned())]);
        }
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
    currency: String,
    period: i64,
    status: String,
    sub_status: Option<String>,
    po_number: Option<String>,
    total_e4: i64,
    version: i64,
    auto_penalties: i64,
    has_comments: i64,
}

impl SummaryRow {
    fn into_summary(self) -> Result<ReportSummary, SqlError> {
        let decode = |what: &str, error: String| {
            SqlError::Decode(format!("report {}: bad {what}: {error}", self.id).into())
        };
        let currency: Currency = self
            .currency
            .parse()
            .map_err(|error: crate::domain::ParseError| decode("currency", error.to_string()))?;
        let period = i32::try_from(self.period)
            .map_err(|error| decode("period", error.to_string()))
            .and_then(|key| {
                Period::from_key(key).map_err(|error| decode("period", error.to_string()))
            })?;
        let status = Status::from_code(&self.status, self.sub_status.as_deref())
            .map_err(|error| decode("status", error.to_string()))?;
        Ok(ReportSummary {
            id: self.id,
            partner_id: self.partner_id,
            partner_name: self.partner_name,
            distributor_name: self.distributor_name,
            region_name: self.region_name,
            currency,
            period,
            status,
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

/// One page of reports matching `filter`, newest period first, with the matching count.
#[tracing::instrument(skip(db), err)]
pub async fn list(db: &Db, filter: &ReportFilter) -> Result<ReportPage, SqlError> {
    let conditions = conditions(filter);
    let where_sql = conditions.where_sql();
    let page = filter.page();
    let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);

    let count_sql = format!("SELECT COUNT(*) {FROM_REPORTS}{where_sql}");
    let total_count = bind_all!(sqlx::query_scalar::<_, i64>(&count_sql), &conditions.binds)
        .fetch_one(db.pool())
        .await?;

    let rows_sql = format!(
        "SELECT r.id, r.partner_id, p.name AS partner_name, d.name AS distributor_name, \
                g.name AS region_name, r.currency, r.period, r.status, r.sub_status, r.po_number, \
                r.total_e4, r.version, r.auto_penalties, r.has_comments \
         {FROM_REPORTS}{where_sql} \
         ORDER BY r.period DESC, p.name ASC, r.id ASC \
         LIMIT {} OFFSET {}",
        conditions.next_placeholder(1),
        conditions.next_placeholder(2),
    );
    let rows = bind_all!(
        sqlx::query_as::<_, SummaryRow>(&rows_sql),
        &conditions.binds
    )
    .bind(i64::from(PAGE_SIZE))
    .bind(offset)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(SummaryRow::into_summary)
    .collect::<Result<Vec<_>, _>>()?;

    Ok(ReportPage {
        rows,
        total_count: u64::try_from(total_count).unwrap_or_default(),
        page,
        page_size: PAGE_SIZE,
    })
}
