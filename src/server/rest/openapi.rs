//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations, the
//! shapes of [`super::schema`] and the webhooks of [`super::events`], served at
//! `/api/v1/openapi.json` (and printed by `billing-reports openapi`).

use std::sync::LazyLock;

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use super::{actions, events, reports, usage};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Billing Reports API",
        version = "1",
        description = "Read and act on billing reports from your own systems. Every call \
            carries an API token (`Authorization: Bearer brt_...`), created by an administrator \
            of your organisation on the API tokens page; a token reads what its organisation may \
            read and, with the `act` scope, acts as a billing manager would. Every action is in \
            the report's history under the token's name.\n\n\
            Acting on a report takes its version: read the report, then send its `ETag` back as \
            `If-Match`. If someone changed the report meanwhile, nothing happens and the answer \
            is 412 with the version now. Send an `Idempotency-Key` to retry safely. Refusals \
            are `application/problem+json` (RFC 9457) with a stable `code` and a `detail` in \
            the words the app shows. Each token may make 600 calls a minute (120 at once); \
            beyond, 429 with `Retry-After`.\n\n\
            Instead of asking again and again, your systems can be told: an administrator adds \
            their addresses on the Webhooks page (HTTPS; HTTP only to this machine) and picks \
            the events. Each event is a signed `POST` described under Webhooks below."
    ),
    paths(reports::list, reports::show, usage::import),
    components(schemas(events::WebhookEventBody, events::WebhookEventReport)),
    modifiers(&BearerToken),
    tags(
        (name = "Reports", description = "Reading reports."),
        (name = "Actions", description = "Moving a report through its month: each needs `If-Match`."),
        (name = "Usage", description = "The vendor's usage feed, from which the month's reports are generated."),
        (name = "Webhooks", description = "What your systems are sent when something happens to a report.")
    )
)]
struct Document;

/// The `api_token` security scheme the operations name.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token: `brt_` and 64 hex digits. Scopes: `read`, `act`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The whole document, with its `webhooks` (which the generator does not know of).
pub fn document() -> serde_json::Value {
    let mut document = Document::openapi();
    document.merge(actions::Documented::openapi());
    let mut document = serde_json::to_value(document).unwrap_or_default();
    document["webhooks"] = events::webhooks();
    document
}

static JSON: LazyLock<String> =
    LazyLock::new(|| serde_json::to_string_pretty(&document()).unwrap_or_default());

/// `GET /api/v1/openapi.json`: public, like the reference page (it describes, it holds no data).
pub async fn serve() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], JSON.as_str()).into_response()
}
