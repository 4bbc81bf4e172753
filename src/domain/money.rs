//! Money: the one rounding rule, the typed errors of every number parser, the bounds every
//! number obeys, and the database's scaled-integer form.
//!
//! * the **one rounding rule** of the product, [`round_half_away`]: half away from zero, written
//!   out explicitly because `Decimal::round_dp` alone rounds half to even (banker's rounding),
//!   which would make 0.125 USD become 0.12 instead of the 0.13 a person expects;
//! * [`ParseError`] and [`Field`]: what the parsers of `currency` and `numbers` answer. The
//!   newtypes there (`UnitPrice`, `MarginPercent`, `Units`, `ThresholdPercent`) turn what a person
//!   typed into a value that is valid by construction; the same parser runs in the browser form
//!   and on the server, so both refuse exactly the same text.
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
    /// The month-over-month anomaly threshold in percent.
    AnomalyThreshold,
    /// The most a report may total to be approved by a distributor's rule.
    AutoApproveLimit,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::UnitPrice => "Unit price",
            Field::ChannelMargin => "Channel margin",
            Field::Units => "Number of units",
            Field::Threshold => "Over-provisioning threshold",
            Field::AnomalyThreshold => "Anomaly threshold",
            Field::AutoApproveLimit => "Highest total",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, MarginPercent, ThresholdPercent, UnitPrice, Units};

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
