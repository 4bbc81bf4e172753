//! Notices as stored: written with the event they tell of (in its transaction, with the emails
//! of those who want one), counted unread for the bell, and listed newest first for one user of the organisation, marking them read.

use sqlx::{Any, FromRow, Transaction};

use super::{Db, SqlError, emails};
use crate::domain::{
    Period,
    notice::{Audience, Notice, NoticeKind},
};

/// Writes a notice of `kind` about report `report_id` for the organisation its audience names
/// (the report's partner or distributor). With `once_key`, a second notice with the same key is
/// not written (reminders). Returns whether a notice was written. Its emails are planned in the
/// same transaction (`emails::plan`).
pub async fn notify(
    tx: &mut Transaction<'static, Any>,
    report_id: i64,
    kind: NoticeKind,
    at: &str,
    once_key: Option<String>,
) -> Result<bool, SqlError> {
    let org = match kind.audience() {
        Audience::Partner => "partner_id",
        Audience::Distributor => "distributor_id",
    };
    let on_conflict = if once_key.is_some() {
        " ON CONFLICT (once_key) DO NOTHING"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO notices (org_id, report_id, kind, created_at, once_key) \
         SELECT {org}, id, $2, $3, $4 FROM reports WHERE id = $1{on_conflict} RETURNING id"
    );
    let written: Option<i64> = sqlx::query_scalar(&sql)
        .bind(report_id)
        .bind(kind.as_code())
        .bind(at)
        .bind(once_key)
        .fetch_optional(&mut **tx)
        .await?;
    match written {
        Some(notice_id) => {
            emails::plan(tx, notice_id, kind, at).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// How many notices of the organisation this user has not read.
pub async fn unread(db: &Db, org_id: i64, user_id: i64) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM notices n WHERE n.org_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.user_id = $2)",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_one(db.pool())
    .await
}

#[derive(FromRow)]
struct NoticeRow {
    id: i64,
    report_id: i64,
    kind: String,
    created_at: String,
    partner: String,
    period: i64,
    was_read: Option<i64>,
}

/// The organisation's newest `limit` notices as this user reads them (which were new to them),
/// marking every notice of the organisation read for them, at `now`.
pub async fn open(
    db: &Db,
    org_id: i64,
    user_id: i64,
    now: &str,
    limit: i64,
) -> Result<Vec<Notice>, SqlError> {
    let mut tx = db.begin_write().await?;
    let rows: Vec<NoticeRow> = sqlx::query_as(
        "SELECT n.id, n.report_id, n.kind, n.created_at, p.name AS partner, r.period, \
                (SELECT 1 FROM notice_reads x WHERE x.notice_id = n.id AND x.user_id = $2) AS was_read \
         FROM notices n JOIN reports r ON r.id = n.report_id \
         JOIN organisations p ON p.id = r.partner_id \
         WHERE n.org_id = $1 ORDER BY n.id DESC LIMIT $3",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    let mut notices = Vec::new();
    for NoticeRow {
        id,
        report_id,
        kind,
        created_at: at,
        partner,
        period,
        was_read: read,
    } in rows
    {
        let (Some(kind), Ok(period)) = (
            NoticeKind::from_code(&kind),
            i32::try_from(period)
                .map_err(|_| ())
                .and_then(|key| Period::from_key(key).map_err(|_| ())),
        ) else {
            tracing::warn!(notice = id, "unreadable notice");
            continue;
        };
        notices.push(Notice {
            id,
            report_id,
            text: kind.text(&partner, period),
            at,
            new: read.is_none(),
        });
    }
    // The user has caught up: every notice of the organisation is read from now on, older
    // ones beyond the list too, so the bell never counts what the list does not show.
    sqlx::query(
        "INSERT INTO notice_reads (notice_id, user_id, read_at) \
         SELECT n.id, $2, $3 FROM notices n WHERE n.org_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.user_id = $2)",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(notices)
}
