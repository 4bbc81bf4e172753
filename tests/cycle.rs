//! The monthly cycle on a fresh database (organisations, users and the catalogue only): usage
//! import (and every way a file is refused), generation, deadlines, auto-submit, auto-approve, and
//! two job runners at once — on both backends.

mod common;

use billing_reports::server::vendor::Vendor;
use billing_reports::{
    domain::{
        Currency, HistoryEvent, MarginPercent, OrgKind, Period, ReviewReason, Role, Status,
        ThresholdPercent, UnitPrice, settings::SettingsForm,
    },
    server::{
        db::{Backend, Db, orgs, pricing, reports as stored},
        services::{
            Caller,
            cycle::{generate, run_due},
            reports::{self, Command, LineEdit},
            settings,
            usage_import::import,
        },
    },
};
use rust_decimal::Decimal;
use time::{OffsetDateTime, macros::datetime};

on_both_backends!(
    a_month_runs_end_to_end,
    every_bad_file_imports_nothing,
    a_corrected_file_updates_reports_in_preparation_only,
    two_runners_act_on_each_report_once,
);

const OCTOBER: &str = "2026-10";
const GENERATED_AT: OffsetDateTime = datetime!(2026-11-01 02:00 UTC);

/// The channel of a fresh database: a region, the vendor, two distributors (one auto-approving
/// clean reports with a PO pattern), partners and two products with their prices.
struct Channel {
    vendor: (i64, String),
    distributor: (i64, String),
    /// The distributor that approves clean reports by rule.
    approving: (i64, String),
    partners: Vec<(i64, String)>,
    /// Partners of the auto-approving distributor.
    approving_partners: Vec<(i64, String)>,
}

async fn channel(db: &Db, partners: usize) -> Channel {
    let mut conn = db.acquire().await.expect("connection");
    let region = orgs::insert_region(
        &mut conn,
        &orgs::NewRegion {
            code: "NA",
            name: "North America",
            currency: Currency::Usd,
            billing_enabled: true,
            pricing_code_kind: "bid_desk_number",
            code_unlocks: "unit_price",
        },
    )
    .await
    .expect("region");
    let vendor = orgs::insert_organisation(&mut conn, "vendor", "Trend Micro")
        .await
        .expect("vendor");
    let zero = ThresholdPercent::new(Decimal::ZERO).expect("threshold");
    let distributor = orgs::insert_distributor(&mut conn, "Northwind", region, zero, false)
        .await
        .expect("distributor");
    let approving = orgs::insert_distributor(&mut conn, "Southwind", region, zero, true)
        .await
        .expect("distributor");
    sqlx::query(
        "UPDATE organisations SET auto_approve_po_pattern = 'PO-{period}-{partner}' WHERE id = $1",
    )
    .bind(approving)
    .execute(&mut *conn)
    .await
    .expect("pattern");
    let mut made = Vec::new();
    for (index, owner) in [distributor, approving]
        .into_iter()
        .flat_map(|d| std::iter::repeat_n(d, partners))
        .enumerate()
    {
        let name = format!("Partner {index}");
        let id = orgs::insert_partner(&mut conn, &name, owner, "msp", "active")
            .await
            .expect("partner");
        made.push((owner, (id, name)));
    }
    for (sku, usage, price) in [("TM-EPS", true, "4.20"), ("TM-EMAIL", false, "2.50")] {
        let product = pricing::insert_product(&mut conn, sku, sku, "seats", usage)
            .await
            .expect("product");
        pricing::insert_price(
            &mut conn,
            region,
            product,
            Period::new(2026, 1).expect("period"),
            UnitPrice::new(price.parse().expect("price")).expect("price"),
            MarginPercent::new(Decimal::from(20)).expect("margin"),
        )
        .await
        .expect("price");
    }
    let of = |owner: i64| -> Vec<(i64, String)> {
        made.iter()
            .filter(|(o, _)| *o == owner)
            .map(|(_, p)| p.clone())
            .collect()
    };
    Channel {
        vendor: (vendor, "Trend Micro".to_owned()),
        distributor: (distributor, "Northwind".to_owned()),
        approving: (approving, "Southwind".to_owned()),
        partners: of(distributor),
        approving_partners: of(approving),
    }
}

