//! Keeping a plan's benefits in step with what they should be: diff → [`ChangePlan`] → apply.
//!
//! A reconcile reads the owner's rows, matches each desired [`BenefitShape`] to the row that
//! holds its slot ([`BenefitShape::same_slot`]), and writes only the difference: a create for
//! a slot nobody holds, an update carrying only the changed fields, and, when asked, a delete
//! for a row no desired benefit matches. Two rows in one slot, or two desired benefits for one
//! slot, are reported as ambiguities and never guessed at.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::BenefitsClient;
use super::apply_lock::Lease;
use super::model::{Benefit, BenefitNum};
use super::patch::Patch;
use super::request::{BenefitFilter, BenefitUpdate, BenefitYear, NewBenefit, Owner};
use super::shape::{BenefitShape, Scope};
use super::summary::{self, Names};
use super::wire;
use crate::error::{Error, Violations};

/// How a plan is made: whether rows no desired benefit matches are deleted, and the benefit
/// year for shapes that leave it to the plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Delete rows no desired benefit matches (default: keep them, listed as `kept`).
    pub deletes: bool,
    /// The owner's benefit year. Unset: read from the plan's `MonthRenew`
    /// ([`BenefitsClient::ins_plan`], one cached request) when a desired shape needs it.
    /// Required for a patient-plan owner with such shapes: there is no lookup by PatPlanNum.
    pub benefit_year: Option<BenefitYear>,
}

impl PlanOptions {
    /// Keep unmatched rows; read the benefit year from the plan when needed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Delete rows no desired benefit matches, or keep them.
    pub fn deletes(mut self, deletes: bool) -> Self {
        self.deletes = deletes;
        self
    }

    /// The owner's benefit year, for shapes that leave it to the plan.
    pub fn benefit_year(mut self, year: BenefitYear) -> Self {
        self.benefit_year = Some(year);
        self
    }
}

/// A row as it stood when the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlannedRow {
    /// The row's key.
    pub benefit_num: BenefitNum,
    /// When it was last edited; apply refuses to write over a row edited since.
    #[serde(with = "wire::datetime")]
    pub sec_date_t_edit: Option<NaiveDateTime>,
    /// What it meant.
    pub shape: BenefitShape,
}

impl PlannedRow {
    fn of(row: &Benefit) -> Self {
        PlannedRow {
            benefit_num: row.benefit_num,
            sec_date_t_edit: row.sec_date_t_edit,
            shape: row.shape(),
        }
    }

    /// True when `row` is this row as it was planned: same edit time, same meaning.
    fn unchanged_in(&self, row: &Benefit) -> bool {
        row.sec_date_t_edit == self.sec_date_t_edit && row.shape() == self.shape
    }
}

/// An update of one row, from what it means to what it should.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlannedUpdate {
    /// The row as planned.
    pub row: PlannedRow,
    /// What it should mean.
    pub after: BenefitShape,
}

impl PlannedUpdate {
    /// The `PUT` body: only the fields that differ between the two shapes. A code scope that
    /// names the same code (by key or text) is left alone.
    pub fn update(&self, owner: Owner) -> BenefitUpdate {
        diff(&self.row.shape, &self.after, owner)
    }
}

/// A slot more than one row, or more than one desired benefit, claims. Never guessed at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ambiguity {
    /// The desired benefits for the slot.
    pub desired: Vec<BenefitShape>,
    /// The rows that hold it.
    pub rows: Vec<PlannedRow>,
}

/// What a reconcile will write, made without writing anything
/// ([`BenefitsClient::plan_changes`]). Review it (its `Display` is a diff a person approves),
/// store it (it is `Serialize` + `Deserialize`), and run it with [`BenefitsClient::apply`].
///
/// Plan-level rows are shared by every subscriber of the plan: a change to them changes every
/// patient on it. A patient-plan owner's rows override the plan's for one patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChangePlan {
    /// Whose rows.
    pub owner: Owner,
    /// The owner's benefit year the plan was made with, when known: the office stores some
    /// shapes by it (see [`BenefitShape::as_stored`]), and apply judges rows with it.
    #[serde(default)]
    pub benefit_year: Option<BenefitYear>,
    /// Benefits to create, in the order they were desired.
    pub creates: Vec<BenefitShape>,
    /// Rows to update in place.
    pub updates: Vec<PlannedUpdate>,
    /// Rows that already say what they should.
    pub unchanged: Vec<PlannedRow>,
    /// Rows no desired benefit matches, left alone because deletes were off.
    pub kept: Vec<PlannedRow>,
    /// Rows no desired benefit matches, to delete.
    pub deletes: Vec<PlannedRow>,
    /// Slots claimed twice; nothing is written for them.
    pub ambiguities: Vec<Ambiguity>,
}

