//! Runs a Cervey benefit check for one member and prints it as a table, or as JSON.
//!
//! ```text
//! CERVEY_APP_ID=… CERVEY_API_KEY=… cargo run --example benefit_check -- 1234567 \
//!     [--date 2025-07-16] [--benefit-code 12] [--exclude-after] [--json]
//! ```
//!
//! `CERVEY_BASE_URL` points it elsewhere than `https://claimsapi.cervey.com/api/`. Exits 1 with
//! a one-line error on failure.

use std::process::ExitCode;

use benefits_sdk::cervey::{
    BenefitCheck, BenefitCheckClient, BenefitCheckQuery, BenefitCodeNo, Interval, MemberNo,
};
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;

struct Args {
    query: BenefitCheckQuery,
    as_of: NaiveDate,
    json: bool,
}

const USAGE: &str = "usage: benefit_check <memberNo> [--date YYYY-MM-DD] [--benefit-code N] \
                     [--exclude-after] [--json]";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let mut builder =
        BenefitCheckClient::builder().credentials(var("CERVEY_APP_ID")?, var("CERVEY_API_KEY")?);
    if let Ok(url) = std::env::var("CERVEY_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let check = client
        .benefit_check(&args.query)
        .await
        .map_err(|e| e.to_string())?;
    if args.json {
        let text = serde_json::to_string_pretty(&check).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print_table(&check, args.as_of);
    }
    Ok(())
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let member: u64 = args
        .next()
        .ok_or(USAGE)?
        .parse()
        .map_err(|_| format!("memberNo must be a number; {USAGE}"))?;
    let mut query = BenefitCheckQuery::new(MemberNo::new(member));
    let mut as_of = Utc::now().date_naive();
    let mut json = false;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value; {USAGE}"));
        match flag.as_str() {
            "--date" => {
                as_of = NaiveDate::parse_from_str(&value()?, "%Y-%m-%d")
                    .map_err(|_| "--date must be YYYY-MM-DD".to_owned())?;
                query = query.date_of_service(as_of);
            }
            "--benefit-code" => {
                let code: u64 = value()?
                    .parse()
                    .map_err(|_| "--benefit-code must be a number".to_owned())?;
                query = query.benefit_code(BenefitCodeNo::new(code));
            }
            "--exclude-after" => query = query.exclude_claims_after_date_of_service(true),
            "--json" => json = true,
            other => return Err(format!("unknown argument `{other}`; {USAGE}")),
        }
    }
    Ok(Args { query, as_of, json })
}

fn print_table(check: &BenefitCheck, as_of: NaiveDate) {
    println!(
        "{:<10} {:<12} {:<12} {:>14} {:>14} {:>14}",
        "Interval", "From", "To", "Ded. applied", "OOP eligible", "Plan paid"
    );
    for h in &check.claim_histories {
        println!(
            "{:<10} {:<12} {:<12} {:>14} {:>14} {:>14}",
            h.interval.as_str(),
            h.start_date.date_naive(),
            h.end_date.date_naive(),
            h.amount_applied_to_periodic_deductible_member,
            h.amount_eligible_towards_out_of_pocket_limit_member,
            h.plan_paid_amount_member,
        );
    }
    let period = check.history(&Interval::Period);
    println!();
    println!(
        "{:<32} {:<4} {:>12} {:>12}",
        "Deductible / max out of pocket", "Met", "Person", "Remaining"
    );
    for d in &check.deductibles {
        let limit = d.deductible.rate_on(as_of).map(|r| r.person_amount);
        let used = period.map(|p| p.amount_applied_to_periodic_deductible_member);
        print_limit(
            d.deductible.description.as_deref().unwrap_or("Deductible"),
            d.is_period_deductible_met,
            limit,
            used,
        );
    }
    for m in &check.max_out_of_pockets {
        let limit = m.moop.rate_on(as_of).map(|r| r.person_amount);
        let used = period.map(|p| p.amount_eligible_towards_out_of_pocket_limit_member);
        print_limit(
            m.moop.description.as_deref().unwrap_or("Max out of pocket"),
            m.is_period_moop_met,
            limit,
            used,
        );
    }
}

fn print_limit(name: &str, met: bool, limit: Option<Decimal>, used: Option<Decimal>) {
    let remaining = match (limit, used) {
        (Some(limit), Some(used)) => (limit - used).max(Decimal::ZERO).to_string(),
        _ => "-".to_owned(),
    };
    println!(
        "{:<32} {:<4} {:>12} {:>12}",
        name,
        if met { "yes" } else { "no" },
        limit.map_or("-".to_owned(), |l| l.to_string()),
        remaining
    );
}
