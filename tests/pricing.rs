//! Special pricing on SQLite and PostgreSQL alike: a distributor verifies a Bid Desk Number or
//! Promote Code for a line, applies the value it unlocks, and the server stores exactly the
//! amounts the browser previewed; bad codes and values change nothing; a reset brings the
//! catalogue back; partners see none of it. Through the services and through the server
//! functions.

mod common;

use billing_reports::server::vendor::Vendor;
use billing_reports::{
    domain::{
        HistoryEvent, OpenedReport, OrgKind, ReportDetail, Role, from_scaled_e4,
        pricing::{PriceChange, SpecialValue, verify_for_line},
    },
    server::{
        db::{Backend, Db, pricing},
        services::{
            Caller, ServiceError,
            reports::{Command, Outcome, act, open, verify_code},
        },
    },
};
use common::pricing_target::{Target, as_user, stored, target};
use common::{TestApp, org, report_id, shared_db, spawn_app, user};
use rust_decimal::Decimal;
use serde_json::json;

on_both_backends!(
    a_verified_code_reprices_the_line_exactly_as_previewed,
    bad_codes_and_values_change_nothing,
    reset_brings_the_catalogue_back,
    removing_one_code_leaves_the_other_lines_as_previewed,
    pricing_server_functions_follow_the_policy,
    partners_never_see_applied_pricing,
    a_priced_report_offers_the_codes_granted_to_its_partner,
);

/// Verifies the target's code for its line and applies the value it grants, as the page does.
async fn apply_granted(db: &Db, dana: &Caller, t: &Target) -> Outcome {
    let verified = verify_code(
        db,
        &Vendor::Builtin,
        as_user(dana),
        t.report,
        t.line,
        &t.code,
    )
    .await
    .expect("valid");
    act(
        db,
        &Vendor::Builtin,
        dana,
        t.report,
        t.version,
        Command::ApplyCode {
            line_id: t.line,
            code: t.code.clone(),
            value: verified.granted.to_input(),
        },
    )
    .await
    .expect("apply")
}

async fn distributor(db: &Db, name: &str, role: Role) -> Caller {
    user(org(db, name).await, OrgKind::Distributor, role)
}

async fn priced(db: &Db, caller: &Caller, report: i64) -> ReportDetail {
    let Caller::User(user) = caller else {
        panic!("a user")
    };
    match open(db, &Vendor::Builtin, user, report)
        .await
        .expect("open")
    {
        OpenedReport::Priced(detail) => detail,
        OpenedReport::Partner(_) => panic!("expected the priced shape"),
    }
}