impl ChangePlan {
    /// The plan that takes `current` (the owner's rows) to `desired`. Pure: no request.
    ///
    /// Each desired shape is planned as the office will store it
    /// ([`BenefitShape::as_stored`] with `options.benefit_year`), so a row the office
    /// normalized matches it and no write repeats on every run. Without a year, every desired
    /// shape must state its own (see [`BenefitShape::with_plan_year`]), and a
    /// "# per benefit year" limit is planned as given.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when a desired shape leaves its benefit year to the plan and
    /// no year is given.
    pub fn between(
        owner: Owner,
        current: &[Benefit],
        desired: impl IntoIterator<Item = BenefitShape>,
        options: PlanOptions,
    ) -> Result<Self, Error> {
        let year = options.benefit_year;
        let deletes = options.deletes;
        // Each desired shape as the owner's row will read once stored (an age limit is
        // plan-level only, defaults are filled, the documented overrides applied).
        let desired: Vec<BenefitShape> = desired
            .into_iter()
            .map(|d| d.as_stored(owner, year))
            .collect();
        if desired.iter().any(BenefitShape::needs_plan_year) {
            let mut v = Violations::default();
            v.push(
                "TimePeriod",
                "a desired benefit leaves its benefit year to the plan: give the year \
                 (PlanOptions::benefit_year) or set it on the shape",
            );
            v.into_result()?;
        }
        let rows: Vec<PlannedRow> = current.iter().map(PlannedRow::of).collect();
        let mut plan = ChangePlan {
            owner,
            benefit_year: year,
            creates: Vec::new(),
            updates: Vec::new(),
            unchanged: Vec::new(),
            kept: Vec::new(),
            deletes: Vec::new(),
            ambiguities: Vec::new(),
        };
        // Slots: desired benefits and rows joined when they hold one slot, transitively.
        let n = desired.len();
        let mut slots = Slots::new(n + rows.len());
        for (i, d) in desired.iter().enumerate() {
            for (j, r) in rows.iter().enumerate() {
                if d.same_slot(&r.shape) {
                    slots.join(i, n + j);
                }
            }
            for (k, other) in desired.iter().enumerate().skip(i + 1) {
                if d.same_slot(other) {
                    slots.join(i, k);
                }
            }
        }
        for (j, r) in rows.iter().enumerate() {
            for (k, other) in rows.iter().enumerate().skip(j + 1) {
                if r.shape.same_slot(&other.shape) {
                    slots.join(n + j, n + k);
                }
            }
        }
        let mut by_slot: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        let mut slot_of = std::collections::HashMap::new();
        for member in 0..n + rows.len() {
            let root = slots.root(member);
            let index = *slot_of.entry(root).or_insert_with(|| {
                by_slot.push((Vec::new(), Vec::new()));
                by_slot.len() - 1
            });
            if member < n {
                by_slot[index].0.push(member);
            } else {
                by_slot[index].1.push(member - n);
            }
        }
        for (wanted, held) in by_slot {
            match (wanted.as_slice(), held.as_slice()) {
                ([d], []) => plan.creates.push(desired[*d].clone()),
                ([], held) => {
                    let rows = held.iter().map(|r| rows[*r].clone());
                    if deletes {
                        plan.deletes.extend(rows);
                    } else {
                        plan.kept.extend(rows);
                    }
                }
                ([d], [r]) => {
                    let (after, row) = (&desired[*d], &rows[*r]);
                    if row.shape.same_meaning(after) || diff(&row.shape, after, owner).is_empty() {
                        plan.unchanged.push(row.clone());
                    } else {
                        plan.updates.push(PlannedUpdate {
                            row: row.clone(),
                            after: after.clone(),
                        });
                    }
                }
                (wanted, held) => plan.ambiguities.push(Ambiguity {
                    desired: wanted.iter().map(|d| desired[*d].clone()).collect(),
                    rows: held.iter().map(|r| rows[*r].clone()).collect(),
                }),
            }
        }
        plan.creates
            .sort_by_key(|c| desired.iter().position(|d| d == c));
        for list in [&mut plan.unchanged, &mut plan.kept, &mut plan.deletes] {
            list.sort_by_key(|r| r.benefit_num);
        }
        plan.updates.sort_by_key(|u| u.row.benefit_num);
        Ok(plan)
    }

