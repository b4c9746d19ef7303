//! `RedisApplyLock` against a real `redis-server`: only its holder renews or releases it, a
//! crashed holder's lock expires, and two worker processes applying one plan at once never
//! both create (one applies, the other is refused and writes nothing).
//!
//! `harness = false`: this binary is the test and, started with `BENEFITS_LOCK_WORKER` set, a
//! worker process of it.

mod support;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{
    ApplyLock, ApplyLockKey, ApplyOptions, BenefitShape, BenefitsClient, CovCatNum, DiffOptions,
    InsPlan, Owner, PlanNum, Scope, Terms,
};
use benefits_sdk::throttle::ThrottleKey;
use benefits_sdk::{Error, LockErrorKind};
use benefits_sdk_redis::RedisApplyLock;
use support::RedisServer;

const PLAN: PlanNum = PlanNum::new(12);

fn desired() -> Vec<BenefitShape> {
    (1..=4)
        .map(|c| BenefitShape::Exclusion(Terms::new(Scope::Category(CovCatNum::new(c)))))
        .collect()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if let Ok(base) = std::env::var("BENEFITS_LOCK_WORKER") {
        let redis = std::env::var("BENEFITS_LOCK_REDIS").unwrap();
        runtime.block_on(worker(&base, &redis));
        return;
    }
    let redis = RedisServer::start();
    runtime.block_on(only_the_holder_renews_or_releases_and_a_crashed_holder_expires(&redis));
    runtime.block_on(two_processes_applying_one_plan_never_both_create(&redis));
    println!("apply_lock_processes: 2 tests passed");
}

async fn only_the_holder_renews_or_releases_and_a_crashed_holder_expires(redis: &RedisServer) {
    let one = RedisApplyLock::new(&redis.url()).unwrap();
    let other = RedisApplyLock::new(&redis.url()).unwrap();
    let key = ApplyLockKey::new(ThrottleKey::for_key("office"), Owner::Plan(PLAN));
    let ttl = Duration::from_millis(400);
    assert!(one.try_acquire(&key, "a", ttl).await.unwrap());
    assert!(!other.try_acquire(&key, "b", ttl).await.unwrap());
    assert_eq!(
        redis.keys(),
        [format!("benefits-sdk:apply-lock:{}:plan:12", key.office())]
    );
    // Not the holder: neither renews nor releases.
    assert!(!other.renew(&key, "b", ttl).await.unwrap());
    other.release(&key, "b").await.unwrap();
    assert!(!other.try_acquire(&key, "b", ttl).await.unwrap());
    // The holder renews while it works: past its first lifetime, still held.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(one.renew(&key, "a", ttl).await.unwrap());
    }
    assert!(!other.try_acquire(&key, "b", ttl).await.unwrap());
    // The holder crashes: no renewal, and the lock expires.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(other.try_acquire(&key, "b", ttl).await.unwrap());
    assert!(
        !one.renew(&key, "a", ttl).await.unwrap(),
        "an expired holder cannot renew"
    );
    other.release(&key, "b").await.unwrap();
    assert!(redis.keys().is_empty(), "released");
}

async fn two_processes_applying_one_plan_never_both_create(redis: &RedisServer) {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, 0));
    // Each request takes 250 ms, so the first worker's apply outlasts the second's start.
    office.delay_next(64, Duration::from_millis(250));
    let exe = std::env::current_exe().unwrap();
    let spawn = || {
        Command::new(&exe)
            .env("BENEFITS_LOCK_WORKER", office.base_url())
            .env("BENEFITS_LOCK_REDIS", redis.url())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap()
    };
    let workers = [spawn(), spawn()];
    let outputs = tokio::task::spawn_blocking(move || {
        workers.map(|w| {
            let out = w.wait_with_output().unwrap();
            assert!(out.status.success(), "a worker failed");
            String::from_utf8(out.stdout).unwrap().trim().to_owned()
        })
    })
    .await
    .unwrap();
    let mut outputs = outputs.to_vec();
    outputs.sort();
    assert_eq!(
        outputs,
        ["done 4", "held"],
        "one applies, the other is refused"
    );
    let posts = office
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 4, "one POST per planned create");
    assert_eq!(office.benefits().len(), 4);
    assert!(redis.keys().is_empty(), "the lock was released");
}

/// One worker process: reconcile plan 12 to four exclusions under the Redis lock.
async fn worker(base: &str, redis: &str) {
    let client = BenefitsClient::builder()
        .keys("mock-developer-key", "mock-customer-key")
        .base_url(base)
        .no_throttle()
        .apply_lock(Arc::new(RedisApplyLock::new(redis).unwrap()))
        .build()
        .unwrap();
    let result = client
        .reconcile(
            Owner::Plan(PLAN),
            desired(),
            DiffOptions::new(),
            ApplyOptions::new(),
        )
        .await;
    match result {
        Ok((_, report)) => println!("done {}", report.done.len()),
        Err(Error::ApplyLock(e)) if e.kind == LockErrorKind::Held => println!("held"),
        Err(e) => panic!("worker: {e}"),
    }
}
