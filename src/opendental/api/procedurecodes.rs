//! `GET /procedurecodes`: the office's procedure codes, cached. Open Dental 22.3.22.

use std::sync::Arc;

use futures_util::TryStreamExt;

use crate::error::Error;
use crate::opendental::BenefitsClient;
use crate::opendental::api::paging::{Listing, Unordered};
use crate::opendental::client::cache::cached;
use crate::opendental::client::version;
use crate::opendental::model::lookups::ProcedureCode;

impl BenefitsClient {
    /// The office's procedure codes, `GET /procedurecodes`, every page: cached for the
    /// client's lookup TTL. Open Dental 22.3.22.
    ///
    /// The API has no filter by code, so this reads the whole table once (a few pages) and
    /// keeps it. Open Dental lists codes by CodeNum from 23.3.25 and by ProcCode before; the
    /// client pages either order and stops at a short page, or at a page that only repeats
    /// codes it has.
    ///
    /// # Errors
    /// Transport, decode and API errors; [`Error::Paging`] when a page repeats some codes but
    /// not all.
    pub async fn procedure_codes(&self) -> Result<Arc<[ProcedureCode]>, Error> {
        self.gate(version::PROCEDURE_CODES)?;
        let catalog = self.catalog();
        cached(&catalog.procedure_codes, catalog.ttl, async {
            let listing = Listing::new("procedurecodes", "GET /procedurecodes");
            let codes: Vec<ProcedureCode> = self
                .pages(Ok(listing), Unordered::new(self.page_size()))
                .try_collect()
                .await?;
            Ok(codes.into())
        })
        .await
    }
}
