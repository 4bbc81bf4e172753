//! A report's flags: the partner commented, the deadline's penalties were applied, a line is
//! charged below its reported usage, a line moved unusually since the previous cycle.
//!
//! The line flags are judged here, from the lines, when a report's lines are written (the
//! service's actions, the demo and scale data, and the one-off backfill of reports stored before
//! the flags were kept), and stored with the report: a list of 100,000 reports shows them and
//! filters by them without opening a single line. The anomaly compares with the partner's
//! previous cycle as it stood when this report's lines were written.

use serde::{Deserialize, Serialize};

use super::line::{LineInput, has_comment};
use super::numbers::{ThresholdPercent, Units};
use super::usage::{is_anomaly, previous_chargeable};

/// Flags shown next to a report in lists and on its header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportFlags {
    /// Auto-submitted with penalties.
    pub auto_penalties: bool,
    /// Some line carries a partner comment.
    pub has_comments: bool,
    /// Some line is charged below the usage reported for it.
    pub below_used: bool,
    /// Some line's chargeable moved by more than the distributor's anomaly threshold since the
    /// partner's previous cycle.
    pub anomaly: bool,
}

/// One flag, as the list marks it and filters by it (`?flag=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RiskFlag {
    Comments,
    Penalties,
    BelowUsed,
    Anomaly,
}

impl RiskFlag {
    pub const ALL: [RiskFlag; 4] = [
        RiskFlag::Comments,
        RiskFlag::Penalties,
        RiskFlag::BelowUsed,
        RiskFlag::Anomaly,
    ];

    /// The URL form.
    pub const fn to_param(&self) -> &'static str {
        match self {
            RiskFlag::Comments => "comments",
            RiskFlag::Penalties => "penalties",
            RiskFlag::BelowUsed => "below_used",
            RiskFlag::Anomaly => "anomaly",
        }
    }

    /// Reads the URL form; anything unknown is no flag.
    pub fn from_param(text: &str) -> Option<RiskFlag> {
        RiskFlag::ALL
            .into_iter()
            .find(|flag| flag.to_param() == text)
    }

    /// The marker's text: short, and never colour alone.
    pub const fn label(&self) -> &'static str {
        match self {
            RiskFlag::Comments => "Comments",
            RiskFlag::Penalties => "Penalties",
            RiskFlag::BelowUsed => "Below used",
            RiskFlag::Anomaly => "Anomaly",
        }
    }

    /// What the marker means, for its title.
    pub const fn describe(&self) -> &'static str {
        match self {
            RiskFlag::Comments => "The partner commented on at least one line",
            RiskFlag::Penalties => {
                "Submitted automatically at the deadline with penalties: uncommented \
                 over-provisioned lines were charged at provisioned"
            }
            RiskFlag::BelowUsed => "At least one line is charged below the usage reported for it",
            RiskFlag::Anomaly => {
                "At least one line's chargeable units moved by more than the anomaly threshold \
                 since the partner's previous cycle"
            }
        }
    }

    /// The filter's choice for reports with this flag.
    pub const fn choice(&self) -> &'static str {
        match self {
            RiskFlag::Comments => "With partner comments",
            RiskFlag::Penalties => "With deadline penalties",
            RiskFlag::BelowUsed => "Charged below usage",
            RiskFlag::Anomaly => "Unusual change since last cycle",
        }
    }
}

impl ReportFlags {
    /// Whether the report carries `flag`.
    pub const fn has(&self, flag: RiskFlag) -> bool {
        match flag {
            RiskFlag::Comments => self.has_comments,
            RiskFlag::Penalties => self.auto_penalties,
            RiskFlag::BelowUsed => self.below_used,
            RiskFlag::Anomaly => self.anomaly,
        }
    }

