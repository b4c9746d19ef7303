#![cfg(feature = "test-util")]
//! Every number both client builders take (and the fake's page cap), at its extremes: 0, 1,
//! `u32::MAX`, `usize::MAX`, `Duration::MAX`. Each is a configuration error at `build`
//! (`ConfigErrorKind::InvalidOption`), a client that answers, or a call that fails with a clear
//! error (a timeout, a body too large); never a panic.

use std::time::Duration;

use benefits_sdk::cervey::{BenefitCheckClientBuilder, BenefitCheckQuery, MemberNo};
use benefits_sdk::mock::{MockCervey, MockOpenDental};
use benefits_sdk::opendental::{BenefitsClientBuilder, NewBenefit, PlanNum};
use benefits_sdk::{ConfigErrorKind, Error, RetryPolicy, StatusCode};
use tokio::sync::Semaphore;

use crate::common::{CUSTOMER_KEY, DEVELOPER_KEY, EMPTY_LIST, raw_server, recording_server};

const PLAN: PlanNum = PlanNum::new(12);
const MAX: Duration = Duration::MAX;

/// A configuration error's kind; `what` names the case in a failure.
fn refused<T>(what: &str, built: Result<T, Error>) -> ConfigErrorKind {
    match built {
        Err(Error::Config(e)) => e.kind,
        Err(other) => panic!("{what}: not a configuration error: {other:?}"),
        Ok(_) => panic!("{what}: built"),
    }
}

/// Policies with every retry number at an extreme; each one only answers on a server that
/// answers at once (a retry's wait is tested in `retries_at_their_extremes`).
fn extreme_policies() -> [(&'static str, RetryPolicy); 4] {
    [
        (
            "retry: u32::MAX attempts, Duration::MAX backoff and budget",
            RetryPolicy::new()
                .max_attempts(u32::MAX)
                .backoff(MAX, MAX)
                .max_elapsed(MAX),
        ),
        ("retry: 0 attempts", RetryPolicy::new().max_attempts(0)),
        ("retry: 1 attempt", RetryPolicy::new().max_attempts(1)),
        (
            "retry: no backoff, no budget",
            RetryPolicy::new()
                .backoff(Duration::ZERO, Duration::ZERO)
                .max_elapsed(Duration::ZERO),
        ),
    ]
}

/// The Open Dental settings at extremes the client works with.
fn open_dental_working(office: &MockOpenDental) -> Vec<(String, BenefitsClientBuilder)> {
    let b = || office.client_builder();
    let mut cases: Vec<(&str, BenefitsClientBuilder)> = vec![
        ("timeout Duration::MAX", b().timeout(MAX)),
        (
            "timeout u32::MAX s",
            b().timeout(Duration::from_secs(u32::MAX.into())),
        ),
        ("connect timeout Duration::MAX", b().connect_timeout(MAX)),
        ("throttle 0", b().throttle(Duration::ZERO)),
        ("throttle 1 ns", b().throttle(Duration::from_nanos(1))),
        ("throttle Duration::MAX", b().throttle(MAX)),
        (
            "max response bytes usize::MAX",
            b().max_response_bytes(usize::MAX),
        ),
        ("max connections 1", b().max_connections_per_host(1)),
        (
            "max connections at tokio's limit",
            b().max_connections_per_host(Semaphore::MAX_PERMITS),
        ),
        ("page size 2", b().page_size(2)),
        ("page size 10,000", b().page_size(10_000)),
        ("lookup TTL 0", b().lookup_ttl(Duration::ZERO)),
        ("lookup TTL Duration::MAX", b().lookup_ttl(MAX)),
        ("cascade cooldown 0", b().cascade_cooldown(Duration::ZERO)),
        ("cascade cooldown Duration::MAX", b().cascade_cooldown(MAX)),
    ];
    for (what, policy) in extreme_policies() {
        cases.push((what, b().retry_policy(policy)));
    }
    cases
        .into_iter()
        .map(|(what, b)| (what.to_owned(), b))
        .collect()
}

#[tokio::test]
async fn every_number_of_the_open_dental_builder_at_its_extremes() {
    let office = MockOpenDental::start().await;
    let row = office.seed(&NewBenefit::every_n_months(PLAN, 6));
    for (what, builder) in open_dental_working(&office) {
        let client = builder.build().unwrap_or_else(|e| panic!("{what}: {e}"));
        // One call each: a throttle of Duration::MAX spaces the next a day on.
        let rows = client.list_all(PLAN.into()).await;
        assert_eq!(rows.unwrap(), std::slice::from_ref(&row), "{what}");
    }
    let client = office.client();
    let b = || office.client_builder();
    let over = Semaphore::MAX_PERMITS + 1;
    let refusals = [
        ("max connections 0", b().max_connections_per_host(0)),
        (
            "max connections past tokio's limit",
            b().max_connections_per_host(over),
        ),
        (
            "max connections usize::MAX",
            b().max_connections_per_host(usize::MAX),
        ),
        (
            "another office, max connections usize::MAX",
            client
                .for_office("another-office")
                .max_connections_per_host(usize::MAX),
        ),
        ("max response bytes 0", b().max_response_bytes(0)),
        ("page size 0", b().page_size(0)),
        ("page size 1", b().page_size(1)),
        ("page size 10,001", b().page_size(10_001)),
        ("page size u32::MAX", b().page_size(u32::MAX)),
    ];
    for (what, builder) in refusals {
        assert_eq!(
            refused(what, builder.build()),
            ConfigErrorKind::InvalidOption,
            "{what}"
        );
    }
    // A one-byte body cap: every answer is too large, and said so.
    let tiny = b().max_response_bytes(1).build().unwrap();
    let err = tiny.list_all(PLAN.into()).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1, .. }),
        "{err:?}"
    );
}

