//! The desired-benefits file: human-written TOML (or JSON), benefits by name, resolved through
//! the office's lookups into shapes. The format is documented in `desired-benefits.example.toml`.

use std::str::FromStr;

use benefits_sdk::Error;
use benefits_sdk::opendental::{
    BenefitShape, BenefitYear, BenefitsClient, CodeGroupNum, CovCatNum, CoverageLevel, Frequency,
    FrequencyLimit, NewBenefit, Owner, Period, Scope, Terms, TreatArea, WaitingUnit,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
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

/// One benefit as written: exactly one of the kind keys, and the keys that kind takes. `plan
/// export` writes the same form.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub coinsurance: Option<String>,
    pub percent: Option<u8>,
    pub deductible: Option<Amount>,
    pub maximum: Option<Amount>,
    pub copay: Option<Amount>,
    pub exclusion: Option<String>,
    pub waiting_period: Option<String>,
    pub months: Option<u8>,
    pub years: Option<u8>,
    pub frequency: Option<String>,
    pub per_benefit_year: Option<u8>,
    pub every_years: Option<u8>,
    pub every_months: Option<u8>,
    pub in_last_12_months: Option<u8>,
    pub treat_area: Option<String>,
    pub age_limit: Option<String>,
    pub age: Option<u8>,
    pub level: Option<String>,
    pub period: Option<String>,
    pub category: Option<String>,
    pub code_group: Option<String>,
    pub code: Option<String>,
    /// A row of no standard shape, by its BenefitType (`plan export` writes these).
    pub custom: Option<String>,
    pub amount: Option<Amount>,
    pub time_period: Option<String>,
    pub qualifier: Option<String>,
    pub quantity: Option<u8>,
}

/// An amount written as a number (`50`, `49.99`) or a string (`"49.99"`); written back as a
/// string, exactly.
#[derive(Clone)]
pub struct Amount(pub Decimal);

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

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
pub enum Wanted {
    Coinsurance(String, u8),
    Counted(Kind, Decimal, Terms, Option<Named>),
    Exclusion(String),
    Waiting(String, u8, WaitingUnit),
    Frequency(String, Frequency, TreatArea),
    AgeLimit(String, u8),
    Custom(Box<NewBenefit>, Option<Named>),
}

pub enum Kind {
    Deductible,
    Maximum,
    Copay,
}

#[derive(Clone)]
pub enum Named {
    Category(String),
    CodeGroup(String),
}

impl Named {
    /// The name as written.
    pub fn text(&self) -> &str {
        match self {
            Named::Category(name) | Named::CodeGroup(name) => name,
        }
    }
}

/// The benefits a file asks for, each with its line.
pub struct Desired {
    rows: Vec<(usize, Wanted)>,
    path: String,
}

/// The JSON form: the same rows, each kept as its text so its line can be told.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFile<'a> {
    #[serde(default, borrow)]
    benefits: Vec<&'a serde_json::value::RawValue>,
}

/// Reads a desired-benefits file: TOML, or JSON when the name ends in `.json`.
pub fn read(path: &str, text: &str) -> Result<Desired, FileError> {
    let rows: Vec<(usize, Result<Row, String>)> = if path.ends_with(".json") {
        let file: JsonFile = serde_json::from_str(text)
            .map_err(|e| FileError(format!("{path}:{}: {}", e.line(), json_reason(&e))))?;
        file.benefits
            .into_iter()
            .map(|raw| {
                // The row's text is a slice of `text`: its offset gives its line.
                let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                let row = serde_json::from_str::<Row>(raw.get()).map_err(|e| json_reason(&e));
                (line_of(text, offset), row)
            })
            .collect()
    } else {
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            let message = e.message().to_owned();
            FileError(format!("{path}:{line}: {message}"))
        })?;
        file.benefits
            .into_iter()
            .map(|row| (line_of(text, row.span().start), Ok(row.into_inner())))
            .collect()
    };
    let mut wanted = Vec::new();
    for (i, (line, row)) in rows.into_iter().enumerate() {
        let row = row.and_then(parse);
        let row = row.map_err(|e| FileError(format!("{path}:{line}: benefit {}: {e}", i + 1)))?;
        wanted.push((line, row));
    }
    Ok(Desired {
        rows: wanted,
        path: path.to_owned(),
    })
}

/// serde_json's message without its " at line L column C" (the line is said first).
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

