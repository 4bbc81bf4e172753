//! Signing in and out, and who is asking. Passwords are argon2id hashes, computed on the
//! blocking pool (never on the async workers; see `password`). A session id is 32 random bytes
//! sent as an HttpOnly cookie and stored only as its SHA-256; sessions end after an idle period
//! and after an absolute lifetime, and signing out deletes them on the server. A request looks
//! its session up once ([`RequestSession`]).

mod password;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::http::{HeaderMap, header};

use super::{
    db::{SqlError, users},
    services::UserCaller,
    state::AppState,
};
use crate::domain::{Actor, CurrentUser, OrgKind, Role};

pub use password::{HashError, PasswordChecks, PasswordTurn, decoy_hash, hash_password};

pub const COOKIE_NAME: &str = "br_session";

/// Failed sign-ins on one account in the throttle window after which attempts from the same
/// address are refused for the window, and attempts from anywhere else wait a growing delay
/// (so whoever guesses cannot lock the account's owner out).
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins from one address, on any accounts, after which it is refused for the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// The delay after an account's [`MAX_FAILURES_PER_ACCOUNT`]th failure; it doubles with each
/// further one, up to [`MAX_DELAY_SECS`].
pub const FIRST_DELAY_SECS: i64 = 30;
pub const MAX_DELAY_SECS: i64 = 5 * 60;

pub use super::db::users::Failures;

/// Seconds to wait before an attempt with these `failures` behind it may be checked at `now`, or
/// `None` when it may be checked now.
pub fn throttle(failures: &Failures, now: i64) -> Option<i64> {
    if failures.account_from_address >= MAX_FAILURES_PER_ACCOUNT
        || failures.address >= MAX_FAILURES_PER_ADDRESS
    {
        return Some(THROTTLE_WINDOW_SECS);
    }
    if failures.account < MAX_FAILURES_PER_ACCOUNT {
        return None;
    }
    let doublings = (failures.account - MAX_FAILURES_PER_ACCOUNT).min(16);
    let delay = (FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS);
    let since_latest = now - failures.account_latest.unwrap_or(now);
    (since_latest < delay).then_some(delay - since_latest)
}

/// The address a request came from: the connection's (`peer`), unless that is a trusted proxy;
/// then the nearest address in `X-Forwarded-For` (read from the right, each proxy appending the
/// address it was reached from) that is not a trusted proxy itself. Entries left of it were
/// written by the client and are never believed; an entry that is not an address ends the
/// search at the last proxy's.
pub fn client_ip(
    peer: Option<std::net::IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let mut nearest = peer?;
    if !trusted.contains(&nearest) {
        return Some(nearest);
    }
    for entry in forwarded_for.unwrap_or_default().rsplit(',') {
        let Ok(address) = entry.trim().parse::<std::net::IpAddr>() else {
            break;
        };
        nearest = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    Some(nearest)
}

/// Session lifetimes and cookie flags.
#[derive(Clone, Debug)]
pub struct SessionPolicy {
    pub idle_secs: i64,
    pub absolute_secs: i64,
    pub secure_cookies: bool,
}

/// A signed-in request: the user for the services, and what the browser may know about them.
#[derive(Clone, Debug)]
pub struct Session {
    pub caller: UserCaller,
    pub current: CurrentUser,
}

/// A new session id: (cookie value, what is stored).
pub fn new_session_id() -> (String, String) {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = super::digest::hex(&bytes);
    let stored = hash_session_id(&token);
    (token, stored)
}

pub fn hash_session_id(token: &str) -> String {
    super::digest::sha256_hex(token.as_bytes())
}

pub fn now_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, policy: &SessionPolicy) -> String {
    format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        policy.absolute_secs,
        if policy.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(policy: &SessionPolicy) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if policy.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// The session cookie's value in a request, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// Who sent this request: the session's user, when the session is valid and not idle too long.
/// A valid session is kept alive by the request.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Session>, SqlError> {
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    let id_hash = hash_session_id(&token);
    let now = now_secs();
    let Some(row) = users::session_user(&state.db, &id_hash, now).await? else {
        return Ok(None);
    };
    if now - row.last_seen_at > state.sessions.idle_secs
        || row.user.partner_status.as_deref() == Some("cancelled")
    {
        users::delete_session(&state.db, &id_hash).await?;
        return Ok(None);
    }
    // Writing on every request would be costly; a minute's precision is plenty for an idle limit.
    if now - row.last_seen_at >= 60 {
        users::touch_session(&state.db, &id_hash, now).await?;
    }
    Ok(session_of(state, row.user, Some))
}

