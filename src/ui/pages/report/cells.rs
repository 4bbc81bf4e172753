//! The cells every line table starts with, whoever looks: the product, then the usage figures
//! (provisioned, used, over-provisioned, previous cycle, chargeable), and their column heads.
//! Both line tables (and the partner's editable rows) draw them alike.

use leptos::prelude::*;

use crate::domain::{ProductRef, UsageFigures, usage::UsageRules};
use crate::ui::format;

/// The usage column heads, in the order of [`usage_cells`].
pub(super) fn usage_heads() -> impl IntoView {
    view! {
        <th scope="col">"Product / service"</th>
        <th scope="col" class="num">"Provisioned"</th>
        <th scope="col" class="num">"Used"</th>
        <th scope="col" class="num">"Over-prov."</th>
        <th scope="col" class="num">"Previous cycle"</th>
        <th scope="col" class="num">"Chargeable"</th>
    }
}

/// The product's name, SKU and unit.
pub(super) fn product_cell(line: &ProductRef) -> impl IntoView + use<> {
    view! {
        <td class="product" data-label="Product">
            <span class="product-name">{line.name.clone()}</span>
            <span class="product-meta">{format!("{} · {}", line.sku, line.unit_type)}</span>
        </td>
    }
}

/// The usage cells every viewer gets, read-only: [`usage_facts`], the previous cycle and the
/// chargeable units (with the discrepancy, percentage and comment on hover, tap or focus).
pub(super) fn usage_cells(
    usage: &UsageFigures,
    line_id: i64,
    rules: UsageRules,
) -> impl IntoView + use<> {
    let anomaly = usage.anomaly;
    view! {
        {usage_facts(usage)}
        {previous_cell(usage.previous_chargeable, move || anomaly, rules)}
        {chargeable_cell(usage, line_id)}
    }
}

/// Provisioned, used ("not reported", and what that means) and over-provisioned (or overage).
pub(super) fn usage_facts(usage: &UsageFigures) -> impl IntoView + use<> {
    let used = match usage.used {
        Some(used) => view! { {format::units(used.get())} }.into_any(),
        None => view! {
            <span class="not-reported">"not reported"</span>
            <span class="cell-note">"provisioned is charged by default"</span>
        }
        .into_any(),
    };
    let over = match (usage.overage, usage.used) {
        (true, Some(used)) => view! {
            <span class="overage">"overage"</span>
            <span class="cell-note">{format!("{} above provisioned", format::units(used.get() - usage.provisioned.get()))}</span>
        }
        .into_any(),
        _ => view! { {format!("{}%", format::percent(usage.over_provisioned_pct))} }.into_any(),
    };
    view! {
        <td class="num" data-label="Provisioned">{format::units(usage.provisioned.get())}</td>
        <td class="num" data-label="Used">{used}</td>
        <td class="num" data-label="Over-provisioned">{over}</td>
    }
}

/// The previous cycle's chargeable units, flagged when this cycle's moved by more than the
/// distributor's anomaly threshold. `anomaly` may follow what is being typed.
pub(super) fn previous_cell(
    previous: Option<crate::domain::Units>,
    anomaly: impl Fn() -> bool + Send + Sync + 'static,
    rules: UsageRules,
) -> impl IntoView {
    let text = match previous {
        Some(units) => format::units(units.get()),
        None => "—".to_owned(),
    };
    let why = format!(
        "Moved by more than {} % since the previous cycle",
        rules.anomaly_threshold.get().normalize()
    );
    view! {
        <td class="num" data-label="Previous cycle">
            {text}
            {move || anomaly().then(|| view! { <span class="flag-inline anomaly" title=why.clone()>"unusual change"<span class="visually-hidden">{format!(": {}", why)}</span></span> })}
        </td>
    }
}

/// The chargeable units, read-only, with the discrepancy and the comment on hover, tap or focus.
fn chargeable_cell(usage: &UsageFigures, line_id: i64) -> impl IntoView + use<> {
    let tip_id = format!("line-{line_id}-why");
    let described_by = tip_id.clone();
    let mut tip = Vec::new();
    if usage.overage {
        tip.push("Used more than provisioned (overage)".to_owned());
    } else {
        tip.push(format!(
            "Over-provisioned {}%",
            format::percent(usage.over_provisioned_pct)
        ));
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
    let flags = line_flags(usage);
    let comment = usage
        .comment
        .clone()
        .map(|comment| view! { <span class="line-comment">{format!("“{comment}”")}</span> });
    view! {
        <td class=class data-label="Chargeable">
            <span class="has-tip" tabindex="0" aria-describedby=described_by>
                {chargeable}
                {marker}
                {usage.discrepancy.then(|| view! { <span class="visually-hidden">" (differs from provisioned)"</span> })}
                <span class="tip" role="tooltip" id=tip_id>{tip}</span>
            </span>
            {needs}
            {flags}
            {comment}
        </td>
    }
}

/// The risks a reviewer looks for on a line, each in words: charged below what was used, charged
/// at provisioned by the deadline's penalty.
fn line_flags(usage: &UsageFigures) -> impl IntoView + use<> {
    let below = usage.used.filter(|_| usage.below_used).map(|used| {
        let why = format!(
            "Charged {} of the {} units used",
            format::units(usage.chargeable.get()),
            format::units(used.get())
        );
        view! { <span class="flag-inline below-used" title=why.clone()>"below used"<span class="visually-hidden">{format!(": {why}")}</span></span> }
    });
    let penalised = usage.penalised.then(|| {
        let why = "Charged at provisioned: the deadline passed with no comment on this over-provisioned line";
        view! { <span class="flag-inline penalised" title=why>"penalty"<span class="visually-hidden">{format!(": {why}")}</span></span> }
    });
    view! { {below}{penalised} }
}
