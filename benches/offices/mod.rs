//! Many offices through one transport, at Remote's 1 s interval: a root client, and one client
//! per customer key made from it (`for_office`), sharing its pool, its connection bound and its
//! throttle, each key spaced on its own. Run twice: with the offices' starts spread over the
//! first interval, as a fleet's jobs start, and all in the same millisecond.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use benefits_sdk::opendental::{Benefit, BenefitFilter, BenefitsClient};
use futures_util::{StreamExt, TryStreamExt};

use super::{CONNECTIONS, DEV, Data, multi_thread, retained_heap};

/// How the offices start.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Spread evenly over the first interval.
    Spread,
    /// All in the same millisecond.
    Burst,
}

/// Runs `offices` offices listing `rows` rows each (pages of 10) and prints the throughput
/// against the throttle-bound ideal, the heap kept per office, the connections opened and the
/// gaps between one key's arrivals at the server. Asserts no gap more than `slack` under the
/// interval.
///
/// The measured runs give no slack. The smoke run in CI gives 5 % of the interval: there the
/// harness's one-thread server shares two busy cores with the build, and on a burst it accepts
/// ten new connections before it reads their first requests. That delay is the harness's, not
/// the throttle's (which spaces departures, see `Throttle::try_depart`), and no client can take
/// it back; the smoke run checks that the spacing holds, not the machine's scheduling.
pub fn run(
    base: &str,
    data: &Data,
    plan: BenefitFilter,
    offices: usize,
    rows: usize,
    start: Start,
    slack: Duration,
) {
    let interval = Duration::from_secs(1);
    let runtime = multi_thread();
    let root = BenefitsClient::builder()
        .keys(DEV, "office-root")
        .base_url(format!("{base}/api/v1"))
        .page_size(10)
        .throttle(interval)
        .build()
        .unwrap();
    let (clients, client_bytes) = retained_heap(|| {
        (0..offices)
            .map(|i| root.for_office(format!("office{i}")).build().unwrap())
            .collect::<Vec<_>>()
    });
    let connections_before = CONNECTIONS.load(Ordering::Relaxed);
    data.arrivals.lock().unwrap().clear();
    data.record.store(true, Ordering::Relaxed);
    let done = Arc::new(AtomicUsize::new(0));
    let t = Instant::now();
    runtime.block_on(async {
        let count = clients.len() as u32;
        let tasks: Vec<_> = clients
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, c)| {
                let done = done.clone();
                tokio::spawn(async move {
                    if start == Start::Spread {
                        tokio::time::sleep(interval * i as u32 / count).await;
                    }
                    let listed: Vec<Benefit> = c.list(plan).take(rows).try_collect().await.unwrap();
                    assert_eq!(listed.len(), rows);
                    done.fetch_add(1, Ordering::Relaxed);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let elapsed = t.elapsed();
    data.record.store(false, Ordering::Relaxed);
    assert_eq!(done.load(Ordering::Relaxed), offices);
    let connections = CONNECTIONS.load(Ordering::Relaxed) - connections_before;
    let gaps = report(
        data,
        interval,
        offices,
        elapsed,
        start,
        connections,
        client_bytes,
    );
    let too_close = gaps.iter().filter(|g| **g + slack < interval).count();
    assert_eq!(
        too_close, 0,
        "arrivals of one key closer than the interval less {slack:?}"
    );
}

fn report(
    data: &Data,
    interval: Duration,
    offices: usize,
    elapsed: Duration,
    start: Start,
    connections: usize,
    client_bytes: usize,
) -> Vec<Duration> {
    // The requests as the server counted them (pages overlap by one row, so 250 rows in pages
    // of 10 take 28).
    let arrivals = data.arrivals.lock().unwrap();
    let sent: usize = arrivals.values().map(Vec::len).sum();
    let per_office = (sent / offices) as u32;
    // Each office's requests span (n − 1) intervals at best; spread starts add (offices − 1) /
    // offices of one more.
    let spread = match start {
        Start::Spread => interval * (offices as u32 - 1) / offices as u32,
        Start::Burst => Duration::ZERO,
    };
    let ideal = interval * (per_office - 1) + spread;
    // Gaps between one key's consecutive arrivals at the server.
    let gaps: Vec<Duration> = arrivals
        .values()
        .flat_map(|times| times.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>())
        .collect();
    let min_gap = gaps.iter().min().copied().unwrap_or_default();
    let under = gaps.iter().filter(|g| **g < interval).count();
    let mean_gap = gaps.iter().sum::<Duration>() / gaps.len().max(1) as u32;
    let name = match start {
        Start::Spread => "starts spread over the first second",
        Start::Burst => "all starting in the same millisecond",
    };
    println!(
        "\noffices, {name}: {offices} clients made with for_office from one client, throttle {interval:?} each, {per_office} requests each"
    );
    println!(
        "  connections opened to the one host: {connections} (for {offices} concurrent offices)"
    );
    println!(
        "  {sent} requests in {:.0} ms (ideal {:.0} ms): {:.1}% of the throttle-bound ideal",
        elapsed.as_secs_f64() * 1e3,
        ideal.as_secs_f64() * 1e3,
        100.0 * ideal.as_secs_f64() / elapsed.as_secs_f64(),
    );
    println!(
        "  heap kept per office: {:.2} KiB; gaps between one key's arrivals: min {:.2} ms, mean {:.2} ms, {under} of {} under the interval",
        client_bytes as f64 / offices as f64 / 1024.0,
        min_gap.as_secs_f64() * 1e3,
        mean_gap.as_secs_f64() * 1e3,
        gaps.len()
    );
    gaps
}
