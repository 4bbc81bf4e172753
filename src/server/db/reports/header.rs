//! One report's header: read (`open`), read with its row locked for an action (`lock_header`),
//! and written back under the optimistic version check (`update_header`, `current_version`).

use sqlx::{Any, FromRow, Transaction};

use super::e4;
use crate::domain::{
    Currency, Period, ReportFlags, ReportOwners, Status, ThresholdPercent,
    flags::LineFlags,
    from_scaled_e4,
    policy::reached_vendor,
    pricing::{CodeKind, PricingRules, Unlocks},
    usage::UsageRules,
    workflow::ReportState,
};
use crate::server::db::{Db, SqlError};

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
    /// Whether the report has ever reached the vendor.
    pub received_by_vendor: bool,
    pub flags: ReportFlags,
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
                received_by_vendor: self.received_by_vendor,
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

/// Period, currency and status: the header columns every read of a report selects (as
/// [`Basics::COLUMNS`]), decoded here and nowhere else.
#[derive(FromRow)]
pub(super) struct Basics {
    period: i64,
    currency: String,
    status: String,
    sub_status: Option<String>,
}

/// What [`Basics`] decode to.
pub(super) struct DecodedBasics {
    pub period: Period,
    pub currency: Currency,
    pub status: Status,
}

impl Basics {
    pub(super) const COLUMNS: &'static str = "r.period, r.currency, r.status, r.sub_status";

    /// Decodes the columns of report `id` (named in the error if one is bad).
    pub(super) fn decode(self, id: i64) -> Result<DecodedBasics, SqlError> {
        let period = i32::try_from(self.period)
            .map_err(|e| bad_in(id, "period", e))
            .and_then(|key| Period::from_key(key).map_err(|e| bad_in(id, "period", e)))?;
        Ok(DecodedBasics {
            period,
            currency: self
                .currency
                .parse()
                .map_err(|e: crate::domain::ParseError| bad_in(id, "currency", e))?,
            status: Status::from_code(&self.status, self.sub_status.as_deref())
                .map_err(|e| bad_in(id, "status", e))?,
        })
    }
}

/// The distributor's threshold and the region's pricing rules: what a report's lines are judged
/// and priced by, selected as [`Terms::COLUMNS`] (with the distributor as `d`, the region as `g`).
#[derive(FromRow)]
struct Terms {
    threshold_e4: i64,
    anomaly_threshold_e4: i64,
    pricing_code_kind: String,
    code_unlocks: String,
}

impl Terms {
    const COLUMNS: &'static str =
        "d.threshold_e4, d.anomaly_threshold_e4, g.pricing_code_kind, g.code_unlocks";

    fn decode(self, id: i64) -> Result<(UsageRules, PricingRules), SqlError> {
        let percent = |scaled: i64, what: &str| {
            ThresholdPercent::new(from_scaled_e4(scaled)).map_err(|e| bad_in(id, what, e))
        };
        let usage = UsageRules {
            threshold: percent(self.threshold_e4, "threshold")?,
            anomaly_threshold: percent(self.anomaly_threshold_e4, "anomaly threshold")?,
        };
        let rules = PricingRules {
            code_kind: CodeKind::from_code(&self.pricing_code_kind)
                .ok_or_else(|| bad_in(id, "code kind", &self.pricing_code_kind))?,
            unlocks: Unlocks::from_code(&self.code_unlocks)
                .ok_or_else(|| bad_in(id, "code unlocks", &self.code_unlocks))?,
        };
        Ok((usage, rules))
    }
}

/// A report's stored flags: the columns every read that judges or shows them selects (as
/// [`Flags::COLUMNS`]), decoded here and nowhere else.
#[derive(FromRow)]
pub(super) struct Flags {
    auto_penalties: i64,
    has_comments: i64,
    /// NULL until judged (reports stored before the flags were kept, see `flags::backfill`).
    below_used: Option<i64>,
    anomaly: Option<i64>,
}

impl Flags {
    pub(super) const COLUMNS: &'static str =
        "r.auto_penalties, r.has_comments, r.below_used, r.anomaly";

    pub(super) const fn decode(&self) -> ReportFlags {
        ReportFlags {
            auto_penalties: self.auto_penalties != 0,
            has_comments: self.has_comments != 0,
            below_used: matches!(self.below_used, Some(1)),
            anomaly: matches!(self.anomaly, Some(1)),
        }
    }
}

fn bad_in(id: i64, what: &str, error: impl std::fmt::Display) -> SqlError {
    SqlError::Decode(format!("report {id}: bad {what}: {error}").into())
}

