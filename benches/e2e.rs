//! End to end, side by side: the SDK against a hand-written reqwest + serde_json client of the
//! same requests, on an in-process HTTP server on loopback, plus the floors (the same requests
//! with the body ignored, and a GET written by hand over a raw TCP socket), streaming memory,
//! and 200 throttled clients sharing one connection pool.
//!
//! ```text
//! cargo bench --bench e2e              # the full run (a few minutes)
//! cargo bench --bench e2e -- --smoke   # small counts: every mode completes, decodes agree
//! ```

mod baseline;
mod heap;
mod offices;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;
#[cfg(feature = "test-util")]
mod reconcile;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use baseline::{PlainBenefit, PlainCheck, benefit_page, fixture};
use benefits_sdk::RetryPolicy;
use benefits_sdk::cervey::{BenefitCheck, BenefitCheckClient, BenefitCheckQuery, MemberNo};
use benefits_sdk::opendental::{Benefit, BenefitFilter, BenefitNum, BenefitsClient, PlanNum};
use futures_util::future::{FutureExt, LocalBoxFuture};
use futures_util::{StreamExt, TryStreamExt};
use heap::{peak_heap, retained_heap};
use hmac::Mac;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------------
// The server: HTTP/1.1 keep-alive, answers from memory, on its own thread and runtime.

/// Connections the server accepted: a client that reuses its connections opens few.
static CONNECTIONS: AtomicUsize = AtomicUsize::new(0);

struct Data {
    rows: Vec<Vec<u8>>,
    check: Vec<u8>,
    /// Arrival times per customer key, when recording.
    arrivals: Mutex<HashMap<String, Vec<Instant>>>,
    record: std::sync::atomic::AtomicBool,
}

fn start_server(rows: u64) -> (String, Arc<Data>) {
    let page = benefit_page(1, rows);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&page).unwrap();
    let data = Arc::new(Data {
        rows: all.iter().map(|r| serde_json::to_vec(r).unwrap()).collect(),
        check: fixture("benefitcheck_sample.json").into_bytes(),
        arrivals: Mutex::new(HashMap::new()),
        record: Default::default(),
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = data.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            while let Ok((socket, _)) = listener.accept().await {
                CONNECTIONS.fetch_add(1, Ordering::Relaxed);
                socket.set_nodelay(true).unwrap();
                tokio::spawn(serve(socket, served.clone()));
            }
        });
    });
    (url, data)
}

async fn serve(mut socket: TcpStream, data: Arc<Data>) {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
        if data.record.load(Ordering::Relaxed) {
            let key = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("authorization")
                        .then(|| value.trim().to_owned())
                })
                .unwrap_or_default();
            data.arrivals
                .lock()
                .unwrap()
                .entry(key)
                .or_default()
                .push(Instant::now());
        }
        let body = respond(&data, &target);
        let mut out = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(&body);
        if socket.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn respond(data: &Data, target: &str) -> Vec<u8> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path.starts_with("/api/benefitcheck") {
        return data.check.clone();
    }
    if let Some(num) = path.strip_prefix("/api/v1/benefits/") {
        let i = num.parse::<usize>().unwrap_or(1).saturating_sub(1);
        return data.rows.get(i).cloned().unwrap_or_default();
    }
    let param = |name: &str| {
        query.split('&').find_map(|kv| {
            kv.strip_prefix(name)?
                .strip_prefix('=')?
                .parse::<usize>()
                .ok()
        })
    };
    let limit = param("Limit").unwrap_or(100);
    let offset = param("Offset").unwrap_or(0);
    let mut body = Vec::with_capacity(limit * 420 + 2);
    body.push(b'[');
    for (i, row) in data.rows.iter().skip(offset).take(limit).enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(row);
    }
    body.push(b']');
    body
}

// ---------------------------------------------------------------------------------------------
// The hand-written client.

const DEV: &str = "bench-developer";
const CUST: &str = "bench-customer";
const APP_ID: &str = "0F4575AB5CDE496E96A2C8CEC4AEFE57C82C007A29974A8E8D4335F70CC140F9";
const API_KEY: &str = "RsMhYGkrSq9ty7+t2vG3kdcJSLbDbrwn13+ldP6KoXY=";
const PAGE: usize = 1000;

