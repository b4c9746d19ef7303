//! A listing returns every row or an error: whatever page size was asked for, under a server
//! that caps pages, and while rows are deleted or inserted between page requests. Each test
//! counts the requests the fake office received against the fewest that can do the job.
#![cfg(feature = "test-util")]

use std::collections::BTreeSet;

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{Benefit, BenefitNum, BenefitsClient, NewBenefit, PlanNum};
use futures_util::TryStreamExt;

const PLAN: PlanNum = PlanNum::new(12);

/// A fake office capping pages at `cap` rows, with `rows` benefits on PLAN.
async fn office(cap: u32, rows: u8) -> MockOpenDental {
    let office = MockOpenDental::builder().page_cap(cap).start().await;
    for i in 0..rows {
        office.seed(&NewBenefit::every_n_months(PLAN, i % 100 + 1));
    }
    office
}

fn nums(rows: &[Benefit]) -> Vec<u64> {
    rows.iter().map(|b| b.benefit_num.get()).collect()
}

/// The fewest requests for `n` rows in pages of `p` that overlap by one row.
fn minimum(n: u64, p: u64) -> u64 {
    if n < p {
        1
    } else {
        1 + (n - p + 1).div_ceil(p - 1)
    }
}

#[tokio::test]
async fn a_page_size_above_the_servers_cap_still_lists_every_row() {
    // (rows, requests sent, the fewest possible in pages of the cap): the first request asks
    // for 1000 rows and learns the cap of 100 from the answer.
    for (rows, sent) in [(150u64, 2u64), (1000, 11), (1001, 11)] {
        let office = MockOpenDental::builder().page_cap(100).start().await;
        for i in 0..rows {
            office.seed(&NewBenefit::every_n_months(PLAN, (i % 100 + 1) as u8));
        }
        let client = office.client_builder().page_size(1000).build().unwrap();
        let all = client.list_all(PLAN.into()).await.unwrap();
        assert_eq!(nums(&all), (1..=rows).collect::<Vec<_>>(), "{rows} rows");
        let log = office.requests();
        assert_eq!(log.len() as u64, sent, "{rows} rows");
        assert_eq!(sent, minimum(rows, 100), "{rows} rows");
        assert_eq!(log[0].query.as_deref(), Some("PlanNum=12&Limit=1000"));
        // Then at the cap's size, each page starting at the last row of the one before.
        assert_eq!(
            log[1].query.as_deref(),
            Some("PlanNum=12&Limit=100&Offset=99")
        );
    }
}

#[tokio::test]
async fn a_plan_of_exactly_one_full_page_costs_one_extra_request() {
    let full = office(100, 100).await;
    let all = full.client().list_all(PLAN.into()).await.unwrap();
    assert_eq!(all.len(), 100);
    assert_eq!(full.requests().len(), 2);
    let smaller = office(100, 40).await;
    assert_eq!(
        smaller.client().list_all(PLAN.into()).await.unwrap().len(),
        40
    );
    assert_eq!(smaller.requests().len(), 1);
}

/// Reads `before` rows from a listing, runs `between`, then reads the rest.
async fn list_with<F: FnOnce()>(
    client: &BenefitsClient,
    before: usize,
    between: F,
) -> Vec<Benefit> {
    let mut stream = client.list(PLAN.into());
    let mut rows = Vec::new();
    for _ in 0..before {
        rows.push(stream.try_next().await.unwrap().unwrap());
    }
    between();
    while let Some(row) = stream.try_next().await.unwrap() {
        rows.push(row);
    }
    rows
}

/// Every row that existed for the whole listing is returned, each once, in order.
fn assert_complete(rows: &[Benefit], survivors: impl IntoIterator<Item = u64>) {
    let got = nums(rows);
    let unique: BTreeSet<u64> = got.iter().copied().collect();
    assert_eq!(unique.len(), got.len(), "a row came twice: {got:?}");
    assert!(got.windows(2).all(|w| w[0] < w[1]), "out of order: {got:?}");
    for n in survivors {
        assert!(unique.contains(&n), "row {n} is missing: {got:?}");
    }
}

#[tokio::test]
async fn a_row_deleted_between_pages_shifts_nothing_out_of_the_listing() {
    let office = office(10, 25).await;
    let client = office.client();
    // After the first page (rows 1–10), row 3 is deleted: rows 11 onwards move back by one.
    let rows = list_with(&client, 10, || {
        office.remove(BenefitNum::new(3)).unwrap();
    })
    .await;
    assert_complete(&rows, (1..=25).filter(|n| *n != 3));
    assert_eq!(rows.len(), 25, "row 3 was returned before it was deleted");
    // The second page found its first row moved and stepped back one page: two requests
    // more than the 3 an undisturbed listing of 25 rows in pages of 10 takes.
    let offsets: Vec<String> = office
        .requests()
        .into_iter()
        .map(|r| r.query.unwrap_or_default())
        .collect();
    assert_eq!(
        offsets,
        [
            "PlanNum=12&Limit=10",
            "PlanNum=12&Limit=10&Offset=9",
            "PlanNum=12&Limit=10",
            "PlanNum=12&Limit=10&Offset=9",
            "PlanNum=12&Limit=10&Offset=18",
        ]
    );
}

#[tokio::test]
async fn the_overlap_row_itself_deleted() {
    let office = office(10, 25).await;
    let client = office.client();
    let rows = list_with(&client, 10, || {
        office.remove(BenefitNum::new(10)).unwrap();
    })
    .await;
    assert_complete(&rows, (1..=25).filter(|n| *n != 10));
    assert_eq!(rows.len(), 25);
}

#[tokio::test]
async fn more_deletions_than_a_page_still_miss_nothing() {
    let office = office(10, 60).await;
    let client = office.client();
    // After two pages (rows 1–19), 15 earlier rows go: the listing steps back twice.
    let rows = list_with(&client, 19, || {
        for n in 2..=16 {
            office.remove(BenefitNum::new(n)).unwrap();
        }
    })
    .await;
    assert_complete(&rows, 17..=60);
    assert_eq!(nums(&rows), (1..=60).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_deleted_row_not_yet_reached_is_simply_not_returned() {
    let office = office(10, 25).await;
    let client = office.client();
    let rows = list_with(&client, 10, || {
        office.remove(BenefitNum::new(20)).unwrap();
    })
    .await;
    assert_complete(&rows, (1..=25).filter(|n| *n != 20));
    assert!(!nums(&rows).contains(&20));
    // Nothing moved before the listing's place: no step back.
    assert_eq!(office.requests().len(), 3);
}

#[tokio::test]
async fn a_row_inserted_during_a_listing_lands_at_the_end() {
    let office = office(10, 25).await;
    let client = office.client();
    let mut added = None;
    let rows = list_with(&client, 10, || {
        added = Some(office.seed(&NewBenefit::every_n_years(PLAN, 5)).benefit_num);
    })
    .await;
    assert_eq!(added, Some(BenefitNum::new(26)));
    assert_eq!(nums(&rows), (1..=26).collect::<Vec<_>>());
    assert_eq!(office.requests().len(), 3);
}
