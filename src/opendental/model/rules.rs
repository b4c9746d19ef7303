//! Open Dental's rules about benefits, in one place: what a frequency limitation and an age
//! limit are (its `Benefits.IsFrequencyLimitation` and `IsAgeLimit`), and the documented limits
//! on values. The validator, `lint`, `Benefit`'s classifiers and the fake all read them here.

use crate::opendental::model::benefit::{
    Benefit, BenefitType, CovCatNum, CoverageLevel, QuantityQualifier, TimePeriod,
};
use crate::opendental::model::request::NewBenefit;

/// Percent: 0–100 (or -1, empty, on the wire).
pub(crate) const MAX_PERCENT: u8 = 100;
/// Quantity: 0–100 over the API.
pub(crate) const MAX_QUANTITY: u8 = 100;
/// The types whose MonetaryAmt Open Dental uses ("only used if").
pub(crate) const AMOUNT_TYPES: [BenefitType; 3] = [
    BenefitType::CoPayment,
    BenefitType::Limitations,
    BenefitType::Deductible,
];

/// "Percent: only allowed if BenefitType is CoInsurance". An unknown type (an update that
/// leaves it) allows it: the server decides on the row.
pub(crate) fn percent_allowed(benefit_type: Option<&BenefitType>) -> bool {
    benefit_type.is_none_or(|t| *t == BenefitType::CoInsurance)
}

/// "QuantityQualifier must be Months or Years if BenefitType is WaitingPeriod".
pub(crate) fn waiting_period_qualifier_ok(
    benefit_type: Option<&BenefitType>,
    qualifier: Option<&QuantityQualifier>,
) -> bool {
    benefit_type != Some(&BenefitType::WaitingPeriod)
        || qualifier
            .is_none_or(|q| matches!(q, QuantityQualifier::Months | QuantityQualifier::Years))
}

/// "Quantity must be greater than 0 if QuantityQualifier is AgeLimit".
pub(crate) fn age_limit_quantity_ok(
    qualifier: Option<&QuantityQualifier>,
    quantity: Option<u8>,
) -> bool {
    qualifier != Some(&QuantityQualifier::AgeLimit) || quantity != Some(0)
}

/// "CodeNum / procCode: only allowed if CovCatNum is 0" (no category, or the key 0).
pub(crate) fn code_allowed(category: Option<CovCatNum>) -> bool {
    category.is_none_or(|c| c.get() == 0)
}

impl NewBenefit {
    /// Whether the row this creates may be a frequency limitation. An unset TimePeriod is the
    /// server's to pick, and it picks one that fits a frequency shape; an unset
    /// QuantityQualifier is None.
    pub(crate) fn could_be_frequency_limitation(&self) -> bool {
        let qualifier = self.quantity_qualifier.clone().unwrap_or_default();
        could_be_frequency_limitation(FrequencyFields {
            benefit_type: Some(&self.benefit_type),
            has_percent: self.percent.is_some(),
            has_amount: self.monetary_amt.is_some(),
            coverage_level: Some(&self.coverage_level),
            qualifier: Some(&qualifier),
            time_period: self.time_period.as_ref(),
        })
    }
}

impl Benefit {
    /// True when Open Dental treats this row as a Frequency Limitation (the rule of its
    /// `Benefits.IsFrequencyLimitation`): Limitations, no Percent, no MonetaryAmt, CoverageLevel
    /// None, and either Months/Years with TimePeriod None, or NumberOfServices with ServiceYear,
    /// CalendarYear or NumberInLast12Months. Only such rows may carry a TreatArea.
    pub fn is_frequency_limitation(&self) -> bool {
        could_be_frequency_limitation(FrequencyFields {
            benefit_type: Some(&self.benefit_type),
            has_percent: self.percent.is_some(),
            has_amount: self.monetary_amt.is_some(),
            coverage_level: Some(&self.coverage_level),
            qualifier: Some(&self.quantity_qualifier),
            time_period: Some(&self.time_period),
        })
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

/// The fields that decide whether a row is a frequency limitation, where `None` means "not
/// known" (a new benefit that leaves TimePeriod to the server, an update that leaves a field as
/// it is).
pub(crate) struct FrequencyFields<'a> {
    pub(crate) benefit_type: Option<&'a BenefitType>,
    pub(crate) has_percent: bool,
    pub(crate) has_amount: bool,
    pub(crate) coverage_level: Option<&'a CoverageLevel>,
    pub(crate) qualifier: Option<&'a QuantityQualifier>,
    pub(crate) time_period: Option<&'a TimePeriod>,
}

/// The frequency-limitation rule: true unless what is known rules a frequency limitation out.
pub(crate) fn could_be_frequency_limitation(fields: FrequencyFields<'_>) -> bool {
    let FrequencyFields {
        benefit_type,
        has_percent,
        has_amount,
        coverage_level,
        qualifier,
        time_period,
    } = fields;
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