struct Baseline {
    http: reqwest::Client,
    base: String,
    key: Vec<u8>,
}

impl Baseline {
    fn new(base: &str) -> Self {
        Baseline {
            // A careful hand-written client bounds its requests too: the SDK's timeouts, so
            // that both sides pay for the same timer.
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(90))
                .connect_timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            base: base.to_owned(),
            key: base64::engine::general_purpose::STANDARD
                .decode(API_KEY)
                .unwrap(),
        }
    }

    fn od(&self, url: String) -> reqwest::RequestBuilder {
        self.http
            .get(url)
            .header("Authorization", format!("ODFHIR {DEV}/{CUST}"))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
    }

    async fn list_all(&self) -> Vec<PlainBenefit> {
        let mut all = Vec::new();
        let mut offset = 0;
        loop {
            let url = format!(
                "{}/api/v1/benefits?PlanNum=12&Limit={PAGE}&Offset={offset}",
                self.base
            );
            let body = self.od(url).send().await.unwrap().bytes().await.unwrap();
            let page: Vec<PlainBenefit> = serde_json::from_slice(&body).unwrap();
            let n = page.len();
            all.extend(page);
            if n < PAGE {
                return all;
            }
            offset += PAGE;
        }
    }

    async fn get(&self, num: u64) -> PlainBenefit {
        let url = format!("{}/api/v1/benefits/{num}", self.base);
        let body = self.od(url).send().await.unwrap().bytes().await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    async fn get_ignoring_body(&self, num: u64) -> usize {
        let url = format!("{}/api/v1/benefits/{num}", self.base);
        self.od(url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len()
    }

    async fn check(&self, member: u64) -> PlainCheck {
        let url = format!("{}/api/benefitcheck?memberNo={member}", self.base);
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let text = format!(
            "{APP_ID}GET{}{ts}{nonce}",
            benefits_sdk::cervey::url_encode(&url.to_lowercase())
        );
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.key).unwrap();
        mac.update(text.as_bytes());
        let signature =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let body = self
            .http
            .get(url)
            .header(
                "Authorization",
                format!("ntc {APP_ID}:{signature}:{nonce}:{ts}"),
            )
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        serde_json::from_slice(&body).unwrap()
    }
}

/// A GET written by hand over one keep-alive socket: the floor of a loopback round trip.
struct RawSocket {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl RawSocket {
    async fn connect(base: &str) -> Self {
        let addr = base.trim_start_matches("http://");
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        RawSocket {
            stream,
            buf: Vec::with_capacity(8192),
        }
    }

