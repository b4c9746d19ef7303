//! Reconcile against the fake office: plan, apply, and what the office holds after, request by
//! request, under faults too.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use benefits_sdk::Error;
use benefits_sdk::mock::{Fault, LoggedRequest, MockOpenDental, demo};
use benefits_sdk::opendental::{
    ApplyOptions, Benefit, BenefitShape, BenefitUpdate, BenefitYear, BenefitsClient, Changeset,
    CodeGroupNum, ConflictKind, CovCatNum, CoverageLevel, DiffOptions, Frequency, FrequencyLimit,
    InsPlan, NewBenefit, OnError, Owner, PatPlanNum, Period, PlanNum, Scope, SkipReason, Terms,
    TreatArea, Write,
};
use rust_decimal::Decimal;

const PLAN: PlanNum = PlanNum::new(12);
const OWNER: Owner = Owner::Plan(PLAN);

fn calls(requests: &[LoggedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            let mut line = format!("{} {}", r.method, r.path);
            if let Some(q) = &r.query {
                line = format!("{line}?{q}");
            }
            if !r.body.is_empty() {
                line = format!("{line} {}", String::from_utf8_lossy(&r.body));
            }
            line
        })
        .collect()
}

/// The demo plan as shapes.
fn demo_shapes() -> Vec<BenefitShape> {
    demo::plan_benefits(PLAN)
        .iter()
        .map(NewBenefit::shape)
        .collect()
}

/// An office holding the demo plan (plan 12 renews in January).
async fn office_with_demo() -> (MockOpenDental, BenefitsClient) {
    let office = MockOpenDental::start().await;
    office.insert_plan(benefits_sdk::opendental::InsPlan::new(PLAN, 0));
    for b in demo::plan_benefits(PLAN) {
        office.seed(&b);
    }
    let client = office.client();
    (office, client)
}

/// The office's rows for the owner, as shapes.
fn shapes_of(office: &MockOpenDental, owner: Owner) -> Vec<BenefitShape> {
    office
        .benefits()
        .iter()
        .filter(|b| match owner {
            Owner::Plan(p) => b.plan_num == Some(p),
            Owner::PatPlan(p) => b.pat_plan_num == Some(p),
        })
        .map(Benefit::shape)
        .collect()
}

/// The desired shapes with the plan's year, as the office's rows read them.
fn as_rows(desired: &[BenefitShape], owner: Owner) -> Vec<BenefitShape> {
    desired
        .iter()
        .map(|d| {
            d.clone()
                .with_plan_year(BenefitYear::Calendar)
                .to_new_benefit(owner)
                .shape()
        })
        .collect()
}

fn assert_same_set(mut got: Vec<BenefitShape>, want: Vec<BenefitShape>) {
    assert_eq!(got.len(), want.len(), "{got:#?}\nwant {want:#?}");
    for w in &want {
        let at = got
            .iter()
            .position(|g| g == w)
            .unwrap_or_else(|| panic!("{w:?} missing from {got:#?}"));
        got.remove(at);
    }
}

fn coinsurance(category: u64, percent: u8) -> BenefitShape {
    BenefitShape::Coinsurance {
        percent,
        terms: Terms::new(Scope::Category(CovCatNum::new(category))),
    }
}

fn annual_max(amount: i64) -> BenefitShape {
    BenefitShape::Maximum {
        amount: Decimal::new(amount, 0),
        terms: Terms::new(Scope::General).level(CoverageLevel::Individual),
    }
}

/// The demo plan with Basic at 70 % and a $2000 maximum.
fn changed_demo() -> Vec<BenefitShape> {
    demo_shapes()
        .into_iter()
        .map(|s| match s {
            s if s.same_slot(&coinsurance(3, 0)) => coinsurance(3, 70),
            s if s.same_slot(&annual_max(0)) => annual_max(2000),
            s => s,
        })
        .collect()
}

