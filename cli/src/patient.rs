//! `benefits patient insurance`: a patient's insurance used, pending and remaining, as Open
//! Dental's Account module shows them, and (with -v) the claim procedures behind each figure.
//! A row is its keys, status, date, amounts and procedure code: no member data is read.

use benefits_sdk::opendental::used::{
    CountedRow, Counts, Exclusion, FromRow, InsuranceSummary, PlanUsed,
};
use benefits_sdk::opendental::{BenefitsClient, CovCat, CovCatNum, PatNum};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::Failure;
use crate::args::{Global, PatientCommand};
use crate::output;

/// Runs a `patient` command: reads the summary, then prints it (text, or `--json`).
pub async fn run(
    client: &BenefitsClient,
    global: &Global,
    command: PatientCommand,
) -> Result<(), Failure> {
    match command {
        PatientCommand::Used(args) => {
            crate::used::run(client, &args, &crate::plan::office_name(global)).await
        }
        PatientCommand::Insurance {
            patnum,
            as_of,
            json,
        } => {
            let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
            let summary = client.insurance_summary(PatNum::new(patnum), as_of).await?;
            if json {
                output::json(&summary_json(&summary));
                return Ok(());
            }
            // Category names for rows a category's limitation leaves out (read already, cached).
            let cats = if global.verbose && excludes_by_category(&summary) {
                client.cov_cats().await?.to_vec()
            } else {
                Vec::new()
            };
            print(&summary, global.verbose, &cats);
            Ok(())
        }
    }
}

/// True when some row is left out by a category's limitation (its name is then shown).
fn excludes_by_category(summary: &InsuranceSummary) -> bool {
    let by_category = |r: &CountedRow| {
        matches!(
            r.counts,
            Counts::Excluded {
                reason: Exclusion::CategoryLimitation { .. },
                ..
            }
        )
    };
    summary.plans.iter().any(|p| p.rows.iter().any(by_category))
}

/// An amount as Open Dental prints it: two decimals.
fn money(amount: Decimal) -> String {
    format!("{amount:.2}")
}

/// An amount, or "—" when Open Dental shows it blank.
fn shown(amount: Option<Decimal>) -> String {
    amount.map_or_else(|| "—".to_owned(), money)
}

/// The plan's place, as Open Dental names it.
fn ordinal(n: u8) -> String {
    match n {
        1 => "Primary".to_owned(),
        2 => "Secondary".to_owned(),
        3 => "Tertiary".to_owned(),
        n => format!("Plan {n}"),
    }
}

/// The benefit year's last day (the window ends the day after it).
fn last_day(plan: &PlanUsed) -> NaiveDate {
    plan.window.end.pred_opt().unwrap_or(plan.window.end)
}

/// The figures of each plan, one per line, and with -v the rows behind them.
fn print(summary: &InsuranceSummary, verbose: bool, cats: &[CovCat]) {
    let count = match summary.plans.len() {
        0 => "no insurance plans".to_owned(),
        1 => "1 plan".to_owned(),
        n => format!("{n} plans"),
    };
    outln!(
        "Patient {}, as of {}: {count}",
        summary.pat_num,
        summary.as_of
    );
    for plan in &summary.plans {
        outln!(
            "\n{} (patient plan {}, plan {}, subscription {})",
            ordinal(plan.ordinal),
            plan.pat_plan,
            plan.plan,
            plan.ins_sub
        );
        let amount = |f: Option<FromRow>| f.map(|f| f.amount);
        let family_used = plan.family_rows_read.then_some(plan.family_deductible_used);
        let lines = [
            (
                "Benefit year",
                format!("{} to {}", plan.window.start, last_day(plan)),
            ),
            ("Annual max", shown(amount(plan.annual_max))),
            ("Family annual max", shown(amount(plan.family_max))),
            ("Used", money(plan.used)),
            ("Pending", money(plan.pending)),
            ("Remaining", shown(plan.remaining)),
            ("Deductible", shown(amount(plan.deductible))),
            ("Family deductible", shown(amount(plan.family_deductible))),
            ("Deductible used", money(plan.deductible_used)),
            ("Family deductible used", shown(family_used)),
            (
                "Deductible remaining",
                shown(plan.deductible_remaining_shown),
            ),
            (
                "Family deductible remaining",
                shown(plan.family_deductible_remaining),
            ),
        ];
        for (label, value) in lines {
            outln!("  {label:<28}{value}");
        }
        if verbose {
            rows_table(&plan.rows, cats);
        }
    }
}

/// The rows of a plan's benefit year, in ClaimProcNum order.
fn rows_table(rows: &[CountedRow], cats: &[CovCat]) {
    if rows.is_empty() {
        outln!("  No claim procedures in the benefit year.");
        return;
    }
    let mut t = output::table(&[
        "ClaimProcNum",
        "Date",
        "Status",
        "Amount",
        "Deductible",
        "Code",
        "Counts for",
    ]);
    for row in rows {
        t.add_row(vec![
            row.claim_proc.to_string(),
            row.proc_date.to_string(),
            row.status.to_string(),
            money(row.amount),
            money(row.deductible),
            row.proc_code.clone().unwrap_or_else(|| "—".to_owned()),
            counts_for(row, cats),
        ]);
    }
    outln!("{t}");
}

