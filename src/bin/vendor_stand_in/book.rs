//! The stand-in's price book, read from `--book`: list prices and codes with their months of
//! validity, the contract's periods (`YYYY-MM`) and amounts (decimal strings, never JSON
//! numbers), and how the vendor judges a code.

use std::{fmt, str::FromStr};

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};

/// A month, `YYYY-MM` on the wire, ordered by (year, month).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: u16,
    month: u8,
}

impl TryFrom<String> for Period {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let bad = || format!("not a period (YYYY-MM): {text:?}");
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let parts = text
            .split_once('-')
            .filter(|&(y, m)| digits(y, 4) && digits(m, 2));
        let (year, month) = parts.ok_or_else(bad)?;
        let year = year.parse().map_err(|_| bad())?;
        let month = month.parse().map_err(|_| bad())?;
        if (1..=12).contains(&month) {
            Ok(Period { year, month })
        } else {
            Err(bad())
        }
    }
}

impl From<Period> for String {
    fn from(period: Period) -> String {
        period.to_string()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// An amount or percentage: a decimal string on the wire, never a JSON number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Amount(pub Decimal);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let plain = text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
        let value = Decimal::from_str(&text).ok().filter(|_| plain);
        value
            .map(Amount)
            .ok_or_else(|| serde::de::Error::custom(format!("not a decimal string: {text:?}")))
    }
}

/// The vendor's price book, as read from `--book`.
#[derive(Deserialize)]
pub struct Book {
    pub prices: Vec<PriceEntry>,
    #[serde(default)]
    pub codes: Vec<CodeEntry>,
}

/// A list price and margin for one product in one region, from `valid_from` to `valid_to`.
#[derive(Deserialize)]
pub struct PriceEntry {
    pub region: String,
    pub sku: String,
    pub valid_from: Period,
    pub valid_to: Option<Period>,
    pub unit_price: Amount,
    pub channel_margin: Amount,
    pub currency: String,
}

/// A pricing code granted to one partner for one product.
#[derive(Deserialize)]
pub struct CodeEntry {
    pub code: String,
    pub partner_id: i64,
    pub sku: String,
    pub kind: String,
    pub unit_price: Option<Amount>,
    pub channel_margin: Option<Amount>,
    pub valid_from: Period,
    pub valid_to: Period,
}

impl CodeEntry {
    /// The code's terms as the contract answers them.
    pub fn terms(&self) -> Value {
        json!({"kind": self.kind, "unit_price": self.unit_price,
               "channel_margin": self.channel_margin, "valid_to": self.valid_to})
    }

    pub fn valid_in(&self, period: Period) -> bool {
        self.valid_from <= period && period <= self.valid_to
    }
}

impl Book {
    /// The price valid in `period`, the newest `valid_from` winning.
    pub fn price_for(&self, region: &str, sku: &str, period: Period) -> Option<&PriceEntry> {
        let applies =
            |p: &&PriceEntry| p.valid_from <= period && p.valid_to.is_none_or(|to| period <= to);
        let matching = self
            .prices
            .iter()
            .filter(|p| p.region == region && p.sku == sku);
        matching.filter(applies).max_by_key(|p| p.valid_from)
    }

    /// The answer to a code verification: the terms, or why the code is not valid.
    pub fn verdict(&self, request: &VerifyRequest) -> Value {
        let theirs = |c: &&CodeEntry| c.code == request.code && c.partner_id == request.partner_id;
        let on_sku: Vec<&CodeEntry> = self
            .codes
            .iter()
            .filter(theirs)
            .filter(|c| c.sku == request.sku)
            .collect();
        if let Some(code) = on_sku.iter().find(|c| c.valid_in(request.period)) {
            let mut terms = code.terms();
            terms["valid"] = json!(true);
            return terms;
        }
        let reason = if !on_sku.is_empty() {
            format!("code not valid in {}", request.period)
        } else if self.codes.iter().any(|c| theirs(&c)) {
            format!("code not valid for {}", request.sku)
        } else {
            "unknown code".to_owned()
        };
        json!({"valid": false, "reason": reason})
    }
}

/// Body of `POST /v1/codes/verify`.
#[derive(Deserialize)]
pub struct VerifyRequest {
    pub code: String,
    pub partner_id: i64,
    pub sku: String,
    pub period: Period,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_order_by_year_then_month() {
        let period = |text: &str| Period::try_from(text.to_owned());
        assert!(period("2026-12").expect("a period") < period("2027-01").expect("a period"));
        assert_eq!(period("2026-03").expect("a period").to_string(), "2026-03");
        for bad in [
            "2026-13", "2026-00", "2026-1", "26-01", "2026/01", "", "2026-1a",
        ] {
            assert!(period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_are_decimal_strings_only() {
        let amount: Amount = serde_json::from_str("\"4.20\"").expect("an amount");
        assert_eq!(json!(amount), json!("4.20"));
        for bad in ["4.2", "\"\"", "\"1e3\"", "\"abc\""] {
            assert!(serde_json::from_str::<Amount>(bad).is_err(), "{bad}");
        }
    }
}
