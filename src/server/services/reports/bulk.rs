//! One step on many reports at once (a distributor submits clean reports to the vendor, the
//! vendor completes them): each report on its own, in its own transaction, with its own version
//! check and history entry. Under each report's lock the domain is asked again whether it
//! qualifies (`domain::bulk`), so a report that changed since the list was drawn is refused
//! with the reason, and the others still go through.

use std::collections::BTreeSet;

use crate::domain::{
    bulk::{BulkCandidate, BulkItem, BulkStep, MAX_REPORTS},
    format::{count_of, sentence},
    visible,
};
use crate::server::db::{Db, reports};
use crate::server::services::{Caller, ServiceError, UserCaller};

use super::{Command, Outcome, Step, act_in};

/// Takes `step` on every report of `items`, each on its own; returns what happened to each, in
/// the order asked. The whole call is refused (and nothing changes) when the viewer may not take
/// the step, or the list is empty, longer than a page, or names a report twice.
#[tracing::instrument(skip(db, user, items), fields(reports = items.len()), err(Debug))]
pub async fn act_on_many(
    db: &Db,
    user: &UserCaller,
    step: BulkStep,
    items: &[BulkItem],
) -> Result<Vec<Result<Outcome, ServiceError>>, ServiceError> {
    step.permit(&user.actor.viewer())?;
    if items.is_empty() {
        return Err(ServiceError::Invalid(
            "Please select at least one report.".to_owned(),
        ));
    }
    if items.len() > MAX_REPORTS {
        return Err(ServiceError::Invalid(format!(
            "Please select at most {} at once.",
            count_of(MAX_REPORTS as u64, "report", "reports")
        )));
    }
    let distinct: BTreeSet<i64> = items.iter().map(|item| item.id).collect();
    if distinct.len() != items.len() {
        return Err(ServiceError::Invalid(
            "A report was selected twice; please select each report once.".to_owned(),
        ));
    }
    let caller = Caller::User(user.clone());
    let mut results = Vec::with_capacity(items.len());
    for item in items {
        results.push(one(db, &caller, user, step, *item).await);
    }
    Ok(results)
}

/// One report of a bulk step: locked, checked, acted on and committed, or left as it was.
async fn one(
    db: &Db,
    caller: &Caller,
    user: &UserCaller,
    step: BulkStep,
    item: BulkItem,
) -> Result<Outcome, ServiceError> {
    let mut tx = db.begin_write().await?;
    let header = reports::lock_header(db, &mut tx, item.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    visible(&user.actor, &header.state().owners)?;
    if header.version != item.version {
        return Err(ServiceError::Conflict {
            current_version: header.version,
        });
    }
    let candidate = BulkCandidate {
        status: header.status,
        flags: header.flags,
        po_number: header.po_number.as_deref(),
    };
    if let Some(why) = step.blocker(&user.actor.viewer(), &candidate) {
        return Err(ServiceError::Invalid(sentence(&why)));
    }
    let command = match step {
        BulkStep::SubmitToVendor => Command::SubmitToVendor {
            po_number: None,
            comment: None,
        },
        BulkStep::Complete => Command::Complete,
    };
    let at = time::OffsetDateTime::now_utc();
    let outcome = act_in(
        db,
        &mut tx,
        caller,
        Step::new(item.id, item.version, command),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}
