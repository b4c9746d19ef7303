//! Claim totals for one interval ([`ClaimHistory`]): a member's or family's medical, Rx,
//! accumulator, other and adjustment amounts.

use super::*;

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
