//! Property tests of the money rules and the parsers.
//!
//! Each property runs 10 000 cases by default. Set `PROPTEST_CASES` to run more (or fewer), e.g.
//! `PROPTEST_CASES=1000000 cargo test --release --test properties`. The override is read here
//! explicitly (rather than relying on proptest's own environment handling) so the default stays
//! 10 000 whatever proptest's own default is.

use billing_reports::domain::{
    Currency, LineInput, MarginPercent, ThresholdPercent, UnitPrice, Units, compute,
    from_scaled_e4, over_provisioned_pct, report_total, round_half_away, scaled_e4,
    validate_partner_edit,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const DEFAULT_CASES: u32 = 10_000;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // Failure persistence files would land next to the tests; the seed is printed anyway.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn units() -> impl Strategy<Value = Units> {
    prop_oneof![
        (0..=1_000u64),
        (0..=Units::MAX),
        Just(Units::MAX),
        Just(0u64)
    ]
    .prop_map(|n| Units::new(n).expect("in range"))
}

/// Prices with 0..=4 decimal places up to the maximum.
fn unit_price() -> impl Strategy<Value = UnitPrice> {
    (0..=4u32)
        .prop_flat_map(|scale| {
            let max = 1_000_000_000i64 * 10i64.pow(scale);
            prop_oneof![0..=10_000i64, 0..=max, Just(max)].prop_map(move |m| (m, scale))
        })
        .prop_map(|(m, scale)| UnitPrice::new(Decimal::new(m, scale)).expect("in range"))
}

fn margin() -> impl Strategy<Value = MarginPercent> {
    prop_oneof![
        0..=999_999i64,
        Just(0i64),
        Just(999_999i64),
        Just(125_000i64)
    ]
    .prop_map(|m| MarginPercent::new(Decimal::new(m, 4)).expect("in range"))
}

fn threshold() -> impl Strategy<Value = ThresholdPercent> {
    (0..=1_000_000i64).prop_map(|t| ThresholdPercent::new(Decimal::new(t, 4)).expect("in range"))
}

fn currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::all())
}

/// A line whose chargeable is one a partner could legitimately end up with.
fn line() -> impl Strategy<Value = LineInput> {
    (
        units(),
        proptest::option::of(units()),
        any::<u64>(),
        unit_price(),
        margin(),
        proptest::option::of("[a-z ]{0,8}"),
    )
        .prop_map(|(p, u, pick, price, margin, comment)| {
            let max = u.map_or(p, |u| u.max(p)).get();
            LineInput {
                provisioned: p,
                used: u,
                chargeable: Units::new(pick % (max + 1)).expect("within max"),
                unit_price: price,
                margin,
                comment,
            }
        })
}

