//! Issue 28 §2, continued: limitation exclusions (spec §2.6), the family (§2.2, §2.8), the
//! rows' plan; and each read's version gate and typed answer.
#![cfg(all(feature = "test-util", feature = "od-24-2"))]

use benefits_sdk::Error;
use benefits_sdk::opendental::used::{Counts, Exclusion};
use benefits_sdk::opendental::{
    ClaimProc, ClaimProcStatus, CodeNum, CovCatNum, CovSpan, CovSpanNum, PlanNum, ProcNum,
    ProcedureLog,
};
use serde_json::json;

use crate::common::calls;
use crate::insurance::{MEMBER, PAT_PLAN, PATIENT, benefit, claim, day, dec, office};

fn with_procedure(
    office: &benefits_sdk::mock::MockOpenDental,
    mut row: ClaimProc,
    proc: u64,
    code: (u64, &str),
) -> ClaimProc {
    office.insert_procedure(ProcedureLog::new(
        ProcNum::new(proc),
        row.pat_num,
        CodeNum::new(code.0),
        code.1,
    ));
    row.proc_num = Some(ProcNum::new(proc));
    row
}

#[tokio::test]
async fn a_category_or_code_limitation_keeps_its_procedures_out_of_used() {
    // Spec §2.6, Benefits.LimitationExistsNotGeneral and CovSpans.IsCodeInSpans. Demo office:
    // CovCat 9 Ortho (Orthodontics), 11 Implants (None); codes 36 D8080, 1 D0120, 22 D2740.
    let office = office(0).await;
    office.set_cov_spans([
        CovSpan::new(CovSpanNum::new(1), CovCatNum::new(9), "D8000", "D8999"),
        CovSpan::new(CovSpanNum::new(2), CovCatNum::new(11), "D2000", "D2999"),
    ]);
    office.insert([
        benefit(1, json!({"MonetaryAmt": 1000.0})),
        // An ortho lifetime max.
        benefit(
            2,
            json!({"MonetaryAmt": 1500.0, "CovCatNum": 9, "TimePeriod": "Lifetime"}),
        ),
        // A code-level row with no qualifier (the shape a 271's EB*F with HSD imports as).
        benefit(3, json!({"CodeNum": 1, "procCode": "D0120", "Quantity": 2})),
        // A category linked to None never excludes.
        benefit(4, json!({"MonetaryAmt": 800.0, "CovCatNum": 11})),
    ]);
    let rows = [
        with_procedure(
            &office,
            claim(
                1,
                PATIENT,
                ClaimProcStatus::Received,
                "2025-02-01",
                "300",
                "0",
            ),
            501,
            (36, "D8080"),
        ),
        with_procedure(
            &office,
            claim(
                2,
                PATIENT,
                ClaimProcStatus::NotReceived,
                "2025-03-01",
                "150",
                "0",
            ),
            502,
            (36, "D8080"),
        ),
        with_procedure(
            &office,
            claim(
                3,
                PATIENT,
                ClaimProcStatus::Received,
                "2025-02-02",
                "40",
                "0",
            ),
            503,
            (1, "D0120"),
        ),
        with_procedure(
            &office,
            claim(
                4,
                PATIENT,
                ClaimProcStatus::Received,
                "2025-02-03",
                "500",
                "0",
            ),
            504,
            (22, "D2740"),
        ),
        // An adjustment has no code: never excluded.
        claim(
            5,
            PATIENT,
            ClaimProcStatus::Adjustment,
            "2025-02-04",
            "25",
            "0",
        ),
    ];
    for row in rows {
        office.insert_claim_proc(row);
    }
    let client = office.client();
    let plan = client
        .insurance_summary(PATIENT, day("2025-06-15"))
        .await
        .unwrap()
        .plans
        .remove(0);
    assert_eq!(plan.used, dec("525"));
    assert_eq!(plan.pending, dec("0"));
    assert_eq!(plan.remaining, Some(dec("475")));
    let counts: Vec<_> = plan
        .rows
        .iter()
        .map(|r| (r.claim_proc.get(), r.counts.clone()))
        .collect();
    let ortho = Exclusion::CategoryLimitation {
        benefit: benefits_sdk::opendental::BenefitNum::new(2),
        cov_cat: CovCatNum::new(9),
        span: CovSpanNum::new(1),
    };
    assert_eq!(
        counts,
        [
            (
                1,
                Counts::Excluded {
                    reason: ortho,
                    was_pending: false
                }
            ),
            (
                2,
                Counts::Excluded {
                    reason: ortho,
                    was_pending: true
                }
            ),
            (
                3,
                Counts::Excluded {
                    reason: Exclusion::CodeLimitation {
                        benefit: benefits_sdk::opendental::BenefitNum::new(3)
                    },
                    was_pending: false
                }
            ),
            (4, Counts::Used),
            (5, Counts::Used),
        ]
    );
    assert_eq!(plan.rows[0].proc_code.as_deref(), Some("D8080"));
    // Covcats, covspans and the procedures were read, once each.
    let log = calls(&office.requests());
    for wanted in [
        "GET /api/v1/covcats?Limit=100",
        "GET /api/v1/covspans?Limit=100",
        "GET /api/v1/procedurelogs?PatNum=100&Limit=100",
    ] {
        assert_eq!(
            log.iter().filter(|c| *c == wanted).count(),
            1,
            "{wanted}: {log:?}"
        );
    }
}

