//! Issue 28 §3: insurance used set from a carrier's 271, end to end against the fake office:
//! the change before the write, one `PUT /claimprocs/InsAdjust`, the read after it, and a
//! second change that is empty; a write never sent over figures that moved, and one that may
//! have landed never sent twice.
#![cfg(all(feature = "test-util", feature = "od-24-2"))]

use std::time::Duration;

use benefits_sdk::mock::{Fault, MockOpenDental};
use benefits_sdk::opendental::eligibility::{FigureOptions, PlanFinding, ReadOptions, read_271};
use benefits_sdk::opendental::{
    BenefitsClient, ClaimProcStatus, InsPlan, PatientUsedChange, UsedOutcome,
};
use serde_json::json;

use crate::eligibility_rules::message;
use crate::insurance::{
    MEMBER, PAT_PLAN, PATIENT, PLAN, benefit, claim, day, dec, office as base_office,
};

/// The carrier says $1,125.50 of the maximum and $20 of the deductible remain.
const REMAINING: &str = "EB*F*IND*35***29*1125.50~EB*C*IND*35***29*20~EB*C*FAM*35***29*100";

/// An office whose plan has a $1,500 maximum and a $50 deductible, where the patient was paid
/// $200 (with $30 of deductible) this year and has $100 pending.
async fn office() -> MockOpenDental {
    let office = base_office(0).await;
    let mut plan = InsPlan::new(PLAN, 0);
    plan.group_num = "GRP20417".to_owned();
    office.insert_plan(plan);
    office.insert([
        benefit(1, json!({"MonetaryAmt": 1500.0})),
        benefit(2, json!({"BenefitType": "Deductible", "MonetaryAmt": 50.0})),
    ]);
    let paid = claim(
        1,
        PATIENT,
        ClaimProcStatus::Received,
        "2026-02-01",
        "200",
        "30",
    );
    let pending = claim(
        2,
        PATIENT,
        ClaimProcStatus::NotReceived,
        "2026-03-01",
        "100",
        "0",
    );
    office.insert_claim_proc(paid);
    office.insert_claim_proc(pending);
    office
}

async fn change(client: &BenefitsClient) -> PatientUsedChange {
    // A 271 that names no procedure code reads none of the office's.
    let lookups = client
        .eligibility_lookups_for(message(REMAINING))
        .await
        .unwrap();
    let read = read_271(&lookups, message(REMAINING), ReadOptions::new()).unwrap();
    client
        .used_from_271(
            PATIENT,
            PAT_PLAN,
            &read,
            day("2026-03-15"),
            FigureOptions::new(),
        )
        .await
        .unwrap()
}

fn puts(office: &MockOpenDental) -> usize {
    office
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with("/claimprocs/InsAdjust"))
        .count()
}

#[tokio::test]
async fn the_carriers_remaining_becomes_used_once_and_a_second_change_is_empty() {
    let office = office().await;
    let client = office.client();
    let planned = change(&client).await;
    assert_eq!(
        planned.to_string(),
        "Patient plan 40: Open Dental shows $200 used of $1,500; the carrier says $1,125.50 \
         remains; set insurance used to $374.50; deductible: Open Dental shows $30 used of $50; \
         the carrier says $20 remains; deductible used stays $30 for the benefit year starting \
         2026-01-01 ($100 pending, not netted; 1 line(s) skipped)"
    );
    let send = planned.change.send.unwrap();
    assert_eq!(send.ins_used, Some(dec("374.50")));
    assert_eq!(send.deductible_used, Some(dec("30")));
    assert_eq!(send.date, day("2026-03-15"));
    assert_eq!(planned.change.office.used, dec("200"));
    assert_eq!(planned.change.office.pending, dec("100"));
    // The family line has no Open Dental target: listed, not used.
    assert_eq!(planned.change.skipped.len(), 1);
    // The 271 sends no group number: said, not blocking.
    assert_eq!(planned.findings, [PlanFinding::CarrierGroupMissing]);

    office.reset_log();
    let report = client.apply_used(&planned, Duration::ZERO).await.unwrap();
    assert!(matches!(report.outcome, UsedOutcome::Applied), "{report:?}");
    assert!(report.is_complete());
    assert_eq!(report.office.used, dec("374.50"));
    assert_eq!(report.office.deductible_used, dec("30"));
    // Open Dental's remaining is now the carrier's, less what is pending.
    assert_eq!(report.office.remaining(), Some(dec("1025.50")));
    assert_eq!(puts(&office), 1);
    let sent = office
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        body,
        json!({"PatPlanNum": PAT_PLAN.get(), "insUsed": "374.5", "deductibleUsed": "30",
               "date": "2026-03-15"})
    );

    // Applying the old change again writes nothing: the office moved since it was made.
    let report = client.apply_used(&planned, Duration::ZERO).await.unwrap();
    assert!(matches!(report.outcome, UsedOutcome::Stale), "{report:?}");
    // The same 271 again: nothing to change, and applying that writes nothing.
    let again = change(&client).await;
    assert_eq!(again.change.send, None, "{again}");
    let report = client.apply_used(&again, Duration::ZERO).await.unwrap();
    assert!(
        matches!(report.outcome, UsedOutcome::NothingToDo),
        "{report:?}"
    );
    assert!(report.is_complete());
    assert_eq!(puts(&office), 1);
}

