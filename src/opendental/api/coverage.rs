//! Who is covered by what: `GET /familymodules/{PatNum}/Insurance`, `GET /patplans`,
//! `GET /inssubs/{InsSubNum}`, `GET /inssubs?PlanNum=`, `GET /covspans` (cached) and `GET /patients/Simple?Guarantor=`.

#[cfg(feature = "od-24-2")]
use std::sync::Arc;

use futures_util::TryStreamExt;
use reqwest::Method;

use crate::error::{Error, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::api::claimprocs::KEY_RULE;
use crate::opendental::api::paging::{Cursor, Listing, Unordered};
#[cfg(feature = "od-24-2")]
use crate::opendental::client::cache::cached;
use crate::opendental::client::version;
use crate::opendental::model::benefit::PlanNum;
use crate::opendental::model::etrans::{InsSubNum, PatNum};
#[cfg(feature = "od-24-2")]
use crate::opendental::model::insurance::CovSpan;
use crate::opendental::model::insurance::{Coverage, FamilyMember, InsSub, PatPlan};

impl BenefitsClient {
    /// A patient's coverage, `GET /familymodules/{PatNum}/Insurance`: one row per patient
    /// plan with its subscription and plan, sorted here by Ordinal (primary first; the office's
    /// order is not documented). Open Dental 21.4, permission Read All.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PatNum 0; [`Error::Unsupported`] for an office known to be
    /// older than 21.4; transport, decode and API errors.
    pub async fn coverage(&self, patient: PatNum) -> Result<Vec<Coverage>, Error> {
        if patient.get() == 0 {
            Violations::one("PatNum", KEY_RULE).into_result()?;
        }
        self.gate(version::FAMILY_INSURANCE)?;
        let url = self.endpoint(&format!("familymodules/{patient}/Insurance"))?;
        let mut rows: Vec<Coverage> = self
            .call(
                Method::GET,
                "GET /familymodules/{PatNum}/Insurance",
                url,
                None,
            )
            .await?;
        rows.sort_by_key(|r| (r.ordinal, r.pat_plan_num));
        Ok(rows)
    }

    /// A patient's patient plans, `GET /patplans?PatNum=`, every page, in PatPlanNum order
    /// (not Ordinal). Open Dental 22.4.27, permission Read All.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PatNum 0; [`Error::Unsupported`] for an office known to be
    /// older than 22.4.27; [`Error::Paging`]; transport, decode and API errors.
    pub async fn pat_plans_of(&self, patient: PatNum) -> Result<Vec<PatPlan>, Error> {
        self.pat_plans(("PatNum", patient.get())).await
    }

    /// Every patient plan on a subscription (the subscriber and the family members it
    /// covers), `GET /patplans?InsSubNum=`, every page, in PatPlanNum order. Open Dental
    /// 22.4.27, permission Read All.
    ///
    /// # Errors
    /// As [`BenefitsClient::pat_plans_of`], for InsSubNum 0.
    pub async fn pat_plans_on(&self, subscription: InsSubNum) -> Result<Vec<PatPlan>, Error> {
        self.pat_plans(("InsSubNum", subscription.get())).await
    }

    async fn pat_plans(&self, filter: (&'static str, u64)) -> Result<Vec<PatPlan>, Error> {
        if filter.1 == 0 {
            Violations::one(filter.0, KEY_RULE).into_result()?;
        }
        self.gate(version::PAT_PLANS)?;
        let listing = Listing {
            filter: Some(filter),
            ..Listing::new("patplans", "GET /patplans")
        };
        self.pages(Ok(listing), Cursor::new(self.page_size()))
            .try_collect()
            .await
    }

    /// One subscription, `GET /inssubs/{InsSubNum}`: its plan and subscriber. Open Dental
    /// 22.4.28, permission Read All.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for InsSubNum 0; [`Error::is_not_found`] for one the office
    /// does not have; [`Error::Unsupported`] for an office known to be older than 22.4.28;
    /// transport, decode and API errors.
    pub async fn ins_sub(&self, subscription: InsSubNum) -> Result<InsSub, Error> {
        if subscription.get() == 0 {
            Violations::one("InsSubNum", KEY_RULE).into_result()?;
        }
        self.gate(version::INS_SUB)?;
        let url = self.endpoint(&format!("inssubs/{subscription}"))?;
        self.call(Method::GET, "GET /inssubs/{InsSubNum}", url, None)
            .await
    }

    /// Every subscription to a plan (each subscriber's enrolment), `GET /inssubs?PlanNum=`,
    /// every page, in InsSubNum order. Open Dental 22.4.28, permission Read All.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PlanNum 0; [`Error::Unsupported`] for an office known to
    /// be older than 22.4.28; [`Error::Paging`]; transport, decode and API errors.
    pub async fn ins_subs_of(&self, plan: PlanNum) -> Result<Vec<InsSub>, Error> {
        if plan.get() == 0 {
            Violations::one("PlanNum", KEY_RULE).into_result()?;
        }
        self.gate(version::INS_SUBS)?;
        let listing = Listing {
            filter: Some(("PlanNum", plan.get())),
            ..Listing::new("inssubs", "GET /inssubs")
        };
        self.pages(Ok(listing), Cursor::new(self.page_size()))
            .try_collect()
            .await
    }

    /// The members of a family, `GET /patients/Simple?Guarantor=`, every page: keys only (no
    /// name is read). Open Dental 21.2, the `Guarantor` filter 22.4.19; permission Read All.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PatNum 0; [`Error::Unsupported`] for an office known to be
    /// older than 22.4.19; [`Error::Paging`]; transport, decode and API errors.
    pub async fn family_members(&self, guarantor: PatNum) -> Result<Vec<FamilyMember>, Error> {
        if guarantor.get() == 0 {
            Violations::one("Guarantor", KEY_RULE).into_result()?;
        }
        self.gate(version::FAMILY_MEMBERS)?;
        let listing = Listing {
            filter: Some(("Guarantor", guarantor.get())),
            ..Listing::new("patients/Simple", "GET /patients/Simple")
        };
        self.pages(Ok(listing), Unordered::new(self.page_size()))
            .try_collect()
            .await
    }

    /// The office's coverage spans (the code ranges of each coverage category),
    /// `GET /covspans`, every page in CovSpanNum order: cached for the client's lookup TTL,
    /// like the categories. Open Dental 24.1.19, permission Read All.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for an office known to be older than 24.1.19; [`Error::Paging`];
    /// transport, decode and API errors.
    #[cfg(feature = "od-24-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-24-2")))]
    pub async fn cov_spans(&self) -> Result<Arc<[CovSpan]>, Error> {
        self.gate(version::COV_SPANS)?;
        let catalog = self.catalog();
        cached(&catalog.cov_spans, catalog.ttl, async {
            let listing = Listing::new("covspans", "GET /covspans");
            let spans: Vec<CovSpan> = self
                .pages(Ok(listing), Cursor::new(self.page_size()))
                .try_collect()
                .await?;
            Ok(spans.into())
        })
        .await
    }
}
