//! The cells every line table starts with, whoever looks: the product, then the usage figures
//! (provisioned, used, over-provisioned, chargeable). Both line tables draw them alike.

use leptos::prelude::*;

use crate::domain::{ProductRef, UsageFigures};
use crate::ui::format;

/// The product's name, SKU and unit.
pub(super) fn product_cell(line: &ProductRef) -> impl IntoView + use<> {
    view! {
        <td class="product" data-label="Product">
            <span class="product-name">{line.name.clone()}</span>
            <span class="product-meta">{format!("{} · {}", line.sku, line.unit_type)}</span>
        </td>
    }
}

/// The usage cells every viewer gets: provisioned, used, over-provisioned %, chargeable (with
/// the discrepancy, percentage and comment on hover, tap or keyboard focus).
pub(super) fn usage_cells(usage: &UsageFigures, line_id: i64) -> impl IntoView + use<> {
    let tip_id = format!("line-{line_id}-why");
    let described_by = tip_id.clone();
    let used = usage
        .used
        .map(|u| format::units(u.get()))
        .unwrap_or_else(|| "not reported".to_owned());
    let pct = format!("{}%", usage.over_provisioned_pct);
    let mut tip = Vec::new();
    if usage.overage {
        tip.push("Used more than provisioned (overage)".to_owned());
    } else {
        tip.push(format!("Over-provisioned {pct}"));
    }
    if let Some(comment) = &usage.comment {
        tip.push(format!("Partner: “{comment}”"));
    }
    let tip = tip.join(" · ");
    let class = if usage.discrepancy {
        "num chargeable discrepancy"
    } else {
        "num chargeable"
    };
    let chargeable = format::units(usage.chargeable.get());
    let marker = usage
        .comment
        .is_some()
        .then(|| view! { <span class="comment-marker" aria-hidden="true">"✎"</span> });
    let needs = usage
        .needs_comment
        .then(|| view! { <span class="needs-comment">"needs a comment"</span> });
    view! {
        <td class="num" data-label="Provisioned">{format::units(usage.provisioned.get())}</td>
        <td class="num" data-label="Used">{used}</td>
        <td class="num" data-label="Over-provisioned">{if usage.overage { "overage".to_owned() } else { pct }}</td>
        <td class=class data-label="Chargeable">
            <span class="has-tip" tabindex="0" aria-describedby=described_by>
                {chargeable}
                {marker}
                {usage.discrepancy.then(|| view! { <span class="visually-hidden">" (differs from provisioned)"</span> })}
                <span class="tip" role="tooltip" id=tip_id>{tip}</span>
            </span>
            {needs}
        </td>
    }
}