#[tokio::test]
async fn create_only_builds_the_plan_with_one_post_per_row() {
    let office = MockOpenDental::start().await;
    office.insert_plan(benefits_sdk::opendental::InsPlan::new(PLAN, 0));
    let client = office.client();
    let desired = demo_shapes();
    let plan = client.diff(OWNER, desired.clone()).await.unwrap();
    assert_eq!(plan.creates.len(), desired.len());
    assert_eq!(plan.writes(), desired.len());
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/insplans/12",
            "GET /api/v1/benefits?PlanNum=12&Limit=100"
        ]
    );
    office.reset_log();
    let report = client.apply(&plan).await.unwrap();
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.done.len(), desired.len());
    // Each create is checked against a listing made just before it: apply's own for the
    // first, then one more per create.
    let requests = office.requests();
    let expected: Vec<&str> = (0..desired.len()).flat_map(|_| ["GET", "POST"]).collect();
    let sent: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(sent, expected);
    // The plan's year was filled in: the first create says CalendarYear itself.
    assert_eq!(
        calls(&requests[1..2]),
        [
            r#"POST /api/v1/benefits {"PlanNum":12,"CoverageLevel":"None","BenefitType":"CoInsurance","CovCatNum":1,"Percent":100,"TimePeriod":"CalendarYear"}"#
        ]
    );
    assert_same_set(shapes_of(&office, OWNER), as_rows(&desired, OWNER));
    assert!(client.diff(OWNER, desired).await.unwrap().is_empty());
}

#[tokio::test]
async fn update_only_sends_the_changed_fields() {
    let (office, client) = office_with_demo().await;
    let plan = client.diff(OWNER, changed_demo()).await.unwrap();
    assert_eq!(plan.updates.len(), 2);
    assert!(plan.creates.is_empty() && plan.deletes.is_empty() && plan.kept.is_empty());
    assert_eq!(plan.unchanged.len(), demo_shapes().len() - 2);
    assert_eq!(
        plan.updates[0].update(OWNER),
        BenefitUpdate::new().percent(70)
    );
    office.reset_log();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(report.done.len(), 2);
    let basic = plan.updates[0].row.benefit_num;
    let max = plan.updates[1].row.benefit_num;
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/benefits?PlanNum=12&Limit=100".to_owned(),
            // Each row read again just before its write.
            format!("GET /api/v1/benefits/{basic}"),
            format!(r#"PUT /api/v1/benefits/{basic} {{"Percent":70}}"#),
            format!("GET /api/v1/benefits/{max}"),
            format!(r#"PUT /api/v1/benefits/{max} {{"MonetaryAmt":2000.0}}"#),
        ]
    );
    assert_same_set(shapes_of(&office, OWNER), as_rows(&changed_demo(), OWNER));
}

#[tokio::test]
async fn a_no_op_reconcile_only_lists() {
    let (office, client) = office_with_demo().await;
    office.reset_log();
    let (plan, report) = client
        .reconcile_in_year(
            OWNER,
            BenefitYear::Calendar,
            demo_shapes(),
            DiffOptions::new(),
            ApplyOptions::new(),
        )
        .await
        .unwrap();
    assert!(plan.is_empty());
    assert!(report.done.is_empty() && report.is_complete());
    assert_eq!(
        calls(&office.requests()),
        ["GET /api/v1/benefits?PlanNum=12&Limit=100"]
    );
}

fn exclusion_on(category: u64) -> NewBenefit {
    BenefitShape::Exclusion(Terms::new(Scope::Category(CovCatNum::new(category))))
        .to_new_benefit(OWNER)
}

#[tokio::test]
async fn rows_nobody_wants_are_kept_unless_deletes_are_on() {
    let (office, client) = office_with_demo().await;
    let extra = office.seed(&exclusion_on(9));
    let plan = client.diff(OWNER, demo_shapes()).await.unwrap();
    assert_eq!(plan.kept.len(), 1);
    assert_eq!(plan.kept[0].benefit_num, extra.benefit_num);
    assert!(plan.is_empty() || plan.writes() == 0);
    office.reset_log();
    client.apply(&plan).await.unwrap();
    assert_eq!(office.requests().len(), 1, "a listing, no write");
    assert!(office.benefits().contains(&extra));

    let plan = client
        .diff_with(OWNER, demo_shapes(), DiffOptions::new().deletes(true))
        .await
        .unwrap();
    assert_eq!(plan.deletes.len(), 1);
    office.reset_log();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(
        report.done,
        [(Write::Delete(extra.benefit_num), extra.benefit_num)]
    );
    assert_eq!(
        calls(&office.requests())[1..3],
        [
            format!("GET /api/v1/benefits/{}", extra.benefit_num),
            format!("DELETE /api/v1/benefits/{}", extra.benefit_num)
        ]
    );
    assert!(!office.benefits().contains(&extra));
}

