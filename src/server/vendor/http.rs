//! The HTTP adapter: the vendor's endpoint, spoken exactly as SPEC §6's contract says. JSON in
//! UTF-8, amounts as decimal strings (a JSON number is not accepted), `Authorization: Bearer` on
//! every call, a timeout on every call. Price lookups and code verification are retried on 5xx
//! and timeouts, a few times with a short backoff (a person is waiting); a submission is tried
//! once per call, and the delivery outbox retries it with the same `Idempotency-Key`.
//! Any answer outside the contract changes nothing and is logged with the call.

use std::{str::FromStr, time::Duration};

use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::{CodeVerdict, PriceBook, PriceWanted, ProductKey, VendorError};
use crate::domain::{
    MarginPercent, Period, UnitPrice,
    pricing::{CodeRecord, CodeTerms},
};

/// Tries of a call the contract retries (the first one included).
const TRIES: u32 = 3;

/// The wait after the first failed try of such a call; doubled after the next.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// A client of the vendor's endpoint.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token.
        f.debug_struct("Client").field("base", &self.base).finish()
    }
}

/// One answer: its status and body as received.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

impl Answer {
    /// The start of the body, for the log.
    fn excerpt(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(200)
            .collect()
    }
}

impl Client {
    /// A client for the endpoint at `base` (e.g. `https://pricing.vendor.example`), answering
    /// within `timeout` or not at all.
    pub fn new(base: &str, token: &str, timeout: Duration) -> Result<Self, String> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!(
                "the pricing URL \"{base}\" must start with http:// or https://"
            ));
        }
        if token.trim().is_empty() {
            return Err("PRICING_TOKEN must be set to use --pricing http".to_owned());
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|error| format!("could not set up the HTTP client: {error}"))?;
        Ok(Client {
            http,
            base,
            token: token.trim().to_owned(),
        })
    }

    /// Sends one call, again on 5xx or no answer when `retried`, and gives back the answer.
    async fn call(
        &self,
        name: &'static str,
        method: Method,
        path: &str,
        body: Option<&str>,
        idempotency_key: Option<&str>,
        retried: bool,
    ) -> Result<Answer, VendorError> {
        let tries = if retried { TRIES } else { 1 };
        let mut backoff = FIRST_BACKOFF;
        let mut last = String::new();
        for attempt in 1..=tries {
            if attempt > 1 {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(&self.token)
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(key) = idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            if let Some(body) = body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.to_owned());
            }
            match request.send().await {
                Ok(response) if response.status().is_server_error() => {
                    last = format!("{name}: answered {}", response.status());
                }
                Ok(response) => {
                    let status = response.status();
                    match response.bytes().await {
                        Ok(bytes) => {
                            return Ok(Answer {
                                status,
                                body: bytes.to_vec(),
                            });
                        }
                        Err(error) => last = format!("{name}: body not received: {error}"),
                    }
                }
                Err(error) => last = format!("{name}: no answer: {error}"),
            }
            tracing::warn!(call = name, attempt, detail = %last, "vendor call failed");
        }
        Err(VendorError::NotAnswering(last))
    }

    /// Reads an answer's body as `T`, or logs it and says the vendor answered outside the
    /// contract.
    fn read<T: DeserializeOwned>(name: &'static str, answer: &Answer) -> Result<T, VendorError> {
        serde_json::from_slice(&answer.body)
            .map_err(|error| unexpected(name, answer, &format!("not the contract's JSON: {error}")))
    }

    /// `GET /v1/prices` for each pair wanted (404: the vendor has no price for it).
    pub async fn prices(
        &self,
        period: Period,
        wanted: &[PriceWanted],
    ) -> Result<PriceBook, VendorError> {
        let mut book = PriceBook::new();
        for want in wanted {
            let path = format!(
                "/v1/prices?region={}&sku={}&period={period}",
                query_value(&want.region_code),
                query_value(&want.sku)
            );
            let answer = self
                .call("prices", Method::GET, &path, None, None, true)
                .await?;
            match answer.status {
                StatusCode::OK => {}
                StatusCode::NOT_FOUND => continue,
                _ => return Err(unexpected("prices", &answer, "unexpected status")),
            }
            let price: PriceAnswer = Self::read("prices", &answer)?;
            if price.currency != want.currency.code() {
                return Err(unexpected(
                    "prices",
                    &answer,
                    &format!(
                        "a price in {} for a {} region",
                        price.currency,
                        want.currency.code()
                    ),
                ));
            }
            let terms = (
                unit_price(&price.unit_price).map_err(|e| unexpected("prices", &answer, &e))?,
                margin(&price.channel_margin).map_err(|e| unexpected("prices", &answer, &e))?,
            );
            book.insert((want.region_id, want.product_id), terms);
        }
        Ok(book)
    }

    /// `POST /v1/codes/verify`.
    pub async fn verify_code(
        &self,
        code: &str,
        partner_id: i64,
        product: ProductKey<'_>,
        period: Period,
    ) -> Result<CodeVerdict, VendorError> {
        let body = serde_json::to_string(&VerifyRequest {
            code,
            partner_id,
            sku: product.sku,
            period: period.to_string(),
        })
        .map_err(|error| VendorError::Unexpected(error.to_string()))?;
        let answer = self
            .call(
                "verify",
                Method::POST,
                "/v1/codes/verify",
                Some(&body),
                None,
                true,
            )
            .await?;
        if answer.status != StatusCode::OK {
            return Err(unexpected("verify", &answer, "unexpected status"));
        }
        let verdict: VerifyAnswer = Self::read("verify", &answer)?;
        match verdict {
            VerifyAnswer { valid: true, .. } => {
                let granted = GrantedTerms {
                    unit_price: verdict.unit_price,
                    channel_margin: verdict.channel_margin,
                };
                let terms = granted
                    .terms()
                    .map_err(|e| unexpected("verify", &answer, &e))?;
                Ok(CodeVerdict::Valid(terms))
            }
            VerifyAnswer {
                valid: false,
                reason: Some(reason),
                ..
            } if !reason.trim().is_empty() => Ok(CodeVerdict::Invalid(reason)),
            _ => Err(unexpected("verify", &answer, "invalid without a reason")),
        }
    }

    /// `GET /v1/codes` for each product of the report.
    pub async fn granted_codes(
        &self,
        partner_id: i64,
        period: Period,
        products: &[ProductKey<'_>],
    ) -> Result<Vec<CodeRecord>, VendorError> {
        let mut records = Vec::new();
        for product in products {
            let path = format!(
                "/v1/codes?partner_id={partner_id}&sku={}&period={period}",
                query_value(product.sku)
            );
            let answer = self
                .call("codes", Method::GET, &path, None, None, false)
                .await?;
            if answer.status != StatusCode::OK {
                return Err(unexpected("codes", &answer, "unexpected status"));
            }
            let listed: CodesAnswer = Self::read("codes", &answer)?;
            for code in listed.codes {
                let granted = GrantedTerms {
                    unit_price: code.unit_price,
                    channel_margin: code.channel_margin,
                };
                let terms = granted
                    .terms()
                    .map_err(|e| unexpected("codes", &answer, &e))?;
                let valid_to = Period::from_str(&code.valid_to)
                    .map_err(|e| unexpected("codes", &answer, &e.to_string()))?;
                records.push(CodeRecord {
                    code: code.code,
                    partner_id,
                    product_id: product.id,
                    unit_price: terms.unit_price,
                    margin: terms.margin,
                    // The contract lists codes valid in `period`; when they started is not said.
                    valid_from: period,
                    valid_to,
                });
            }
        }
        Ok(records)
    }

    /// `POST /v1/billing-reports` once, with the submission's idempotency key.
    pub async fn deliver(&self, key: &str, payload: &str) -> Result<String, VendorError> {
        let answer = self
            .call(
                "billing-reports",
                Method::POST,
                "/v1/billing-reports",
                Some(payload),
                Some(key),
                false,
            )
            .await?;
        if !matches!(answer.status, StatusCode::CREATED | StatusCode::OK) {
            return Err(unexpected("billing-reports", &answer, "unexpected status"));
        }
        let received: DeliveryAnswer = Self::read("billing-reports", &answer)?;
        let reference = received.reference.trim();
        if reference.is_empty() || reference.len() > 100 {
            return Err(unexpected(
                "billing-reports",
                &answer,
                "no usable reference",
            ));
        }
        Ok(reference.to_owned())
    }
}

