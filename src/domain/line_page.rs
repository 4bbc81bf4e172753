//! A long report's lines a page at a time. A 500-line report opened on a phone shows its first
//! fifty lines; the others are a link away ("Next 50", "Show all 500 lines"), and what they
//! add up to travels with the page so the totals, the price preview and the reset question stay
//! exact to the cent. A partner who may still edit the report always gets every line: the checks
//! before submitting (comments needed, what the deadline would charge) read all of them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::line::total_owed;
use super::policy::{Actor, offers};
use super::report::{LineView, OpenedReport};
use super::status::Action;

/// How many lines a page of a report shows: as many as a page of the reports list, a screenful
/// or two on a phone, and little enough that a phone draws and takes over the page at once.
pub const LINES_PER_PAGE: usize = 50;

/// Which lines of a report to send: one page of [`LINES_PER_PAGE`] (counted from 1), or all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinePage {
    Page(u32),
    All,
}

impl LinePage {
    /// The report page's `lines` query value: absent or not understood is the first page.
    pub fn from_query(value: Option<&str>) -> LinePage {
        match value.map(str::trim) {
            Some("all") => LinePage::All,
            Some(number) => number
                .parse::<u32>()
                .ok()
                .filter(|page| *page >= 1)
                .map_or(LinePage::Page(1), LinePage::Page),
            None => LinePage::Page(1),
        }
    }

    /// The value for the `lines` query of the report's address; `None` for the first page.
    pub fn query_value(self) -> Option<String> {
        match self {
            LinePage::Page(1) => None,
            LinePage::Page(page) => Some(page.to_string()),
            LinePage::All => Some("all".to_owned()),
        }
    }

    /// The range of line indices this page holds in a report of `count` lines (a page past the
    /// end is the last page).
    fn range(self, count: usize) -> std::ops::Range<usize> {
        match self {
            LinePage::All => 0..count,
            LinePage::Page(page) => {
                let last_page = count.saturating_sub(1) / LINES_PER_PAGE;
                let page = usize::try_from(page.saturating_sub(1))
                    .unwrap_or(usize::MAX)
                    .min(last_page);
                let first = page * LINES_PER_PAGE;
                first..(first + LINES_PER_PAGE).min(count)
            }
        }
    }
}

/// Where the lines sent stand among the report's lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineWindow {
    /// The index of the first line sent (0 for the first page, and when all are sent).
    pub first: usize,
    /// How many lines the report has in all.
    pub count: usize,
    /// Whether all lines were asked for (as opposed to a page that happens to hold them all).
    pub all: bool,
}

impl LineWindow {
    /// Every one of a report's `count` lines.
    pub fn every(count: usize) -> LineWindow {
        LineWindow {
            first: 0,
            count,
            all: true,
        }
    }

    /// The page of lines that starts at `first`; `None` when every line is sent.
    pub fn page(&self) -> Option<u32> {
        if self.all || self.count <= LINES_PER_PAGE {
            return None;
        }
        u32::try_from(self.first / LINES_PER_PAGE + 1).ok()
    }

    /// How many pages of lines the report has.
    pub fn pages(&self) -> u32 {
        u32::try_from(self.count.div_ceil(LINES_PER_PAGE)).unwrap_or(u32::MAX)
    }
}

/// What the lines not sent add up to: enough for the page to say every total, and to preview a
/// change to one of its lines or a reset of every line, exactly as the server will compute them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherLines {
    /// Σ gross of the lines not sent.
    pub gross: Decimal,
    /// Σ amount owed of the lines not sent.
    pub amount_owed: Decimal,
    /// How many of them have special pricing.
    pub special: usize,
    /// Σ amount owed of the lines not sent, were they all put back to the catalogue.
    pub owed_at_catalogue: Decimal,
}

impl OtherLines {
    fn of(lines: &[LineView], currency: super::Currency) -> OtherLines {
        OtherLines {
            gross: lines.iter().map(|line| line.gross).sum(),
            amount_owed: total_owed(lines.iter().map(|line| line.amount_owed)),
            special: lines
                .iter()
                .filter(|line| line.has_special_pricing())
                .count(),
            owed_at_catalogue: total_owed(lines.iter().map(|line| {
                if line.has_special_pricing() {
                    line.owed_at_catalogue(currency)
                } else {
                    line.amount_owed
                }
            })),
        }
    }
}

impl OpenedReport {
    /// The report with only `page`'s lines, for `actor`. Totals are those of the whole report.
    pub fn paged(self, page: LinePage, actor: &Actor) -> OpenedReport {
        match self {
            OpenedReport::Priced(mut detail) => {
                let range = page.range(detail.lines.len());
                let count = detail.lines.len();
                let after = detail.lines.split_off(range.end);
                let shown = detail.lines.split_off(range.start);
                let mut others = detail.lines;
                others.extend(after);
                detail.others = OtherLines::of(&others, detail.header.currency);
                detail.window = LineWindow {
                    first: range.start,
                    count,
                    all: page == LinePage::All,
                };
                detail.granted_codes.retain(|code| {
                    shown
                        .iter()
                        .any(|line| line.product.line_id == code.line_id)
                });
                detail.lines = shown;
                OpenedReport::Priced(detail)
            }
            OpenedReport::Partner(mut detail) => {
                let editing = offers(&actor.viewer(), detail.header.status, Action::SaveDraft);
                let page = if editing { LinePage::All } else { page };
                let count = detail.lines.len();
                let range = page.range(count);
                detail.lines.truncate(range.end);
                detail.lines.drain(..range.start);
                detail.window = LineWindow {
                    first: range.start,
                    count,
                    all: page == LinePage::All,
                };
                OpenedReport::Partner(detail)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_a_page_or_all() {
        assert_eq!(LinePage::from_query(None), LinePage::Page(1));
        assert_eq!(LinePage::from_query(Some("all")), LinePage::All);
        assert_eq!(LinePage::from_query(Some("3")), LinePage::Page(3));
        assert_eq!(LinePage::from_query(Some("0")), LinePage::Page(1));
        assert_eq!(LinePage::from_query(Some("x")), LinePage::Page(1));
        for page in [LinePage::Page(1), LinePage::Page(4), LinePage::All] {
            let value = page.query_value();
            assert_eq!(LinePage::from_query(value.as_deref()), page);
        }
    }

    #[test]
    fn a_page_past_the_end_is_the_last_page() {
        assert_eq!(LinePage::Page(1).range(500), 0..50);
        assert_eq!(LinePage::Page(5).range(500), 200..250);
        assert_eq!(LinePage::Page(10).range(500), 450..500);
        assert_eq!(LinePage::Page(9).range(450), 400..450);
        assert_eq!(LinePage::Page(2).range(0), 0..0);
        assert_eq!(LinePage::Page(u32::MAX).range(250), 200..250);
        assert_eq!(LinePage::All.range(500), 0..500);
    }

    #[test]
    fn a_window_knows_its_page() {
        let window = |first, count, all| LineWindow { first, count, all };
        assert_eq!(window(0, 40, false).page(), None);
        assert_eq!(window(0, 80, false).page(), Some(1));
        assert_eq!(window(0, 500, true).page(), None);
        assert_eq!(window(100, 500, false).page(), Some(3));
        assert_eq!(window(0, 500, false).pages(), 10);
        assert_eq!(window(0, 501, false).pages(), 11);
    }
}