#[tokio::test]
async fn two_rows_in_one_slot_are_reported_and_left_alone() {
    let (office, client) = office_with_demo().await;
    let twin = office.seed(&NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 70));
    let plan = client
        .diff_with(OWNER, changed_demo(), DiffOptions::new().deletes(true))
        .await
        .unwrap();
    assert_eq!(plan.ambiguities.len(), 1);
    let ambiguity = &plan.ambiguities[0];
    assert_eq!(ambiguity.rows.len(), 2);
    assert!(
        ambiguity
            .rows
            .iter()
            .any(|r| r.benefit_num == twin.benefit_num)
    );
    assert_eq!(
        ambiguity.desired,
        [coinsurance(3, 70).with_plan_year(BenefitYear::Calendar)]
    );
    assert!(plan.deletes.is_empty(), "an ambiguous row is never deleted");
    assert!(plan.to_string().contains("? ambiguous"));
    let before = office.benefits().len();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(report.done.len(), 1, "only the maximum is updated");
    assert_eq!(office.benefits().len(), before);
}

#[tokio::test]
async fn two_desired_benefits_for_one_slot_are_reported_and_not_written() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    let desired = [coinsurance(3, 80), coinsurance(3, 70), coinsurance(4, 50)];
    let plan = client
        .diff_in_year(OWNER, BenefitYear::Calendar, desired, DiffOptions::new())
        .await
        .unwrap();
    assert_eq!(plan.ambiguities.len(), 1);
    assert_eq!(plan.ambiguities[0].desired.len(), 2);
    assert!(plan.ambiguities[0].rows.is_empty());
    assert_eq!(plan.creates.len(), 1);
}

fn frequency(frequency: Frequency, group: u64, area: TreatArea) -> BenefitShape {
    let mut limit = FrequencyLimit::new(frequency, Scope::CodeGroup(CodeGroupNum::new(group)));
    limit.treat_area = area;
    BenefitShape::Frequency(limit)
}

