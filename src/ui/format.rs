//! How numbers and dates look on screen. The functions live in [`crate::domain::format`], shared
//! with the server's messages and files, so that pages and server agree to the character.

pub use crate::domain::format::{
    day, money, money_with_code, month_name, period_long, period_short, unit_price, units,
};
