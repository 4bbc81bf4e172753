//! Currencies: ISO 4217 codes and how many minor units each has (USD 2, JPY 0, …).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::money::{ParseError, round_half_away};

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
