//! How each planned write of an apply ends: the one file to read for it.
//!
//! A write moves through named stages. It is **planned**; it is judged on the rows apply
//! started from (no request when that settles it), then on a read made just before it is sent
//! (a `GET` of the row for an update or a delete, a listing of the owner for a create); it is
//! **sent** in one attempt, whatever the client's retry policy, with the owner's lock checked
//! first; the office's answer makes it **landed**, **failed** (it provably did not land),
//! **never received** (a 429 or a connection that never opened: read again after its wait,
//! and sent again if still due) or **unknown** (it may have). An unknown write is **checked**
//! by reading again once the settle time has passed since its attempt ended, when it has
//! landed or never will:
//! - a create ends landed (a new row is it, as stored), unproven (a new row in its slot with
//!   other values, or a new row elsewhere: either may be the create's, so it stays unknown and
//!   is never sent again), or not landed (no new row at all) and goes again on that listing;
//! - a delete ends landed (the row is gone), or not landed (the row is there: a BenefitNum
//!   never comes back), and goes again on that read if nobody changed the row;
//! - an update ends landed (the row holds it), or stays unknown and is never sent again:
//!   `SecDateTEdit` keeps whole seconds, so an edit that undid it in the second it landed
//!   leaves the row looking untouched. The next reconcile plans it again on a new listing.
//!
//! So every send follows a read made just before it, and nothing is sent again until the
//! earlier send provably did not land. Each write's end ([`End`]) goes into the ledger in
//! that order, and the report is the ledger.
//!
//! Nothing else is kept between writes: the listing apply started from never changes, and a
//! listing is reused only by the create that comes right after it with no request between.

use std::time::Duration;

use tokio::time::Instant;

use super::report::{
    ApplyOptions, ApplyReport, ConflictKind, MAX_SETTLE, OnError, Progress, SkipReason, Write,
};
use crate::error::Error;
use crate::http::throttle::Backoff;
use crate::opendental::BenefitsClient;
use crate::opendental::client::lock::Lease;
use crate::opendental::meaning::shape::BenefitShape;
use crate::opendental::model::benefit::{Benefit, BenefitNum};
use crate::opendental::model::request::{BenefitFilter, BenefitYear};
use crate::opendental::sync::changeset::{Changeset, PlannedRow, PlannedUpdate};

/// How many times apply sends a write whose earlier sends provably did not land (refused by a
/// 429, never connected, or checked after an unknown outcome): each send after a fresh read.
const SENDS: u32 = 4;

/// How a write ended: what the report says of it.
pub(super) enum End {
    /// It landed: this row holds it.
    Done(BenefitNum),
    /// It was not sent.
    Skipped(SkipReason),
    /// It was not sent, to keep someone else's change.
    Conflict(ConflictKind),
    /// It failed; the error says whether it may have landed.
    Failed(Error),
}

/// What became of one send.
enum Sent {
    /// The office answered that it stored it.
    Landed(BenefitNum),
    /// It never reached the office and may go again (a 429, a connection that never opened).
    NeverReceived(Error),
    /// It provably did not land: refused.
    Failed(Error),
    /// It may have landed; the attempt that may have ended at `ended` (its answer or its
    /// timeout), and the office stores nothing later than its own limit after that.
    Unknown { error: Error, ended: Instant },
}

impl From<Result<BenefitNum, Error>> for Sent {
    /// What an attempt's answer says of the write: the one place a write's error is sorted.
    fn from(sent: Result<BenefitNum, Error>) -> Self {
        match sent {
            Ok(num) => Sent::Landed(num),
            Err(e) if e.outcome_unknown() => Sent::Unknown {
                error: e,
                ended: Instant::now(),
            },
            Err(e) if e.is_retryable() => Sent::NeverReceived(e),
            Err(e) => Sent::Failed(e),
        }
    }
}

