//! The ways reconcile used to duplicate or repeat a write (issue 26, §5), each held by the
//! office's own write log: every one of these failed before its fix.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::sync::Arc;
use std::time::Duration;

use benefits_sdk::mock::{Fault, MockOpenDental, OfficeWrite, WriteKind};
use benefits_sdk::opendental::{
    ApplyOptions, BenefitShape, BenefitsClient, CovCatNum, CoverageLevel, DiffOptions, InsPlan,
    NewBenefit, Owner, PlanNum, Scope, SkipReason, Terms,
};
use rust_decimal::Decimal;

const PLAN: PlanNum = PlanNum::new(12);
const OWNER: Owner = Owner::Plan(PLAN);

async fn office() -> (Arc<MockOpenDental>, BenefitsClient) {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, 0));
    let client = office.client();
    (Arc::new(office), client)
}

fn annual_max(amount: &str) -> BenefitShape {
    BenefitShape::Maximum {
        amount: amount.parse().unwrap(),
        terms: Terms::new(Scope::General).level(CoverageLevel::Individual),
    }
}

fn coinsurance(category: u64, percent: u8) -> BenefitShape {
    BenefitShape::Coinsurance {
        percent,
        terms: Terms::new(Scope::Category(CovCatNum::new(category))),
    }
}

fn api_inserts(writes: &[OfficeWrite]) -> usize {
    writes
        .iter()
        .filter(|w| w.kind == WriteKind::Insert && w.by.is_api("benefits-sdk/"))
        .count()
}

fn api_writes(writes: &[OfficeWrite]) -> usize {
    writes
        .iter()
        .filter(|w| w.by.is_api("benefits-sdk/"))
        .count()
}

async fn reconcile(client: &BenefitsClient, desired: &[BenefitShape], apply: ApplyOptions) {
    let (_, report) = client
        .reconcile(OWNER, desired.to_vec(), DiffOptions::new(), apply)
        .await
        .unwrap();
    assert!(report.is_complete(), "{report}: {:?}", report.failed);
}

/// §5.2: Open Dental stores a MonetaryAmt of -1 as empty. A desired amount of -1 used to
/// make one more row on every run.
#[tokio::test]
async fn an_amount_of_minus_one_is_written_once() {
    let (office, client) = office().await;
    let desired = [annual_max("-1")];
    for _ in 0..3 {
        reconcile(&client, &desired, ApplyOptions::new()).await;
    }
    let writes = office.writes();
    assert_eq!(api_writes(&writes), 1, "{writes:#?}");
    assert_eq!(office.benefits()[0].monetary_amt, None);
}

/// §5.3: the office keeps amounts to cents. An amount with three decimals used to be
/// updated on every run.
#[tokio::test]
async fn an_amount_with_three_decimals_converges() {
    let (office, client) = office().await;
    let desired = [annual_max("1234.567")];
    reconcile(&client, &desired, ApplyOptions::new()).await;
    office.reset_log();
    for _ in 0..2 {
        reconcile(&client, &desired, ApplyOptions::new()).await;
    }
    // Only the listings: no PUT of 1234.567 over the 1234.57 the office keeps.
    let sent: Vec<String> = office.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(sent, ["GET", "GET"]);
    assert_eq!(api_writes(&office.writes()), 1);
    assert_eq!(
        office.benefits()[0].monetary_amt,
        Some("1234.57".parse().unwrap())
    );
}

/// §5.3: a create of such an amount answered 502 after the office stored it used to be
/// sent again (the check compared 1234.567 with the 1234.57 listed).
#[tokio::test]
async fn a_create_of_three_decimals_answered_502_after_storing_is_not_sent_again() {
    let (office, client) = office().await;
    office.inject_on("POST", 1, Fault::StatusAfterWrite(502));
    let apply = ApplyOptions::new().settle(Duration::from_millis(20));
    reconcile(&client, &[annual_max("1234.567")], apply).await;
    assert_eq!(api_inserts(&office.writes()), 1);
}

/// §5.4: the settle time counts from the end of the attempt that may have landed, not from
/// before the create. A POST refused with 429 (waited out, then sent again) whose second
/// attempt the office stores late used to be checked inside the office's window and sent a
/// third time.
#[tokio::test]
async fn the_settle_time_counts_from_the_attempt_that_may_have_landed() {
    let (office, client) = office().await;
    office.inject_on(
        "POST",
        1,
        Fault::RateLimited {
            retry_after: Duration::from_secs(1),
        },
    );
    office.inject_on(
        "POST",
        1,
        Fault::LandsLate {
            lands_after: Duration::from_millis(300),
            answer_after: Some(Duration::from_millis(10)),
        },
    );
    let apply = ApplyOptions::new().settle(Duration::from_millis(500));
    reconcile(&client, &[coinsurance(3, 80)], apply).await;
    // Let a third POST, had one gone out, land before counting.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(api_inserts(&office.writes()), 1, "{:#?}", office.writes());
}

