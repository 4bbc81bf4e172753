//! The line table without prices: what partners get (and distributors while the partner is
//! still preparing the report). Usage only; there is no pricing field to leave empty.

use leptos::prelude::*;

use crate::domain::PartnerLineView;

use super::cells::{product_cell, usage_cells};

/// One row per line: the product and its usage figures.
#[component]
pub(super) fn UsageLines(lines: Vec<PartnerLineView>) -> impl IntoView {
    view! {
        <div class="table-wrap lines">
            <table class="lines">
                <thead>
                    <tr>
                        <th scope="col">"Product / service"</th>
                        <th scope="col" class="num">"Provisioned"</th>
                        <th scope="col" class="num">"Used"</th>
                        <th scope="col" class="num">"Over-prov."</th>
                        <th scope="col" class="num">"Chargeable"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|line| view! { <tr>{product_cell(&line.product)}{usage_cells(&line.usage, line.product.line_id)}</tr> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