    /// How many writes applying it sends at least: creates, updates and deletes.
    pub fn writes(&self) -> usize {
        self.creates.len() + self.updates.len() + self.deletes.len()
    }

    /// True when the rows already say what they should: nothing to write, nothing ambiguous.
    pub fn is_empty(&self) -> bool {
        self.writes() == 0 && self.ambiguities.is_empty()
    }

    /// The diff with the office's names for keys (see [`BenefitsClient::names`]).
    pub fn display_with<'a>(&'a self, names: &'a Names) -> impl fmt::Display + 'a {
        Diff { plan: self, names }
    }
}

/// Union-find over the desired benefits and the rows.
struct Slots(Vec<usize>);

impl Slots {
    fn new(n: usize) -> Self {
        Slots((0..n).collect())
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        self.0[a] = b;
    }
}

/// The fields that differ between two shapes of one slot, as an update.
fn diff(before: &BenefitShape, after: &BenefitShape, owner: Owner) -> BenefitUpdate {
    let (b, a) = (before.to_new_benefit(owner), after.to_new_benefit(owner));
    let mut update = BenefitUpdate::new();
    update.cov_cat_num = patch(b.cov_cat_num, a.cov_cat_num);
    update.benefit_type = Some(a.benefit_type.clone()).filter(|t| *t != b.benefit_type);
    update.percent = patch(b.percent, a.percent);
    update.monetary_amt = patch(b.monetary_amt, a.monetary_amt);
    // A period left to the server (None) is not sent.
    update.time_period = a
        .time_period
        .clone()
        .filter(|p| Some(p) != b.time_period.as_ref());
    update.coverage_level = Some(a.coverage_level.clone()).filter(|l| *l != b.coverage_level);
    let quantity = |n: &NewBenefit| {
        (
            n.quantity_qualifier.clone().unwrap_or_default(),
            n.quantity.unwrap_or(0),
        )
    };
    if quantity(&a) != quantity(&b) {
        let (qualifier, n) = quantity(&a);
        update.quantity_qualifier = Some(qualifier);
        update.quantity = Some(n);
    }
    if !code_scope(&b).same_as(&code_scope(&a)) {
        update.code_num = patch(b.code_num, a.code_num);
        update.proc_code = patch(b.proc_code.clone(), a.proc_code.clone());
    }
    #[cfg(feature = "od-25-3")]
    {
        update.code_group_num = patch(b.code_group_num, a.code_group_num);
        let area = |n: &NewBenefit| n.treat_area.clone().unwrap_or_default();
        update.treat_area = Some(area(&a)).filter(|t| *t != area(&b));
    }
    update
}

/// A field as an update sends it: kept when equal, set, or emptied.
fn patch<T: PartialEq>(before: Option<T>, after: Option<T>) -> Patch<T> {
    match (before == after, after) {
        (true, _) => Patch::Keep,
        (false, Some(v)) => Patch::Set(v),
        (false, None) => Patch::Clear,
    }
}

/// The code a request names, as a scope (General when none).
fn code_scope(new: &NewBenefit) -> Scope {
    match (new.code_num, new.proc_code.clone()) {
        (None, None) => Scope::General,
        (code_num, proc_code) => Scope::Code {
            code_num,
            proc_code,
        },
    }
}

impl BenefitUpdate {
    /// True when the update sets nothing.
    pub(crate) fn is_empty(&self) -> bool {
        *self == BenefitUpdate::new()
    }
}

struct Diff<'a> {
    plan: &'a ChangePlan,
    names: &'a Names,
}

impl fmt::Display for ChangePlan {
    /// The diff, with keys as numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.display_with(&Names::default()), f)
    }
}

