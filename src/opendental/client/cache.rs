//! The lookup cache a client holds: each table kept for the lookup TTL. Read and filled by the
//! endpoints in `api/catalog.rs`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::Error;
use crate::opendental::model::benefit::PlanNum;
#[cfg(feature = "od-24-2")]
use crate::opendental::model::insurance::CovSpan;
#[cfg(feature = "od-23-2")]
use crate::opendental::model::lookups::CodeGroup;
#[cfg(feature = "od-23-3")]
use crate::opendental::model::lookups::CovCat;
use crate::opendental::model::lookups::{InsPlan, ProcedureCode};

/// How long a client keeps a lookup by default.
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// One client's cached lookups. Each table has its own lock, held across the fetch, so tasks
/// that ask at once share one fetch.
pub(crate) struct Catalog {
    pub(crate) ttl: Duration,
    #[cfg(feature = "od-23-3")]
    pub(crate) cov_cats: Mutex<Option<Cached<Arc<[CovCat]>>>>,
    #[cfg(feature = "od-23-2")]
    pub(crate) code_groups: Mutex<Option<Cached<Arc<[CodeGroup]>>>>,
    pub(crate) plans: Mutex<HashMap<PlanNum, Cached<InsPlan>>>,
    pub(crate) procedure_codes: Mutex<Option<Cached<Arc<[ProcedureCode]>>>>,
    #[cfg(feature = "od-24-2")]
    pub(crate) cov_spans: Mutex<Option<Cached<Arc<[CovSpan]>>>>,
}

pub(crate) struct Cached<T> {
    pub(crate) value: T,
    pub(crate) at: Instant,
}

impl<T: Clone> Cached<T> {
    pub(crate) fn fresh(&self, ttl: Duration) -> Option<T> {
        (self.at.elapsed() < ttl).then(|| self.value.clone())
    }
}

/// A table from its slot while fresh, else fetched and kept. The slot stays locked across the
/// fetch, so tasks asking at once share one.
pub(crate) async fn cached<T: Clone>(
    slot: &Mutex<Option<Cached<T>>>,
    ttl: Duration,
    fetch: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let mut slot = slot.lock().await;
    if let Some(value) = slot.as_ref().and_then(|c| c.fresh(ttl)) {
        return Ok(value);
    }
    let value = fetch.await?;
    *slot = Some(Cached {
        value: value.clone(),
        at: Instant::now(),
    });
    Ok(value)
}

impl Catalog {
    pub(crate) fn new(ttl: Duration) -> Self {
        Catalog {
            ttl,
            #[cfg(feature = "od-23-3")]
            cov_cats: Mutex::new(None),
            #[cfg(feature = "od-23-2")]
            code_groups: Mutex::new(None),
            plans: Mutex::new(HashMap::new()),
            procedure_codes: Mutex::new(None),
            #[cfg(feature = "od-24-2")]
            cov_spans: Mutex::new(None),
        }
    }

    pub(crate) fn ttl(&self) -> Duration {
        self.ttl
    }
}
