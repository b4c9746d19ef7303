//! A carrier's 271 the fake office stored: found, read with the office's own lookups, made a
//! change, applied, and read again to an empty change; the exact requests each step sends.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::eligibility::{DropReason, OwnerKind, ReadOptions, RuleSet};
use benefits_sdk::opendental::{
    DeletesWithheld, DiffOptions, Etrans, EtransMessageText, EtransMessageTextNum, EtransNum,
    EtransType, InsPlan, Names, PatNum, PatPlanNum, PlanNum,
};
use chrono::NaiveDate;

use crate::common::calls;
use crate::eligibility::{FILE_01, FILE_02, FILE_03};

const PLAN: PlanNum = PlanNum::new(12);
const PATIENT: PatNum = PatNum::new(101);

fn at(day: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 11, day)
        .unwrap()
        .and_hms_opt(9, 32, 0)
        .unwrap()
}

fn text(file: &[u8]) -> String {
    String::from_utf8(file.to_vec()).unwrap()
}

async fn office() -> MockOpenDental {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, 0));
    office
}

#[tokio::test]
async fn the_newest_271_for_the_plan_is_found_and_read() {
    let office = office().await;
    // An older 271, the newest one, one for another plan, and an 835 after them all.
    let older = office.insert_stored_271(PATIENT, PLAN, at(3), text(FILE_02));
    let newest = office.insert_stored_271(PATIENT, PLAN, at(4), text(FILE_01));
    office.insert_stored_271(PATIENT, PlanNum::new(99), at(5), text(FILE_03));
    let mut era = Etrans::new(EtransNum::new(40), EtransType::ERA_835, PATIENT);
    era.date_time_trans = Some(at(6));
    era.plan_num = Some(PLAN);
    era.etrans_message_text_num = Some(EtransMessageTextNum::new(40));
    let era_text: EtransMessageText = serde_json::from_value(serde_json::json!({
        "EtransMessageTextNum": 40, "MessageText": "ISA*00*…835…~"
    }))
    .unwrap();
    office.insert_etrans(era, Some(era_text));

    let client = office.client();
    let stored = client
        .stored_271(PATIENT, Some(PLAN), ReadOptions::new())
        .await
        .unwrap()
        .expect("a stored 271");
    assert_eq!(stored.etrans, newest);
    assert_eq!(stored.read.rows.len(), 22);
    assert_eq!(stored.read.dropped.len(), 10);
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/etranss?PatNum=101&Limit=100",
            "GET /api/v1/etransmessagetexts/2",
            "GET /api/v1/covcats?Limit=100",
            "GET /api/v1/procedurecodes?Limit=100",
        ]
    );
    // The plan's 271s, newest first (the other plan's and the 835 are not among them).
    let listed = client.stored_271s(PATIENT, Some(PLAN)).await.unwrap();
    assert_eq!(listed, [newest.clone(), older]);
    // Another patient has none; the lookups are cached.
    let none = client
        .stored_271(PatNum::new(7), None, ReadOptions::new())
        .await
        .unwrap();
    assert!(none.is_none());
    assert_eq!(office.requests().len(), 6);
}

#[tokio::test]
async fn a_stored_text_is_never_in_debug() {
    let text: EtransMessageText = serde_json::from_value(serde_json::json!({
        "EtransMessageTextNum": 3, "MessageText": "NM1*IL*1*SAMPLE*ROWAN~"
    }))
    .unwrap();
    let debug = format!("{text:?}");
    assert!(!debug.contains("SAMPLE"), "{debug}");
    assert!(debug.contains("[22 bytes]"), "{debug}");
}

/// Read, diff, apply, and diff again: the second change is empty.
async fn round_trip(file: &[u8], options: ReadOptions, pat_plan: Option<PatPlanNum>) {
    let office = office().await;
    office.insert_stored_271(PATIENT, PLAN, at(4), text(file));
    let client = office.client();
    let read = client
        .stored_271(PATIENT, Some(PLAN), options)
        .await
        .unwrap()
        .unwrap()
        .read;
    let change = client
        .diff_from_271(PLAN, pat_plan, &read, DiffOptions::new())
        .await
        .unwrap();
    let plan_rows = read.shapes(OwnerKind::Plan).count();
    assert_eq!(change.plan.creates.len(), plan_rows, "{options:?}");
    assert!(!change.is_empty());
    for changeset in change.changesets() {
        let report = client.apply(changeset).await.unwrap();
        assert!(report.is_complete(), "{report:?}");
    }
    let again = client
        .diff_from_271(PLAN, pat_plan, &read, DiffOptions::new())
        .await
        .unwrap();
    assert!(again.is_empty(), "{options:?}: {again:?}");
}