/// Exact owed amount computed independently with integers, as an oracle:
/// L·10^4 × C × (10^6 − m·10^4) has scale 4 + 6 = 10, then rounded half away from zero to `dp`.
fn oracle_owed(line: &LineInput, dp: u32) -> Decimal {
    let price = i128::from(scaled_e4(line.unit_price.get()).expect("fits"));
    let margin = i128::from(scaled_e4(line.margin.get()).expect("fits"));
    let numerator = price * i128::from(line.chargeable.get()) * (1_000_000 - margin);
    let divisor = 10i128.pow(10 - dp);
    let (q, r) = (numerator / divisor, numerator % divisor);
    let rounded = if 2 * r >= divisor { q + 1 } else { q };
    Decimal::from_i128_with_scale(rounded, dp)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn total_is_the_exact_sum_of_amounts_owed(
        lines in proptest::collection::vec(line(), 0..20),
        t in threshold(),
        c in currency(),
    ) {
        let figures: Vec<_> = lines.iter().map(|l| compute(l, t, c)).collect();
        let mut sum = Decimal::ZERO;
        for f in &figures {
            sum = sum.checked_add(f.amount_owed).expect("no overflow");
        }
        prop_assert_eq!(report_total(&figures), sum);
    }

    #[test]
    fn owed_is_between_zero_and_gross_and_matches_the_integer_oracle(
        l in line(),
        t in threshold(),
        c in currency(),
    ) {
        let f = compute(&l, t, c);
        prop_assert!(f.amount_owed >= Decimal::ZERO);
        prop_assert!(f.amount_owed <= f.gross);
        prop_assert_eq!(f.margin_amount, f.gross - f.amount_owed);
        prop_assert!(f.gross.scale() == c.minor_units() && f.amount_owed.scale() == c.minor_units());
        prop_assert_eq!(f.amount_owed, oracle_owed(&l, c.minor_units()));
    }

    #[test]
    fn rounding_is_idempotent_and_within_half_a_unit(
        mantissa in any::<i64>(),
        scale in 0..=12u32,
        dp in 0..=6u32,
    ) {
        let value = Decimal::new(mantissa, scale);
        let once = round_half_away(value, dp);
        prop_assert_eq!(round_half_away(once, dp), once);
        prop_assert!(once.scale() == dp);
        let half = Decimal::new(5, dp + 1);
        prop_assert!((once - value).abs() <= half);
        // Symmetric: half away from zero treats signs alike.
        prop_assert_eq!(round_half_away(-value, dp), -once);
    }

    #[test]
    fn over_provisioned_percentage_is_between_0_and_100(
        p in units(),
        u in proptest::option::of(units()),
    ) {
        let pct = over_provisioned_pct(p, u);
        prop_assert!(pct >= Decimal::ZERO && pct <= Decimal::ONE_HUNDRED);
        let shown = round_half_away(pct, 2);
        prop_assert!(shown >= Decimal::ZERO && shown <= Decimal::ONE_HUNDRED);
        if u.is_none_or(|u| u >= p) {
            prop_assert_eq!(pct, Decimal::ZERO);
        }
    }

    #[test]
    fn accepted_chargeable_is_within_bounds(
        p in units(),
        u in proptest::option::of(units()),
        c in units(),
        comment in proptest::option::of("[a-z ]{0,4}"),
    ) {
        if let Ok(accepted) = validate_partner_edit(p, u, c, comment.as_deref()) {
            let max = u.map_or(p, |u| u.max(p));
            prop_assert!(accepted <= max);
            prop_assert_eq!(accepted, c);
            let default = u.unwrap_or(p);
            if accepted < default {
                prop_assert!(comment.is_some_and(|c| !c.trim().is_empty()));
            }
        }
    }

    #[test]
    fn parsers_never_panic_on_any_text(text in any::<String>()) {
        let _ = UnitPrice::parse(&text);
        let _ = MarginPercent::parse(&text);
        let _ = Units::parse(&text);
        let _ = ThresholdPercent::parse(&text);
        let _ = Currency::parse(&text);
        let _ = billing_reports::domain::Period::parse(&text);
    }

    #[test]
    fn parsers_give_typed_errors_on_numberish_garbage(
        text in "[-+0-9.eE_, ]{0,40}",
    ) {
        // Whatever happens, a value that parses is within its bounds.
        if let Ok(p) = UnitPrice::parse(&text) {
            prop_assert!(p.get() >= Decimal::ZERO && p.get() <= UnitPrice::MAX && p.get().scale() <= 4);
        }
        if let Ok(m) = MarginPercent::parse(&text) {
            prop_assert!(m.get() >= Decimal::ZERO && m.get() < Decimal::ONE_HUNDRED);
        }
        if let Ok(u) = Units::parse(&text) {
            prop_assert!(u.get() <= Units::MAX);
        }
        if let Ok(t) = ThresholdPercent::parse(&text) {
            prop_assert!(t.get() >= Decimal::ZERO && t.get() <= Decimal::ONE_HUNDRED);
        }
    }

    #[test]
    fn overflow_sized_numbers_are_refused_not_panicked(digits in "[1-9][0-9]{13,80}") {
        prop_assert!(UnitPrice::parse(&digits).is_err());
        prop_assert!(MarginPercent::parse(&digits).is_err());
        prop_assert!(Units::parse(&digits).is_err());
        prop_assert!(ThresholdPercent::parse(&digits).is_err());
        let with_fraction = format!("{digits}.5");
        prop_assert!(UnitPrice::parse(&with_fraction).is_err());
    }

    #[test]
    fn valid_text_round_trips_through_display_and_storage(p in unit_price(), m in margin()) {
        prop_assert_eq!(UnitPrice::parse(&p.to_string()), Ok(p));
        prop_assert_eq!(MarginPercent::parse(&m.to_string()), Ok(m));
        let stored = scaled_e4(p.get()).expect("a unit price always fits");
        prop_assert_eq!(from_scaled_e4(stored), p.get());
    }
}
