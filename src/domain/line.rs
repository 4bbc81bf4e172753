//! The per-line calculations of SPEC §5, and the partner-edit and auto-submit rules built on them.
//!
//! One implementation serves the browser (live preview while a partner types) and the server
//! (what gets stored and billed), so the two can never show different numbers. Everything here is
//! a pure function of its inputs: no I/O, no clock, and no binary floating point.
//!
//! Symbols as in the spec: P = provisioned, U = used (may be absent), C = chargeable,
//! L = unit price, m = channel margin in percent, T = threshold in percent.
//!
//! ## Exactness
//!
//! The newtype bounds (see [`crate::domain::money`]) guarantee that every product formed here fits
//! `Decimal`'s 96-bit mantissa, so the plain operators below can neither overflow nor silently
//! drop digits. The widest ones are:
//!
//! * `L × C × (1 − m/100)`: mantissa ≤ 10^13 · 10^9 · 10^6 = 10^28 < 7.9 × 10^28, scale ≤ 10;
//! * `(P − U) × 100` and `T × P` for the threshold test: ≤ 10^11 and ≤ 10^17 (mantissa).
//!
//! The threshold comparison is done by cross-multiplication, `(P − U) × 100 > T × P`, which is
//! exact even where the percentage itself does not terminate (1/3 of 100 %).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::money::round_half_away;
use super::numbers::{MarginPercent, ThresholdPercent, UnitPrice, Units};

/// Decimal places of the over-provisioned percentage as shown to people.
pub const PERCENT_DISPLAY_PLACES: u32 = 2;

/// What the calculations need to know about one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    /// P: units provisioned (usage feed).
    pub provisioned: Units,
    /// U: units used, when the product reports usage at all.
    pub used: Option<Units>,
    /// C: the units that will be charged (the default, or what the partner set).
    pub chargeable: Units,
    /// L: price per unit.
    pub unit_price: UnitPrice,
    /// m: channel margin in percent.
    pub margin: MarginPercent,
    /// The partner's comment, if any. Blank text counts as no comment.
    pub comment: Option<String>,
}

/// Everything the report shows and stores for a line, derived from a [`LineInput`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineFigures {
    /// (P − U) / P × 100 as exactly as `Decimal` holds it (28 significant digits). For display
    /// and storage only: decisions use the exact cross-multiplied comparison.
    pub over_provisioned_pct_exact: Decimal,
    /// The percentage rounded half away from zero to 2 places, for display.
    pub over_provisioned_pct: Decimal,
    /// U > P: more used than provisioned. Flagged on its own, never as a negative percentage.
    pub overage: bool,
    /// U when present, else P.
    pub default_chargeable: Units,
    /// C.
    pub chargeable: Units,
    /// C ≠ P: the chargeable cell is highlighted.
    pub discrepancy: bool,
    /// U present, over-provisioned % > T, and C < P.
    pub violation: bool,
    /// The line needs a comment it does not have (a violation, or C lowered below the default).
    pub needs_comment: bool,
    /// L × C, rounded to the currency.
    pub gross: Decimal,
    /// L × C × (1 − m/100), rounded to the currency from the exact product.
    pub amount_owed: Decimal,
    /// gross − amount owed.
    pub margin_amount: Decimal,
}

/// Default chargeable units: what was used when usage is reported, else what was provisioned.
pub fn default_chargeable(provisioned: Units, used: Option<Units>) -> Units {
    used.unwrap_or(provisioned)
}

/// Over-provisioned percentage, (P − U) / P × 100 when U is present, U < P and P > 0, else 0.
///
/// The quotient is exact whenever it terminates within 28 significant digits; when it does not
/// (e.g. 1/3), it is the nearest 28-digit value. That can never change the 2-place display: a
/// non-terminating quotient with P ≤ 10^9 lies at least 1/(2P) ≥ 5 × 10^-10 away from any
/// midpoint, far more than the 10^-20 error.
pub fn over_provisioned_pct(provisioned: Units, used: Option<Units>) -> Decimal {
    match unused_units(provisioned, used) {
        Some(unused) => {
            // P > 0 here, so the division is defined; its result lies in (0, 100].
            unused.to_decimal() * Decimal::ONE_HUNDRED / provisioned.to_decimal()
        }
        None => Decimal::ZERO,
    }
}

/// P − U when usage is reported and below a non-zero provision: the only case with a percentage.
fn unused_units(provisioned: Units, used: Option<Units>) -> Option<Units> {
    let used = used?;
    if provisioned.get() == 0 || used >= provisioned {
        return None;
    }
    // used < provisioned ≤ Units::MAX, so the difference is valid and cannot underflow.
    Units::new(provisioned.get() - used.get()).ok()
}

