//! How long is left until a deadline, in words people read at a glance ("due in 3 days",
//! "overdue"). Deadlines and "now" are UTC RFC 3339 text as stored; "now" is the moment the
//! server read the report, sent with it, so the server and the browser say the same thing.

use serde::{Deserialize, Serialize};

use super::status::Status;

/// Whose deadline matters for a report in a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineOf {
    /// The partner must submit (MSP preparing, or rejected and to be resubmitted).
    Partner,
    /// The distributor must review (under review).
    Distributor,
}

impl DeadlineOf {
    pub const ALL: [DeadlineOf; 2] = [DeadlineOf::Partner, DeadlineOf::Distributor];

    /// The deadline that is running for a report in `status`, if any.
    pub const fn running(status: Status) -> Option<DeadlineOf> {
        match status {
            Status::MspPreparing | Status::Rejected => Some(DeadlineOf::Partner),
            Status::UnderReview(_) => Some(DeadlineOf::Distributor),
            Status::SubmittedToVendor | Status::Completed => None,
        }
    }
}

impl DeadlineOf {
    /// This kind's deadline among a report's two (partner's submission, distributor's review).
    pub fn pick<'a>(self, submission: &'a str, review: &'a str) -> &'a str {
        match self {
            DeadlineOf::Partner => submission,
            DeadlineOf::Distributor => review,
        }
    }
}

/// What is left until a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeLeft {
    /// The deadline has passed.
    Overdue,
    /// Less than a day is left.
    Today,
    /// Whole days left (at least 1).
    Days(i64),
}

impl TimeLeft {
    /// The time from `now` to `deadline`, both UTC RFC 3339 (`2026-11-05T23:59:00Z`); `None`
    /// when either can not be read.
    pub fn until(deadline: &str, now: &str) -> Option<TimeLeft> {
        let left = utc_seconds(deadline)? - utc_seconds(now)?;
        Some(match left {
            ..0 => TimeLeft::Overdue,
            0..DAY => TimeLeft::Today,
            _ => TimeLeft::Days(left / DAY),
        })
    }

    /// "overdue", "due today", "due tomorrow", "due in 3 days".
    pub fn label(&self) -> String {
        match self {
            TimeLeft::Overdue => "overdue".to_owned(),
            TimeLeft::Today => "due today".to_owned(),
            TimeLeft::Days(1) => "due tomorrow".to_owned(),
            TimeLeft::Days(days) => format!("due in {days} days"),
        }
    }

    /// Overdue or due within a day: worth drawing attention to.
    pub const fn is_urgent(&self) -> bool {
        matches!(self, TimeLeft::Overdue | TimeLeft::Today)
    }
}

const DAY: i64 = 86_400;

/// Seconds since 1970-01-01T00:00:00Z of `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `+00:00`
/// (fractions of a second are ignored). Other offsets are not what the server stores and read as
/// `None`.
pub fn utc_seconds(text: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let rest = text.get(19..)?;
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => fraction.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    if !matches!(rest, "Z" | "+00:00") || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY + hour * 3_600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the well-known era-based method).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date (year, month, day) of a day counted from 1970-01-01 (the inverse of
/// [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The last minute (23:59 UTC) of the day `days` after the date `(year, month, day)`, as stored
/// (`2026-11-05T23:59:00Z`): how every deadline of the monthly cycle is written.
pub fn end_of_day_after(date: (i32, u32, u32), days: i64) -> String {
    let (year, month, day) = date;
    let (year, month, day) =
        civil_from_days(days_from_civil(i64::from(year), i64::from(month), i64::from(day)) + days);
    format!("{year:04}-{month:02}-{day:02}T23:59:00Z")
}

/// The date part (`2026-11-05`) of a stored moment, when it has one.
pub fn date_of(text: &str) -> Option<(i32, u32, u32)> {
    let seconds = utc_seconds(text)?;
    let (year, month, day) = civil_from_days(seconds.div_euclid(DAY));
    Some((
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_stored_form() {
        assert_eq!(utc_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(utc_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            utc_seconds("2026-11-05T23:59:00+00:00"),
            Some(1_793_923_140)
        );
        assert_eq!(utc_seconds("2026-11-05T23:59:00.123Z"), Some(1_793_923_140));
        assert_eq!(utc_seconds("2026-11-05T23:59:00+01:00"), None);
        assert_eq!(utc_seconds("yesterday"), None);
    }

    #[test]
    fn counts_days_across_months_and_leap_years() {
        assert_eq!(end_of_day_after((2026, 10, 31), 5), "2026-11-05T23:59:00Z");
        assert_eq!(end_of_day_after((2028, 2, 28), 1), "2028-02-29T23:59:00Z");
        assert_eq!(end_of_day_after((2026, 12, 31), 7), "2027-01-07T23:59:00Z");
        assert_eq!(end_of_day_after((2000, 3, 1), -1), "2000-02-29T23:59:00Z");
        assert_eq!(date_of("2026-11-05T23:59:00Z"), Some((2026, 11, 5)));
        for days in [-800_000, -1, 0, 59, 60, 365, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "day {days}");
        }
    }

    #[test]
    fn says_how_long_is_left() {
        let now = "2026-11-02T12:00:00Z";
        let left = |deadline| TimeLeft::until(deadline, now).map(|t| t.label());
        assert_eq!(left("2026-11-02T11:59:59Z").as_deref(), Some("overdue"));
        assert_eq!(left("2026-11-03T11:59:59Z").as_deref(), Some("due today"));
        assert_eq!(
            left("2026-11-03T12:00:00Z").as_deref(),
            Some("due tomorrow")
        );
        assert_eq!(
            left("2026-11-05T23:59:00Z").as_deref(),
            Some("due in 3 days")
        );
        assert_eq!(left("garbage"), None);
    }
}
