//! The vendor's pricing codes in the demo: what its Bid Desk / Promote desk issued to some
//! partners. A demo line only ever carries a code from this table, one the report page offers
//! for the line, applied through the report service with the value it grants, so verifying a
//! line's code again gives back exactly the line's terms.

use super::data::{REGIONS, RegionSeed};
use super::{Partner, catalogue, dec, invalid, price_places};
use crate::domain::{
    MarginPercent, Period, UnitPrice,
    pricing::{CodeKind, CodeRecord, PricingRules, Unlocks},
    round_half_away,
};
use crate::server::db::SqlError;

/// One kind of deal: which of the partner's products, the serial of its codes, the price factor
/// (in percent of the list price) or the margin points it grants, and from which demo month on.
struct Deal {
    product: usize,
    serial: usize,
    price_pct: i64,
    margin_points: &'static str,
    from_month: u32,
}

/// Every partner holds a code for its first product; every third one also for its second, and
/// every sixth gets a better deal on its first product from the seventh demo month on, so that
/// the distributor has two codes to choose from for one line.
const DEALS: &[(usize, Deal)] = &[
    (
        1,
        Deal {
            product: 0,
            serial: 1000,
            price_pct: 85,
            margin_points: "7.5",
            from_month: 0,
        },
    ),
    (
        3,
        Deal {
            product: 1,
            serial: 1100,
            price_pct: 90,
            margin_points: "5",
            from_month: 0,
        },
    ),
    (
        6,
        Deal {
            product: 0,
            serial: 1200,
            price_pct: 80,
            margin_points: "10",
            from_month: 6,
        },
    ),
];

/// The last month every demo code is valid.
const VALID_TO: i32 = 202_712;

/// The codes issued to the partner listed at `index`; `product_ids` are the catalogue's ids and
/// `first` the first demo month.
pub(super) fn issue(
    index: usize,
    partner: &Partner,
    product_ids: &[i64],
    first: Period,
) -> Result<Vec<CodeRecord>, SqlError> {
    let region = &REGIONS[partner.region];
    let mut codes = Vec::new();
    for (_, deal) in DEALS
        .iter()
        .filter(|(every, _)| index.is_multiple_of(*every))
    {
        let Some(&product) = partner.products.get(deal.product) else {
            continue;
        };
        let (price, margin) = catalogue(region, product)?;
        let (unit_price, margin) = match rules(region)?.unlocks {
            Unlocks::UnitPrice => {
                let special = price.get() * rust_decimal::Decimal::new(deal.price_pct, 2);
                let special = round_half_away(special, price_places(region));
                (Some(UnitPrice::new(special).map_err(invalid)?), None)
            }
            Unlocks::ChannelMargin => {
                let special = margin.get() + dec(deal.margin_points);
                (None, Some(MarginPercent::new(special).map_err(invalid)?))
            }
        };
        let mut valid_from = first;
        for _ in 0..deal.from_month {
            valid_from = valid_from
                .next()
                .ok_or_else(|| invalid("period overflow"))?;
        }
        codes.push(CodeRecord {
            code: format!(
                "{}-{}-{:04}",
                prefix(region)?,
                region.code,
                deal.serial + index
            ),
            partner_id: partner.id,
            product_id: product_ids[product],
            unit_price,
            margin,
            valid_from,
            valid_to: Period::from_key(VALID_TO).map_err(invalid)?,
        });
    }
    Ok(codes)
}

/// The region's special-pricing rules, as its stored codes say.
pub(super) fn rules(region: &RegionSeed) -> Result<PricingRules, SqlError> {
    Ok(PricingRules {
        code_kind: CodeKind::from_code(region.code_kind)
            .ok_or_else(|| invalid(format!("code kind {}", region.code_kind)))?,
        unlocks: Unlocks::from_code(region.unlocks)
            .ok_or_else(|| invalid(format!("unlocks {}", region.unlocks)))?,
    })
}

fn prefix(region: &RegionSeed) -> Result<&'static str, SqlError> {
    Ok(match rules(region)?.code_kind {
        CodeKind::BidDeskNumber => "BDN",
        CodeKind::PromoteCode => "PRM",
    })
}