/// A planned write to a row that exists: an update or a delete.
enum RowWrite<'p> {
    Update(&'p PlannedUpdate),
    Delete(&'p PlannedRow),
}

impl RowWrite<'_> {
    fn num(&self) -> BenefitNum {
        match self {
            RowWrite::Update(u) => u.row.benefit_num,
            RowWrite::Delete(r) => r.benefit_num,
        }
    }

    fn is_delete(&self) -> bool {
        matches!(self, RowWrite::Delete(_))
    }

    /// The row as planned, before the write.
    fn planned(&self) -> &PlannedRow {
        match self {
            RowWrite::Update(u) => &u.row,
            RowWrite::Delete(r) => r,
        }
    }

    /// Why the write is not sent, judged on the row as known (`None`: send it).
    fn judge(&self, row: Option<&Benefit>, year: Option<BenefitYear>) -> Option<End> {
        let row = match (self, row) {
            (RowWrite::Update(_), None) => return Some(End::Conflict(ConflictKind::Deleted)),
            (RowWrite::Delete(_), None) => return Some(End::Skipped(SkipReason::AlreadyDone)),
            (_, Some(row)) => row,
        };
        if self.landed_in(Some(row), year) {
            Some(End::Skipped(SkipReason::AlreadyDone))
        } else if !self.untouched_in(Some(row)) {
            Some(End::Conflict(ConflictKind::Edited))
        } else {
            None
        }
    }

    /// Whether the office holds what the write makes: the update's values, or no row.
    fn landed_in(&self, row: Option<&Benefit>, year: Option<BenefitYear>) -> bool {
        match (self, row) {
            (RowWrite::Update(u), Some(row)) => row.holds(&u.after, year),
            (RowWrite::Update(_), None) => false,
            (RowWrite::Delete(_), row) => row.is_none(),
        }
    }

    /// Whether the row is still as planned: nobody, the write included, has changed it.
    fn untouched_in(&self, row: Option<&Benefit>) -> bool {
        row.is_some_and(|row| self.planned().unchanged_in(row))
    }
}

/// What the check after an unknown create found.
enum Checked {
    /// A new row is the create, as stored.
    Landed(BenefitNum),
    /// A new row of the owner that is not the create as stored, in its slot or elsewhere: it
    /// may be the create's, edited or moved by someone since, so nothing is sent again and the
    /// outcome stays unknown.
    Unproven,
    /// No new row at all: the create never landed and never will.
    NotLanded,
}

/// One apply as it goes.
pub(super) struct Run<'a> {
    pub(super) client: &'a BenefitsClient,
    /// The owner's lock: no write once it is lost.
    pub(super) lease: &'a Lease,
    pub(super) plan: &'a Changeset,
    pub(super) options: &'a ApplyOptions,
    /// The owner's rows as listed when apply started. Never changed: a write judged not to
    /// be sent on them is not sent; any write that is sent is judged again on a fresh read.
    pub(super) listed: Vec<Benefit>,
    /// A listing of the owner that no request has followed yet, for the next create.
    pub(super) fresh: Option<Vec<Benefit>>,
    /// How each write ended, in the order they ended.
    pub(super) ledger: Vec<(Write, End)>,
    pub(super) started: Instant,
}

