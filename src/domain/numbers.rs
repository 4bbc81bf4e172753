//! The validated numbers that feed the calculations: unit prices, channel margins, the
//! over-provisioning threshold and units. Each `parse` turns what a person typed into a value that
//! is valid by construction (see `money` for the bounds and why they are what they are).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::money::{Field, ParseError};

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
pub(super) fn parse_decimal_text(
    text: &str,
    field: Field,
    max_dp: u32,
) -> Result<Decimal, ParseError> {
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
        Field::Threshold | Field::AnomalyThreshold => "100".to_owned(),
        Field::AutoApproveLimit => "1000000000000".to_owned(),
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
pub(super) fn check_places(
    value: Decimal,
    field: Field,
    max_dp: u32,
) -> Result<Decimal, ParseError> {
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
