//! The reports the deadline job is due to act on: found by status and deadline, with the facts
//! the domain needs to decide (flags, PO number, the distributor's auto-approve rule). The SQL's
//! statuses and deadline column come from `domain::cycle` and `domain::deadline`, not restated.

use sqlx::FromRow;

use super::header::{Basics, Flags};
use super::list_sql::status_in;
use crate::domain::{
    Currency, Period, ReportFlags, Status,
    cycle::{AutoApproveRule, Candidate, DueAction},
    deadline::DeadlineOf,
    from_scaled_e4,
};
use crate::server::db::{SqlError, settings::RuleRow};

/// A report whose running deadline passed, as the job reads it (without a lock: the action
/// locks it and checks the version again).
#[derive(Clone, Debug)]
pub struct DueReport {
    pub id: i64,
    pub partner_id: i64,
    pub period: Period,
    pub status: Status,
    pub version: i64,
    pub deadline: String,
    pub po_number: Option<String>,
    pub flags: ReportFlags,
    pub total: rust_decimal::Decimal,
    pub currency: Currency,
    pub rule: AutoApproveRule,
}

impl DueReport {
    /// The report as the auto-approve rule judges it.
    pub fn candidate(&self) -> Candidate {
        Candidate {
            status: self.status,
            flags: self.flags,
            has_po: self.po_number.is_some(),
            total: self.total,
            currency: self.currency,
        }
    }
}

#[derive(FromRow)]
struct DueRow {
    id: i64,
    partner_id: i64,
    #[sqlx(flatten)]
    basics: Basics,
    version: i64,
    deadline: String,
    po_number: Option<String>,
    #[sqlx(flatten)]
    flags: Flags,
    total_e4: i64,
    #[sqlx(flatten)]
    rule: RuleRow,
}

/// Up to `limit` reports on which `action` is due at `now` (UTC RFC 3339, whole seconds), the
/// longest overdue first. Deadlines are stored as whole-second UTC text, so comparing the text
/// compares the moments.
pub async fn due_reports(
    conn: &mut sqlx::AnyConnection,
    action: DueAction,
    now: &str,
    limit: i64,
) -> Result<Vec<DueReport>, SqlError> {
    let deadline = match action {
        DueAction::AutoSubmit => DeadlineOf::Partner,
        DueAction::AutoApprove => DeadlineOf::Distributor,
    }
    .pick("r.submission_deadline", "r.review_deadline");
    let rule = match action {
        DueAction::AutoSubmit => "",
        DueAction::AutoApprove => " AND d.auto_approve = 1",
    };
    let sql = format!(
        "SELECT r.id, r.partner_id, {basics}, r.version, {deadline} AS deadline, r.po_number, \
                {flags}, r.total_e4, {rule_columns} \
         FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE {statuses} AND {deadline} < $1{rule} \
         ORDER BY {deadline}, r.id LIMIT $2",
        basics = Basics::COLUMNS,
        flags = Flags::COLUMNS,
        rule_columns = RuleRow::COLUMNS,
        statuses = status_in(&action.statuses()),
    );
    let rows = sqlx::query_as::<_, DueRow>(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            let basics = row.basics.decode(row.id)?;
            Ok(DueReport {
                id: row.id,
                partner_id: row.partner_id,
                period: basics.period,
                status: basics.status,
                version: row.version,
                deadline: row.deadline,
                po_number: row.po_number,
                flags: row.flags.decode(),
                total: from_scaled_e4(row.total_e4),
                currency: basics.currency,
                rule: row.rule.decode()?,
            })
        })
        .collect()
}

/// Reports whose partner deadline falls after `now` and at most `until` (UTC RFC 3339), with
/// that deadline: those a reminder may be due for.
pub async fn deadlines_between(
    conn: &mut sqlx::AnyConnection,
    now: &str,
    until: &str,
) -> Result<Vec<(i64, String)>, SqlError> {
    let statuses: Vec<Status> = Status::all()
        .into_iter()
        .filter(|status| DeadlineOf::running(*status) == Some(DeadlineOf::Partner))
        .collect();
    let sql = format!(
        "SELECT r.id, r.submission_deadline FROM reports r \
         WHERE {} AND r.submission_deadline > $1 AND r.submission_deadline <= $2",
        status_in(&statuses)
    );
    sqlx::query_as(&sql)
        .bind(now)
        .bind(until)
        .fetch_all(conn)
        .await
}
