//! The Redis throttle against a real `redis-server`, started on a free loopback port for each
//! test and stopped after it.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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
    let interval = 100 * MS;
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
    assert!(
        closest + 5 * MS >= interval,
        "two requests of one key arrived {closest:?} apart"
    );
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
    assert!(closest + 5 * MS >= 20 * MS, "{closest:?}");
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
    assert!(closest + 5 * MS >= 30 * MS, "{closest:?}");
}
