//! The partner's side of a report, on SQLite and PostgreSQL alike: saving a draft and submitting
//! through the server function, what the distributor then sees, every refusal leaving the
//! database as it was, a cancelled partner locked out, the previous cycle and its anomaly flag,
//! the partner's 12-month list and its years, and no pricing key in anything a partner receives.

mod common;

use billing_reports::server::vendor::Vendor;
use std::collections::BTreeSet;

use axum::http::StatusCode;
use billing_reports::{
    api::ApiError,
    domain::{
        HistoryEvent, OpenedReport, OrgKind, PartnerReportDetail, Period, Refusal, ReviewReason,
        Role, Status, Units,
        query::{ListedReports, PartnerReportPage, ReportPage},
        usage::{LineChange, LineValues},
    },
    server::{
        db::{Backend, Db},
        services::{
            Caller, ServiceError, UserCaller,
            reports::{Command, LineEdit, act, open},
        },
    },
};
use common::{
    PASSWORD, TestApp, org, past_the_guards, plant_canaries, report_id, shared_db, spawn_app, user,
};
use serde_json::{Value, json};

on_both_backends!(
    a_partner_saves_a_draft_over_http_and_reads_it_back,
    submitting_hands_the_report_to_the_distributor,
    refused_partner_edits_change_nothing,
    a_stale_version_is_a_conflict_over_http,
    a_cancelled_partner_is_locked_out,
    the_previous_cycle_and_its_anomaly,
    the_partner_list_covers_twelve_months_and_offers_years,
    a_partner_never_receives_a_pricing_key,
);

const HARBOR: &str = "Harbor IT Services";
const BLUE_RIDGE: &str = "Blue Ridge Managed Security";
const SUMMIT: &str = "Summit Tech Distribution";
const MARIA: &str = "maria@harbor-it.example";
const OWEN: &str = "owen@blueridge-security.example";
const DANA: &str = "dana@summit-tech.example";
const RHEINLAND: &str = "Rheinland Systemhaus GmbH";
const JONAS: &str = "jonas@rheinland-systemhaus.example";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// One line of a report as stored, with its product's name.
#[derive(Clone, Debug)]
struct Line {
    id: i64,
    product_id: i64,
    name: String,
    provisioned: u64,
    used: Option<u64>,
    chargeable: u64,
    comment: Option<String>,
}

impl Line {
    /// The largest chargeable a partner may type: max(P, U).
    fn max(&self) -> u64 {
        self.provisioned.max(self.used.unwrap_or(0))
    }

    /// The default chargeable: U, else P.
    fn default_units(&self) -> u64 {
        self.used.unwrap_or(self.provisioned)
    }

    /// What the history records of this line.
    fn values(&self) -> LineValues {
        LineValues {
            line: self.name.clone(),
            chargeable: self.chargeable,
            comment: self.comment.clone(),
        }
    }
}

type LineRow = (i64, i64, String, i64, Option<i64>, i64, Option<String>);

async fn lines_of(db: &Db, report: i64) -> Vec<Line> {
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT l.id, l.product_id, p.name, l.provisioned, l.used, l.chargeable, l.comment \
         FROM line_items l JOIN products p ON p.id = l.product_id \
         WHERE l.report_id = $1 ORDER BY l.position",
    )
    .bind(report)
    .fetch_all(db.pool())
    .await
    .expect("lines");
    assert!(rows.len() >= 2, "report {report} has fewer than two lines");
    let count = |n: i64| u64::try_from(n).expect("a count");
    rows.into_iter()
        .map(
            |(id, product_id, name, provisioned, used, chargeable, comment)| Line {
                id,
                product_id,
                name,
                provisioned: count(provisioned),
                used: used.map(count),
                chargeable: count(chargeable),
                comment,
            },
        )
        .collect()
}

async fn version_of(db: &Db, report: i64) -> i64 {
    sqlx::query_scalar("SELECT version FROM reports WHERE id = $1")
        .bind(report)
        .fetch_one(db.pool())
        .await
        .expect("version")
}

async fn history_rows(db: &Db, report: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM history WHERE report_id = $1")
        .bind(report)
        .fetch_one(db.pool())
        .await
        .expect("history count")
}

/// Everything an action may change about a report: the header row, every column of every line,
/// and how many history rows it has.
#[derive(Debug, PartialEq)]
struct Snapshot {
    header: (String, Option<String>, i64, i64, i64, i64, String, String),
    lines: Vec<SnapshotLine>,
    history: i64,
}

type SnapshotLine = (
    i64,
    i64,
    Option<i64>,
    i64,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
);

async fn snapshot(db: &Db, report: i64) -> Snapshot {
    let header = sqlx::query_as(
        "SELECT status, sub_status, version, total_e4, has_comments, auto_penalties, \
                submission_deadline, updated_at FROM reports WHERE id = $1",
    )
    .bind(report)
    .fetch_one(db.pool())
    .await
    .expect("report row");
    let lines = sqlx::query_as(
        "SELECT id, provisioned, used, chargeable, comment, unit_price_e4, margin_e4, gross_e4, \
                amount_owed_e4, pricing_code FROM line_items WHERE report_id = $1 ORDER BY id",
    )
    .bind(report)
    .fetch_all(db.pool())
    .await
    .expect("line rows");
    Snapshot {
        header,
        lines,
        history: history_rows(db, report).await,
    }
}

fn edit(line: i64, chargeable: impl ToString, comment: Option<&str>) -> Value {
    json!({ "line_id": line, "chargeable": chargeable.to_string(), "comment": comment })
}

