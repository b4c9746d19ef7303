//! The benefit check response: claim totals per interval, MOOPs and deductibles.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::wire::{self, null_as_empty};
use crate::macros::{typed_id, wire_enum};

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

/// Claim totals for one interval (`AuditClaimHistoryModel`). Amounts are member or family
/// totals for medical claims, Rx claims, accumulators, other claims and claim adjustments.
///
/// Each amount is an `Option`: a total the payer sent as `null`, or left out, reads as `None`
/// rather than failing the whole check, and rather than zero, which would claim that nothing
/// was applied when the payer did not say.
///
/// Its `Deserialize` reads amounts from the JSON text itself, borrowed: decode it from JSON in
/// memory (`serde_json::from_slice`, `from_str`) or as part of a [`BenefitCheck`], which takes
/// any JSON input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClaimHistory {
    /// Applied to the periodic deductible, member.
    #[serde(
        rename = "amountAppliedToPeriodicDeductibleMember",
        alias = "AmountAppliedToPeriodicDeductibleMember",
        default,
        with = "wire::money_option"
    )]
    pub amount_applied_to_periodic_deductible_member: Option<Decimal>,
    /// Applied to the periodic deductible, family.
    #[serde(
        rename = "amountAppliedToPeriodicDeductibleFamily",
        alias = "AmountAppliedToPeriodicDeductibleFamily",
        default,
        with = "wire::money_option"
    )]
    pub amount_applied_to_periodic_deductible_family: Option<Decimal>,
    /// Eligible towards the deductible, member.
    #[serde(
        rename = "amountEligibleTowardsDeductibleMember",
        alias = "AmountEligibleTowardsDeductibleMember",
        default,
        with = "wire::money_option"
    )]
    pub amount_eligible_towards_deductible_member: Option<Decimal>,
    /// Eligible towards the deductible, family.
    #[serde(
        rename = "amountEligibleTowardsDeductibleFamily",
        alias = "AmountEligibleTowardsDeductibleFamily",
        default,
        with = "wire::money_option"
    )]
    pub amount_eligible_towards_deductible_family: Option<Decimal>,
    /// Eligible towards the out-of-pocket limit, member.
    #[serde(
        rename = "amountEligibleTowardsOutOfPocketLimitMember",
        alias = "AmountEligibleTowardsOutOfPocketLimitMember",
        default,
        with = "wire::money_option"
    )]
    pub amount_eligible_towards_out_of_pocket_limit_member: Option<Decimal>,
    /// Eligible towards the out-of-pocket limit, family.
    #[serde(
        rename = "amountEligibleTowardsOutOfPocketLimitFamily",
        alias = "AmountEligibleTowardsOutOfPocketLimitFamily",
        default,
        with = "wire::money_option"
    )]
    pub amount_eligible_towards_out_of_pocket_limit_family: Option<Decimal>,
    /// Paid by the plan, member.
    #[serde(
        rename = "planPaidAmountMember",
        alias = "PlanPaidAmountMember",
        default,
        with = "wire::money_option"
    )]
    pub plan_paid_amount_member: Option<Decimal>,
    /// Paid by the plan, family.
    #[serde(
        rename = "planPaidAmountFamily",
        alias = "PlanPaidAmountFamily",
        default,
        with = "wire::money_option"
    )]
    pub plan_paid_amount_family: Option<Decimal>,
    /// Plan incentive, member.
    #[serde(
        rename = "planIncentiveAmountMember",
        alias = "PlanIncentiveAmountMember",
        default,
        with = "wire::money_option"
    )]
    pub plan_incentive_amount_member: Option<Decimal>,
    /// First day of the interval, in the payer's offset.
    #[serde(rename = "startDate", alias = "StartDate", with = "wire::datetime")]
    pub start_date: PayerDateTime,
    /// Last day of the interval, in the payer's offset.
    #[serde(rename = "endDate", alias = "EndDate", with = "wire::datetime")]
    pub end_date: PayerDateTime,
    /// The interval the totals cover.
    #[serde(rename = "interval", alias = "Interval")]
    pub interval: Interval,
    /// The benefit code the totals are filtered by, described.
    #[serde(
        rename = "benefitCodeDescription",
        alias = "BenefitCodeDescription",
        default
    )]
    pub benefit_code_description: Option<String>,
    /// Rx (pharmacy) claims: deductible amount, member.
    #[serde(
        rename = "rxDeductibleMember",
        alias = "RxDeductibleMember",
        default,
        with = "wire::money_option"
    )]
    pub rx_deductible_member: Option<Decimal>,
    /// Rx (pharmacy) claims: deductible amount, family.
    #[serde(
        rename = "rxDeductibleFamily",
        alias = "RxDeductibleFamily",
        default,
        with = "wire::money_option"
    )]
    pub rx_deductible_family: Option<Decimal>,
    /// Rx (pharmacy) claims: amount applied to the deductible, member.
    #[serde(
        rename = "rxDeductibleAppliedMember",
        alias = "RxDeductibleAppliedMember",
        default,
        with = "wire::money_option"
    )]
    pub rx_deductible_applied_member: Option<Decimal>,
    /// Rx (pharmacy) claims: amount applied to the deductible, family.
    #[serde(
        rename = "rxDeductibleAppliedFamily",
        alias = "RxDeductibleAppliedFamily",
        default,
        with = "wire::money_option"
    )]
    pub rx_deductible_applied_family: Option<Decimal>,
    /// Rx (pharmacy) claims: out-of-pocket limit amount, member.
    #[serde(
        rename = "rxOutOfPocketLimitMember",
        alias = "RxOutOfPocketLimitMember",
        default,
        with = "wire::money_option"
    )]
    pub rx_out_of_pocket_limit_member: Option<Decimal>,
    /// Rx (pharmacy) claims: out-of-pocket limit amount, family.
    #[serde(
        rename = "rxOutOfPocketLimitFamily",
        alias = "RxOutOfPocketLimitFamily",
        default,
        with = "wire::money_option"
    )]
    pub rx_out_of_pocket_limit_family: Option<Decimal>,
    /// Rx (pharmacy) claims: amount paid by the plan, member.
    #[serde(
        rename = "rxPlanPaidAmountMember",
        alias = "RxPlanPaidAmountMember",
        default,
        with = "wire::money_option"
    )]
    pub rx_plan_paid_amount_member: Option<Decimal>,
    /// Rx (pharmacy) claims: amount paid by the plan, family.
    #[serde(
        rename = "rxPlanPaidAmountFamily",
        alias = "RxPlanPaidAmountFamily",
        default,
        with = "wire::money_option"
    )]
    pub rx_plan_paid_amount_family: Option<Decimal>,
    /// Accumulator adjustments from other carriers or vendors: deductible amount, member.
    #[serde(
        rename = "accumulatorDeductibleMember",
        alias = "AccumulatorDeductibleMember",
        default,
        with = "wire::money_option"
    )]
    pub accumulator_deductible_member: Option<Decimal>,
    /// Accumulator adjustments from other carriers or vendors: deductible amount, family.
    #[serde(
        rename = "accumulatorDeductibleFamily",
        alias = "AccumulatorDeductibleFamily",
        default,
        with = "wire::money_option"
    )]
    pub accumulator_deductible_family: Option<Decimal>,
    /// Accumulator adjustments from other carriers or vendors: amount applied to the deductible, member.
    #[serde(
        rename = "accumulatorDeductibleAppliedMember",
        alias = "AccumulatorDeductibleAppliedMember",
        default,
        with = "wire::money_option"
    )]
    pub accumulator_deductible_applied_member: Option<Decimal>,
    /// Accumulator adjustments from other carriers or vendors: amount applied to the deductible, family.
    #[serde(
        rename = "accumulatorDeductibleAppliedFamily",
        alias = "AccumulatorDeductibleAppliedFamily",
        default,
        with = "wire::money_option"
    )]
    pub accumulator_deductible_applied_family: Option<Decimal>,
    /// Accumulator adjustments from other carriers or vendors: out-of-pocket limit amount, member.
    #[serde(
        rename = "accumulatorOutOfPocketLimitMember",
        alias = "AccumulatorOutOfPocketLimitMember",
        default,
        with = "wire::money_option"
    )]
    pub accumulator_out_of_pocket_limit_member: Option<Decimal>,
    /// Accumulator adjustments from other carriers or vendors: out-of-pocket limit amount, family.
    #[serde(
        rename = "accumulatorOutOfPocketLimitFamily",
        alias = "AccumulatorOutOfPocketLimitFamily",
        default,
        with = "wire::money_option"
    )]
    pub accumulator_out_of_pocket_limit_family: Option<Decimal>,
    /// Accumulator adjustments from other carriers or vendors: amount paid by the plan, member.
    #[serde(
        rename = "accumulatorPlanPaidAmountMember",
        alias = "AccumulatorPlanPaidAmountMember",
        default,
        with = "wire::money_option"
    )]
    pub accumulator_plan_paid_amount_member: Option<Decimal>,
    /// Accumulator adjustments from other carriers or vendors: amount paid by the plan, family.
    #[serde(
        rename = "accumulatorPlanPaidAmountFamily",
        alias = "AccumulatorPlanPaidAmountFamily",
        default,
        with = "wire::money_option"
    )]
    pub accumulator_plan_paid_amount_family: Option<Decimal>,
    /// Other claims: deductible amount, member.
    #[serde(
        rename = "otherClaimDeductibleMember",
        alias = "OtherClaimDeductibleMember",
        default,
        with = "wire::money_option"
    )]
    pub other_claim_deductible_member: Option<Decimal>,
    /// Other claims: deductible amount, family.
    #[serde(
        rename = "otherClaimDeductibleFamily",
        alias = "OtherClaimDeductibleFamily",
        default,
        with = "wire::money_option"
    )]
    pub other_claim_deductible_family: Option<Decimal>,
    /// Other claims: amount applied to the deductible, member.
    #[serde(
        rename = "otherClaimDeductibleAppliedMember",
        alias = "OtherClaimDeductibleAppliedMember",
        default,
        with = "wire::money_option"
    )]
    pub other_claim_deductible_applied_member: Option<Decimal>,
    /// Other claims: amount applied to the deductible, family.
    #[serde(
        rename = "otherClaimDeductibleAppliedFamily",
        alias = "OtherClaimDeductibleAppliedFamily",
        default,
        with = "wire::money_option"
    )]
    pub other_claim_deductible_applied_family: Option<Decimal>,
    /// Other claims: out-of-pocket limit amount, member.
    #[serde(
        rename = "otherClaimOutOfPocketLimitMember",
        alias = "OtherClaimOutOfPocketLimitMember",
        default,
        with = "wire::money_option"
    )]
    pub other_claim_out_of_pocket_limit_member: Option<Decimal>,
    /// Other claims: out-of-pocket limit amount, family.
    #[serde(
        rename = "otherClaimOutOfPocketLimitFamily",
        alias = "OtherClaimOutOfPocketLimitFamily",
        default,
        with = "wire::money_option"
    )]
    pub other_claim_out_of_pocket_limit_family: Option<Decimal>,
    /// Other claims: amount paid by the plan, member.
    #[serde(
        rename = "otherClaimPlanPaidAmountMember",
        alias = "OtherClaimPlanPaidAmountMember",
        default,
        with = "wire::money_option"
    )]
    pub other_claim_plan_paid_amount_member: Option<Decimal>,
    /// Other claims: amount paid by the plan, family.
    #[serde(
        rename = "otherClaimPlanPaidAmountFamily",
        alias = "OtherClaimPlanPaidAmountFamily",
        default,
        with = "wire::money_option"
    )]
    pub other_claim_plan_paid_amount_family: Option<Decimal>,
    /// Claim adjustments: deductible amount, member.
    #[serde(
        rename = "claimAdjDeductibleMember",
        alias = "ClaimAdjDeductibleMember",
        default,
        with = "wire::money_option"
    )]
    pub claim_adj_deductible_member: Option<Decimal>,
    /// Claim adjustments: deductible amount, family.
    #[serde(
        rename = "claimAdjDeductibleFamily",
        alias = "ClaimAdjDeductibleFamily",
        default,
        with = "wire::money_option"
    )]
    pub claim_adj_deductible_family: Option<Decimal>,
    /// Claim adjustments: amount applied to the deductible, member.
    #[serde(
        rename = "claimAdjDeductibleAppliedMember",
        alias = "ClaimAdjDeductibleAppliedMember",
        default,
        with = "wire::money_option"
    )]
    pub claim_adj_deductible_applied_member: Option<Decimal>,
    /// Claim adjustments: amount applied to the deductible, family.
    #[serde(
        rename = "claimAdjDeductibleAppliedFamily",
        alias = "ClaimAdjDeductibleAppliedFamily",
        default,
        with = "wire::money_option"
    )]
    pub claim_adj_deductible_applied_family: Option<Decimal>,
    /// Claim adjustments: out-of-pocket limit amount, member.
    #[serde(
        rename = "claimAdjOutOfPocketLimitMember",
        alias = "ClaimAdjOutOfPocketLimitMember",
        default,
        with = "wire::money_option"
    )]
    pub claim_adj_out_of_pocket_limit_member: Option<Decimal>,
    /// Claim adjustments: out-of-pocket limit amount, family.
    #[serde(
        rename = "claimAdjOutOfPocketLimitFamily",
        alias = "ClaimAdjOutOfPocketLimitFamily",
        default,
        with = "wire::money_option"
    )]
    pub claim_adj_out_of_pocket_limit_family: Option<Decimal>,
    /// Claim adjustments: amount paid by the plan, member.
    #[serde(
        rename = "claimAdjPlanPaidAmountMember",
        alias = "ClaimAdjPlanPaidAmountMember",
        default,
        with = "wire::money_option"
    )]
    pub claim_adj_plan_paid_amount_member: Option<Decimal>,
    /// Claim adjustments: amount paid by the plan, family.
    #[serde(
        rename = "claimAdjPlanPaidAmountFamily",
        alias = "ClaimAdjPlanPaidAmountFamily",
        default,
        with = "wire::money_option"
    )]
    pub claim_adj_plan_paid_amount_family: Option<Decimal>,
}

