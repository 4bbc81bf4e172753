//! The line table with prices, for the distributor and the vendor: usage, unit price, margin,
//! gross, amount owed and the special-pricing code of each line, the totals, and the button that
//! resets every line to the catalogue.

use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::api::reports::ReportAction;
use crate::domain::{LineView, ReportDetail};
use crate::ui::{components::local_time::LocalTime, format};

use super::{
    cells::{product_cell, usage_cells},
    code_editor::CodeEditor,
    state::{Preview, PriceEditor, ValueCheck, specify_id},
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
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let (report_id, currency, rules, lines, saved_total) = detail.with_value(|d| {
        (
            d.header.id,
            d.header.currency,
            d.rules,
            d.lines.clone(),
            d.total,
        )
    });
    let code_label = rules.code_kind.label();
    let saved_gross: Decimal = lines.iter().map(|line| line.gross).sum();
    let any_special = lines.iter().any(LineView::has_special_pricing);
    let rows = lines
        .into_iter()
        .map(|line| {
            let line_id = line.product.line_id;
            let editing = move || preview.get().filter(|p| p.line_id == line_id);
            let (price, list_price) = (line.unit_price, line.catalogue_unit_price);
            let (margin, list_margin) = (line.margin, line.catalogue_margin);
            let (gross, owed) = (line.gross, line.amount_owed);
            let unit_price = move || {
                let shown = editing().map_or(price, |p| p.unit_price);
                view! {
                    <span class="stack">
                    <span class:preview=move || editing().is_some_and(|p| p.unit_price != price)>{format::unit_price(shown.get(), currency)}</span>
                    {(shown != list_price).then(|| view! { <span class="was">{format!("list {}", format::unit_price(list_price.get(), currency))}</span> })}
                    </span>
                }
            };
            let margin_cell = move || {
                let shown = editing().map_or(margin, |p| p.margin);
                view! {
                    <span class="stack">
                    <span class:preview=move || editing().is_some_and(|p| p.margin != margin)>{format!("{shown}%")}</span>
                    {(shown != list_margin).then(|| view! { <span class="was">{format!("list {list_margin}%")}</span> })}
                    </span>
                }
            };
            let gross_cell = move || {
                let shown = editing().map_or(gross, |p| p.amounts.gross);
                view! { <span class:preview=shown != gross>{format::money(shown, currency)}</span> }
            };
            let owed_cell = move || {
                let shown = editing().map_or(owed, |p| p.amounts.amount_owed);
                view! { <span class:preview=shown != owed>{format::money(shown, currency)}</span> }
            };
            let code = line.pricing_code.clone().map(|code| {
                let by = line.code_applied_by.clone().unwrap_or_default();
                let at = line.code_applied_at.clone().unwrap_or_default();
                view! {
                    <span class="code">{code}</span>
                    <span class="applied">{format!("by {by}, ")}<LocalTime utc=at /></span>
                }
            });
            let product_name = line.product.name.clone();
            let specify = editable.then(|| {
                let existing = line.pricing_code.clone();
                let label = if existing.is_some() { "Change" } else { "Specify" };
                let open = move |_| editor.open(line_id, existing.clone());
                view! {
                    <button type="button" class="button small" id=specify_id(line_id) on:click=open
                        aria-expanded=move || (editor.line.get() == Some(line_id)).to_string()
                        aria-controls=format!("price-editor-{line_id}")>
                        {label}
                        <span class="visually-hidden">{format!(" a {code_label} for {product_name}")}</span>
                    </button>
                }
            });
            let editor_row = {
                let line = line.clone();
                move || {
                    (editor.line.get() == Some(line_id)).then(|| {
                        view! {
                            <tr class="editor-row" id=format!("price-editor-{line_id}")>
                                <td colspan="10">
                                    <CodeEditor report_id line=line.clone() rules editor check act busy currency />
                                </td>
                            </tr>
                        }
                    })
                }
            };
            view! {
                <tr class:editing=move || editor.line.get() == Some(line_id)>
                    {product_cell(&line.product)}
                    {usage_cells(&line.usage, line_id)}
                    <td class="num" data-label="Unit price">{unit_price}</td>
                    <td class="num" data-label="Margin">{margin_cell}</td>
                    <td class="num" data-label="Gross">{gross_cell}</td>
                    <td class="num money" data-label="Amount owed">{owed_cell}</td>
                    <td class="code-cell" data-label=code_label>
                        {code}
                        {specify}
                        {(line.pricing_code.is_none() && !editable).then_some("—")}
                    </td>
                </tr>
                {editor_row}
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
                    .sum()
            }),
            None => saved_gross,
        };
        format::money(gross, currency)
    };
    let total =
        move || format::money_with_code(preview.get().map_or(saved_total, |p| p.total), currency);
    let reset = (editable && any_special).then(|| {
        view! {
            <button type="button" class="button" disabled=busy on:click=move |_| act.run(ReportAction::ResetPricing)>
                "Reset unit prices and channel margins"
            </button>
        }
    });
    view! {
        {reset.map(|reset| view! { <div class="lines-toolbar">{reset}</div> })}
        <div class="table-wrap lines">
            <table class="lines priced">
                <thead>
                    <tr>
                        <th scope="col">"Product / service"</th>
                        <th scope="col" class="num">"Provisioned"</th>
                        <th scope="col" class="num">"Used"</th>
                        <th scope="col" class="num">"Over-prov."</th>
                        <th scope="col" class="num">"Chargeable"</th>
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
                        <th scope="row" colspan="7">"Total invoice amount"</th>
                        <td class="num" data-label="Gross">{gross_total}</td>
                        <td class="num money" data-label="Total" data-testid="lines-total">{total}</td>
                        <td></td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}
