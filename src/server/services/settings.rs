//! A distributor's cycle settings: read by its users, changed by its administrators. A save is
//! one transaction: the domain reads the form, the version is checked (two people saving at once:
//! the second is told), each changed setting gets an audit row. A changed anomaly threshold has
//! the flags of the reports still being worked on judged again.

use super::{ServiceError, UserCaller};
use crate::domain::settings::{SettingsForm, SettingsPage, SettingsSaved, problems_sentence};
use crate::server::db::{
    Db,
    reports::{backfill_flags, clear_open_flags},
    rfc3339,
    settings::{self, AuditActor},
};

/// Changes the page lists.
const CHANGES_SHOWN: i64 = 50;

fn authorize(user: &UserCaller, change: bool) -> Result<(), ServiceError> {
    match user.actor.viewer().settings_refusal(change) {
        Some(refusal) => Err(refusal.into()),
        None => Ok(()),
    }
}

/// The caller's organisation's settings page.
pub async fn page(db: &Db, user: &UserCaller) -> Result<SettingsPage, ServiceError> {
    authorize(user, false)?;
    let org_id = user.actor.org_id;
    let mut conn = db.acquire().await?;
    let stored = settings::load(&mut conn, org_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(SettingsPage {
        org_name: stored.org_name,
        currency: stored.currency,
        form: SettingsForm::from_settings(&stored.settings),
        version: stored.version,
        may_edit: user.actor.viewer().manages_settings(),
        changes: settings::changes(&mut conn, org_id, CHANGES_SHOWN).await?,
    })
}

/// Saves `form` over version `version` of the caller's organisation's settings, at `at`.
#[tracing::instrument(skip(db, user), fields(org = user.actor.org_id), err(Debug))]
pub async fn save(
    db: &Db,
    user: &UserCaller,
    form: &SettingsForm,
    version: i64,
    at: time::OffsetDateTime,
) -> Result<SettingsSaved, ServiceError> {
    authorize(user, true)?;
    let org_id = user.actor.org_id;
    let currency = {
        let mut conn = db.acquire().await?;
        settings::load(&mut conn, org_id)
            .await?
            .ok_or(ServiceError::NotFound)?
            .currency
    };
    let wanted = form
        .parse(currency)
        .map_err(|problems| ServiceError::Invalid(problems_sentence(&problems)))?;

    let mut tx = db.begin_write().await?;
    let stored = settings::load(&mut tx, org_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if stored.version != version {
        return Err(ServiceError::SettingsChanged);
    }
    let changes = stored.settings.changes_to(&wanted);
    if changes.is_empty() {
        tx.rollback().await?;
        return Ok(SettingsSaved {
            page: page(db, user).await?,
            changed: 0,
        });
    }
    if !settings::save(&mut tx, org_id, version, &wanted).await? {
        return Err(ServiceError::SettingsChanged);
    }
    let actor = AuditActor {
        name: &user.name,
        role: user.actor.role.label(),
    };
    settings::append_changes(&mut tx, org_id, version + 1, &rfc3339(at), &actor, &changes).await?;
    let rejudge = stored.settings.anomaly_threshold != wanted.anomaly_threshold;
    if rejudge {
        clear_open_flags(&mut tx, org_id).await?;
    }
    tx.commit().await?;
    if rejudge {
        backfill_flags(db).await?;
    }
    Ok(SettingsSaved {
        page: page(db, user).await?,
        changed: changes.len(),
    })
}
