//! The line table with prices, for the distributor and the vendor: usage, unit price, margin,
//! gross, amount owed and the special-pricing code of each line, the totals, and the button that
//! resets every line to the catalogue.

use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::api::reports::ReportAction;
use crate::domain::{LineView, ReportDetail};
use crate::ui::format;

use super::{
    cells::usage_heads,
    confirm::ConfirmPanel,
    priced_row::PricedRow,
    state::{Confirming, Preview, PriceEditor, ValueCheck},
};

/// The line table with prices. While the distributor may price the report, each line offers to
/// specify a code; the line being edited and the totals show the preview as the value is typed.
#[component]
pub(super) fn PricedLines(
    detail: StoredValue<ReportDetail>,
    editable: bool,
    editor: PriceEditor,
    check: Memo<ValueCheck>,
    preview: Memo<Option<Preview>>,
    confirming: RwSignal<Option<Confirming>>,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let (report_id, currency, rules, usage_rules, lines, saved_total, granted, others) = detail
        .with_value(|d| {
            (
                d.header.id,
                d.header.currency,
                d.rules,
                d.header.usage_rules,
                d.lines.clone(),
                d.total,
                d.granted_codes.clone(),
                d.others,
            )
        });
    let code_label = rules.code_kind.label();
    // The totals are the whole report's: the lines on other pages come as sums.
    let saved_gross: Decimal = lines.iter().map(|line| line.gross).sum::<Decimal>() + others.gross;
    let any_special = others.special > 0 || lines.iter().any(LineView::has_special_pricing);
    let rows = lines
        .into_iter()
        .map(|line| {
            let granted: Vec<_> = granted
                .iter()
                .filter(|code| code.line_id == line.product.line_id)
                .cloned()
                .collect();
            view! {
                <PricedRow report_id line granted rules usage_rules currency editable editor check preview act busy />
            }
        })
        .collect_view();
    let gross_total = move || {
        let gross = match preview.get() {
            Some(p) => detail.with_value(|d| {
                d.lines
                    .iter()
                    .map(|l| {
                        if l.product.line_id == p.line_id {
                            p.amounts.gross
                        } else {
                            l.gross
                        }
                    })
                    .sum::<Decimal>()
                    + others.gross
            }),
            None => saved_gross,
        };
        format::money(gross, currency)
    };
    let total =
        move || format::money_with_code(preview.get().map_or(saved_total, |p| p.total), currency);
    let reset =
        (editable && any_special).then(|| view! { <ResetPricing detail confirming act busy /> });
    view! {
        {reset.map(|reset| view! { <div class="pricing-toolbar">{reset}</div> })}
        <div class="table-wrap lines">
            <table class="lines priced">
                <thead>
                    <tr>
                        {usage_heads()}
                        <th scope="col" class="num">"Unit price"</th>
                        <th scope="col" class="num">"Margin"</th>
                        <th scope="col" class="num">"Gross"</th>
                        <th scope="col" class="num">"Amount owed"</th>
                        <th scope="col">{code_label}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr class="totals">
                        <th scope="row" colspan="8">"Total invoice amount"</th>
                        <td class="num" data-label="Gross">{gross_total}</td>
                        <td class="num money" data-label="Total" data-testid="lines-total">{total}</td>
                        <td></td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// Putting every line back to the catalogue, after saying how many lines and how much the total
/// changes.
#[component]
fn ResetPricing(
    detail: StoredValue<ReportDetail>,
    confirming: RwSignal<Option<Confirming>>,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let (preview, saved, currency) =
        detail.with_value(|d| (d.reset_preview(None), d.total, d.header.currency));
    let lines = format::lines(preview.lines);
    let change = preview.total - saved;
    let sign = if change > Decimal::ZERO { "+" } else { "" };
    let detail_text = format!(
        "The total invoice amount goes from {} to {} ({sign}{}). The codes can be applied again later.",
        format::money_with_code(saved, currency),
        format::money_with_code(preview.total, currency),
        format::money(change, currency)
    );
    let reset = Callback::new(move |()| {
        confirming.set(None);
        act.run(ReportAction::ResetPricing);
    });
    let question = format!("Reset {lines} to the catalogue's unit price and channel margin?");
    let yes_label = format!("Yes, reset {lines}");
    view! {
        <button type="button" class="button" id="reset-pricing"
            disabled=move || { busy.get() || confirming.get().is_some() }
            on:click=move |_| confirming.set(Some(Confirming::Reset))>
            "Reset unit prices and channel margins…"
        </button>
        {move || (confirming.get() == Some(Confirming::Reset)).then(|| view! {
            <ConfirmPanel id="confirm-reset" question=question.clone() detail=detail_text.clone()
                yes_label=yes_label.clone() yes=reset no=Callback::new(move |()| confirming.set(None))
                return_to="reset-pricing" busy />
        })}
    }
}
