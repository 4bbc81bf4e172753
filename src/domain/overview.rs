//! The platform admins' overview of the channel: for a region (or all) and a range of cycles, how
//! many reports are in each status, their exact totals per currency, each region's monthly totals
//! and the deadlines missed in the current cycle. Every figure carries the list filter that shows
//! exactly its reports, so that a click opens them, and the figures are counted with the list's
//! own query: the overview and the list cannot disagree.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::deadline::DeadlineOf;
use super::flags::RiskFlag;
use super::format;
use super::listing::MatchedGroup;
use super::period::Period;
use super::query::{ListView, ReportFilter, StatusFilter};
use super::status::Status;

/// How many cycles the overview covers when no range is chosen (the current cycle included).
pub const DEFAULT_MONTHS: u32 = 6;
/// The most cycles one overview covers (one bar per cycle must stay readable on a phone).
pub const MAX_MONTHS: u32 = 24;

/// One figure: how many reports it counts and the list that shows exactly them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub reports: u64,
    pub href: String,
}

/// The total of one currency's reports (never added to another currency's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyFigure {
    pub currency: Currency,
    pub reports: u64,
    pub total: Decimal,
    pub href: String,
}

/// One region's total in one currency for one cycle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotal {
    pub period: Period,
    pub reports: u64,
    pub total: Decimal,
    pub href: String,
}

/// One region's monthly totals in one currency, every cycle of the range (empty ones at zero),
/// and the chart of them the server drew (SVG markup).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionSeries {
    pub region_id: i64,
    pub region: String,
    pub currency: Currency,
    pub months: Vec<MonthTotal>,
    pub chart_svg: String,
}

/// What the database found for one region, currency and cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthGroup {
    pub region_id: i64,
    pub region: String,
    pub currency: Currency,
    pub period: Period,
    pub reports: u64,
    pub total: Decimal,
}

/// The overview as a platform admin receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// The region and range it covers, settled (see [`settle`]).
    pub filter: ReportFilter,
    /// Reports in each status, in workflow order.
    pub statuses: Vec<Figure>,
    /// Totals per currency, the currency with the most reports first.
    pub totals: Vec<CurrencyFigure>,
    pub regions: Vec<RegionSeries>,
    /// The cycle whose missed deadlines are shown (see [`latest_cycle`]).
    pub cycle: Period,
    /// The deadlines missed in that cycle, each kind with its reports.
    pub missed: Vec<Figure>,
    /// When the server read the figures (UTC, RFC 3339).
    pub as_of: String,
}

impl Overview {
    /// How many reports the overview covers.
    pub fn reports(&self) -> u64 {
        self.statuses.iter().map(|figure| figure.reports).sum()
    }
}

/// The overview's filter from the one asked: its region and range only, the range defaulting to
/// the [`DEFAULT_MONTHS`] cycles up to the current one; a range that runs backwards or spans
/// more than [`MAX_MONTHS`] cycles is refused with the reason.
pub fn settle(asked: &ReportFilter, this_month: Period) -> Result<ReportFilter, String> {
    let current = this_month.previous().unwrap_or(this_month);
    let back = |from: Period, months: u32| (1..months).try_fold(from, |month, _| month.previous());
    let ahead = |from: Period, months: u32| (1..months).try_fold(from, |month, _| month.next());
    let (from, to) = match (asked.from, asked.to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => {
            let to = ahead(from, DEFAULT_MONTHS).unwrap_or(from);
            (from, to.min(current).max(from))
        }
        (None, Some(to)) => (back(to, DEFAULT_MONTHS).unwrap_or(to), to),
        (None, None) => (back(current, DEFAULT_MONTHS).unwrap_or(current), current),
    };
    if from > to {
        return Err(format!(
            "The range starts in {} but ends earlier, in {}: choose a first cycle before the last.",
            format::period_long(from),
            format::period_long(to)
        ));
    }
    if months_between(from, to) > MAX_MONTHS {
        return Err(format!(
            "The overview covers at most {MAX_MONTHS} cycles at once: choose a shorter range."
        ));
    }
    Ok(ReportFilter {
        region: asked.region,
        from: Some(from),
        to: Some(to),
        view: Some(ListView::All),
        ..ReportFilter::default()
    })
}

/// How many cycles run from `from` to `to`, both included (0 when `to` comes first).
pub fn months_between(from: Period, to: Period) -> u32 {
    let key = |p: Period| i64::from(p.year()) * 12 + i64::from(p.month());
    u32::try_from(key(to) - key(from) + 1).unwrap_or(0)
}