async fn a_verified_code_reprices_the_line_exactly_as_previewed(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let t = target(&db).await;
    let dana = distributor(&db, &t.distributor, Role::BillingManager).await;
    let before = priced(&db, &dana, t.report).await;
    let (_, _, history_before) = stored(&db, t.report).await;

    // Verifying tells what the code grants and changes nothing.
    let verified = verify_code(
        &db,
        &Vendor::Builtin,
        as_user(&dana),
        t.report,
        t.line,
        &t.code.to_lowercase(),
    )
    .await
    .expect("a valid code");
    assert_eq!(verified.code, t.code, "codes are normalised");
    assert_eq!(verified.kind, before.rules.code_kind);
    assert_eq!(
        stored(&db, t.report).await,
        (t.version, scaled(before.total), history_before)
    );

    // A value between the grant and the list: what the browser previews...
    let line = before
        .lines
        .iter()
        .find(|l| l.product.line_id == t.line)
        .expect("line")
        .clone();
    let (typed, unit_price, margin) = match verified.granted {
        SpecialValue::UnitPrice(granted) => {
            let between = (granted.get() + line.catalogue_unit_price.get()) / Decimal::TWO;
            let between = between.round_dp(4);
            let price = billing_reports::domain::UnitPrice::new(between).expect("price");
            (between.to_string(), price, line.catalogue_margin)
        }
        SpecialValue::Margin(granted) => (granted.to_string(), line.catalogue_unit_price, granted),
    };
    let (amounts, preview_total) = before.preview(t.line, unit_price, margin).expect("preview");

    // ...is what the server stores.
    let outcome = act(
        &db,
        &Vendor::Builtin,
        &dana,
        t.report,
        t.version,
        Command::ApplyCode {
            line_id: t.line,
            code: t.code.clone(),
            value: format!(" {typed} "),
        },
    )
    .await
    .expect("apply the code");
    assert_eq!(outcome.version, t.version + 1);
    let (version, total_e4, history_after) = stored(&db, t.report).await;
    assert_eq!(version, t.version + 1);
    assert_eq!(from_scaled_e4(total_e4), preview_total);
    assert_eq!(
        history_after,
        history_before + 1,
        "exactly one history entry"
    );

    let (price_e4, margin_e4, code, by, gross_e4, owed_e4): (
        i64,
        i64,
        Option<String>,
        Option<String>,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT unit_price_e4, margin_e4, pricing_code, code_applied_by, gross_e4, amount_owed_e4 \
         FROM line_items WHERE id = $1",
    )
    .bind(t.line)
    .fetch_one(db.pool())
    .await
    .expect("line");
    assert_eq!(from_scaled_e4(price_e4), unit_price.get());
    assert_eq!(from_scaled_e4(margin_e4), margin.get());
    assert_eq!(from_scaled_e4(gross_e4), amounts.gross);
    assert_eq!(from_scaled_e4(owed_e4), amounts.amount_owed);
    assert_eq!(code.as_deref(), Some(t.code.as_str()));
    assert_eq!(
        by.as_deref(),
        Some(format!("{} user", t.distributor).as_str())
    );

    // The opened report says the same, and its history keeps the prices before and after.
    let after = priced(&db, &dana, t.report).await;
    assert_eq!(after.total, preview_total);
    let entry = after.history.last().expect("history");
    assert_eq!(entry.event, HistoryEvent::PricingCodeApplied);
    assert!(
        entry
            .comment
            .as_deref()
            .unwrap_or_default()
            .contains(&t.code)
    );
    let (id, change): &(i64, PriceChange) = after.price_changes.last().expect("price change");
    assert_eq!(*id, entry.id);
    assert_eq!(change.before.len(), 1);
    assert_eq!(change.before[0].unit_price, line.unit_price);
    assert_eq!(change.after[0].unit_price, unit_price);
    assert_eq!(change.after[0].margin, margin);
    assert_eq!(change.after[0].code.as_deref(), Some(t.code.as_str()));

    // The partner's view of the same report carries none of it.
    let partner = user(
        org(&db, &t.partner).await,
        OrgKind::Partner,
        Role::BillingManager,
    );
    let opened = open(&db, &Vendor::Builtin, as_user(&partner), t.report)
        .await
        .expect("open");
    let json = serde_json::to_string(&opened).expect("json");
    assert!(matches!(opened, OpenedReport::Partner(_)));
    // The price as JSON carries it (a quoted decimal), so that digits of a timestamp are not
    // taken for it.
    let price = format!("\"{unit_price}\"");
    for leak in [
        t.code.as_str(),
        "unit_price",
        "margin",
        "price_changes",
        &price,
    ] {
        assert!(!json.contains(leak), "{leak} reached the partner: {json}");
    }
}

fn scaled(value: Decimal) -> i64 {
    billing_reports::domain::scaled_e4(value).expect("scaled")
}