#[derive(FromRow)]
struct HeaderRow {
    id: i64,
    partner_id: i64,
    distributor_id: i64,
    region_id: i64,
    #[sqlx(flatten)]
    basics: Basics,
    po_number: Option<String>,
    sent_to_vendor_at: Option<String>,
    #[sqlx(flatten)]
    flags: Flags,
    version: i64,
    #[sqlx(flatten)]
    terms: Terms,
}

/// Reads a report's header and locks its row until the transaction ends.
pub async fn lock_header(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    id: i64,
) -> Result<Option<LockedReport>, SqlError> {
    header_of(tx, id, db.for_update()).await
}

/// Reads a report's header without locking anything: for deciding whether the caller may see
/// it before any lock is taken, and for reads that change nothing.
pub async fn read_header(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<LockedReport>, SqlError> {
    header_of(conn, id, "").await
}

async fn header_of(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    lock: &str,
) -> Result<Option<LockedReport>, SqlError> {
    let sql = format!(
        "SELECT r.id, r.partner_id, r.distributor_id, r.region_id, {}, r.po_number, \
                r.sent_to_vendor_at, {}, r.version, {} \
         FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         JOIN regions g ON g.id = r.region_id \
         WHERE r.id = $1{lock}",
        Basics::COLUMNS,
        Flags::COLUMNS,
        Terms::COLUMNS,
    );
    let Some(row) = sqlx::query_as::<_, HeaderRow>(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
    else {
        return Ok(None);
    };
    let basics = row.basics.decode(row.id)?;
    let (usage, rules) = row.terms.decode(row.id)?;
    Ok(Some(LockedReport {
        id: row.id,
        partner_id: row.partner_id,
        distributor_id: row.distributor_id,
        region_id: row.region_id,
        period: basics.period,
        currency: basics.currency,
        status: basics.status,
        po_number: row.po_number,
        received_by_vendor: row.sent_to_vendor_at.is_some(),
        flags: row.flags.decode(),
        version: row.version,
        threshold: usage.threshold,
        rules,
    }))
}

/// The header fields an action may change.
#[derive(Clone, Debug)]
pub struct HeaderUpdate {
    pub status: Status,
    pub po_number: Option<String>,
    pub total: rust_decimal::Decimal,
    /// The flags the lines raise now.
    pub line_flags: LineFlags,
    /// `Some(true)` once penalties were applied; `None` leaves the flag as it was.
    pub auto_penalties: Option<bool>,
    /// A new partner deadline; `None` leaves it as it was.
    pub submission_deadline: Option<String>,
    /// A new review deadline; `None` leaves it as it was.
    pub review_deadline: Option<String>,
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
                has_comments = $5, below_used = $6, anomaly = $7, \
                auto_penalties = COALESCE($8, auto_penalties), \
                submission_deadline = COALESCE($9, submission_deadline), \
                review_deadline = COALESCE($10, review_deadline), updated_at = $11, \
                sent_to_vendor_at = COALESCE(sent_to_vendor_at, $14), version = version + 1 \
         WHERE id = $12 AND version = $13",
    )
    .bind(update.status.as_code())
    .bind(update.status.sub_status_code())
    .bind(update.po_number.clone())
    .bind(e4(update.total)?)
    .bind(i64::from(update.line_flags.has_comments))
    .bind(i64::from(update.line_flags.below_used))
    .bind(i64::from(update.line_flags.anomaly))
    .bind(update.auto_penalties.map(i64::from))
    .bind(update.submission_deadline.clone())
    .bind(update.review_deadline.clone())
    .bind(update.updated_at.clone())
    .bind(id)
    .bind(expected_version)
    // Moving into a status that reaches the vendor records when it first did; later moves
    // keep that record as it is.
    .bind(reached_vendor(update.status).then(|| update.updated_at.clone()))
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// One history entry, as appended. Entries are never changed (the database refuses it).
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

#[derive(FromRow)]
struct OpenRow {
    id: i64,
    partner_id: i64,
    distributor_id: i64,
    partner_name: String,
    distributor_name: String,
    region_name: String,
    #[sqlx(flatten)]
    basics: Basics,
    po_number: Option<String>,
    sent_to_vendor_at: Option<String>,
    submission_deadline: String,
    review_deadline: String,
    #[sqlx(flatten)]
    flags: Flags,
    version: i64,
    #[sqlx(flatten)]
    terms: Terms,
}

/// A report opened for reading: its header (with the rules its lines are judged by) and owners.
#[derive(Clone, Debug)]
pub struct OpenReport {
    pub header: crate::domain::ReportHeader,
    pub owners: crate::domain::ReportOwners,
    pub rules: PricingRules,
}

/// Report `id` as stored, read at `as_of` (UTC, RFC 3339).
pub async fn open(db: &Db, id: i64, as_of: &str) -> Result<Option<OpenReport>, SqlError> {
    let sql = format!(
        "SELECT r.id, r.partner_id, r.distributor_id, p.name AS partner_name, \
                d.name AS distributor_name, g.name AS region_name, {}, r.po_number, \
                r.sent_to_vendor_at, r.submission_deadline, r.review_deadline, {}, r.version, {} \
         FROM reports r \
         JOIN organisations p ON p.id = r.partner_id \
         JOIN organisations d ON d.id = r.distributor_id \
         JOIN regions g ON g.id = r.region_id \
         WHERE r.id = $1",
        Basics::COLUMNS,
        Flags::COLUMNS,
        Terms::COLUMNS,
    );
    let Some(row) = sqlx::query_as::<_, OpenRow>(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let basics = row.basics.decode(row.id)?;
    let (usage_rules, rules) = row.terms.decode(row.id)?;
    Ok(Some(OpenReport {
        header: crate::domain::ReportHeader {
            id: row.id,
            partner_id: row.partner_id,
            partner_name: row.partner_name,
            distributor_name: row.distributor_name,
            region_name: row.region_name,
            currency: basics.currency,
            period: basics.period,
            status: basics.status,
            po_number: row.po_number,
            submission_deadline: row.submission_deadline,
            review_deadline: row.review_deadline,
            flags: row.flags.decode(),
            usage_rules,
            as_of: as_of.to_owned(),
            version: row.version,
        },
        owners: crate::domain::ReportOwners {
            partner_org_id: row.partner_id,
            distributor_org_id: row.distributor_id,
            received_by_vendor: row.sent_to_vendor_at.is_some(),
        },
        rules,
    }))
}

/// A report as generated for a month, before anyone acted on it (or, for demo data, with the
/// state its history leads to). Stored at version 1.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub partner_id: i64,
    pub distributor_id: i64,
    pub region_id: i64,
    pub period: Period,
    pub currency: Currency,
    pub status: Status,
    pub po_number: Option<String>,
    pub submission_deadline: String,
    pub review_deadline: String,
    pub total: rust_decimal::Decimal,
    pub auto_penalties: bool,
    pub has_comments: bool,
    pub below_used: bool,
    pub anomaly: bool,
    pub created_at: String,
}

/// Stores a new report header and returns its id.
pub async fn insert_report(
    tx: &mut Transaction<'static, Any>,
    report: &NewReport,
) -> Result<i64, SqlError> {
    insert(tx, report, "").await?.ok_or(SqlError::RowNotFound)
}

/// Stores a new report header unless the partner already has a report for the period (then
/// `None`, and nothing is written): generation run twice, or by two instances at once, creates
/// each report once.
pub async fn insert_report_if_new(
    tx: &mut Transaction<'static, Any>,
    report: &NewReport,
) -> Result<Option<i64>, SqlError> {
    insert(tx, report, "ON CONFLICT (partner_id, period) DO NOTHING ").await
}

async fn insert(
    tx: &mut Transaction<'static, Any>,
    report: &NewReport,
    on_conflict: &str,
) -> Result<Option<i64>, SqlError> {
    let sql = format!(
        "INSERT INTO reports (partner_id, distributor_id, region_id, period, currency, status, \
                sub_status, po_number, submission_deadline, review_deadline, total_e4, \
                auto_penalties, has_comments, below_used, anomaly, version, created_at, \
                updated_at, sent_to_vendor_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16, \
                 $17) \
         {on_conflict}RETURNING id"
    );
    sqlx::query_scalar(&sql)
        .bind(report.partner_id)
        .bind(report.distributor_id)
        .bind(report.region_id)
        .bind(i64::from(report.period.to_key()))
        .bind(report.currency.code())
        .bind(report.status.as_code())
        .bind(report.status.sub_status_code())
        .bind(report.po_number.clone())
        .bind(report.submission_deadline.clone())
        .bind(report.review_deadline.clone())
        .bind(e4(report.total)?)
        .bind(i64::from(report.auto_penalties))
        .bind(i64::from(report.has_comments))
        .bind(i64::from(report.below_used))
        .bind(i64::from(report.anomaly))
        .bind(report.created_at.clone())
        .bind(reached_vendor(report.status).then(|| report.created_at.clone()))
        .fetch_optional(&mut **tx)
        .await
}
