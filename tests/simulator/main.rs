//! Sync proven by simulation: seeded random histories of one or two workers reconciling a
//! plan (or a patient plan) under one apply lock, staff who edit, add and delete rows at any
//! moment, Open Dental's own import adding rows without the lock, and faults on the workers'
//! requests (429, 502/503/504 before and after the office stored the write, a write that
//! lands late, an answer past the client's timeout, a 201 whose body breaks off, connections
//! refused (a cascade's first mode) before each request, a cancelled apply, a lock whose
//! renewals fail mid-apply). Some runs' clients are throttled (a 429 then widens their
//! spacing), go on after a failed write (`OnError::Continue`) or list in small pages; some
//! offices serve pages of a few rows; some 429s ask for a second's wait. Each history is
//! checked by the invariants in `check.rs`, read from the office's own logs.
//!
//! - `cargo test --all-features --test simulator`: 2,000 histories (CI), then every kept
//!   regression case in `regressions/` five times each.
//! - `SIM_HISTORIES=1000000 cargo test --release --all-features --test simulator -- --nocapture`:
//!   a soak. `SIM_FIRST_SEED=n` starts elsewhere; `SIM_SEED=n` plays one seed.
//! - A failing seed is shrunk to a small history (fewer faults, actions, runs, rows), printed
//!   as JSON and written to `target/tmp/simulator-failures/`: keep it in `regressions/`.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

mod check;
mod history;
mod play;

use std::sync::Arc;

use history::{FaultSpec, History};

/// Histories in flight at once: each spends most of its time waiting on timers.
const IN_FLIGHT: usize = 16;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// How many times a history is played when the machine stalls the office's late writes past
/// their limit (see [`check::stalled`]) before that is the answer.
const STALLED_PLAYS: usize = 3;

/// Plays a history; the invariants it breaks, with the office's logs when it breaks any. A
/// play on a machine that stalled the office's late writes is played again.
async fn broken(history: &History) -> Vec<String> {
    let mut stalls = Vec::new();
    for _ in 0..STALLED_PLAYS {
        let played = play::play(history).await;
        if let Some(stall) = check::stalled(&played) {
            stalls.push(stall);
            continue;
        }
        let mut broken = check::check(history, &played);
        if !broken.is_empty() {
            broken.push(dump(&played));
        }
        return broken;
    }
    stalls.insert(
        0,
        format!("every one of {STALLED_PLAYS} plays stalled: no check could be made"),
    );
    stalls
}

/// The office's logs, in order, times in ms from the first entry.
fn dump(played: &play::Played) -> String {
    let Some(start) = played
        .requests
        .iter()
        .map(|r| r.at)
        .chain(played.writes.iter().map(|w| w.at))
        .min()
    else {
        return String::new();
    };
    let mut lines: Vec<(std::time::Instant, String)> = Vec::new();
    for r in &played.requests {
        let agent = r
            .user_agent
            .as_deref()
            .unwrap_or("")
            .split(' ')
            .next()
            .unwrap_or("");
        let query = r
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        lines.push((
            r.at,
            format!("{agent} {} {}{query} -> {}", r.method, r.path, r.status),
        ));
    }
    for w in &played.writes {
        lines.push((
            w.at,
            format!("  office: {:?} {:?} row {}", w.by, w.kind, w.benefit_num()),
        ));
    }
    lines.sort_by_key(|(at, _)| *at);
    let mut out = String::from("log:\n");
    for (at, line) in lines {
        out += &format!("{:>7.1} {line}\n", (at - start).as_secs_f64() * 1000.0);
    }
    for run in played.runs.iter().chain([&played.settling, &played.last]) {
        out += &format!("{}: {}\n", run.agent, run.outcome);
    }
    out
}

/// Plays a history up to `tries` times (timing varies between plays); the first breakage.
async fn fails(history: &History, tries: usize) -> Option<Vec<String>> {
    for _ in 0..tries {
        let broken = broken(history).await;
        if !broken.is_empty() {
            return Some(broken);
        }
    }
    None
}