/// One request's answer to "who is asking", looked up once: rendering a page runs several
/// server functions (the user menu's, the page's own) and each asks. A fresh one is provided
/// with every request (see `router::build`); the session cookie cannot change within a request.
#[derive(Clone, Debug, Default)]
pub struct RequestSession(std::sync::Arc<tokio::sync::OnceCell<Option<Session>>>);

impl RequestSession {
    /// The request's session, from [`authenticate`] the first time it is asked for. A failed
    /// lookup is not kept: the next ask tries again.
    pub async fn get(
        &self,
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<Option<Session>, SqlError> {
        self.0
            .get_or_try_init(|| authenticate(state, headers))
            .await
            .cloned()
    }
}

/// The session of a user as stored, with the role `role_of` grants for the user's own role
/// (an API token's scope may grant less, or nothing); `None` for a cancelled partner, an
/// unknown organisation kind or role, or no role granted.
pub fn session_of(
    state: &AppState,
    row: users::UserRow,
    role_of: impl FnOnce(Role) -> Option<Role>,
) -> Option<Session> {
    if row.partner_status.as_deref() == Some("cancelled") {
        return None;
    }
    let org_kind = OrgKind::from_code(&row.org_kind)?;
    let role = role_of(Role::from_code(&row.role)?)?;
    let region_enabled = row.region_enabled.is_none_or(|enabled| enabled != 0);
    let actor = Actor {
        user_id: row.user_id,
        org_id: row.org_id,
        org_kind,
        role,
        region_enabled,
    };
    Some(Session {
        caller: UserCaller {
            actor,
            name: row.name.clone(),
            org_name: row.org_name.clone(),
        },
        current: CurrentUser {
            name: row.name,
            email: row.email,
            org_name: row.org_name,
            org_kind,
            role,
            region_name: row.region_name,
            region_enabled,
            vendor_name: state.vendor_name.clone(),
            unread_notices: 0,
        },
    })
}

#[cfg(test)]
mod client_ip_tests {
    use super::client_ip;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn forwarded_addresses_are_believed_from_trusted_proxies_only() {
        let proxies = [ip("10.0.0.2"), ip("10.0.0.3")];
        let client = Some(ip("198.51.100.7"));
        // Straight from the internet: the header is the client's own words.
        assert_eq!(client_ip(client, Some("203.0.113.9"), &proxies), client);
        // Through one proxy.
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), Some("198.51.100.7"), &proxies),
            client
        );
        // Through two, with a forged entry on the left that is never believed.
        assert_eq!(
            client_ip(
                Some(ip("10.0.0.2")),
                Some("203.0.113.9, 198.51.100.7, 10.0.0.3"),
                &proxies
            ),
            client
        );
        // A proxy without the header, or with garbage: the proxy's own address.
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), None, &proxies),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), Some("not-an-address"), &proxies),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(client_ip(None, Some("198.51.100.7"), &proxies), None);
    }
}

#[cfg(test)]
mod throttle_tests {
    use super::*;

    #[test]
    fn guesses_lock_their_own_address_and_slow_everyone_else() {
        let now = 10_000;
        assert_eq!(throttle(&Failures::default(), now), None);
        let from_here = Failures {
            account_from_address: 5,
            address: 5,
            account: 5,
            account_latest: Some(now),
        };
        assert_eq!(throttle(&from_here, now + 600), Some(THROTTLE_WINDOW_SECS));
        let from_elsewhere = Failures {
            account_from_address: 0,
            address: 0,
            ..from_here
        };
        assert_eq!(throttle(&from_elsewhere, now + 10), Some(20));
        assert_eq!(throttle(&from_elsewhere, now + 30), None);
        let many = Failures {
            account: 40,
            ..from_elsewhere
        };
        assert_eq!(throttle(&many, now), Some(MAX_DELAY_SECS));
        assert_eq!(throttle(&many, now + MAX_DELAY_SECS), None);
        let busy_address = Failures {
            address: 20,
            ..Failures::default()
        };
        assert_eq!(throttle(&busy_address, now), Some(THROTTLE_WINDOW_SECS));
    }
}
