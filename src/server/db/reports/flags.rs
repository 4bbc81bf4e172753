//! What a report's flags are judged against (`flag_basis`), and the one-off judging of the
//! reports stored before the flags were kept (`backfill_flags`): migration 0005 adds
//! `below_used` and `anomaly` empty (NULL), and every start judges the reports still empty with
//! the domain's rule — the rule is not restated in SQL. Reports written since carry their flags.

use sqlx::AnyConnection;

use super::list_sql::status_in;
use super::{bad, chargeable_in_period, lines};
use crate::domain::{
    Period, Status, ThresholdPercent, flags::FlagBasis, from_scaled_e4,
    settings::flags_follow_settings,
};
use crate::server::db::{Db, SqlError};

/// How many reports one transaction of the backfill judges.
const BACKFILL_BATCH: i64 = 500;

/// What the lines of partner `partner_id`'s report for `period` are judged against: the
/// chargeable units of its previous cycle, and its distributor's anomaly threshold.
pub async fn flag_basis(
    conn: &mut AnyConnection,
    partner_id: i64,
    period: Period,
) -> Result<FlagBasis, SqlError> {
    let threshold_e4: i64 = sqlx::query_scalar(
        "SELECT d.anomaly_threshold_e4 FROM organisations p \
         JOIN organisations d ON d.id = p.distributor_id WHERE p.id = $1",
    )
    .bind(partner_id)
    .fetch_one(&mut *conn)
    .await?;
    let anomaly_threshold = ThresholdPercent::new(from_scaled_e4(threshold_e4))
        .map_err(|e| bad("anomaly threshold", e))?;
    let previous = match period.previous() {
        Some(previous) => chargeable_in_period(conn, partner_id, previous).await?,
        None => Vec::new(),
    };
    Ok(FlagBasis {
        previous,
        anomaly_threshold,
    })
}

/// Empties the stored flags of distributor `distributor_id`'s reports that are still being
/// worked on (`domain::settings::flags_follow_settings`), so that `backfill_flags` judges them
/// again against a changed anomaly threshold; answers how many.
pub async fn clear_open_flags(
    conn: &mut AnyConnection,
    distributor_id: i64,
) -> Result<u64, SqlError> {
    let open: Vec<Status> = Status::all()
        .into_iter()
        .filter(|status| flags_follow_settings(*status))
        .collect();
    let sql = format!(
        "UPDATE reports SET below_used = NULL, anomaly = NULL WHERE id IN \
         (SELECT r.id FROM reports r WHERE r.distributor_id = $1 AND {})",
        status_in(&open)
    );
    let done = sqlx::query(&sql).bind(distributor_id).execute(conn).await?;
    Ok(done.rows_affected())
}

/// Judges and stores the line flags of every report that has none yet, a batch per transaction;
/// answers how many it judged. Safe to run on several instances at once: each writes the same
/// values.
#[tracing::instrument(skip(db), err)]
pub async fn backfill_flags(db: &Db) -> Result<u64, SqlError> {
    let mut judged = 0_u64;
    loop {
        let mut tx = db.begin_write().await?;
        let batch: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT id, partner_id, period FROM reports \
             WHERE below_used IS NULL OR anomaly IS NULL ORDER BY id LIMIT $1",
        )
        .bind(BACKFILL_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        if batch.is_empty() {
            tx.rollback().await?;
            return Ok(judged);
        }
        for (id, partner_id, period) in &batch {
            let period = i32::try_from(*period)
                .map_err(|e| bad("period", e))
                .and_then(|key| Period::from_key(key).map_err(|e| bad("period", e)))?;
            let lines = lines(&mut tx, *id).await?;
            let basis = flag_basis(&mut tx, *partner_id, period).await?;
            let flags = basis.judge(lines.iter().map(|line| (line.product_id, &line.input)));
            sqlx::query("UPDATE reports SET below_used = $1, anomaly = $2 WHERE id = $3")
                .bind(i64::from(flags.below_used))
                .bind(i64::from(flags.anomaly))
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        judged += batch.len() as u64;
    }
}