/// A timeout of 0 or 1 ns fails each attempt as a timeout, on a server that never answers (on
/// one that does, a fast loopback answer may beat a 1 ns timer, which tokio rounds up to 1 ms).
#[tokio::test]
async fn a_timeout_of_zero_fails_each_attempt_as_a_timeout() {
    let (url, _) = raw_server(|socket| async move {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        drop(socket);
    })
    .await;
    for timeout in [Duration::ZERO, Duration::from_nanos(1)] {
        let client = benefits_sdk::opendental::BenefitsClient::builder()
            .keys(DEVELOPER_KEY, CUSTOMER_KEY)
            .base_url(format!("{url}/api/v1"))
            .timeout(timeout)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let err = client.list_all(PLAN.into()).await.unwrap_err();
        let Error::Transport(source) = &err else {
            panic!("{timeout:?}: {err:?}")
        };
        assert!(source.is_timeout(), "{timeout:?}: {source:?}");
    }
}

/// The lookup TTL at 0 reads the office's categories on every call; at `Duration::MAX` once.
#[cfg(feature = "od-23-3")]
#[tokio::test]
async fn a_lookup_ttl_of_zero_or_forever() {
    let office = MockOpenDental::start().await;
    for (ttl, reads) in [(Duration::ZERO, 3), (MAX, 1)] {
        office.reset_log();
        let client = office.client_builder().lookup_ttl(ttl).build().unwrap();
        for _ in 0..3 {
            assert!(!client.cov_cats().await.unwrap().is_empty());
        }
        assert_eq!(office.requests().len(), reads, "{ttl:?}");
    }
}

