pub mod not_found;
pub mod report;
pub mod reports;
pub mod sign_in;
