//! Setting what a patient has used from a carrier's 271 (`PUT /claimprocs/InsAdjust`): the
//! change before the write ([`BenefitsClient::used_from_271`]), and its apply
//! ([`BenefitsClient::apply_used`]): one write under the patient plan's lock, judged on a read
//! of the office just before it, and checked by a read after it.

#![cfg(feature = "od-24-2")]

use std::fmt;
use std::time::Duration;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, LookupError, LookupErrorKind, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::client::lock::Lease;
use crate::opendental::eligibility::{
    Eligibility, FigureOptions, InsAdjustTotals, OfficeFigures, PlanFinding, UsedChange,
    carrier_figures, used_change,
};
use crate::opendental::model::benefit::PatPlanNum;
use crate::opendental::model::etrans::PatNum;
use crate::opendental::model::insurance::{ClaimProcNum, ClaimProcStatus, InsAdjust};
use crate::opendental::model::request::Owner;
use crate::opendental::used::PlanUsed;

/// What a carrier's 271 would change of one patient plan's insurance used and deductible
/// used, before any write: the [`UsedChange`], whose patient plan it is, and whether the 271
/// is that plan's ([`PlanFinding`]s: group number, coverage, policy dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PatientUsedChange {
    /// The patient.
    pub patient: PatNum,
    /// The patient plan the totals go to.
    pub pat_plan: PatPlanNum,
    /// The change.
    pub change: UsedChange,
    /// The claim procedures the office's figures were made of: any that moved since (a
    /// payment changed, an adjustment entered) makes the change stale.
    #[serde(skip)]
    seen: Vec<RowSeen>,
    /// What stands between the 271 and the plan as of the change's date (a group number that
    /// is not the plan's, coverage inactive, a policy not in force). Check before applying: a
    /// finding that [`blocks`](PlanFinding::blocks) means the 271 may be another plan's.
    pub findings: Vec<PlanFinding>,
}

impl fmt::Display for PatientUsedChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Patient plan {}: {}", self.pat_plan, self.change)
    }
}

/// A claim procedure of the benefit year as the change saw it: what the office nets over.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowSeen {
    claim_proc: ClaimProcNum,
    status: ClaimProcStatus,
    date: NaiveDate,
    amount: Decimal,
    deductible: Decimal,
}

/// The rows a patient plan's figures were made of (excluded ones among them).
fn rows_seen(plan: &PlanUsed) -> Vec<RowSeen> {
    plan.rows
        .iter()
        .map(|r| RowSeen {
            claim_proc: r.claim_proc,
            status: r.status.clone(),
            date: r.proc_date,
            amount: r.amount,
            deductible: r.deductible,
        })
        .collect()
}

/// How an [`apply_used`](BenefitsClient::apply_used) ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum UsedOutcome {
    /// Nothing to send: the office already shows the totals (perhaps someone set them).
    NothingToDo,
    /// Sent, and the office now shows the totals.
    Applied,
    /// Sent and answered 200, but the office shows other totals: how the office nets its
    /// adjustment is not documented (it may count codes Open Dental's display leaves out).
    Differs,
    /// Not sent: the office's figures or the claim procedures behind them moved since the
    /// change was planned (a claim received, a payment changed, an adjustment entered,
    /// perhaps this change applied already). Plan it again.
    Stale,
    /// Not sent: the patient plan's apply lock was lost before the write (another worker may
    /// hold it now).
    LockLost,
    /// Sent and answered 200 (it landed), but the read after it failed: what the office shows
    /// now is not known. The figures in the report are those read before the write.
    Unverified(Error),
    /// Sent, and it may have landed: the office did not say, and the read after the settle
    /// time does not show the totals. Never sent again by this apply; the next change says.
    Unknown(Error),
}

/// What [`apply_used`](BenefitsClient::apply_used) did, and the office's figures after it.
#[derive(Debug)]
#[non_exhaustive]
pub struct UsedReport {
    /// How it ended.
    pub outcome: UsedOutcome,
    /// The patient plan's figures read last: before the write for `Stale`, `NothingToDo`,
    /// `LockLost` and `Unverified` (and `Unknown` when the read after failed), after it
    /// otherwise.
    pub office: OfficeFigures,
}

impl UsedReport {
    /// True when the office shows the totals (applied, or nothing was needed).
    pub fn is_complete(&self) -> bool {
        matches!(
            self.outcome,
            UsedOutcome::Applied | UsedOutcome::NothingToDo
        )
    }
}

