//! Creates the four frequency-limitation shapes and an age limit for a plan, then lists the
//! plan's benefits grouped by code group.
//!
//! ```text
//! cargo run --example frequency_limits --features test-util
//! ```
//!
//! Against a real office (`OPENDENTAL_DEVELOPER_KEY`, `OPENDENTAL_CUSTOMER_KEY`) it needs
//! `--plan N --allow-writes`, and `--service-year` for a plan that renews in a month other
//! than January.

mod support;

use std::collections::BTreeMap;
use std::process::ExitCode;

use benefits_sdk::opendental::{
    Benefit, BenefitFilter, BenefitYear, CodeGroupNum, NewBenefit, PlanNum, TreatArea,
};
use support::DEMO_PLAN;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit_with(run().await)
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let od = support::open_dental(None).await?;
    let plan = PlanNum::new(support::flag(&args, "--plan")?.unwrap_or(DEMO_PLAN));
    if !od.is_fake() && !args.iter().any(|a| a == "--allow-writes") {
        return Err("this example creates benefits: pass --plan N --allow-writes".to_owned());
    }
    let year = if args.iter().any(|a| a == "--service-year") {
        BenefitYear::Service
    } else {
        BenefitYear::Calendar
    };
    let group = CodeGroupNum::new;
    let shapes = [
        NewBenefit::every_n_years(plan, 5).code_group_num(group(4)),
        NewBenefit::every_n_months(plan, 6)
            .code_group_num(group(2))
            .treat_area(TreatArea::Mouth),
        NewBenefit::per_benefit_year(plan, 2, year).code_group_num(group(1)),
        NewBenefit::in_last_12_months(plan, 1)
            .code_group_num(group(3))
            .treat_area(TreatArea::Tooth),
        NewBenefit::age_limit(plan, group(5), 19),
    ];
    for shape in &shapes {
        let created = od.client.create(shape).await.map_err(|e| e.to_string())?;
        println!(
            "created {:>5}  {}",
            created.benefit_num,
            support::describe(&created)
        );
    }

    let rows = od
        .client
        .list_all(BenefitFilter::Plan(plan))
        .await
        .map_err(|e| e.to_string())?;
    let mut by_group: BTreeMap<Option<CodeGroupNum>, Vec<Benefit>> = BTreeMap::new();
    for row in rows {
        by_group.entry(row.code_group_num).or_default().push(row);
    }
    println!("\nPlan {plan}, by code group:");
    for (group, rows) in &by_group {
        match group {
            Some(g) => println!("code group {g}"),
            None => println!("no code group"),
        }
        support::print_benefits(rows);
    }
    Ok(())
}