/// A max-out-of-pocket check (`MOOPCheckModel`).
///
/// Its `Deserialize` reads amounts from the JSON text itself, borrowed: decode it from JSON in
/// memory (`serde_json::from_slice`, `from_str`) or as part of a [`BenefitCheck`], which takes
/// any JSON input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MoopCheck {
    /// Whether the member has met this MOOP in the current period.
    #[serde(rename = "isPeriodMOOPMet", alias = "IsPeriodMOOPMet")]
    pub is_period_moop_met: bool,
    /// The MOOP as set up on the plan.
    #[serde(rename = "moop", alias = "Moop", alias = "MOOP")]
    pub moop: MaxOutOfPocket,
}

/// A deductible check (`DeductibleCheckModel`).
///
/// Its `Deserialize` reads amounts from the JSON text itself, borrowed: decode it from JSON in
/// memory (`serde_json::from_slice`, `from_str`) or as part of a [`BenefitCheck`], which takes
/// any JSON input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeductibleCheck {
    /// Whether the member has met this deductible in the current period.
    #[serde(rename = "isPeriodDeductibleMet", alias = "IsPeriodDeductibleMet")]
    pub is_period_deductible_met: bool,
    /// The deductible as set up on the plan.
    #[serde(rename = "deductible", alias = "Deductible")]
    pub deductible: Deductible,
}

