//! The channel overview for the platform's staff (read-only): the domain settles the range and
//! names every figure's list; this counts them with the list's own queries, so that each figure
//! is exactly what its list shows.

use super::{ServiceError, UserCaller};
use crate::domain::{
    ListScope, Period, Refusal,
    listing::FilterTotals,
    overview::{self, CurrencyFigure, Figure, Overview},
    policy::in_region,
    query::{ListQuery, ReportFilter},
};
use crate::server::{
    chart,
    db::{Db, now_utc, reports},
};

/// The overview of `asked`'s region and range, at `this_month`, for `user`, who must be one of
/// the platform's staff.
pub async fn overview(
    db: &Db,
    user: &UserCaller,
    asked: &ReportFilter,
    this_month: Period,
) -> Result<Overview, ServiceError> {
    let actor = &user.actor;
    in_region(actor)?;
    if !actor.viewer().sees_overview() {
        return Err(Refusal::OverviewAdminOnly.into());
    }
    let filter = overview::settle(asked, this_month).map_err(ServiceError::Invalid)?;
    let query = |filter: &ReportFilter| ListQuery::new(ListScope::All, filter);
    let groups = reports::groups(db, &query(&filter)).await?;
    let totals = FilterTotals::of(&groups, actor)
        .by_currency
        .into_iter()
        .map(|total| CurrencyFigure {
            href: overview::currency_href(&filter, total.currency),
            currency: total.currency,
            reports: total.reports,
            total: total.total,
        })
        .collect();
    let monthly = reports::monthly(db, &query(&filter)).await?;
    let mut regions = overview::region_series(&monthly, &filter);
    for series in &mut regions {
        series.chart_svg = chart::monthly_totals(series);
    }
    let current = this_month.previous().unwrap_or(this_month);
    let cycle = overview::latest_cycle(&monthly, &filter, current);
    let mut missed = Vec::new();
    for (label, kind) in overview::missed_deadlines(&filter, cycle) {
        missed.push(Figure {
            reports: reports::count(db, &query(&kind)).await?,
            href: kind.list_href(),
            label,
        });
    }
    Ok(Overview {
        statuses: overview::status_figures(&groups, &filter),
        totals,
        regions,
        cycle,
        missed,
        filter,
        as_of: now_utc(),
    })
}
