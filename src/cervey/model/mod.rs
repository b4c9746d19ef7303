//! The benefit check response: claim totals per interval, MOOPs and deductibles. This file
//! holds the response itself ([`BenefitCheck`]) and what it is read with; its parts are in
//! `history.rs` (claim totals per interval) and `limits.rs` (out-of-pocket maxima and
//! deductibles, their checks and dated rates).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::wire::{self, null_as_empty};
use crate::macros::{typed_id, wire_enum};

mod history;
mod limits;

pub use history::ClaimHistory;
pub use limits::{
    Deductible, DeductibleCheck, DeductibleRate, MaxOutOfPocket, MaxOutOfPocketRate, MoopCheck,
};

typed_id!(
    /// A benefit code (`benefitCodeNo`), to filter claim totals by.
    BenefitCodeNo
);
typed_id!(
    /// A group plan (`groupPlanNo`).
    GroupPlanNo
);
typed_id!(
    /// A max-out-of-pocket definition (`MaxOutOfPocket.id`, `maxOutOfPocketNo` on its rates).
    MaxOutOfPocketNo
);
typed_id!(
    /// A deductible definition (`Deductible.id`, `deductibleNo` on its rates).
    DeductibleNo
);
typed_id!(
    /// One dated rate of a MOOP or deductible (`id` of a rate).
    RateNo
);

wire_enum!(
    /// The interval a claim history covers.
    Interval {
        /// The current month.
        Month,
        /// The current benefit period (plan year).
        Period,
        /// The member's lifetime.
        Lifetime,
    }
);

/// A Cervey date-time, as the payer sent it.
///
/// Cervey writes most date-times with an offset (`2025-07-16T15:12:18.99-05:00`). One without
/// an offset is a US Central wall-clock time; the crate keeps it as such rather than invent an
/// offset, which would put the instant 5 or 6 hours off. Use [`PayerDateTime::naive_local`] or
/// [`PayerDateTime::date_naive`] for the payer's own reading, which every value has, and
/// [`PayerDateTime::with_offset`] for an instant where the payer gave one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayerDateTime {
    /// A date-time with the offset the payer sent.
    Offset(DateTime<FixedOffset>),
    /// A date-time sent without an offset: US Central wall-clock time.
    Local(NaiveDateTime),
}

impl PayerDateTime {
    /// The instant with its offset, when the payer sent one.
    pub fn with_offset(&self) -> Option<DateTime<FixedOffset>> {
        match self {
            PayerDateTime::Offset(at) => Some(*at),
            PayerDateTime::Local(_) => None,
        }
    }

    /// The wall-clock date and time as the payer wrote it.
    pub fn naive_local(&self) -> NaiveDateTime {
        match self {
            PayerDateTime::Offset(at) => at.naive_local(),
            PayerDateTime::Local(at) => *at,
        }
    }

    /// The date as the payer wrote it.
    pub fn date_naive(&self) -> NaiveDate {
        self.naive_local().date()
    }
}

impl From<DateTime<FixedOffset>> for PayerDateTime {
    fn from(at: DateTime<FixedOffset>) -> Self {
        PayerDateTime::Offset(at)
    }
}

/// What `GET api/benefitcheck` answers: a member's claim totals per interval, and the plan's
/// max-out-of-pocket and deductible checks with whether each is met.
///
/// Keys are camelCase on the wire; PascalCase is accepted too. A missing or `null` collection
/// reads as empty; unknown fields are ignored.
///
/// `Deserialize` takes any JSON input (a slice, a string, a reader, a `serde_json::Value`):
/// it keeps the document's text once and reads every amount from it, so an amount is never
/// rounded through a binary float. It is JSON-only.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "Box<RawValue>")]
#[non_exhaustive]
pub struct BenefitCheck {
    /// Claim totals, one entry per interval (Month, Period, Lifetime).
    #[serde(
        rename = "claimHistories",
        alias = "ClaimHistories",
        default,
        deserialize_with = "null_as_empty"
    )]
    pub claim_histories: Vec<ClaimHistory>,
    /// The plan's max-out-of-pocket checks.
    #[serde(
        rename = "maxOutOfPockets",
        alias = "MaxOutOfPockets",
        default,
        deserialize_with = "null_as_empty"
    )]
    pub max_out_of_pockets: Vec<MoopCheck>,
    /// The plan's deductible checks.
    #[serde(
        rename = "deductibles",
        alias = "Deductibles",
        default,
        deserialize_with = "null_as_empty"
    )]
    pub deductibles: Vec<DeductibleCheck>,
}

impl BenefitCheck {
    /// Decodes a benefit check from a JSON body (a stored response, say) exactly as the
    /// client does, with the same errors.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) naming the JSON path that failed, never a value.
    pub fn from_json(body: &[u8]) -> Result<BenefitCheck, crate::Error> {
        Self::decode(
            "BenefitCheck::from_json",
            bytes::Bytes::copy_from_slice(body),
        )
    }

