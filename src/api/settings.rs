//! The distributor settings page's server functions: read (the distributor's users) and save
//! (its administrators). The form posts as a plain HTML form, so it works before the page's
//! script has loaded.

// The save takes the form's fields one by one (a plain form posts them so); the lint would also
// fire on the browser's generated twin of the function, which an item attribute does not reach.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::ApiError;
use crate::domain::settings::{SettingsPage, SettingsSaved};

/// The caller's organisation's cycle settings and their latest changes.
#[server(endpoint = "settings/read")]
pub async fn distributor_settings() -> Result<SettingsPage, ApiError> {
    use crate::api::support;
    use crate::server::services::settings;

    let session = support::require_session().await?;
    let state = support::state()?;
    settings::page(&state.db, &session.caller)
        .await
        .map_err(support::refuse)
}

/// Saves the settings form over `version`. `auto_approve` is the checkbox: present when ticked.
#[server(endpoint = "settings/save")]
pub async fn save_settings(
    submission_days: String,
    review_days: String,
    threshold: String,
    anomaly_threshold: String,
    auto_approve: Option<String>,
    po_pattern: String,
    max_total: String,
    version: i64,
) -> Result<SettingsSaved, ApiError> {
    use crate::api::support;
    use crate::domain::settings::SettingsForm;
    use crate::server::services::settings;

    let session = support::require_session().await?;
    let state = support::state()?;
    let form = SettingsForm {
        submission_days,
        review_days,
        threshold,
        anomaly_threshold,
        auto_approve: auto_approve.is_some(),
        po_pattern,
        max_total,
    };
    settings::save(
        &state.db,
        &session.caller,
        &form,
        version,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .map_err(support::refuse)
}
