//! Special pricing (SPEC §6): what a verified Bid Desk Number or Promote Code unlocks, and why a
//! code is refused. The server loads the code's record; this module judges it, and judges the
//! value a distributor then types, in the browser (as they type) and on the server alike.
//!
//! A code grants a value (a special unit price, or a special channel margin: the region decides
//! which). The distributor may apply that value or one less favourable to the distributor, but
//! never a better one than the vendor granted, and never a worse one than the catalogue: a unit
//! price between the granted price and the list price, a margin between the list margin and the
//! granted margin.

use serde::{Deserialize, Serialize};

use rust_decimal::Decimal;

use super::money::ParseError;
use super::numbers::{MarginPercent, UnitPrice};
use super::period::Period;

/// Which kind of code a region uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeKind {
    BidDeskNumber,
    PromoteCode,
}

impl CodeKind {
    pub const fn as_code(&self) -> &'static str {
        match self {
            CodeKind::BidDeskNumber => "bid_desk_number",
            CodeKind::PromoteCode => "promote_code",
        }
    }

    pub fn from_code(code: &str) -> Option<CodeKind> {
        match code {
            "bid_desk_number" => Some(CodeKind::BidDeskNumber),
            "promote_code" => Some(CodeKind::PromoteCode),
            _ => None,
        }
    }

    pub const fn label(&self) -> &'static str {
        match self {
            CodeKind::BidDeskNumber => "Bid Desk Number",
            CodeKind::PromoteCode => "Promote Code",
        }
    }
}

/// Which value a verified code lets the distributor change, by region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unlocks {
    UnitPrice,
    ChannelMargin,
}

impl Unlocks {
    pub const fn as_code(&self) -> &'static str {
        match self {
            Unlocks::UnitPrice => "unit_price",
            Unlocks::ChannelMargin => "channel_margin",
        }
    }

    pub fn from_code(code: &str) -> Option<Unlocks> {
        match code {
            "unit_price" => Some(Unlocks::UnitPrice),
            "channel_margin" => Some(Unlocks::ChannelMargin),
            _ => None,
        }
    }

    pub const fn label(&self) -> &'static str {
        match self {
            Unlocks::UnitPrice => "unit price",
            Unlocks::ChannelMargin => "channel margin",
        }
    }
}

/// A region's special-pricing rules: which code its distributors specify, and what it unlocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricingRules {
    pub code_kind: CodeKind,
    pub unlocks: Unlocks,
}

/// A value a code unlocks: a unit price or a channel margin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpecialValue {
    UnitPrice(UnitPrice),
    Margin(MarginPercent),
}

impl SpecialValue {
    pub fn get(&self) -> Decimal {
        match self {
            SpecialValue::UnitPrice(price) => price.get(),
            SpecialValue::Margin(margin) => margin.get(),
        }
    }

    /// The value as an input field shows it (a margin without the % sign).
    pub fn to_input(&self) -> String {
        self.get().normalize().to_string()
    }
}

/// A code the vendor verified for one line: what it is and what it grants there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedCode {
    /// The code, normalised.
    pub code: String,
    pub kind: CodeKind,
    /// The most favourable value the code allows.
    pub granted: SpecialValue,
}

/// What the granted terms mean in a region that unlocks `unlocks`; a code with no term for it
/// grants nothing there.
pub fn granted_value(terms: CodeTerms, unlocks: Unlocks) -> Result<SpecialValue, CodeRefusal> {
    match unlocks {
        Unlocks::UnitPrice => terms.unit_price.map(SpecialValue::UnitPrice),
        Unlocks::ChannelMargin => terms.margin.map(SpecialValue::Margin),
    }
    .ok_or(CodeRefusal::GrantsNothing(unlocks))
}