/// Logs an answer outside the contract with its call, and says so.
fn unexpected(name: &'static str, answer: &Answer, why: &str) -> VendorError {
    let detail = format!(
        "{name}: {why} (status {}, body {:?})",
        answer.status,
        answer.excerpt()
    );
    tracing::warn!(call = name, %detail, "vendor answered outside the contract");
    VendorError::Unexpected(detail)
}

/// A query-string value: the contract's codes and SKUs are letters, digits and dashes; anything
/// else is percent-encoded.
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A decimal string of the contract (a JSON number is refused by the types below).
fn decimal(text: &str) -> Result<Decimal, String> {
    Decimal::from_str_exact(text.trim()).map_err(|_| format!("{text:?} is not a decimal string"))
}

fn unit_price(text: &str) -> Result<UnitPrice, String> {
    UnitPrice::new(decimal(text)?).map_err(|e| format!("unit price {text:?}: {e}"))
}

fn margin(text: &str) -> Result<MarginPercent, String> {
    MarginPercent::new(decimal(text)?).map_err(|e| format!("channel margin {text:?}: {e}"))
}

#[derive(Deserialize)]
struct PriceAnswer {
    unit_price: String,
    channel_margin: String,
    currency: String,
}

#[derive(Serialize)]
struct VerifyRequest<'a> {
    code: &'a str,
    partner_id: i64,
    sku: &'a str,
    period: String,
}

