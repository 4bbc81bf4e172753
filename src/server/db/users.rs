//! Users, sessions and failed sign-ins, as stored.

use sqlx::{AnyConnection, FromRow};

use super::{Db, SqlError};

/// The failed sign-ins in the throttle window that decide whether one more attempt is checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    /// On this account from this address.
    pub account_from_address: i64,
    /// From this address, on any account.
    pub address: i64,
    /// On this account, from anywhere.
    pub account: i64,
    /// When the account's latest failure was (Unix seconds).
    pub account_latest: Option<i64>,
}

/// What signing in needs to know about an account.
#[derive(Clone, FromRow)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub partner_status: Option<String>,
}

/// A user with their organisation and its region, as every authenticated request reads them
/// (through a session or an API token).
#[derive(Clone, Debug, FromRow)]
pub struct UserRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub partner_status: Option<String>,
    pub region_name: Option<String>,
    pub region_enabled: Option<i64>,
}

/// The columns of a [`UserRow`], from `users u` joined with [`USER_JOINS`].
pub const USER_COLUMNS: &str = "u.id AS user_id, u.name, u.email, u.role, o.id AS org_id, \
     o.name AS org_name, o.kind AS org_kind, o.partner_status, g.name AS region_name, \
     g.billing_enabled AS region_enabled";

/// The user's organisation and region (a partner's is its distributor's).
pub const USER_JOINS: &str = "JOIN organisations o ON o.id = u.org_id \
     LEFT JOIN organisations d ON d.id = o.distributor_id \
     LEFT JOIN regions g ON g.id = COALESCE(o.region_id, d.region_id)";

/// A signed-in user, with their session's times.
#[derive(Clone, Debug, FromRow)]
pub struct SessionUser {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub async fn credentials(db: &Db, email: &str) -> Result<Option<Credentials>, SqlError> {
    sqlx::query_as(
        "SELECT u.id, u.password_hash, o.partner_status \
         FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.email = $1",
    )
    .bind(email)
    .fetch_optional(db.pool())
    .await
}

pub async fn insert_user(
    conn: &mut AnyConnection,
    org_id: i64,
    email: &str,
    name: &str,
    role: &str,
    password_hash: &str,
    now: &str,
) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO users (org_id, email, name, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org_id)
    .bind(email)
    .bind(name)
    .bind(role)
    .bind(password_hash)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn create_session(
    db: &Db,
    id_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), SqlError> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The session's user, if the session exists and has not passed its absolute expiry.
pub async fn session_user(
    db: &Db,
    id_hash: &str,
    now: i64,
) -> Result<Option<SessionUser>, SqlError> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, s.created_at, s.last_seen_at \
         FROM sessions s JOIN users u ON u.id = s.user_id {USER_JOINS} \
         WHERE s.id_hash = $1 AND s.expires_at > $2"
    ))
    .bind(id_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await
}

pub async fn touch_session(db: &Db, id_hash: &str, now: i64) -> Result<(), SqlError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Result<(), SqlError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Counts an attempt to sign in as `email` from `address` at `now` as failed **before** its
/// password is checked, unless `refuse` (given the failures since `since`) answers a wait; then
/// nothing is written and the wait is answered. Attempts are counted one at a time (SQLite's
/// write lock; a transaction-scoped advisory lock on PostgreSQL), so parallel guesses cannot
/// all pass the same count. A successful sign-in then clears the account's failures, this one
/// included.
pub async fn count_attempt(
    db: &Db,
    (email, address): (&str, &str),
    now: i64,
    since: i64,
    refuse: impl FnOnce(&Failures) -> Option<i64>,
) -> Result<Option<i64>, SqlError> {
    let mut tx = db
        .begin_exclusive(super::ExclusiveLock::SignInAttempts)
        .await?;
    let failures = failures_in(&mut tx, email, address, since).await?;
    if let Some(wait) = refuse(&failures) {
        tx.rollback().await?;
        return Ok(Some(wait));
    }
    sqlx::query("INSERT INTO sign_in_failures (email, address, at) VALUES ($1, $2, $3)")
        .bind(email)
        .bind(address)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(None)
}

async fn failures_in(
    conn: &mut AnyConnection,
    email: &str,
    address: &str,
    since: i64,
) -> Result<Failures, SqlError> {
    let (account, account_latest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MAX(at) FROM sign_in_failures WHERE email = $1 AND at > $2",
    )
    .bind(email)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let account_from_address: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sign_in_failures WHERE email = $1 AND address = $2 AND at > $3",
    )
    .bind(email)
    .bind(address)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let address: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE address = $1 AND at > $2")
            .bind(address)
            .bind(since)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Failures {
        account_from_address,
        address,
        account,
        account_latest,
    })
}

/// Failed sign-ins since `since`: (for this account, from this address).
pub async fn failures_since(
    db: &Db,
    email: &str,
    address: &str,
    since: i64,
) -> Result<(i64, i64), SqlError> {
    let mut conn = db.acquire().await?;
    let failures = failures_in(&mut conn, email, address, since).await?;
    Ok((failures.account, failures.address))
}

/// Forgets an account's failures after it signed in successfully.
pub async fn clear_failures(db: &Db, email: &str) -> Result<(), SqlError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE email = $1")
        .bind(email)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Organisation ids by name (for seeding users).
pub async fn organisation_id(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Option<i64>, SqlError> {
    sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(name)
        .fetch_optional(conn)
        .await
}

/// Deletes sessions that expired before `now` and failed sign-ins recorded before `failures_before`
/// (Unix seconds): what the job runner sweeps so these tables do not only grow. Returns how many
/// of each went.
pub async fn sweep(db: &Db, now: i64, failures_before: i64) -> Result<(u64, u64), SqlError> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?
        .rows_affected();
    let failures = sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(failures_before)
        .execute(db.pool())
        .await?
        .rows_affected();
    Ok((sessions, failures))
}
