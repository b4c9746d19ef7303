//! Open Dental's benefit row, its keys and its enums, as the API documents them.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::macros::{typed_id, wire_enum};
use crate::opendental::model::wire;

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
    #[derive(Default)]
    CoverageLevel {
        /// Neither: per procedure (frequency and age limits, coinsurance).
        #[default]
        None,
        /// Each covered person.
        Individual,
        /// The family together.
        Family,
    }
);

wire_enum!(
    /// The period a benefit counts over (`benefit.TimePeriod`).
    #[derive(Default)]
    TimePeriod {
        /// No period.
        #[default]
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
    #[derive(Default)]
    QuantityQualifier {
        /// Nothing.
        #[default]
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
    #[derive(Default)]
    TreatArea {
        /// The procedure's own treatment area (the default).
        #[default]
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

/// One benefit row, as `GET /benefits` and friends return it.
///
/// Open Dental's sentinels are mapped at the edge: an empty `Percent` or `MonetaryAmt` (`-1`),
/// a foreign key of `0`, an empty `procCode` and the zero date-time all read as `None`.
/// Serializing a `Benefit` gives back the wire JSON it came from, field for field.
///
/// Fields added by later Open Dental versions exist with their Cargo feature: `code_group_num`
/// (`od-23-2`), `treat_area` (`od-25-3`). A response carrying a field whose feature is off still
/// parses; a response from an older server that lacks one reads as its default.
///
/// Methods beyond this file: the classifiers in `model/rules.rs`, `shape` and `to_new_benefit`
/// in `meaning/read.rs`, `holds` in `meaning/stored.rs`.
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
    /// Decodes one benefit from a JSON body (a `GET /benefits/{BenefitNum}` answer, a stored
    /// response) exactly as the client does, with the same errors.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) naming the JSON path that failed, never a value.
    pub fn from_json(body: &[u8]) -> Result<Benefit, crate::Error> {
        crate::http::decode::decode(
            "Benefit::from_json",
            bytes::Bytes::copy_from_slice(body),
            crate::opendental::model::wire::expected_form,
        )
    }

    /// Decodes a page of benefits (a `GET /benefits` answer) exactly as the client does.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) naming the JSON path that failed, never a value.
    pub fn page_from_json(body: &[u8]) -> Result<Vec<Benefit>, crate::Error> {
        crate::http::decode::decode(
            "Benefit::page_from_json",
            bytes::Bytes::copy_from_slice(body),
            crate::opendental::model::wire::expected_form,
        )
    }
}
