//! A row read as what it means: `Benefit::shape` and `NewBenefit::shape`, by Open Dental's
//! own rules ("Frequency limitations and age limits" and "Other standard shapes" in its
//! benefit logic).

use rust_decimal::Decimal;

use super::shape::{BenefitShape, Frequency, FrequencyLimit, Period, Scope, Terms};
#[cfg(feature = "od-23-2")]
use crate::opendental::model::benefit::CodeGroupNum;
#[cfg(feature = "od-25-3")]
use crate::opendental::model::benefit::TreatArea;
use crate::opendental::model::benefit::{
    Benefit, BenefitType, CodeNum, CovCatNum, CoverageLevel, PlanNum, QuantityQualifier, TimePeriod,
};
use crate::opendental::model::request::{BenefitYear, NewBenefit, Owner, WaitingUnit};
use crate::opendental::model::rules;

/// A row's content, as both a stored row and a new benefit hold it. `time_period` is `None`
/// when a new benefit leaves it to the server.
struct Content<'a> {
    benefit_type: &'a BenefitType,
    level: &'a CoverageLevel,
    cov_cat: Option<CovCatNum>,
    percent: Option<u8>,
    amount: Option<Decimal>,
    time_period: Option<&'a TimePeriod>,
    qualifier: &'a QuantityQualifier,
    quantity: u8,
    code_num: Option<CodeNum>,
    proc_code: Option<&'a str>,
    #[cfg(feature = "od-23-2")]
    code_group: Option<CodeGroupNum>,
    #[cfg(feature = "od-25-3")]
    treat_area: &'a TreatArea,
    #[cfg(feature = "od-23-2")]
    plan_level: bool,
}

impl Content<'_> {
    fn scope(&self) -> Option<Scope> {
        #[cfg(feature = "od-23-2")]
        let group = self.code_group;
        #[cfg(not(feature = "od-23-2"))]
        let group: Option<()> = None;
        let code = self.code_num.is_some() || self.proc_code.is_some();
        match (self.cov_cat, code, group) {
            (None, false, None) => Some(Scope::General),
            (Some(c), false, None) => Some(Scope::Category(c)),
            (None, true, None) => Some(Scope::Code {
                code_num: self.code_num,
                proc_code: self.proc_code.map(str::to_owned),
            }),
            #[cfg(feature = "od-23-2")]
            (None, false, Some(g)) => Some(Scope::CodeGroup(g)),
            _ => None,
        }
    }

    fn period(&self) -> Option<Period> {
        Some(match self.time_period {
            None => Period::BenefitYear(None),
            Some(TimePeriod::CalendarYear) => Period::BenefitYear(Some(BenefitYear::Calendar)),
            Some(TimePeriod::ServiceYear) => Period::BenefitYear(Some(BenefitYear::Service)),
            Some(TimePeriod::Lifetime) => Period::Lifetime,
            Some(TimePeriod::None) => Period::None,
            Some(_) => return None,
        })
    }

    fn no_treat_area(&self) -> bool {
        #[cfg(feature = "od-25-3")]
        return *self.treat_area == TreatArea::None;
        #[cfg(not(feature = "od-25-3"))]
        true
    }

    /// The standard shape this content is exactly, if any.
    fn standard(&self) -> Option<BenefitShape> {
        if let Some(limit) = self.frequency_limit() {
            return Some(BenefitShape::Frequency(limit));
        }
        #[cfg(feature = "od-23-2")]
        if let Some(age) = self.age_limit() {
            return Some(age);
        }
        if !self.no_treat_area() {
            return None;
        }
        let terms = Terms {
            scope: self.scope()?,
            level: self.level.clone(),
            period: self.period()?,
        };
        let no_quantity = *self.qualifier == QuantityQualifier::None && self.quantity == 0;
        let plain = no_quantity && self.percent.is_none();
        Some(match (self.benefit_type, self.percent, self.amount) {
            (BenefitType::ActiveCoverage, None, None) if no_quantity => {
                BenefitShape::ActiveCoverage(terms)
            }
            (BenefitType::CoInsurance, Some(percent), None) if no_quantity => {
                BenefitShape::Coinsurance { percent, terms }
            }
            (BenefitType::Deductible, _, Some(amount)) if plain => {
                BenefitShape::Deductible { amount, terms }
            }
            (BenefitType::Limitations, _, Some(amount)) if plain => {
                BenefitShape::Maximum { amount, terms }
            }
            (BenefitType::CoPayment, _, Some(amount)) if plain => {
                BenefitShape::Copay { amount, terms }
            }
            (BenefitType::Exclusions, None, None) if no_quantity => BenefitShape::Exclusion(terms),
            (BenefitType::WaitingPeriod, None, None) => {
                let unit = match self.qualifier {
                    QuantityQualifier::Months => WaitingUnit::Months,
                    QuantityQualifier::Years => WaitingUnit::Years,
                    _ => return None,
                };
                BenefitShape::WaitingPeriod {
                    wait: self.quantity,
                    unit,
                    terms,
                }
            }
            _ => return None,
        })
    }

    fn frequency_limit(&self) -> Option<FrequencyLimit> {
        let fits = rules::could_be_frequency_limitation(rules::FrequencyFields {
            benefit_type: Some(self.benefit_type),
            has_percent: self.percent.is_some(),
            has_amount: self.amount.is_some(),
            coverage_level: Some(self.level),
            qualifier: Some(self.qualifier),
            time_period: self.time_period,
        });
        if !fits {
            return None;
        }
        let n = self.quantity;
        let frequency = match (self.qualifier, self.time_period) {
            (QuantityQualifier::Years, _) => Frequency::EveryYears(n),
            (QuantityQualifier::Months, _) => Frequency::EveryMonths(n),
            (QuantityQualifier::NumberOfServices, Some(TimePeriod::NumberInLast12Months)) => {
                Frequency::InLast12Months(n)
            }
            (QuantityQualifier::NumberOfServices, Some(TimePeriod::CalendarYear)) => {
                Frequency::PerBenefitYear(n, Some(BenefitYear::Calendar))
            }
            (QuantityQualifier::NumberOfServices, Some(TimePeriod::ServiceYear)) => {
                Frequency::PerBenefitYear(n, Some(BenefitYear::Service))
            }
            (QuantityQualifier::NumberOfServices, None) => Frequency::PerBenefitYear(n, None),
            _ => return None,
        };
        Some(FrequencyLimit {
            frequency,
            scope: self.scope()?,
            #[cfg(feature = "od-25-3")]
            treat_area: self.treat_area.clone(),
        })
    }

    #[cfg(feature = "od-23-2")]
    fn age_limit(&self) -> Option<BenefitShape> {
        let is = *self.benefit_type == BenefitType::Limitations
            && self.percent.is_none()
            && self.amount.is_none()
            && self.plan_level
            && *self.qualifier == QuantityQualifier::AgeLimit
            && *self.level == CoverageLevel::None
            && self.quantity > 0
            // Open Dental's IsAgeLimit: TimePeriod None or a benefit year (unset: the server's
            // default for an age limit, None).
            && matches!(
                self.time_period,
                None | Some(TimePeriod::None | TimePeriod::CalendarYear | TimePeriod::ServiceYear)
            )
            && self.cov_cat.is_none()
            && self.code_num.is_none()
            && self.proc_code.is_none()
            && self.no_treat_area();
        Some(BenefitShape::AgeLimit {
            age: self.quantity,
            code_group: self.code_group.filter(|_| is)?,
        })
    }
}

