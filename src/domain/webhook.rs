//! Webhooks: the events an organisation may be told of, which history entries raise them, where
//! they may be sent, who receives each one, and how a delivery is signed. The body tells what
//! happened and to which report, with nothing a receiver's organisation could not read in the
//! app (no amounts at all: the receiver reads the report through the API, in its own shape).

use serde::{Deserialize, Serialize};

use super::{
    HistoryEvent, Period,
    delivery::{DeliveryState, DeliveryStatus},
    policy::{self, Actor, OrgKind, ReportOwners, Role},
};

/// What a webhook can tell of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WebhookEvent {
    ReportGenerated,
    ReportSubmitted,
    ReportAutoSubmitted,
    /// Returned to the partner by the distributor, or to the distributor by the vendor.
    ReportReturned,
    /// Sent to the vendor, by the distributor or when the review window ended.
    ReportSubmittedToVendor,
    ReportCompleted,
    /// The delivery of a submitted report to the vendor's system was given up.
    DeliveryFailed,
}

impl WebhookEvent {
    pub const fn all() -> [WebhookEvent; 7] {
        [
            WebhookEvent::ReportGenerated,
            WebhookEvent::ReportSubmitted,
            WebhookEvent::ReportAutoSubmitted,
            WebhookEvent::ReportReturned,
            WebhookEvent::ReportSubmittedToVendor,
            WebhookEvent::ReportCompleted,
            WebhookEvent::DeliveryFailed,
        ]
    }

    /// The event's name in bodies, headers and storage.
    pub const fn as_code(&self) -> &'static str {
        match self {
            WebhookEvent::ReportGenerated => "report.generated",
            WebhookEvent::ReportSubmitted => "report.submitted",
            WebhookEvent::ReportAutoSubmitted => "report.auto_submitted",
            WebhookEvent::ReportReturned => "report.returned",
            WebhookEvent::ReportSubmittedToVendor => "report.submitted_to_vendor",
            WebhookEvent::ReportCompleted => "report.completed",
            WebhookEvent::DeliveryFailed => "delivery.failed",
        }
    }

    pub fn from_code(code: &str) -> Option<WebhookEvent> {
        WebhookEvent::all()
            .into_iter()
            .find(|event| event.as_code() == code)
    }

    pub const fn label(&self) -> &'static str {
        match self {
            WebhookEvent::ReportGenerated => "Report generated",
            WebhookEvent::ReportSubmitted => "Submitted by the partner",
            WebhookEvent::ReportAutoSubmitted => "Auto-submitted at the deadline",
            WebhookEvent::ReportReturned => "Returned",
            WebhookEvent::ReportSubmittedToVendor => "Submitted to the vendor",
            WebhookEvent::ReportCompleted => "Completed by the vendor",
            WebhookEvent::DeliveryFailed => "Delivery to the vendor failed",
        }
    }

    /// The event a history entry raises, if any.
    pub const fn for_history(event: HistoryEvent) -> Option<WebhookEvent> {
        match event {
            HistoryEvent::Generated => Some(WebhookEvent::ReportGenerated),
            HistoryEvent::Submitted => Some(WebhookEvent::ReportSubmitted),
            HistoryEvent::AutoSubmitted { .. } => Some(WebhookEvent::ReportAutoSubmitted),
            HistoryEvent::ReturnedToPartner | HistoryEvent::ReturnedByVendor => {
                Some(WebhookEvent::ReportReturned)
            }
            HistoryEvent::SubmittedToVendor | HistoryEvent::AutoApproved => {
                Some(WebhookEvent::ReportSubmittedToVendor)
            }
            HistoryEvent::Completed => Some(WebhookEvent::ReportCompleted),
            HistoryEvent::UsageImported
            | HistoryEvent::DraftSaved
            | HistoryEvent::PoNumberSet
            | HistoryEvent::PricingCodeApplied
            | HistoryEvent::PricingReset
            | HistoryEvent::PricingCodeRemoved
            | HistoryEvent::DeliveredToVendor => None,
        }
    }
}