fn csv(rows: &[String]) -> std::io::Cursor<Vec<u8>> {
    let mut text = "partner,sku,period,provisioned,used\n".to_owned();
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    std::io::Cursor::new(text.into_bytes())
}

async fn feed_rows(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM usage_feed")
        .fetch_one(db.pool())
        .await
        .expect("count")
}

async fn report_of(db: &Db, partner: i64) -> (i64, i64, Status) {
    let (id, version, status, sub): (i64, i64, String, Option<String>) = sqlx::query_as(
        "SELECT id, version, status, sub_status FROM reports WHERE partner_id = $1 AND period = 202610",
    )
    .bind(partner)
    .fetch_one(db.pool())
    .await
    .expect("report");
    (
        id,
        version,
        Status::from_code(&status, sub.as_deref()).expect("status"),
    )
}

async fn notices(db: &Db, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM notices WHERE kind = $1")
        .bind(kind)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

async fn events(db: &Db, report: i64) -> Vec<(HistoryEvent, Option<String>)> {
    stored::history(db, report)
        .await
        .expect("history")
        .into_iter()
        .map(|stored| (stored.entry.event, stored.entry.comment))
        .collect()
}

async fn a_month_runs_end_to_end(backend: Backend) {
    let (db, _url, _guard) = common::empty_db(backend).await;
    let channel = channel(&db, 2).await;
    let [(first, first_name), (second, _)] =
        [channel.partners[0].clone(), channel.partners[1].clone()];
    let (clean, _) = channel.approving_partners[0].clone();
    let (commented, _) = channel.approving_partners[1].clone();
    // The first partner will explain its shortfall; the second won't and is penalised; the
    // auto-approving distributor's partners: one clean (used = provisioned), one with a comment.
    let rows = vec![
        format!("{first},TM-EPS,{OCTOBER},100,80"),
        format!("{first},TM-EMAIL,{OCTOBER},10,"),
        format!("{second},TM-EPS,{OCTOBER},50,40"),
        format!("{clean},TM-EPS,{OCTOBER},30,30"),
        format!("{commented},TM-EPS,{OCTOBER},30,20"),
    ];
    let summary = import(&db, csv(&rows), false, GENERATED_AT)
        .await
        .expect("import");
    assert!(summary.imported, "{summary:?}");
    assert_eq!(
        (summary.rows, summary.new_rows, summary.partners),
        (5, 5, 4)
    );
    let again = import(&db, csv(&rows), false, GENERATED_AT)
        .await
        .expect("again");
    assert!(!again.imported);
    assert_eq!(again.unchanged_rows, 5);
    assert!(
        again.sentence().contains("nothing changed"),
        "{}",
        again.sentence()
    );

    let october = Period::parse(OCTOBER).expect("period");
    let generated = generate(&db, &Vendor::Builtin, october, GENERATED_AT)
        .await
        .expect("generate");
    assert_eq!(generated.created, 4, "{generated:?}");
    assert_eq!(
        generate(&db, &Vendor::Builtin, october, GENERATED_AT)
            .await
            .expect("again")
            .created,
        0
    );
    let (first_report, version, status) = report_of(&db, first).await;
    assert_eq!(status, Status::MspPreparing);
    let header = stored::open(&db, first_report, "2026-11-01T03:00:00Z")
        .await
        .expect("open")
        .expect("report");
    assert_eq!(header.header.submission_deadline, "2026-11-05T23:59:00Z");
    assert_eq!(header.header.review_deadline, "2026-11-12T23:59:00Z");
    // Generated total: 80 × 4.20 × 0.8 + 10 × 2.50 × 0.8 = 268.80 + 20.00.
    let total: i64 = sqlx::query_scalar("SELECT total_e4 FROM reports WHERE id = $1")
        .bind(first_report)
        .fetch_one(db.pool())
        .await
        .expect("total");
    assert_eq!(total, 2_888_000);
    assert_eq!(
        events(&db, first_report).await[0].0,
        HistoryEvent::Generated
    );
    assert_eq!(notices(&db, "report_ready").await, 4);
    // Three days before the deadline each partner is reminded, once however often jobs run.
    let reminded = run_due(&db, &Vendor::Builtin, datetime!(2026-11-03 00:00 UTC))
        .await
        .expect("run");
    assert_eq!(reminded.reminders, 4, "{reminded:?}");
    let again = run_due(&db, &Vendor::Builtin, datetime!(2026-11-03 00:05 UTC))
        .await
        .expect("run");
    assert_eq!(again.reminders, 0, "{again:?}");
    assert_eq!(notices(&db, "deadline_3_days").await, 4);

    // The first partner submits with its comment; the commented one of the other distributor too.
    let line = stored::lines(&mut db.acquire().await.expect("conn"), first_report)
        .await
        .expect("lines");
    let eps = line
        .iter()
        .find(|l| l.product.sku == "TM-EPS")
        .expect("line")
        .id;
    let partner = common::user((first, first_name), OrgKind::Partner, Role::BillingManager);
    let edits = vec![LineEdit {
        line_id: eps,
        chargeable: "80".to_owned(),
        comment: Some("Twenty seats were returned by the customer.".to_owned()),
    }];
    reports::act(
        &db,
        &Vendor::Builtin,
        &partner,
        first_report,
        version,
        Command::Submit { edits },
    )
    .await
    .expect("submit");

    // Just before the deadline nothing happens; just after, the rest is submitted for them.
    let early = run_due(&db, &Vendor::Builtin, datetime!(2026-11-05 23:58 UTC))
        .await
        .expect("run");
    assert_eq!(early.auto_submitted, 0);
    let run = run_due(&db, &Vendor::Builtin, datetime!(2026-11-06 00:00:30 UTC))
        .await
        .expect("run");
    assert_eq!((run.auto_submitted, run.with_penalties), (3, 2), "{run:?}");
    let (second_report, _, status) = report_of(&db, second).await;
    assert_eq!(status, Status::UnderReview(ReviewReason::AutoPenalties));
    let history = stored::history(&db, second_report).await.expect("history");
    let last = history.last().expect("entry");
    assert_eq!(
        last.entry.event,
        HistoryEvent::AutoSubmitted { penalties: true }
    );
    assert_eq!(last.entry.actor, "system");
    let changes = &last.entry.changes;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].before.chargeable, 40);
    assert_eq!(changes[0].after.chargeable, 50);
    let (clean_report, _, status) = report_of(&db, clean).await;
    assert_eq!(status, Status::UnderReview(ReviewReason::AutoNoPenalties));
    // The distributors hear of each submission, by the partner or automatic.
    assert_eq!(notices(&db, "submitted").await, 1);
    assert_eq!(notices(&db, "auto_submitted").await, 3);

    // After the review window: with a highest total below the clean report's, it waits for a
    // person; once the administrator raises it, it goes to the vendor by rule, with the
    // pattern's PO number. The penalised one waits for a person whatever the rule.
    let southwind = match common::user(
        channel.approving.clone(),
        OrgKind::Distributor,
        Role::Administrator,
    ) {
        Caller::User(user) => user,
        Caller::System => unreachable!("a user"),
    };
    let rule = |max_total: &str| SettingsForm {
        submission_days: "5".into(),
        review_days: "7".into(),
        threshold: "0".into(),
        anomaly_threshold: "50".into(),
        auto_approve: true,
        po_pattern: "PO-{period}-{partner}".into(),
        max_total: max_total.into(),
    };
    settings::save(&db, &southwind, &rule("100.00"), 1, GENERATED_AT)
        .await
        .expect("a low limit");
    let run = run_due(&db, &Vendor::Builtin, datetime!(2026-11-13 00:00:30 UTC))
        .await
        .expect("run");
    assert_eq!((run.auto_approved, run.waiting), (0, 1), "{run:?}");
    let saved = settings::save(&db, &southwind, &rule("10000"), 2, GENERATED_AT)
        .await
        .expect("a higher limit");
    assert_eq!(saved.changed, 1);
    let run = run_due(&db, &Vendor::Builtin, datetime!(2026-11-13 00:01 UTC))
        .await
        .expect("run");
    assert_eq!(run.auto_approved, 1, "{run:?}");
    // The same run delivers it to the (built-in) vendor.
    assert_eq!(run.deliveries.delivered, 1, "{run:?}");
    let (_, _, status) = report_of(&db, clean).await;
    assert_eq!(status, Status::SubmittedToVendor);
    let approved = events(&db, clean_report).await;
    assert_eq!(approved[approved.len() - 3].0, HistoryEvent::PoNumberSet);
    let (delivered, reference) = approved.last().expect("entry").clone();
    assert_eq!(delivered, HistoryEvent::DeliveredToVendor);
    assert!(reference.is_some_and(|r| r.starts_with("Vendor reference TM-B")));
    let (event, comment) = approved[approved.len() - 2].clone();
    assert_eq!(event, HistoryEvent::AutoApproved);
    let comment = comment.unwrap_or_default();
    assert!(comment.contains("auto-approve rule"), "{comment}");
    assert!(
        comment.contains("a total of at most USD 10,000.00"),
        "{comment}"
    );
    let po: Option<String> = sqlx::query_scalar("SELECT po_number FROM reports WHERE id = $1")
        .bind(clean_report)
        .fetch_one(db.pool())
        .await
        .expect("po");
    assert_eq!(po, Some(format!("PO-2026-10-{clean}")));
    let (_, _, status) = report_of(&db, commented).await;
    assert_eq!(status, Status::UnderReview(ReviewReason::AutoPenalties));

    // The distributor approves the first report; the vendor completes it.
    let distributor = common::user(
        channel.distributor.clone(),
        OrgKind::Distributor,
        Role::BillingManager,
    );
    let (_, version, _) = report_of(&db, first).await;
    let submitted = reports::act(
        &db,
        &Vendor::Builtin,
        &distributor,
        first_report,
        version,
        Command::SubmitToVendor {
            po_number: Some("4500012345".to_owned()),
            comment: None,
        },
    )
    .await
    .expect("submit to vendor");
    let vendor = common::user(
        channel.vendor.clone(),
        OrgKind::Vendor,
        Role::BillingManager,
    );
    let done = reports::act(
        &db,
        &Vendor::Builtin,
        &vendor,
        first_report,
        submitted.version,
        Command::Complete,
    )
    .await
    .expect("complete");
    assert_eq!(done.status, Status::Completed);
}

