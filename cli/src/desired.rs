//! The desired-benefits file: human-written TOML (or JSON), benefits by name, resolved through
//! the office's lookups into shapes. The format is documented in `desired-benefits.example.toml`.

use std::str::FromStr;

use benefits_sdk::Error;
use benefits_sdk::opendental::{
    BenefitShape, BenefitYear, BenefitsClient, CodeGroupFixed, CodeGroupNum, CovCatNum,
    CoverageLevel, EbenefitCategory, Frequency, FrequencyLimit, Period, Scope, Terms, TreatArea,
    WaitingUnit,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

/// A problem in the file: where, and what.
#[derive(Debug)]
pub struct FileError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    benefits: Vec<Spanned<Row>>,
}

/// One benefit as written: exactly one of the kind keys, and the keys that kind takes.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Row {
    coinsurance: Option<String>,
    percent: Option<u8>,
    deductible: Option<Amount>,
    maximum: Option<Amount>,
    copay: Option<Amount>,
    exclusion: Option<String>,
    waiting_period: Option<String>,
    months: Option<u8>,
    years: Option<u8>,
    frequency: Option<String>,
    per_benefit_year: Option<u8>,
    every_years: Option<u8>,
    every_months: Option<u8>,
    in_last_12_months: Option<u8>,
    treat_area: Option<String>,
    age_limit: Option<String>,
    age: Option<u8>,
    level: Option<String>,
    period: Option<String>,
    category: Option<String>,
    code_group: Option<String>,
    code: Option<String>,
}

/// An amount written as a number (`50`, `49.99`) or a string (`"49.99"`).
struct Amount(Decimal);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Float(f64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => f.to_string(),
            Raw::Text(t) => t,
        };
        Decimal::from_str(text.trim())
            .map(Amount)
            .map_err(|_| serde::de::Error::custom(format!("not an amount: {text:?}")))
    }
}

/// A benefit whose names are not resolved yet.
enum Wanted {
    Coinsurance(String, u8),
    Counted(Kind, Decimal, Terms, Option<Named>),
    Exclusion(String),
    Waiting(String, u8, WaitingUnit),
    Frequency(String, Frequency, TreatArea),
    AgeLimit(String, u8),
}

enum Kind {
    Deductible,
    Maximum,
    Copay,
}

enum Named {
    Category(String),
    CodeGroup(String),
}

/// The benefits a file asks for, each with its line.
pub struct Desired {
    rows: Vec<(usize, Wanted)>,
    path: String,
}

