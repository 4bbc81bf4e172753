//! One report as a PDF a finance team can file: the report's header, its lines with exactly the
//! columns of the viewer's spreadsheet export (`table::line_table`, so a partner's has no price),
//! the total, and the history. A4 landscape; when the lines or the history run onto another page,
//! that page starts with the report's name and the table's column heads again.
//!
//! The font (`font`) is DejaVu Sans, embedded, subset, in each file. Layout happens first, into
//! pages of drawing operations, so that every page can say "page 2 of 3"; then krilla writes
//! them. Coordinates are points, top-left origin.
//!
//! Positions and sizes are `f32`, as krilla and skrifa take them: the one place the project uses
//! floats, and only for geometry. Every amount arrives here as finished text (`Cell::display_text`)
//! and is drawn as such; no number is computed on.
#![allow(clippy::disallowed_types)]

mod font;

use krilla::{
    Document,
    color::rgb,
    geom::{PathBuilder, Point, Rect},
    metadata::Metadata,
    page::PageSettings,
    paint::Fill,
    text::TextDirection,
};

use super::table::{Cell, Table};
use font::{Face, Fonts, fonts, wrap};

const PAGE_WIDTH: f32 = 841.89;
const PAGE_HEIGHT: f32 = 595.28;
const MARGIN: f32 = 36.0;
const BODY: f32 = 7.5;
const PAD: f32 = 3.0;
/// The widest a column grows to before its text wraps.
const MAX_COLUMN: f32 = 150.0;
/// The longest word kept on one line; a longer one is broken.
const MAX_WORD: f32 = 80.0;

/// One drawing operation.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: bool,
        text: String,
    },
    Shade {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        light: bool,
    },
}

/// A table to lay out: its column heads, rows and an optional last row in bold.
struct Grid<'a> {
    columns: Vec<String>,
    rows: Vec<Vec<&'a Cell>>,
    footer: Option<Vec<&'a Cell>>,
}

impl<'a> Grid<'a> {
    fn of(table: &'a Table) -> Grid<'a> {
        Grid {
            columns: table.columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: table.rows.iter().map(|row| row.iter().collect()).collect(),
            footer: table.footer.as_ref().map(|row| row.iter().collect()),
        }
    }
}

/// The report as a PDF: `title` on every page, `lines`' header and rows, then `history`.
pub(super) fn to_pdf(title: &str, lines: &Table, history: &Table) -> Result<Vec<u8>, String> {
    lay_out(title, lines, history)?.render()
}

/// The pages of the report, before they are written.
fn lay_out(title: &str, lines: &Table, history: &Table) -> Result<Layout, String> {
    let fonts = fonts()?;
    let mut layout = Layout {
        fonts,
        pages: vec![Vec::new()],
        y: MARGIN,
        title: title.to_owned(),
    };
    layout.text(MARGIN, title, 14.0, true, false);
    layout.y += 22.0;
    layout.about(&lines.about);
    layout.heading("Lines");
    layout.grid(&Grid::of(lines));
    layout.y += 10.0;
    layout.heading("History");
    layout.grid(&Grid::of(history));
    Ok(layout)
}

struct Layout {
    fonts: &'static Fonts,
    pages: Vec<Vec<Op>>,
    /// Where the next thing goes on the current page.
    y: f32,
    title: String,
}

impl Layout {
    fn face(&self, bold: bool) -> &'static Face {
        let fonts: &'static Fonts = self.fonts;
        if bold { &fonts.bold } else { &fonts.regular }
    }

    fn text(&mut self, x: f32, text: &str, size: f32, bold: bool, grey: bool) {
        let op = Op::Text {
            x,
            y: self.y + size,
            size,
            bold,
            grey,
            text: text.to_owned(),
        };
        self.pages.last_mut().expect("a page").push(op);
    }

