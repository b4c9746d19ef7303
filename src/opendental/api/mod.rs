//! The endpoints: one file per resource, one `impl BenefitsClient` block each, and the one
//! listing loop every paged endpoint uses (`paging.rs`).

pub(crate) mod benefits;
pub(crate) mod catalog;
mod codegroups;
mod covcats;
mod eligibility;
mod etranss;
mod insplans;
pub(crate) mod paging;
pub(crate) mod preferences;
mod procedurecodes;
