//! The desired-benefits file's form for a row of no standard shape: `custom = BenefitType` and
//! the row's fields by their wire names, so that `plan export` can write any row and read it
//! back exactly.
//!
//! ```toml
//! [[benefits]]
//! custom = "Limitations"
//! level = "none"
//! category = "RoutinePreventive"   # or code_group, or code
//! time_period = "None"
//! qualifier = "AgeLimit"
//! quantity = 19
//! ```

use benefits_sdk::opendental::{
    BenefitShape, BenefitType, CoverageLevel, NewBenefit, Owner, PlanNum, QuantityQualifier,
    TimePeriod,
};

use crate::desired::{Amount, Key, Named, Row, Wanted, treat_area};

/// A custom row as written.
pub fn parse(row: Row) -> Result<Wanted, String> {
    let kind = row.custom.unwrap_or_default();
    let benefit_type = known::<BenefitType>("custom", &kind)?;
    let level = match row.level.as_deref() {
        None | Some("none") => CoverageLevel::None,
        Some("individual") => CoverageLevel::Individual,
        Some("family") => CoverageLevel::Family,
        Some(other) => return Err(format!("level {other:?}: one of individual, family, none")),
    };
    let mut new = NewBenefit::new(Owner::Plan(PlanNum::new(0)), benefit_type, level);
    new.percent = row.percent;
    new.monetary_amt = row.amount.map(|Amount(a)| a);
    new.time_period = row
        .time_period
        .map(|p| known::<TimePeriod>("time_period", &p))
        .transpose()?;
    new.quantity_qualifier = row
        .qualifier
        .map(|q| known::<QuantityQualifier>("qualifier", &q))
        .transpose()?;
    new.quantity = row.quantity;
    new.treat_area = row.treat_area.as_deref().map(treat_area).transpose()?;
    let named = match (row.category, row.code_group, row.code) {
        (None, None, None) => None,
        (Some(c), None, None) => Some(Named::Category(c)),
        (None, Some(g), None) => Some(Named::CodeGroup(g)),
        (None, None, Some(code)) => {
            new.proc_code = Some(code);
            None
        }
        _ => return Err("one of category, code_group or code, not several".to_owned()),
    };
    Ok(Wanted::Custom(Box::new(new), named))
}

/// A wire enum's value by its wire name; a name this crate does not know is an error.
fn known<E: std::str::FromStr + IsUnknown>(key: &str, name: &str) -> Result<E, String> {
    match name.parse::<E>() {
        Ok(value) if !value.unknown() => Ok(value),
        _ => Err(format!("{key} {name:?} is not a value Open Dental has")),
    }
}

/// Whether a wire enum's value is one this crate knows.
trait IsUnknown {
    fn unknown(&self) -> bool;
}

macro_rules! is_unknown {
    ($($t:ty),*) => {$(
        impl IsUnknown for $t {
            fn unknown(&self) -> bool {
                self.is_unknown()
            }
        }
    )*};
}
is_unknown!(BenefitType, TimePeriod, QuantityQualifier);

/// The shape a custom row means, its name resolved to `key`: a standard shape when its fields
/// make one (as Open Dental reads the row), else the row whole.
pub fn shape(new: &NewBenefit, key: Option<Key>) -> BenefitShape {
    let mut new = new.clone();
    match key {
        Some(Key::Category(c)) => new.cov_cat_num = Some(c),
        Some(Key::CodeGroup(g)) => new.code_group_num = Some(g),
        None => {}
    }
    new.shape()
}

/// The custom form of a request: every field it sets, names given by `name`.
pub fn row(new: &NewBenefit, named: Option<Named>) -> Row {
    let level = match new.coverage_level {
        CoverageLevel::Individual => "individual",
        CoverageLevel::Family => "family",
        _ => "none",
    };
    let mut row = Row {
        custom: Some(new.benefit_type.to_string()),
        level: Some(level.to_owned()),
        percent: new.percent,
        amount: new.monetary_amt.map(Amount),
        time_period: new.time_period.as_ref().map(ToString::to_string),
        qualifier: new.quantity_qualifier.as_ref().map(ToString::to_string),
        quantity: new.quantity,
        treat_area: new
            .treat_area
            .as_ref()
            .filter(|a| a.as_str() != "None")
            .map(|a| kebab(a.as_str())),
        code: new.proc_code.clone(),
        ..Row::default()
    };
    match named {
        Some(Named::Category(name)) => row.category = Some(name),
        Some(Named::CodeGroup(name)) => row.code_group = Some(name),
        None => {}
    }
    row
}

/// `ToothRange` → `tooth-range`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
