//! Runs every worked case of `shared/golden/calculations.csv` (SPEC §5) through the domain.
//!
//! The file is read at run time, never copied into the project: it is written independently of
//! this code, and passing it unchanged is the point. Set `GOLDEN_CSV` to use another path.
//! The format has no quoted fields, so a comma split is a complete parser for it.

use std::collections::BTreeMap;
use std::collections::HashMap;

use billing_reports::domain::{
    Currency, EditError, LineFigures, LineInput, MarginPercent, ThresholdPercent, UnitPrice, Units,
    compute, default_chargeable, report_total, validate_partner_edit,
};
use rust_decimal::Decimal;

fn golden_path() -> String {
    std::env::var("GOLDEN_CSV").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/golden/calculations.csv"
        )
        .to_owned()
    })
}

/// One data row, with access by column name.
struct Row<'a> {
    number: usize,
    header: &'a HashMap<String, usize>,
    cells: Vec<&'a str>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        let index = self
            .header
            .get(column)
            .unwrap_or_else(|| panic!("golden file has no column {column:?}"));
        self.cells.get(*index).copied().unwrap_or("")
    }

    fn fail(&self, what: &str) -> String {
        format!(
            "golden row {} (report {}): {what}\n  row: {}",
            self.number,
            self.get("report"),
            self.cells.join(",")
        )
    }

    fn parse<T, E: std::fmt::Debug>(&self, column: &str, f: impl Fn(&str) -> Result<T, E>) -> T {
        f(self.get(column))
            .unwrap_or_else(|e| panic!("{}", self.fail(&format!("cannot read {column}: {e:?}"))))
    }

    fn units_opt(&self, column: &str) -> Option<Units> {
        match self.get(column) {
            "" => None,
            _ => Some(self.parse(column, Units::parse)),
        }
    }

    fn boolean(&self, column: &str) -> bool {
        self.parse(column, |s| match s {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(format!("not a boolean: {other:?}")),
        })
    }

    /// Compares a number numerically *and* as text, so "400" for a 2-place currency would be
    /// caught as well as 399.99.
    fn check_decimal(&self, column: &str, got: Decimal) {
        let expected = self.get(column);
        let expected_value = self.parse(column, Decimal::from_str_exact);
        assert!(
            got == expected_value && got.to_string() == expected,
            "{}",
            self.fail(&format!("{column}: expected {expected}, got {got}"))
        );
    }

    fn check_bool(&self, column: &str, got: bool) {
        let expected = self.boolean(column);
        assert_eq!(
            got,
            expected,
            "{}",
            self.fail(&format!("{column}: expected {expected}, got {got}"))
        );
    }

    fn check_units(&self, column: &str, got: Units) {
        let expected = self.parse(column, Units::parse);
        assert_eq!(
            got,
            expected,
            "{}",
            self.fail(&format!("{column}: expected {expected}, got {got}"))
        );
    }

    fn assert_empty(&self, columns: &[&str]) {
        for column in columns {
            assert!(
                self.get(column).is_empty(),
                "{}",
                self.fail(&format!("{column} should be empty on a refused edit"))
            );
        }
    }
}

#[derive(Default)]
struct ReportAcc {
    figures: Vec<LineFigures>,
    expected_totals: Vec<(usize, String)>,
    currency: Option<Currency>,
}

