//! Running a [`Changeset`]: the client's plan and apply methods, the owner's lock around
//! them, and each write checked against a fresh read of its row. Its options and its report
//! are in `report.rs`.

use tokio::time::Instant;

use super::report::{
    ApplyOptions, ApplyReport, ConflictKind, OnError, Progress, SkipReason, Write,
};

use crate::error::{Error, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::client::lock::Lease;
use crate::opendental::meaning::shape::BenefitShape;
use crate::opendental::model::benefit::{Benefit, BenefitNum};
use crate::opendental::model::request::{BenefitFilter, BenefitYear, Owner};
use crate::opendental::sync::changeset::{Changeset, DiffOptions, PlannedRow, PlannedUpdate};

/// How many times apply sends a create whose earlier attempts provably did not land.
const CREATE_ATTEMPTS: usize = 3;

impl BenefitsClient {
    /// The writes that make `owner`'s rows say `desired`, without writing anything. See
    /// [`BenefitsClient::diff_with`]; deletes are off.
    ///
    /// # Errors
    /// As [`BenefitsClient::diff_with`].
    pub async fn diff(
        &self,
        owner: Owner,
        desired: impl IntoIterator<Item = BenefitShape>,
    ) -> Result<Changeset, Error> {
        self.diff_with(owner, desired, DiffOptions::new()).await
    }

    /// The writes that make `owner`'s rows say `desired`: lists every row of the owner
    /// (no row missed, see [`BenefitsClient::list`]), fills in the benefit year of shapes that
    /// leave it to the plan, and matches each desired shape to the row holding its slot.
    ///
    /// Identity follows what a benefit is about, not its numbers
    /// ([`BenefitShape::same_slot`]): coinsurance on Crowns is one slot whatever its percent; a
    /// maximum per person per benefit year is one slot whatever its amount; "once every 5 years
    /// per tooth on Crowns" and "2 per benefit year on Mouth" are two slots on one code group.
    ///
    /// Requests: the list pages, plus one `GET /insplans/{PlanNum}` (cached) when a desired
    /// shape's stored form depends on the plan's benefit year.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a patient-plan owner with shapes that need the plan's
    /// benefit year (give it with [`BenefitsClient::diff_in_year`]); listing and lookup errors.
    pub async fn diff_with(
        &self,
        owner: Owner,
        desired: impl IntoIterator<Item = BenefitShape>,
        options: DiffOptions,
    ) -> Result<Changeset, Error> {
        let (changes, _) = self.diff_and_rows(owner, None, desired, options).await?;
        Ok(changes)
    }

    /// [`BenefitsClient::diff_with`] for an owner whose benefit year you know: a patient plan
    /// (the API cannot look up its plan by PatPlanNum), or a plan whose year you have, which
    /// saves the plan lookup.
    ///
    /// # Errors
    /// Listing errors.
    pub async fn diff_in_year(
        &self,
        owner: Owner,
        year: BenefitYear,
        desired: impl IntoIterator<Item = BenefitShape>,
        options: DiffOptions,
    ) -> Result<Changeset, Error> {
        let (changes, _) = self
            .diff_and_rows(owner, Some(year), desired, options)
            .await?;
        Ok(changes)
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
        options: DiffOptions,
        apply: ApplyOptions,
    ) -> Result<(Changeset, ApplyReport), Error> {
        self.reconcile_year(owner, None, desired, options, apply)
            .await
    }

    /// [`BenefitsClient::reconcile`] for an owner whose benefit year you know (see
    /// [`BenefitsClient::diff_in_year`]).
    ///
    /// # Errors
    /// The errors of listing; the writes' own errors are in the report.
    pub async fn reconcile_in_year(
        &self,
        owner: Owner,
        year: BenefitYear,
        desired: impl IntoIterator<Item = BenefitShape>,
        options: DiffOptions,
        apply: ApplyOptions,
    ) -> Result<(Changeset, ApplyReport), Error> {
        self.reconcile_year(owner, Some(year), desired, options, apply)
            .await
    }

    async fn reconcile_year(
        &self,
        owner: Owner,
        year: Option<BenefitYear>,
        desired: impl IntoIterator<Item = BenefitShape>,
        options: DiffOptions,
        apply: ApplyOptions,
    ) -> Result<(Changeset, ApplyReport), Error> {
        let (lock, key) = self.apply_lock(owner);
        let lease = Lease::take(lock, key).await?;
        lease
            .hold(async {
                let (plan, rows) = self.diff_and_rows(owner, year, desired, options).await?;
                let report = self.apply_on(&plan, rows, &apply, &lease).await;
                Ok((plan, report))
            })
            .await
    }

    /// Applies a plan (see [`BenefitsClient::apply_with`]), stopping at the first failure.
    ///
    /// # Errors
    /// As [`BenefitsClient::apply_with`].
    pub async fn apply(&self, plan: &Changeset) -> Result<ApplyReport, Error> {
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
    ///   ([`ApplyOptions::settle`], default [`DEFAULT_SETTLE`](crate::opendental::DEFAULT_SETTLE): Open Dental's 60 s request
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
        plan: &Changeset,
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

    async fn diff_and_rows(
        &self,
        owner: Owner,
        year: Option<BenefitYear>,
        desired: impl IntoIterator<Item = BenefitShape>,
        options: DiffOptions,
    ) -> Result<(Changeset, Vec<Benefit>), Error> {
        let desired: Vec<BenefitShape> = desired.into_iter().collect();
        let year = match year {
            Some(year) => Some(year),
            None if desired.iter().any(|d| stored_by_year(d, owner)) => match owner {
                Owner::Plan(p) => Some(self.ins_plan(p).await?.benefit_year()),
                Owner::PatPlan(_) => {
                    return Err(Error::InvalidRequest(Violations::one(
                        "PatPlanNum",
                        "a patient plan's benefit year is its plan's, which the API cannot \
                         look up by PatPlanNum: give it (BenefitsClient::diff_in_year)",
                    )));
                }
            },
            None => None,
        };
        let rows = self.list_all(filter(owner)).await?;
        let plan = Changeset::between(owner, year, &rows, desired, options)?;
        Ok((plan, rows))
    }

    async fn apply_on(
        &self,
        plan: &Changeset,
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
    plan: &'a Changeset,
    /// The owner's rows as last listed, kept up to date with each write.
    rows: Vec<Benefit>,
    options: &'a ApplyOptions,
    report: ApplyReport,
    started: Instant,
    handled: usize,
    total: usize,
    stopped: bool,
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
        let write = Write::Update {
            benefit_num: planned.row.benefit_num,
            after: planned.after.clone(),
        };
        let outcome = match self.halted() {
            Some(why) => Err(Outcome::Skipped(why)),
            None => self.update_fresh(planned).await,
        };
        self.finish(write, outcome);
    }

    /// Why an update is not sent, judged on the row as known (`None`: send it).
    fn judge_update(&self, planned: &PlannedUpdate, row: Option<&Benefit>) -> Option<Outcome> {
        match row {
            None => Some(Outcome::Conflict(ConflictKind::Deleted)),
            Some(row) if row.holds(&planned.after, self.plan.benefit_year) => {
                Some(Outcome::Skipped(SkipReason::AlreadyDone))
            }
            Some(row) if !planned.row.unchanged_in(row) => {
                Some(Outcome::Conflict(ConflictKind::Edited))
            }
            Some(_) => None,
        }
    }

    /// Updates the row if it is still as planned: judged on the rows as listed, then, before
    /// sending, on the row read again.
    async fn update_fresh(&mut self, planned: &PlannedUpdate) -> Result<BenefitNum, Outcome> {
        let num = planned.row.benefit_num;
        if let Some(not) = self.judge_update(planned, self.row(num)) {
            return Err(not);
        }
        let fresh = self.fresh(num).await.map_err(Outcome::Failed)?;
        if let Some(not) = self.judge_update(planned, fresh.as_ref()) {
            return Err(not);
        }
        let update = planned.update(self.plan.owner);
        let row = self
            .client
            .update(num, &update)
            .await
            .map_err(Outcome::Failed)?;
        self.replace(row);
        Ok(num)
    }

    /// The row as the office holds it now, read just before it is written (so that an edit
    /// made since apply began is seen): `GET /benefits/{BenefitNum}` where the office has it
    /// (25.3.7, `od-25-3`), else a fresh listing of the owner. `None`: it is gone.
    async fn fresh(&mut self, num: BenefitNum) -> Result<Option<Benefit>, Error> {
        #[cfg(feature = "od-25-3")]
        match self.client.get(num).await {
            Ok(row) => {
                self.replace(row.clone());
                return Ok(Some(row));
            }
            Err(e) if e.is_not_found() => {
                self.rows.retain(|r| r.benefit_num != num);
                return Ok(None);
            }
            // An office older than 25.3.7, known or answering so: list instead.
            Err(Error::Unsupported(_)) => {}
            Err(e) if e.status().is_some_and(|s| s.as_u16() == 400) => {}
            Err(e) => return Err(e),
        }
        self.rows = self.client.list_all(filter(self.plan.owner)).await?;
        Ok(self.row(num).cloned())
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

    /// A row that holds this shape's slot now: one the plan did not know, or a planned row
    /// someone else moved into it since the plan (an edit can turn a row planned for deletion
    /// into the very row a create would make).
    fn holder(&self, shape: &BenefitShape) -> Option<&Benefit> {
        self.rows.iter().find(|r| r.shape().same_slot(shape))
    }

    async fn create(&mut self, shape: &BenefitShape) {
        let write = Write::Create(shape.clone());
        let outcome = if let Some(why) = self.halted() {
            Err(Outcome::Skipped(why))
        } else {
            match self.holder(shape) {
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
        let write = Write::Delete(planned.benefit_num);
        let outcome = match self.halted() {
            Some(why) => Err(Outcome::Skipped(why)),
            None => self.delete_fresh(planned).await,
        };
        self.finish(write, outcome);
    }

    /// Why a delete is not sent, judged on the row as known (`None`: send it).
    fn judge_delete(planned: &PlannedRow, row: Option<&Benefit>) -> Option<Outcome> {
        match row {
            None => Some(Outcome::Skipped(SkipReason::AlreadyDone)),
            Some(row) if !planned.unchanged_in(row) => {
                Some(Outcome::Conflict(ConflictKind::Edited))
            }
            Some(_) => None,
        }
    }

    /// Deletes the row if it is still as planned: judged on the rows as listed, then, before
    /// sending, on the row read again.
    async fn delete_fresh(&mut self, planned: &PlannedRow) -> Result<BenefitNum, Outcome> {
        let num = planned.benefit_num;
        if let Some(not) = Self::judge_delete(planned, self.row(num)) {
            return Err(not);
        }
        let fresh = self.fresh(num).await.map_err(Outcome::Failed)?;
        match Self::judge_delete(planned, fresh.as_ref()) {
            Some(not) => Err(not),
            None => match self.client.delete(num).await {
                Ok(()) => {
                    self.rows.retain(|r| r.benefit_num != num);
                    Ok(num)
                }
                Err(e) if e.is_not_found() => Err(Outcome::Skipped(SkipReason::AlreadyDone)),
                Err(e) => Err(Outcome::Failed(e)),
            },
        }
    }
}

/// A write that did not land.
enum Outcome {
    Skipped(SkipReason),
    Conflict(ConflictKind),
    Failed(Error),
}
