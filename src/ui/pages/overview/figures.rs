//! The overview's figures: reports per status, totals per currency, each region's monthly totals
//! (the server's SVG chart with a table of the same numbers) and the deadlines missed in the
//! newest cycle. Each figure is a link to the list of exactly its reports.

use leptos::prelude::*;

use crate::domain::{
    format::{count_of, period_long, period_short},
    overview::{CurrencyFigure, Figure, Overview, RegionSeries},
};
use crate::ui::components::local_time::LocalTime;
use crate::ui::format;

#[component]
pub(super) fn Figures(overview: Overview) -> impl IntoView {
    let range = match (overview.filter.from, overview.filter.to) {
        (Some(from), Some(to)) if from == to => period_long(from),
        (Some(from), Some(to)) => format!("{} to {}", period_long(from), period_long(to)),
        _ => String::new(),
    };
    let list_href = overview.filter.list_href();
    let reports = count_of(overview.reports(), "report", "reports");
    let statuses = overview
        .statuses
        .into_iter()
        .map(|figure| view! { <FigureLink figure class="status-figure" /> })
        .collect_view();
    let totals = if overview.totals.is_empty() {
        view! { <p class="muted">"No reports in this range."</p> }.into_any()
    } else {
        let items = overview
            .totals
            .into_iter()
            .map(|total| view! { <TotalLink total /> })
            .collect_view();
        view! { <ul class="overview-totals">{items}</ul> }.into_any()
    };
    let regions = overview
        .regions
        .into_iter()
        .map(|series| view! { <RegionChart series /> })
        .collect_view();
    let missed = {
        let cycle = overview.cycle;
        let items = overview
            .missed
            .into_iter()
            .map(|figure| view! { <li><FigureLink figure class="missed-figure" /></li> })
            .collect_view();
        view! {
            <section class="card overview-missed" aria-labelledby="missed-title">
                <h2 id="missed-title">{format!("Deadlines missed in the {} cycle", period_long(cycle))}</h2>
                <ul>{items}</ul>
            </section>
        }
    };
    view! {
        <p class="overview-scope">
            {range}": "<a href=list_href>{reports}</a>
            <span class="muted">" · as of "<LocalTime utc=overview.as_of /></span>
        </p>
        <section class="overview-statuses" aria-label="Reports by status">{statuses}</section>
        <section class="card" aria-labelledby="totals-title">
            <h2 id="totals-title">"Totals per currency"</h2>
            {totals}
        </section>
        {missed}
        <section class="overview-regions" aria-labelledby="regions-title">
            <h2 id="regions-title">"Monthly totals per region"</h2>
            {regions}
        </section>
    }
}

/// A count and what it counts, as a link to its list.
#[component]
fn FigureLink(figure: Figure, class: &'static str) -> impl IntoView {
    let zero = figure.reports == 0;
    view! {
        <a class=class class:zero=zero href=figure.href>
            <span class="figure-count">{format::units(figure.reports)}</span>
            <span class="figure-label">{figure.label}</span>
        </a>
    }
}

/// One currency's total, as a link to its reports.
#[component]
fn TotalLink(total: CurrencyFigure) -> impl IntoView {
    view! {
        <li>
            <a href=total.href>
                <strong class="amount">{format::money_with_code(total.total, total.currency)}</strong>
                <span class="muted">{format!(" · {}", count_of(total.reports, "report", "reports"))}</span>
            </a>
        </li>
    }
}

/// One region's chart (drawn by the server) and the table of the same numbers.
#[component]
fn RegionChart(series: RegionSeries) -> impl IntoView {
    let title = format!("{} · {}", series.region, series.currency.code());
    let currency = series.currency;
    let rows = series
        .months
        .into_iter()
        .map(|month| {
            view! {
                <tr>
                    <th scope="row">{period_short(month.period)}</th>
                    <td class="num">{format::units(month.reports)}</td>
                    <td class="num">
                        <a href=month.href>{format::money(month.total, currency)}</a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="card region-chart">
            <h3>{title.clone()}</h3>
            <div class="chart" inner_html=series.chart_svg></div>
            <table class="chart-table">
                <caption class="visually-hidden">{format!("Monthly totals, {title}")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Cycle"</th>
                        <th scope="col" class="num">"Reports"</th>
                        <th scope="col" class="num">{format!("Total ({})", currency.code())}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </article>
    }
}