impl fmt::Display for Diff<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plan = self.plan;
        let say = |shape: &BenefitShape| {
            format!(
                "{}: {}",
                summary::kind(shape),
                summary::describe(shape, self.names)
            )
        };
        match plan.owner {
            Owner::Plan(p) => writeln!(
                f,
                "Plan {p}: plan-level rows, shared by every subscriber of the plan"
            )?,
            Owner::PatPlan(p) => writeln!(f, "Patient plan {p}: overrides for one patient")?,
        }
        for shape in &plan.creates {
            writeln!(f, "+ create        {}", say(shape))?;
        }
        for u in &plan.updates {
            writeln!(
                f,
                "~ update #{:<5} {} → {}",
                u.row.benefit_num,
                say(&u.row.shape),
                summary::describe(&u.after, self.names)
            )?;
        }
        for r in &plan.deletes {
            writeln!(f, "- delete #{:<5} {}", r.benefit_num, say(&r.shape))?;
        }
        for r in &plan.kept {
            writeln!(
                f,
                "  keep   #{:<5} {} (no desired benefit; deletes are off)",
                r.benefit_num,
                say(&r.shape)
            )?;
        }
        for a in &plan.ambiguities {
            let rows: Vec<String> = a
                .rows
                .iter()
                .map(|r| format!("#{}", r.benefit_num))
                .collect();
            let wanted: Vec<String> = a.desired.iter().map(&say).collect();
            writeln!(
                f,
                "? ambiguous: {} desired ({}) for {} row(s) ({}): nothing written",
                a.desired.len(),
                wanted.join("; "),
                a.rows.len(),
                rows.join(", ")
            )?;
        }
        write!(
            f,
            "{} to create, {} to update, {} to delete, {} unchanged, {} kept, {} ambiguous",
            plan.creates.len(),
            plan.updates.len(),
            plan.deletes.len(),
            plan.unchanged.len(),
            plan.kept.len(),
            plan.ambiguities.len()
        )
    }
}

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

/// How long apply waits, from the moment a create was sent, before it lists to see whether a
/// create with an unknown outcome landed: Open Dental's own 60 s limit on a request
/// (`opendental-notes.md`, API modes), plus 5 s. A create the office has not stored by then
/// never will be, so sending it again cannot make a second row.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(65);