    /// The client's decode: amounts are borrowed from `body`'s text, with no copy each.
    pub(crate) fn decode(route: &str, body: bytes::Bytes) -> Result<BenefitCheck, crate::Error> {
        crate::http::decode::decode::<BenefitCheckText>(route, body, wire::expected_form)
            .map(BenefitCheck::from)
    }

    /// The claim totals for one interval, if the response has them.
    pub fn history(&self, interval: &Interval) -> Option<&ClaimHistory> {
        self.claim_histories
            .iter()
            .find(|h| h.interval == *interval)
    }

    /// What is left for the member of each deductible and out-of-pocket maximum on `as_of`:
    /// the member's amount from the rate in force that day, less what the `Period` totals
    /// applied to it (never below zero). Deductibles first, then maxima, in the response's
    /// order.
    ///
    /// ```
    /// # #[cfg(feature = "test-util")] {
    /// use benefits_sdk::cervey::LimitKind;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    /// let check = benefits_sdk::mock::demo::benefit_check(day);
    /// let left = check.remaining(day);
    /// assert_eq!(left[0].kind, LimitKind::Deductible);
    /// assert_eq!(left[0].remaining, Some(rust_decimal::Decimal::new(15000, 2)));
    /// # }
    /// ```
    pub fn remaining(&self, as_of: NaiveDate) -> Vec<Remaining> {
        let period = self.history(&Interval::Period);
        let left = |amount: Option<Decimal>, used: Option<Decimal>| {
            amount.zip(used).map(|(a, u)| (a - u).max(Decimal::ZERO))
        };
        let deductibles = self.deductibles.iter().map(|d| {
            let amount = d.deductible.rate_on(as_of).map(|r| r.person_amount);
            let used = period.and_then(|p| p.amount_applied_to_periodic_deductible_member);
            Remaining {
                kind: LimitKind::Deductible,
                description: d.deductible.description.clone(),
                amount,
                used,
                remaining: left(amount, used),
                met: d.is_period_deductible_met,
            }
        });
        let maxima = self.max_out_of_pockets.iter().map(|m| {
            let amount = m.moop.rate_on(as_of).map(|r| r.person_amount);
            let used = period.and_then(|p| p.amount_eligible_towards_out_of_pocket_limit_member);
            Remaining {
                kind: LimitKind::OutOfPocket,
                description: m.moop.description.clone(),
                amount,
                used,
                remaining: left(amount, used),
                met: m.is_period_moop_met,
            }
        });
        deductibles.chain(maxima).collect()
    }
}

/// Which limit a [`Remaining`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// A deductible.
    Deductible,
    /// An out-of-pocket maximum.
    OutOfPocket,
}

/// What is left for the member of one deductible or out-of-pocket maximum
/// ([`BenefitCheck::remaining`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Remaining {
    /// A deductible or an out-of-pocket maximum.
    pub kind: LimitKind,
    /// The payer's description of it.
    pub description: Option<String>,
    /// The member's amount from the rate in force on the date; `None` when no rate is.
    pub amount: Option<Decimal>,
    /// What the `Period` totals applied to it; `None` without a `Period` history.
    pub used: Option<Decimal>,
    /// `amount − used`, never below zero; `None` when either is unknown.
    pub remaining: Option<Decimal>,
    /// Whether the payer says it is met.
    pub met: bool,
}

/// How a [`BenefitCheck`] is read: its amounts borrow their text from the input, which must be
/// JSON text in memory. `BenefitCheck`'s own `Deserialize` gives it that text from any input.
#[derive(Deserialize)]
struct BenefitCheckText {
    #[serde(
        rename = "claimHistories",
        alias = "ClaimHistories",
        default,
        deserialize_with = "null_as_empty"
    )]
    claim_histories: Vec<ClaimHistory>,
    #[serde(
        rename = "maxOutOfPockets",
        alias = "MaxOutOfPockets",
        default,
        deserialize_with = "null_as_empty"
    )]
    max_out_of_pockets: Vec<MoopCheck>,
    #[serde(
        rename = "deductibles",
        alias = "Deductibles",
        default,
        deserialize_with = "null_as_empty"
    )]
    deductibles: Vec<DeductibleCheck>,
}

impl From<BenefitCheckText> for BenefitCheck {
    fn from(text: BenefitCheckText) -> Self {
        BenefitCheck {
            claim_histories: text.claim_histories,
            max_out_of_pockets: text.max_out_of_pockets,
            deductibles: text.deductibles,
        }
    }
}

/// `Deserialize` from any JSON input: one copy of the document's text, read as the client
/// reads a body, with the client's errors (which never quote a value).
impl TryFrom<Box<RawValue>> for BenefitCheck {
    type Error = crate::Error;

    fn try_from(text: Box<RawValue>) -> Result<Self, Self::Error> {
        let body = bytes::Bytes::from(Box::<str>::from(text).into_boxed_bytes());
        Self::decode("BenefitCheck (Deserialize)", body)
    }
}
