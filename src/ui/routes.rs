//! The pages the browser loads on demand. A release build (`cargo leptos build --split`) puts
//! each page below in a WebAssembly file of its own, fetched the first time the page is shown,
//! so the bundle every visitor loads first holds the list and the sign-in page only: the pages a
//! day at month end starts from. On the server each page renders as any other.
//!
//! A page's data is still asked for by the page itself, once its file has loaded: each file is
//! kept by the browser for a year (it is named after its content), so only the first visit to a
//! page waits for it.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::ui::pages::{
    api_tokens::ApiTokensPage, deliveries::DeliveriesPage, integrity::IntegrityPage,
    notices::NoticesPage, overview::OverviewPage, report::ReportDetailPage, settings::SettingsPage,
    usage::UsagePage, webhooks::WebhooksPage,
};

/// Declares a route that shows one page component, loaded on demand.
macro_rules! on_demand {
    ($($(#[$doc:meta])* $route:ident => $page:ident;)*) => {$(
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

on_demand! {
    /// A report: its lines, totals, history and actions (the largest page).
    ReportRoute => ReportDetailPage;
    /// The vendor's and admin's overview of the cycle.
    OverviewRoute => OverviewPage;
    /// The usage feed and its imports.
    UsageRoute => UsagePage;
    /// The viewer's notices.
    NoticesRoute => NoticesPage;
    /// Deadlines, reminders and the organisation's settings.
    SettingsRoute => SettingsPage;
    /// The history's integrity check.
    IntegrityRoute => IntegrityPage;
    /// Deliveries to the vendor's systems.
    DeliveriesRoute => DeliveriesPage;
    /// API tokens.
    ApiTokensRoute => ApiTokensPage;
    /// Webhooks.
    WebhooksRoute => WebhooksPage;
}
