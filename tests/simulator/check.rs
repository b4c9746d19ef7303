//! The invariants, read from the office's own logs (what it stored, and when it read or wrote
//! for each request), never with the SDK's predicates: rows are compared field by field.
//!
//! 1. No planned create lands twice: no run inserts a row equal to one it inserted that is
//!    still there, nor one equal to a row the office held when the run last listed before it.
//! 2. No row someone else wrote is overwritten or deleted outside the window the docs state:
//!    a run's update or delete of a row follows a read of that row, and the row as that read
//!    found it is the row as the run's plan found it. (A change made after that read, before
//!    the write lands, is inside the window: Open Dental has no conditional write.)
//! 3. Once the faults and the others stop, one reconcile settles what they left, and the next
//!    writes nothing.
//! 4. No panic, and no call past [`CALL_BOUND`].
//! 5. The report tells the truth: a write it calls done is in the office's log as that run's;
//!    a write it calls failed with a known outcome, skipped or in conflict is not.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use benefits_sdk::mock::{LoggedRequest, OfficeWrite, WriteKind, Writer};
use benefits_sdk::opendental::{Benefit, BenefitNum, Write};

use crate::history::{CALL_BOUND, History};
use crate::play::{Outcome, Played, Run};

const BENEFITS: &str = "/api/v1/benefits";

/// Every invariant a played history breaks, in words.
pub fn check(history: &History, played: &Played) -> Vec<String> {
    let mut broken = Vec::new();
    let runs: Vec<&Run> = played
        .runs
        .iter()
        .chain([&played.settling, &played.last])
        .collect();
    for run in &runs {
        no_create_twice(played, &run.agent, &mut broken);
        nothing_overwritten(played, &run.agent, &mut broken);
        truthful(played, run, &mut broken);
        if matches!(run.outcome, Outcome::Hung) {
            broken.push(format!("4: {} took longer than {CALL_BOUND:?}", run.agent));
        }
    }
    if let Some(panic) = &played.panicked {
        broken.push(format!("4: a task panicked: {panic}"));
    }
    converges(history, played, &mut broken);
    broken
}

/// The run a write came from: its `User-Agent`'s first word.
fn agent(writer: &Writer) -> Option<&str> {
    match writer {
        Writer::Api { user_agent } => user_agent.split(' ').next(),
        _ => None,
    }
}

fn requests_of<'a>(played: &'a Played, run: &'a str) -> impl Iterator<Item = &'a LoggedRequest> {
    played
        .requests
        .iter()
        .filter(move |r| r.user_agent.as_deref().and_then(|a| a.split(' ').next()) == Some(run))
}

fn writes_of<'a>(played: &'a Played, run: &'a str) -> impl Iterator<Item = &'a OfficeWrite> {
    played
        .writes
        .iter()
        .filter(move |w| agent(&w.by) == Some(run))
}

/// A row's content: everything but its key and dates.
fn content(row: &Benefit) -> Benefit {
    let mut row = row.clone();
    row.benefit_num = BenefitNum::new(0);
    row.sec_date_t_entry = None;
    row.sec_date_t_edit = None;
    row
}

/// The office's rows at `at`, replayed from its write log.
fn rows_at(writes: &[OfficeWrite], at: Instant) -> BTreeMap<BenefitNum, Benefit> {
    let mut rows = BTreeMap::new();
    for w in writes.iter().filter(|w| w.at <= at) {
        match &w.after {
            Some(row) => rows.insert(row.benefit_num, row.clone()),
            None => rows.remove(&w.benefit_num()),
        };
    }
    rows
}

/// Whether the office held row `num` at some moment before `at`.
fn existed_before(played: &Played, num: BenefitNum, at: Instant) -> bool {
    played
        .writes
        .iter()
        .any(|w| w.at <= at && w.after.as_ref().is_some_and(|r| r.benefit_num == num))
}

fn is_listing(r: &LoggedRequest) -> bool {
    r.method == "GET" && r.path == BENEFITS && r.status == 200
}

fn no_create_twice(played: &Played, run: &str, broken: &mut Vec<String>) {
    let inserts: Vec<&OfficeWrite> = writes_of(played, run)
        .filter(|w| w.kind == WriteKind::Insert)
        .collect();
    for (i, a) in inserts.iter().enumerate() {
        let a_row = a.after.as_ref().expect("an insert has its row");
        // The same row again while the first is still there (one deleted by someone before
        // the run's check is gone: sending it again is right).
        let held = rows_at(&played.writes, a.at);
        let twice = inserts[..i].iter().any(|b| {
            b.after.as_ref().map(content) == Some(content(a_row))
                && held.contains_key(&b.benefit_num())
        });
        if twice {
            broken.push(format!("1: {run} inserted row {} twice", a_row.benefit_num));
        }
        let read = requests_of(played, run)
            .filter(|r| is_listing(r) && r.at < a.at)
            .map(|r| r.at)
            .max();
        if let Some(read) = read {
            let held = rows_at(&played.writes, read);
            if let Some(twin) = held.values().find(|r| content(r) == content(a_row)) {
                broken.push(format!(
                    "1: {run} inserted row {}, a twin of row {} it had listed",
                    a_row.benefit_num, twin.benefit_num
                ));
            }
        }
    }
}

/// When the run's plan read the rows: the last of its first listings (a listing whose answer
/// the client gave up on is sent again, so the last one sent before any other request of the
/// run's is the one it planned from).
fn plan_read(played: &Played, run: &str) -> Option<Instant> {
    let benefits: Vec<&LoggedRequest> = requests_of(played, run)
        .filter(|r| r.path.starts_with(BENEFITS))
        .collect();
    let first = benefits
        .iter()
        .position(|r| r.method == "GET" && r.path == BENEFITS)?;
    benefits[first..]
        .iter()
        .take_while(|r| r.method == "GET" && r.path == BENEFITS)
        .filter(|r| r.status == 200)
        .map(|r| r.at)
        .last()
}

