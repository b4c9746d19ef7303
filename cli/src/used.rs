//! `benefits patient used PATNUM --from-271 FILE`: what a carrier's 271 says the patient has
//! used and has left, as the change to Open Dental's insurance used (and, with `--apply`, the
//! one `PUT /claimprocs/InsAdjust` that makes it), with every figure line it could not use.

use std::io::IsTerminal;

use benefits_sdk::opendental::eligibility::{AmountOf, FigureOptions, PlanFinding};
use benefits_sdk::opendental::{
    BenefitsClient, DEFAULT_SETTLE, PatNum, PatPlanNum, PatientUsedChange, UsedOutcome, UsedReport,
};
use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use crate::Failure;
use crate::eligibility::ReadFlags;

/// `patient used`'s arguments.
#[derive(Args)]
pub struct UsedArgs {
    /// The patient (PatNum).
    pub patient: u64,
    /// The carrier's answer: a 271 (X12) or a clearinghouse's eligibility JSON (by its
    /// `.json` extension; `-` reads standard input, either form).
    #[arg(long, value_name = "FILE")]
    pub from_271: String,
    /// The patient plan the totals go to (default: the patient's primary).
    #[arg(long, value_name = "PATPLANNUM")]
    pub pat_plan: Option<u64>,
    /// The day the figures are for, inside the benefit year set (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// Also read a service type 30 ("health benefit plan coverage") line as the plan's, as
    /// some dental carriers send it (Open Dental's batch reads 35 and blank only).
    #[arg(long)]
    pub service_type_30: bool,
    /// Set it: send the totals (asks first, unless --yes).
    #[arg(long)]
    pub apply: bool,
    /// Do not ask.
    #[arg(long, requires = "apply")]
    pub yes: bool,
    /// Set it even where the 271 may not be this plan's (another group number, coverage
    /// inactive, a policy not in force).
    #[arg(long, requires = "apply")]
    pub accept_mismatch: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadFlags,
}

/// Reads the 271, makes the change and prints it; with `--apply`, sends it. Exit 3 for a
/// refusal (the 271 may be another plan's) or figures that moved since; 4 for a write that
/// did not end with the office showing the totals.
pub async fn run(client: &BenefitsClient, args: &UsedArgs, office: &str) -> Result<(), Failure> {
    let read = crate::eligibility::read_file(client, &args.from_271, &args.read).await?;
    let patient = PatNum::new(args.patient);
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let pat_plan = match args.pat_plan {
        Some(p) => PatPlanNum::new(p),
        None => primary(client, patient).await?,
    };
    let options = FigureOptions::new()
        .network(args.read.options().network)
        .accept_service_type_30(args.service_type_30);
    let change = client
        .used_from_271(patient, pat_plan, &read, as_of, options)
        .await?;
    let to_stderr = args.json || (args.apply && !args.yes && !std::io::stdout().is_terminal());
    let text = describe(&change);
    match to_stderr {
        true => eprintln!("{text}"),
        false => outln!("{text}"),
    }
    if !args.apply {
        if args.json {
            crate::output::json(&change);
        }
        return Ok(());
    }
    apply(client, args, &change, office).await
}

/// The patient's primary patient plan (Ordinal 1, else the first), said on stderr.
async fn primary(client: &BenefitsClient, patient: PatNum) -> Result<PatPlanNum, Failure> {
    let coverage = client.coverage(patient).await?;
    let Some(first) = coverage.first() else {
        return Err(Failure::Input(format!(
            "patient {patient} has no insurance plan in this office"
        )));
    };
    if coverage.len() > 1 {
        eprintln!(
            "benefits: patient {patient} has {} plans: setting the primary's, patient plan {} \
             (--pat-plan chooses)",
            coverage.len(),
            first.pat_plan_num
        );
    }
    Ok(first.pat_plan_num)
}

/// The change in words: the sentence, every line not used and why, the office's amounts that
/// differ from the carrier's, and what stands between the 271 and the plan.
fn describe(planned: &PatientUsedChange) -> String {
    let mut lines = vec![planned.to_string()];
    for s in &planned.change.skipped {
        lines.push(format!(
            "  not used: {} {} {}: {}",
            s.ordinal, s.loop_id, s.reason, s.segment
        ));
    }
    for d in &planned.change.findings {
        let office = d.office.map_or("none".to_owned(), |o| format!("${o}"));
        let what = match d.of {
            AmountOf::Maximum => "annual maximum",
            AmountOf::Deductible => "deductible",
        };
        lines.push(format!(
            "  the office's {what} ({office}) is not the carrier's (${}, segment {}): fix the \
             plan first (plan diff PLAN --from-271 FILE)",
            d.carrier, d.ordinal
        ));
    }
    for f in &planned.findings {
        let mark = if f.blocks() { "check" } else { "note" };
        lines.push(format!("The 271 and the plan ({mark}): {f}"));
    }
    lines.join("\n")
}

