//! The public API's shapes: a stable contract, documented in the OpenAPI document, apart from
//! the pages' own types (which may change with the pages). Each is built from what the services
//! answered for the caller, so it holds nothing the caller could not read: a partner's reports
//! and lines have no pricing field at all (absent, not empty). Amounts are decimal strings, exact
//! to the currency's minor unit, never binary floating point.

use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{
    HistoryEntry, Status,
    report::{
        LineView, PartnerLineView, PartnerReportDetail, PartnerReportSummary, ReportDetail,
        ReportHeader, ReportSummary,
    },
};

/// A report in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportItem {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub distributor_name: String,
    pub region_name: String,
    /// ISO 4217 code, e.g. `USD`.
    pub currency: String,
    /// The report's month, `YYYY-MM`.
    pub period: String,
    #[serde(flatten)]
    pub status: StatusOf,
    pub po_number: Option<String>,
    /// The partner's deadline (UTC, RFC 3339).
    pub submission_deadline: String,
    /// The report's version: send it back as `If-Match: "v{version}"` to act.
    pub version: i64,
    /// Σ amount owed, when the caller may see pricing at this status; absent otherwise (always
    /// for partners).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "1234.50")]
    pub total: Option<Decimal>,
}

/// Where a report stands.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StatusOf {
    /// `msp_preparing` (the partner prepares it), `under_review` (with the distributor),
    /// `rejected` (returned to the partner), `submitted_to_vendor`, `completed`.
    pub status: String,
    /// Why a report is under review: `manual` (the partner submitted it), `auto_no_penalties`,
    /// `auto_penalties` (submitted at the partner's deadline), `returned_by_vendor`; absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_status: Option<String>,
    /// The status as the pages say it.
    pub status_label: String,
}

impl From<Status> for StatusOf {
    fn from(status: Status) -> Self {
        StatusOf {
            status: status.as_code().to_owned(),
            sub_status: status.sub_status_code().map(str::to_owned),
            status_label: status.label(),
        }
    }
}

/// One page of the reports the token may read.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub rows: Vec<ReportItem>,
    /// How many reports match, on every page.
    pub total_count: u64,
    /// When the server read the list (UTC, RFC 3339).
    pub as_of: String,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

impl From<ReportSummary> for ReportItem {
    fn from(row: ReportSummary) -> Self {
        let total = row.total;
        ReportItem {
            total,
            ..ReportItem::from(row.for_partner())
        }
    }
}

impl From<PartnerReportSummary> for ReportItem {
    fn from(row: PartnerReportSummary) -> Self {
        ReportItem {
            id: row.id,
            partner_id: row.partner_id,
            partner_name: row.partner_name,
            distributor_name: row.distributor_name,
            region_name: row.region_name,
            currency: row.currency.into(),
            period: row.period.into(),
            status: row.status.into(),
            po_number: row.po_number,
            submission_deadline: row.submission_deadline,
            version: row.version,
            total: None,
        }
    }
}

/// One report with its lines and its history. Its `version` is also the answer's `ETag`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Report {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub distributor_name: String,
    pub region_name: String,
    pub currency: String,
    pub period: String,
    #[serde(flatten)]
    pub status: StatusOf,
    pub po_number: Option<String>,
    /// The partner's deadline (UTC, RFC 3339).
    pub submission_deadline: String,
    /// The distributor's review deadline (UTC, RFC 3339).
    pub review_deadline: String,
    pub version: i64,
    /// Σ amount owed; absent for partners.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "1234.50")]
    pub total: Option<Decimal>,
    /// The vendor's reference, once the report was delivered to the vendor; absent for partners.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_reference: Option<String>,
    pub lines: Vec<Line>,
    /// Every change, oldest first; never edited.
    pub history: Vec<HistoryItem>,
}

