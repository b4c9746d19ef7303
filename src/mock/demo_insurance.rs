//! The demo office's insurance: a family on the demo plan, with claims this year and last
//! (re-exported as [`demo::seed_insurance`](super::demo::seed_insurance)).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::MockOpenDental;
use crate::opendental::{
    ClaimProc, ClaimProcNum, ClaimProcStatus, CodeNum, CovCatNum, CovSpan, CovSpanNum,
    CoverageLevel, InsSub, InsSubNum, NewBenefit, PatNum, PatPlan, PatPlanNum, PlanNum, ProcNum,
    ProcedureLog, TimePeriod,
};

/// One demo claim procedure: ClaimProcNum (also its ProcNum), PatNum, status, years back
/// (0 this year, 1 last), month, day, amount in cents (InsPayEst when NotReceived, else
/// InsPayAmt), deductible applied in cents, and the procedure's CodeNum and ProcCode (as in
/// [`procedure_codes`](super::demo::procedure_codes)).
type Claim = (
    u64,
    u64,
    ClaimProcStatus,
    i32,
    u32,
    u32,
    i64,
    i64,
    u64,
    &'static str,
);

/// Seeds `office` with a family on `plan` (stored already, calendar year, with
/// [`plan_benefits`](super::demo::plan_benefits)), so that every figure of
/// `BenefitsClient::insurance_summary` shows. Amounts agree with the demo's first 271
/// (271-01: individual deductible $50, family $150, $20 of it left; annual maximum $1,500,
/// $1,125.50 left; ortho lifetime maximum $1,000).
///
/// - The plan gains a Family deductible of $150 and an ortho lifetime maximum of $1,000 on
///   category 9 Ortho, whose span is D8000–D8999 (with spans for categories 1–4 too).
/// - Patient 1001 subscribes (InsSubNum 20) with patient plan 7 (primary); patient 1005, of the
///   same family (guarantor 1001), is on the subscription with patient plan 8.
/// - Patient 1001 this year, numbered in date order: 101 InsHist D0274 (Jan 15, $0, the
///   deductible only), 102 Received D1110 (Feb 10, $96.00), 103 Received D2740 (Mar 4,
///   $278.50, $30.00 deductible), 104 Received D8080 (Apr 2, $500.00: under the ortho
///   lifetime maximum, so not used), 105 NotReceived D2330 (May 20, $64.00 estimated:
///   pending). Last year: 91 Received D0120 (Sep 14, $42.00) and 92 Received D2391 (Oct 6,
///   $180.00, $50.00 deductible).
/// - Patient 1005 this year: 106 Received D1120 (Feb 24, $72.00), 107 Received D2140 (Mar 18,
///   $88.00, $50.00 deductible): the family deductible only.
///
/// Dates are in `today`'s year and the one before; a date this year after `today` is
/// `today` instead, so every row of this year is on or before it. As of `today`, patient
/// 1001's primary plan shows: used $374.50, pending $64.00, remaining $1,061.50, deductible
/// $50 (family $150), deductible used $30.00, deductible remaining $20.00 (family $70.00).
/// The office's today is set to `today`.
pub fn seed_insurance(office: &MockOpenDental, plan: PlanNum, today: NaiveDate) {
    for benefit in added_benefits(plan) {
        office.seed(&benefit);
    }
    office.set_cov_spans(
        [
            (1, 1, "D0100", "D0999"),
            (2, 2, "D1000", "D1999"),
            (3, 3, "D2000", "D2699"),
            (4, 4, "D2700", "D2999"),
            (5, 9, "D8000", "D8999"),
        ]
        .map(|(num, cat, from, to)| {
            CovSpan::new(CovSpanNum::new(num), CovCatNum::new(cat), from, to)
        }),
    );
    let (subscriber, member) = (PatNum::new(1001), PatNum::new(1005));
    let sub = InsSubNum::new(20);
    office.insert_patient(subscriber, subscriber);
    office.insert_patient(member, subscriber);
    office.insert_ins_sub(InsSub::new(sub, plan, subscriber));
    office.insert_pat_plan(PatPlan::new(PatPlanNum::new(7), subscriber, 1, sub));
    office.insert_pat_plan(PatPlan::new(PatPlanNum::new(8), member, 1, sub));
    for (num, patient, status, back, month, day, cents, ded_cents, code_num, code) in claims() {
        let patient = PatNum::new(patient);
        let date = NaiveDate::from_ymd_opt(today.year() - back, month, day).unwrap_or(today);
        // A date this year still to come is today instead.
        let date = if back == 0 { date.min(today) } else { date };
        let proc_num = ProcNum::new(num);
        let mut procedure = ProcedureLog::new(proc_num, patient, CodeNum::new(code_num), code);
        procedure.proc_date = Some(date);
        office.insert_procedure(procedure);
        let mut row = ClaimProc::new(ClaimProcNum::new(num), patient, status);
        row.proc_num = Some(proc_num);
        row.plan_num = Some(plan);
        row.ins_sub_num = Some(sub);
        row.proc_date = Some(date);
        let amount = Decimal::new(cents, 2);
        if row.status == ClaimProcStatus::NotReceived {
            row.ins_pay_est = amount;
        } else {
            row.ins_pay_amt = amount;
        }
        row.ded_applied = Decimal::new(ded_cents, 2);
        row.code_sent = code.to_owned();
        office.insert_claim_proc(row);
    }
    office.set_today(today);
}

/// What the plan gains: a Family deductible of $150 and an ortho lifetime maximum of $1,000
/// on category 9 Ortho.
fn added_benefits(plan: PlanNum) -> [NewBenefit; 2] {
    [
        NewBenefit::deductible(plan, CoverageLevel::Family, Decimal::new(150, 0)),
        NewBenefit::annual_max(plan, CoverageLevel::Individual, Decimal::new(1000, 0))
            .cov_cat_num(CovCatNum::new(9))
            .time_period(TimePeriod::Lifetime),
    ]
}

/// The family's claim procedures (see [`seed_insurance`]).
fn claims() -> [Claim; 9] {
    use ClaimProcStatus as S;
    [
        (91, 1001, S::Received, 1, 9, 14, 4200, 0, 1, "D0120"),
        (92, 1001, S::Received, 1, 10, 6, 18000, 5000, 21, "D2391"),
        (101, 1001, S::InsHist, 0, 1, 15, 0, 0, 10, "D0274"),
        (102, 1001, S::Received, 0, 2, 10, 9600, 0, 13, "D1110"),
        (103, 1001, S::Received, 0, 3, 4, 27850, 3000, 22, "D2740"),
        (104, 1001, S::Received, 0, 4, 2, 50000, 0, 36, "D8080"),
        (105, 1001, S::NotReceived, 0, 5, 20, 6400, 0, 20, "D2330"),
        (106, 1005, S::Received, 0, 2, 24, 7200, 0, 14, "D1120"),
        (107, 1005, S::Received, 0, 3, 18, 8800, 5000, 18, "D2140"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plans_new_benefits_are_valid() {
        for b in added_benefits(PlanNum::new(12)) {
            b.validate().unwrap();
        }
    }
}
