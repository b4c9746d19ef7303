//! What an apply is told ([`ApplyOptions`]) and what it tells ([`ApplyReport`]): its writes,
//! and what came of each.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::opendental::meaning::shape::BenefitShape;
use crate::opendental::model::benefit::BenefitNum;

/// What apply does after a write fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnError {
    /// Stop: the writes after it are reported as skipped (the default: a failure often means
    /// the next writes would fail too, and each costs a throttle slot).
    #[default]
    Stop,
    /// Go on with the other writes.
    Continue,
}

/// Where an apply stands, after each write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Writes handled so far (done, skipped, in conflict or failed).
    pub handled: usize,
    /// Writes in the plan.
    pub total: usize,
    /// Time since apply started.
    pub elapsed: Duration,
    /// The time left at the pace so far.
    pub eta: Duration,
}

/// A callback that watches an apply.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// How long apply waits, from the end of the attempt that may have landed (its answer or its
/// timeout), before it reads again to see whether a write with an unknown outcome landed:
/// Open Dental's own 60 s limit on a request (`opendental-notes.md`, API modes), plus 5 s. A
/// write the office has not stored by then never will be, so sending it again cannot make a
/// second row or land late over someone's edit.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(65);

/// The longest settle time apply waits ([`ApplyOptions::settle`]): ten minutes, far past any
/// office's limit on a request.
pub const MAX_SETTLE: Duration = Duration::from_secs(600);

/// How apply runs: what to do after a failure, who watches, and how long a create with an
/// unknown outcome is given to land.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// Stop at the first failure, or go on.
    pub on_error: OnError,
    /// Called after each write, enough for a progress bar with an ETA.
    pub progress: Option<ProgressFn>,
    /// How long after the attempt of a create whose outcome is unknown ended apply waits
    /// before it lists to check (default [`DEFAULT_SETTLE`], at most [`MAX_SETTLE`]).
    pub settle: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            on_error: OnError::default(),
            progress: None,
            settle: DEFAULT_SETTLE,
        }
    }
}

impl fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("on_error", &self.on_error)
            .field("progress", &self.progress.is_some())
            .field("settle", &self.settle)
            .finish()
    }
}

impl ApplyOptions {
    /// Stop at the first failure; no progress callback.
    pub fn new() -> Self {
        Self::default()
    }

    /// What to do after a failure.
    pub fn on_error(mut self, on_error: OnError) -> Self {
        self.on_error = on_error;
        self
    }

    /// How long after the attempt of a write whose outcome is unknown (a timeout, a gateway
    /// 5xx, an unreadable answer) ended apply waits before reading again to see whether it
    /// landed. Shorter than the office's own 60 s request limit, a create that lands late can
    /// be sent twice, and a delete sent again; the default, [`DEFAULT_SETTLE`], outlasts it. At most [`MAX_SETTLE`] (a larger
    /// value is taken as it).
    pub fn settle(mut self, settle: Duration) -> Self {
        self.settle = settle.min(MAX_SETTLE);
        self
    }

    /// Calls `progress` after each write.
    pub fn progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

/// One write of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Write {
    /// Create a row with this shape.
    Create(BenefitShape),
    /// Update a row to this shape.
    Update {
        /// The row.
        benefit_num: BenefitNum,
        /// What it should mean.
        after: BenefitShape,
    },
    /// Delete a row.
    Delete(BenefitNum),
}

/// Why a write was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// The office already says it: an earlier apply, or someone else, wrote it.
    AlreadyDone,
    /// An earlier write failed and the apply stopped ([`OnError::Stop`]).
    Stopped,
    /// The apply's owner lock could not be renewed, so it may be someone else's: no write
    /// followed ([`BenefitsClientBuilder::apply_lock`](crate::opendental::BenefitsClientBuilder::apply_lock)).
    LockLost,
}

/// Why a write was refused to protect someone else's change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConflictKind {
    /// The row was edited since the plan was made (its `SecDateTEdit` moved or its content
    /// changed).
    Edited,
    /// The row to update was deleted since.
    Deleted,
    /// A row that was not there when the plan was made now holds the slot, with other values.
    SlotTaken,
}

/// The result of an apply, write by write.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ApplyReport {
    /// Writes that landed, with the row each wrote.
    pub done: Vec<(Write, BenefitNum)>,
    /// Writes not sent, and why.
    pub skipped: Vec<(Write, SkipReason)>,
    /// Writes refused because the row moved since the plan, and how.
    pub conflicts: Vec<(Write, ConflictKind)>,
    /// Writes that failed, with their errors. A failed create's error says whether it may
    /// have landed ([`Error::outcome_unknown`]): it did not, if apply could check.
    pub failed: Vec<(Write, Error)>,
}

impl ApplyReport {
    /// The report of an apply's ledger: each write by how it ended.
    pub(super) fn from_ledger(ledger: Vec<(Write, super::run::End)>) -> Self {
        use super::run::End;
        let mut report = ApplyReport::default();
        for (write, end) in ledger {
            match end {
                End::Done(num) => report.done.push((write, num)),
                End::Skipped(why) => report.skipped.push((write, why)),
                End::Conflict(kind) => report.conflicts.push((write, kind)),
                End::Failed(e) => report.failed.push((write, e)),
            }
        }
        report
    }

    /// True when every write landed or was already done.
    pub fn is_complete(&self) -> bool {
        self.conflicts.is_empty()
            && self.failed.is_empty()
            && self
                .skipped
                .iter()
                .all(|(_, why)| *why == SkipReason::AlreadyDone)
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} done, {} skipped, {} in conflict, {} failed",
            self.done.len(),
            self.skipped.len(),
            self.conflicts.len(),
            self.failed.len()
        )
    }
}