impl Benefit {
    /// What this row means: a standard shape, or [`BenefitShape::Custom`] with all of it.
    pub fn shape(&self) -> BenefitShape {
        self.content()
            .standard()
            .unwrap_or_else(|| BenefitShape::Custom(Box::new(self.to_new_benefit())))
    }

    /// The request that creates a row like this one, for its owner (a row from the server
    /// always has one; PlanNum 0 stands in otherwise). Every field is set, TimePeriod included.
    pub fn to_new_benefit(&self) -> NewBenefit {
        let owner = match (self.plan_num, self.pat_plan_num) {
            (_, Some(p)) => Owner::PatPlan(p),
            (Some(p), None) => Owner::Plan(p),
            (None, None) => Owner::Plan(PlanNum::new(0)),
        };
        let mut new = NewBenefit::new(
            owner,
            self.benefit_type.clone(),
            self.coverage_level.clone(),
        );
        new.cov_cat_num = self.cov_cat_num;
        new.percent = self.percent;
        new.monetary_amt = self.monetary_amt;
        new.time_period = Some(self.time_period.clone());
        if self.quantity_qualifier != QuantityQualifier::None || self.quantity != 0 {
            new.quantity_qualifier = Some(self.quantity_qualifier.clone());
            new.quantity = Some(self.quantity);
        }
        new.code_num = self.code_num;
        new.proc_code = self.proc_code.clone();
        #[cfg(feature = "od-23-2")]
        {
            new.code_group_num = self.code_group_num;
        }
        #[cfg(feature = "od-25-3")]
        if self.treat_area != TreatArea::None {
            new.treat_area = Some(self.treat_area.clone());
        }
        new
    }

    fn content(&self) -> Content<'_> {
        Content {
            benefit_type: &self.benefit_type,
            level: &self.coverage_level,
            cov_cat: self.cov_cat_num,
            percent: self.percent,
            amount: self.monetary_amt,
            time_period: Some(&self.time_period),
            qualifier: &self.quantity_qualifier,
            quantity: self.quantity,
            code_num: self.code_num,
            proc_code: self.proc_code.as_deref(),
            #[cfg(feature = "od-23-2")]
            code_group: self.code_group_num,
            #[cfg(feature = "od-25-3")]
            treat_area: &self.treat_area,
            #[cfg(feature = "od-23-2")]
            plan_level: self.pat_plan_num.is_none(),
        }
    }
}

#[cfg(feature = "od-25-3")]
const NO_AREA: TreatArea = TreatArea::None;
const NO_QUALIFIER: QuantityQualifier = QuantityQualifier::None;

impl NewBenefit {
    /// What the row this creates means. A key of 0 and an empty procCode count as unset, as
    /// the server reads them.
    pub fn shape(&self) -> BenefitShape {
        let content = Content {
            benefit_type: &self.benefit_type,
            level: &self.coverage_level,
            cov_cat: self.cov_cat_num.filter(|c| c.get() != 0),
            percent: self.percent,
            amount: self.monetary_amt,
            time_period: self.time_period.as_ref(),
            qualifier: self.quantity_qualifier.as_ref().unwrap_or(&NO_QUALIFIER),
            quantity: self.quantity.unwrap_or(0),
            code_num: self.code_num.filter(|c| c.get() != 0),
            proc_code: self.proc_code.as_deref().filter(|c| !c.is_empty()),
            #[cfg(feature = "od-23-2")]
            code_group: self.code_group_num.filter(|g| g.get() != 0),
            #[cfg(feature = "od-25-3")]
            treat_area: self.treat_area.as_ref().unwrap_or(&NO_AREA),
            #[cfg(feature = "od-23-2")]
            plan_level: matches!(self.owner, Owner::Plan(_)),
        };
        content
            .standard()
            .unwrap_or_else(|| BenefitShape::Custom(Box::new(self.clone())))
    }
}
