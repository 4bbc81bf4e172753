//! Webhooks as stored (migration 0014): the organisations' endpoints, and the outbox of events
//! sent to them. Which endpoint is told of which event is the domain's (`domain::webhook`);
//! these queries load what it judges and store what it decided.

use sqlx::{AnyConnection, FromRow};

use super::{Db, SqlError};
use crate::domain::{
    Status,
    delivery::DeliveryState,
    policy::{OrgKind, ReportOwners},
    webhook::{self, DeliveryLogItem, EventBody, EventReport, Receiver, WebhookEvent},
};
use crate::server::digest;

/// An endpoint that is not removed.
#[derive(Clone, Debug, FromRow)]
pub struct EndpointRow {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub created_at: String,
    pub created_by: String,
}

pub struct NewEndpoint<'a> {
    pub org_id: i64,
    pub url: &'a str,
    pub events: &'a str,
    pub secret: &'a str,
    pub created_at: &'a str,
    pub created_by: &'a str,
}

pub async fn insert_endpoint(db: &Db, endpoint: &NewEndpoint<'_>) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (org_id, url, events, secret, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(endpoint.org_id)
    .bind(endpoint.url)
    .bind(endpoint.events)
    .bind(endpoint.secret)
    .bind(endpoint.created_at)
    .bind(endpoint.created_by)
    .fetch_one(db.pool())
    .await
}