/// The figures [`used_change`] compares the carrier's against: one patient plan's, as Open
/// Dental shows them, as of `as_of`.
fn office_figures(plan: &PlanUsed, as_of: NaiveDate) -> OfficeFigures {
    let mut office = OfficeFigures::new(plan.window.start, plan.window.end, as_of);
    office.annual_max = plan.annual_max.map(|m| m.amount);
    office.deductible = plan.deductible.map(|d| d.amount);
    office.used = plan.used;
    office.pending = plan.pending;
    office.deductible_used = plan.deductible_used;
    office
}

/// Whether the office shows the totals: each one given equals its figure.
fn shows(office: &OfficeFigures, send: &InsAdjustTotals) -> bool {
    send.ins_used.is_none_or(|t| t == office.used)
        && send
            .deductible_used
            .is_none_or(|t| t == office.deductible_used)
}

/// Whether the figures a change was planned on still hold: the year, the amounts it was
/// computed from, and what is used (pending may move: it is never netted).
fn unchanged(planned: &OfficeFigures, now: &OfficeFigures) -> bool {
    let key = |o: &OfficeFigures| {
        (
            o.year_start,
            o.annual_max,
            o.deductible,
            o.used,
            o.deductible_used,
        )
    };
    key(planned) == key(now)
}

impl BenefitsClient {
    /// What `read` (a carrier's 271, or a clearinghouse's JSON) would change of `pat_plan`'s
    /// insurance used and deductible used in the benefit year holding `as_of`: Open Dental's
    /// figures ([`insurance_summary`](BenefitsClient::insurance_summary)) against the
    /// carrier's ([`carrier_figures`] with `options`), made a [`UsedChange`] by Open Dental's
    /// own arithmetic (`insUsed` = the office's annual maximum − the carrier's remaining,
    /// pending shown beside and never netted, nothing clamped), dated `as_of`. The 271's plan
    /// is checked against the patient plan's (group number, coverage, dates): see
    /// [`PatientUsedChange::findings`].
    ///
    /// Requests: those of [`insurance_summary`](BenefitsClient::insurance_summary), and one
    /// cached `GET /insplans/{PlanNum}`. Open Dental 24.1.19 (`od-24-2`).
    ///
    /// # Errors
    /// [`Error::Lookup`] (not found) when the patient has no such patient plan; the errors
    /// of the reads.
    pub async fn used_from_271(
        &self,
        patient: PatNum,
        pat_plan: PatPlanNum,
        read: &Eligibility,
        as_of: NaiveDate,
        options: FigureOptions,
    ) -> Result<PatientUsedChange, Error> {
        let summary = self.insurance_summary(patient, as_of).await?;
        let plan = find(&summary.plans, patient, pat_plan)?;
        let office = office_figures(plan, as_of);
        let seen = rows_seen(plan);
        let change = used_change(&carrier_figures(read, options), &office)
            .map_err(|e| Error::InvalidRequest(Violations::one("as_of", e.to_string())))?;
        let ins_plan = self.ins_plan(plan.plan).await?;
        let mut findings: Vec<PlanFinding> = read
            .plan
            .group_finding(&ins_plan.group_num)
            .into_iter()
            .collect();
        findings.extend(read.plan.standing(as_of));
        Ok(PatientUsedChange {
            patient,
            pat_plan,
            change,
            findings,
            seen,
        })
    }