async fn bad_codes_and_values_change_nothing(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let t = target(&db).await;
    let dana = distributor(&db, &t.distributor, Role::BillingManager).await;
    let verified = verify_code(
        &db,
        &Vendor::Builtin,
        as_user(&dana),
        t.report,
        t.line,
        &t.code,
    )
    .await
    .expect("valid");
    let before = stored(&db, t.report).await;

    let other_partners_code: String = sqlx::query_scalar(
        "SELECT code FROM pricing_codes WHERE partner_id <> \
         (SELECT partner_id FROM reports WHERE id = $1) ORDER BY id LIMIT 1",
    )
    .bind(t.report)
    .fetch_one(db.pool())
    .await
    .expect("another partner's code");
    let beyond = match verified.granted {
        // Below the granted price, or above the granted margin: better than the vendor allowed.
        SpecialValue::UnitPrice(p) => (p.get() - Decimal::new(1, 2)).to_string(),
        SpecialValue::Margin(m) => (m.get() + Decimal::new(1, 2)).to_string(),
    };
    let cases: Vec<(Command, &str)> = vec![
        (
            Command::ApplyCode {
                line_id: t.line,
                code: "NO-SUCH-CODE".to_owned(),
                value: "1".to_owned(),
            },
            "no such code",
        ),
        (
            Command::ApplyCode {
                line_id: t.line,
                code: "x'; DROP TABLE reports".to_owned(),
                value: "1".to_owned(),
            },
            "no such code",
        ),
        (
            Command::ApplyCode {
                line_id: t.line,
                code: other_partners_code,
                value: "1".to_owned(),
            },
            // The same words as an unknown code: nothing confirms another partner's code.
            "no such code",
        ),
        (
            Command::ApplyCode {
                line_id: t.line,
                code: t.code.clone(),
                value: beyond,
            },
            "allows",
        ),
        (
            Command::ApplyCode {
                line_id: t.line,
                code: t.code.clone(),
                value: "twelve".to_owned(),
            },
            "plain number",
        ),
        (
            Command::ApplyCode {
                line_id: i64::MAX,
                code: t.code.clone(),
                value: "1".to_owned(),
            },
            "not part of the report",
        ),
        (Command::ResetPricing, "nothing to reset"),
    ];
    for (command, expected) in cases {
        let refused = act(
            &db,
            &Vendor::Builtin,
            &dana,
            t.report,
            t.version,
            command.clone(),
        )
        .await
        .expect_err("refused");
        match refused.invalid_message() {
            Some(message) => assert!(message.contains(expected), "{command:?}: {message}"),
            None => panic!("{command:?}: {refused:?}"),
        }
        assert_eq!(
            stored(&db, t.report).await,
            before,
            "{command:?} changed something"
        );
    }

    // Support may look but not price; another distributor does not even see the report.
    let support = distributor(&db, &t.distributor, Role::Support).await;
    let apply = Command::ApplyCode {
        line_id: t.line,
        code: t.code.clone(),
        value: verified.granted.to_input(),
    };
    assert!(matches!(
        act(
            &db,
            &Vendor::Builtin,
            &support,
            t.report,
            t.version,
            apply.clone()
        )
        .await,
        Err(ServiceError::Refused(_))
    ));
    assert!(matches!(
        verify_code(
            &db,
            &Vendor::Builtin,
            as_user(&support),
            t.report,
            t.line,
            &t.code
        )
        .await,
        Err(ServiceError::Refused(_))
    ));
    let stranger_name: String = sqlx::query_scalar(
        "SELECT name FROM organisations WHERE kind = 'distributor' AND name <> $1 ORDER BY id LIMIT 1",
    )
    .bind(&t.distributor)
    .fetch_one(db.pool())
    .await
    .expect("another distributor");
    let stranger = distributor(&db, &stranger_name, Role::Administrator).await;
    assert!(matches!(
        act(
            &db,
            &Vendor::Builtin,
            &stranger,
            t.report,
            t.version,
            apply.clone()
        )
        .await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        verify_code(
            &db,
            &Vendor::Builtin,
            as_user(&stranger),
            t.report,
            t.line,
            &t.code
        )
        .await,
        Err(ServiceError::NotFound)
    ));
    // A stale version is a conflict, not an edit.
    assert!(matches!(
        act(
            &db,
            &Vendor::Builtin,
            &dana,
            t.report,
            t.version - 1,
            apply.clone()
        )
        .await,
        Err(ServiceError::Conflict { .. })
    ));
    assert_eq!(stored(&db, t.report).await, before);

    // Once submitted to the vendor, prices are frozen.
    let submitted = act(
        &db,
        &Vendor::Builtin,
        &dana,
        t.report,
        t.version,
        Command::SubmitToVendor {
            po_number: Some("PO-1".to_owned()),
            comment: None,
        },
    )
    .await
    .expect("submit to the vendor");
    let frozen = stored(&db, t.report).await;
    assert!(matches!(
        act(
            &db,
            &Vendor::Builtin,
            &dana,
            t.report,
            submitted.version,
            apply
        )
        .await,
        Err(ServiceError::Refused(_))
    ));
    assert!(matches!(
        verify_code(
            &db,
            &Vendor::Builtin,
            as_user(&dana),
            t.report,
            t.line,
            &t.code
        )
        .await,
        Err(ServiceError::Refused(_))
    ));
    assert_eq!(stored(&db, t.report).await, frozen);
}

