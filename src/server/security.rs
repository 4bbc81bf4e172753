//! What every response carries and what every request must respect: security headers on all
//! responses (pages add their own script nonce to the Content-Security-Policy), `no-store` on
//! every answer that is not a static file (`no-cache` on those, a year for the bundle files
//! named after their content), and no state
//! change from another site — a non-GET request with a foreign `Origin` or
//! `Sec-Fetch-Site: cross-site` is refused before it reaches any handler.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::state::AppState;

/// The policy for everything that is not a page: nothing may run, frame or embed it.
const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

/// The policy for a rendered page, allowing its own scripts (by nonce) and WASM.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cross_site = is_cross_site(request.headers(), state.public_origin.as_deref());
    let immutable = state.assets.is_immutable(request.uri().path());
    let mut response = if changes_state(request.method()) && cross_site {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        (
            StatusCode::FORBIDDEN,
            "Requests from other sites are not accepted.",
        )
            .into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(headers, header::CONTENT_SECURITY_POLICY, STRICT_CSP);
    }
    // Pages, server functions and downloads are answered for one user, and many show prices:
    // nothing may keep them. Static files (the only answers with a modification date) may be
    // kept, but are checked again on every use (a 304 when unchanged), so that a browser never
    // runs an older release's bundle against a newer server. A bundle file named after its
    // content never changes, so it is kept for a year without asking.
    if !headers.contains_key(header::CACHE_CONTROL) {
        let file = headers.contains_key(header::LAST_MODIFIED);
        let policy = if file && immutable {
            super::assets::IMMUTABLE
        } else if file {
            "no-cache"
        } else {
            "no-store"
        };
        set(headers, header::CACHE_CONTROL, policy);
    }
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if state.sessions.secure_cookies {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A request another site made the browser send: its `Origin` is not the app's public origin
/// (when one is set), or not the request's own `Host` (when none is).
fn is_cross_site(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if header("sec-fetch-site") == Some("cross-site") {
        return true;
    }
    match (header("origin"), header("host"), public_origin) {
        (None, _, _) => false,
        (Some(origin), _, Some(public)) => !origin.eq_ignore_ascii_case(public),
        (Some(origin), Some(host), None) => {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            !origin_host.eq_ignore_ascii_case(host)
        }
        (Some(_), None, None) => true,
    }
}
