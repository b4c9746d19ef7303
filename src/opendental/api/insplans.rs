//! `GET /insplans/{PlanNum}` and `GET /insplans`: one insurance plan, for its benefit year,
//! cached per plan.

use futures_util::TryStreamExt;
use reqwest::Method;
use tokio::time::Instant;

use crate::error::{Error, LookupError, LookupErrorKind, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::api::paging::{Cursor, Listing};
use crate::opendental::client::cache::Cached;
use crate::opendental::client::version;
use crate::opendental::model::benefit::PlanNum;
use crate::opendental::model::lookups::InsPlan;

impl BenefitsClient {
    /// One insurance plan, for its `MonthRenew` and so its benefit year
    /// ([`InsPlan::benefit_year`]): cached per plan for the client's lookup TTL.
    ///
    /// With the `od-24-2` feature (Open Dental 24.2.11), and an office not known to be older,
    /// this is `GET /insplans/{PlanNum}`. Otherwise it pages `GET /insplans` (22.3.30), which
    /// lists plans in PlanNum order, and stops at the first page that reaches the plan.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PlanNum 0; [`Error::is_not_found`] for a plan the
    /// office does not have (a 404, or [`Error::Lookup`] when paging the list found none);
    /// transport, decode and API errors.
    pub async fn ins_plan(&self, plan: PlanNum) -> Result<InsPlan, Error> {
        if plan.get() == 0 {
            Violations::one("PlanNum", "must be a key above 0 (0 means no row)").into_result()?;
        }
        let catalog = self.catalog();
        let mut plans = catalog.plans.lock().await;
        if let Some(found) = plans.get(&plan).and_then(|c| c.fresh(catalog.ttl)) {
            return Ok(found);
        }
        #[cfg(feature = "od-24-2")]
        let by_key = self.gate(version::INS_PLAN).is_ok();
        #[cfg(not(feature = "od-24-2"))]
        let by_key = false;
        let found: InsPlan = if by_key {
            let url = self.endpoint(&format!("insplans/{plan}"))?;
            self.call(Method::GET, "GET /insplans/{PlanNum}", url, None)
                .await?
        } else {
            self.ins_plan_from_list(plan).await?
        };
        plans.insert(
            plan,
            Cached {
                value: found.clone(),
                at: Instant::now(),
            },
        );
        Ok(found)
    }

    /// One insurance plan found by paging `GET /insplans` (Open Dental 22.3.30), which lists
    /// plans in PlanNum order, up to the first page that reaches it: the fallback for offices
    /// older than 24.2.11, whatever this build's features. Not cached.
    ///
    /// # Errors
    /// [`Error::Lookup`] of kind [`LookupErrorKind::NotFound`] when the list has no such
    /// plan; [`Error::Paging`] for a server that breaks paging; transport, decode and API
    /// errors.
    pub async fn ins_plan_from_list(&self, plan: PlanNum) -> Result<InsPlan, Error> {
        self.gate(version::INS_PLANS)?;
        // Plans come in PlanNum order: the first at or past `plan` ends the listing.
        let listing = Listing::new("insplans", "GET /insplans");
        let first = self
            .pages(Ok(listing), Cursor::new(self.page_size()))
            .try_skip_while(|p: &InsPlan| std::future::ready(Ok(p.plan_num < plan)))
            .try_next()
            .await?;
        first.filter(|p| p.plan_num == plan).ok_or_else(|| {
            Error::Lookup(LookupError {
                kind: LookupErrorKind::NotFound,
                table: "insurance plan",
                wanted: format!("PlanNum {plan}"),
                candidates: Vec::new(),
            })
        })
    }
}
