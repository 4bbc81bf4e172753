//! How amounts, counts and dates read to people: `12,345.60`, `2,500,000`, `November 2026`.
//!
//! Pure functions, the same on server and browser, so the server-rendered page, the hydrated
//! page and the server's own messages agree to the character. Only the text is decided here:
//! amounts are rounded by [`Currency::round`], the domain's one rule, never by this module.

use rust_decimal::Decimal;

use super::currency::Currency;
use super::period::Period;

/// An amount in its currency's minor units with thousands separators: `12,345.60`, `¥`-free
/// `3,704` for JPY, `10.277` for KWD. The value is rounded by the domain's one rule first.
pub fn money(amount: Decimal, currency: Currency) -> String {
    grouped(currency.round(amount), currency.minor_units() as usize)
}

/// A unit price as exact as it is stored (up to 4 places) but never with fewer places than the
/// currency's: `4.20`, `0.0425`, `1,200` for JPY. Nothing is rounded.
pub fn unit_price(price: Decimal, currency: Currency) -> String {
    let places = (price.normalize().scale() as usize).max(currency.minor_units() as usize);
    grouped(price, places)
}

/// `value` with `places` decimals and thousands separators (`value` has at most `places`).
fn grouped(value: Decimal, places: usize) -> String {
    let text = format!("{:.*}", places, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    out.push_str(&group_thousands(whole));
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// An amount with its currency code: `USD 12,345.60`.
pub fn money_with_code(amount: Decimal, currency: Currency) -> String {
    format!("{} {}", currency.code(), money(amount, currency))
}

/// A whole number with thousands separators.
pub fn units(value: u64) -> String {
    group_thousands(&value.to_string())
}

/// A report period as people say it: `November 2026`.
pub fn period_long(period: Period) -> String {
    format!("{} {}", month_name(period.month()), period.year())
}

/// A calendar day: `1 Oct 2026`.
pub fn day((year, month, day): (i32, u32, u32)) -> String {
    let name = month_name(month);
    format!("{day} {} {year}", name.get(..3).unwrap_or(name))
}

/// A report period in a table cell: `Oct 2026`.
pub fn period_short(period: Period) -> String {
    let name = month_name(period.month());
    format!("{} {}", name.get(..3).unwrap_or(name), period.year())
}

pub fn month_name(month: u32) -> &'static str {
    match month {
        1 => "January",
        2 => "February",
        3 => "March",
        4 => "April",
        5 => "May",
        6 => "June",
        7 => "July",
        8 => "August",
        9 => "September",
        10 => "October",
        11 => "November",
        12 => "December",
        _ => "?",
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).expect("test literal")
    }

    #[test]
    fn money_uses_minor_units_and_groups_thousands() {
        assert_eq!(money(dec("1234567.5"), Currency::Usd), "1,234,567.50");
        assert_eq!(money(dec("3704"), Currency::Jpy), "3,704");
        assert_eq!(money(dec("10.2765"), Currency::Kwd), "10.277");
        assert_eq!(money(dec("0.005"), Currency::Eur), "0.01");
        assert_eq!(money(dec("999"), Currency::Usd), "999.00");
        assert_eq!(money(dec("-1000"), Currency::Usd), "-1,000.00");
        assert_eq!(money_with_code(dec("12"), Currency::Gbp), "GBP 12.00");
    }

    #[test]
    fn unit_prices_keep_their_places() {
        let d = |t: &str| Decimal::from_str_exact(t).expect("decimal");
        assert_eq!(unit_price(d("4.2"), Currency::Usd), "4.20");
        assert_eq!(unit_price(d("0.0425"), Currency::Usd), "0.0425");
        assert_eq!(unit_price(d("1200"), Currency::Jpy), "1,200");
        assert_eq!(unit_price(d("3.5800"), Currency::Eur), "3.58");
        assert_eq!(unit_price(d("1.5"), Currency::Kwd), "1.500");
    }

    #[test]
    fn units_and_periods() {
        assert_eq!(units(2_500_000), "2,500,000");
        assert_eq!(units(0), "0");
        assert_eq!(
            period_long(Period::new(2026, 11).expect("valid")),
            "November 2026"
        );
    }
}
