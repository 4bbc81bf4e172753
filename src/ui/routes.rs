//! The pages the browser loads on demand. A release build (`cargo leptos build --split`) puts
//! each page below in WebAssembly files of its own, fetched the first time the page is shown.
//! The bundle every visitor loads first holds the pages a day at month end is spent on: the
//! list, a report and sign-in. On the server each page renders as any other.
//!
//! A report stays in the first bundle on purpose. Loaded on demand (27 files) it made the first
//! bundle 499 KiB instead of 692 KiB in gzip, but taking over a 500-line report then blocked the
//! main thread about a quarter of a second longer (Lighthouse's total blocking time, mobile
//! profile, the same machine and data), and that page is the one opened on a phone on the
//! cycle's last day.
//!
//! A page's data is still asked for by the page itself, once its files have loaded: each file is
//! kept by the browser for a year (it is named after its content), so only the first visit to a
//! page waits for them. On a page opened from its address, a link clicked while they arrive is
//! followed by the browser, as with no JavaScript (`ui::takeover`).

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::ui::pages::{
    api_tokens::ApiTokensPage, deliveries::DeliveriesPage, integrity::IntegrityPage,
    notices::NoticesPage, overview::OverviewPage, settings::SettingsPage, usage::UsagePage,
    webhooks::WebhooksPage,
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
