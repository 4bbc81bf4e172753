//! One demo report: its lines (usage, shortfalls explained, pricing codes applied), the penalties
//! of an auto-submission, its header and the history that leads to its status. Deterministic:
//! every choice comes from the seed's sequence.

use sqlx::{Any, Transaction};

use super::data::{COMMENTS, PRODUCTS, REGIONS};
use super::{Partner, Sequence, catalogue, dec, invalid};
use crate::domain::{
    HistoryEvent, LineInput, MarginPercent, Period, ReviewReason, Role, Status, UnitPrice, Units,
    auto_submit_penalty, compute, report_total,
};
use crate::server::db::SqlError;
use crate::server::db::reports::{self, NewHistoryEntry, NewLine, NewReport};

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

/// (who, what, from, to, comment) of one history entry.
type HistorySeed = (Actor, HistoryEvent, Option<Status>, Status, Option<String>);

/// Who a demo history entry names: a person of an organisation in a role, or the system.
struct Actor {
    name: String,
    org: Option<String>,
    role: Option<Role>,
}

impl Actor {
    fn system() -> Actor {
        Actor {
            name: "system".to_owned(),
            org: None,
            role: None,
        }
    }

    fn billing_team(org: &str) -> Actor {
        Actor {
            name: format!("Billing team, {org}"),
            org: Some(org.to_owned()),
            role: Some(Role::BillingManager),
        }
    }
}

struct DemoLine {
    product: usize,
    input: LineInput,
    catalogue_price: UnitPrice,
    catalogue_margin: MarginPercent,
    code: Option<String>,
}