    /// Starts a page headed by the report's name.
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
        let title = format!("{} (continued)", self.title);
        self.text(MARGIN, &title, 9.0, true, true);
        self.y += 16.0;
    }

    fn heading(&mut self, text: &str) {
        if self.y + 40.0 > PAGE_HEIGHT - MARGIN {
            self.new_page();
        }
        self.text(MARGIN, text, 10.0, true, false);
        self.y += 15.0;
    }

    /// The report's header as name/value pairs, three to a row.
    fn about(&mut self, about: &[(&'static str, Cell)]) {
        let column = (PAGE_WIDTH - 2.0 * MARGIN) / 3.0;
        for chunk in about.chunks(3) {
            for (index, (name, value)) in chunk.iter().enumerate() {
                let x = MARGIN + column * index as f32;
                self.text(x, name, 7.0, false, true);
                self.y += 9.0;
                let value = value.display_text();
                let shown = if value.is_empty() { "—" } else { &value };
                self.text(x, shown, 9.5, true, false);
                self.y -= 9.0;
            }
            self.y += 26.0;
        }
        self.y += 4.0;
    }

    /// A table whose column heads repeat at the top of every page it runs onto.
    fn grid(&mut self, grid: &Grid<'_>) {
        let numeric: Vec<bool> = (0..grid.columns.len())
            .map(|i| {
                grid.rows
                    .iter()
                    .any(|row| matches!(row.get(i), Some(Cell::Number { .. })))
            })
            .collect();
        let widths = self.column_widths(grid, &numeric);
        let heads: Vec<String> = grid.columns.clone();
        self.row(&widths, &numeric, &heads, true, Some(true));
        for cells in &grid.rows {
            let texts: Vec<String> = cells
                .iter()
                .map(|cell| cell.display_text().into_owned())
                .collect();
            if self.y + self.row_height(&widths, &texts, false) > PAGE_HEIGHT - MARGIN - 14.0 {
                self.new_page();
                self.row(&widths, &numeric, &heads, true, Some(true));
            }
            self.row(&widths, &numeric, &texts, false, None);
        }
        if let Some(footer) = &grid.footer {
            let texts: Vec<String> = footer
                .iter()
                .map(|cell| cell.display_text().into_owned())
                .collect();
            if self.y + self.row_height(&widths, &texts, true) > PAGE_HEIGHT - MARGIN - 14.0 {
                self.new_page();
                self.row(&widths, &numeric, &heads, true, Some(true));
            }
            self.row(&widths, &numeric, &texts, true, Some(false));
        }
    }

    /// Column widths across the page: a number column as wide as its widest figure (figures never
    /// wrap), a text column as wide as its longest text up to [`MAX_COLUMN`] (then it wraps), no
    /// column narrower than the longest word of its head; text columns give or take the rest.
    fn column_widths(&self, grid: &Grid<'_>, numeric: &[bool]) -> Vec<f32> {
        let available = PAGE_WIDTH - 2.0 * MARGIN;
        let (regular, bold) = (&self.fonts.regular, &self.fonts.bold);
        let columns: Vec<(f32, f32)> = grid
            .columns
            .iter()
            .enumerate()
            .map(|(i, head)| {
                // Codes and single words are not broken (up to a limit).
                let longest_word = grid
                    .rows
                    .iter()
                    .filter_map(|row| row.get(i))
                    .flat_map(|cell| {
                        let text = cell.display_text().into_owned();
                        text.split_whitespace()
                            .map(|word| regular.width(word, BODY))
                            .collect::<Vec<_>>()
                    })
                    .fold(0.0, f32::max)
                    .min(MAX_WORD);
                let least = head
                    .split_whitespace()
                    .map(|word| bold.width(word, BODY))
                    .fold(longest_word, f32::max);
                let rows = grid.rows.iter().filter_map(|row| row.get(i));
                let widest = rows
                    .map(|cell| regular.width(&cell.display_text(), BODY))
                    .chain(
                        grid.footer
                            .iter()
                            .filter_map(|row| row.get(i))
                            .map(|cell| bold.width(&cell.display_text(), BODY)),
                    )
                    .fold(0.0, f32::max);
                let wanted = if numeric[i] {
                    widest
                } else {
                    widest.min(MAX_COLUMN)
                };
                (least + 2.0 * PAD, least.max(wanted) + 2.0 * PAD)
            })
            .collect();
        let fixed: f32 = (0..columns.len())
            .filter(|i| numeric[*i])
            .map(|i| columns[i].1)
            .sum();
        let least: f32 = (0..columns.len())
            .filter(|i| !numeric[*i])
            .map(|i| columns[i].0)
            .sum();
        let wanted: f32 = (0..columns.len())
            .filter(|i| !numeric[*i])
            .map(|i| columns[i].1)
            .sum();
        let room = available - fixed;
        let widths: Vec<f32> = columns
            .iter()
            .zip(numeric)
            .map(|(&(least_here, wanted_here), &number)| {
                if number {
                    wanted_here
                } else if wanted <= room {
                    // Room to spare: text columns share it as they share their wanted widths.
                    wanted_here * room / wanted.max(1.0)
                } else if least < room {
                    // Short of room: each text column gives up part of what it wanted above its head.
                    least_here
                        + (wanted_here - least_here) * (room - least) / (wanted - least).max(1.0)
                } else {
                    least_here
                }
            })
            .collect();
        // Still too wide (many columns of long heads): everything in proportion.
        let total: f32 = widths.iter().sum();
        if total > available {
            widths.iter().map(|w| w * available / total).collect()
        } else {
            widths
        }
    }

    fn row_height(&self, widths: &[f32], texts: &[String], bold: bool) -> f32 {
        let spans = spans(widths, texts);
        let lines = texts
            .iter()
            .zip(spans)
            .map(|(text, width)| wrap(self.face(bold), text, width - 2.0 * PAD, BODY).len())
            .max()
            .unwrap_or(1)
            .max(1);
        lines as f32 * BODY * 1.3 + 2.0 * PAD
    }

    /// One row; `shade` is `Some(true)` for a head (dark), `Some(false)` for a footer (light).
    fn row(
        &mut self,
        widths: &[f32],
        numeric: &[bool],
        texts: &[String],
        bold: bool,
        shade: Option<bool>,
    ) {
        let height = self.row_height(widths, texts, bold);
        let page = self.pages.last_mut().expect("a page");
        let (y, width) = (self.y, PAGE_WIDTH - 2.0 * MARGIN);
        match shade {
            Some(light) => page.push(Op::Shade {
                x: MARGIN,
                y,
                width,
                height,
                light: !light,
            }),
            None => page.push(Op::Shade {
                x: MARGIN,
                y: y + height - 0.4,
                width,
                height: 0.4,
                light: false,
            }),
        }
        let mut x = MARGIN;
        let spans = spans(widths, texts);
        for (((text, width), span), right) in texts.iter().zip(widths).zip(spans).zip(numeric) {
            let face = self.face(bold);
            for (index, line) in wrap(face, text, span - 2.0 * PAD, BODY)
                .into_iter()
                .enumerate()
            {
                let line_x = if *right {
                    x + width - PAD - face.width(&line, BODY)
                } else {
                    x + PAD
                };
                let line_y = y + PAD + index as f32 * BODY * 1.3 + BODY;
                self.pages.last_mut().expect("a page").push(Op::Text {
                    x: line_x,
                    y: line_y,
                    size: BODY,
                    bold,
                    grey: false,
                    text: line,
                });
            }
            x += width;
        }
        self.y += height;
    }

    /// Writes the pages, each with its number and the total.
    fn render(self) -> Result<Vec<u8>, String> {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(self.title.clone())
                .creator("Billing Reports".to_owned()),
        );
        let count = self.pages.len();
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or("page size")?;
        for (index, ops) in self.pages.into_iter().enumerate() {
            let mut page = document.start_page_with(settings.clone());
            let mut surface = page.surface();
            let footer = format!("Billing Reports · page {} of {count}", index + 1);
            let footer_op = Op::Text {
                x: MARGIN,
                y: PAGE_HEIGHT - MARGIN / 2.0,
                size: 7.0,
                bold: false,
                grey: true,
                text: footer,
            };
            for op in ops.iter().chain(std::iter::once(&footer_op)) {
                match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        bold,
                        grey,
                        text,
                    } => {
                        let shade = if *grey { 100 } else { 27 };
                        surface.set_fill(Some(fill(shade)));
                        let face = if *bold {
                            &self.fonts.bold
                        } else {
                            &self.fonts.regular
                        };
                        surface.draw_text(
                            Point::from_xy(*x, *y),
                            face.font.clone(),
                            *size,
                            text,
                            false,
                            TextDirection::Auto,
                        );
                    }
                    Op::Shade {
                        x,
                        y,
                        width,
                        height,
                        light,
                    } => {
                        let mut path = PathBuilder::new();
                        if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                            path.push_rect(rect);
                        }
                        if let Some(path) = path.finish() {
                            surface.set_fill(Some(fill(if *light { 242 } else { 225 })));
                            surface.draw_path(&path);
                        }
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|error| format!("writing the PDF: {error:?}"))
    }
}

