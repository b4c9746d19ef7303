//! One apply per owner at a time, in process: a second apply of the same owner fails with a
//! typed error and writes nothing, other owners and offices go on, and the lock is released
//! after each apply.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::time::Duration;

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{
    ApplyOptions, BenefitShape, CovCatNum, InsPlan, Owner, PlanNum, PlanOptions, Scope, Terms,
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
        .plan_changes(Owner::Plan(PlanNum::new(12)), desired.clone())
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
            let options = PlanOptions::new();
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
    let plan = root.plan_changes(owner, [exclusion(1)]).await.unwrap();
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