/// Retries at their extremes, on the paused clock: a backoff of `Duration::MAX` waits a random
/// time of up to 584 years, then retries; a backoff of 0 retries at once; a budget of 0 never
/// retries; 0 attempts is one.
#[tokio::test(start_paused = true)]
async fn retries_at_their_extremes() {
    const UNAVAILABLE: &[u8] =
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let cases = [
        (
            "Duration::MAX backoff and budget",
            RetryPolicy::new()
                .max_attempts(u32::MAX)
                .backoff(MAX, MAX)
                .max_elapsed(MAX),
            Some(2),
        ),
        (
            "no backoff",
            RetryPolicy::new().backoff(Duration::ZERO, Duration::ZERO),
            Some(2),
        ),
        (
            "no budget",
            RetryPolicy::new()
                .backoff(Duration::from_secs(1), Duration::from_secs(1))
                .max_elapsed(Duration::ZERO),
            None,
        ),
        ("0 attempts", RetryPolicy::new().max_attempts(0), None),
    ];
    for (what, policy, answered_after) in cases {
        let (url, arrivals) =
            recording_server(|n| if n == 0 { UNAVAILABLE } else { EMPTY_LIST }).await;
        let client = benefits_sdk::opendental::BenefitsClient::builder()
            .keys(DEVELOPER_KEY, CUSTOMER_KEY)
            .base_url(format!("{url}/api/v1"))
            .retry_policy(policy)
            .build()
            .unwrap();
        let result = client.list_all(PLAN.into()).await;
        let sent = arrivals.lock().unwrap().len();
        match answered_after {
            Some(requests) => {
                assert_eq!(result.unwrap(), [], "{what}");
                assert_eq!(sent, requests, "{what}");
            }
            None => {
                let err = result.unwrap_err();
                assert_eq!(
                    err.status(),
                    Some(StatusCode::SERVICE_UNAVAILABLE),
                    "{what}"
                );
                assert_eq!(sent, 1, "{what}");
            }
        }
    }
}

/// The Cervey settings at extremes the client works with.
fn cervey_working(cervey: &MockCervey) -> Vec<(String, BenefitCheckClientBuilder)> {
    let b = || cervey.client_builder();
    let mut cases: Vec<(&str, BenefitCheckClientBuilder)> = vec![
        ("timeout Duration::MAX", b().timeout(MAX)),
        ("connect timeout Duration::MAX", b().connect_timeout(MAX)),
        ("throttle 0", b().throttle(Duration::ZERO)),
        ("throttle 1 ns", b().throttle(Duration::from_nanos(1))),
        ("throttle Duration::MAX", b().throttle(MAX)),
        (
            "max response bytes usize::MAX",
            b().max_response_bytes(usize::MAX),
        ),
        ("max connections 1", b().max_connections_per_host(1)),
        (
            "max connections at tokio's limit",
            b().max_connections_per_host(Semaphore::MAX_PERMITS),
        ),
    ];
    for (what, policy) in extreme_policies() {
        cases.push((what, b().retry_policy(policy)));
    }
    cases
        .into_iter()
        .map(|(what, b)| (what.to_owned(), b))
        .collect()
}

#[tokio::test]
async fn every_number_of_the_cervey_builder_at_its_extremes() {
    let cervey = MockCervey::start().await;
    let query = BenefitCheckQuery::new(MemberNo::new(1_234_567));
    for (what, builder) in cervey_working(&cervey) {
        let client = builder.build().unwrap_or_else(|e| panic!("{what}: {e}"));
        // The fake knows no member: a clean 404, sent and answered.
        let err = client.benefit_check(&query).await.unwrap_err();
        assert!(err.is_not_found(), "{what}: {err:?}");
    }
    let b = || cervey.client_builder();
    let over = Semaphore::MAX_PERMITS + 1;
    let refusals = [
        ("max connections 0", b().max_connections_per_host(0)),
        (
            "max connections past tokio's limit",
            b().max_connections_per_host(over),
        ),
        (
            "max connections usize::MAX",
            b().max_connections_per_host(usize::MAX),
        ),
        ("max response bytes 0", b().max_response_bytes(0)),
    ];
    for (what, builder) in refusals {
        assert_eq!(
            refused(what, builder.build()),
            ConfigErrorKind::InvalidOption,
            "{what}"
        );
    }
}

/// The fake's page cap at its extremes: 0 and 1 are taken as 2 (the client's smallest page,
/// since pages overlap by one row), `u32::MAX` is kept and the client asks for its largest
/// page; each hands out a client that lists every row. `page_cap(1)` panicked in `client()`:
/// the client's page size was the cap, and 1 is refused at `build`.
#[tokio::test]
async fn the_fakes_page_cap_at_its_extremes_hands_out_a_working_client() {
    for cap in [0, 1, 2, u32::MAX] {
        let office = MockOpenDental::builder().page_cap(cap).start().await;
        let rows: Vec<_> = (1..=5)
            .map(|months| office.seed(&NewBenefit::every_n_months(PLAN, months)))
            .collect();
        let listed = office.client().list_all(PLAN.into()).await.unwrap();
        assert_eq!(listed, rows, "page cap {cap}");
    }
}
