//! The report shapes the browser and the server exchange, and the report period.
//!
//! There are two families on purpose: the distributor/vendor/admin types carry pricing, the
//! partner types ([`PartnerReportSummary`], [`PartnerLineView`]) have **no pricing fields at all**.
//! A partner page can therefore not leak a price through the page, the JSON or the hydration data,
//! because the type it is built from has nowhere to put one. The only way from one family to the
//! other is the projections below, which drop the fields.
//!
//! These are plain data. Everything they contain was computed by `line` and decided by `status`
//! and `policy`; the one preview here (a line repriced) calls `line` as well.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::deadline::DeadlineOf;
use super::history::HistoryEntry;
use super::line::{LineAmounts, LineFigures, LineInput, carries_penalty, line_amounts, total_owed};
use super::line_page::{LineWindow, OtherLines};
use super::numbers::{MarginPercent, UnitPrice, Units};
use super::period::Period;
use super::pricing::{GrantedCode, PriceChange, PricingRules};
use super::status::Status;
use super::usage::{UsageRules, is_anomaly};

pub use super::flags::ReportFlags;

// ---------------------------------------------------------------------------------------------
// Report list rows
// ---------------------------------------------------------------------------------------------

/// One row of a report list, for distributors, the vendor and admins (with the total).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    /// Report id.
    pub id: i64,
    /// Partner organisation id.
    pub partner_id: i64,
    /// Partner name.
    pub partner_name: String,
    /// Distributor name.
    pub distributor_name: String,
    /// Region name.
    pub region_name: String,
    /// Report currency.
    pub currency: Currency,
    /// Report month.
    pub period: Period,
    /// Status with sub-status.
    pub status: Status,
    /// The distributor's PO number, once set.
    pub po_number: Option<String>,
    /// The partner's deadline (UTC, RFC 3339).
    pub submission_deadline: String,
    /// The distributor's review deadline (UTC, RFC 3339).
    pub review_deadline: String,
    /// Total invoice amount (Σ amount owed), when the viewer may see pricing for this status.
    pub total: Option<Decimal>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Flags.
    pub flags: ReportFlags,
}

/// One row of a partner's report list: the same as [`ReportSummary`] without any amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerReportSummary {
    /// Report id.
    pub id: i64,
    /// Partner organisation id.
    pub partner_id: i64,
    /// Partner name.
    pub partner_name: String,
    /// Distributor name.
    pub distributor_name: String,
    /// Region name.
    pub region_name: String,
    /// Report currency (the partner knows which currency it is billed in, not the amounts).
    pub currency: Currency,
    /// Report month.
    pub period: Period,
    /// Status with sub-status.
    pub status: Status,
    /// The distributor's PO number, once set.
    pub po_number: Option<String>,
    /// The partner's deadline (UTC, RFC 3339).
    pub submission_deadline: String,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Flags.
    pub flags: ReportFlags,
}

impl PartnerReportSummary {
    /// The partner's deadline while it runs (the report is the partner's to submit).
    pub fn partner_deadline(&self) -> Option<&str> {
        (DeadlineOf::running(self.status) == Some(DeadlineOf::Partner))
            .then_some(self.submission_deadline.as_str())
    }
}