fn act_body(id: i64, version: i64, action: &str, edits: Vec<Value>) -> Value {
    json!({ "id": id, "version": version, "action": { action: { "edits": edits } } })
}

/// The error a server function answered.
fn api_error(body: &str) -> ApiError {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not an error ({e}): {body}"))
}

/// The report as a partner opens it over HTTP.
async fn open_as_partner(app: &TestApp, id: i64, cookie: &str) -> PartnerReportDetail {
    let (status, body) = app
        .call_as("reports/open", json!({ "id": id }), Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    match serde_json::from_str(&body).expect("a report") {
        OpenedReport::Partner(detail) => detail,
        OpenedReport::Priced(_) => panic!("a partner received the priced report"),
    }
}

fn user_of(caller: &Caller) -> &UserCaller {
    match caller {
        Caller::User(user) => user,
        Caller::System => panic!("a user"),
    }
}

fn units(n: u64) -> Units {
    Units::new(n).expect("units")
}

/// The calendar month it is now (UTC), as the server reckons it.
fn this_month() -> Period {
    let now = time::OffsetDateTime::now_utc();
    Period::new(now.year(), u32::from(u8::from(now.month()))).expect("this month")
}

// ---------------------------------------------------------------------------------------------
// 1. Saving a draft
// ---------------------------------------------------------------------------------------------

async fn a_partner_saves_a_draft_over_http_and_reads_it_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, HARBOR, "msp_preparing").await;
    let version = version_of(&app.db, id).await;
    let lines = lines_of(&app.db, id).await;
    let (first, second) = (&lines[0], &lines[1]);
    assert!(first.default_units() >= 1, "{first:?}");
    let lowered = first.default_units() - 1;
    let comment = "Two endpoints retired mid-month.";
    let entries = history_rows(&app.db, id).await;

    let cookie = app.sign_in(MARIA).await;
    // The second line is sent as it is: a save records only what changed.
    let (status, body) = app
        .call_as(
            "reports/act",
            act_body(
                id,
                version,
                "SaveDraft",
                vec![
                    edit(first.id, lowered, Some(format!("  {comment} ").as_str())),
                    edit(second.id, second.chargeable, second.comment.as_deref()),
                ],
            ),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.trim(), (version + 1).to_string(), "the new version");

    let opened = open_as_partner(&app, id, &cookie).await;
    assert_eq!(opened.header.status, Status::MspPreparing);
    assert_eq!(opened.header.version, version + 1);
    let line = |line_id: i64| {
        opened
            .lines
            .iter()
            .find(|l| l.product.line_id == line_id)
            .unwrap_or_else(|| panic!("line {line_id} missing"))
    };
    assert_eq!(line(first.id).usage.chargeable, units(lowered));
    assert_eq!(
        line(first.id).usage.comment.as_deref(),
        Some(comment),
        "kept, trimmed"
    );
    assert!(!line(first.id).usage.needs_comment);
    assert_eq!(line(second.id).usage.chargeable, units(second.chargeable));
    assert_eq!(line(second.id).usage.comment, second.comment);

    // Stored as read back.
    let stored = lines_of(&app.db, id).await;
    assert_eq!(
        (stored[0].chargeable, stored[0].comment.as_deref()),
        (lowered, Some(comment))
    );
    assert_eq!(history_rows(&app.db, id).await, entries + 1, "one entry");

    let last = opened.history.last().expect("a history entry");
    assert_eq!(last.event, HistoryEvent::DraftSaved);
    assert_eq!(last.actor, "Maria Chen");
    assert_eq!(last.actor_org.as_deref(), Some(HARBOR));
    assert_eq!(last.actor_role, Some(Role::Administrator));
    assert_eq!(
        (last.from_status, last.to_status),
        (Some(Status::MspPreparing), Some(Status::MspPreparing))
    );
    let after = LineValues {
        chargeable: lowered,
        comment: Some(comment.to_owned()),
        ..first.values()
    };
    assert_eq!(
        last.changes,
        vec![LineChange {
            before: first.values(),
            after
        }],
        "exactly the changed line, before and after"
    );
    // Stored that way too: only the changed line, not every line of the report.
    let (before_json, after_json): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT before_json, after_json FROM history WHERE report_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("the stored entry");
    let stored = |json: Option<String>| -> Vec<LineValues> {
        serde_json::from_str(&json.expect("values stored")).expect("line values")
    };
    assert_eq!(stored(before_json), vec![last.changes[0].before.clone()]);
    assert_eq!(stored(after_json), vec![last.changes[0].after.clone()]);
    assert_eq!(
        last.changes[0].describe(),
        format!(
            "chargeable {} → {lowered}, comment added “{comment}”",
            first.chargeable
        )
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Submitting
// ---------------------------------------------------------------------------------------------

async fn submitting_hands_the_report_to_the_distributor(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, HARBOR, "msp_preparing").await;
    let version = version_of(&app.db, id).await;
    let lines = lines_of(&app.db, id).await;
    let comment = "Checked against the customer portal on the 30th.";
    // Every line explained; the first lowered by one as well.
    let edits = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let chargeable = if i == 0 {
                line.default_units() - 1
            } else {
                line.chargeable
            };
            edit(line.id, chargeable, Some(comment))
        })
        .collect();

    let maria = app.sign_in(MARIA).await;
    let (status, body) = app
        .call_as(
            "reports/act",
            act_body(id, version, "Submit", edits),
            Some(&maria),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.trim(), (version + 1).to_string());
    let stored: (String, Option<String>) =
        sqlx::query_as("SELECT status, sub_status FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("status");
    assert_eq!(
        (stored.0.as_str(), stored.1.as_deref()),
        ("under_review", Some("manual"))
    );

    // The partner now reads it as under review.
    let partner_view = open_as_partner(&app, id, &maria).await;
    assert_eq!(
        partner_view.header.status,
        Status::UnderReview(ReviewReason::Manual)
    );

    // Harbor IT is a partner of Summit Tech: its distributor sees the status and the comments.
    let dana = app.sign_in(DANA).await;
    let (status, body) = app
        .call_as("reports/open", json!({ "id": id }), Some(&dana))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let OpenedReport::Priced(detail) = serde_json::from_str(&body).expect("a report") else {
        panic!("the distributor sees a submitted report with prices: {body}")
    };
    assert_eq!(
        detail.header.status,
        Status::UnderReview(ReviewReason::Manual)
    );
    assert_eq!(detail.header.version, version + 1);
    for line in &lines {
        let seen = detail
            .lines
            .iter()
            .find(|l| l.product.line_id == line.id)
            .expect("the line");
        assert_eq!(
            seen.usage.comment.as_deref(),
            Some(comment),
            "{}",
            line.name
        );
        assert!(!seen.usage.needs_comment);
    }
    let first_seen = detail
        .lines
        .iter()
        .find(|l| l.product.line_id == lines[0].id)
        .expect("the first line");
    assert_eq!(
        first_seen.usage.chargeable,
        units(lines[0].default_units() - 1)
    );
    assert!(detail.header.flags.has_comments);
    let last = detail.history.last().expect("an entry");
    assert_eq!(last.event, HistoryEvent::Submitted);
    assert_eq!(
        (last.from_status, last.to_status),
        (
            Some(Status::MspPreparing),
            Some(Status::UnderReview(ReviewReason::Manual))
        )
    );
    assert_eq!(last.actor, "Maria Chen");
    // Every line got a comment, so every line changed.
    assert_eq!(last.changes.len(), lines.len());

    // It is in the distributor's list of reports under review.
    let page = priced_page(&app, &dana, json!({ "partner": HARBOR, "page": 1 })).await;
    let row = page
        .rows
        .iter()
        .find(|row| row.id == id)
        .expect("the report is listed");
    assert_eq!(row.status, Status::UnderReview(ReviewReason::Manual));
    assert!(row.flags.has_comments);

    // A rejected report is the partner's again: a draft keeps it rejected, a submit sends it
    // back for review.
    let rejected = report_id(&app, RHEINLAND, "rejected").await;
    let version = version_of(&app.db, rejected).await;
    let line = lines_of(&app.db, rejected).await[0].clone();
    let jonas = app.sign_in(JONAS).await;
    let (status, body) = app
        .call_as(
            "reports/act",
            act_body(
                rejected,
                version,
                "SaveDraft",
                vec![edit(
                    line.id,
                    line.max(),
                    Some("Re-checked after the rejection."),
                )],
            ),
            Some(&jonas),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reopened = open_as_partner(&app, rejected, &jonas).await;
    assert_eq!(reopened.header.status, Status::Rejected);
    let (status, body) = app
        .call_as(
            "reports/act",
            act_body(rejected, version + 1, "Submit", vec![]),
            Some(&jonas),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reopened = open_as_partner(&app, rejected, &jonas).await;
    assert_eq!(
        reopened.header.status,
        Status::UnderReview(ReviewReason::Manual)
    );
    let last = reopened.history.last().expect("an entry");
    assert_eq!(
        (last.event, last.from_status),
        (HistoryEvent::Submitted, Some(Status::Rejected))
    );
    assert!(
        last.changes.is_empty(),
        "a submit without edits changes no line"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Refusals
// ---------------------------------------------------------------------------------------------

/// Sends an action that must be refused with `expected` status, and checks that none of
/// `reports` changed at all. Returns the error.
async fn refused(
    app: &TestApp,
    cookie: &str,
    request: Value,
    expected: StatusCode,
    reports: &[i64],
) -> (ApiError, String) {
    let mut before = Vec::new();
    for report in reports {
        before.push(snapshot(&app.db, *report).await);
    }
    let (status, body) = app.call_as("reports/act", request, Some(cookie)).await;
    assert_eq!(status, expected, "{body}");
    let mut after = Vec::new();
    for report in reports {
        after.push(snapshot(&app.db, *report).await);
    }
    assert_eq!(
        before, after,
        "a refused action changed the database: {body}"
    );
    (api_error(&body), body)
}

fn invalid_text(error: &ApiError) -> &str {
    match error {
        ApiError::Invalid(text) | ApiError::InvalidField(_, text) => text,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

async fn refused_partner_edits_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, HARBOR, "msp_preparing").await;
    // Make the first line an uncommented violation: used 40 % below provisioned (Summit Tech's
    // threshold is 5 %) and charged at used.
    sqlx::query(
        "UPDATE line_items SET provisioned = 100, used = 60, chargeable = 60, comment = NULL \
         WHERE report_id = $1 AND position = 0",
    )
    .bind(id)
    .execute(app.db.pool())
    .await
    .expect("prepare a violation");
    let version = version_of(&app.db, id).await;
    let lines = lines_of(&app.db, id).await;
    let (first, second) = (&lines[0], &lines[1]);
    let maria = app.sign_in(MARIA).await;
    let save = |edits: Vec<Value>| act_body(id, version, "SaveDraft", edits);

    // Wrong status: Blue Ridge's report is under review.
    let review = report_id(&app, BLUE_RIDGE, "under_review").await;
    let review_line = lines_of(&app.db, review).await[0].clone();
    let owen = app.sign_in(OWEN).await;
    let (error, _) = refused(
        &app,
        &owen,
        act_body(
            review,
            version_of(&app.db, review).await,
            "SaveDraft",
            vec![edit(
                review_line.id,
                review_line.chargeable.saturating_sub(1),
                Some("late"),
            )],
        ),
        StatusCode::FORBIDDEN,
        &[review],
    )
    .await;
    assert_eq!(
        error,
        ApiError::Refused(
            "This report is Under review — manual submission; you can't save changes to the \
             report now"
                .to_owned()
        )
    );

    // A partner's support user may read but not change (through the service).
    let support = user(org(&app.db, HARBOR).await, OrgKind::Partner, Role::Support);
    let before = snapshot(&app.db, id).await;
    for command in [
        Command::SaveDraft {
            edits: vec![LineEdit {
                line_id: second.id,
                chargeable: second.chargeable.saturating_sub(1).to_string(),
                comment: Some("support tried".into()),
            }],
        },
        Command::Submit { edits: vec![] },
    ] {
        match act(&app.db, &Vendor::Builtin, &support, id, version, command).await {
            Err(ServiceError::Refused(refusal)) => {
                assert_eq!(refusal, Refusal::ReadOnly);
                assert_eq!(
                    refusal.to_string(),
                    "Your role can view reports but not change them"
                );
            }
            other => panic!("support acted: {other:?}"),
        }
    }
    assert_eq!(snapshot(&app.db, id).await, before);
    // Reading is allowed.
    let read = open(&app.db, &Vendor::Builtin, user_of(&support), id)
        .await
        .expect("support opens");
    assert!(matches!(read, OpenedReport::Partner(_)));

    // A line of another partner's report is refused exactly like a line that does not exist,
    // and neither report changes.
    let foreign = lines_of(&app.db, review).await[1].clone();
    let (foreign_error, foreign_body) = refused(
        &app,
        &maria,
        save(vec![edit(foreign.id, foreign.chargeable, Some("mine now"))]),
        StatusCode::UNPROCESSABLE_ENTITY,
        &[id, review],
    )
    .await;
    let (missing_error, missing_body) = refused(
        &app,
        &maria,
        save(vec![edit(999_999_999, 1, Some("nothing"))]),
        StatusCode::UNPROCESSABLE_ENTITY,
        &[id],
    )
    .await;
    assert_eq!(foreign_body, missing_body, "a foreign line looks missing");
    assert_eq!(foreign_error, missing_error);
    assert_eq!(
        invalid_text(&missing_error),
        "A line in this change is not part of the report."
    );
    // Even next to a good edit, the foreign line refuses the whole save.
    refused(
        &app,
        &maria,
        save(vec![
            edit(second.id, second.default_units() - 1, Some("good edit")),
            edit(foreign.id, foreign.chargeable, None),
        ]),
        StatusCode::UNPROCESSABLE_ENTITY,
        &[id, review],
    )
    .await;

    // Above max(P, U).
    let (error, _) = refused(
        &app,
        &maria,
        save(vec![edit(second.id, second.max() + 1, Some("too many"))]),
        StatusCode::UNPROCESSABLE_ENTITY,
        &[id],
    )
    .await;
    assert_eq!(
        invalid_text(&error),
        format!(
            "{}: Chargeable units must be between 0 and {}",
            second.name,
            second.max()
        )
    );

    // Not whole units, negative units.
    for (typed, words) in [
        ("1.5", "Number of units must be a whole number"),
        ("-3", "Number of units cannot be negative"),
    ] {
        let (error, _) = refused(
            &app,
            &maria,
            save(vec![edit(second.id, typed, Some("typed"))]),
            StatusCode::UNPROCESSABLE_ENTITY,
            &[id],
        )
        .await;
        assert_eq!(
            invalid_text(&error),
            format!("{}: {words}", second.name),
            "{typed}"
        );
    }

    // A 100 KB comment.
    let long = "x".repeat(100 * 1024);
    let (error, _) = refused(
        &app,
        &maria,
        save(vec![edit(
            second.id,
            second.chargeable,
            Some(long.as_str()),
        )]),
        StatusCode::UNPROCESSABLE_ENTITY,
        &[id],
    )
    .await;
    assert_eq!(
        invalid_text(&error),
        format!(
            "{}: The comment is too long: at most 2,000 characters, this one has 102,400.",
            second.name
        )
    );

    // Lowering without a comment.
    let (error, _) = refused(
        &app,
        &maria,
        save(vec![edit(
            second.id,
            second.default_units() - 1,
            Some("   "),
        )]),
        StatusCode::UNPROCESSABLE_ENTITY,
        &[id],
    )
    .await;
    assert!(
        invalid_text(&error).starts_with(&format!("{}: Please add a comment", second.name)),
        "{error:?}"
    );

    // Submitting with the violating first line uncommented: refused, naming every line that
    // needs a comment, and the valid edit sent with it is not kept either.
    let opened = open_as_partner(&app, id, &maria).await;
    // The second line is explained by the submit itself.
    let needing: Vec<String> = opened
        .lines
        .iter()
        .filter(|line| line.usage.needs_comment && line.product.line_id != second.id)
        .map(|line| line.product.name.clone())
        .collect();
    assert!(needing.contains(&first.name), "{needing:?}");
    let (error, _) = refused(
        &app,
        &maria,
        act_body(
            id,
            version,
            "Submit",
            vec![edit(
                second.id,
                second.default_units() - 1,
                Some("explained, unlike the first line"),
            )],
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        &[id],
    )
    .await;
    assert_eq!(
        invalid_text(&error),
        format!(
            "Please explain the lower chargeable units before submitting: {} need a comment.",
            needing.join(", ")
        )
    );

    // A save that changes nothing: no edits, or every line as it is (a comment differing only
    // in surrounding spaces is the same comment).
    for edits in [
        vec![],
        lines
            .iter()
            .map(|line| edit(line.id, line.chargeable, line.comment.as_deref()))
            .collect(),
        vec![edit(
            first.id,
            format!(" {} ", first.chargeable),
            Some("  "),
        )],
    ] {
        let (error, _) = refused(
            &app,
            &maria,
            save(edits),
            StatusCode::UNPROCESSABLE_ENTITY,
            &[id],
        )
        .await;
        assert_eq!(invalid_text(&error), "There are no changes to save.");
    }

    // After all that, the same version still saves: nothing above moved it.
    let (status, body) = app
        .call_as(
            "reports/act",
            save(vec![edit(first.id, 100, Some("charged at provisioned"))]),
            Some(&maria),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn a_stale_version_is_a_conflict_over_http(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, HARBOR, "msp_preparing").await;
    let version = version_of(&app.db, id).await;
    let lines = lines_of(&app.db, id).await;
    let maria = app.sign_in(MARIA).await;
    let first = act_body(
        id,
        version,
        "SaveDraft",
        vec![edit(
            lines[0].id,
            lines[0].default_units() - 1,
            Some("first save"),
        )],
    );
    let (status, body) = app.call_as("reports/act", first, Some(&maria)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A second save made from the same (now old) version, changing another line.
    let (error, _) = refused(
        &app,
        &maria,
        act_body(
            id,
            version,
            "SaveDraft",
            vec![edit(
                lines[1].id,
                lines[1].default_units() - 1,
                Some("second save"),
            )],
        ),
        StatusCode::CONFLICT,
        &[id],
    )
    .await;
    assert_eq!(
        error,
        ApiError::Conflict {
            current_version: version + 1
        }
    );
    assert!(error.to_string().contains("changed by someone else"));
    let stored = lines_of(&app.db, id).await;
    assert_eq!(stored[0].comment.as_deref(), Some("first save"));
    assert_eq!(stored[1].chargeable, lines[1].chargeable, "not overwritten");
    assert_eq!(version_of(&app.db, id).await, version + 1);
}

// ---------------------------------------------------------------------------------------------
// 4. A cancelled partner
// ---------------------------------------------------------------------------------------------

async fn a_cancelled_partner_is_locked_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, HARBOR, "msp_preparing").await;
    let version = version_of(&app.db, id).await;
    let line = lines_of(&app.db, id).await[0].clone();
    let session = app.sign_in(MARIA).await;
    let (_, me) = app.call_as("auth/me", json!({}), Some(&session)).await;
    assert!(me.contains("Maria Chen"), "{me}");

    sqlx::query("UPDATE organisations SET partner_status = 'cancelled' WHERE name = $1")
        .bind(HARBOR)
        .execute(app.db.pool())
        .await
        .expect("cancel the partner");

    // Signing in gets the answer of a wrong password, and no session.
    let (status, cookies, body) = app.sign_in_response(MARIA, PASSWORD).await;
    let (wrong_status, _, wrong_body) = app.sign_in_response(MARIA, "not-the-password").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!((status, &body), (wrong_status, &wrong_body));
    assert!(body.contains("not correct"), "{body}");
    assert!(
        !cookies
            .iter()
            .any(|c| c.starts_with("br_session=") && !c.contains("Max-Age=0")),
        "{cookies:?}"
    );

    // The session opened before the cancellation is refused everywhere.
    let before = snapshot(&app.db, id).await;
    let (_, me) = app.call_as("auth/me", json!({}), Some(&session)).await;
    assert_eq!(me, "null");
    for (endpoint, request) in [
        ("reports/list", json!({ "filter": { "page": 1 } })),
        ("reports/open", json!({ "id": id })),
        (
            "reports/act",
            act_body(
                id,
                version,
                "SaveDraft",
                vec![edit(
                    line.id,
                    line.default_units() - 1,
                    Some("after the end"),
                )],
            ),
        ),
    ] {
        let (status, body) = app.call_as(endpoint, request, Some(&session)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}: {body}");
        assert_eq!(api_error(&body), ApiError::Unauthenticated, "{endpoint}");
    }
    assert_eq!(snapshot(&app.db, id).await, before);
    // The list page shows nothing of hers (the way to the sign-in page is the page's own).
    let (_, html) = app.get_as("/", Some(&session)).await;
    assert!(
        !html.contains("Maria Chen") && !html.contains("table class=\"reports\""),
        "the list page still shows the cancelled partner's session"
    );

    // Another partner of the same distributor goes on (and the same page shows its list).
    let owen = app.sign_in(OWEN).await;
    let (_, html) = app.get_as("/", Some(&owen)).await;
    assert!(html.contains("Owen Blake") && html.contains("table class=\"reports\""));
    let (status, _) = app
        .call_as(
            "reports/list",
            json!({ "filter": { "page": 1 } }),
            Some(&owen),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// 5. The previous cycle and the anomaly
// ---------------------------------------------------------------------------------------------

async fn the_previous_cycle_and_its_anomaly(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let partner = user(
        org(&db, HARBOR).await,
        OrgKind::Partner,
        Role::BillingManager,
    );
    let (id, period): (i64, i64) = sqlx::query_as(
        "SELECT r.id, r.period FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = $1 AND r.status = 'msp_preparing' ORDER BY r.period DESC LIMIT 1",
    )
    .bind(HARBOR)
    .fetch_one(db.pool())
    .await
    .expect("a report being prepared");
    let previous_period = Period::from_key(i32::try_from(period).expect("period"))
        .expect("period")
        .previous()
        .expect("a previous month");
    let previous: i64 = sqlx::query_scalar(
        "SELECT r.id FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = $1 AND r.period = $2",
    )
    .bind(HARBOR)
    .bind(i64::from(previous_period.to_key()))
    .fetch_one(db.pool())
    .await
    .expect("the partner's report of the previous month");
    let lines = lines_of(&db, id).await;
    let previous_lines = lines_of(&db, previous).await;
    let (watched, orphan) = (&lines[0], &lines[1]);

    // The watched line: charged 200 last month, 1,000 provisioned (and used) now.
    // Last month's report went to the vendor: its lines are changed past the guards.
    past_the_guards(
        &db,
        &[&format!(
            "UPDATE line_items SET chargeable = 200 WHERE report_id = {previous} \
             AND product_id = {}",
            watched.product_id
        )],
    )
    .await
    .expect("last month's line");
    sqlx::query(
        "UPDATE line_items SET provisioned = 1000, \
                used = CASE WHEN used IS NULL THEN NULL ELSE 1000 END, chargeable = 1000 \
         WHERE id = $1",
    )
    .bind(watched.id)
    .execute(db.pool())
    .await
    .expect("this month's line");
    // The orphan's product was not on last month's report: move that line to a product on
    // neither report.
    let unused: i64 = sqlx::query_scalar(
        "SELECT id FROM products WHERE id NOT IN (SELECT product_id FROM line_items \
         WHERE report_id = $1 OR report_id = $2) ORDER BY id LIMIT 1",
    )
    .bind(id)
    .bind(previous)
    .fetch_one(db.pool())
    .await
    .expect("a product on neither report");
    past_the_guards(
        &db,
        &[&format!(
            "UPDATE line_items SET product_id = {unused} WHERE report_id = {previous} \
             AND product_id = {}",
            orphan.product_id
        )],
    )
    .await
    .expect("move last month's line");

    let opened = || {
        let (db, reader) = (db.clone(), user_of(&partner).clone());
        async move {
            match open(&db, &Vendor::Builtin, &reader, id)
                .await
                .expect("open")
            {
                OpenedReport::Partner(detail) => detail,
                OpenedReport::Priced(_) => panic!("a partner got prices"),
            }
        }
    };
    let detail = opened().await;
    assert_eq!(
        detail.header.usage_rules.anomaly_threshold.get(),
        rust_decimal::Decimal::from(50),
        "the default anomaly threshold"
    );
    for line in &detail.lines {
        let expected = if line.product.line_id == watched.id {
            Some(200)
        } else if line.product.line_id == orphan.id {
            None
        } else {
            let product = lines
                .iter()
                .find(|l| l.id == line.product.line_id)
                .expect("line")
                .product_id;
            Some(
                previous_lines
                    .iter()
                    .find(|l| l.product_id == product)
                    .expect("the same product last month")
                    .chargeable,
            )
        };
        assert_eq!(
            line.usage.previous_chargeable,
            expected.map(units),
            "{}",
            line.product.name
        );
    }
    let watched_now = |detail: &PartnerReportDetail| {
        let line = detail
            .lines
            .iter()
            .find(|l| l.product.line_id == watched.id)
            .expect("the watched line");
        (line.usage.chargeable.get(), line.usage.anomaly)
    };
    assert_eq!(
        watched_now(&detail),
        (1000, true),
        "200 → 1,000 is an anomaly"
    );
    let orphan_line = detail
        .lines
        .iter()
        .find(|l| l.product.line_id == orphan.id)
        .expect("orphan");
    assert!(!orphan_line.usage.anomaly, "no previous cycle, no anomaly");

    // The partner saves the watched line: close to last month, then far, either side of 50 %.
    let mut version = version_of(&db, id).await;
    for (chargeable, anomaly) in [
        (210, false),
        (300, false),
        (301, true),
        (100, false),
        (99, true),
        (0, true),
        (250, false),
        (950, true),
    ] {
        version = act(
            &db,
            &Vendor::Builtin,
            &partner,
            id,
            version,
            Command::SaveDraft {
                edits: vec![LineEdit {
                    line_id: watched.id,
                    chargeable: chargeable.to_string(),
                    comment: Some(format!("Charged {chargeable} this month.")),
                }],
            },
        )
        .await
        .expect("save")
        .version;
        assert_eq!(
            watched_now(&opened().await),
            (chargeable, anomaly),
            "200 → {chargeable}"
        );
    }

    // The distributor's setting decides: at 10 %, 250 against 200 is an anomaly, 215 is not.
    sqlx::query("UPDATE organisations SET anomaly_threshold_e4 = 100000 WHERE name = $1")
        .bind(SUMMIT)
        .execute(db.pool())
        .await
        .expect("anomaly setting");
    let detail = opened().await;
    assert_eq!(
        detail.header.usage_rules.anomaly_threshold.get(),
        rust_decimal::Decimal::from(10)
    );
    assert_eq!(watched_now(&detail), (950, true));
    for (chargeable, anomaly) in [(250, true), (215, false), (220, false), (221, true)] {
        version = act(
            &db,
            &Vendor::Builtin,
            &partner,
            id,
            version,
            Command::SaveDraft {
                edits: vec![LineEdit {
                    line_id: watched.id,
                    chargeable: chargeable.to_string(),
                    comment: Some("seasonal".into()),
                }],
            },
        )
        .await
        .expect("save")
        .version;
        assert_eq!(
            watched_now(&opened().await),
            (chargeable, anomaly),
            "10 %: 200 → {chargeable}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6. The partner's list
// ---------------------------------------------------------------------------------------------

/// A report of `partner` for `period`: the seeded one, or a completed copy of another of its
/// reports. Returns its id.
async fn report_for(db: &Db, partner: &str, period: Period) -> i64 {
    let key = i64::from(period.to_key());
    let existing: Option<i64> = sqlx::query_scalar(
        "SELECT r.id FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = $1 AND r.period = $2",
    )
    .bind(partner)
    .bind(key)
    .fetch_optional(db.pool())
    .await
    .expect("query");
    if let Some(id) = existing {
        return id;
    }
    let deadline = period
        .next()
        .map(|next| format!("{:04}-{:02}-05T23:59:00Z", next.year(), next.month()))
        .expect("next month");
    sqlx::query_scalar(
        "INSERT INTO reports (partner_id, distributor_id, region_id, period, currency, status, \
                sub_status, po_number, submission_deadline, review_deadline, total_e4, \
                auto_penalties, has_comments, version, created_at, updated_at, \
                sent_to_vendor_at) \
         SELECT r.partner_id, r.distributor_id, r.region_id, $1, r.currency, 'completed', NULL, \
                r.po_number, $2, r.review_deadline, r.total_e4, r.auto_penalties, \
                r.has_comments, 1, r.created_at, r.updated_at, r.updated_at \
         FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = $3 ORDER BY r.period DESC LIMIT 1 RETURNING id",
    )
    .bind(key)
    .bind(deadline)
    .bind(partner)
    .fetch_one(db.pool())
    .await
    .expect("insert a report")
}

/// One page of a distributor's (priced) list for `filter`.
async fn priced_page(app: &TestApp, cookie: &str, filter: Value) -> ReportPage {
    let (status, body) = app
        .call_as("reports/list", json!({ "filter": filter }), Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ListedReports::Priced(page) = serde_json::from_str(&body).expect("a list") else {
        panic!("the distributor's list is priced")
    };
    page
}

/// Every row of a partner's list for `filter`, all pages.
async fn partner_rows(app: &TestApp, cookie: &str, filter: Value) -> PartnerReportPage {
    let mut all: Option<PartnerReportPage> = None;
    let mut page: u32 = 1;
    loop {
        let mut filter = filter.clone();
        filter["page"] = json!(page);
        let (status, body) = app
            .call_as("reports/list", json!({ "filter": filter }), Some(cookie))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let ListedReports::Partner(listed) = serde_json::from_str(&body).expect("a list") else {
            panic!("a partner got a priced list")
        };
        let pages = listed.total_count.div_ceil(u64::from(listed.page_size));
        match &mut all {
            None => all = Some(listed),
            Some(all) => all.rows.extend(listed.rows),
        }
        if u64::from(page) >= pages {
            break;
        }
        page += 1;
    }
    all.expect("a page")
}

async fn the_partner_list_covers_twelve_months_and_offers_years(backend: Backend) {
    let app = spawn_app(backend).await;
    let this_month = this_month();
    // The window: this month and the eleven before it.
    let first_in_window = (1..12)
        .try_fold(this_month, |month, _| month.previous())
        .expect("a month");
    let inside = report_for(&app.db, HARBOR, first_in_window).await;
    let just_outside = report_for(
        &app.db,
        HARBOR,
        first_in_window.previous().expect("a month"),
    )
    .await;
    let ancient = report_for(&app.db, HARBOR, Period::new(2001, 1).expect("2001-01")).await;
    let (harbor_id, _) = org(&app.db, HARBOR).await;
    let count_from = |key: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM reports WHERE partner_id = $1 AND period >= $2",
            )
            .bind(harbor_id)
            .bind(key)
            .fetch_one(db.pool())
            .await
            .expect("count")
        }
    };

    let maria = app.sign_in(MARIA).await;
    let listed = partner_rows(&app, &maria, json!({})).await;
    let ids: BTreeSet<i64> = listed.rows.iter().map(|row| row.id).collect();
    assert_eq!(
        i64::try_from(listed.total_count).expect("count"),
        count_from(i64::from(first_in_window.to_key())).await,
        "every report of the last 12 months, and only those"
    );
    assert_eq!(ids.len(), listed.rows.len());
    assert_eq!(u64::try_from(ids.len()).expect("len"), listed.total_count);
    assert!(ids.contains(&inside), "the 12th month back is listed");
    assert!(!ids.contains(&just_outside), "the 13th month back is not");
    assert!(!ids.contains(&ancient));
    assert!(
        count_from(0).await > count_from(i64::from(first_in_window.to_key())).await,
        "older reports exist and are left out"
    );
    for row in &listed.rows {
        assert!(row.period >= first_in_window, "{row:?}");
        assert!(row.period <= this_month, "{row:?}");
        assert_eq!(row.partner_name, HARBOR);
        let stored: String =
            sqlx::query_scalar("SELECT submission_deadline FROM reports WHERE id = $1")
                .bind(row.id)
                .fetch_one(app.db.pool())
                .await
                .expect("deadline");
        assert!(!row.submission_deadline.is_empty());
        assert_eq!(row.submission_deadline, stored, "{row:?}");
    }
    // The raw JSON names the field on every row.
    let (_, body) = app
        .call_as(
            "reports/list",
            json!({ "filter": { "page": 1 } }),
            Some(&maria),
        )
        .await;
    assert_eq!(
        body.matches("\"submission_deadline\"").count(),
        listed.rows.len().min(50),
        "{body}"
    );

    // A chosen cycle is not cut to the window.
    let old = partner_rows(&app, &maria, json!({ "from": "2001-01", "to": "2001-12" })).await;
    assert_eq!(
        old.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ancient]
    );
    let until = partner_rows(&app, &maria, json!({ "to": this_month.to_string() })).await;
    assert!(until.rows.iter().any(|r| r.id == just_outside));
    assert_eq!(
        i64::try_from(until.total_count).expect("count"),
        count_from(0).await
    );

    // A distributor's list of every report (not its to-do) is not cut to 12 months.
    let dana = app.sign_in(DANA).await;
    let page = priced_page(
        &app,
        &dana,
        json!({ "view": "All", "partner": HARBOR, "page": 1 }),
    )
    .await;
    assert_eq!(
        i64::try_from(page.total_count).expect("count"),
        count_from(0).await
    );

    // Years: the partner's, newest first; none for the distributor.
    let (status, body) = app
        .call_as("reports/filter-options", json!({}), Some(&maria))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let options: billing_reports::domain::query::FilterOptions =
        serde_json::from_str(&body).expect("options");
    let periods: Vec<i64> = sqlx::query_scalar("SELECT period FROM reports WHERE partner_id = $1")
        .bind(harbor_id)
        .fetch_all(app.db.pool())
        .await
        .expect("periods");
    let mut expected: Vec<i32> = periods
        .iter()
        .map(|key| i32::try_from(key / 100).expect("year"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    expected.reverse();
    assert!(!options.years.is_empty());
    assert_eq!(options.years, expected, "newest first, each once");
    assert!(options.years.windows(2).all(|w| w[0] > w[1]));
    assert_eq!(options.years.last(), Some(&2001));
    assert!(options.regions.is_empty() && options.distributors.is_empty());

    let (status, body) = app
        .call_as("reports/filter-options", json!({}), Some(&dana))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let options: billing_reports::domain::query::FilterOptions =
        serde_json::from_str(&body).expect("options");
    assert!(options.years.is_empty(), "{options:?}");
}

// ---------------------------------------------------------------------------------------------
// 7. No pricing key for a partner
// ---------------------------------------------------------------------------------------------

const PRICING_KEYS: &[&str] = &[
    "unit_price",
    "margin",
    "amount_owed",
    "gross",
    "total",
    "catalogue_unit_price",
    "catalogue_margin",
    "margin_amount",
    "pricing_code",
    "price_changes",
    "granted_codes",
];

/// Every object key anywhere in a JSON value.
fn keys(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                into.insert(key.clone());
                keys(value, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, into)),
        _ => {}
    }
}

fn keys_of(body: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    keys(&serde_json::from_str(body).expect("JSON"), &mut found);
    found
}

async fn a_partner_never_receives_a_pricing_key(backend: Backend) {
    let app = spawn_app(backend).await;
    plant_canaries(&app).await;
    let id = report_id(&app, HARBOR, "msp_preparing").await;
    let maria = app.sign_in(MARIA).await;
    let canaries = [
        "98765.4321",
        "12.3457",
        "5555555.5555",
        "4444444.4444",
        "7777777.7777",
    ];
    let check = |what: &str, body: &str| {
        let found = keys_of(body);
        // The walk does see the partner's keys...
        assert!(
            found.contains("usage") && found.contains("previous_chargeable"),
            "{what}: {found:?}"
        );
        // ...and none about prices.
        for key in PRICING_KEYS {
            assert!(!found.contains(*key), "{what} carries {key}");
        }
        for canary in canaries {
            assert!(!body.contains(canary), "{what} leaks {canary}");
        }
        // Harbor holds Bid Desk Numbers (BDN-NA-…): not one of them reaches it.
        assert!(!body.contains("BDN-"), "{what} names a pricing code");
    };
    let (status, body) = app
        .call_as("reports/open", json!({ "id": id }), Some(&maria))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    check("the opened report", &body);

    // Saving recomputes every line's amounts from the canary prices: still none.
    let line = lines_of(&app.db, id).await[0].clone();
    let (status, saved) = app
        .call_as(
            "reports/act",
            act_body(
                id,
                version_of(&app.db, id).await,
                "SaveDraft",
                vec![edit(line.id, line.default_units() - 1, Some("one fewer"))],
            ),
            Some(&maria),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, body) = app
        .call_as("reports/open", json!({ "id": id }), Some(&maria))
        .await;
    check("the report after a save", &body);
    let (_, list) = app
        .call_as(
            "reports/list",
            json!({ "filter": { "page": 1 } }),
            Some(&maria),
        )
        .await;
    let list_keys = keys_of(&list);
    assert!(list_keys.contains("submission_deadline"));
    for key in PRICING_KEYS {
        assert!(!list_keys.contains(*key), "the list carries {key}");
    }

    // The same walk finds them in what the distributor gets once the report is submitted: the
    // check above would see a leak.
    let review = report_id(&app, BLUE_RIDGE, "under_review").await;
    let dana = app.sign_in(DANA).await;
    let (_, body) = app
        .call_as("reports/open", json!({ "id": review }), Some(&dana))
        .await;
    let found = keys_of(&body);
    for key in [
        "unit_price",
        "margin",
        "amount_owed",
        "gross",
        "total",
        "granted_codes",
    ] {
        assert!(found.contains(key), "the distributor's report lacks {key}");
    }
}
