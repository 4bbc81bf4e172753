//! A submitted report as the vendor receives it (SPEC §6, `POST /v1/billing-reports`): frozen in
//! the outbox by the transaction that submits the report, sent as it is on every try.

use serde::{Deserialize, Serialize};

use crate::domain::{LineFigures, Period, ReportLine};

/// The body of a submission. Amounts are decimal strings (never JSON numbers), periods `YYYY-MM`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub report_id: i64,
    pub partner_id: i64,
    /// The distributor's name.
    pub distributor: String,
    pub period: String,
    pub currency: String,
    pub po_number: Option<String>,
    /// The distributor's comment to the vendor, if any.
    pub comment: Option<String>,
    pub lines: Vec<SubmittedLine>,
    pub total: String,
}

/// One line of a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedLine {
    pub sku: String,
    /// Chargeable units: a count, sent as a JSON integer.
    pub chargeable: u64,
    pub unit_price: String,
    pub channel_margin: String,
    pub amount_owed: String,
}

/// Who and what a submission is about, besides its lines.
pub struct SubmissionHeader<'a> {
    pub report_id: i64,
    pub partner_id: i64,
    pub distributor: &'a str,
    pub period: Period,
    pub currency: crate::domain::Currency,
    pub po_number: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub total: rust_decimal::Decimal,
}

impl Submission {
    /// The submission of a report's lines as stored, with their figures.
    pub fn new(
        header: SubmissionHeader<'_>,
        lines: &[ReportLine],
        figures: &[LineFigures],
    ) -> Self {
        Submission {
            report_id: header.report_id,
            partner_id: header.partner_id,
            distributor: header.distributor.to_owned(),
            period: header.period.to_string(),
            currency: header.currency.code().to_owned(),
            po_number: header.po_number.map(str::to_owned),
            comment: header.comment.map(str::to_owned),
            lines: lines
                .iter()
                .zip(figures)
                .map(|(line, figures)| SubmittedLine {
                    sku: line.product.sku.clone(),
                    chargeable: line.input.chargeable.get(),
                    unit_price: line.input.unit_price.get().to_string(),
                    channel_margin: line.input.margin.get().to_string(),
                    amount_owed: figures.amount_owed.to_string(),
                })
                .collect(),
            total: header.total.to_string(),
        }
    }
}
