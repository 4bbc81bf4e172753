//! The history's hash chain (migration 0010): each entry stores the hash of the entry before it
//! in the same report and the SHA-256 of its own content and that link. Appending links the new
//! entry to the report's newest one (inside the action's write transaction, so two entries never
//! follow the same one); verifying walks every report's entries in order and names the first
//! one that does not fit. The stored text of each column is what is hashed, so the chain checks
//! exactly what an auditor reads back.

use sqlx::{Any, FromRow, Transaction};

use crate::domain::{
    HistoryEvent,
    integrity::{ChainBreak, IntegrityCheck},
};
use crate::server::db::{Db, SqlError};
use crate::server::digest::sha256_hex;

/// What a report's first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The columns of one entry that its hash covers, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Content<'a> {
    pub report_id: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub actor_org: Option<&'a str>,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
    pub prices_json: Option<&'a str>,
}

impl Content<'_> {
    /// The hash of this content following `prev`: every field length-prefixed (an absent one
    /// as `-`), so no two different entries read as the same text.
    pub fn hash(&self, prev: &str) -> String {
        let mut text = format!("billing-reports history v1\n{prev}\n{}\n", self.report_id);
        let fields = [
            Some(self.at),
            Some(self.actor),
            self.actor_org,
            self.actor_role,
            Some(self.action),
            self.from_status,
            self.to_status,
            self.comment,
            self.before_json,
            self.after_json,
            self.prices_json,
        ];
        for field in fields {
            match field {
                Some(value) => text.push_str(&format!("{}:{value}\n", value.len())),
                None => text.push_str("-\n"),
            }
        }
        sha256_hex(text.as_bytes())
    }
}

/// One stored entry as the chain sees it.
#[derive(Clone, Debug, FromRow)]
pub struct ChainRow {
    pub id: i64,
    pub report_id: i64,
    pub at: String,
    pub actor: String,
    pub actor_org: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub comment: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prices_json: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl ChainRow {
    pub fn content(&self) -> Content<'_> {
        Content {
            report_id: self.report_id,
            at: &self.at,
            actor: &self.actor,
            actor_org: self.actor_org.as_deref(),
            actor_role: self.actor_role.as_deref(),
            action: &self.action,
            from_status: self.from_status.as_deref(),
            to_status: self.to_status.as_deref(),
            comment: self.comment.as_deref(),
            before_json: self.before_json.as_deref(),
            after_json: self.after_json.as_deref(),
            prices_json: self.prices_json.as_deref(),
        }
    }
}

const COLUMNS: &str = "id, report_id, at, actor, actor_org, actor_role, action, from_status, \
                       to_status, comment, before_json, after_json, prices_json, prev_hash, hash";

/// What a report's history must at least hold, from outside the history itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// The report's version: every action moves it on by one and appends at least one entry.
    pub version: i64,
    /// Deliveries the vendor received: each appended a "received by the vendor" entry without
    /// moving the version (the outbox row records it as well).
    pub receipts: i64,
}

/// Checks one report's entries (oldest first) against what it must hold: answers the first
/// break, if any. A history with fewer action entries than the version, or fewer receipts than
/// the outbox's delivered rows, has lost entries at its end.
pub fn check(report_id: i64, expected: Expected, entries: &[ChainRow]) -> Option<ChainBreak> {
    let broken = |entry_id: Option<i64>, what: String| {
        Some(ChainBreak {
            report_id,
            entry_id,
            what,
        })
    };
    let mut prev = GENESIS.to_owned();
    for entry in entries {
        let (Some(link), Some(hash)) = (&entry.prev_hash, &entry.hash) else {
            return broken(
                Some(entry.id),
                "it has no hash (it was never sealed)".into(),
            );
        };
        if *link != prev {
            return broken(
                Some(entry.id),
                "it does not follow the entry before it: an entry was removed, added or \
                 reordered here"
                    .into(),
            );
        }
        if entry.content().hash(link) != *hash {
            return broken(
                Some(entry.id),
                "its content was changed after it was written".into(),
            );
        }
        prev = hash.clone();
    }
    let receipt = HistoryEvent::DeliveredToVendor.as_code();
    let receipts = entries
        .iter()
        .filter(|entry| entry.action == receipt)
        .count() as i64;
    let actions = entries.len() as i64 - receipts;
    let Expected { version, .. } = expected;
    if actions < version {
        return broken(
            None,
            format!(
                "the report is at version {version} but its history has {actions} entries of \
                 actions: entries were removed from its end"
            ),
        );
    }
    if receipts < expected.receipts {
        return broken(
            None,
            format!(
                "the outbox holds {} deliveries the vendor received, its history {receipts}: \
                 entries were removed from its end",
                expected.receipts
            ),
        );
    }
    None
}

