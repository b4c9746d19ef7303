//! The invariants, read from the office's own logs (what it stored, and when it read or wrote
//! for each request), never with the SDK's predicates: rows are compared field by field.
//!
//! 1. No planned create lands twice: no run inserts a row equal to one it inserted that is
//!    still there; nor one equal to a row the office held, with nobody writing it, throughout
//!    the listing the create was judged on (the run's last before its POST); nor one equal to
//!    a row another run inserted after that listing began that is still as it landed (the
//!    lock outlasts every write its holder sent, so another run's rows landed before it).
//! 2. No row someone else wrote is overwritten or deleted outside the window the docs state:
//!    each send of a run's update or delete comes right after a read of that row (a GET of
//!    the row, the run's request just before it: the plan's listing is no such read), and the
//!    row as that read found it is the row as the run's plan may have found it. (A change
//!    made after that read, before the write lands, is inside the window: Open Dental has no
//!    conditional write.)
//!
//! A listing of several pages is no single read (see [`Span`]): rows are judged on what any
//! moment of it may have returned, so a check never blames a run for a change it could not
//! see.
//! 3. Once the faults and the others stop, one reconcile settles what they left, and the next
//!    writes nothing.
//! 4. No panic, and no call past [`CALL_BOUND`].
//! 5. The report tells the truth: a write it calls done is in the office's log as that run's;
//!    a write it calls failed with a known outcome, skipped or in conflict is not.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use benefits_sdk::mock::{LoggedRequest, OfficeWrite, WriteKind, Writer};
use benefits_sdk::opendental::{Benefit, BenefitNum, Write};

use crate::history::{CALL_BOUND, History, LANDS_WITHIN, SETTLE};
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

/// Why a play says nothing about the SDK, if it does not: the office stored a write more than
/// the settle time after the request that made it came. The fake stores a late write within
/// [`LANDS_WITHIN`] on a timer thread; a machine too loaded to run that thread breaks the
/// limit every check after an unknown outcome waits out (on real offices, Open Dental's own
/// 60 s). Such a play is played again.
///
/// Each API write is paired with the latest request of its run, method and path before it
/// that no earlier write took (a 429 never writes). While every write keeps the limit, that
/// is its own request or a later one (a run sends nothing more to a row before the settle
/// time after a write that may land has passed), so a correct play is never called stalled.
pub fn stalled(played: &Played) -> Option<String> {
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    let mut writes: Vec<&OfficeWrite> = played.writes.iter().collect();
    writes.sort_by_key(|w| w.at);
    for w in writes {
        let Some(run) = agent(&w.by) else {
            continue;
        };
        let (method, path) = match w.kind {
            WriteKind::Insert => ("POST", BENEFITS.to_owned()),
            WriteKind::Update => ("PUT", format!("{BENEFITS}/{}", w.benefit_num())),
            WriteKind::Delete => ("DELETE", format!("{BENEFITS}/{}", w.benefit_num())),
            _ => continue,
        };
        let made_by = played
            .requests
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                !taken.contains(i)
                    && r.status != 429
                    && r.at <= w.at
                    && r.method == method
                    && r.path == path
                    && r.user_agent.as_deref().and_then(|a| a.split(' ').next()) == Some(run)
            })
            .max_by_key(|(_, r)| r.at);
        let Some((i, request)) = made_by else {
            continue;
        };
        taken.insert(i);
        let late = w.at - request.at;
        if late > SETTLE {
            return Some(format!(
                "the office stored {run}'s {method} {path} {late:?} after it came (the fake's \
                 limit is {LANDS_WITHIN:?}): the machine stalled"
            ));
        }
    }
    None
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

/// The run's requests, in the order the office handled them.
fn sorted_requests<'a>(played: &'a Played, run: &'a str) -> Vec<&'a LoggedRequest> {
    let mut requests: Vec<&LoggedRequest> = requests_of(played, run).collect();
    requests.sort_by_key(|r| r.at);
    requests
}

fn is_listing(r: &LoggedRequest) -> bool {
    r.method == "GET" && r.path == BENEFITS
}

/// When a listing read the office: from its first page request to the last page the office
/// answered. A listing of several pages is not one read: a row may be read on its page
/// before or after someone changed it. Its page requests follow one another with no other
/// request of the run between, so each span here is a maximal stretch of listing requests
/// that ends in an answered page (it may hold a listing the client gave up on before the one
/// it used: a wider span only makes the checks below ask less).
#[derive(Debug, Clone, Copy)]
struct Span {
    from: Instant,
    to: Instant,
}

/// The run's listings, in order (see [`Span`]).
fn listings(requests: &[&LoggedRequest]) -> Vec<Span> {
    let mut spans = Vec::new();
    // The stretch of listing requests going on: when it began, and its last answered page.
    let mut open: Option<(Instant, Option<Instant>)> = None;
    for r in requests {
        if !is_listing(r) {
            if let Some((from, Some(to))) = open.take() {
                spans.push(Span { from, to });
            }
            continue;
        }
        let stretch = open.get_or_insert((r.at, None));
        if r.status == 200 {
            stretch.1 = Some(r.at);
        }
    }
    if let Some((from, Some(to))) = open {
        spans.push(Span { from, to });
    }
    spans
}