/// A max out of pocket set up on a plan, with its dated rates.
///
/// Its `Deserialize` reads amounts from the JSON text itself, borrowed: decode it from JSON in
/// memory (`serde_json::from_slice`, `from_str`) or as part of a [`BenefitCheck`], which takes
/// any JSON input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MaxOutOfPocket {
    /// The resource's URL in the Claims API.
    #[serde(rename = "url", alias = "Url", default)]
    pub url: Option<String>,
    /// The max out of pocket's key.
    #[serde(rename = "id", alias = "Id")]
    pub id: MaxOutOfPocketNo,
    /// The group plan it belongs to.
    #[serde(rename = "groupPlanNo", alias = "GroupPlanNo")]
    pub group_plan_no: GroupPlanNo,
    /// Its description.
    #[serde(rename = "description", alias = "Description", default)]
    pub description: Option<String>,
    /// Per-person amount. Deprecated by Cervey in favour of the dated rates (`rate_on`).
    #[serde(
        rename = "personAmount",
        alias = "PersonAmount",
        default,
        with = "wire::money_option"
    )]
    pub person_amount: Option<Decimal>,
    /// Per-family amount. Deprecated by Cervey in favour of the dated rates.
    #[serde(
        rename = "familyAmount",
        alias = "FamilyAmount",
        default,
        with = "wire::money_option"
    )]
    pub family_amount: Option<Decimal>,
    /// The description shown in the member portal.
    #[serde(
        rename = "memberPortalDescription",
        alias = "MemberPortalDescription",
        default
    )]
    pub member_portal_description: Option<String>,
    /// The amounts by effective date.
    #[serde(
        rename = "maxOutOfPocketRates",
        alias = "MaxOutOfPocketRates",
        default,
        deserialize_with = "null_as_empty"
    )]
    pub max_out_of_pocket_rates: Vec<MaxOutOfPocketRate>,
}

