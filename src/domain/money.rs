//! Money and the validated numbers that feed the calculations.
//!
//! This module owns three things and nothing else:
//!
//! * the **one rounding rule** of the product, [`round_half_away`]: half away from zero, written
//!   out explicitly because `Decimal::round_dp` alone rounds half to even (banker's rounding),
//!   which would make 0.125 USD become 0.12 instead of the 0.13 a person expects;
//! * [`Currency`], which knows how many minor units each currency has;
//! * the **newtypes** ([`UnitPrice`], [`MarginPercent`], [`Units`], [`ThresholdPercent`]) whose
//!   `parse` turns what a person typed into a value that is valid by construction. The same parser
//!   runs in the browser form and on the server, so both refuse exactly the same text.
//!
//! ## Why the bounds are what they are
//!
//! `rust_decimal` keeps a 96-bit mantissa (about 7.9 × 10^28). When a product does not fit, it
//! does **not** fail: it silently drops digits (rounding half to even). The bounds below make the
//! widest product the calculations ever form fit exactly, so no line amount can ever be silently
//! rounded before the one explicit rounding step:
//!
//! * unit price ≤ 10^9 with ≤ 4 decimals → mantissa ≤ 10^13;
//! * units ≤ 10^9 (integers) → mantissa ≤ 10^9;
//! * margin factor (100 − m) / 100 with m ≤ 4 decimals → mantissa ≤ 10^6, scale ≤ 6.
//!
//! So `price × units × factor` has a mantissa ≤ 10^28 < 7.9 × 10^28 and a scale ≤ 10 ≤ 28: it is
//! always exact. (A units bound of 10^12 would break this: 10^13 × 10^12 × 10^6 = 10^31.)
//!
//! The database stores money and percentages as BIGINT scaled by 10^4 ([`scaled_e4`]). Amounts
//! above about 9.2 × 10^14 cannot be stored that way; [`scaled_e4`] says so with a typed error
//! instead of truncating.
//!
//! No binary floating point appears anywhere in this module or its callers.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Rounds `value` to `dp` decimal places, **half away from zero**, and pads it to exactly `dp`
/// places so that it displays the way the golden cases and the UI write it ("400.00", "3704").
///
/// This is the only rounding function of the domain: currency amounts and the 2-decimal
/// percentage display both go through it, so the browser and the server can never disagree by a
/// cent. `dp` above 28 (the most `Decimal` can hold) is treated as 28.
pub fn round_half_away(value: Decimal, dp: u32) -> Decimal {
    let dp = dp.min(Decimal::MAX_SCALE);
    let mut rounded = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    // After rounding to `dp` places the scale is at most `dp`, so raising it to `dp` only appends
    // zeros (it cannot round again). It keeps "0" printing as "0.00" for a 2-decimal currency.
    rounded.rescale(dp);
    rounded
}

// ---------------------------------------------------------------------------------------------
// Currency
// ---------------------------------------------------------------------------------------------

/// A report currency (ISO 4217). A region fixes which one its reports use.
///
/// Only currencies the product supports are listed; adding one is a one-line change in each of
/// the `match`es below, and the compiler points at every one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Currency {
    /// US dollar.
    Usd,
    /// Canadian dollar.
    Cad,
    /// Mexican peso.
    Mxn,
    /// Brazilian real.
    Brl,
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
    /// Swiss franc.
    Chf,
    /// Australian dollar.
    Aud,
    /// New Zealand dollar.
    Nzd,
    /// Singapore dollar.
    Sgd,
    /// Japanese yen: no minor units.
    Jpy,
    /// Kuwaiti dinar: three minor units.
    Kwd,
    /// Bahraini dinar: three minor units.
    Bhd,
}