    async fn get(&mut self, path: &str) -> usize {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: ODFHIR {DEV}/{CUST}\r\nContent-Type: application/json\r\nAccept: application/json\r\n\r\n"
        );
        self.stream.write_all(request.as_bytes()).await.unwrap();
        self.buf.clear();
        let mut chunk = [0u8; 8192];
        loop {
            let n = self.stream.read(&mut chunk).await.unwrap();
            self.buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).unwrap();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .unwrap()
                    .parse()
                    .unwrap();
                if self.buf.len() >= end + 4 + len {
                    return len;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

struct Counts {
    rows: u64,
    gets: u64,
    checks: u64,
    concurrent: u64,
    runs: usize,
    offices: usize,
    office_rows: u32,
    memory_rows: [u64; 2],
}

fn sdk_od(base: &str) -> BenefitsClient {
    BenefitsClient::builder()
        .keys(DEV, CUST)
        .base_url(format!("{base}/api/v1"))
        .page_size(PAGE as u32)
        .no_throttle()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn sdk_cervey(base: &str) -> BenefitCheckClient {
    BenefitCheckClient::builder()
        .credentials(APP_ID, API_KEY)
        .base_url(format!("{base}/api/"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// How far under the interval one key's arrivals may come in the offices bench: none in a
/// measured run, 5 % in the smoke run CI makes on a busy machine (see `offices::run`).
fn offices_slack(smoke: bool) -> Duration {
    if smoke {
        Duration::from_millis(50)
    } else {
        Duration::ZERO
    }
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One timed mode: a fresh future per run.
type Mode<'a> = Box<dyn FnMut() -> LocalBoxFuture<'a, ()> + 'a>;

/// Times every mode once per round, `runs` rounds, each round starting one mode later so that
/// none always goes first; returns each mode's median. Taking turns spreads the machine's drift
/// over all the modes compared.
fn interleaved(
    runtime: &tokio::runtime::Runtime,
    runs: usize,
    mut modes: Vec<Mode<'_>>,
) -> Vec<Duration> {
    let mut times = vec![Vec::with_capacity(runs); modes.len()];
    for round in 0..runs {
        for k in 0..modes.len() {
            let i = (round + k) % modes.len();
            let t = Instant::now();
            runtime.block_on(modes[i]());
            times[i].push(t.elapsed());
        }
    }
    times.into_iter().map(median).collect()
}

/// Times `sdk` and `baseline` in turns, `runs` times each; returns the medians.
fn side_by_side<'a, FA, FB>(
    runtime: &tokio::runtime::Runtime,
    runs: usize,
    mut sdk: impl FnMut() -> FA + 'a,
    mut baseline: impl FnMut() -> FB + 'a,
) -> (Duration, Duration)
where
    FA: std::future::Future<Output = ()> + 'a,
    FB: std::future::Future<Output = ()> + 'a,
{
    let medians = interleaved(
        runtime,
        runs,
        vec![
            Box::new(move || sdk().boxed_local()),
            Box::new(move || baseline().boxed_local()),
        ],
    );
    (medians[0], medians[1])
}

fn report(mode: &str, sdk: Duration, base: Duration) {
    let opened = CONNECTIONS.swap(0, Ordering::Relaxed);
    println!("(connections opened by both clients in this mode: {opened})");
    println!(
        "| {mode} | {:.2} ms | {:.2} ms | {:.3} |",
        sdk.as_secs_f64() * 1e3,
        base.as_secs_f64() * 1e3,
        sdk.as_secs_f64() / base.as_secs_f64()
    );
}

/// The SDK decodes exactly what the hand-written client decodes.
fn assert_same_rows(sdk: &[Benefit], plain: &[PlainBenefit]) {
    assert_eq!(sdk.len(), plain.len());
    for (s, p) in sdk.iter().zip(plain) {
        assert_eq!(
            serde_json::to_value(s).unwrap(),
            serde_json::to_value(p).unwrap(),
            "row {}",
            p.benefit_num
        );
    }
}

fn assert_same_check(sdk: &BenefitCheck, plain: &PlainCheck) {
    assert_eq!(sdk.claim_histories.len(), plain.claim_histories.len());
    for (s, p) in sdk.claim_histories.iter().zip(&plain.claim_histories) {
        let s = serde_json::to_value(s).unwrap();
        let p = serde_json::to_value(p).unwrap();
        for (key, pv) in p.as_object().unwrap() {
            let sv = &s[key.as_str()];
            if key.ends_with("Date") {
                let parse = |v: &serde_json::Value| {
                    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap()
                };
                assert_eq!(parse(sv), parse(pv), "{key}");
            } else if pv.is_f64() {
                assert_eq!(sv.as_f64(), pv.as_f64(), "{key}");
            } else {
                assert_eq!(sv, pv, "{key}");
            }
        }
    }
    assert_eq!(sdk.max_out_of_pockets.len(), plain.max_out_of_pockets.len());
    for (s, p) in sdk.max_out_of_pockets.iter().zip(&plain.max_out_of_pockets) {
        assert_eq!(s.is_period_moop_met, p.is_period_moop_met);
        assert_eq!(s.moop.id.get() as i64, p.moop.id);
        assert_eq!(s.moop.max_out_of_pocket_rates.len(), p.moop.rates.len());
    }
    assert_eq!(sdk.deductibles.len(), plain.deductibles.len());
}

fn main() {
    // `--only-checks sdk|baseline N`: just N sequential benefit checks by one client, for a
    // profiler (e.g. `valgrind --tool=callgrind`) to compare instruction counts; with
    // `--from-8-tasks`, the N checks come from 8 concurrent tasks, as in the timed mode.
    // `--only-gets sdk|baseline|ignored|raw N`: the same for GET single and its floors, on a
    // current-thread runtime (e.g. for `strace -c -f` to count system calls).
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--only-gets") {
        let n: u64 = args[i + 2].parse().unwrap();
        let (base, _data) = start_server(1000);
        let (od, hand) = (sdk_od(&base), Baseline::new(&base));
        current_thread().block_on(async {
            let mut socket = RawSocket::connect(&base).await;
            for num in (0..n).map(|i| i % 1000 + 1) {
                match args[i + 1].as_str() {
                    "sdk" => drop(od.get(BenefitNum::new(num)).await.unwrap()),
                    "baseline" => drop(hand.get(num).await),
                    "ignored" => drop(hand.get_ignoring_body(num).await),
                    _ => drop(socket.get(&format!("/api/v1/benefits/{num}")).await),
                }
            }
        });
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--only-checks") {
        let n: u64 = args[i + 2].parse().unwrap();
        let (base, _data) = start_server(10);
        let rt = current_thread();
        if args.iter().any(|a| a == "--from-8-tasks") {
            let (c, h) = (sdk_cervey(&base), Arc::new(Baseline::new(&base)));
            let sdk = args[i + 1] == "sdk";
            rt.block_on(async {
                let tasks: Vec<_> = (0..8)
                    .map(|t| {
                        let (c, h) = (c.clone(), h.clone());
                        tokio::spawn(async move {
                            for m in 0..n / 8 {
                                let member = t * 1000 + m + 1;
                                if sdk {
                                    let query = BenefitCheckQuery::new(MemberNo::new(member));
                                    c.benefit_check(&query).await.unwrap();
                                } else {
                                    h.check(member).await;
                                }
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.unwrap();
                }
            });
            return;
        }
        if args[i + 1] == "sdk" {
            let c = sdk_cervey(&base);
            rt.block_on(async {
                for m in 0..n {
                    c.benefit_check(&BenefitCheckQuery::new(MemberNo::new(m + 1)))
                        .await
                        .unwrap();
                }
            });
        } else {
            let h = Baseline::new(&base);
            rt.block_on(async {
                for m in 0..n {
                    h.check(m + 1).await;
                }
            });
        }
        return;
    }
    let smoke = args.iter().any(|a| a == "--smoke");
    if args.iter().any(|a| a == "--only-reconcile") {
        reconcile_mode(if smoke { 10 } else { 200 });
        return;
    }
    if args.iter().any(|a| a == "--only-offices") {
        let (base, data) = start_server(1_000);
        let (offices, rows) = if smoke { (10, 30) } else { (1_000, 250) };
        let plan = BenefitFilter::Plan(PlanNum::new(12));
        for start in [offices::Start::Spread, offices::Start::Burst] {
            offices::run(
                &base,
                &data,
                plan,
                offices,
                rows,
                start,
                offices_slack(smoke),
            );
        }
        return;
    }
    let counts = if smoke {
        Counts {
            rows: 2_500,
            gets: 20,
            checks: 20,
            concurrent: 16,
            runs: 1,
            offices: 10,
            office_rows: 30,
            memory_rows: [1_000, 3_000],
        }
    } else {
        Counts {
            rows: 10_000,
            gets: 2_000,
            checks: 2_000,
            concurrent: 2_000,
            runs: 21,
            offices: 1_000,
            office_rows: 250,
            memory_rows: [10_000, 100_000],
        }
    };
    let (base, data) = start_server(counts.memory_rows[1].max(counts.rows));
    let od = sdk_od(&base);
    let cervey = sdk_cervey(&base);
    let hand = Arc::new(Baseline::new(&base));
    let rt = current_thread();
    let plan = BenefitFilter::Plan(PlanNum::new(12));

    // Correctness first: the SDK decodes what the baseline decodes.
    let limited = counts.rows;
    let sdk_rows: Vec<Benefit> = rt
        .block_on(od.list(plan).take(limited as usize).try_collect())
        .unwrap();
    let plain_rows: Vec<PlainBenefit> = rt
        .block_on(hand.list_all())
        .into_iter()
        .take(limited as usize)
        .collect();
    assert_same_rows(&sdk_rows, &plain_rows);
    let sdk_check = rt
        .block_on(cervey.benefit_check(&BenefitCheckQuery::new(MemberNo::new(7))))
        .unwrap();
    assert_same_check(&sdk_check, &rt.block_on(hand.check(7)));
    println!("decodes agree: {} rows, one benefit check", sdk_rows.len());

    println!("\n| mode | SDK median | baseline median | SDK/baseline |");
    println!("|---|---|---|---|");

    // Listing: a server table of `rows` rows (the memory table may be larger: list the first
    // `rows` by taking them, the same for both clients).
    let n = counts.rows as usize;
    let (s, b) = side_by_side(
        &rt,
        counts.runs,
        || async {
            let rows: Vec<Benefit> = od.list(plan).take(n).try_collect().await.unwrap();
            assert_eq!(rows.len(), n);
        },
        || async {
            let mut all = Vec::new();
            let mut offset = 0;
            while all.len() < n {
                let url = format!("{base}/api/v1/benefits?PlanNum=12&Limit={PAGE}&Offset={offset}");
                let body = hand.od(url).send().await.unwrap().bytes().await.unwrap();
                let page: Vec<PlainBenefit> = serde_json::from_slice(&body).unwrap();
                all.extend(page);
                offset += PAGE;
            }
            all.truncate(n);
        },
    );
    report(&format!("list {n} benefits"), s, b);

    // GET single and its floors, in turns in the same rounds: the ratios to the floors come
    // from the same stretch of time.
    let gets = counts.gets;
    let [s, b, floor_ignored, floor_raw] = interleaved(
        &rt,
        counts.runs,
        vec![
            Box::new(|| {
                async {
                    for i in 0..gets {
                        od.get(BenefitNum::new(i % 1000 + 1)).await.unwrap();
                    }
                }
                .boxed_local()
            }),
            Box::new(|| {
                async {
                    for i in 0..gets {
                        hand.get(i % 1000 + 1).await;
                    }
                }
                .boxed_local()
            }),
            Box::new(|| {
                async {
                    for i in 0..gets {
                        hand.get_ignoring_body(i % 1000 + 1).await;
                    }
                }
                .boxed_local()
            }),
            Box::new(|| {
                async {
                    let mut socket = RawSocket::connect(&base).await;
                    for i in 0..gets {
                        socket
                            .get(&format!("/api/v1/benefits/{}", i % 1000 + 1))
                            .await;
                    }
                }
                .boxed_local()
            }),
        ],
    )[..] else {
        unreachable!("four modes, four medians")
    };
    report(
        &format!("{gets} sequential GET single (current-thread)"),
        s,
        b,
    );
    let get_sdk = s;

    let checks = counts.checks;
    let (s, b) = side_by_side(
        &rt,
        counts.runs,
        || async {
            for i in 0..checks {
                cervey
                    .benefit_check(&BenefitCheckQuery::new(MemberNo::new(i + 1)))
                    .await
                    .unwrap();
            }
        },
        || async {
            for i in 0..checks {
                hand.check(i + 1).await;
            }
        },
    );
    report(&format!("{checks} sequential benefit checks"), s, b);
    let check_round_trip = s / checks as u32;

    let total = counts.concurrent;
    let (s, b) = side_by_side(
        &rt,
        counts.runs,
        || async {
            let tasks: Vec<_> = (0..8)
                .map(|t| {
                    let c = cervey.clone();
                    tokio::spawn(async move {
                        for i in 0..total / 8 {
                            c.benefit_check(&BenefitCheckQuery::new(MemberNo::new(
                                t * 1000 + i + 1,
                            )))
                            .await
                            .unwrap();
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
        },
        || async {
            let tasks: Vec<_> = (0..8)
                .map(|t| {
                    let h = hand.clone();
                    tokio::spawn(async move {
                        for i in 0..total / 8 {
                            h.check(t * 1000 + i + 1).await;
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
        },
    );
    report(&format!("{total} concurrent benefit checks, 8 tasks"), s, b);

    // The same GETs on a multi-thread runtime, for the choice of runtime. A connection pool
    // belongs to the runtime that opened its connections: new clients for the new runtime.
    let mt = multi_thread();
    let (mt_od, mt_hand) = (sdk_od(&base), Baseline::new(&base));
    let (mt_sdk, mt_base) = side_by_side(
        &mt,
        counts.runs,
        || async {
            for i in 0..gets {
                mt_od.get(BenefitNum::new(i % 1000 + 1)).await.unwrap();
            }
        },
        || async {
            for i in 0..gets {
                mt_hand.get(i % 1000 + 1).await;
            }
        },
    );
    report(
        &format!("{gets} sequential GET single (multi-thread)"),
        mt_sdk,
        mt_base,
    );

    println!("\n| floor | median | SDK GET single / floor |");
    println!("|---|---|---|");
    println!(
        "| {gets} GETs, body ignored (reqwest) | {:.2} ms | {:.3} |",
        floor_ignored.as_secs_f64() * 1e3,
        get_sdk.as_secs_f64() / floor_ignored.as_secs_f64()
    );
    println!(
        "| {gets} GETs over a raw TCP socket | {:.2} ms | {:.3} |",
        floor_raw.as_secs_f64() * 1e3,
        get_sdk.as_secs_f64() / floor_raw.as_secs_f64()
    );
    println!(
        "| (multi-thread runtime) SDK / raw socket | | {:.3} |",
        mt_sdk.as_secs_f64() / floor_raw.as_secs_f64()
    );

    // Signing against one loopback benefit-check round trip.
    let signer = benefits_sdk::cervey::NtcSigner::new(APP_ID, API_KEY).unwrap();
    let url = format!("{base}/api/benefitcheck?memberNo=1234567");
    let signs = 20_000;
    let t = Instant::now();
    for _ in 0..signs {
        std::hint::black_box(signer.authorization_now("GET", &url));
    }
    let per_sign = t.elapsed() / signs;
    println!(
        "\nsigning: {:.2} µs per request = {:.2}% of a benefit-check round trip ({:.1} µs)",
        per_sign.as_secs_f64() * 1e6,
        100.0 * per_sign.as_secs_f64() / check_round_trip.as_secs_f64(),
        check_round_trip.as_secs_f64() * 1e6
    );

    // Streaming memory: rows are consumed one by one; pages are never accumulated.
    println!("\n| streaming | rows | peak heap above start |");
    println!("|---|---|---|");
    // A page's peak depends on how its body arrives (one chunk or several, and hyper's read
    // buffer): the highest of three runs is the figure for each count.
    let mut peaks = Vec::new();
    for rows in counts.memory_rows {
        let runs: Vec<usize> = (0..3)
            .map(|_| {
                let stream_rt = current_thread();
                let client = sdk_od(&base);
                let (seen, peak) = peak_heap(|| {
                    stream_rt.block_on(async {
                        let mut stream = client.list(plan).take(rows as usize);
                        let mut seen = 0u64;
                        while let Some(row) = stream.next().await {
                            std::hint::black_box(row.unwrap());
                            seen += 1;
                        }
                        seen
                    })
                });
                assert_eq!(seen, rows);
                peak
            })
            .collect();
        let peak = runs.iter().copied().max().unwrap_or(0);
        println!(
            "| list() | {rows} | {:.1} KiB (runs: {}) |",
            peak as f64 / 1024.0,
            runs.iter()
                .map(|p| format!("{:.0}", *p as f64 / 1024.0))
                .collect::<Vec<_>>()
                .join(", ")
        );
        peaks.push(peak);
    }
    println!(
        "peak({}) / peak({}) = {:.3}",
        counts.memory_rows[1],
        counts.memory_rows[0],
        peaks[1] as f64 / peaks[0] as f64
    );

    // Many offices through one transport (benches/offices): spread starts, then a burst.
    for start in [offices::Start::Spread, offices::Start::Burst] {
        let rows = counts.office_rows as usize;
        offices::run(
            &base,
            &data,
            plan,
            counts.offices,
            rows,
            start,
            offices_slack(smoke),
        );
    }

    reconcile_mode(if smoke { 10 } else { 200 });
}

/// Reconcile at fleet size, against the crate's fake office (`--features test-util`).
fn reconcile_mode(plans: u64) {
    #[cfg(feature = "test-util")]
    reconcile::run(&current_thread(), plans);
    #[cfg(not(feature = "test-util"))]
    println!(
        "\nreconcile: skipped, it runs on the fake office: add --features test-util ({plans} plans)"
    );
}
