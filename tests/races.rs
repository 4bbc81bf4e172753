//! Races: 8 clients act on a handful of reports at once, each with the version it last read, so
//! most of them collide. Whatever wins, nothing is lost and nothing is doubled: every
//! acknowledged action is in the history exactly once, each report's version moved on once per
//! acknowledged action, its statuses follow SPEC §4 entry after entry, and its chain holds.
//!
//! `BR_RACE_ACTIONS` sets the actions per client: 250 in the test command, 10,000 in
//! `make bench`.

mod common;

use billing_reports::server::vendor::Vendor;
use std::collections::BTreeMap;

use billing_reports::{
    domain::{OrgKind, ReviewReason, Role, Status, history::read_status},
    server::{
        db::{Backend, Db, reports::chain},
        services::{
            Caller, ServiceError,
            reports::{Command, Outcome, act},
        },
    },
};
use common::{VENDOR, org, shared_db, status_and_version, user, workflow_moves};

on_both_backends!(conflicting_actions_lose_nothing_and_double_nothing);

const CLIENTS: u64 = 8;
const REPORTS: i64 = 4;

fn actions_per_client() -> u64 {
    std::env::var("BR_RACE_ACTIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(250)
}

/// One report of the race and who acts on it.
#[derive(Clone)]
struct Target {
    id: i64,
    distributor: Caller,
}

/// What a client saw acknowledged.
#[derive(Debug)]
struct Ack {
    report: i64,
    version: i64,
    /// The PO number it set, when it set one.
    po_number: Option<String>,
}

#[derive(Default, Debug)]
struct Tally {
    acks: Vec<Ack>,
    conflicts: u64,
    refused: u64,
}

/// A small deterministic generator per client (no floats, no extra crate).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % sides
    }
}

/// One client: reads a report, picks what its status allows (a PO number or a submission while
/// under review, a return once with the vendor), and acts with the version it read.
async fn client(db: Db, n: u64, targets: Vec<Target>, vendor: Caller, actions: u64) -> Tally {
    let mut dice = Dice(n + 1);
    let mut tally = Tally::default();
    for i in 0..actions {
        let target = &targets[dice.roll(targets.len() as u64) as usize];
        let (status, version) = status_and_version(&db, target.id).await;
        let po_number = format!("RACE-{n}-{i}");
        let (caller, command, sets_po) = match status.as_str() {
            "under_review" if dice.roll(2) == 0 => (
                &target.distributor,
                Command::SetPoNumber {
                    po_number: po_number.clone(),
                },
                true,
            ),
            "under_review" => (
                &target.distributor,
                Command::SubmitToVendor {
                    po_number: None,
                    comment: None,
                },
                false,
            ),
            "submitted_to_vendor" => (
                &vendor,
                Command::Return {
                    reason: format!("Please check line {i}"),
                },
                false,
            ),
            other => panic!("report {} left the race's loop: {other}", target.id),
        };
        match act(&db, &Vendor::Builtin, caller, target.id, version, command).await {
            Ok(Outcome { version, .. }) => tally.acks.push(Ack {
                report: target.id,
                version,
                po_number: sets_po.then_some(po_number),
            }),
            Err(ServiceError::Conflict { .. }) => tally.conflicts += 1,
            Err(ServiceError::Refused(_)) => tally.refused += 1,
            Err(other) => panic!("client {n}, action {i}: {other:?}"),
        }
    }
    tally
}

