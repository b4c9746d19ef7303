//! The names a desired-benefits file uses, resolved in an office: a category by its electronic
//! benefit category, its description or its key (`#7`); a code group by its fixed kind, its
//! name or its key.

use benefits_sdk::Error;
use benefits_sdk::opendental::{
    BenefitsClient, CodeGroupFixed, CodeGroupNum, CovCatNum, EbenefitCategory,
};

use crate::desired::{Key, Named, ResolveError};

/// A name that did not resolve: the user's to fix, or the office's error.
pub enum NameError {
    Input(String),
    Office(Error),
}

impl NameError {
    pub fn located(self, at: impl Fn(String) -> ResolveError) -> ResolveError {
        match self {
            NameError::Input(message) => at(message),
            NameError::Office(e) => ResolveError::Office(e),
        }
    }
}

impl From<Error> for NameError {
    fn from(e: Error) -> Self {
        match e {
            Error::Lookup(l) => NameError::Input(l.to_string()),
            other => NameError::Office(other),
        }
    }
}

/// The key a category or code group name resolves to in `client`'s office.
pub async fn resolve(
    client: &BenefitsClient,
    named: Option<Named>,
) -> Result<Option<Key>, NameError> {
    Ok(match named {
        Some(Named::Category(n)) => Some(Key::Category(category(client, &n).await?)),
        Some(Named::CodeGroup(n)) => Some(Key::CodeGroup(code_group(client, &n).await?)),
        None => None,
    })
}

/// A category by its electronic benefit category (`Crowns`), the office's description, or
/// its key in this office (`#7`, as `plan export` writes one it cannot name).
async fn category(client: &BenefitsClient, name: &str) -> Result<CovCatNum, NameError> {
    if let Some(num) = key_of(name) {
        let cats = client.cov_cats().await?;
        return match cats.iter().find(|c| c.cov_cat_num.get() == num) {
            Some(c) => Ok(c.cov_cat_num),
            None => Err(NameError::Input(format!(
                "the office has no coverage category {name}"
            ))),
        };
    }
    let ebenefit = EbenefitCategory::from_wire(name);
    let found = if ebenefit.is_unknown() || ebenefit == EbenefitCategory::None {
        client.cov_cat_named(name).await?
    } else {
        client.cov_cat_for(ebenefit).await?
    };
    Ok(found.cov_cat_num)
}

/// A code group by its fixed kind (`BW`), the office's name, or its key (`#3`).
async fn code_group(client: &BenefitsClient, name: &str) -> Result<CodeGroupNum, NameError> {
    if let Some(num) = key_of(name) {
        let groups = client.code_groups().await?;
        return match groups.iter().find(|g| g.code_group_num.get() == num) {
            Some(g) => Ok(g.code_group_num),
            None => Err(NameError::Input(format!(
                "the office has no code group {name}"
            ))),
        };
    }
    let fixed = CodeGroupFixed::from_wire(name);
    let found = if fixed.is_unknown() || fixed == CodeGroupFixed::None {
        client.code_group_named(name).await?
    } else {
        client.code_group_for(fixed).await?
    };
    Ok(found.code_group_num)
}

/// `#7` → 7.
fn key_of(name: &str) -> Option<u64> {
    name.strip_prefix('#')?.parse().ok()
}
