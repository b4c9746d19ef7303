//! The documented rules of `POST` and `PUT /benefits`, checked before anything is sent. Every
//! broken rule is reported, each with the field's wire name.

use rust_decimal::Decimal;

#[cfg(feature = "od-25-3")]
use super::model::could_be_frequency_limitation;
use super::model::{BenefitType, CoverageLevel, QuantityQualifier, TimePeriod};
use super::request::{BenefitUpdate, NewBenefit, Owner, Patch};
use super::wire::money::exact_as_double;
use crate::error::{Error, Violations};

const MAX_PERCENT: u8 = 100;
const MAX_QUANTITY: u8 = 100;
const AMOUNT_TYPES: [BenefitType; 3] = [
    BenefitType::CoPayment,
    BenefitType::Limitations,
    BenefitType::Deductible,
];

pub(crate) fn new_benefit(b: &NewBenefit) -> Result<(), Error> {
    let mut v = Violations::default();
    match b.owner {
        Owner::Plan(p) => key(&mut v, "PlanNum", p.get()),
        Owner::PatPlan(p) => key(&mut v, "PatPlanNum", p.get()),
    }
    known(&mut v, "BenefitType", Some(&b.benefit_type));
    known(&mut v, "CoverageLevel", Some(&b.coverage_level));
    known(&mut v, "TimePeriod", b.time_period.as_ref());
    known(&mut v, "QuantityQualifier", b.quantity_qualifier.as_ref());
    if let Some(c) = b.cov_cat_num {
        key(&mut v, "CovCatNum", c.get());
    }
    if let Some(c) = b.code_num {
        key(&mut v, "CodeNum", c.get());
    }
    #[cfg(feature = "od-23-2")]
    if let Some(g) = b.code_group_num {
        key(&mut v, "CodeGroupNum", g.get());
    }
    if let Some(p) = b.percent {
        percent(&mut v, p, Some(&b.benefit_type));
    }
    if let Some(a) = &b.monetary_amt {
        amount(&mut v, a, Some(&b.benefit_type));
    }
    // Unset, the server's default qualifier is None.
    let qualifier = b.quantity_qualifier.clone().unwrap_or_default();
    waiting_period(&mut v, Some(&b.benefit_type), Some(&qualifier));
    quantity(&mut v, Some(&qualifier), Some(b.quantity.unwrap_or(0)));
    codes_without_category(
        &mut v,
        b.cov_cat_num.is_some(),
        b.code_num.is_some(),
        b.proc_code.as_deref(),
    );
    #[cfg(feature = "od-25-3")]
    if let Some(area) = &b.treat_area {
        known(&mut v, "TreatArea", Some(area));
        treat_area(
            &mut v,
            area,
            could_be_frequency_limitation(
                Some(&b.benefit_type),
                b.percent.is_some(),
                b.monetary_amt.is_some(),
                Some(&b.coverage_level),
                Some(&qualifier),
                // Unset, the server picks it: a frequency shape gets a period that fits.
                b.time_period.as_ref(),
            ),
        );
    }
    v.into_result()
}

