//! Typed, async clients for two benefit APIs:
//!
//! - [`opendental::BenefitsClient`]: Open Dental's Benefits API — get, list (paged), create,
//!   update and delete the benefit rows of a dental office's insurance plans.
//! - [`cervey::BenefitCheckClient`]: Cervey Claims API's benefit check — a member's claim
//!   totals for the month, the benefit period and lifetime, with out-of-pocket maxima and
//!   deductibles and whether each is met. Every request is signed with Cervey's `ntc` scheme.
//!
//! Every request is checked against the API's documented rules before it is sent; responses
//! decode into typed rows (typed keys, decimals for money, `Option` for the API's sentinels);
//! failures are one [`Error`] type you can match on. Idempotent calls are retried with
//! backoff; a POST never is by default. Keys never appear in `Debug` output or logs.
//!
//! # Quickstart
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
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls |
//! | `native-tls` | no | TLS through the platform's library |
//! | `od-23-2` | yes (via `od-25-3`) | Open Dental 23.2.62: `CodeGroupNum` on benefits and new benefits, listing with no filter |
//! | `od-25-3` | yes | Open Dental 25.3.7: `TreatArea`, `CodeGroupNum` in updates, GET a single benefit |
//! | `test-util` | no | `mock`: fakes of both APIs for your own tests |
//!
//! Turn the `od-*` features off to match an office on an older version: the fields and methods
//! its server does not know then do not exist, and are never sent. Responses that carry them
//! still decode.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod cervey;
mod error;
mod explain;
mod macros;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod mock;
pub mod opendental;
mod retry;
pub mod throttle;
mod transport;

pub use error::{
    ApiError, ConfigError, ConfigErrorKind, DecodeError, Error, LookupError, LookupErrorKind,
    PagingError, PagingErrorKind, TransportError, TransportErrorKind, UnsupportedError, Violation,
    Violations,
};
/// The HTTP status type of [`Error::status`]: `http`'s, re-exported by reqwest, stable since
/// `http` 1.0.
pub use reqwest::StatusCode;
pub use retry::RetryPolicy;
pub use throttle::{LocalThrottle, Throttle, ThrottleKey};

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
        crate::explain::explain(body)
    }
}
