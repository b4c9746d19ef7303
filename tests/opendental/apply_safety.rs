//! What keeps an apply safe while it runs: one apply per owner at a time (a second apply of
//! the same owner fails with a typed error and writes nothing, other owners go on, the lock is
//! released after), and each update or delete checked against its row read again just before
//! the write, so an edit made during the apply is never overwritten.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::time::Duration;

use crate::common::calls;
use benefits_sdk::mock::{Fault, MockOpenDental};
use benefits_sdk::opendental::{
    ApplyOptions, BenefitShape, ConflictKind, CovCatNum, DiffOptions, InsPlan, NewBenefit, Owner,
    PlanNum, Scope, ServerVersion, Terms, Write,
};
use benefits_sdk::{Error, LockErrorKind};

fn exclusion(category: u64) -> BenefitShape {
    BenefitShape::Exclusion(Terms::new(Scope::Category(CovCatNum::new(category))))
}

#[tokio::test]
async fn a_second_apply_of_one_owner_fails_held_and_writes_nothing() {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PlanNum::new(12), 0));
    office.insert_plan(InsPlan::new(PlanNum::new(13), 0));
    let client = office.client();
    let desired = vec![exclusion(1), exclusion(2)];
    let plan = client
        .diff(Owner::Plan(PlanNum::new(12)), desired.clone())
        .await
        .unwrap();
    // Every POST takes 300 ms, so the first apply still holds the lock when the others start.
    office.delay_next(2, Duration::from_millis(300));
    let same = client.clone();
    let other_owner = client.clone();
    let (first, second, third) = tokio::join!(
        client.apply(&plan),
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            same.apply(&plan).await
        },
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let options = DiffOptions::new();
            other_owner
                .reconcile(
                    Owner::Plan(PlanNum::new(13)),
                    desired.clone(),
                    options,
                    ApplyOptions::new(),
                )
                .await
        }
    );
    assert_eq!(first.unwrap().done.len(), 2);
    let Err(Error::ApplyLock(held)) = second else {
        panic!("the second apply of plan 12 must be refused: {second:?}");
    };
    assert_eq!(held.kind, LockErrorKind::Held);
    assert_eq!(
        held.to_string(),
        "plan 12 is being applied by another worker: nothing written; try again later"
    );
    assert!(
        third.unwrap().1.is_complete(),
        "another owner is not held back"
    );
    assert_eq!(office.benefits().len(), 4);
    // Released: the same plan applies again (already done).
    let again = client.apply(&plan).await.unwrap();
    assert_eq!(again.skipped.len(), 2);
}

#[tokio::test]
async fn clients_made_from_one_root_share_the_lock() {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PlanNum::new(12), 0));
    let root = office.client();
    // The same office reached through `for_office`: another client, the root's lock.
    let sibling = root
        .for_office("mock-customer-key")
        .base_url(office.base_url())
        .build()
        .unwrap();
    let owner = Owner::Plan(PlanNum::new(12));
    let plan = root.diff(owner, [exclusion(1)]).await.unwrap();
    office.delay_next(2, Duration::from_millis(300));
    let (a, b) = tokio::join!(root.apply(&plan), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        sibling.apply(&plan).await
    });
    assert_eq!(a.unwrap().done.len(), 1);
    assert!(
        matches!(b, Err(Error::ApplyLock(ref e)) if e.kind == LockErrorKind::Held),
        "{b:?}"
    );
    assert_eq!(office.benefits().len(), 1);
}

fn coinsurance(category: u64, percent: u8) -> BenefitShape {
    NewBenefit::coinsurance(PlanNum::new(12), CovCatNum::new(category), percent).shape()
}

#[tokio::test]
async fn an_edit_made_during_apply_is_a_conflict_not_overwritten() {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PlanNum::new(12), 0));
    let a = office.seed(&NewBenefit::coinsurance(
        PlanNum::new(12),
        CovCatNum::new(3),
        80,
    ));
    let b = office.seed(&NewBenefit::coinsurance(
        PlanNum::new(12),
        CovCatNum::new(4),
        50,
    ));
    let client = office.client();
    let owner = Owner::Plan(PlanNum::new(12));
    let plan = client
        .diff(owner, [coinsurance(3, 70), coinsurance(4, 40)])
        .await
        .unwrap();
    assert_eq!(plan.updates.len(), 2);
    office.reset_log();
    // The first PUT takes 600 ms; staff change row B while it runs, after apply's listing.
    office.inject_on("PUT", 1, Fault::Delay(Duration::from_millis(600)));
    let mut edited = b.clone();
    edited.percent = Some(45);
    edited.sec_date_t_edit = b
        .sec_date_t_edit
        .map(|t| t + chrono::TimeDelta::seconds(60));
    let (report, ()) = tokio::join!(client.apply(&plan), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        office.insert([edited.clone()]);
    });
    let report = report.unwrap();
    assert_eq!(report.done.len(), 1);
    assert!(matches!(
        report.conflicts.as_slice(),
        [(Write::Update { benefit_num, .. }, ConflictKind::Edited)] if *benefit_num == b.benefit_num
    ));
    let now = office.benefits();
    assert_eq!(
        now.iter().find(|r| r.benefit_num == b.benefit_num),
        Some(&edited)
    );
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/benefits?PlanNum=12&Limit=100".to_owned(),
            format!("GET /api/v1/benefits/{}", a.benefit_num),
            format!("PUT /api/v1/benefits/{}", a.benefit_num),
            format!("GET /api/v1/benefits/{}", b.benefit_num),
        ],
        "B was read again before its write, and not written"
    );
}

#[tokio::test]
async fn an_office_without_get_single_is_checked_by_a_fresh_listing() {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PlanNum::new(12), 0));
    office.set_version(Some("24.1.5.0"));
    let a = office.seed(&NewBenefit::coinsurance(
        PlanNum::new(12),
        CovCatNum::new(3),
        80,
    ));
    let client = office
        .client_builder()
        .server_version(ServerVersion::new(24, 1, 5))
        .build()
        .unwrap();
    let owner = Owner::Plan(PlanNum::new(12));
    let plan = client.diff(owner, [coinsurance(3, 70)]).await.unwrap();
    office.reset_log();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(report.done.len(), 1);
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/benefits?PlanNum=12&Limit=100".to_owned(),
            "GET /api/v1/benefits?PlanNum=12&Limit=100".to_owned(),
            format!("PUT /api/v1/benefits/{}", a.benefit_num),
        ]
    );
}

#[tokio::test]
async fn a_no_op_apply_sends_its_listing_only() {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PlanNum::new(12), 0));
    office.seed(&NewBenefit::coinsurance(
        PlanNum::new(12),
        CovCatNum::new(3),
        80,
    ));
    let client = office.client();
    let owner = Owner::Plan(PlanNum::new(12));
    let plan = client.diff(owner, [coinsurance(3, 70)]).await.unwrap();
    client.apply(&plan).await.unwrap();
    office.reset_log();
    // Applied again: the listing shows it done, so no row is read again.
    let again = client.apply(&plan).await.unwrap();
    assert_eq!(again.skipped.len(), 1);
    assert_eq!(
        calls(&office.requests()),
        ["GET /api/v1/benefits?PlanNum=12&Limit=100"]
    );
}