#[derive(Deserialize)]
struct VerifyAnswer {
    valid: bool,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    unit_price: Option<String>,
    #[serde(default)]
    channel_margin: Option<String>,
}

/// What a code grants: exactly one of the two is not null.
struct GrantedTerms {
    unit_price: Option<String>,
    channel_margin: Option<String>,
}

impl GrantedTerms {
    fn terms(&self) -> Result<CodeTerms, String> {
        let terms = CodeTerms {
            unit_price: self.unit_price.as_deref().map(unit_price).transpose()?,
            margin: self.channel_margin.as_deref().map(margin).transpose()?,
        };
        match (terms.unit_price, terms.margin) {
            (Some(_), None) | (None, Some(_)) => Ok(terms),
            _ => Err("a code must grant exactly one of unit_price and channel_margin".to_owned()),
        }
    }
}

#[derive(Deserialize)]
struct ListedCode {
    code: String,
    unit_price: Option<String>,
    channel_margin: Option<String>,
    valid_to: String,
}

#[derive(Deserialize)]
struct CodesAnswer {
    codes: Vec<ListedCode>,
}

#[derive(Deserialize)]
struct DeliveryAnswer {
    reference: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_must_be_decimal_strings_within_the_domain_limits() {
        assert_eq!(unit_price("4.20").map(|p| p.get()), Ok(Decimal::new(42, 1)));
        assert!(unit_price("4,20").is_err());
        assert!(unit_price("-1").is_err());
        assert!(margin("120").is_err());
        let number: Result<PriceAnswer, _> =
            serde_json::from_str(r#"{"unit_price":4.2,"channel_margin":"20","currency":"USD"}"#);
        assert!(number.is_err(), "a JSON number is not a decimal string");
    }

    #[test]
    fn a_code_grants_exactly_one_value() {
        let granted = |price: Option<&str>, margin: Option<&str>| GrantedTerms {
            unit_price: price.map(str::to_owned),
            channel_margin: margin.map(str::to_owned),
        };
        assert!(granted(Some("3.57"), None).terms().is_ok());
        assert!(granted(None, Some("25")).terms().is_ok());
        assert!(granted(None, None).terms().is_err());
        assert!(granted(Some("3.57"), Some("25")).terms().is_err());
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(query_value("TM-V1-EPS"), "TM-V1-EPS");
        assert_eq!(query_value("A B&C"), "A%20B%26C");
    }
}