pub fn parse(row: Row) -> Result<Wanted, String> {
    let kind = kind_of(&row)?;
    keys_allowed(kind, &row)?;
    Ok(match kind {
        "custom" => return crate::custom::parse(row),
        "coinsurance" => Wanted::Coinsurance(
            row.coinsurance.unwrap_or_default(),
            row.percent.ok_or("coinsurance needs `percent` (0–100)")?,
        ),
        "deductible" | "maximum" | "copay" => counted(kind, row)?,
        "exclusion" => Wanted::Exclusion(row.exclusion.unwrap_or_default()),
        "waiting_period" => {
            let (wait, unit) = match (row.months, row.years) {
                (Some(m), None) => (m, WaitingUnit::Months),
                (None, Some(y)) => (y, WaitingUnit::Years),
                _ => return Err("a waiting period needs `months` or `years`".to_owned()),
            };
            Wanted::Waiting(row.waiting_period.unwrap_or_default(), wait, unit)
        }
        "frequency" => frequency(row)?,
        _ => Wanted::AgeLimit(
            row.age_limit.unwrap_or_default(),
            row.age.ok_or("an age limit needs `age`")?,
        ),
    })
}

/// The kind a row names: exactly one of the kind keys.
fn kind_of(row: &Row) -> Result<&'static str, String> {
    let kinds: Vec<&'static str> = [
        ("coinsurance", row.coinsurance.is_some()),
        ("deductible", row.deductible.is_some()),
        ("maximum", row.maximum.is_some()),
        ("copay", row.copay.is_some()),
        ("exclusion", row.exclusion.is_some()),
        ("waiting_period", row.waiting_period.is_some()),
        ("frequency", row.frequency.is_some()),
        ("age_limit", row.age_limit.is_some()),
        ("custom", row.custom.is_some()),
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
    Ok(kind)
}

/// Only the keys `kind` takes.
fn keys_allowed(kind: &str, row: &Row) -> Result<(), String> {
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
        "custom" => &[
            "level",
            "category",
            "code_group",
            "code",
            "percent",
            "amount",
            "time_period",
            "qualifier",
            "quantity",
            "treat_area",
        ],
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
        ("amount", row.amount.is_some()),
        ("time_period", row.time_period.is_some()),
        ("qualifier", row.qualifier.is_some()),
        ("quantity", row.quantity.is_some()),
    ]
    .into_iter()
    .filter(|(k, set)| *set && !allowed.contains(k))
    .map(|(k, _)| k)
    .collect();
    if let Some(key) = extra.first() {
        return Err(format!("`{key}` does not go with {kind}"));
    }
    Ok(())
}

/// A deductible, maximum or copay.
fn counted(kind: &str, row: Row) -> Result<Wanted, String> {
    let field = kind;
    let (kind, amount) = match (row.deductible, row.maximum, row.copay) {
        (Some(a), _, _) => (Kind::Deductible, a.0),
        (_, Some(a), _) => (Kind::Maximum, a.0),
        (_, _, Some(a)) => (Kind::Copay, a.0),
        _ => unreachable!("the kind was found above"),
    };
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(format!(
            "`{field}` {amount}: an amount is 0 or more (Open Dental reads -1 as no \
             amount at all)"
        ));
    }
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
    Ok(Wanted::Counted(kind, amount, terms, named))
}

/// A frequency limitation.
fn frequency(row: Row) -> Result<Wanted, String> {
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
        Some(name) => treat_area(name)?,
    };
    Ok(Wanted::Frequency(
        row.frequency.unwrap_or_default(),
        *frequency,
        area,
    ))
}

