//! Delivering submitted reports to the vendor (SPEC §6, "receive a submitted report → a vendor
//! reference"): which events send a report, how often a delivery is tried and how long it waits
//! between tries, and how its state reads. The server keeps an outbox row per submission and
//! asks this module what to do after each try.

use serde::{Deserialize, Serialize};

use super::history::HistoryEvent;

/// Tries before a delivery is given up as failed (a person can then "retry now").
pub const MAX_ATTEMPTS: i64 = 12;

/// The wait after the first failed try; it doubles after each further one, up to [`MAX_WAIT_SECONDS`].
pub const FIRST_WAIT_SECONDS: i64 = 30;

/// The longest wait between two tries: twelve tries span about five hours of a vendor outage.
pub const MAX_WAIT_SECONDS: i64 = 3_600;

/// Whether the history event sends the report to the vendor, so that its transaction must also
/// write the delivery.
pub const fn starts_delivery(event: HistoryEvent) -> bool {
    matches!(
        event,
        HistoryEvent::SubmittedToVendor | HistoryEvent::AutoApproved
    )
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Waiting for its next try.
    Pending,
    /// The vendor answered with its reference.
    Delivered,
    /// Given up after [`MAX_ATTEMPTS`] tries, or refused by the vendor.
    Failed,
}

impl DeliveryState {
    /// Stable storage code.
    pub const fn as_code(&self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Pending,
            DeliveryState::Delivered,
            DeliveryState::Failed,
        ]
        .into_iter()
        .find(|state| state.as_code() == code)
    }
}

/// Why one try did not deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryFailure {
    /// The vendor did not answer in time, or answered 5xx: worth trying again (SPEC §6).
    Transient,
    /// Any other answer (a 4xx, malformed JSON): trying again would get the same answer.
    Refused,
}

/// What to do with a delivery after a failed try, the `attempts`-th.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again this many seconds from now.
    RetryIn(i64),
    /// Give up: the delivery is failed until someone retries it.
    GiveUp,
}

/// Backoff: 30 s after the first failed try, doubling, at most an hour; given up after
/// [`MAX_ATTEMPTS`] tries, or at once when the vendor refused the submission outright.
pub fn after_failure(attempts: i64, failure: TryFailure) -> AfterFailure {
    if failure == TryFailure::Refused || attempts >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    let wait = FIRST_WAIT_SECONDS.saturating_mul(1_i64 << doublings);
    AfterFailure::RetryIn(wait.min(MAX_WAIT_SECONDS))
}

/// A report's latest delivery, as the distributor and the vendor see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryStatus {
    pub state: DeliveryState,
    pub attempts: i64,
    /// The vendor's reference, once delivered.
    pub reference: Option<String>,
}

impl DeliveryStatus {
    /// The state in a few words: "Delivery pending", "Delivery pending, 2 tries so far",
    /// "Delivered", "Delivery failed after 12 tries".
    pub fn describe(&self) -> String {
        match self.state {
            DeliveryState::Pending if self.attempts == 0 => "Delivery pending".to_owned(),
            DeliveryState::Pending => format!(
                "Delivery pending, {} {} so far",
                self.attempts,
                tries(self.attempts)
            ),
            DeliveryState::Delivered => "Delivered".to_owned(),
            DeliveryState::Failed => format!(
                "Delivery failed after {} {}",
                self.attempts,
                tries(self.attempts)
            ),
        }
    }
}

/// A delivery in flight or failed, as the vendor's billing team and platform admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryItem {
    pub id: i64,
    pub report_id: i64,
    pub partner_name: String,
    pub distributor_name: String,
    pub period: super::period::Period,
    pub status: DeliveryStatus,
    /// When it was submitted (UTC, RFC 3339).
    pub submitted_at: String,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<String>,
    /// What the last try met, for whoever looks into it.
    pub last_error: Option<String>,
}

impl DeliveryItem {
    /// Whether a person may put it back in line now.
    pub fn may_retry(&self) -> bool {
        self.status.state == DeliveryState::Failed
    }
}

const fn tries(count: i64) -> &'static str {
    if count == 1 { "try" } else { "tries" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_an_hour_then_the_delivery_is_given_up() {
        let waits: Vec<_> = (1..=MAX_ATTEMPTS)
            .map(|n| after_failure(n, TryFailure::Transient))
            .collect();
        assert_eq!(waits[0], AfterFailure::RetryIn(30));
        assert_eq!(waits[1], AfterFailure::RetryIn(60));
        assert_eq!(waits[6], AfterFailure::RetryIn(1_920));
        assert_eq!(waits[7], AfterFailure::RetryIn(3_600));
        assert_eq!(waits[10], AfterFailure::RetryIn(3_600));
        assert_eq!(waits[11], AfterFailure::GiveUp);
        assert_eq!(
            after_failure(100, TryFailure::Transient),
            AfterFailure::GiveUp
        );
        assert_eq!(after_failure(1, TryFailure::Refused), AfterFailure::GiveUp);
    }

    #[test]
    fn only_a_submission_to_the_vendor_starts_a_delivery() {
        let starting: Vec<_> = HistoryEvent::all()
            .into_iter()
            .filter(|event| starts_delivery(*event))
            .collect();
        assert_eq!(
            starting,
            [HistoryEvent::SubmittedToVendor, HistoryEvent::AutoApproved]
        );
    }

    #[test]
    fn states_read_in_words_and_round_trip_their_codes() {
        let status = |state, attempts| DeliveryStatus {
            state,
            attempts,
            reference: None,
        };
        assert_eq!(
            status(DeliveryState::Pending, 0).describe(),
            "Delivery pending"
        );
        assert_eq!(
            status(DeliveryState::Pending, 1).describe(),
            "Delivery pending, 1 try so far"
        );
        assert_eq!(
            status(DeliveryState::Failed, 12).describe(),
            "Delivery failed after 12 tries"
        );
        for state in [
            DeliveryState::Pending,
            DeliveryState::Delivered,
            DeliveryState::Failed,
        ] {
            assert_eq!(DeliveryState::from_code(state.as_code()), Some(state));
        }
    }
}
