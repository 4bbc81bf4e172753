//! A demo report line a pricing code applies to, shared by the pricing tests of both adapters.

use billing_reports::server::{
    db::{Db, reports},
    services::{Caller, UserCaller},
};

/// A line under review whose partner holds a code for its product, with no code applied yet.
pub struct Target {
    pub report: i64,
    pub version: i64,
    pub line: i64,
    pub code: String,
    pub distributor: String,
    pub partner: String,
}

pub async fn target(db: &Db) -> Target {
    let row: (i64, i64, i64, String, String, String) = sqlx::query_as(
        "SELECT r.id, r.version, l.id, c.code, d.name, p.name \
         FROM pricing_codes c \
         JOIN reports r ON r.partner_id = c.partner_id AND r.status = 'under_review' \
         JOIN line_items l ON l.report_id = r.id AND l.product_id = c.product_id \
         JOIN organisations d ON d.id = r.distributor_id \
         JOIN organisations p ON p.id = r.partner_id \
         WHERE l.pricing_code IS NULL AND r.period BETWEEN c.valid_from AND c.valid_to \
           AND EXISTS (SELECT 1 FROM users u WHERE u.org_id = d.id \
                       AND u.role IN ('administrator', 'billing_manager')) \
         ORDER BY r.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a demo line that a code applies to");
    Target {
        report: row.0,
        version: row.1,
        line: row.2,
        code: row.3,
        distributor: row.4,
        partner: row.5,
    }
}

/// What the database holds for a report: version, total, history length.
pub async fn stored(db: &Db, report: i64) -> (i64, i64, usize) {
    let (version, total): (i64, i64) =
        sqlx::query_as("SELECT version, total_e4 FROM reports WHERE id = $1")
            .bind(report)
            .fetch_one(db.pool())
            .await
            .expect("report");
    let history = reports::history(db, report).await.expect("history").len();
    (version, total, history)
}

pub fn as_user(caller: &Caller) -> &UserCaller {
    match caller {
        Caller::User(user) => user,
        Caller::System => panic!("a user"),
    }
}