/// Reads a desired-benefits file: TOML, or JSON when the name ends in `.json`.
pub fn read(path: &str, text: &str) -> Result<Desired, FileError> {
    let file: File = if path.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| FileError(format!("{path}: {e}")))?
    } else {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            let message = e.message().to_owned();
            FileError(format!("{path}:{line}: {message}"))
        })?
    };
    let mut rows = Vec::new();
    for (i, row) in file.benefits.into_iter().enumerate() {
        let line = line_of(text, row.span().start);
        let wanted = parse(row.into_inner())
            .map_err(|e| FileError(format!("{path}:{line}: benefit {}: {e}", i + 1)))?;
        rows.push((line, wanted));
    }
    Ok(Desired {
        rows,
        path: path.to_owned(),
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn parse(row: Row) -> Result<Wanted, String> {
    let kinds: Vec<&str> = [
        ("coinsurance", row.coinsurance.is_some()),
        ("deductible", row.deductible.is_some()),
        ("maximum", row.maximum.is_some()),
        ("copay", row.copay.is_some()),
        ("exclusion", row.exclusion.is_some()),
        ("waiting_period", row.waiting_period.is_some()),
        ("frequency", row.frequency.is_some()),
        ("age_limit", row.age_limit.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, set)| set.then_some(k))
    .collect();
    let kind = match kinds.as_slice() {
        [one] => *one,
        [] => {
            return Err(
                "say what it is: one of coinsurance, deductible, maximum, copay, \
                        exclusion, waiting_period, frequency, age_limit"
                    .to_owned(),
            );
        }
        several => {
            return Err(format!(
                "one kind per benefit, not {}",
                several.join(" and ")
            ));
        }
    };
    let allowed: &[&str] = match kind {
        "coinsurance" => &["percent"],
        "deductible" | "maximum" | "copay" => {
            &["level", "period", "category", "code_group", "code"]
        }
        "waiting_period" => &["months", "years"],
        "frequency" => &[
            "per_benefit_year",
            "every_years",
            "every_months",
            "in_last_12_months",
            "treat_area",
        ],
        "age_limit" => &["age"],
        _ => &[],
    };
    let extra: Vec<&str> = [
        ("percent", row.percent.is_some()),
        ("months", row.months.is_some()),
        ("years", row.years.is_some()),
        ("per_benefit_year", row.per_benefit_year.is_some()),
        ("every_years", row.every_years.is_some()),
        ("every_months", row.every_months.is_some()),
        ("in_last_12_months", row.in_last_12_months.is_some()),
        ("treat_area", row.treat_area.is_some()),
        ("age", row.age.is_some()),
        ("level", row.level.is_some()),
        ("period", row.period.is_some()),
        ("category", row.category.is_some()),
        ("code_group", row.code_group.is_some()),
        ("code", row.code.is_some()),
    ]
    .into_iter()
    .filter(|(k, set)| *set && !allowed.contains(k))
    .map(|(k, _)| k)
    .collect();
    if let Some(key) = extra.first() {
        return Err(format!("`{key}` does not go with {kind}"));
    }
    Ok(match kind {
        "coinsurance" => Wanted::Coinsurance(
            row.coinsurance.unwrap_or_default(),
            row.percent.ok_or("coinsurance needs `percent` (0–100)")?,
        ),
        "deductible" | "maximum" | "copay" => {
            let (kind, amount) = match (row.deductible, row.maximum, row.copay) {
                (Some(a), _, _) => (Kind::Deductible, a.0),
                (_, Some(a), _) => (Kind::Maximum, a.0),
                (_, _, Some(a)) => (Kind::Copay, a.0),
                _ => unreachable!("the kind was found above"),
            };
            let level = match row.level.as_deref() {
                None | Some("individual") => CoverageLevel::Individual,
                Some("family") => CoverageLevel::Family,
                Some("none") => CoverageLevel::None,
                Some(other) => {
                    return Err(format!("level {other:?}: one of individual, family, none"));
                }
            };
            let period = match row.period.as_deref() {
                None | Some("benefit-year") => Period::BenefitYear(None),
                Some("calendar-year") => Period::BenefitYear(Some(BenefitYear::Calendar)),
                Some("service-year") => Period::BenefitYear(Some(BenefitYear::Service)),
                Some("lifetime") => Period::Lifetime,
                Some("none") => Period::None,
                Some(other) => {
                    return Err(format!(
                        "period {other:?}: one of benefit-year, calendar-year, service-year, \
                         lifetime, none"
                    ));
                }
            };
            let (scope, named) = match (row.category, row.code_group, row.code) {
                (None, None, None) => (Scope::General, None),
                (Some(c), None, None) => (Scope::General, Some(Named::Category(c))),
                (None, Some(g), None) => (Scope::General, Some(Named::CodeGroup(g))),
                (None, None, Some(code)) => (Scope::proc_code(code), None),
                _ => return Err("one of category, code_group or code, not several".to_owned()),
            };
            let terms = Terms::new(scope).level(level).period(period);
            Wanted::Counted(kind, amount, terms, named)
        }
        "exclusion" => Wanted::Exclusion(row.exclusion.unwrap_or_default()),
        "waiting_period" => {
            let (wait, unit) = match (row.months, row.years) {
                (Some(m), None) => (m, WaitingUnit::Months),
                (None, Some(y)) => (y, WaitingUnit::Years),
                _ => return Err("a waiting period needs `months` or `years`".to_owned()),
            };
            Wanted::Waiting(row.waiting_period.unwrap_or_default(), wait, unit)
        }
        "frequency" => {
            let how: Vec<Frequency> = [
                row.per_benefit_year
                    .map(|n| Frequency::PerBenefitYear(n, None)),
                row.every_years.map(Frequency::EveryYears),
                row.every_months.map(Frequency::EveryMonths),
                row.in_last_12_months.map(Frequency::InLast12Months),
            ]
            .into_iter()
            .flatten()
            .collect();
            let [frequency] = how.as_slice() else {
                return Err("a frequency needs one of per_benefit_year, every_years, \
                            every_months, in_last_12_months"
                    .to_owned());
            };
            let area = match row.treat_area.as_deref() {
                None => TreatArea::None,
                Some(name) => {
                    let area = capitalized(name)
                        .parse::<TreatArea>()
                        .unwrap_or(TreatArea::None);
                    if area.is_unknown() || area == TreatArea::None {
                        return Err(format!(
                            "treat_area {name:?}: one of tooth, mouth, quad, sextant, arch, \
                             surf, tooth-range"
                        ));
                    }
                    area
                }
            };
            Wanted::Frequency(row.frequency.unwrap_or_default(), *frequency, area)
        }
        _ => Wanted::AgeLimit(
            row.age_limit.unwrap_or_default(),
            row.age.ok_or("an age limit needs `age`")?,
        ),
    })
}

/// `tooth-range` → `ToothRange`.
fn capitalized(name: &str) -> String {
    name.split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A failure to resolve: a bad name (the user's to fix) or the office's error.
pub enum ResolveError {
    Input(String),
    Office(Error),
}

impl Desired {
    /// The shapes, with every category and code group resolved through the office's lookups.
    pub async fn resolve(
        &self,
        client: &BenefitsClient,
    ) -> Result<Vec<BenefitShape>, ResolveError> {
        let mut shapes = Vec::new();
        for (line, wanted) in &self.rows {
            let at = |e: Error| match e {
                Error::Lookup(l) => ResolveError::Input(format!("{}:{line}: {l}", self.path)),
                other => ResolveError::Office(other),
            };
            let shape = match wanted {
                Wanted::Coinsurance(name, percent) => BenefitShape::Coinsurance {
                    percent: *percent,
                    terms: Terms::new(Scope::Category(category(client, name).await.map_err(at)?)),
                },
                Wanted::Counted(kind, amount, terms, named) => {
                    let mut terms = terms.clone();
                    match named {
                        Some(Named::Category(n)) => {
                            terms.scope = Scope::Category(category(client, n).await.map_err(at)?);
                        }
                        Some(Named::CodeGroup(n)) => {
                            terms.scope =
                                Scope::CodeGroup(code_group(client, n).await.map_err(at)?);
                        }
                        None => {}
                    }
                    let amount = *amount;
                    match kind {
                        Kind::Deductible => BenefitShape::Deductible { amount, terms },
                        Kind::Maximum => BenefitShape::Maximum { amount, terms },
                        Kind::Copay => BenefitShape::Copay { amount, terms },
                    }
                }
                Wanted::Exclusion(name) => BenefitShape::Exclusion(Terms::new(Scope::Category(
                    category(client, name).await.map_err(at)?,
                ))),
                Wanted::Waiting(name, wait, unit) => BenefitShape::WaitingPeriod {
                    wait: *wait,
                    unit: *unit,
                    terms: Terms::new(Scope::Category(category(client, name).await.map_err(at)?)),
                },
                Wanted::Frequency(name, frequency, area) => {
                    let group = code_group(client, name).await.map_err(at)?;
                    let mut limit = FrequencyLimit::new(*frequency, Scope::CodeGroup(group));
                    limit.treat_area = area.clone();
                    BenefitShape::Frequency(limit)
                }
                Wanted::AgeLimit(name, age) => BenefitShape::AgeLimit {
                    age: *age,
                    code_group: code_group(client, name).await.map_err(at)?,
                },
            };
            shapes.push(shape);
        }
        Ok(shapes)
    }
}

/// A category by its electronic benefit category (`Crowns`) or the office's description.
async fn category(client: &BenefitsClient, name: &str) -> Result<CovCatNum, Error> {
    let ebenefit = EbenefitCategory::from_wire(name);
    let found = if ebenefit.is_unknown() || ebenefit == EbenefitCategory::None {
        client.cov_cat_named(name).await?
    } else {
        client.cov_cat_for(ebenefit).await?
    };
    Ok(found.cov_cat_num)
}

/// A code group by its fixed kind (`BW`) or the office's name.
async fn code_group(client: &BenefitsClient, name: &str) -> Result<CodeGroupNum, Error> {
    let fixed = CodeGroupFixed::from_wire(name);
    let found = if fixed.is_unknown() || fixed == CodeGroupFixed::None {
        client.code_group_named(name).await?
    } else {
        client.code_group_for(fixed).await?
    };
    Ok(found.code_group_num)
}
