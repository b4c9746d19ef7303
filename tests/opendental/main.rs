//! The Open Dental client, its fakes and reconcile, end to end: one test binary.

#[path = "../common/mod.rs"]
mod common;

mod apply_safety;
mod cascade;
mod eligibility;
mod eligibility_edges;
mod eligibility_expected;
mod eligibility_json;
mod eligibility_office;
mod eligibility_rules;
mod eligibility_used;
mod insurance;
mod insurance_adjust;
mod insurance_demo;
mod insurance_more;
mod insurance_properties;
mod insurance_used;
mod listing;
mod lookups;
mod mock_opendental;
mod offices;
mod opendental_client;
mod opendental_models;
mod opendental_validation;
mod reconcile;
mod reconcile_properties;
mod reconcile_stored;
mod sync_regressions;
mod versions;
mod write_outcomes;
