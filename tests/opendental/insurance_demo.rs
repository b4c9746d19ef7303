//! Issue 28 §4: the demo family (`demo::seed_insurance`) shows every figure of the summary,
//! with the amounts its doc gives.
#![cfg(all(feature = "test-util", feature = "od-24-2"))]

use benefits_sdk::mock::{MockOpenDental, demo};
use benefits_sdk::opendental::used::{Counts, Exclusion, PlanUsed};
use benefits_sdk::opendental::{
    BenefitType, CovCatNum, CoverageLevel, InsPlan, PatNum, PatPlanNum, PlanNum, TimePeriod,
};

use crate::insurance::{day, dec};

const PLAN: PlanNum = PlanNum::new(12);

/// The demo office as `benefits --demo` sets it up, with `today` as the demo's today.
async fn demo_office(today: &str) -> MockOpenDental {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, 0));
    for benefit in demo::plan_benefits(PLAN) {
        office.seed(&benefit);
    }
    demo::seed_insurance(&office, PLAN, day(today));
    office
}

async fn primary(office: &MockOpenDental, as_of: &str) -> PlanUsed {
    let client = office.client();
    let mut summary = client
        .insurance_summary(PatNum::new(1001), day(as_of))
        .await
        .unwrap();
    assert_eq!(summary.plans.len(), 1);
    summary.plans.remove(0)
}

#[tokio::test]
async fn the_demo_family_shows_every_figure() {
    let office = demo_office("2026-06-15").await;
    let plan = primary(&office, "2026-06-15").await;
    assert_eq!(plan.pat_plan, PatPlanNum::new(7));
    assert_eq!(plan.ordinal, 1);
    assert_eq!(
        (plan.window.start, plan.window.end),
        (day("2026-01-01"), day("2027-01-01"))
    );
    assert_eq!(plan.annual_max.map(|m| m.amount), Some(dec("1500")));
    assert_eq!(plan.family_max, None);
    assert_eq!(plan.used, dec("374.50"));
    assert_eq!(plan.pending, dec("64.00"));
    assert_eq!(plan.remaining, Some(dec("1061.50")));
    assert_eq!(plan.deductible.map(|d| d.amount), Some(dec("50")));
    assert_eq!(plan.family_deductible.map(|d| d.amount), Some(dec("150")));
    assert_eq!(plan.deductible_used, dec("30"));
    assert_eq!(plan.family_deductible_used, dec("80"));
    assert_eq!(plan.deductible_remaining, Some(dec("20")));
    assert_eq!(plan.family_deductible_remaining, Some(dec("70")));
    assert_eq!(plan.deductible_remaining_shown, Some(dec("20")));
    assert!(plan.family_rows_read);

    // Every kind of row: InsHist, used, excluded (ortho), pending, the family member's.
    let rows: Vec<(u64, Counts)> = plan
        .rows
        .iter()
        .map(|r| (r.claim_proc.get(), r.counts.clone()))
        .collect();
    let ortho = office
        .benefits()
        .into_iter()
        .find(|b| b.time_period == TimePeriod::Lifetime)
        .unwrap();
    assert_eq!(ortho.benefit_type, BenefitType::Limitations);
    assert_eq!(ortho.cov_cat_num, Some(CovCatNum::new(9)));
    let Counts::Excluded {
        reason: Exclusion::CategoryLimitation {
            benefit, cov_cat, ..
        },
        was_pending: false,
    } = &rows[3].1
    else {
        panic!("{rows:?}");
    };
    assert_eq!((*benefit, *cov_cat), (ortho.benefit_num, CovCatNum::new(9)));
    let kinds: Vec<(u64, Option<&Counts>)> = rows
        .iter()
        .map(|(n, c)| (*n, (!matches!(c, Counts::Excluded { .. })).then_some(c)))
        .collect();
    assert_eq!(
        kinds,
        [
            (101, Some(&Counts::DeductibleOnly)),
            (102, Some(&Counts::Used)),
            (103, Some(&Counts::Used)),
            (104, None),
            (105, Some(&Counts::Pending)),
            (106, Some(&Counts::FamilyDeductibleOnly)),
            (107, Some(&Counts::FamilyDeductibleOnly)),
        ]
    );
    let family = office
        .benefits()
        .into_iter()
        .find(|b| b.coverage_level == CoverageLevel::Family)
        .unwrap();
    assert_eq!(
        plan.family_deductible.map(|d| d.benefit),
        Some(family.benefit_num)
    );
}

#[tokio::test]
async fn last_year_holds_last_years_claims() {
    let office = demo_office("2026-06-15").await;
    let plan = primary(&office, "2025-06-15").await;
    assert_eq!(plan.window.start, day("2025-01-01"));
    assert_eq!(plan.used, dec("222"));
    assert_eq!(plan.pending, dec("0"));
    assert_eq!(plan.remaining, Some(dec("1278")));
    assert_eq!(plan.deductible_remaining_shown, Some(dec("0")));
    assert_eq!(plan.family_deductible_remaining, Some(dec("100")));
    let nums: Vec<u64> = plan.rows.iter().map(|r| r.claim_proc.get()).collect();
    assert_eq!(nums, [91, 92]);
}

#[tokio::test]
async fn early_in_the_year_no_row_is_after_today_and_the_figures_hold() {
    let office = demo_office("2026-01-20").await;
    let plan = primary(&office, "2026-01-20").await;
    assert!(
        plan.rows
            .iter()
            .all(|r| r.proc_date <= day("2026-01-20") && r.proc_date >= day("2026-01-01")),
        "{:?}",
        plan.rows
    );
    assert_eq!(plan.rows.len(), 7);
    assert_eq!(plan.used, dec("374.50"));
    assert_eq!(plan.remaining, Some(dec("1061.50")));
    assert_eq!(plan.deductible_remaining_shown, Some(dec("20")));
}