async fn reset_brings_the_catalogue_back(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let t = target(&db).await;
    let dana = distributor(&db, &t.distributor, Role::Administrator).await;
    let catalogue = priced(&db, &dana, t.report).await;
    let applied = apply_granted(&db, &dana, &t).await;
    // What the confirmation says before the reset is what the reset stores.
    let asked = priced(&db, &dana, t.report).await.reset_preview(None);
    assert!(asked.lines >= 1, "{asked:?}");
    let reset = act(
        &db,
        &Vendor::Builtin,
        &dana,
        t.report,
        applied.version,
        Command::ResetPricing,
    )
    .await
    .expect("reset");
    let after = priced(&db, &dana, t.report).await;
    assert_eq!(reset.version, t.version + 2);
    for line in &after.lines {
        assert_eq!(line.unit_price, line.catalogue_unit_price);
        assert_eq!(line.margin, line.catalogue_margin);
        assert_eq!(line.pricing_code, None);
        assert_eq!(line.code_applied_by, None);
    }
    // Lines that carried special pricing before (the demo data has some) are reset too, and the
    // total is the catalogue's.
    let catalogue_total: Decimal = catalogue
        .lines
        .iter()
        .map(|l| {
            billing_reports::domain::line_amounts(
                l.catalogue_unit_price,
                l.catalogue_margin,
                l.usage.chargeable,
                catalogue.header.currency,
            )
            .amount_owed
        })
        .sum();
    assert_eq!(after.total, catalogue_total);
    assert_eq!(after.total, asked.total);
    let entry = after.history.last().expect("history");
    assert_eq!(entry.event, HistoryEvent::PricingReset);
    assert_eq!(
        after.price_changes.last().map(|(id, _)| *id),
        Some(entry.id)
    );
}

/// "Remove" on one line puts that line back to the catalogue and leaves every other line as it
/// was; the total is the one the page previewed; removing it again is refused and changes nothing.
async fn removing_one_code_leaves_the_other_lines_as_previewed(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let t = target(&db).await;
    let dana = distributor(&db, &t.distributor, Role::Administrator).await;
    let applied = apply_granted(&db, &dana, &t).await;
    let before = priced(&db, &dana, t.report).await;
    let asked = before.reset_preview(Some(t.line));
    assert_eq!(asked.lines, 1);
    assert_ne!(asked.total, before.total, "the code changed the total");
    let removed = act(
        &db,
        &Vendor::Builtin,
        &dana,
        t.report,
        applied.version,
        Command::RemoveCode { line_id: t.line },
    )
    .await
    .expect("remove");
    let after = priced(&db, &dana, t.report).await;
    assert_eq!(after.total, asked.total);
    for (was, now) in before.lines.iter().zip(&after.lines) {
        if now.product.line_id == t.line {
            assert_eq!(
                (now.unit_price, now.margin, now.pricing_code.as_deref()),
                (now.catalogue_unit_price, now.catalogue_margin, None)
            );
        } else {
            assert_eq!(was, now, "another line changed");
        }
    }
    let entry = after.history.last().expect("history");
    assert_eq!(entry.event, HistoryEvent::PricingCodeRemoved);
    assert_eq!(
        entry.comment.as_deref(),
        Some(format!("{} removed from {}", t.code, now_name(&after, t.line)).as_str())
    );
    assert_eq!(
        after.price_changes.last().map(|(id, _)| *id),
        Some(entry.id)
    );

    let snapshot = stored(&db, t.report).await;
    let again = act(
        &db,
        &Vendor::Builtin,
        &dana,
        t.report,
        removed.version,
        Command::RemoveCode { line_id: t.line },
    )
    .await
    .expect_err("nothing to remove");
    assert!(
        again
            .invalid_message()
            .is_some_and(|m| m.contains("no special pricing to remove")),
        "{again:?}"
    );
    assert_eq!(stored(&db, t.report).await, snapshot);
}

fn now_name(detail: &ReportDetail, line: i64) -> String {
    detail
        .lines
        .iter()
        .find(|l| l.product.line_id == line)
        .map(|l| l.product.name.clone())
        .unwrap_or_default()
}

