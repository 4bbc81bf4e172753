//! Signing in and out as services: the throttle, the password check and a fresh session, with no
//! request context, so tests call them directly. What the browser is told, and setting the
//! cookie, belong to the server functions.
//!
//! Every failure that could tell someone which accounts exist (an unknown address, a wrong
//! password, a cancelled partner) is the same [`SignInError::WrongCredentials`], takes as long
//! (a decoy hash is verified when there is no account) and counts towards the throttle.

use crate::server::{
    auth::{self, HashError, PasswordChecks, SessionPolicy},
    db::{Db, SqlError, users},
};

/// One attempt to sign in, as the browser sent it.
pub struct Attempt<'a> {
    /// The email address as typed; compared trimmed and in lower case.
    pub email: &'a str,
    pub password: String,
    /// Where the attempt came from, for the throttle.
    pub address: &'a str,
    /// When it was made (Unix seconds).
    pub at: i64,
    /// The session cookie the browser already has, if any: that session ends.
    pub previous_token: Option<&'a str>,
}

/// A new session.
#[derive(Debug)]
pub struct SignedIn {
    /// The `Set-Cookie` value that carries the new session to the browser.
    pub cookie: String,
    pub user_id: i64,
}

/// Why nobody was signed in.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Too many failed sign-ins for this account or from this address, lately: try again after
    /// this many seconds.
    #[error("too many failed sign-ins; wait {wait_secs} s")]
    Throttled { wait_secs: i64 },
    /// Too many sign-ins at this moment: no turn to check a password came free in time.
    #[error("too many sign-ins at once")]
    Busy,
    /// No account matches the address and password (or its partner was cancelled).
    #[error("wrong email address or password")]
    WrongCredentials,
    /// The database or the password hashing failed.
    #[error("signing in failed: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<SqlError> for SignInError {
    fn from(error: SqlError) -> Self {
        SignInError::Internal(Box::new(error))
    }
}

impl From<HashError> for SignInError {
    fn from(error: HashError) -> Self {
        SignInError::Internal(Box::new(error))
    }
}

/// Waits for a turn to check a password, counts the attempt against the throttle (as a failure
/// until it succeeds), checks the password and starts a new session, ending the browser's
/// previous one. `decoy_hash` is verified instead when the account does not exist.
#[tracing::instrument(skip_all, fields(address = attempt.address))]
pub async fn sign_in(
    db: &Db,
    sessions: &SessionPolicy,
    (decoy_hash, checks): (&str, &PasswordChecks),
    attempt: Attempt<'_>,
) -> Result<SignedIn, SignInError> {
    let email = attempt.email.trim().to_lowercase();
    let mut turn = checks.turn().await.ok_or(SignInError::Busy)?;
    let now = attempt.at;
    let since = now - auth::THROTTLE_WINDOW_SECS;
    let refuse = |failures: &users::Failures| auth::throttle(failures, now);
    if let Some(wait_secs) =
        users::count_attempt(db, (&email, attempt.address), now, since, refuse).await?
    {
        metrics::counter!("billing_reports_sign_in_failures_total", "reason" => "throttled")
            .increment(1);
        return Err(SignInError::Throttled { wait_secs });
    }
    let account = users::credentials(db, &email).await?;
    // Always verify a hash, so an unknown address takes as long as a wrong password.
    let hash = account
        .as_ref()
        .map_or_else(|| decoy_hash.to_owned(), |a| a.password_hash.clone());
    let matches = turn.verify(attempt.password, hash).await?;
    let account = account.filter(|a| matches && a.partner_status.as_deref() != Some("cancelled"));
    let Some(account) = account else {
        // Already counted as a failure (for the throttle).
        metrics::counter!("billing_reports_sign_in_failures_total", "reason" => "wrong_credentials")
            .increment(1);
        return Err(SignInError::WrongCredentials);
    };
    // A new id at every sign-in; an older session this browser had ends.
    sign_out(db, attempt.previous_token).await?;
    let (token, id_hash) = auth::new_session_id();
    let expires_at = now + sessions.absolute_secs;
    users::create_session(db, &id_hash, account.id, now, expires_at).await?;
    users::clear_failures(db, &email).await?;
    tracing::info!(user_id = account.id, "signed in");
    Ok(SignedIn {
        cookie: auth::session_cookie(&token, sessions),
        user_id: account.id,
    })
}

/// Ends the session a browser's cookie names, if any.
pub async fn sign_out(db: &Db, token: Option<&str>) -> Result<(), SqlError> {
    if let Some(token) = token {
        users::delete_session(db, &auth::hash_session_id(token)).await?;
    }
    Ok(())
}