impl Currency {
    /// Every supported currency, for pickers and table tests.
    pub const fn all() -> &'static [Currency] {
        &[
            Currency::Usd,
            Currency::Cad,
            Currency::Mxn,
            Currency::Brl,
            Currency::Eur,
            Currency::Gbp,
            Currency::Chf,
            Currency::Aud,
            Currency::Nzd,
            Currency::Sgd,
            Currency::Jpy,
            Currency::Kwd,
            Currency::Bhd,
        ]
    }

    /// The ISO 4217 code, as stored in the database and sent over the wire.
    pub const fn code(&self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Cad => "CAD",
            Currency::Mxn => "MXN",
            Currency::Brl => "BRL",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Chf => "CHF",
            Currency::Aud => "AUD",
            Currency::Nzd => "NZD",
            Currency::Sgd => "SGD",
            Currency::Jpy => "JPY",
            Currency::Kwd => "KWD",
            Currency::Bhd => "BHD",
        }
    }

    /// How many decimal places an amount in this currency has (ISO 4217 minor units).
    pub const fn minor_units(&self) -> u32 {
        match self {
            Currency::Jpy => 0,
            Currency::Kwd | Currency::Bhd => 3,
            Currency::Usd
            | Currency::Cad
            | Currency::Mxn
            | Currency::Brl
            | Currency::Eur
            | Currency::Gbp
            | Currency::Chf
            | Currency::Aud
            | Currency::Nzd
            | Currency::Sgd => 2,
        }
    }

    /// The English name, for labels and pickers.
    pub const fn name(&self) -> &'static str {
        match self {
            Currency::Usd => "US dollar",
            Currency::Cad => "Canadian dollar",
            Currency::Mxn => "Mexican peso",
            Currency::Brl => "Brazilian real",
            Currency::Eur => "Euro",
            Currency::Gbp => "Pound sterling",
            Currency::Chf => "Swiss franc",
            Currency::Aud => "Australian dollar",
            Currency::Nzd => "New Zealand dollar",
            Currency::Sgd => "Singapore dollar",
            Currency::Jpy => "Japanese yen",
            Currency::Kwd => "Kuwaiti dinar",
            Currency::Bhd => "Bahraini dinar",
        }
    }

    /// Rounds an amount to this currency's minor units with the product's one rounding rule.
    pub fn round(&self, value: Decimal) -> Decimal {
        round_half_away(value, self.minor_units())
    }

    /// Parses an ISO code such as "USD" (surrounding spaces and letter case are ignored).
    pub fn parse(text: &str) -> Result<Currency, ParseError> {
        let code = text.trim();
        Currency::all()
            .iter()
            .copied()
            .find(|c| c.code().eq_ignore_ascii_case(code))
            .ok_or_else(|| ParseError::UnknownCurrency(shorten(code)))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

/// Keeps an echoed bad input short, so an error message can never carry a megabyte of text.
fn shorten(text: &str) -> String {
    text.chars().take(12).collect()
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Which number a parse error is about, so the message can name it the way the form does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// A unit price.
    UnitPrice,
    /// A channel margin in percent.
    ChannelMargin,
    /// A count of units (provisioned, used or chargeable).
    Units,
    /// The over-provisioning threshold in percent.
    Threshold,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::UnitPrice => "Unit price",
            Field::ChannelMargin => "Channel margin",
            Field::Units => "Number of units",
            Field::Threshold => "Over-provisioning threshold",
        })
    }
}

/// Why a typed value was refused. Every message is meant to be shown to the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ParseError {
    /// Nothing was typed.
    #[error("{0} is required")]
    Empty(Field),
    /// The text is not a plain decimal number (letters, exponents, commas, several dots, ...).
    #[error("{0} must be a plain number such as 12.50")]
    NotANumber(Field),
    /// The text is a number with a fractional part where only whole numbers make sense.
    #[error("{0} must be a whole number")]
    NotWhole(Field),
    /// The number is below zero.
    #[error("{0} cannot be negative")]
    Negative(Field),
    /// The number has more decimal places than the field keeps.
    #[error("{field} can have at most {max} decimal places")]
    TooManyDecimals {
        /// The field.
        field: Field,
        /// The most decimal places allowed.
        max: u32,
    },
    /// The number is above the field's upper bound.
    #[error("{field} can be at most {max}")]
    TooLarge {
        /// The field.
        field: Field,
        /// The upper bound, as text.
        max: String,
    },
    /// A channel margin outside 0 ≤ m < 100.
    #[error("Channel margin must be at least 0 and less than 100")]
    MarginOutOfRange,
    /// A threshold outside 0 ≤ t ≤ 100.
    #[error("Over-provisioning threshold must be between 0 and 100")]
    ThresholdOutOfRange,
    /// A currency code the product does not know.
    #[error("\"{0}\" is not a supported currency code")]
    UnknownCurrency(String),
}