/// Every cycle from `from` to `to`, in order.
pub fn cycles(from: Period, to: Period) -> Vec<Period> {
    std::iter::successors(Some(from), |month| month.next().filter(|next| *next <= to)).collect()
}

/// The statuses the overview counts: each status once, its sub-statuses together.
pub fn counted_statuses() -> Vec<StatusFilter> {
    StatusFilter::all()
        .into_iter()
        .filter(|status| !matches!(status, StatusFilter::UnderReview(Some(_))))
        .collect()
}

/// How many of the matching reports `groups` are in each status, each with its list.
pub fn status_figures(groups: &[MatchedGroup], filter: &ReportFilter) -> Vec<Figure> {
    counted_statuses()
        .into_iter()
        .map(|status| Figure {
            label: status.label(),
            reports: groups
                .iter()
                .filter(|group| status.covers(group.status))
                .map(|group| group.reports)
                .sum(),
            href: ReportFilter {
                status: Some(status),
                ..filter.clone()
            }
            .list_href(),
        })
        .collect()
}

/// The list of `filter`'s reports in `currency`.
pub fn currency_href(filter: &ReportFilter, currency: Currency) -> String {
    ReportFilter {
        currency: Some(currency),
        ..filter.clone()
    }
    .list_href()
}

/// Each region's monthly totals per currency over `filter`'s range, by region name then
/// currency: every cycle of the range, those without reports at zero. The charts are drawn
/// later, by the server.
pub fn region_series(groups: &[MonthGroup], filter: &ReportFilter) -> Vec<RegionSeries> {
    let (Some(from), Some(to)) = (filter.from, filter.to) else {
        return Vec::new();
    };
    let mut keys: Vec<(String, i64, Currency)> = groups
        .iter()
        .map(|group| (group.region.clone(), group.region_id, group.currency))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|(region, region_id, currency)| {
            let months = cycles(from, to)
                .into_iter()
                .map(|period| {
                    let found = groups.iter().find(|group| {
                        group.region_id == region_id
                            && group.currency == currency
                            && group.period == period
                    });
                    MonthTotal {
                        period,
                        reports: found.map_or(0, |group| group.reports),
                        total: found.map_or(Decimal::ZERO, |group| group.total),
                        href: ReportFilter {
                            region: Some(region_id),
                            from: Some(period),
                            to: Some(period),
                            currency: Some(currency),
                            ..filter.clone()
                        }
                        .list_href(),
                    }
                })
                .collect();
            RegionSeries {
                region_id,
                region,
                currency,
                months,
                chart_svg: String::new(),
            }
        })
        .collect()
}

/// The cycle whose missed deadlines the overview shows: the newest of `filter`'s range, up to the
/// current one, that has reports (`groups`); the current one when none has.
pub fn latest_cycle(groups: &[MonthGroup], filter: &ReportFilter, current: Period) -> Period {
    groups
        .iter()
        .map(|group| group.period)
        .filter(|period| *period <= current && filter.to.is_none_or(|to| *period <= to))
        .max()
        .unwrap_or(current)
}