/// The JSON of an apply: the change, how it ended, and the figures read last.
#[derive(Serialize)]
struct Applied<'a> {
    change: &'a PatientUsedChange,
    outcome: &'static str,
    office: Option<&'a benefits_sdk::opendental::eligibility::OfficeFigures>,
}

async fn apply(
    client: &BenefitsClient,
    args: &UsedArgs,
    planned: &PatientUsedChange,
    office: &str,
) -> Result<(), Failure> {
    let blocking: Vec<&PlanFinding> = planned.findings.iter().filter(|f| f.blocks()).collect();
    if !blocking.is_empty() && !args.accept_mismatch {
        eprintln!(
            "benefits: not writing: this 271 may not be the plan's, or not in force; look, \
             then pass --accept-mismatch to write it all the same"
        );
        return Err(Failure::Exit(3));
    }
    let Some(send) = planned.change.send else {
        eprintln!("Nothing to write: Open Dental shows the carrier's figures.");
        if args.json {
            crate::output::json(&Applied {
                change: planned,
                outcome: "nothing_to_do",
                office: Some(&planned.change.office),
            });
        }
        return Ok(());
    };
    let mut totals = Vec::new();
    if let Some(t) = send.ins_used {
        totals.push(format!("insurance used to ${t}"));
    }
    if let Some(t) = send.deductible_used {
        totals.push(format!("deductible used to ${t}"));
    }
    let question = format!(
        "In office {office}, set patient plan {}'s {} for the benefit year starting {}?",
        planned.pat_plan,
        totals.join(" and "),
        planned.change.office.year_start
    );
    if !args.yes && !crate::confirm(&question)? {
        eprintln!("Nothing written.");
        return Ok(());
    }
    let report = client.apply_used(planned, DEFAULT_SETTLE).await?;
    finish(args, planned, &report)
}

/// Says how the apply ended, and its exit code.
fn finish(
    args: &UsedArgs,
    planned: &PatientUsedChange,
    report: &UsedReport,
) -> Result<(), Failure> {
    let o = &report.office;
    let remaining = o.remaining().map_or("—".to_owned(), |r| format!("${r:.2}"));
    let (name, text, exit) = match &report.outcome {
        UsedOutcome::Applied => (
            "applied",
            format!(
                "Applied: Open Dental shows ${:.2} used, {remaining} remaining.",
                o.used
            ),
            None,
        ),
        UsedOutcome::NothingToDo => (
            "nothing_to_do",
            "Nothing to write: Open Dental already shows the carrier's figures.".to_owned(),
            None,
        ),
        UsedOutcome::Stale => (
            "stale",
            "Not written: the office's figures moved since the change was made (a claim or an \
             adjustment); run it again to see the change now."
                .to_owned(),
            Some(3),
        ),
        UsedOutcome::Differs => (
            "differs",
            format!(
                "Written, but Open Dental shows ${} used, not the total sent: the office nets \
                 its adjustment its own way (perhaps over a claim its display leaves out of \
                 used, such as one under an ortho maximum). Not sent again.",
                o.used.round_dp(2)
            ),
            Some(4),
        ),
        UsedOutcome::Unknown(_) => (
            "unknown",
            "Sent, and it may have landed: the office did not say, and it does not show the \
             totals. Not sent again; run the diff later to see."
                .to_owned(),
            Some(4),
        ),
        UsedOutcome::LockLost => (
            "lock_lost",
            "Not written: the patient plan's apply lock was lost (another worker may hold it)."
                .to_owned(),
            Some(3),
        ),
        UsedOutcome::Unverified(_) => (
            "unverified",
            "Written (answered 200), but the read after it failed: run the diff again to see."
                .to_owned(),
            Some(4),
        ),
        _ => (
            "unknown",
            "The apply ended another way.".to_owned(),
            Some(4),
        ),
    };
    match args.json {
        true => {
            eprintln!("{text}");
            crate::output::json(&Applied {
                change: planned,
                outcome: name,
                office: Some(o),
            });
        }
        false => outln!("{text}"),
    }
    match exit {
        Some(code) => Err(Failure::Exit(code)),
        None => Ok(()),
    }
}