impl<'a> Run<'a> {
    /// A run of `plan` from the rows listed just now.
    pub(super) fn new(
        client: &'a BenefitsClient,
        lease: &'a Lease,
        plan: &'a Changeset,
        options: &'a ApplyOptions,
        listed: Vec<Benefit>,
    ) -> Self {
        Run {
            client,
            lease,
            plan,
            options,
            fresh: Some(listed.clone()),
            listed,
            ledger: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Updates, then creates, then deletes; the report is the ledger.
    pub(super) async fn all(mut self) -> ApplyReport {
        for u in &self.plan.updates {
            let end = self.update(u).await;
            let write = Write::Update {
                benefit_num: u.row.benefit_num,
                after: u.after.clone(),
            };
            self.record(write, end);
        }
        for shape in &self.plan.creates {
            let end = self.create(shape).await;
            self.record(Write::Create(shape.clone()), end);
        }
        for r in &self.plan.deletes {
            let end = self.delete(r).await;
            self.record(Write::Delete(r.benefit_num), end);
        }
        ApplyReport::from_ledger(self.ledger)
    }

    /// Why no more writes may be sent, if none may: the lock is lost, or an earlier write
    /// failed and the apply stops.
    fn halted(&self) -> Option<SkipReason> {
        let failed = self
            .ledger
            .iter()
            .any(|(_, end)| matches!(end, End::Failed(_)));
        if self.lease.lost() {
            Some(SkipReason::LockLost)
        } else if failed && self.options.on_error == OnError::Stop {
            Some(SkipReason::Stopped)
        } else {
            None
        }
    }

    fn record(&mut self, write: Write, end: End) {
        self.ledger.push((write, end));
        if let Some(progress) = &self.options.progress {
            let (handled, total) = (self.ledger.len(), self.plan.writes());
            let elapsed = self.started.elapsed();
            let left = u32::try_from(total - handled).unwrap_or(u32::MAX);
            let eta = (elapsed / u32::try_from(handled).unwrap_or(u32::MAX)).saturating_mul(left);
            progress(Progress {
                handled,
                total,
                elapsed,
                eta,
            });
        }
    }

    // ---- updates and deletes: judged on the listing, then on the row read again ----

    async fn update(&mut self, planned: &PlannedUpdate) -> End {
        self.write_row(RowWrite::Update(planned)).await
    }

    async fn delete(&mut self, planned: &PlannedRow) -> End {
        self.write_row(RowWrite::Delete(planned)).await
    }

    /// An update or a delete: judged on the listing, then on the row read just before each
    /// send; sent in one attempt. One that never reached the office goes again after its wait
    /// and a new read. One that may have landed is checked by reading the row once the settle
    /// time has passed: it is done if the office holds it; a delete whose row is still there
    /// provably did not land (a BenefitNum never comes back) and goes again if the row is
    /// untouched; an update whose values are not there is never sent again. `SecDateTEdit`
    /// keeps whole seconds, so a row that looks untouched may hold an edit that undid the
    /// update in the second it landed: only the next reconcile, planned on a new listing,
    /// writes it again.
    async fn write_row(&mut self, write: RowWrite<'_>) -> End {
        let year = self.plan.benefit_year;
        if let Some(end) = self.halted().map(End::Skipped) {
            return end;
        }
        if let Some(end) = write.judge(row_in(&self.listed, write.num()), year) {
            return end;
        }
        // The error of the last send, which provably did not land; `None` before the first.
        let mut earlier: Option<Error> = None;
        // A read of the row that no request has followed yet.
        let mut known: Option<Option<Benefit>> = None;
        for send in 1..=SENDS {
            let row = match known.take() {
                Some(row) => row,
                None => match self.read(write.num()).await {
                    Ok(row) => row,
                    Err(e) => return End::Failed(e),
                },
            };
            if let Some(end) = write.judge(row.as_ref(), year) {
                return after_sends(end, earlier, write.num());
            }
            if let Some(why) = self.halted() {
                return earlier.map_or(End::Skipped(why), End::Failed);
            }
            let (error, ended) = match self.send_row(&write).await {
                Sent::Landed(num) => return End::Done(num),
                Sent::NeverReceived(e) if send < SENDS => {
                    tokio::time::sleep(resend_wait(&e, send)).await;
                    earlier = Some(e);
                    continue;
                }
                // Gone before the delete reached it: the row is not in the office, which is
                // what the delete is for.
                Sent::Failed(e) if write.is_delete() && e.is_not_found() => {
                    return End::Done(write.num());
                }
                Sent::NeverReceived(e) | Sent::Failed(e) => return End::Failed(e),
                Sent::Unknown { error, ended } => (error, ended),
            };
            tokio::time::sleep_until(settled(ended, self.options.settle.min(MAX_SETTLE))).await;
            let after = match self.read(write.num()).await {
                Ok(row) => row,
                Err(_) => return End::Failed(error),
            };
            if write.landed_in(after.as_ref(), year) {
                return End::Done(write.num());
            }
            match write {
                // Still there after the settle time: the delete never landed and never will.
                RowWrite::Delete(_) if write.untouched_in(after.as_ref()) => {
                    earlier = Some(error.known_not_landed());
                    known = Some(after);
                }
                RowWrite::Delete(_) => return End::Failed(error.known_not_landed()),
                // It may have landed and been undone within its second: never sent again.
                RowWrite::Update(_) => return End::Failed(error),
            }
        }
        End::Failed(earlier.expect("every send that returns here failed"))
    }

    /// Sends an update or a delete in one attempt, the owner's lock checked first.
    async fn send_row(&mut self, write: &RowWrite<'_>) -> Sent {
        self.fresh = None;
        let num = write.num();
        let sent = match write {
            RowWrite::Update(planned) => {
                let update = planned.update(self.plan.owner);
                let sent = self.lease.guard(self.client.update_once(num, &update));
                sent.await.map(drop)
            }
            RowWrite::Delete(_) => self.lease.guard(self.client.delete_once(num)).await,
        };
        Sent::from(sent.map(|()| num))
    }

    /// The row as the office holds it now, read just before it is written: `GET
    /// /benefits/{BenefitNum}` where the office has it (25.3.7, `od-25-3`), else a listing of
    /// the owner. `None`: it is gone.
    async fn read(&mut self, num: BenefitNum) -> Result<Option<Benefit>, Error> {
        // Any request, answered or not, ends the freshness of the listing before it.
        self.fresh = None;
        #[cfg(feature = "od-25-3")]
        match self.client.get(num).await {
            Ok(row) => return Ok(Some(row)),
            Err(e) if e.is_not_found() => return Ok(None),
            // An office older than 25.3.7, known or answering so: list instead.
            Err(Error::Unsupported(_)) => {}
            Err(e) if e.status().is_some_and(|s| s.as_u16() == 400) => {}
            Err(e) => return Err(e),
        }
        let rows = self.list().await?;
        Ok(row_in(&rows, num).cloned())
    }

    // ---- creates: judged on a listing made just before each attempt ----

    async fn create(&mut self, shape: &BenefitShape) -> End {
        if let Some(end) = self.halted().map(End::Skipped) {
            return end;
        }
        if let Some(end) = self.judge_create(shape, &self.listed) {
            return end;
        }
        let new = shape.to_new_benefit(self.plan.owner);
        // The error of the last send, which provably did not land; `None` before the first.
        let mut earlier: Option<Error> = None;
        for send in 1..=SENDS {
            let before = match self.fresh.take() {
                Some(rows) => rows,
                None => match self.list().await {
                    Ok(rows) => rows,
                    Err(e) => return End::Failed(e),
                },
            };
            // A create already sent is never reported as not sent: once sent, it ends landed,
            // or failed (its error says whether it may have landed).
            if let Some(end) = self.judge_create(shape, &before) {
                return earlier.map_or(end, End::Failed);
            }
            if let Some(why) = self.halted() {
                return earlier.map_or(End::Skipped(why), End::Failed);
            }
            let (error, ended) = match self.send_create(&new).await {
                Sent::Landed(num) => return End::Done(num),
                Sent::NeverReceived(e) if send < SENDS => {
                    tokio::time::sleep(resend_wait(&e, send)).await;
                    earlier = Some(e);
                    continue;
                }
                Sent::NeverReceived(e) | Sent::Failed(e) => return End::Failed(e),
                Sent::Unknown { error, ended } => (error, ended),
            };
            match self.check_create(shape, &before, ended).await {
                Ok(Checked::Landed(num)) => return End::Done(num),
                Ok(Checked::NotLanded) => earlier = Some(error.known_not_landed()),
                // It may have landed (a new row that may be it, or no listing to tell): it
                // stays unknown, and nothing is sent again.
                Ok(Checked::Unproven) | Err(_) => return End::Failed(error),
            }
        }
        End::Failed(earlier.expect("every send that returns here failed"))
    }

    /// Why a create is not sent, judged on the owner's rows (`None`: send it): a row already
    /// is it, or holds its slot with other values.
    fn judge_create(&self, shape: &BenefitShape, rows: &[Benefit]) -> Option<End> {
        let year = self.plan.benefit_year;
        let mut holders = rows.iter().filter(|r| r.shape().same_slot(shape));
        let holder = holders.next()?;
        if holder.holds(shape, year) || holders.any(|r| r.holds(shape, year)) {
            Some(End::Skipped(SkipReason::AlreadyDone))
        } else {
            Some(End::Conflict(ConflictKind::SlotTaken))
        }
    }

    async fn send_create(&mut self, new: &crate::opendental::NewBenefit) -> Sent {
        self.fresh = None;
        let sent = self.lease.guard(self.client.create_once(new)).await;
        Sent::from(sent.map(|row| row.benefit_num))
    }

    /// Whether a create whose outcome is unknown landed: once the settle time has passed
    /// since its attempt ended (the office stores nothing later than its own limit after it
    /// received a request), lists the owner and looks for a row that was not there before.
    async fn check_create(
        &mut self,
        shape: &BenefitShape,
        before: &[Benefit],
        ended: Instant,
    ) -> Result<Checked, Error> {
        tokio::time::sleep_until(settled(ended, self.options.settle.min(MAX_SETTLE))).await;
        let rows = self.list().await?;
        let year = self.plan.benefit_year;
        let new: Vec<&Benefit> = rows
            .iter()
            .filter(|r| row_in(before, r.benefit_num).is_none())
            .collect();
        let checked = match new.iter().find(|r| r.holds(shape, year)) {
            Some(row) => Checked::Landed(row.benefit_num),
            None if !new.is_empty() => Checked::Unproven,
            None => Checked::NotLanded,
        };
        self.fresh = Some(rows);
        Ok(checked)
    }

    /// Lists the owner's rows; the listing stays fresh until the next request.
    async fn list(&mut self) -> Result<Vec<Benefit>, Error> {
        self.fresh = None;
        let rows = self.client.list_all(owner_filter(self.plan)).await?;
        self.fresh = Some(rows.clone());
        Ok(rows)
    }
}

/// When a write whose attempt ended at `ended` has provably landed or never will: `settle`
/// later (saturating: a settle time too large to add waits as long as a timer can).
fn settled(ended: Instant, settle: Duration) -> Instant {
    ended
        .checked_add(settle)
        .unwrap_or_else(|| ended + Duration::from_secs(86_400 * 365))
}

/// How a write judged not to be sent ends: as judged when nothing was sent yet; once a send
/// provably did not land, done if the office holds it all the same (someone else wrote it),
/// else failed with that send's error (a sent write is never reported as not sent).
fn after_sends(judged: End, earlier: Option<Error>, num: BenefitNum) -> End {
    match (earlier, judged) {
        (None, judged) => judged,
        (Some(_), End::Skipped(SkipReason::AlreadyDone)) => End::Done(num),
        (Some(e), _) => End::Failed(e),
    }
}

/// How long to wait before sending again a write that never reached the office: the
/// server's Retry-After (at most [`Backoff::MAX`], the one bound on a server's wait), else
/// 250 ms doubled per send, at most 10 s. (The throttle has already widened the key's spacing
/// after a 429; the listing before the next send waits for it.)
fn resend_wait(error: &Error, send: u32) -> Duration {
    let backoff = Duration::from_millis(250)
        .saturating_mul(1 << send.min(6))
        .min(Duration::from_secs(10));
    error
        .retry_after()
        .map_or(backoff, |asked| asked.min(Backoff::MAX))
}

fn row_in(rows: &[Benefit], num: BenefitNum) -> Option<&Benefit> {
    rows.iter().find(|r| r.benefit_num == num)
}

pub(super) fn owner_filter(plan: &Changeset) -> BenefitFilter {
    match plan.owner {
        crate::opendental::Owner::Plan(p) => BenefitFilter::Plan(p),
        crate::opendental::Owner::PatPlan(p) => BenefitFilter::PatPlan(p),
    }
}