async fn every_bad_file_imports_nothing(backend: Backend) {
    let (db, _url, _guard) = common::empty_db(backend).await;
    let channel = channel(&db, 1).await;
    let (partner, _) = channel.partners[0].clone();
    let bad = |rows: &[&str]| {
        csv(&rows
            .iter()
            .map(|r| r.replace("{p}", &partner.to_string()))
            .collect::<Vec<_>>())
    };
    let cases: Vec<(&str, std::io::Cursor<Vec<u8>>, &str)> = vec![
        (
            "unknown partner",
            bad(&["{p},TM-EPS,2026-10,1,1", "999,TM-EPS,2026-10,1,1"]),
            "row 3: partner 999 is not a partner",
        ),
        (
            "unknown SKU",
            bad(&["{p},TM-NOPE,2026-10,1,1"]),
            "row 2: SKU \"TM-NOPE\"",
        ),
        (
            "bad period",
            bad(&["{p},TM-EPS,2026-13,1,1"]),
            "row 2: period \"2026-13\"",
        ),
        (
            "negative",
            bad(&["{p},TM-EPS,2026-10,-1,1"]),
            "row 2: provisioned units \"-1\" are negative",
        ),
        (
            "not whole",
            bad(&["{p},TM-EPS,2026-10,1,2.5"]),
            "row 2: used units \"2.5\" are not a whole number",
        ),
        (
            "duplicate",
            bad(&[
                "{p},TM-EPS,2026-10,1,1",
                "{p},TM-EMAIL,2026-10,1,",
                "{p},TM-EPS,2026-10,2,2",
            ]),
            "row 4: partner",
        ),
        (
            "missing column",
            std::io::Cursor::new(b"partner,sku,period,provisioned\n1,TM-EPS,2026-10,1\n".to_vec()),
            "row 1: the first row must be the header",
        ),
        (
            "empty",
            std::io::Cursor::new(Vec::new()),
            "file: the file is empty",
        ),
        (
            "not UTF-8",
            std::io::Cursor::new(
                format!("partner,sku,period,provisioned,used\n{partner},TM-EPS,2026-10,1,1\n")
                    .into_bytes()
                    .into_iter()
                    .chain(b"1,TM-\xff,2026-10,1,1\n".iter().copied())
                    .collect(),
            ),
            "row 3: not UTF-8",
        ),
        (
            "short row",
            bad(&["{p},TM-EPS,2026-10"]),
            "row 2: expected 5 values",
        ),
    ];
    for (what, file, expected) in cases {
        let summary = import(&db, file, false, GENERATED_AT).await.expect(what);
        assert!(!summary.imported, "{what}: {summary:?}");
        let listed: Vec<String> = summary.problems.iter().map(ToString::to_string).collect();
        assert!(
            listed.iter().any(|p| p.starts_with(expected)),
            "{what}: expected {expected:?} in {listed:?}"
        );
        assert_eq!(feed_rows(&db).await, 0, "{what} imported something");
    }
    // Past the size limit: 300 MB of rows, streamed, refused as a whole.
    let huge = std::io::Read::chain(
        &b"partner,sku,period,provisioned,used\n"[..],
        std::io::Read::take(RepeatRow { at: 0 }, 300_000_000),
    );
    let summary = import(&db, huge, false, GENERATED_AT).await.expect("huge");
    assert!(!summary.imported);
    assert!(
        summary
            .problems
            .iter()
            .any(|p| p.row == 0 && p.reason.contains("larger than 200 MB")),
        "{:?}",
        &summary.problems[..3.min(summary.problems.len())]
    );
    assert_eq!(feed_rows(&db).await, 0);

    // CRLF line ends, a byte-order mark and quoted fields are all fine.
    let friendly = format!(
        "\u{feff}partner,sku,\"period\",provisioned,used\r\n\"{partner}\",\"TM-EPS\",2026-10,\"12\",\"10\"\r\n{partner},TM-EMAIL,2026-10,3,\r\n"
    );
    let summary = import(
        &db,
        std::io::Cursor::new(friendly.into_bytes()),
        false,
        GENERATED_AT,
    )
    .await
    .expect("friendly");
    assert!(summary.imported, "{summary:?}");
    assert_eq!(feed_rows(&db).await, 2);
}