#[tokio::test]
async fn two_frequency_limits_on_one_code_group_are_two_slots() {
    let office = MockOpenDental::start().await;
    office.insert_plan(benefits_sdk::opendental::InsPlan::new(PLAN, 7));
    let client = office.client();
    let crowns = || frequency(Frequency::EveryYears(5), 10, TreatArea::Tooth);
    let per_year = |n| frequency(Frequency::PerBenefitYear(n, None), 10, TreatArea::Mouth);
    let (plan, report) = client
        .reconcile(
            OWNER,
            [crowns(), per_year(2)],
            DiffOptions::new(),
            ApplyOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(plan.creates.len(), 2);
    assert!(report.is_complete());
    // The plan renews in July: "per benefit year" became ServiceYear.
    assert!(shapes_of(&office, OWNER).contains(&frequency(
        Frequency::PerBenefitYear(2, Some(BenefitYear::Service)),
        10,
        TreatArea::Mouth
    )));
    let plan = client.diff(OWNER, [crowns(), per_year(3)]).await.unwrap();
    assert_eq!(plan.updates.len(), 1);
    assert_eq!(plan.unchanged.len(), 1);
    assert_eq!(
        plan.updates[0].update(OWNER),
        BenefitUpdate::new().quantity(
            benefits_sdk::opendental::QuantityQualifier::NumberOfServices,
            3
        )
    );
}

#[tokio::test]
async fn a_patient_override_is_reconciled_on_its_own_rows() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    let owner = Owner::PatPlan(PatPlanNum::new(30));
    let desired = [coinsurance(4, 80), annual_max(500)];
    // A patient plan's year cannot be looked up: nothing is sent without it.
    let err = client.diff(owner, desired.clone()).await.unwrap_err();
    assert!(err.violations().unwrap().has("PatPlanNum"));
    assert!(office.requests().is_empty());
    let (plan, report) = client
        .reconcile_in_year(
            owner,
            BenefitYear::Service,
            desired.clone(),
            DiffOptions::new(),
            ApplyOptions::new(),
        )
        .await
        .unwrap();
    assert!(
        plan.to_string()
            .starts_with("Patient plan 30: overrides for one patient")
    );
    assert_eq!(report.done.len(), 2);
    assert!(
        calls(&office.requests())
            .iter()
            .filter(|c| c.starts_with("POST"))
            .all(|c| c.contains(r#""PatPlanNum":30"#) && c.contains("ServiceYear"))
    );
    assert!(office.benefits().iter().all(|b| b.plan_num.is_none()));
    let again = client
        .diff_in_year(owner, BenefitYear::Service, desired, DiffOptions::new())
        .await
        .unwrap();
    assert!(again.is_empty());
}

#[tokio::test]
async fn a_row_edited_between_plan_and_apply_is_a_conflict_not_overwritten() {
    let (office, client) = office_with_demo().await;
    let plan = client.diff(OWNER, changed_demo()).await.unwrap();
    let basic = plan.updates[0].row.benefit_num;
    // Someone else sets Basic to 60 % in the meantime.
    client
        .update(basic, &BenefitUpdate::new().percent(60))
        .await
        .unwrap();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(
        report.conflicts,
        [(
            Write::Update {
                benefit_num: basic,
                after: coinsurance(3, 70).with_plan_year(BenefitYear::Calendar)
            },
            ConflictKind::Edited
        )]
    );
    assert_eq!(report.done.len(), 1);
    let row = office
        .benefits()
        .into_iter()
        .find(|b| b.benefit_num == basic)
        .unwrap();
    assert_eq!(row.percent, Some(60));
}

#[tokio::test]
async fn a_row_deleted_between_plan_and_apply_is_a_conflict() {
    let (office, client) = office_with_demo().await;
    let plan = client.diff(OWNER, changed_demo()).await.unwrap();
    let basic = plan.updates[0].row.benefit_num;
    office.remove(basic);
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(report.conflicts.len(), 1);
    assert_eq!(report.conflicts[0].1, ConflictKind::Deleted);
    assert!(!report.is_complete());
}

#[tokio::test]
async fn a_slot_taken_between_plan_and_apply_is_a_conflict() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    let year = BenefitYear::Calendar;
    let plan = client
        .diff_in_year(OWNER, year, [coinsurance(5, 50)], DiffOptions::new())
        .await
        .unwrap();
    office.seed(&NewBenefit::coinsurance(PLAN, CovCatNum::new(5), 40));
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(report.conflicts[0].1, ConflictKind::SlotTaken);
    assert_eq!(office.benefits().len(), 1);
}

#[tokio::test]
async fn a_plan_survives_json_and_applies_later() {
    let (office, client) = office_with_demo().await;
    let plan = client
        .diff_with(OWNER, changed_demo(), DiffOptions::new().deletes(true))
        .await
        .unwrap();
    let stored = serde_json::to_string(&plan).unwrap();
    let read: Changeset = serde_json::from_str(&stored).unwrap();
    assert_eq!(read, plan);
    let report = client.apply(&read).await.unwrap();
    assert_eq!(report.done.len(), 2);
    assert_same_set(shapes_of(&office, OWNER), as_rows(&changed_demo(), OWNER));
}

#[tokio::test]
async fn applying_a_plan_twice_writes_once() {
    let (office, client) = office_with_demo().await;
    let mut desired = changed_demo();
    desired.push(coinsurance(5, 50));
    let plan = client.diff(OWNER, desired).await.unwrap();
    assert_eq!(plan.writes(), 3);
    client.apply(&plan).await.unwrap();
    office.reset_log();
    let report = client.apply(&plan).await.unwrap();
    assert!(report.done.is_empty());
    assert_eq!(report.skipped.len(), 3);
    assert!(
        report
            .skipped
            .iter()
            .all(|(_, why)| *why == SkipReason::AlreadyDone)
    );
    assert_eq!(office.requests().len(), 1, "a listing, no write");
}

#[tokio::test]
async fn a_failure_stops_the_apply_or_not_as_asked() {
    for on_error in [OnError::Stop, OnError::Continue] {
        let (office, client) = office_with_demo().await;
        let plan = client.diff(OWNER, changed_demo()).await.unwrap();
        office.inject_on("PUT", 1, Fault::Status(400));
        let report = client
            .apply_with(&plan, ApplyOptions::new().on_error(on_error))
            .await
            .unwrap();
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].1.status().map(|s| s.as_u16()), Some(400));
        match on_error {
            OnError::Stop => {
                assert_eq!(report.skipped.len(), 1);
                assert_eq!(report.skipped[0].1, SkipReason::Stopped);
                assert!(report.done.is_empty());
            }
            _ => assert_eq!(report.done.len(), 1),
        }
    }
}

