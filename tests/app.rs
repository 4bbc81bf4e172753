//! The walking skeleton through the real router, on SQLite and PostgreSQL alike: probes,
//! the server-rendered list, the list server function, and the database's own guards.

mod common;

use axum::http::StatusCode;
use billing_reports::{
    domain::{
        ListScope, OpenedReport, Period, ReportSummary, ReviewReason, Status,
        query::{FilterOptions, ListQuery, ListedReports, ReportFilter, SortKey, StatusFilter},
    },
    server::db::{Backend, reports, scale},
};
use common::{VENDOR, spawn_app};
use serde_json::json;

on_both_backends!(
    probes_answer,
    list_page_is_server_rendered_with_rows,
    list_server_function_filters_by_status,
    repository_filters_compose,
    demo_data_loads_once,
    history_is_append_only,
    database_refuses_invalid_rows,
    unknown_page_is_not_found,
    list_queries_use_an_index,
    filter_choices_follow_the_list_scope,
    every_sort_order_reaches_the_list,
    a_long_report_opens_a_page_of_lines_with_the_whole_totals,
);

async fn probes_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.get("/healthz").await, (StatusCode::OK, "ok".to_owned()));
    assert_eq!(
        app.get("/readyz").await,
        (StatusCode::OK, "ready".to_owned())
    );
}

async fn list_page_is_server_rendered_with_rows(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in("ops@billing-reports.example").await;
    let cookie = Some(cookie.as_str());
    let (status, html) = app.get_as("/", cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<table class=\"reports\""),
        "no table in:\n{html}"
    );
    assert!(
        html.contains("Harbor IT Services"),
        "a demo partner is missing"
    );
    assert!(html.contains("Oct 2026"), "the latest cycle is missing");
    assert!(html.matches("<tr").count() > 10, "too few rows rendered");

    let (status, html) = app.get_as("/?status=completed", cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Completed"));
    assert!(
        !html.contains(">MSP preparing</span>"),
        "filter not applied on the server"
    );
}