/// Why a value could not be turned into the database's "scaled by 10^4" integer form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScaledError {
    /// More than four decimal places would be lost.
    #[error("the value {0} has more than 4 decimal places and cannot be stored exactly")]
    TooManyDecimals(Decimal),
    /// Outside what a 64-bit integer holds after scaling (about ±9.2 × 10^14).
    #[error("the value {0} is too large to store")]
    OutOfRange(Decimal),
}

/// The database keeps every money and percentage value as an integer count of 1/10 000ths
/// (BIGINT), which is exact, portable between SQLite and PostgreSQL, and sorts correctly.
/// This converts to that form, refusing rather than rounding anything away.
pub fn scaled_e4(value: Decimal) -> Result<i64, ScaledError> {
    let normalized = value.normalize();
    let scale = normalized.scale();
    if scale > 4 {
        return Err(ScaledError::TooManyDecimals(value));
    }
    // 10^(4 - scale) ≤ 10^4 and |mantissa| < 2^96, so this i128 product cannot overflow; it is
    // still written checked so that the claim does not have to be trusted.
    normalized
        .mantissa()
        .checked_mul(10_i128.pow(4 - scale))
        .and_then(|scaled| i64::try_from(scaled).ok())
        .ok_or(ScaledError::OutOfRange(value))
}

/// The inverse of [`scaled_e4`]: an exact decimal with four decimal places.
pub fn from_scaled_e4(value: i64) -> Decimal {
    Decimal::new(value, 4)
}

// ---------------------------------------------------------------------------------------------
// Parsing what people type
// ---------------------------------------------------------------------------------------------

/// At most this many significant integer digits are read; anything longer is "too large"
/// before any arithmetic happens (so "99999…" of any length is a typed error, not an overflow).
const MAX_INTEGER_DIGITS: usize = 13;

/// Reads plain decimal text: digits, optionally a dot followed by digits. No sign, exponent,
/// thousands separator or underscore (`Decimal::from_str` would accept some of those; people
/// should not be able to type "1e5" or "1_000" into a price).
///
/// Builds the `Decimal` from the digits itself, so the result is exact and the only failures
/// are the typed ones.
fn parse_decimal_text(text: &str, field: Field, max_dp: u32) -> Result<Decimal, ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ParseError::Empty(field));
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
        return Err(ParseError::NotANumber(field));
    }
    let int_digits = int_part.trim_start_matches('0');
    let frac_digits = frac_part.unwrap_or("").trim_end_matches('0');
    if negative && !(int_digits.is_empty() && frac_digits.is_empty()) {
        return Err(ParseError::Negative(field));
    }
    if frac_digits.len() > max_dp as usize {
        return Err(ParseError::TooManyDecimals { field, max: max_dp });
    }
    if int_digits.len() > MAX_INTEGER_DIGITS {
        return Err(ParseError::TooLarge {
            field,
            max: field_max_text(field),
        });
    }
    // At most 13 + 4 digits: fits in i64 (≈ 9.2 × 10^18) without any possibility of overflow.
    let mut mantissa: i64 = 0;
    for b in int_digits.bytes().chain(frac_digits.bytes()) {
        mantissa = mantissa * 10 + i64::from(b - b'0');
    }
    // `frac_digits.len()` ≤ max_dp ≤ 4, far below the 28 `Decimal::new` accepts.
    Ok(Decimal::new(mantissa, frac_digits.len() as u32))
}