/// The link for a new entry of `report_id`: the hash of its newest entry (sealing any entries
/// written before the chain existed first), or [`GENESIS`]. Call inside the write transaction
/// that appends.
pub async fn link(tx: &mut Transaction<'static, Any>, report_id: i64) -> Result<String, SqlError> {
    let newest: Option<(Option<String>,)> =
        sqlx::query_as("SELECT hash FROM history WHERE report_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(report_id)
            .fetch_optional(&mut **tx)
            .await?;
    match newest {
        None => Ok(GENESIS.to_owned()),
        Some((Some(hash),)) => Ok(hash),
        Some((None,)) => seal_report(tx, report_id).await,
    }
}

/// Seals the entries of `report_id` written before the chain existed (migration 0010 noted the
/// last one) that have no hash yet, oldest first; answers the newest hash. Those entries come
/// first in every report; any other entry without a hash is left for the check to name.
async fn seal_report(
    tx: &mut Transaction<'static, Any>,
    report_id: i64,
) -> Result<String, SqlError> {
    let rows: Vec<ChainRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM history WHERE report_id = $1 ORDER BY id"
    ))
    .bind(report_id)
    .fetch_all(&mut **tx)
    .await?;
    let legacy_through: i64 = sqlx::query_scalar("SELECT legacy_through FROM history_chain_start")
        .fetch_one(&mut **tx)
        .await?;
    let mut prev = GENESIS.to_owned();
    for row in rows {
        if let Some(hash) = row.hash {
            prev = hash;
            continue;
        }
        if row.id > legacy_through {
            break;
        }
        let hash = row.content().hash(&prev);
        sqlx::query("UPDATE history SET prev_hash = $1, hash = $2 WHERE id = $3 AND hash IS NULL")
            .bind(prev.clone())
            .bind(hash.clone())
            .bind(row.id)
            .execute(&mut **tx)
            .await?;
        prev = hash;
    }
    Ok(prev)
}

/// Seals every report that still has unsealed entries, one transaction per report; answers
/// how many reports. Run at start-up after the migrations.
pub async fn seal_unsealed(db: &Db) -> Result<u64, SqlError> {
    let reports: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT report_id FROM history \
         WHERE hash IS NULL AND id <= (SELECT legacy_through FROM history_chain_start) ORDER BY 1",
    )
    .fetch_all(db.pool())
    .await?;
    for (report_id,) in &reports {
        let mut tx = db.begin_write().await?;
        let lock = format!(
            "SELECT r.id FROM reports r WHERE r.id = $1{}",
            db.for_update()
        );
        sqlx::query(&lock).bind(report_id).execute(&mut *tx).await?;
        seal_report(&mut tx, *report_id).await?;
        tx.commit().await?;
    }
    Ok(reports.len() as u64)
}

/// How many reports one read of the check covers.
const VERIFY_BATCH: i64 = 500;

