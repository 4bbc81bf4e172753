//! What a signed-in user whose region has no billing reports yet sees instead of the list.

use leptos::prelude::*;

/// A plain word that there is nothing here, and whom to ask.
#[component]
pub(super) fn RegionUnavailable(region: Option<String>) -> impl IntoView {
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
