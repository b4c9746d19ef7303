//! The fake's `PUT /claimprocs/InsAdjust`, from the vendor page (`apiclaimprocs`) and the
//! spec's §1.3 and §6, written on its own (not from the client's rules): the amounts are the
//! benefit year's totals, and the office keeps one Adjustment claim procedure per patient,
//! plan and year so that the paid rows and the adjustment come to them.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value;

use super::insurance::Insurance;
use super::store::bad;
use super::{Answer, Outcome};
use crate::opendental::{ClaimProc, ClaimProcNum, ClaimProcStatus, InsPlan, PatPlanNum, PlanNum};

/// What the body asks.
struct Asked {
    pat_plan: PatPlanNum,
    ins_used: Option<Decimal>,
    ded_used: Option<Decimal>,
    date: Option<NaiveDate>,
}

/// An amount as the page's example sends it (`"insUsed":"300"`) or as a number (third-party
/// code sends numbers; the page does not say). A negative amount is refused (spec §6: our
/// assumption; the page documents none).
fn amount(body: &Value, key: &str) -> Result<Option<Decimal>, (u16, String)> {
    let parsed = match body.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<Decimal>().ok(),
        Some(Value::Number(n)) => n.to_string().parse::<Decimal>().ok(),
        Some(_) => None,
    };
    let value = parsed.ok_or_else(|| bad(format!("{key} is invalid.")))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(bad(format!("{key} cannot be negative.")));
    }
    Ok(Some(value))
}

/// The body: `PatPlanNum` (an integer, required), `insUsed` and `deductibleUsed` (at least
/// one), `date` (optional, `"yyyy-MM-dd"`). Keys as the page spells them.
fn read(body: &[u8]) -> Result<Asked, (u16, String)> {
    let body: Value = serde_json::from_slice(body).map_err(|_| bad("Invalid JSON."))?;
    let pat_plan = body
        .get("PatPlanNum")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .ok_or_else(|| bad("PatPlanNum is required."))?;
    let ins_used = amount(&body, "insUsed")?;
    let ded_used = amount(&body, "deductibleUsed")?;
    if ins_used.is_none() && ded_used.is_none() {
        return Err(bad("insUsed or deductibleUsed is required."));
    }
    let date = match body.get("date") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad("date is invalid."))?)
        }
        Some(_) => return Err(bad("date is invalid.")),
    };
    Ok(Asked {
        pat_plan: PatPlanNum::new(pat_plan),
        ins_used,
        ded_used,
        date,
    })
}

/// The first day of the benefit year holding `day` (spec §2.1, `BenefitLogic.ComputeRenewDate`,
/// as `ClaimProcs.GetForApi` uses it): January 1st for MonthRenew 0, else the latest 1st of
/// MonthRenew on or before `day`.
fn year_start(day: NaiveDate, month_renew: u8) -> NaiveDate {
    let month = u32::from(month_renew);
    if month == 0 || month > 12 {
        return NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day);
    }
    let year = if month <= day.month() {
        day.year()
    } else {
        day.year() - 1
    };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(day)
}

/// `PUT /claimprocs/InsAdjust`: resolve the patient plan (an unknown one is a 400, our
/// assumption), net the year's paid rows of the patient and plan (Received and Supplemental
/// by default, switchable), keep one Adjustment of `total − paid` for each amount sent (an
/// amount not sent keeps the adjustment's old one), delete it when both come to 0, create it
/// dated `date`. 200 with an empty body, whatever happened (the page: "regardless of how the
/// math worked out").
pub(super) fn put(ins: &mut Insurance, plans: &BTreeMap<PlanNum, InsPlan>, body: &[u8]) -> Outcome {
    let asked = read(body)?;
    let pat_plan = ins
        .pat_plans
        .get(&asked.pat_plan)
        .cloned()
        .ok_or_else(|| bad("PatPlanNum is invalid."))?;
    let sub = ins
        .ins_subs
        .get(&pat_plan.ins_sub_num)
        .cloned()
        .ok_or_else(|| bad("InsSub not found for PatPlanNum."))?;
    let today = ins.today.unwrap_or_else(|| super::office::now().date());
    let date = asked.date.unwrap_or(today);
    let month_renew = plans.get(&sub.plan_num).map_or(0, |p| p.month_renew);
    let start = year_start(date, month_renew);
    // A year later, to the day (the window is [renew date, +1 year − 1 day]).
    let end = NaiveDate::from_ymd_opt(start.year() + 1, start.month(), 1).unwrap_or(start);
    let in_year = |c: &ClaimProc| {
        c.pat_num == pat_plan.pat_num
            && c.plan_num == Some(sub.plan_num)
            && c.proc_date.is_some_and(|d| start <= d && d < end)
    };
    let adjustment: Option<ClaimProcNum> = ins
        .claim_procs
        .values()
        .find(|c| c.status == ClaimProcStatus::Adjustment && in_year(c))
        .map(|c| c.claim_proc_num);
    let paid_statuses = ins
        .paid
        .clone()
        .unwrap_or_else(|| vec![ClaimProcStatus::Received, ClaimProcStatus::Supplemental]);
    let (paid, paid_ded) = ins
        .claim_procs
        .values()
        .filter(|c| Some(c.claim_proc_num) != adjustment)
        .filter(|c| paid_statuses.contains(&c.status) && in_year(c))
        .fold((Decimal::ZERO, Decimal::ZERO), |(p, d), c| {
            (p + c.ins_pay_amt, d + c.ded_applied)
        });
    let old = adjustment.and_then(|n| ins.claim_procs.get(&n));
    let ins_pay = asked.ins_used.map_or_else(
        || old.map_or(Decimal::ZERO, |c| c.ins_pay_amt),
        |u| u - paid,
    );
    let ded = asked.ded_used.map_or_else(
        || old.map_or(Decimal::ZERO, |c| c.ded_applied),
        |u| u - paid_ded,
    );
    match adjustment {
        Some(n) if ins_pay.is_zero() && ded.is_zero() => {
            ins.claim_procs.remove(&n);
        }
        Some(n) => {
            if let Some(row) = ins.claim_procs.get_mut(&n) {
                row.ins_pay_amt = ins_pay;
                row.ded_applied = ded;
            }
        }
        None if ins_pay.is_zero() && ded.is_zero() => {}
        None => {
            let key = ins
                .claim_procs
                .keys()
                .next_back()
                .map_or(1, |k| k.get() + 1);
            let mut row = ClaimProc::new(
                ClaimProcNum::new(key),
                pat_plan.pat_num,
                ClaimProcStatus::Adjustment,
            );
            row.plan_num = Some(sub.plan_num);
            row.ins_sub_num = Some(sub.ins_sub_num);
            row.proc_date = Some(date);
            row.ins_pay_amt = ins_pay;
            row.ded_applied = ded;
            ins.claim_procs.insert(row.claim_proc_num, row);
        }
    }
    Ok(Answer::empty(200))
}
