//! How numbers and dates look on screen, in the viewer's locale. The rules live in
//! [`crate::domain::format`], shared with the server's messages and files; the locale is the one
//! the server read from the browser's `Accept-Language` and wrote into the page (see
//! [`provide_locale`]), so the server's render and the browser's agree to the character.

use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::domain::Currency;
use crate::domain::format::{self as rules, Locale, NumberStyle};

pub use crate::domain::format::{day, month_name, period_long, period_short};

/// The viewer's locale, for the pages below: on the server from the request's
/// `Accept-Language`, in the browser from the page the server sent (`data-locale` on `<html>`).
pub fn provide_locale() -> Locale {
    let locale = current_locale();
    provide_context(locale.clone());
    locale
}

#[cfg(feature = "ssr")]
fn current_locale() -> Locale {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .map(Locale::from_accept_language)
        })
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn current_locale() -> Locale {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("data-locale"))
        .map(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

/// The viewer's locale tag (for dates, through the browser's `Intl`).
pub fn locale_tag() -> String {
    use_context::<Locale>().unwrap_or_default().tag
}

fn style() -> NumberStyle {
    use_context::<Locale>()
        .map(|l| l.numbers)
        .unwrap_or_default()
}

/// `1,035.16`, or `1.035,16` for a German reader.
pub fn money(amount: Decimal, currency: Currency) -> String {
    rules::money_in(style(), amount, currency)
}

/// `USD 1,035.16`, or `EUR 1.035,16` for a German reader.
pub fn money_with_code(amount: Decimal, currency: Currency) -> String {
    rules::money_with_code_in(style(), amount, currency)
}

/// A unit price as exact as it is stored, in the viewer's marks.
pub fn unit_price(price: Decimal, currency: Currency) -> String {
    rules::unit_price_in(style(), price, currency)
}

/// A whole number with the viewer's thousands separator.
pub fn units(value: u64) -> String {
    rules::units_in(style(), value)
}

/// A percentage with the viewer's decimal mark (`12,5` in German), without the sign.
pub fn percent(value: Decimal) -> String {
    rules::percent_in(style(), value)
}

/// "1 line", "12 lines", "1.200 lines" for a German reader.
pub fn lines(count: usize) -> String {
    match count {
        1 => "1 line".to_owned(),
        n => format!("{} lines", units(n as u64)),
    }
}