/// An endless stream of the same well-formed row, for the size limit.
struct RepeatRow {
    at: usize,
}

impl std::io::Read for RepeatRow {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        const ROW: &[u8] = b"1,TM-EPS,2026-10,5,4\n";
        for byte in buf.iter_mut() {
            *byte = ROW[self.at];
            self.at = (self.at + 1) % ROW.len();
        }
        Ok(buf.len())
    }
}

async fn a_corrected_file_updates_reports_in_preparation_only(backend: Backend) {
    let (db, _url, _guard) = common::empty_db(backend).await;
    let channel = channel(&db, 2).await;
    let [(first, first_name), (second, _)] =
        [channel.partners[0].clone(), channel.partners[1].clone()];
    let rows = |first_used: u32, second_used: u32| {
        vec![
            format!("{first},TM-EPS,{OCTOBER},100,{first_used}"),
            format!("{second},TM-EPS,{OCTOBER},100,{second_used}"),
        ]
    };
    import(&db, csv(&rows(80, 80)), false, GENERATED_AT)
        .await
        .expect("import");
    generate(
        &db,
        &Vendor::Builtin,
        Period::parse(OCTOBER).expect("p"),
        GENERATED_AT,
    )
    .await
    .expect("generate");
    // The first partner submits; the second is still preparing.
    let (first_report, version, _) = report_of(&db, first).await;
    let lines = stored::lines(&mut db.acquire().await.expect("conn"), first_report)
        .await
        .expect("lines");
    let partner = common::user((first, first_name), OrgKind::Partner, Role::BillingManager);
    let edits = vec![LineEdit {
        line_id: lines[0].id,
        chargeable: "80".to_owned(),
        comment: Some("Returned seats.".to_owned()),
    }];
    reports::act(
        &db,
        &Vendor::Builtin,
        &partner,
        first_report,
        version,
        Command::Submit { edits },
    )
    .await
    .expect("submit");

    // A correction of both: the submitted report's row is refused, so nothing is imported.
    let refused = import(&db, csv(&rows(90, 90)), false, GENERATED_AT)
        .await
        .expect("import");
    assert!(!refused.imported);
    assert_eq!(refused.problem_count, 1, "{refused:?}");
    assert!(
        refused.problems[0].reason.contains("already Under review"),
        "{refused:?}"
    );
    let (second_report, second_version, _) = report_of(&db, second).await;
    assert_eq!(second_version, 1, "a refused import changed a report");

    // The correction of the second alone goes through, with one history entry.
    let corrected = vec![rows(80, 90)[1].clone()];
    let dry = import(&db, csv(&corrected), true, GENERATED_AT)
        .await
        .expect("dry run");
    assert!(
        !dry.imported && dry.is_clean() && dry.changed_rows == 1,
        "{dry:?}"
    );
    assert_eq!(
        report_of(&db, second).await.1,
        1,
        "a dry run changed a report"
    );
    let done = import(&db, csv(&corrected), false, GENERATED_AT)
        .await
        .expect("import");
    assert!(done.imported && done.reports_updated == 1, "{done:?}");
    let (event, comment) = events(&db, second_report)
        .await
        .last()
        .cloned()
        .expect("entry");
    assert_eq!(event, HistoryEvent::UsageImported);
    assert_eq!(
        comment.as_deref(),
        Some("TM-EPS: used 80 → 90, chargeable 80 → 90")
    );
    let (_, version, status) = report_of(&db, second).await;
    assert_eq!((version, status), (2, Status::MspPreparing));
    // And the same file again changes nothing.
    let again = import(&db, csv(&corrected), false, GENERATED_AT)
        .await
        .expect("again");
    assert!(!again.imported && again.unchanged_rows == 1, "{again:?}");
    assert_eq!(report_of(&db, second).await.1, 2);
}

