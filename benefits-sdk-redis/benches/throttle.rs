//! What the Redis throttle costs and whether it holds across processes, against a real
//! `redis-server` on loopback:
//!
//! - the time of one acquire (the Lua script's round trip), p50 and p99, against the
//!   in-process throttle;
//! - four worker processes, each with its own connection pool and Redis connection, sending
//!   requests for one customer key to a loopback server: how many arrive closer together than
//!   the interval.
//!
//! ```text
//! cargo bench -p benefits-sdk-redis --bench throttle            # full counts
//! cargo bench -p benefits-sdk-redis --bench throttle -- --smoke # small counts (CI)
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use benefits_sdk::opendental::{BenefitsClient, PlanNum};
use benefits_sdk::throttle::{LocalThrottle, ThrottleKey};
use benefits_sdk_redis::RedisThrottle;
use support::{RedisServer, recording_server};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--worker") {
        worker(
            &args[i + 1],
            &args[i + 2],
            args[i + 3].parse().unwrap(),
            args[i + 4].parse().unwrap(),
        );
        return;
    }
    let smoke = args.iter().any(|a| a == "--smoke");
    let redis = RedisServer::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // One acquire: distinct keys, so no acquire waits for a slot; only the round trip counts.
    let n = if smoke { 200 } else { 20_000 };
    let (redis_times, local_times) = runtime.block_on(async {
        let throttle = RedisThrottle::new(&redis.url()).unwrap();
        let local = LocalThrottle::new();
        let keys: Vec<ThrottleKey> = (0..n)
            .map(|i| ThrottleKey::for_key(&format!("office{i}")))
            .collect();
        for i in 0..100 {
            let warm = ThrottleKey::for_key(&format!("warm-up{i}"));
            throttle
                .reserve(&warm, Duration::from_secs(1))
                .await
                .unwrap();
        }
        let mut redis_times = Vec::with_capacity(n);
        let mut local_times = Vec::with_capacity(n);
        for key in &keys {
            let t = Instant::now();
            let wait = throttle
                .reserve(key, Duration::from_millis(1))
                .await
                .unwrap();
            redis_times.push(t.elapsed());
            assert!(wait <= Duration::from_millis(1));
            let t = Instant::now();
            local.reserve(key, Duration::from_millis(1));
            local_times.push(t.elapsed());
        }
        (redis_times, local_times)
    });
    let (p50, p99, max) = percentiles(redis_times);
    let (l50, l99, _) = percentiles(local_times);
    println!(
        "acquire, {n} keys: Redis p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms; in-process p50 {:.4} ms, p99 {:.4} ms",
        ms(p50),
        ms(p99),
        ms(max),
        ms(l50),
        ms(l99)
    );

    // Four processes on one key.
    let (workers, each, interval) = if smoke { (4, 3, 20) } else { (4, 25, 50) };
    let (url, arrivals) = runtime.block_on(recording_server());
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let children: Vec<_> = (0..workers)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--worker",
                    &url,
                    &redis.url(),
                    &each.to_string(),
                    &interval.to_string(),
                ])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a worker failed");
    }
    let elapsed = started.elapsed();
    let mut times = arrivals.lock().unwrap().clone();
    times.sort();
    assert_eq!(times.len(), workers * each, "every request arrived");
    let interval = Duration::from_millis(interval);
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let inside = |slack: Duration| gaps.iter().filter(|g| **g + slack < interval).count();
    let min = gaps.iter().min().copied().unwrap_or_default();
    println!(
        "{workers} processes × {each} requests on one key, interval {interval:?}: {} requests in {:.2} s; \
         gaps under the interval: {} by more than 5 ms, {} by more than 1 ms, {} at all; closest {:.2} ms",
        times.len(),
        elapsed.as_secs_f64(),
        inside(Duration::from_millis(5)),
        inside(Duration::from_millis(1)),
        inside(Duration::ZERO),
        ms(min)
    );
    assert_eq!(
        inside(Duration::from_millis(5)),
        0,
        "requests of one key came too close"
    );
}

/// One worker process: its own client (its own pool) and its own Redis connection.
fn worker(url: &str, redis: &str, count: usize, interval_ms: u64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let throttle = Arc::new(RedisThrottle::new(redis).unwrap());
        let client = BenefitsClient::builder()
            .keys("developer", "one-office")
            .base_url(url)
            .throttle(Duration::from_millis(interval_ms))
            .shared_throttle(throttle)
            .build()
            .unwrap();
        for _ in 0..count {
            client.list_all(PlanNum::new(12).into()).await.unwrap();
        }
    });
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.99), at(1.0))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
