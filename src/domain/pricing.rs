//! Special pricing (SPEC §6): what a verified Bid Desk Number or Promote Code unlocks, and why a
//! code is refused. The server loads the code's record; this module judges it.

use serde::{Deserialize, Serialize};

use super::money::{MarginPercent, UnitPrice};
use super::report::Period;

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

/// Why a code was refused, in words for the distributor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CodeRefusal {
    #[error("This code is not known to the vendor. Check it for typing mistakes.")]
    Unknown,
    #[error("This code is not valid for this report's period.")]
    Expired,
    #[error("This code was issued for another partner.")]
    OtherPartner,
    #[error("This code was issued for another product.")]
    OtherProduct,
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
    fn codes_are_normalised_or_refused() {
        assert_eq!(parse_code("  bdn-na-1000 "), Ok("BDN-NA-1000".to_owned()));
        for bad in ["", "   ", "BDN NA", "x'; DROP TABLE", &"A".repeat(41)] {
            assert_eq!(parse_code(bad), Err(CodeRefusal::Unknown), "{bad}");
        }
    }
}
