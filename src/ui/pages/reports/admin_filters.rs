//! The region, distributor and currency choices, drawn for those whose list spans more than one
//! distributor. The distributors offered follow the chosen region.

use leptos::{ev::Event, prelude::*};

use super::choice_select::{Choices, choice_select};
use crate::domain::{
    Currency,
    query::{FilterOptions, ReportFilter},
};

/// The three selects, each showing the filter's choice; a change calls the region's, the
/// distributor's or the currency's handler of `on_change`.
pub(super) fn admin_filters(
    filter: Memo<ReportFilter>,
    options: FilterOptions,
    on_change: (
        impl FnMut(Event) + 'static,
        impl FnMut(Event) + 'static,
        impl FnMut(Event) + 'static,
    ),
) -> impl IntoView {
    let (on_region, on_distributor, on_currency) = on_change;
    let currency_select = Choices {
        id: "filter-currency",
        name: "currency",
        label: "Currency",
        none: "All currencies",
        choices: Currency::all()
            .iter()
            .map(|currency| {
                (
                    *currency,
                    currency.code().to_owned(),
                    currency.code().to_owned(),
                )
            })
            .collect(),
    };
    let regions = options.regions;
    let distributors = options.distributors;
    let region_choices = regions
        .into_iter()
        .map(|choice| {
            let id = choice.id;
            view! {
                <option value=id.to_string() selected=move || filter.read().region == Some(id) prop:selected=move || filter.read().region == Some(id)>
                    {choice.name}
                </option>
            }
        })
        .collect_view();
    let distributor_choices = move || {
        let region = filter.read().region;
        distributors
            .iter()
            .filter(|choice| region.is_none() || choice.region == region)
            .map(|choice| {
                let id = choice.id;
                view! {
                    <option value=id.to_string() selected=move || filter.read().distributor == Some(id) prop:selected=move || filter.read().distributor == Some(id)>
                        {choice.name.clone()}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <div class="field">
            <label for="filter-region">"Region"</label>
            <select id="filter-region" name="region" on:change=on_region>
                <option value="" selected=move || filter.read().region.is_none() prop:selected=move || filter.read().region.is_none()>"All regions"</option>
                {region_choices}
            </select>
        </div>
        <div class="field">
            <label for="filter-distributor">"Distributor"</label>
            <select id="filter-distributor" name="distributor" on:change=on_distributor>
                <option value="" selected=move || filter.read().distributor.is_none() prop:selected=move || filter.read().distributor.is_none()>"All distributors"</option>
                {distributor_choices}
            </select>
        </div>
        {choice_select(currency_select, move || filter.read().currency, on_currency)}
    }
}