impl ReportSummary {
    /// The partner's view of this row: every pricing field dropped.
    pub fn for_partner(&self) -> PartnerReportSummary {
        PartnerReportSummary {
            id: self.id,
            partner_id: self.partner_id,
            partner_name: self.partner_name.clone(),
            distributor_name: self.distributor_name.clone(),
            region_name: self.region_name.clone(),
            currency: self.currency,
            period: self.period,
            status: self.status,
            po_number: self.po_number.clone(),
            submission_deadline: self.submission_deadline.clone(),
            version: self.version,
            flags: self.flags,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Line rows
// ---------------------------------------------------------------------------------------------

/// What identifies a line's product, shared by both line views.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRef {
    /// Line id.
    pub line_id: i64,
    /// Product or service name.
    pub name: String,
    /// Stock-keeping unit.
    pub sku: String,
    /// Unit type: seats, users, devices, GB, credits, ...
    pub unit_type: String,
}

/// The usage side of a line: what partners and everyone else see alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageFigures {
    /// P.
    pub provisioned: Units,
    /// U, when the product reports usage.
    pub used: Option<Units>,
    /// Over-provisioned %, 2 decimals, for display.
    pub over_provisioned_pct: Decimal,
    /// U > P.
    pub overage: bool,
    /// Default chargeable (U, else P).
    pub default_chargeable: Units,
    /// C.
    pub chargeable: Units,
    /// C ≠ P.
    pub discrepancy: bool,
    /// Violating line (see SPEC §5).
    pub violation: bool,
    /// Needs a comment it does not have.
    pub needs_comment: bool,
    /// The partner's comment.
    pub comment: Option<String>,
    /// The chargeable units of the same product in the partner's previous cycle, if it had one.
    pub previous_chargeable: Option<Units>,
    /// The chargeable moved by more than the anomaly threshold since the previous cycle.
    pub anomaly: bool,
    /// Charged below the units used (C < U).
    pub below_used: bool,
    /// Charged at provisioned by the penalty of an automatic submission.
    pub penalised: bool,
}

impl UsageFigures {
    /// Collects the usage side from a line's input and computed figures, with the previous
    /// cycle's chargeable units judged by the anomaly threshold of `rules`.
    pub fn new(
        input: &LineInput,
        figures: &LineFigures,
        previous_chargeable: Option<Units>,
        rules: UsageRules,
        auto_penalties: bool,
    ) -> UsageFigures {
        UsageFigures {
            below_used: super::flags::is_below_used(input.used, input.chargeable),
            penalised: carries_penalty(input, rules.threshold, auto_penalties),
            previous_chargeable,
            anomaly: is_anomaly(
                previous_chargeable,
                figures.chargeable,
                rules.anomaly_threshold,
            ),
            provisioned: input.provisioned,
            used: input.used,
            over_provisioned_pct: figures.over_provisioned_pct,
            overage: figures.overage,
            default_chargeable: figures.default_chargeable,
            chargeable: figures.chargeable,
            discrepancy: figures.discrepancy,
            violation: figures.violation,
            needs_comment: figures.needs_comment,
            comment: input.comment.clone(),
        }
    }
}

/// A line with pricing, for distributors, the vendor and admins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    /// Which product.
    pub product: ProductRef,
    /// Usage and chargeable.
    pub usage: UsageFigures,
    /// L in effect.
    pub unit_price: UnitPrice,
    /// m in effect.
    pub margin: MarginPercent,
    /// The vendor's catalogue price, kept next to any override.
    pub catalogue_unit_price: UnitPrice,
    /// The vendor's catalogue margin, kept next to any override.
    pub catalogue_margin: MarginPercent,
    /// The verified pricing code that allowed an override, if any.
    pub pricing_code: Option<String>,
    /// Who applied the code, and when (UTC, RFC 3339).
    pub code_applied_by: Option<String>,
    pub code_applied_at: Option<String>,
    /// L × C, rounded to the currency.
    pub gross: Decimal,
    /// What the distributor owes the vendor for the line.
    pub amount_owed: Decimal,
    /// gross − amount owed.
    pub margin_amount: Decimal,
}

/// A line as a partner sees it: no unit price, margin, gross or amount owed — the fields do not
/// exist, so they cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerLineView {
    /// Which product.
    pub product: ProductRef,
    /// Usage and chargeable.
    pub usage: UsageFigures,
}

impl LineView {
    /// What the line would owe put back to the catalogue's unit price and margin.
    pub fn owed_at_catalogue(&self, currency: Currency) -> Decimal {
        line_amounts(
            self.catalogue_unit_price,
            self.catalogue_margin,
            self.usage.chargeable,
            currency,
        )
        .amount_owed
    }

