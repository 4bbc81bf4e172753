//! `Idempotency-Key`: the first answer to an action is kept for 24 hours under the token and
//! the key, and a retry of the same request gets that answer again without acting twice. A key
//! reused for a different request, or sent again while its first request still runs, is refused.

use axum::http::{HeaderMap, StatusCode};

use super::problem::Problem;
use crate::server::{
    db::{
        Db,
        api_tokens::{self, Forget},
    },
    digest,
};

pub const HEADER: &str = "idempotency-key";
/// How long an answer is kept.
pub const KEEP_SECS: i64 = 24 * 60 * 60;
/// A request still marked as running after this long was cut off (its server stopped): its key
/// is free again, and the report's version tells whether it acted.
pub const ABANDONED_SECS: i64 = 60;

/// The key a request carries, if any: 1–255 visible ASCII characters.
pub fn key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(text)
            if (1..=255).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(Some(text.to_owned()))
        }
        _ => Err(Problem::invalid(
            "An Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.",
        )),
    }
}

/// What a request's key holds.
pub enum Claim {
    /// The key is this request's now: act, then [`keep`] the answer.
    Fresh,
    /// The answer to the same request, to send again.
    Replay { status: StatusCode, body: String },
}

/// Claims `key` for the request whose parts hash to `request`.
pub async fn claim(
    db: &Db,
    headers: &HeaderMap,
    token_id: i64,
    key: &str,
    request: &[&[u8]],
    now: i64,
) -> Result<Claim, Problem> {
    let request_hash = digest::sha256_hex(&request.join(&0_u8));
    let forget = Forget {
        expired: now - KEEP_SECS,
        abandoned: now - ABANDONED_SECS,
    };
    let kept = api_tokens::claim_key(db, token_id, key, &request_hash, now, forget)
        .await
        .map_err(|error| Problem::internal(headers, "claiming an idempotency key", error))?;
    match kept {
        None => Ok(Claim::Fresh),
        Some(kept) if kept.request_hash != request_hash => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request. Use a new key for each \
             new request, and the same key only to retry it.",
        )),
        Some(kept) if kept.status == 0 => Err(Problem::new(
            StatusCode::CONFLICT,
            "idempotency_key_in_use",
            "A request with this Idempotency-Key is still being answered. Please retry in a moment.",
        )),
        Some(kept) => Ok(Claim::Replay {
            status: u16::try_from(kept.status)
                .ok()
                .and_then(|status| StatusCode::from_u16(status).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: kept.body,
        }),
    }
}

/// Keeps the answer to a claimed key; an answer that failed on our side frees the key instead,
/// so that a retry may act.
pub async fn keep(db: &Db, token_id: i64, key: &str, status: StatusCode, body: &str) {
    let kept = if status.is_server_error() {
        api_tokens::release_key(db, token_id, key).await
    } else {
        api_tokens::keep_answer(db, token_id, key, i64::from(status.as_u16()), body).await
    };
    if let Err(error) = kept {
        tracing::error!(%error, "keeping the answer to an idempotency key");
    }
}
