//! Who calls the public API: the bearer token's user (a session cookie opens nothing here), and
//! each token's allowance of calls, kept per server process.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{
    extract::FromRequestParts,
    http::{StatusCode, header, request::Parts},
};

use super::problem::Problem;
use crate::domain::api_token::{Allowance, PER_MINUTE};
use crate::server::{
    services::api_tokens::{self, ApiCaller},
    state::AppState,
};

/// Each token's allowance of calls in this process, by the token's id.
#[derive(Clone, Debug)]
pub struct Allowances {
    started: Instant,
    by_token: Arc<Mutex<HashMap<i64, Allowance>>>,
}

impl Default for Allowances {
    fn default() -> Self {
        Allowances {
            started: Instant::now(),
            by_token: Arc::default(),
        }
    }
}

impl Allowances {
    /// Takes one call from the token's allowance, or answers how many seconds to wait.
    fn take(&self, token_id: i64) -> Result<(), u64> {
        let now_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut by_token = self
            .by_token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let allowance = by_token
            .get(&token_id)
            .copied()
            .unwrap_or_else(|| Allowance::full(now_ms));
        let left = allowance.take(now_ms)?;
        by_token.insert(token_id, left);
        Ok(())
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(Problem::unauthenticated)?;
        let caller = api_tokens::authenticate(state, token)
            .await
            .map_err(|error| Problem::internal(&parts.headers, "reading an API token", error))?
            .ok_or_else(Problem::unauthenticated)?;
        if let Err(wait) = state.api_allowances.take(caller.token_id) {
            return Err(Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "This token has made more than {PER_MINUTE} calls a minute. \
                     Please wait {wait} s and try again."
                ),
            )
            .retry_after(wait));
        }
        Ok(caller)
    }
}
