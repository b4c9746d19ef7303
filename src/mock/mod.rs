//! Fakes of both APIs for your own tests (feature `test-util`).
//!
//! - [`MockOpenDental`]: a stateful Benefits API. An in-memory store you seed, GET (single and
//!   paged lists ordered by BenefitNum), POST, PUT and DELETE, the documented 400s with Open
//!   Dental-style explanations, 404 for a missing row, 401 unless the `ODFHIR` header carries
//!   its keys.
//! - [`MockCervey`]: a benefit check that serves the responses you register per member and
//!   verifies each `ntc` signature as Cervey would (a stale timestamp or a replayed nonce is a
//!   401 with `WWW-Authenticate: ntc`), so your tests prove your signing and clock are right.
//!
//! For fixtures without a server: [`benefit_row`] builds the [`Benefit`](crate::opendental::Benefit)
//! Open Dental would store for a request, and [`demo::benefit_check`] a whole
//! [`BenefitCheck`](crate::cervey::BenefitCheck).
//!
//! Both run an HTTP server on loopback in your test process, hand out a client already pointed
//! at it, log every request, and answer the next requests with faults on demand: a status, a
//! 429 with `Retry-After`, a delay or a malformed body.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), benefits_sdk::Error> {
//! use benefits_sdk::mock::MockOpenDental;
//! use benefits_sdk::opendental::{BenefitFilter, NewBenefit, PlanNum};
//!
//! let office = MockOpenDental::start().await;
//! office.seed(&NewBenefit::every_n_months(PlanNum::new(12), 6));
//! office.fail_next(1, 503); // the client retries it
//!
//! let client = office.client();
//! let rows = client.list_all(BenefitFilter::Plan(PlanNum::new(12))).await?;
//! assert_eq!(rows.len(), 1);
//! assert_eq!(office.requests().len(), 2);
//! # Ok(()) }
//! ```

mod cervey;
pub mod demo;
mod demo_insurance;
mod faults;
mod opendental;

pub use cervey::MockCervey;
pub use faults::{Fault, LoggedRequest};
pub use opendental::{
    MockOpenDental, MockOpenDentalBuilder, OfficeUser, OfficeWrite, WriteKind, Writer, benefit_row,
};
