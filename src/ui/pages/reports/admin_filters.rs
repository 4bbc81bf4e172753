//! The region and distributor choices, drawn for those whose list spans more than one
//! distributor. The distributors offered follow the chosen region.

use leptos::{ev::Event, prelude::*};

use crate::domain::query::{FilterOptions, ReportFilter};

/// The two selects, each showing the filter's choice; a change calls `on_region` or
/// `on_distributor`.
pub(super) fn admin_filters(
    filter: Memo<ReportFilter>,
    options: FilterOptions,
    on_region: impl FnMut(Event) + 'static,
    on_distributor: impl FnMut(Event) + 'static,
) -> impl IntoView {
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
    }
}
