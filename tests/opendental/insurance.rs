//! Issue 28 §1–2: insurance used, pending and remaining against the fake office. Each rule of
//! Open Dental's display (spec `opendental-insurance-used-notes.md` §2) has a table test; a
//! property test checks the summary against a recomputation written here from the spec; the
//! fake's InsAdjust netting is checked against the vendor page's examples.
#![cfg(all(feature = "test-util", feature = "od-24-2"))]

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::used::{Counts, PlanUsed};
use benefits_sdk::opendental::{
    Benefit, BenefitsClient, ClaimProc, ClaimProcNum, ClaimProcStatus, InsPlan, InsSub, InsSubNum,
    PatNum, PatPlan, PatPlanNum, PlanNum,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::common::calls;

pub(crate) const PATIENT: PatNum = PatNum::new(100);
pub(crate) const MEMBER: PatNum = PatNum::new(101);
pub(crate) const PLAN: PlanNum = PlanNum::new(12);
pub(crate) const SUB: InsSubNum = InsSubNum::new(30);
pub(crate) const PAT_PLAN: PatPlanNum = PatPlanNum::new(40);
pub(crate) const MEMBER_PAT_PLAN: PatPlanNum = PatPlanNum::new(41);

pub(crate) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(crate) fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// An office with one plan (MonthRenew `month_renew`), the subscriber PATIENT and a family
/// member MEMBER on one subscription, and no benefits or claims.
pub(crate) async fn office(month_renew: u8) -> MockOpenDental {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, month_renew));
    office.insert_patient(PATIENT, PATIENT);
    office.insert_patient(MEMBER, PATIENT);
    office.insert_ins_sub(InsSub::new(SUB, PLAN, PATIENT));
    office.insert_pat_plan(PatPlan::new(PAT_PLAN, PATIENT, 1, SUB));
    office.insert_pat_plan(PatPlan::new(MEMBER_PAT_PLAN, MEMBER, 1, SUB));
    office
}

/// A benefit row of the plan: a yearly individual limitation with no amount, category or
/// code, changed by `fields`.
pub(crate) fn benefit(num: u64, fields: Value) -> Benefit {
    let mut row = json!({
        "BenefitNum": num, "PlanNum": PLAN.get(), "PatPlanNum": 0, "CovCatNum": 0,
        "BenefitType": "Limitations", "Percent": -1, "MonetaryAmt": -1.0,
        "TimePeriod": "CalendarYear", "QuantityQualifier": "None", "Quantity": 0,
        "CodeNum": 0, "procCode": "", "CoverageLevel": "Individual",
    });
    for (k, v) in fields.as_object().unwrap() {
        row[k] = v.clone();
    }
    serde_json::from_value(row).unwrap()
}

/// A claim procedure of the subscription and plan.
pub(crate) fn claim(
    num: u64,
    patient: PatNum,
    status: ClaimProcStatus,
    date: &str,
    amount: &str,
    ded: &str,
) -> ClaimProc {
    let mut row = ClaimProc::new(ClaimProcNum::new(num), patient, status.clone());
    row.plan_num = Some(PLAN);
    row.ins_sub_num = Some(SUB);
    row.proc_date = Some(day(date));
    if status == ClaimProcStatus::NotReceived {
        row.ins_pay_est = dec(amount);
    } else {
        row.ins_pay_amt = dec(amount);
    }
    row.ded_applied = dec(ded);
    row
}

async fn summary(client: &BenefitsClient, as_of: &str) -> PlanUsed {
    let mut s = client.insurance_summary(PATIENT, day(as_of)).await.unwrap();
    assert_eq!(s.plans.len(), 1);
    s.plans.remove(0)
}

fn max(amount: &str) -> Value {
    json!({ "MonetaryAmt": amount.parse::<f64>().unwrap() })
}

#[tokio::test]
async fn a_simple_patient_is_five_exact_requests_and_the_second_four() {
    let office = office(0).await;
    office.insert([benefit(1, max("1000"))]);
    office.insert_claim_proc(claim(
        1,
        PATIENT,
        ClaimProcStatus::Received,
        "2025-02-01",
        "200",
        "0",
    ));
    let client = office.client();
    let plan = summary(&client, "2025-06-15").await;
    assert_eq!(plan.used, dec("200"));
    assert_eq!(plan.remaining, Some(dec("800")));
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/familymodules/100/Insurance",
            "GET /api/v1/insplans/12",
            "GET /api/v1/benefits?PlanNum=12&Limit=100",
            "GET /api/v1/benefits?PatPlanNum=40&Limit=100",
            "GET /api/v1/claimprocs?PatNum=100&Limit=100",
        ]
    );
    office.reset_log();
    summary(&client, "2025-06-15").await;
    // The plan is cached.
    assert_eq!(office.requests().len(), 4);
}

