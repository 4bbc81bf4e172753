//! The vendor's systems (SPEC §6), as one port with two adapters: the price book stored in this
//! database (built in, the default, so the app runs alone) and an HTTP client for the vendor's
//! endpoint (`--pricing http`). Every caller goes through here: generation prices its lines,
//! a distributor's code is verified, the code list is offered, a submitted report is delivered.
//!
//! Nothing here is ever called while a write transaction is open: the services ask the vendor
//! first, then lock the report and check its version (see `services::reports::act`).

pub mod book;
pub mod builtin;
pub mod http;
pub mod submission;

use std::collections::HashMap;

use crate::domain::{
    Currency, MarginPercent, Period, UnitPrice,
    pricing::{CodeRecord, CodeTerms},
};
use crate::server::db::Db;

pub use submission::{Submission, SubmittedLine};

/// The vendor port: which adapter answers.
#[derive(Clone, Debug, Default)]
pub enum Vendor {
    /// The vendor's price book and codes in this database.
    #[default]
    Builtin,
    /// The vendor's endpoint, through the HTTP contract of SPEC §6.
    Http(http::Client),
}

/// A region × product a list price is wanted for, with what the contract calls them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PriceWanted {
    pub region_id: i64,
    pub region_code: String,
    pub product_id: i64,
    pub sku: String,
    /// The region's currency: a price in another one is not an answer to this question.
    pub currency: Currency,
}

/// A product as the vendor knows it: our id and its SKU.
#[derive(Clone, Copy, Debug)]
pub struct ProductKey<'a> {
    pub id: i64,
    pub sku: &'a str,
}

/// The vendor's verdict on a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeVerdict {
    /// Valid for the partner, product and period, granting these terms.
    Valid(CodeTerms),
    /// Not valid, with the reason in words for the distributor.
    Invalid(String),
}

/// List price and margin per (region id, product id).
pub type PriceBook = HashMap<(i64, i64), (UnitPrice, MarginPercent)>;

/// Why the vendor gave no usable answer. Nothing was changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum VendorError {
    /// No answer in time, or 5xx after the retries the contract allows.
    #[error("The pricing service is not answering. Try again in a few minutes.")]
    NotAnswering(String),
    /// An answer outside the contract: another 4xx, malformed JSON, a missing field.
    #[error(
        "The vendor's system did not answer as expected. Try again later; if it keeps \
         happening, tell your administrator."
    )]
    Unexpected(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl VendorError {
    /// What this failure means for a delivery: worth another try, or not.
    pub fn try_failure(&self) -> crate::domain::delivery::TryFailure {
        use crate::domain::delivery::TryFailure;
        match self {
            VendorError::NotAnswering(_) | VendorError::Database(_) => TryFailure::Transient,
            VendorError::Unexpected(_) => TryFailure::Refused,
        }
    }

    /// The details for the log (never shown to users).
    pub fn detail(&self) -> String {
        match self {
            VendorError::NotAnswering(detail) | VendorError::Unexpected(detail) => detail.clone(),
            VendorError::Database(error) => error.to_string(),
        }
    }
}

impl Vendor {
    /// Which adapter, for the log and the status line.
    pub fn name(&self) -> &'static str {
        match self {
            Vendor::Builtin => "built-in price book",
            Vendor::Http(_) => "vendor endpoint (HTTP)",
        }
    }

    /// The list prices and margins of `wanted` in `period`; a pair the vendor has no price for
    /// is absent from the answer.
    pub async fn prices(
        &self,
        db: &Db,
        period: Period,
        wanted: &[PriceWanted],
    ) -> Result<PriceBook, VendorError> {
        match self {
            Vendor::Builtin => builtin::prices(db, period, wanted).await,
            Vendor::Http(client) => client.prices(period, wanted).await,
        }
    }

    /// The vendor's verdict on `code` (already normalised) for `partner_id`'s `product` in
    /// `period`.
    pub async fn verify_code(
        &self,
        db: &Db,
        code: &str,
        partner_id: i64,
        product: ProductKey<'_>,
        period: Period,
    ) -> Result<CodeVerdict, VendorError> {
        match self {
            Vendor::Builtin => builtin::verify_code(db, code, partner_id, product.id, period).await,
            Vendor::Http(client) => client.verify_code(code, partner_id, product, period).await,
        }
    }

    /// The codes the vendor granted `partner_id` for `products` that are valid in `period`.
    pub async fn granted_codes(
        &self,
        db: &Db,
        partner_id: i64,
        period: Period,
        products: &[ProductKey<'_>],
    ) -> Result<Vec<CodeRecord>, VendorError> {
        match self {
            Vendor::Builtin => builtin::granted_codes(db, partner_id, period).await,
            Vendor::Http(client) => client.granted_codes(partner_id, period, products).await,
        }
    }

    /// Hands one submission to the vendor; the answer is the vendor's reference. The same
    /// `key` always gets the same reference, however often it is sent.
    pub async fn deliver(
        &self,
        delivery_id: i64,
        key: &str,
        payload: &str,
    ) -> Result<String, VendorError> {
        match self {
            Vendor::Builtin => Ok(builtin::reference(delivery_id)),
            Vendor::Http(client) => client.deliver(key, payload).await,
        }
    }
}
