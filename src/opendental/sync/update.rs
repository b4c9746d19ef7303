//! The update that takes a row from one shape to another of its slot: only the fields that
//! differ, as the `PUT` body sends them.

use crate::opendental::meaning::shape::{BenefitShape, Scope};
use crate::opendental::model::patch::Patch;
use crate::opendental::model::request::{BenefitUpdate, NewBenefit, Owner};

/// The fields that differ between two shapes of one slot, as an update.
pub(crate) fn update_between(
    before: &BenefitShape,
    after: &BenefitShape,
    owner: Owner,
) -> BenefitUpdate {
    let (b, a) = (before.to_new_benefit(owner), after.to_new_benefit(owner));
    let mut update = BenefitUpdate::new();
    update.cov_cat_num = patch(b.cov_cat_num, a.cov_cat_num);
    update.benefit_type = Some(a.benefit_type.clone()).filter(|t| *t != b.benefit_type);
    update.percent = patch(b.percent, a.percent);
    update.monetary_amt = patch(b.monetary_amt, a.monetary_amt);
    // A period left to the server (None) is not sent.
    update.time_period = a
        .time_period
        .clone()
        .filter(|p| Some(p) != b.time_period.as_ref());
    update.coverage_level = Some(a.coverage_level.clone()).filter(|l| *l != b.coverage_level);
    let quantity = |n: &NewBenefit| {
        (
            n.quantity_qualifier.clone().unwrap_or_default(),
            n.quantity.unwrap_or(0),
        )
    };
    if quantity(&a) != quantity(&b) {
        let (qualifier, n) = quantity(&a);
        update.quantity_qualifier = Some(qualifier);
        update.quantity = Some(n);
    }
    if !code_scope(&b).same_as(&code_scope(&a)) {
        update.code_num = patch(b.code_num, a.code_num);
        update.proc_code = patch(b.proc_code.clone(), a.proc_code.clone());
    }
    #[cfg(feature = "od-25-3")]
    {
        update.code_group_num = patch(b.code_group_num, a.code_group_num);
        let area = |n: &NewBenefit| n.treat_area.clone().unwrap_or_default();
        update.treat_area = Some(area(&a)).filter(|t| *t != area(&b));
    }
    update
}

/// A field as an update sends it: kept when equal, set, or emptied.
fn patch<T: PartialEq>(before: Option<T>, after: Option<T>) -> Patch<T> {
    match (before == after, after) {
        (true, _) => Patch::Keep,
        (false, Some(v)) => Patch::Set(v),
        (false, None) => Patch::Clear,
    }
}

/// The code a request names, as a scope (General when none).
fn code_scope(new: &NewBenefit) -> Scope {
    match (new.code_num, new.proc_code.clone()) {
        (None, None) => Scope::General,
        (code_num, proc_code) => Scope::Code {
            code_num,
            proc_code,
        },
    }
}
