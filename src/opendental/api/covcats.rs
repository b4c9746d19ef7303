//! `GET /covcats`: the office's coverage categories, cached, and Open Dental's rules to find
//! one. Open Dental 23.3.8.

#![cfg(feature = "od-23-3")]

use std::sync::Arc;

use futures_util::TryStreamExt;

use crate::error::Error;
use crate::opendental::BenefitsClient;
use crate::opendental::api::paging::{Listing, Unordered};
use crate::opendental::client::cache::cached;
use crate::opendental::client::version;
use crate::opendental::model::lookups::{self, CovCat, EbenefitCategory};

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
    /// [`Error::Lookup`] of kind [`LookupErrorKind::NotFound`](crate::LookupErrorKind::NotFound) when no visible category
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
    /// [`Error::Lookup`]: [`LookupErrorKind::NotFound`](crate::LookupErrorKind::NotFound) listing the visible categories, or
    /// [`LookupErrorKind::Ambiguous`](crate::LookupErrorKind::Ambiguous) listing the ones that match; the errors of
    /// [`BenefitsClient::cov_cats`].
    #[cfg(feature = "od-23-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn cov_cat_named(&self, description: &str) -> Result<CovCat, Error> {
        lookups::category_named(&self.cov_cats().await?, description)
    }
}