/// Stored form of an endpoint's events: their codes, separated by commas.
pub fn events_code(events: &[WebhookEvent]) -> String {
    events
        .iter()
        .map(WebhookEvent::as_code)
        .collect::<Vec<_>>()
        .join(",")
}

/// The events stored as [`events_code`] wrote them (unknown codes are skipped).
pub fn events_from_code(code: &str) -> Vec<WebhookEvent> {
    code.split(',')
        .filter_map(WebhookEvent::from_code)
        .collect()
}

/// Why an endpoint was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum EndpointError {
    #[error("Please give the address that receives the events, starting with https://.")]
    UrlMissing,
    #[error("An address can have at most {URL_MAX_CHARS} characters.")]
    UrlTooLong,
    #[error(
        "The address must start with https:// (plain http:// is only accepted for this machine: localhost or 127.0.0.1)."
    )]
    UrlNotHttps,
    #[error("The address needs a host name after https://, without a user name or password.")]
    UrlHost,
    #[error("Please choose at least one event to receive.")]
    NoEvents,
}

pub const URL_MAX_CHARS: usize = 500;

/// An endpoint's address as typed: trimmed; `https://` with a host (no credentials, no spaces),
/// or `http://` to a loopback host (a receiver on the same machine, for development).
pub fn parse_url(input: &str) -> Result<String, EndpointError> {
    let url = input.trim();
    if url.is_empty() {
        return Err(EndpointError::UrlMissing);
    }
    if url.chars().count() > URL_MAX_CHARS {
        return Err(EndpointError::UrlTooLong);
    }
    let lower = url.to_ascii_lowercase();
    let (secure, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(EndpointError::UrlNotHttps);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty()
        || authority.contains('@')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(EndpointError::UrlHost);
    }
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err(EndpointError::UrlHost);
    }
    if !secure && !is_loopback(host) {
        return Err(EndpointError::UrlNotHttps);
    }
    Ok(url.to_owned())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "::1"
        || host
            .strip_prefix("127.")
            .is_some_and(|rest| rest.split('.').all(|part| part.parse::<u8>().is_ok()))
}

/// The events chosen for an endpoint, in their canonical order; at least one.
pub fn parse_events(codes: &[String]) -> Result<Vec<WebhookEvent>, EndpointError> {
    let events: Vec<WebhookEvent> = WebhookEvent::all()
        .into_iter()
        .filter(|event| codes.iter().any(|code| code == event.as_code()))
        .collect();
    if events.is_empty() {
        Err(EndpointError::NoEvents)
    } else {
        Ok(events)
    }
}

/// An organisation as a receiver of events: what [`receives`] judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receiver {
    pub org_id: i64,
    pub org_kind: OrgKind,
    pub region_enabled: bool,
}

/// Whether `receiver`, subscribed to `subscribed`, is sent `event` about a report held by
/// `owners`: only for an event it asked for, only about a report its organisation may read in
/// the app (the rule is `policy::can_see`), and a delivery's failure only to those who see where
/// deliveries stand (`Viewer::sees_delivery`: not the partner).
pub fn receives(
    receiver: Receiver,
    subscribed: &[WebhookEvent],
    event: WebhookEvent,
    owners: &ReportOwners,
) -> bool {
    let reader = Actor {
        user_id: 0,
        org_id: receiver.org_id,
        org_kind: receiver.org_kind,
        role: Role::Support,
        region_enabled: receiver.region_enabled,
    };
    subscribed.contains(&event)
        && policy::can_see(&reader, owners)
        && (event != WebhookEvent::DeliveryFailed || reader.viewer().sees_delivery())
}

/// Prefix of an endpoint's signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// The header that carries a delivery's signature.
pub const SIGNATURE_HEADER: &str = "Billing-Reports-Signature";

/// The bytes a delivery's signature covers: the timestamp (seconds since 1970, the same as in
/// the header), a dot, and the body exactly as sent. The receiver recomputes the HMAC-SHA256 of
/// this with its secret and compares; it refuses timestamps older than a few minutes.
pub fn signed_content(timestamp: i64, body: &str) -> String {
    format!("{timestamp}.{body}")
}

