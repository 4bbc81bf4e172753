//! A report as each viewer receives it: with pricing (and the codes the vendor granted the
//! partner) for distributors once the partner has submitted it, the vendor and admins; otherwise
//! in the partner shape, which has no pricing field, and with the history a partner may read.

use super::history::{self, HistoryEntry};
use super::line::{compute, report_total};
use super::line_page::{LineWindow, OtherLines};
use super::numbers::Units;
use super::policy::{Actor, shows_pricing};
use super::pricing::{CodeRecord, PriceChange, PricingRules, granted_codes};
use super::report::{
    LineView, OpenedReport, PartnerReportDetail, ReportDetail, ReportHeader, ReportLine,
    UsageFigures,
};
use super::usage::previous_chargeable;

/// Everything loaded about one report, before it is shaped for a viewer.
#[derive(Clone, Debug)]
pub struct LoadedReport {
    pub header: ReportHeader,
    pub rules: PricingRules,
    pub lines: Vec<ReportLine>,
    /// The chargeable units of each product in the partner's previous cycle, by product id.
    pub previous: Vec<(i64, Units)>,
    pub history: Vec<HistoryEntry>,
    /// The prices each pricing entry of the history changed, by history entry id.
    pub price_changes: Vec<(i64, PriceChange)>,
    /// The codes the vendor issued to the partner, as stored (loaded only for viewers who see
    /// pricing; never sent as they are).
    pub codes: Vec<CodeRecord>,
    /// The report's latest delivery to the vendor, if it was ever submitted there.
    pub delivery: Option<super::delivery::DeliveryStatus>,
}

impl LoadedReport {
    /// The report as `actor` may see it (the caller has checked that they may see it at all).
    pub fn opened_by(self, actor: &Actor) -> OpenedReport {
        let currency = self.header.currency;
        let granted = granted_codes(
            &self.codes,
            self.lines.iter().map(|line| (line.id, line.product_id)),
            self.header.partner_id,
            self.header.period,
            self.rules,
        );
        let usage_rules = self.header.usage_rules;
        let auto_penalties = self.header.flags.auto_penalties;
        let figures: Vec<_> = self
            .lines
            .iter()
            .map(|line| compute(&line.input, usage_rules.threshold, currency))
            .collect();
        let previous = &self.previous;
        let previous_of = |product_id: i64| previous_chargeable(previous, product_id);
        let views: Vec<LineView> = self
            .lines
            .into_iter()
            .zip(&figures)
            .map(|(line, figures)| LineView {
                usage: UsageFigures::new(
                    &line.input,
                    figures,
                    previous_of(line.product_id),
                    usage_rules,
                    auto_penalties,
                ),
                product: line.product,
                unit_price: line.input.unit_price,
                margin: line.input.margin,
                catalogue_unit_price: line.catalogue_price,
                catalogue_margin: line.catalogue_margin,
                pricing_code: line.pricing_code,
                code_applied_by: line.code_applied_by,
                code_applied_at: line.code_applied_at,
                gross: figures.gross,
                amount_owed: figures.amount_owed,
                margin_amount: figures.margin_amount,
            })
            .collect();
        if !shows_pricing(actor, self.header.status) {
            return OpenedReport::Partner(PartnerReportDetail {
                header: self.header,
                window: LineWindow::every(views.len()),
                lines: views.iter().map(LineView::for_partner).collect(),
                history: history::for_partner(self.history),
            });
        }
        OpenedReport::Priced(ReportDetail {
            header: self.header,
            rules: self.rules,
            window: LineWindow::every(views.len()),
            others: OtherLines::default(),
            lines: views,
            total: report_total(&figures),
            history: self.history,
            price_changes: self.price_changes,
            granted_codes: granted,
            delivery: self.delivery.filter(|_| actor.viewer().sees_delivery()),
        })
    }
}
