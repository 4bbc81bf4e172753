//! What the three outboxes (deliveries to the vendor, webhook deliveries, emails) share: taking
//! a due row for one try.

use sqlx::AnyConnection;

use super::SqlError;

/// An outbox table: its rows have `state`, `attempts` and `next_attempt_at`.
#[derive(Clone, Copy, Debug)]
pub enum Outbox {
    Deliveries,
    Webhooks,
    Emails,
}

impl Outbox {
    const fn table(self) -> &'static str {
        match self {
            Outbox::Deliveries => "deliveries",
            Outbox::Webhooks => "webhook_deliveries",
            Outbox::Emails => "emails",
        }
    }
}

/// Takes a due row for one try: counts the try and moves its next one to `lease_until`, so that
/// no other runner tries it meanwhile (and a runner that dies mid-try leaves it due again
/// later). False when another runner took it first.
pub async fn claim(
    conn: &mut AnyConnection,
    outbox: Outbox,
    id: i64,
    attempts: i64,
    lease_until: &str,
) -> Result<bool, SqlError> {
    let sql = format!(
        "UPDATE {} SET attempts = attempts + 1, next_attempt_at = $3 \
         WHERE id = $1 AND state = 'pending' AND attempts = $2",
        outbox.table()
    );
    let done = sqlx::query(&sql)
        .bind(id)
        .bind(attempts)
        .bind(lease_until)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
