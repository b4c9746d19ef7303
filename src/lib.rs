//! Typed, async clients for two benefit APIs: Open Dental's Benefits API
//! ([`opendental::BenefitsClient`]) and Cervey Claims API's benefit check
//! ([`cervey::BenefitCheckClient`]).
//!
//! Every request is checked against the API's documented rules before it is sent; responses
//! decode into typed rows (typed keys, decimals for money, `Option` for the API's sentinels);
//! failures are one [`Error`] type you can match on. Idempotent calls are retried with
//! backoff; a POST is sent again only when it provably did not land. Keys, response bodies and
//! member numbers never appear in `Debug`, `Display` or traces.
//!
//! # Jobs → methods
//!
//! | job | method |
//! |---|---|
//! | read a plan's rows | [`BenefitsClient::list_all`](opendental::BenefitsClient::list_all), [`list`](opendental::BenefitsClient::list) (a stream) |
//! | what a row means | [`Benefit::shape`](opendental::Benefit::shape), [`PlanSummary`](opendental::PlanSummary) |
//! | write one row | [`create`](opendental::BenefitsClient::create), [`update`](opendental::BenefitsClient::update), [`delete`](opendental::BenefitsClient::delete) |
//! | keep a plan in step with a carrier's data | [`diff`](opendental::BenefitsClient::diff) → [`Changeset`](opendental::Changeset) → [`apply`](opendental::BenefitsClient::apply), or [`reconcile`](opendental::BenefitsClient::reconcile) |
//! | a carrier's 271 as the plan's benefits | [`eligibility::read_271`](opendental::eligibility::read_271), [`stored_271`](opendental::BenefitsClient::stored_271) → [`diff_from_271`](opendental::BenefitsClient::diff_from_271) |
//! | a clearinghouse's eligibility JSON (Change Healthcare, Stedi) as the plan's benefits | [`eligibility::read_eligibility`](opendental::eligibility::read_eligibility) (X12 or JSON) → [`diff_from_271`](opendental::BenefitsClient::diff_from_271) |
//! | a carrier's 271 as insurance and deductible used | [`carrier_figures`](opendental::eligibility::carrier_figures) → [`used_change`](opendental::eligibility::used_change) (pure: the InsAdjust totals before a write) |
//! | an office's categories, code groups, plan year | [`cov_cat_for`](opendental::BenefitsClient::cov_cat_for), [`code_group_for`](opendental::BenefitsClient::code_group_for), [`ins_plan`](opendental::BenefitsClient::ins_plan) |
//! | an office's version | [`server_version`](opendental::BenefitsClient::server_version), or the builder's [`server_version`](opendental::BenefitsClientBuilder::server_version) |
//! | many offices, one process | [`for_office`](opendental::BenefitsClient::for_office) |
//! | one rate across worker processes | [`throttle::Throttle`] (`benefits-sdk-redis` keeps it in Redis) |
//! | API Service first, Remote when it is away | [`cascade`](opendental::BenefitsClientBuilder::cascade) |
//! | a member's benefit check | [`BenefitCheckClient::benefit_check`](cervey::BenefitCheckClient::benefit_check) |
//!
//! ```no_run
//! use benefits_sdk::opendental::{BenefitsClient, BenefitFilter, NewBenefit, PlanNum};
//!
//! # async fn run() -> Result<(), benefits_sdk::Error> {
//! let client = BenefitsClient::builder()
//!     .keys("developer-key", "customer-key")
//!     .build()?;
//!
//! // Every benefit of plan 12, fetched page by page.
//! let benefits = client.list_all(BenefitFilter::Plan(PlanNum::new(12))).await?;
//! println!("{} benefits", benefits.len());
//!
//! // Bitewings at most once every 6 months.
//! let created = client.create(&NewBenefit::every_n_months(PlanNum::new(12), 6)).await?;
//! println!("created {}", created.benefit_num);
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! [`Error`] has one variant per way a call fails: the request broke a documented rule
//! ([`Error::InvalidRequest`], nothing sent), the office's version lacks it
//! ([`Error::Unsupported`]), the server said no ([`Error::Api`], its explanation in
//! [`Error::message`]), the network failed ([`Error::Transport`]), the answer did not decode
//! ([`Error::Decode`]), a listing could not be trusted ([`Error::Paging`]), a lookup found
//! nothing or too much ([`Error::Lookup`]). [`Error::outcome_unknown`] says when a write may
//! have landed: list before sending it again.
//!
//! # Testing your code
//!
//! With the `test-util` feature, [`mock`] holds fakes of both APIs on loopback
//! (`MockOpenDental`, `MockCervey`) with fault knobs and a request log, demo data, and
//! fixtures (`mock::benefit_row`).
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls |
//! | `native-tls` | no | TLS through the platform's library |
//! | `od-23-2` | yes (via `od-25-3`) | Open Dental 23.2.62: `CodeGroupNum` on benefits and new benefits, listing with no filter, code groups |
//! | `od-23-3` | yes (via `od-25-3`) | Open Dental 23.3.8: coverage categories |
//! | `od-24-2` | yes (via `od-25-3`) | Open Dental 24.2.11: one insurance plan by key |
//! | `od-25-3` | yes | Open Dental 25.3.7: `TreatArea`, `CodeGroupNum` in updates, GET a single benefit |
//! | `test-util` | no | `mock`: fakes of both APIs for your own tests |
//!
//! Turn the `od-*` features off to match an office on an older version: the fields and methods
//! its server does not know then do not exist, and are never sent. Responses that carry them
//! still decode. To serve offices of many versions from one build, give each client its
//! office's version at run time instead. On docs.rs every item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod cervey;
mod error;
mod http;
mod macros;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod mock;
pub mod opendental;
mod x12;

pub use error::{
    ApiError, ConfigError, ConfigErrorKind, DecodeError, EligibilityError, EligibilityErrorKind,
    Error, LockError, LockErrorKind, LookupError, LookupErrorKind, PagingError, PagingErrorKind,
    TransportError, TransportErrorKind, UnsupportedError, Violation, Violations,
};
pub use http::retry::RetryPolicy;
pub use http::throttle;
pub use http::throttle::{LocalThrottle, Throttle, ThrottleKey};
/// The HTTP status type of [`Error::status`]: `http`'s, re-exported by reqwest, stable since
/// `http` 1.0.
pub use reqwest::StatusCode;

// The README's examples are compiled as doctests, so that they stay true.
#[cfg(all(doctest, feature = "od-25-3"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The entry point of the `explain_error_body` fuzz target in `fuzz/`, which `cargo fuzz`
/// builds with `--cfg fuzzing`. Not part of the API. The decoders are fuzzed through the public
/// `Benefit::from_json`, `Benefit::page_from_json` and `BenefitCheck::from_json`.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz {
    /// The explanation an error body gives (as in [`crate::ApiError::message`]).
    pub fn explain_error_body(body: &[u8]) -> Option<String> {
        crate::http::explain::explain(body)
    }
}
