//! The endpoints: one file per resource, one `impl BenefitsClient` block each, and the one
//! listing loop every paged endpoint uses (`paging.rs`).

pub(crate) mod benefits;
pub(crate) mod catalog;
pub(crate) mod claimprocs;
mod codegroups;
mod covcats;
mod coverage;
mod eligibility;
mod etranss;
mod insplans;
#[cfg(feature = "od-24-2")]
mod insurance;
pub(crate) mod paging;
pub(crate) mod preferences;
mod procedurecodes;