async fn two_runners_act_on_each_report_once(backend: Backend) {
    let (db, _url, _guard) = common::empty_db(backend).await;
    let channel = channel(&db, 20).await;
    let rows: Vec<String> = channel
        .partners
        .iter()
        .chain(&channel.approving_partners)
        .map(|(id, _)| format!("{id},TM-EPS,{OCTOBER},100,70"))
        .collect();
    import(&db, csv(&rows), false, GENERATED_AT)
        .await
        .expect("import");
    let at = datetime!(2026-11-06 00:00 UTC);
    // Both runners also generate the month before acting on it.
    let (a, b) = tokio::join!(
        run_due(&db, &Vendor::Builtin, at),
        run_due(&db, &Vendor::Builtin, at)
    );
    let (a, b) = (a.expect("runner a"), b.expect("runner b"));
    let count = |sql: &str| {
        let db = db.clone();
        let sql = sql.to_owned();
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(db.pool())
                .await
                .expect("count")
        }
    };
    assert_eq!(a.generated + b.generated, 40, "{a:?} {b:?}");
    assert_eq!(count("SELECT COUNT(*) FROM reports").await, 40);
    let (a2, b2) = tokio::join!(
        run_due(&db, &Vendor::Builtin, at),
        run_due(&db, &Vendor::Builtin, at)
    );
    let submitted = a.auto_submitted
        + b.auto_submitted
        + a2.expect("a").auto_submitted
        + b2.expect("b").auto_submitted;
    assert_eq!(submitted, 40);
    assert_eq!(
        count("SELECT COUNT(*) FROM history WHERE action = 'auto_submit_penalties'").await,
        40
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM history WHERE action = 'generate'").await,
        40
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM reports WHERE status = 'under_review' AND version = 2").await,
        40
    );
}