/// How apply runs: what to do after a failure, who watches, and how long a create with an
/// unknown outcome is given to land.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// Stop at the first failure, or go on.
    pub on_error: OnError,
    /// Called after each write, enough for a progress bar with an ETA.
    pub progress: Option<ProgressFn>,
    /// How long after sending a create whose outcome is unknown apply waits before it lists
    /// to check (default [`DEFAULT_SETTLE`]).
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

    /// How long after sending a create whose outcome is unknown (a timeout, a gateway 5xx, an
    /// unreadable 201) apply waits before listing to see whether it landed. Shorter than the
    /// office's own 60 s request limit, a create that lands late can be sent twice; the
    /// default, [`DEFAULT_SETTLE`], outlasts it.
    pub fn settle(mut self, settle: Duration) -> Self {
        self.settle = settle;
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
    /// followed ([`BenefitsClientBuilder::apply_lock`](super::BenefitsClientBuilder::apply_lock)).
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

/// How many times apply sends a create whose earlier attempts provably did not land.
const CREATE_ATTEMPTS: usize = 3;

impl BenefitsClient {
    /// Plans the writes that make `owner`'s rows say `desired`, without writing anything. See
    /// [`BenefitsClient::plan_changes_with`]; deletes are off.
    ///
    /// # Errors
    /// As [`BenefitsClient::plan_changes_with`].
    pub async fn plan_changes(
        &self,
        owner: Owner,
        desired: impl IntoIterator<Item = BenefitShape>,
    ) -> Result<ChangePlan, Error> {
        self.plan_changes_with(owner, desired, PlanOptions::new())
            .await
    }

    /// Plans the writes that make `owner`'s rows say `desired`: lists every row of the owner
    /// (no row missed, see [`BenefitsClient::list`]), fills in the benefit year of shapes that
    /// leave it to the plan, and matches each desired shape to the row holding its slot.
    ///
    /// Identity follows what a benefit is about, not its numbers
    /// ([`BenefitShape::same_slot`]): coinsurance on Crowns is one slot whatever its percent; a
    /// maximum per person per benefit year is one slot whatever its amount; "once every 5 years
    /// per tooth on Crowns" and "2 per benefit year on Mouth" are two slots on one code group.
    ///
    /// Requests: the list pages, plus one `GET /insplans/{PlanNum}` (cached) when a desired
    /// shape leaves its benefit year to the plan and no year is given.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a patient-plan owner with shapes that need the plan's
    /// benefit year when none is given; listing and lookup errors.
    pub async fn plan_changes_with(
        &self,
        owner: Owner,
        desired: impl IntoIterator<Item = BenefitShape>,
        options: PlanOptions,
    ) -> Result<ChangePlan, Error> {
        let (plan, _) = self.plan_with_rows(owner, desired, options).await?;
        Ok(plan)
    }

    /// Plans and applies in one go: the rows listed for the plan serve as apply's check, so
    /// the requests are the list pages plus one per write (and one cached plan lookup when a
    /// shape needs the plan's benefit year and none is given).
    ///
    /// # Errors
    /// The errors of planning; the writes' own errors are in the report.
    pub async fn reconcile(
        &self,
        owner: Owner,
        desired: impl IntoIterator<Item = BenefitShape>,
        options: PlanOptions,
        apply: ApplyOptions,
    ) -> Result<(ChangePlan, ApplyReport), Error> {
        let (lock, key) = self.apply_lock(owner);
        let lease = Lease::take(lock, key).await?;
        lease
            .hold(async {
                let (plan, rows) = self.plan_with_rows(owner, desired, options).await?;
                let report = self.apply_on(&plan, rows, &apply, &lease).await;
                Ok((plan, report))
            })
            .await
    }

    /// Applies a plan (see [`BenefitsClient::apply_with`]), stopping at the first failure.
    ///
    /// # Errors
    /// As [`BenefitsClient::apply_with`].
    pub async fn apply(&self, plan: &ChangePlan) -> Result<ApplyReport, Error> {
        self.apply_with(plan, ApplyOptions::new()).await
    }

    /// Applies a plan under the client's throttle and retry policy: updates, then creates,
    /// then deletes.
    ///
    /// - It lists the owner's rows once first. A row edited since the plan was made (its
    ///   `SecDateTEdit` moved, or it means something else) is a conflict, not overwritten; a
    ///   write the office already shows is skipped, so applying a plan twice writes once.
    /// - A create whose outcome is unknown (a timeout, a 5xx, an unreadable 201) is checked by
    ///   listing before any new attempt, and the listing waits until the settle time
    ///   ([`ApplyOptions::settle`], default [`DEFAULT_SETTLE`]: Open Dental's 60 s request
    ///   limit plus 5 s) has passed since the create was sent, whatever the client's timeout.
    ///   If the row is there it counts as done; if not, it never will be, and the create is
    ///   sent again (at most 3 attempts); if the listing fails, the create is reported failed
    ///   with its outcome unknown. At most one row per planned create, under any fault that
    ///   respects the office's own limit.
    /// - Each write is reported in an [`ApplyReport`]: done, skipped, conflicts, failed, with
    ///   the error of each failure.
    ///
    /// # Errors
    /// The first listing's error: nothing was written.
    pub async fn apply_with(
        &self,
        plan: &ChangePlan,
        options: ApplyOptions,
    ) -> Result<ApplyReport, Error> {
        let (lock, key) = self.apply_lock(plan.owner);
        let lease = Lease::take(lock, key).await?;
        lease
            .hold(async {
                let rows = self.list_all(filter(plan.owner)).await?;
                Ok(self.apply_on(plan, rows, &options, &lease).await)
            })
            .await
    }

    async fn plan_with_rows(
        &self,
        owner: Owner,
        desired: impl IntoIterator<Item = BenefitShape>,
        options: PlanOptions,
    ) -> Result<(ChangePlan, Vec<Benefit>), Error> {
        let desired: Vec<BenefitShape> = desired.into_iter().collect();
        let year = match options.benefit_year {
            Some(year) => Some(year),
            None if desired.iter().any(|d| stored_by_year(d, owner)) => match owner {
                Owner::Plan(p) => Some(self.ins_plan(p).await?.benefit_year()),
                Owner::PatPlan(_) => {
                    let mut v = Violations::default();
                    v.push(
                        "PatPlanNum",
                        "a patient plan's benefit year is its plan's, which the API cannot \
                         look up by PatPlanNum: give PlanOptions::benefit_year",
                    );
                    return Err(v.into_result().unwrap_err());
                }
            },
            None => None,
        };
        let rows = self.list_all(filter(owner)).await?;
        let options = PlanOptions {
            benefit_year: year,
            ..options
        };
        let plan = ChangePlan::between(owner, &rows, desired, options)?;
        Ok((plan, rows))
    }

    async fn apply_on(
        &self,
        plan: &ChangePlan,
        rows: Vec<Benefit>,
        options: &ApplyOptions,
        lease: &Lease,
    ) -> ApplyReport {
        let mut run = Run {
            client: self,
            lease,
            plan,
            rows,
            options,
            report: ApplyReport::default(),
            started: Instant::now(),
            handled: 0,
            total: plan.writes(),
            stopped: false,
            planned: planned_rows(plan),
        };
        for u in &plan.updates {
            run.update(u).await;
        }
        for shape in &plan.creates {
            run.create(shape).await;
        }
        for r in &plan.deletes {
            run.delete(r).await;
        }
        run.report
    }
}

/// True when what the office stores for `shape` depends on the plan's benefit year: it leaves
/// its year to the plan, or it is a limit the office moves to the plan's year.
fn stored_by_year(shape: &BenefitShape, owner: Owner) -> bool {
    shape.as_stored(owner, Some(BenefitYear::Calendar))
        != shape.as_stored(owner, Some(BenefitYear::Service))
}

/// Every row a plan lists by key: updated, unchanged, kept, deleted or ambiguous.
fn planned_rows(plan: &ChangePlan) -> std::collections::HashSet<BenefitNum> {
    let listed = [&plan.unchanged, &plan.kept, &plan.deletes]
        .into_iter()
        .flatten()
        .chain(plan.updates.iter().map(|u| &u.row))
        .chain(plan.ambiguities.iter().flat_map(|a| &a.rows));
    listed.map(|r| r.benefit_num).collect()
}

fn filter(owner: Owner) -> BenefitFilter {
    match owner {
        Owner::Plan(p) => BenefitFilter::Plan(p),
        Owner::PatPlan(p) => BenefitFilter::PatPlan(p),
    }
}

/// One apply as it goes.
struct Run<'a> {
    client: &'a BenefitsClient,
    /// The owner's lock: no write once it is lost.
    lease: &'a Lease,
    plan: &'a ChangePlan,
    /// The owner's rows as last listed, kept up to date with each write.
    rows: Vec<Benefit>,
    options: &'a ApplyOptions,
    report: ApplyReport,
    started: Instant,
    handled: usize,
    total: usize,
    stopped: bool,
    /// Every row the plan knew, by key.
    planned: std::collections::HashSet<BenefitNum>,
}

