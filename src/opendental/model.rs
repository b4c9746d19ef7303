//! Open Dental's benefit row, its keys and its enums, as the API documents them.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::wire;
use crate::macros::{typed_id, wire_enum};

typed_id!(
    /// `benefit.BenefitNum`: the primary key of a benefit row.
    BenefitNum
);
typed_id!(
    /// `insplan.PlanNum`: an insurance plan.
    PlanNum
);
typed_id!(
    /// `patplan.PatPlanNum`: one patient's coverage by a plan (benefits here override the plan's).
    PatPlanNum
);
typed_id!(
    /// `covcat.CovCatNum`: a coverage category (Diagnostic, Preventive, Crowns…).
    CovCatNum
);
typed_id!(
    /// `procedurecode.CodeNum`: a procedure code.
    CodeNum
);
#[cfg(feature = "od-23-2")]
typed_id!(
    /// `codegroup.CodeGroupNum`: a group of procedure codes (Open Dental 23.2.62 and later).
    CodeGroupNum
);

wire_enum!(
    /// What a benefit row says about coverage (`benefit.BenefitType`).
    BenefitType {
        /// Coverage is active.
        ActiveCoverage,
        /// The share the insurance pays, in `Percent`.
        CoInsurance,
        /// A deductible, in `MonetaryAmt`.
        Deductible,
        /// A copayment, in `MonetaryAmt`.
        CoPayment,
        /// Not covered.
        Exclusions,
        /// A limitation: annual maximum, frequency or age limit.
        Limitations,
        /// A waiting period, in `Quantity` months or years.
        WaitingPeriod,
    }
);

wire_enum!(
    /// Who a benefit applies to (`benefit.CoverageLevel`).
    CoverageLevel {
        /// Neither: per procedure (frequency and age limits, coinsurance).
        None,
        /// Each covered person.
        Individual,
        /// The family together.
        Family,
    }
);

wire_enum!(
    /// The period a benefit counts over (`benefit.TimePeriod`).
    TimePeriod {
        /// No period.
        None,
        /// The plan's benefit year, which renews in the plan's `MonthRenew`.
        ServiceYear,
        /// January to December.
        CalendarYear,
        /// The patient's lifetime.
        Lifetime,
        /// A number of years.
        Years,
        /// A rolling twelve months.
        NumberInLast12Months,
    }
);

wire_enum!(
    /// What `Quantity` counts (`benefit.QuantityQualifier`).
    QuantityQualifier {
        /// Nothing.
        None,
        /// Procedures.
        NumberOfServices,
        /// The age up to which a procedure is covered.
        AgeLimit,
        /// Visits.
        Visits,
        /// Years.
        Years,
        /// Months.
        Months,
    }
);

#[cfg(feature = "od-25-3")]
wire_enum!(
    /// The area a frequency limitation counts per (`benefit.TreatArea`, Open Dental 25.3.7).
    TreatArea {
        /// The procedure's own treatment area (the default).
        None,
        /// Per surface.
        Surf,
        /// Per tooth.
        Tooth,
        /// Per mouth.
        Mouth,
        /// Per quadrant.
        Quad,
        /// Per sextant.
        Sextant,
        /// Per arch.
        Arch,
        /// Per range of teeth.
        ToothRange,
    }
);

macro_rules! default_none {
    ($($t:ident),+) => {$(
        impl Default for $t {
            fn default() -> Self {
                $t::None
            }
        }
    )+};
}
default_none!(CoverageLevel, TimePeriod, QuantityQualifier);
#[cfg(feature = "od-25-3")]
default_none!(TreatArea);