/// The server functions: the distributor verifies and applies through `/api/...`; the partner
/// and a stranger are told "not found"; nobody signed in is asked to sign in.
async fn pricing_server_functions_follow_the_policy(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = target(&app.db).await;
    let email: String = sqlx::query_scalar(
        "SELECT u.email FROM users u JOIN organisations o ON o.id = u.org_id \
         WHERE o.name = $1 AND u.role IN ('administrator', 'billing_manager') ORDER BY u.id LIMIT 1",
    )
    .bind(&t.distributor)
    .fetch_optional(app.db.pool())
    .await
    .expect("query")
    .unwrap_or_else(|| panic!("no demo account for {}", t.distributor));
    let verify = json!({ "id": t.report, "line_id": t.line, "code": t.code });

    let (status, _) = app.call("reports/verify-code", verify.clone()).await;
    assert_eq!(status, 401);

    let cookie = app.sign_in(&email).await;
    let (status, body) = app
        .call_as("reports/verify-code", verify.clone(), Some(&cookie))
        .await;
    assert_eq!(status, 200, "{body}");
    let verified: billing_reports::domain::pricing::VerifiedCode =
        serde_json::from_str(&body).expect("verified code");
    assert_eq!(verified.code, t.code);

    let (status, body) = app
        .call_as(
            "reports/verify-code",
            json!({ "id": t.report, "line_id": t.line, "code": "NOPE-1" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("no such code"), "{body}");

    let apply = json!({
        "id": t.report,
        "version": t.version,
        "action": { "ApplyCode": {
            "line_id": t.line, "code": t.code, "value": verified.granted.to_input()
        } }
    });
    let (status, body) = app
        .call_as("reports/act", apply.clone(), Some(&cookie))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.trim(), (t.version + 1).to_string());
    // The same request again is based on an old version: a conflict, nothing changes.
    let (status, body) = app.call_as("reports/act", apply, Some(&cookie)).await;
    assert_eq!(status, 409, "{body}");

    // Anyone who may not price this report: the partner and another region's distributor are
    // told it does not exist, exactly as for a missing report.
    let missing = app
        .call_as(
            "reports/verify-code",
            json!({ "id": 999_999_999, "line_id": t.line, "code": t.code }),
            Some(&cookie),
        )
        .await;
    assert_eq!(missing.0, 404);
    for other in [
        "maria@harbor-it.example",
        "jonas@rheinland-systemhaus.example",
        "lukas@atlas-distribution.example",
        "dana@summit-tech.example",
    ] {
        if other == email {
            continue;
        }
        let their_org: String = sqlx::query_scalar(
            "SELECT o.name FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.email = $1",
        )
        .bind(other)
        .fetch_one(app.db.pool())
        .await
        .expect("demo account");
        let cookie = app.sign_in(other).await;
        let (status, body) = app
            .call_as("reports/verify-code", verify.clone(), Some(&cookie))
            .await;
        if their_org == t.partner {
            // The report's own partner sees it, but pricing is not the partner's to do.
            assert_eq!(status, 403, "{other}: {body}");
        } else {
            assert_eq!((status, &body), (missing.0, &missing.1), "{other}");
        }
    }
}

/// A partner whose report carries special pricing sees none of it: not in the server-rendered
/// page, not in the data the page hydrates from, not in the history.
async fn partners_never_see_applied_pricing(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.db;
    // Harbor IT Services holds a Bid Desk Number; apply it wherever its reports are under review.
    let targets: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT r.id, l.id, c.code FROM pricing_codes c \
         JOIN organisations p ON p.id = c.partner_id AND p.name = 'Harbor IT Services' \
         JOIN reports r ON r.partner_id = p.id AND r.status = 'under_review' \
              AND r.period BETWEEN c.valid_from AND c.valid_to \
         JOIN line_items l ON l.report_id = r.id AND l.product_id = c.product_id",
    )
    .fetch_all(db.pool())
    .await
    .expect("targets");
    let dana = distributor(db, "Summit Tech Distribution", Role::Administrator).await;
    for (report, line, code) in &targets {
        let verified = verify_code(db, &Vendor::Builtin, as_user(&dana), *report, *line, code)
            .await
            .expect("valid");
        // A report may get several codes: each applied to the version the last one left.
        let (version, _, _) = stored(db, *report).await;
        act(
            db,
            &Vendor::Builtin,
            &dana,
            *report,
            version,
            Command::ApplyCode {
                line_id: *line,
                code: code.clone(),
                value: verified.granted.to_input(),
            },
        )
        .await
        .expect("apply");
    }
    let priced: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT r.id, l.pricing_code FROM reports r \
         JOIN organisations p ON p.id = r.partner_id AND p.name = 'Harbor IT Services' \
         JOIN line_items l ON l.report_id = r.id WHERE l.pricing_code IS NOT NULL",
    )
    .fetch_all(db.pool())
    .await
    .expect("priced reports");
    assert!(
        !priced.is_empty(),
        "the check needs a Harbor report with special pricing"
    );

    let cookie = app.sign_in("maria@harbor-it.example").await;
    for (report, code) in &priced {
        let (status, html) = app
            .get_as(&format!("/reports/{report}"), Some(&cookie))
            .await;
        assert_eq!(status, 200);
        let (status, json) = app
            .call_as("reports/open", json!({ "id": report }), Some(&cookie))
            .await;
        assert_eq!(status, 200);
        for text in [&html, &json] {
            for leak in [
                code.as_str(),
                "Bid Desk",
                "apply_pricing_code",
                "special pricing",
                "unit_price",
                "Amount owed",
            ] {
                assert!(
                    !text.contains(leak),
                    "{leak} reached the partner in report {report}"
                );
            }
        }
    }
}