fn nothing_overwritten(played: &Played, run: &str, broken: &mut Vec<String>) {
    let Some(plan) = plan_read(played, run) else {
        return;
    };
    let written: BTreeSet<BenefitNum> = writes_of(played, run)
        .filter(|w| w.kind != WriteKind::Insert)
        .map(OfficeWrite::benefit_num)
        .collect();
    for num in written {
        let path = format!("{BENEFITS}/{num}");
        let sent = requests_of(played, run)
            .filter(|r| (r.method == "PUT" || r.method == "DELETE") && r.path == path)
            .map(|r| r.at)
            .min();
        let Some(sent) = sent else {
            broken.push(format!("2: {run} wrote row {num} with no request for it"));
            continue;
        };
        let read = requests_of(played, run)
            .filter(|r| r.at < sent && r.status == 200)
            .filter(|r| r.method == "GET" && (r.path == path || r.path == BENEFITS))
            .map(|r| r.at)
            .max();
        let Some(read) = read else {
            broken.push(format!("2: {run} wrote row {num} without reading it first"));
            continue;
        };
        let planned = rows_at(&played.writes, plan).remove(&num);
        let found = rows_at(&played.writes, read).remove(&num);
        if planned != found {
            broken.push(format!(
                "2: {run} wrote row {num}, which someone changed after its plan and before its \
                 read: {planned:?} then {found:?}"
            ));
        }
    }
}

fn converges(history: &History, played: &Played, broken: &mut Vec<String>) {
    if !matches!(played.settling.outcome, Outcome::Applied(_)) {
        broken.push(format!(
            "3: the reconcile after the faults did not apply: {}",
            played.settling.outcome
        ));
    }
    match &played.last.outcome {
        Outcome::Applied(applied) if applied.0.writes() == 0 => {}
        Outcome::Applied(applied) => broken.push(format!(
            "3: the reconcile after that planned {} writes (desired {:?}); the one before \
             {}; the plan:\n{}",
            applied.0.writes(),
            history.desired,
            played.settling.outcome,
            applied.0
        )),
        other => broken.push(format!("3: the last reconcile did not apply: {other}")),
    }
    if writes_of(played, &played.last.agent).next().is_some() {
        broken.push("3: the last reconcile wrote".to_owned());
    }
}

fn truthful(played: &Played, run: &Run, broken: &mut Vec<String>) {
    let name = &run.agent;
    let by_kind = |kind: WriteKind| -> Vec<BenefitNum> {
        writes_of(played, name)
            .filter(|w| w.kind == kind)
            .map(OfficeWrite::benefit_num)
            .collect()
    };
    let (inserts, updates, deletes) = (
        by_kind(WriteKind::Insert),
        by_kind(WriteKind::Update),
        by_kind(WriteKind::Delete),
    );
    let report = match &run.outcome {
        Outcome::Applied(applied) => &applied.1,
        Outcome::Refused(_) => {
            if writes_of(played, name).next().is_some() {
                broken.push(format!("5: {name} refused to apply, yet wrote"));
            }
            return;
        }
        Outcome::Cancelled | Outcome::Hung => return,
    };
    let put_accepted = |num: BenefitNum| {
        let path = format!("{BENEFITS}/{num}");
        requests_of(played, name).any(|r| r.method == "PUT" && r.path == path && r.status == 200)
    };
    let mut created = 0;
    for (write, num) in &report.done {
        let landed = match write {
            // The run's row, or one someone else made while its outcome was unknown, which
            // apply found holding the create.
            Write::Create(_) => {
                created += 1;
                inserts.contains(num) || existed_before(played, *num, run.ended.into_std())
            }
            Write::Update { .. } => updates.contains(num) || put_accepted(*num),
            // Gone: by this run, or by someone while its retry was on the way (the transport
            // takes a 404 after an attempt that may have landed as that attempt's).
            Write::Delete(_) => {
                deletes.contains(num)
                    || !rows_at(&played.writes, run.ended.into_std()).contains_key(num)
            }
            _ => true,
        };
        if !landed {
            broken.push(format!(
                "5: {name} reported {write:?} done as row {num}, not in the office"
            ));
        }
    }
    let unknown_creates = report
        .failed
        .iter()
        .filter(|(w, e)| matches!(w, Write::Create(_)) && e.outcome_unknown())
        .count();
    // A create the run found not landed may have landed and been deleted by someone before
    // its check: what must hold is that the rows it left are the ones it reported.
    let held = rows_at(&played.writes, run.ended.into_std());
    let left = inserts.iter().filter(|n| held.contains_key(n)).count();
    if left > created + unknown_creates {
        broken.push(format!(
            "5: {name} left {left} rows it inserted, but reported {created} creates done and \
             {unknown_creates} that may have landed"
        ));
    }
    let not_written = report
        .failed
        .iter()
        .filter(|(_, e)| !e.outcome_unknown())
        .map(|(w, _)| w)
        .chain(report.skipped.iter().map(|(w, _)| w))
        .chain(report.conflicts.iter().map(|(w, _)| w));
    for write in not_written {
        let wrote = match write {
            Write::Update { benefit_num, .. } => updates.contains(benefit_num),
            Write::Delete(num) => deletes.contains(num),
            _ => false,
        };
        if wrote {
            broken.push(format!(
                "5: {name} reported {write:?} not written, but it landed"
            ));
        }
    }
}
