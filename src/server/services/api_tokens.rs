//! API tokens: creating one (shown once, stored as a hash), listing and revoking an
//! organisation's, and knowing the caller of a `/api/v1` request by its bearer token. Who may do
//! what with a token is the domain's (`domain::api_token`).

use super::{ServiceError, UserCaller};
use crate::domain::{
    api_token::{self, Scope, TokenItem},
    policy::Role,
};
use crate::server::{
    auth::{self, Session},
    db::{Db, SqlError, api_tokens, now_utc, rfc3339},
    digest,
    state::AppState,
};

/// A token just created: its value is shown this once and never again.
#[derive(Clone, Debug)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    pub value: String,
}

/// Who asks through the public API: the token's user, with the token's scope, named in the
/// history as acting through it.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub token_id: i64,
    pub scope: Scope,
    pub session: Session,
}

/// Creates a token of `scope` named `name` for the user `holder_email`. `creator` is the
/// administrator creating it in the app (of the holder's organisation), or `None` from the
/// command line.
pub async fn create(
    db: &Db,
    creator: Option<&UserCaller>,
    holder_email: &str,
    name: &str,
    scope: Scope,
) -> Result<CreatedToken, ServiceError> {
    let name =
        api_token::parse_name(name).map_err(|error| ServiceError::Invalid(error.to_string()))?;
    // A user of another organisation is as unknown to an administrator as one who does not
    // exist.
    let unknown =
        || ServiceError::Invalid(format!("No user has the email address {holder_email}."));
    let (holder_id, holder_role, holder_org) =
        api_tokens::user_by_email(db, &holder_email.trim().to_lowercase())
            .await?
            .ok_or_else(unknown)?;
    let holder_role = Role::from_code(&holder_role).ok_or_else(unknown)?;
    if creator.is_some_and(|creator| creator.actor.org_id != holder_org) {
        return Err(unknown());
    }
    api_token::may_create(
        creator.map(|creator| creator.actor.role),
        holder_role,
        scope,
    )?;
    let value = format!("{}{}", api_token::PREFIX, digest::random_hex::<32>());
    let created_by = creator.map_or("the command line", |creator| creator.name.as_str());
    let id = api_tokens::insert(
        db,
        &api_tokens::NewToken {
            user_id: holder_id,
            name: &name,
            scope: scope.as_code(),
            token_hash: &digest::sha256_hex(value.as_bytes()),
            created_at: &now_utc(),
            created_by,
        },
    )
    .await?;
    Ok(CreatedToken { id, name, value })
}

/// Revokes one of the organisation's tokens; from the next request on it opens nothing.
pub async fn revoke(db: &Db, user: &UserCaller, token_id: i64) -> Result<(), ServiceError> {
    api_token::may_manage(user.actor.role)?;
    if api_tokens::revoke(db, user.actor.org_id, token_id, &now_utc()).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The organisation's tokens (never their values), newest first.
pub async fn items(db: &Db, user: &UserCaller) -> Result<Vec<TokenItem>, ServiceError> {
    api_token::may_manage(user.actor.role)?;
    let rows = api_tokens::of_org(db, user.actor.org_id).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(TokenItem {
                id: row.id,
                scope: Scope::from_code(&row.scope)?,
                name: row.name,
                user_name: row.user_name,
                created_at: row.created_at,
                created_by: row.created_by,
                last_used_at: row.last_used_at,
                revoked_at: row.revoked_at,
            })
        })
        .collect())
}

/// The caller of a request bearing `value`: `None` for anything that is not a live token whose
/// user may still use it.
pub async fn authenticate(state: &AppState, value: &str) -> Result<Option<ApiCaller>, SqlError> {
    if !api_token::well_formed(value) {
        return Ok(None);
    }
    let Some(row) = api_tokens::find(&state.db, &digest::sha256_hex(value.as_bytes())).await?
    else {
        return Ok(None);
    };
    let Some(scope) = Scope::from_code(&row.scope) else {
        return Ok(None);
    };
    let Some(mut session) = auth::session_of(state, row.user, |role| scope.role_for(role)) else {
        return Ok(None);
    };
    session.caller.name = api_token::actor_name(&session.caller.name, &row.token_name);
    let now = time::OffsetDateTime::now_utc();
    api_tokens::touch(
        &state.db,
        row.token_id,
        &rfc3339(now),
        &rfc3339(now - time::Duration::minutes(1)),
    )
    .await?;
    Ok(Some(ApiCaller {
        token_id: row.token_id,
        scope,
        session,
    }))
}
