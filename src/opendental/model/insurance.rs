//! The rows behind a patient's insurance used, pending and remaining: claim procedures
//! (`GET /claimprocs`), procedures (`GET /procedurelogs`), patient plans (`GET /patplans`),
//! subscriptions (`GET /inssubs/{n}`), a patient's coverage (`GET
//! /familymodules/{PatNum}/Insurance`), coverage spans (`GET /covspans`), a family's members
//! (`GET /patients/Simple?Guarantor=`), and the body of `PUT /claimprocs/InsAdjust`.
//!
//! Member data is kept out: no subscriber ID, name, note or relationship is read, so none can
//! be printed.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

use crate::macros::{typed_id, wire_enum};
use crate::opendental::model::benefit::{CodeNum, CovCatNum, PatPlanNum, PlanNum};
use crate::opendental::model::etrans::{InsSubNum, PatNum};
use crate::opendental::model::wire;

typed_id!(
    /// `claimproc.ClaimProcNum`: what one insurance paid or will pay for one procedure (or an
    /// adjustment of the year's used benefits).
    ClaimProcNum
);
typed_id!(
    /// `procedurelog.ProcNum`: one procedure of a patient.
    ProcNum
);
typed_id!(
    /// `claim.ClaimNum`: a claim.
    ClaimNum
);
typed_id!(
    /// `covspan.CovSpanNum`: a range of procedure codes of a coverage category.
    CovSpanNum
);

wire_enum!(
    /// What a claim procedure is (`claimproc.Status`), in Open Dental's order (database 0–9).
    ClaimProcStatus {
        /// On a claim sent and not yet paid: its estimate is "pending".
        NotReceived,
        /// Paid.
        Received,
        /// A preauthorization.
        Preauth,
        /// An adjustment of the year's used benefits (no procedure, no claim).
        Adjustment,
        /// A supplemental payment.
        Supplemental,
        /// A capitation claim.
        CapClaim,
        /// An estimate on a treatment plan or a procedure not yet on a claim.
        Estimate,
        /// Capitation, complete.
        CapComplete,
        /// Capitation, estimate.
        CapEstimate,
        /// History entered by hand (insurance history): counts for the deductible only.
        InsHist,
    }
);

/// One claim procedure, as far as used benefits need it (`GET /claimprocs`, Open Dental
/// 22.2.33). The other ~30 fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClaimProc {
    /// The key.
    #[serde(rename = "ClaimProcNum")]
    pub claim_proc_num: ClaimProcNum,
    /// The procedure it pays for; `None` for an adjustment.
    #[serde(rename = "ProcNum", with = "wire::fk", default)]
    pub proc_num: Option<ProcNum>,
    /// The claim; `None` for an adjustment or an estimate.
    #[serde(rename = "ClaimNum", with = "wire::fk", default)]
    pub claim_num: Option<ClaimNum>,
    /// The patient.
    #[serde(rename = "PatNum")]
    pub pat_num: PatNum,
    /// The plan the row names (Open Dental's display uses the patient plan's instead).
    #[serde(rename = "PlanNum", with = "wire::fk", default)]
    pub plan_num: Option<PlanNum>,
    /// The subscription.
    #[serde(rename = "InsSubNum", with = "wire::fk", default)]
    pub ins_sub_num: Option<InsSubNum>,
    /// What it is.
    #[serde(rename = "Status")]
    pub status: ClaimProcStatus,
    /// The procedure's date (an adjustment's own date); `None` for the zero date.
    #[serde(rename = "ProcDate", with = "wire::date", default)]
    pub proc_date: Option<NaiveDate>,
    /// What insurance is estimated to pay.
    #[serde(rename = "InsPayEst", with = "wire::amount", default)]
    pub ins_pay_est: Decimal,
    /// What insurance paid (an adjustment's amount; may be negative).
    #[serde(rename = "InsPayAmt", with = "wire::amount", default)]
    pub ins_pay_amt: Decimal,
    /// The deductible applied.
    #[serde(rename = "DedApplied", with = "wire::amount", default)]
    pub ded_applied: Decimal,
    /// The code sent on the claim (may be an alternate code; not what Open Dental's display
    /// reads).
    #[serde(rename = "CodeSent", default)]
    pub code_sent: String,
}