/// §5.5: after an unknown outcome, a new row in the create's slot is the create's until
/// proven otherwise. One edited by staff during the settle time used to get a twin.
#[tokio::test]
async fn a_new_row_in_the_slot_after_an_unknown_outcome_is_never_sent_again() {
    let (office, client) = office().await;
    office.inject_on(
        "POST",
        1,
        Fault::LandsLate {
            lands_after: Duration::from_millis(50),
            answer_after: Some(Duration::from_millis(5)),
        },
    );
    let staff = {
        let office = office.clone();
        tokio::spawn(async move {
            // Staff change the new row as soon as it appears.
            loop {
                if let Some(row) = office.benefits().first() {
                    office
                        .office_user("staff")
                        .edit(row.benefit_num, |r| r.percent = Some(90));
                    return;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let apply = ApplyOptions::new().settle(Duration::from_millis(300));
    let (_, report) = client
        .reconcile(OWNER, [coinsurance(3, 80)], DiffOptions::new(), apply)
        .await
        .unwrap();
    staff.await.unwrap();
    // Sent, and maybe landed: failed with its outcome unknown, never a conflict (which says
    // nothing was sent), never sent again.
    assert_eq!(report.failed.len(), 1, "{report}");
    assert!(report.failed[0].1.outcome_unknown());
    assert_eq!(api_inserts(&office.writes()), 1);
    assert_eq!(office.benefits().len(), 1);
}

/// §5.6: a create is judged on a listing made just before it, not the one apply started
/// from. A row staff added to its slot while the updates ran used to get a twin.
#[tokio::test]
async fn a_row_added_while_the_updates_run_gets_no_twin() {
    let (office, client) = office().await;
    let row = office.seed(&NewBenefit::coinsurance(PLAN, CovCatNum::new(1), 50));
    let desired = [coinsurance(1, 100), coinsurance(3, 80)];
    office.inject_on("PUT", 1, Fault::Delay(Duration::from_millis(300)));
    let staff = {
        let office = office.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            office
                .office_user("staff")
                .add(&NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 80));
        })
    };
    let (_, report) = client
        .reconcile(OWNER, desired, DiffOptions::new(), ApplyOptions::new())
        .await
        .unwrap();
    staff.await.unwrap();
    assert_eq!(report.done.len(), 1, "{report}");
    assert_eq!(report.done[0].1, row.benefit_num);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].1, SkipReason::AlreadyDone);
    assert_eq!(api_inserts(&office.writes()), 0);
    assert_eq!(office.benefits().len(), 2);
}

/// An amount the office stores as given needs no decimals to match: 1500 and 1500.00 are
/// one amount, and a listed 1500 is no update.
#[tokio::test]
async fn whole_amounts_match_their_cents() {
    let (office, client) = office().await;
    office.seed(&NewBenefit::annual_max(
        PLAN,
        CoverageLevel::Individual,
        Decimal::new(150_000, 2),
    ));
    let plan = client.diff(OWNER, [annual_max("1500")]).await.unwrap();
    assert!(plan.is_empty(), "{plan}");
}

/// §5.8: a stored changeset records its office (the customer key's hash, never the key), and
/// another office's client refuses it before any request.
#[tokio::test]
async fn a_changeset_from_another_office_is_refused_before_any_request() {
    let (office, client) = office().await;
    let plan = client.diff(OWNER, [coinsurance(3, 80)]).await.unwrap();
    let json = serde_json::to_string(&plan).unwrap();
    assert!(!json.contains("mock-customer-key"));
    let stored: benefits_sdk::opendental::Changeset = serde_json::from_str(&json).unwrap();
    assert_eq!(stored.office, plan.office);
    let elsewhere = office
        .client_builder()
        .keys("mock-developer-key", "another-office-key")
        .build()
        .unwrap();
    office.reset_log();
    let error = elsewhere.apply(&stored).await.unwrap_err();
    let violations = error.violations().expect("a typed refusal");
    assert_eq!(violations.iter().next().unwrap().field, "Changeset.office");
    assert!(office.requests().is_empty());
    // Its own office applies it.
    let report = client.apply(&stored).await.unwrap();
    assert_eq!(report.done.len(), 1);
}

