//! The overview's one query of its own: each region's totals per currency and cycle, for the
//! reports a list query matches (its other figures are the list's own counts and totals).

use sqlx::FromRow;

use super::list_sql::{Statement, push_conditions_on};
use super::list_tally::Tally;
use crate::domain::{Currency, Period, from_scaled_e4, overview::MonthGroup, query::ListQuery};
use crate::server::db::{Db, SqlError};

#[derive(FromRow)]
struct MonthRow {
    region_id: i64,
    region: String,
    currency: String,
    period: i64,
    reports: i64,
    total_e4: i64,
}

impl MonthRow {
    fn decode(self) -> Result<MonthGroup, SqlError> {
        let bad = |what: &str, error: &dyn std::fmt::Display| {
            SqlError::Decode(format!("monthly totals: bad {what}: {error}").into())
        };
        Ok(MonthGroup {
            region_id: self.region_id,
            region: self.region,
            currency: self
                .currency
                .parse::<Currency>()
                .map_err(|e| bad("currency", &e))?,
            period: i32::try_from(self.period)
                .map_err(|e| bad("period", &e))
                .and_then(|key| Period::from_key(key).map_err(|e| bad("period", &e)))?,
            reports: u64::try_from(self.reports).map_err(|e| bad("count", &e))?,
            total: from_scaled_e4(self.total_e4),
        })
    }
}

/// How many reports `query` matches per region, currency and cycle, and their totals.
#[tracing::instrument(skip(db), err)]
pub async fn monthly(db: &Db, query: &ListQuery) -> Result<Vec<MonthGroup>, SqlError> {
    let tally = Tally::for_query(query);
    // Summed as scaled integers (exact); the sum is cast back from PostgreSQL's NUMERIC.
    let mut grouped = Statement::new(format!(
        "SELECT r.region_id, g.name AS region, r.currency, r.period, {} AS reports, \
                CAST(SUM(r.total_e4) AS BIGINT) AS total_e4 {}",
        tally.reports(),
        tally.table_with_region(),
    ));
    push_conditions_on(&mut grouped, query, tally);
    grouped
        .push(" GROUP BY r.region_id, g.name, r.currency, r.period")
        .push(tally.having());
    let Statement { sql, args, .. } = grouped;
    sqlx::query_as_with::<_, MonthRow, _>(&sql, args)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(MonthRow::decode)
        .collect()
}
