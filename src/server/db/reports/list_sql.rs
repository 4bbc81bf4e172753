//! The list's SQL: the WHERE clause of a [`ListQuery`] and its ORDER BY. Filters become fixed
//! fragments with bound values only, so every combination stays one prepared statement shape per
//! filter set and the indexes on (period, status), (region, period), (distributor, period) and
//! (flag, period) can serve it. Where SQL needs a business rule — which statuses have reached the
//! vendor, which are on a to-do, which deadline runs in a status — the fragment is written here
//! from the domain's own answer for every status, never restated by hand.

use sqlx::{Any, Arguments, Encode, Type, any::AnyArguments};

use super::list_tally::Tally;
use crate::domain::{
    ListScope, Status,
    deadline::DeadlineOf,
    flags::RiskFlag,
    query::{ListQuery, SortKey},
};
use crate::server::db::Backend;

/// A statement being written with its bound values, placeholders numbered `$1, $2, …` in the
/// order they are bound. Both backends accept that form; sqlx's `QueryBuilder<Any>` writes `?`
/// placeholders instead, which PostgreSQL rejects, so the list builds its statements here.
pub(super) struct Statement {
    pub(super) sql: String,
    pub(super) args: AnyArguments<'static>,
    /// Each bound value as an SQL literal, for showing the statement as it runs (benchmarks
    /// run it through the databases' own shells).
    literals: Vec<String>,
    conditions: usize,
}

/// A value that can be written into SQL as a literal.
pub(super) trait Literal {
    fn literal(&self) -> String;
}

impl Literal for i64 {
    fn literal(&self) -> String {
        self.to_string()
    }
}

impl Literal for String {
    fn literal(&self) -> String {
        format!("'{}'", self.replace('\'', "''"))
    }
}

impl Statement {
    pub(super) fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            args: AnyArguments::default(),
            literals: Vec::new(),
            conditions: 0,
        }
    }

    pub(super) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Binds `value` to the next placeholder, written where the statement stands.
    pub(super) fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'static + Encode<'static, Any> + Type<Any> + Literal,
    {
        self.literals.push(value.literal());
        // Adding an integer or a text to `AnyArguments` cannot fail.
        let _ = self.args.add(value);
        self.sql.push_str(&format!("${}", self.args.len()));
        self
    }

    /// The statement with its values written in, as one would type it into `sqlite3` or
    /// `psql`. The highest placeholders are replaced first, so `$1` never eats `$10`'s digit.
    pub(super) fn with_literals(&self) -> String {
        let mut sql = self.sql.clone();
        for (index, literal) in self.literals.iter().enumerate().rev() {
            sql = sql.replace(&format!("${}", index + 1), literal);
        }
        sql
    }

    /// Starts the next WHERE condition (joined to the previous ones by AND).
    fn and(&mut self) -> &mut Self {
        self.conditions += 1;
        self.push(if self.conditions == 1 {
            " WHERE "
        } else {
            " AND "
        })
    }
}

/// Writes the WHERE clause of `query`, over the reports.
pub(super) fn push_conditions(statement: &mut Statement, query: &ListQuery) {
    push_conditions_on(statement, query, Tally::Reports);
}