/// Generates and stores one report of `partner` for `period`, in `status`.
pub(super) async fn insert(
    tx: &mut Transaction<'static, Any>,
    vendor_name: &str,
    partner: &Partner,
    product_ids: &[i64],
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

    let mut lines = Vec::new();
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
        // Auto-submitted without penalties means nothing was over-provisioned and uncommented.
        let clean = matches!(status, Status::UnderReview(ReviewReason::AutoNoPenalties));
        let used = used.map(|used| if clean { used.max(provisioned) } else { used });
        let provisioned_units = Units::new(provisioned).map_err(invalid)?;
        let used_units = used.map(Units::new).transpose().map_err(invalid)?;
        let mut chargeable = crate::domain::default_chargeable(provisioned_units, used_units);
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
        let mut unit_price = catalogue_price;
        let mut margin = catalogue_margin;
        let mut code = None;
        if distributor_priced && product == partner.products[0] && sequence.below(2) == 0 {
            if region.unlocks == "unit_price" {
                unit_price = UnitPrice::new(crate::domain::round_half_away(
                    catalogue_price.get() * dec("0.85"),
                    4,
                ))
                .map_err(invalid)?;
                code = Some(format!(
                    "BDN-{}-{:04}",
                    region.code,
                    1000 + partner.id % 1000
                ));
            } else {
                margin =
                    MarginPercent::new(catalogue_margin.get() + dec("7.5")).map_err(invalid)?;
                code = Some(format!(
                    "PRM-{}-{:04}",
                    region.code,
                    1000 + partner.id % 1000
                ));
            }
        }
        lines.push(DemoLine {
            product,
            input: LineInput {
                provisioned: provisioned_units,
                used: used_units,
                chargeable,
                unit_price,
                margin,
                comment,
            },
            catalogue_price,
            catalogue_margin,
            code,
        });
    }

    // Auto-submitted with penalties: uncommented violating lines are charged at provisioned.
    let mut penalised = Vec::new();
    if matches!(status, Status::UnderReview(ReviewReason::AutoPenalties)) {
        let mut inputs = lines
            .iter()
            .map(|line| line.input.clone())
            .collect::<Vec<_>>();
        // Make sure there is something to penalise.
        if let Some(line) = inputs.iter_mut().find(|line| line.used.is_some()) {
            let provisioned = line.provisioned.get().max(10);
            line.provisioned = Units::new(provisioned).map_err(invalid)?;
            line.used = Some(Units::new(provisioned - provisioned / 5).map_err(invalid)?);
            line.chargeable = line.used.unwrap_or(line.provisioned);
            line.comment = None;
        }
        let outcome = auto_submit_penalty(&inputs, partner.threshold);
        penalised = outcome.penalties.clone();
        outcome.apply_to(&mut inputs);
        for (line, input) in lines.iter_mut().zip(inputs) {
            line.input = input;
        }
    }

    let figures = lines
        .iter()
        .map(|line| compute(&line.input, partner.threshold, region.currency))
        .collect::<Vec<_>>();
    let total = report_total(&figures);
    let flags = reports::flag_basis(tx, partner.id, period).await?.judge(
        lines
            .iter()
            .map(|line| (product_ids[line.product], &line.input)),
    );
    let next = period.next().ok_or_else(|| invalid("period overflow"))?;
    let submission_deadline = format!("{:04}-{:02}-05T23:59:00Z", next.year(), next.month());
    let review_deadline = format!("{:04}-{:02}-12T23:59:00Z", next.year(), next.month());
    let generated_at = format!("{:04}-{:02}-01T02:00:00Z", next.year(), next.month());
    let po_number =
        distributor_priced.then(|| format!("PO-{}-{}", period.to_key(), 4000 + partner.id));

    let report = NewReport {
        partner_id: partner.id,
        distributor_id: partner.distributor_id,
        region_id: partner.region_id,
        period,
        currency: region.currency,
        status,
        po_number,
        submission_deadline,
        review_deadline: review_deadline.clone(),
        total,
        auto_penalties: !penalised.is_empty(),
        has_comments: flags.has_comments,
        below_used: flags.below_used,
        anomaly: flags.anomaly,
        created_at: generated_at,
    };
    let report_id = reports::insert_report(tx, &report).await?;

    for (position, (line, figures)) in lines.iter().zip(&figures).enumerate() {
        let applied = |value: String| line.code.as_ref().map(|_| value);
        let stored = NewLine {
            product_id: product_ids[line.product],
            input: line.input.clone(),
            catalogue_price: line.catalogue_price,
            catalogue_margin: line.catalogue_margin,
            pricing_code: line.code.clone(),
            code_applied_by: applied(format!("Billing team, {}", partner.distributor_name)),
            code_applied_at: applied(review_deadline.replace("12T23:59", "10T09:30")),
        };
        reports::insert_line(tx, report_id, position, &stored, figures).await?;
    }

    // History: the path this report took to its status, oldest first.
    let partner_user = || Actor::billing_team(partner.name);
    let distributor_user = || Actor::billing_team(partner.distributor_name);
    let vendor_user = || Actor {
        name: "Vendor billing".to_owned(),
        org: Some(vendor_name.to_owned()),
        role: Some(Role::BillingManager),
    };
    let mut entries: Vec<HistorySeed> = vec![(
        Actor::system(),
        HistoryEvent::Generated,
        None,
        Status::MspPreparing,
        None,
    )];
    let manual = Status::UnderReview(ReviewReason::Manual);
    match status {
        Status::MspPreparing => {}
        Status::UnderReview(ReviewReason::AutoNoPenalties)
        | Status::UnderReview(ReviewReason::AutoPenalties) => {
            let comment = (!penalised.is_empty()).then(|| {
                format!("Deadline passed: {} uncommented over-provisioned line(s) charged at provisioned.", penalised.len())
            });
            entries.push((
                Actor::system(),
                HistoryEvent::AutoSubmitted {
                    penalties: !penalised.is_empty(),
                },
                Some(Status::MspPreparing),
                status,
                comment,
            ));
        }
        Status::UnderReview(ReviewReason::Manual) => {
            entries.push((
                partner_user(),
                HistoryEvent::Submitted,
                Some(Status::MspPreparing),
                manual,
                None,
            ));
        }
        Status::Rejected => {
            entries.push((
                partner_user(),
                HistoryEvent::Submitted,
                Some(Status::MspPreparing),
                manual,
                None,
            ));
            entries.push((
                distributor_user(),
                HistoryEvent::ReturnedToPartner,
                Some(manual),
                Status::Rejected,
                Some("Endpoint counts do not match the customer's renewal; please re-check and add comments.".to_owned()),
            ));
        }
        Status::SubmittedToVendor
        | Status::Completed
        | Status::UnderReview(ReviewReason::ReturnedByVendor) => {
            entries.push((
                partner_user(),
                HistoryEvent::Submitted,
                Some(Status::MspPreparing),
                manual,
                None,
            ));
            entries.push((
                distributor_user(),
                HistoryEvent::SubmittedToVendor,
                Some(manual),
                Status::SubmittedToVendor,
                None,
            ));
            match status {
                Status::Completed => entries.push((
                    vendor_user(),
                    HistoryEvent::Completed,
                    Some(Status::SubmittedToVendor),
                    Status::Completed,
                    None,
                )),
                Status::UnderReview(ReviewReason::ReturnedByVendor) => entries.push((
                    vendor_user(),
                    HistoryEvent::ReturnedByVendor,
                    Some(Status::SubmittedToVendor),
                    status,
                    Some(
                        "Please confirm the Vision One endpoint count against the console export."
                            .to_owned(),
                    ),
                )),
                _ => {}
            }
        }
    }
    for (step, (actor, event, from, to, comment)) in entries.into_iter().enumerate() {
        let at = format!(
            "{:04}-{:02}-{:02}T{:02}:15:00Z",
            next.year(),
            next.month(),
            1 + step * 3,
            8 + step
        );
        let entry = NewHistoryEntry {
            at,
            actor: actor.name,
            actor_org: actor.org,
            actor_role: actor.role,
            event,
            from_status: from,
            to_status: Some(to),
            comment,
            before_json: None,
            after_json: None,
            prices_json: None,
        };
        reports::append_history(tx, report_id, &entry).await?;
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
