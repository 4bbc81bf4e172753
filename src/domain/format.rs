//! How amounts, counts and dates read to people: `12,345.60`, `2,500,000`, `November 2026`.
//!
//! Pure functions, the same on server and browser, so the server-rendered page, the hydrated
//! page and the server's own messages agree to the character. Only the text is decided here:
//! amounts are rounded by [`Currency::round`], the domain's one rule, never by this module.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::period::Period;

/// How a viewer writes numbers: the thousands separator and the decimal mark of their locale.
/// The server's messages and files use the default (`1,035.16`); pages use the viewer's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberStyle {
    /// `1,035.16` (English, Japanese, Chinese, Korean, …).
    #[default]
    CommaDot,
    /// `1.035,16` (German, Dutch, Italian, Spanish, Portuguese, Danish, …).
    DotComma,
    /// `1 035,16` with a narrow no-break space (French, Nordic, Slavic languages, …).
    SpaceComma,
    /// `1’035.16` (Swiss German and Italian).
    ApostropheDot,
}

impl NumberStyle {
    /// The style of a BCP 47 language tag (`de-DE`, `fr`, `en-GB`); English's for anything unknown.
    pub fn for_locale(tag: &str) -> NumberStyle {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let language = tag.split('-').next().unwrap_or_default();
        let region = tag.split('-').nth(1).unwrap_or_default();
        match (language, region) {
            ("de" | "it", "ch") | ("rm", _) => NumberStyle::ApostropheDot,
            (
                "de" | "nl" | "it" | "es" | "pt" | "da" | "id" | "tr" | "el" | "ro" | "hr" | "sl"
                | "sr",
                _,
            ) => NumberStyle::DotComma,
            (
                "fr" | "sv" | "nb" | "nn" | "no" | "fi" | "cs" | "sk" | "pl" | "ru" | "uk" | "hu"
                | "lt" | "lv" | "et" | "bg",
                _,
            ) => NumberStyle::SpaceComma,
            _ => NumberStyle::CommaDot,
        }
    }

    /// (thousands separator, decimal mark).
    const fn marks(self) -> (char, char) {
        match self {
            NumberStyle::CommaDot => (',', '.'),
            NumberStyle::DotComma => ('.', ','),
            NumberStyle::SpaceComma => ('\u{202F}', ','),
            NumberStyle::ApostropheDot => ('’', '.'),
        }
    }
}

/// The viewer's locale as the page uses it: its tag (for dates, through the browser) and the
/// style of its numbers. Read from the browser's `Accept-Language` by the server, and handed to
/// the browser in the page, so both render the same text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locale {
    pub tag: String,
    pub numbers: NumberStyle,
}

impl Default for Locale {
    fn default() -> Self {
        Locale::from_tag("en")
    }
}

impl Locale {
    /// A locale from a language tag; anything that is not a plain tag is English.
    pub fn from_tag(tag: &str) -> Locale {
        let plain = !tag.is_empty()
            && tag.len() <= 35
            && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let tag = if plain { tag } else { "en" };
        Locale {
            tag: tag.to_owned(),
            numbers: NumberStyle::for_locale(tag),
        }
    }

    /// The first language of an `Accept-Language` header, by its weights (`de-DE,de;q=0.9,en;q=0.8`
    /// → `de-DE`); English when there is none.
    pub fn from_accept_language(header: &str) -> Locale {
        let weight = |part: &str| {
            part.split(';')
                .skip(1)
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<Decimal>().ok())
                .unwrap_or(Decimal::ONE)
        };
        let mut best: Option<(&str, Decimal)> = None;
        for part in header.split(',') {
            let tag = part.split(';').next().unwrap_or_default().trim();
            if tag.is_empty() || tag == "*" {
                continue;
            }
            let w = weight(part);
            if best.is_none_or(|(_, b)| w > b) {
                best = Some((tag, w));
            }
        }
        best.map_or_else(Locale::default, |(tag, _)| Locale::from_tag(tag))
    }
}

/// An amount in its currency's minor units with thousands separators: `12,345.60`, `¥`-free
/// `3,704` for JPY, `10.277` for KWD. The value is rounded by the domain's one rule first.
pub fn money(amount: Decimal, currency: Currency) -> String {
    money_in(NumberStyle::default(), amount, currency)
}

/// [`money`] in a viewer's style: `1.035,16` for a German reader.
pub fn money_in(style: NumberStyle, amount: Decimal, currency: Currency) -> String {
    grouped(
        style,
        currency.round(amount),
        currency.minor_units() as usize,
    )
}

