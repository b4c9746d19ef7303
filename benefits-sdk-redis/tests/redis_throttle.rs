//! The Redis throttle against a real `redis-server`, started on a free loopback port for each
//! test and stopped after it.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use benefits_sdk::throttle::Backoff;

use benefits_sdk::opendental::{BenefitsClient, PlanNum};
use benefits_sdk::throttle::{Throttle, ThrottleKey};
use benefits_sdk_redis::RedisThrottle;
use support::{RedisServer, recording_server};

fn client(url: &str, throttle: Arc<dyn Throttle>, interval: Duration) -> BenefitsClient {
    BenefitsClient::builder()
        .keys("developer", "the-office-customer-key")
        .base_url(url)
        .throttle(interval)
        .shared_throttle(throttle)
        .build()
        .unwrap()
}

const MS: Duration = Duration::from_millis(1);

#[tokio::test]
async fn one_key_is_spaced_by_the_server_clock() {
    let redis = RedisServer::start();
    let throttle = RedisThrottle::new(&redis.url()).unwrap();
    let key = ThrottleKey::for_key("office");
    let start = Instant::now();
    let mut due = Vec::new();
    for _ in 0..5 {
        let wait = throttle.reserve(&key, 200 * MS).await.unwrap();
        due.push(start.elapsed() + wait);
    }
    // Slot i is i × 200 ms after the first, by Redis's clock (its millisecond resolution and
    // the calls' own time leave a few ms either way).
    for (i, at) in due.iter().enumerate() {
        let expected = 200 * MS * i as u32;
        assert!(
            *at + 10 * MS >= expected && *at <= expected + 30 * MS,
            "slot {i} due at {at:?}, expected {expected:?}"
        );
    }
    assert!(!throttle.is_degraded());
}

#[tokio::test]
async fn redis_holds_a_hash_of_the_customer_key_never_the_key() {
    let redis = RedisServer::start();
    let throttle = Arc::new(RedisThrottle::new(&redis.url()).unwrap());
    let (url, _) = recording_server().await;
    client(&url, throttle.clone(), MS)
        .list_all(PlanNum::new(12).into())
        .await
        .unwrap();
    let key = ThrottleKey::for_key("the-office-customer-key");
    assert_eq!(
        redis.keys(),
        [format!("benefits-sdk:throttle:{}", key.to_hex())]
    );
    assert!(redis.keys().iter().all(|k| !k.contains("customer")));
    assert_eq!(throttle.redis_key(&key), redis.keys()[0]);
}

#[tokio::test]
async fn a_429_widens_the_spacing_in_redis_for_every_process() {
    let redis = RedisServer::start();
    let one = RedisThrottle::new(&redis.url()).unwrap();
    let other = RedisThrottle::new(&redis.url()).unwrap();
    let key = ThrottleKey::for_key("office");
    one.reserve(&key, 100 * MS).await.unwrap();
    // Twice the interval in force, or Retry-After when longer.
    assert_eq!(one.penalize(&key, 100 * MS, None).await.unwrap(), 200 * MS);
    let spacing = one
        .penalize(&key, 100 * MS, Some(Duration::from_secs(1)))
        .await
        .unwrap();
    assert_eq!(spacing, Duration::from_secs(1));
    // Another process's next request waits out the Retry-After.
    let wait = other.reserve(&key, 100 * MS).await.unwrap();
    assert!(
        wait > 900 * MS && wait <= Duration::from_secs(1),
        "{wait:?}"
    );
    let next = other.reserve(&key, 100 * MS).await.unwrap();
    assert!(next > 1900 * MS, "the widened spacing holds: {next:?}");
}