#[test]
fn golden_calculations_pass_unchanged() {
    let path = golden_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the golden file at {path}: {e}"));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: HashMap<String, usize> = lines
        .next()
        .unwrap_or_else(|| panic!("golden file {path} is empty"))
        .split(',')
        .enumerate()
        .map(|(i, name)| (name.trim().to_owned(), i))
        .collect();

    let outcome_columns = [
        "over_provisioned_pct",
        "overage",
        "chargeable",
        "discrepancy",
        "violation",
        "gross",
        "amount_owed",
        "margin_amount",
    ];
    let mut reports: BTreeMap<String, ReportAcc> = BTreeMap::new();
    let mut checked = 0;
    let mut refused = 0;

    for (i, raw) in lines.enumerate() {
        let row = Row {
            number: i + 2, // 1-based, counting the header line
            header: &header,
            cells: raw.split(',').collect(),
        };
        assert_eq!(
            row.cells.len(),
            header.len(),
            "{}",
            row.fail("wrong number of cells")
        );

        let currency = row.parse("currency", Currency::parse);
        let provisioned = row.parse("provisioned", Units::parse);
        let used = row.units_opt("used");
        let input = row.units_opt("chargeable_input");
        let unit_price = row.parse("unit_price", UnitPrice::parse);
        let margin = row.parse("margin_pct", MarginPercent::parse);
        let threshold = row.parse("threshold_pct", ThresholdPercent::parse);
        let comment = Some(row.get("comment")).filter(|c| !c.is_empty());

        row.check_units("default_chargeable", default_chargeable(provisioned, used));

        let acc = reports.entry(row.get("report").to_owned()).or_default();
        if let Some(previous) = acc.currency {
            assert_eq!(
                previous,
                currency,
                "{}",
                row.fail("currency differs within a report")
            );
        }
        acc.currency = Some(currency);
        acc.expected_totals
            .push((row.number, row.get("report_total").to_owned()));

        // The partner's edit, if any, goes through the same validation the form uses.
        let edited = input.map(|c| validate_partner_edit(provisioned, used, c, comment));
        let expected_error = row.get("error");
        let chargeable = match (edited, expected_error) {
            (None, "") => default_chargeable(provisioned, used),
            (Some(Ok(c)), "") => c,
            (Some(Err(e)), "") => {
                panic!("{}", row.fail(&format!("edit refused unexpectedly: {e:?}")))
            }
            (Some(Err(e)), kind) => {
                let got = match e {
                    EditError::CommentRequired => "comment_required",
                    EditError::ChargeableOutOfRange { .. } => "chargeable_out_of_range",
                };
                assert_eq!(
                    got,
                    kind,
                    "{}",
                    row.fail(&format!("expected error {kind}, got {got}"))
                );
                row.assert_empty(&outcome_columns);
                refused += 1;
                checked += 1;
                continue;
            }
            (Some(Ok(c)), kind) => {
                panic!(
                    "{}",
                    row.fail(&format!("edit to {c} accepted, expected error {kind}"))
                )
            }
            (None, kind) => panic!(
                "{}",
                row.fail(&format!("error {kind} but no edit was made"))
            ),
        };

        let line = LineInput {
            provisioned,
            used,
            chargeable,
            unit_price,
            margin,
            comment: comment.map(str::to_owned),
        };
        let f = compute(&line, threshold, currency);
        row.check_decimal("over_provisioned_pct", f.over_provisioned_pct);
        row.check_bool("overage", f.overage);
        row.check_units("default_chargeable", f.default_chargeable);
        row.check_units("chargeable", f.chargeable);
        row.check_bool("discrepancy", f.discrepancy);
        row.check_bool("violation", f.violation);
        row.check_decimal("gross", f.gross);
        row.check_decimal("amount_owed", f.amount_owed);
        row.check_decimal("margin_amount", f.margin_amount);
        acc.figures.push(f);
        checked += 1;
    }

    for (report, acc) in &reports {
        let total = report_total(&acc.figures);
        for (number, expected) in &acc.expected_totals {
            let expected_value = Decimal::from_str_exact(expected).unwrap_or_else(|e| {
                panic!("golden row {number} (report {report}): cannot read report_total: {e}")
            });
            assert!(
                total == expected_value && total.to_string() == *expected,
                "golden row {number} (report {report}): report_total expected {expected}, got {total}"
            );
        }
    }

    assert!(checked > 0, "no golden rows were checked");
    assert!(refused > 0, "no refused edit was checked");
    println!(
        "golden: {checked} rows checked ({refused} refused edits) in {} reports",
        reports.len()
    );
}
