//! Issue 28 §1: the fake's `PUT /claimprocs/InsAdjust` netting against the vendor page's
//! examples (`apiclaimprocs`), and the client's `set_insurance_used`: validated before
//! sending, sent once, its 200 saying nothing.
#![cfg(all(feature = "test-util", feature = "od-24-2"))]

use benefits_sdk::Error;
use benefits_sdk::opendental::{ClaimProc, ClaimProcStatus, InsAdjust, PatPlanNum};
use serde_json::json;

use crate::common::calls;
use crate::insurance::{PAT_PLAN, PATIENT, benefit, claim, day, dec, office};

#[tokio::test]
async fn insadjust_nets_the_vendor_pages_examples() {
    // apiclaimprocs: "$200 of payments + insUsed 300 → a $100 adjustment"; "insUsed equal to the
    // payments → an existing adjustment is deleted".
    let office = office(0).await;
    office.insert_claim_proc(claim(
        1,
        PATIENT,
        ClaimProcStatus::Received,
        "2025-02-01",
        "150",
        "0",
    ));
    office.insert_claim_proc(claim(
        2,
        PATIENT,
        ClaimProcStatus::Supplemental,
        "2025-02-01",
        "50",
        "0",
    ));
    let client = office.client();
    let adjust = InsAdjust::new(PAT_PLAN)
        .ins_used(dec("300"))
        .on(day("2025-03-01"));
    client.set_insurance_used(&adjust).await.unwrap();
    let requests = office.requests();
    assert_eq!(calls(&requests), ["PUT /api/v1/claimprocs/InsAdjust"]);
    assert_eq!(
        String::from_utf8(requests[0].body.clone()).unwrap(),
        r#"{"PatPlanNum":40,"insUsed":"300","date":"2025-03-01"}"#
    );
    let adjustments: Vec<ClaimProc> = office
        .claim_procs()
        .into_iter()
        .filter(|c| c.status == ClaimProcStatus::Adjustment)
        .collect();
    assert_eq!(adjustments.len(), 1);
    assert_eq!(adjustments[0].ins_pay_amt, dec("100"));
    assert_eq!(adjustments[0].proc_date, Some(day("2025-03-01")));
    assert_eq!(adjustments[0].pat_num, PATIENT);
    // The summary now shows 300 used.
    office.insert([benefit(1, json!({"MonetaryAmt": 1000.0}))]);
    let plan = client
        .insurance_summary(PATIENT, day("2025-06-15"))
        .await
        .unwrap()
        .plans
        .remove(0);
    assert_eq!(plan.used, dec("300"));

    // Sent again with the payments' total: the adjustment goes.
    client
        .set_insurance_used(
            &InsAdjust::new(PAT_PLAN)
                .ins_used(dec("200"))
                .on(day("2025-04-01")),
        )
        .await
        .unwrap();
    assert!(
        office
            .claim_procs()
            .iter()
            .all(|c| c.status != ClaimProcStatus::Adjustment)
    );
}

#[tokio::test]
async fn insadjust_keeps_the_amount_not_sent_and_uses_the_offices_today() {
    let office = office(7).await;
    office.set_today(day("2025-08-10"));
    office.insert_claim_proc(claim(
        1,
        PATIENT,
        ClaimProcStatus::Received,
        "2025-07-05",
        "100",
        "20",
    ));
    // Last benefit year's payment is not netted.
    office.insert_claim_proc(claim(
        2,
        PATIENT,
        ClaimProcStatus::Received,
        "2025-06-30",
        "900",
        "50",
    ));
    let client = office.client();
    client
        .set_insurance_used(
            &InsAdjust::new(PAT_PLAN)
                .ins_used(dec("250"))
                .deductible_used(dec("50")),
        )
        .await
        .unwrap();
    client
        .set_insurance_used(&InsAdjust::new(PAT_PLAN).deductible_used(dec("20")))
        .await
        .unwrap();
    let adjustment = office
        .claim_procs()
        .into_iter()
        .find(|c| c.status == ClaimProcStatus::Adjustment)
        .unwrap();
    assert_eq!(
        (adjustment.ins_pay_amt, adjustment.ded_applied),
        (dec("150"), dec("0"))
    );
    assert_eq!(adjustment.proc_date, Some(day("2025-08-10")));
    // Both parts at 0: deleted.
    client
        .set_insurance_used(&InsAdjust::new(PAT_PLAN).ins_used(dec("100")))
        .await
        .unwrap();
    assert!(
        office
            .claim_procs()
            .iter()
            .all(|c| c.status != ClaimProcStatus::Adjustment)
    );
}

