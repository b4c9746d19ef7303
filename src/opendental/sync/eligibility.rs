//! A carrier's 271 as a change to the plan (and, for a dependent, to the patient's plan):
//! reconcile against the rows the 271 gives, with every segment it left out beside it.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::changeset::{Changeset, DiffOptions};
use crate::error::{Error, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::eligibility::{
    BenefitLoop, CarrierPlan, DropReason, DroppedSegment, Eligibility, Finding, FindingKind,
    OwnerKind, PlanFinding,
};
use crate::opendental::meaning::summary::Names;
use crate::opendental::model::benefit::{PatPlanNum, PlanNum};
use crate::opendental::model::request::Owner;

/// What a 271 changes: the plan's changeset, the patient plan's when the 271 gives overrides,
/// and the EB segments it left out. Apply each changeset with
/// [`BenefitsClient::apply`] (all of apply's guarantees hold).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EligibilityChange {
    /// The plan's rows.
    pub plan: Changeset,
    /// The patient plan's overrides, when the 271 was read for a dependent and gave some.
    pub pat_plan: Option<Changeset>,
    /// The EB segments the 271 left out, each with its reason.
    pub dropped: Vec<DroppedSegment>,
    /// What was noticed on segments read all the same ([`Eligibility::findings`]: a number
    /// read Open Dental's way, an AAA for one service type): the approver sees them.
    #[serde(default)]
    pub noticed: Vec<Finding>,
    /// What the 271 says of the plan itself: coverage status and policy dates (its group
    /// number is never kept here: see `group`).
    #[serde(default)]
    pub carrier: CarrierPlan,
    /// The 271's group number checked against the plan's `GroupNum` when the change was
    /// planned ([`CarrierPlan::group_finding`]); `None`: it matches. Read back from a form
    /// without this field, it is [`PlanFinding::CarrierGroupNotKept`], never a match.
    #[serde(default = "group_not_kept")]
    pub group: Option<PlanFinding>,
    /// Why deletes of the plan's rows were asked for and not planned: the 271 does not speak
    /// for every row the plan holds. `None` when none were asked for, or they were planned.
    #[serde(default)]
    pub plan_deletes_withheld: Option<DeletesWithheld>,
    /// The same for the patient plan's overrides (never for a dependent's answer, which
    /// speaks for that patient).
    #[serde(default)]
    pub pat_plan_deletes_withheld: Option<DeletesWithheld>,
}

/// What a change read back without its group check holds: not a match.
fn group_not_kept() -> Option<PlanFinding> {
    Some(PlanFinding::CarrierGroupNotKept)
}

/// Why a 271 plans no deletes of the plan's rows, even asked to
/// ([`BenefitsClient::diff_from_271`]): each says the 271 does not speak for every row the
/// plan's members share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeletesWithheld {
    /// It is a dependent's answer: read as one, or it shows a dependent's loop (2110D, or
    /// JSON entries whose loop is unknown in a response with a dependent).
    DependentAnswer,
    /// It gives no rows at all.
    NoRows,
    /// The transaction read has no SE after its last EB: the message may be cut short.
    CutShort,
    /// A segment about a benefit was left out (with this reason: unreadable, or a row the SDK
    /// does not write), so the office's row it speaks of may be one the 271 would keep. Only
    /// segments that cannot be about the owner's rows let deletes go: another network, another
    /// coverage level or member, another transaction, a duplicate, an amount Open Dental does
    /// not hold (a remaining amount, an out-of-pocket).
    SegmentLeftOut(DropReason),
    /// The carrier could not answer for a service type (an AAA in a benefit loop,
    /// `benefit_rejected`): its rows are not known.
    ServiceTypeRejected,
}

impl fmt::Display for DeletesWithheld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeletesWithheld::DependentAnswer => {
                "a dependent's answer does not speak for the rows the plan's members share"
            }
            DeletesWithheld::NoRows => "the 271 gives no rows",
            DeletesWithheld::CutShort => "the 271 has no SE after its last EB: it may be cut short",
            DeletesWithheld::SegmentLeftOut(reason) => {
                return write!(
                    f,
                    "a segment was left out ({reason}), and the row it speaks of may be one to keep"
                );
            }
            DeletesWithheld::ServiceTypeRejected => {
                "the carrier could not answer for a service type (AAA), so its rows are not known"
            }
        })
    }
}

impl EligibilityChange {
    /// The changesets to apply: the plan's, then the patient plan's.
    pub fn changesets(&self) -> impl Iterator<Item = &Changeset> {
        std::iter::once(&self.plan).chain(self.pat_plan.as_ref())
    }

