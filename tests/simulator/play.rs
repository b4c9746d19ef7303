//! Playing a history against the fake office: the workers, staff and the import at once, the
//! faults on the workers' requests, then two reconciles with no fault and nobody else.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use benefits_sdk::Error;
use benefits_sdk::mock::{LoggedRequest, MockOpenDental, OfficeWrite};
use benefits_sdk::opendental::{
    ApplyLock, ApplyLockKey, ApplyOptions, ApplyReport, BenefitsClient, BenefitsClientBuilder,
    Changeset, DiffOptions, Endpoint, InsPlan, LocalApplyLock, LockStoreError, OnError, Owner,
};
use benefits_sdk::throttle::BoxFuture;
use tokio::time::Instant;

use crate::history::{
    Action, ActionKind, CALL_BOUND, CLIENT_TIMEOUT, History, LOCK_TTL, PAT_PLAN, PLAN,
    QUIET_TIMEOUT, SETTLE,
};

/// What a run came to.
pub enum Outcome {
    /// It planned and applied.
    Applied(Box<(Changeset, ApplyReport)>),
    /// It stopped before writing: the lock was held, a listing failed…
    Refused(Error),
    /// Its future was dropped, as the history said.
    Cancelled,
    /// It took longer than [`CALL_BOUND`].
    Hung,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Applied(applied) => {
                let report = &applied.1;
                let skipped: Vec<_> = report.skipped.iter().map(|(_, why)| why).collect();
                let conflicts: Vec<_> = report.conflicts.iter().map(|(_, k)| k).collect();
                let failed: Vec<_> = report
                    .failed
                    .iter()
                    .map(|(_, e)| (e.to_string(), e.outcome_unknown()))
                    .collect();
                write!(f, "applied: {report} {skipped:?} {conflicts:?} {failed:?}")
            }
            Outcome::Refused(e) => write!(f, "refused: {e}"),
            Outcome::Cancelled => f.write_str("cancelled"),
            Outcome::Hung => f.write_str("hung"),
        }
    }
}

pub struct Run {
    /// The `User-Agent` its requests carried.
    pub agent: String,
    pub outcome: Outcome,
    /// When its outcome came.
    pub ended: Instant,
}

/// Everything the checks read: the office's own logs, and what each run said.
pub struct Played {
    pub writes: Vec<OfficeWrite>,
    pub requests: Vec<LoggedRequest>,
    pub runs: Vec<Run>,
    /// The two runs after the faults stopped.
    pub settling: Run,
    pub last: Run,
    /// A task of the history panicked.
    pub panicked: Option<String>,
}

/// A lock shaped like a shared store's (Redis): a lifetime on its own clock, scaled down,
/// whose renewals fail from a moment on (the store lost the key); a key not renewed expires.
struct StoreLock {
    inner: LocalApplyLock,
    fails_from: Option<Instant>,
}

impl ApplyLock for StoreLock {
    fn try_acquire<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, LockStoreError>> {
        self.inner.try_acquire(key, token, ttl)
    }

    fn renew<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, LockStoreError>> {
        if self.fails_from.is_some_and(|t| Instant::now() >= t) {
            return Box::pin(async { Ok(false) });
        }
        self.inner.renew(key, token, ttl)
    }

    fn release<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), LockStoreError>> {
        self.inner.release(key, token)
    }

    fn ttl(&self) -> Duration {
        LOCK_TTL
    }
}

pub async fn play(history: &History) -> Played {
    let office = match history.page_cap {
        Some(cap) => MockOpenDental::builder().page_cap(cap).start().await,
        None => MockOpenDental::start().await,
    };
    let office = Arc::new(office);
    office.insert_plan(InsPlan::new(PLAN, history.month_renew));
    office.link_pat_plan(PAT_PLAN, PLAN);
    let setup = office.office_user("setup");
    for &i in &history.initial {
        setup.add(&history.new_row(i));
    }
    for (method, fault) in &history.faults {
        office.inject_on(method, 1, fault.fault());
    }
    let start = Instant::now();
    let lock: Arc<dyn ApplyLock> = Arc::new(StoreLock {
        inner: LocalApplyLock::new(),
        fails_from: history
            .lock_fails_at_ms
            .map(|ms| start + Duration::from_millis(ms)),
    });
    let http = reqwest::Client::new();
    let runs = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (w, specs) in history.workers.iter().enumerate() {
        let (office, lock, http, runs) = (office.clone(), lock.clone(), http.clone(), runs.clone());
        let (history, specs) = (history.clone(), specs.clone());
        tasks.push(tokio::spawn(async move {
            for (r, spec) in specs.iter().enumerate() {
                tokio::time::sleep_until(start + Duration::from_millis(spec.start_ms)).await;
                let agent = format!("sim-w{w}-r{r}");
                let mut builder = worker(&office, &agent, &lock, &http, CLIENT_TIMEOUT);
                if let Some(ms) = spec.throttle_ms {
                    builder = builder.throttle(Duration::from_millis(ms));
                }
                if let Some(rows) = spec.page_size {
                    // Never above the office's cap: a page shorter than asked, of a size no
                    // Open Dental mode caps at, ends a listing (a client set to ask for more
                    // than its office serves is misconfigured, not tested here).
                    builder = builder.page_size(rows.min(history.page_cap.unwrap_or(100)));
                }
                let client = match spec.refused {
                    true => refused_first(builder, &office),
                    false => builder.build().expect("a client of the fake builds"),
                };
                let cancel = spec.cancel_after_ms.map(Duration::from_millis);
                let on_error = match spec.continue_on_error {
                    true => OnError::Continue,
                    false => OnError::Stop,
                };
                let outcome = run(&client, &history, spec.deletes, on_error, cancel).await;
                let ended = Instant::now();
                runs.lock().unwrap().push(Run {
                    agent,
                    outcome,
                    ended,
                });
            }
        }));
    }
    {
        let (office, history) = (office.clone(), history.clone());
        tasks.push(tokio::spawn(async move {
            let mut actions = history.actions.clone();
            actions.sort_by_key(|a| a.at_ms);
            for action in &actions {
                tokio::time::sleep_until(start + Duration::from_millis(action.at_ms)).await;
                act(&office, &history, action);
            }
        }));
    }
    let mut panicked = None;
    for task in tasks {
        if let Err(e) = task.await {
            panicked = Some(format!("{e}"));
        }
    }
    // The faults stop, and a late write lands within its limit. (A lock left by a cancelled
    // or failed run would expire on its own; the last runs take a lock of their own.)
    office.clear_faults();
    tokio::time::sleep(SETTLE).await;
    // A lock of the default lifetime: a loaded machine's stall is no fault of theirs.
    let lock: Arc<dyn ApplyLock> = Arc::new(LocalApplyLock::new());
    let settling = final_run(&office, &lock, &http, history, "sim-settle").await;
    let last = final_run(&office, &lock, &http, history, "sim-last").await;
    let runs = std::mem::take(&mut *runs.lock().unwrap());
    Played {
        writes: office.writes(),
        requests: office.requests(),
        runs,
        settling,
        last,
        panicked,
    }
}

