//! One demo report: generated for its month with the lines of the usage feed, then taken to its
//! status by the people of its story — the partner explaining shortfalls and submitting, the
//! deadline job, the distributor (PO number, pricing codes, a rejection), the vendor — each step
//! an action of the report service at a fixed moment of the following month. Deterministic:
//! every choice comes from the seed's sequence or from the names and months.

use sqlx::{Any, Transaction};

use super::data::{COMMENTS, PRODUCTS, REGIONS};
use super::story::{Dates, People, Story, at_minutes};
use super::{Demo, Partner, Sequence, catalogue, codes, invalid};
use crate::domain::notice::NoticeKind;
use crate::domain::{
    LineInput, Period, ReviewReason, Status, Units, compute,
    pricing::{VerifiedCode, granted_codes},
    report_total,
};
use crate::server::db::{
    SqlError, notices,
    reports::{self, NewHistoryEntry, NewLine, NewReport},
    rfc3339,
};
use crate::server::services::{
    Caller,
    reports::{Command, LineEdit},
};

/// Older months are settled; the latest months show every status and sub-status.
pub(super) fn demo_status(month: usize, partner: usize, sequence: &mut Sequence) -> Status {
    match month {
        0..=8 => {
            if sequence.below(10) == 0 {
                Status::SubmittedToVendor
            } else {
                Status::Completed
            }
        }
        9 => [Status::Completed, Status::SubmittedToVendor][partner % 2],
        10 => [
            Status::SubmittedToVendor,
            Status::UnderReview(ReviewReason::ReturnedByVendor),
            Status::Completed,
            Status::UnderReview(ReviewReason::Manual),
        ][partner % 4],
        _ => [
            Status::MspPreparing,
            Status::UnderReview(ReviewReason::Manual),
            Status::UnderReview(ReviewReason::AutoNoPenalties),
            Status::UnderReview(ReviewReason::AutoPenalties),
            Status::Rejected,
            Status::MspPreparing,
            Status::UnderReview(ReviewReason::Manual),
        ][partner % 7],
    }
}

struct DemoLine {
    product: usize,
    /// The line as generated: the usage feed's figures at the catalogue's terms.
    generated: LineInput,
    /// The chargeable units and comment the partner submits, when they differ from the
    /// generated ones.
    edit: Option<(Units, Option<String>)>,
}