/// Every version of row `num` a read during `span` may have returned (`None`: no row): the
/// row as it was just before the span began, and as each write during it left it.
fn versions(writes: &[OfficeWrite], num: BenefitNum, span: Span) -> Vec<Option<Benefit>> {
    let mut row = None;
    for w in writes
        .iter()
        .filter(|w| w.at < span.from && w.benefit_num() == num)
    {
        row = w.after.clone();
    }
    let mut out = vec![row];
    out.extend(
        writes
            .iter()
            .filter(|w| w.at >= span.from && w.at <= span.to && w.benefit_num() == num)
            .map(|w| w.after.clone()),
    );
    out
}

/// A row of content `wanted` that the office held, with nobody writing it, throughout `span`:
/// a listing made in that span returned it as it is (a listing returns every row that was
/// there throughout).
fn held_throughout<'a>(
    writes: &'a [OfficeWrite],
    span: Span,
    wanted: &Benefit,
) -> Option<&'a Benefit> {
    let mut rows: BTreeMap<BenefitNum, &Benefit> = BTreeMap::new();
    for w in writes.iter().filter(|w| w.at < span.from) {
        match &w.after {
            Some(row) => rows.insert(row.benefit_num, row),
            None => rows.remove(&w.benefit_num()),
        };
    }
    rows.into_values().find(|row| {
        content(row) == *wanted
            && !writes
                .iter()
                .any(|w| w.benefit_num() == row.benefit_num && w.at >= span.from && w.at <= span.to)
    })
}

fn no_create_twice(played: &Played, run: &str, broken: &mut Vec<String>) {
    let inserts: Vec<&OfficeWrite> = writes_of(played, run)
        .filter(|w| w.kind == WriteKind::Insert)
        .collect();
    let requests = sorted_requests(played, run);
    let spans = listings(&requests);
    for (i, a) in inserts.iter().enumerate() {
        let a_row = a.after.as_ref().expect("an insert has its row");
        let wanted = content(a_row);
        // The same row again while the first is still there (one deleted by someone before
        // the run's check is gone: sending it again is right).
        let held = rows_at(&played.writes, a.at);
        let twice = inserts[..i].iter().any(|b| {
            b.after.as_ref().map(content).as_ref() == Some(&wanted)
                && held.contains_key(&b.benefit_num())
        });
        if twice {
            broken.push(format!("1: {run} inserted row {} twice", a_row.benefit_num));
        }
        // The POST it came from (the office stamps a request before the write it makes), and
        // the listing the create was judged on, made before that POST.
        let posted = requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == BENEFITS && r.at <= a.at)
            .map(|r| r.at)
            .max();
        let listed = posted.and_then(|p| spans.iter().rev().find(|s| s.to < p).copied());
        let Some(listed) = listed else {
            broken.push(format!(
                "1: {run} inserted row {} with no listing before its POST",
                a_row.benefit_num
            ));
            continue;
        };
        if let Some(twin) = held_throughout(&played.writes, listed, &wanted) {
            broken.push(format!(
                "1: {run} inserted row {}, a twin of row {} it had listed",
                a_row.benefit_num, twin.benefit_num
            ));
        }
        // Another run's insert of the same row that landed once this listing had begun, and
        // is still there as it landed: two runs wrote under one lock (the lock's lifetime
        // outlasts any write its holder sent, so another run's landed before the lock was
        // this run's, before its first listing).
        let other = played.writes.iter().find(|b| {
            b.kind == WriteKind::Insert
                && b.at >= listed.from
                && b.at < a.at
                && agent(&b.by).is_some_and(|other| other != run)
                && b.after.as_ref().map(content).as_ref() == Some(&wanted)
                && held.get(&b.benefit_num()).map(content).as_ref() == Some(&wanted)
        });
        if let Some(b) = other {
            broken.push(format!(
                "1: {run} inserted row {}, a twin of row {} that {} inserted after {run} had \
                 begun the listing it created on",
                a_row.benefit_num,
                b.benefit_num(),
                agent(&b.by).unwrap_or_default()
            ));
        }
    }
}

fn nothing_overwritten(played: &Played, run: &str, broken: &mut Vec<String>) {
    let requests = sorted_requests(played, run);
    // The plan's listing: the run's first (with the tries the client gave up on before it).
    let Some(&plan) = listings(&requests).first() else {
        return;
    };
    let written: BTreeSet<BenefitNum> = writes_of(played, run)
        .filter(|w| w.kind != WriteKind::Insert)
        .map(OfficeWrite::benefit_num)
        .collect();
    for num in written {
        let path = format!("{BENEFITS}/{num}");
        let planned = versions(&played.writes, num, plan);
        let mut sends = requests
            .iter()
            .enumerate()
            .filter(|(_, r)| (r.method == "PUT" || r.method == "DELETE") && r.path == path)
            .peekable();
        if sends.peek().is_none() {
            broken.push(format!("2: {run} wrote row {num} with no request for it"));
        }
        for (i, sent) in sends {
            // Every send follows a read of its row, with no request of the run between (the
            // plan's listing is no such read: a send sent on it alone could write over any
            // edit made since).
            let read = i
                .checked_sub(1)
                .map(|j| requests[j])
                .filter(|r| r.method == "GET" && r.path == path && r.status == 200);
            let Some(read) = read else {
                broken.push(format!(
                    "2: {run} sent {} of row {num} without reading it just before",
                    sent.method
                ));
                continue;
            };
            let found = rows_at(&played.writes, read.at).remove(&num);
            if !planned.contains(&found) {
                broken.push(format!(
                    "2: {run} sent {} of row {num}, which someone changed after its plan and \
                     before its read: {planned:?} then {found:?}",
                    sent.method
                ));
            }
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