/// Is the line over-provisioned by strictly more than the threshold? Exact:
/// (P − U) / P × 100 > T  ⇔  (P − U) × 100 > T × P, as P > 0.
fn exceeds_threshold(provisioned: Units, used: Option<Units>, threshold: ThresholdPercent) -> bool {
    match unused_units(provisioned, used) {
        Some(unused) => {
            unused.to_decimal() * Decimal::ONE_HUNDRED > threshold.get() * provisioned.to_decimal()
        }
        None => false,
    }
}

/// A comment counts only if it has some visible text.
pub fn has_comment(comment: Option<&str>) -> bool {
    comment.is_some_and(|c| !c.trim().is_empty())
}

/// The violation rule: usage reported, over-provisioned beyond the threshold, and charged below
/// what was provisioned.
pub fn is_violation(line: &LineInput, threshold: ThresholdPercent) -> bool {
    violates(line.provisioned, line.used, line.chargeable, threshold)
}

/// [`is_violation`] on the usage figures alone.
fn violates(
    provisioned: Units,
    used: Option<Units>,
    chargeable: Units,
    threshold: ThresholdPercent,
) -> bool {
    used.is_some() && exceeds_threshold(provisioned, used, threshold) && chargeable < provisioned
}

/// The usage side of a line's figures: nothing in it depends on a price, so a partner's page
/// computes it as they type, with the same rules the server stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageOutcome {
    /// (P − U) / P × 100, as exactly as `Decimal` holds it.
    pub over_provisioned_pct_exact: Decimal,
    /// Rounded half away from zero to 2 places, for display.
    pub over_provisioned_pct: Decimal,
    /// U > P.
    pub overage: bool,
    /// U when present, else P.
    pub default_chargeable: Units,
    /// C ≠ P.
    pub discrepancy: bool,
    /// U present, over-provisioned % > T, and C < P.
    pub violation: bool,
    /// C below the default.
    pub lowered: bool,
    /// A violation or a lowered C, without a comment.
    pub needs_comment: bool,
}

/// The usage figures and rules of SPEC §5 for one line (P, U, C and the comment).
pub fn usage_outcome(
    provisioned: Units,
    used: Option<Units>,
    chargeable: Units,
    comment: Option<&str>,
    threshold: ThresholdPercent,
) -> UsageOutcome {
    let exact = over_provisioned_pct(provisioned, used);
    let default = default_chargeable(provisioned, used);
    let violation = violates(provisioned, used, chargeable, threshold);
    let lowered = chargeable < default;
    UsageOutcome {
        over_provisioned_pct_exact: exact,
        over_provisioned_pct: round_half_away(exact, PERCENT_DISPLAY_PLACES),
        overage: used.is_some_and(|u| u > provisioned),
        default_chargeable: default,
        discrepancy: chargeable != provisioned,
        violation,
        lowered,
        needs_comment: (violation || lowered) && !has_comment(comment),
    }
}

/// Computes every figure of a line. Infallible: the newtypes' bounds make every operation exact
/// (see the module docs), and rounding happens once per amount, at the end.
pub fn compute(line: &LineInput, threshold: ThresholdPercent, currency: Currency) -> LineFigures {
    let c = line.chargeable;
    let usage = usage_outcome(
        line.provisioned,
        line.used,
        c,
        line.comment.as_deref(),
        threshold,
    );

    let LineAmounts {
        gross,
        amount_owed,
        margin_amount,
    } = line_amounts(line.unit_price, line.margin, c, currency);

    LineFigures {
        over_provisioned_pct_exact: usage.over_provisioned_pct_exact,
        over_provisioned_pct: usage.over_provisioned_pct,
        overage: usage.overage,
        default_chargeable: usage.default_chargeable,
        chargeable: c,
        discrepancy: usage.discrepancy,
        violation: usage.violation,
        needs_comment: usage.needs_comment,
        gross,
        amount_owed,
        margin_amount,
    }
}

/// The money of one line: what the distributor's price and margin make of the chargeable units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmounts {
    /// L × C, rounded to the currency.
    pub gross: Decimal,
    /// L × C × (1 − m/100), rounded to the currency from the exact product.
    pub amount_owed: Decimal,
    /// gross − amount owed.
    pub margin_amount: Decimal,
}