/// A treat area as written (`tooth`, `tooth-range`).
pub fn treat_area(name: &str) -> Result<TreatArea, String> {
    let area = capitalized(name)
        .parse::<TreatArea>()
        .unwrap_or(TreatArea::None);
    if area.is_unknown() || area == TreatArea::None {
        return Err(format!(
            "treat_area {name:?}: one of tooth, mouth, quad, sextant, arch, surf, tooth-range"
        ));
    }
    Ok(area)
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

/// The office's key a name resolves to.
#[derive(Clone, Copy)]
pub enum Key {
    Category(CovCatNum),
    CodeGroup(CodeGroupNum),
}

impl Wanted {
    /// The category or code group this benefit names, if any.
    pub fn name(&self) -> Option<Named> {
        match self {
            Wanted::Coinsurance(name, _) | Wanted::Exclusion(name) | Wanted::Waiting(name, ..) => {
                Some(Named::Category(name.clone()))
            }
            Wanted::Counted(.., named) => named.clone(),
            Wanted::Frequency(name, ..) | Wanted::AgeLimit(name, _) => {
                Some(Named::CodeGroup(name.clone()))
            }
            Wanted::Custom(_, named) => named.clone(),
        }
    }

    /// The shape, with its name resolved to `key`.
    pub fn shape(&self, key: Option<Key>) -> BenefitShape {
        let category = || match key {
            Some(Key::Category(c)) => Scope::Category(c),
            _ => Scope::General,
        };
        let group = match key {
            Some(Key::CodeGroup(g)) => g,
            _ => CodeGroupNum::new(0),
        };
        match self {
            Wanted::Coinsurance(_, percent) => BenefitShape::Coinsurance {
                percent: *percent,
                terms: Terms::new(category()),
            },
            Wanted::Counted(kind, amount, terms, _) => {
                let mut terms = terms.clone();
                match key {
                    Some(Key::Category(c)) => terms.scope = Scope::Category(c),
                    Some(Key::CodeGroup(g)) => terms.scope = Scope::CodeGroup(g),
                    None => {}
                }
                let amount = *amount;
                match kind {
                    Kind::Deductible => BenefitShape::Deductible { amount, terms },
                    Kind::Maximum => BenefitShape::Maximum { amount, terms },
                    Kind::Copay => BenefitShape::Copay { amount, terms },
                }
            }
            Wanted::Exclusion(_) => BenefitShape::Exclusion(Terms::new(category())),
            Wanted::Waiting(_, wait, unit) => BenefitShape::WaitingPeriod {
                wait: *wait,
                unit: *unit,
                terms: Terms::new(category()),
            },
            Wanted::Frequency(_, frequency, area) => {
                let mut limit = FrequencyLimit::new(*frequency, Scope::CodeGroup(group));
                limit.treat_area = area.clone();
                BenefitShape::Frequency(limit)
            }
            Wanted::AgeLimit(_, age) => BenefitShape::AgeLimit {
                age: *age,
                code_group: group,
            },
            Wanted::Custom(new, _) => crate::custom::shape(new, key),
        }
    }
}

/// What [`Desired::check`] found: advice on rows the office accepts, never blocking.
pub struct Checked {
    pub advice: Vec<String>,
}

impl Desired {
    /// Runs the API's documented rules (`validate`) and its advice (`lint`) on every row, as
    /// the request that would create it for `owner`, before any request: a category or code
    /// group stands in by a placeholder key, which no rule reads.
    ///
    /// # Errors
    /// Every broken rule, each as `file:line: benefit N: Field: rule`.
    pub fn check(&self, owner: Owner) -> Result<Checked, FileError> {
        let mut broken = Vec::new();
        let mut advice = Vec::new();
        for (i, (line, wanted)) in self.rows.iter().enumerate() {
            let key = wanted.name().map(|named| match named {
                Named::Category(_) => Key::Category(CovCatNum::new(1)),
                Named::CodeGroup(_) => Key::CodeGroup(CodeGroupNum::new(1)),
            });
            let request = wanted.shape(key).to_new_benefit(owner);
            let at = format!("{}:{line}: benefit {}", self.path, i + 1);
            if let Err(e) = request.validate() {
                for v in e.violations().into_iter().flat_map(|v| v.iter()) {
                    broken.push(format!("{at}: {}: {}", v.field, v.rule));
                }
            }
            for a in request.lint() {
                advice.push(format!("{at}: {a}"));
            }
        }
        match broken.is_empty() {
            true => Ok(Checked { advice }),
            false => Err(FileError(broken.join("\n"))),
        }
    }

    /// The shapes, with every category and code group resolved through the office's lookups.
    pub async fn resolve(
        &self,
        client: &BenefitsClient,
    ) -> Result<Vec<BenefitShape>, ResolveError> {
        let mut shapes = Vec::new();
        for (line, wanted) in &self.rows {
            let at = |e: String| ResolveError::Input(format!("{}:{line}: {e}", self.path));
            let key = crate::names::resolve(client, wanted.name()).await;
            shapes.push(wanted.shape(key.map_err(|e| e.located(at))?));
        }
        Ok(shapes)
    }
}
