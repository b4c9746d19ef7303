//! A patient's insurance used, pending and remaining, as Open Dental shows them: the reads of
//! the spec's §3 gathered, then the pure port ([`crate::opendental::used`]) run on them.
//! Open Dental 24.1.19 (`GET /covspans`), so behind `od-24-2`.

#![cfg(feature = "od-24-2")]

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::error::{Error, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::api::claimprocs::KEY_RULE;
use crate::opendental::model::benefit::{Benefit, BenefitType};
use crate::opendental::model::etrans::PatNum;
use crate::opendental::model::insurance::{ClaimProc, CovSpan, Coverage, ProcedureLog};
use crate::opendental::model::lookups::CovCat;
use crate::opendental::model::request::BenefitFilter;
use crate::opendental::used::rules::{self, PlanRows};
use crate::opendental::used::{InsuranceSummary, PlanUsed};

/// What one summary reads once and shares between the patient's plans.
#[derive(Default)]
struct Reads {
    /// Each patient's claim procedures (the patient's, then family members' as needed).
    claim_procs: HashMap<PatNum, Vec<ClaimProc>>,
    /// The patient's procedures, once a limitation could exclude a code.
    procedures: Option<Vec<ProcedureLog>>,
}

impl BenefitsClient {
    /// What a patient has used of each of their plans in the benefit year holding `as_of`,
    /// as Open Dental's Account module shows it: per patient plan, the benefit year, the
    /// individual and family annual maximums and the rows they came from, used, pending and
    /// remaining, the individual and family deductibles and what remains of them, and every
    /// claim procedure behind the figures (counted, pending, or excluded with the reason).
    /// The rules are Open Dental's own ([`crate::opendental::used`]).
    ///
    /// Reads (Read All): `GET /familymodules/{PatNum}/Insurance`; per plan the plan (cached),
    /// its benefits by PlanNum and by PatPlanNum; the coverage categories (cached) when a
    /// maximum, deductible or limitation names one; the coverage spans (cached) and
    /// `GET /procedurelogs?PatNum=` only when a limitation could leave a code out of used;
    /// `GET /claimprocs?PatNum=` once; and, only when a benefit has CoverageLevel Family,
    /// `GET /patplans?InsSubNum=` and each other member's claim procedures. A member who left
    /// the subscription but still has claims this year is missed: the API lists the patient
    /// plans there are, not past ones. Needs Open Dental 24.1.19 for the spans (`od-24-2`).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PatNum 0; [`Error::Unsupported`] for an office known to
    /// lack a method read; the errors of each read (transport, decode, API, paging).
    #[cfg_attr(docsrs, doc(cfg(feature = "od-24-2")))]
    pub async fn insurance_summary(
        &self,
        patient: PatNum,
        as_of: NaiveDate,
    ) -> Result<InsuranceSummary, Error> {
        if patient.get() == 0 {
            Violations::one("PatNum", KEY_RULE).into_result()?;
        }
        let coverage = self.coverage(patient).await?;
        let mut reads = Reads::default();
        let mut plans = Vec::with_capacity(coverage.len());
        for row in &coverage {
            plans.push(self.plan_used(patient, row, as_of, &mut reads).await?);
        }
        Ok(InsuranceSummary {
            pat_num: patient,
            as_of,
            plans,
        })
    }

    /// One patient plan's figures.
    async fn plan_used(
        &self,
        patient: PatNum,
        row: &Coverage,
        as_of: NaiveDate,
        reads: &mut Reads,
    ) -> Result<PlanUsed, Error> {
        let plan = self.ins_plan(row.plan_num).await?;
        let mut benefits = self.list_all(BenefitFilter::Plan(row.plan_num)).await?;
        benefits.extend(
            self.list_all(BenefitFilter::PatPlan(row.pat_plan_num))
                .await?,
        );
        let cov_cats = self.cats_for(&benefits).await?;
        let (cov_spans, procedures) = self.spans_for(patient, &benefits, &cov_cats, reads).await?;
        let family = rules::needs_family(&benefits);
        let claim_procs = self.claim_procs_for(patient, row, family, reads).await?;
        Ok(rules::plan_used(&PlanRows {
            patient,
            pat_plan: row.pat_plan_num,
            ins_sub: row.ins_sub_num,
            plan: row.plan_num,
            ordinal: row.ordinal,
            month_renew: plan.month_renew,
            as_of,
            benefits: &benefits,
            cov_cats: &cov_cats,
            cov_spans: &cov_spans,
            claim_procs: &claim_procs,
            procedures: &procedures,
            family_rows_read: family,
        }))
    }

    /// The coverage categories, read (cached) only when a maximum, deductible or limitation
    /// names one: the rules ask a category's EbenefitCat.
    async fn cats_for(&self, benefits: &[Benefit]) -> Result<Arc<[CovCat]>, Error> {
        let named = benefits.iter().any(|b| {
            b.cov_cat_num.is_some()
                && matches!(
                    b.benefit_type,
                    BenefitType::Limitations | BenefitType::Deductible
                )
        });
        if named {
            self.cov_cats().await
        } else {
            Ok(Arc::from(Vec::new()))
        }
    }

    /// The coverage spans (cached) when a category limitation could leave a code out, and the
    /// patient's procedures (read once) when any limitation could.
    async fn spans_for(
        &self,
        patient: PatNum,
        benefits: &[Benefit],
        cats: &[CovCat],
        reads: &mut Reads,
    ) -> Result<(Arc<[CovSpan]>, Vec<ProcedureLog>), Error> {
        let limits: Vec<&Benefit> = benefits
            .iter()
            .filter(|b| rules::could_exclude(b))
            .collect();
        let by_category = limits.iter().any(|b| {
            b.cov_cat_num
                .is_some_and(|c| cats.iter().any(|cat| cat.cov_cat_num == c && !general(cat)))
        });
        let by_code = limits.iter().any(|b| b.code_num.is_some());
        let spans = if by_category {
            self.cov_spans().await?
        } else {
            Arc::from(Vec::new())
        };
        if !(by_category || by_code) {
            return Ok((spans, Vec::new()));
        }
        if reads.procedures.is_none() {
            reads.procedures = Some(self.procedure_logs(patient).await?);
        }
        Ok((spans, reads.procedures.clone().unwrap_or_default()))
    }

    /// The patient's claim procedures (read once per summary), and every other member's on
    /// the subscription when the family's are needed.
    async fn claim_procs_for(
        &self,
        patient: PatNum,
        row: &Coverage,
        family: bool,
        reads: &mut Reads,
    ) -> Result<Vec<ClaimProc>, Error> {
        let mut members = BTreeSet::from([patient]);
        if family {
            for pat_plan in self.pat_plans_on(row.ins_sub_num).await? {
                members.insert(pat_plan.pat_num);
            }
        }
        let mut rows = Vec::new();
        for member in members {
            let read = match reads.claim_procs.entry(member) {
                Entry::Occupied(read) => read.into_mut(),
                Entry::Vacant(slot) => slot.insert(self.claim_procs(member).await?),
            };
            rows.extend(read.iter().cloned());
        }
        Ok(rows)
    }
}

/// A General or None category never leaves a code out.
fn general(cat: &CovCat) -> bool {
    use crate::opendental::model::lookups::EbenefitCategory as E;
    matches!(cat.ebenefit_cat, E::General | E::None)
}