    /// Priced otherwise than the catalogue, or carrying a code.
    pub fn has_special_pricing(&self) -> bool {
        super::pricing::has_special_pricing(
            self.unit_price,
            self.margin,
            self.catalogue_unit_price,
            self.catalogue_margin,
            self.pricing_code.as_deref(),
        )
    }

    /// The partner's view of this line: every pricing field dropped.
    pub fn for_partner(&self) -> PartnerLineView {
        PartnerLineView {
            product: self.product.clone(),
            usage: self.usage.clone(),
        }
    }
}

/// One line of a report as stored: the calculation input, the catalogue values kept next to any
/// override, and the code that allowed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportLine {
    pub id: i64,
    pub product_id: i64,
    pub product: ProductRef,
    pub input: LineInput,
    pub catalogue_price: UnitPrice,
    pub catalogue_margin: MarginPercent,
    pub pricing_code: Option<String>,
    pub code_applied_by: Option<String>,
    pub code_applied_at: Option<String>,
}

impl ReportLine {
    /// Priced otherwise than the catalogue, or carrying a code: what a reset would change.
    pub fn has_special_pricing(&self) -> bool {
        super::pricing::has_special_pricing(
            self.input.unit_price,
            self.input.margin,
            self.catalogue_price,
            self.catalogue_margin,
            self.pricing_code.as_deref(),
        )
    }