/// How wide each cell's text may run: its column, and the empty cells after it (so that a
/// footer's label is not squeezed into the first column).
fn spans(widths: &[f32], texts: &[String]) -> Vec<f32> {
    (0..widths.len())
        .map(|i| {
            let empty_after: f32 = (i + 1..widths.len())
                .take_while(|j| texts.get(*j).is_none_or(String::is_empty))
                .map(|j| widths[j])
                .sum();
            widths[i] + empty_after
        })
        .collect()
}

fn fill(grey: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(grey, grey, grey).into(),
        ..Fill::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &[Op]) -> Vec<&str> {
        page.iter()
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.as_str()),
                Op::Shade { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_long_table_repeats_its_heads_on_every_page() {
        let lines = Table {
            sheet: "Report lines",
            about: vec![("Partner", Cell::text("Harbor IT Services"))],
            columns: vec!["Product", "Chargeable"],
            rows: (0..150)
                .map(|i| vec![Cell::text(format!("Product {i}")), Cell::id(i)])
                .collect(),
            footer: Some(vec![Cell::text("Total"), Cell::id(150)]),
        };
        let history = Table {
            sheet: "History",
            about: Vec::new(),
            columns: vec!["When", "What"],
            rows: vec![vec![Cell::text("2026-11-01"), Cell::text("Generated")]],
            footer: None,
        };
        let layout = lay_out("Billing report 1", &lines, &history).expect("the DejaVu fonts");
        assert!(layout.pages.len() >= 3, "{} pages", layout.pages.len());
        for (index, page) in layout.pages.iter().enumerate() {
            let texts = texts(page);
            assert!(
                texts.contains(&"Product") && texts.contains(&"Chargeable")
                    || index > 0 && texts.contains(&"When")
            );
            if index > 0 {
                assert_eq!(texts[0], "Billing report 1 (continued)");
            }
        }
        // Every row once, in order, and the total after the last.
        let all: Vec<&str> = layout.pages.iter().flat_map(|page| texts(page)).collect();
        let rows: Vec<&&str> = all
            .iter()
            .filter(|text| text.starts_with("Product "))
            .collect();
        assert_eq!(rows.len(), 150);
        assert_eq!(*rows[149], "Product 149");
        let total = all
            .iter()
            .position(|text| *text == "Total")
            .expect("the total");
        assert!(
            total
                > all
                    .iter()
                    .position(|text| *text == "Product 149")
                    .expect("last row")
        );
        // Nothing runs past the bottom margin.
        for page in &layout.pages {
            for op in page {
                if let Op::Text { y, .. } = op {
                    assert!(*y <= PAGE_HEIGHT - MARGIN, "text at {y}");
                }
            }
        }
        assert!(layout.render().expect("written").starts_with(b"%PDF-"));
    }

    #[test]
    fn text_wraps_at_spaces_and_inside_words_only_when_it_must() {
        let fonts = fonts().expect("the DejaVu fonts");
        let face = &fonts.regular;
        let width = face.width("Customer decommissioned", BODY);
        let lines = wrap(face, "Customer decommissioned a branch office", width, BODY);
        assert_eq!(lines[0], "Customer decommissioned");
        assert!(
            lines
                .iter()
                .all(|line| face.width(line, BODY) <= width + 0.01)
        );
        let long = wrap(
            face,
            "TM-VERY-LONG-PRODUCT-CODE",
            face.width("TM-VERY", BODY),
            BODY,
        );
        assert!(long.len() > 1);
        assert_eq!(long.concat(), "TM-VERY-LONG-PRODUCT-CODE");
    }
}