fn worker(
    office: &MockOpenDental,
    agent: &str,
    lock: &Arc<dyn ApplyLock>,
    http: &reqwest::Client,
    timeout: Duration,
) -> BenefitsClientBuilder {
    office
        .client_builder()
        .http_client(http.clone())
        .user_agent(agent)
        .timeout(timeout)
        .apply_lock(lock.clone())
}

/// The same client as a cascade whose first mode refuses every connection (a port nothing
/// listens on), falling back to the office on each request.
fn refused_first(client: BenefitsClientBuilder, office: &MockOpenDental) -> BenefitsClient {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port");
    client
        .cascade([
            Endpoint::BaseUrl(format!("http://{closed}/api/v1")),
            Endpoint::BaseUrl(office.base_url()),
        ])
        .cascade_cooldown(Duration::ZERO)
        .build()
        .expect("a cascade of the fake builds")
}

async fn run(
    client: &BenefitsClient,
    history: &History,
    deletes: bool,
    on_error: OnError,
    cancel: Option<Duration>,
) -> Outcome {
    let desired = history.desired_shapes();
    let options = DiffOptions::new().deletes(deletes);
    let apply = ApplyOptions::new().settle(SETTLE).on_error(on_error);
    let reconcile = async {
        match history.owner() {
            Owner::PatPlan(_) => {
                client
                    .reconcile_in_year(history.owner(), history.year(), desired, options, apply)
                    .await
            }
            owner => client.reconcile(owner, desired, options, apply).await,
        }
    };
    let limit = cancel.unwrap_or(CALL_BOUND);
    match tokio::time::timeout(limit, reconcile).await {
        Ok(Ok(applied)) => Outcome::Applied(Box::new(applied)),
        Ok(Err(e)) => Outcome::Refused(e),
        Err(_) if cancel.is_some() => Outcome::Cancelled,
        Err(_) => Outcome::Hung,
    }
}

async fn final_run(
    office: &MockOpenDental,
    lock: &Arc<dyn ApplyLock>,
    http: &reqwest::Client,
    history: &History,
    agent: &str,
) -> Run {
    let client = worker(office, agent, lock, http, QUIET_TIMEOUT)
        .build()
        .expect("a client of the fake builds");
    let outcome = run(&client, history, false, OnError::Stop, None).await;
    Run {
        agent: agent.to_owned(),
        outcome,
        ended: Instant::now(),
    }
}

/// Staff or the import, on the owner's rows as they are now.
fn act(office: &MockOpenDental, history: &History, action: &Action) {
    let owner = history.owner();
    let rows: Vec<_> = office
        .benefits()
        .into_iter()
        .filter(|b| match owner {
            Owner::Plan(p) => b.plan_num == Some(p),
            Owner::PatPlan(p) => b.pat_plan_num == Some(p),
        })
        .collect();
    let nth = |n: usize| (!rows.is_empty()).then(|| rows[n % rows.len()].benefit_num);
    match action.kind {
        ActionKind::Edit { row, into } => {
            if let Some(num) = nth(row) {
                office
                    .office_user("staff")
                    .replace(num, &history.new_row(into));
            }
        }
        ActionKind::Add { pick } => {
            office.office_user("staff").add(&history.new_row(pick));
        }
        ActionKind::Import { pick } => {
            office.office_user("import").add(&history.new_row(pick));
        }
        ActionKind::Delete { row } => {
            if let Some(num) = nth(row) {
                office.office_user("staff").delete(num);
            }
        }
    }
}