#[tokio::test]
async fn planning_from_a_271_applying_and_reading_it_again_changes_nothing() {
    for rules in [RuleSet::Faithful, RuleSet::OpenDental] {
        let options = ReadOptions::new().rules(rules);
        round_trip(FILE_01, options, None).await;
        round_trip(FILE_02, options, None).await;
        round_trip(FILE_03, options.dependent(true), Some(PatPlanNum::new(7))).await;
    }
}

#[tokio::test]
async fn a_dependents_overrides_need_the_patient_plan() {
    let office = office().await;
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    let options = ReadOptions::new().dependent(true);
    let read = benefits_sdk::opendental::eligibility::read_271(&lookups, FILE_03, options).unwrap();
    let error = client
        .diff_from_271(PLAN, None, &read, DiffOptions::new())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("PatPlanNum"), "{error}");
    let change = client
        .diff_from_271(PLAN, Some(PatPlanNum::new(7)), &read, DiffOptions::new())
        .await
        .unwrap();
    assert_eq!(change.plan.creates.len(), 1, "the family deductible");
    assert_eq!(change.pat_plan.as_ref().unwrap().creates.len(), 11);
    // The text a person approves names both owners' writes and every segment left out.
    let names = client.names().await.unwrap();
    let shown = change.display_with(&names).to_string();
    assert!(shown.contains("Left out of the 271: 7 segments"), "{shown}");
    // The subscriber's Family EBs speak for the plan: read, not `other_patient_loop`.
    assert!(
        shown.contains("19 2110C unsupported_time_period: EB*C*FAM*35"),
        "{shown}"
    );
    assert_eq!(change.dropped[0].reason, DropReason::UnsupportedTimePeriod);
    let _ = Names::default();
}

mod properties {
    use benefits_sdk::mock::MockOpenDental;
    use benefits_sdk::opendental::eligibility::{Network, ReadOptions, read_271};
    use benefits_sdk::opendental::{DiffOptions, InsPlan, PatPlanNum, PlanNum};
    use proptest::prelude::*;

    use crate::eligibility_rules::{eb_segment, message};

    const PLAN: PlanNum = PlanNum::new(12);

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Any 271 read by Faithful, planned, applied and planned again: nothing is left to
        /// write, for the plan and for a dependent's patient plan alike.
        #[test]
        fn a_271_applied_then_planned_again_changes_nothing(
            ebs in proptest::collection::vec(eb_segment(), 1..8),
            out in any::<bool>(),
            dependent in any::<bool>(),
            renews in prop_oneof![Just(0u8), Just(7u8)],
        ) {
            let text = message(&ebs.join("~"));
            let network = if out { Network::Out } else { Network::In };
            let options = ReadOptions::new().network(network).dependent(dependent);
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let office = MockOpenDental::start().await;
                office.insert_plan(InsPlan::new(PLAN, renews));
                let client = office.client();
                let lookups = client.eligibility_lookups().await.unwrap();
                let read = read_271(&lookups, &text, options).unwrap();
                let pat_plan = Some(PatPlanNum::new(7));
                let change = client.diff_from_271(PLAN, pat_plan, &read, DiffOptions::new()).await.unwrap();
                for changeset in change.changesets() {
                    prop_assert!(changeset.ambiguities.is_empty(), "{}", changeset);
                    let report = client.apply(changeset).await.unwrap();
                    prop_assert!(report.is_complete(), "{:?}", report);
                }
                let again = client.diff_from_271(PLAN, pat_plan, &read, DiffOptions::new()).await.unwrap();
                for changeset in again.changesets() {
                    prop_assert!(changeset.is_empty(), "{}", changeset);
                }
                Ok(())
            })?;
        }
    }
}

