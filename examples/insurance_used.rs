//! "How much is left?": a patient's insurance used, pending and remaining as Open Dental shows
//! them, set from what the carrier's 271 says remains, and read again.
//!
//! read → the carrier's 271 → the change (before any write) → apply (`PUT
//! /claimprocs/InsAdjust`) → read again: Open Dental's remaining is the carrier's → the same
//! 271's next change is empty.
//!
//! ```text
//! cargo run --example insurance_used --features test-util
//! ```
//!
//! Against a real office (`OPENDENTAL_DEVELOPER_KEY`, `OPENDENTAL_CUSTOMER_KEY`) it needs
//! `--patient N --pat-plan N --allow-writes`, and reads the newest 271 the office stored for
//! that patient.

mod support;

use std::process::ExitCode;

use benefits_sdk::mock::{MockOpenDental, demo};
use benefits_sdk::opendental::eligibility::{FigureOptions, ReadOptions, read_271};
use benefits_sdk::opendental::used::PlanUsed;
use benefits_sdk::opendental::{
    ClaimProc, ClaimProcNum, ClaimProcStatus, DEFAULT_SETTLE, InsPlan, InsSub, InsSubNum, PatNum,
    PatPlan, PatPlanNum, PlanNum,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use support::DEMO_PLAN;

const DEMO_PATIENT: u64 = 1001;
const DEMO_PAT_PLAN: u64 = 7;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit_with(run().await)
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let patient = PatNum::new(support::flag(&args, "--patient")?.unwrap_or(DEMO_PATIENT));
    let pat_plan = PatPlanNum::new(support::flag(&args, "--pat-plan")?.unwrap_or(DEMO_PAT_PLAN));
    let od = support::open_dental(Some(PlanNum::new(DEMO_PLAN))).await?;
    let fail = |e: benefits_sdk::Error| e.to_string();
    let client = &od.client;
    let (as_of, read) = match &od.fake {
        Some(fake) => {
            let as_of = NaiveDate::from_ymd_opt(2026, 3, 15).ok_or("a date")?;
            seed(fake, patient, pat_plan, as_of);
            let message = demo::carrier_271s()[0].1;
            let lookups = client
                .eligibility_lookups_for(message)
                .await
                .map_err(fail)?;
            let read = read_271(&lookups, message, ReadOptions::new()).map_err(fail)?;
            (as_of, read)
        }
        None if !args.iter().any(|a| a == "--allow-writes") => {
            return Err(
                "this example writes insurance used: pass --patient N --pat-plan N \
                 --allow-writes"
                    .into(),
            );
        }
        None => {
            let stored = client
                .stored_271(patient, None, ReadOptions::new())
                .await
                .map_err(fail)?
                .ok_or_else(|| format!("the office has no 271 for patient {patient}"))?;
            (chrono::Utc::now().date_naive(), stored.read)
        }
    };

    let summary = client
        .insurance_summary(patient, as_of)
        .await
        .map_err(fail)?;
    println!("As Open Dental shows it on {as_of}:");
    for plan in &summary.plans {
        show(plan);
    }

    let planned = client
        .used_from_271(patient, pat_plan, &read, as_of, FigureOptions::new())
        .await
        .map_err(fail)?;
    println!("\nThe carrier's 271:\n  {planned}");
    for skipped in &planned.change.skipped {
        println!("  not used: {} ({})", skipped.segment, skipped.reason);
    }
    if let Some(finding) = planned.findings.iter().find(|f| f.blocks()) {
        return Err(format!("the 271 may not be this plan's: {finding}"));
    }

    let report = client
        .apply_used(&planned, DEFAULT_SETTLE)
        .await
        .map_err(fail)?;
    println!("\nApplied: {:?}", report.outcome);
    let after = client
        .insurance_summary(patient, as_of)
        .await
        .map_err(fail)?;
    println!("\nAs Open Dental shows it now:");
    for plan in &after.plans {
        show(plan);
    }
    let again = client
        .used_from_271(patient, pat_plan, &read, as_of, FigureOptions::new())
        .await
        .map_err(fail)?;
    println!("\nThe same 271 again:\n  {again}");
    if !report.is_complete() || again.change.needs_write() {
        return Err("the office does not show the carrier's figures".into());
    }
    Ok(())
}

/// One patient plan's figures, in the office's words.
fn show(plan: &PlanUsed) {
    let money = |d: Option<Decimal>| d.map_or("—".to_owned(), |d| format!("${d:.2}"));
    println!(
        "  patient plan {} ({}), benefit year {} to {}: annual maximum {}, used {}, pending \
         {}, remaining {}; deductible {}, remaining {}",
        plan.pat_plan,
        match plan.ordinal {
            1 => "primary",
            2 => "secondary",
            _ => "other",
        },
        plan.window.start,
        plan.window.end.pred_opt().unwrap_or(plan.window.end),
        money(plan.annual_max.map(|m| m.amount)),
        money(Some(plan.used)),
        money(Some(plan.pending)),
        money(plan.remaining),
        money(plan.deductible.map(|d| d.amount)),
        money(plan.deductible_remaining_shown),
    );
}

/// The built-in fake's patient: on the demo plan as primary, paid $200 (with $30 of its
/// deductible) this year, and $100 pending.
fn seed(fake: &MockOpenDental, patient: PatNum, pat_plan: PatPlanNum, as_of: NaiveDate) {
    let plan = PlanNum::new(DEMO_PLAN);
    let sub = InsSubNum::new(31);
    // The demo 271's group number is the plan's.
    let mut ins_plan = InsPlan::new(plan, 0);
    ins_plan.group_num = "GRP20417".to_owned();
    fake.insert_plan(ins_plan);
    fake.set_today(as_of);
    fake.insert_patient(patient, patient);
    fake.insert_ins_sub(InsSub::new(sub, plan, patient));
    fake.insert_pat_plan(PatPlan::new(pat_plan, patient, 1, sub));
    let claim = |num: u64, status: ClaimProcStatus, day: u32, amount: i64, ded: i64| {
        let mut row = ClaimProc::new(ClaimProcNum::new(num), patient, status.clone());
        row.plan_num = Some(plan);
        row.ins_sub_num = Some(sub);
        row.proc_date = NaiveDate::from_ymd_opt(2026, 2, day);
        match status {
            ClaimProcStatus::NotReceived => row.ins_pay_est = Decimal::new(amount, 0),
            _ => row.ins_pay_amt = Decimal::new(amount, 0),
        }
        row.ded_applied = Decimal::new(ded, 0);
        row
    };
    fake.insert_claim_proc(claim(1, ClaimProcStatus::Received, 2, 200, 30));
    fake.insert_claim_proc(claim(2, ClaimProcStatus::NotReceived, 20, 100, 0));
}