fn field_max_text(field: Field) -> String {
    match field {
        Field::UnitPrice => UnitPrice::MAX.to_string(),
        Field::Units => Units::MAX.to_string(),
        Field::ChannelMargin => "99.9999".to_owned(),
        Field::Threshold => "100".to_owned(),
    }
}

/// Drops trailing zeros and the sign of zero, so equal values print the same ("5" not "5.00",
/// never "-0").
fn canonical(value: Decimal) -> Decimal {
    if value.is_zero() {
        Decimal::ZERO
    } else {
        value.normalize()
    }
}

/// Checks the decimal places a value really has (trailing zeros do not count).
fn check_places(value: Decimal, field: Field, max_dp: u32) -> Result<Decimal, ParseError> {
    let value = canonical(value);
    if value.scale() > max_dp {
        Err(ParseError::TooManyDecimals { field, max: max_dp })
    } else {
        Ok(value)
    }
}

// ---------------------------------------------------------------------------------------------
// UnitPrice
// ---------------------------------------------------------------------------------------------

/// A price per unit in the report's currency: 0 ≤ price ≤ 10^9, at most 4 decimal places.
///
/// Four places because vendors quote fractions of a cent per unit (e.g. 0.0001 per GB);
/// the amounts computed from it are rounded to the currency afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct UnitPrice(Decimal);

impl UnitPrice {
    /// Most decimal places a unit price keeps.
    pub const DECIMAL_PLACES: u32 = 4;
    /// The largest unit price accepted (see the module docs for why it is bounded).
    pub const MAX: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

    /// Parses what a person typed, e.g. "12.50".
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Self::new(parse_decimal_text(
            text,
            Field::UnitPrice,
            Self::DECIMAL_PLACES,
        )?)
    }

    /// Validates a decimal that came from elsewhere (database, pricing service).
    pub fn new(value: Decimal) -> Result<Self, ParseError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(ParseError::Negative(Field::UnitPrice));
        }
        let value = check_places(value, Field::UnitPrice, Self::DECIMAL_PLACES)?;
        if value > Self::MAX {
            return Err(ParseError::TooLarge {
                field: Field::UnitPrice,
                max: Self::MAX.to_string(),
            });
        }
        Ok(Self(value))
    }

    /// The price as an exact decimal.
    pub fn get(&self) -> Decimal {
        self.0
    }
}