/// A dependent's 271 speaks for that patient: it never plans deletes of the rows every
/// subscriber of the plan shares, even asked to delete (the plan's 12 rows used to go).
#[tokio::test]
async fn a_dependents_271_never_deletes_the_plans_shared_rows() {
    let office = office().await;
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    // The plan holds the subscriber's benefits.
    let subscriber =
        benefits_sdk::opendental::eligibility::read_271(&lookups, FILE_01, ReadOptions::new())
            .unwrap();
    let change = client
        .diff_from_271(PLAN, None, &subscriber, DiffOptions::new())
        .await
        .unwrap();
    client.apply(&change.plan).await.unwrap();
    let shared = office.benefits().len();
    assert!(shared > 10, "{shared}");
    let dependent = benefits_sdk::opendental::eligibility::read_271(
        &lookups,
        FILE_03,
        ReadOptions::new().dependent(true),
    )
    .unwrap();
    assert!(dependent.dependent);
    let deletes = DiffOptions::new().deletes(true);
    let change = client
        .diff_from_271(PLAN, Some(PatPlanNum::new(7)), &dependent, deletes)
        .await
        .unwrap();
    assert!(change.plan.deletes.is_empty(), "{:?}", change.plan.deletes);
    // Kept, every one the dependent's 271 does not speak to (one is its family deductible).
    assert_eq!(change.plan.kept.len(), shared - 1);
    // A subscriber's 271 that speaks for every row still deletes when asked.
    let text = crate::eligibility_rules::message("EB*C*IND*35***23*50~EB*F*IND*35***23*1000");
    let other = benefits_sdk::opendental::eligibility::read_271(&lookups, text, ReadOptions::new())
        .unwrap();
    let change = client
        .diff_from_271(PLAN, None, &other, deletes)
        .await
        .unwrap();
    assert_eq!(change.plan_deletes_withheld, None);
    assert!(!change.plan.deletes.is_empty());
}

/// The 271's group number, coverage status and policy dates are checked against the plan,
/// by Open Dental's rules, and said.
#[tokio::test]
async fn a_271_for_another_group_is_found_out() {
    use benefits_sdk::opendental::eligibility::PlanFinding;
    let office = MockOpenDental::start().await;
    let mut plan = InsPlan::new(PLAN, 0);
    plan.group_num = "GRP99999".into();
    office.insert_plan(plan);
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    let read =
        benefits_sdk::opendental::eligibility::read_271(&lookups, FILE_01, ReadOptions::new())
            .unwrap();
    assert_eq!(read.plan.group_number.as_deref(), Some("GRP20417"));
    assert_eq!(read.plan.starts, NaiveDate::from_ymd_opt(2025, 1, 1));
    let change = client
        .diff_from_271(PLAN, None, &read, DiffOptions::new())
        .await
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let findings = change.findings(today);
    assert_eq!(
        findings,
        [PlanFinding::GroupMismatch {
            plan: "GRP99999".into()
        }]
    );
    assert!(findings[0].blocks());
    // Before the policy starts, that is said too.
    let before = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    assert_eq!(change.findings(before).len(), 2);
    // The 271's group number is nowhere in the change or its findings.
    let everything = format!("{change:?} {}", serde_json::to_string(&change).unwrap());
    assert!(!everything.contains("GRP20417"));
    // Stored and read back, the change still knows.
    let stored: benefits_sdk::opendental::EligibilityChange =
        serde_json::from_str(&serde_json::to_string(&change).unwrap()).unwrap();
    assert_eq!(stored.findings(today), findings);
}

/// A 271 that names no procedure code reads no procedure codes: the office's code table is
/// not paged through.
#[tokio::test]
async fn a_271_without_codes_pages_no_procedure_codes() {
    let office = office().await;
    let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              \
               *251104*0932*^*00501*000004711*0*P*:~";
    let message = format!(
        "{isa}GS*HB*A*B*20251104*0932*1*X*005010X279A1~ST*271*0001~HL*1**20*1~HL*2*1*21*1~\
         HL*3*2*22*0~EB*A*IND*23*PR****0.2~SE*6*0001~GE*1*1~IEA*1*000004711~"
    );
    office.insert_stored_271(PATIENT, PLAN, at(4), message);
    let client = office.client();
    let stored = client
        .stored_271(PATIENT, Some(PLAN), ReadOptions::new())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.read.rows.len(), 1, "{:?}", stored.read);
    assert!(
        !calls(&office.requests())
            .iter()
            .any(|c| c.contains("procedurecodes")),
        "{:?}",
        calls(&office.requests())
    );
}

/// What a reader noticed on a segment it read all the same (here `1,500`, read as 1500 by Open
/// Dental's rules) reaches the change a person approves.
#[tokio::test]
async fn what_was_noticed_is_shown_beside_the_change() {
    let office = office().await;
    let client = office.client();
    let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              \
               *251104*0932*^*00501*000004711*0*P*:~";
    let message = format!(
        "{isa}GS*HB*A*B*20251104*0932*1*X*005010X279A1~ST*271*0001~HL*1**20*1~HL*2*1*21*1~\
         HL*3*2*22*0~EB*F*IND*35***23*1,500~SE*6*0001~GE*1*1~IEA*1*000004711~"
    );
    let lookups = client.eligibility_lookups().await.unwrap();
    let options = ReadOptions::new().rules(RuleSet::OpenDental);
    let read =
        benefits_sdk::opendental::eligibility::read_271(&lookups, &message, options).unwrap();
    assert_eq!(read.findings.len(), 1, "{read:?}");
    let change = client
        .diff_from_271(PLAN, None, &read, DiffOptions::new())
        .await
        .unwrap();
    assert_eq!(change.noticed, read.findings);
    let shown = change
        .display_with(&client.names().await.unwrap())
        .to_string();
    assert!(shown.contains("Read, but noticed: 1 segments"), "{shown}");
    assert!(shown.contains("number_not_x12"), "{shown}");
}

