//! The main jobs of both clients, end to end.
//!
//! ```text
//! cargo run --example quickstart --features test-util
//! ```
//!
//! With no environment it starts the built-in fakes of both APIs and runs against them. With
//! `OPENDENTAL_DEVELOPER_KEY` and `OPENDENTAL_CUSTOMER_KEY` (and `OPENDENTAL_BASE_URL` for the
//! Local API or API Service) it reads a real office's plan (`--plan N`), and writes to it only
//! with `--allow-writes`. With `CERVEY_APP_ID` and `CERVEY_API_KEY` it checks a real member
//! (`--member N`).

mod support;

use std::process::ExitCode;

use benefits_sdk::cervey::{BenefitCheckQuery, MemberNo};
use benefits_sdk::opendental::{
    BenefitFilter, BenefitUpdate, CodeGroupNum, NewBenefit, PlanNum, TreatArea,
};
use chrono::Utc;
use support::{DEMO_MEMBER, DEMO_PLAN};

#[tokio::main]
async fn main() -> ExitCode {
    support::exit_with(run().await)
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let allow_writes = args.iter().any(|a| a == "--allow-writes");
    let plan: Option<u64> = support::flag(&args, "--plan")?;
    let member: Option<u64> = support::flag(&args, "--member")?;
    let today = Utc::now().date_naive();

    // Open Dental: a plan's benefits, then a frequency limitation created, changed, removed.
    let od = support::open_dental(Some(PlanNum::new(DEMO_PLAN))).await?;
    let plan = match (plan, od.is_fake()) {
        (Some(p), _) => PlanNum::new(p),
        (None, true) => PlanNum::new(DEMO_PLAN),
        (None, false) => return Err("pass --plan N to read a real office's plan".to_owned()),
    };
    let benefits = od
        .client
        .list_all(BenefitFilter::Plan(plan))
        .await
        .map_err(|e| e.to_string())?;
    println!("\nPlan {plan}: {} benefits", benefits.len());
    support::print_benefits(&benefits);

    if od.is_fake() || allow_writes {
        let bitewings = NewBenefit::every_n_months(plan, 6)
            .code_group_num(CodeGroupNum::new(3))
            .treat_area(TreatArea::Mouth);
        let created = od
            .client
            .create(&bitewings)
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "\nCreated   {:>6}  {}",
            created.benefit_num,
            support::describe(&created)
        );
        let updated = od
            .client
            .update(created.benefit_num, &BenefitUpdate::new().quantity_only(12))
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "Updated   {:>6}  {}",
            updated.benefit_num,
            support::describe(&updated)
        );
        od.client
            .delete(created.benefit_num)
            .await
            .map_err(|e| e.to_string())?;
        println!("Deleted   {:>6}", created.benefit_num);
    } else {
        println!("\nSkipping create/update/delete on a real office (pass --allow-writes).");
    }

    // Cervey: where the member stands against the deductible and out-of-pocket maximum.
    let member = MemberNo::new(member.unwrap_or(DEMO_MEMBER));
    let cervey = support::cervey(member, today).await?;
    if cervey.fake.is_none() && member.get() == DEMO_MEMBER && !args.iter().any(|a| a == "--member")
    {
        return Err("pass --member N to check a real member".to_owned());
    }
    let check = cervey
        .client
        .benefit_check(&BenefitCheckQuery::new(member).date_of_service(today))
        .await
        .map_err(|e| e.to_string())?;
    println!("\nBenefit check as of {today}");
    support::print_check(&check, today);
    Ok(())
}
