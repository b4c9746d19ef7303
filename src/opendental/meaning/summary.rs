//! [`PlanSummary`]: a plan's benefits in words, for people ("Preventive 100 %, Basic 80 %,
//! $50 deductible per person…").

use std::collections::BTreeMap;
use std::fmt;

use crate::opendental::meaning::shape::{
    BenefitShape, Frequency, FrequencyLimit, Period, Scope, Terms,
};
#[cfg(feature = "od-23-2")]
use crate::opendental::model::benefit::CodeGroupNum;
use crate::opendental::model::benefit::{Benefit, CovCatNum, CoverageLevel};
#[cfg(feature = "od-23-2")]
use crate::opendental::model::lookups::CodeGroup;
use crate::opendental::model::lookups::CovCat;
use crate::opendental::model::request::{BenefitYear, NewBenefit, WaitingUnit};

/// The names an office gives its categories and code groups, for words instead of keys.
/// Empty by default: a key then reads as `category #3`. Made with [`Names::from_lookups`] (and
/// [`Names::with_code_groups`]) or `Names::default()` and its fields; not a struct literal,
/// since `code_groups` exists only with `od-23-2`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Names {
    /// Coverage category names by key (`Description`).
    pub categories: BTreeMap<CovCatNum, String>,
    /// Code group names by key (`GroupName`).
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub code_groups: BTreeMap<CodeGroupNum, String>,
}

impl Names {
    /// The names of the office's coverage categories; add its code groups' with
    /// [`Names::with_code_groups`] ([`BenefitsClient::names`](crate::opendental::BenefitsClient::names)
    /// reads both). The same in every feature set.
    pub fn from_lookups(categories: &[CovCat]) -> Self {
        Names {
            categories: categories
                .iter()
                .map(|c| (c.cov_cat_num, c.description.clone()))
                .collect(),
            ..Names::default()
        }
    }

    /// These names with the office's code groups' (`GroupName`). Open Dental 23.2.62.
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub fn with_code_groups(mut self, code_groups: &[CodeGroup]) -> Self {
        self.code_groups = code_groups
            .iter()
            .map(|g| (g.code_group_num, g.group_name.clone()))
            .collect();
        self
    }
}

/// A plan's benefits as shapes, in the order people read them: coinsurance, deductibles,
/// maxima, copays, frequency limitations, age limits, waiting periods, exclusions, active
/// coverage, then the rows that fit no standard shape.
///
/// `Display` writes one line per group, e.g.:
///
/// ```text
/// Coinsurance: Diagnostic 100 %, Preventive 100 %, Basic 80 %, Major 50 %
/// Deductibles: $50 per person per calendar year
/// Maximums: $1500 per person per calendar year
/// Frequency: 2 per calendar year on Exams; once every 5 years on Pano/FMX
/// ```
///
/// ```
/// use benefits_sdk::opendental::{NewBenefit, PlanNum, CovCatNum, PlanSummary};
///
/// let rows = [NewBenefit::coinsurance(PlanNum::new(12), CovCatNum::new(2), 100)];
/// let summary = PlanSummary::from_shapes(rows.iter().map(|b| b.shape()));
/// assert_eq!(summary.to_string(), "Coinsurance: category #2 100 %");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanSummary {
    /// The shapes, in reading order.
    pub shapes: Vec<BenefitShape>,
    /// The names used for keys.
    pub names: Names,
    /// True when the rows belong to a plan rather than one patient: they are shared by every
    /// subscriber of the plan.
    pub plan_level: bool,
}

impl PlanSummary {
    /// The summary of a plan's (or a patient plan's) rows.
    pub fn new(rows: &[Benefit]) -> Self {
        let mut summary = Self::from_shapes(rows.iter().map(Benefit::shape));
        summary.plan_level = rows.iter().all(|r| r.pat_plan_num.is_none());
        summary
    }

    /// The summary of shapes (say, the benefits a plan should have).
    pub fn from_shapes(shapes: impl IntoIterator<Item = BenefitShape>) -> Self {
        let mut shapes: Vec<BenefitShape> = shapes.into_iter().collect();
        shapes.sort_by_key(group);
        PlanSummary {
            shapes,
            names: Names::default(),
            plan_level: true,
        }
    }

    /// The same summary with the office's names for keys.
    pub fn with_names(mut self, names: Names) -> Self {
        self.names = names;
        self
    }
}