pub(crate) fn update(u: &BenefitUpdate) -> Result<(), Error> {
    let mut v = Violations::default();
    if *u == BenefitUpdate::default() {
        v.push("body", "an update must set at least one field");
    }
    known(&mut v, "BenefitType", u.benefit_type.as_ref());
    known(&mut v, "CoverageLevel", u.coverage_level.as_ref());
    known(&mut v, "TimePeriod", u.time_period.as_ref());
    known(&mut v, "QuantityQualifier", u.quantity_qualifier.as_ref());
    if let Patch::Set(c) = u.cov_cat_num {
        key(&mut v, "CovCatNum", c.get());
    }
    if let Patch::Set(c) = u.code_num {
        key(&mut v, "CodeNum", c.get());
    }
    #[cfg(feature = "od-25-3")]
    if let Patch::Set(g) = u.code_group_num {
        key(&mut v, "CodeGroupNum", g.get());
    }
    if let Patch::Set(p) = u.percent {
        percent(&mut v, p, u.benefit_type.as_ref());
    }
    if let Patch::Set(a) = &u.monetary_amt {
        amount(&mut v, a, u.benefit_type.as_ref());
    }
    waiting_period(
        &mut v,
        u.benefit_type.as_ref(),
        u.quantity_qualifier.as_ref(),
    );
    quantity(&mut v, u.quantity_qualifier.as_ref(), u.quantity);
    let proc_code = match &u.proc_code {
        Patch::Set(code) => Some(code.as_str()),
        _ => None,
    };
    codes_without_category(
        &mut v,
        matches!(u.cov_cat_num, Patch::Set(_)),
        matches!(u.code_num, Patch::Set(_)),
        proc_code,
    );
    #[cfg(feature = "od-25-3")]
    if let Some(area) = &u.treat_area {
        known(&mut v, "TreatArea", Some(area));
        treat_area(
            &mut v,
            area,
            could_be_frequency_limitation(
                u.benefit_type.as_ref(),
                matches!(u.percent, Patch::Set(_)),
                matches!(u.monetary_amt, Patch::Set(_)),
                u.coverage_level.as_ref(),
                u.quantity_qualifier.as_ref(),
                u.time_period.as_ref(),
            ),
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
fn known<E: WireName>(v: &mut Violations, field: &'static str, value: Option<&E>) {
    if let Some(value) = value.filter(|e| e.unknown()) {
        v.push(
            field,
            format!(
                "`{}` is not a value this version of the crate can send",
                value.name()
            ),
        );
    }
}

fn percent(v: &mut Violations, p: u8, benefit_type: Option<&BenefitType>) {
    if p > MAX_PERCENT {
        v.push("Percent", format!("must be between 0 and 100, got {p}"));
    }
    if benefit_type.is_some_and(|t| *t != BenefitType::CoInsurance) {
        v.push("Percent", "only allowed when BenefitType is CoInsurance");
    }
}

fn amount(v: &mut Violations, a: &Decimal, benefit_type: Option<&BenefitType>) {
    if a.is_sign_negative() && !a.is_zero() {
        v.push(
            "MonetaryAmt",
            "must not be negative (leave it unset, or clear it, for empty)",
        );
    }
    if !exact_as_double(a) {
        v.push(
            "MonetaryAmt",
            format!("{a} cannot be stored exactly by Open Dental (a double)"),
        );
    }
    if benefit_type.is_some_and(|t| !AMOUNT_TYPES.contains(t)) {
        v.push(
            "MonetaryAmt",
            "only allowed when BenefitType is CoPayment, Limitations or Deductible",
        );
    }
}

fn waiting_period(
    v: &mut Violations,
    benefit_type: Option<&BenefitType>,
    qualifier: Option<&QuantityQualifier>,
) {
    if benefit_type == Some(&BenefitType::WaitingPeriod)
        && qualifier
            .is_some_and(|q| !matches!(q, QuantityQualifier::Months | QuantityQualifier::Years))
    {
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
    if qualifier == Some(&QuantityQualifier::AgeLimit) && quantity == Some(0) {
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
    proc_code: Option<&str>,
) {
    if has_category && has_code_num {
        v.push("CodeNum", "only allowed when CovCatNum is not set");
    }
    if let Some(code) = proc_code {
        if has_category {
            v.push("procCode", "only allowed when CovCatNum is not set");
        }
        if code.trim().is_empty() {
            v.push(
                "procCode",
                "must not be blank (leave it unset, or clear it)",
            );
        }
    }
}

#[cfg(feature = "od-25-3")]
fn treat_area(v: &mut Violations, area: &super::model::TreatArea, frequency: bool) {
    // `None` is the server's default and means "the procedure's own area": always acceptable.
    if *area != super::model::TreatArea::None && !frequency {
        v.push(
            "TreatArea",
            "only allowed on a frequency limitation (Limitations, CoverageLevel None, no \
             Percent or MonetaryAmt, and Months/Years with TimePeriod None or NumberOfServices \
             with ServiceYear, CalendarYear or NumberInLast12Months)",
        );
    }
}

/// What `known` needs of the wire enums.
trait WireName {
    fn unknown(&self) -> bool;
    fn name(&self) -> &str;
}

macro_rules! wire_name {
    ($($t:ty),+) => {$(
        impl WireName for $t {
            fn unknown(&self) -> bool {
                self.is_unknown()
            }
            fn name(&self) -> &str {
                self.as_str()
            }
        }
    )+};
}
wire_name!(BenefitType, CoverageLevel, TimePeriod, QuantityQualifier);
#[cfg(feature = "od-25-3")]
wire_name!(super::model::TreatArea);
