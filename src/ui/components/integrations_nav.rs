//! The two pages of an organisation's integrations, API tokens and webhooks, side by side as
//! tabs, so an administrator setting up a system finds both.

use leptos::prelude::*;

/// The tabs, with `here` (`/api-tokens` or `/webhooks`) marked as the current page.
#[component]
pub fn IntegrationsNav(here: &'static str) -> impl IntoView {
    let tab = move |href: &'static str, label: &'static str| {
        view! {
            <a href=href aria-current=(href == here).then_some("page")>{label}</a>
        }
    };
    view! {
        <nav class="tabs" aria-label="Integrations">
            {tab("/api-tokens", "API tokens")}
            {tab("/webhooks", "Webhooks")}
        </nav>
    }
}