/// One product line.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Line {
    /// The id `save-draft`, `submit`, `apply-code` and `remove-code` name.
    pub line_id: i64,
    pub sku: String,
    pub product: String,
    pub unit_type: String,
    pub provisioned: u64,
    /// Measured use, when the feed has it.
    pub used: Option<u64>,
    /// Units billed: the partner's figure (by default the provisioned units).
    pub chargeable: u64,
    pub comment: Option<String>,
    /// Whether the line needs the partner's comment before the report can be submitted.
    pub needs_comment: bool,
    /// The line's pricing; absent for partners.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing: Option<LinePricing>,
}

/// What a line costs and owes (never sent to partners).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LinePricing {
    #[schema(value_type = String, example = "12.50")]
    pub unit_price: Decimal,
    /// The channel margin in percent.
    #[schema(value_type = String, example = "20")]
    pub margin_percent: Decimal,
    /// The special pricing code applied, if any.
    pub pricing_code: Option<String>,
    #[schema(value_type = String)]
    pub gross: Decimal,
    #[schema(value_type = String)]
    pub amount_owed: Decimal,
}

/// One entry of a report's history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryItem {
    pub id: i64,
    /// UTC, RFC 3339.
    pub at: String,
    /// Who: a person, "system", or "NAME via API token 'TOKEN'".
    pub actor: String,
    pub actor_org: Option<String>,
    /// What happened, as a stable code (e.g. `submit`, `set_po_number`, `complete`).
    pub event: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub comment: Option<String>,
}

impl From<HistoryEntry> for HistoryItem {
    fn from(entry: HistoryEntry) -> Self {
        HistoryItem {
            id: entry.id,
            at: entry.at,
            actor: entry.actor,
            actor_org: entry.actor_org,
            event: <&'static str>::from(entry.event).to_owned(),
            from_status: entry.from_status.map(|status| status.as_code().to_owned()),
            to_status: entry.to_status.map(|status| status.as_code().to_owned()),
            comment: entry.comment,
        }
    }
}

fn line(line: PartnerLineView) -> Line {
    Line {
        line_id: line.product.line_id,
        sku: line.product.sku,
        product: line.product.name,
        unit_type: line.product.unit_type,
        provisioned: line.usage.provisioned.into(),
        used: line.usage.used.map(Into::into),
        chargeable: line.usage.chargeable.into(),
        comment: line.usage.comment,
        needs_comment: line.usage.needs_comment,
        pricing: None,
    }
}

fn report(header: ReportHeader, lines: Vec<Line>, history: Vec<HistoryEntry>) -> Report {
    Report {
        id: header.id,
        partner_id: header.partner_id,
        partner_name: header.partner_name,
        distributor_name: header.distributor_name,
        region_name: header.region_name,
        currency: header.currency.into(),
        period: header.period.into(),
        status: header.status.into(),
        po_number: header.po_number,
        submission_deadline: header.submission_deadline,
        review_deadline: header.review_deadline,
        version: header.version,
        total: None,
        vendor_reference: None,
        lines,
        history: history.into_iter().map(HistoryItem::from).collect(),
    }
}

impl From<PartnerReportDetail> for Report {
    fn from(detail: PartnerReportDetail) -> Self {
        let lines = detail.lines.into_iter().map(line).collect();
        report(detail.header, lines, detail.history)
    }
}

impl From<ReportDetail> for Report {
    fn from(detail: ReportDetail) -> Self {
        let lines = detail
            .lines
            .into_iter()
            .map(|view: LineView| {
                let pricing = LinePricing {
                    unit_price: view.unit_price.get(),
                    margin_percent: view.margin.get(),
                    pricing_code: view.pricing_code.clone(),
                    gross: view.gross,
                    amount_owed: view.amount_owed,
                };
                Line {
                    pricing: Some(pricing),
                    ..line(view.for_partner())
                }
            })
            .collect();
        Report {
            total: Some(detail.total),
            vendor_reference: detail.delivery.and_then(|delivery| delivery.reference),
            ..report(detail.header, lines, detail.history)
        }
    }
}
