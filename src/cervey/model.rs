//! The benefit check response: claim totals per interval, MOOPs and deductibles.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

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

/// What `GET api/benefitcheck` answers: a member's claim totals per interval, and the plan's
/// max-out-of-pocket and deductible checks with whether each is met.
///
/// Keys are camelCase on the wire; PascalCase is accepted too. A missing or `null` collection
/// reads as empty; unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    /// The claim totals for one interval, if the response has them.
    pub fn history(&self, interval: &Interval) -> Option<&ClaimHistory> {
        self.claim_histories
            .iter()
            .find(|h| h.interval == *interval)
    }
}

/// Claim totals for one interval (`AuditClaimHistoryModel`). Amounts are member or family
/// totals for medical claims, Rx claims, accumulators, other claims and claim adjustments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClaimHistory {
    /// Applied to the periodic deductible, member.
    #[serde(
        rename = "amountAppliedToPeriodicDeductibleMember",
        alias = "AmountAppliedToPeriodicDeductibleMember",
        with = "wire::money"
    )]
    pub amount_applied_to_periodic_deductible_member: Decimal,
    /// Applied to the periodic deductible, family.
    #[serde(
        rename = "amountAppliedToPeriodicDeductibleFamily",
        alias = "AmountAppliedToPeriodicDeductibleFamily",
        with = "wire::money"
    )]
    pub amount_applied_to_periodic_deductible_family: Decimal,
    /// Eligible towards the deductible, member.
    #[serde(
        rename = "amountEligibleTowardsDeductibleMember",
        alias = "AmountEligibleTowardsDeductibleMember",
        with = "wire::money"
    )]
    pub amount_eligible_towards_deductible_member: Decimal,
    /// Eligible towards the deductible, family.
    #[serde(
        rename = "amountEligibleTowardsDeductibleFamily",
        alias = "AmountEligibleTowardsDeductibleFamily",
        with = "wire::money"
    )]
    pub amount_eligible_towards_deductible_family: Decimal,
    /// Eligible towards the out-of-pocket limit, member.
    #[serde(
        rename = "amountEligibleTowardsOutOfPocketLimitMember",
        alias = "AmountEligibleTowardsOutOfPocketLimitMember",
        with = "wire::money"
    )]
    pub amount_eligible_towards_out_of_pocket_limit_member: Decimal,
    /// Eligible towards the out-of-pocket limit, family.
    #[serde(
        rename = "amountEligibleTowardsOutOfPocketLimitFamily",
        alias = "AmountEligibleTowardsOutOfPocketLimitFamily",
        with = "wire::money"
    )]
    pub amount_eligible_towards_out_of_pocket_limit_family: Decimal,
    /// Paid by the plan, member.
    #[serde(
        rename = "planPaidAmountMember",
        alias = "PlanPaidAmountMember",
        with = "wire::money"
    )]
    pub plan_paid_amount_member: Decimal,
    /// Paid by the plan, family.
    #[serde(
        rename = "planPaidAmountFamily",
        alias = "PlanPaidAmountFamily",
        with = "wire::money"
    )]
    pub plan_paid_amount_family: Decimal,
    /// Plan incentive, member.
    #[serde(
        rename = "planIncentiveAmountMember",
        alias = "PlanIncentiveAmountMember",
        with = "wire::money"
    )]
    pub plan_incentive_amount_member: Decimal,
    /// First day of the interval, in the payer's offset.
    #[serde(rename = "startDate", alias = "StartDate", with = "wire::datetime")]
    pub start_date: DateTime<FixedOffset>,
    /// Last day of the interval, in the payer's offset.
    #[serde(rename = "endDate", alias = "EndDate", with = "wire::datetime")]
    pub end_date: DateTime<FixedOffset>,
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
        with = "wire::money"
    )]
    pub rx_deductible_member: Decimal,
    /// Rx (pharmacy) claims: deductible amount, family.
    #[serde(
        rename = "rxDeductibleFamily",
        alias = "RxDeductibleFamily",
        with = "wire::money"
    )]
    pub rx_deductible_family: Decimal,
    /// Rx (pharmacy) claims: amount applied to the deductible, member.
    #[serde(
        rename = "rxDeductibleAppliedMember",
        alias = "RxDeductibleAppliedMember",
        with = "wire::money"
    )]
    pub rx_deductible_applied_member: Decimal,
    /// Rx (pharmacy) claims: amount applied to the deductible, family.
    #[serde(
        rename = "rxDeductibleAppliedFamily",
        alias = "RxDeductibleAppliedFamily",
        with = "wire::money"
    )]
    pub rx_deductible_applied_family: Decimal,
    /// Rx (pharmacy) claims: out-of-pocket limit amount, member.
    #[serde(
        rename = "rxOutOfPocketLimitMember",
        alias = "RxOutOfPocketLimitMember",
        with = "wire::money"
    )]
    pub rx_out_of_pocket_limit_member: Decimal,
    /// Rx (pharmacy) claims: out-of-pocket limit amount, family.
    #[serde(
        rename = "rxOutOfPocketLimitFamily",
        alias = "RxOutOfPocketLimitFamily",
        with = "wire::money"
    )]
    pub rx_out_of_pocket_limit_family: Decimal,
    /// Rx (pharmacy) claims: amount paid by the plan, member.
    #[serde(
        rename = "rxPlanPaidAmountMember",
        alias = "RxPlanPaidAmountMember",
        with = "wire::money"
    )]
    pub rx_plan_paid_amount_member: Decimal,
    /// Rx (pharmacy) claims: amount paid by the plan, family.
    #[serde(
        rename = "rxPlanPaidAmountFamily",
        alias = "RxPlanPaidAmountFamily",
        with = "wire::money"
    )]
    pub rx_plan_paid_amount_family: Decimal,
    /// Accumulator adjustments from other carriers or vendors: deductible amount, member.
    #[serde(
        rename = "accumulatorDeductibleMember",
        alias = "AccumulatorDeductibleMember",
        with = "wire::money"
    )]
    pub accumulator_deductible_member: Decimal,
    /// Accumulator adjustments from other carriers or vendors: deductible amount, family.
    #[serde(
        rename = "accumulatorDeductibleFamily",
        alias = "AccumulatorDeductibleFamily",
        with = "wire::money"
    )]
    pub accumulator_deductible_family: Decimal,
    /// Accumulator adjustments from other carriers or vendors: amount applied to the deductible, member.
    #[serde(
        rename = "accumulatorDeductibleAppliedMember",
        alias = "AccumulatorDeductibleAppliedMember",
        with = "wire::money"
    )]
    pub accumulator_deductible_applied_member: Decimal,
    /// Accumulator adjustments from other carriers or vendors: amount applied to the deductible, family.
    #[serde(
        rename = "accumulatorDeductibleAppliedFamily",
        alias = "AccumulatorDeductibleAppliedFamily",
        with = "wire::money"
    )]
    pub accumulator_deductible_applied_family: Decimal,
    /// Accumulator adjustments from other carriers or vendors: out-of-pocket limit amount, member.
    #[serde(
        rename = "accumulatorOutOfPocketLimitMember",
        alias = "AccumulatorOutOfPocketLimitMember",
        with = "wire::money"
    )]
    pub accumulator_out_of_pocket_limit_member: Decimal,
    /// Accumulator adjustments from other carriers or vendors: out-of-pocket limit amount, family.
    #[serde(
        rename = "accumulatorOutOfPocketLimitFamily",
        alias = "AccumulatorOutOfPocketLimitFamily",
        with = "wire::money"
    )]
    pub accumulator_out_of_pocket_limit_family: Decimal,
    /// Accumulator adjustments from other carriers or vendors: amount paid by the plan, member.
    #[serde(
        rename = "accumulatorPlanPaidAmountMember",
        alias = "AccumulatorPlanPaidAmountMember",
        with = "wire::money"
    )]
    pub accumulator_plan_paid_amount_member: Decimal,
    /// Accumulator adjustments from other carriers or vendors: amount paid by the plan, family.
    #[serde(
        rename = "accumulatorPlanPaidAmountFamily",
        alias = "AccumulatorPlanPaidAmountFamily",
        with = "wire::money"
    )]
    pub accumulator_plan_paid_amount_family: Decimal,
    /// Other claims: deductible amount, member.
    #[serde(
        rename = "otherClaimDeductibleMember",
        alias = "OtherClaimDeductibleMember",
        with = "wire::money"
    )]
    pub other_claim_deductible_member: Decimal,
    /// Other claims: deductible amount, family.
    #[serde(
        rename = "otherClaimDeductibleFamily",
        alias = "OtherClaimDeductibleFamily",
        with = "wire::money"
    )]
    pub other_claim_deductible_family: Decimal,
    /// Other claims: amount applied to the deductible, member.
    #[serde(
        rename = "otherClaimDeductibleAppliedMember",
        alias = "OtherClaimDeductibleAppliedMember",
        with = "wire::money"
    )]
    pub other_claim_deductible_applied_member: Decimal,
    /// Other claims: amount applied to the deductible, family.
    #[serde(
        rename = "otherClaimDeductibleAppliedFamily",
        alias = "OtherClaimDeductibleAppliedFamily",
        with = "wire::money"
    )]
    pub other_claim_deductible_applied_family: Decimal,
    /// Other claims: out-of-pocket limit amount, member.
    #[serde(
        rename = "otherClaimOutOfPocketLimitMember",
        alias = "OtherClaimOutOfPocketLimitMember",
        with = "wire::money"
    )]
    pub other_claim_out_of_pocket_limit_member: Decimal,
    /// Other claims: out-of-pocket limit amount, family.
    #[serde(
        rename = "otherClaimOutOfPocketLimitFamily",
        alias = "OtherClaimOutOfPocketLimitFamily",
        with = "wire::money"
    )]
    pub other_claim_out_of_pocket_limit_family: Decimal,
    /// Other claims: amount paid by the plan, member.
    #[serde(
        rename = "otherClaimPlanPaidAmountMember",
        alias = "OtherClaimPlanPaidAmountMember",
        with = "wire::money"
    )]
    pub other_claim_plan_paid_amount_member: Decimal,
    /// Other claims: amount paid by the plan, family.
    #[serde(
        rename = "otherClaimPlanPaidAmountFamily",
        alias = "OtherClaimPlanPaidAmountFamily",
        with = "wire::money"
    )]
    pub other_claim_plan_paid_amount_family: Decimal,
    /// Claim adjustments: deductible amount, member.
    #[serde(
        rename = "claimAdjDeductibleMember",
        alias = "ClaimAdjDeductibleMember",
        with = "wire::money"
    )]
    pub claim_adj_deductible_member: Decimal,
    /// Claim adjustments: deductible amount, family.
    #[serde(
        rename = "claimAdjDeductibleFamily",
        alias = "ClaimAdjDeductibleFamily",
        with = "wire::money"
    )]
    pub claim_adj_deductible_family: Decimal,
    /// Claim adjustments: amount applied to the deductible, member.
    #[serde(
        rename = "claimAdjDeductibleAppliedMember",
        alias = "ClaimAdjDeductibleAppliedMember",
        with = "wire::money"
    )]
    pub claim_adj_deductible_applied_member: Decimal,
    /// Claim adjustments: amount applied to the deductible, family.
    #[serde(
        rename = "claimAdjDeductibleAppliedFamily",
        alias = "ClaimAdjDeductibleAppliedFamily",
        with = "wire::money"
    )]
    pub claim_adj_deductible_applied_family: Decimal,
    /// Claim adjustments: out-of-pocket limit amount, member.
    #[serde(
        rename = "claimAdjOutOfPocketLimitMember",
        alias = "ClaimAdjOutOfPocketLimitMember",
        with = "wire::money"
    )]
    pub claim_adj_out_of_pocket_limit_member: Decimal,
    /// Claim adjustments: out-of-pocket limit amount, family.
    #[serde(
        rename = "claimAdjOutOfPocketLimitFamily",
        alias = "ClaimAdjOutOfPocketLimitFamily",
        with = "wire::money"
    )]
    pub claim_adj_out_of_pocket_limit_family: Decimal,
    /// Claim adjustments: amount paid by the plan, member.
    #[serde(
        rename = "claimAdjPlanPaidAmountMember",
        alias = "ClaimAdjPlanPaidAmountMember",
        with = "wire::money"
    )]
    pub claim_adj_plan_paid_amount_member: Decimal,
    /// Claim adjustments: amount paid by the plan, family.
    #[serde(
        rename = "claimAdjPlanPaidAmountFamily",
        alias = "ClaimAdjPlanPaidAmountFamily",
        with = "wire::money"
    )]
    pub claim_adj_plan_paid_amount_family: Decimal,
}