#[tokio::test]
async fn a_change_whose_figures_moved_is_never_sent() {
    let office = office().await;
    let client = office.client();
    let planned = change(&client).await;
    // Someone receives a claim before the change is applied.
    office.insert_claim_proc(claim(
        3,
        PATIENT,
        ClaimProcStatus::Received,
        "2026-03-10",
        "50",
        "0",
    ));
    office.reset_log();
    let report = client.apply_used(&planned, Duration::ZERO).await.unwrap();
    assert!(matches!(report.outcome, UsedOutcome::Stale), "{report:?}");
    assert!(!report.is_complete());
    assert_eq!(report.office.used, dec("250"));
    assert_eq!(puts(&office), 0);
    // A payment changed and an adjustment entered that leave "used" where it was: the rows
    // behind it moved, so the staff's adjustment is never netted over.
    let office = self::office().await;
    let client = office.client();
    let planned = change(&client).await;
    let changed = claim(
        1,
        PATIENT,
        ClaimProcStatus::Received,
        "2026-02-01",
        "150",
        "30",
    );
    office.insert_claim_proc(changed);
    let typed = claim(
        5,
        PATIENT,
        ClaimProcStatus::Adjustment,
        "2026-03-02",
        "50",
        "0",
    );
    office.insert_claim_proc(typed);
    office.reset_log();
    let report = client.apply_used(&planned, Duration::ZERO).await.unwrap();
    assert_eq!(report.office.used, dec("200"));
    assert!(matches!(report.outcome, UsedOutcome::Stale), "{report:?}");
    // A new pending claim moves the rows too: planned again, it applies.
    let planned = change(&client).await;
    let pending = claim(
        4,
        PATIENT,
        ClaimProcStatus::NotReceived,
        "2026-03-11",
        "10",
        "0",
    );
    office.insert_claim_proc(pending);
    let report = client.apply_used(&planned, Duration::ZERO).await.unwrap();
    assert!(matches!(report.outcome, UsedOutcome::Stale), "{report:?}");
    assert_eq!(puts(&office), 0);
    let planned = change(&client).await;
    let report = client.apply_used(&planned, Duration::ZERO).await.unwrap();
    assert!(matches!(report.outcome, UsedOutcome::Applied), "{report:?}");
    assert_eq!(puts(&office), 1);
}

#[tokio::test]
async fn a_write_that_may_have_landed_is_checked_and_never_sent_twice() {
    let office = office().await;
    let client = office.client();
    let planned = change(&client).await;
    // The office stores it, then a gateway answers 504.
    office.reset_log();
    office.inject_on("PUT", 1, Fault::StatusAfterWrite(504));
    let report = client.apply_used(&planned, Duration::ZERO).await.unwrap();
    assert!(matches!(report.outcome, UsedOutcome::Applied), "{report:?}");
    assert_eq!(puts(&office), 1);
    // A 504 before anything was stored: unknown, and not sent again.
    let office = self::office().await;
    let client = office.client();
    let planned = change(&client).await;
    office.reset_log();
    office.inject_on("PUT", 1, Fault::Status(504));
    let report = client.apply_used(&planned, Duration::ZERO).await.unwrap();
    match &report.outcome {
        UsedOutcome::Unknown(e) => assert!(e.outcome_unknown(), "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(report.office.used, dec("200"));
    assert_eq!(puts(&office), 1);
    // A refusal is an error: nothing was written.
    office.inject_on("PUT", 1, Fault::Status(400));
    let e = client
        .apply_used(&planned, Duration::ZERO)
        .await
        .unwrap_err();
    assert!(!e.outcome_unknown(), "{e:?}");
}

#[tokio::test]
async fn a_patient_plan_the_patient_does_not_have_is_a_lookup_error() {
    let office = office().await;
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    let read = read_271(&lookups, message(REMAINING), ReadOptions::new()).unwrap();
    let e = client
        .used_from_271(
            MEMBER,
            PAT_PLAN,
            &read,
            day("2026-03-15"),
            FigureOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
}

/// Requests, counted (BENCHMARKS.md): reading a 271 that names no code, the change, and its
/// apply, from a new client (cold caches); then the same for a second patient's turn on a warm
/// client, and an apply with nothing to write.
#[tokio::test]
async fn requests_for_read_and_set_stay_few() {
    let office = office().await;
    let client = office.client();
    office.reset_log();
    let planned = change(&client).await;
    let paths = |office: &MockOpenDental| -> Vec<String> {
        office
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path.trim_start_matches("/api/v1/")))
            .collect()
    };
    assert_eq!(
        paths(&office),
        [
            "GET covcats",
            "GET familymodules/100/Insurance",
            "GET insplans/12",
            "GET benefits",
            "GET benefits",
            "GET claimprocs",
        ]
    );
    office.reset_log();
    client.apply_used(&planned, Duration::ZERO).await.unwrap();
    let read = [
        "GET familymodules/100/Insurance",
        "GET benefits",
        "GET benefits",
        "GET claimprocs",
    ];
    let expected: Vec<&str> = read
        .iter()
        .copied()
        .chain(["PUT claimprocs/InsAdjust"])
        .chain(read)
        .collect();
    assert_eq!(paths(&office), expected);
    // In step: the change (warm caches) and an apply with nothing to write, a read each.
    office.reset_log();
    let again = change(&client).await;
    let report = client.apply_used(&again, Duration::ZERO).await.unwrap();
    assert!(matches!(report.outcome, UsedOutcome::NothingToDo));
    let twice: Vec<&str> = read.iter().chain(&read).copied().collect();
    assert_eq!(paths(&office), twice);
}
