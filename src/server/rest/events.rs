//! The webhooks in the OpenAPI document (its `webhooks` section, OpenAPI 3.1): one `POST` per
//! event of [`WebhookEvent::all`], with the headers every delivery carries and the body's shape,
//! so that a receiver can be written from the reference page alone.

use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::domain::webhook::{SIGNATURE_HEADER, WebhookEvent};

/// The body of every webhook delivery (the same for every try of one event).
#[derive(Clone, Debug, ToSchema)]
pub struct WebhookEventBody {
    /// The event's id, `evt_` and 24 hex digits: the same on every try and for every endpoint
    /// told of it. Receivers use it to ignore repeats.
    pub id: String,
    /// The event, e.g. `report.submitted`; also in the `Billing-Reports-Event` header.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it happened (UTC, RFC 3339).
    pub occurred_at: String,
    pub report: WebhookEventReport,
}

/// The report an event is about: no amounts (read the report through `href`, in your
/// organisation's shape, for those).
#[derive(Clone, Debug, ToSchema)]
pub struct WebhookEventReport {
    pub id: i64,
    /// The report's month, `YYYY-MM`.
    pub period: String,
    pub partner: String,
    pub distributor: String,
    /// As `status` of `GET /api/v1/reports/{id}`.
    pub status: String,
    /// As `sub_status` of `GET /api/v1/reports/{id}`.
    pub sub_status: Option<String>,
    /// The report's version after the event: `If-Match: "v{version}"` to act on it next.
    pub version: i64,
    /// Where to read it: `/api/v1/reports/{id}`.
    pub href: String,
}

const DELIVERY: &str = "Sent to every endpoint of an organisation that asked for this event and \
    may read the report (a partner is never told of another's report, nor of the deliveries to \
    the vendor). Answer 2xx within 10 seconds once the event is stored. Any other answer, or \
    none, is tried again after 30 seconds, then twice as long each time up to an hour, 12 tries \
    in all; redirects are not followed. Every try carries the same body and event id, so a \
    repeat can be recognised.";

/// The `webhooks` section: one entry per event.
pub fn webhooks() -> Value {
    let header = |name: &str, description: &str| {
        json!({
            "name": name,
            "in": "header",
            "required": true,
            "description": description,
            "schema": { "type": "string" },
        })
    };
    let parameters = json!([
        header(
            SIGNATURE_HEADER,
            "`t=TIMESTAMP,v1=SIGNATURE`: TIMESTAMP is the try's Unix time in seconds; SIGNATURE \
             is the HMAC-SHA256, in lower-case hex, of `TIMESTAMP.BODY` (the timestamp, a full \
             stop, and the raw body) keyed with the endpoint's secret (`whsec_...`, shown once \
             when the endpoint is added). Compute it over the bytes received, compare in \
             constant time, and refuse a timestamp more than five minutes away from your clock."
        ),
        header("Billing-Reports-Event", "The event, as `type` in the body."),
        header(
            "Billing-Reports-Event-Id",
            "The event's id, as `id` in the body: the same on every try."
        ),
    ]);
    let entries = WebhookEvent::all().into_iter().map(|event| {
        let operation = json!({
            "summary": event.label(),
            "description": DELIVERY,
            "operationId": event.as_code(),
            "tags": ["Webhooks"],
            "parameters": parameters,
            "requestBody": {
                "required": true,
                "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/WebhookEventBody" }
                } },
            },
            "responses": {
                "2XX": { "description": "Received: the event is not sent again." },
                "default": { "description": "Not received: tried again later." },
            },
        });
        (event.as_code().to_owned(), json!({ "post": operation }))
    });
    Value::Object(entries.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::webhook::{EventBody, EventReport};

    fn keys(value: &Value) -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().expect("object").keys().cloned().collect();
        keys.sort();
        keys
    }

    /// The documented shape is the one sent: the same fields, at both levels.
    #[test]
    fn the_documented_body_is_the_body_sent() {
        let sent = serde_json::to_value(EventBody {
            id: "evt_1".to_owned(),
            kind: "report.completed".to_owned(),
            occurred_at: "2026-12-01T00:00:00Z".to_owned(),
            report: EventReport {
                id: 1,
                period: "2026-11".to_owned(),
                partner: "P".to_owned(),
                distributor: "D".to_owned(),
                status: "completed".to_owned(),
                sub_status: None,
                version: 3,
                href: "/api/v1/reports/1".to_owned(),
            },
        })
        .expect("JSON");
        let documented = |schema: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>| {
            serde_json::to_value(schema).expect("JSON")["properties"].clone()
        };
        let body = documented(<WebhookEventBody as utoipa::PartialSchema>::schema());
        let report = documented(<WebhookEventReport as utoipa::PartialSchema>::schema());
        assert_eq!(keys(&sent), keys(&body));
        assert_eq!(keys(&sent["report"]), keys(&report));
    }

    #[test]
    fn every_event_is_documented() {
        let webhooks = webhooks();
        for event in WebhookEvent::all() {
            assert_eq!(
                webhooks[event.as_code()]["post"]["summary"],
                event.label(),
                "{event:?}"
            );
        }
        assert_eq!(keys(&webhooks).len(), WebhookEvent::all().len());
    }
}