/// A dependent's 271 read without the dependent flag (its 2110D gives it away), or one that
/// gives no rows, never deletes the plan's rows either.
#[tokio::test]
async fn a_271_that_shows_a_dependent_loop_or_gives_no_rows_deletes_no_plan_row() {
    let office = office().await;
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    let read_01 = benefits_sdk::opendental::eligibility::read_271;
    let subscriber = read_01(&lookups, FILE_01, ReadOptions::new()).unwrap();
    let change = client
        .diff_from_271(PLAN, None, &subscriber, DiffOptions::new())
        .await
        .unwrap();
    client.apply(&change.plan).await.unwrap();
    let deletes = DiffOptions::new().deletes(true);
    for rules in [RuleSet::Faithful, RuleSet::OpenDental] {
        let unflagged = read_01(&lookups, FILE_03, ReadOptions::new().rules(rules)).unwrap();
        assert!(!unflagged.dependent);
        let change = client
            .diff_from_271(PLAN, Some(PatPlanNum::new(7)), &unflagged, deletes)
            .await
            .unwrap();
        assert!(change.plan.deletes.is_empty(), "{rules:?}");
        assert_eq!(
            change.plan_deletes_withheld,
            Some(DeletesWithheld::DependentAnswer)
        );
    }
    let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              \
               *251104*0932*^*00501*000004711*0*P*:~";
    let empty =
        format!("{isa}GS*HB*A*B*20251104*0932*1*X*005010X279A1~ST*271*0001~EB*L~SE~GE~IEA~");
    let nothing = read_01(&lookups, empty.as_bytes(), ReadOptions::new()).unwrap();
    assert!(nothing.rows.is_empty());
    let change = client
        .diff_from_271(PLAN, None, &nothing, deletes)
        .await
        .unwrap();
    assert!(change.plan.deletes.is_empty());
    assert_eq!(change.plan_deletes_withheld, Some(DeletesWithheld::NoRows));
}

/// A subscriber's 271 with a segment that could not be read, or with a service type the
/// carrier could not answer for, does not speak for every row: no plan row is deleted, and
/// the change says why. Without them, the same 271 deletes when asked.
#[tokio::test]
async fn a_271_with_an_unread_segment_or_a_rejected_service_type_deletes_no_plan_row() {
    let office = office().await;
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    let read = |body: &str| {
        let text = crate::eligibility_rules::message(body);
        benefits_sdk::opendental::eligibility::read_271(&lookups, text, ReadOptions::new()).unwrap()
    };
    let subscriber =
        benefits_sdk::opendental::eligibility::read_271(&lookups, FILE_01, ReadOptions::new())
            .unwrap();
    let change = client
        .diff_from_271(PLAN, None, &subscriber, DiffOptions::new())
        .await
        .unwrap();
    client.apply(&change.plan).await.unwrap();
    let deletes = DiffOptions::new().deletes(true);
    let cases = [
        (
            "EB*C*IND*35***23*50~EB*F*IND*35***23*1,500",
            Some(DeletesWithheld::SegmentLeftOut(DropReason::NumberNotX12)),
        ),
        (
            "EB*C*IND*35***23*50~EB*A**27~AAA*Y**42*R",
            Some(DeletesWithheld::ServiceTypeRejected),
        ),
        // A row the SDK does not write speaks of a slot the office may hold.
        (
            "EB*C*IND*35***23*50~EB*F*IND*39******MN*12",
            Some(DeletesWithheld::SegmentLeftOut(
                DropReason::WaitingPeriodNotStated,
            )),
        ),
        // Segments that cannot be about the plan's rows let deletes go.
        (
            "EB*C*IND*35***23*50~EB*C*IND*35***29*20~EB*A**23*****0.2***N~EB*C*CHD*35***23*50",
            None,
        ),
        ("EB*C*IND*35***23*50", None),
    ];
    for (body, withheld) in cases {
        let change = client
            .diff_from_271(PLAN, None, &read(body), deletes)
            .await
            .unwrap();
        assert_eq!(change.plan_deletes_withheld, withheld, "{body}");
        assert_eq!(change.plan.deletes.is_empty(), withheld.is_some(), "{body}");
        let shown = change.display_with(&Names::default()).to_string();
        assert_eq!(
            shown.contains("No row of the plan is deleted"),
            withheld.is_some(),
            "{shown}"
        );
    }
    // Not asked to delete: nothing is withheld.
    let change = client
        .diff_from_271(PLAN, None, &read(cases[0].0), DiffOptions::new())
        .await
        .unwrap();
    assert_eq!(change.plan_deletes_withheld, None);
    // A message cut short after an EB (no SE) may have lost benefits.
    let whole = crate::eligibility_rules::message("EB*C*IND*35***23*50");
    let cut = &whole[..whole.find("~SE*").unwrap() + 1];
    let cut =
        benefits_sdk::opendental::eligibility::read_271(&lookups, cut, ReadOptions::new()).unwrap();
    assert!(!cut.ended);
    let change = client
        .diff_from_271(PLAN, None, &cut, deletes)
        .await
        .unwrap();
    assert_eq!(
        change.plan_deletes_withheld,
        Some(DeletesWithheld::CutShort)
    );
    assert!(change.plan.deletes.is_empty());
}

