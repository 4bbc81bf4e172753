//! Reports, as stored: the list query and its filter choices (`list`, its SQL in `list_sql`,
//! what it counts from in `list_tally`, the part of what matches that a page reads in
//! `list_window`), one report's header read and written inside an action's transaction
//! (`header`), its lines (`lines`), what its flags are judged against and the backfill of old
//! reports' flags (`flags`), and its append-only history (`history`) with the hash chain that
//! makes it tamper-evident (`chain`). The files below own the SQL; this one re-exports what
//! callers use and holds the small decoding helpers they share.

pub mod chain;
mod due;
mod flags;
mod header;
mod history;
mod lines;
mod list;
mod list_sql;
mod list_tally;
mod list_window;
mod overview;

pub use due::{DueReport, deadlines_between, due_reports};
pub use flags::{backfill_flags, clear_open_flags, flag_basis};
pub use header::{
    HeaderUpdate, LockedReport, NewReport, OpenReport, current_version, insert_report,
    insert_report_if_new, lock_header, open, read_header, update_header,
};
pub use history::{NewHistoryEntry, StoredHistory, append_history, history};
pub use lines::{NewLine, StoredLine, chargeable_in_period, insert_line, lines, save_line};
pub use list::{
    count, explain_list, filter_options, groups, list, list_all, list_sql, partner_years,
};
pub use overview::monthly;

use super::{SqlError, bad};
use crate::domain::scaled_e4;

fn e4(value: rust_decimal::Decimal) -> Result<i64, SqlError> {
    scaled_e4(value).map_err(|e| bad("amount", e))
}