/// Why a special value was not accepted, in words for the distributor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SpecialValueError {
    #[error("{0}")]
    Unreadable(ParseError),
    #[error("The code allows a unit price of {granted} at the lowest.")]
    PriceBelowGrant { granted: UnitPrice },
    #[error("A special unit price cannot be above the list price of {list}.")]
    PriceAboveList { list: UnitPrice },
    #[error("The code allows a channel margin of {granted}% at the most.")]
    MarginAboveGrant { granted: MarginPercent },
    #[error("A special channel margin cannot be below the list margin of {list}%.")]
    MarginBelowList { list: MarginPercent },
}

/// The values a code allows on a line: from the granted value (the best for the distributor)
/// to the catalogue's. A code that grants something worse than the catalogue allows exactly
/// what it grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowedRange {
    UnitPrice {
        granted: UnitPrice,
        list: UnitPrice,
    },
    Margin {
        granted: MarginPercent,
        list: MarginPercent,
    },
}

pub fn allowed_range(
    granted: SpecialValue,
    catalogue_price: UnitPrice,
    catalogue_margin: MarginPercent,
) -> AllowedRange {
    match granted {
        SpecialValue::UnitPrice(granted) => AllowedRange::UnitPrice {
            granted,
            list: catalogue_price.max(granted),
        },
        SpecialValue::Margin(granted) => AllowedRange::Margin {
            granted,
            list: catalogue_margin.min(granted),
        },
    }
}

/// Judges the value a distributor typed for a line whose code granted `granted`, against the
/// line's catalogue values (see [`allowed_range`]). Returns the value to apply.
pub fn special_value(
    text: &str,
    granted: SpecialValue,
    catalogue_price: UnitPrice,
    catalogue_margin: MarginPercent,
) -> Result<SpecialValue, SpecialValueError> {
    match allowed_range(granted, catalogue_price, catalogue_margin) {
        AllowedRange::UnitPrice { granted, list } => {
            let price = UnitPrice::parse(text).map_err(SpecialValueError::Unreadable)?;
            if price < granted {
                return Err(SpecialValueError::PriceBelowGrant { granted });
            }
            if price > list {
                return Err(SpecialValueError::PriceAboveList { list });
            }
            Ok(SpecialValue::UnitPrice(price))
        }
        AllowedRange::Margin { granted, list } => {
            let margin = MarginPercent::parse(text).map_err(SpecialValueError::Unreadable)?;
            if margin > granted {
                return Err(SpecialValueError::MarginAboveGrant { granted });
            }
            if margin < list {
                return Err(SpecialValueError::MarginBelowList { list });
            }
            Ok(SpecialValue::Margin(margin))
        }
    }
}

/// The unit price and margin a line has once `value` is applied: one code per line, unlocking
/// one value, so the other stays at the catalogue's.
pub fn priced_with(
    value: SpecialValue,
    catalogue_price: UnitPrice,
    catalogue_margin: MarginPercent,
) -> (UnitPrice, MarginPercent) {
    match value {
        SpecialValue::UnitPrice(price) => (price, catalogue_margin),
        SpecialValue::Margin(margin) => (catalogue_price, margin),
    }
}

/// A line priced otherwise than the catalogue, or carrying a code: what a reset would change.
pub fn has_special_pricing(
    unit_price: UnitPrice,
    margin: MarginPercent,
    catalogue_price: UnitPrice,
    catalogue_margin: MarginPercent,
    code: Option<&str>,
) -> bool {
    unit_price != catalogue_price || margin != catalogue_margin || code.is_some()
}

/// A line's prices as the history records them around a pricing change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePricing {
    /// The product's name.
    pub line: String,
    pub unit_price: UnitPrice,
    pub margin: MarginPercent,
    pub code: Option<String>,
}

/// The prices a history entry changed, before and after (shown only to those who see pricing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceChange {
    pub before: Vec<LinePricing>,
    pub after: Vec<LinePricing>,
}

