//! One module per route: the report list (`reports`), one report (`report`), sign-in, and the
//! page for unknown addresses.

pub mod not_found;
pub mod report;
pub mod reports;
pub mod sign_in;