async fn list_server_function_filters_by_status(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in("ops@billing-reports.example").await;
    let (status, body) = app
        .call_as(
            "reports/list",
            json!({ "filter": { "status": "Rejected", "page": 1 } }),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ListedReports::Priced(page) = serde_json::from_str(&body).expect("a report page") else {
        panic!("the platform admin gets the priced shape");
    };
    assert!(page.total_count > 0);
    assert!(page.rows.iter().all(|row| row.status == Status::Rejected));

    let (status, body) = app
        .call_as(
            "reports/list",
            json!({ "filter": "nonsense" }),
            Some(&cookie),
        )
        .await;
    // A request that can't be read is the caller's mistake: 422 with a sentence, nothing echoed.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("could not be read"), "{body}");
    assert!(
        !body.contains("nonsense"),
        "the error echoes internals: {body}"
    );
    let (status, body) = app
        .call_as("reports/open", json!({ "id": "x" }), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .call_as("reports/act", json!({ "id": 1 }), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // A body that is not UTF-8 at all.
    let request = axum::http::Request::post("/api/reports/list")
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header(axum::http::header::ACCEPT, "application/json")
        .header(axum::http::header::COOKIE, &cookie)
        .body(axum::body::Body::from(vec![0xff_u8, 0xfe, 0x7b, 0x00]))
        .expect("request");
    let status = app.send(request).await.status();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn repository_filters_compose(backend: Backend) {
    let app = spawn_app(backend).await;
    let all = reports::list(
        &app.db,
        &ListQuery::new(ListScope::All, &ReportFilter::default()),
    )
    .await
    .expect("list");
    assert_eq!(all.total_count, 12 * 12, "12 billed partners x 12 months");
    assert_eq!(all.rows.len(), 50, "one full page");

    // Every status filter returns only its status, and the statuses add up to the whole.
    let mut sum = 0;
    for status in [
        StatusFilter::MspPreparing,
        StatusFilter::UnderReview(None),
        StatusFilter::Rejected,
        StatusFilter::SubmittedToVendor,
        StatusFilter::Completed,
    ] {
        let filter = ReportFilter {
            status: Some(status),
            page: 1,
            ..ReportFilter::default()
        };
        let page = reports::list(&app.db, &ListQuery::new(ListScope::All, &filter))
            .await
            .expect("list");
        assert!(page.total_count > 0, "no demo report is {status:?}");
        assert!(
            page.rows
                .iter()
                .all(|row| row.status.as_code() == status.codes().0)
        );
        sum += page.total_count;
    }
    assert_eq!(sum, all.total_count);

    let october = Period::parse("2026-10").ok();
    let filter = ReportFilter {
        status: Some(StatusFilter::UnderReview(Some(ReviewReason::AutoPenalties))),
        from: october,
        to: october,
        page: 1,
        ..ReportFilter::default()
    };
    let page = reports::list(&app.db, &ListQuery::new(ListScope::All, &filter))
        .await
        .expect("list");
    assert!(page.total_count >= 1);
    for row in &page.rows {
        assert_eq!(row.status, Status::UnderReview(ReviewReason::AutoPenalties));
        assert_eq!(Some(row.period), october);
        assert!(row.flags.auto_penalties, "penalised reports carry the flag");
    }

    let by_name = ReportFilter {
        partner: Some("harbor it".to_owned()),
        page: 1,
        ..ReportFilter::default()
    };
    let page = reports::list(&app.db, &ListQuery::new(ListScope::All, &by_name))
        .await
        .expect("list");
    assert_eq!(
        page.total_count, 12,
        "one report per month, name matched case-insensitively"
    );
    let id = page.rows[0].partner_id;
    let by_id = ReportFilter {
        partner: Some(id.to_string()),
        page: 1,
        ..ReportFilter::default()
    };
    assert_eq!(
        reports::list(&app.db, &ListQuery::new(ListScope::All, &by_id))
            .await
            .expect("list")
            .total_count,
        12
    );

    let wildcard = ReportFilter {
        partner: Some("%".to_owned()),
        page: 1,
        ..ReportFilter::default()
    };
    assert_eq!(
        reports::list(&app.db, &ListQuery::new(ListScope::All, &wildcard))
            .await
            .expect("list")
            .total_count,
        0
    );

    let beyond = ReportFilter {
        page: 99,
        ..ReportFilter::default()
    };
    let page = reports::list(&app.db, &ListQuery::new(ListScope::All, &beyond))
        .await
        .expect("list");
    assert!(page.rows.is_empty());
    assert_eq!(page.total_count, all.total_count);
}

async fn demo_data_loads_once(backend: Backend) {
    let app = spawn_app(backend).await;
    assert!(
        !billing_reports::server::load_demo(&app.db, VENDOR)
            .await
            .expect("second seed")
    );
    let all = reports::list(
        &app.db,
        &ListQuery::new(ListScope::All, &ReportFilter::default()),
    )
    .await
    .expect("list");
    assert_eq!(all.total_count, 12 * 12);
}

async fn history_is_append_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let update = sqlx::query("UPDATE history SET comment = 'rewritten'")
        .execute(app.db.pool())
        .await;
    assert!(update.is_err(), "history UPDATE must fail");
    let delete = sqlx::query("DELETE FROM history")
        .execute(app.db.pool())
        .await;
    assert!(delete.is_err(), "history DELETE must fail");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM history WHERE comment = 'rewritten'")
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(count, 0);
}

async fn database_refuses_invalid_rows(backend: Backend) {
    let app = spawn_app(backend).await;
    let pool = app.db.pool();
    let refused = [
        "UPDATE line_items SET unit_price_e4 = -1",
        "UPDATE line_items SET margin_e4 = 1000000",
        "UPDATE line_items SET chargeable = -5",
        "UPDATE reports SET status = 'approved'",
        "UPDATE reports SET sub_status = 'manual' WHERE status = 'completed'",
        "UPDATE reports SET total_e4 = -100",
        "UPDATE reports SET period = 202613",
        "UPDATE price_book SET margin_e4 = 1000000",
        "INSERT INTO reports (partner_id, distributor_id, region_id, period, currency, status, \
             submission_deadline, review_deadline, created_at, updated_at) \
         SELECT partner_id, distributor_id, region_id, period, currency, 'msp_preparing', \
             submission_deadline, review_deadline, created_at, updated_at FROM reports LIMIT 1",
    ];
    for sql in refused {
        assert!(
            sqlx::query(sql).execute(pool).await.is_err(),
            "accepted: {sql}"
        );
    }
    let negative: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM line_items WHERE unit_price_e4 < 0")
            .fetch_one(pool)
            .await
            .expect("count");
    assert_eq!(negative, 0);
}

async fn unknown_page_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, html) = app.get("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

async fn list_queries_use_an_index(backend: Backend) {
    let app = spawn_app(backend).await;
    let october = Period::parse("2026-10").ok();
    let filters = [
        ReportFilter {
            from: october,
            to: october,
            page: 1,
            ..ReportFilter::default()
        },
        ReportFilter {
            from: october,
            to: october,
            status: Some(StatusFilter::UnderReview(None)),
            page: 1,
            ..ReportFilter::default()
        },
        ReportFilter {
            region: Some(1),
            from: october,
            to: october,
            page: 1,
            ..ReportFilter::default()
        },
        ReportFilter {
            distributor: Some(3),
            page: 1,
            ..ReportFilter::default()
        },
    ];
    for filter in filters {
        let plan = reports::explain_list(&app.db, &filter).await.expect("plan");
        let text = plan.join("\n");
        match backend {
            Backend::Sqlite => {
                assert!(
                    plan.iter().any(|step| step.starts_with("SEARCH r USING")),
                    "{filter:?} does not search reports by an index:\n{text}"
                );
                assert!(
                    !plan.iter().any(|step| step.starts_with("SCAN r")),
                    "{filter:?} scans reports:\n{text}"
                );
            }
            Backend::Postgres => {
                assert!(
                    text.contains(" using reports_")
                        || text.contains("Bitmap Index Scan on reports_"),
                    "{filter:?} does not use a reports index:\n{text}"
                );
                assert!(
                    !text.contains("Seq Scan on reports"),
                    "{filter:?} scans reports:\n{text}"
                );
            }
        }
    }
    // Sorted by total, a page is read from the index in the list's order (migration 0018):
    // its expression has to stay the ORDER BY's own for the database to use it.
    let filter = ReportFilter {
        sort: Some(SortKey::Total),
        page: 3,
        ..ReportFilter::default()
    };
    let plan = reports::explain_list(&app.db, &filter)
        .await
        .expect("plan")
        .join("\n");
    assert!(
        plan.contains("reports_total_order"),
        "sorted by total, the page is not read from its index:\n{plan}"
    );
    // The page's fifty ids are read first, then joined to their reports, not the other way
    // round.
    if backend == Backend::Sqlite {
        assert!(
            plan.contains("SCAN page"),
            "the page does not lead the join:\n{plan}"
        );
    }
}

/// Region and distributor choices go to those whose list spans distributors, and only the
/// regions that have billing reports; a partner gets the years of its reports.
async fn filter_choices_follow_the_list_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, _) = app.call("reports/filter-options", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for (account, spans) in [
        ("ops@billing-reports.example", true),
        ("vera@vendor.example", true),
        ("dana@summit-tech.example", false),
        ("sam@summit-tech.example", false),
        ("maria@harbor-it.example", false),
    ] {
        let cookie = app.sign_in(account).await;
        let (status, body) = app
            .call_as("reports/filter-options", json!({}), Some(&cookie))
            .await;
        assert_eq!(status, StatusCode::OK, "{account}: {body}");
        let options: FilterOptions = serde_json::from_str(&body).expect("options");
        if !spans {
            // A partner chooses among the years it has reports in; nobody here gets a region or
            // distributor choice.
            assert!(
                options.regions.is_empty() && options.distributors.is_empty(),
                "{account}"
            );
            assert_eq!(
                options.years.is_empty(),
                !account.starts_with("maria@"),
                "{account}: {:?}",
                options.years
            );
            continue;
        }
        let regions: Vec<&str> = options.regions.iter().map(|r| r.name.as_str()).collect();
        assert!(
            regions.contains(&"Europe") && regions.contains(&"North America"),
            "{regions:?}"
        );
        assert!(
            !regions.contains(&"Latin America"),
            "a region without billing reports: {regions:?}"
        );
        let atlas = options
            .distributors
            .iter()
            .find(|d| d.name == "Atlas Distribution Europe")
            .expect("Atlas is a choice");
        let europe = options
            .regions
            .iter()
            .find(|r| r.name == "Europe")
            .expect("Europe");
        assert_eq!(atlas.region, Some(europe.id));
    }
}

/// The first page of the list in `sort` order, as the signed-in user gets it.
async fn list_sorted(app: &common::TestApp, cookie: &str, sort: SortKey) -> ListedReports {
    let filter = ReportFilter {
        sort: Some(sort),
        page: 1,
        ..ReportFilter::default()
    };
    let (status, body) = app
        .call_as("reports/list", json!({ "filter": filter }), Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("a report page")
}

/// Each sort order of the list's columns reaches the query.
async fn every_sort_order_reaches_the_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in("ops@billing-reports.example").await;
    let rows = |sort: SortKey| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let ListedReports::Priced(page) = list_sorted(app, &cookie, sort).await else {
                panic!("priced");
            };
            assert_eq!(page.rows.len(), 50);
            page.rows
        }
    };
    // Largest first within each currency (amounts of different currencies are not compared),
    // reports still being prepared last.
    let totals: Vec<_> = rows(SortKey::Total)
        .await
        .iter()
        .map(|r| {
            (
                r.currency.code(),
                r.status == Status::MspPreparing,
                std::cmp::Reverse(r.total),
            )
        })
        .collect();
    assert!(
        totals.windows(2).all(|w| w[0] <= w[1]),
        "largest first: {totals:?}"
    );
    let newest: Vec<_> = rows(SortKey::Newest)
        .await
        .iter()
        .map(|r| r.period)
        .collect();
    assert!(newest.windows(2).all(|w| w[0] >= w[1]), "{newest:?}");
    let oldest: Vec<_> = rows(SortKey::Oldest)
        .await
        .iter()
        .map(|r| r.period)
        .collect();
    assert!(oldest.windows(2).all(|w| w[0] <= w[1]), "{oldest:?}");
    assert_ne!(newest.first(), oldest.first());
    let workflow = [
        "msp_preparing",
        "under_review",
        "rejected",
        "submitted_to_vendor",
        "completed",
    ];
    let ranks: Vec<_> = rows(SortKey::Status)
        .await
        .iter()
        .map(|r| workflow.iter().position(|code| *code == r.status.as_code()))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert_eq!(ranks.first(), Some(&Some(0)), "preparing first");
    for (sort, name) in [
        (
            SortKey::Distributor,
            (|r: &ReportSummary| r.distributor_name.to_lowercase()) as fn(&ReportSummary) -> String,
        ),
        (SortKey::Region, |r: &ReportSummary| {
            r.region_name.to_lowercase()
        }),
    ] {
        let names: Vec<String> = rows(sort).await.iter().map(name).collect();
        assert!(
            names.windows(2).all(|w| w[0] <= w[1]),
            "{sort:?}: {names:?}"
        );
    }

    // Someone who may not see totals may not order by them either: the default order instead.
    let maria = app.sign_in("maria@harbor-it.example").await;
    let ids = |sort: SortKey| {
        let maria = maria.clone();
        let app = &app;
        async move {
            let ListedReports::Partner(page) = list_sorted(app, &maria, sort).await else {
                panic!("the partner shape");
            };
            page.rows.iter().map(|r| r.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(SortKey::Total).await, ids(SortKey::Newest).await);
}

/// A 250-line report opens on its first 50 lines, with links to the next page and to all of
/// them; a page of lines carries the whole report's totals (its other lines summed), so what the
/// page says is what the whole report says.
async fn a_long_report_opens_a_page_of_lines_with_the_whole_totals(backend: Backend) {
    let app = spawn_app(backend).await;
    let spec = scale::ScaleSpec {
        reports: 1,
        lines_per_report: 250,
        months: 1,
    };
    scale::generate(&app.db, &app.url, spec)
        .await
        .expect("scale data");
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM reports")
        .fetch_one(app.db.pool())
        .await
        .expect("id");
    let cookie = app.sign_in("ops@billing-reports.example").await;
    let opened = |lines: serde_json::Value| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let (status, body) = app
                .call_as(
                    "reports/open",
                    json!({ "id": id, "lines": lines }),
                    Some(&cookie),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            match serde_json::from_str(&body).expect("a report") {
                OpenedReport::Priced(detail) => detail,
                OpenedReport::Partner(_) => panic!("the admin sees prices"),
            }
        }
    };
    let whole = opened(serde_json::Value::Null).await;
    assert_eq!(whole.lines.len(), 250, "left out, every line comes");
    let page = opened(json!({ "Page": 2 })).await;
    assert_eq!(page.lines.len(), 50);
    assert_eq!((page.window.first, page.window.count), (50, 250));
    assert_eq!(page.lines, whole.lines[50..100].to_vec());
    assert_eq!(page.total, whole.total);
    let gross = |lines: &[billing_reports::domain::LineView]| {
        lines
            .iter()
            .map(|line| line.gross)
            .sum::<rust_decimal::Decimal>()
    };
    assert_eq!(gross(&page.lines) + page.others.gross, gross(&whole.lines));
    assert_eq!(page.reset_preview(None), whole.reset_preview(None));
    let last = opened(json!({ "Page": 9 })).await;
    assert_eq!(
        last.lines,
        whole.lines[200..].to_vec(),
        "past the end: the last page"
    );

    let (status, first) = app.get_as(&format!("/reports/{id}"), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains("Lines 1–50 of 250"), "{first}");
    assert!(first.contains(&format!("href=\"/reports/{id}?lines=2#lines\"")));
    assert!(first.contains(&format!("href=\"/reports/{id}?lines=all#lines\"")));
    assert!(first.contains("Show all 250 lines"));
    let (status, all) = app
        .get_as(&format!("/reports/{id}?lines=all"), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("All 250 lines"));
    let sku = |html: &str| html.matches(&whole.lines[180].product.sku).count();
    assert!(sku(&all) > 0, "line 181 is on the page of every line");
    assert_eq!(sku(&first), 0, "line 181 is not on the first page");
    assert!(
        first.len() * 2 < all.len(),
        "the first page ({} B) is much smaller than every line ({} B)",
        first.len(),
        all.len()
    );
}