impl MaxOutOfPocket {
    /// The rate in effect on `date`: the latest whose effective start date (as the payer wrote
    /// it) is on or before it.
    pub fn rate_on(&self, date: NaiveDate) -> Option<&MaxOutOfPocketRate> {
        latest_on(&self.max_out_of_pocket_rates, date, |r| {
            &r.effective_start_date
        })
    }
}

/// The max out of pocket amounts from one effective date on.
///
/// Its `Deserialize` reads amounts from the JSON text itself, borrowed: decode it from JSON in
/// memory (`serde_json::from_slice`, `from_str`) or as part of a [`BenefitCheck`], which takes
/// any JSON input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MaxOutOfPocketRate {
    /// The resource's URL in the Claims API.
    #[serde(rename = "url", alias = "Url", default)]
    pub url: Option<String>,
    /// The rate's key.
    #[serde(rename = "id", alias = "Id")]
    pub id: RateNo,
    /// When these amounts take effect.
    #[serde(
        rename = "effectiveStartDate",
        alias = "EffectiveStartDate",
        with = "wire::datetime"
    )]
    pub effective_start_date: PayerDateTime,
    /// Per-person amount.
    #[serde(rename = "personAmount", alias = "PersonAmount", with = "wire::money")]
    pub person_amount: Decimal,
    /// Per-family amount.
    #[serde(rename = "familyAmount", alias = "FamilyAmount", with = "wire::money")]
    pub family_amount: Decimal,
    /// The max out of pocket the rate belongs to.
    #[serde(rename = "maxOutOfPocketNo", alias = "MaxOutOfPocketNo")]
    pub max_out_of_pocket_no: MaxOutOfPocketNo,
}