/// A report opened by `cookie`'s user over HTTP, as the page loads it.
async fn opened_over_http(app: &TestApp, cookie: &str, id: i64) -> (OpenedReport, String) {
    let (status, body) = app
        .call_as("reports/open", json!({ "id": id }), Some(cookie))
        .await;
    assert_eq!(status, 200, "{body}");
    (serde_json::from_str(&body).expect("a report"), body)
}

/// The distributor, the vendor and an admin get, with a priced report, the codes the vendor
/// granted its partner for the report's month and products — each offering exactly what
/// verifying it for its line grants; the partner gets none of them.
async fn a_priced_report_offers_the_codes_granted_to_its_partner(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.db;
    let id = report_id(&app, "Harbor IT Services", "submitted_to_vendor").await;
    // What the vendor's code table holds for the partner, valid in the report's month, for a
    // product on one of its lines: line by line, by code.
    let expected: Vec<(i64, String)> = sqlx::query_as(
        "SELECT l.id, c.code FROM reports r \
         JOIN line_items l ON l.report_id = r.id \
         JOIN pricing_codes c ON c.partner_id = r.partner_id AND c.product_id = l.product_id \
              AND r.period BETWEEN c.valid_from AND c.valid_to \
         WHERE r.id = $1 ORDER BY l.position, c.code",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await
    .expect("granted codes");
    assert!(
        expected.len() >= 3,
        "Harbor holds several codes: {expected:?}"
    );
    assert!(
        expected.windows(2).any(|pair| pair[0].0 == pair[1].0),
        "two codes for one line, to choose from: {expected:?}"
    );

    let dana = app.sign_in("dana@summit-tech.example").await;
    let (OpenedReport::Priced(detail), _) = opened_over_http(&app, &dana, id).await else {
        panic!("a distributor sees a submitted report's prices");
    };
    let offered: Vec<(i64, String)> = detail
        .granted_codes
        .iter()
        .map(|granted| (granted.line_id, granted.code.clone()))
        .collect();
    assert_eq!(offered, expected);
    for granted in &detail.granted_codes {
        let line = detail
            .lines
            .iter()
            .find(|line| line.product.line_id == granted.line_id)
            .expect("the code's line");
        let product_id: i64 = sqlx::query_scalar("SELECT product_id FROM line_items WHERE id = $1")
            .bind(granted.line_id)
            .fetch_one(db.pool())
            .await
            .expect("product");
        let mut tx = db.pool().begin().await.expect("a transaction");
        let record = pricing::find_code(&mut tx, &granted.code)
            .await
            .expect("lookup")
            .expect("an issued code");
        tx.rollback().await.expect("rollback");
        let verified = verify_for_line(
            granted.code.clone(),
            Some(&record),
            detail.header.partner_id,
            product_id,
            detail.header.period,
            detail.rules,
        )
        .expect("a granted code verifies for its line");
        assert_eq!(granted.value, verified.granted, "{}", line.product.name);
        assert_eq!(granted.kind, detail.rules.code_kind);
        assert_eq!(granted.valid_to, record.valid_to);
    }

    // The vendor and an admin are offered the same codes.
    for account in ["vera@vendor.example", "ops@billing-reports.example"] {
        let cookie = app.sign_in(account).await;
        let (OpenedReport::Priced(seen), _) = opened_over_http(&app, &cookie, id).await else {
            panic!("{account} sees prices");
        };
        assert_eq!(seen.granted_codes, detail.granted_codes, "{account}");
    }

    // The partner's report, in JSON and in the page it hydrates from, names none of them.
    let maria = app.sign_in("maria@harbor-it.example").await;
    let (opened, json) = opened_over_http(&app, &maria, id).await;
    assert!(matches!(opened, OpenedReport::Partner(_)));
    let (status, html) = app.get_as(&format!("/reports/{id}"), Some(&maria)).await;
    assert_eq!(status, 200);
    for text in [&json, &html] {
        assert!(!text.contains("granted_codes"));
        for (_, code) in &expected {
            assert!(!text.contains(code.as_str()), "{code} reached the partner");
        }
    }
}
