//! The plan's limits: max-out-of-pocket and deductible checks, their set-ups and dated rates,
//! and which rate is in force on a date.

use super::*;

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