    /// Back to the catalogue's unit price and margin, without a code.
    pub fn reset_pricing(&mut self) {
        self.input.unit_price = self.catalogue_price;
        self.input.margin = self.catalogue_margin;
        self.pricing_code = None;
        self.code_applied_by = None;
        self.code_applied_at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::line::compute;
    use crate::domain::numbers::ThresholdPercent;
    use crate::domain::status::ReviewReason;

    fn period(text: &str) -> Period {
        Period::parse(text).expect("test period")
    }

    fn test_rules() -> UsageRules {
        UsageRules {
            threshold: ThresholdPercent::ZERO,
            anomaly_threshold: ThresholdPercent::new(Decimal::from(50)).expect("50 %"),
        }
    }

    fn sample_line() -> LineView {
        let input = LineInput {
            provisioned: Units::new(100).expect("units"),
            used: Some(Units::new(80).expect("units")),
            chargeable: Units::new(80).expect("units"),
            unit_price: UnitPrice::parse("5").expect("price"),
            margin: MarginPercent::parse("25").expect("margin"),
            comment: Some("moved".to_owned()),
        };
        let figures = compute(&input, ThresholdPercent::ZERO, Currency::Usd);
        LineView {
            product: ProductRef {
                line_id: 7,
                name: "Worry-Free Services".to_owned(),
                sku: "WFS-1".to_owned(),
                unit_type: "seats".to_owned(),
            },
            usage: UsageFigures::new(&input, &figures, None, test_rules(), false),
            unit_price: input.unit_price,
            margin: input.margin,
            catalogue_unit_price: input.unit_price,
            catalogue_margin: input.margin,
            pricing_code: None,
            code_applied_by: None,
            code_applied_at: None,
            gross: figures.gross,
            amount_owed: figures.amount_owed,
            margin_amount: figures.margin_amount,
        }
    }

    fn detail_with(lines: Vec<LineView>) -> ReportDetail {
        ReportDetail {
            header: ReportHeader {
                id: 1,
                partner_id: 2,
                partner_name: "P".to_owned(),
                distributor_name: "D".to_owned(),
                region_name: "R".to_owned(),
                currency: Currency::Usd,
                period: period("2026-10"),
                status: Status::UnderReview(ReviewReason::Manual),
                po_number: None,
                submission_deadline: String::new(),
                review_deadline: String::new(),
                flags: ReportFlags::default(),
                usage_rules: test_rules(),
                as_of: String::new(),
                version: 1,
            },
            rules: crate::domain::pricing::PricingRules {
                code_kind: crate::domain::pricing::CodeKind::BidDeskNumber,
                unlocks: crate::domain::pricing::Unlocks::UnitPrice,
            },
            total: total_owed(lines.iter().map(|line| line.amount_owed)),
            lines,
            window: LineWindow::default(),
            others: OtherLines::default(),
            history: Vec::new(),
            price_changes: Vec::new(),
            granted_codes: Vec::new(),
            delivery: None,
        }
    }

    /// A page of a long report previews and resets exactly as the whole report would: its
    /// other lines travel as sums.
    #[test]
    fn a_page_of_lines_previews_and_resets_as_the_whole_report() {
        use crate::domain::line_page::LinePage;
        use crate::domain::policy::{Actor, OrgKind, Role};
        let base = sample_line();
        let lines: Vec<LineView> = (0..250_u64)
            .map(|index| {
                let mut line = base.clone();
                line.product.line_id = i64::try_from(index).expect("small") + 1;
                line.usage.chargeable = Units::new(index * 7 + 3).expect("units");
                if index % 40 == 5 {
                    line.unit_price = UnitPrice::parse("3.1234").expect("price");
                    line.pricing_code = Some(format!("BID-{index}"));
                }
                let figures = line_amounts(
                    line.unit_price,
                    line.margin,
                    line.usage.chargeable,
                    Currency::Usd,
                );
                line.gross = figures.gross;
                line.amount_owed = figures.amount_owed;
                line
            })
            .collect();
        let whole = detail_with(lines);
        let actor = Actor {
            user_id: 1,
            org_id: 1,
            org_kind: OrgKind::Distributor,
            role: Role::Administrator,
            region_enabled: true,
        };
        let OpenedReport::Priced(page) =
            OpenedReport::Priced(whole.clone()).paged(LinePage::Page(2), &actor)
        else {
            panic!("priced");
        };
        assert_eq!(page.lines.len(), 50);
        assert_eq!(page.window.first, 50);
        assert_eq!(page.window.count, 250);
        assert_eq!(page.total, whole.total);
        let page_gross: Decimal = page.lines.iter().map(|line| line.gross).sum();
        let whole_gross: Decimal = whole.lines.iter().map(|line| line.gross).sum();
        assert_eq!(page_gross + page.others.gross, whole_gross);
        let price = UnitPrice::parse("9.87").expect("price");
        let margin = MarginPercent::parse("10").expect("margin");
        assert_eq!(
            page.preview(75, price, margin),
            whole.preview(75, price, margin)
        );
        assert_eq!(page.preview(3, price, margin), None, "line 3 is on page 1");
        assert_eq!(page.reset_preview(None), whole.reset_preview(None));
        assert_eq!(page.reset_preview(Some(86)), whole.reset_preview(Some(86)));
        assert!(page.reset_preview(None).lines > 1);
    }

    /// The browser's preview of a repriced line is the server's computation: the same line
    /// figures, and the same total as `report_total` over every line.
    #[test]
    fn a_preview_is_what_the_server_computes() {
        use crate::domain::line::report_total;
        let base = sample_line();
        let other = LineView {
            product: ProductRef {
                line_id: 8,
                ..base.product.clone()
            },
            ..base.clone()
        };
        let detail = detail_with(vec![base.clone(), other.clone()]);
        let price = UnitPrice::parse("4.3333").expect("price");
        let margin = MarginPercent::parse("12.5").expect("margin");
        let (amounts, total) = detail.preview(7, price, margin).expect("line 7");
        let input = LineInput {
            provisioned: base.usage.provisioned,
            used: base.usage.used,
            chargeable: base.usage.chargeable,
            unit_price: price,
            margin,
            comment: base.usage.comment.clone(),
        };
        let figures = compute(&input, ThresholdPercent::ZERO, Currency::Usd);
        assert_eq!(amounts.gross, figures.gross);
        assert_eq!(amounts.amount_owed, figures.amount_owed);
        assert_eq!(amounts.margin_amount, figures.margin_amount);
        let unchanged = compute(
            &LineInput {
                unit_price: other.unit_price,
                margin: other.margin,
                ..input.clone()
            },
            ThresholdPercent::ZERO,
            Currency::Usd,
        );
        assert_eq!(total, report_total(&[figures, unchanged]));
        assert_eq!(detail.preview(99, price, margin), None);
    }

    /// The partner JSON must not carry a single pricing key, not even as null.
    #[test]
    fn partner_json_has_no_pricing_keys() {
        let line = sample_line();
        let full = serde_json::to_string(&line).expect("serialize");
        assert!(full.contains("unit_price") && full.contains("amount_owed"));
        let partner = serde_json::to_string(&line.for_partner()).expect("serialize");
        for key in [
            "unit_price",
            "margin",
            "gross",
            "amount_owed",
            "catalogue",
            "pricing_code",
            "300",
        ] {
            assert!(!partner.contains(key), "{key} leaked into {partner}");
        }

        let summary = ReportSummary {
            id: 1,
            partner_id: 30,
            partner_name: "Acme MSP".to_owned(),
            distributor_name: "Dist".to_owned(),
            region_name: "EMEA".to_owned(),
            currency: Currency::Eur,
            period: period("2026-11"),
            status: Status::UnderReview(ReviewReason::Manual),
            po_number: Some("PO-1".to_owned()),
            submission_deadline: "2026-12-05T23:59:00Z".to_owned(),
            review_deadline: "2026-12-12T23:59:00Z".to_owned(),
            total: Decimal::from_str_exact("1234.56").ok(),
            version: 3,
            flags: ReportFlags::default(),
        };
        let partner = serde_json::to_string(&summary.for_partner()).expect("serialize");
        assert!(!partner.contains("total") && !partner.contains("1234.56"));
        let back: ReportSummary =
            serde_json::from_str(&serde_json::to_string(&summary).expect("serialize"))
                .expect("deserialize");
        assert_eq!(back, summary);
    }
}

// ---------------------------------------------------------------------------------------------
// One report, opened
// ---------------------------------------------------------------------------------------------

/// A report's header: who, when, where it stands. The same for every viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportHeader {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub distributor_name: String,
    pub region_name: String,
    pub currency: Currency,
    pub period: Period,
    pub status: Status,
    pub po_number: Option<String>,
    /// UTC, RFC 3339.
    pub submission_deadline: String,
    /// UTC, RFC 3339.
    pub review_deadline: String,
    pub flags: ReportFlags,
    /// The distributor's threshold and anomaly settings the lines are judged by.
    pub usage_rules: UsageRules,
    /// When the server read the report (UTC, RFC 3339): the "now" of "due in 3 days".
    pub as_of: String,
    pub version: i64,
}