/// Generates and stores one report of `partner` for `period`, and plays its story up to
/// `status`.
pub(super) async fn insert(
    demo: &Demo<'_>,
    tx: &mut Transaction<'static, Any>,
    partner: &Partner,
    period: Period,
    status: Status,
    sequence: &mut Sequence,
) -> Result<(), SqlError> {
    let region = &REGIONS[partner.region];
    let partner_acted = !matches!(status, Status::MspPreparing)
        && !matches!(
            status,
            Status::UnderReview(ReviewReason::AutoNoPenalties | ReviewReason::AutoPenalties)
        );
    let distributor_priced = matches!(
        status,
        Status::SubmittedToVendor
            | Status::Completed
            | Status::UnderReview(ReviewReason::ReturnedByVendor)
    );
    // Auto-submitted without penalties means nothing was over-provisioned and uncommented.
    let clean = matches!(status, Status::UnderReview(ReviewReason::AutoNoPenalties));

    let mut lines = Vec::new();
    let mut priced_with_codes = false;
    for &product in &partner.products {
        let (catalogue_price, catalogue_margin) = catalogue(region, product)?;
        // Each partner keeps a steady size per product from month to month (a few percent of
        // drift), with the odd jump, so the month-over-month flag marks what is unusual.
        let base = steady_size(partner.name, product);
        let mut provisioned = base - base / 10 + sequence.below(base / 5 + 1);
        if sequence.below(30) == 0 {
            provisioned *= 2;
        }
        let used = if PRODUCTS[product].3 {
            let roll = sequence.below(10);
            Some(match roll {
                0 => provisioned + 1 + sequence.below(12),
                1..=4 => provisioned,
                _ => provisioned - sequence.below(provisioned / 4 + 1),
            })
        } else {
            None
        };
        let used = used.map(|used| if clean { used.max(provisioned) } else { used });
        let provisioned_units = Units::new(provisioned).map_err(invalid)?;
        let used_units = used.map(Units::new).transpose().map_err(invalid)?;
        let default = crate::domain::default_chargeable(provisioned_units, used_units);
        let mut chargeable = default;
        let mut comment = None;
        // A partner who submitted explained every shortfall (a submit without would have been
        // refused), and sometimes lowered a line further.
        if partner_acted && used.is_some_and(|used| used < provisioned) {
            comment = Some(COMMENTS[sequence.below(COMMENTS.len() as u64) as usize].to_owned());
            if sequence.below(2) == 0 && chargeable.get() > 2 {
                chargeable = Units::new(
                    chargeable.get()
                        - 1
                        - sequence
                            .below(chargeable.get() / 3 + 1)
                            .min(chargeable.get() - 1),
                )
                .map_err(invalid)?;
            }
        }
        // Half of the reports the distributor priced carry the partner's codes (and every one
        // the vendor returned), on the lines it holds one for in this month.
        if distributor_priced && product == partner.products[0] {
            priced_with_codes = sequence.below(2) == 0
                || status == Status::UnderReview(ReviewReason::ReturnedByVendor);
        }
        lines.push(DemoLine {
            product,
            generated: LineInput {
                provisioned: provisioned_units,
                used: used_units,
                chargeable: default,
                unit_price: catalogue_price,
                margin: catalogue_margin,
                comment: None,
            },
            edit: (chargeable != default || comment.is_some()).then_some((chargeable, comment)),
        });
    }

    // Auto-submitted with penalties: make sure there is an uncommented violating line for the
    // deadline job to charge at provisioned.
    if matches!(status, Status::UnderReview(ReviewReason::AutoPenalties))
        && let Some(line) = lines.iter_mut().find(|line| line.generated.used.is_some())
    {
        let provisioned = line.generated.provisioned.get().max(10);
        line.generated.provisioned = Units::new(provisioned).map_err(invalid)?;
        line.generated.used = Some(Units::new(provisioned - provisioned / 5).map_err(invalid)?);
        line.generated.chargeable = line.generated.used.unwrap_or(line.generated.provisioned);
    }

    let dates = Dates::of(period)?;
    let figures = lines
        .iter()
        .map(|line| compute(&line.generated, partner.threshold, region.currency))
        .collect::<Vec<_>>();
    // What the generated lines flag (the report service judges them again on every action).
    let flags = reports::flag_basis(tx, partner.id, period).await?.judge(
        lines
            .iter()
            .map(|line| (demo.product_ids[line.product], &line.generated)),
    );
    let report = NewReport {
        partner_id: partner.id,
        distributor_id: partner.distributor_id,
        region_id: partner.region_id,
        period,
        currency: region.currency,
        status: Status::MspPreparing,
        po_number: None,
        submission_deadline: rfc3339(dates.submission_deadline),
        review_deadline: rfc3339(dates.review_deadline),
        total: report_total(&figures),
        auto_penalties: false,
        has_comments: flags.has_comments,
        below_used: flags.below_used,
        anomaly: flags.anomaly,
        created_at: rfc3339(dates.generated),
    };
    let report_id = reports::insert_report(tx, &report).await?;
    let mut line_ids = Vec::new();
    for (position, (line, figures)) in lines.iter().zip(&figures).enumerate() {
        let stored = NewLine {
            product_id: demo.product_ids[line.product],
            input: line.generated.clone(),
            catalogue_price: line.generated.unit_price,
            catalogue_margin: line.generated.margin,
            pricing_code: None,
            code_applied_by: None,
            code_applied_at: None,
        };
        line_ids.push(reports::insert_line(tx, report_id, position, &stored, figures).await?);
    }
    reports::append_history(
        tx,
        report_id,
        &NewHistoryEntry::generated(rfc3339(dates.generated)),
    )
    .await?;
    // As generation tells the partner (`services::cycle::generate`).
    notices::notify(
        tx,
        report_id,
        NoticeKind::ReportReady,
        &rfc3339(dates.generated),
        None,
    )
    .await?;

    let people = People::of(partner, demo.vendor);
    let mut story = Story {
        db: demo.db,
        tx,
        report_id,
        version: 1,
        status: Status::MspPreparing,
    };
    let submitted = dates.partner_submits(partner.id);
    match status {
        Status::MspPreparing => {}
        Status::UnderReview(ReviewReason::AutoNoPenalties | ReviewReason::AutoPenalties) => {
            story
                .act(&Caller::System, Command::AutoSubmit, dates.auto_submit())
                .await?;
        }
        Status::UnderReview(ReviewReason::Manual)
        | Status::Rejected
        | Status::SubmittedToVendor
        | Status::Completed
        | Status::UnderReview(ReviewReason::ReturnedByVendor) => {
            let edits = lines
                .iter()
                .zip(&line_ids)
                .filter_map(|(line, &line_id)| {
                    let (chargeable, comment) = line.edit.clone()?;
                    Some(LineEdit {
                        line_id,
                        chargeable: chargeable.get().to_string(),
                        comment,
                    })
                })
                .collect();
            story
                .act(&people.partner, Command::Submit { edits }, submitted)
                .await?;
        }
    }
    if status == Status::Rejected {
        let reason = "Endpoint counts do not match the customer's renewal; please re-check and add comments.";
        story
            .act(
                &people.distributor,
                Command::Reject {
                    reason: reason.to_owned(),
                },
                at_minutes(submitted, 25 * 60),
            )
            .await?;
    }
    if distributor_priced {
        // Two days after the submission: the PO number, the codes, then off to the vendor.
        let review = at_minutes(submitted, 2 * 24 * 60);
        let po_number = format!("PO-{}-{}", period.to_key(), 4000 + partner.id);
        story
            .act(
                &people.distributor,
                Command::SetPoNumber { po_number },
                review,
            )
            .await?;
        // The codes the report page offers for each line, as granted: the distributor applies
        // the newest one offered for a line, with exactly the value it grants.
        let offered = if priced_with_codes {
            let products = lines.iter().map(|line| demo.product_ids[line.product]);
            let lines = line_ids.iter().copied().zip(products);
            granted_codes(
                &partner.codes,
                lines,
                partner.id,
                period,
                codes::rules(region)?,
            )
        } else {
            Vec::new()
        };
        let chosen = line_ids
            .iter()
            .filter_map(|&line_id| offered.iter().rev().find(|code| code.line_id == line_id));
        for (minutes, code) in (5..).step_by(5).zip(chosen) {
            let command = Command::ApplyCode {
                line_id: code.line_id,
                code: code.code.clone(),
                value: code.value.to_input(),
            };
            let verified = VerifiedCode {
                code: code.code.clone(),
                kind: code.kind,
                granted: code.value,
            };
            story
                .act_verified(
                    &people.distributor,
                    command,
                    Some(verified),
                    at_minutes(review, minutes),
                )
                .await?;
        }
        story
            .act(
                &people.distributor,
                Command::SubmitToVendor {
                    po_number: None,
                    comment: None,
                },
                at_minutes(review, 6 * 60),
            )
            .await?;
        let vendor_acts = dates.vendor_acts;
        match status {
            Status::Completed => {
                story
                    .act(&people.vendor, Command::Complete, vendor_acts)
                    .await?;
            }
            Status::UnderReview(ReviewReason::ReturnedByVendor) => {
                let reason =
                    "Please confirm the Vision One endpoint count against the console export.";
                story
                    .act(
                        &people.vendor,
                        Command::Return {
                            reason: reason.to_owned(),
                        },
                        vendor_acts,
                    )
                    .await?;
            }
            _ => {}
        }
    }
    if story.status != status {
        return Err(invalid(format!(
            "report {report_id} ended {:?}, not {status:?}",
            story.status
        )));
    }
    Ok(())
}

/// A partner's usual provisioned units of a product: between 20 and 400, fixed by the names so
/// that every month of the demo starts from the same size.
fn steady_size(partner: &str, product: usize) -> u64 {
    let mixed = partner.bytes().fold(product as u64 * 7_919, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(u64::from(byte))
    });
    20 + mixed % 381
}
