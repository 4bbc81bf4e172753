//! Webhooks: an organisation's administrators register endpoints and read the delivery log; the
//! job runner works off the outbox that each change wrote in its own transaction
//! (`db::webhooks::announce`), signing every try (`domain::webhook`) and retrying with the
//! same backoff as the deliveries to the vendor (`domain::delivery`).

use std::time::Duration;

use serde::Serialize;

use super::{ServiceError, UserCaller};
use crate::domain::{
    api_token,
    delivery::{AfterFailure, TryFailure, after_failure},
    webhook::{self, EndpointItem, NewEndpoint, WebhooksPage},
};
use crate::server::db::{
    Db, now_utc,
    outbox::{self, Outbox},
    rfc3339,
    webhooks::{self, DueWebhook, TryOutcome},
};
use crate::server::digest;

/// Deliveries one run tries at most (the rest wait for the next run).
const BATCH: i64 = 200;

/// How long a claimed try keeps other runners away: longer than any call may take.
const LEASE_SECONDS: i64 = 120;

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The deliveries the page's log lists.
const LOGGED: i64 = 100;

/// Registers an endpoint of the caller's organisation at `url` for `events`; answers its
/// signing secret, shown this once.
pub async fn create(
    db: &Db,
    user: &UserCaller,
    url: &str,
    events: &[String],
) -> Result<NewEndpoint, ServiceError> {
    api_token::may_manage(user.actor.role)?;
    let invalid = |error: webhook::EndpointError| ServiceError::Invalid(error.to_string());
    let url = webhook::parse_url(url).map_err(invalid)?;
    let events = webhook::parse_events(events).map_err(invalid)?;
    let secret = format!("{}{}", webhook::SECRET_PREFIX, digest::random_hex::<24>());
    let id = webhooks::insert_endpoint(
        db,
        &webhooks::NewEndpoint {
            org_id: user.actor.org_id,
            url: &url,
            events: &webhook::events_code(&events),
            secret: &secret,
            created_at: &now_utc(),
            created_by: &user.name,
        },
    )
    .await?;
    Ok(NewEndpoint { id, secret })
}

