//! A patient's insurance used, pending and remaining, as Open Dental shows them (Account
//! module, Insurance Remaining window): the figures of one patient plan and the claim
//! procedures behind each. Pure: `rules.rs` is the port of Open Dental's C# (each function
//! cites the method it follows), run on rows the client read
//! ([`BenefitsClient::insurance_summary`](crate::opendental::BenefitsClient::insurance_summary)).
//!
//! With the `od-24-2` feature (the summary reads `GET /covspans`, Open Dental 24.1.19).
//!
//! Member data stays out: a row is its keys, status, date, amounts and procedure code.
//!
//! Where the port and Open Dental can part (both rare, both said here):
//! - The deductible counts the rows of this patient plan's subscription. Open Dental's
//!   (`GetDeductGeneralDisplay`) counts every row of the plan in the patient's history, so a
//!   patient with two subscriptions to one plan has both counted there.
//! - A deductible row with a CodeGroupNum is never the general deductible, as from Open Dental
//!   24.3; offices from 23.2.62 to 24.2 still take one.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::opendental::model::benefit::{BenefitNum, CovCatNum, PatPlanNum, PlanNum};
use crate::opendental::model::etrans::{InsSubNum, PatNum};
use crate::opendental::model::insurance::{ClaimProcNum, ClaimProcStatus, CovSpanNum};

pub(crate) mod rules;

/// What a patient has used of each of their plans, as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InsuranceSummary {
    /// The patient.
    pub pat_num: PatNum,
    /// The day the benefit years are taken around.
    pub as_of: NaiveDate,
    /// One entry per patient plan, by Ordinal (primary first). Open Dental's windows show the
    /// first two.
    pub plans: Vec<PlanUsed>,
}

/// A benefit year: from `start` (a renew date) up to, not including, `end` (a year later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct BenefitWindow {
    /// The first day (`BenefitLogic.ComputeRenewDate`).
    pub start: NaiveDate,
    /// The day after the last.
    pub end: NaiveDate,
}

impl BenefitWindow {
    /// True when `day` falls in the window.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day < self.end
    }
}

/// An amount of a plan's benefits and the benefit row it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FromRow {
    /// The amount.
    pub amount: Decimal,
    /// The row.
    pub benefit: BenefitNum,
}

/// One patient plan's figures, as Open Dental shows them, and the rows behind them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanUsed {
    /// The patient plan.
    pub pat_plan: PatPlanNum,
    /// Its subscription.
    pub ins_sub: InsSubNum,
    /// Its plan.
    pub plan: PlanNum,
    /// 1 for primary, 2 for secondary…
    pub ordinal: u8,
    /// The plan's `MonthRenew` (0: calendar year).
    pub month_renew: u8,
    /// The benefit year holding the as-of day.
    pub window: BenefitWindow,
    /// The individual annual maximum (`None`: blank), and its row.
    pub annual_max: Option<FromRow>,
    /// The family annual maximum, shown apart; it takes no part in `remaining`.
    pub family_max: Option<FromRow>,
    /// Paid in the year (Received, Supplemental, Adjustment), less excluded codes.
    pub used: Decimal,
    /// Estimated on claims not yet received (NotReceived), less excluded codes.
    pub pending: Decimal,
    /// `max(0, annual max − used − pending)`; `None` with no individual annual maximum.
    pub remaining: Option<Decimal>,
    /// The individual general deductible, and its row.
    pub deductible: Option<FromRow>,
    /// The family general deductible, and its row.
    pub family_deductible: Option<FromRow>,
    /// The deductible the patient's rows applied in the year (every history status).
    pub deductible_used: Decimal,
    /// The deductible every row read applied in the year (the family's when
    /// `family_rows_read`, else the patient's).
    pub family_deductible_used: Decimal,
    /// `max(0, deductible − deductible_used)`; `None` with no individual deductible.
    pub deductible_remaining: Option<Decimal>,
    /// `max(0, family deductible − family_deductible_used)`; `None` with no family deductible
    /// (Open Dental never shows it alone).
    pub family_deductible_remaining: Option<Decimal>,
    /// What Open Dental shows as "Ded Remain": the individual remaining, capped by the family
    /// one when the plan has one; `None` with no individual deductible.
    pub deductible_remaining_shown: Option<Decimal>,
    /// True when a benefit of the plan or patient plan has CoverageLevel Family, so the other
    /// members' rows on the subscription were read (for the family deductible). A member no
    /// longer on the subscription is missed (the API lists patient plans, not past ones).
    pub family_rows_read: bool,
    /// Every claim procedure of the year that counts for some figure, in ClaimProcNum order.
    pub rows: Vec<CountedRow>,
}

/// A claim procedure of the benefit year and what it counts for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CountedRow {
    /// The row.
    pub claim_proc: ClaimProcNum,
    /// Its patient (another member's, for a family row).
    pub pat_num: PatNum,
    /// Its status.
    pub status: ClaimProcStatus,
    /// Its date.
    pub proc_date: NaiveDate,
    /// The amount taken: InsPayEst when NotReceived, else InsPayAmt.
    pub amount: Decimal,
    /// The deductible it applied.
    pub deductible: Decimal,
    /// Its procedure's code (`None` for an adjustment, or a procedure not read).
    pub proc_code: Option<String>,
    /// What it counts for.
    pub counts: Counts,
}

/// What a row of the year counts for. Every row counts for the deductible used (the
/// patient's rows for the individual one, all rows for the family one).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Counts {
    /// Used (Received, Supplemental, Adjustment).
    Used,
    /// Pending (NotReceived).
    Pending,
    /// Left out of used or pending by a limitation on its code (`was_pending` for a
    /// NotReceived row).
    Excluded {
        /// Why.
        reason: Exclusion,
        /// True for a NotReceived row (it would have been pending).
        was_pending: bool,
    },
    /// An InsHist row: the deductible only.
    DeductibleOnly,
    /// Another family member's row: the family deductible only.
    FamilyDeductibleOnly,
}

/// Why a row's code is left out of used and pending (`Benefits.LimitationExistsNotGeneral`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exclusion {
    /// A limitation on the code itself.
    CodeLimitation {
        /// The limitation.
        benefit: BenefitNum,
    },
    /// A limitation on a category (not General, not None) whose span holds the code (an ortho
    /// lifetime maximum, a yearly category maximum).
    CategoryLimitation {
        /// The limitation.
        benefit: BenefitNum,
        /// Its category.
        cov_cat: CovCatNum,
        /// The span holding the code.
        span: CovSpanNum,
    },
}