#[tokio::test]
async fn the_benefit_year_is_the_plans_month_renew_window() {
    // Spec §2.1, BenefitLogic.ComputeRenewDate: MonthRenew 7.
    let office = office(7).await;
    office.insert([benefit(1, max("1000"))]);
    for (num, date) in [
        (1, "2024-06-30"),
        (2, "2024-07-01"),
        (3, "2025-06-30"),
        (4, "2025-07-01"),
    ] {
        office.insert_claim_proc(claim(
            num,
            PATIENT,
            ClaimProcStatus::Received,
            date,
            "10",
            "0",
        ));
    }
    let client = office.client();
    let cases = [
        ("2025-06-15", "2024-07-01", "2025-07-01", "20", vec![2, 3]),
        ("2025-07-01", "2025-07-01", "2026-07-01", "10", vec![4]),
        // A row dated after the as-of day but inside the window counts.
        ("2024-07-02", "2024-07-01", "2025-07-01", "20", vec![2, 3]),
    ];
    for (as_of, start, end, used, rows) in cases {
        let plan = summary(&client, as_of).await;
        assert_eq!(
            (plan.window.start, plan.window.end),
            (day(start), day(end)),
            "{as_of}"
        );
        assert_eq!(plan.used, dec(used), "{as_of}");
        let got: Vec<u64> = plan.rows.iter().map(|r| r.claim_proc.get()).collect();
        assert_eq!(got, rows, "{as_of}");
    }
    // MonthRenew 0: the calendar year.
    let calendar = office_with_renew(0).await;
    let plan = summary(&calendar.client(), "2025-06-15").await;
    assert_eq!(
        (plan.window.start, plan.window.end),
        (day("2025-01-01"), day("2026-01-01"))
    );
}

async fn office_with_renew(month_renew: u8) -> MockOpenDental {
    let office = office(month_renew).await;
    office.insert([benefit(1, max("1000"))]);
    office
}