impl Run<'_> {
    /// Why no more writes may be sent, if none may.
    fn halted(&self) -> Option<SkipReason> {
        if self.lease.lost() {
            Some(SkipReason::LockLost)
        } else if self.stopped {
            Some(SkipReason::Stopped)
        } else {
            None
        }
    }

    fn row(&self, num: BenefitNum) -> Option<&Benefit> {
        self.rows.iter().find(|r| r.benefit_num == num)
    }

    fn finish(&mut self, write: Write, outcome: Result<BenefitNum, Outcome>) {
        match outcome {
            Ok(num) => self.report.done.push((write, num)),
            Err(Outcome::Skipped(why)) => self.report.skipped.push((write, why)),
            Err(Outcome::Conflict(kind)) => self.report.conflicts.push((write, kind)),
            Err(Outcome::Failed(e)) => {
                self.report.failed.push((write, e));
                if self.options.on_error == OnError::Stop {
                    self.stopped = true;
                }
            }
        }
        self.handled += 1;
        if let Some(progress) = &self.options.progress {
            let elapsed = self.started.elapsed();
            let left = (self.total - self.handled) as u32;
            let eta = (elapsed / self.handled as u32) * left;
            progress(Progress {
                handled: self.handled,
                total: self.total,
                elapsed,
                eta,
            });
        }
    }

    async fn update(&mut self, planned: &PlannedUpdate) {
        let num = planned.row.benefit_num;
        let write = Write::Update {
            benefit_num: num,
            after: planned.after.clone(),
        };
        let outcome = if let Some(why) = self.halted() {
            Err(Outcome::Skipped(why))
        } else {
            match self.row(num) {
                None => Err(Outcome::Conflict(ConflictKind::Deleted)),
                Some(row) if row.holds(&planned.after, self.plan.benefit_year) => {
                    Err(Outcome::Skipped(SkipReason::AlreadyDone))
                }
                Some(row) if !planned.row.unchanged_in(row) => {
                    Err(Outcome::Conflict(ConflictKind::Edited))
                }
                Some(_) => {
                    let update = planned.update(self.plan.owner);
                    match self.client.update(num, &update).await {
                        Ok(row) => {
                            self.replace(row);
                            Ok(num)
                        }
                        Err(e) => Err(Outcome::Failed(e)),
                    }
                }
            }
        };
        self.finish(write, outcome);
    }

    fn replace(&mut self, row: Benefit) {
        match self
            .rows
            .iter_mut()
            .find(|r| r.benefit_num == row.benefit_num)
        {
            Some(slot) => *slot = row,
            None => self.rows.push(row),
        }
    }

    /// A row the plan did not know that holds this shape's slot.
    fn newcomer(&self, shape: &BenefitShape) -> Option<&Benefit> {
        self.rows
            .iter()
            .find(|r| !self.planned.contains(&r.benefit_num) && r.shape().same_slot(shape))
    }

    async fn create(&mut self, shape: &BenefitShape) {
        let write = Write::Create(shape.clone());
        let outcome = if let Some(why) = self.halted() {
            Err(Outcome::Skipped(why))
        } else {
            match self.newcomer(shape) {
                Some(row) if row.holds(shape, self.plan.benefit_year) => {
                    Err(Outcome::Skipped(SkipReason::AlreadyDone))
                }
                Some(_) => Err(Outcome::Conflict(ConflictKind::SlotTaken)),
                None => self.create_once(shape).await,
            }
        };
        self.finish(write, outcome);
    }

    /// Sends a create; when its outcome is unknown, lists to see whether it landed before
    /// sending it again.
    async fn create_once(&mut self, shape: &BenefitShape) -> Result<BenefitNum, Outcome> {
        let new = shape.to_new_benefit(self.plan.owner);
        let mut attempt = 1;
        loop {
            let sent = Instant::now();
            let error = match self.client.create(&new).await {
                Ok(row) => {
                    let num = row.benefit_num;
                    self.rows.push(row);
                    return Ok(num);
                }
                Err(e) => e,
            };
            if !error.outcome_unknown() {
                return Err(Outcome::Failed(error));
            }
            // A check that lists too early can miss a write the office is still making.
            tokio::time::sleep_until(sent + self.options.settle).await;
            let Ok(rows) = self.client.list_all(filter(self.plan.owner)).await else {
                return Err(Outcome::Failed(error));
            };
            let year = self.plan.benefit_year;
            let known: Vec<BenefitNum> = self.rows.iter().map(|r| r.benefit_num).collect();
            self.rows = rows;
            let landed = self
                .rows
                .iter()
                .find(|r| !known.contains(&r.benefit_num) && r.holds(shape, year));
            if let Some(row) = landed {
                return Ok(row.benefit_num);
            }
            if attempt == CREATE_ATTEMPTS {
                return Err(Outcome::Failed(error));
            }
            attempt += 1;
        }
    }

    async fn delete(&mut self, planned: &PlannedRow) {
        let num = planned.benefit_num;
        let write = Write::Delete(num);
        let outcome = if let Some(why) = self.halted() {
            Err(Outcome::Skipped(why))
        } else {
            match self.row(num) {
                None => Err(Outcome::Skipped(SkipReason::AlreadyDone)),
                Some(row) if !planned.unchanged_in(row) => {
                    Err(Outcome::Conflict(ConflictKind::Edited))
                }
                Some(_) => match self.client.delete(num).await {
                    Ok(()) => {
                        self.rows.retain(|r| r.benefit_num != num);
                        Ok(num)
                    }
                    Err(e) if e.is_not_found() => Err(Outcome::Skipped(SkipReason::AlreadyDone)),
                    Err(e) => Err(Outcome::Failed(e)),
                },
            }
        };
        self.finish(write, outcome);
    }
}

