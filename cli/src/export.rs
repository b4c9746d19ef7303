//! `benefits plan export`: today's rows as the desired-benefits file, in the office's names.
//! Each row is written in its friendly form when that form reads back as the same stored row,
//! else in the custom form (`custom.rs`), which always does; so export then diff changes
//! nothing.

use std::sync::Arc;

use benefits_sdk::opendental::{
    Benefit, BenefitShape, BenefitYear, CodeGroup, CodeGroupFixed, CodeGroupNum, CovCat, CovCatNum,
    CoverageLevel, EbenefitCategory, Frequency, Names, Period, Scope, TreatArea, WaitingUnit,
};
use serde::Serialize;

use crate::custom;
use crate::desired::{self, Amount, Key, Named, Row};

/// The office's names for its keys, as the file writes them: an electronic category or fixed
/// kind when Open Dental would resolve it to this very key, else the office's own name when
/// exactly one visible row has it, else the key (`#7`), which only this office reads.
pub struct Namer {
    pub cats: Arc<[CovCat]>,
    pub groups: Arc<[CodeGroup]>,
}

impl Namer {
    /// The office's names, for a shape in words.
    pub fn names(&self) -> Names {
        Names::from_lookups(&self.cats).with_code_groups(&self.groups)
    }

    pub fn category(&self, num: CovCatNum) -> String {
        let visible = || self.cats.iter().filter(|c| !c.is_hidden);
        let Some(cat) = self.cats.iter().find(|c| c.cov_cat_num == num) else {
            return format!("#{num}");
        };
        let first = visible()
            .filter(|c| c.ebenefit_cat == cat.ebenefit_cat)
            .min_by_key(|c| c.cov_order);
        if cat.ebenefit_cat != EbenefitCategory::None && first.is_some_and(|f| f.cov_cat_num == num)
        {
            return cat.ebenefit_cat.to_string();
        }
        match visible()
            .filter(|c| c.description == cat.description)
            .count()
        {
            1 if !cat.is_hidden => cat.description.clone(),
            _ => format!("#{num}"),
        }
    }

    pub fn code_group(&self, num: CodeGroupNum) -> String {
        let visible = || self.groups.iter().filter(|g| g.is_visible());
        let Some(group) = self.groups.iter().find(|g| g.code_group_num == num) else {
            return format!("#{num}");
        };
        let first = visible()
            .filter(|g| g.code_group_fixed == group.code_group_fixed)
            .min_by_key(|g| g.item_order);
        let fixed = group.code_group_fixed != CodeGroupFixed::None;
        if fixed && first.is_some_and(|f| f.code_group_num == num) {
            return group.code_group_fixed.to_string();
        }
        match visible()
            .filter(|g| g.group_name == group.group_name)
            .count()
        {
            1 if group.is_visible() => group.group_name.clone(),
            _ => format!("#{num}"),
        }
    }
}

/// The file's rows for `rows`, each checked to read back as the row it came from.
pub fn rows(rows: &[Benefit], namer: &Namer, year: BenefitYear) -> Vec<Row> {
    rows.iter()
        .map(|benefit| {
            let shape = benefit.shape();
            let key = key(&shape);
            let reads_back = |row: &Row| {
                desired::parse(row.clone()).is_ok_and(|w| benefit.holds(&w.shape(key), Some(year)))
            };
            match friendly(&shape, namer, year) {
                Some(row) if reads_back(&row) => row,
                _ => {
                    let new = benefit.to_new_benefit();
                    custom::row(&new, named(&key, namer))
                }
            }
        })
        .collect()
}

/// The file's text: a header saying what it is, then the rows.
pub fn text(plan: &str, rows: Vec<Row>) -> Result<String, String> {
    #[derive(Serialize)]
    struct File {
        benefits: Vec<Row>,
    }
    let body = toml::to_string(&File { benefits: rows }).map_err(|e| e.to_string())?;
    Ok(format!(
        "# The benefits of {plan}, exported by `benefits plan export`: edit, then `benefits plan \
         diff` and `apply`.\n# The format is documented in desired-benefits.example.toml.\n\n{body}"
    ))
}

/// The category or code group a shape is on, as a key.
fn key(shape: &BenefitShape) -> Option<Key> {
    let scope = match shape {
        BenefitShape::AgeLimit { code_group, .. } => return Some(Key::CodeGroup(*code_group)),
        BenefitShape::Frequency(limit) => &limit.scope,
        BenefitShape::Custom(new) => {
            return match (new.cov_cat_num, new.code_group_num) {
                (Some(c), _) => Some(Key::Category(c)),
                (_, Some(g)) => Some(Key::CodeGroup(g)),
                _ => None,
            };
        }
        other => &terms(other)?.scope,
    };
    match scope {
        Scope::Category(c) => Some(Key::Category(*c)),
        Scope::CodeGroup(g) => Some(Key::CodeGroup(*g)),
        _ => None,
    }
}