impl PriceChange {
    /// What changed on each line, in words: (line, "unit price 4.20 → 3.90, code none → X").
    pub fn described(&self) -> Vec<(String, String)> {
        self.before
            .iter()
            .zip(&self.after)
            .map(|(before, after)| {
                let mut parts = Vec::new();
                if before.unit_price != after.unit_price {
                    parts.push(format!(
                        "unit price {} → {}",
                        before.unit_price, after.unit_price
                    ));
                }
                if before.margin != after.margin {
                    parts.push(format!("margin {}% → {}%", before.margin, after.margin));
                }
                if before.code != after.code {
                    let code =
                        |c: &Option<String>| c.clone().unwrap_or_else(|| "no code".to_owned());
                    parts.push(format!(
                        "code {} → {}",
                        code(&before.code),
                        code(&after.code)
                    ));
                }
                (after.line.clone(), parts.join(", "))
            })
            .collect()
    }
}

/// A pricing code as the vendor issued it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRecord {
    pub code: String,
    pub partner_id: i64,
    pub product_id: i64,
    pub unit_price: Option<UnitPrice>,
    pub margin: Option<MarginPercent>,
    pub valid_from: Period,
    pub valid_to: Period,
}

/// The terms a valid code grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTerms {
    pub unit_price: Option<UnitPrice>,
    pub margin: Option<MarginPercent>,
}

const NOT_FOR_THIS_LINE: &str =
    "The vendor knows no such code for this partner and product. Check it for typing mistakes.";

/// Why a code was refused, in words for the distributor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CodeRefusal {
    #[error("{}", NOT_FOR_THIS_LINE)]
    Unknown,
    #[error("This code is not valid for this report's period.")]
    Expired,
    /// Deliberately the same words as an unknown code: the answer must not confirm that a code
    /// exists for some other partner.
    #[error("{}", NOT_FOR_THIS_LINE)]
    OtherPartner,
    #[error("{}", NOT_FOR_THIS_LINE)]
    OtherProduct,
    #[error("This code grants no special {}, which is what codes change in this region.", .0.label())]
    GrantsNothing(Unlocks),
}

/// Judges a code for a line of `partner_id`'s report for `period` on `product_id`.
/// `record` is `None` when no code with that text exists.
pub fn verify_code(
    record: Option<&CodeRecord>,
    partner_id: i64,
    product_id: i64,
    period: Period,
) -> Result<CodeTerms, CodeRefusal> {
    let record = record.ok_or(CodeRefusal::Unknown)?;
    if record.partner_id != partner_id {
        return Err(CodeRefusal::OtherPartner);
    }
    if record.product_id != product_id {
        return Err(CodeRefusal::OtherProduct);
    }
    if period < record.valid_from || period > record.valid_to {
        return Err(CodeRefusal::Expired);
    }
    Ok(CodeTerms {
        unit_price: record.unit_price,
        margin: record.margin,
    })
}

/// Judges a (normalised) code for one line of `partner_id`'s report: issued, for this partner,
/// product and period, and granting the value the region's `rules` unlock.
pub fn verify_for_line(
    code: String,
    record: Option<&CodeRecord>,
    partner_id: i64,
    product_id: i64,
    period: Period,
    rules: PricingRules,
) -> Result<VerifiedCode, CodeRefusal> {
    let terms = verify_code(record, partner_id, product_id, period)?;
    grant(code, terms, rules)
}

/// A code the vendor found valid with `terms`, judged against what the region's `rules` let
/// codes change.
pub fn grant(
    code: String,
    terms: CodeTerms,
    rules: PricingRules,
) -> Result<VerifiedCode, CodeRefusal> {
    let granted = granted_value(terms, rules.unlocks)?;
    Ok(VerifiedCode {
        code,
        kind: rules.code_kind,
        granted,
    })
}

/// A code the vendor granted the partner, offered on a report line it is valid for: what it
/// grants there (judged as if the distributor had typed it for that line) and the last month it
/// is valid. Only ever sent in the priced report shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantedCode {
    /// The report line (one per product) the code applies to.
    pub line_id: i64,
    pub code: String,
    pub kind: CodeKind,
    /// The most favourable value the code allows on that line.
    pub value: SpecialValue,
    pub valid_to: Period,
}

