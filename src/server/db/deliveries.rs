//! The delivery outbox (migration 0012): one row per submission to the vendor, written in the
//! submitting transaction and worked off by the job runner. `domain::delivery` decides when a
//! row is tried again or given up; these queries only store what was decided.

use sqlx::{AnyConnection, FromRow};

use super::SqlError;
use crate::domain::delivery::{DeliveryItem, DeliveryState, DeliveryStatus};

/// A delivery due for a try.
#[derive(Clone, Debug, FromRow)]
pub struct DueDelivery {
    pub id: i64,
    pub report_id: i64,
    pub idempotency_key: String,
    pub payload: String,
    pub attempts: i64,
}

/// Writes a submission's delivery, due at once.
pub async fn enqueue(
    conn: &mut AnyConnection,
    report_id: i64,
    key: &str,
    payload: &str,
    now: &str,
) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO deliveries (report_id, idempotency_key, payload, state, attempts, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4) RETURNING id",
    )
    .bind(report_id)
    .bind(key)
    .bind(payload)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Pending deliveries whose next try is due at `now`, oldest first.
pub async fn due(
    conn: &mut AnyConnection,
    now: &str,
    limit: i64,
) -> Result<Vec<DueDelivery>, SqlError> {
    sqlx::query_as(
        "SELECT id, report_id, idempotency_key, payload, attempts FROM deliveries \
         WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Records the vendor's reference; false when the delivery was no longer pending.
pub async fn mark_delivered(
    conn: &mut AnyConnection,
    id: i64,
    reference: &str,
    now: &str,
) -> Result<bool, SqlError> {
    let done = sqlx::query(
        "UPDATE deliveries SET state = 'delivered', reference = $2, delivered_at = $3, \
         last_error = NULL WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(reference)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed try: due again at `retry_at`, or failed when that is `None`.
pub async fn mark_failed_try(
    conn: &mut AnyConnection,
    id: i64,
    retry_at: Option<&str>,
    error: &str,
) -> Result<(), SqlError> {
    let query = match retry_at {
        Some(retry_at) => sqlx::query(
            "UPDATE deliveries SET next_attempt_at = $3, last_error = $2 \
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(id)
        .bind(error)
        .bind(retry_at),
        None => sqlx::query(
            "UPDATE deliveries SET state = 'failed', last_error = $2 \
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(id)
        .bind(error),
    };
    query.execute(conn).await?;
    Ok(())
}

/// Puts a failed delivery back in line, due at `now`, with its count of tries started afresh;
/// false when it was not failed (delivered meanwhile, or already retried).
pub async fn retry(conn: &mut AnyConnection, id: i64, now: &str) -> Result<bool, SqlError> {
    let done = sqlx::query(
        "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2 \
         WHERE id = $1 AND state = 'failed'",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A report's latest delivery, if it was ever submitted to the vendor.
pub async fn latest_for_report(
    conn: &mut AnyConnection,
    report_id: i64,
) -> Result<Option<DeliveryStatus>, SqlError> {
    let row: Option<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT state, attempts, reference FROM deliveries WHERE report_id = $1 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(report_id)
    .fetch_optional(conn)
    .await?;
    row.map(|(state, attempts, reference)| {
        Ok(DeliveryStatus {
            state: decode_state(&state)?,
            attempts,
            reference,
        })
    })
    .transpose()
}

/// The vendor's reference of a report's latest delivered submission.
pub async fn reference_of(
    conn: &mut AnyConnection,
    report_id: i64,
) -> Result<Option<String>, SqlError> {
    sqlx::query_scalar(
        "SELECT reference FROM deliveries WHERE report_id = $1 AND state = 'delivered' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(report_id)
    .fetch_optional(conn)
    .await
}

fn decode_state(code: &str) -> Result<DeliveryState, SqlError> {
    DeliveryState::from_code(code)
        .ok_or_else(|| SqlError::Decode(format!("unknown delivery state {code:?}").into()))
}

/// The outbox's backlog for the metrics: for each state but delivered, how many rows and when
/// the oldest was written.
pub async fn backlog(
    conn: &mut AnyConnection,
) -> Result<Vec<(DeliveryState, i64, String)>, SqlError> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT state, COUNT(*), MIN(created_at) FROM deliveries WHERE state <> $1 \
         GROUP BY state",
    )
    .bind(DeliveryState::Delivered.as_code())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(state, count, oldest)| Ok((decode_state(&state)?, count, oldest)))
        .collect()
}

/// The deliveries not delivered yet (failed first, then pending), oldest first, at most `limit`.
pub async fn undelivered(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<DeliveryItem>, SqlError> {
    type Row = (
        i64,
        i64,
        String,
        String,
        i64,
        String,
        i64,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.id, d.report_id, p.name, ds.name, r.period, d.state, d.attempts, \
         d.created_at, d.next_attempt_at, d.last_error \
         FROM deliveries d JOIN reports r ON r.id = d.report_id \
         JOIN organisations p ON p.id = r.partner_id \
         JOIN organisations ds ON ds.id = r.distributor_id \
         WHERE d.state <> 'delivered' \
         ORDER BY CASE d.state WHEN 'failed' THEN 0 ELSE 1 END, d.created_at, d.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let (id, report_id, partner_name, distributor_name, period, state) =
                (row.0, row.1, row.2, row.3, row.4, row.5);
            let state = decode_state(&state)?;
            let period = super::period_of(period)?;
            Ok(DeliveryItem {
                id,
                report_id,
                partner_name,
                distributor_name,
                period,
                status: DeliveryStatus {
                    state,
                    attempts: row.6,
                    reference: None,
                },
                submitted_at: row.7,
                next_attempt_at: (state == DeliveryState::Pending).then_some(row.8),
                last_error: row.9,
            })
        })
        .collect()
}