#[tokio::test]
async fn no_limitation_that_could_exclude_means_no_spans_or_procedures_read() {
    let office = office(0).await;
    office.insert([benefit(1, json!({"MonetaryAmt": 1000.0}))]);
    office
        .client()
        .insurance_summary(PATIENT, day("2025-06-15"))
        .await
        .unwrap();
    let log = calls(&office.requests());
    assert!(
        log.iter().all(|c| !c.contains("covspans")
            && !c.contains("procedurelogs")
            && !c.contains("covcats")),
        "{log:?}"
    );
}

#[tokio::test]
async fn the_family_deductible_caps_the_individual_one_and_family_rows_are_read_only_then() {
    // Spec §2.2 and §2.8, InsPlans.GetDedRemainDisplay.
    let office = office(0).await;
    office.insert([
        benefit(1, json!({"BenefitType": "Deductible", "MonetaryAmt": 50.0})),
        benefit(
            2,
            json!({"BenefitType": "Deductible", "MonetaryAmt": 150.0, "CoverageLevel": "Family"}),
        ),
        benefit(3, json!({"MonetaryAmt": 1000.0})),
    ]);
    office.insert_claim_proc(claim(
        1,
        PATIENT,
        ClaimProcStatus::Received,
        "2025-02-01",
        "100",
        "10",
    ));
    office.insert_claim_proc(claim(
        2,
        MEMBER,
        ClaimProcStatus::Received,
        "2025-02-01",
        "400",
        "130",
    ));
    let client = office.client();
    let plan = client
        .insurance_summary(PATIENT, day("2025-06-15"))
        .await
        .unwrap()
        .plans
        .remove(0);
    assert!(plan.family_rows_read);
    // Used stays the patient's own.
    assert_eq!(plan.used, dec("100"));
    assert_eq!(plan.deductible_used, dec("10"));
    assert_eq!(plan.family_deductible_used, dec("140"));
    assert_eq!(plan.deductible_remaining, Some(dec("40")));
    assert_eq!(plan.family_deductible_remaining, Some(dec("10")));
    assert_eq!(plan.deductible_remaining_shown, Some(dec("10")));
    assert_eq!(plan.rows[1].counts, Counts::FamilyDeductibleOnly);
    let log = calls(&office.requests());
    assert!(
        log.contains(&"GET /api/v1/patplans?InsSubNum=30&Limit=100".to_owned()),
        "{log:?}"
    );
    assert!(
        log.contains(&"GET /api/v1/claimprocs?PatNum=101&Limit=100".to_owned()),
        "{log:?}"
    );

    // With no Family benefit, the member's rows are neither read nor counted.
    let office = crate::insurance::office(0).await;
    office.insert([benefit(
        1,
        json!({"BenefitType": "Deductible", "MonetaryAmt": 50.0}),
    )]);
    office.insert_claim_proc(claim(
        2,
        MEMBER,
        ClaimProcStatus::Received,
        "2025-02-01",
        "400",
        "30",
    ));
    let plan = office
        .client()
        .insurance_summary(PATIENT, day("2025-06-15"))
        .await
        .unwrap()
        .plans
        .remove(0);
    assert!(!plan.family_rows_read);
    assert!(plan.rows.is_empty());
    assert_eq!(plan.deductible_remaining_shown, Some(dec("50")));
    let log = calls(&office.requests());
    assert!(
        log.iter()
            .all(|c| !c.contains("patplans") && !c.contains("PatNum=101")),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_family_deductible_alone_shows_no_remaining_and_the_highest_deductible_wins() {
    // Spec §2.8: with no individual deductible Open Dental shows nothing; the highest amount.
    let office = office(0).await;
    office.insert([benefit(
        1,
        json!({"BenefitType": "Deductible", "MonetaryAmt": 150.0, "CoverageLevel": "Family"}),
    )]);
    let plan = office
        .client()
        .insurance_summary(PATIENT, day("2025-06-15"))
        .await
        .unwrap()
        .plans
        .remove(0);
    assert_eq!(plan.deductible_remaining_shown, None);
    assert_eq!(plan.family_deductible_remaining, Some(dec("150")));
    let office = crate::insurance::office(0).await;
    office.insert([
        benefit(1, json!({"BenefitType": "Deductible", "MonetaryAmt": 50.0})),
        benefit(2, json!({"BenefitType": "Deductible", "MonetaryAmt": 75.0})),
    ]);
    let plan = office
        .client()
        .insurance_summary(PATIENT, day("2025-06-15"))
        .await
        .unwrap()
        .plans
        .remove(0);
    assert_eq!(
        plan.deductible.map(|d| (d.amount, d.benefit.get())),
        Some((dec("75"), 2))
    );
}

#[tokio::test]
async fn a_row_counts_for_the_patient_plans_plan_and_subscription_only() {
    // Spec §2.2: PlanNum = the PatPlan's plan, whatever the row says; another subscription's
    // rows do not count.
    let office = office(0).await;
    office.insert([benefit(1, json!({"MonetaryAmt": 1000.0}))]);
    let mut other_plan = claim(
        1,
        PATIENT,
        ClaimProcStatus::Received,
        "2025-02-01",
        "100",
        "0",
    );
    other_plan.plan_num = Some(PlanNum::new(99));
    let mut other_sub = claim(
        2,
        PATIENT,
        ClaimProcStatus::Received,
        "2025-02-01",
        "70",
        "0",
    );
    other_sub.ins_sub_num = Some(benefits_sdk::opendental::InsSubNum::new(31));
    office.insert_claim_proc(other_plan);
    office.insert_claim_proc(other_sub);
    let plan = office
        .client()
        .insurance_summary(PATIENT, day("2025-06-15"))
        .await
        .unwrap()
        .plans
        .remove(0);
    assert_eq!(plan.used, dec("100"));
}

// --- versions and member data -------------------------------------------------------------

#[tokio::test]
async fn each_read_is_gated_by_its_version_before_sending_and_by_the_office() {
    use benefits_sdk::opendental::ClaimProcStatus as S;
    let office = office(0).await;
    let at = |v: &str| {
        office
            .client_builder()
            .server_version(v.parse().unwrap())
            .build()
            .unwrap()
    };
    let client = at("22.2.32");
    let e = client.claim_procs(PATIENT).await.unwrap_err();
    assert!(
        matches!(e, Error::Unsupported(ref u) if u.what == "GET /claimprocs"),
        "{e:?}"
    );
    let e = at("24.4.12")
        .claim_procs_with_status(PATIENT, S::Received)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Unsupported(ref u) if u.what == "Status on GET /claimprocs"),
        "{e:?}"
    );
    let e = at("24.1.18").cov_spans().await.unwrap_err();
    assert!(
        matches!(e, Error::Unsupported(ref u) if u.what == "GET /covspans"),
        "{e:?}"
    );
    let e = at("22.4.26").pat_plans_of(PATIENT).await.unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e:?}");
    assert!(office.requests().is_empty());
    // A client that does not know the version sends; the office answers 400.
    office.set_version(Some("24.4.12.0"));
    let client = office.client();
    let e = client
        .claim_procs_with_status(PATIENT, S::Received)
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    assert!(client.claim_procs(PATIENT).await.is_ok());
    office.set_version(Some("24.1.18.0"));
    let e = client.cov_spans().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn the_status_filter_and_the_typed_reads_answer_as_the_office_holds() {
    use benefits_sdk::opendental::ClaimProcStatus as S;
    let office = office(0).await;
    office.insert_claim_proc(claim(1, PATIENT, S::Received, "2025-02-01", "10", "0"));
    office.insert_claim_proc(claim(2, PATIENT, S::NotReceived, "2025-02-01", "20", "0"));
    office.insert_claim_proc(claim(3, MEMBER, S::Received, "2025-02-01", "30", "0"));
    let client = office.client();
    let received = client
        .claim_procs_with_status(PATIENT, S::Received)
        .await
        .unwrap();
    assert_eq!(
        received
            .iter()
            .map(|c| c.claim_proc_num.get())
            .collect::<Vec<_>>(),
        [1]
    );
    assert_eq!(received[0].ins_pay_amt, dec("10"));
    let coverage = client.coverage(PATIENT).await.unwrap();
    assert_eq!(coverage.len(), 1);
    assert_eq!(
        (coverage[0].pat_plan_num, coverage[0].plan_num),
        (PAT_PLAN, crate::insurance::PLAN)
    );
    // The office's names and IDs are never read, so never printed.
    let printed = format!(
        "{coverage:?} {:?}",
        client.ins_sub(crate::insurance::SUB).await.unwrap()
    );
    assert!(
        !printed.contains("Placeholder") && !printed.contains("PLACEHOLDER"),
        "{printed}"
    );
    let family = client.family_members(PATIENT).await.unwrap();
    assert_eq!(
        family.iter().map(|m| m.pat_num).collect::<Vec<_>>(),
        [PATIENT, MEMBER]
    );
    assert!(!format!("{family:?}").contains("Placeholder"));
    let on_sub = client.pat_plans_on(crate::insurance::SUB).await.unwrap();
    assert_eq!(on_sub.len(), 2);
    let subs = client.ins_subs_of(crate::insurance::PLAN).await.unwrap();
    assert_eq!(
        subs.iter().map(|s| s.ins_sub_num).collect::<Vec<_>>(),
        [crate::insurance::SUB]
    );
    assert!(
        client
            .ins_subs_of(PlanNum::new(99))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/claimprocs?PatNum=100&Status=Received&Limit=100",
            "GET /api/v1/familymodules/100/Insurance",
            "GET /api/v1/inssubs/30",
            "GET /api/v1/patients/Simple?Guarantor=100&Limit=100",
            "GET /api/v1/patplans?InsSubNum=30&Limit=100",
            "GET /api/v1/inssubs?PlanNum=12&Limit=100",
            "GET /api/v1/inssubs?PlanNum=99&Limit=100",
        ]
    );
}