/// A deductible set up on a plan, with its dated rates.
///
/// Its `Deserialize` reads amounts from the JSON text itself, borrowed: decode it from JSON in
/// memory (`serde_json::from_slice`, `from_str`) or as part of a [`BenefitCheck`], which takes
/// any JSON input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Deductible {
    /// The resource's URL in the Claims API.
    #[serde(rename = "url", alias = "Url", default)]
    pub url: Option<String>,
    /// The deductible's key.
    #[serde(rename = "id", alias = "Id")]
    pub id: DeductibleNo,
    /// The group plan it belongs to.
    #[serde(rename = "groupPlanNo", alias = "GroupPlanNo")]
    pub group_plan_no: GroupPlanNo,
    /// Its description.
    #[serde(rename = "description", alias = "Description", default)]
    pub description: Option<String>,
    /// Per-person amount. Deprecated by Cervey in favour of the dated rates (`rate_on`).
    #[serde(
        rename = "personAmount",
        alias = "PersonAmount",
        default,
        with = "wire::money_option"
    )]
    pub person_amount: Option<Decimal>,
    /// Per-family amount. Deprecated by Cervey in favour of the dated rates.
    #[serde(
        rename = "familyAmount",
        alias = "FamilyAmount",
        default,
        with = "wire::money_option"
    )]
    pub family_amount: Option<Decimal>,
    /// The description shown in the member portal.
    #[serde(
        rename = "memberPortalDescription",
        alias = "MemberPortalDescription",
        default
    )]
    pub member_portal_description: Option<String>,
    /// The amounts by effective date.
    #[serde(
        rename = "deductibleRates",
        alias = "DeductibleRates",
        default,
        deserialize_with = "null_as_empty"
    )]
    pub deductible_rates: Vec<DeductibleRate>,
}

