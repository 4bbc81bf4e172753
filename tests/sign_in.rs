//! Signing in through the service, without Leptos or HTTP, on SQLite and PostgreSQL alike: the
//! right password starts a session; a wrong password and an unknown address get the same answer
//! and count towards the throttle; a cancelled partner cannot sign in; signing in ends the
//! browser's previous session; guesses lock their own address out of an account but only slow
//! down its owner elsewhere; parallel guesses cannot outrun the throttle, and password checks
//! take turns (a flood is refused, not queued without end); a request asks the database who is
//! signed in once, however many of its server functions ask.

mod common;

use axum::http::{HeaderMap, HeaderValue, header};
use billing_reports::server::{
    auth::{self, PasswordChecks, RequestSession, SessionPolicy},
    config::Config,
    db::{Backend, Db, users},
    services::auth::{Attempt, SignInError, SignedIn, sign_in, sign_out},
    state::AppState,
    vendor::Vendor,
};
use common::{PASSWORD, TempGuard, shared_db};

on_both_backends!(
    the_right_password_signs_in,
    a_wrong_password_and_an_unknown_address_get_the_same_answer,
    failed_sign_ins_are_throttled_after_the_limit,
    a_cancelled_partner_cannot_sign_in,
    signing_in_ends_the_previous_session,
    parallel_guesses_cannot_outrun_the_throttle,
    password_checks_take_turns,
    a_request_looks_up_its_session_once,
);

const PARTNER: &str = "maria@harbor-it.example";
const OTHER_PARTNER: &str = "owen@blueridge-security.example";
const NOBODY: &str = "nobody@nowhere.example";
const ADDRESS: &str = "203.0.113.7";

/// The demo data with what the application state gives the service: session settings and a
/// decoy hash.
struct SignInDesk {
    db: Db,
    url: String,
    sessions: SessionPolicy,
    decoy_hash: String,
    checks: PasswordChecks,
    _guard: TempGuard,
}

impl SignInDesk {
    async fn new(backend: Backend) -> Self {
        let (db, url, guard) = shared_db(backend).await;
        Self {
            db,
            url,
            sessions: SessionPolicy {
                idle_secs: 30 * 60,
                absolute_secs: 12 * 3600,
                secure_cookies: false,
            },
            decoy_hash: auth::decoy_hash(),
            // Generous: a debug build on a busy machine checks a password slowly.
            checks: PasswordChecks::new(
                PasswordChecks::AT_ONCE,
                std::time::Duration::from_secs(120),
            ),
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
        self.attempt_at(email, password, address, previous_token, auth::now_secs())
            .await
    }

    /// An attempt made at `at` (Unix seconds).
    async fn attempt_at(
        &self,
        email: &str,
        password: &str,
        address: &str,
        previous_token: Option<&str>,
        at: i64,
    ) -> Result<SignedIn, SignInError> {
        let attempt = Attempt {
            email,
            password: password.to_owned(),
            address,
            at,
            previous_token,
        };
        sign_in(
            &self.db,
            &self.sessions,
            (&self.decoy_hash, &self.checks),
            attempt,
        )
        .await
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
            .map(|user| user.user.email)
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
    // From the guesses' address, even the right password is refused for the window.
    let answer = desk.attempt(PARTNER, PASSWORD, ADDRESS, None).await;
    assert!(
        matches!(
            answer,
            Err(SignInError::Throttled {
                wait_secs: auth::THROTTLE_WINDOW_SECS
            })
        ),
        "{answer:?}"
    );
    // From elsewhere, the owner waits a short delay, not the window: then signs in.
    let now = auth::now_secs();
    let owner = "198.51.100.20";
    let answer = desk.attempt_at(PARTNER, PASSWORD, owner, None, now).await;
    assert!(
        matches!(answer, Err(SignInError::Throttled { wait_secs }) if wait_secs <= auth::FIRST_DELAY_SECS),
        "{answer:?}"
    );
    let later = now + auth::FIRST_DELAY_SECS;
    let answer = desk.attempt_at(PARTNER, PASSWORD, owner, None, later).await;
    assert!(answer.is_ok(), "the owner is not locked out: {answer:?}");
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
    assert!(
        matches!(answer, Err(SignInError::Throttled { .. })),
        "{answer:?}"
    );
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

/// 40 wrong guesses at one account at the same moment, from 40 addresses: only as many as the
/// throttle allows are checked; the rest are refused without a check. (When the failures were
/// counted after the check, all 40 were checked.)
async fn parallel_guesses_cannot_outrun_the_throttle(backend: Backend) {
    let desk = std::sync::Arc::new(SignInDesk::new(backend).await);
    let guesses: Vec<_> = (0..40)
        .map(|n| {
            let desk = desk.clone();
            tokio::spawn(async move {
                let address = format!("198.51.100.{n}");
                desk.attempt(PARTNER, &format!("guess {n}"), &address, None)
                    .await
            })
        })
        .collect();
    let (mut checked, mut throttled) = (0, 0);
    for guess in guesses {
        match guess.await.expect("joined") {
            Err(SignInError::WrongCredentials) => checked += 1,
            Err(SignInError::Throttled { .. }) => throttled += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        (checked, throttled),
        (
            auth::MAX_FAILURES_PER_ACCOUNT,
            40 - auth::MAX_FAILURES_PER_ACCOUNT
        )
    );
    assert_eq!(
        desk.failures(PARTNER, ADDRESS).await.0,
        auth::MAX_FAILURES_PER_ACCOUNT
    );
}

/// With every turn taken, an attempt waits its time and is refused as busy, counting nothing;
/// once a turn is free, signing in works.
async fn password_checks_take_turns(backend: Backend) {
    let mut desk = SignInDesk::new(backend).await;
    desk.checks = PasswordChecks::new(1, std::time::Duration::from_millis(300));
    let held = desk.checks.turn().await.expect("the only turn");
    let answer = desk.attempt(PARTNER, PASSWORD, ADDRESS, None).await;
    assert!(matches!(answer, Err(SignInError::Busy)), "{answer:?}");
    assert_eq!(desk.failures(PARTNER, ADDRESS).await, (0, 0));
    drop(held);
    desk.signed_in(PARTNER, None).await;
}

/// Every server function a page runs asks who is signed in; the request asks the database once
/// and keeps the answer. A session ended while the request is answered stays that request's
/// answer (it was valid when the request began); the next request finds it ended.
async fn a_request_looks_up_its_session_once(backend: Backend) {
    let desk = SignInDesk::new(backend).await;
    let config = Config::for_database(&desk.url);
    let state = AppState::new(&config, desk.db.clone(), Vendor::Builtin);
    let token = desk.signed_in(PARTNER, None).await;
    let mut headers = HeaderMap::new();
    let cookie = HeaderValue::from_str(&format!("br_session={token}")).expect("a cookie");
    headers.insert(header::COOKIE, cookie);
    let email = |found: Result<Option<auth::Session>, _>| {
        found
            .expect("the session lookup")
            .map(|session| session.current.email)
    };

    let request = RequestSession::default();
    let first = email(request.get(&state, &headers).await);
    assert_eq!(first.as_deref(), Some(PARTNER));
    sign_out(&desk.db, Some(&token)).await.expect("sign out");
    assert_eq!(desk.session_of(&token).await, None, "the session ended");
    let again = email(request.get(&state, &headers).await);
    assert_eq!(again, first, "the same request keeps its first answer");
    let next = email(RequestSession::default().get(&state, &headers).await);
    assert_eq!(next, None, "the next request sees the session ended");
}