#[tokio::test]
async fn progress_is_reported_after_each_write() {
    let (_office, client) = office_with_demo().await;
    let mut desired = changed_demo();
    desired.push(coinsurance(5, 50));
    let plan = client.diff(OWNER, desired).await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    client
        .apply_with(
            &plan,
            ApplyOptions::new().progress(move |p| sink.lock().unwrap().push(p)),
        )
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    let handled: Vec<(usize, usize)> = seen.iter().map(|p| (p.handled, p.total)).collect();
    assert_eq!(handled, [(1, 3), (2, 3), (3, 3)]);
    assert_eq!(seen[2].eta, Duration::ZERO);
}

#[tokio::test]
async fn the_diff_reads_for_a_person() {
    let (office, client) = office_with_demo().await;
    let extra = office.seed(&exclusion_on(9));
    let mut desired = changed_demo();
    desired.push(coinsurance(5, 50));
    let plan = client
        .diff_with(OWNER, desired, DiffOptions::new().deletes(true))
        .await
        .unwrap();
    let names = client.names().await.unwrap();
    let text = plan.display_with(&names).to_string();
    let basic = plan.updates[0].row.benefit_num;
    let max = plan.updates[1].row.benefit_num;
    let expected = format!(
        "Plan 12: plan-level rows, shared by every subscriber of the plan\n\
         + create        coinsurance: Crowns 50 %\n\
         ~ update #{basic:<5} coinsurance: Basic 80 % → Basic 70 % [Percent 80 → 70]\n\
         ~ update #{max:<5} maximum: $1500 per person per calendar year → $2000 per person per calendar year [MonetaryAmt 1500 → 2000]\n\
         - delete #{:<5} exclusion: per calendar year on Ortho\n\
         1 to create, 2 to update, 1 to delete, 10 unchanged, 0 kept, 0 ambiguous",
        extra.benefit_num
    );
    assert_eq!(text, expected);
}

#[tokio::test]
async fn the_diff_shows_every_field_an_update_changes_and_what_a_custom_row_is_on() {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, 0));
    let client = office.client();
    // A coinsurance stated per calendar year, wanted per service year: its words are the same.
    let row = office.seed(
        &NewBenefit::coinsurance(PLAN, CovCatNum::new(2), 80)
            .time_period(benefits_sdk::opendental::TimePeriod::CalendarYear),
    );
    // The vendor's coinsurance counted in visits: a shape the model cannot name.
    let visits = office.seed(
        &NewBenefit::coinsurance(PLAN, CovCatNum::new(2), 50)
            .quantity(benefits_sdk::opendental::QuantityQualifier::Visits, 2),
    );
    let wanted = BenefitShape::Coinsurance {
        percent: 80,
        terms: Terms::new(Scope::Category(CovCatNum::new(2)))
            .period(Period::BenefitYear(Some(BenefitYear::Service))),
    };
    let plan = client
        .diff_with(OWNER, vec![wanted], DiffOptions::new().deletes(true))
        .await
        .unwrap();
    let text = plan
        .display_with(&client.names().await.unwrap())
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1],
        format!(
            "~ update #{:<5} coinsurance: Preventive 80 % → Preventive 80 % [TimePeriod CalendarYear → ServiceYear]",
            row.benefit_num
        )
    );
    assert_eq!(
        lines[2],
        format!(
            "- delete #{:<5} other: CoInsurance (None) on Preventive, 50 %, 2 Visits, CalendarYear",
            visits.benefit_num
        )
    );
}