/// Writes the WHERE clause of `query`, over what `tally` counts from (the kept counts only for
/// a query [`Tally::for_query`] gives them to).
pub(super) fn push_conditions_on(statement: &mut Statement, query: &ListQuery, tally: Tally) {
    let filter = &query.filter;
    match query.scope {
        ListScope::Nothing => {
            statement.and().push("1 = 0");
        }
        ListScope::Partner(id) => {
            statement.and().push("r.partner_id = ").push_bind(id);
        }
        ListScope::Distributor(id) => {
            statement.and().push("r.distributor_id = ").push_bind(id);
        }
        ListScope::ReachedVendor => {
            statement.and().push(tally.reached_vendor());
        }
        ListScope::All => {}
    }
    if let Some(statuses) = &query.to_do {
        statement.and().push(&status_in(statuses));
    }
    if let Some(status) = filter.status {
        let (code, sub) = status.codes();
        statement
            .and()
            .push("r.status = ")
            .push_bind(code.to_owned());
        if let Some(sub) = sub {
            statement
                .and()
                .push("r.sub_status = ")
                .push_bind(sub.to_owned());
        }
    }
    if let Some(region) = filter.region {
        statement.and().push("r.region_id = ").push_bind(region);
    }
    if let Some(distributor) = filter.distributor {
        statement
            .and()
            .push("r.distributor_id = ")
            .push_bind(distributor);
    }
    match (filter.from, filter.to) {
        (Some(from), Some(to)) if from == to => {
            statement
                .and()
                .push("r.period = ")
                .push_bind(i64::from(from.to_key()));
        }
        (from, to) => {
            if let Some(from) = from {
                statement
                    .and()
                    .push("r.period >= ")
                    .push_bind(i64::from(from.to_key()));
            }
            if let Some(to) = to {
                statement
                    .and()
                    .push("r.period <= ")
                    .push_bind(i64::from(to.to_key()));
            }
        }
    }
    if let Some(partner) = &filter.partner {
        match partner.parse::<i64>() {
            Ok(id) => {
                statement.and().push("r.partner_id = ").push_bind(id);
            }
            // The partners whose names match, then their reports by the partner index: a
            // join would read every report's partner to compare its name.
            Err(_) => {
                statement
                    .and()
                    .push(
                        "r.partner_id IN (SELECT o.id FROM organisations o \
                         WHERE LOWER(o.name) LIKE ",
                    )
                    .push_bind(format!("%{}%", escape_like(&partner.to_lowercase())))
                    .push(" ESCAPE '\\')");
            }
        }
    }
    if let Some(flag) = filter.flag {
        // A literal, so that the (flag, period) index matches the condition.
        statement.and().push(flag_column(flag)).push(" = 1");
    }
    if let Some(currency) = filter.currency {
        statement
            .and()
            .push("r.currency = ")
            .push_bind(currency.code().to_owned());
    }
    if filter.overdue {
        // Deadlines are stored as whole-second UTC text: comparing the text compares moments.
        statement
            .and()
            .push(&running_deadline())
            .push(" < ")
            .push_bind(crate::server::db::now_utc_seconds());
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The column that stores `flag`.
const fn flag_column(flag: RiskFlag) -> &'static str {
    match flag {
        RiskFlag::Comments => "r.has_comments",
        RiskFlag::Penalties => "r.auto_penalties",
        RiskFlag::BelowUsed => "r.below_used",
        RiskFlag::Anomaly => "r.anomaly",
    }
}

/// SQL that holds for a report in one of `statuses`: the status code alone where every
/// sub-status of it is included, each sub-status otherwise. Written from the domain's codes.
pub(super) fn status_in(statuses: &[Status]) -> String {
    let mut whole: Vec<String> = Vec::new();
    let mut terms: Vec<String> = Vec::new();
    for status in Status::all() {
        let code = status.as_code();
        let of_code = Status::all().into_iter().filter(|s| s.as_code() == code);
        if of_code.clone().all(|s| statuses.contains(&s)) {
            let quoted = format!("'{code}'");
            if !whole.contains(&quoted) {
                whole.push(quoted);
            }
        } else if statuses.contains(&status)
            && let Some(sub) = status.sub_status_code()
        {
            terms.push(format!("(r.status = '{code}' AND r.sub_status = '{sub}')"));
        }
    }
    if !whole.is_empty() {
        terms.insert(0, format!("r.status IN ({})", whole.join(", ")));
    }
    if terms.is_empty() {
        return "1 = 0".to_owned();
    }
    format!("({})", terms.join(" OR "))
}

/// The deadline running for a report (NULL when none runs), as SQL: for each kind of deadline,
/// the statuses [`DeadlineOf::running`] gives it.
fn running_deadline() -> String {
    let cases: String = DeadlineOf::ALL
        .into_iter()
        .filter_map(|whose| {
            let statuses: Vec<Status> = Status::all()
                .into_iter()
                .filter(|status| DeadlineOf::running(*status) == Some(whose))
                .collect();
            (!statuses.is_empty()).then(|| {
                format!(
                    " WHEN {} THEN {}",
                    status_in(&statuses),
                    whose.pick("r.submission_deadline", "r.review_deadline")
                )
            })
        })
        .collect();
    format!("CASE{cases} END")
}

/// Whether `sort` orders by month first: `Some(true)` newest first, `Some(false)` oldest
/// first (see `order_by`). A page of such a list only reads the months that hold its rows.
pub(super) const fn leading_period(sort: SortKey) -> Option<bool> {
    match sort {
        SortKey::Newest => Some(true),
        SortKey::Oldest => Some(false),
        _ => None,
    }
}

/// Narrows the statement to the reports whose deadline runs (`runs`), or to the others: the
/// statuses [`DeadlineOf::running`] gives a deadline, or the rest.
pub(super) fn push_deadline_runs(statement: &mut Statement, runs: bool) {
    let statuses: Vec<Status> = Status::all()
        .into_iter()
        .filter(|status| DeadlineOf::running(*status).is_some() == runs)
        .collect();
    statement.and().push(&status_in(&statuses));
}

/// Narrows the statement to the months `first..=last`.
pub(super) fn push_period_window(statement: &mut Statement, first: i64, last: i64) {
    statement
        .and()
        .push("r.period >= ")
        .push_bind(first)
        .push(" AND r.period <= ")
        .push_bind(last);
}

/// The ORDER BY of `sort`, ending with the id so that pages never overlap.
pub(super) fn order_by(sort: SortKey) -> String {
    match sort {
        SortKey::Newest => "r.period DESC, p.name ASC, r.id ASC".to_owned(),
        SortKey::Oldest => "r.period ASC, p.name ASC, r.id ASC".to_owned(),
        SortKey::Partner => "p.name ASC, r.period DESC, r.id ASC".to_owned(),
        // Amounts of different currencies are not compared, and reports still being prepared
        // (whose totals are not final, and hidden from their distributor) rank last.
        SortKey::Total => "r.currency ASC, \
             CASE WHEN r.status = 'msp_preparing' THEN -1 ELSE r.total_e4 END DESC, r.id ASC"
            .to_owned(),
        SortKey::Status => "CASE r.status WHEN 'msp_preparing' THEN 1 WHEN 'under_review' THEN 2 \
             WHEN 'rejected' THEN 3 WHEN 'submitted_to_vendor' THEN 4 ELSE 5 END ASC, \
             r.period DESC, p.name ASC, r.id ASC"
            .to_owned(),
        SortKey::Distributor => "d.name ASC, r.period DESC, p.name ASC, r.id ASC".to_owned(),
        SortKey::Region => "g.name ASC, r.period DESC, p.name ASC, r.id ASC".to_owned(),
        // Stored deadlines are UTC RFC 3339 text of one shape, so text order is time order.
        SortKey::Deadline => {
            let deadline = running_deadline();
            format!(
                "CASE WHEN {deadline} IS NULL THEN 1 ELSE 0 END ASC, {deadline} ASC, \
                 r.period DESC, p.name ASC, r.id ASC"
            )
        }
    }
}

/// The joins from a report (`r`) to its partner's (`p`), distributor's (`d`) and region's (`g`)
/// names, each written once: whole for the rows, and one by one for choosing a page.
macro_rules! partner_join {
    () => {
        "JOIN organisations p ON p.id = r.partner_id"
    };
}
macro_rules! distributor_join {
    () => {
        "JOIN organisations d ON d.id = r.distributor_id"
    };
}
macro_rules! region_join {
    () => {
        "JOIN regions g ON g.id = r.region_id"
    };
}
macro_rules! name_joins {
    () => {
        concat!(
            partner_join!(),
            " ",
            distributor_join!(),
            " ",
            region_join!()
        )
    };
}

/// Each name's join, by the alias that reads it.
const NAME_JOINS: [(&str, &str); 3] = [
    ("p", partner_join!()),
    ("d", distributor_join!()),
    ("g", region_join!()),
];

/// A report's region, for the figures grouped by region.
pub(super) const REGION_JOIN: &str = region_join!();
/// A page's chosen reports (`page.page_id`) with their names, the page read first. SQLite is
/// told so with a CROSS JOIN: otherwise, for a list sorted by total, its planner (3.46) walked
/// every report in the total order's index to avoid sorting the page's fifty rows, and looked
/// each one up in the page (200 ms instead of 1 ms at 100,000 reports). PostgreSQL, which has
/// no CROSS JOIN … ON, reads the page first on its own.
pub(super) fn page_reports(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => concat!(
            "CROSS JOIN reports r ON r.id = page.page_id ",
            name_joins!()
        ),
        Backend::Postgres => concat!("JOIN reports r ON r.id = page.page_id ", name_joins!()),
    }
}

