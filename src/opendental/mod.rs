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
//! | procedure codes | `GET /procedurecodes`, paged | [`BenefitsClient::procedure_codes`] | 22.3.22 |
//! | stored transactions | `GET /etranss?PatNum=`, paged | `BenefitsClient::etranss` | 23.2.7 (`od-23-2`) |
//! | a stored transaction's text | `GET /etransmessagetexts/{n}` | `BenefitsClient::etrans_message_text` | 23.2.11 (`od-23-2`) |
//! | claim procedures | `GET /claimprocs?PatNum=` (`&Status=`: 24.4.13, `od-25-3`), paged | [`BenefitsClient::claim_procs`] | 22.2.33 |
//! | procedures (their codes) | `GET /procedurelogs?PatNum=`, paged | [`BenefitsClient::procedure_logs`] | 21.1 |
//! | set the year's used benefits | `PUT /claimprocs/InsAdjust` | [`BenefitsClient::set_insurance_used`] | 21.1 |
//! | a patient's coverage | `GET /familymodules/{PatNum}/Insurance` | [`BenefitsClient::coverage`] | 21.4 |
//! | patient plans | `GET /patplans?PatNum=` / `?InsSubNum=`, paged | [`BenefitsClient::pat_plans_of`], [`BenefitsClient::pat_plans_on`] | 22.4.27 |
//! | subscriptions | `GET /inssubs/{InsSubNum}`; `GET /inssubs?PlanNum=`, paged | [`BenefitsClient::ins_sub`], [`BenefitsClient::ins_subs_of`] | 22.4.28 |
//! | a family's members | `GET /patients/Simple?Guarantor=`, paged | [`BenefitsClient::family_members`] | 22.4.19 |
//! | coverage spans | `GET /covspans`, paged, cached | `BenefitsClient::cov_spans` | 24.1.19 (`od-24-2`) |
//! | used, pending, remaining | the reads above, benefits, plan, covcats | `BenefitsClient::insurance_summary` ([`used`]) | 24.1.19 (`od-24-2`) |
//! | set used from a 271 | the summary, then `PUT /claimprocs/InsAdjust` | `BenefitsClient::used_from_271`, `BenefitsClient::apply_used` | 24.1.19 (`od-24-2`); the write 21.1 |
//! | a carrier's 271, read | the two above, covcats, procedure codes | `BenefitsClient::stored_271` ([`eligibility`]) | 23.3.8 (`od-23-3`) |

pub(crate) mod api;
pub(crate) mod client;
pub mod eligibility;
pub(crate) mod meaning;
pub(crate) mod model;
pub(crate) mod sync;
#[cfg(feature = "od-24-2")]
#[cfg_attr(docsrs, doc(cfg(feature = "od-24-2")))]
pub mod used;

pub use client::cascade::{ApiMode, Endpoint};
pub use client::lock::{APPLY_LOCK_TTL, ApplyLock, ApplyLockKey, LocalApplyLock, LockStoreError};
pub use client::version::{ParseVersionError, Requirement, ServerVersion, requirements};
pub use client::{BenefitsClient, BenefitsClientBuilder};
pub use meaning::shape::{BenefitShape, Frequency, FrequencyLimit, Period, Scope, Terms};
pub use meaning::summary::{Names, PlanSummary};
#[cfg(feature = "od-23-2")]
pub use model::benefit::CodeGroupNum;
#[cfg(feature = "od-25-3")]
pub use model::benefit::TreatArea;
pub use model::benefit::{
    Benefit, BenefitNum, BenefitType, CodeNum, CovCatNum, CoverageLevel, PatPlanNum, PlanNum,
    QuantityQualifier, TimePeriod,
};
pub use model::etrans::{
    Etrans, EtransMessageText, EtransMessageTextNum, EtransNum, EtransType, InsSubNum, PatNum,
};
pub use model::insurance::{
    ClaimNum, ClaimProc, ClaimProcNum, ClaimProcStatus, CovSpan, CovSpanNum, Coverage,
    FamilyMember, InsAdjust, InsSub, PatPlan, ProcNum, ProcedureLog,
};
pub use model::lint::Advisory;
#[cfg(feature = "od-23-2")]
pub use model::lookups::{CodeGroup, CodeGroupFixed};
pub use model::lookups::{CovCat, EbenefitCategory, InsPlan, ProcedureCode};
pub use model::patch::Patch;
pub use model::request::{
    BenefitFilter, BenefitUpdate, BenefitYear, NewBenefit, Owner, PageRequest, WaitingUnit,
};
pub use sync::changeset::{Ambiguity, Changeset, DiffOptions, OfficeId, PlannedRow, PlannedUpdate};
pub use sync::eligibility::{DeletesWithheld, EligibilityChange};
pub use sync::report::{
    ApplyOptions, ApplyReport, ConflictKind, DEFAULT_SETTLE, MAX_SETTLE, OnError, Progress,
    ProgressFn, SkipReason, Write,
};
#[cfg(feature = "od-24-2")]
#[cfg_attr(docsrs, doc(cfg(feature = "od-24-2")))]
pub use sync::used::{PatientUsedChange, UsedOutcome, UsedReport};
