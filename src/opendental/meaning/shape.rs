//! What a benefit row means: [`BenefitShape`], read from a [`Benefit`] or a [`NewBenefit`] by
//! Open Dental's own rules, and turned back into the [`NewBenefit`] that creates it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "od-23-2")]
use crate::opendental::model::benefit::CodeGroupNum;
#[cfg(feature = "od-25-3")]
use crate::opendental::model::benefit::TreatArea;
use crate::opendental::model::benefit::{
    Benefit, BenefitType, CodeNum, CovCatNum, CoverageLevel, PlanNum, QuantityQualifier, TimePeriod,
};
use crate::opendental::model::request::{BenefitYear, NewBenefit, Owner, WaitingUnit};
use crate::opendental::model::rules;

/// What a benefit applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Scope {
    /// Everything the plan covers: no category, code or code group (a general deductible, the
    /// annual maximum).
    General,
    /// A coverage category (Preventive, Crowns…).
    Category(CovCatNum),
    /// One procedure code, by key, by text (`D1110`) or both as the server returns it.
    Code {
        /// The code's key.
        code_num: Option<CodeNum>,
        /// The code's text.
        proc_code: Option<String>,
    },
    /// A group of procedure codes. Open Dental 23.2.62.
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    CodeGroup(CodeGroupNum),
}

impl Scope {
    /// A procedure code by its text, e.g. `D1110`.
    pub fn proc_code(code: impl Into<String>) -> Self {
        Scope::Code {
            code_num: None,
            proc_code: Some(code.into()),
        }
    }

    /// A procedure code by its key.
    pub fn code_num(code: CodeNum) -> Self {
        Scope::Code {
            code_num: Some(code),
            proc_code: None,
        }
    }

    /// Whether two scopes name the same thing. Codes are the same when their keys are equal,
    /// or their texts are equal ignoring ASCII case (the server returns both; a caller often
    /// knows one).
    pub fn same_as(&self, other: &Scope) -> bool {
        match (self, other) {
            (
                Scope::Code {
                    code_num: a,
                    proc_code: at,
                },
                Scope::Code {
                    code_num: b,
                    proc_code: bt,
                },
            ) => {
                matches!((a, b), (Some(a), Some(b)) if a == b)
                    || matches!((at, bt), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
            }
            _ => self == other,
        }
    }
}

/// The period a benefit counts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Period {
    /// A benefit year: the one given, or, with `None`, the plan's own (CalendarYear when its
    /// `MonthRenew` is 0, else ServiceYear). A new benefit with `None` leaves TimePeriod to the
    /// server, which picks the plan's; a reconcile sets it from the plan.
    BenefitYear(Option<BenefitYear>),
    /// The patient's lifetime.
    Lifetime,
    /// TimePeriod None.
    None,
}

/// Who a benefit counts for, over what, and on what: the parts most shapes share.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Terms {
    /// What the benefit applies to.
    pub scope: Scope,
    /// Per person, per family, or neither.
    pub level: CoverageLevel,
    /// The period it counts over.
    pub period: Period,
}

impl Terms {
    /// Terms on a scope, with CoverageLevel None and the plan's benefit year.
    pub fn new(scope: Scope) -> Self {
        Terms {
            scope,
            level: CoverageLevel::None,
            period: Period::BenefitYear(None),
        }
    }

    /// The same terms at another coverage level.
    pub fn level(mut self, level: CoverageLevel) -> Self {
        self.level = level;
        self
    }

    /// The same terms over another period.
    pub fn period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }
}

/// How often a frequency limitation allows a procedure: Open Dental's four kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Frequency {
    /// "Every # Years": once every so many years.
    EveryYears(u8),
    /// "Every # Months": once every so many months.
    EveryMonths(u8),
    /// "# Per Benefit Year": so many times a benefit year (the plan's own with `None`).
    PerBenefitYear(u8, Option<BenefitYear>),
    /// "# in Last 12 Months": so many times in any rolling twelve months.
    InLast12Months(u8),
}