/// A report opened by a distributor, the vendor or an admin: with pricing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDetail {
    pub header: ReportHeader,
    /// Which code the region's distributors specify, and what it unlocks.
    pub rules: PricingRules,
    /// The lines on this page (every line unless the report was opened a page at a time).
    pub lines: Vec<LineView>,
    /// Where those lines stand among the report's.
    pub window: LineWindow,
    /// What the report's other lines add up to.
    pub others: OtherLines,
    /// Σ amount owed, of every line.
    pub total: Decimal,
    pub history: Vec<HistoryEntry>,
    /// The prices each pricing entry of the history changed, by history entry id.
    pub price_changes: Vec<(i64, PriceChange)>,
    /// The codes the vendor granted the partner that apply to this report's lines in its period,
    /// for the distributor to choose from.
    pub granted_codes: Vec<GrantedCode>,
    /// Where its latest delivery to the vendor stands (with the vendor's reference once
    /// delivered); `None` until it is submitted to the vendor.
    pub delivery: Option<super::delivery::DeliveryStatus>,
}

impl ReportDetail {
    /// The report as it would be with `line_id` priced at `unit_price` and `margin`: that line's
    /// amounts and the new total invoice amount, computed exactly as the server will store them.
    /// `None` when the report has no such line.
    pub fn preview(
        &self,
        line_id: i64,
        unit_price: UnitPrice,
        margin: MarginPercent,
    ) -> Option<(LineAmounts, Decimal)> {
        let line = self.lines.iter().find(|l| l.product.line_id == line_id)?;
        let amounts = line_amounts(
            unit_price,
            margin,
            line.usage.chargeable,
            self.header.currency,
        );
        let total = total_owed(
            self.lines
                .iter()
                .map(|l| {
                    if l.product.line_id == line_id {
                        amounts.amount_owed
                    } else {
                        l.amount_owed
                    }
                })
                .chain([self.others.amount_owed]),
        );
        Some((amounts, total))
    }

