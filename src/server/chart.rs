//! The overview's bar chart of one region's monthly totals in one currency, drawn on the server
//! as SVG markup (no chart library reaches the browser). Each bar is a link to the list of its
//! reports and names its exact total; the page shows a table of the same numbers beside it.
//! Geometry is worked out in exact decimals, like the amounts it draws.

use std::fmt::Write;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::{format, overview::RegionSeries};

const WIDTH: i64 = 640;
const HEIGHT: i64 = 220;
const LEFT: i64 = 56;
const RIGHT: i64 = 8;
const TOP: i64 = 12;
const BOTTOM: i64 = 46;
/// How many gridlines above zero, at most.
const STEPS: i64 = 4;

/// The chart of `series` as an `<svg>` element.
pub fn monthly_totals(series: &RegionSeries) -> String {
    let plot_width = Decimal::from(WIDTH - LEFT - RIGHT);
    let plot_height = Decimal::from(HEIGHT - TOP - BOTTOM);
    let bottom = Decimal::from(HEIGHT - BOTTOM);
    let highest = series
        .months
        .iter()
        .map(|month| month.total)
        .max()
        .unwrap_or_default()
        .max(Decimal::ZERO);
    let step = nice_step(highest / Decimal::from(STEPS));
    // As many gridlines as the highest bar needs (at most STEPS), the top one at or above it.
    let lines = (highest / step).ceil().max(Decimal::ONE);
    let top_value = step * lines;
    let name = format!(
        "Monthly totals in {}, {}",
        series.currency.code(),
        series.region
    );
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="bar-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(&name)
    );
    let mut line = Decimal::ZERO;
    while line <= lines {
        let value = step * line;
        let y = px(bottom - plot_height * line / lines);
        line += Decimal::ONE;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y}" y2="{y}"/><text class="axis" x="{}" y="{y}" dy="4" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6,
            escape(&compact(value))
        );
    }
    let count = Decimal::from(series.months.len().max(1));
    let slot = plot_width / count;
    let bar_width = slot * Decimal::new(6, 1);
    let every = if series.months.len() > 12 { 2 } else { 1 };
    for (index, month) in series.months.iter().enumerate() {
        let x =
            Decimal::from(LEFT) + slot * Decimal::from(index) + (slot - bar_width) / Decimal::TWO;
        let height = if top_value.is_zero() {
            Decimal::ZERO
        } else {
            plot_height * month.total.max(Decimal::ZERO) / top_value
        };
        let label = format!(
            "{}: {}, {}",
            format::period_long(month.period),
            format::money_with_code(month.total, series.currency),
            format::count_of(month.reports, "report", "reports")
        );
        let _ = write!(
            svg,
            r#"<a href="{}" aria-label="{label}"><title>{label}</title><rect class="bar" x="{}" y="{}" width="{}" height="{}"/></a>"#,
            escape(&month.href),
            px(x),
            px(bottom - height),
            px(bar_width),
            px(height),
            label = escape(&label)
        );
        if index % every == 0 {
            let centre = px(x + bar_width / Decimal::TWO);
            let name = format::month_name(month.period.month());
            let _ = write!(
                svg,
                r#"<text class="axis" x="{centre}" y="{}" text-anchor="middle">{}</text>"#,
                HEIGHT - BOTTOM + 18,
                name.get(..3).unwrap_or(name)
            );
            if index == 0 || month.period.month() == 1 {
                let _ = write!(
                    svg,
                    r#"<text class="axis year" x="{centre}" y="{}" text-anchor="middle">{}</text>"#,
                    HEIGHT - BOTTOM + 40,
                    month.period.year()
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A round step for gridlines at least `raw`: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(raw: Decimal) -> Decimal {
    if raw <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let mut power = Decimal::ONE;
    while power * Decimal::TEN <= raw {
        power *= Decimal::TEN;
    }
    while power > raw {
        power /= Decimal::TEN;
    }
    [
        Decimal::ONE,
        Decimal::TWO,
        Decimal::new(25, 1),
        Decimal::from(5),
        Decimal::TEN,
    ]
    .into_iter()
    .map(|factor| factor * power)
    .find(|step| *step >= raw)
    .unwrap_or(power * Decimal::TEN)
}

/// An axis value in few characters: `750`, `12.5k`, `3M`.
fn compact(value: Decimal) -> String {
    let (scaled, suffix) = if value >= Decimal::from(1_000_000) {
        (value / Decimal::from(1_000_000), "M")
    } else if value >= Decimal::from(1_000) {
        (value / Decimal::from(1_000), "k")
    } else {
        (value, "")
    };
    let shown = scaled
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    format!("{shown}{suffix}")
}

/// A coordinate with one decimal.
fn px(value: Decimal) -> Decimal {
    value
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// Text safe inside an SVG element or attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, Period, overview::MonthTotal};

    #[test]
    fn steps_are_round_numbers_that_cover_the_highest_bar() {
        let step = |raw: i64| nice_step(Decimal::from(raw));
        assert_eq!(step(0), Decimal::ONE);
        assert_eq!(step(3), Decimal::from(5));
        assert_eq!(step(11), Decimal::from(20));
        assert_eq!(step(2_100), Decimal::from(2_500));
        assert_eq!(step(40_000), Decimal::from(50_000));
        assert_eq!(nice_step(Decimal::new(3, 1)), Decimal::new(5, 1));
        assert_eq!(compact(Decimal::from(12_500)), "12.5k");
        assert_eq!(compact(Decimal::from(3_000_000)), "3M");
    }

    #[test]
    fn each_bar_links_to_its_reports_and_names_its_exact_total() {
        let month = |m: u32, total: Decimal| MonthTotal {
            period: Period::new(2026, m).expect("period"),
            reports: 2,
            total,
            href: format!("/?period=2026-{m:02}&region=1"),
        };
        let series = RegionSeries {
            region_id: 1,
            region: "Australia & New Zealand".to_owned(),
            currency: Currency::Aud,
            months: vec![
                month(10, Decimal::new(123_456, 2)),
                month(11, Decimal::ZERO),
            ],
            chart_svg: String::new(),
        };
        let svg = monthly_totals(&series);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Australia &amp; New Zealand"));
        assert!(svg.contains(r#"href="/?period=2026-10&amp;region=1""#));
        assert!(svg.contains("October 2026: AUD 1,234.56, 2 reports"));
        // Gridlines every 500 up to 1,500: the tallest bar is 1,234.56 / 1,500 of the 162-point
        // plot.
        assert!(svg.contains(r#"height="133.3""#), "{svg}");
        assert!(svg.contains(">1.5k</text>"), "{svg}");
        assert!(svg.contains(r#"height="0""#));
    }
}
