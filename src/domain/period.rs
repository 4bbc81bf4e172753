//! A report period: one calendar month, written "2026-11" everywhere (URLs, JSON, filters).
//!
//! Dates are computed here without a date library so the same code runs in the browser; only
//! the Gregorian leap-year rule is needed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A report period: one calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    // Field order matters: the derived ordering is chronological.
    year: i32,
    month: u32,
}

/// Why a period could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PeriodError {
    /// Not of the form YYYY-MM.
    #[error("A report period looks like 2026-11 (year-month)")]
    Format,
    /// Year outside 1..=9999.
    #[error("The year must be between 1 and 9999")]
    Year,
    /// Month outside 1..=12.
    #[error("The month must be between 1 and 12")]
    Month,
}

impl Period {
    /// Builds a period from a year (1..=9999) and a month (1..=12).
    pub fn new(year: i32, month: u32) -> Result<Period, PeriodError> {
        if !(1..=9999).contains(&year) {
            return Err(PeriodError::Year);
        }
        if !(1..=12).contains(&month) {
            return Err(PeriodError::Month);
        }
        Ok(Period { year, month })
    }

    /// Reads "YYYY-MM" (exactly four and two digits; surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let text = text.trim();
        let (year, month) = text.split_once('-').ok_or(PeriodError::Format)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(PeriodError::Format);
        }
        // Four and two ASCII digits always parse; the map_err is only there to avoid a panic path.
        let year: i32 = year.parse().map_err(|_| PeriodError::Format)?;
        let month: u32 = month.parse().map_err(|_| PeriodError::Format)?;
        Period::new(year, month)
    }

    /// The year.
    pub const fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    pub const fn month(&self) -> u32 {
        self.month
    }

    /// First day of the period as (year, month, day).
    pub const fn first_day(&self) -> (i32, u32, u32) {
        (self.year, self.month, 1)
    }

    /// Last day of the period as (year, month, day), leap years included.
    pub const fn last_day(&self) -> (i32, u32, u32) {
        (self.year, self.month, days_in_month(self.year, self.month))
    }

    /// Sortable integer key yyyymm (e.g. 202611), as stored in the database.
    pub const fn to_key(&self) -> i32 {
        self.year * 100 + self.month as i32
    }

    /// Reads a key written by [`Period::to_key`].
    pub fn from_key(key: i32) -> Result<Period, PeriodError> {
        let month = u32::try_from(key.rem_euclid(100)).map_err(|_| PeriodError::Month)?;
        Period::new(key.div_euclid(100), month)
    }

    /// The following month (`None` after 9999-12).
    pub fn next(&self) -> Option<Period> {
        if self.month == 12 {
            Period::new(self.year + 1, 1).ok()
        } else {
            Period::new(self.year, self.month + 1).ok()
        }
    }

    /// The preceding month (`None` before 0001-01).
    pub fn previous(&self) -> Option<Period> {
        if self.month == 1 {
            Period::new(self.year - 1, 12).ok()
        } else {
            Period::new(self.year, self.month - 1).ok()
        }
    }
}

/// Gregorian leap year: every fourth year, except centuries not divisible by 400.
pub const fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of a year (month 1..=12; anything else gives 0).
pub const fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Period::parse(&value)
    }
}

impl From<Period> for String {
    fn from(value: Period) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(text: &str) -> Period {
        Period::parse(text).expect("test period")
    }

    #[test]
    fn periods_parse_and_print() {
        assert_eq!(period(" 2026-11 ").to_string(), "2026-11");
        assert_eq!(period("2026-11").to_key(), 202_611);
        assert_eq!(Period::from_key(202_611), Ok(period("2026-11")));
        for bad in [
            "2026-13", "2026-00", "2026-1", "26-11", "2026/11", "", "abcd-ef", "0000-01",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert!(Period::from_key(202_613).is_err());
        assert!(Period::from_key(-5).is_err());
        assert!(period("2026-01") < period("2026-02"));
        assert!(period("2025-12") < period("2026-01"));
        assert_eq!(period("2025-12").next(), Some(period("2026-01")));
        assert_eq!(period("2026-01").previous(), Some(period("2025-12")));
        assert_eq!(period("9999-12").next(), None);
    }

    #[test]
    fn last_days_follow_the_leap_year_rule() {
        assert_eq!(period("2024-02").last_day(), (2024, 2, 29));
        assert_eq!(period("2026-02").last_day(), (2026, 2, 28));
        assert_eq!(period("1900-02").last_day(), (1900, 2, 28));
        assert_eq!(period("2000-02").last_day(), (2000, 2, 29));
        assert_eq!(period("2026-04").last_day(), (2026, 4, 30));
        assert_eq!(period("2026-12").last_day(), (2026, 12, 31));
        assert_eq!(period("2026-11").first_day(), (2026, 11, 1));
    }

    #[test]
    fn period_travels_as_text() {
        let json = serde_json::to_string(&period("2026-03")).expect("serialize");
        assert_eq!(json, "\"2026-03\"");
        assert!(serde_json::from_str::<Period>("\"2026-13\"").is_err());
    }
}