/// Removes one of the organisation's endpoints: nothing more is sent to it.
pub async fn remove(db: &Db, user: &UserCaller, id: i64) -> Result<(), ServiceError> {
    api_token::may_manage(user.actor.role)?;
    if webhooks::remove_endpoint(db, user.actor.org_id, id, &now_utc()).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The organisation's endpoints and its latest deliveries.
pub async fn page(db: &Db, user: &UserCaller) -> Result<WebhooksPage, ServiceError> {
    api_token::may_manage(user.actor.role)?;
    let endpoints = webhooks::endpoints_of_org(db, user.actor.org_id)
        .await?
        .into_iter()
        .map(|row| EndpointItem {
            id: row.id,
            events: webhook::events_from_code(&row.events),
            url: row.url,
            created_at: row.created_at,
            created_by: row.created_by,
        })
        .collect();
    let deliveries = webhooks::log_of_org(db, user.actor.org_id, LOGGED).await?;
    Ok(WebhooksPage {
        endpoints,
        deliveries,
    })
}

/// Sends one of the organisation's deliveries again (a receiver that lost it, or one given up).
pub async fn resend(db: &Db, user: &UserCaller, id: i64) -> Result<(), ServiceError> {
    api_token::may_manage(user.actor.role)?;
    let item = webhooks::delivery_of_org(db, user.actor.org_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !item.may_resend() {
        return Err(ServiceError::Invalid(if item.endpoint_removed {
            "This delivery's endpoint was removed, so it is not sent again.".to_owned()
        } else {
            "This delivery is on its way already.".to_owned()
        }));
    }
    if webhooks::resend(db, &item, &now_utc()).await? {
        Ok(())
    } else {
        Err(ServiceError::Invalid(
            "This delivery was being sent at the same moment; look at the log again.".to_owned(),
        ))
    }
}

/// Sends deliveries to the receivers over HTTP.
#[derive(Clone, Debug)]
pub struct Sender {
    http: reqwest::Client,
}

impl Sender {
    pub fn new() -> Result<Sender, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "billing-reports-webhooks/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()?;
        Ok(Sender { http })
    }

    /// One try: the receiver's status code when it answered, and whether that was a 2xx.
    /// Signed at the moment it is sent (not when the run began), so that a receiver's check
    /// of the timestamp holds however long the run takes.
    async fn send(&self, delivery: &DueWebhook) -> Tried {
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let signature = digest::hmac_sha256_hex(
            delivery.secret.as_bytes(),
            webhook::signed_content(timestamp, &delivery.payload).as_bytes(),
        );
        let sent = self
            .http
            .post(&delivery.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Billing-Reports-Event", &delivery.event)
            .header("Billing-Reports-Event-Id", &delivery.event_id)
            .header(
                webhook::SIGNATURE_HEADER,
                webhook::signature_value(timestamp, &signature),
            )
            .body(delivery.payload.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => Tried {
                status: Some(i64::from(response.status().as_u16())),
                error: None,
            },
            Ok(response) => Tried {
                status: Some(i64::from(response.status().as_u16())),
                error: Some(format!("The receiver answered {}.", response.status())),
            },
            Err(error) => Tried {
                status: None,
                error: Some(if error.is_timeout() {
                    format!(
                        "The receiver did not answer within {} seconds.",
                        TIMEOUT.as_secs()
                    )
                } else {
                    "The receiver could not be reached.".to_owned()
                }),
            },
        }
    }
}

struct Tried {
    status: Option<i64>,
    error: Option<String>,
}

/// What one run of the webhook deliveries did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WebhookRun {
    pub delivered: u64,
    pub retrying: u64,
    pub failed: u64,
}

impl WebhookRun {
    /// The run in one line, for the log and the command line.
    pub fn sentence(&self) -> String {
        format!(
            "webhooks delivered {}, to try again {}, given up {}",
            self.delivered, self.retrying, self.failed
        )
    }
}

/// Tries every webhook delivery due at `at`. Any answer but a 2xx is tried again later: a
/// receiver that is down or refuses for a while gets the event once it is back.
#[tracing::instrument(skip(db, sender), err(Debug))]
pub async fn run_due(
    db: &Db,
    sender: &Sender,
    at: time::OffsetDateTime,
) -> Result<WebhookRun, ServiceError> {
    let now = rfc3339(at);
    let lease = rfc3339(at + time::Duration::seconds(LEASE_SECONDS));
    let due = {
        let mut conn = db.acquire().await?;
        webhooks::due(&mut conn, &now, BATCH).await?
    };
    let mut run = WebhookRun::default();
    for delivery in due {
        let mut conn = db.acquire().await?;
        if !outbox::claim(
            &mut conn,
            Outbox::Webhooks,
            delivery.id,
            delivery.attempts,
            &lease,
        )
        .await?
        {
            continue;
        }
        drop(conn);
        let tried = sender.send(&delivery).await;
        let retry_at;
        let outcome = match &tried.error {
            None => {
                run.delivered += 1;
                TryOutcome::Delivered
            }
            Some(error) => match after_failure(delivery.attempts + 1, TryFailure::Transient) {
                AfterFailure::RetryIn(seconds) => {
                    run.retrying += 1;
                    retry_at = rfc3339(at + time::Duration::seconds(seconds));
                    TryOutcome::RetryAt(&retry_at, error)
                }
                AfterFailure::GiveUp => {
                    run.failed += 1;
                    TryOutcome::GaveUp(error)
                }
            },
        };
        let mut conn = db.acquire().await?;
        webhooks::record_try(&mut conn, delivery.id, tried.status, outcome, &now).await?;
    }
    Ok(run)
}