async fn conflicting_actions_lose_nothing_and_double_nothing(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let picked: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.id, d.name FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE r.status = 'under_review' ORDER BY r.id LIMIT $1",
    )
    .bind(REPORTS)
    .fetch_all(db.pool())
    .await
    .expect("reports under review");
    assert_eq!(picked.len() as i64, REPORTS);
    let mut targets = Vec::new();
    for (id, distributor) in picked {
        let distributor = user(
            org(&db, &distributor).await,
            OrgKind::Distributor,
            Role::Administrator,
        );
        // Every report gets a PO number first, so that it can go to the vendor.
        let (_, version) = status_and_version(&db, id).await;
        act(
            &db,
            &Vendor::Builtin,
            &distributor,
            id,
            version,
            Command::SetPoNumber {
                po_number: format!("RACE-START-{id}"),
            },
        )
        .await
        .expect("a PO number to start with");
        targets.push(Target { id, distributor });
    }
    let vendor = user(org(&db, VENDOR).await, OrgKind::Vendor, Role::Administrator);
    let mut start = BTreeMap::new();
    for target in &targets {
        start.insert(target.id, status_and_version(&db, target.id).await.1);
    }
    let first_entry: i64 = sqlx::query_scalar("SELECT MAX(id) FROM history")
        .fetch_one(db.pool())
        .await
        .expect("history");

    let actions = actions_per_client();
    let runs: Vec<_> = (0..CLIENTS)
        .map(|n| {
            tokio::spawn(client(
                db.clone(),
                n,
                targets.clone(),
                vendor.clone(),
                actions,
            ))
        })
        .collect();
    let mut tally = Tally::default();
    for run in runs {
        let done = run.await.expect("client");
        tally.acks.extend(done.acks);
        tally.conflicts += done.conflicts;
        tally.refused += done.refused;
    }
    println!(
        "{} actions by {CLIENTS} clients on {REPORTS} reports: {} acknowledged, {} told the \
         report changed meanwhile, {} refused",
        CLIENTS * actions,
        tally.acks.len(),
        tally.conflicts,
        tally.refused
    );
    assert_eq!(
        tally.acks.len() as u64 + tally.conflicts + tally.refused,
        CLIENTS * actions
    );
    assert!(tally.conflicts > 0, "the clients did collide");

    for target in &targets {
        let id = target.id;
        let acked: Vec<&Ack> = tally.acks.iter().filter(|ack| ack.report == id).collect();
        // Each acknowledged action moved the version on once: the versions acknowledged are
        // exactly the ones between the start and now, each once.
        let mut versions: Vec<i64> = acked.iter().map(|ack| ack.version).collect();
        versions.sort_unstable();
        let (_, now) = status_and_version(&db, id).await;
        assert_eq!(
            versions,
            (start[&id] + 1..=now).collect::<Vec<_>>(),
            "report {id}"
        );
        // One history entry per acknowledged action, statuses following SPEC §4.
        let entries: Vec<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT from_status, to_status, comment FROM history \
             WHERE report_id = $1 AND id > $2 ORDER BY id",
        )
        .bind(id)
        .bind(first_entry)
        .fetch_all(db.pool())
        .await
        .expect("entries");
        assert_eq!(
            entries.len(),
            acked.len(),
            "report {id}: one entry per action"
        );
        let moves = workflow_moves();
        let mut at = Status::UnderReview(ReviewReason::Manual);
        for (from, to, _) in &entries {
            let from = read_status(from.as_deref().expect("from")).expect("a status");
            let to = read_status(to.as_deref().expect("to")).expect("a status");
            assert_eq!(
                from.as_code(),
                at.as_code(),
                "report {id}: statuses follow on"
            );
            assert!(
                from.as_code() == to.as_code() || moves.contains(&(from.as_code(), to.as_code())),
                "report {id}: {from:?} → {to:?} is not a move of SPEC §4"
            );
            at = to;
        }
        // Every PO number acknowledged is in the history once.
        for ack in acked.iter().filter_map(|ack| ack.po_number.as_deref()) {
            let found = entries
                .iter()
                .filter(|(_, _, comment)| {
                    comment
                        .as_deref()
                        .is_some_and(|c| c.ends_with(&format!("→ {ack}")))
                })
                .count();
            assert_eq!(found, 1, "report {id}: PO number {ack} in the history once");
        }
    }
    let chains = chain::verify(&db, String::new()).await.expect("verify");
    assert!(chains.is_intact(), "{:?}", chains.breaks);
}