/// A create refused with 429 is sent again only after a new listing: a row staff added to its
/// slot during the Retry-After is seen, never twinned (the transport used to resend the POST on
/// the listing made before the wait).
#[tokio::test]
async fn a_create_refused_with_429_is_judged_again_before_it_is_resent() {
    let (office, client) = office().await;
    office.inject_on(
        "POST",
        1,
        Fault::RateLimited {
            retry_after: Duration::from_secs(1),
        },
    );
    let staff = {
        let office = office.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            office
                .office_user("staff")
                .add(&NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 80));
        })
    };
    let (_, report) = client
        .reconcile(
            OWNER,
            [coinsurance(3, 80)],
            DiffOptions::new(),
            ApplyOptions::new(),
        )
        .await
        .unwrap();
    staff.await.unwrap();
    // Sent once and refused, so reported failed (never "not sent"), and known not to have
    // landed; the row in the office is staff's.
    assert_eq!(report.failed.len(), 1, "{report}");
    assert!(!report.failed[0].1.outcome_unknown());
    assert_eq!(api_inserts(&office.writes()), 0);
    assert_eq!(office.benefits().len(), 1);
}

/// A client whose policy retries POST (`retry_non_idempotent`) still sends each of apply's
/// creates once per listing: a 502 after the office stored it is checked, not resent.
#[tokio::test]
async fn a_policy_that_retries_post_never_twins_an_applied_create() {
    let (office, _) = office().await;
    let client = office
        .client_builder()
        .retry_policy(
            benefits_sdk::RetryPolicy::new()
                .backoff(Duration::from_millis(1), Duration::from_millis(5))
                .retry_non_idempotent(true),
        )
        .build()
        .unwrap();
    office.inject_on("POST", 1, Fault::StatusAfterWrite(502));
    let apply = ApplyOptions::new().settle(Duration::from_millis(20));
    reconcile(&client, &[coinsurance(3, 80)], apply).await;
    assert_eq!(api_inserts(&office.writes()), 1);
    assert_eq!(office.benefits().len(), 1);
}

/// A "# per benefit year" limit the office keeps in CalendarYear on a plan that renews in
/// July (made before the plan's MonthRenew changed) is updated once, not called edited on
/// every run.
#[tokio::test]
async fn a_calendar_year_limit_on_a_service_year_plan_converges() {
    let office = Arc::new(MockOpenDental::start().await);
    office.insert_plan(InsPlan::new(PLAN, 0));
    let limit =
        NewBenefit::per_benefit_year(PLAN, 2, benefits_sdk::opendental::BenefitYear::Calendar)
            .code_group_num(benefits_sdk::opendental::CodeGroupNum::new(2));
    office.seed(&limit);
    office.insert_plan(InsPlan::new(PLAN, 7));
    let client = office.client();
    let desired = [benefits_sdk::opendental::BenefitShape::Frequency(
        benefits_sdk::opendental::FrequencyLimit::new(
            benefits_sdk::opendental::Frequency::PerBenefitYear(2, None),
            Scope::CodeGroup(benefits_sdk::opendental::CodeGroupNum::new(2)),
        ),
    )];
    for _ in 0..3 {
        reconcile(&client, &desired, ApplyOptions::new()).await;
    }
    assert_eq!(api_writes(&office.writes()), 1);
    assert_eq!(
        office.benefits()[0].time_period,
        benefits_sdk::opendental::TimePeriod::ServiceYear
    );
}

/// Past 15 significant digits the office's double keeps no cents: the planner plans what it
/// keeps, so an amount of 10,000,000,000,000.01 is written once.
#[tokio::test]
async fn an_amount_past_fifteen_digits_converges() {
    let (office, client) = office().await;
    let desired = [annual_max("10000000000000.01")];
    for _ in 0..3 {
        reconcile(&client, &desired, ApplyOptions::new()).await;
    }
    assert_eq!(api_writes(&office.writes()), 1);
}

/// A settle time past the bound is taken as the bound (`MAX_SETTLE`), never an overflow.
#[test]
fn a_settle_time_past_the_bound_is_the_bound() {
    let options = ApplyOptions::new().settle(Duration::MAX);
    assert_eq!(options.settle, benefits_sdk::opendental::MAX_SETTLE);
}

