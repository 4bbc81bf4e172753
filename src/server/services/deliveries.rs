//! Delivering submitted reports to the vendor: the job runner works off the outbox that each
//! submission wrote in its own transaction. Each due row is claimed (so two runners never try
//! it at once), handed to the vendor with its idempotency key *outside* any transaction, and
//! the answer recorded: the reference and a history entry, or when to try again
//! (`domain::delivery` decides). A runner killed mid-try leaves the row claimed until its lease
//! ends; the next try sends the same key, so the vendor never holds two submissions.

use serde::Serialize;

use super::{ServiceError, UserCaller};
use crate::domain::{
    HistoryEvent, Refusal,
    delivery::{AfterFailure, DeliveryItem, after_failure},
    webhook::WebhookEvent,
};
use crate::server::db::{
    Db,
    deliveries::{self, DueDelivery},
    outbox::{self, Outbox},
    reports::{self, NewHistoryEntry},
    rfc3339, webhooks,
};
use crate::server::vendor::Vendor;

/// Deliveries one run tries at most (the rest wait for the next run).
const BATCH: i64 = 200;

/// How long a claimed try keeps other runners away: longer than any call may take.
const LEASE_SECONDS: i64 = 300;

/// What one run of the deliveries did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryRun {
    pub delivered: u64,
    /// Tried and not delivered; due again later.
    pub retrying: u64,
    /// Given up on this run (failed until someone retries them).
    pub failed: u64,
}

impl DeliveryRun {
    pub fn sentence(&self) -> String {
        format!(
            "delivered to the vendor {}, delivery to retry {}, deliveries failed {}",
            self.delivered, self.retrying, self.failed
        )
    }
}

/// Tries every delivery due at `at`.
#[tracing::instrument(skip(db, vendor), err(Debug))]
pub async fn run_due(
    db: &Db,
    vendor: &Vendor,
    at: time::OffsetDateTime,
) -> Result<DeliveryRun, ServiceError> {
    let now = rfc3339(at);
    let lease = rfc3339(at + time::Duration::seconds(LEASE_SECONDS));
    let due = {
        let mut conn = db.acquire().await?;
        deliveries::due(&mut conn, &now, BATCH).await?
    };
    let mut run = DeliveryRun::default();
    for delivery in due {
        let claimed = {
            let mut conn = db.acquire().await?;
            outbox::claim(
                &mut conn,
                Outbox::Deliveries,
                delivery.id,
                delivery.attempts,
                &lease,
            )
            .await?
        };
        if !claimed {
            continue;
        }
        let attempts = delivery.attempts + 1;
        match vendor
            .deliver(delivery.id, &delivery.idempotency_key, &delivery.payload)
            .await
        {
            Ok(reference) => {
                if record_delivered(db, &delivery, &reference, &now).await? {
                    run.delivered += 1;
                }
            }
            Err(error) => {
                tracing::warn!(
                    delivery = delivery.id,
                    report = delivery.report_id,
                    attempts,
                    detail = %error.detail(),
                    "delivery to the vendor failed"
                );
                let retry_at = match after_failure(attempts, error.try_failure()) {
                    AfterFailure::RetryIn(seconds) => {
                        run.retrying += 1;
                        Some(rfc3339(at + time::Duration::seconds(seconds)))
                    }
                    AfterFailure::GiveUp => {
                        run.failed += 1;
                        None
                    }
                };
                // Given up: the report's webhooks are told so by the same transaction.
                let mut tx = db.begin_write().await?;
                deliveries::mark_failed_try(
                    &mut tx,
                    delivery.id,
                    retry_at.as_deref(),
                    &error.detail(),
                )
                .await?;
                if retry_at.is_none() {
                    webhooks::announce(
                        &mut tx,
                        delivery.report_id,
                        WebhookEvent::DeliveryFailed,
                        &now,
                    )
                    .await?;
                }
                tx.commit().await?;
            }
        }
    }
    Ok(run)
}

/// Stores the vendor's reference and the history entry saying so, with the report locked (its
/// history is a chain, appended to one entry at a time). False when another runner recorded it
/// first.
async fn record_delivered(
    db: &Db,
    delivery: &DueDelivery,
    reference: &str,
    now: &str,
) -> Result<bool, ServiceError> {
    let mut tx = db.begin_write().await?;
    let header = reports::lock_header(db, &mut tx, delivery.report_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let recorded = record_in(&mut tx, &header, delivery.id, reference, now).await?;
    tx.commit().await?;
    Ok(recorded)
}

/// The reference and its history entry, in a transaction holding the report's lock.
async fn record_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    header: &reports::LockedReport,
    delivery_id: i64,
    reference: &str,
    now: &str,
) -> Result<bool, ServiceError> {
    if !deliveries::mark_delivered(tx, delivery_id, reference, now).await? {
        return Ok(false);
    }
    let entry = NewHistoryEntry {
        at: now.to_owned(),
        actor: "system".to_owned(),
        actor_org: None,
        actor_role: None,
        event: HistoryEvent::DeliveredToVendor,
        from_status: Some(header.status),
        to_status: Some(header.status),
        comment: Some(format!("Vendor reference {reference}")),
        before_json: None,
        after_json: None,
        prices_json: None,
    };
    reports::append_history(tx, header.id, &entry).await?;
    Ok(true)
}

/// Delivers a submission to the built-in vendor inside the submitting transaction, at `at`: how
/// the demo data tells a submission's story (the built-in vendor receives it at once).
pub async fn deliver_in(
    db: &Db,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report_id: i64,
    delivery_id: i64,
    at: time::OffsetDateTime,
) -> Result<(), ServiceError> {
    let header = reports::lock_header(db, tx, report_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reference = crate::server::vendor::builtin::reference(delivery_id);
    record_in(tx, &header, delivery_id, &reference, &rfc3339(at)).await?;
    Ok(())
}

/// "Retry now" on a failed delivery: due at once, its tries counted afresh. For the vendor's
/// billing team and platform admins.
pub async fn retry_now(
    db: &Db,
    user: &UserCaller,
    delivery_id: i64,
    at: time::OffsetDateTime,
) -> Result<(), ServiceError> {
    if !user.actor.viewer().manages_deliveries() {
        return Err(ServiceError::Refused(Refusal::DeliveriesOnly));
    }
    let mut conn = db.acquire().await?;
    if deliveries::retry(&mut conn, delivery_id, &rfc3339(at)).await? {
        Ok(())
    } else {
        Err(ServiceError::Invalid(
            "This delivery is not failed any more: it was delivered or retried meanwhile."
                .to_owned(),
        ))
    }
}

/// The most deliveries the page lists.
const LISTED: i64 = 500;

/// The deliveries in flight and failed, for the vendor's billing team and platform admins.
pub async fn undelivered(db: &Db, user: &UserCaller) -> Result<Vec<DeliveryItem>, ServiceError> {
    if !user.actor.viewer().manages_deliveries() {
        return Err(ServiceError::Refused(Refusal::DeliveriesOnly));
    }
    let mut conn = db.acquire().await?;
    Ok(deliveries::undelivered(&mut conn, LISTED).await?)
}
