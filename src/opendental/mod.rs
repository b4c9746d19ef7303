//! Open Dental's Benefits API: [`BenefitsClient`] and its types.
//!
//! | Job | Endpoint | Method | Open Dental |
//! |---|---|---|---|
//! | get one | `GET /benefits/{BenefitNum}` | `BenefitsClient::get` | 25.3.7 (`od-25-3`) |
//! | list a page | `GET /benefits` | [`BenefitsClient::list_page`] | 22.3.27 (no filter: 23.2.62, `od-23-2`) |
//! | list all | `GET /benefits`, paged | [`BenefitsClient::list`], [`BenefitsClient::list_all`] | 22.3.27 |
//! | create | `POST /benefits` | [`BenefitsClient::create`] | 22.3.17 |
//! | update | `PUT /benefits/{BenefitNum}` | [`BenefitsClient::update`] | 22.4.7 |
//! | delete | `DELETE /benefits/{BenefitNum}` | [`BenefitsClient::delete`] | 22.4.7 |
//! | coverage categories | `GET /covcats` | `BenefitsClient::cov_cats`, `cov_cat_for`, `cov_cat_named` | 23.3.8 (`od-23-3`) |
//! | code groups | `GET /codegroups`, paged | `BenefitsClient::code_groups`, `code_group_for`, `code_group_named` | 23.2.62 (`od-23-2`) |
//! | one insurance plan | `GET /insplans/{PlanNum}`, else `GET /insplans` paged | [`BenefitsClient::ins_plan`] | 24.2.11 (`od-24-2`), else 22.3.30 |

mod apply;
mod apply_lock;
mod catalog;
mod client;
mod lint;
mod lookups;
mod model;
mod paging;
mod patch;
mod reconcile;
mod request;
pub(crate) mod rules;
mod shape;
pub(crate) mod stored;
mod summary;
mod validate;
mod version;
pub(crate) mod wire;

pub use apply::{
    ApplyOptions, ApplyReport, ConflictKind, DEFAULT_SETTLE, OnError, Progress, ProgressFn,
    SkipReason, Write,
};
pub use apply_lock::{APPLY_LOCK_TTL, ApplyLock, ApplyLockKey, LocalApplyLock, LockStoreError};
pub use client::{ApiMode, BenefitsClient, BenefitsClientBuilder, Endpoint};
pub use lint::Advisory;
#[cfg(feature = "od-23-2")]
pub use lookups::{CodeGroup, CodeGroupFixed};
pub use lookups::{CovCat, EbenefitCategory, InsPlan};
#[cfg(feature = "od-23-2")]
pub use model::CodeGroupNum;
#[cfg(feature = "od-25-3")]
pub use model::TreatArea;
pub use model::{
    Benefit, BenefitNum, BenefitType, CodeNum, CovCatNum, CoverageLevel, PatPlanNum, PlanNum,
    QuantityQualifier, TimePeriod,
};
pub use patch::Patch;
pub use reconcile::{Ambiguity, ChangePlan, PlanOptions, PlannedRow, PlannedUpdate};
pub use request::{
    BenefitFilter, BenefitUpdate, BenefitYear, NewBenefit, Owner, PageRequest, WaitingUnit,
};
pub use shape::{BenefitShape, Frequency, FrequencyLimit, Period, Scope, Terms};
pub use summary::{Names, PlanSummary};
pub use version::{ParseVersionError, ServerVersion};