/// Checks every report's chain, a batch of reports at a time, reading outside any write lock;
/// `checked_at` is when.
pub async fn verify(db: &Db, checked_at: String) -> Result<IntegrityCheck, SqlError> {
    let mut verified = IntegrityCheck {
        checked_at,
        ..IntegrityCheck::default()
    };
    let mut after = 0_i64;
    loop {
        let reports: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT r.id, r.version, (SELECT COUNT(*) FROM deliveries d \
             WHERE d.report_id = r.id AND d.state = 'delivered') \
             FROM reports r WHERE r.id > $1 ORDER BY r.id LIMIT $2",
        )
        .bind(after)
        .bind(VERIFY_BATCH)
        .fetch_all(db.pool())
        .await?;
        let Some(&(last, _, _)) = reports.last() else {
            return Ok(verified);
        };
        let rows: Vec<ChainRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM history WHERE report_id > $1 AND report_id <= $2 \
             ORDER BY report_id, id"
        ))
        .bind(after)
        .bind(last)
        .fetch_all(db.pool())
        .await?;
        verified.entries += rows.len() as u64;
        for (report_id, version, receipts) in reports {
            let start = rows.partition_point(|row| row.report_id < report_id);
            let end = rows.partition_point(|row| row.report_id <= report_id);
            verified.reports += 1;
            let expected = Expected { version, receipts };
            if let Some(found) = check(report_id, expected, &rows[start..end]) {
                verified.breaks.push(found);
            }
        }
        after = last;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, comment: &str, prev: &str) -> ChainRow {
        let mut row = ChainRow {
            id,
            report_id: 7,
            at: "2026-12-01T00:00:00Z".into(),
            actor: "ann@example.com".into(),
            actor_org: None,
            actor_role: None,
            action: "saved".into(),
            from_status: None,
            to_status: None,
            comment: Some(comment.into()),
            before_json: None,
            after_json: None,
            prices_json: None,
            prev_hash: Some(prev.into()),
            hash: None,
        };
        row.hash = Some(row.content().hash(prev));
        row
    }

    fn chain(n: i64) -> Vec<ChainRow> {
        let mut rows: Vec<ChainRow> = Vec::new();
        for id in 1..=n {
            let prev = rows
                .last()
                .and_then(|r| r.hash.clone())
                .unwrap_or(GENESIS.into());
            rows.push(row(id, &format!("entry {id}"), &prev));
        }
        rows
    }

    #[test]
    fn an_intact_chain_passes() {
        assert_eq!(check(7, at(3), &chain(3)), None);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut rows = chain(4);
        rows[2].comment = Some("rewritten".into());
        let found = check(7, at(4), &rows).expect("a break");
        assert_eq!(found.entry_id, Some(3));
        assert!(found.what.contains("changed"), "{}", found.what);
    }

    #[test]
    fn a_removed_entry_breaks_the_next_link() {
        let mut rows = chain(4);
        rows.remove(1);
        let found = check(7, at(3), &rows).expect("a break");
        assert_eq!(found.entry_id, Some(3));
        assert!(found.what.contains("does not follow"), "{}", found.what);
    }

    #[test]
    fn a_removed_last_entry_shows_in_the_version() {
        let mut rows = chain(4);
        rows.pop();
        let found = check(7, at(4), &rows).expect("a break");
        assert_eq!(found.entry_id, None);
        assert!(found.what.contains("version 4"), "{}", found.what);
    }

    #[test]
    fn a_removed_last_receipt_shows_in_the_outbox() {
        let mut rows = chain(3);
        let prev = rows[2].hash.clone().expect("hash");
        let mut receipt = row(4, "Vendor reference TM-1", &prev);
        receipt.action = HistoryEvent::DeliveredToVendor.as_code().into();
        receipt.hash = Some(receipt.content().hash(&prev));
        rows.push(receipt);
        let received = Expected {
            version: 3,
            receipts: 1,
        };
        assert_eq!(
            check(7, received, &rows),
            None,
            "a receipt moves no version"
        );
        rows.pop();
        let found = check(7, received, &rows).expect("a break");
        assert_eq!(found.entry_id, None);
        assert!(found.what.contains("holds 1 deliveries"), "{}", found.what);
    }

    fn at(version: i64) -> Expected {
        Expected {
            version,
            receipts: 0,
        }
    }

    #[test]
    fn fields_cannot_bleed_into_each_other() {
        let a = Content {
            actor: "ab",
            comment: Some("c"),
            ..Content::default()
        };
        let b = Content {
            actor: "a",
            comment: Some("bc"),
            ..Content::default()
        };
        assert_ne!(a.hash(GENESIS), b.hash(GENESIS));
        let none = Content::default();
        let empty = Content {
            comment: Some(""),
            ..Content::default()
        };
        assert_ne!(none.hash(GENESIS), empty.hash(GENESIS));
    }
}