/// A write that did not land.
enum Outcome {
    Skipped(SkipReason),
    Conflict(ConflictKind),
    Failed(Error),
}

#[cfg(all(test, feature = "test-util", feature = "od-25-3"))]
mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::opendental::{
        CodeGroupNum, CovCatNum, CoverageLevel, Frequency, FrequencyLimit, Period, PlanNum, Terms,
        TreatArea,
    };

    const PLAN: PlanNum = PlanNum::new(12);

    /// Standard shapes over three categories and three code groups, so that slots collide.
    fn shape() -> BoxedStrategy<BenefitShape> {
        let key = 1..4u64;
        let scope = prop_oneof![
            Just(Scope::General),
            key.clone().prop_map(|c| Scope::Category(CovCatNum::new(c))),
            key.clone()
                .prop_map(|g| Scope::CodeGroup(CodeGroupNum::new(g))),
        ];
        let level = prop_oneof![
            Just(CoverageLevel::None),
            Just(CoverageLevel::Individual),
            Just(CoverageLevel::Family),
        ];
        let period = prop_oneof![Just(Period::BenefitYear(None)), Just(Period::Lifetime)];
        let counted = (1..3000i64, level, period).prop_map(|(amount, level, period)| {
            (
                Decimal::new(amount, 0),
                Terms::new(Scope::General).level(level).period(period),
            )
        });
        let frequency = (1..5u8, 0..4usize).prop_map(|(n, kind)| match kind {
            0 => Frequency::EveryYears(n),
            1 => Frequency::EveryMonths(n),
            2 => Frequency::PerBenefitYear(n, None),
            _ => Frequency::InLast12Months(n),
        });
        let area = prop_oneof![
            Just(TreatArea::None),
            Just(TreatArea::Tooth),
            Just(TreatArea::Mouth)
        ];
        prop_oneof![
            (0..=100u8, scope.clone()).prop_map(|(percent, scope)| BenefitShape::Coinsurance {
                percent,
                terms: Terms::new(scope)
            }),
            counted
                .clone()
                .prop_map(|(amount, terms)| BenefitShape::Maximum { amount, terms }),
            counted.prop_map(|(amount, terms)| BenefitShape::Deductible { amount, terms }),
            (frequency, key.clone(), area).prop_map(|(frequency, group, area)| {
                let mut limit =
                    FrequencyLimit::new(frequency, Scope::CodeGroup(CodeGroupNum::new(group)));
                limit.treat_area = area;
                BenefitShape::Frequency(limit)
            }),
            (1..30u8, key).prop_map(|(age, g)| BenefitShape::AgeLimit {
                age,
                code_group: CodeGroupNum::new(g)
            }),
            scope.prop_map(|s| BenefitShape::Exclusion(Terms::new(s))),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// A plan reads back from JSON unchanged.
        #[test]
        fn a_plan_round_trips_through_json(
            current in vec(shape(), 0..7),
            desired in vec(shape(), 0..7),
        ) {
            let owner = Owner::Plan(PLAN);
            let rows: Vec<Benefit> = current
                .iter()
                .enumerate()
                .map(|(i, c)| row(c, i as u64 + 1))
                .collect();
            let desired = desired.into_iter().map(|d| d.with_plan_year(BenefitYear::Calendar));
            let options = PlanOptions::new().deletes(true).benefit_year(BenefitYear::Calendar);
            let plan = ChangePlan::between(owner, &rows, desired, options).unwrap();
            let json = serde_json::to_string(&plan).unwrap();
            prop_assert_eq!(serde_json::from_str::<ChangePlan>(&json).unwrap(), plan);
        }
    }

    /// A stored row with this shape, as the server returns it.
    fn row(shape: &BenefitShape, num: u64) -> Benefit {
        let new = shape
            .clone()
            .with_plan_year(BenefitYear::Calendar)
            .to_new_benefit(Owner::Plan(PLAN));
        let mut json = serde_json::to_value(&new).unwrap();
        json["BenefitNum"] = num.into();
        json["SecDateTEdit"] = "2026-11-25 10:00:00".into();
        serde_json::from_value(json).unwrap()
    }
}