impl Deductible {
    /// The rate in effect on `date`: the latest whose effective start date (as the payer wrote
    /// it) is on or before it.
    pub fn rate_on(&self, date: NaiveDate) -> Option<&DeductibleRate> {
        latest_on(&self.deductible_rates, date, |r| &r.effective_start_date)
    }
}

/// The deductible amounts from one effective date on.
///
/// Its `Deserialize` reads amounts from the JSON text itself, borrowed: decode it from JSON in
/// memory (`serde_json::from_slice`, `from_str`) or as part of a [`BenefitCheck`], which takes
/// any JSON input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeductibleRate {
    /// The resource's URL in the Claims API.
    #[serde(rename = "url", alias = "Url", default)]
    pub url: Option<String>,
    /// The rate's key.
    #[serde(rename = "id", alias = "Id")]
    pub id: RateNo,
    /// When these amounts take effect.
    #[serde(
        rename = "effectiveStartDate",
        alias = "EffectiveStartDate",
        with = "wire::datetime"
    )]
    pub effective_start_date: PayerDateTime,
    /// Per-person amount.
    #[serde(rename = "personAmount", alias = "PersonAmount", with = "wire::money")]
    pub person_amount: Decimal,
    /// Per-family amount.
    #[serde(rename = "familyAmount", alias = "FamilyAmount", with = "wire::money")]
    pub family_amount: Decimal,
    /// The deductible the rate belongs to.
    #[serde(rename = "deductibleNo", alias = "DeductibleNo")]
    pub deductible_no: DeductibleNo,
}

/// The item with the latest start date on or before `date`, both read as the payer wrote them
/// (its wall-clock date and time); the first listed wins a tie.
fn latest_on<T>(items: &[T], date: NaiveDate, start: impl Fn(&T) -> &PayerDateTime) -> Option<&T> {
    items
        .iter()
        .filter(|item| start(item).date_naive() <= date)
        .fold(None, |best: Option<&T>, item| match best {
            Some(b) if start(b).naive_local() >= start(item).naive_local() => Some(b),
            _ => Some(item),
        })
}
