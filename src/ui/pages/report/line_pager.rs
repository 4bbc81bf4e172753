//! A long report's lines a page at a time: where the page stands ("Lines 101–200 of 500"),
//! previous / next, and "Show all". Plain links, so they work before (and without) the bundle;
//! the totals above and below the table are always the whole report's.

use leptos::prelude::*;

use crate::domain::line_page::{LINES_PER_PAGE, LinePage, LineWindow};
use crate::domain::query::ReportFilter;
use crate::ui::format;

/// Which lines are shown, as words: `None` when the report has one page of lines.
pub(super) fn shown_lines(window: LineWindow, shown: usize) -> Option<String> {
    if window.count <= LINES_PER_PAGE {
        return None;
    }
    Some(if window.all {
        format!("All {}", format::lines(window.count))
    } else {
        format!(
            "Lines {}–{} of {}",
            format::units((window.first + 1) as u64),
            format::units((window.first + shown) as u64),
            format::units(window.count as u64),
        )
    })
}

/// Under the line table of a report with more than one page of lines.
#[component]
pub(super) fn LinePager(
    report_id: i64,
    window: LineWindow,
    shown: usize,
    list: ReportFilter,
) -> impl IntoView {
    let where_ = shown_lines(window, shown)?;
    let href = move |page: LinePage| list.report_lines_href(report_id, page);
    let step = |to: Option<String>, rel: &'static str, label: String| match to {
        Some(href) => view! { <a class="button" href=href rel=rel>{label}</a> }.into_any(),
        None => view! { <span class="button" aria-disabled="true">{label}</span> }.into_any(),
    };
    let per_page = format::units(LINES_PER_PAGE as u64);
    let view = match window.page() {
        Some(page) => {
            let previous = step(
                (page > 1).then(|| href(LinePage::Page(page - 1))),
                "prev",
                format!("← Previous {per_page}"),
            );
            let next = step(
                (page < window.pages()).then(|| href(LinePage::Page(page + 1))),
                "next",
                format!("Next {per_page} →"),
            );
            let all = format!("Show all {}", format::lines(window.count));
            view! {
                <nav class="pager line-pager" aria-label="Pages of lines">
                    {previous}
                    <span class="where">{where_}" · "<a href=href(LinePage::All)>{all}</a></span>
                    {next}
                </nav>
            }
            .into_any()
        }
        None => view! {
            <nav class="pager line-pager" aria-label="Pages of lines">
                <span class="where">{where_}" · "
                    <a href=href(LinePage::Page(1))>{format!("Show {per_page} at a time")}</a>
                </span>
            </nav>
        }
        .into_any(),
    };
    Some(view)
}
