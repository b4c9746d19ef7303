//! The office's lookups together: their names for a plan in words, and dropping the cache.
//! Each lookup's endpoint is its own file (`covcats.rs`, `codegroups.rs`, `insplans.rs`).

#[cfg(feature = "od-23-3")]
use crate::error::Error;
use crate::opendental::BenefitsClient;
#[cfg(feature = "od-23-3")]
use crate::opendental::meaning::summary::Names;

impl BenefitsClient {
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

    /// Drops every cached lookup: the next call reads the office again. Call it after the
    /// office changes its categories, code groups, plans, procedure codes or coverage spans, or when a write is refused for a
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
        *catalog.procedure_codes.lock().await = None;
        #[cfg(feature = "od-24-2")]
        {
            *catalog.cov_spans.lock().await = None;
        }
    }
}