/// What a row counts for, in words.
fn counts_for(row: &CountedRow, cats: &[CovCat]) -> String {
    let category = |num: CovCatNum| {
        cats.iter()
            .find(|c| c.cov_cat_num == num)
            .map_or_else(|| format!("category {num}"), |c| c.description.clone())
    };
    match &row.counts {
        Counts::Used => "used".to_owned(),
        Counts::Pending => "pending".to_owned(),
        Counts::Excluded {
            reason,
            was_pending,
        } => {
            let figure = if *was_pending { "pending" } else { "used" };
            let why = match reason {
                Exclusion::CodeLimitation { benefit } => {
                    format!("its code's limitation (BenefitNum {benefit})")
                }
                Exclusion::CategoryLimitation {
                    benefit, cov_cat, ..
                } => format!("{}'s limitation (BenefitNum {benefit})", category(*cov_cat)),
                _ => "a limitation".to_owned(),
            };
            format!("not {figure}: {why}")
        }
        Counts::DeductibleOnly => "deductible only (history)".to_owned(),
        Counts::FamilyDeductibleOnly => {
            format!("family deductible only (patient {})", row.pat_num)
        }
        _ => "other".to_owned(),
    }
}

/// `--json`: the summary, amounts as strings with two decimals (null when blank), dates as
/// YYYY-MM-DD, the benefit year as its first and last days.
fn summary_json(summary: &InsuranceSummary) -> Value {
    json!({
        "pat_num": summary.pat_num.get(),
        "as_of": summary.as_of.to_string(),
        "plans": summary.plans.iter().map(plan_json).collect::<Vec<_>>(),
    })
}

/// One patient plan's figures and rows.
fn plan_json(plan: &PlanUsed) -> Value {
    let from_row = |f: Option<FromRow>| {
        f.map(|f| json!({ "amount": money(f.amount), "benefit_num": f.benefit.get() }))
    };
    let opt = |d: Option<Decimal>| d.map(money);
    json!({
        "ordinal": plan.ordinal,
        "pat_plan_num": plan.pat_plan.get(),
        "ins_sub_num": plan.ins_sub.get(),
        "plan_num": plan.plan.get(),
        "month_renew": plan.month_renew,
        "benefit_year": [plan.window.start.to_string(), last_day(plan).to_string()],
        "annual_max": from_row(plan.annual_max),
        "family_max": from_row(plan.family_max),
        "used": money(plan.used),
        "pending": money(plan.pending),
        "remaining": opt(plan.remaining),
        "deductible": from_row(plan.deductible),
        "family_deductible": from_row(plan.family_deductible),
        "deductible_used": money(plan.deductible_used),
        "family_deductible_used": money(plan.family_deductible_used),
        "deductible_remaining": opt(plan.deductible_remaining),
        "family_deductible_remaining": opt(plan.family_deductible_remaining),
        "deductible_remaining_shown": opt(plan.deductible_remaining_shown),
        "family_rows_read": plan.family_rows_read,
        "rows": plan.rows.iter().map(row_json).collect::<Vec<_>>(),
    })
}

/// A row: `counts` is used, pending, excluded (with `excluded`: the limitation, its category
/// and span when a category's, and whether the row would have been pending),
/// deductible_only or family_deductible_only.
fn row_json(row: &CountedRow) -> Value {
    let counts = match &row.counts {
        Counts::Used => "used",
        Counts::Pending => "pending",
        Counts::Excluded { .. } => "excluded",
        Counts::DeductibleOnly => "deductible_only",
        Counts::FamilyDeductibleOnly => "family_deductible_only",
        _ => "other",
    };
    let mut value = json!({
        "claim_proc_num": row.claim_proc.get(),
        "pat_num": row.pat_num.get(),
        "status": row.status.to_string(),
        "proc_date": row.proc_date.to_string(),
        "amount": money(row.amount),
        "deductible": money(row.deductible),
        "proc_code": row.proc_code,
        "counts": counts,
    });
    if let Counts::Excluded {
        reason,
        was_pending,
    } = &row.counts
    {
        let mut why = match reason {
            Exclusion::CodeLimitation { benefit } => json!({ "benefit_num": benefit.get() }),
            Exclusion::CategoryLimitation {
                benefit,
                cov_cat,
                span,
            } => json!({
                "benefit_num": benefit.get(),
                "cov_cat_num": cov_cat.get(),
                "cov_span_num": span.get(),
            }),
            _ => json!({}),
        };
        why["was_pending"] = json!(was_pending);
        value["excluded"] = why;
    }
    value
}
