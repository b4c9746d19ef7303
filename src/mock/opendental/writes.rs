//! The fake's writes: POST and PUT bodies applied to a row, checked by the documented rules
//! and stored as Open Dental stores them.

use serde_json::{Map, Value};

use super::office;
use super::store::{Store, bad};
use super::{Answer, Outcome, WriteKind, Writer, to_json};
use crate::macros::WireEnum;
use crate::opendental::model::rules;
use crate::opendental::{
    Benefit, BenefitNum, BenefitType, CodeNum, CovCatNum, CoverageLevel, Owner, PatPlanNum,
    PlanNum, QuantityQualifier, TimePeriod,
};

fn body_map(body: &[u8]) -> Result<Map<String, Value>, (u16, String)> {
    serde_json::from_slice(body).map_err(|_| bad("The request body is not a valid JSON object."))
}

pub(super) fn create(store: &mut Store, by: Writer, body: &[u8]) -> Outcome {
    let map = body_map(body)?;
    let plan = int(&map, "PlanNum")?.filter(|n| *n > 0);
    let pat_plan = int(&map, "PatPlanNum")?.filter(|n| *n > 0);
    let owner = match (plan, pat_plan) {
        (Some(p), None) => Owner::Plan(PlanNum::new(p as u64)),
        (None, Some(p)) => Owner::PatPlan(PatPlanNum::new(p as u64)),
        (None, None) => return Err(bad("PlanNum or PatPlanNum is required.")),
        (Some(_), Some(_)) => return Err(bad("Only one of PlanNum or PatPlanNum may be given.")),
    };
    if !map.contains_key("BenefitType") {
        return Err(bad("BenefitType is required."));
    }
    if !map.contains_key("CoverageLevel") {
        return Err(bad("CoverageLevel is required."));
    }
    let mut row = store.new_row(owner);
    apply(&mut row, &map)?;
    store.resolve_code(
        &mut row,
        map.contains_key("CodeNum"),
        map.contains_key("procCode"),
    )?;
    if !map.contains_key("TimePeriod") {
        row.time_period = store.default_period(&row);
    }
    let month_renew = store.month_renew_of(&row);
    office::per_benefit_year(&mut row, month_renew);
    check(&row, &map)?;
    store.next_num = store.next_num.max(row.benefit_num.get());
    store.rows.insert(row.benefit_num, row.clone());
    store.log(by, WriteKind::Insert, None, Some(row.clone()));
    Ok(Answer::json(201, to_json(&row)))
}

pub(super) fn update(store: &mut Store, by: Writer, num: BenefitNum, body: &[u8]) -> Outcome {
    let map = body_map(body)?;
    if map.contains_key("PlanNum") || map.contains_key("PatPlanNum") {
        return Err(bad("PlanNum and PatPlanNum cannot be changed."));
    }
    let Some(before) = store.rows.get(&num) else {
        return Err((404, "Benefit not found.".to_owned()));
    };
    let mut row = before.clone();
    apply(&mut row, &map)?;
    #[cfg(feature = "od-25-3")]
    if map.contains_key("CodeGroupNum")
        && before.code_group_num.is_some()
        && row.code_group_num != before.code_group_num
        && (before.is_frequency_limitation() || before.is_age_limit())
    {
        return Err(bad(
            "CodeGroupNum cannot be changed for a Frequency Limitation or an Age Limit.",
        ));
    }
    store.resolve_code(
        &mut row,
        map.contains_key("CodeNum"),
        map.contains_key("procCode"),
    )?;
    check(&row, &map)?;
    if office::changed(before, &row) {
        row.sec_date_t_edit = Some(office::now());
        let before = Some(before.clone());
        store.rows.insert(num, row.clone());
        store.log(by, WriteKind::Update, before, Some(row.clone()));
    }
    Ok(Answer::json(200, to_json(&row)))
}