#[tokio::test]
async fn four_clients_with_their_own_pools_never_come_closer_than_the_interval() {
    let redis = RedisServer::start();
    let (url, arrivals) = recording_server().await;
    let interval = 200 * MS;
    let sent = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            // Each as a separate worker would be: its own pool, its own Redis connection.
            let throttle = Arc::new(RedisThrottle::new(&redis.url()).unwrap());
            let client = client(&url, throttle, interval);
            let sent = sent.clone();
            tokio::spawn(async move {
                for _ in 0..5 {
                    client.list_all(PlanNum::new(12).into()).await.unwrap();
                    sent.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let mut times = arrivals.lock().unwrap().clone();
    times.sort();
    assert_eq!(times.len(), 20);
    let closest = times.windows(2).map(|w| w[1] - w[0]).min().unwrap();
    // What the throttle guarantees: departures, by Redis's clock, at least the interval (and
    // its 1 ms guard) apart, however late a worker's task woke. Between a departure and its
    // arrival lie the client's connection task, the socket and this server's own task, each
    // scheduled on a machine that may be busy; and each worker's first request opens its
    // own pool's connection after it departs (16 ms once, on a loaded machine). Three times
    // SCHEDULING allows for that, under a sixth of the interval: no spacing at all, or one
    // shared by two workers, is still caught.
    assert!(
        closest + 3 * SCHEDULING >= interval,
        "two requests of one key arrived {closest:?} apart"
    );
}

/// How much later than its departure a request may be seen arriving, on a loaded two-core
/// machine (another build running): the tolerance of the arrival checks.
const SCHEDULING: Duration = Duration::from_millis(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_answer_keeps_its_slot_and_local_spacing_never_sends_inside_it() {
    let mut redis = RedisServer::start();
    let throttle = RedisThrottle::with_response_timeout(&redis.url(), 100 * MS).unwrap();
    let key = ThrottleKey::for_key("office");
    let second = Duration::from_secs(1);
    let start = Instant::now();
    // Slot 0, by Redis; the next is 1 s on.
    throttle.acquire(&key, second).await;
    throttle.before_send(&key, second).await;
    // Redis stalls for 500 ms: the next reserve times out at 100 ms, and its script runs when
    // the stall ends, taking the slot at 1 s.
    let url = redis.url();
    let stall = std::thread::spawn(move || {
        let client = redis::Client::open(url).unwrap();
        let mut conn = client.get_connection().unwrap();
        redis::cmd("DEBUG")
            .arg("SLEEP")
            .arg("0.5")
            .query::<()>(&mut conn)
            .unwrap();
    });
    tokio::time::sleep(50 * MS).await;
    assert!(throttle.reserve(&key, second).await.is_err(), "timed out");
    stall.join().unwrap();
    // The late answer has come by now; then Redis goes away altogether.
    tokio::time::sleep(100 * MS).await;
    redis.stop();
    // Spaced in this process now, the next request keeps out of the slot the late answer
    // took, [1 s, 2 s): it goes at 2 s, not at 1 s.
    throttle.acquire(&key, second).await;
    throttle.before_send(&key, second).await;
    let went = start.elapsed();
    assert!(throttle.is_degraded());
    assert!(
        went + SCHEDULING >= 2 * second,
        "sent {went:?} after the first, inside the late answer's slot"
    );
}

#[tokio::test]
async fn workers_with_different_intervals_keep_to_the_larger_between_them() {
    let redis = RedisServer::start();
    let (a, b) = (
        RedisThrottle::new(&redis.url()).unwrap(),
        RedisThrottle::new(&redis.url()).unwrap(),
    );
    let key = ThrottleKey::for_key("office");
    let start = Instant::now();
    let mut due = Vec::new();
    // A asks for 300 ms, B for 100 ms: A then B is 300 ms (A's), B then B 100 ms, and B then
    // A 300 ms again (A's own, larger than B's).
    for (throttle, interval) in [
        (&a, 300 * MS),
        (&b, 100 * MS),
        (&b, 100 * MS),
        (&a, 300 * MS),
    ] {
        let wait = throttle.reserve(&key, interval).await.unwrap();
        due.push(start.elapsed() + wait);
    }
    for (i, expected) in [0, 300, 400, 700].into_iter().enumerate() {
        let expected = expected * MS;
        assert!(
            due[i] + 10 * MS >= expected && due[i] <= expected + 30 * MS,
            "slot {i} due at {:?}, expected {expected:?}",
            due[i]
        );
    }
}

#[tokio::test]
async fn a_step_back_of_redis_clock_moves_the_stored_slots_with_it() {
    let redis = RedisServer::start();
    let throttle = RedisThrottle::new(&redis.url()).unwrap();
    let key = ThrottleKey::for_key("office");
    let hash = throttle.redis_key(&key);
    // The key's hash as written while Redis's clock stood an hour ahead: its next slot 500 ms
    // after that clock's now.
    let ahead = redis.now_ms() + 3_600_000;
    let (next, last, sent) = (ahead + 500, ahead - 500, ahead - 500);
    let fields = [
        ("at", ahead),
        ("next", next),
        ("last", last),
        ("sent", sent),
        ("gap", 1000),
    ];
    for (field, value) in fields {
        redis.command(&["HSET", &hash, field, &value.to_string()]);
    }
    // The clock is back: the wait is the 500 ms left, not an hour and 500 ms.
    let wait = throttle
        .reserve(&key, Duration::from_secs(1))
        .await
        .unwrap();
    assert!(wait <= 500 * MS && wait + 50 * MS >= 500 * MS, "{wait:?}");
    // A step forward looks like time passing (documented): the next slot comes at once.
    let behind = redis.now_ms() - 3_600_000;
    for (field, value) in [("at", behind), ("next", behind + 500), ("last", behind)] {
        redis.command(&["HSET", &hash, field, &value.to_string()]);
    }
    let wait = throttle
        .reserve(&key, Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(wait, Duration::ZERO);
}

#[tokio::test]
async fn a_redis_restart_mid_run_loses_no_request() {
    let mut redis = RedisServer::start();
    let (url, arrivals) = recording_server().await;
    let throttle = Arc::new(RedisThrottle::new(&redis.url()).unwrap());
    let client = client(&url, throttle.clone(), 20 * MS);
    let mut degraded_seen = false;
    for i in 0..30 {
        if i == 10 {
            redis.stop();
        }
        if i == 20 {
            redis.spawn();
        }
        client.list_all(PlanNum::new(12).into()).await.unwrap();
        degraded_seen |= throttle.is_degraded();
    }
    assert_eq!(
        arrivals.lock().unwrap().len(),
        30,
        "every request went out once"
    );
    assert!(degraded_seen, "the outage was noticed");
    assert!(
        !throttle.is_degraded(),
        "and left behind once Redis answered"
    );
    assert_eq!(redis.keys().len(), 1, "the spacing lives in Redis again");
    // Spacing held through the outage too (locally).
    let times = arrivals.lock().unwrap().clone();
    let closest = times.windows(2).map(|w| w[1] - w[0]).min().unwrap();
    assert!(closest + SCHEDULING >= 20 * MS, "{closest:?}");
}

#[tokio::test]
async fn an_unreachable_redis_spaces_locally_and_fails_nothing() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let throttle = Arc::new(RedisThrottle::new(&format!("redis://127.0.0.1:{port}/")).unwrap());
    let (url, arrivals) = recording_server().await;
    let client = client(&url, throttle.clone(), 30 * MS);
    for _ in 0..5 {
        client.list_all(PlanNum::new(12).into()).await.unwrap();
    }
    assert!(throttle.is_degraded());
    let times = arrivals.lock().unwrap().clone();
    assert_eq!(times.len(), 5);
    let closest = times.windows(2).map(|w| w[1] - w[0]).min().unwrap();
    assert!(closest + SCHEDULING >= 30 * MS, "{closest:?}");
}

/// The script's spacing after a 429 follows the one table of cases `Backoff::spacing_at` is
/// tested on: one definition, two copies that agree (a 429 then 16 minutes idle, which once
/// panicked the Rust copy, among them).
#[tokio::test]
async fn the_scripts_spacing_follows_the_one_table_of_cases() {
    use benefits_sdk::throttle::SPACING_CASES;
    let redis = RedisServer::start();
    let throttle = RedisThrottle::new(&redis.url()).unwrap();
    for (i, &(widened, elapsed, interval, expected)) in SPACING_CASES.iter().enumerate() {
        let key = ThrottleKey::for_key(&format!("office-{i}"));
        let hash = throttle.redis_key(&key);
        let now = redis.now_ms();
        // Signed: a case idle u64::MAX ms was "set" long before Redis's clock began.
        let since = i128::from(now) - i128::from(elapsed);
        for (field, value) in [
            ("at", i128::from(now)),
            ("spacing", i128::from(widened)),
            ("since", since),
        ] {
            redis.command(&["HSET", &hash, field, &value.to_string()]);
        }
        let interval = Duration::from_millis(interval);
        // The first slot is now; the second is the spacing in force after it (less the few
        // ms between the two calls, on Redis's clock).
        assert_eq!(
            throttle.reserve(&key, interval).await.unwrap(),
            Duration::ZERO
        );
        let gap = throttle.reserve(&key, interval).await.unwrap();
        let expected = Duration::from_millis(expected);
        assert!(
            gap <= expected && gap + 10 * MS >= expected,
            "case {i}: {gap:?}, expected {expected:?}"
        );
    }
}

/// Keeps a current-thread runtime with a paused clock busy, so that the clock moves only when
/// the test advances it: idle while waiting on Redis's socket, tokio would move it to the next
/// timer at once (the response timeout), and every Redis call would time out.
fn keep_clock_still() -> tokio::task::JoinHandle<()> {
    tokio::spawn(async {
        loop {
            tokio::task::yield_now().await;
        }
    })
}

/// Moves every time in `hash` back by `ms`, as if Redis's clock had run that long since they
/// were written.
fn age(redis: &RedisServer, hash: &str, ms: u64) {
    for field in ["at", "next", "last", "sent", "since"] {
        if let redis::Value::BulkString(value) = redis.command(&["HGET", hash, field]) {
            let value: i128 = String::from_utf8(value).unwrap().parse().unwrap();
            let aged = (value - i128::from(ms)).to_string();
            redis.command(&["HSET", hash, field, &aged]);
        }
    }
}

/// A key that had a 429 and then sat idle 16 minutes (32 half-lives, on this process's clock
/// and on Redis's) sends its next request at once, through Redis, and its spacing is the
/// interval again. This panicked: the throttle keeps the rule locally too (`2u32.pow(32)`).
#[tokio::test(start_paused = true)]
async fn a_key_idle_16_minutes_after_a_429_sends_again() {
    let redis = RedisServer::start();
    let busy = keep_clock_still();
    let throttle = RedisThrottle::new(&redis.url()).unwrap();
    let key = ThrottleKey::for_key("office");
    let second = Duration::from_secs(1);
    throttle.acquire(&key, second).await;
    assert_eq!(throttle.try_depart(&key, second).await, Ok(()));
    throttle.rate_limited(&key, second, None).await;
    let idle = Duration::from_secs(16 * 60);
    age(&redis, &throttle.redis_key(&key), idle.as_millis() as u64);
    tokio::time::advance(idle).await;
    let start = tokio::time::Instant::now();
    throttle.acquire(&key, second).await;
    assert_eq!(throttle.try_depart(&key, second).await, Ok(()));
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert!(!throttle.is_degraded(), "spaced by Redis, not locally");
    // The next slot is the interval away (Redis's clock ran on a few ms), not the 2 s the 429
    // set.
    let wait = throttle.reserve(&key, second).await.unwrap();
    assert!(wait <= second && wait + 10 * MS >= second, "{wait:?}");
    busy.abort();
}

/// The departure check answers at once, recording nothing, while a key's widened spacing must
/// still pass: the client then waits without holding a connection permit, and another office
/// on the host goes meanwhile.
#[tokio::test]
async fn a_departure_that_must_wait_answers_at_once() {
    let redis = RedisServer::start();
    let throttle = RedisThrottle::new(&redis.url()).unwrap();
    let key = ThrottleKey::for_key("office");
    let interval = 200 * MS;
    throttle.acquire(&key, interval).await;
    assert_eq!(throttle.try_depart(&key, interval).await, Ok(()));
    // A 429 with Retry-After: 0 widens the spacing to 400 ms and holds nothing back.
    throttle
        .rate_limited(&key, interval, Some(Duration::ZERO))
        .await;
    let asked = tokio::time::Instant::now();
    let due = throttle.try_depart(&key, interval).await.unwrap_err();
    assert!(asked.elapsed() < 100 * MS, "answered at once");
    // Twice the interval after the first departure, give or take the calls' few ms.
    let wait = due - asked;
    assert!(wait.abs_diff(400 * MS) <= 20 * MS, "{wait:?}");
    // Nothing was recorded: asked again when it is due, it goes.
    tokio::time::sleep_until(due).await;
    assert_eq!(throttle.try_depart(&key, interval).await, Ok(()));
    assert!(!throttle.is_degraded());
}

/// Numbers at their extremes: an interval of `Duration::MAX` is spaced by Redis as a day (as
/// the local throttle spaces it), a 429 asking for `Duration::MAX` holds the key
/// [`Backoff::MAX`], and a response timeout of `Duration::MAX` answers; nothing panics or
/// leaves Redis for local spacing.
#[tokio::test]
async fn extreme_intervals_and_timeouts_are_spaced_in_redis() {
    let redis = RedisServer::start();
    let throttle = RedisThrottle::with_response_timeout(&redis.url(), Duration::MAX).unwrap();
    let key = ThrottleKey::for_key("office");
    let day = Duration::from_secs(86_400);
    throttle.acquire(&key, Duration::MAX).await;
    assert_eq!(throttle.try_depart(&key, Duration::MAX).await, Ok(()));
    let next = throttle.reserve(&key, Duration::MAX).await.unwrap();
    assert!(next <= day && next + 10 * MS >= day, "{next:?}");
    let held = ThrottleKey::for_key("held");
    let spacing = throttle
        .penalize(&held, Duration::MAX, Some(Duration::MAX))
        .await
        .unwrap();
    assert_eq!(spacing, day);
    let wait = throttle.reserve(&held, Duration::MAX).await.unwrap();
    assert!(
        wait <= Backoff::MAX && wait + 10 * MS >= Backoff::MAX,
        "{wait:?}"
    );
    assert!(!throttle.is_degraded());
}
