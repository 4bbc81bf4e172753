//! One line of the priced table: the product and usage cells, the price cells (which show the
//! preview while this line's value is typed), the code cell with its Specify/Change button and,
//! while the editor is open on this line, the row below that holds it.

use leptos::prelude::*;

use crate::api::reports::ReportAction;
use crate::domain::{
    Currency, LineView,
    pricing::{GrantedCode, PricingRules},
    usage::UsageRules,
};
use crate::ui::{components::local_time::LocalTime, format};

use super::{
    cells::{product_cell, usage_cells},
    code_editor::CodeEditor,
    state::{Preview, PriceEditor, ValueCheck, specify_id},
};

/// One line's row (and its editor row). `editable` offers the Specify/Change button.
#[component]
pub(super) fn PricedRow(
    report_id: i64,
    line: LineView,
    /// The codes the vendor granted the partner for this line's product.
    granted: Vec<GrantedCode>,
    rules: PricingRules,
    usage_rules: UsageRules,
    currency: Currency,
    editable: bool,
    editor: PriceEditor,
    check: Memo<ValueCheck>,
    preview: Memo<Option<Preview>>,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let code_label = rules.code_kind.label();
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
            <span class:preview=move || editing().is_some_and(|p| p.margin != margin)>{format!("{}%", format::percent(shown.get()))}</span>
            {(shown != list_margin).then(|| view! { <span class="was">{format!("list {}%", format::percent(list_margin.get()))}</span> })}
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
        let label = if existing.is_some() {
            "Change"
        } else {
            "Specify"
        };
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
    // Taking one line's special pricing off; the codes list lets it be applied again.
    let remove = (editable && line.has_special_pricing()).then(|| {
        let product_name = line.product.name.clone();
        view! {
            <button type="button" class="button small" disabled=busy
                on:click=move |_| act.run(ReportAction::RemoveCode { line_id })>
                "Remove"
                <span class="visually-hidden">{format!(" the special pricing of {product_name}")}</span>
            </button>
        }
    });
    let editor_row = {
        let line = line.clone();
        move || {
            (editor.line.get() == Some(line_id)).then(|| {
                view! {
                    <tr class="editor-row" id=format!("price-editor-{line_id}")>
                        <td colspan="11">
                            <CodeEditor report_id line=line.clone() granted=granted.clone() rules editor check act busy currency />
                        </td>
                    </tr>
                }
            })
        }
    };
    view! {
        <tr class:editing=move || editor.line.get() == Some(line_id)>
            {product_cell(&line.product)}
            {usage_cells(&line.usage, line_id, usage_rules)}
            <td class="num" data-label="Unit price">{unit_price}</td>
            <td class="num" data-label="Margin">{margin_cell}</td>
            <td class="num" data-label="Gross">{gross_cell}</td>
            <td class="num money" data-label="Amount owed">{owed_cell}</td>
            <td class="code-cell" data-label=code_label>
                {code}
                <span class="code-buttons">{specify}{remove}</span>
                {(line.pricing_code.is_none() && !editable).then_some("—")}
            </td>
        </tr>
        {editor_row}
    }
}