fn named(key: &Option<Key>, namer: &Namer) -> Option<Named> {
    match key {
        Some(Key::Category(c)) => Some(Named::Category(namer.category(*c))),
        Some(Key::CodeGroup(g)) => Some(Named::CodeGroup(namer.code_group(*g))),
        None => None,
    }
}

fn terms(shape: &BenefitShape) -> Option<&benefits_sdk::opendental::Terms> {
    match shape {
        BenefitShape::ActiveCoverage(t) | BenefitShape::Exclusion(t) => Some(t),
        BenefitShape::Coinsurance { terms, .. }
        | BenefitShape::Deductible { terms, .. }
        | BenefitShape::Maximum { terms, .. }
        | BenefitShape::Copay { terms, .. }
        | BenefitShape::WaitingPeriod { terms, .. } => Some(terms),
        _ => None,
    }
}

/// The friendly form of a shape, if it has one; whether it reads back is checked after.
fn friendly(shape: &BenefitShape, namer: &Namer, year: BenefitYear) -> Option<Row> {
    let category = |scope: &Scope| match scope {
        Scope::Category(c) => Some(namer.category(*c)),
        _ => None,
    };
    let mut row = Row::default();
    match shape {
        BenefitShape::Coinsurance { percent, terms } => {
            row.coinsurance = category(&terms.scope);
            row.percent = Some(*percent);
        }
        BenefitShape::Exclusion(terms) => row.exclusion = category(&terms.scope),
        BenefitShape::WaitingPeriod { wait, unit, terms } => {
            row.waiting_period = category(&terms.scope);
            match unit {
                WaitingUnit::Months => row.months = Some(*wait),
                WaitingUnit::Years => row.years = Some(*wait),
            }
        }
        BenefitShape::Deductible { amount, terms }
        | BenefitShape::Maximum { amount, terms }
        | BenefitShape::Copay { amount, terms } => {
            let amount = Some(Amount(*amount));
            match shape {
                BenefitShape::Deductible { .. } => row.deductible = amount,
                BenefitShape::Maximum { .. } => row.maximum = amount,
                _ => row.copay = amount,
            }
            counted(&mut row, terms, namer, year)?;
        }
        BenefitShape::Frequency(limit) => {
            let Scope::CodeGroup(g) = limit.scope else {
                return None;
            };
            row.frequency = Some(namer.code_group(g));
            match limit.frequency {
                Frequency::PerBenefitYear(n, _) => row.per_benefit_year = Some(n),
                Frequency::EveryYears(n) => row.every_years = Some(n),
                Frequency::EveryMonths(n) => row.every_months = Some(n),
                Frequency::InLast12Months(n) => row.in_last_12_months = Some(n),
                _ => return None,
            }
            if limit.treat_area != TreatArea::None {
                row.treat_area = Some(custom::kebab(limit.treat_area.as_str()));
            }
        }
        BenefitShape::AgeLimit { age, code_group } => {
            row.age_limit = Some(namer.code_group(*code_group));
            row.age = Some(*age);
        }
        _ => return None,
    }
    Some(row)
}

/// The level, period and scope keys of a deductible, maximum or copay.
fn counted(
    row: &mut Row,
    terms: &benefits_sdk::opendental::Terms,
    namer: &Namer,
    year: BenefitYear,
) -> Option<()> {
    row.level = match terms.level {
        CoverageLevel::Individual => None,
        CoverageLevel::Family => Some("family".to_owned()),
        _ => Some("none".to_owned()),
    };
    row.period = match terms.period {
        Period::BenefitYear(None) => None,
        Period::BenefitYear(Some(y)) if y == year => None,
        Period::BenefitYear(Some(BenefitYear::Calendar)) => Some("calendar-year".to_owned()),
        Period::BenefitYear(Some(_)) => Some("service-year".to_owned()),
        Period::Lifetime => Some("lifetime".to_owned()),
        _ => Some("none".to_owned()),
    };
    match &terms.scope {
        Scope::General => {}
        Scope::Category(c) => row.category = Some(namer.category(*c)),
        Scope::CodeGroup(g) => row.code_group = Some(namer.code_group(*g)),
        Scope::Code {
            proc_code: Some(code),
            ..
        } => row.code = Some(code.clone()),
        _ => return None,
    }
    Some(())
}