const GROUPS: [&str; 10] = [
    "Coinsurance",
    "Deductibles",
    "Maximums",
    "Copays",
    "Frequency",
    "Age limits",
    "Waiting periods",
    "Exclusions",
    "Active coverage",
    "Other rows",
];

fn group(shape: &BenefitShape) -> usize {
    match shape {
        BenefitShape::Coinsurance { .. } => 0,
        BenefitShape::Deductible { .. } => 1,
        BenefitShape::Maximum { .. } => 2,
        BenefitShape::Copay { .. } => 3,
        BenefitShape::Frequency(_) => 4,
        #[cfg(feature = "od-23-2")]
        BenefitShape::AgeLimit { .. } => 5,
        BenefitShape::WaitingPeriod { .. } => 6,
        BenefitShape::Exclusion(_) => 7,
        BenefitShape::ActiveCoverage(_) => 8,
        BenefitShape::Custom(_) => 9,
    }
}

impl fmt::Display for PlanSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (index, title) in GROUPS.iter().enumerate() {
            let items: Vec<String> = self
                .shapes
                .iter()
                .filter(|s| group(s) == index)
                .map(|s| describe(s, &self.names))
                .collect();
            if items.is_empty() {
                continue;
            }
            if !first {
                writeln!(f)?;
            }
            first = false;
            let separator = if index == 0 { ", " } else { "; " };
            write!(f, "{title}: {}", items.join(separator))?;
        }
        Ok(())
    }
}

impl fmt::Display for BenefitShape {
    /// One line in words, with keys as numbers (`category #3`); [`PlanSummary`] puts names on
    /// them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe(self, &Names::default()))
    }
}

/// What kind of benefit a shape is, in a word or two.
pub(crate) fn kind(shape: &BenefitShape) -> &'static str {
    match shape {
        BenefitShape::Coinsurance { .. } => "coinsurance",
        BenefitShape::Deductible { .. } => "deductible",
        BenefitShape::Maximum { .. } => "maximum",
        BenefitShape::Copay { .. } => "copay",
        BenefitShape::Frequency(_) => "frequency",
        #[cfg(feature = "od-23-2")]
        BenefitShape::AgeLimit { .. } => "age limit",
        BenefitShape::WaitingPeriod { .. } => "waiting period",
        BenefitShape::Exclusion(_) => "exclusion",
        BenefitShape::ActiveCoverage(_) => "active coverage",
        BenefitShape::Custom(_) => "other",
    }
}

/// One shape in words.
pub(crate) fn describe(shape: &BenefitShape, names: &Names) -> String {
    let on = |terms: &Terms| {
        let mut text = String::new();
        match terms.level {
            CoverageLevel::Individual => text.push_str(" per person"),
            CoverageLevel::Family => text.push_str(" per family"),
            _ => {}
        }
        text.push_str(&period(&terms.period));
        if terms.scope != Scope::General {
            text.push_str(" on ");
            text.push_str(&scope(&terms.scope, names));
        }
        text
    };
    match shape {
        BenefitShape::Coinsurance { percent, terms } if terms.scope != Scope::General => {
            // Coinsurance counts per benefit year unless said otherwise: no need to say it.
            let period = match terms.period {
                Period::BenefitYear(_) => Period::None,
                other => other,
            };
            let rest = on(&Terms {
                scope: Scope::General,
                level: terms.level.clone(),
                period,
            });
            format!("{} {percent} %{rest}", scope(&terms.scope, names))
        }
        BenefitShape::Coinsurance { percent, terms } => format!("{percent} %{}", on(terms)),
        BenefitShape::Deductible { amount, terms }
        | BenefitShape::Maximum { amount, terms }
        | BenefitShape::Copay { amount, terms } => format!("${amount}{}", on(terms)),
        BenefitShape::Frequency(limit) => frequency(limit, names),
        #[cfg(feature = "od-23-2")]
        BenefitShape::AgeLimit { age, code_group } => format!(
            "up to age {age} on {}",
            scope(&Scope::CodeGroup(*code_group), names)
        ),
        BenefitShape::WaitingPeriod { wait, unit, terms } => {
            let unit = match unit {
                WaitingUnit::Months => "months",
                WaitingUnit::Years => "years",
            };
            // A wait runs once, whatever the period: say where it applies.
            let terms = Terms {
                period: Period::None,
                ..terms.clone()
            };
            format!("{wait} {unit}{}", on(&terms))
        }
        BenefitShape::Exclusion(terms) | BenefitShape::ActiveCoverage(terms) => {
            let text = on(terms).trim_start().to_owned();
            match text.is_empty() {
                true => "everything".to_owned(),
                false => text,
            }
        }
        BenefitShape::Custom(new) => {
            let mut text = format!("{} ({})", new.benefit_type, new.coverage_level);
            // What it applies to, so a person approving its delete sees what goes.
            for on in request_scopes(new) {
                text.push_str(&format!(" on {}", scope(&on, names)));
            }
            if let Some(p) = new.percent {
                text.push_str(&format!(", {p} %"));
            }
            if let Some(a) = new.monetary_amt {
                text.push_str(&format!(", ${a}"));
            }
            if let (Some(q), Some(n)) = (&new.quantity_qualifier, new.quantity) {
                text.push_str(&format!(", {n} {q}"));
            }
            if let Some(t) = &new.time_period {
                text.push_str(&format!(", {t}"));
            }
            text
        }
    }
}

