//! API tokens and the answers kept for idempotent retries, as stored.

use sqlx::FromRow;

use super::{
    Db, SqlError,
    users::{USER_COLUMNS, USER_JOINS, UserRow},
};

/// A token that is not revoked, with its user as every request reads them.
#[derive(Clone, Debug, FromRow)]
pub struct TokenUser {
    pub token_id: i64,
    pub token_name: String,
    pub scope: String,
    #[sqlx(flatten)]
    pub user: UserRow,
}

/// A token as its organisation's administrators see it in the list (never its value).
#[derive(Clone, Debug, FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub user_name: String,
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub struct NewToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub scope: &'a str,
    pub token_hash: &'a str,
    pub created_at: &'a str,
    pub created_by: &'a str,
}

pub async fn insert(db: &Db, token: &NewToken<'_>) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, scope, token_hash, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(token.user_id)
    .bind(token.name)
    .bind(token.scope)
    .bind(token.token_hash)
    .bind(token.created_at)
    .bind(token.created_by)
    .fetch_one(db.pool())
    .await
}

/// The live token stored under `token_hash`, with its user.
pub async fn find(db: &Db, token_hash: &str) -> Result<Option<TokenUser>, SqlError> {
    sqlx::query_as(&format!(
        "SELECT t.id AS token_id, t.name AS token_name, t.scope, {USER_COLUMNS} \
         FROM api_tokens t JOIN users u ON u.id = t.user_id {USER_JOINS} \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
    ))
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await
}

/// Notes a use, at most once a minute per token (the list shows "last used").
pub async fn touch(db: &Db, token_id: i64, now: &str, a_minute_ago: &str) -> Result<(), SqlError> {
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(token_id)
    .bind(a_minute_ago)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The tokens of an organisation, newest first.
pub async fn of_org(db: &Db, org_id: i64) -> Result<Vec<TokenRow>, SqlError> {
    sqlx::query_as(
        "SELECT t.id, t.name, t.scope, u.name AS user_name, t.created_at, t.created_by, \
                t.last_used_at, t.revoked_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE u.org_id = $1 ORDER BY t.id DESC",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await
}

/// Revokes a live token of the organisation; whether there was one.
pub async fn revoke(db: &Db, org_id: i64, token_id: i64, now: &str) -> Result<bool, SqlError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 \
         WHERE id = $2 AND revoked_at IS NULL \
           AND user_id IN (SELECT id FROM users WHERE org_id = $3)",
    )
    .bind(now)
    .bind(token_id)
    .bind(org_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The answer kept for a key, or the mark of a request still running (`status` 0).
#[derive(Clone, Debug, FromRow)]
pub struct KeptAnswer {
    pub request_hash: String,
    pub status: i64,
    pub body: String,
}

/// When kept answers are forgotten (Unix seconds): answers kept before `expired`, and marks of
/// requests that started running before `abandoned` (their server stopped midway).
pub struct Forget {
    pub expired: i64,
    pub abandoned: i64,
}

/// Claims `key` for a request: `None` when it was free (now marked as running), else what the
/// key holds. What is to be forgotten is forgotten first.
pub async fn claim_key(
    db: &Db,
    token_id: i64,
    key: &str,
    request_hash: &str,
    now: i64,
    forget: Forget,
) -> Result<Option<KeptAnswer>, SqlError> {
    sqlx::query(
        "DELETE FROM api_idempotency WHERE token_id = $1 \
           AND (created_at < $2 OR (status = 0 AND created_at < $3))",
    )
    .bind(token_id)
    .bind(forget.expired)
    .bind(forget.abandoned)
    .execute(db.pool())
    .await?;
    let inserted = sqlx::query(
        "INSERT INTO api_idempotency (token_id, idem_key, request_hash, status, body, created_at) \
         VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING",
    )
    .bind(token_id)
    .bind(key)
    .bind(request_hash)
    .bind(now)
    .execute(db.pool())
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT request_hash, status, body FROM api_idempotency \
         WHERE token_id = $1 AND idem_key = $2",
    )
    .bind(token_id)
    .bind(key)
    .fetch_optional(db.pool())
    .await
}

/// Keeps the answer to a claimed key.
pub async fn keep_answer(
    db: &Db,
    token_id: i64,
    key: &str,
    status: i64,
    body: &str,
) -> Result<(), SqlError> {
    sqlx::query(
        "UPDATE api_idempotency SET status = $1, body = $2 WHERE token_id = $3 AND idem_key = $4",
    )
    .bind(status)
    .bind(body)
    .bind(token_id)
    .bind(key)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Frees a claimed key whose request failed on the server's side, so a retry may act.
pub async fn release_key(db: &Db, token_id: i64, key: &str) -> Result<(), SqlError> {
    sqlx::query("DELETE FROM api_idempotency WHERE token_id = $1 AND idem_key = $2")
        .bind(token_id)
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The user an API token is created for, by email: (id, role, org id).
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<(i64, String, i64)>, SqlError> {
    sqlx::query_as("SELECT id, role, org_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db.pool())
        .await
}
