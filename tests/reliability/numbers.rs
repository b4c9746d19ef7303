#![cfg(feature = "test-util")]
//! Numbers a user passes, at their extremes: each is a clear error at `build`, or a documented
//! clamp, never a panic.

use std::time::Duration;

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{ApplyOptions, MAX_SETTLE, PlanNum};
use benefits_sdk::{ConfigErrorKind, Error, RetryPolicy};

fn config_kind(result: Result<benefits_sdk::opendental::BenefitsClient, Error>) -> ConfigErrorKind {
    match result {
        Err(Error::Config(e)) => e.kind,
        Err(other) => panic!("not a configuration error: {other:?}"),
        Ok(_) => panic!("built"),
    }
}

#[tokio::test]
async fn connections_per_host_beyond_tokios_limit_is_refused_at_build() {
    let office = MockOpenDental::start().await;
    for n in [0, usize::MAX, (usize::MAX >> 3) + 1] {
        let built = office.client_builder().max_connections_per_host(n).build();
        assert_eq!(config_kind(built), ConfigErrorKind::InvalidOption, "{n}");
    }
    let most = office
        .client_builder()
        .max_connections_per_host(usize::MAX >> 3)
        .build()
        .unwrap();
    most.list_all(PlanNum::new(12).into()).await.unwrap();
}

#[tokio::test]
async fn a_fake_with_a_page_cap_of_one_hands_out_a_working_client() {
    let office = MockOpenDental::builder().page_cap(1).start().await;
    for _ in 0..5 {
        office.seed(&benefits_sdk::opendental::NewBenefit::every_n_months(
            PlanNum::new(12),
            6,
        ));
    }
    let rows = office
        .client()
        .list_all(PlanNum::new(12).into())
        .await
        .unwrap();
    assert_eq!(rows.len(), 5);
}

#[tokio::test]
async fn extreme_durations_and_counts_never_panic() {
    let office = MockOpenDental::start().await;
    let max = Duration::MAX;
    let builders = [
        office.client_builder().timeout(max),
        office.client_builder().timeout(Duration::from_nanos(1)),
        office.client_builder().throttle(max),
        office.client_builder().throttle(Duration::ZERO),
        office.client_builder().max_response_bytes(usize::MAX),
        office.client_builder().retry_policy(
            RetryPolicy::new()
                .max_attempts(u32::MAX)
                .backoff(max, max)
                .max_elapsed(max),
        ),
        office
            .client_builder()
            .retry_policy(RetryPolicy::new().max_attempts(0)),
    ];
    for builder in builders {
        let client = builder.build().unwrap();
        // One call each: a 1 ns timeout fails it, the others answer; none panics.
        let _ = client.list_all(PlanNum::new(12).into()).await;
    }
    for pages in [0, 1, u32::MAX] {
        let built = office.client_builder().page_size(pages).build();
        assert_eq!(
            config_kind(built),
            ConfigErrorKind::InvalidOption,
            "{pages}"
        );
    }
    // A settle time past the bound is taken as the bound.
    assert_eq!(ApplyOptions::new().settle(max).settle, MAX_SETTLE);
}