/// The organisation's endpoints, newest first.
pub async fn endpoints_of_org(db: &Db, org_id: i64) -> Result<Vec<EndpointRow>, SqlError> {
    sqlx::query_as(
        "SELECT id, url, events, created_at, created_by FROM webhook_endpoints \
         WHERE org_id = $1 AND removed_at IS NULL ORDER BY id DESC",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await
}

/// Removes one of the organisation's endpoints (kept for the log); false when it has none such.
pub async fn remove_endpoint(db: &Db, org_id: i64, id: i64, now: &str) -> Result<bool, SqlError> {
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET removed_at = $3 \
         WHERE id = $1 AND org_id = $2 AND removed_at IS NULL",
    )
    .bind(id)
    .bind(org_id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(FromRow)]
struct ReportFacts {
    partner_id: i64,
    distributor_id: i64,
    received_by_vendor: i64,
    status: String,
    sub_status: Option<String>,
    version: i64,
    period: i64,
    partner: String,
    distributor: String,
}

#[derive(FromRow)]
struct LiveEndpoint {
    id: i64,
    events: String,
    org_id: i64,
    org_kind: String,
    partner_status: Option<String>,
    region_enabled: Option<i64>,
}

/// Writes `event` about report `report_id`, as it stands now in this transaction, to the outbox
/// of every endpoint that asked for it and whose organisation may read the report. Called by
/// the transaction that makes the change, so the event is sent if and only if the change stays.
pub async fn announce(
    conn: &mut AnyConnection,
    report_id: i64,
    event: WebhookEvent,
    now: &str,
) -> Result<(), SqlError> {
    let endpoints: Vec<LiveEndpoint> = sqlx::query_as(
        "SELECT e.id, e.events, o.id AS org_id, o.kind AS org_kind, o.partner_status, \
                g.billing_enabled AS region_enabled \
         FROM webhook_endpoints e JOIN organisations o ON o.id = e.org_id \
         LEFT JOIN organisations d ON d.id = o.distributor_id \
         LEFT JOIN regions g ON g.id = COALESCE(o.region_id, d.region_id) \
         WHERE e.removed_at IS NULL ORDER BY e.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let facts: ReportFacts = sqlx::query_as(
        "SELECT r.partner_id, r.distributor_id, \
                CASE WHEN r.sent_to_vendor_at IS NULL THEN 0 ELSE 1 END AS received_by_vendor, \
                r.status, r.sub_status, r.version, r.period, p.name AS partner, \
                d.name AS distributor \
         FROM reports r JOIN organisations p ON p.id = r.partner_id \
         JOIN organisations d ON d.id = r.distributor_id WHERE r.id = $1",
    )
    .bind(report_id)
    .fetch_one(&mut *conn)
    .await?;
    let owners = ReportOwners {
        partner_org_id: facts.partner_id,
        distributor_org_id: facts.distributor_id,
        received_by_vendor: facts.received_by_vendor != 0,
    };
    let receivers: Vec<i64> = endpoints
        .iter()
        .filter(|endpoint| endpoint.partner_status.as_deref() != Some("cancelled"))
        .filter_map(|endpoint| {
            let receiver = Receiver {
                org_id: endpoint.org_id,
                org_kind: OrgKind::from_code(&endpoint.org_kind)?,
                region_enabled: endpoint.region_enabled.is_none_or(|enabled| enabled != 0),
            };
            let subscribed = webhook::events_from_code(&endpoint.events);
            webhook::receives(receiver, &subscribed, event, &owners).then_some(endpoint.id)
        })
        .collect();
    if receivers.is_empty() {
        return Ok(());
    }
    let status = Status::from_code(&facts.status, facts.sub_status.as_deref())
        .map_err(|error| SqlError::Decode(error.to_string().into()))?;
    let period = super::period_of(facts.period)?;
    let body = EventBody {
        id: format!("evt_{}", digest::random_hex::<12>()),
        kind: event.as_code().to_owned(),
        occurred_at: now.to_owned(),
        report: EventReport {
            id: report_id,
            period: period.into(),
            partner: facts.partner,
            distributor: facts.distributor,
            status: status.as_code().to_owned(),
            sub_status: status.sub_status_code().map(str::to_owned),
            version: facts.version,
            href: format!("/api/v1/reports/{report_id}"),
        },
    };
    let payload =
        serde_json::to_string(&body).map_err(|error| SqlError::Encode(Box::new(error)))?;
    for endpoint_id in receivers {
        sqlx::query(
            "INSERT INTO webhook_deliveries (endpoint_id, event_id, event, report_id, payload, \
             state, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
        )
        .bind(endpoint_id)
        .bind(&body.id)
        .bind(&body.kind)
        .bind(report_id)
        .bind(&payload)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A delivery due for a try, with where it goes and the secret it is signed with.
#[derive(Clone, Debug, FromRow)]
pub struct DueWebhook {
    pub id: i64,
    pub event_id: String,
    pub event: String,
    pub payload: String,
    pub attempts: i64,
    pub url: String,
    pub secret: String,
}

/// Pending deliveries due at `now` to endpoints that are not removed, oldest first.
pub async fn due(
    conn: &mut AnyConnection,
    now: &str,
    limit: i64,
) -> Result<Vec<DueWebhook>, SqlError> {
    sqlx::query_as(
        "SELECT w.id, w.event_id, w.event, w.payload, w.attempts, e.url, e.secret \
         FROM webhook_deliveries w JOIN webhook_endpoints e ON e.id = w.endpoint_id \
         WHERE w.state = 'pending' AND w.next_attempt_at <= $1 AND e.removed_at IS NULL \
         ORDER BY w.next_attempt_at, w.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Records a try: delivered (`retry_at` and `error` none), due again at `retry_at`, or failed.
pub async fn record_try(
    conn: &mut AnyConnection,
    id: i64,
    status_code: Option<i64>,
    outcome: TryOutcome<'_>,
    now: &str,
) -> Result<(), SqlError> {
    let (state, next, error) = match outcome {
        TryOutcome::Delivered => ("delivered", None, None),
        TryOutcome::RetryAt(at, error) => ("pending", Some(at), Some(error)),
        TryOutcome::GaveUp(error) => ("failed", None, Some(error)),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET state = $2, last_status = $3, last_error = $4, \
                next_attempt_at = COALESCE($5, next_attempt_at), \
                delivered_at = CASE WHEN $2 = 'delivered' THEN $6 ELSE delivered_at END \
         WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(status_code)
    .bind(error)
    .bind(next)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// How a try ended, as stored.
#[derive(Clone, Copy, Debug)]
pub enum TryOutcome<'a> {
    Delivered,
    RetryAt(&'a str, &'a str),
    GaveUp(&'a str),
}

/// Sends delivery `item` again (the domain said it may be), due at `now` with its tries counted
/// afresh; false when it moved on since it was read (a try, or another resend, came first).
pub async fn resend(db: &Db, item: &DeliveryLogItem, now: &str) -> Result<bool, SqlError> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $4 \
         WHERE id = $1 AND state = $2 AND attempts = $3",
    )
    .bind(item.id)
    .bind(item.state.as_code())
    .bind(item.attempts)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(FromRow)]
struct LogRow {
    id: i64,
    endpoint_url: String,
    endpoint_removed_at: Option<String>,
    event: String,
    report_id: i64,
    partner: String,
    period: i64,
    state: String,
    attempts: i64,
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: String,
    delivered_at: Option<String>,
}

const LOG_SELECT: &str = "SELECT w.id, e.url AS endpoint_url, e.removed_at AS endpoint_removed_at, \
        w.event, w.report_id, p.name AS partner, r.period, w.state, w.attempts, w.last_status, \
        w.last_error, w.created_at, w.delivered_at \
     FROM webhook_deliveries w JOIN webhook_endpoints e ON e.id = w.endpoint_id \
     JOIN reports r ON r.id = w.report_id JOIN organisations p ON p.id = r.partner_id";

/// The organisation's latest `limit` deliveries, newest first.
pub async fn log_of_org(
    db: &Db,
    org_id: i64,
    limit: i64,
) -> Result<Vec<DeliveryLogItem>, SqlError> {
    let rows: Vec<LogRow> = sqlx::query_as(&format!(
        "{LOG_SELECT} WHERE e.org_id = $1 ORDER BY w.id DESC LIMIT $2"
    ))
    .bind(org_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(log_item).collect()
}

/// Delivery `id`, if it is one of the organisation's.
pub async fn delivery_of_org(
    db: &Db,
    org_id: i64,
    id: i64,
) -> Result<Option<DeliveryLogItem>, SqlError> {
    let row: Option<LogRow> =
        sqlx::query_as(&format!("{LOG_SELECT} WHERE e.org_id = $1 AND w.id = $2"))
            .bind(org_id)
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    row.map(log_item).transpose()
}

fn log_item(row: LogRow) -> Result<DeliveryLogItem, SqlError> {
    let state = DeliveryState::from_code(&row.state)
        .ok_or_else(|| super::bad("webhook delivery state", &row.state))?;
    let period = super::period_of(row.period)?;
    Ok(DeliveryLogItem {
        id: row.id,
        endpoint_url: row.endpoint_url,
        event: row.event,
        report_id: row.report_id,
        partner: row.partner,
        period,
        state,
        attempts: row.attempts,
        last_status: row.last_status,
        last_error: row.last_error,
        created_at: row.created_at,
        delivered_at: row.delivered_at,
        endpoint_removed: row.endpoint_removed_at.is_some(),
    })
}
