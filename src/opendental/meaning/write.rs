//! A shape turned back into the request that creates it: `BenefitShape::to_new_benefit`.

use super::shape::{BenefitShape, Frequency, Period, Scope, Terms};
#[cfg(feature = "od-23-2")]
use crate::opendental::model::benefit::PlanNum;
#[cfg(feature = "od-25-3")]
use crate::opendental::model::benefit::TreatArea;
use crate::opendental::model::benefit::{BenefitType, TimePeriod};
use crate::opendental::model::request::{BenefitYear, NewBenefit, Owner};

impl BenefitShape {
    /// The request that creates this shape for `owner`. Every field the shape fixes is set;
    /// a benefit year left to the plan leaves TimePeriod unset.
    pub fn to_new_benefit(&self, owner: Owner) -> NewBenefit {
        let general = |benefit_type: BenefitType, terms: &Terms| {
            let mut new = NewBenefit::new(owner, benefit_type, terms.level.clone());
            set_scope(&mut new, &terms.scope);
            new.time_period = match terms.period {
                Period::BenefitYear(year) => year.map(TimePeriod::from),
                Period::Lifetime => Some(TimePeriod::Lifetime),
                Period::None => Some(TimePeriod::None),
            };
            new
        };
        match self {
            BenefitShape::ActiveCoverage(terms) => general(BenefitType::ActiveCoverage, terms),
            BenefitShape::Coinsurance { percent, terms } => {
                general(BenefitType::CoInsurance, terms).percent(*percent)
            }
            BenefitShape::Deductible { amount, terms } => {
                general(BenefitType::Deductible, terms).monetary_amt(*amount)
            }
            BenefitShape::Maximum { amount, terms } => {
                general(BenefitType::Limitations, terms).monetary_amt(*amount)
            }
            BenefitShape::Copay { amount, terms } => {
                general(BenefitType::CoPayment, terms).monetary_amt(*amount)
            }
            BenefitShape::Exclusion(terms) => general(BenefitType::Exclusions, terms),
            BenefitShape::WaitingPeriod { wait, unit, terms } => {
                general(BenefitType::WaitingPeriod, terms).quantity((*unit).into(), *wait)
            }
            BenefitShape::Frequency(limit) => {
                let mut new = match limit.frequency {
                    Frequency::EveryYears(n) => NewBenefit::every_n_years(owner, n),
                    Frequency::EveryMonths(n) => NewBenefit::every_n_months(owner, n),
                    Frequency::InLast12Months(n) => NewBenefit::in_last_12_months(owner, n),
                    Frequency::PerBenefitYear(n, year) => {
                        let mut new = NewBenefit::per_benefit_year(
                            owner,
                            n,
                            year.unwrap_or(BenefitYear::Calendar),
                        );
                        new.time_period = year.map(TimePeriod::from);
                        new
                    }
                };
                set_scope(&mut new, &limit.scope);
                #[cfg(feature = "od-25-3")]
                if limit.treat_area != TreatArea::None {
                    new.treat_area = Some(limit.treat_area.clone());
                }
                new
            }
            #[cfg(feature = "od-23-2")]
            BenefitShape::AgeLimit { age, code_group } => {
                // Plan-level by definition: with a patient-plan owner it reads back as custom.
                let mut new = NewBenefit::age_limit(PlanNum::new(0), *code_group, *age);
                new.owner = owner;
                new
            }
            BenefitShape::Custom(new) => {
                let mut new = (**new).clone();
                new.owner = owner;
                new
            }
        }
    }
}

fn set_scope(new: &mut NewBenefit, scope: &Scope) {
    match scope {
        Scope::General => {}
        Scope::Category(c) => new.cov_cat_num = Some(*c),
        Scope::Code {
            code_num,
            proc_code,
        } => {
            new.code_num = *code_num;
            new.proc_code = proc_code.clone();
        }
        #[cfg(feature = "od-23-2")]
        Scope::CodeGroup(g) => new.code_group_num = Some(*g),
    }
}