/// The category, code and code group a request names, as scopes.
fn request_scopes(new: &NewBenefit) -> Vec<Scope> {
    let mut scopes = Vec::new();
    if let Some(c) = new.cov_cat_num {
        scopes.push(Scope::Category(c));
    }
    if new.code_num.is_some() || new.proc_code.is_some() {
        scopes.push(Scope::Code {
            code_num: new.code_num,
            proc_code: new.proc_code.clone(),
        });
    }
    #[cfg(feature = "od-23-2")]
    if let Some(g) = new.code_group_num {
        scopes.push(Scope::CodeGroup(g));
    }
    scopes
}

/// Each field an update from `before` to `after` changes, as `Field before → after`, keys in
/// the office's names: what a person approving the update reads.
pub(crate) fn changed_fields(
    before: &NewBenefit,
    after: &NewBenefit,
    names: &Names,
) -> Vec<String> {
    fn shown<T: ToString>(value: Option<T>) -> String {
        value.map_or_else(|| "none".to_owned(), |v| v.to_string())
    }
    let category = |n: &NewBenefit| shown(n.cov_cat_num.map(|c| scope(&Scope::Category(c), names)));
    let code = |n: &NewBenefit| {
        let on = Scope::Code {
            code_num: n.code_num,
            proc_code: n.proc_code.clone(),
        };
        let named = n.code_num.is_some() || n.proc_code.is_some();
        (on.clone(), shown(named.then(|| scope(&on, names))))
    };
    let mut fields = vec![
        (
            "BenefitType",
            before.benefit_type.to_string(),
            after.benefit_type.to_string(),
        ),
        (
            "CoverageLevel",
            before.coverage_level.to_string(),
            after.coverage_level.to_string(),
        ),
        ("CovCatNum", category(before), category(after)),
        ("Percent", shown(before.percent), shown(after.percent)),
        (
            "MonetaryAmt",
            shown(before.monetary_amt),
            shown(after.monetary_amt),
        ),
        (
            "TimePeriod",
            shown(before.time_period.as_ref()),
            shown(after.time_period.as_ref()),
        ),
        (
            "QuantityQualifier",
            shown(before.quantity_qualifier.as_ref()),
            shown(after.quantity_qualifier.as_ref()),
        ),
        ("Quantity", shown(before.quantity), shown(after.quantity)),
    ];
    let ((code_before, text_before), (code_after, text_after)) = (code(before), code(after));
    if !code_before.same_as(&code_after) {
        fields.push(("Code", text_before, text_after));
    }
    #[cfg(feature = "od-23-2")]
    {
        let group =
            |n: &NewBenefit| shown(n.code_group_num.map(|g| scope(&Scope::CodeGroup(g), names)));
        fields.push(("CodeGroupNum", group(before), group(after)));
    }
    #[cfg(feature = "od-25-3")]
    fields.push((
        "TreatArea",
        shown(before.treat_area.as_ref()),
        shown(after.treat_area.as_ref()),
    ));
    fields
        .into_iter()
        .filter(|(_, b, a)| b != a)
        .map(|(name, b, a)| format!("{name} {b} → {a}"))
        .collect()
}