#[tokio::test]
async fn a_code_named_by_text_matches_the_row_that_has_key_and_text() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    let mut row = office.seed(&NewBenefit::coinsurance(PLAN, CovCatNum::new(1), 0));
    row.cov_cat_num = None;
    row.code_num = Some(benefits_sdk::opendental::CodeNum::new(501));
    row.proc_code = Some("D1110".to_owned());
    row.percent = Some(90);
    office.insert([row.clone()]);
    let desired = BenefitShape::Coinsurance {
        percent: 90,
        terms: Terms::new(Scope::proc_code("d1110")).period(Period::BenefitYear(None)),
    };
    let plan = client
        .diff_in_year(OWNER, BenefitYear::Calendar, [desired], DiffOptions::new())
        .await
        .unwrap();
    assert!(plan.is_empty(), "{plan}");
    assert_eq!(plan.unchanged[0].benefit_num, row.benefit_num);
}

#[tokio::test]
async fn a_row_that_fits_no_shape_is_matched_only_when_identical() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    let odd = NewBenefit::new(
        PLAN,
        benefits_sdk::opendental::BenefitType::Limitations,
        CoverageLevel::Family,
    )
    .quantity(benefits_sdk::opendental::QuantityQualifier::Visits, 4)
    .time_period(benefits_sdk::opendental::TimePeriod::Years);
    let row = office.seed(&odd);
    assert!(matches!(row.shape(), BenefitShape::Custom(_)));
    let plan = client.diff(OWNER, [row.shape()]).await.unwrap();
    assert!(plan.is_empty());
    let other = odd
        .clone()
        .quantity(benefits_sdk::opendental::QuantityQualifier::Visits, 5);
    let plan = client.diff(OWNER, [other.shape()]).await.unwrap();
    assert_eq!((plan.creates.len(), plan.kept.len()), (1, 1));
}

// Fault runs: each ends with exactly the desired rows and no duplicate.

async fn fault_run(fault: Fault, on: &str, client_timeout: Option<Duration>) -> Vec<LoggedRequest> {
    let (office, client) = office_with_demo().await;
    let client = match client_timeout {
        Some(t) => office.client_builder().timeout(t).build().unwrap(),
        None => client,
    };
    let mut desired = changed_demo();
    desired.push(coinsurance(5, 50));
    let plan = client.diff(OWNER, desired.clone()).await.unwrap();
    office.reset_log();
    office.inject_on(on, 1, fault);
    let report = client.apply_with(&plan, quick_settle()).await.unwrap();
    assert!(report.is_complete(), "{report}: {:?}", report.failed);
    assert_eq!(report.done.len(), 3);
    assert_same_set(shapes_of(&office, OWNER), as_rows(&desired, OWNER));
    office.requests()
}

/// Apply with a settle time the fake's faults respect (each lands within it).
fn quick_settle() -> ApplyOptions {
    ApplyOptions::new().settle(Duration::from_millis(50))
}

fn methods(requests: &[LoggedRequest]) -> Vec<(String, u16)> {
    requests
        .iter()
        .map(|r| (r.method.clone(), r.status))
        .collect()
}

fn m(method: &str, status: u16) -> (String, u16) {
    (method.to_owned(), status)
}

/// A PUT answered 503 may have landed (a proxy answers 503 after forwarding): it is read
/// once the settle time has passed, and, its values not there, it stays failed with its
/// outcome unknown and is never sent again by this apply (an edit that undid it within its
/// second would look untouched). The apply goes on; the next reconcile writes it.
#[tokio::test]
async fn fault_503_on_put_is_checked_never_resent_and_the_next_reconcile_writes_it() {
    let (office, client) = office_with_demo().await;
    let mut desired = changed_demo();
    desired.push(coinsurance(5, 50));
    let plan = client.diff(OWNER, desired.clone()).await.unwrap();
    office.reset_log();
    office.inject_on("PUT", 1, Fault::Status(503));
    let apply = quick_settle().on_error(benefits_sdk::opendental::OnError::Continue);
    let report = client.apply_with(&plan, apply).await.unwrap();
    assert_eq!(report.failed.len(), 1, "{report}");
    assert!(report.failed[0].1.outcome_unknown());
    assert_eq!(report.done.len(), 2);
    assert_eq!(
        methods(&office.requests()),
        [
            m("GET", 200),
            m("GET", 200),
            m("PUT", 503),
            // Read once the settle time has passed: not there, never sent again.
            m("GET", 200),
            m("GET", 200),
            m("PUT", 200),
            m("GET", 200),
            m("POST", 201)
        ]
    );
    let again = client.diff(OWNER, desired.clone()).await.unwrap();
    assert_eq!(again.updates.len(), 1);
    let report = client.apply(&again).await.unwrap();
    assert!(report.is_complete(), "{report}");
    assert_same_set(shapes_of(&office, OWNER), as_rows(&desired, OWNER));
}