/// The kinds of missed deadline in `cycle` for `filter`'s region, each as the list filter that
/// finds its reports: reports still waiting past the deadline running in their status, and
/// reports the deadline job submitted for their partner, with penalties.
pub fn missed_deadlines(filter: &ReportFilter, cycle: Period) -> Vec<(String, ReportFilter)> {
    let base = ReportFilter {
        region: filter.region,
        from: Some(cycle),
        to: Some(cycle),
        view: Some(ListView::All),
        ..ReportFilter::default()
    };
    let mut kinds: Vec<(String, ReportFilter)> = counted_statuses()
        .into_iter()
        .filter_map(|status| {
            let whose = Status::all()
                .into_iter()
                .filter(|actual| status.covers(*actual))
                .find_map(DeadlineOf::running)?;
            let label = match whose {
                DeadlineOf::Partner => "partner's deadline passed",
                DeadlineOf::Distributor => "review deadline passed",
            };
            Some((
                format!("{}, {label}", status.label()),
                ReportFilter {
                    status: Some(status),
                    overdue: true,
                    ..base.clone()
                },
            ))
        })
        .collect();
    kinds.push((
        "Submitted by the deadline job, with penalties".to_owned(),
        ReportFilter {
            flag: Some(RiskFlag::Penalties),
            ..base
        },
    ));
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Period {
        Period::parse(text).expect("period")
    }

    #[test]
    fn the_range_defaults_to_the_last_six_cycles() {
        let settled = settle(&ReportFilter::default(), month("2026-12")).expect("settled");
        assert_eq!(settled.from, Some(month("2026-06")));
        assert_eq!(settled.to, Some(month("2026-11")));
        assert_eq!(settled.view, Some(ListView::All));
        let only_to = ReportFilter {
            to: Some(month("2026-03")),
            region: Some(4),
            partner: Some("ignored".to_owned()),
            ..ReportFilter::default()
        };
        let settled = settle(&only_to, month("2026-12")).expect("settled");
        assert_eq!(
            (settled.from, settled.to, settled.region, settled.partner),
            (
                Some(month("2025-10")),
                Some(month("2026-03")),
                Some(4),
                None
            )
        );
    }

    #[test]
    fn backwards_and_overlong_ranges_are_refused_with_the_reason() {
        let backwards = ReportFilter {
            from: Some(month("2026-05")),
            to: Some(month("2026-03")),
            ..ReportFilter::default()
        };
        let refused = settle(&backwards, month("2026-12")).expect_err("backwards");
        assert!(refused.contains("May 2026"), "{refused}");
        let long = ReportFilter {
            from: Some(month("2024-01")),
            to: Some(month("2026-01")),
            ..ReportFilter::default()
        };
        assert_eq!(months_between(month("2024-01"), month("2026-01")), 25);
        assert!(settle(&long, month("2026-12")).is_err());
        let longest = ReportFilter {
            from: Some(month("2024-02")),
            ..long
        };
        assert!(settle(&longest, month("2026-12")).is_ok());
    }

    #[test]
    fn every_cycle_of_the_range_has_a_bar_and_its_own_list() {
        let filter = settle(
            &ReportFilter {
                from: Some(month("2026-10")),
                to: Some(month("2026-12")),
                ..ReportFilter::default()
            },
            month("2026-12"),
        )
        .expect("settled");
        let groups = [MonthGroup {
            region_id: 2,
            region: "Europe".to_owned(),
            currency: Currency::Eur,
            period: month("2026-11"),
            reports: 3,
            total: Decimal::new(123_456, 2),
        }];
        let series = region_series(&groups, &filter);
        assert_eq!(series.len(), 1);
        let months = &series[0].months;
        assert_eq!(months.len(), 3);
        assert_eq!(months[0].total, Decimal::ZERO);
        assert_eq!(months[1].total, Decimal::new(123_456, 2));
        assert_eq!(
            months[1].href,
            "/?view=all&region=2&period=2026-11&currency=EUR"
        );
    }

    #[test]
    fn missed_deadlines_are_those_of_the_newest_cycle_with_reports() {
        let group = |period: &str| MonthGroup {
            region_id: 1,
            region: "Europe".to_owned(),
            currency: Currency::Eur,
            period: month(period),
            reports: 1,
            total: Decimal::ONE,
        };
        let filter = ReportFilter {
            to: Some(month("2026-11")),
            ..ReportFilter::default()
        };
        let groups = [group("2026-09"), group("2026-10")];
        assert_eq!(
            latest_cycle(&groups, &filter, month("2026-11")),
            month("2026-10")
        );
        assert_eq!(
            latest_cycle(&[], &filter, month("2026-11")),
            month("2026-11")
        );
        let earlier = ReportFilter {
            to: Some(month("2026-09")),
            ..filter
        };
        assert_eq!(
            latest_cycle(&groups, &earlier, month("2026-11")),
            month("2026-09")
        );
    }

    #[test]
    fn missed_deadlines_are_the_statuses_with_a_running_deadline() {
        let filter = ReportFilter {
            region: Some(1),
            ..ReportFilter::default()
        };
        let kinds = missed_deadlines(&filter, month("2026-11"));
        let statuses: Vec<Option<StatusFilter>> =
            kinds.iter().map(|(_, filter)| filter.status).collect();
        assert_eq!(
            statuses,
            vec![
                Some(StatusFilter::MspPreparing),
                Some(StatusFilter::UnderReview(None)),
                Some(StatusFilter::Rejected),
                None
            ]
        );
        assert!(kinds[..3].iter().all(|(_, filter)| filter.overdue));
        assert_eq!(kinds[3].1.flag, Some(RiskFlag::Penalties));
        assert!(kinds.iter().all(|(_, f)| f.region == Some(1)
            && f.from == Some(month("2026-11"))
            && f.to == Some(month("2026-11"))));
    }
}