/// Benefit rows, and the max they give (amount, row).
type Case<'a> = (&'a [(u64, Value)], Option<(&'a str, u64)>);

#[tokio::test]
async fn the_lowest_annual_max_wins_after_rows_with_no_category() {
    // Spec §2.5, Benefits.GetAnnualMaxDisplay. Category 13 is General in the demo office.
    let table: [Case<'_>; 5] = [
        // A $1000 General-category row loses to a $1500 row with no category.
        (
            &[
                (1, json!({"MonetaryAmt": 1000.0, "CovCatNum": 13})),
                (2, max("1500")),
            ],
            Some(("1500", 2)),
        ),
        // Among rows with no category, the lowest.
        (&[(1, max("1500")), (2, max("1200"))], Some(("1200", 2))),
        // An empty amount with no category sorts first and blanks the max.
        (&[(1, max("1500")), (2, json!({"MonetaryAmt": -1.0}))], None),
        // A code, a non-General category, a lifetime period or a Family level is no individual max.
        (
            &[
                (1, json!({"MonetaryAmt": 500.0, "CodeNum": 1})),
                (2, json!({"MonetaryAmt": 400.0, "CovCatNum": 9})),
                (3, json!({"MonetaryAmt": 300.0, "TimePeriod": "Lifetime"})),
                (4, json!({"MonetaryAmt": 200.0, "CoverageLevel": "Family"})),
                (
                    5,
                    json!({"MonetaryAmt": 100.0, "QuantityQualifier": "NumberOfServices"}),
                ),
            ],
            None,
        ),
        // A patient-plan override takes part like a plan row.
        (
            &[
                (1, max("1500")),
                (
                    2,
                    json!({"MonetaryAmt": 900.0, "PlanNum": 0, "PatPlanNum": 40}),
                ),
            ],
            Some(("900", 2)),
        ),
    ];
    for (rows, want) in table {
        let office = office(0).await;
        office.insert(rows.iter().map(|(n, v)| benefit(*n, v.clone())));
        let plan = summary(&office.client(), "2025-06-15").await;
        let got = plan.annual_max.map(|m| (m.amount, m.benefit.get()));
        assert_eq!(got, want.map(|(a, n)| (dec(a), n)), "{rows:?}");
        assert_eq!(plan.remaining, want.map(|(a, _)| dec(a)));
    }
}

#[tokio::test]
async fn statuses_count_as_open_dental_counts_them() {
    // Spec §2.3: NotReceived is pending (its estimate), not used; InsHist never counts in used
    // or pending but counts for the deductible; Preauth and Estimate count for nothing.
    let office = office(0).await;
    office.insert([
        benefit(1, max("1000")),
        benefit(2, json!({"BenefitType": "Deductible", "MonetaryAmt": 50.0})),
    ]);
    let rows = [
        claim(
            1,
            PATIENT,
            ClaimProcStatus::Received,
            "2025-02-01",
            "100",
            "10",
        ),
        claim(
            2,
            PATIENT,
            ClaimProcStatus::Supplemental,
            "2025-02-02",
            "20",
            "0",
        ),
        claim(
            3,
            PATIENT,
            ClaimProcStatus::Adjustment,
            "2025-02-03",
            "-5",
            "0",
        ),
        claim(
            4,
            PATIENT,
            ClaimProcStatus::NotReceived,
            "2025-02-04",
            "300",
            "15",
        ),
        claim(
            5,
            PATIENT,
            ClaimProcStatus::InsHist,
            "2025-02-05",
            "999",
            "20",
        ),
        claim(
            6,
            PATIENT,
            ClaimProcStatus::Preauth,
            "2025-02-06",
            "999",
            "7",
        ),
        claim(
            7,
            PATIENT,
            ClaimProcStatus::Estimate,
            "2025-02-07",
            "999",
            "7",
        ),
    ];
    for row in rows {
        office.insert_claim_proc(row);
    }
    let plan = summary(&office.client(), "2025-06-15").await;
    assert_eq!(plan.used, dec("115"));
    assert_eq!(plan.pending, dec("300"));
    assert_eq!(plan.remaining, Some(dec("585")));
    assert_eq!(plan.deductible_used, dec("45"));
    assert_eq!(plan.deductible_remaining, Some(dec("5")));
    let counts: Vec<(u64, Counts)> = plan
        .rows
        .iter()
        .map(|r| (r.claim_proc.get(), r.counts.clone()))
        .collect();
    assert_eq!(
        counts,
        [
            (1, Counts::Used),
            (2, Counts::Used),
            (3, Counts::Used),
            (4, Counts::Pending),
            (5, Counts::DeductibleOnly),
        ]
    );
}

#[tokio::test]
async fn remaining_is_never_below_zero_and_blank_with_no_individual_max() {
    // Spec §2.7.
    let office = office(0).await;
    office.insert([benefit(1, max("100"))]);
    office.insert_claim_proc(claim(
        1,
        PATIENT,
        ClaimProcStatus::Received,
        "2025-02-01",
        "80",
        "0",
    ));
    office.insert_claim_proc(claim(
        2,
        PATIENT,
        ClaimProcStatus::NotReceived,
        "2025-03-01",
        "50",
        "0",
    ));
    let plan = summary(&office.client(), "2025-06-15").await;
    assert_eq!(plan.remaining, Some(Decimal::ZERO));
    let office = office_family_max_only().await;
    let plan = summary(&office.client(), "2025-06-15").await;
    assert_eq!(plan.annual_max, None);
    assert_eq!(plan.family_max.map(|m| m.amount), Some(dec("3000")));
    assert_eq!(plan.remaining, None);
}

async fn office_family_max_only() -> MockOpenDental {
    let office = office(0).await;
    office.insert([benefit(
        1,
        json!({"MonetaryAmt": 3000.0, "CoverageLevel": "Family"}),
    )]);
    office
}

/// Requests one summary sends, by route (BENCHMARKS.md, "Insurance used: requests per
/// patient").
fn count(office: &MockOpenDental) -> usize {
    let n = office.requests().len();
    office.reset_log();
    n
}

#[tokio::test]
async fn requests_per_patient_stay_few_and_office_lookups_are_read_once() {
    // A: one plan, an annual max, no limitation by code or category, no Family benefit.
    let office = office(0).await;
    office.insert([benefit(1, max("1000"))]);
    let client = office.client();
    summary(&client, "2025-06-15").await;
    summary(&client, "2025-06-15").await;
    let plain = office.requests().len();
    assert_eq!(plain, 5 + 4);
    office.reset_log();

    // B: plus an ortho lifetime max (covcats, covspans, procedures) and a Family deductible
    // (the subscription's patient plans and the other member's claims).
    office.insert([
        benefit(
            2,
            json!({"MonetaryAmt": 1500.0, "CovCatNum": 9, "TimePeriod": "Lifetime"}),
        ),
        benefit(
            3,
            json!({"BenefitType": "Deductible", "MonetaryAmt": 150.0, "CoverageLevel": "Family"}),
        ),
    ]);
    let client = office.client();
    summary(&client, "2025-06-15").await;
    assert_eq!(count(&office), 5 + 3 + 2);
    summary(&client, "2025-06-15").await;
    // The plan, covcats and covspans are cached.
    assert_eq!(count(&office), 4 + 1 + 2);

    // C: 250 claim procedures of the patient: three overlapping pages of 100.
    let office = office_with_renew(0).await;
    for n in 1..=250 {
        office.insert_claim_proc(claim(
            n,
            PATIENT,
            ClaimProcStatus::Estimate,
            "2025-02-01",
            "1",
            "0",
        ));
    }
    let client = office.client();
    summary(&client, "2025-06-15").await;
    let log = calls(&office.requests());
    assert_eq!(
        log.iter().filter(|c| c.contains("claimprocs")).count(),
        3,
        "{log:?}"
    );
    assert_eq!(log.len(), 5 + 2);
    office.reset_log();
    summary(&client, "2025-06-15").await;
    assert_eq!(count(&office), 4 + 2);
}