/// The FROM clause for the reports a query matches: the reports alone. Every condition reads
/// the report's own columns (a search by partner name asks for the matching partners' ids).
pub(super) const FROM_MATCHES: &str = "FROM reports r";

/// The FROM clause for choosing which reports a page shows: [`FROM_MATCHES`], joined as well
/// to each of the partner, the distributor and the region whose name `order` sorts by.
/// Choosing a page then sorts the reports' ids and sort keys, not whole rows, and joins no
/// report to a name nothing reads (see `list::rows_statement`).
pub(super) fn from_for_page(order: &str) -> String {
    let mut from = FROM_MATCHES.to_owned();
    for (alias, join) in NAME_JOINS {
        if reads(order, alias) {
            from.push(' ');
            from.push_str(join);
        }
    }
    from
}

/// Whether `sql` reads a column of the table aliased `alias` (`alias.` not inside a longer
/// name).
fn reads(sql: &str, alias: &str) -> bool {
    let qualified = format!("{alias}.");
    sql.match_indices(&qualified).any(|(at, _)| {
        sql[..at]
            .chars()
            .next_back()
            .is_none_or(|before| !(before.is_ascii_alphanumeric() || before == '_'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_read_where_its_alias_qualifies_a_column() {
        assert!(reads("r.period DESC, p.name ASC", "p"));
        assert!(reads("p.name ASC", "p"));
        assert!(reads("CASE WHEN (g.name) IS NULL", "g"));
        // Inside a longer name, or not followed by a dot, it is not the alias.
        assert!(!reads("r.period DESC, r.id ASC", "d"));
        assert!(!reads("lead.x, top.y", "d"));
        assert!(!reads("gap.x", "p"));
    }

    /// Choosing a page joins exactly the names its order reads.
    #[test]
    fn a_page_is_chosen_joining_only_the_names_it_sorts_by() {
        let joins = |sort: SortKey| {
            let from = from_for_page(&order_by(sort));
            ["p ON", "d ON", "g ON"].map(|join| from.matches(join).count())
        };
        assert_eq!(joins(SortKey::Total), [0, 0, 0]);
        assert_eq!(joins(SortKey::Newest), [1, 0, 0]);
        assert_eq!(joins(SortKey::Deadline), [1, 0, 0]);
        assert_eq!(joins(SortKey::Distributor), [1, 1, 0]);
        assert_eq!(joins(SortKey::Region), [1, 0, 1]);
    }
}
