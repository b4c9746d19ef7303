//! What a benefit row means: [`BenefitShape`] and its parts. Read from a row in `read.rs`,
//! turned back into a request in `write.rs`, matched by slot in `slot.rs`, and compared as the
//! office stores it in `stored.rs`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "od-23-2")]
use crate::opendental::model::benefit::CodeGroupNum;
#[cfg(feature = "od-25-3")]
use crate::opendental::model::benefit::TreatArea;
use crate::opendental::model::benefit::{CodeNum, CovCatNum, CoverageLevel};
use crate::opendental::model::request::{BenefitYear, NewBenefit, WaitingUnit};

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
/// [`Benefit::shape`](crate::opendental::Benefit::shape) and [`NewBenefit::shape`] read it; [`BenefitShape::to_new_benefit`]
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
///
/// Methods beyond this file: `to_new_benefit` in `meaning/write.rs`, `same_slot` in
/// `meaning/slot.rs`, `as_stored` in `meaning/stored.rs`.
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

impl BenefitShape {
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

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::opendental::{Benefit, Owner, PatPlanNum, PlanNum, QuantityQualifier};

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