/// The smaller histories one step from `h`: one fault, action, run, worker, desired or
/// initial row fewer; no lock failure, no page cap; a run without its throttle, its page
/// size or `OnError::Continue`; a 429's `Retry-After` of 0.
fn smaller(h: &History) -> Vec<History> {
    let mut out = Vec::new();
    let mut without = |f: &dyn Fn(&mut History) -> bool| {
        let mut s = h.clone();
        if f(&mut s) {
            out.push(s);
        }
    };
    for i in 0..h.faults.len() {
        without(&|s| {
            s.faults.remove(i);
            true
        });
    }
    for i in 0..h.actions.len() {
        without(&|s| {
            s.actions.remove(i);
            true
        });
    }
    for w in 0..h.workers.len() {
        for r in 0..h.workers[w].len() {
            without(&|s| {
                s.workers[w].remove(r);
                true
            });
        }
        without(&|s| {
            s.workers.remove(w);
            !s.workers.is_empty()
        });
    }
    for i in 0..h.desired.len() {
        without(&|s| {
            s.desired.remove(i);
            true
        });
    }
    for i in 0..h.initial.len() {
        without(&|s| {
            s.initial.remove(i);
            true
        });
    }
    without(&|s| s.lock_fails_at_ms.take().is_some());
    without(&|s| s.page_cap.take().is_some());
    for w in 0..h.workers.len() {
        for r in 0..h.workers[w].len() {
            without(&|s| s.workers[w][r].throttle_ms.take().is_some());
            without(&|s| s.workers[w][r].page_size.take().is_some());
            without(&|s| std::mem::take(&mut s.workers[w][r].continue_on_error));
        }
    }
    for i in 0..h.faults.len() {
        without(&|s| {
            let slow = matches!(s.faults[i].1, FaultSpec::RateLimitedFor(_));
            if slow {
                s.faults[i].1 = FaultSpec::RateLimited;
            }
            slow
        });
    }
    out
}

/// Shrinks a failing history: takes any one-step smaller history that still fails (each tried
/// three times), until none does.
async fn shrink(mut h: History) -> (History, Vec<String>) {
    let mut why = fails(&h, 3).await.unwrap_or_default();
    'outer: loop {
        for s in smaller(&h) {
            if let Some(broken) = fails(&s, 3).await {
                h = s;
                why = broken;
                continue 'outer;
            }
        }
        return (h, why);
    }
}

async fn report_failure(history: History, first: Vec<String>) -> String {
    let seed = history.seed;
    let (small, why) = shrink(history).await;
    let json = serde_json::to_string_pretty(&small).unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("simulator-failures");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{seed}.json")), &json);
    format!(
        "seed {seed} broke {first:#?}\nshrunk to a history that breaks {why:#?} \
         (keep it in tests/simulator/regressions/):\n{json}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_histories_hold_every_invariant() {
    if let Some(seed) = env_u64("SIM_SEED") {
        let history = History::draw(seed);
        if let Some(why) = fails(&history, 1).await {
            panic!("{}", report_failure(history, why).await);
        }
        return;
    }
    let count = env_u64("SIM_HISTORIES").unwrap_or(2_000);
    let first = env_u64("SIM_FIRST_SEED").unwrap_or(1);
    let started = std::time::Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    for seed in first..first + count {
        let permit = gate.clone().acquire_owned().await.unwrap();
        tasks.spawn(async move {
            let history = History::draw(seed);
            let broken = broken(&history).await;
            drop(permit);
            (!broken.is_empty()).then_some((history, broken))
        });
        while let Some(done) = tasks.try_join_next() {
            if let Some((failed, why)) = done.expect("a history never panics the runner") {
                panic!("{}", report_failure(failed, why).await);
            }
        }
    }
    while let Some(done) = tasks.join_next().await {
        if let Some((failed, why)) = done.expect("a history never panics the runner") {
            panic!("{}", report_failure(failed, why).await);
        }
    }
    eprintln!(
        "{count} histories from seed {first} held every invariant in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_regression_cases_hold_every_invariant() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/simulator/regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/simulator/regressions exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no regression case in {}", dir.display());
    for file in files {
        let history: History =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        if let Some(why) = fails(&history, 5).await {
            panic!("{} breaks {why:#?}", file.display());
        }
    }
}
