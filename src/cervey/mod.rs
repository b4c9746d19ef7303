//! Cervey Claims API's benefit check: [`BenefitCheckClient`], its types, and the `ntc` signer.
//!
//! | Job | Endpoint | Method |
//! |---|---|---|
//! | benefit check | `GET api/benefitcheck` | [`BenefitCheckClient::benefit_check`] |
//! | any other GET, signed | `GET api/…` | [`BenefitCheckClient::get_json`] |

mod client;
mod model;
mod query;
mod signing;
mod wire;

pub use client::{BenefitCheckClient, BenefitCheckClientBuilder};
pub use model::{
    BenefitCheck, BenefitCodeNo, ClaimHistory, Deductible, DeductibleCheck, DeductibleNo,
    DeductibleRate, GroupPlanNo, Interval, LimitKind, MaxOutOfPocket, MaxOutOfPocketNo,
    MaxOutOfPocketRate, MoopCheck, PayerDateTime, RateNo, Remaining,
};
pub use query::{BenefitCheckQuery, MemberNo};
#[cfg(feature = "test-util")]
pub(crate) use signing::unix_now as signing_clock;
pub use signing::{NtcSigner, url_encode};
