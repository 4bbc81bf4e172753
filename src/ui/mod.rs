//! What the user sees: pages, components, and the formatting of money, dates and percentages.

pub mod components;
pub mod focus;
pub mod format;
pub mod pages;
pub mod routes;
#[cfg(feature = "hydrate")]
pub mod takeover;