/// A clearinghouse's JSON holding a dependent's benefits, read by Open Dental's rules (which
/// read every entry) for the subscriber, still never deletes the plan's shared rows.
#[tokio::test]
async fn json_with_a_dependent_read_by_open_dentals_rules_deletes_no_plan_row() {
    use benefits_sdk::opendental::eligibility::{EligibilityInput, read_eligibility};
    let office = office().await;
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    let subscriber =
        benefits_sdk::opendental::eligibility::read_271(&lookups, FILE_01, ReadOptions::new())
            .unwrap();
    let change = client
        .diff_from_271(PLAN, None, &subscriber, DiffOptions::new())
        .await
        .unwrap();
    client.apply(&change.plan).await.unwrap();
    let json = include_bytes!("../fixtures/eligibility-json/03-dependent.json");
    let options = ReadOptions::new().rules(RuleSet::OpenDental);
    let read = read_eligibility(&lookups, EligibilityInput::Json(json), options).unwrap();
    assert!(!read.dependent && read.shows_dependent && !read.rows.is_empty());
    let change = client
        .diff_from_271(PLAN, None, &read, DiffOptions::new().deletes(true))
        .await
        .unwrap();
    assert_eq!(
        change.plan_deletes_withheld,
        Some(DeletesWithheld::DependentAnswer)
    );
    assert!(change.plan.deletes.is_empty());
}

/// A dependent's 271 that left out a segment deletes none of the patient plan's overrides
/// either, and says so; one that speaks for all of them deletes the ones it does not give.
#[tokio::test]
async fn a_dependents_271_with_a_segment_left_out_deletes_no_override() {
    let office = office().await;
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    let pat_plan = PatPlanNum::new(7);
    let dependent = |body: &str| {
        let text = crate::eligibility_rules::message(&format!("HL*4*3*23*0~{body}"));
        let options = ReadOptions::new().dependent(true);
        benefits_sdk::opendental::eligibility::read_271(&lookups, text, options).unwrap()
    };
    let first = dependent("EB*C*IND*35***23*50~EB*F*IND*35***23*1000");
    let change = client
        .diff_from_271(PLAN, Some(pat_plan), &first, DiffOptions::new())
        .await
        .unwrap();
    let overrides = change.pat_plan.clone().unwrap();
    assert_eq!(overrides.creates.len(), 2);
    client.apply(&overrides).await.unwrap();
    let deletes = DiffOptions::new().deletes(true);
    let left_out = dependent("EB*C*IND*35***23*50~EB*F*IND*35***23*1,500");
    let change = client
        .diff_from_271(PLAN, Some(pat_plan), &left_out, deletes)
        .await
        .unwrap();
    assert_eq!(
        change.pat_plan_deletes_withheld,
        Some(DeletesWithheld::SegmentLeftOut(DropReason::NumberNotX12))
    );
    assert!(change.pat_plan.unwrap().deletes.is_empty());
    let speaks = dependent("EB*C*IND*35***23*50");
    let change = client
        .diff_from_271(PLAN, Some(pat_plan), &speaks, deletes)
        .await
        .unwrap();
    assert_eq!(change.pat_plan_deletes_withheld, None);
    assert_eq!(change.pat_plan.unwrap().deletes.len(), 1);
}
