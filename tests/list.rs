//! The report list on SQLite and PostgreSQL alike: each viewer's to-do as the default view, the
//! deadline order, the totals per currency of everything a filter matches, the flags judged
//! from the lines, stored, backfilled and filtered by, and pages that read part of what matches
//! in the same order as the whole list.

mod common;

use billing_reports::server::vendor::Vendor;
use std::collections::BTreeMap;

use axum::http::StatusCode;
use billing_reports::{
    domain::{
        Currency, ListScope, OrgKind, Period, ReportSummary, ReviewReason, Role, Status,
        deadline::DeadlineOf,
        flags::{LineFlags, RiskFlag},
        query::{
            ListQuery, ListedReports, ReportFilter, ReportPage, SortKey, StatusFilter, ViewCounts,
        },
        workflow::{Command, LineEdit},
    },
    server::{
        db::{Backend, Db, reports, scale},
        services::reports::act,
    },
};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use billing_reports::server::{db::reports::StoredLine, services::Caller};
use common::{TestApp, past_the_guards, spawn_app};

on_both_backends!(
    the_list_opens_on_the_viewers_to_do,
    the_deadline_order_takes_the_running_deadline,
    totals_per_currency_add_up_the_listed_rows,
    flags_are_judged_from_the_lines_and_filter_the_list,
    saving_lines_judges_the_flags_again,
    scale_data_carries_judged_flags,
    every_page_holds_the_rows_of_the_whole_list_in_its_order,
    the_kept_counts_follow_every_change_to_the_reports,
);

const DISTRIBUTOR: &str = "dana@summit-tech.example";
const VENDOR_USER: &str = "vera@vendor.example";
const ADMIN: &str = "ops@billing-reports.example";
const PARTNER: &str = "maria@harbor-it.example";

