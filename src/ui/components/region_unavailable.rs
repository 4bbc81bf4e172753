//! What a signed-in user whose region has no billing reports yet sees instead of any page of
//! reports: the list, a report, its settings, its notices.

use leptos::prelude::*;

/// Answers the page being rendered on the server with 403 (does nothing in the browser): a
/// report page, say, that this user's region keeps from them.
pub fn set_forbidden_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::FORBIDDEN);
    }
}

/// A plain word that there is nothing here, and whom to ask.
#[component]
pub fn RegionUnavailable(region: Option<String>) -> impl IntoView {
    let region = region.unwrap_or_else(|| "your region".to_owned());
    view! {
        <section class="page narrow notice">
            <h1>"Billing reports are not available in your region"</h1>
            <p>
                {format!(
                    "Billing reports have not been enabled for {region} yet, so there is nothing to review here. "
                )}
                "Usage and invoices for your organisation are handled outside this system for now."
            </p>
            <p class="muted">
                "If you believe this is a mistake, contact your vendor channel manager."
            </p>
        </section>
    }
}
