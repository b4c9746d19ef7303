//! Many offices from one transport: clients for other customer keys share the connection pool
//! and the throttle implementation, each office spaced and authorised on its own.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use benefits_sdk::opendental::{BenefitsClient, PlanNum};
use benefits_sdk::throttle::{BoxFuture, Throttle, ThrottleKey};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A keep-alive HTTP server that answers every request `[]`, counting connections and keeping
/// each request's Authorization header.
async fn counting_server() -> (String, Arc<AtomicUsize>, Arc<Mutex<Vec<String>>>) {
    slow_counting_server(Duration::ZERO).await
}

/// [`counting_server`], answering each request `delay` after it arrives.
async fn slow_counting_server(
    delay: Duration,
) -> (String, Arc<AtomicUsize>, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let auth = Arc::new(Mutex::new(Vec::new()));
    let (c, a) = (connections.clone(), auth.clone());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            c.fetch_add(1, Ordering::SeqCst);
            let a = a.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_string();
                        buf.drain(..end + 4);
                        let line = head
                            .lines()
                            .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                            .unwrap_or_default()
                            .to_owned();
                        a.lock().unwrap().push(line);
                        tokio::time::sleep(delay).await;
                        let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                     content-length: 2\r\n\r\n[]";
                        if socket.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, connections, auth)
}

fn standalone(url: &str, customer: &str) -> BenefitsClient {
    BenefitsClient::builder()
        .keys("developer", customer)
        .base_url(url)
        .no_throttle()
        .build()
        .unwrap()
}

#[tokio::test]
async fn offices_from_one_client_share_its_connection_pool() {
    let (url, connections, auth) = counting_server().await;
    let root = standalone(&url, "office-a");
    let b = root.for_office("office-b").build().unwrap();
    let c = root.for_office("office-c").build().unwrap();
    for client in [&root, &b, &c, &b] {
        client.list_all(PlanNum::new(12).into()).await.unwrap();
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "one pool, one connection"
    );
    assert_eq!(
        *auth.lock().unwrap(),
        [
            "authorization: ODFHIR developer/office-a",
            "authorization: ODFHIR developer/office-b",
            "authorization: ODFHIR developer/office-c",
            "authorization: ODFHIR developer/office-b",
        ]
    );
    // Clients built on their own hold a pool each.
    let (url, connections, _) = counting_server().await;
    for customer in ["office-a", "office-b"] {
        standalone(&url, customer)
            .list_all(PlanNum::new(12).into())
            .await
            .unwrap();
    }
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_that_starts_at_once_opens_at_most_the_bound_of_connections() {
    // Each answer takes 20 ms, so 60 offices starting together would all be in flight at once.
    let (url, connections, auth) = slow_counting_server(Duration::from_millis(20)).await;
    let root = BenefitsClient::builder()
        .keys("developer", "office-root")
        .base_url(&url)
        .no_throttle()
        .max_connections_per_host(4)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let office = root.for_office(format!("office-{i}")).build().unwrap();
            tokio::spawn(async move { office.list_all(PlanNum::new(12).into()).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), []);
    }
    assert_eq!(
        auth.lock().unwrap().len(),
        60,
        "every office's request went out"
    );
    let opened = connections.load(Ordering::SeqCst);
    assert!(
        (1..=4).contains(&opened),
        "{opened} connections for a bound of 4"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_waiting_to_retry_holds_no_connection() {
    let office = benefits_sdk::mock::MockOpenDental::start().await;
    let client = office
        .client_builder()
        .max_connections_per_host(1)
        .build()
        .unwrap();
    // The first request is answered 429 with Retry-After: 3 s, and waits that long to retry.
    office.rate_limit_next(1, Duration::from_secs(3));
    let first = {
        let client = client.clone();
        tokio::spawn(async move { client.list_all(PlanNum::new(12).into()).await })
    };
    while office.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Another request, with the one connection permit free during that wait, goes at once
    // (1.5 s allows for a loaded machine; holding the permit would make it 3 s).
    let started = std::time::Instant::now();
    assert_eq!(client.list_all(PlanNum::new(13).into()).await.unwrap(), []);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_millis(1500),
        "waited {waited:?} behind another request's retry"
    );
    assert_eq!(first.await.unwrap().unwrap(), []);
    assert_eq!(office.requests().len(), 3);
}

/// One office's spacing, widened by a 429, is waited out without a connection permit: another
/// office on the same host with a bound of one connection goes at once.
#[tokio::test(start_paused = true)]
async fn one_offices_widened_spacing_holds_no_connection_from_another() {
    let (url, arrivals) = crate::common::recording_server(|n| match n {
        0 => b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        _ => crate::common::EMPTY_LIST,
    })
    .await;
    let a = BenefitsClient::builder()
        .keys("developer", "office-a")
        .base_url(format!("{url}/api/v1"))
        .throttle(Duration::from_millis(500))
        .max_connections_per_host(1)
        .retry_policy(crate::common::fast_retries())
        .build()
        .unwrap();
    let b = a.for_office("office-b").build().unwrap();
    let start = tokio::time::Instant::now();
    let first = tokio::spawn(async move { a.list_all(PlanNum::new(12).into()).await });
    // A's 429 widened its spacing to twice its interval: its retry's slot comes at 510 ms,
    // then its departure waits until about a second. B comes in between.
    tokio::time::sleep(Duration::from_millis(600)).await;
    b.list_all(PlanNum::new(13).into()).await.unwrap();
    first.await.unwrap().unwrap();
    let at: Vec<Duration> = arrivals
        .lock()
        .unwrap()
        .iter()
        .map(|t| *t - start)
        .collect();
    assert_eq!(at.len(), 3, "{at:?}");
    assert!(
        at[1] < Duration::from_millis(700),
        "B waited behind A's spacing: {at:?}"
    );
    assert!(
        at[2] >= Duration::from_millis(1000),
        "A kept its widened spacing: {at:?}"
    );
}

#[test]
fn a_bound_of_zero_connections_is_refused() {
    let error = BenefitsClient::builder()
        .keys("developer", "office")
        .max_connections_per_host(0)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "configuration error: max connections per host: must be above 0"
    );
}