    /// Why a report is not clean, or `None` when it is: a clean report has no partner comment,
    /// no deadline penalty and neither anomaly flag (below used, unusual change). Only clean
    /// reports are approved unattended or taken in bulk; the others wait for a person's look.
    pub const fn unclean(&self) -> Option<&'static str> {
        if self.has_comments {
            Some("the partner commented on a line")
        } else if self.auto_penalties {
            Some("penalties were applied")
        } else if self.anomaly {
            Some("a line moved unusually against the previous month")
        } else if self.below_used {
            Some("a line is charged below what was used")
        } else {
            None
        }
    }

    /// The flags the report carries, in the markers' order.
    pub fn raised(&self) -> Vec<RiskFlag> {
        RiskFlag::ALL
            .into_iter()
            .filter(|flag| self.has(*flag))
            .collect()
    }
}

/// Charged below the usage reported: U is present and C < U.
pub fn is_below_used(used: Option<Units>, chargeable: Units) -> bool {
    used.is_some_and(|used| chargeable < used)
}

/// The flags a report's lines raise: all but the penalties, which only an auto-submission sets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineFlags {
    pub has_comments: bool,
    pub below_used: bool,
    pub anomaly: bool,
}

/// What a report's lines are judged against: the chargeable units of each product in the
/// partner's previous cycle (by product id; empty without one) and the distributor's anomaly
/// threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagBasis {
    pub previous: Vec<(i64, Units)>,
    pub anomaly_threshold: ThresholdPercent,
}

impl FlagBasis {
    /// The flags of a report whose lines are `lines`, each with its product id.
    pub fn judge<'a>(&self, lines: impl IntoIterator<Item = (i64, &'a LineInput)>) -> LineFlags {
        lines
            .into_iter()
            .fold(LineFlags::default(), |flags, (product_id, line)| {
                let previous = previous_chargeable(&self.previous, product_id);
                LineFlags {
                    has_comments: flags.has_comments || has_comment(line.comment.as_deref()),
                    below_used: flags.below_used || is_below_used(line.used, line.chargeable),
                    anomaly: flags.anomaly
                        || is_anomaly(previous, line.chargeable, self.anomaly_threshold),
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::domain::numbers::{MarginPercent, UnitPrice};

    fn units(n: u64) -> Units {
        Units::new(n).expect("units")
    }

    fn line(used: Option<u64>, chargeable: u64, comment: Option<&str>) -> LineInput {
        LineInput {
            provisioned: units(100),
            used: used.map(units),
            chargeable: units(chargeable),
            unit_price: UnitPrice::new(Decimal::ONE).expect("price"),
            margin: MarginPercent::new(Decimal::TEN).expect("margin"),
            comment: comment.map(str::to_owned),
        }
    }

    #[test]
    fn flags_round_trip_through_the_url() {
        for flag in RiskFlag::ALL {
            assert_eq!(RiskFlag::from_param(flag.to_param()), Some(flag));
        }
        assert_eq!(RiskFlag::from_param("Anomaly"), None);
    }

    #[test]
    fn lines_raise_their_flags() {
        let basis = FlagBasis {
            previous: vec![(1, units(100)), (2, units(40))],
            anomaly_threshold: ThresholdPercent::new(Decimal::from(50)).expect("percent"),
        };
        let steady = line(Some(90), 90, None);
        assert_eq!(basis.judge([(1, &steady)]), LineFlags::default());

        let lowered = line(Some(90), 80, Some("  moved to another plan "));
        assert_eq!(
            basis.judge([(1, &steady), (1, &lowered)]),
            LineFlags {
                has_comments: true,
                below_used: true,
                anomaly: false
            }
        );
        // 40 → 90 moved by 125 %; a blank comment is no comment; no usage is never below it.
        let jumped = line(None, 90, Some("   "));
        assert_eq!(
            basis.judge([(2, &jumped)]),
            LineFlags {
                has_comments: false,
                below_used: false,
                anomaly: true
            }
        );
        // A product the previous cycle did not have is never an anomaly.
        assert!(!basis.judge([(3, &jumped)]).anomaly);
    }

    #[test]
    fn raised_flags_follow_the_markers_order() {
        let flags = ReportFlags {
            auto_penalties: true,
            has_comments: false,
            below_used: true,
            anomaly: true,
        };
        assert_eq!(
            flags.raised(),
            vec![RiskFlag::Penalties, RiskFlag::BelowUsed, RiskFlag::Anomaly]
        );
        assert!(ReportFlags::default().raised().is_empty());
    }
}