impl fmt::Display for UnitPrice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for UnitPrice {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<Decimal> for UnitPrice {
    type Error = ParseError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<UnitPrice> for Decimal {
    fn from(value: UnitPrice) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// MarginPercent
// ---------------------------------------------------------------------------------------------

/// The channel margin in percent: 0 ≤ m < 100, at most 4 decimal places.
///
/// 100 is excluded because a 100 % margin would mean the distributor owes the vendor nothing,
/// which is never a real price; it is far more likely to be a typing mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct MarginPercent(Decimal);

impl MarginPercent {
    /// Most decimal places a margin keeps.
    pub const DECIMAL_PLACES: u32 = 4;

    /// Parses what a person typed, e.g. "12.5".
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        match parse_decimal_text(text, Field::ChannelMargin, Self::DECIMAL_PLACES) {
            Ok(value) => Self::new(value),
            // "-1" and "250" get the same message: the range is what the person needs to know.
            Err(ParseError::Negative(_) | ParseError::TooLarge { .. }) => {
                Err(ParseError::MarginOutOfRange)
            }
            Err(other) => Err(other),
        }
    }

    /// Validates a decimal that came from elsewhere (database, pricing service).
    pub fn new(value: Decimal) -> Result<Self, ParseError> {
        if (value.is_sign_negative() && !value.is_zero()) || value >= Decimal::ONE_HUNDRED {
            return Err(ParseError::MarginOutOfRange);
        }
        Ok(Self(check_places(
            value,
            Field::ChannelMargin,
            Self::DECIMAL_PLACES,
        )?))
    }

    /// The margin in percent, e.g. 25 for 25 %.
    pub fn get(&self) -> Decimal {
        self.0
    }

    /// The share the vendor keeps, `1 − m/100`, exact (scale ≤ 6).
    pub fn owed_factor(&self) -> Decimal {
        // 100 − m is exact (scale ≤ 4); multiplying by 0.01 only moves the decimal point.
        (Decimal::ONE_HUNDRED - self.0) * Decimal::new(1, 2)
    }
}

impl fmt::Display for MarginPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for MarginPercent {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<Decimal> for MarginPercent {
    type Error = ParseError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<MarginPercent> for Decimal {
    fn from(value: MarginPercent) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// ThresholdPercent
// ---------------------------------------------------------------------------------------------

/// The over-provisioning threshold in percent (a setting, default 0): 0 ≤ t ≤ 100, at most
/// 4 decimal places. A line is only a violation when it is over-provisioned by more than this.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct ThresholdPercent(Decimal);

impl ThresholdPercent {
    /// Most decimal places a threshold keeps.
    pub const DECIMAL_PLACES: u32 = 4;
    /// The default setting: any over-provisioning counts.
    pub const ZERO: ThresholdPercent = ThresholdPercent(Decimal::ZERO);

    /// Parses what a person typed, e.g. "10".
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        match parse_decimal_text(text, Field::Threshold, Self::DECIMAL_PLACES) {
            Ok(value) => Self::new(value),
            Err(ParseError::Negative(_) | ParseError::TooLarge { .. }) => {
                Err(ParseError::ThresholdOutOfRange)
            }
            Err(other) => Err(other),
        }
    }

    /// Validates a decimal that came from elsewhere (settings table).
    pub fn new(value: Decimal) -> Result<Self, ParseError> {
        if (value.is_sign_negative() && !value.is_zero()) || value > Decimal::ONE_HUNDRED {
            return Err(ParseError::ThresholdOutOfRange);
        }
        Ok(Self(check_places(
            value,
            Field::Threshold,
            Self::DECIMAL_PLACES,
        )?))
    }

    /// The threshold in percent.
    pub fn get(&self) -> Decimal {
        self.0
    }
}

impl fmt::Display for ThresholdPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for ThresholdPercent {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<Decimal> for ThresholdPercent {
    type Error = ParseError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<ThresholdPercent> for Decimal {
    fn from(value: ThresholdPercent) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------

/// A whole number of units (seats, devices, GB, ...): 0 ≤ n ≤ 10^9.
///
/// Used for provisioned, used and chargeable alike. The bound keeps every amount computed from
/// it exact (see the module docs) and is far above any real monthly usage of one product.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(try_from = "u64", into = "u64")]
pub struct Units(u64);

impl Units {
    /// The largest count accepted.
    pub const MAX: u64 = 1_000_000_000;
    /// No units.
    pub const ZERO: Units = Units(0);

    /// Parses what a person typed, e.g. "45".
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let value = parse_decimal_text(text, Field::Units, 0).map_err(|e| match e {
            // "4.5" is a number, just not a whole one: say that rather than "too many decimals".
            ParseError::TooManyDecimals { .. } => ParseError::NotWhole(Field::Units),
            other => other,
        })?;
        // `value` has scale 0 and at most 13 digits, so it is an exact non-negative integer.
        let count = u64::try_from(value.mantissa()).map_err(|_| ParseError::TooLarge {
            field: Field::Units,
            max: Self::MAX.to_string(),
        })?;
        Self::new(count)
    }

    /// Validates a count that came from elsewhere (usage feed, database).
    pub fn new(value: u64) -> Result<Self, ParseError> {
        if value > Self::MAX {
            return Err(ParseError::TooLarge {
                field: Field::Units,
                max: Self::MAX.to_string(),
            });
        }
        Ok(Self(value))
    }

    /// The count.
    pub fn get(&self) -> u64 {
        self.0
    }

    /// The count as an exact decimal, for the money arithmetic.
    pub fn to_decimal(&self) -> Decimal {
        Decimal::from(self.0)
    }
}

impl fmt::Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Units {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<u64> for Units {
    type Error = ParseError;
    fn try_from(value: u64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Units> for u64 {
    fn from(value: Units) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str_exact(text).expect("test literal")
    }

    #[test]
    fn rounding_is_half_away_from_zero_not_bankers() {
        assert_eq!(round_half_away(d("0.125"), 2).to_string(), "0.13");
        assert_eq!(round_half_away(d("0.135"), 2).to_string(), "0.14");
        assert_eq!(round_half_away(d("-0.125"), 2).to_string(), "-0.13");
        assert_eq!(round_half_away(d("2.5"), 0).to_string(), "3");
        assert_eq!(round_half_away(d("0.124999"), 2).to_string(), "0.12");
        assert_eq!(round_half_away(Decimal::ZERO, 2).to_string(), "0.00");
        assert_eq!(round_half_away(d("7"), 3).to_string(), "7.000");
        assert_eq!(Currency::Jpy.round(d("3703.5")).to_string(), "3704");
        assert_eq!(Currency::Kwd.round(d("11.1105")).to_string(), "11.111");
    }

    #[test]
    fn currencies_round_trip_their_codes() {
        for c in Currency::all() {
            assert_eq!(Currency::parse(c.code()), Ok(*c));
            assert_eq!(c.code().parse::<Currency>(), Ok(*c));
            assert!(!c.name().is_empty());
        }
        assert_eq!(Currency::parse(" usd "), Ok(Currency::Usd));
        assert_eq!(Currency::Jpy.minor_units(), 0);
        assert_eq!(Currency::Kwd.minor_units(), 3);
        assert_eq!(Currency::Eur.minor_units(), 2);
        assert!(matches!(
            Currency::parse("XYZ"),
            Err(ParseError::UnknownCurrency(_))
        ));
    }

    #[test]
    fn unit_price_accepts_plain_decimals() {
        assert_eq!(UnitPrice::parse(" 12.50 ").map(|p| p.get()), Ok(d("12.5")));
        assert_eq!(UnitPrice::parse("0").map(|p| p.get()), Ok(Decimal::ZERO));
        assert_eq!(UnitPrice::parse("-0").map(|p| p.get()), Ok(Decimal::ZERO));
        assert_eq!(UnitPrice::parse("0.0001").map(|p| p.get()), Ok(d("0.0001")));
        assert_eq!(UnitPrice::parse("1.230000").map(|p| p.get()), Ok(d("1.23")));
        assert_eq!(
            UnitPrice::parse("1000000000").map(|p| p.get()),
            Ok(UnitPrice::MAX)
        );
    }

    #[test]
    fn unit_price_refuses_with_typed_errors() {
        use ParseError::*;
        let p = |s| UnitPrice::parse(s);
        assert_eq!(p(""), Err(Empty(Field::UnitPrice)));
        assert_eq!(p("   "), Err(Empty(Field::UnitPrice)));
        assert_eq!(p("abc"), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p("1e5"), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p("1_000"), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p("1,5"), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p("1.2.3"), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p(".5"), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p("5."), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p("+5"), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p("--1"), Err(NotANumber(Field::UnitPrice)));
        assert_eq!(p("-1"), Err(Negative(Field::UnitPrice)));
        assert_eq!(
            p("1.23456"),
            Err(TooManyDecimals {
                field: Field::UnitPrice,
                max: 4
            })
        );
        assert!(matches!(
            p("99999999999999999999999999999999"),
            Err(TooLarge { .. })
        ));
        assert!(matches!(p("1000000000.0001"), Err(TooLarge { .. })));
        assert_eq!(
            p("1.23456").map_err(|e| e.to_string()),
            Err("Unit price can have at most 4 decimal places".to_owned())
        );
    }

    #[test]
    fn margin_is_at_least_zero_and_below_one_hundred() {
        assert_eq!(
            MarginPercent::parse("99.9999").map(|m| m.get()),
            Ok(d("99.9999"))
        );
        assert_eq!(
            MarginPercent::parse("0").map(|m| m.get()),
            Ok(Decimal::ZERO)
        );
        for bad in ["100", "-1", "250", "99999999999999999999999999999999"] {
            assert_eq!(
                MarginPercent::parse(bad),
                Err(ParseError::MarginOutOfRange),
                "{bad}"
            );
        }
        assert_eq!(
            MarginPercent::parse("100").map_err(|e| e.to_string()),
            Err("Channel margin must be at least 0 and less than 100".to_owned())
        );
        assert_eq!(
            MarginPercent::parse("12.5").map(|m| m.owed_factor()),
            Ok(d("0.875"))
        );
    }

    #[test]
    fn threshold_is_between_zero_and_one_hundred() {
        assert!(ThresholdPercent::parse("100").is_ok());
        assert!(ThresholdPercent::parse("0").is_ok());
        assert_eq!(
            ThresholdPercent::parse("100.0001"),
            Err(ParseError::ThresholdOutOfRange)
        );
        assert_eq!(
            ThresholdPercent::parse("-5"),
            Err(ParseError::ThresholdOutOfRange)
        );
    }

    #[test]
    fn units_are_whole_and_bounded() {
        assert_eq!(Units::parse(" 0045 ").map(|u| u.get()), Ok(45));
        assert_eq!(Units::parse("12.0").map(|u| u.get()), Ok(12));
        assert_eq!(Units::parse("4.5"), Err(ParseError::NotWhole(Field::Units)));
        assert_eq!(Units::parse("-1"), Err(ParseError::Negative(Field::Units)));
        assert!(matches!(
            Units::parse("1000000001"),
            Err(ParseError::TooLarge { .. })
        ));
        assert!(matches!(
            Units::parse("99999999999999999999999999999999"),
            Err(ParseError::TooLarge { .. })
        ));
        assert!(Units::new(Units::MAX).is_ok());
        assert!(Units::new(Units::MAX + 1).is_err());
    }

    #[test]
    fn scaled_e4_round_trips_and_refuses_loss() {
        assert_eq!(scaled_e4(d("5.00")), Ok(50_000));
        assert_eq!(scaled_e4(d("-0.0001")), Ok(-1));
        assert_eq!(scaled_e4(d("9999989900.00")), Ok(99_999_899_000_000));
        assert_eq!(from_scaled_e4(50_000), d("5"));
        assert_eq!(from_scaled_e4(i64::MAX), d("922337203685477.5807"));
        assert_eq!(scaled_e4(from_scaled_e4(i64::MIN)), Ok(i64::MIN));
        assert!(matches!(
            scaled_e4(d("0.00001")),
            Err(ScaledError::TooManyDecimals(_))
        ));
        assert!(matches!(
            scaled_e4(d("1000000000000000")),
            Err(ScaledError::OutOfRange(_))
        ));
    }

    #[test]
    fn newtypes_travel_as_strings_and_are_validated_on_the_way_in() {
        let price = UnitPrice::parse("12.5").expect("valid");
        let json = serde_json::to_string(&price).expect("serialize");
        assert_eq!(json, "\"12.5\"");
        assert_eq!(serde_json::from_str::<UnitPrice>(&json).ok(), Some(price));
        assert!(serde_json::from_str::<UnitPrice>("\"-3\"").is_err());
        assert!(serde_json::from_str::<MarginPercent>("\"100\"").is_err());
        assert!(serde_json::from_str::<Units>("1000000001").is_err());
        assert_eq!(
            serde_json::to_string(&Currency::Jpy).ok(),
            Some("\"JPY\"".to_owned())
        );
        assert!(serde_json::from_str::<Currency>("\"XXX\"").is_err());
    }
}
