//! A small command line over Cervey's benefit check: a member's claim totals and what is left
//! of each deductible and out-of-pocket maximum, as a table or as JSON.
//!
//! ```text
//! cargo run --example benefit_check --features test-util -- [memberNo] \
//!     [--date YYYY-MM-DD] [--benefit-code N] [--exclude-after] [--json]
//! ```
//!
//! With `CERVEY_APP_ID` and `CERVEY_API_KEY` (and optionally `CERVEY_BASE_URL`) it asks the real
//! Claims API and needs the member number; without them it asks the built-in fake. Exits 1
//! with a one-line error on failure.

mod support;

use std::process::ExitCode;

use benefits_sdk::cervey::{BenefitCheckQuery, BenefitCodeNo, MemberNo};
use chrono::{NaiveDate, Utc};

const USAGE: &str = "usage: benefit_check [memberNo] [--date YYYY-MM-DD] [--benefit-code N] \
                     [--exclude-after] [--json]";

#[tokio::main]
async fn main() -> ExitCode {
    support::exit_with(run().await)
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let real = std::env::var_os("CERVEY_APP_ID").is_some();
    let member = match args.first().filter(|a| !a.starts_with("--")) {
        Some(m) => m
            .parse()
            .map_err(|_| format!("memberNo must be a number; {USAGE}"))?,
        None if real => return Err(format!("a member number is required; {USAGE}")),
        None => support::DEMO_MEMBER,
    };
    let member = MemberNo::new(member);
    let mut query = BenefitCheckQuery::new(member);
    let as_of = match support::flag::<String>(&args, "--date")? {
        Some(d) => {
            let date = NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| "--date must be YYYY-MM-DD".to_owned())?;
            query = query.date_of_service(date);
            date
        }
        None => Utc::now().date_naive(),
    };
    if let Some(code) = support::flag::<u64>(&args, "--benefit-code")? {
        query = query.benefit_code(BenefitCodeNo::new(code));
    }
    if args.iter().any(|a| a == "--exclude-after") {
        query = query.exclude_claims_after_date_of_service(true);
    }
    for arg in args.iter().filter(|a| a.starts_with("--")) {
        if !["--date", "--benefit-code", "--exclude-after", "--json"].contains(&arg.as_str()) {
            return Err(format!("unknown argument `{arg}`; {USAGE}"));
        }
    }

    let cervey = support::cervey(member, as_of).await?;
    let check = cervey
        .client
        .benefit_check(&query)
        .await
        .map_err(|e| e.to_string())?;
    if args.iter().any(|a| a == "--json") {
        let text = serde_json::to_string_pretty(&check).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        support::print_check(&check, as_of);
    }
    Ok(())
}