/// A unit price as exact as it is stored (up to 4 places) but never with fewer places than the
/// currency's: `4.20`, `0.0425`, `1,200` for JPY. Nothing is rounded.
pub fn unit_price(price: Decimal, currency: Currency) -> String {
    unit_price_in(NumberStyle::default(), price, currency)
}

/// [`unit_price`] in a viewer's style.
pub fn unit_price_in(style: NumberStyle, price: Decimal, currency: Currency) -> String {
    let places = (price.normalize().scale() as usize).max(currency.minor_units() as usize);
    grouped(style, price, places)
}

/// A number with exactly `places` decimals and thousands separators: `12,345.60`, `1,500`
/// (`value` has at most `places` decimals: nothing is rounded).
pub fn number(value: Decimal, places: usize) -> String {
    grouped(NumberStyle::default(), value, places)
}

/// `value` with `places` decimals and thousands separators (`value` has at most `places`).
fn grouped(style: NumberStyle, value: Decimal, places: usize) -> String {
    let text = format!("{:.*}", places, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    out.push_str(&group_thousands(style, whole));
    if let Some(fraction) = fraction {
        out.push(style.marks().1);
        out.push_str(fraction);
    }
    out
}

/// An amount with its currency code: `USD 12,345.60`.
pub fn money_with_code(amount: Decimal, currency: Currency) -> String {
    money_with_code_in(NumberStyle::default(), amount, currency)
}

/// [`money_with_code`] in a viewer's style: `EUR 1.035,16`.
pub fn money_with_code_in(style: NumberStyle, amount: Decimal, currency: Currency) -> String {
    format!("{} {}", currency.code(), money_in(style, amount, currency))
}

/// A phrase as a sentence on its own: capitalised, with a full stop.
pub fn sentence(phrase: &str) -> String {
    let mut chars = phrase.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// A count with its noun, singular or plural: "1 report", "12,400 reports".
pub fn count_of(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", units(n), if n == 1 { one } else { many })
}

/// A whole number with thousands separators.
pub fn units(value: u64) -> String {
    units_in(NumberStyle::default(), value)
}

/// [`units`] in a viewer's style.
pub fn units_in(style: NumberStyle, value: u64) -> String {
    group_thousands(style, &value.to_string())
}

/// A percentage as stored (`12.5`), with the viewer's decimal mark (`12,5`).
pub fn percent_in(style: NumberStyle, value: Decimal) -> String {
    let text = value.to_string();
    match style.marks().1 {
        '.' => text,
        mark => text.replace('.', &mark.to_string()),
    }
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

/// How long to wait, in words: "45 seconds", "1 minute", "15 minutes" (minutes rounded up).
pub fn wait(seconds: i64) -> String {
    match seconds.max(1) {
        1 => "1 second".to_owned(),
        s @ 2..=59 => format!("{s} seconds"),
        s => match (s + 59) / 60 {
            1 => "1 minute".to_owned(),
            m => format!("{m} minutes"),
        },
    }
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

fn group_thousands(style: NumberStyle, digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(style.marks().0);
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
    fn each_locale_reads_its_own_marks() {
        let amount = dec("1035.16");
        let style = |tag: &str| Locale::from_accept_language(tag).numbers;
        assert_eq!(
            money_with_code_in(style("de-DE,de;q=0.9,en;q=0.8"), amount, Currency::Eur),
            "EUR 1.035,16"
        );
        assert_eq!(
            money_in(style("en-US,en;q=0.9"), amount, Currency::Usd),
            "1,035.16"
        );
        assert_eq!(
            money_in(style("fr-FR"), amount, Currency::Eur),
            "1\u{202F}035,16"
        );
        assert_eq!(money_in(style("de-CH"), amount, Currency::Eur), "1’035.16");
        assert_eq!(units_in(style("nl"), 2_500_000), "2.500.000");
        assert_eq!(percent_in(style("de"), dec("12.5")), "12,5");
        // Weights decide, not the order; nonsense is English.
        assert_eq!(Locale::from_accept_language("en;q=0.5, de;q=0.9").tag, "de");
        assert_eq!(Locale::from_accept_language("").tag, "en");
        assert_eq!(Locale::from_accept_language("<script>").tag, "en");
        assert_eq!(money(amount, Currency::Eur), "1,035.16");
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

#[cfg(test)]
mod wait_tests {
    use super::wait;

    #[test]
    fn waits_read_in_words() {
        assert_eq!(wait(0), "1 second");
        assert_eq!(wait(45), "45 seconds");
        assert_eq!(wait(60), "1 minute");
        assert_eq!(wait(61), "2 minutes");
        assert_eq!(wait(900), "15 minutes");
    }
}
