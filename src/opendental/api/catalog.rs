//! The office's lookups read through the client, cached per client: coverage categories, code
//! groups and insurance plans. Read-only: nothing here writes to them.

#[cfg(feature = "od-23-2")]
use std::sync::Arc;

use futures_util::TryStreamExt;
use reqwest::Method;
use tokio::time::Instant;

use crate::opendental::client::cache::Cached;
#[cfg(feature = "od-23-2")]
use crate::opendental::client::cache::cached;

use crate::error::{Error, LookupError, LookupErrorKind, Violations};
use crate::opendental::BenefitsClient;
#[cfg(feature = "od-23-3")]
use crate::opendental::api::paging::Unordered;
use crate::opendental::api::paging::{Cursor, Listing};
use crate::opendental::client::version;
#[cfg(feature = "od-23-3")]
use crate::opendental::meaning::summary::Names;
use crate::opendental::model::benefit::PlanNum;
use crate::opendental::model::lookups::InsPlan;
#[cfg(feature = "od-23-2")]
use crate::opendental::model::lookups::{self, CodeGroup, CodeGroupFixed};
#[cfg(feature = "od-23-3")]
use crate::opendental::model::lookups::{CovCat, EbenefitCategory};

impl BenefitsClient {
    /// The office's coverage categories, `GET /covcats`, every page: cached for the client's
    /// lookup TTL ([`BenefitsClientBuilder::lookup_ttl`](crate::opendental::BenefitsClientBuilder::lookup_ttl),
    /// one hour by default). Open Dental 23.3.8.
    ///
    /// Open Dental documents no paging or order for this list; the client asks in pages
    /// anyway and stops at a short page, or at a page that only repeats categories it has
    /// (a server that ignores `Offset` sends them all again).
    ///
    /// # Errors
    /// Transport, decode and API errors, as for every call (a 400 from an office older than
    /// 23.3.8); [`Error::Paging`] when a page repeats some categories but not all.
    #[cfg(feature = "od-23-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn cov_cats(&self) -> Result<Arc<[CovCat]>, Error> {
        self.gate(version::COV_CATS)?;
        let catalog = self.catalog();
        cached(&catalog.cov_cats, catalog.ttl, async {
            let listing = Listing::new("covcats", "GET /covcats");
            let cats: Vec<CovCat> = self
                .pages(Ok(listing), Unordered::new(self.page_size()))
                .try_collect()
                .await?;
            Ok(cats.into())
        })
        .await
    }

    /// The coverage category Open Dental itself uses for an electronic benefit category: the
    /// first visible one by `CovOrder` (`CovCats.GetForEbenCat`). Open Dental 23.3.8.
    ///
    /// # Errors
    /// [`Error::Lookup`] of kind [`LookupErrorKind::NotFound`] when no visible category
    /// stands for it (the office has not set it up), listing the visible ones; the errors of
    /// [`BenefitsClient::cov_cats`].
    #[cfg(feature = "od-23-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn cov_cat_for(&self, category: EbenefitCategory) -> Result<CovCat, Error> {
        lookups::category_for(&self.cov_cats().await?, &category)
    }

    /// The visible coverage category with exactly this description. Descriptions are the
    /// office's own labels and can change; prefer [`BenefitsClient::cov_cat_for`] where the
    /// category has an electronic benefit category (those linked to None, like "Implants",
    /// have only their description). Open Dental 23.3.8.
    ///
    /// # Errors
    /// [`Error::Lookup`]: [`LookupErrorKind::NotFound`] listing the visible categories, or
    /// [`LookupErrorKind::Ambiguous`] listing the ones that match; the errors of
    /// [`BenefitsClient::cov_cats`].
    #[cfg(feature = "od-23-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn cov_cat_named(&self, description: &str) -> Result<CovCat, Error> {
        lookups::category_named(&self.cov_cats().await?, description)
    }

    /// The office's code groups, `GET /codegroups`, every page in CodeGroupNum order, with
    /// the same no-row-missed guarantee as [`BenefitsClient::list`]: cached for the client's
    /// lookup TTL. Open Dental 23.2.62.
    ///
    /// # Errors
    /// Transport, decode and API errors; [`Error::Paging`] for a server that breaks paging.
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub async fn code_groups(&self) -> Result<Arc<[CodeGroup]>, Error> {
        self.gate(version::CODE_GROUPS)?;
        let catalog = self.catalog();
        cached(&catalog.code_groups, catalog.ttl, async {
            let listing = Listing::new("codegroups", "GET /codegroups");
            let groups: Vec<CodeGroup> = self
                .pages(Ok(listing), Cursor::new(self.page_size()))
                .try_collect()
                .await?;
            Ok(groups.into())
        })
        .await
    }

    /// The code group Open Dental itself uses for a fixed kind: the first visible one by
    /// `ItemOrder` (`GetCodeGroupNumForCodeGroupFixed`). Before writing a frequency
    /// limitation on it, check [`CodeGroup::for_frequency`]; for an age limit,
    /// `show_in_age_limit`. Open Dental 23.2.62.
    ///
    /// # Errors
    /// [`Error::Lookup`] of kind [`LookupErrorKind::NotFound`], listing the visible groups;
    /// the errors of [`BenefitsClient::code_groups`].
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub async fn code_group_for(&self, fixed: CodeGroupFixed) -> Result<CodeGroup, Error> {
        lookups::code_group_for(&self.code_groups().await?, &fixed)
    }

    /// The visible code group with exactly this name: how groups without a fixed kind (Crown,
    /// Dentures, Implants, Cancer Screening) are found. Open Dental 23.2.62.
    ///
    /// # Errors
    /// [`Error::Lookup`]: [`LookupErrorKind::NotFound`] listing the visible groups, or
    /// [`LookupErrorKind::Ambiguous`] listing the ones with that name; the errors of
    /// [`BenefitsClient::code_groups`].
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub async fn code_group_named(&self, name: &str) -> Result<CodeGroup, Error> {
        lookups::code_group_named(&self.code_groups().await?, name)
    }

    /// The office's names for its categories and code groups, for a
    /// [`PlanSummary`](crate::opendental::PlanSummary) in words (two cached lookups). Open Dental 23.3.8.
    ///
    /// # Errors
    /// The errors of [`BenefitsClient::cov_cats`] and [`BenefitsClient::code_groups`].
    #[cfg(feature = "od-23-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn names(&self) -> Result<Names, Error> {
        let cats = self.cov_cats().await?;
        let groups = self.code_groups().await?;
        Ok(Names::from_lookups(&cats).with_code_groups(&groups))
    }

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

    /// Drops every cached lookup: the next call reads the office again. Call it after the
    /// office changes its categories, code groups or plans, or when a write is refused for a
    /// key the cache still holds.
    pub async fn refresh_lookups(&self) {
        let catalog = self.catalog();
        #[cfg(feature = "od-23-3")]
        {
            *catalog.cov_cats.lock().await = None;
        }
        #[cfg(feature = "od-23-2")]
        {
            *catalog.code_groups.lock().await = None;
        }
        catalog.plans.lock().await.clear();
    }
}
