//! Email as stored (migration 0015): each user's choices, and the outbox of the emails of
//! notices. Who wants which notice is the domain's (`domain::email::wants`); these queries load
//! what it judges and store what it decided.

use sqlx::{Any, AnyConnection, FromRow, Transaction};

use super::{Db, SqlError};
use crate::domain::{email, notice::NoticeKind};

/// Writes, in the notice's transaction, an email of notice `notice_id` for each user of its
/// organisation who wants notices of `kind`, due at once.
pub async fn plan(
    tx: &mut Transaction<'static, Any>,
    notice_id: i64,
    kind: NoticeKind,
    at: &str,
) -> Result<(), SqlError> {
    let users: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT u.id, c.wanted FROM notices n JOIN users u ON u.org_id = n.org_id \
         LEFT JOIN email_choices c ON c.user_id = u.id AND c.kind = $2 \
         WHERE n.id = $1 ORDER BY u.id",
    )
    .bind(notice_id)
    .bind(kind.as_code())
    .fetch_all(&mut **tx)
    .await?;
    for (user_id, choice) in users {
        if !email::wants(kind, choice.map(|wanted| wanted == 1)) {
            continue;
        }
        sqlx::query(
            "INSERT INTO emails (notice_id, user_id, state, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, 'pending', 0, $3, $3)",
        )
        .bind(notice_id)
        .bind(user_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The user's own choices: (kind code, wanted).
pub async fn choices_of(db: &Db, user_id: i64) -> Result<Vec<(String, bool)>, SqlError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT kind, wanted FROM email_choices WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, wanted)| (kind, wanted == 1))
        .collect())
}

/// Stores the user's choices, all at once.
pub async fn save_choices(
    db: &Db,
    user_id: i64,
    choices: &[(NoticeKind, bool)],
    now: &str,
) -> Result<(), SqlError> {
    let mut tx = db.begin_write().await?;
    for (kind, wanted) in choices {
        sqlx::query(
            "INSERT INTO email_choices (user_id, kind, wanted, changed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, kind) DO UPDATE SET wanted = excluded.wanted, \
             changed_at = excluded.changed_at",
        )
        .bind(user_id)
        .bind(kind.as_code())
        .bind(i64::from(*wanted))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An email due for a try, with what it is composed of.
#[derive(Clone, Debug, FromRow)]
pub struct DueEmail {
    pub id: i64,
    pub attempts: i64,
    pub created_at: String,
    pub address: String,
    pub recipient: String,
    pub kind: String,
    pub report_id: i64,
    pub partner: String,
    pub period: i64,
}

/// Pending emails due at `now`, oldest first.
pub async fn due(
    conn: &mut AnyConnection,
    now: &str,
    limit: i64,
) -> Result<Vec<DueEmail>, SqlError> {
    sqlx::query_as(
        "SELECT m.id, m.attempts, m.created_at, u.email AS address, u.name AS recipient, n.kind, \
                n.report_id, p.name AS partner, r.period \
         FROM emails m JOIN users u ON u.id = m.user_id JOIN notices n ON n.id = m.notice_id \
         JOIN reports r ON r.id = n.report_id JOIN organisations p ON p.id = r.partner_id \
         WHERE m.state = 'pending' AND m.next_attempt_at <= $1 \
         ORDER BY m.next_attempt_at, m.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// How a try ended, as stored.
#[derive(Clone, Copy, Debug)]
pub enum Sent<'a> {
    Sent,
    RetryAt(&'a str, &'a str),
    GaveUp(&'a str),
    /// Too old to send (`domain::email::is_stale`).
    Expired,
}

/// Records what became of email `id` at `now`.
pub async fn record(
    conn: &mut AnyConnection,
    id: i64,
    outcome: Sent<'_>,
    now: &str,
) -> Result<(), SqlError> {
    let (state, next, error) = match outcome {
        Sent::Sent => ("sent", None, None),
        Sent::RetryAt(at, error) => ("pending", Some(at), Some(error)),
        Sent::GaveUp(error) => ("failed", None, Some(error)),
        Sent::Expired => ("expired", None, None),
    };
    sqlx::query(
        "UPDATE emails SET state = $2, last_error = COALESCE($3, last_error), \
                next_attempt_at = COALESCE($4, next_attempt_at), \
                sent_at = CASE WHEN $2 = 'sent' THEN $5 ELSE sent_at END \
         WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(error)
    .bind(next)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The address a user's emails go to.
pub async fn address_of(db: &Db, user_id: i64) -> Result<String, SqlError> {
    sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await
}