/// One benefit row, as `GET /benefits` and friends return it.
///
/// Open Dental's sentinels are mapped at the edge: an empty `Percent` or `MonetaryAmt` (`-1`),
/// a foreign key of `0`, an empty `procCode` and the zero date-time all read as `None`.
/// Serializing a `Benefit` gives back the wire JSON it came from, field for field.
///
/// Fields added by later Open Dental versions exist with their Cargo feature: `code_group_num`
/// (`od-23-2`), `treat_area` (`od-25-3`). A response carrying a field whose feature is off still
/// parses; a response from an older server that lacks one reads as its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Benefit {
    /// The row's key.
    #[serde(rename = "BenefitNum")]
    pub benefit_num: BenefitNum,
    /// The plan the benefit belongs to, unless it is a patient-plan override.
    #[serde(rename = "PlanNum", with = "wire::fk", default)]
    pub plan_num: Option<PlanNum>,
    /// The patient plan the benefit overrides for, unless it belongs to a plan.
    #[serde(rename = "PatPlanNum", with = "wire::fk", default)]
    pub pat_plan_num: Option<PatPlanNum>,
    /// The coverage category, when the benefit applies to one.
    #[serde(rename = "CovCatNum", with = "wire::fk", default)]
    pub cov_cat_num: Option<CovCatNum>,
    /// What the row says.
    #[serde(rename = "BenefitType")]
    pub benefit_type: BenefitType,
    /// The share insurance pays, 0–100, for CoInsurance.
    #[serde(rename = "Percent", with = "wire::percent", default)]
    pub percent: Option<u8>,
    /// The amount, for CoPayment, Limitations and Deductible.
    #[serde(rename = "MonetaryAmt", with = "wire::money", default)]
    pub monetary_amt: Option<Decimal>,
    /// The period the benefit counts over.
    #[serde(rename = "TimePeriod", default)]
    pub time_period: TimePeriod,
    /// What `quantity` counts.
    #[serde(rename = "QuantityQualifier", default)]
    pub quantity_qualifier: QuantityQualifier,
    /// How many, 0–100.
    #[serde(rename = "Quantity", default)]
    pub quantity: u8,
    /// The procedure code, when the benefit applies to one.
    #[serde(rename = "CodeNum", with = "wire::fk", default)]
    pub code_num: Option<CodeNum>,
    /// The procedure code's text, e.g. `D1110`.
    #[serde(rename = "procCode", with = "wire::empty_string", default)]
    pub proc_code: Option<String>,
    /// Who the benefit applies to.
    #[serde(rename = "CoverageLevel", default)]
    pub coverage_level: CoverageLevel,
    /// When the row was created (office-local time).
    #[serde(rename = "SecDateTEntry", with = "wire::datetime", default)]
    pub sec_date_t_entry: Option<NaiveDateTime>,
    /// When the row was last changed (office-local time).
    #[serde(rename = "SecDateTEdit", with = "wire::datetime", default)]
    pub sec_date_t_edit: Option<NaiveDateTime>,
    /// The group of procedure codes the benefit applies to. Open Dental 23.2.62.
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    #[serde(rename = "CodeGroupNum", with = "wire::fk", default)]
    pub code_group_num: Option<CodeGroupNum>,
    /// The area a frequency limitation counts per. Open Dental 25.3.7.
    #[cfg(feature = "od-25-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-25-3")))]
    #[serde(rename = "TreatArea", default)]
    pub treat_area: TreatArea,
}

impl Benefit {
    /// True when Open Dental treats this row as a Frequency Limitation (the rule of its
    /// `Benefits.IsFrequencyLimitation`): Limitations, no Percent, no MonetaryAmt, CoverageLevel
    /// None, and either Months/Years with TimePeriod None, or NumberOfServices with ServiceYear,
    /// CalendarYear or NumberInLast12Months. Only such rows may carry a TreatArea.
    pub fn is_frequency_limitation(&self) -> bool {
        could_be_frequency_limitation(
            Some(&self.benefit_type),
            self.percent.is_some(),
            self.monetary_amt.is_some(),
            Some(&self.coverage_level),
            Some(&self.quantity_qualifier),
            Some(&self.time_period),
        )
    }

    /// True when Open Dental treats this row as an Age Limit (its `Benefits.IsAgeLimit`): a code
    /// group, Limitations, no Percent, no MonetaryAmt, plan level, AgeLimit with a Quantity above
    /// 0, CoverageLevel None, and TimePeriod None or a benefit year.
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub fn is_age_limit(&self) -> bool {
        self.code_group_num.is_some()
            && self.benefit_type == BenefitType::Limitations
            && self.percent.is_none()
            && self.monetary_amt.is_none()
            && self.pat_plan_num.is_none()
            && self.quantity_qualifier == QuantityQualifier::AgeLimit
            && self.coverage_level == CoverageLevel::None
            && self.quantity > 0
            && matches!(
                self.time_period,
                TimePeriod::None | TimePeriod::ServiceYear | TimePeriod::CalendarYear
            )
    }
}

/// The frequency-limitation rule on the fields that decide it, where `None` means "not known"
/// (a new benefit that leaves TimePeriod to the server, an update that leaves a field as it is):
/// true unless what is known rules a frequency limitation out.
pub(crate) fn could_be_frequency_limitation(
    benefit_type: Option<&BenefitType>,
    has_percent: bool,
    has_amount: bool,
    coverage_level: Option<&CoverageLevel>,
    qualifier: Option<&QuantityQualifier>,
    time_period: Option<&TimePeriod>,
) -> bool {
    const BENEFIT_YEARS: [TimePeriod; 3] = [
        TimePeriod::ServiceYear,
        TimePeriod::CalendarYear,
        TimePeriod::NumberInLast12Months,
    ];
    let period_is = |ok: &dyn Fn(&TimePeriod) -> bool| time_period.is_none_or(ok);
    benefit_type.is_none_or(|t| *t == BenefitType::Limitations)
        && !has_percent
        && !has_amount
        && coverage_level.is_none_or(|c| *c == CoverageLevel::None)
        && match qualifier {
            Some(QuantityQualifier::Months | QuantityQualifier::Years) => {
                period_is(&|p| *p == TimePeriod::None)
            }
            Some(QuantityQualifier::NumberOfServices) => period_is(&|p| BENEFIT_YEARS.contains(p)),
            Some(_) => false,
            None => period_is(&|p| *p == TimePeriod::None || BENEFIT_YEARS.contains(p)),
        }
}