    /// Sends a [`PatientUsedChange`]'s totals, `PUT /claimprocs/InsAdjust`, once, under the
    /// patient plan's apply lock (the one [`apply`](BenefitsClient::apply) takes for its
    /// overrides), and says how it ended ([`UsedOutcome`]).
    ///
    /// - Just before the write it reads the office's figures again. If they, or any claim
    ///   procedure of the year behind them, moved since the change was planned (a claim
    ///   received, a payment changed, an adjustment entered by someone, or this change
    ///   applied already), nothing is sent: [`UsedOutcome::Stale`]; plan it again (a change
    ///   planned after the write is empty). A change with nothing to send sends nothing:
    ///   [`UsedOutcome::NothingToDo`]. So applying twice writes once. Rows of the same plan
    ///   on another subscription of the patient, which the office may net too, are not read.
    /// - The lock is checked just before the write: lost, nothing is sent
    ///   ([`UsedOutcome::LockLost`]).
    /// - The office's 200 says nothing ("regardless of how the math worked out"), so the
    ///   figures are read again after it: [`UsedOutcome::Applied`] when they show the totals,
    ///   [`UsedOutcome::Differs`] when not.
    /// - A write whose outcome is unknown (a timeout, a 5xx, the lock lost while it was sent)
    ///   is read again once `settle` has passed since it ended (pass
    ///   [`DEFAULT_SETTLE`](crate::opendental::DEFAULT_SETTLE): Open Dental's 60 s request
    ///   limit and 5 s): `Applied` if the office shows the totals, else
    ///   [`UsedOutcome::Unknown`]. It is never sent again by this call.
    ///
    /// Requests: two [`insurance_summary`](BenefitsClient::insurance_summary) reads and one
    /// write (one read and no write when nothing is to be sent).
    ///
    /// # Errors
    /// The lock's errors (held by another apply); the first read's errors; a write the
    /// office refused (a 4xx, a 429 or a connection never opened): nothing was written.
    /// A failed read after a write that was sent is [`UsedOutcome::Unverified`] (answered
    /// 200) or [`UsedOutcome::Unknown`].
    ///
    /// The benefit year is the one holding the change's `as_of`: pass the 271's own date (or
    /// today's for a fresh answer), since after the plan's renew date a figure of last year
    /// would be written into the new one.
    pub async fn apply_used(
        &self,
        planned: &PatientUsedChange,
        settle: Duration,
    ) -> Result<UsedReport, Error> {
        let (lock, key) = self.apply_lock(Owner::PatPlan(planned.pat_plan));
        let lease = Lease::take(lock, key).await?;
        lease
            .hold(self.apply_used_held(planned, settle, &lease))
            .await
    }

    async fn apply_used_held(
        &self,
        planned: &PatientUsedChange,
        settle: Duration,
        lease: &Lease,
    ) -> Result<UsedReport, Error> {
        let as_of = planned.change.office.as_of;
        let (before, seen) = self.figures_of(planned, as_of).await?;
        // Anything moved since the plan: never written over, whatever the totals look like.
        if !unchanged(&planned.change.office, &before) || seen != planned.seen {
            return Ok(report(UsedOutcome::Stale, before));
        }
        let Some(send) = planned.change.send else {
            return Ok(report(UsedOutcome::NothingToDo, before));
        };
        if lease.lost() {
            return Ok(report(UsedOutcome::LockLost, before));
        }
        let mut body = InsAdjust::new(planned.pat_plan);
        body.ins_used = send.ins_used;
        body.deductible_used = send.deductible_used;
        body.date = Some(send.date);
        let sent = lease.guard(self.set_insurance_used(&body)).await;
        let unknown = match sent {
            Ok(()) => None,
            Err(e) if e.outcome_unknown() => Some(e),
            Err(e) => return Err(e),
        };
        if unknown.is_some() {
            tokio::time::sleep(settle).await;
        }
        let after = self
            .figures_of(planned, as_of)
            .await
            .map(|(after, _)| after);
        Ok(match (after, unknown) {
            (Ok(after), _) if shows(&after, &send) => report(UsedOutcome::Applied, after),
            (Ok(after), None) => report(UsedOutcome::Differs, after),
            (Ok(after), Some(e)) => report(UsedOutcome::Unknown(e), after),
            (Err(read), None) => report(UsedOutcome::Unverified(read), before),
            (Err(_), Some(e)) => report(UsedOutcome::Unknown(e), before),
        })
    }

    /// The patient plan's figures as the office shows them now.
    async fn figures_of(
        &self,
        planned: &PatientUsedChange,
        as_of: NaiveDate,
    ) -> Result<(OfficeFigures, Vec<RowSeen>), Error> {
        let summary = self.insurance_summary(planned.patient, as_of).await?;
        let plan = find(&summary.plans, planned.patient, planned.pat_plan)?;
        Ok((office_figures(plan, as_of), rows_seen(plan)))
    }
}

fn report(outcome: UsedOutcome, office: OfficeFigures) -> UsedReport {
    UsedReport { outcome, office }
}

/// The patient's plan `pat_plan`, or a lookup error naming what the patient has.
fn find(plans: &[PlanUsed], patient: PatNum, pat_plan: PatPlanNum) -> Result<&PlanUsed, Error> {
    plans
        .iter()
        .find(|p| p.pat_plan == pat_plan)
        .ok_or_else(|| {
            Error::Lookup(LookupError {
                kind: LookupErrorKind::NotFound,
                table: "patient plan",
                wanted: format!("PatPlanNum {pat_plan} of PatNum {patient}"),
                candidates: plans.iter().map(|p| p.pat_plan.to_string()).collect(),
            })
        })
}