/// A max-out-of-pocket check (`MOOPCheckModel`).
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

/// A MOOP and a deductible have the same shape on the wire: a plan-level definition with dated
/// rates, differing only in the names of the rates collection and of the rate's back-reference.
macro_rules! plan_limit {
    (
        $what:literal,
        $limit:ident { $rates:ident: $rates_wire:literal | $rates_pascal:literal },
        $rate:ident { $owner:ident: $owner_wire:literal | $owner_pascal:literal },
        $id:ident
    ) => {
        #[doc = concat!("A ", $what, " set up on a plan, with its dated rates.")]
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct $limit {
            /// The resource's URL in the Claims API.
            #[serde(rename = "url", alias = "Url", default)]
            pub url: Option<String>,
            #[doc = concat!("The ", $what, "'s key.")]
            #[serde(rename = "id", alias = "Id")]
            pub id: $id,
            /// The group plan it belongs to.
            #[serde(rename = "groupPlanNo", alias = "GroupPlanNo")]
            pub group_plan_no: GroupPlanNo,
            /// Its description.
            #[serde(rename = "description", alias = "Description", default)]
            pub description: Option<String>,
            /// Per-person amount. Deprecated by Cervey in favour of the dated rates (`rate_on`).
            #[serde(rename = "personAmount", alias = "PersonAmount", default, with = "wire::money_option")]
            pub person_amount: Option<Decimal>,
            /// Per-family amount. Deprecated by Cervey in favour of the dated rates.
            #[serde(rename = "familyAmount", alias = "FamilyAmount", default, with = "wire::money_option")]
            pub family_amount: Option<Decimal>,
            /// The description shown in the member portal.
            #[serde(rename = "memberPortalDescription", alias = "MemberPortalDescription", default)]
            pub member_portal_description: Option<String>,
            /// The amounts by effective date.
            #[serde(rename = $rates_wire, alias = $rates_pascal, default, deserialize_with = "null_as_empty")]
            pub $rates: Vec<$rate>,
        }

        impl $limit {
            /// The rate in effect on `date`: the latest whose effective start date (in its own
            /// offset) is on or before it.
            pub fn rate_on(&self, date: NaiveDate) -> Option<&$rate> {
                latest_on(&self.$rates, date, |r| &r.effective_start_date)
            }
        }

        #[doc = concat!("The ", $what, " amounts from one effective date on.")]
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct $rate {
            /// The resource's URL in the Claims API.
            #[serde(rename = "url", alias = "Url", default)]
            pub url: Option<String>,
            /// The rate's key.
            #[serde(rename = "id", alias = "Id")]
            pub id: RateNo,
            /// When these amounts take effect.
            #[serde(rename = "effectiveStartDate", alias = "EffectiveStartDate", with = "wire::datetime")]
            pub effective_start_date: DateTime<FixedOffset>,
            /// Per-person amount.
            #[serde(rename = "personAmount", alias = "PersonAmount", with = "wire::money")]
            pub person_amount: Decimal,
            /// Per-family amount.
            #[serde(rename = "familyAmount", alias = "FamilyAmount", with = "wire::money")]
            pub family_amount: Decimal,
            #[doc = concat!("The ", $what, " the rate belongs to.")]
            #[serde(rename = $owner_wire, alias = $owner_pascal)]
            pub $owner: $id,
        }
    };
}

plan_limit!(
    "max out of pocket",
    MaxOutOfPocket {
        max_out_of_pocket_rates: "maxOutOfPocketRates" | "MaxOutOfPocketRates"
    },
    MaxOutOfPocketRate {
        max_out_of_pocket_no: "maxOutOfPocketNo" | "MaxOutOfPocketNo"
    },
    MaxOutOfPocketNo
);

plan_limit!(
    "deductible",
    Deductible {
        deductible_rates: "deductibleRates" | "DeductibleRates"
    },
    DeductibleRate {
        deductible_no: "deductibleNo" | "DeductibleNo"
    },
    DeductibleNo
);

/// The item with the latest start date on or before `date`; the first listed wins a tie.
fn latest_on<T>(
    items: &[T],
    date: NaiveDate,
    start: impl Fn(&T) -> &DateTime<FixedOffset>,
) -> Option<&T> {
    items
        .iter()
        .filter(|item| start(item).date_naive() <= date)
        .fold(None, |best: Option<&T>, item| match best {
            Some(b) if start(b) >= start(item) => Some(b),
            _ => Some(item),
        })
}
