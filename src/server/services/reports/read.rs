//! The report service's reading side: the list (and its export and filter choices) and one
//! report, each in the shape the viewer may receive. Nothing here writes.

use crate::domain::{
    ListScope, OpenedReport, Period, list_scope,
    policy::in_region,
    pricing::PriceChange,
    query::{FilterOptions, FoundReports, ListQuery, ListedReports, ReportFilter, ViewCounts},
    shows_pricing,
    to_do::ListView,
    view::LoadedReport,
    visible,
};
use crate::server::db::{Db, deliveries, now_utc, reports};
use crate::server::services::{ServiceError, UserCaller};
use crate::server::vendor::{ProductKey, Vendor};

/// The reports a user may see, matching `filter`: with pricing where the policy allows it, and
/// in the partner shape (no pricing field at all) for partners.
pub async fn list(
    db: &Db,
    user: &UserCaller,
    filter: &ReportFilter,
) -> Result<ListedReports, ServiceError> {
    let actor = &user.actor;
    in_region(actor)?;
    let query = ListQuery::for_viewer(actor, filter, this_month());
    let found = reports::list(db, &query).await?;
    // A viewer with a to-do sees how many reports each of their two lists holds.
    let views = match query.filter.view_for(actor.org_kind) {
        Some(view) => {
            let other = match view {
                ListView::ToDo => ListView::All,
                ListView::All => ListView::ToDo,
            };
            let other_filter = query.filter.with_view(other, actor.org_kind);
            let other_count = reports::count(
                db,
                &ListQuery::for_viewer(actor, &other_filter, this_month()),
            )
            .await?;
            Some(match view {
                ListView::ToDo => ViewCounts {
                    to_do: found.total_count,
                    all: other_count,
                },
                ListView::All => ViewCounts {
                    to_do: other_count,
                    all: found.total_count,
                },
            })
        }
        None => None,
    };
    Ok(found.as_seen_by(actor, views))
}

/// The region and distributor choices for users whose list spans distributors (the vendor and
/// platform admins); the years it has reports in for a partner; nothing for distributors, who see
/// one distributor's reports.
pub async fn filter_options(db: &Db, user: &UserCaller) -> Result<FilterOptions, ServiceError> {
    in_region(&user.actor)?;
    match list_scope(&user.actor) {
        scope if scope.spans_distributors() => Ok(reports::filter_options(db).await?),
        ListScope::Partner(partner_id) => Ok(FilterOptions {
            years: reports::partner_years(db, partner_id).await?,
            ..FilterOptions::default()
        }),
        _ => Ok(FilterOptions::default()),
    }
}

/// The calendar month it is now (UTC); `None` only for a clock outside years 1 to 9999.
pub fn this_month() -> Option<Period> {
    let now = time::OffsetDateTime::now_utc();
    Period::new(now.year(), u32::from(u8::from(now.month()))).ok()
}

/// One report as the user may see it: with pricing and the codes the vendor granted the partner,
/// or without any pricing field for partners (and for distributors while the partner is still
/// preparing it). Another tenant's report, like a missing one, is "not found".
pub async fn open(
    db: &Db,
    vendor: &Vendor,
    user: &UserCaller,
    id: i64,
) -> Result<OpenedReport, ServiceError> {
    in_region(&user.actor)?;
    let report = reports::open(db, id, &now_utc())
        .await?
        .ok_or(ServiceError::NotFound)?;
    visible(&user.actor, &report.owners)?;
    let partner_id = report.owners.partner_org_id;
    let (lines, previous, delivery) = {
        let mut conn = db.acquire().await?;
        let lines = reports::lines(&mut conn, id).await?;
        let previous = match report.header.period.previous() {
            Some(period) => reports::chargeable_in_period(&mut conn, partner_id, period).await?,
            None => Vec::new(),
        };
        let delivery = deliveries::latest_for_report(&mut conn, id).await?;
        (lines, previous, delivery)
    };
    // Codes are pricing: not even asked for when the viewer is not to see prices.
    let codes = if shows_pricing(&user.actor, report.header.status) {
        let products: Vec<_> = lines
            .iter()
            .map(|line| ProductKey {
                id: line.product_id,
                sku: &line.product.sku,
            })
            .collect();
        // The report opens without the list when the vendor does not answer (the log says
        // why); a code can still be typed, and is verified when applied.
        vendor
            .granted_codes(db, partner_id, report.header.period, &products)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(report = id, detail = %error.detail(), "granted codes unavailable");
                Vec::new()
            })
    } else {
        Vec::new()
    };
    let stored = reports::history(db, id).await?;
    let price_changes = stored
        .iter()
        .filter_map(|stored| {
            let json = stored.prices_json.as_deref()?;
            match serde_json::from_str::<PriceChange>(json) {
                Ok(change) => Some((stored.entry.id, change)),
                Err(error) => {
                    tracing::warn!(history_id = stored.entry.id, %error, "unreadable price change");
                    None
                }
            }
        })
        .collect();
    let loaded = LoadedReport {
        header: report.header,
        rules: report.rules,
        lines,
        previous,
        history: stored.into_iter().map(|stored| stored.entry).collect(),
        price_changes,
        codes,
        delivery,
    };
    Ok(loaded.opened_by(&user.actor))
}

/// Every report a user may see matching `filter` (all pages), shaped exactly as [`list`] shapes
/// one page: with pricing where the policy allows it, in the partner shape for partners. More
/// than `limit` matching reports are refused, asking to narrow the filters; a user of a region
/// without billing reports is told so rather than given an empty export.
#[tracing::instrument(skip(db, user), err(Debug))]
pub async fn list_for_export(
    db: &Db,
    user: &UserCaller,
    filter: &ReportFilter,
    limit: u32,
) -> Result<ListedReports, ServiceError> {
    in_region(&user.actor)?;
    let query = ListQuery::for_viewer(&user.actor, filter, this_month());
    let rows = reports::list_all(db, &query, limit.saturating_add(1)).await?;
    if rows.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        return Err(ServiceError::Invalid(format!(
            "These filters match more than {} reports, more than one export can hold. \
             Please narrow the filters (a period, a status or a partner) and try again.",
            crate::domain::format::units(u64::from(limit))
        )));
    }
    // An export lists reports; the list's totals per currency are not part of it.
    let found = FoundReports {
        total_count: u64::try_from(rows.len()).unwrap_or(u64::MAX),
        rows,
        groups: Vec::new(),
        page: 1,
        page_size: limit,
        as_of: now_utc(),
    };
    Ok(found.as_seen_by(&user.actor, None))
}