/// Gross, amount owed and margin amount of a line: the one place these are computed, used by
/// [`compute`] on the server and by the price editor's live preview in the browser.
pub fn line_amounts(
    unit_price: UnitPrice,
    margin: MarginPercent,
    chargeable: Units,
    currency: Currency,
) -> LineAmounts {
    let exact_gross = unit_price.get() * chargeable.to_decimal();
    let exact_owed = exact_gross * margin.owed_factor();
    let gross = currency.round(exact_gross);
    let amount_owed = currency.round(exact_owed);
    LineAmounts {
        gross,
        amount_owed,
        // Both are rounded to the same places, so the difference needs no rounding; owed ≤ gross
        // because the factor is ≤ 1 and rounding is monotone.
        margin_amount: gross - amount_owed,
    }
}

/// Why a partner's edit of the chargeable units was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum EditError {
    /// C must lie between 0 and max(P, U).
    #[error("Chargeable units must be between 0 and {max}")]
    ChargeableOutOfRange {
        /// The largest value allowed for this line.
        max: Units,
    },
    /// C below the default needs a reason.
    #[error("Please add a comment explaining why the chargeable units are lower than the default")]
    CommentRequired,
}

/// Validates a partner's new chargeable value: 0 ≤ C ≤ max(P, U), and lowering below the default
/// requires a non-blank comment. Range comes first, so an impossible number is reported as such
/// even when a comment is present.
pub fn validate_partner_edit(
    provisioned: Units,
    used: Option<Units>,
    new_chargeable: Units,
    comment: Option<&str>,
) -> Result<Units, EditError> {
    let max = used.map_or(provisioned, |u| u.max(provisioned));
    if new_chargeable > max {
        return Err(EditError::ChargeableOutOfRange { max });
    }
    if new_chargeable < default_chargeable(provisioned, used) && !has_comment(comment) {
        return Err(EditError::CommentRequired);
    }
    Ok(new_chargeable)
}

/// The report's total invoice amount: the exact sum of the lines' rounded amounts owed, with no
/// further rounding, so it always equals the sum of what the lines display.
///
/// Cannot overflow: each amount is ≤ 10^18 and `Decimal` holds ≈ 7.9 × 10^28, so it would take
/// more than 10^10 lines, far more than fit in memory.
pub fn report_total(lines: &[LineFigures]) -> Decimal {
    total_owed(lines.iter().map(|l| l.amount_owed))
}

/// The most a line's gross amount or a report's total may be: far above any real bill, and
/// exactly storable (the database's scaled form holds up to about 9.2 × 10^14). The domain's
/// number bounds alone allow lines up to 10^18, so a report is checked against this before it is
/// written.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(276_447_232, 23_283, 0, false, 0);

/// A report whose amounts could not be stored: the first line over [`MAX_AMOUNT`] (by its
/// position), or `None` when only the total is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmountTooLarge {
    pub line: Option<usize>,
}

/// Checks that every line's gross amount and the report's total are at most [`MAX_AMOUNT`].
pub fn check_amounts(lines: &[LineFigures]) -> Result<(), AmountTooLarge> {
    if let Some(line) = lines.iter().position(|l| l.gross > MAX_AMOUNT) {
        return Err(AmountTooLarge { line: Some(line) });
    }
    if report_total(lines) > MAX_AMOUNT {
        return Err(AmountTooLarge { line: None });
    }
    Ok(())
}

/// Σ of the lines' amounts owed, with no further rounding: the one way a total is formed (the
/// stored total, and the browser's preview of a repriced line).
pub fn total_owed(amounts: impl IntoIterator<Item = Decimal>) -> Decimal {
    amounts.into_iter().sum()
}

/// Indices of the lines that block a manual submit: those needing a comment they lack.
pub fn lines_needing_comment(lines: &[LineInput], threshold: ThresholdPercent) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            usage_outcome(
                line.provisioned,
                line.used,
                line.chargeable,
                line.comment.as_deref(),
                threshold,
            )
            .needs_comment
        })
        .map(|(index, _)| index)
        .collect()
}

/// One chargeable change made by auto-submit, to be written to the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Penalty {
    /// Position of the line in the slice given to [`auto_submit_penalty`].
    pub index: usize,
    /// Chargeable before the penalty.
    pub old_chargeable: Units,
    /// Chargeable after it: the provisioned count.
    pub new_chargeable: Units,
}

/// What auto-submit at the partner's deadline does to a report's lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoSubmitOutcome {
    /// One entry per penalised line, in line order.
    pub penalties: Vec<Penalty>,
}

