//! Lists one plan's benefits from a real Open Dental office.
//!
//! ```text
//! OPENDENTAL_DEVELOPER_KEY=… OPENDENTAL_CUSTOMER_KEY=… cargo run --example opendental_list -- 12
//! ```
//!
//! `OPENDENTAL_BASE_URL` points it at the Local API or API Service instead of Remote.

use std::process::ExitCode;

use benefits_sdk::opendental::{BenefitFilter, BenefitsClient, PlanNum};
use futures_util::TryStreamExt;

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
    let plan: u64 = std::env::args()
        .nth(1)
        .ok_or("usage: opendental_list <PlanNum>")?
        .parse()
        .map_err(|_| "PlanNum must be a number")?;
    let key = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let mut builder = BenefitsClient::builder().keys(
        key("OPENDENTAL_DEVELOPER_KEY")?,
        key("OPENDENTAL_CUSTOMER_KEY")?,
    );
    if let Ok(url) = std::env::var("OPENDENTAL_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build().map_err(|e| e.to_string())?;

    println!(
        "{:>10}  {:<15} {:<13} {:>7} {:>10}  {:<20} {:>3}",
        "BenefitNum", "Type", "Level", "Percent", "Amount", "Period", "Qty"
    );
    let mut rows = client.list(BenefitFilter::Plan(PlanNum::new(plan)));
    while let Some(b) = rows.try_next().await.map_err(|e| e.to_string())? {
        println!(
            "{:>10}  {:<15} {:<13} {:>7} {:>10}  {:<20} {:>3} {}",
            b.benefit_num,
            b.benefit_type,
            b.coverage_level,
            b.percent.map_or("-".into(), |p| format!("{p}%")),
            b.monetary_amt.map_or("-".into(), |a| a.to_string()),
            b.time_period,
            b.quantity,
            b.quantity_qualifier,
        );
    }
    Ok(())
}
