//! Running a [`Changeset`]: the client's plan and apply methods, the owner's lock around
//! them, and each write checked against a fresh read of its row. Its options and its report
//! are in `report.rs`.

use super::report::{ApplyOptions, ApplyReport};
use super::run::Run;

use crate::error::{Error, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::client::lock::Lease;
use crate::opendental::meaning::shape::BenefitShape;
use crate::opendental::model::benefit::Benefit;
use crate::opendental::model::request::{BenefitFilter, BenefitYear, Owner};
use crate::opendental::sync::changeset::{Changeset, DiffOptions};

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

    /// Applies a plan under the client's throttle: updates, then creates, then deletes, each
    /// write in one attempt whatever the client's retry policy (the reads are retried).
    ///
    /// - It lists the owner's rows once first. A row edited since the plan was made (its
    ///   `SecDateTEdit` moved, or it means something else) is a conflict, not overwritten; a
    ///   write the office already shows is skipped, so applying a plan twice writes once.
    /// - Each write is judged again on a read made just before it goes (`GET` of the row, or a
    ///   listing of the owner for a create). One refused by a 429, or whose connection never
    ///   opened, is read again after its wait and sent again if still due (at most 4 sends).
    /// - A write whose outcome is unknown (a timeout, a 5xx, an unreadable 201) is checked by a
    ///   read that waits until the settle time ([`ApplyOptions::settle`], default
    ///   [`DEFAULT_SETTLE`](crate::opendental::DEFAULT_SETTLE): Open Dental's 60 s request
    ///   limit plus 5 s) has passed since its attempt ended, whatever the client's timeout. If
    ///   the office holds it, it is done. A create with no new row at all, or a delete whose
    ///   row is still there untouched, never landed and is sent again. Anything else (an update
    ///   whose values are not there, someone's change, a failed read) leaves it failed with its
    ///   outcome unknown, never sent again by this apply. At most one row per planned create,
    ///   and no edit written over outside the window between a write's read and its landing,
    ///   under any fault that respects the office's own limit.
    /// - Each write is reported in an [`ApplyReport`]: done, skipped, conflicts, failed, with
    ///   the error of each failure.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] naming `Changeset.office` for a changeset planned in another
    /// office (its [`Changeset::office`] is not this client's), before any request; the first
    /// listing's error: nothing was written.
    pub async fn apply_with(
        &self,
        plan: &Changeset,
        options: ApplyOptions,
    ) -> Result<ApplyReport, Error> {
        if plan.office.as_ref().is_some_and(|o| *o != self.office_id()) {
            return Err(Error::InvalidRequest(Violations::one(
                "Changeset.office",
                "the changeset was planned in another office (another customer key): plan it \
                 again with this office's client",
            )));
        }
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
        let mut plan = Changeset::between(owner, year, &rows, desired, options)?;
        plan.office = Some(self.office_id());
        Ok((plan, rows))
    }

    async fn apply_on(
        &self,
        plan: &Changeset,
        rows: Vec<Benefit>,
        options: &ApplyOptions,
        lease: &Lease,
    ) -> ApplyReport {
        Run::new(self, lease, plan, options, rows).all().await
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