/// The signature header's value: `t=TIMESTAMP,v1=HEX` (HEX the HMAC-SHA256 of
/// [`signed_content`] keyed with the endpoint's secret).
pub fn signature_value(timestamp: i64, hmac_hex: &str) -> String {
    format!("t={timestamp},v1={hmac_hex}")
}

/// What the body of every delivery says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBody {
    /// The same for every endpoint told of this event: receivers use it to ignore repeats.
    pub id: String,
    /// The event's code, e.g. `report.submitted`.
    #[serde(rename = "type")]
    pub kind: String,
    pub occurred_at: String,
    pub report: EventReport,
}

/// The report an event is about, as every organisation that may read it sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventReport {
    pub id: i64,
    /// `YYYY-MM`.
    pub period: String,
    pub partner: String,
    pub distributor: String,
    /// The status code of the API (`GET /api/v1/reports/{id}`).
    pub status: String,
    pub sub_status: Option<String>,
    /// The report's version after the event: the `If-Match` to act on it next.
    pub version: i64,
    /// Where to read it, in the reader's shape.
    pub href: String,
}

/// An endpoint as its organisation's administrators see it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointItem {
    pub id: i64,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub created_at: String,
    pub created_by: String,
}

/// One delivery in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryLogItem {
    pub id: i64,
    pub endpoint_url: String,
    pub event: String,
    pub report_id: i64,
    /// The report's partner and month, to name it by.
    pub partner: String,
    pub period: Period,
    pub state: DeliveryState,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    /// Its endpoint was removed since: it is kept for the log, and not sent again.
    pub endpoint_removed: bool,
}

impl DeliveryLogItem {
    /// Whether it may be sent again: once it was delivered or given up (a pending one is on
    /// its way already), and while its endpoint is registered.
    pub fn may_resend(&self) -> bool {
        self.state != DeliveryState::Pending && !self.endpoint_removed
    }

    /// Where it stands in a few words: "Delivered", "Delivery pending, 2 tries so far".
    pub fn describe(&self) -> String {
        DeliveryStatus {
            state: self.state,
            attempts: self.attempts,
            reference: None,
        }
        .describe()
    }

    /// The event's words, or its code when this version does not know it.
    pub fn event_label(&self) -> String {
        WebhookEvent::from_code(&self.event)
            .map_or_else(|| self.event.clone(), |event| event.label().to_owned())
    }
}

/// The webhooks page: the organisation's endpoints and its latest deliveries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksPage {
    pub endpoints: Vec<EndpointItem>,
    pub deliveries: Vec<DeliveryLogItem>,
}

