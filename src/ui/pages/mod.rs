//! One module per route: the report list (`reports`), one report (`report`), the usage feed
//! (`usage`), the notices, a distributor's settings, the history's integrity, the deliveries to
//! the vendor, the overview, an organisation's API tokens and webhooks, sign-in, and the page
//! for unknown addresses.

pub mod api_tokens;
pub mod deliveries;
pub mod integrity;
pub mod not_found;
pub mod notices;
pub mod overview;
pub mod report;
pub mod reports;
pub mod settings;
pub mod sign_in;
pub mod usage;
pub mod webhooks;
