//! 429s met through the whole client: a key idle long after one, a `Retry-After` of an hour,
//! and one office's widened spacing beside another's on the same host.
//!
//! Paused time, against `recording_server` (on the test's own runtime, noting arrivals on the
//! paused clock): wiremock serves from a thread and runtime of its own, so while the client
//! waited on it a paused clock would jump to the client's next timer (its timeout).

use std::time::Duration;

use crate::common::{CUSTOMER_KEY, DEVELOPER_KEY, EMPTY_LIST, fast_retries, recording_server};
use benefits_sdk::opendental::{BenefitsClient, BenefitsClientBuilder, PlanNum};
use benefits_sdk::throttle::Backoff;
use benefits_sdk::{RetryPolicy, StatusCode};
use tokio::time::Instant;

const PLAN: PlanNum = PlanNum::new(12);
const SECOND: Duration = Duration::from_secs(1);

const TOO_MANY: &[u8] =
    b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const TOO_MANY_NOW: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const TOO_MANY_FOR_AN_HOUR: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

fn builder(url: &str) -> BenefitsClientBuilder {
    BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{url}/api/v1"))
}

/// When each request arrived, from `start`.
fn since(start: Instant, arrivals: &std::sync::Mutex<Vec<Instant>>) -> Vec<Duration> {
    arrivals
        .lock()
        .unwrap()
        .iter()
        .map(|t| *t - start)
        .collect()
}

/// A key that had a 429 and then sat idle 16 minutes (32 half-lives of the widening) sends its
/// next request at once, and the one after at the interval (with its 10 ms arrival guard). This
/// panicked on the first request after the idle (`2u32.pow(32)`), and on every one after.
#[tokio::test(start_paused = true)]
async fn a_key_idle_16_minutes_after_a_429_sends_its_next_requests() {
    let (url, arrivals) = recording_server(|n| if n == 0 { TOO_MANY } else { EMPTY_LIST }).await;
    let client = builder(&url)
        .throttle(SECOND)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let start = Instant::now();
    let throttled = client.list_all(PLAN.into()).await.unwrap_err();
    assert_eq!(throttled.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    let idle = Duration::from_secs(16 * 60);
    tokio::time::advance(idle).await;
    assert_eq!(client.list_all(PLAN.into()).await.unwrap(), []);
    assert_eq!(client.list_all(PLAN.into()).await.unwrap(), []);
    let guard = Duration::from_millis(10);
    assert_eq!(
        since(start, &arrivals),
        [Duration::ZERO, idle, idle + SECOND + guard]
    );
}

/// One bound on a server's wait: a `Retry-After` of an hour is waited out [`Backoff::MAX`]
/// (60 s), then the server is asked again, with the throttle's hold (and its widened spacing)
/// the same minute. With the default policy (4 attempts, 180 s in all) that is four requests,
/// a minute apart. It was one: an hour's wait exceeds the budget, so the call gave up at once.
#[tokio::test(start_paused = true)]
async fn a_retry_after_of_an_hour_is_waited_out_a_minute_at_a_time() {
    let minute = Backoff::MAX;
    assert_eq!(minute, Duration::from_secs(60));
    for throttle in [None, Some(SECOND)] {
        let (url, arrivals) = recording_server(|_| TOO_MANY_FOR_AN_HOUR).await;
        let built = builder(&url).retry_policy(RetryPolicy::default());
        let client = match throttle {
            Some(interval) => built.throttle(interval),
            None => built.no_throttle(),
        }
        .build()
        .unwrap();
        let start = Instant::now();
        let error = client.list_all(PLAN.into()).await.unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        // What the server last asked for, as it said it: the caller decides what to do.
        assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
        assert_eq!(
            since(start, &arrivals),
            [Duration::ZERO, minute, 2 * minute, 3 * minute],
            "throttle {throttle:?}"
        );
        assert_eq!(start.elapsed(), 3 * minute);
    }
}

/// Two offices on one host with a bound of one connection: A's 429 (`Retry-After: 0`) widens
/// A's spacing to twice its interval after its slot was given, so A's retry waits for its
/// departure from 505 ms to 1,010 ms. It waits without the host's only connection permit: B,
/// asking at 600 ms, goes at once. B went at 1,010 ms, behind A's wait.
#[tokio::test(start_paused = true)]
async fn one_offices_429_does_not_hold_up_another_office_on_the_host() {
    let (url, arrivals) =
        recording_server(|n| if n == 0 { TOO_MANY_NOW } else { EMPTY_LIST }).await;
    let a = builder(&url)
        .throttle(Duration::from_millis(500))
        .max_connections_per_host(1)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let b = a.for_office("office-b").build().unwrap();
    let start = Instant::now();
    let first = tokio::spawn(async move { a.list_all(PLAN.into()).await });
    tokio::time::sleep(Duration::from_millis(600)).await;
    let b_asked = Instant::now();
    assert_eq!(b.list_all(PlanNum::new(13).into()).await.unwrap(), []);
    assert_eq!(b_asked.elapsed(), Duration::ZERO, "B waited");
    assert_eq!(first.await.unwrap().unwrap(), []);
    // The interval is 500 ms and its 5 ms guard; A's widened spacing twice that.
    let ms = Duration::from_millis;
    assert_eq!(since(start, &arrivals), [ms(0), ms(600), ms(1_010)]);
}