/// A throttle that lets everything through and records who asked.
#[derive(Default)]
struct Recording(
    Mutex<Vec<(ThrottleKey, Duration)>>,
    Mutex<Vec<(ThrottleKey, Option<Duration>)>>,
);

impl Throttle for Recording {
    fn acquire<'a>(&'a self, key: &'a ThrottleKey, interval: Duration) -> BoxFuture<'a, ()> {
        self.0.lock().unwrap().push((*key, interval));
        Box::pin(async {})
    }

    fn rate_limited<'a>(
        &'a self,
        key: &'a ThrottleKey,
        _: Duration,
        retry_after: Option<Duration>,
    ) -> BoxFuture<'a, ()> {
        self.1.lock().unwrap().push((*key, retry_after));
        Box::pin(async {})
    }
}

#[tokio::test]
async fn each_office_is_spaced_under_its_own_key_by_the_shared_throttle() {
    let (url, _, _) = counting_server().await;
    let throttle = Arc::new(Recording::default());
    let root = BenefitsClient::builder()
        .keys("developer", "office-a")
        .base_url(&url)
        .throttle(Duration::from_secs(1))
        .shared_throttle(throttle.clone())
        .build()
        .unwrap();
    let b = root.for_office("office-b").build().unwrap();
    let fast = root
        .for_office("office-c")
        .throttle(Duration::from_millis(500))
        .build()
        .unwrap();
    for client in [&root, &b, &fast] {
        client.list_all(PlanNum::new(12).into()).await.unwrap();
    }
    let seen = throttle.0.lock().unwrap().clone();
    // Each interval as configured, plus its arrival guard (10 ms at 1 s, 5 ms at 500 ms).
    let second = Duration::from_secs(1) + Duration::from_millis(10);
    assert_eq!(
        seen,
        [
            (ThrottleKey::for_key("office-a"), second),
            (ThrottleKey::for_key("office-b"), second),
            (ThrottleKey::for_key("office-c"), Duration::from_millis(505)),
        ]
    );
}

#[tokio::test]
async fn an_office_keeps_its_own_version_and_lookups() {
    let office = benefits_sdk::mock::MockOpenDental::start().await;
    let root = office
        .client_builder()
        .server_version("24.1.5".parse().unwrap())
        .build()
        .unwrap();
    let other = root
        .for_office("mock-customer-key")
        .lookup_ttl(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_eq!(other.known_server_version(), None);
    assert_eq!(other.lookup_ttl(), Duration::from_secs(5));
    assert_eq!(root.lookup_ttl(), Duration::from_secs(3600));
    assert!(root.code_groups().await.is_ok());
    assert!(other.cov_cats().await.is_ok());
}

#[tokio::test]
async fn a_429_is_reported_to_the_throttle_of_that_office() {
    let office = benefits_sdk::mock::MockOpenDental::start().await;
    let throttle = Arc::new(Recording::default());
    let client = office
        .client_builder()
        .throttle(Duration::from_millis(1))
        .shared_throttle(throttle.clone())
        .build()
        .unwrap();
    office.rate_limit_next(1, Duration::from_secs(0));
    client.list_all(PlanNum::new(12).into()).await.unwrap();
    let key = ThrottleKey::for_key("mock-customer-key");
    assert_eq!(*throttle.1.lock().unwrap(), [(key, Some(Duration::ZERO))]);
    assert_eq!(
        throttle.0.lock().unwrap().len(),
        2,
        "the retry waited its turn too"
    );
}
