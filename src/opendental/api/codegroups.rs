//! `GET /codegroups`: the office's code groups, cached, and Open Dental's rules to find one.
//! Open Dental 23.2.62.

#![cfg(feature = "od-23-2")]

use std::sync::Arc;

use futures_util::TryStreamExt;

use crate::error::Error;
use crate::opendental::BenefitsClient;
use crate::opendental::api::paging::{Cursor, Listing};
use crate::opendental::client::cache::cached;
use crate::opendental::client::version;
use crate::opendental::model::lookups::{self, CodeGroup, CodeGroupFixed};

impl BenefitsClient {
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
    /// [`Error::Lookup`] of kind [`LookupErrorKind::NotFound`](crate::LookupErrorKind::NotFound), listing the visible groups;
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
    /// [`Error::Lookup`]: [`LookupErrorKind::NotFound`](crate::LookupErrorKind::NotFound) listing the visible groups, or
    /// [`LookupErrorKind::Ambiguous`](crate::LookupErrorKind::Ambiguous) listing the ones with that name; the errors of
    /// [`BenefitsClient::code_groups`].
    #[cfg(feature = "od-23-2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub async fn code_group_named(&self, name: &str) -> Result<CodeGroup, Error> {
        lookups::code_group_named(&self.code_groups().await?, name)
    }
}