/// Sets the fields present in the body on the row, checking each value's form.
fn apply(row: &mut Benefit, map: &Map<String, Value>) -> Result<(), (u16, String)> {
    if let Some(t) = name(map, "BenefitType", BenefitType::from_wire)? {
        row.benefit_type = t;
    }
    if let Some(c) = name(map, "CoverageLevel", CoverageLevel::from_wire)? {
        row.coverage_level = c;
    }
    if let Some(p) = name(map, "TimePeriod", TimePeriod::from_wire)? {
        row.time_period = p;
    }
    if let Some(q) = name(map, "QuantityQualifier", QuantityQualifier::from_wire)? {
        row.quantity_qualifier = q;
    }
    if let Some(c) = int(map, "CovCatNum")? {
        row.cov_cat_num = u64::try_from(c).ok().filter(|c| *c > 0).map(CovCatNum::new);
    }
    if let Some(p) = int(map, "Percent")? {
        row.percent = match u8::try_from(p) {
            _ if p == -1 => None,
            Ok(p) if p <= rules::MAX_PERCENT => Some(p),
            _ => return Err(bad("Percent must be between 0 and 100.")),
        };
    }
    if let Some(value) = map.get("MonetaryAmt") {
        row.monetary_amt = value
            .as_f64()
            .and_then(office::stored_money)
            .ok_or_else(|| bad("MonetaryAmt is invalid."))?;
    }
    if let Some(q) = int(map, "Quantity")? {
        row.quantity = u8::try_from(q)
            .ok()
            .filter(|q| *q <= rules::MAX_QUANTITY)
            .ok_or_else(|| bad("Quantity must be between 0 and 100."))?;
    }
    // Both are read here; `Store::resolve_code` decides which wins (CodeNum) and fills the
    // other from the code table.
    if let Some(code) = map.get("procCode") {
        let code = code.as_str().ok_or_else(|| bad("procCode is invalid."))?;
        row.proc_code = (!code.is_empty()).then(|| code.to_owned());
    }
    if let Some(c) = int(map, "CodeNum")? {
        row.code_num = u64::try_from(c).ok().filter(|c| *c > 0).map(CodeNum::new);
    }
    #[cfg(feature = "od-23-2")]
    if let Some(g) = int(map, "CodeGroupNum")? {
        row.code_group_num = u64::try_from(g)
            .ok()
            .filter(|g| *g > 0)
            .map(crate::opendental::CodeGroupNum::new);
    }
    #[cfg(feature = "od-25-3")]
    if let Some(a) = name(map, "TreatArea", crate::opendental::TreatArea::from_wire)? {
        row.treat_area = a;
    }
    Ok(())
}

/// The documented rules on the row as it would be stored, given the fields the body sent: the
/// same rules the client's validator reads (`opendental::rules`), in Open Dental's words.
// Only TreatArea (od-25-3) is judged by what was sent.
#[cfg_attr(not(feature = "od-25-3"), allow(unused_variables))]
fn check(row: &Benefit, sent: &Map<String, Value>) -> Result<(), (u16, String)> {
    if row.percent.is_some() && !rules::percent_allowed(Some(&row.benefit_type)) {
        return Err(bad("Percent is only allowed for CoInsurance benefits."));
    }
    if !rules::waiting_period_qualifier_ok(Some(&row.benefit_type), Some(&row.quantity_qualifier)) {
        return Err(bad(
            "QuantityQualifier must be Months or Years for a WaitingPeriod.",
        ));
    }
    if !rules::age_limit_quantity_ok(Some(&row.quantity_qualifier), Some(row.quantity)) {
        return Err(bad("Quantity must be greater than 0 for an AgeLimit."));
    }
    if !rules::code_allowed(row.cov_cat_num) && (row.code_num.is_some() || row.proc_code.is_some())
    {
        return Err(bad(
            "CodeNum and procCode are only allowed when CovCatNum is 0.",
        ));
    }
    #[cfg(feature = "od-25-3")]
    if sent.contains_key("TreatArea") && !row.is_frequency_limitation() {
        return Err(bad("TreatArea is only allowed for a Frequency Limitation."));
    }
    Ok(())
}

fn int(map: &Map<String, Value>, key: &str) -> Result<Option<i64>, (u16, String)> {
    map.get(key)
        .map(|v| v.as_i64().ok_or_else(|| bad(format!("{key} is invalid."))))
        .transpose()
}

fn name<E: WireEnum>(
    map: &Map<String, Value>,
    key: &str,
    from_wire: fn(&str) -> E,
) -> Result<Option<E>, (u16, String)> {
    map.get(key)
        .map(|v| {
            v.as_str()
                .map(from_wire)
                .filter(|e| !e.unknown())
                .ok_or_else(|| bad(format!("{key} is invalid.")))
        })
        .transpose()
}