#[tokio::test]
async fn insadjust_paid_statuses_are_switchable() {
    let office = office(0).await;
    office.set_paid_statuses([
        ClaimProcStatus::Received,
        ClaimProcStatus::Supplemental,
        ClaimProcStatus::NotReceived,
    ]);
    let mut pending = claim(
        1,
        PATIENT,
        ClaimProcStatus::NotReceived,
        "2025-02-01",
        "0",
        "0",
    );
    pending.ins_pay_amt = dec("80");
    office.insert_claim_proc(pending);
    office
        .client()
        .set_insurance_used(
            &InsAdjust::new(PAT_PLAN)
                .ins_used(dec("100"))
                .on(day("2025-03-01")),
        )
        .await
        .unwrap();
    let adjustment = office
        .claim_procs()
        .into_iter()
        .find(|c| c.status == ClaimProcStatus::Adjustment)
        .unwrap();
    assert_eq!(adjustment.ins_pay_amt, dec("20"));
}

#[tokio::test]
async fn insadjust_is_refused_before_sending_or_by_the_office_and_sent_once() {
    let office = office(0).await;
    let client = office.client();
    let e = client
        .set_insurance_used(&InsAdjust::new(PAT_PLAN))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    let e = client
        .set_insurance_used(&InsAdjust::new(PatPlanNum::new(0)).ins_used(dec("1")))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    assert!(office.requests().is_empty());
    // An unknown patient plan, a negative amount: the office's 400.
    let e = client
        .set_insurance_used(&InsAdjust::new(PatPlanNum::new(77)).ins_used(dec("1")))
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    let e = client
        .set_insurance_used(&InsAdjust::new(PAT_PLAN).ins_used(dec("-1")))
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    // A 503 is not retried: a write is sent once.
    office.reset_log();
    office.fail_next(1, 503);
    let e = client
        .set_insurance_used(&InsAdjust::new(PAT_PLAN).ins_used(dec("1")))
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(office.requests().len(), 1);
    assert!(office.claim_procs().is_empty());
}

#[tokio::test]
async fn insadjust_takes_numbers_as_well_as_strings() {
    // The page's example sends strings; third-party code sends numbers (spec §1.3).
    let office = office(0).await;
    let url = format!("{}/claimprocs/InsAdjust", office.base_url());
    let answer = reqwest::Client::new()
        .put(url)
        .header(
            "Authorization",
            "ODFHIR mock-developer-key/mock-customer-key",
        )
        .header("Content-Type", "application/json")
        .body(r#"{"PatPlanNum":40,"insUsed":120.5,"date":"2025-03-01"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert!(answer.bytes().await.unwrap().is_empty());
    let adjustment = office
        .claim_procs()
        .into_iter()
        .find(|c| c.status == ClaimProcStatus::Adjustment)
        .unwrap();
    assert_eq!(adjustment.ins_pay_amt, dec("120.5"));
}

#[tokio::test]
async fn an_insadjust_that_may_have_landed_says_so_and_one_refused_does_not() {
    let office = office(0).await;
    let client = office.client();
    let adjust = InsAdjust::new(PAT_PLAN).ins_used(dec("1"));
    // A gateway timeout: the office may have run it.
    office.fail_next(1, 504);
    let e = client.set_insurance_used(&adjust).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    // A 400 is an answer: nothing was stored.
    let e = client
        .set_insurance_used(&InsAdjust::new(PatPlanNum::new(77)).ins_used(dec("1")))
        .await
        .unwrap_err();
    assert!(!e.outcome_unknown(), "{e:?}");
    assert_eq!(office.requests().len(), 2);
}