impl AutoSubmitOutcome {
    /// Whether any line was penalised: decides the "automatic, penalties" sub-status.
    pub fn penalties_applied(&self) -> bool {
        !self.penalties.is_empty()
    }

    /// Applies the penalties to the lines they were computed from.
    pub fn apply_to(&self, lines: &mut [LineInput]) {
        for penalty in &self.penalties {
            if let Some(line) = lines.get_mut(penalty.index) {
                line.chargeable = penalty.new_chargeable;
            }
        }
    }
}

/// Auto-submit: every violating line without a comment is charged at what was provisioned.
///
/// Only violations are penalised. A line the partner lowered below the default without a comment
/// but that is not a violation (e.g. within the threshold) is left as it is: the spec charges
/// "uncommented violating" lines only.
pub fn auto_submit_penalty(lines: &[LineInput], threshold: ThresholdPercent) -> AutoSubmitOutcome {
    let penalties = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| is_violation(line, threshold) && !has_comment(line.comment.as_deref()))
        .map(|(index, line)| Penalty {
            index,
            old_chargeable: line.chargeable,
            new_chargeable: line.provisioned,
        })
        .collect();
    AutoSubmitOutcome { penalties }
}

/// Whether a line of a report auto-submitted with penalties carries one: it is what
/// [`auto_submit_penalty`] leaves behind — usage reported, over-provisioned beyond the threshold,
/// no comment, and charged at what was provisioned.
pub fn carries_penalty(
    line: &LineInput,
    threshold: ThresholdPercent,
    auto_penalties: bool,
) -> bool {
    auto_penalties
        && line.used.is_some()
        && exceeds_threshold(line.provisioned, line.used, threshold)
        && line.chargeable == line.provisioned
        && !has_comment(line.comment.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(n: u64) -> Units {
        Units::new(n).expect("test units")
    }

    #[test]
    fn a_penalised_line_is_marked() {
        let threshold = ThresholdPercent::new(Decimal::new(5, 0)).expect("threshold");
        let mut lines = vec![
            line(100, Some(80), 80, "1", "0"),
            line(100, Some(98), 98, "1", "0"),
            line(100, Some(80), 70, "1", "0"),
        ];
        lines[2].comment = Some("a customer left".to_owned());
        auto_submit_penalty(&lines, threshold).apply_to(&mut lines);
        let marked: Vec<bool> = lines
            .iter()
            .map(|l| carries_penalty(l, threshold, true))
            .collect();
        assert_eq!(marked, [true, false, false]);
        assert!(!carries_penalty(&lines[0], threshold, false));
    }

    fn line(p: u64, u: Option<u64>, c: u64, price: &str, margin: &str) -> LineInput {
        LineInput {
            provisioned: units(p),
            used: u.map(units),
            chargeable: units(c),
            unit_price: UnitPrice::parse(price).expect("test price"),
            margin: MarginPercent::parse(margin).expect("test margin"),
            comment: None,
        }
    }

    fn d(text: &str) -> Decimal {
        Decimal::from_str_exact(text).expect("test literal")
    }

    #[test]
    fn basic_line() {
        let f = compute(
            &line(100, Some(80), 80, "5.00", "25"),
            ThresholdPercent::ZERO,
            Currency::Usd,
        );
        assert_eq!(f.over_provisioned_pct.to_string(), "20.00");
        assert!(f.violation && f.needs_comment && f.discrepancy && !f.overage);
        assert_eq!(f.gross.to_string(), "400.00");
        assert_eq!(f.amount_owed.to_string(), "300.00");
        assert_eq!(f.margin_amount.to_string(), "100.00");
    }

    #[test]
    fn threshold_uses_the_exact_percentage() {
        // 1/3 over-provisioned: 33.333…% shows as 33.33 but exceeds a 33.3333 threshold.
        let l = line(3, Some(2), 2, "1", "0");
        let t = ThresholdPercent::parse("33.3333").expect("threshold");
        assert!(compute(&l, t, Currency::Usd).violation);
        let t = ThresholdPercent::parse("33.34").expect("threshold");
        assert!(!compute(&l, t, Currency::Usd).violation);
        // Exactly at the threshold is not "more than" it.
        let l = line(100, Some(95), 95, "1", "0");
        let t = ThresholdPercent::parse("5").expect("threshold");
        assert!(!compute(&l, t, Currency::Usd).violation);
    }

    #[test]
    fn blank_comment_is_no_comment() {
        let mut l = line(100, Some(80), 80, "1", "0");
        l.comment = Some("   ".to_owned());
        assert!(compute(&l, ThresholdPercent::ZERO, Currency::Usd).needs_comment);
        l.comment = Some("customer left".to_owned());
        assert!(!compute(&l, ThresholdPercent::ZERO, Currency::Usd).needs_comment);
    }

    #[test]
    fn partner_edits() {
        let (p, u) = (units(50), Some(units(40)));
        assert_eq!(validate_partner_edit(p, u, units(50), None), Ok(units(50)));
        assert_eq!(validate_partner_edit(p, u, units(40), None), Ok(units(40)));
        assert_eq!(
            validate_partner_edit(p, u, units(30), Some(" ")),
            Err(EditError::CommentRequired)
        );
        assert_eq!(
            validate_partner_edit(p, u, units(30), Some("returned")),
            Ok(units(30))
        );
        assert_eq!(
            validate_partner_edit(p, u, units(51), Some("x")),
            Err(EditError::ChargeableOutOfRange { max: units(50) })
        );
        // Overage: the maximum is what was used.
        assert_eq!(
            validate_partner_edit(units(10), Some(units(15)), units(15), None),
            Ok(units(15))
        );
        assert_eq!(
            EditError::ChargeableOutOfRange { max: units(10) }.to_string(),
            "Chargeable units must be between 0 and 10"
        );
    }

    #[test]
    fn auto_submit_charges_uncommented_violations_at_provisioned() {
        let mut lines = vec![
            line(100, Some(80), 80, "1", "0"),
            line(100, Some(80), 80, "1", "0"),
            line(100, None, 100, "1", "0"),
            line(10, Some(10), 10, "1", "0"),
        ];
        lines[1].comment = Some("seasonal".to_owned());
        let outcome = auto_submit_penalty(&lines, ThresholdPercent::ZERO);
        assert!(outcome.penalties_applied());
        assert_eq!(
            outcome.penalties,
            vec![Penalty {
                index: 0,
                old_chargeable: units(80),
                new_chargeable: units(100)
            }]
        );
        outcome.apply_to(&mut lines);
        assert_eq!(lines[0].chargeable, units(100));
        assert!(!auto_submit_penalty(&lines, ThresholdPercent::ZERO).penalties_applied());
        assert_eq!(
            lines_needing_comment(&lines, ThresholdPercent::ZERO),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn widest_possible_line_is_exact() {
        let l = LineInput {
            provisioned: units(Units::MAX),
            used: Some(units(1)),
            chargeable: units(Units::MAX),
            unit_price: UnitPrice::parse("999999999.9999").expect("price"),
            margin: MarginPercent::parse("0.0001").expect("margin"),
            comment: None,
        };
        let f = compute(&l, ThresholdPercent::ZERO, Currency::Kwd);
        // 999999999.9999 × 10^9 = 999999999999900000; × 0.999999 = 999998999999900000.1
        assert_eq!(f.gross, d("999999999999900000"));
        assert_eq!(f.amount_owed, d("999998999999900000.1"));
        assert_eq!(f.amount_owed.to_string(), "999998999999900000.100");
        assert_eq!(
            report_total(&[f.clone(), f.clone()]),
            d("1999997999999800000.2")
        );
    }
}

#[cfg(test)]
mod amount_bound_tests {
    use super::*;
    use crate::domain::{MarginPercent, UnitPrice};

    fn line(units: u64, price: &str) -> LineFigures {
        let units = Units::new(units).expect("units");
        let input = LineInput {
            provisioned: units,
            used: None,
            chargeable: units,
            comment: None,
            unit_price: UnitPrice::parse(price).expect("price"),
            margin: MarginPercent::new(Decimal::ZERO).expect("margin"),
        };
        compute(&input, ThresholdPercent::ZERO, Currency::Usd)
    }

    #[test]
    fn amounts_are_bounded_where_they_can_still_be_stored() {
        assert_eq!(MAX_AMOUNT, Decimal::from(100_000_000_000_000_i64));
        assert!(crate::domain::scaled_e4(MAX_AMOUNT).is_ok());
        // 10^6 units at 10^8 each: exactly the bound.
        assert_eq!(check_amounts(&[line(1_000_000, "100000000")]), Ok(()));
        assert_eq!(
            check_amounts(&[line(1, "1"), line(1_000_000, "100000000.0001")]),
            Err(AmountTooLarge { line: Some(1) })
        );
        assert_eq!(
            check_amounts(&[line(1_000_000, "60000000"), line(1_000_000, "60000000")]),
            Err(AmountTooLarge { line: None })
        );
    }
}