/// An endpoint just registered, with its secret shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEndpoint {
    pub id: i64,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_https_or_loopback_http() {
        for ok in [
            "https://erp.example.com/hooks/billing",
            "  https://erp.example.com:8443/x?y=1 ",
            "http://localhost:9000/hook",
            "http://127.0.0.1:40123/hook",
            "http://[::1]:8080/",
        ] {
            assert!(parse_url(ok).is_ok(), "{ok}");
        }
        for (bad, error) in [
            ("", EndpointError::UrlMissing),
            ("http://erp.example.com/hook", EndpointError::UrlNotHttps),
            ("http://127.0.0.1.evil.example/", EndpointError::UrlNotHttps),
            ("ftp://erp.example.com/", EndpointError::UrlNotHttps),
            ("erp.example.com/hook", EndpointError::UrlNotHttps),
            ("https://", EndpointError::UrlHost),
            ("https://user:pw@erp.example.com/", EndpointError::UrlHost),
            ("https://erp.example.com/a b", EndpointError::UrlHost),
        ] {
            assert_eq!(parse_url(bad), Err(error), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX_CHARS));
        assert_eq!(parse_url(&long), Err(EndpointError::UrlTooLong));
    }

    #[test]
    fn events_round_trip_and_need_one() {
        let all: Vec<String> = WebhookEvent::all()
            .iter()
            .map(|event| event.as_code().to_owned())
            .collect();
        let parsed = parse_events(&all).unwrap();
        assert_eq!(events_from_code(&events_code(&parsed)), parsed);
        assert_eq!(
            parse_events(&["nope".to_owned()]),
            Err(EndpointError::NoEvents)
        );
    }

    #[test]
    fn each_history_event_raises_at_most_one_webhook_event() {
        let raised: Vec<WebhookEvent> = HistoryEvent::all()
            .into_iter()
            .filter_map(WebhookEvent::for_history)
            .collect();
        // Every webhook event but the delivery's failure comes from the history.
        for event in WebhookEvent::all() {
            assert_eq!(
                raised.contains(&event),
                event != WebhookEvent::DeliveryFailed,
                "{event:?}"
            );
        }
    }

    #[test]
    fn receivers_read_what_they_could_read_in_the_app() {
        let owners = ReportOwners {
            partner_org_id: 10,
            distributor_org_id: 20,
            received_by_vendor: false,
        };
        let receiver = |org_id, org_kind| Receiver {
            org_id,
            org_kind,
            region_enabled: true,
        };
        let all = WebhookEvent::all();
        let event = WebhookEvent::ReportSubmitted;
        assert!(receives(
            receiver(10, OrgKind::Partner),
            &all,
            event,
            &owners
        ));
        assert!(receives(
            receiver(20, OrgKind::Distributor),
            &all,
            event,
            &owners
        ));
        assert!(!receives(
            receiver(11, OrgKind::Partner),
            &all,
            event,
            &owners
        ));
        assert!(!receives(
            receiver(21, OrgKind::Distributor),
            &all,
            event,
            &owners
        ));
        assert!(!receives(
            receiver(30, OrgKind::Vendor),
            &all,
            event,
            &owners
        ));
        let received = ReportOwners {
            received_by_vendor: true,
            ..owners
        };
        assert!(receives(
            receiver(30, OrgKind::Vendor),
            &all,
            event,
            &received
        ));
        // Only what was asked for; nothing in a region without billing reports.
        assert!(!receives(
            receiver(10, OrgKind::Partner),
            &[WebhookEvent::ReportCompleted],
            event,
            &owners
        ));
        let disabled = Receiver {
            region_enabled: false,
            ..receiver(20, OrgKind::Distributor)
        };
        assert!(!receives(disabled, &all, event, &owners));
        // Where a delivery stands is not the partner's to know.
        let failed = WebhookEvent::DeliveryFailed;
        assert!(!receives(
            receiver(10, OrgKind::Partner),
            &all,
            failed,
            &received
        ));
        assert!(receives(
            receiver(20, OrgKind::Distributor),
            &all,
            failed,
            &received
        ));
        assert!(receives(
            receiver(30, OrgKind::Vendor),
            &all,
            failed,
            &received
        ));
    }

    #[test]
    fn only_a_settled_delivery_to_a_registered_endpoint_is_resent() {
        let item = |state, endpoint_removed| DeliveryLogItem {
            id: 1,
            endpoint_url: "https://erp.example.com/hook".to_owned(),
            event: "report.completed".to_owned(),
            report_id: 7,
            partner: "Harbor IT".to_owned(),
            period: Period::parse("2026-10").expect("period"),
            state,
            attempts: 2,
            last_status: Some(500),
            last_error: None,
            created_at: "2026-12-01T00:00:00Z".to_owned(),
            delivered_at: None,
            endpoint_removed,
        };
        assert!(item(DeliveryState::Delivered, false).may_resend());
        assert!(item(DeliveryState::Failed, false).may_resend());
        assert!(!item(DeliveryState::Pending, false).may_resend());
        assert!(!item(DeliveryState::Failed, true).may_resend());
        let pending = item(DeliveryState::Pending, false);
        assert_eq!(pending.describe(), "Delivery pending, 2 tries so far");
        assert_eq!(pending.event_label(), "Completed by the vendor");
    }
}