    /// What putting lines back to the catalogue would do: every line with special pricing (the
    /// report's other lines included), or only `line_id`'s. Computed as the server will store
    /// it, to be said before anyone confirms.
    pub fn reset_preview(&self, only: Option<i64>) -> ResetPreview {
        let resets = |line: &LineView| {
            line.has_special_pricing() && only.is_none_or(|id| id == line.product.line_id)
        };
        let (other_lines, others_owed) = match only {
            None => (self.others.special, self.others.owed_at_catalogue),
            Some(_) => (0, self.others.amount_owed),
        };
        let lines = self.lines.iter().filter(|line| resets(line)).count() + other_lines;
        let total = total_owed(
            self.lines
                .iter()
                .map(|line| {
                    if resets(line) {
                        line.owed_at_catalogue(self.header.currency)
                    } else {
                        line.amount_owed
                    }
                })
                .chain([others_owed]),
        );
        ResetPreview { lines, total }
    }
}

/// How many lines a reset touches and the total invoice amount it leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResetPreview {
    pub lines: usize,
    pub total: Decimal,
}

/// A report opened by its partner: no pricing field anywhere.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerReportDetail {
    pub header: ReportHeader,
    /// The lines on this page (every line unless the report was opened a page at a time).
    pub lines: Vec<PartnerLineView>,
    /// Where those lines stand among the report's.
    pub window: LineWindow,
    pub history: Vec<HistoryEntry>,
}

/// What opening a report sends to the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpenedReport {
    Priced(ReportDetail),
    Partner(PartnerReportDetail),
}

// ---------------------------------------------------------------------------------------------
// PO number
// ---------------------------------------------------------------------------------------------

/// Why a PO number was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PoNumberError {
    #[error("Please enter a PO number")]
    Empty,
    #[error("A PO number can have at most 40 characters")]
    TooLong,
    #[error("A PO number can contain letters, digits, spaces and - _ / . # only")]
    Characters,
}

/// A distributor's purchase-order number: 1–40 characters of letters, digits, spaces and
/// `- _ / . #`, trimmed.
pub fn parse_po_number(text: &str) -> Result<String, PoNumberError> {
    let po = text.trim();
    if po.is_empty() {
        return Err(PoNumberError::Empty);
    }
    if po.chars().count() > 40 {
        return Err(PoNumberError::TooLong);
    }
    let allowed =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '/' | '.' | '#');
    if !po.chars().all(allowed) {
        return Err(PoNumberError::Characters);
    }
    Ok(po.to_owned())
}

#[cfg(test)]
mod po_tests {
    use super::*;

    #[test]
    fn po_numbers_are_trimmed_and_checked() {
        assert_eq!(
            parse_po_number("  PO-2026/11 #4 "),
            Ok("PO-2026/11 #4".to_owned())
        );
        assert_eq!(parse_po_number("   "), Err(PoNumberError::Empty));
        assert_eq!(
            parse_po_number(&"9".repeat(41)),
            Err(PoNumberError::TooLong)
        );
        assert_eq!(
            parse_po_number("PO<script>"),
            Err(PoNumberError::Characters)
        );
        assert_eq!(parse_po_number("PO;1"), Err(PoNumberError::Characters));
    }
}
