//! Signing in through the service, without Leptos or HTTP, on SQLite and PostgreSQL alike: the
//! right password starts a session; a wrong password and an unknown address get the same answer
//! and count towards the throttle; a cancelled partner cannot sign in; signing in ends the
//! browser's previous session.

mod common;

use billing_reports::server::{
    auth::{self, SessionPolicy},
    db::{Backend, Db, users},
    services::auth::{Attempt, SignInError, SignedIn, sign_in},
};
use common::{PASSWORD, TempGuard, shared_db};

on_both_backends!(
    the_right_password_signs_in,
    a_wrong_password_and_an_unknown_address_get_the_same_answer,
    failed_sign_ins_are_throttled_after_the_limit,
    a_cancelled_partner_cannot_sign_in,
    signing_in_ends_the_previous_session,
);

const PARTNER: &str = "maria@harbor-it.example";
const OTHER_PARTNER: &str = "owen@blueridge-security.example";
const NOBODY: &str = "nobody@nowhere.example";
const ADDRESS: &str = "203.0.113.7";

/// The demo data with what the application state gives the service: session settings and a
/// decoy hash.
struct SignInDesk {
    db: Db,
    sessions: SessionPolicy,
    decoy_hash: String,
    _guard: TempGuard,
}

impl SignInDesk {
    async fn new(backend: Backend) -> Self {
        let (db, _, guard) = shared_db(backend).await;
        Self {
            db,
            sessions: SessionPolicy {
                idle_secs: 30 * 60,
                absolute_secs: 12 * 3600,
                secure_cookies: false,
            },
            decoy_hash: auth::decoy_hash(),
            _guard: guard,
        }
    }

    async fn attempt(
        &self,
        email: &str,
        password: &str,
        address: &str,
        previous_token: Option<&str>,
    ) -> Result<SignedIn, SignInError> {
        let attempt = Attempt {
            email,
            password: password.to_owned(),
            address,
            previous_token,
        };
        sign_in(&self.db, &self.sessions, &self.decoy_hash, attempt).await
    }

    /// Signs in with the demo password; returns the new session's token.
    async fn signed_in(&self, email: &str, previous_token: Option<&str>) -> String {
        let signed_in = self
            .attempt(email, PASSWORD, ADDRESS, previous_token)
            .await
            .unwrap_or_else(|error| panic!("{email} could not sign in: {error:?}"));
        token(&signed_in).to_owned()
    }

    /// Whose session a token opens, if it is open.
    async fn session_of(&self, token: &str) -> Option<String> {
        users::session_user(&self.db, &auth::hash_session_id(token), auth::now_secs())
            .await
            .expect("read the session")
            .map(|user| user.email)
    }

    /// Failed sign-ins recorded lately: (for this account, from this address).
    async fn failures(&self, email: &str, address: &str) -> (i64, i64) {
        users::failures_since(&self.db, email, address, 0)
            .await
            .expect("count the failures")
    }
}

/// The session id a `Set-Cookie` value carries.
fn token(signed_in: &SignedIn) -> &str {
    signed_in
        .cookie
        .split(';')
        .next()
        .and_then(|pair| pair.strip_prefix("br_session="))
        .filter(|token| !token.is_empty())
        .unwrap_or_else(|| panic!("no session in {}", signed_in.cookie))
}

fn is_wrong_credentials(answer: &Result<SignedIn, SignInError>) -> bool {
    matches!(answer, Err(SignInError::WrongCredentials))
}

async fn the_right_password_signs_in(backend: Backend) {
    let desk = SignInDesk::new(backend).await;
    // The address is compared trimmed and in lower case, as people type it.
    let signed_in = desk
        .attempt("  Maria@Harbor-IT.example ", PASSWORD, ADDRESS, None)
        .await
        .expect("signed in");
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(PARTNER)
        .fetch_one(desk.db.pool())
        .await
        .expect("the partner's user");
    assert_eq!(signed_in.user_id, user_id);
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(signed_in.cookie.contains(flag), "{}", signed_in.cookie);
    }
    assert_eq!(
        desk.session_of(token(&signed_in)).await.as_deref(),
        Some(PARTNER)
    );
}

