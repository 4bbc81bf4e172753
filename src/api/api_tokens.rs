//! The API tokens page's server functions, for an organisation's administrators: the list, a
//! new token (its value answered this once), and revoking one. The services check who may.

use leptos::prelude::*;

use super::ApiError;
use crate::domain::api_token::{NewToken, TokenItem};

/// The organisation's tokens, newest first.
#[server(endpoint = "api-tokens/list")]
pub async fn list_api_tokens() -> Result<Vec<TokenItem>, ApiError> {
    use crate::api::support;
    use crate::server::services::api_tokens;

    let session = support::require_session().await?;
    let state = support::state()?;
    api_tokens::items(&state.db, &session.caller)
        .await
        .map_err(support::refuse)
}

/// A new token named `name` with `scope` (`read` or `act`), acting as the caller.
#[server(endpoint = "api-tokens/create")]
pub async fn create_api_token(name: String, scope: String) -> Result<NewToken, ApiError> {
    use crate::api::support;
    use crate::domain::api_token::Scope;
    use crate::server::services::api_tokens;

    let session = support::require_session().await?;
    let state = support::state()?;
    let scope = Scope::from_code(&scope).ok_or_else(|| {
        support::refuse(ApiError::Invalid(
            "Please choose what the token may do.".to_owned(),
        ))
    })?;
    let created = api_tokens::create(
        &state.db,
        Some(&session.caller),
        &session.current.email,
        &name,
        scope,
    )
    .await
    .map_err(support::refuse)?;
    Ok(NewToken {
        name: created.name,
        value: created.value,
    })
}

/// Revokes token `id` of the caller's organisation.
#[server(endpoint = "api-tokens/revoke")]
pub async fn revoke_api_token(id: i64) -> Result<(), ApiError> {
    use crate::api::support;
    use crate::server::services::api_tokens;

    let session = support::require_session().await?;
    let state = support::state()?;
    api_tokens::revoke(&state.db, &session.caller, id)
        .await
        .map_err(support::refuse)
}
