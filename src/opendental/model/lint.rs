//! Sanity advice on requests the server accepts: what Open Dental ignores or stores otherwise
//! than written. Advice never blocks a request; `validate` holds only the documented rules.

use std::fmt;

use rust_decimal::Decimal;

use crate::opendental::model::benefit::BenefitType;
use crate::opendental::model::patch::Patch;
use crate::opendental::model::request::{BenefitUpdate, NewBenefit};
use crate::opendental::model::rules::AMOUNT_TYPES;
use crate::opendental::model::wire::money::exact_as_double;

/// One piece of advice on a request: the field, as the API names it, and what may not be what
/// was meant. The server accepts the request as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Advisory {
    /// The field as the API names it, e.g. `MonetaryAmt`.
    pub field: &'static str,
    /// What the server will do with it, in words.
    pub note: String,
}

impl fmt::Display for Advisory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.note)
    }
}

#[derive(Default)]
struct Notes(Vec<Advisory>);

impl Notes {
    fn push(&mut self, field: &'static str, note: impl Into<String>) {
        self.0.push(Advisory {
            field,
            note: note.into(),
        });
    }
}

impl NewBenefit {
    /// Advice on what the server accepts but may not do what was meant: MonetaryAmt on a type
    /// that ignores it, a negative amount, an amount a double cannot store exactly, a frequency
    /// limitation with neither a code group nor a code, a key of 0, a blank procCode. Advice
    /// never blocks [`BenefitsClient::create`](crate::opendental::BenefitsClient::create); it is not
    /// logged either: call this where you want it.
    ///
    /// ```
    /// use benefits_sdk::opendental::{CoverageLevel, NewBenefit, PlanNum};
    /// use rust_decimal::Decimal;
    ///
    /// let odd = NewBenefit::deductible(PlanNum::new(12), CoverageLevel::Individual, Decimal::new(-5, 0));
    /// assert!(odd.validate().is_ok());
    /// assert_eq!(odd.lint()[0].field, "MonetaryAmt");
    /// ```
    pub fn lint(&self) -> Vec<Advisory> {
        new_benefit(self)
    }
}

impl BenefitUpdate {
    /// Advice on what the server accepts but may not do what was meant (see
    /// [`NewBenefit::lint`]); it never blocks
    /// [`BenefitsClient::update`](crate::opendental::BenefitsClient::update).
    pub fn lint(&self) -> Vec<Advisory> {
        update(self)
    }
}

fn new_benefit(b: &NewBenefit) -> Vec<Advisory> {
    let mut n = Notes::default();
    if let Some(a) = &b.monetary_amt {
        amount(&mut n, a, Some(&b.benefit_type));
    }
    zero_key(&mut n, "CovCatNum", b.cov_cat_num.map(|c| c.get()));
    zero_key(&mut n, "CodeNum", b.code_num.map(|c| c.get()));
    #[cfg(feature = "od-23-2")]
    zero_key(&mut n, "CodeGroupNum", b.code_group_num.map(|c| c.get()));
    blank_code(&mut n, b.proc_code.as_deref());
    #[cfg(feature = "od-23-2")]
    let has_group = b.code_group_num.is_some_and(|g| g.get() != 0);
    #[cfg(not(feature = "od-23-2"))]
    let has_group = false;
    let has_code = b.code_num.is_some_and(|c| c.get() != 0)
        || b.proc_code.as_deref().is_some_and(|c| !c.trim().is_empty());
    if b.could_be_frequency_limitation() && !has_group && !has_code {
        n.push(
            "CodeGroupNum",
            "a frequency limitation with neither a code group nor a procedure code limits \
             nothing in particular",
        );
    }
    n.0
}

fn update(u: &BenefitUpdate) -> Vec<Advisory> {
    let mut n = Notes::default();
    if let Patch::Set(a) = &u.monetary_amt {
        amount(&mut n, a, u.benefit_type.as_ref());
    }
    let set = |p: &Patch<u64>| p.value().copied();
    zero_key(&mut n, "CovCatNum", set(&map(&u.cov_cat_num)));
    zero_key(&mut n, "CodeNum", set(&map(&u.code_num)));
    #[cfg(feature = "od-25-3")]
    zero_key(&mut n, "CodeGroupNum", set(&map(&u.code_group_num)));
    blank_code(&mut n, u.proc_code.value().map(String::as_str));
    n.0
}

fn map<T: Copy + Into<u64>>(p: &Patch<T>) -> Patch<u64> {
    match p {
        Patch::Keep => Patch::Keep,
        Patch::Clear => Patch::Clear,
        Patch::Set(v) => Patch::Set((*v).into()),
    }
}

fn amount(n: &mut Notes, a: &Decimal, benefit_type: Option<&BenefitType>) {
    if benefit_type.is_some_and(|t| !AMOUNT_TYPES.contains(t)) {
        n.push(
            "MonetaryAmt",
            "only used when BenefitType is CoPayment, Limitations or Deductible; the server \
             stores it and ignores it",
        );
    }
    if a.is_sign_negative() && !a.is_zero() {
        n.push(
            "MonetaryAmt",
            "negative: -1 means empty to Open Dental (clear the field for that), and other \
             negative amounts mean nothing",
        );
    }
    if !exact_as_double(a) {
        n.push(
            "MonetaryAmt",
            format!("{a} is stored as a double, which cannot hold it exactly"),
        );
    }
}

fn zero_key(n: &mut Notes, field: &'static str, raw: Option<u64>) {
    if raw == Some(0) {
        n.push(field, "0 means no row: the field is sent as empty");
    }
}

fn blank_code(n: &mut Notes, code: Option<&str>) {
    if code.is_some_and(|c| c.trim().is_empty()) {
        n.push(
            "procCode",
            "blank: the server reads it as no procedure code",
        );
    }
}