/// A frequency limitation (Open Dental's `Benefits.IsFrequencyLimitation`). Made with
/// [`FrequencyLimit::new`]; not a struct literal, since `treat_area` exists only with
/// `od-25-3`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FrequencyLimit {
    /// How often.
    pub frequency: Frequency,
    /// What it limits: usually a code group, or a code.
    pub scope: Scope,
    /// What it counts per (Default: the procedure's own area). Open Dental 25.3.7.
    #[cfg(feature = "od-25-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-25-3")))]
    pub treat_area: TreatArea,
}

impl FrequencyLimit {
    /// A limit on a scope, counted per the procedure's own area.
    pub fn new(frequency: Frequency, scope: Scope) -> Self {
        FrequencyLimit {
            frequency,
            scope,
            #[cfg(feature = "od-25-3")]
            treat_area: TreatArea::None,
        }
    }
}

/// What a benefit row means, by Open Dental's own rules ("Frequency limitations and age
/// limits" and "Other standard shapes" in its benefit logic).
///
/// [`Benefit::shape`] and [`NewBenefit::shape`] read it; [`BenefitShape::to_new_benefit`]
/// turns it back into the request that creates it, so `shape(to_new_benefit(s)) == s` for
/// every shape. A row that fits no standard shape exactly is [`BenefitShape::Custom`], which
/// keeps all of it.
///
/// It serializes as `{"Coinsurance": {"percent": 50, "terms": …}}`, amounts as decimal text
/// (`"1500.00"`), a custom row as the body that creates it; and reads that back unchanged.
///
/// ```
/// use benefits_sdk::opendental::{
///     BenefitShape, CovCatNum, NewBenefit, Owner, PlanNum, Scope, Terms,
/// };
///
/// let crowns = BenefitShape::Coinsurance {
///     percent: 50,
///     terms: Terms::new(Scope::Category(CovCatNum::new(7))),
/// };
/// let new = crowns.to_new_benefit(Owner::Plan(PlanNum::new(12)));
/// assert_eq!(new, NewBenefit::coinsurance(PlanNum::new(12), CovCatNum::new(7), 50));
/// assert_eq!(new.shape(), crowns);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BenefitShape {
    /// Coverage is active (ActiveCoverage).
    ActiveCoverage(Terms),
    /// Insurance pays `percent` (CoInsurance).
    Coinsurance {
        /// 0–100.
        percent: u8,
        /// Where it applies.
        terms: Terms,
    },
    /// A deductible of `amount` (Deductible).
    Deductible {
        /// The amount.
        #[serde(with = "amount_text")]
        amount: Decimal,
        /// Usually Individual or Family, over a benefit year or a lifetime.
        terms: Terms,
    },
    /// A maximum of `amount`: the annual maximum over a benefit year, or a lifetime maximum
    /// (Limitations with an amount).
    Maximum {
        /// The amount.
        #[serde(with = "amount_text")]
        amount: Decimal,
        /// Usually Individual or Family, over a benefit year or a lifetime.
        terms: Terms,
    },
    /// A copayment of `amount` (CoPayment).
    Copay {
        /// The amount.
        #[serde(with = "amount_text")]
        amount: Decimal,
        /// Where it applies.
        terms: Terms,
    },
    /// Not covered (Exclusions).
    Exclusion(Terms),
    /// A wait of so many months or years before coverage starts (WaitingPeriod).
    WaitingPeriod {
        /// How long.
        wait: u8,
        /// Months or years.
        unit: WaitingUnit,
        /// Where it applies.
        terms: Terms,
    },
    /// A frequency limitation.
    Frequency(FrequencyLimit),
    /// Covered up to an age (Open Dental's `Benefits.IsAgeLimit`). A row with TimePeriod None or
    /// a benefit year reads as one, as Open Dental reads it; the shape creates it with None.
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    AgeLimit {
        /// The age, above 0.
        age: u8,
        /// The code group it limits.
        code_group: CodeGroupNum,
    },
    /// Anything else, whole, with the row's owner.
    Custom(Box<NewBenefit>),
}

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
        let fits = rules::could_be_frequency_limitation(
            Some(self.benefit_type),
            self.percent.is_some(),
            self.amount.is_some(),
            Some(self.level),
            Some(self.qualifier),
            self.time_period,
        );
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
                let qualifier = match unit {
                    WaitingUnit::Months => QuantityQualifier::Months,
                    WaitingUnit::Years => QuantityQualifier::Years,
                };
                general(BenefitType::WaitingPeriod, terms).quantity(qualifier, *wait)
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

    /// Whether two shapes hold the same slot of a plan: a reconcile updates a row in place
    /// when the desired benefit holds its slot. The rules (what a benefit is about, not its
    /// numbers):
    /// - coinsurance, copay, exclusion, waiting period and active coverage: one per scope;
    /// - deductible and maximum: one per scope, coverage level and kind of period (a benefit
    ///   year, a lifetime or none), so "$1500 per person per calendar year" is one slot and a
    ///   lifetime maximum another;
    /// - frequency limitation: one per scope, kind of frequency and treat area, so "once every
    ///   5 years per tooth on Crowns" and "2 per benefit year on Mouth" are two slots;
    /// - age limit: one per code group;
    /// - a custom row: only an identical row.
    pub fn same_slot(&self, other: &BenefitShape) -> bool {
        use BenefitShape as S;
        // The kind of a period or a frequency, without its numbers.
        let kind = std::mem::discriminant::<Period>;
        let counted = |a: &Terms, b: &Terms| {
            a.scope.same_as(&b.scope) && a.level == b.level && kind(&a.period) == kind(&b.period)
        };
        match (self, other) {
            (S::ActiveCoverage(a), S::ActiveCoverage(b))
            | (S::Coinsurance { terms: a, .. }, S::Coinsurance { terms: b, .. })
            | (S::Copay { terms: a, .. }, S::Copay { terms: b, .. })
            | (S::Exclusion(a), S::Exclusion(b))
            | (S::WaitingPeriod { terms: a, .. }, S::WaitingPeriod { terms: b, .. }) => {
                a.scope.same_as(&b.scope)
            }
            (S::Deductible { terms: a, .. }, S::Deductible { terms: b, .. })
            | (S::Maximum { terms: a, .. }, S::Maximum { terms: b, .. }) => counted(a, b),
            (S::Frequency(a), S::Frequency(b)) => {
                #[cfg(feature = "od-25-3")]
                let same_area = a.treat_area == b.treat_area;
                #[cfg(not(feature = "od-25-3"))]
                let same_area = true;
                a.scope.same_as(&b.scope)
                    && std::mem::discriminant(&a.frequency) == std::mem::discriminant(&b.frequency)
                    && same_area
            }
            #[cfg(feature = "od-23-2")]
            (S::AgeLimit { code_group: a, .. }, S::AgeLimit { code_group: b, .. }) => a == b,
            (S::Custom(a), S::Custom(b)) => same_custom(a, b),
            _ => false,
        }
    }

    /// The shape with a benefit year left to the plan set to `year`.
    pub fn with_plan_year(mut self, year: BenefitYear) -> Self {
        use BenefitShape as S;
        match &mut self {
            S::ActiveCoverage(terms)
            | S::Coinsurance { terms, .. }
            | S::Deductible { terms, .. }
            | S::Maximum { terms, .. }
            | S::Copay { terms, .. }
            | S::Exclusion(terms)
            | S::WaitingPeriod { terms, .. } => {
                terms.period = match terms.period {
                    Period::BenefitYear(None) => Period::BenefitYear(Some(year)),
                    other => other,
                };
            }
            S::Frequency(FrequencyLimit {
                frequency: Frequency::PerBenefitYear(_, y @ None),
                ..
            }) => *y = Some(year),
            // A custom row sent without TimePeriod gets the server's default, which may be
            // the plan's year (see `stored`).
            S::Custom(new) if new.time_period.is_none() => {
                let qualifier = new.quantity_qualifier.clone().unwrap_or_default();
                new.time_period = crate::opendental::meaning::stored::default_time_period(
                    &new.benefit_type,
                    &qualifier,
                    Some(year),
                );
            }
            _ => {}
        }
        self
    }

    /// True when what the office stores for the shape depends on the plan's benefit year: it
    /// leaves its year to the plan.
    pub fn needs_plan_year(&self) -> bool {
        self.clone().with_plan_year(BenefitYear::Calendar)
            != self.clone().with_plan_year(BenefitYear::Service)
    }
}