impl ClaimProc {
    /// A row with no procedure, claim, plan, date or amounts (for fakes and tests; real ones
    /// come from [`BenefitsClient::claim_procs`](crate::opendental::BenefitsClient::claim_procs)).
    pub fn new(claim_proc_num: ClaimProcNum, pat_num: PatNum, status: ClaimProcStatus) -> Self {
        ClaimProc {
            claim_proc_num,
            proc_num: None,
            claim_num: None,
            pat_num,
            plan_num: None,
            ins_sub_num: None,
            status,
            proc_date: None,
            ins_pay_est: Decimal::ZERO,
            ins_pay_amt: Decimal::ZERO,
            ded_applied: Decimal::ZERO,
            code_sent: String::new(),
        }
    }
}

/// One procedure, as far as used benefits need it (`GET /procedurelogs`, Open Dental 21.1):
/// its code. The fee, tooth and notes are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProcedureLog {
    /// The key.
    #[serde(rename = "ProcNum")]
    pub proc_num: ProcNum,
    /// The patient.
    #[serde(rename = "PatNum")]
    pub pat_num: PatNum,
    /// The procedure code.
    #[serde(rename = "CodeNum", with = "wire::fk", default)]
    pub code_num: Option<CodeNum>,
    /// The code's text, e.g. `D0120`.
    #[serde(rename = "procCode", default)]
    pub proc_code: String,
    /// The procedure's date.
    #[serde(rename = "ProcDate", with = "wire::date", default)]
    pub proc_date: Option<NaiveDate>,
}

impl ProcedureLog {
    /// A procedure with no date (for fakes and tests).
    pub fn new(
        proc_num: ProcNum,
        pat_num: PatNum,
        code_num: CodeNum,
        proc_code: impl Into<String>,
    ) -> Self {
        ProcedureLog {
            proc_num,
            pat_num,
            code_num: Some(code_num),
            proc_code: proc_code.into(),
            proc_date: None,
        }
    }
}

/// A patient's coverage by a subscription (`GET /patplans`, Open Dental 22.4.27). Its
/// relationship and patient ID are not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PatPlan {
    /// The key.
    #[serde(rename = "PatPlanNum")]
    pub pat_plan_num: PatPlanNum,
    /// The patient.
    #[serde(rename = "PatNum")]
    pub pat_num: PatNum,
    /// 1 for primary, 2 for secondary…
    #[serde(rename = "Ordinal", default)]
    pub ordinal: u8,
    /// The subscription.
    #[serde(rename = "InsSubNum")]
    pub ins_sub_num: InsSubNum,
}

impl PatPlan {
    /// A patient plan (for fakes and tests).
    pub fn new(
        pat_plan_num: PatPlanNum,
        pat_num: PatNum,
        ordinal: u8,
        ins_sub_num: InsSubNum,
    ) -> Self {
        PatPlan {
            pat_plan_num,
            pat_num,
            ordinal,
            ins_sub_num,
        }
    }
}

/// A subscriber's enrolment in a plan (`GET /inssubs/{InsSubNum}`, Open Dental 22.4.28). The
/// subscriber ID, notes and release flags are not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InsSub {
    /// The key.
    #[serde(rename = "InsSubNum")]
    pub ins_sub_num: InsSubNum,
    /// The plan.
    #[serde(rename = "PlanNum")]
    pub plan_num: PlanNum,
    /// The subscriber (a patient).
    #[serde(rename = "Subscriber")]
    pub subscriber: PatNum,
    /// When coverage starts, if set (Open Dental's display ignores it).
    #[serde(rename = "DateEffective", with = "wire::date", default)]
    pub date_effective: Option<NaiveDate>,
    /// When coverage ends, if set (Open Dental's display ignores it).
    #[serde(rename = "DateTerm", with = "wire::date", default)]
    pub date_term: Option<NaiveDate>,
}

impl InsSub {
    /// A subscription with no dates (for fakes and tests).
    pub fn new(ins_sub_num: InsSubNum, plan_num: PlanNum, subscriber: PatNum) -> Self {
        InsSub {
            ins_sub_num,
            plan_num,
            subscriber,
            date_effective: None,
            date_term: None,
        }
    }
}

