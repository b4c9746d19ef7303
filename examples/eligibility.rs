//! A carrier's 271 becomes the plan's benefits: the newest 271 the office stored for a patient,
//! read with the office's own categories and procedure codes, shown as the diff a person
//! approves (with every segment the 271 left out and why), applied, and planned again to
//! nothing.
//!
//! ```text
//! cargo run --example eligibility --features test-util
//! ```
//!
//! Against a real office (`OPENDENTAL_DEVELOPER_KEY`, `OPENDENTAL_CUSTOMER_KEY`) it needs
//! `--patient N --plan N --allow-writes`. It reads the subscriber's 271 (a dependent's needs
//! `ReadOptions::dependent` and the patient plan for the overrides).

mod support;

use std::process::ExitCode;

use benefits_sdk::mock::demo;
use benefits_sdk::opendental::eligibility::ReadOptions;
use benefits_sdk::opendental::{DiffOptions, PatNum, PlanNum};
use chrono::NaiveDate;
use support::DEMO_PLAN;

const DEMO_PATIENT: u64 = 1001;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit_with(run().await)
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plan = PlanNum::new(support::flag(&args, "--plan")?.unwrap_or(DEMO_PLAN));
    let patient = PatNum::new(support::flag(&args, "--patient")?.unwrap_or(DEMO_PATIENT));
    let od = support::open_dental(Some(plan)).await?;
    if let Some(fake) = &od.fake {
        // The office received the carrier's answer to a real-time check.
        let (_, text) = demo::carrier_271s()[0];
        let at = NaiveDate::from_ymd_opt(2025, 11, 4)
            .and_then(|d| d.and_hms_opt(9, 32, 15))
            .unwrap_or_default();
        fake.insert_stored_271(patient, plan, at, String::from_utf8_lossy(text));
    } else if !args.iter().any(|a| a == "--allow-writes") {
        return Err(
            "this example writes benefits: pass --patient N --plan N --allow-writes".into(),
        );
    }
    let client = &od.client;
    let fail = |e: benefits_sdk::Error| e.to_string();

    let stored = client
        .stored_271(patient, Some(plan), ReadOptions::new())
        .await
        .map_err(fail)?
        .ok_or_else(|| format!("the office has no 271 for patient {patient} on plan {plan}"))?;
    println!(
        "The 271 received {}: {} rows, {} segments left out.\n",
        stored
            .etrans
            .date_time_trans
            .map_or("(no date)".to_owned(), |t| t.to_string()),
        stored.read.rows.len(),
        stored.read.dropped.len()
    );

    let names = client.names().await.map_err(fail)?;
    let change = client
        .diff_from_271(plan, None, &stored.read, DiffOptions::new())
        .await
        .map_err(fail)?;
    println!("{}", change.display_with(&names));

    for changeset in change.changesets() {
        let report = client.apply(changeset).await.map_err(fail)?;
        println!("Applied: {report}");
        if !report.is_complete() {
            return Err("the apply did not complete".to_owned());
        }
    }

    let again = client
        .diff_from_271(plan, None, &stored.read, DiffOptions::new())
        .await
        .map_err(fail)?;
    println!("\nPlanning again:\n{}", again.plan.display_with(&names));
    match again.is_empty() {
        true => Ok(()),
        false => Err("planning again found more to write".to_owned()),
    }
}