/// Amounts in a stored shape: the decimal's own text, exact whatever its size.
mod amount_text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Custom rows hold one slot only when they mean the same stored row, whoever owns them (a
/// code by key or by text is one code).
fn same_custom(a: &NewBenefit, b: &NewBenefit) -> bool {
    let mut b = b.clone();
    b.owner = a.owner;
    BenefitShape::Custom(Box::new(a.clone())).same_meaning(&BenefitShape::Custom(Box::new(b)))
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

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::opendental::PatPlanNum;

    fn scope() -> BoxedStrategy<Scope> {
        let key = 1..5_000u64;
        let common = prop_oneof![
            Just(Scope::General),
            key.clone().prop_map(|c| Scope::Category(CovCatNum::new(c))),
            key.clone().prop_map(|c| Scope::code_num(CodeNum::new(c))),
            "D[0-9]{4}".prop_map(Scope::proc_code),
        ];
        #[cfg(feature = "od-23-2")]
        let common = prop_oneof![
            4 => common,
            1 => key.prop_map(|g| Scope::CodeGroup(CodeGroupNum::new(g))),
        ];
        common.boxed()
    }

    fn year() -> impl Strategy<Value = Option<BenefitYear>> {
        prop_oneof![
            Just(None),
            Just(Some(BenefitYear::Calendar)),
            Just(Some(BenefitYear::Service)),
        ]
    }

    fn terms() -> impl Strategy<Value = Terms> {
        let level = prop_oneof![
            Just(CoverageLevel::None),
            Just(CoverageLevel::Individual),
            Just(CoverageLevel::Family),
        ];
        let period = prop_oneof![
            year().prop_map(Period::BenefitYear),
            Just(Period::Lifetime),
            Just(Period::None),
        ];
        (scope(), level, period).prop_map(|(scope, level, period)| Terms {
            scope,
            level,
            period,
        })
    }

    /// Whole cents up to $100,000: amounts a double holds exactly, as Open Dental stores them.
    fn amount() -> impl Strategy<Value = Decimal> {
        (0..10_000_000i64).prop_map(|cents| Decimal::new(cents, 2))
    }

    fn frequency() -> impl Strategy<Value = FrequencyLimit> {
        let n = 0..=100u8;
        let frequency = prop_oneof![
            n.clone().prop_map(Frequency::EveryYears),
            n.clone().prop_map(Frequency::EveryMonths),
            (n.clone(), year()).prop_map(|(n, y)| Frequency::PerBenefitYear(n, y)),
            n.prop_map(Frequency::InLast12Months),
        ];
        #[cfg(feature = "od-25-3")]
        let area = prop::sample::select(TreatArea::KNOWN.to_vec());
        #[cfg(not(feature = "od-25-3"))]
        let area = Just(());
        (frequency, scope(), area).prop_map(|(frequency, scope, _area)| FrequencyLimit {
            frequency,
            scope,
            #[cfg(feature = "od-25-3")]
            treat_area: _area,
        })
    }

    /// Every standard shape, with any valid numbers.
    pub(crate) fn standard_shape() -> BoxedStrategy<BenefitShape> {
        let wait = (
            0..=100u8,
            prop_oneof![Just(WaitingUnit::Months), Just(WaitingUnit::Years)],
        );
        let shapes = prop_oneof![
            terms().prop_map(BenefitShape::ActiveCoverage),
            (0..=100u8, terms())
                .prop_map(|(percent, terms)| BenefitShape::Coinsurance { percent, terms }),
            (amount(), terms())
                .prop_map(|(amount, terms)| BenefitShape::Deductible { amount, terms }),
            (amount(), terms()).prop_map(|(amount, terms)| BenefitShape::Maximum { amount, terms }),
            (amount(), terms()).prop_map(|(amount, terms)| BenefitShape::Copay { amount, terms }),
            terms().prop_map(BenefitShape::Exclusion),
            (wait, terms()).prop_map(|((wait, unit), terms)| BenefitShape::WaitingPeriod {
                wait,
                unit,
                terms
            }),
            frequency().prop_map(BenefitShape::Frequency),
        ];
        #[cfg(feature = "od-23-2")]
        let shapes = prop_oneof![
            8 => shapes,
            1 => (1..=100u8, 1..5_000u64).prop_map(|(age, g)| BenefitShape::AgeLimit {
                age,
                code_group: CodeGroupNum::new(g),
            }),
        ];
        shapes.boxed()
    }

    /// The row the server stores for a request that sets every field: its JSON, with a key.
    fn stored(new: &NewBenefit) -> Benefit {
        let mut row = serde_json::to_value(new).unwrap();
        row["BenefitNum"] = serde_json::json!(77);
        Benefit::from_json(row.to_string().as_bytes()).unwrap()
    }

    proptest! {
        #[test]
        fn every_standard_shape_round_trips(
            shape in standard_shape(),
            plan in 1..1_000u64,
            pat_plan in proptest::option::of(1..1_000u64),
        ) {
            #[cfg(feature = "od-23-2")]
            let pat_plan = pat_plan.filter(|_| !matches!(shape, BenefitShape::AgeLimit { .. }));
            let owner = pat_plan.map_or(Owner::Plan(PlanNum::new(plan)), |p| {
                Owner::PatPlan(PatPlanNum::new(p))
            });
            // The request it makes reads back as the same shape, and obeys the documented rules.
            let new = shape.to_new_benefit(owner);
            prop_assert_eq!(&new.shape(), &shape);
            prop_assert!(new.validate().is_ok(), "{:?}", new.validate());
            // The row the server stores reads back too, once the plan's year is known (the
            // server fills it in).
            let resolved = shape.clone().with_plan_year(BenefitYear::Service);
            let row = stored(&resolved.to_new_benefit(owner));
            prop_assert_eq!(&row.shape(), &resolved);
            prop_assert!(resolved.same_slot(&shape));
            prop_assert!(!resolved.needs_plan_year());
        }

        /// A stored shape (say, in a saved plan) reads back unchanged, custom rows included.
        #[test]
        fn every_shape_round_trips_through_json(shape in standard_shape(), plan in 1..1_000u64) {
            let json = serde_json::to_string(&shape).unwrap();
            prop_assert_eq!(serde_json::from_str::<BenefitShape>(&json).unwrap(), shape.clone());
            let custom = BenefitShape::Custom(Box::new(shape.to_new_benefit(Owner::Plan(PlanNum::new(plan)))));
            let json = serde_json::to_string(&custom).unwrap();
            prop_assert_eq!(serde_json::from_str::<BenefitShape>(&json).unwrap(), custom);
        }
    }

    #[test]
    fn the_constructors_are_standard_shapes() {
        let plan = PlanNum::new(12);
        let crowns = Scope::Category(CovCatNum::new(7));
        assert_eq!(
            NewBenefit::coinsurance(plan, CovCatNum::new(7), 50).shape(),
            BenefitShape::Coinsurance {
                percent: 50,
                terms: Terms::new(crowns.clone()),
            }
        );
        assert_eq!(
            NewBenefit::annual_max(plan, CoverageLevel::Individual, Decimal::new(1500, 0)).shape(),
            BenefitShape::Maximum {
                amount: Decimal::new(1500, 0),
                terms: Terms::new(Scope::General).level(CoverageLevel::Individual),
            }
        );
        assert_eq!(
            NewBenefit::every_n_months(plan, 6).shape(),
            BenefitShape::Frequency(FrequencyLimit::new(
                Frequency::EveryMonths(6),
                Scope::General
            ))
        );
        assert_eq!(
            NewBenefit::per_benefit_year(plan, 2, BenefitYear::Calendar).shape(),
            BenefitShape::Frequency(FrequencyLimit::new(
                Frequency::PerBenefitYear(2, Some(BenefitYear::Calendar)),
                Scope::General
            ))
        );
        assert_eq!(
            NewBenefit::waiting_period(plan, WaitingUnit::Months, 12)
                .cov_cat_num(CovCatNum::new(4))
                .shape(),
            BenefitShape::WaitingPeriod {
                wait: 12,
                unit: WaitingUnit::Months,
                terms: Terms::new(Scope::Category(CovCatNum::new(4))),
            }
        );
        // Anything else is kept whole.
        let odd = NewBenefit::coinsurance(plan, CovCatNum::new(3), 30)
            .quantity(QuantityQualifier::Visits, 2);
        assert_eq!(odd.shape(), BenefitShape::Custom(Box::new(odd.clone())));
        assert_eq!(odd.shape().to_new_benefit(Owner::Plan(plan)), odd);
    }

    #[test]
    fn the_vendor_list_example_reads_as_shapes() {
        let page = include_str!("../../../tests/fixtures/benefit_list.json");
        let rows = Benefit::page_from_json(page.as_bytes()).unwrap();
        let shapes: Vec<BenefitShape> = rows.iter().map(Benefit::shape).collect();
        // CoInsurance with a visit count is no standard shape: kept whole.
        assert!(matches!(shapes[0], BenefitShape::Custom(_)));
        assert_eq!(
            shapes[1],
            BenefitShape::WaitingPeriod {
                wait: 3,
                unit: WaitingUnit::Months,
                terms: Terms {
                    scope: Scope::Code {
                        code_num: Some(CodeNum::new(150)),
                        proc_code: Some("D0486".to_owned()),
                    },
                    level: CoverageLevel::Family,
                    period: Period::BenefitYear(Some(BenefitYear::Service)),
                },
            }
        );
        assert_eq!(
            shapes[2],
            BenefitShape::Maximum {
                amount: Decimal::new(1000, 0),
                terms: Terms::new(Scope::Category(CovCatNum::new(12)))
                    .level(CoverageLevel::Individual)
                    .period(Period::Lifetime),
            }
        );
    }

    #[test]
    fn slots_follow_what_a_benefit_is_about() {
        let crowns = Scope::Category(CovCatNum::new(7));
        let coins = |p| BenefitShape::Coinsurance {
            percent: p,
            terms: Terms::new(crowns.clone()),
        };
        assert!(coins(50).same_slot(&coins(80)));
        let max = |level, period| BenefitShape::Maximum {
            amount: Decimal::new(1500, 0),
            terms: Terms::new(Scope::General).level(level).period(period),
        };
        let year = Period::BenefitYear(Some(BenefitYear::Calendar));
        assert!(max(CoverageLevel::Individual, year).same_slot(&max(
            CoverageLevel::Individual,
            Period::BenefitYear(Some(BenefitYear::Service))
        )));
        assert!(!max(CoverageLevel::Individual, year).same_slot(&max(CoverageLevel::Family, year)));
        assert!(
            !max(CoverageLevel::Individual, year)
                .same_slot(&max(CoverageLevel::Individual, Period::Lifetime))
        );
        // A code named by key matches the same code named by text when the row has both.
        let by_text = Scope::proc_code("d1110");
        let row = Scope::Code {
            code_num: Some(CodeNum::new(9)),
            proc_code: Some("D1110".to_owned()),
        };
        assert!(by_text.same_as(&row) && Scope::code_num(CodeNum::new(9)).same_as(&row));
        assert!(!Scope::code_num(CodeNum::new(8)).same_as(&by_text));
    }

    #[cfg(feature = "od-25-3")]
    #[test]
    fn two_frequency_limits_on_one_code_group_are_two_slots() {
        let crowns = Scope::CodeGroup(CodeGroupNum::new(31));
        let mut every_5_years = FrequencyLimit::new(Frequency::EveryYears(5), crowns.clone());
        every_5_years.treat_area = TreatArea::Tooth;
        let mut twice_a_year = FrequencyLimit::new(Frequency::PerBenefitYear(2, None), crowns);
        twice_a_year.treat_area = TreatArea::Mouth;
        let (a, b) = (
            BenefitShape::Frequency(every_5_years.clone()),
            BenefitShape::Frequency(twice_a_year),
        );
        assert!(!a.same_slot(&b));
        every_5_years.frequency = Frequency::EveryYears(3);
        assert!(a.same_slot(&BenefitShape::Frequency(every_5_years)));
    }
}