/// One row of a patient's coverage (`GET /familymodules/{PatNum}/Insurance`, Open Dental
/// 21.4): the keys that tie patient, patient plan, subscription and plan together. Names,
/// subscriber ID, notes, carrier and fee schedules are not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Coverage {
    /// The patient plan.
    #[serde(rename = "PatPlanNum")]
    pub pat_plan_num: PatPlanNum,
    /// The subscription.
    #[serde(rename = "InsSubNum")]
    pub ins_sub_num: InsSubNum,
    /// The subscriber (a patient).
    #[serde(rename = "Subscriber", with = "wire::fk", default)]
    pub subscriber: Option<PatNum>,
    /// The plan.
    #[serde(rename = "PlanNum")]
    pub plan_num: PlanNum,
    /// 1 for primary, 2 for secondary…
    #[serde(rename = "Ordinal", default)]
    pub ordinal: u8,
}

/// A coverage category's range of codes (`GET /covspans`, Open Dental 24.1.19): a code is in
/// it when `from_code ≤ code ≤ to_code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CovSpan {
    /// The key.
    #[serde(rename = "CovSpanNum")]
    pub cov_span_num: CovSpanNum,
    /// Its category.
    #[serde(rename = "CovCatNum")]
    pub cov_cat_num: CovCatNum,
    /// The first code (need not be a real code).
    #[serde(rename = "FromCode", default)]
    pub from_code: String,
    /// The last code.
    #[serde(rename = "ToCode", default)]
    pub to_code: String,
}

impl CovSpan {
    /// A span (for fakes and tests).
    pub fn new(
        cov_span_num: CovSpanNum,
        cov_cat_num: CovCatNum,
        from_code: impl Into<String>,
        to_code: impl Into<String>,
    ) -> Self {
        CovSpan {
            cov_span_num,
            cov_cat_num,
            from_code: from_code.into(),
            to_code: to_code.into(),
        }
    }
}

/// A member of a family (`GET /patients/Simple?Guarantor=`, Open Dental 21.2, the filter
/// 22.4.19): keys only; names, birth dates and contact details are not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FamilyMember {
    /// The patient.
    #[serde(rename = "PatNum")]
    pub pat_num: PatNum,
    /// The family's guarantor.
    #[serde(rename = "Guarantor", with = "wire::fk", default)]
    pub guarantor: Option<PatNum>,
}

/// The body of `PUT /claimprocs/InsAdjust` (Open Dental 21.1): the **totals** of the benefit
/// year holding `date` that the patient plan's patient has used, which the office reaches by
/// adding, changing or deleting one Adjustment claim procedure. Sent by
/// [`BenefitsClient::set_insurance_used`](crate::opendental::BenefitsClient::set_insurance_used).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InsAdjust {
    /// The patient plan (from [`Coverage`] or [`PatPlan`]).
    pub pat_plan: PatPlanNum,
    /// The benefits used this benefit year, in total (not a change).
    pub ins_used: Option<Decimal>,
    /// The deductible used this benefit year, in total.
    pub deductible_used: Option<Decimal>,
    /// A day of the benefit year meant, and the date of an adjustment created; `None`: the
    /// office's today.
    pub date: Option<NaiveDate>,
}

impl InsAdjust {
    /// Sets nothing yet: add [`InsAdjust::ins_used`] and/or [`InsAdjust::deductible_used`].
    pub fn new(pat_plan: PatPlanNum) -> Self {
        InsAdjust {
            pat_plan,
            ins_used: None,
            deductible_used: None,
            date: None,
        }
    }

    /// The benefits used this year, in total.
    pub fn ins_used(mut self, total: Decimal) -> Self {
        self.ins_used = Some(total);
        self
    }

    /// The deductible used this year, in total.
    pub fn deductible_used(mut self, total: Decimal) -> Self {
        self.deductible_used = Some(total);
        self
    }

    /// The day whose benefit year is meant (and the date of a new adjustment).
    pub fn on(mut self, date: NaiveDate) -> Self {
        self.date = Some(date);
        self
    }
}

/// The wire form: `PatPlanNum` an integer, the amounts as strings (the vendor page's example:
/// `"insUsed":"300"`), `date` as `"yyyy-MM-dd"`; an unset amount or date is left out.
impl Serialize for InsAdjust {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("PatPlanNum", &self.pat_plan.get())?;
        if let Some(used) = &self.ins_used {
            map.serialize_entry("insUsed", &used.normalize().to_string())?;
        }
        if let Some(used) = &self.deductible_used {
            map.serialize_entry("deductibleUsed", &used.normalize().to_string())?;
        }
        if let Some(date) = &self.date {
            map.serialize_entry("date", &date.format("%Y-%m-%d").to_string())?;
        }
        map.end()
    }
}
