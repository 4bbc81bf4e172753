//! The job runner inside the server: every few seconds (a setting), everything due now (the
//! cycle's deadlines, the deliveries to the vendor, the webhook deliveries, the emails). Several
//! instances may run it at once; the cycle service acts on each report once (see
//! `services::cycle`). A failed run is logged and retried at the next tick. When the server
//! stops, the runner finishes the run it is in (each report's step is its own transaction
//! anyway) and starts no other. Each run is counted in the metrics (`server::metrics`).

use std::time::Duration;

use tokio::{sync::watch, task::JoinHandle};

use super::db::Db;
use super::services::{ServiceError, cycle, emails, webhooks};
use super::vendor::Vendor;

/// Starts the runner on its own task (nothing when `every_seconds` is 0); it ends once `stop`
/// turns true, after the run it is in.
pub fn start(
    db: Db,
    vendor: Vendor,
    mailer: Option<emails::Mailer>,
    every_seconds: u64,
    mut stop: watch::Receiver<bool>,
) -> Option<JoinHandle<()>> {
    if every_seconds == 0 {
        tracing::info!("job runner off on this instance");
        return None;
    }
    let sender = match webhooks::Sender::new() {
        Ok(sender) => sender,
        Err(error) => {
            tracing::error!(%error, "the webhook sender could not start; job runner off");
            return None;
        }
    };
    Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_secs(every_seconds));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = stop.wait_for(|stopping| *stopping) => break,
            }
            let now = time::OffsetDateTime::now_utc();
            let ran = run_once(&db, &vendor, &sender, mailer.as_ref(), now).await;
            count(&ran.cycle);
            count_webhooks(&ran.webhooks);
            count_emails(&ran.emails);
            match &ran.cycle {
                Ok(run) if *run == cycle::DueRun::default() => {}
                Ok(run) => tracing::info!(summary = %run.sentence(), "jobs ran"),
                Err(error) => tracing::error!(%error, "jobs failed; retrying at the next tick"),
            }
            match &ran.webhooks {
                Ok(run) if *run == webhooks::WebhookRun::default() => {}
                Ok(run) => tracing::info!(summary = %run.sentence(), "webhooks sent"),
                Err(error) => tracing::error!(%error, "webhooks failed; retrying at the next tick"),
            }
            match &ran.emails {
                Ok(run) if *run == emails::EmailRun::default() => {}
                Ok(run) => tracing::info!(summary = %run.sentence(), "emails sent"),
                Err(error) => tracing::error!(%error, "emails failed; retrying at the next tick"),
            }
        }
        tracing::info!("job runner stopped");
    }))
}

/// What one run did: the cycle, the webhooks and the emails, each on its own (one failing
/// does not keep the others from running).
pub struct Ran {
    pub cycle: Result<cycle::DueRun, ServiceError>,
    pub webhooks: Result<webhooks::WebhookRun, ServiceError>,
    pub emails: Result<emails::EmailRun, ServiceError>,
}

/// Everything due, once: the cycle's deadlines and deliveries as of `at`, then the webhooks and
/// the emails written until now (by the cycle or by people). The runner calls it at each tick;
/// `billing-reports jobs run-due` calls it from cron (or at a given `at`, for a catch-up).
pub async fn run_once(
    db: &Db,
    vendor: &Vendor,
    sender: &webhooks::Sender,
    mailer: Option<&emails::Mailer>,
    at: time::OffsetDateTime,
) -> Ran {
    let cycle = cycle::run_due(db, vendor, at).await;
    let webhooks = webhooks::run_due(db, sender, time::OffsetDateTime::now_utc()).await;
    let emails = emails::run_due(db, mailer, time::OffsetDateTime::now_utc()).await;
    Ran {
        cycle,
        webhooks,
        emails,
    }
}

/// The run in the metrics (see `server::metrics`): runs, failed runs, and what each did.
fn count<E>(ran: &Result<cycle::DueRun, E>) {
    metrics::counter!("billing_reports_job_runs_total").increment(1);
    let run = match ran {
        Ok(run) => run,
        Err(_) => {
            metrics::counter!("billing_reports_job_failures_total").increment(1);
            return;
        }
    };
    for (done, n) in [
        ("generated", run.generated),
        ("reminded", run.reminders),
        ("auto_submitted", run.auto_submitted),
        ("auto_approved", run.auto_approved),
        ("delivered", run.deliveries.delivered),
        ("delivery_retrying", run.deliveries.retrying),
        ("delivery_failed", run.deliveries.failed),
    ] {
        metrics::counter!("billing_reports_jobs_done_total", "done" => done).increment(n);
    }
}

/// The webhook deliveries in the metrics, by how each try ended.
fn count_webhooks<E>(sent: &Result<webhooks::WebhookRun, E>) {
    let Ok(run) = sent else {
        metrics::counter!("billing_reports_job_failures_total").increment(1);
        return;
    };
    for (outcome, n) in [
        ("delivered", run.delivered),
        ("retrying", run.retrying),
        ("failed", run.failed),
    ] {
        metrics::counter!("billing_reports_webhooks_total", "outcome" => outcome).increment(n);
    }
}

/// The emails in the metrics, by how each ended.
fn count_emails<E>(mailed: &Result<emails::EmailRun, E>) {
    let Ok(run) = mailed else {
        metrics::counter!("billing_reports_job_failures_total").increment(1);
        return;
    };
    for (outcome, n) in [
        ("sent", run.sent),
        ("retrying", run.retrying),
        ("failed", run.failed),
        ("expired", run.expired),
    ] {
        metrics::counter!("billing_reports_emails_total", "outcome" => outcome).increment(n);
    }
}
