//! `GET /claimprocs`, `GET /procedurelogs` and `PUT /claimprocs/InsAdjust`: what insurance
//! paid or will pay for a patient's procedures, their codes, and setting the year's used
//! benefits.

use futures_util::TryStreamExt;
use reqwest::Method;

use crate::error::{Error, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::api::paging::{Cursor, Listing, Unordered};
use crate::opendental::client::{to_json, version};
use crate::opendental::model::etrans::PatNum;
#[cfg(feature = "od-25-3")]
use crate::opendental::model::insurance::ClaimProcStatus;
use crate::opendental::model::insurance::{ClaimProc, InsAdjust, ProcedureLog};

/// The rule every key of a request keeps.
pub(crate) const KEY_RULE: &str = "must be a key above 0 (0 means no row)";

impl BenefitsClient {
    /// Every claim procedure of a patient, `GET /claimprocs?PatNum=`, every page, in
    /// ClaimProcNum order, every status (estimates included, so a long history is many
    /// pages). Open Dental 22.2.33, permission Read All. Not cached.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PatNum 0; [`Error::Unsupported`] for an office known to be
    /// older than 22.2.33; [`Error::Paging`] for a server that breaks paging; transport,
    /// decode and API errors.
    pub async fn claim_procs(&self, patient: PatNum) -> Result<Vec<ClaimProc>, Error> {
        if patient.get() == 0 {
            Violations::one("PatNum", KEY_RULE).into_result()?;
        }
        self.gate(version::CLAIM_PROCS)?;
        let listing = Listing {
            filter: Some(("PatNum", patient.get())),
            ..Listing::new("claimprocs", "GET /claimprocs")
        };
        self.pages(Ok(listing), Cursor::new(self.page_size()))
            .try_collect()
            .await
    }

    /// A patient's claim procedures of one status, `GET /claimprocs?PatNum=&Status=`, every
    /// page, in ClaimProcNum order. Open Dental 24.4.13 (the `Status` filter), permission Read
    /// All.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PatNum 0 or a status this crate does not know;
    /// [`Error::Unsupported`] for an office known to be older than 24.4.13; the errors of
    /// [`BenefitsClient::claim_procs`].
    #[cfg(feature = "od-25-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-25-3")))]
    pub async fn claim_procs_with_status(
        &self,
        patient: PatNum,
        status: ClaimProcStatus,
    ) -> Result<Vec<ClaimProc>, Error> {
        let mut violations = Violations::default();
        if patient.get() == 0 {
            violations.push("PatNum", KEY_RULE);
        }
        let name = ClaimProcStatus::KNOWN
            .iter()
            .position(|s| *s == status)
            .map(|i| STATUS_NAMES[i]);
        if name.is_none() {
            violations.push("Status", "must be a status Open Dental documents");
        }
        violations.into_result()?;
        self.gate(version::CLAIM_PROCS)?;
        self.gate(version::CLAIM_PROCS_BY_STATUS)?;
        let listing = Listing {
            filter: Some(("PatNum", patient.get())),
            text: name.map(|n| ("Status", n)),
            ..Listing::new("claimprocs", "GET /claimprocs")
        };
        self.pages(Ok(listing), Cursor::new(self.page_size()))
            .try_collect()
            .await
    }

    /// Every procedure of a patient, `GET /procedurelogs?PatNum=`, every page, for their codes
    /// (a claim procedure names its procedure, not its code). Open Dental 21.1, permission Read
    /// All. The order is not documented: the client stops at a short page, or at one that only
    /// repeats procedures it has. Not cached.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PatNum 0; [`Error::Paging`] when a page repeats some
    /// procedures but not all; transport, decode and API errors.
    pub async fn procedure_logs(&self, patient: PatNum) -> Result<Vec<ProcedureLog>, Error> {
        if patient.get() == 0 {
            Violations::one("PatNum", KEY_RULE).into_result()?;
        }
        self.gate(version::PROCEDURE_LOGS)?;
        let listing = Listing {
            filter: Some(("PatNum", patient.get())),
            ..Listing::new("procedurelogs", "GET /procedurelogs")
        };
        self.pages(Ok(listing), Unordered::new(self.page_size()))
            .try_collect()
            .await
    }

    /// Sets what a patient plan's patient has used in the benefit year holding `date` (the
    /// office's today when `None`): `PUT /claimprocs/InsAdjust`. Open Dental 21.1; permission
    /// InsuranceSimple (named so from 25.1). The amounts are **totals**, not changes: the
    /// office adds, changes or deletes one Adjustment claim procedure so that its payments
    /// and the adjustment come to them. It cannot set a family or lifetime figure.
    ///
    /// **Its 200 says nothing**, whatever happened (the office may have added, changed,
    /// deleted or left a row): re-read the patient's claim procedures
    /// ([`BenefitsClient::claim_procs`]) or the summary to know.
    ///
    /// Refused before sending (the documented rules): PatPlanNum 0, and neither amount set.
    /// A negative amount, or one with more than two decimals, is sent as it is: Open Dental
    /// documents neither rule (its manual allows a negative "used" for a rollover).
    ///
    /// Sent once, never retried: a retry after a lost reply is safe by design (totals), but
    /// the caller decides. An error whose [`Error::outcome_unknown`] is true may have landed.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] as above; [`Error::Unsupported`] for an office known to be
    /// older than 21.1; a 400 or 404 for a patient plan the office does not have; 401 for a
    /// key without the permission; transport and API errors, with
    /// [`Error::outcome_unknown`] when the write may have landed.
    pub async fn set_insurance_used(&self, adjust: &InsAdjust) -> Result<(), Error> {
        let mut violations = Violations::default();
        if adjust.pat_plan.get() == 0 {
            violations.push("PatPlanNum", KEY_RULE);
        }
        if adjust.ins_used.is_none() && adjust.deductible_used.is_none() {
            violations.push("insUsed", "insUsed or deductibleUsed must be given");
        }
        violations.into_result()?;
        self.gate(version::INS_ADJUST)?;
        let url = self.endpoint("claimprocs/InsAdjust")?;
        let body = to_json(adjust)?;
        self.send_once(Method::PUT, "PUT /claimprocs/InsAdjust", url, Some(body))
            .await?;
        Ok(())
    }
}

/// The wire names of [`ClaimProcStatus::KNOWN`], in its order, as `'static` query values.
#[cfg(feature = "od-25-3")]
const STATUS_NAMES: [&str; 10] = [
    "NotReceived",
    "Received",
    "Preauth",
    "Adjustment",
    "Supplemental",
    "CapClaim",
    "Estimate",
    "CapComplete",
    "CapEstimate",
    "InsHist",
];
