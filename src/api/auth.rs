//! Signing in and out, and who is signed in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
// The server builds it for every request, so its shape lives in the domain; pages name it here.
pub use crate::domain::CurrentUser;

/// A demo account listed on the sign-in page (only when the server runs with demo data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub email: String,
    pub who: String,
}

/// The signed-in user, or `None`.
#[server(endpoint = "auth/me")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, ApiError> {
    use crate::api::support;
    let Some(session) = support::session().await? else {
        return Ok(None);
    };
    let actor = &session.caller.actor;
    let state = support::state()?;
    let unread = crate::server::db::notices::unread(&state.db, actor.org_id, actor.user_id)
        .await
        .map_err(|error| support::internal("counting notices", error))?;
    Ok(Some(CurrentUser {
        unread_notices: unread,
        ..session.current
    }))
}

/// The demo accounts and their password, for the sign-in page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoLogins {
    pub password: String,
    pub accounts: Vec<DemoAccount>,
}

/// Demo accounts to show on the sign-in page; `None` unless the server runs with demo data.
#[server(endpoint = "auth/demo-accounts")]
pub async fn demo_accounts() -> Result<Option<DemoLogins>, ApiError> {
    let state = crate::api::support::state()?;
    Ok(state.demo.map(|demo| DemoLogins {
        password: demo.password.to_owned(),
        accounts: demo
            .accounts
            .iter()
            .map(|account| DemoAccount {
                email: account.email.to_owned(),
                who: account.who.to_owned(),
            })
            .collect(),
    }))
}

/// Signs in with an email address and password, starting a new session.
#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(email: String, password: String) -> Result<(), ApiError> {
    use crate::api::support;
    use crate::server::{auth::session_token, services::auth::Attempt};

    let state = support::state()?;
    let request = support::request()?;
    let address = support::client_address(&state, &request);
    let previous = session_token(&request.headers);
    let attempt = Attempt {
        email: &email,
        password,
        address: &address,
        at: crate::server::auth::now_secs(),
        previous_token: previous.as_deref(),
    };
    let signed_in = crate::server::services::auth::sign_in(
        &state.db,
        &state.sessions,
        (&state.decoy_hash, &state.password_checks),
        attempt,
    )
    .await
    .map_err(|error| {
        if let crate::server::services::auth::SignInError::Throttled { wait_secs } = &error {
            support::set_header(axum::http::header::RETRY_AFTER, &wait_secs.to_string());
        }
        support::refuse(error)
    })?;
    support::set_cookie(&signed_in.cookie);
    leptos_axum::redirect("/");
    Ok(())
}

/// Ends the current session on the server and removes its cookie.
#[server(endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), ApiError> {
    use crate::api::support;
    use crate::server::{auth, services};

    let state = support::state()?;
    let request = support::request()?;
    let token = auth::session_token(&request.headers);
    services::auth::sign_out(&state.db, token.as_deref())
        .await
        .map_err(|error| support::internal("sign-out", error))?;
    support::set_cookie(&auth::clear_cookie(&state.sessions));
    leptos_axum::redirect("/sign-in");
    Ok(())
}