/// The codes among `records` that a distributor could apply to the `lines` (line id, product id)
/// of `partner_id`'s report for `period`: each judged by [`verify_for_line`], so a code offered
/// here is exactly one that verifies. Line by line, in the order of `records` within a line.
pub fn granted_codes(
    records: &[CodeRecord],
    lines: impl IntoIterator<Item = (i64, i64)>,
    partner_id: i64,
    period: Period,
    rules: PricingRules,
) -> Vec<GrantedCode> {
    lines
        .into_iter()
        .flat_map(|(line_id, product_id)| {
            records.iter().filter_map(move |record| {
                let verified = verify_for_line(
                    record.code.clone(),
                    Some(record),
                    partner_id,
                    product_id,
                    period,
                    rules,
                )
                .ok()?;
                Some(GrantedCode {
                    line_id,
                    code: verified.code,
                    kind: verified.kind,
                    value: verified.granted,
                    valid_to: record.valid_to,
                })
            })
        })
        .collect()
}

/// Normalises what a distributor typed as a code: trimmed, upper-case, at most 40 characters of
/// letters, digits and dashes.
pub fn parse_code(text: &str) -> Result<String, CodeRefusal> {
    let code = text.trim().to_ascii_uppercase();
    let well_formed = !code.is_empty()
        && code.len() <= 40
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if well_formed {
        Ok(code)
    } else {
        Err(CodeRefusal::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(text: &str) -> Period {
        Period::parse(text).expect("test period")
    }

    fn record() -> CodeRecord {
        CodeRecord {
            code: "BDN-NA-1000".to_owned(),
            partner_id: 7,
            product_id: 3,
            unit_price: UnitPrice::parse("3.50").ok(),
            margin: None,
            valid_from: period("2026-01"),
            valid_to: period("2026-12"),
        }
    }

    #[test]
    fn a_code_is_judged_by_partner_product_and_period() {
        let r = record();
        assert_eq!(
            verify_code(Some(&r), 7, 3, period("2026-06")),
            Ok(CodeTerms {
                unit_price: r.unit_price,
                margin: None
            })
        );
        assert_eq!(
            verify_code(None, 7, 3, period("2026-06")),
            Err(CodeRefusal::Unknown)
        );
        assert_eq!(
            verify_code(Some(&r), 8, 3, period("2026-06")),
            Err(CodeRefusal::OtherPartner)
        );
        assert_eq!(
            verify_code(Some(&r), 7, 4, period("2026-06")),
            Err(CodeRefusal::OtherProduct)
        );
        assert_eq!(
            verify_code(Some(&r), 7, 3, period("2025-12")),
            Err(CodeRefusal::Expired)
        );
        assert_eq!(
            verify_code(Some(&r), 7, 3, period("2027-01")),
            Err(CodeRefusal::Expired)
        );
        assert!(verify_code(Some(&r), 7, 3, period("2026-12")).is_ok());
    }

    #[test]
    fn a_code_grants_only_what_the_region_unlocks() {
        let terms = CodeTerms {
            unit_price: UnitPrice::parse("3.5").ok(),
            margin: None,
        };
        assert_eq!(
            granted_value(terms, Unlocks::UnitPrice),
            Ok(SpecialValue::UnitPrice(
                UnitPrice::parse("3.5").expect("price")
            ))
        );
        assert_eq!(
            granted_value(terms, Unlocks::ChannelMargin),
            Err(CodeRefusal::GrantsNothing(Unlocks::ChannelMargin))
        );
    }

    #[test]
    fn special_prices_lie_between_the_grant_and_the_list() {
        let price = |t: &str| UnitPrice::parse(t).expect("price");
        let margin = |t: &str| MarginPercent::parse(t).expect("margin");
        let granted = SpecialValue::UnitPrice(price("3.40"));
        let judge = |text: &str| special_value(text, granted, price("4.00"), margin("20"));
        assert_eq!(judge("3.4"), Ok(SpecialValue::UnitPrice(price("3.4"))));
        assert_eq!(judge(" 3.75 "), Ok(SpecialValue::UnitPrice(price("3.75"))));
        assert_eq!(judge("4"), Ok(SpecialValue::UnitPrice(price("4"))));
        assert_eq!(
            judge("3.39"),
            Err(SpecialValueError::PriceBelowGrant {
                granted: price("3.40")
            })
        );
        assert_eq!(
            judge("4.01"),
            Err(SpecialValueError::PriceAboveList { list: price("4") })
        );
        assert!(matches!(
            judge("abc"),
            Err(SpecialValueError::Unreadable(_))
        ));
        assert!(matches!(
            judge("3.12345"),
            Err(SpecialValueError::Unreadable(_))
        ));

        let granted = SpecialValue::Margin(margin("27.5"));
        let judge = |text: &str| special_value(text, granted, price("4.00"), margin("20"));
        assert_eq!(judge("27.5"), Ok(SpecialValue::Margin(margin("27.5"))));
        assert_eq!(judge("20"), Ok(SpecialValue::Margin(margin("20"))));
        assert_eq!(
            judge("27.51"),
            Err(SpecialValueError::MarginAboveGrant {
                granted: margin("27.5")
            })
        );
        assert_eq!(
            judge("19.99"),
            Err(SpecialValueError::MarginBelowList { list: margin("20") })
        );
        assert!(matches!(
            judge("100"),
            Err(SpecialValueError::Unreadable(_))
        ));
    }

    #[test]
    fn granted_codes_are_those_that_verify_for_a_line() {
        let rules = PricingRules {
            code_kind: CodeKind::BidDeskNumber,
            unlocks: Unlocks::UnitPrice,
        };
        let other_product = CodeRecord {
            code: "BDN-NA-1001".to_owned(),
            product_id: 4,
            ..record()
        };
        let expired = CodeRecord {
            code: "BDN-NA-1002".to_owned(),
            valid_to: period("2026-05"),
            ..record()
        };
        let margin_only = CodeRecord {
            code: "BDN-NA-1003".to_owned(),
            unit_price: None,
            margin: MarginPercent::parse("30").ok(),
            ..record()
        };
        let other_partner = CodeRecord {
            code: "BDN-NA-1004".to_owned(),
            partner_id: 8,
            ..record()
        };
        let records = [record(), other_product, expired, margin_only, other_partner];
        // Line 11 sells product 3, line 12 product 4, line 13 product 5.
        let lines = [(11, 3), (12, 4), (13, 5)];
        let granted = granted_codes(&records, lines, 7, period("2026-06"), rules);
        let price = |text| SpecialValue::UnitPrice(UnitPrice::parse(text).expect("price"));
        assert_eq!(
            granted,
            vec![
                GrantedCode {
                    line_id: 11,
                    code: "BDN-NA-1000".to_owned(),
                    kind: CodeKind::BidDeskNumber,
                    value: price("3.50"),
                    valid_to: period("2026-12"),
                },
                GrantedCode {
                    line_id: 12,
                    code: "BDN-NA-1001".to_owned(),
                    kind: CodeKind::BidDeskNumber,
                    value: price("3.50"),
                    valid_to: period("2026-12"),
                },
            ]
        );
        let for_other_partner = granted_codes(&records, lines, 8, period("2026-06"), rules);
        let codes: Vec<_> = for_other_partner.iter().map(|g| g.code.as_str()).collect();
        assert_eq!(codes, ["BDN-NA-1004"]);
        assert!(granted_codes(&records, lines, 7, period("2025-12"), rules).is_empty());
    }

    #[test]
    fn codes_are_normalised_or_refused() {
        assert_eq!(parse_code("  bdn-na-1000 "), Ok("BDN-NA-1000".to_owned()));
        for bad in ["", "   ", "BDN NA", "x'; DROP TABLE", &"A".repeat(41)] {
            assert_eq!(parse_code(bad), Err(CodeRefusal::Unknown), "{bad}");
        }
    }
}