    /// What stands between the 271 and the plan, as of `as_of` (the day the benefits are
    /// for): a group number that is not the plan's, coverage the carrier says is inactive, a
    /// policy not yet started or ended ([`CarrierPlan::findings`]). Check it before applying:
    /// a finding that [`blocks`](PlanFinding::blocks) means the 271 may be another plan's.
    pub fn findings(&self, as_of: NaiveDate) -> Vec<PlanFinding> {
        let mut findings: Vec<PlanFinding> = self.group.iter().cloned().collect();
        findings.extend(self.carrier.standing(as_of));
        findings
    }

    /// True when no changeset writes anything or holds an ambiguity.
    pub fn is_empty(&self) -> bool {
        self.changesets().all(Changeset::is_empty)
    }

    /// The change as a person approves it: each changeset's diff with the office's names,
    /// then every segment left out and why.
    pub fn display_with<'a>(&'a self, names: &'a Names) -> impl fmt::Display + 'a {
        ChangeText {
            change: self,
            names,
        }
    }
}

struct ChangeText<'a> {
    change: &'a EligibilityChange,
    names: &'a Names,
}

impl fmt::Display for ChangeText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for changeset in self.change.changesets() {
            writeln!(f, "{}", changeset.display_with(self.names))?;
        }
        let dropped = &self.change.dropped;
        writeln!(f, "Left out of the 271: {} segments", dropped.len())?;
        for d in dropped {
            writeln!(
                f,
                "  {} {} {}: {}",
                d.ordinal, d.loop_id, d.reason, d.segment
            )?;
        }
        let noticed = &self.change.noticed;
        if !noticed.is_empty() {
            writeln!(f, "Read, but noticed: {} segments", noticed.len())?;
        }
        for n in noticed {
            writeln!(
                f,
                "  {} {} {} ({}): {}",
                n.ordinal, n.loop_id, n.kind, n.detail, n.segment
            )?;
        }
        if let Some(why) = self.change.plan_deletes_withheld {
            writeln!(f, "No row of the plan is deleted: {why}")?;
        }
        if let Some(why) = self.change.pat_plan_deletes_withheld {
            writeln!(f, "No override of the patient plan is deleted: {why}")?;
        }
        Ok(())
    }
}

impl BenefitsClient {
    /// The writes that make the plan (and the patient plan, for a dependent's 271) say what
    /// a 271 read by [`read_271`](crate::opendental::eligibility::read_271) says: a reconcile
    /// per owner ([`BenefitsClient::diff_in_year`]) in the plan's benefit year, with the
    /// dropped segments beside it. Rows the 271 does not mention are kept, unless `options`
    /// deletes them.
    ///
    /// Unlike Open Dental's own import, which only adds (a changed percent becomes a second
    /// row), reconcile updates the row in each slot, and never writes twice. Open Dental's
    /// import also skips a patient-plan row whose key equals a plan-level row's; reconcile
    /// writes the override the 271 gives, whatever the plan holds.
    ///
    /// A dependent's 271 speaks for that patient only: it never plans deletes of the plan's
    /// rows, which every subscriber of the plan shares, whatever `options` says (the patient
    /// plan's overrides follow `options`). A 271 is taken as a dependent's when it was read as
    /// one ([`Eligibility::dependent`]), or shows a dependent's loop (2110D, or JSON entries of
    /// unknown loop, or a JSON `dependents` entry). Nor does one that gives no rows, one cut
    /// short (no SE after its last EB), one that left out a segment about a benefit the owner
    /// may hold (unread, or a row the SDK does not write: [`DeletesWithheld::SegmentLeftOut`]),
    /// or one where the carrier could not answer for a service type; the same holds for the
    /// patient plan's overrides. The change says which
    /// ([`EligibilityChange::plan_deletes_withheld`], `pat_plan_deletes_withheld`).
    ///
    /// The change carries what the 271 says of the plan and the plan's group number: check
    /// [`EligibilityChange::findings`] before applying.
    ///
    /// Requests: one cached `GET /insplans/{PlanNum}` for the benefit year and group number,
    /// and the list pages of each owner.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the 271 gives patient-plan overrides and no `pat_plan`
    /// is given; the errors of [`BenefitsClient::ins_plan`] and [`BenefitsClient::diff_in_year`].
    pub async fn diff_from_271(
        &self,
        plan: PlanNum,
        pat_plan: Option<PatPlanNum>,
        read: &Eligibility,
        options: DiffOptions,
    ) -> Result<EligibilityChange, Error> {
        let overrides: Vec<_> = read.shapes(OwnerKind::PatPlan).collect();
        if !overrides.is_empty() && pat_plan.is_none() {
            Violations::one(
                "PatPlanNum",
                "needed: the 271 was read for a dependent, so its rows not marked Family are \
                 that patient's overrides",
            )
            .into_result()?;
        }
        let ins_plan = self.ins_plan(plan).await?;
        let year = ins_plan.benefit_year();
        let plan_rows = read.shapes(OwnerKind::Plan);
        // A dependent's 271 says nothing of the rows the plan's other members share.
        let withheld = options
            .deletes
            .then(|| deletes_withheld(read, Owned::Plan))
            .flatten();
        let plan_options = options.deletes(options.deletes && withheld.is_none());
        let pat_withheld = (options.deletes && pat_plan.is_some() && !overrides.is_empty())
            .then(|| deletes_withheld(read, Owned::PatPlan))
            .flatten();
        let pat_options = options.deletes(options.deletes && pat_withheld.is_none());
        let plan = self
            .diff_in_year(Owner::Plan(plan), year, plan_rows, plan_options)
            .await?;
        let pat_plan = match pat_plan {
            Some(p) if !overrides.is_empty() => Some(
                self.diff_in_year(Owner::PatPlan(p), year, overrides, pat_options)
                    .await?,
            ),
            _ => None,
        };
        Ok(EligibilityChange {
            plan,
            pat_plan,
            dropped: read.dropped.clone(),
            noticed: read.findings.clone(),
            group: read.plan.group_finding(&ins_plan.group_num),
            carrier: CarrierPlan {
                group_number: None,
                group_number_withheld: read.plan.group_number.is_some()
                    || read.plan.group_number_withheld,
                ..read.plan.clone()
            },
            plan_deletes_withheld: withheld,
            pat_plan_deletes_withheld: pat_withheld,
        })
    }
}

