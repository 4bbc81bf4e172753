//! The platform admins' overview, through the services on SQLite and PostgreSQL alike: every
//! figure equals what the list it links to shows (its count, and its total added up row by row),
//! the range is checked, and nobody but the platform's staff gets it.

mod common;

use billing_reports::{
    domain::{
        Currency, OrgKind, Period, Refusal, Role,
        overview::Overview,
        query::{ListedReports, ReportFilter},
    },
    server::{
        db::{Backend, Db},
        services::{
            Caller, ServiceError, UserCaller, overview::overview, reports::list_for_export,
        },
    },
};
use common::{org, shared_db, user};
use rust_decimal::Decimal;

on_both_backends!(
    every_figure_is_what_its_list_shows,
    a_range_that_runs_backwards_or_too_far_is_refused,
    only_the_platform_staff_see_the_overview,
);

fn person(caller: &Caller) -> &UserCaller {
    match caller {
        Caller::User(user) => user,
        Caller::System => panic!("a person"),
    }
}

fn month(text: &str) -> Period {
    Period::parse(text).expect("period")
}

async fn admin(db: &Db) -> Caller {
    user(
        org(db, "Billing Reports Operations").await,
        OrgKind::Operator,
        Role::PlatformAdmin,
    )
}

/// What the list at `href` shows the admin: how many reports, and their totals per currency
/// added up row by row.
async fn list_at(db: &Db, admin: &Caller, href: &str) -> (u64, Vec<(Currency, Decimal)>) {
    let query = href.strip_prefix("/?").unwrap_or_default();
    let filter = ReportFilter::from_query(query);
    let ListedReports::Priced(page) = list_for_export(db, person(admin), &filter, 10_000)
        .await
        .expect("list")
    else {
        panic!("the admin sees prices")
    };
    let mut totals: Vec<(Currency, Decimal)> = Vec::new();
    for row in &page.rows {
        let total = row.total.expect("a total");
        match totals
            .iter_mut()
            .find(|(currency, _)| *currency == row.currency)
        {
            Some((_, sum)) => *sum += total,
            None => totals.push((row.currency, total)),
        }
    }
    (page.total_count, totals)
}

async fn check(db: &Db, admin: &Caller, found: &Overview) {
    let (all, all_totals) = list_at(db, admin, &found.filter.list_href()).await;
    assert!(all > 0, "the range has reports");
    assert_eq!(found.reports(), all);
    for figure in &found.statuses {
        assert_eq!(
            list_at(db, admin, &figure.href).await.0,
            figure.reports,
            "{}",
            figure.label
        );
    }
    // Every report is counted in exactly one currency's total, and each total is its rows'.
    assert_eq!(found.totals.iter().map(|t| t.reports).sum::<u64>(), all);
    for total in &found.totals {
        let (count, sums) = list_at(db, admin, &total.href).await;
        assert_eq!(count, total.reports);
        assert_eq!(sums, vec![(total.currency, total.total)]);
        assert!(all_totals.contains(&(total.currency, total.total)));
    }
    let mut bars = 0;
    for series in &found.regions {
        assert!(series.chart_svg.starts_with("<svg"));
        for bar in &series.months {
            let (count, sums) = list_at(db, admin, &bar.href).await;
            assert_eq!(count, bar.reports, "{} {}", series.region, bar.period);
            let summed = sums.first().map_or(Decimal::ZERO, |(_, sum)| *sum);
            assert_eq!(summed, bar.total, "{} {}", series.region, bar.period);
            bars += bar.reports;
        }
    }
    assert_eq!(bars, all, "the bars cover every report once");
    for figure in &found.missed {
        assert_eq!(
            list_at(db, admin, &figure.href).await.0,
            figure.reports,
            "{}",
            figure.label
        );
    }
}

/// Every figure of the overview, for all regions and for one, equals the list it links to.
async fn every_figure_is_what_its_list_shows(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let admin = admin(&db).await;
    let this_month = billing_reports::server::services::reports::this_month().expect("a month");
    // The 24 cycles up to the current one: every demo report.
    let current = this_month.previous().expect("a cycle");
    let wide = ReportFilter {
        from: (1..24).try_fold(current, |month, _| month.previous()),
        to: Some(current),
        ..ReportFilter::default()
    };
    let everywhere = overview(&db, person(&admin), &wide, this_month)
        .await
        .expect("overview");
    assert!(
        everywhere.regions.len() >= 4,
        "one series per region and currency"
    );
    check(&db, &admin, &everywhere).await;

    let (europe,): (i64,) = sqlx::query_as("SELECT id FROM regions WHERE code = 'EU'")
        .fetch_one(db.pool())
        .await
        .expect("Europe");
    let one_region = ReportFilter {
        region: Some(europe),
        ..wide
    };
    let found = overview(&db, person(&admin), &one_region, this_month)
        .await
        .expect("overview");
    assert_eq!(found.regions.len(), 1);
    assert_eq!(found.totals.len(), 1);
    assert_eq!(found.totals[0].currency, Currency::Eur);
    assert!(found.reports() < everywhere.reports());
    check(&db, &admin, &found).await;
}

async fn a_range_that_runs_backwards_or_too_far_is_refused(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let admin = admin(&db).await;
    for (from, to) in [("2026-05", "2026-03"), ("2023-01", "2026-01")] {
        let asked = ReportFilter {
            from: Some(month(from)),
            to: Some(month(to)),
            ..ReportFilter::default()
        };
        match overview(&db, person(&admin), &asked, month("2026-12")).await {
            Err(ServiceError::Invalid(message)) => assert!(message.contains("choose")),
            other => panic!("refused with the reason, not {other:?}"),
        }
    }
}

async fn only_the_platform_staff_see_the_overview(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let asked = ReportFilter::default();
    let now = month("2026-12");
    let support = user(
        org(&db, "Billing Reports Operations").await,
        OrgKind::Operator,
        Role::Support,
    );
    assert!(overview(&db, person(&support), &asked, now).await.is_ok());
    let others = [
        user(
            org(&db, "Summit Tech Distribution").await,
            OrgKind::Distributor,
            Role::Administrator,
        ),
        user(
            org(&db, "Trend Micro").await,
            OrgKind::Vendor,
            Role::Administrator,
        ),
        user(
            org(&db, "Harbor IT Services").await,
            OrgKind::Partner,
            Role::Administrator,
        ),
    ];
    for other in &others {
        match overview(&db, person(other), &asked, now).await {
            Err(ServiceError::Refused(Refusal::OverviewAdminOnly)) => {}
            found => panic!("refused, not {found:?}"),
        }
    }
    let mut elsewhere = person(&others[0]).clone();
    elsewhere.actor.region_enabled = false;
    assert!(matches!(
        overview(&db, &elsewhere, &asked, now).await,
        Err(ServiceError::Refused(Refusal::RegionDisabled))
    ));
}
