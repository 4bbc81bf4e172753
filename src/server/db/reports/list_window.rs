//! Which part of what a list matches holds a page's rows, when the list's order allows reading
//! only that part: the months of a list sorted by month, and for a list sorted by deadline the
//! reports whose deadline runs or the others' months. Worked out from how many reports match
//! in each month (the list's counts), before the rows query runs.

/// The months that hold the rows a page shows, for a list sorted month first: the rows query
/// then reads those months only instead of sorting every match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct MonthWindow {
    first: i64,
    last: i64,
    /// How many matching rows the months before the window hold, in the list's order.
    before: u64,
}

/// Where a page's rows lie, when the list's order lets its rows query read part of what
/// matches instead of sorting all of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct PageWindow {
    /// Only the reports with a running deadline (`Some(true)`) or without one (`Some(false)`).
    pub(super) deadline_runs: Option<bool>,
    /// Only the months `first..=last`.
    pub(super) months: Option<(i64, i64)>,
    /// How many matching rows come before the window in the list's order.
    pub(super) before: u64,
}

impl From<MonthWindow> for PageWindow {
    fn from(window: MonthWindow) -> Self {
        PageWindow {
            deadline_runs: None,
            months: Some((window.first, window.last)),
            before: window.before,
        }
    }
}

/// The window of rows `offset..offset + limit` of a list sorted by deadline, from how many
/// matching reports each month holds with a deadline running and without. That order lists
/// the reports whose deadline runs first (soonest first), then the others newest month first:
/// a page within the first part reads those reports alone (few, found by status), and a page
/// within the second reads the other reports of the months that hold it. `None` for the page
/// where the two parts meet.
pub(super) fn deadline_window(
    running_months: Vec<(i64, u64)>,
    other_months: Vec<(i64, u64)>,
    offset: u64,
    limit: u64,
) -> Option<PageWindow> {
    let running: u64 = running_months.iter().map(|(_, reports)| reports).sum();
    if offset + limit <= running {
        return Some(PageWindow {
            deadline_runs: Some(true),
            ..PageWindow::default()
        });
    }
    if offset < running {
        return None;
    }
    let months = month_window(other_months, true, offset - running, limit);
    Some(PageWindow {
        deadline_runs: Some(false),
        months: months.map(|window| (window.first, window.last)),
        before: running + months.map_or(0, |window| window.before),
    })
}

/// The window holding rows `offset..offset + limit` when the list runs through `months` (each
/// with how many reports match) newest first or oldest first; `None` when the page is past
/// the end.
pub(super) fn month_window(
    mut months: Vec<(i64, u64)>,
    newest_first: bool,
    offset: u64,
    limit: u64,
) -> Option<MonthWindow> {
    months.sort_by_key(|(period, _)| *period);
    if newest_first {
        months.reverse();
    }
    let mut before = 0;
    let mut window: Option<MonthWindow> = None;
    for (period, reports) in months {
        match &mut window {
            None if before + reports <= offset => before += reports,
            None => {
                window = Some(MonthWindow {
                    first: period,
                    last: period,
                    before,
                });
                before += reports;
            }
            Some(window) => {
                window.first = window.first.min(period);
                window.last = window.last.max(period);
                before += reports;
            }
        }
        if before >= offset + limit && window.is_some() {
            break;
        }
    }
    window
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONTHS: [(i64, u64); 4] = [(202607, 30), (202608, 40), (202609, 0), (202610, 45)];

    fn window(newest_first: bool, offset: u64, limit: u64) -> Option<(i64, i64, u64)> {
        month_window(MONTHS.to_vec(), newest_first, offset, limit)
            .map(|w| (w.first, w.last, w.before))
    }

    #[test]
    fn a_page_reads_only_the_months_that_hold_its_rows() {
        // Newest first: October holds rows 0..45, August 45..85, July 85..115.
        assert_eq!(window(true, 0, 50), Some((202608, 202610, 0)));
        assert_eq!(window(true, 0, 45), Some((202610, 202610, 0)));
        assert_eq!(window(true, 50, 50), Some((202607, 202608, 45)));
        assert_eq!(window(true, 100, 50), Some((202607, 202607, 85)));
        // Oldest first: July 0..30, August 30..70, (September empty), October 70..115.
        assert_eq!(window(false, 0, 30), Some((202607, 202607, 0)));
        assert_eq!(window(false, 50, 50), Some((202608, 202610, 30)));
        // Past the end, and nothing at all.
        assert_eq!(window(true, 115, 50), None);
        assert_eq!(month_window(Vec::new(), true, 0, 50), None);
    }

    /// Sorted by deadline: 60 reports with a running deadline first (in two months), then the
    /// other reports newest month first.
    #[test]
    fn a_deadline_page_reads_the_running_reports_or_the_months_of_the_others() {
        let running = vec![(202610, 45), (202609, 15)];
        let window = |offset| deadline_window(running.clone(), MONTHS.to_vec(), offset, 50);
        let runs = |runs, months, before| {
            Some(PageWindow {
                deadline_runs: Some(runs),
                months,
                before,
            })
        };
        // Rows 0..50 are all running: those reports alone, however many months they span.
        assert_eq!(window(0), runs(true, None, 0));
        assert_eq!(window(10), runs(true, None, 0));
        // Rows 50..100 straddle the two parts: no window.
        assert_eq!(window(50), None);
        // Rows 60..110: the others from the start, October (45) and August (40).
        assert_eq!(window(60), runs(false, Some((202608, 202610)), 60));
        // Rows 110..160: the others from their 50th, August then July.
        assert_eq!(window(110), runs(false, Some((202607, 202608)), 60 + 45));
        // Past the end: the others, no months, nothing to read.
        assert_eq!(window(175), runs(false, None, 60));
        // Nothing running: the others from the first row.
        assert_eq!(
            deadline_window(Vec::new(), MONTHS.to_vec(), 0, 50),
            runs(false, Some((202608, 202610)), 0)
        );
    }
}