/// Whose rows a delete would take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owned {
    Plan,
    PatPlan,
}

/// Why a 271 may not delete the rows of `owned` it does not mention, whatever the caller's
/// flag; `None` when it may: it gave rows, its transaction ends, no segment about a benefit
/// was left out, the carrier answered for every service type, and (for the plan) it shows no
/// sign of a dependent's answer.
fn deletes_withheld(read: &Eligibility, owned: Owned) -> Option<DeletesWithheld> {
    let loops = read.rows.iter().map(|r| r.loop_id);
    let dependent_loop = loops
        .chain(read.dropped.iter().map(|d| d.loop_id))
        .any(|l| l == BenefitLoop::Dependent);
    let unknown_loop = read
        .dropped
        .iter()
        .any(|d| d.reason == DropReason::UnknownLoop);
    let dependent = read.dependent || read.shows_dependent || dependent_loop || unknown_loop;
    if owned == Owned::Plan && dependent {
        return Some(DeletesWithheld::DependentAnswer);
    }
    if read.rows.is_empty() {
        return Some(DeletesWithheld::NoRows);
    }
    if !read.ended {
        return Some(DeletesWithheld::CutShort);
    }
    if let Some(left) = read.dropped.iter().find(|d| withholds(d.reason)) {
        return Some(DeletesWithheld::SegmentLeftOut(left.reason));
    }
    let rejected = read
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::BenefitRejected);
    rejected.then_some(DeletesWithheld::ServiceTypeRejected)
}

/// Whether a segment left out for `reason` may be about a row the owner holds, so that no
/// row is deleted. Every reason is named here: a new one must be placed.
fn withholds(reason: DropReason) -> bool {
    use DropReason::*;
    match reason {
        // Cannot be about the owner's rows: another network, coverage level, member or
        // transaction; another segment gives the slot's row; an amount Open Dental holds no
        // row for (remaining, year to date, out-of-pocket, a description…).
        OutOfNetwork
        | InNetwork
        | UnsupportedCoverageLevel
        | OtherPatientLoop
        | UnknownLoop
        | AfterFirstTransaction
        | Duplicate
        | Conflicting
        | UnsupportedTimePeriod
        | UnsupportedEb01 => false,
        // About a benefit the owner may hold, unread or not written.
        UnsupportedServiceType
        | UnsupportedQuantityQualifier
        | ActiveCoverageGeneral
        | ActiveCoverageCode
        | PercentWithoutCategory
        | CopayOrCoinsuranceAmount
        | LimitationWithoutAmount
        | QuantityWithoutQualifier
        | QualifierWithoutQuantity
        | QuantityTooLarge
        | HsdQuantityTooLarge
        | HsdIncomplete
        | UnknownEb01
        | HsdUnknownTimePeriod
        | ApiPercentNotCoinsurance
        | ApiPercentOutOfRange
        | ApiQuantityOver100
        | ApiCategoryWithCode
        | ApiAgeLimitWithoutAge
        | HsdUnsupportedFrequency
        | NumberNotX12
        | UnknownServiceType
        | AgeLimitNotRead
        | VisitsNotRead
        | HsdWithoutCode
        | TransactionNotEnded
        | PaddedSegmentId
        | NumberOutOfRange
        | NegativeAmount
        | UnknownProcedureCode
        | WaitingPeriodNotStated
        | ActiveCoverageRepeated => true,
    }
}
