//! Keeps a plan's benefits in step with a carrier's: shows the dry-run diff, applies it with a
//! progress line, then shows that planning again finds nothing to do.
//!
//! ```text
//! cargo run --example sync_plan --features test-util
//! ```
//!
//! Against a real office (`OPENDENTAL_DEVELOPER_KEY`, `OPENDENTAL_CUSTOMER_KEY`) it needs
//! `--plan N --allow-writes`; `--deletes` also deletes the rows the carrier's data does not
//! have. Category and code group numbers are resolved from the office's own lookups.

mod support;

use std::process::ExitCode;

use benefits_sdk::opendental::{
    ApplyOptions, BenefitShape, CodeGroupFixed, CoverageLevel, DiffOptions, EbenefitCategory,
    Frequency, FrequencyLimit, PlanNum, Scope, Terms, TreatArea,
};
use rust_decimal::Decimal;
use support::DEMO_PLAN;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit_with(run().await)
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plan = PlanNum::new(support::flag(&args, "--plan")?.unwrap_or(DEMO_PLAN));
    let od = support::open_dental(Some(plan)).await?;
    if !od.is_fake() && !args.iter().any(|a| a == "--allow-writes") {
        return Err("this example writes benefits: pass --plan N --allow-writes".to_owned());
    }
    let client = &od.client;
    let fail = |e: benefits_sdk::Error| e.to_string();

    // The carrier's data, in the office's own numbers.
    let category = |c| async move { client.cov_cat_for(c).await.map(|c| c.cov_cat_num) };
    let group = |g| async move { client.code_group_for(g).await.map(|g| g.code_group_num) };
    let coinsurance = |percent, category| BenefitShape::Coinsurance {
        percent,
        terms: Terms::new(Scope::Category(category)),
    };
    let frequency = |frequency, group, area| {
        let mut limit = FrequencyLimit::new(frequency, Scope::CodeGroup(group));
        limit.treat_area = area;
        BenefitShape::Frequency(limit)
    };
    let crown = client.code_group_named("Crown").await.map_err(fail)?;
    let per_person = Terms::new(Scope::General).level(CoverageLevel::Individual);
    let desired = vec![
        coinsurance(
            100,
            category(EbenefitCategory::Diagnostic).await.map_err(fail)?,
        ),
        coinsurance(
            100,
            category(EbenefitCategory::RoutinePreventive)
                .await
                .map_err(fail)?,
        ),
        coinsurance(
            70,
            category(EbenefitCategory::Restorative)
                .await
                .map_err(fail)?,
        ),
        coinsurance(
            50,
            category(EbenefitCategory::Prosthodontics)
                .await
                .map_err(fail)?,
        ),
        coinsurance(50, category(EbenefitCategory::Crowns).await.map_err(fail)?),
        BenefitShape::Deductible {
            amount: Decimal::new(50, 0),
            terms: per_person.clone(),
        },
        BenefitShape::Maximum {
            amount: Decimal::new(2000, 0),
            terms: per_person,
        },
        frequency(
            Frequency::PerBenefitYear(2, None),
            group(CodeGroupFixed::Exam).await.map_err(fail)?,
            TreatArea::None,
        ),
        frequency(
            Frequency::PerBenefitYear(2, None),
            group(CodeGroupFixed::Prophy).await.map_err(fail)?,
            TreatArea::None,
        ),
        frequency(
            Frequency::InLast12Months(1),
            group(CodeGroupFixed::BW).await.map_err(fail)?,
            TreatArea::None,
        ),
        frequency(
            Frequency::EveryYears(5),
            crown.code_group_num,
            TreatArea::Tooth,
        ),
    ];

    let options = DiffOptions::new().deletes(args.iter().any(|a| a == "--deletes"));
    let names = client.names().await.map_err(fail)?;
    let diff = client
        .diff_with(plan.into(), desired.clone(), options)
        .await
        .map_err(fail)?;
    println!("\nDry run:\n{}", diff.display_with(&names));

    let report = client
        .apply_with(
            &diff,
            ApplyOptions::new().progress(|p| {
                println!(
                    "  {}/{} written, about {:.0?} left",
                    p.handled, p.total, p.eta
                )
            }),
        )
        .await
        .map_err(fail)?;
    println!("Applied: {report}");
    for (write, error) in &report.failed {
        println!("  failed: {write:?}: {error}");
    }

    let again = client
        .diff_with(plan.into(), desired, options)
        .await
        .map_err(fail)?;
    println!("\nPlanning again:\n{}", again.display_with(&names));
    if again.writes() != 0 {
        return Err("the second plan should have nothing to write".to_owned());
    }
    Ok(())
}
