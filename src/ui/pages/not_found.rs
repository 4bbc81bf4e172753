//! The page for addresses the app does not know, and the 404 status that every not-found
//! answer sets.

use leptos::prelude::*;

/// Shown for any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    set_not_found_status();
    view! {
        <section class="page narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <a href="/">"Go to the billing reports"</a> "."</p>
        </section>
    }
}

/// Answers the page being rendered on the server with 404 (does nothing in the browser).
pub fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}