fn period(period: &Period) -> String {
    match period {
        Period::BenefitYear(None) => " per benefit year".to_owned(),
        Period::BenefitYear(Some(BenefitYear::Calendar)) => " per calendar year".to_owned(),
        Period::BenefitYear(Some(BenefitYear::Service)) => " per service year".to_owned(),
        Period::Lifetime => " per lifetime".to_owned(),
        Period::None => String::new(),
    }
}

fn frequency(limit: &FrequencyLimit, names: &Names) -> String {
    let how = match limit.frequency {
        Frequency::EveryYears(1) => "once a year".to_owned(),
        Frequency::EveryYears(n) => format!("once every {n} years"),
        Frequency::EveryMonths(n) => format!("once every {n} months"),
        Frequency::PerBenefitYear(n, year) => {
            let year = period(&Period::BenefitYear(year));
            format!("{n}{year}")
        }
        Frequency::InLast12Months(n) => format!("{n} in the last 12 months"),
    };
    let mut text = how;
    #[cfg(feature = "od-25-3")]
    if limit.treat_area != crate::opendental::model::benefit::TreatArea::None {
        text.push_str(&format!(" per {}", limit.treat_area));
    }
    if limit.scope != Scope::General {
        text.push_str(" on ");
        text.push_str(&scope(&limit.scope, names));
    }
    text
}

fn scope(scope: &Scope, names: &Names) -> String {
    match scope {
        Scope::General => "everything".to_owned(),
        Scope::Category(c) => names
            .categories
            .get(c)
            .cloned()
            .unwrap_or_else(|| format!("category #{c}")),
        Scope::Code {
            proc_code: Some(text),
            ..
        } => text.clone(),
        Scope::Code { code_num, .. } => {
            format!("code #{}", code_num.map_or(0, |c| c.get()))
        }
        #[cfg(feature = "od-23-2")]
        Scope::CodeGroup(g) => names
            .code_groups
            .get(g)
            .cloned()
            .unwrap_or_else(|| format!("code group #{g}")),
    }
}

#[cfg(all(test, feature = "od-25-3"))]
mod tests {
    use super::*;
    use crate::opendental::{
        BenefitYear, CodeGroupNum, CoverageLevel, NewBenefit, PlanNum, TreatArea, WaitingUnit,
    };
    use rust_decimal::Decimal;

    #[test]
    fn a_typical_plan_in_words() {
        let plan = PlanNum::new(12);
        let group = |b: NewBenefit, g| b.code_group_num(CodeGroupNum::new(g));
        let rows = [
            NewBenefit::coinsurance(plan, CovCatNum::new(4), 50),
            NewBenefit::coinsurance(plan, CovCatNum::new(2), 100),
            NewBenefit::deductible(plan, CoverageLevel::Individual, Decimal::new(50, 0))
                .time_period(crate::opendental::TimePeriod::CalendarYear),
            NewBenefit::annual_max(plan, CoverageLevel::Individual, Decimal::new(1500, 0)),
            group(
                NewBenefit::per_benefit_year(plan, 2, BenefitYear::Calendar),
                1,
            ),
            group(NewBenefit::every_n_years(plan, 5), 4).treat_area(TreatArea::Tooth),
            NewBenefit::age_limit(plan, CodeGroupNum::new(5), 19),
            NewBenefit::waiting_period(plan, WaitingUnit::Months, 12)
                .cov_cat_num(CovCatNum::new(4)),
        ];
        let mut names = Names::default();
        names
            .categories
            .insert(CovCatNum::new(2), "Preventive".into());
        names.categories.insert(CovCatNum::new(4), "Major".into());
        names
            .code_groups
            .insert(CodeGroupNum::new(1), "Exam".into());
        names
            .code_groups
            .insert(CodeGroupNum::new(4), "Crowns".into());
        let summary =
            PlanSummary::from_shapes(rows.iter().map(NewBenefit::shape)).with_names(names);
        assert_eq!(
            summary.to_string(),
            "Coinsurance: Major 50 %, Preventive 100 %\n\
             Deductibles: $50 per person per calendar year\n\
             Maximums: $1500 per person per benefit year\n\
             Frequency: 2 per calendar year on Exam; once every 5 years per Tooth on Crowns\n\
             Age limits: up to age 19 on code group #5\n\
             Waiting periods: 12 months on Major"
        );
    }
}