async fn listed(app: &TestApp, cookie: &str, filter: Value) -> (ListedReports, String) {
    let (status, body) = app
        .call_as("reports/list", json!({ "filter": filter }), Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (serde_json::from_str(&body).expect("a report list"), body)
}

async fn priced(app: &TestApp, cookie: &str, filter: Value) -> ReportPage {
    match listed(app, cookie, filter).await.0 {
        ListedReports::Priced(page) => page,
        ListedReports::Partner(_) => panic!("expected the priced list"),
    }
}

/// The deadline running for a row, as the domain says.
fn running(row: &ReportSummary) -> Option<&str> {
    DeadlineOf::running(row.status)
        .map(|whose| whose.pick(&row.submission_deadline, &row.review_deadline))
}

async fn the_list_opens_on_the_viewers_to_do(backend: Backend) {
    let app = spawn_app(backend).await;

    // A distributor opens on its reports under review, the review deadline running out first.
    let dana = app.sign_in(DISTRIBUTOR).await;
    let to_do = priced(&app, &dana, json!({ "page": 1 })).await;
    assert!(to_do.total_count > 0);
    assert!(
        to_do
            .rows
            .iter()
            .all(|r| matches!(r.status, Status::UnderReview(_))),
        "{:?}",
        to_do.rows.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let deadlines: Vec<&str> = to_do
        .rows
        .iter()
        .map(|r| r.review_deadline.as_str())
        .collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");
    let ViewCounts { to_do: n, all: m } = to_do.views.expect("a distributor has a to-do");
    assert_eq!(n, to_do.total_count);
    let all = priced(&app, &dana, json!({ "view": "All", "page": 1 })).await;
    assert_eq!(all.total_count, m);
    assert!(m > n, "everything holds more than the to-do: {m} > {n}");
    assert_eq!(all.views, Some(ViewCounts { to_do: n, all: m }));
    assert!(
        all.rows
            .iter()
            .any(|r| !matches!(r.status, Status::UnderReview(_)))
    );
    // A status outside the to-do is a list of its own; the to-do count leaves that status out.
    let completed = priced(&app, &dana, json!({ "status": "Completed", "page": 1 })).await;
    assert!(completed.total_count > 0);
    assert!(completed.rows.iter().all(|r| r.status == Status::Completed));
    assert_eq!(completed.views.map(|v| v.to_do), Some(n));
    // Within the to-do, a sub-status narrows it.
    let manual = priced(
        &app,
        &dana,
        json!({ "status": { "UnderReview": "Manual" }, "view": "ToDo", "page": 1 }),
    )
    .await;
    assert!(manual.total_count > 0 && manual.total_count <= n);
    assert!(
        manual
            .rows
            .iter()
            .all(|r| r.status == Status::UnderReview(ReviewReason::Manual))
    );

    // The page says which list it shows, and both lists' sizes.
    let (status, html) = app.get_as("/", Some(&dana)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Skip to reports"), "no skip link");
    let to_do_link = format!("To do ({n})");
    let all_link = format!("All reports ({m})");
    let current = |html: &str, label: &str| {
        html.split("<a")
            .find(|a| a.contains(label))
            .unwrap_or_else(|| panic!("no link {label}"))
            .contains("aria-current=\"page\"")
    };
    assert!(current(&html, &to_do_link) && !current(&html, &all_link));
    let (_, html) = app.get_as("/?view=all", Some(&dana)).await;
    assert!(current(&html, &all_link) && !current(&html, &to_do_link));

    // The vendor opens on what was submitted to it, the oldest cycle first.
    let vera = app.sign_in(VENDOR_USER).await;
    let vendor = priced(&app, &vera, json!({ "page": 1 })).await;
    assert!(vendor.total_count > 0);
    assert!(
        vendor
            .rows
            .iter()
            .all(|r| r.status == Status::SubmittedToVendor)
    );
    let periods: Vec<Period> = vendor.rows.iter().map(|r| r.period).collect();
    assert!(periods.windows(2).all(|w| w[0] <= w[1]), "{periods:?}");
    assert!(vendor.views.is_some());

    // A platform admin has one list: everything, no choice drawn.
    let ops = app.sign_in(ADMIN).await;
    let admin = priced(&app, &ops, json!({ "page": 1 })).await;
    assert_eq!((admin.total_count, admin.views), (144, None));
    let (_, html) = app.get_as("/", Some(&ops)).await;
    assert!(!html.contains("To do ("), "an admin has no to-do");

    // A partner keeps its list, with neither a choice nor any total.
    let maria = app.sign_in(PARTNER).await;
    let (list, body) = listed(&app, &maria, json!({ "page": 1 })).await;
    assert!(matches!(list, ListedReports::Partner(_)));
    assert!(list.total_count() > 0);
    for key in ["totals", "by_currency", "views", "total"] {
        assert!(!body.contains(&format!("\"{key}\"")), "{key} in {body}");
    }
}

async fn the_deadline_order_takes_the_running_deadline(backend: Backend) {
    let app = spawn_app(backend).await;
    let filter = ReportFilter {
        sort: Some(SortKey::Deadline),
        page: 1,
        ..ReportFilter::default()
    };
    let rows = reports::list_all(&app.db, &ListQuery::new(ListScope::All, &filter), 1_000)
        .await
        .expect("list");
    assert_eq!(rows.len(), 144);
    let running_count = rows.iter().filter(|r| running(r).is_some()).count();
    assert!(running_count > 0 && running_count < rows.len());
    // Every report with a running deadline first, soonest first; the others after them.
    assert!(rows[..running_count].iter().all(|r| running(r).is_some()));
    let deadlines: Vec<&str> = rows[..running_count].iter().filter_map(running).collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");
    // Both kinds of deadline take part: the partner's and the distributor's.
    assert!(
        rows[..running_count]
            .iter()
            .any(|r| r.status == Status::MspPreparing)
    );
    assert!(
        rows[..running_count]
            .iter()
            .any(|r| matches!(r.status, Status::UnderReview(_)))
    );

    // The server-rendered list marks overdue deadlines in words (the demo's are all past).
    let dana = app.sign_in(DISTRIBUTOR).await;
    let (status, html) = app.get_as("/?view=all&sort=deadline", Some(&dana)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">Overdue<"), "no overdue marker");
    assert!(html.contains("aria-sort=\"ascending\""));
}

/// Every row of every page of a filter, as the signed-in user lists them.
async fn every_page(
    app: &TestApp,
    cookie: &str,
    filter: Value,
) -> (ReportPage, Vec<ReportSummary>) {
    let first = priced(app, cookie, filter.clone()).await;
    let mut rows = first.rows.clone();
    for page in 2..=first.page_count() {
        let mut next = filter.clone();
        next["page"] = json!(page);
        rows.extend(priced(app, cookie, next).await.rows);
    }
    assert_eq!(u64::try_from(rows.len()).ok(), Some(first.total_count));
    (first, rows)
}

/// The rows' totals added up per currency, and how many rows have a total.
fn added_up(rows: &[ReportSummary]) -> (BTreeMap<Currency, (u64, Decimal)>, u64) {
    let mut sums = BTreeMap::new();
    for row in rows {
        if let Some(total) = row.total {
            let entry = sums.entry(row.currency).or_insert((0, Decimal::ZERO));
            entry.0 += 1;
            entry.1 += total;
        }
    }
    let counted = sums.values().map(|(n, _)| n).sum();
    (sums, counted)
}

async fn totals_per_currency_add_up_the_listed_rows(backend: Backend) {
    let app = spawn_app(backend).await;
    // An admin over several regions: several currencies, each added up on its own.
    let ops = app.sign_in(ADMIN).await;
    let filter = json!({ "from": "2026-04", "to": "2026-10", "page": 1 });
    let (page, rows) = every_page(&app, &ops, filter).await;
    assert!(
        page.total_count > u64::from(page.page_size),
        "more than a page"
    );
    let (sums, counted) = added_up(&rows);
    assert!(sums.len() >= 3, "several currencies: {:?}", sums.keys());
    let totals: BTreeMap<Currency, (u64, Decimal)> = page
        .totals
        .by_currency
        .iter()
        .map(|t| (t.currency, (t.reports, t.total)))
        .collect();
    assert_eq!(totals, sums);
    assert_eq!((page.totals.reports, page.totals.withheld), (counted, 0));
    // Exact to the minor unit, in each currency's own scale.
    let jpy = totals.get(&Currency::Jpy).expect("JPY reports");
    assert_eq!(jpy.1, jpy.1.round(), "yen have no minor units");

    // A distributor: reports its partners still prepare have no total yet, and are in none.
    let dana = app.sign_in(DISTRIBUTOR).await;
    let (page, rows) = every_page(&app, &dana, json!({ "view": "All", "page": 1 })).await;
    let (sums, counted) = added_up(&rows);
    let withheld = rows.iter().filter(|r| r.total.is_none()).count() as u64;
    assert!(withheld > 0, "some reports are still being prepared");
    assert!(
        rows.iter()
            .filter(|r| r.total.is_none())
            .all(|r| r.status == Status::MspPreparing)
    );
    assert_eq!(page.totals.withheld, withheld);
    assert_eq!(page.totals.reports, counted);
    assert_eq!(page.totals.by_currency.len(), 1);
    assert_eq!(
        page.totals.by_currency[0].total,
        sums.get(&Currency::Usd).expect("USD").1
    );
    // The page writes the figure out, under the rows.
    let (_, html) = app.get_as("/?view=all", Some(&dana)).await;
    let usd = billing_reports::domain::format::money_with_code(
        page.totals.by_currency[0].total,
        Currency::Usd,
    );
    assert!(
        html.contains(&format!(
            "Total of the {counted} reports shown by this filter"
        )),
        "no totals sentence"
    );
    assert!(html.contains(&usd), "{usd} missing");
}

/// The stored (has comments, below used, anomaly) of report `id`.
async fn stored(db: &Db, id: i64) -> LineFlags {
    let (has_comments, below_used, anomaly): (i64, Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT has_comments, below_used, anomaly FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("flags");
    LineFlags {
        has_comments: has_comments == 1,
        below_used: below_used.expect("judged") == 1,
        anomaly: anomaly.expect("judged") == 1,
    }
}

/// What the domain says report `id`'s lines raise, judged afresh.
async fn judged(db: &Db, id: i64) -> LineFlags {
    let (partner_id, period): (i64, i64) =
        sqlx::query_as("SELECT partner_id, period FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("report");
    let period = Period::from_key(i32::try_from(period).expect("period")).expect("period");
    let mut conn = db.acquire().await.expect("connection");
    let lines = reports::lines(&mut conn, id).await.expect("lines");
    let basis = reports::flag_basis(&mut conn, partner_id, period)
        .await
        .expect("basis");
    basis.judge(lines.iter().map(|line| (line.product_id, &line.input)))
}

async fn all_ids(db: &Db) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM reports ORDER BY id")
        .fetch_all(db.pool())
        .await
        .expect("ids")
}

async fn flags_are_judged_from_the_lines_and_filter_the_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.db;
    // The demo data stores what the domain judges, for every report.
    let mut flagged: BTreeMap<i64, LineFlags> = BTreeMap::new();
    for id in all_ids(db).await {
        let judged = judged(db, id).await;
        assert_eq!(stored(db, id).await, judged, "report {id}");
        flagged.insert(id, judged);
    }
    let with = |pick: fn(&LineFlags) -> bool| flagged.values().filter(|f| pick(f)).count();
    for (name, count) in [
        ("below used", with(|f| f.below_used)),
        ("anomaly", with(|f| f.anomaly)),
        ("comments", with(|f| f.has_comments)),
    ] {
        assert!(count > 0 && count < flagged.len(), "{name}: {count}");
    }

    // Reports stored before the flags were kept are judged at start-up, exactly the same (those
    // completed since are read-only: the flags are forgotten past the guards).
    past_the_guards(
        db,
        &["UPDATE reports SET below_used = NULL, anomaly = NULL"],
    )
    .await
    .expect("forget the flags");
    db.migrate().await.expect("migrate again");
    for (id, flags) in &flagged {
        assert_eq!(
            stored(db, *id).await,
            *flags,
            "report {id} after the backfill"
        );
    }

    // Each flag filters the list, and each row shows it.
    let penalised: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE auto_penalties = 1")
            .fetch_one(db.pool())
            .await
            .expect("count");
    let ops = app.sign_in(ADMIN).await;
    for flag in RiskFlag::ALL {
        let count = priced(&app, &ops, json!({ "flag": flag, "page": 1 })).await;
        let (_, rows) = every_page(&app, &ops, json!({ "flag": flag, "page": 1 })).await;
        assert!(count.total_count > 0, "{flag:?}");
        assert!(rows.iter().all(|r| r.flags.has(flag)), "{flag:?}");
        let expected = match flag {
            RiskFlag::Comments => with(|f| f.has_comments),
            RiskFlag::BelowUsed => with(|f| f.below_used),
            RiskFlag::Anomaly => with(|f| f.anomaly),
            RiskFlag::Penalties => usize::try_from(penalised).expect("count"),
        };
        assert_eq!(rows.len(), expected, "{flag:?}");
        let (status, html) = app
            .get_as(&format!("/?flag={}", flag.to_param()), Some(&ops))
            .await;
        assert_eq!(status, StatusCode::OK);
        let marker = format!("class=\"marker {}\"", flag.to_param());
        assert!(html.contains(&marker), "{flag:?}: no marker");
        // `<li title="…" class="marker …">Label</li>`: a word, explained in its title.
        let at = html.find(&marker).expect("a marker");
        let start = html[..at].rfind("<li").expect("an item");
        let end = at + html[at..].find("</li>").expect("an item's end");
        let item = &html[start..end];
        assert!(
            item.contains(&format!(">{}", flag.label())) && item.contains("title=\""),
            "{flag:?}: {item}"
        );
    }
    let with_penalties = priced(&app, &ops, json!({ "flag": "Penalties", "page": 1 })).await;
    assert!(
        with_penalties
            .rows
            .iter()
            .all(|r| r.status == Status::UnderReview(ReviewReason::AutoPenalties))
    );

    // A flag filter is served by an index.
    let october = Period::parse("2026-10").ok();
    for filter in [
        ReportFilter {
            flag: Some(RiskFlag::Anomaly),
            page: 1,
            ..ReportFilter::default()
        },
        ReportFilter {
            flag: Some(RiskFlag::BelowUsed),
            from: october,
            to: october,
            page: 1,
            ..ReportFilter::default()
        },
    ] {
        let plan = reports::explain_list(db, &filter)
            .await
            .expect("plan")
            .join("\n");
        match backend {
            Backend::Sqlite => assert!(
                plan.contains("SEARCH r USING") && !plan.contains("SCAN r"),
                "{filter:?}:\n{plan}"
            ),
            Backend::Postgres => {
                assert!(!plan.contains("Seq Scan on reports"), "{filter:?}:\n{plan}")
            }
        }
    }
}

/// The newest report an active partner is preparing: its id, version, one of its billing
/// managers, and a line with more than one unit used.
async fn report_being_prepared(db: &Db) -> (i64, i64, Caller, StoredLine) {
    let (id, partner_name, version): (i64, String, i64) = sqlx::query_as(
        "SELECT r.id, p.name, r.version FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE r.status = 'msp_preparing' AND p.partner_status = 'active' \
         ORDER BY r.period DESC, r.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a report being prepared");
    let partner = common::user(
        common::org(db, &partner_name).await,
        OrgKind::Partner,
        Role::BillingManager,
    );
    let mut conn = db.acquire().await.expect("connection");
    let lines = reports::lines(&mut conn, id).await.expect("lines");
    drop(conn);
    let line = lines
        .into_iter()
        .find(|l| l.input.used.is_some_and(|u| u.get() > 1))
        .expect("a line with usage");
    (id, version, partner, line)
}

async fn saving_lines_judges_the_flags_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.db;
    let (id, version, partner, line) = report_being_prepared(db).await;
    let used = line.input.used.expect("usage").get();
    let save = |chargeable: u64, version: i64| {
        act(
            db,
            &Vendor::Builtin,
            &partner,
            id,
            version,
            Command::SaveDraft {
                edits: vec![LineEdit {
                    line_id: line.id,
                    chargeable: chargeable.to_string(),
                    comment: Some("Two seats moved to another plan.".to_owned()),
                }],
            },
        )
    };
    // Charged below its usage: the report says so, and the list finds it.
    let version = save(used - 1, version).await.expect("save").version;
    let flags = stored(db, id).await;
    assert_eq!(flags, judged(db, id).await);
    assert!(flags.below_used && flags.has_comments);
    let ops = app.sign_in(ADMIN).await;
    let (_, rows) = every_page(&app, &ops, json!({ "flag": "BelowUsed", "page": 1 })).await;
    assert!(rows.iter().any(|r| r.id == id));
    // Back at its usage, and far from last month's units: judged again on the next save.
    save(used, version).await.expect("save");
    assert_eq!(stored(db, id).await, judged(db, id).await);
}

async fn scale_data_carries_judged_flags(backend: Backend) {
    let (db, url, _guard) = common::shared_db(backend).await;
    let demo = all_ids(&db).await.len();
    let spec = scale::ScaleSpec {
        reports: 240,
        lines_per_report: 4,
        months: 3,
    };
    let done = scale::generate(&db, &url, spec).await.expect("scale data");
    assert_eq!(done.reports, 240);
    let ids = all_ids(&db).await;
    assert_eq!(ids.len(), demo + 240);
    let mut anomalies = 0;
    for id in &ids[demo..] {
        let judged = judged(&db, *id).await;
        assert_eq!(stored(&db, *id).await, judged, "scale report {id}");
        anomalies += usize::from(judged.anomaly);
    }
    // The oldest month has no previous cycle; the newer ones move enough to be flagged.
    assert!(anomalies > 0 && anomalies < 240, "{anomalies}");
}

/// A page of a list sorted by month or by deadline reads only the part of what matches that
/// holds it (a few months; the reports with a running deadline, or the others' months). Page
/// after page, every sort gives the rows of the whole list, sorted at once, in the same order:
/// for every report, for one distributor's, and for one status.
async fn every_page_holds_the_rows_of_the_whole_list_in_its_order(backend: Backend) {
    let (db, url, _guard) = common::shared_db(backend).await;
    // The newest month's reports are being prepared or reviewed; the older ones are done.
    let spec = scale::ScaleSpec {
        reports: 480,
        lines_per_report: 2,
        months: 4,
    };
    scale::generate(&db, &url, spec).await.expect("scale data");
    let distributor: i64 = sqlx::query_scalar("SELECT MIN(distributor_id) FROM reports")
        .fetch_one(db.pool())
        .await
        .expect("a distributor");
    let everything = reports::list_all(
        &db,
        &ListQuery::new(ListScope::All, &ReportFilter::default()),
        10_000,
    )
    .await
    .expect("every report");
    let with_deadline = everything
        .iter()
        .filter(|row| DeadlineOf::running(row.status).is_some())
        .count();
    let others = everything.len() - with_deadline;
    // Pages of 50 fall wholly among the running reports, across both parts, and among the others.
    assert!(
        with_deadline > 50 && others > 100,
        "{with_deadline} and {others}"
    );

    let sorts = [
        SortKey::Deadline,
        SortKey::Newest,
        SortKey::Oldest,
        SortKey::Total,
        SortKey::Partner,
    ];
    let scopes = [
        (ListScope::All, None),
        (ListScope::Distributor(distributor), None),
        (ListScope::All, Some(StatusFilter::UnderReview(None))),
    ];
    for sort in sorts {
        for (scope, status) in &scopes {
            let filter = ReportFilter {
                sort: Some(sort),
                status: *status,
                ..ReportFilter::default()
            };
            let whole: Vec<i64> = reports::list_all(&db, &ListQuery::new(*scope, &filter), 10_000)
                .await
                .expect("the whole list")
                .iter()
                .map(|row| row.id)
                .collect();
            let mut paged = Vec::new();
            for page in 1.. {
                let query = ListQuery::new(
                    *scope,
                    &ReportFilter {
                        page,
                        ..filter.clone()
                    },
                );
                let found = reports::list(&db, &query).await.expect("a page");
                if found.rows.is_empty() {
                    break;
                }
                paged.extend(found.rows.iter().map(|row| row.id));
            }
            assert!(!whole.is_empty(), "{sort:?} {scope:?} {status:?}");
            assert_eq!(paged, whole, "{sort:?} {scope:?} {status:?}");
        }
    }
}

type CountRow = (i64, i64, i64, String, String, String, i64, i64, i64);

/// The counts the database keeps for the list (rows holding reports), beside the same counts
/// taken from the reports themselves, both in key order.
async fn kept_and_counted(db: &Db) -> (Vec<CountRow>, Vec<CountRow>) {
    let kept = sqlx::query_as::<_, CountRow>(
        "SELECT distributor_id, region_id, period, currency, status, sub_status, reached_vendor, \
                reports, total_e4 \
         FROM report_counts WHERE reports <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7",
    )
    .fetch_all(db.pool())
    .await
    .expect("kept counts");
    let counted = sqlx::query_as::<_, CountRow>(
        "SELECT distributor_id, region_id, period, currency, status, COALESCE(sub_status, ''), \
                CAST(CASE WHEN sent_to_vendor_at IS NULL THEN 0 ELSE 1 END AS BIGINT), \
                COUNT(*), CAST(SUM(total_e4) AS BIGINT) \
         FROM reports \
         GROUP BY distributor_id, region_id, period, currency, status, COALESCE(sub_status, ''), \
                  CAST(CASE WHEN sent_to_vendor_at IS NULL THEN 0 ELSE 1 END AS BIGINT) \
         ORDER BY 1, 2, 3, 4, 5, 6, 7",
    )
    .fetch_all(db.pool())
    .await
    .expect("counted");
    (kept, counted)
}

/// The list counts most filters from counts the database keeps (migration 0017). They add up
/// the reports after the demo data is loaded, after a partner's save, after bulk scale data,
/// and after direct updates that move reports between every column the counts are kept by.
async fn the_kept_counts_follow_every_change_to_the_reports(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.db;
    let (kept, counted) = kept_and_counted(db).await;
    assert!(counted.len() > 10, "the demo data spans several counts");
    assert_eq!(kept, counted, "after the demo data");

    // A partner's save changes the report's total.
    let (id, version, partner, line) = report_being_prepared(db).await;
    let before: i64 = sqlx::query_scalar("SELECT total_e4 FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("total");
    act(
        db,
        &Vendor::Builtin,
        &partner,
        id,
        version,
        Command::SaveDraft {
            edits: vec![LineEdit {
                line_id: line.id,
                chargeable: (line.input.used.expect("usage").get() - 1).to_string(),
                comment: Some("One seat moved to another plan.".to_owned()),
            }],
        },
    )
    .await
    .expect("save");
    let after: i64 = sqlx::query_scalar("SELECT total_e4 FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("total");
    assert_ne!(before, after, "the save changed the total");
    let (kept, counted) = kept_and_counted(db).await;
    assert_eq!(kept, counted, "after a save");

    // Bulk rows: multi-row INSERTs on SQLite, COPY on PostgreSQL.
    let spec = scale::ScaleSpec {
        reports: 120,
        lines_per_report: 2,
        months: 2,
    };
    scale::generate(db, &app.url, spec)
        .await
        .expect("scale data");
    let (kept, counted) = kept_and_counted(db).await;
    assert_eq!(kept, counted, "after scale data");

    // Moves the application never makes, each along one column the counts are kept by.
    let other_distributor: i64 = sqlx::query_scalar(
        "SELECT MAX(distributor_id) FROM reports WHERE distributor_id <> \
         (SELECT MIN(distributor_id) FROM reports)",
    )
    .fetch_one(db.pool())
    .await
    .expect("two distributors");
    past_the_guards(
        db,
        &[
            "UPDATE reports SET period = period + 1000 WHERE id IN (SELECT id FROM reports ORDER BY id LIMIT 3)",
            &format!(
                "UPDATE reports SET distributor_id = {other_distributor} \
                 WHERE id IN (SELECT id FROM reports ORDER BY id DESC LIMIT 4)"
            ),
            "UPDATE reports SET currency = 'CHF' WHERE id IN (SELECT id FROM reports ORDER BY id LIMIT 2 OFFSET 5)",
            "UPDATE reports SET status = 'under_review', sub_status = 'manual' WHERE status = 'rejected'",
            "UPDATE reports SET sub_status = 'auto_penalties' WHERE sub_status = 'auto_no_penalties'",
            "UPDATE reports SET sent_to_vendor_at = '2030-01-01T00:00:00Z' \
             WHERE sent_to_vendor_at IS NULL AND status = 'msp_preparing'",
            "UPDATE reports SET total_e4 = total_e4 + 12345 WHERE id % 3 = 0",
        ],
    )
    .await
    .expect("direct updates");
    let (kept, counted) = kept_and_counted(db).await;
    assert_eq!(kept, counted, "after direct updates");
    let emptied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_counts WHERE reports = 0")
        .fetch_one(db.pool())
        .await
        .expect("emptied rows");
    assert!(emptied > 0, "some kept rows lost all their reports");
}
