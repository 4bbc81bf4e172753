//! Billing Reports: partners' monthly licence-usage reports, reviewed by distributors and billed
//! to the vendor. One crate, two builds: `ssr` (the server) and `hydrate` (the browser).

// The page views are deeply nested types; the release build (without type erasure) needs more
// room than the default to lay them out.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

/// The browser entry point: takes over the server-rendered page, once the file of a page loaded
/// on demand (`ui::routes`) has arrived when the page is one of those (`ui::takeover`).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    ui::takeover::take_over(app::App);
}
