//! The documented rules of `POST` and `PUT /benefits`, checked before anything is sent. Every
//! broken rule is reported, each with the field's wire name. Nothing here is stricter than the
//! server: what the documentation does not forbid is sent, and sanity advice lives in `lint`.

use crate::error::{Error, Violations};
use crate::macros::WireEnum;
use crate::opendental::model::benefit::{BenefitType, QuantityQualifier};
use crate::opendental::model::patch::Patch;
use crate::opendental::model::request::{BenefitUpdate, NewBenefit, Owner};
use crate::opendental::model::rules::{self, MAX_PERCENT, MAX_QUANTITY};

impl NewBenefit {
    /// Checks every documented rule and reports all that are broken.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) listing each broken rule with its
    /// field.
    pub fn validate(&self) -> Result<(), crate::Error> {
        new_benefit(self)
    }
}

impl BenefitUpdate {
    /// Checks the documented rules on what this update sets, and reports all that are broken.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) listing each broken rule.
    pub fn validate(&self) -> Result<(), crate::Error> {
        update(self)
    }
}

fn new_benefit(b: &NewBenefit) -> Result<(), Error> {
    let mut v = Violations::default();
    match b.owner {
        Owner::Plan(p) => key(&mut v, "PlanNum", p.get()),
        Owner::PatPlan(p) => key(&mut v, "PatPlanNum", p.get()),
    }
    known(&mut v, "BenefitType", Some(&b.benefit_type));
    known(&mut v, "CoverageLevel", Some(&b.coverage_level));
    known(&mut v, "TimePeriod", b.time_period.as_ref());
    known(&mut v, "QuantityQualifier", b.quantity_qualifier.as_ref());
    if let Some(p) = b.percent {
        percent(&mut v, p, Some(&b.benefit_type));
    }
    // Unset, the server's default qualifier is None.
    let qualifier = b.quantity_qualifier.clone().unwrap_or_default();
    waiting_period(&mut v, Some(&b.benefit_type), Some(&qualifier));
    quantity(&mut v, Some(&qualifier), Some(b.quantity.unwrap_or(0)));
    codes_without_category(
        &mut v,
        !rules::code_allowed(b.cov_cat_num),
        b.code_num.is_some(),
        b.proc_code.is_some(),
    );
    #[cfg(feature = "od-25-3")]
    if let Some(area) = &b.treat_area {
        known(&mut v, "TreatArea", Some(area));
        treat_area(&mut v, b.could_be_frequency_limitation());
    }
    v.into_result()
}

fn update(u: &BenefitUpdate) -> Result<(), Error> {
    let mut v = Violations::default();
    if *u == BenefitUpdate::default() {
        v.push("body", "an update must set at least one field");
    }
    known(&mut v, "BenefitType", u.benefit_type.as_ref());
    known(&mut v, "CoverageLevel", u.coverage_level.as_ref());
    known(&mut v, "TimePeriod", u.time_period.as_ref());
    known(&mut v, "QuantityQualifier", u.quantity_qualifier.as_ref());
    if let Patch::Set(p) = u.percent {
        percent(&mut v, p, u.benefit_type.as_ref());
    }
    waiting_period(
        &mut v,
        u.benefit_type.as_ref(),
        u.quantity_qualifier.as_ref(),
    );
    quantity(&mut v, u.quantity_qualifier.as_ref(), u.quantity);
    codes_without_category(
        &mut v,
        !rules::code_allowed(u.cov_cat_num.value().copied()),
        matches!(u.code_num, Patch::Set(_)),
        matches!(u.proc_code, Patch::Set(_)),
    );
    #[cfg(feature = "od-25-3")]
    if let Some(area) = &u.treat_area {
        known(&mut v, "TreatArea", Some(area));
        treat_area(
            &mut v,
            rules::could_be_frequency_limitation(rules::FrequencyFields {
                benefit_type: u.benefit_type.as_ref(),
                has_percent: matches!(u.percent, Patch::Set(_)),
                has_amount: matches!(u.monetary_amt, Patch::Set(_)),
                coverage_level: u.coverage_level.as_ref(),
                qualifier: u.quantity_qualifier.as_ref(),
                time_period: u.time_period.as_ref(),
            }),
        );
    }
    v.into_result()
}

fn key(v: &mut Violations, field: &'static str, raw: u64) {
    if raw == 0 {
        v.push(field, "must be a key above 0 (0 means no row)");
    }
}

/// An `Unknown` enum value came from a server; it is never sent back.
fn known<E: WireEnum>(v: &mut Violations, field: &'static str, value: Option<&E>) {
    if let Some(value) = value.filter(|e| e.unknown()) {
        v.push(
            field,
            format!(
                "`{}` is not a value this version of the crate can send",
                value.wire_name()
            ),
        );
    }
}

fn percent(v: &mut Violations, p: u8, benefit_type: Option<&BenefitType>) {
    if p > MAX_PERCENT {
        v.push("Percent", format!("must be between 0 and 100, got {p}"));
    }
    if !rules::percent_allowed(benefit_type) {
        v.push("Percent", "only allowed when BenefitType is CoInsurance");
    }
}

fn waiting_period(
    v: &mut Violations,
    benefit_type: Option<&BenefitType>,
    qualifier: Option<&QuantityQualifier>,
) {
    if !rules::waiting_period_qualifier_ok(benefit_type, qualifier) {
        v.push(
            "QuantityQualifier",
            "must be Months or Years when BenefitType is WaitingPeriod",
        );
    }
}

fn quantity(v: &mut Violations, qualifier: Option<&QuantityQualifier>, quantity: Option<u8>) {
    if let Some(q) = quantity.filter(|q| *q > MAX_QUANTITY) {
        v.push("Quantity", format!("must be between 0 and 100, got {q}"));
    }
    if !rules::age_limit_quantity_ok(qualifier, quantity) {
        v.push(
            "Quantity",
            "must be greater than 0 when QuantityQualifier is AgeLimit",
        );
    }
}

fn codes_without_category(
    v: &mut Violations,
    has_category: bool,
    has_code_num: bool,
    has_proc_code: bool,
) {
    if has_category && has_code_num {
        v.push("CodeNum", "only allowed when CovCatNum is 0");
    }
    if has_category && has_proc_code {
        v.push("procCode", "only allowed when CovCatNum is 0");
    }
}

#[cfg(feature = "od-25-3")]
fn treat_area(v: &mut Violations, frequency: bool) {
    // "Only allowed if benefit is a Frequency Limitation": any value, `None` included.
    if !frequency {
        v.push(
            "TreatArea",
            "only allowed on a frequency limitation (Limitations, CoverageLevel None, no \
             Percent or MonetaryAmt, and Months/Years with TimePeriod None or NumberOfServices \
             with ServiceYear, CalendarYear or NumberInLast12Months)",
        );
    }
}
