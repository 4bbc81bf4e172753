//! Reports: the list query. Filters become a WHERE clause built from fixed fragments with bound
//! values only, so every combination stays one prepared statement shape per filter set and the
//! indexes on (period, status), (region, period) and (distributor, period) can serve it.

use sqlx::{Any, FromRow, Transaction};

use super::{Db, SqlError};
use crate::domain::{
    Currency, HistoryEntry, HistoryEvent, LineFigures, LineInput, ListScope, MarginPercent, Period,
    ProductRef, ReportFlags, ReportOwners, ReportSummary, Role, Status, ThresholdPercent,
    UnitPrice, Units, from_scaled_e4, history,
    policy::reached_vendor,
    pricing::{CodeKind, PricingRules, Unlocks},
    query::{Choice, FilterOptions, PAGE_SIZE, ReportFilter, ReportPage, SortKey},
    scaled_e4,
    workflow::ReportState,
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
                g.name AS region_name, r.currency, r.period, r.status, r.sub_status, r.po_number, \
                r.total_e4, r.version, r.auto_penalties, r.has_comments \
         {FROM_REPORTS}{} ORDER BY {order} LIMIT {} OFFSET {}",
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
        super::Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        super::Backend::Postgres => {
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
                super::Backend::Sqlite => row.try_get::<String, _>("detail"),
                super::Backend::Postgres => row.try_get::<String, _>(0),
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

// ---------------------------------------------------------------------------------------------
// One report, inside a write transaction
// ---------------------------------------------------------------------------------------------

/// The report facts an action needs, read with the row locked.
#[derive(Clone, Debug)]
pub struct LockedReport {
    pub id: i64,
    pub partner_id: i64,
    pub distributor_id: i64,
    pub region_id: i64,
    pub period: Period,
    pub currency: Currency,
    pub status: Status,
    pub po_number: Option<String>,
    pub version: i64,
    pub threshold: ThresholdPercent,
    pub rules: PricingRules,
}

impl LockedReport {
    /// What the domain decides a command against.
    pub fn state(&self) -> ReportState {
        ReportState {
            owners: ReportOwners {
                partner_org_id: self.partner_id,
                distributor_org_id: self.distributor_id,
            },
            status: self.status,
            po_number: self.po_number.clone(),
            period: self.period,
            currency: self.currency,
            threshold: self.threshold,
            rules: self.rules,
        }
    }
}

#[derive(FromRow)]
struct HeaderRow {
    id: i64,
    partner_id: i64,
    distributor_id: i64,
    region_id: i64,
    period: i64,
    currency: String,
    status: String,
    sub_status: Option<String>,
    po_number: Option<String>,
    version: i64,
    threshold_e4: i64,
    pricing_code_kind: String,
    code_unlocks: String,
}

fn bad(what: &str, error: impl std::fmt::Display) -> SqlError {
    SqlError::Decode(format!("bad {what}: {error}").into())
}

fn rules(code_kind: &str, unlocks: &str) -> Result<PricingRules, SqlError> {
    Ok(PricingRules {
        code_kind: CodeKind::from_code(code_kind).ok_or_else(|| bad("code kind", code_kind))?,
        unlocks: Unlocks::from_code(unlocks).ok_or_else(|| bad("code unlocks", unlocks))?,
    })
}

fn period_from_key(key: i64) -> Result<Period, SqlError> {
    i32::try_from(key)
        .map_err(|e| bad("period", e))
        .and_then(|key| Period::from_key(key).map_err(|e| bad("period", e)))
}

/// Reads a report's header and locks its row until the transaction ends.
pub async fn lock_header(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    id: i64,
) -> Result<Option<LockedReport>, SqlError> {
    let sql = format!(
        "SELECT r.id, r.partner_id, r.distributor_id, r.region_id, r.period, r.currency, r.status, \
                r.sub_status, r.po_number, r.version, d.threshold_e4, g.pricing_code_kind, \
                g.code_unlocks \
         FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         JOIN regions g ON g.id = r.region_id \
         WHERE r.id = $1{}",
        db.for_update()
    );
    let Some(row) = sqlx::query_as::<_, HeaderRow>(&sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(LockedReport {
        id: row.id,
        partner_id: row.partner_id,
        distributor_id: row.distributor_id,
        region_id: row.region_id,
        period: period_from_key(row.period)?,
        currency: row.currency.parse().map_err(|e| bad("currency", e))?,
        status: Status::from_code(&row.status, row.sub_status.as_deref())
            .map_err(|e| bad("status", e))?,
        po_number: row.po_number,
        version: row.version,
        threshold: ThresholdPercent::new(from_scaled_e4(row.threshold_e4))
            .map_err(|e| bad("threshold", e))?,
        rules: rules(&row.pricing_code_kind, &row.code_unlocks)?,
    }))
}

/// A stored line is the domain's report line.
pub use crate::domain::ReportLine as StoredLine;

#[derive(FromRow)]
struct LineRow {
    id: i64,
    product_id: i64,
    name: String,
    sku: String,
    unit_type: String,
    provisioned: i64,
    used: Option<i64>,
    chargeable: i64,
    comment: Option<String>,
    catalogue_unit_price_e4: i64,
    catalogue_margin_e4: i64,
    unit_price_e4: i64,
    margin_e4: i64,
    pricing_code: Option<String>,
    code_applied_by: Option<String>,
    code_applied_at: Option<String>,
}

fn units(value: i64) -> Result<Units, SqlError> {
    u64::try_from(value)
        .map_err(|e| bad("units", e))
        .and_then(|v| Units::new(v).map_err(|e| bad("units", e)))
}

fn price(value: i64) -> Result<UnitPrice, SqlError> {
    UnitPrice::new(from_scaled_e4(value)).map_err(|e| bad("unit price", e))
}

fn margin(value: i64) -> Result<MarginPercent, SqlError> {
    MarginPercent::new(from_scaled_e4(value)).map_err(|e| bad("margin", e))
}

/// A report's lines in their display order.
pub async fn lines(
    conn: &mut sqlx::AnyConnection,
    report_id: i64,
) -> Result<Vec<StoredLine>, SqlError> {
    let rows = sqlx::query_as::<_, LineRow>(
        "SELECT l.id, l.product_id, p.name, p.sku, p.unit_type, l.provisioned, l.used, l.chargeable, \
                l.comment, l.catalogue_unit_price_e4, l.catalogue_margin_e4, l.unit_price_e4, \
                l.margin_e4, l.pricing_code, l.code_applied_by, l.code_applied_at \
         FROM line_items l JOIN products p ON p.id = l.product_id \
         WHERE l.report_id = $1 ORDER BY l.position",
    )
    .bind(report_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(StoredLine {
                id: row.id,
                product_id: row.product_id,
                product: ProductRef {
                    line_id: row.id,
                    name: row.name,
                    sku: row.sku,
                    unit_type: row.unit_type,
                },
                input: LineInput {
                    provisioned: units(row.provisioned)?,
                    used: row.used.map(units).transpose()?,
                    chargeable: units(row.chargeable)?,
                    unit_price: price(row.unit_price_e4)?,
                    margin: margin(row.margin_e4)?,
                    comment: row.comment,
                },
                catalogue_price: price(row.catalogue_unit_price_e4)?,
                catalogue_margin: margin(row.catalogue_margin_e4)?,
                pricing_code: row.pricing_code,
                code_applied_by: row.code_applied_by,
                code_applied_at: row.code_applied_at,
            })
        })
        .collect()
}

fn e4(value: rust_decimal::Decimal) -> Result<i64, SqlError> {
    scaled_e4(value).map_err(|e| bad("amount", e))
}

fn count(value: Units) -> Result<i64, SqlError> {
    i64::try_from(value.get()).map_err(|e| bad("units", e))
}

/// Writes a line's editable values and its recomputed amounts.
pub async fn save_line(
    tx: &mut Transaction<'static, Any>,
    line: &StoredLine,
    figures: &LineFigures,
) -> Result<(), SqlError> {
    sqlx::query(
        "UPDATE line_items SET chargeable = $1, comment = $2, unit_price_e4 = $3, margin_e4 = $4, \
                pricing_code = $5, code_applied_by = $6, code_applied_at = $7, gross_e4 = $8, \
                amount_owed_e4 = $9 \
         WHERE id = $10",
    )
    .bind(count(line.input.chargeable)?)
    .bind(line.input.comment.clone())
    .bind(e4(line.input.unit_price.get())?)
    .bind(e4(line.input.margin.get())?)
    .bind(line.pricing_code.clone())
    .bind(line.code_applied_by.clone())
    .bind(line.code_applied_at.clone())
    .bind(e4(figures.gross)?)
    .bind(e4(figures.amount_owed)?)
    .bind(line.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The header fields an action may change.
#[derive(Clone, Debug)]
pub struct HeaderUpdate {
    pub status: Status,
    pub po_number: Option<String>,
    pub total: rust_decimal::Decimal,
    pub has_comments: bool,
    /// `Some(true)` once penalties were applied; `None` leaves the flag as it was.
    pub auto_penalties: Option<bool>,
    pub submission_deadline: Option<String>,
    pub updated_at: String,
}

/// Writes the header and moves the version on, only if it is still `expected_version`.
/// Returns false (and changes nothing) when someone else moved it first.
pub async fn update_header(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    expected_version: i64,
    update: &HeaderUpdate,
) -> Result<bool, SqlError> {
    let result = sqlx::query(
        "UPDATE reports SET status = $1, sub_status = $2, po_number = $3, total_e4 = $4, \
                has_comments = $5, auto_penalties = COALESCE($6, auto_penalties), \
                submission_deadline = COALESCE($7, submission_deadline), updated_at = $8, \
                version = version + 1 \
         WHERE id = $9 AND version = $10",
    )
    .bind(update.status.as_code())
    .bind(update.status.sub_status_code())
    .bind(update.po_number.clone())
    .bind(e4(update.total)?)
    .bind(i64::from(update.has_comments))
    .bind(update.auto_penalties.map(i64::from))
    .bind(update.submission_deadline.clone())
    .bind(update.updated_at.clone())
    .bind(id)
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// One history entry, as appended. Entries are never changed (the database refuses it).
/// Event, statuses and role are stored as their stable codes.
#[derive(Clone, Debug)]
pub struct NewHistoryEntry {
    pub at: String,
    pub actor: String,
    pub actor_org: Option<String>,
    pub actor_role: Option<Role>,
    pub event: HistoryEvent,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub comment: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// Prices changed by this entry (never shown to partners).
    pub prices_json: Option<String>,
}

pub async fn append_history(
    tx: &mut Transaction<'static, Any>,
    report_id: i64,
    entry: &NewHistoryEntry,
) -> Result<(), SqlError> {
    sqlx::query(
        "INSERT INTO history (report_id, at, actor, actor_org, actor_role, action, from_status, \
                to_status, comment, before_json, after_json, prices_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(report_id)
    .bind(entry.at.clone())
    .bind(entry.actor.clone())
    .bind(entry.actor_org.clone())
    .bind(entry.actor_role.map(|role| role.as_code()))
    .bind(entry.event.as_code())
    .bind(entry.from_status.map(history::status_code))
    .bind(entry.to_status.map(history::status_code))
    .bind(entry.comment.clone())
    .bind(entry.before_json.clone())
    .bind(entry.after_json.clone())
    .bind(entry.prices_json.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The current version of a report (to tell a caller who lost a race what to reload).
pub async fn current_version(
    tx: &mut Transaction<'static, Any>,
    id: i64,
) -> Result<Option<i64>, SqlError> {
    sqlx::query_scalar("SELECT version FROM reports WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// A report's history, oldest first, with the prices each entry changed (JSON, for those who
/// see pricing).
pub async fn history(db: &Db, report_id: i64) -> Result<Vec<StoredHistory>, SqlError> {
    let rows = sqlx::query_as::<_, HistoryRow>(
        "SELECT id, at, actor, actor_org, actor_role, action, from_status, to_status, comment, \
                before_json, after_json, prices_json \
         FROM history WHERE report_id = $1 ORDER BY id",
    )
    .bind(report_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(HistoryRow::decode).collect()
}

/// A history entry as stored: what people read, and the prices it changed.
#[derive(Clone, Debug)]
pub struct StoredHistory {
    pub entry: HistoryEntry,
    pub prices_json: Option<String>,
}

#[derive(FromRow)]
struct HistoryRow {
    id: i64,
    at: String,
    actor: String,
    actor_org: Option<String>,
    actor_role: Option<String>,
    action: String,
    from_status: Option<String>,
    to_status: Option<String>,
    comment: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
    prices_json: Option<String>,
}

impl HistoryRow {
    /// Reads the codes (or, in entries older than the codes, the labels and names).
    fn decode(self) -> Result<StoredHistory, SqlError> {
        let status = |stored: Option<String>| match stored {
            None => Ok(None),
            Some(text) => history::read_status(&text)
                .map(Some)
                .ok_or_else(|| bad("history status", text)),
        };
        let actor_role = match self.actor_role {
            None => None,
            Some(text) => Some(history::read_role(&text).ok_or_else(|| bad("history role", text))?),
        };
        Ok(StoredHistory {
            entry: HistoryEntry {
                id: self.id,
                at: self.at,
                actor: self.actor,
                actor_org: self.actor_org,
                actor_role,
                event: HistoryEvent::from_code(&self.action)
                    .ok_or_else(|| bad("history action", &self.action))?,
                from_status: status(self.from_status)?,
                to_status: status(self.to_status)?,
                comment: self.comment,
                before: self.before_json,
                after: self.after_json,
            },
            prices_json: self.prices_json,
        })
    }
}

#[derive(FromRow)]
struct OpenRow {
    id: i64,
    partner_id: i64,
    distributor_id: i64,
    partner_name: String,
    distributor_name: String,
    region_name: String,
    currency: String,
    period: i64,
    status: String,
    sub_status: Option<String>,
    po_number: Option<String>,
    submission_deadline: String,
    review_deadline: String,
    auto_penalties: i64,
    has_comments: i64,
    version: i64,
    threshold_e4: i64,
    pricing_code_kind: String,
    code_unlocks: String,
}

/// A report opened for reading: its header, owners and the threshold its lines are judged by.
#[derive(Clone, Debug)]
pub struct OpenReport {
    pub header: crate::domain::ReportHeader,
    pub owners: crate::domain::ReportOwners,
    pub threshold: ThresholdPercent,
    pub rules: PricingRules,
}

pub async fn open(db: &Db, id: i64) -> Result<Option<OpenReport>, SqlError> {
    let Some(row) = sqlx::query_as::<_, OpenRow>(
        "SELECT r.id, r.partner_id, r.distributor_id, p.name AS partner_name, d.name AS distributor_name, \
                g.name AS region_name, r.currency, r.period, r.status, r.sub_status, r.po_number, \
                r.submission_deadline, r.review_deadline, r.auto_penalties, r.has_comments, r.version, \
                d.threshold_e4, g.pricing_code_kind, g.code_unlocks \
         FROM reports r \
         JOIN organisations p ON p.id = r.partner_id \
         JOIN organisations d ON d.id = r.distributor_id \
         JOIN regions g ON g.id = r.region_id \
         WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(OpenReport {
        header: crate::domain::ReportHeader {
            id: row.id,
            partner_id: row.partner_id,
            partner_name: row.partner_name,
            distributor_name: row.distributor_name,
            region_name: row.region_name,
            currency: row.currency.parse().map_err(|e| bad("currency", e))?,
            period: period_from_key(row.period)?,
            status: Status::from_code(&row.status, row.sub_status.as_deref())
                .map_err(|e| bad("status", e))?,
            po_number: row.po_number,
            submission_deadline: row.submission_deadline,
            review_deadline: row.review_deadline,
            flags: ReportFlags {
                auto_penalties: row.auto_penalties != 0,
                has_comments: row.has_comments != 0,
            },
            version: row.version,
        },
        owners: crate::domain::ReportOwners {
            partner_org_id: row.partner_id,
            distributor_org_id: row.distributor_id,
        },
        threshold: ThresholdPercent::new(from_scaled_e4(row.threshold_e4))
            .map_err(|e| bad("threshold", e))?,
        rules: rules(&row.pricing_code_kind, &row.code_unlocks)?,
    }))
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