async fn a_wrong_password_and_an_unknown_address_get_the_same_answer(backend: Backend) {
    let desk = SignInDesk::new(backend).await;
    let wrong = desk
        .attempt(PARTNER, "not-the-password", ADDRESS, None)
        .await;
    let unknown = desk.attempt(NOBODY, PASSWORD, ADDRESS, None).await;
    assert!(is_wrong_credentials(&wrong), "{wrong:?}");
    assert!(is_wrong_credentials(&unknown), "{unknown:?}");
    // Each counts for its account and both for the address.
    assert_eq!(desk.failures(PARTNER, ADDRESS).await, (1, 2));
    assert_eq!(desk.failures(NOBODY, ADDRESS).await, (1, 2));
    // Signing in afterwards forgets the account's failures.
    desk.signed_in(PARTNER, None).await;
    assert_eq!(desk.failures(PARTNER, ADDRESS).await.0, 0);
}

async fn failed_sign_ins_are_throttled_after_the_limit(backend: Backend) {
    let desk = SignInDesk::new(backend).await;
    for _ in 0..auth::MAX_FAILURES_PER_ACCOUNT {
        let answer = desk.attempt(PARTNER, "guess", ADDRESS, None).await;
        assert!(is_wrong_credentials(&answer), "{answer:?}");
    }
    // Even the right password now waits, from any address.
    for address in [ADDRESS, "198.51.100.20"] {
        let answer = desk.attempt(PARTNER, PASSWORD, address, None).await;
        assert!(
            matches!(answer, Err(SignInError::Throttled)),
            "{address}: {answer:?}"
        );
    }
    // Another account is not locked by it.
    desk.signed_in(OTHER_PARTNER, None).await;

    // Failures on many accounts from one address lock that address.
    let busy = "198.51.100.99";
    for n in 0..auth::MAX_FAILURES_PER_ADDRESS {
        let answer = desk
            .attempt(&format!("nobody{n}@nowhere.example"), "guess", busy, None)
            .await;
        assert!(is_wrong_credentials(&answer), "{answer:?}");
    }
    let answer = desk.attempt(OTHER_PARTNER, PASSWORD, busy, None).await;
    assert!(matches!(answer, Err(SignInError::Throttled)), "{answer:?}");
}

async fn a_cancelled_partner_cannot_sign_in(backend: Backend) {
    let desk = SignInDesk::new(backend).await;
    sqlx::query("UPDATE organisations SET partner_status = 'cancelled' WHERE name = $1")
        .bind("Harbor IT Services")
        .execute(desk.db.pool())
        .await
        .expect("cancel the partner");
    // The same answer as a wrong password, so the contract's end is not told to a stranger.
    let answer = desk.attempt(PARTNER, PASSWORD, ADDRESS, None).await;
    assert!(is_wrong_credentials(&answer), "{answer:?}");
    assert_eq!(desk.failures(PARTNER, ADDRESS).await.0, 1);
}

async fn signing_in_ends_the_previous_session(backend: Backend) {
    let desk = SignInDesk::new(backend).await;
    let first = desk.signed_in(PARTNER, None).await;
    // Another browser of the same user, without a cookie.
    let elsewhere = desk.signed_in(PARTNER, None).await;
    // A failed attempt ends nothing.
    let answer = desk.attempt(PARTNER, "guess", ADDRESS, Some(&first)).await;
    assert!(is_wrong_credentials(&answer), "{answer:?}");
    assert_eq!(desk.session_of(&first).await.as_deref(), Some(PARTNER));

    let second = desk.signed_in(PARTNER, Some(&first)).await;
    assert_ne!(first, second, "a new session id at every sign-in");
    assert_eq!(desk.session_of(&first).await, None, "the old session ended");
    assert_eq!(desk.session_of(&second).await.as_deref(), Some(PARTNER));
    assert_eq!(
        desk.session_of(&elsewhere).await.as_deref(),
        Some(PARTNER),
        "another browser's session goes on"
    );
}