#[tokio::test]
async fn fault_504_after_the_post_landed_is_found_by_listing_not_sent_again() {
    let requests = fault_run(Fault::StatusAfterWrite(504), "POST", None).await;
    assert_eq!(
        methods(&requests),
        [
            m("GET", 200),
            m("GET", 200),
            m("PUT", 200),
            m("GET", 200),
            m("PUT", 200),
            m("GET", 200),
            m("POST", 504),
            m("GET", 200)
        ]
    );
}

#[tokio::test]
async fn fault_504_before_the_post_landed_is_listed_then_sent_again() {
    let requests = fault_run(Fault::Status(504), "POST", None).await;
    assert_eq!(
        methods(&requests),
        [
            m("GET", 200),
            m("GET", 200),
            m("PUT", 200),
            m("GET", 200),
            m("PUT", 200),
            m("GET", 200),
            m("POST", 504),
            m("GET", 200),
            m("POST", 201)
        ]
    );
}

#[tokio::test]
async fn fault_a_post_that_timed_out_after_landing_is_not_duplicated() {
    let requests = fault_run(
        Fault::Delay(Duration::from_millis(1500)),
        "POST",
        Some(Duration::from_millis(300)),
    )
    .await;
    assert_eq!(
        methods(&requests)[5..],
        [m("GET", 200), m("POST", 201), m("GET", 200)]
    );
}

#[tokio::test]
async fn fault_a_201_whose_body_does_not_decode_is_found_by_listing() {
    let requests = fault_run(Fault::MalformedAfterWrite, "POST", None).await;
    assert_eq!(
        methods(&requests)[5..],
        [m("GET", 200), m("POST", 201), m("GET", 200)]
    );
}

#[tokio::test]
async fn fault_429s_are_waited_out_and_each_write_lands_once() {
    let (office, client) = office_with_demo().await;
    let mut desired = changed_demo();
    desired.push(coinsurance(5, 50));
    let plan = client.diff(OWNER, desired.clone()).await.unwrap();
    office.reset_log();
    let now = Duration::ZERO;
    office.inject_on("PUT", 1, Fault::RateLimited { retry_after: now });
    office.inject_on("POST", 2, Fault::RateLimited { retry_after: now });
    let report = client.apply(&plan).await.unwrap();
    assert!(report.is_complete());
    assert_same_set(shapes_of(&office, OWNER), as_rows(&desired, OWNER));
    assert_eq!(
        methods(&office.requests()),
        [
            m("GET", 200),
            m("GET", 200),
            m("PUT", 429),
            // Every write refused is sent again only on a new read.
            m("GET", 200),
            m("PUT", 200),
            m("GET", 200),
            m("PUT", 200),
            m("GET", 200),
            m("POST", 429),
            m("GET", 200),
            m("POST", 429),
            m("GET", 200),
            m("POST", 201)
        ]
    );
}

#[tokio::test]
async fn a_create_whose_check_cannot_list_is_failed_with_its_outcome_unknown() {
    let (office, client) = office_with_demo().await;
    let plan = client
        .diff(OWNER, [demo_shapes(), vec![coinsurance(5, 50)]].concat())
        .await
        .unwrap();
    office.reset_log();
    office.inject_on("POST", 1, Fault::Status(504));
    // Apply's own listing passes; the check's listing fails, every retry of it.
    office.inject_on("GET", 1, Fault::Delay(Duration::ZERO));
    office.inject_on("GET", 10, Fault::Status(500));
    let report = client.apply_with(&plan, quick_settle()).await.unwrap();
    assert_eq!(report.failed.len(), 1);
    let (write, error): &(Write, Error) = &report.failed[0];
    assert!(matches!(write, Write::Create(_)));
    assert!(error.outcome_unknown());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(
        office
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1,
        "never sent again without proof it did not land"
    );
}
