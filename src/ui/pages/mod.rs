pub mod not_found;
pub mod reports;
pub mod sign_in;