/// Updates and deletes go in one attempt each, like creates. A PUT refused with 429 used to be
/// sent again by the transport after its Retry-After, over an edit staff made meanwhile; now it
/// is read again first, and the edit is kept.
#[tokio::test]
async fn an_edit_made_while_a_refused_put_waits_is_never_overwritten() {
    let (office, client) = office().await;
    let row = office.seed(&NewBenefit::coinsurance(PLAN, CovCatNum::new(1), 50));
    office.inject_on(
        "PUT",
        1,
        Fault::RateLimited {
            retry_after: Duration::from_secs(1),
        },
    );
    let staff = staff_edit_after(&office, row.benefit_num, Duration::from_millis(300), 70);
    let (_, report) = client
        .reconcile(
            OWNER,
            [coinsurance(1, 100)],
            DiffOptions::new(),
            ApplyOptions::new(),
        )
        .await
        .unwrap();
    staff.await.unwrap();
    // Sent once and refused: failed, known not to have landed; staff's 70 % stays.
    assert_eq!(report.failed.len(), 1, "{report}");
    assert!(!report.failed[0].1.outcome_unknown());
    assert_eq!(api_writes(&office.writes()), 0);
    assert_eq!(office.benefits()[0].percent, Some(70));
    assert_eq!(
        requests(&office),
        [
            "GET /api/v1/insplans/12",
            "GET /api/v1/benefits",
            "GET /api/v1/benefits/1",
            "PUT /api/v1/benefits/1",
            "GET /api/v1/benefits/1"
        ]
    );
}

/// A PUT that may have landed (a 503, which a proxy may send after forwarding) is read again
/// once the settle time has passed, never sent again blind: a row staff edited meanwhile is
/// kept and the update stays unknown.
#[tokio::test]
async fn a_put_that_may_have_landed_is_never_sent_over_an_edit_made_while_it_settles() {
    let (office, client) = office().await;
    let row = office.seed(&NewBenefit::coinsurance(PLAN, CovCatNum::new(1), 50));
    office.inject_on("PUT", 1, Fault::Status(503));
    let staff = staff_edit_after(&office, row.benefit_num, Duration::from_millis(100), 70);
    let apply = ApplyOptions::new().settle(Duration::from_millis(400));
    let (_, report) = client
        .reconcile(OWNER, [coinsurance(1, 100)], DiffOptions::new(), apply)
        .await
        .unwrap();
    staff.await.unwrap();
    assert_eq!(report.failed.len(), 1, "{report}");
    assert!(report.failed[0].1.outcome_unknown());
    assert_eq!(api_writes(&office.writes()), 0);
    assert_eq!(office.benefits()[0].percent, Some(70));
    assert_eq!(
        requests(&office),
        [
            "GET /api/v1/insplans/12",
            "GET /api/v1/benefits",
            "GET /api/v1/benefits/1",
            "PUT /api/v1/benefits/1",
            "GET /api/v1/benefits/1"
        ]
    );
}

/// A DELETE answered 503 after the office deleted the row is found gone on the read after the
/// settle time: done, sent once.
#[tokio::test]
async fn a_delete_answered_503_after_it_landed_is_done_and_sent_once() {
    let (office, client) = office().await;
    let row = office.seed(&NewBenefit::coinsurance(PLAN, CovCatNum::new(1), 50));
    office.inject_on("DELETE", 1, Fault::StatusAfterWrite(503));
    let apply = ApplyOptions::new().settle(Duration::from_millis(50));
    let options = DiffOptions::new().deletes(true);
    let (_, report) = client.reconcile(OWNER, [], options, apply).await.unwrap();
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.done.len(), 1);
    assert_eq!(report.done[0].1, row.benefit_num);
    assert_eq!(api_writes(&office.writes()), 1);
    assert!(office.benefits().is_empty());
    assert_eq!(
        requests(&office),
        [
            "GET /api/v1/benefits",
            "GET /api/v1/benefits/1",
            "DELETE /api/v1/benefits/1",
            "GET /api/v1/benefits/1"
        ]
    );
}

/// Staff set `benefit`'s percent after `wait`.
fn staff_edit_after(
    office: &Arc<MockOpenDental>,
    benefit: benefits_sdk::opendental::BenefitNum,
    wait: Duration,
    percent: u8,
) -> tokio::task::JoinHandle<()> {
    let office = office.clone();
    tokio::spawn(async move {
        tokio::time::sleep(wait).await;
        office
            .office_user("staff")
            .edit(benefit, |r| r.percent = Some(percent))
            .expect("the row is there");
    })
}

/// Each request as `METHOD path`, the query left out.
fn requests(office: &MockOpenDental) -> Vec<String> {
    office
        .requests()
        .into_iter()
        .map(|r| {
            format!(
                "{} {}",
                r.method,
                r.path.split('?').next().unwrap_or_default()
            )
        })
        .collect()
}
