//! A carrier's 271 the office stored, read with the office's own lookups (the coverage
//! categories and procedure codes, both cached). Open Dental 23.3.8 (for `GET /covcats`).

#![cfg(feature = "od-23-3")]

use crate::error::Error;
use crate::opendental::BenefitsClient;
use crate::opendental::eligibility::{
    EligibilityLookups, ReadOptions, Stored271, names_procedure_codes, read_271,
};
use crate::opendental::model::benefit::PlanNum;
use crate::opendental::model::etrans::{Etrans, EtransType, PatNum};

impl BenefitsClient {
    /// The carrier 271s the office stored for a patient (and plan, if given), newest first:
    /// the patient's stored transactions of Etype BenefitResponse271 with a text. One listing,
    /// `GET /etranss?PatNum=` (Open Dental 23.2.7).
    ///
    /// # Errors
    /// The errors of [`BenefitsClient::etranss`].
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn stored_271s(
        &self,
        patient: PatNum,
        plan: Option<PlanNum>,
    ) -> Result<Vec<Etrans>, Error> {
        let mut found: Vec<Etrans> = self
            .etranss(patient)
            .await?
            .into_iter()
            .filter(|e| e.etype == EtransType::BenefitResponse271)
            .filter(|e| plan.is_none_or(|p| e.plan_num == Some(p)))
            .filter(|e| e.etrans_message_text_num.is_some())
            .collect();
        found.sort_by_key(|e| std::cmp::Reverse((e.date_time_trans, e.etrans_num)));
        Ok(found)
    }

    /// The office's lookups a 271 is read with: its coverage categories and procedure codes
    /// (two cached lookups, see [`BenefitsClient::cov_cats`] and
    /// [`BenefitsClient::procedure_codes`]). Open Dental 23.3.8.
    ///
    /// # Errors
    /// [`Error::Eligibility`] (`missing_ebenefit_categories`) when the office lacks a visible
    /// category for an electronic benefit category; the errors of the two lookups.
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn eligibility_lookups(&self) -> Result<EligibilityLookups, Error> {
        let cats = self.cov_cats().await?;
        let codes = self.procedure_codes().await?;
        EligibilityLookups::new(&cats, codes.iter())
    }

    /// The office's lookups for reading `message`: its coverage categories, and its procedure
    /// codes only when the message names one ([`names_procedure_codes`]): a 271 that names no
    /// code costs no paging through the office's code table. Open Dental 23.3.8.
    ///
    /// # Errors
    /// As [`BenefitsClient::eligibility_lookups`].
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn eligibility_lookups_for(
        &self,
        message: impl AsRef<[u8]>,
    ) -> Result<EligibilityLookups, Error> {
        if names_procedure_codes(message) {
            return self.eligibility_lookups().await;
        }
        EligibilityLookups::new(&self.cov_cats().await?, [])
    }

    /// The newest 271 the office stored for a patient (and plan, if given), read by
    /// [`read_271`] with the office's lookups; `None` when it has none. Requests: the patient's
    /// stored transactions, the 271's text, and the lookups unless cached (the procedure codes
    /// only when the 271 names one, see [`BenefitsClient::eligibility_lookups_for`]). Open Dental
    /// 23.3.8 (stored transactions need 23.2.11), permission Read All.
    ///
    /// Whether the request was for a dependent is `options.dependent`: the patient is a
    /// dependent when they are not the subscriber of the plan's InsSub.
    ///
    /// # Errors
    /// [`Error::Eligibility`] for a stored text that gives no rows (not X12, not a 271, a
    /// carrier's rejection) or an office without every electronic benefit category; the errors
    /// of [`BenefitsClient::etranss`], [`BenefitsClient::etrans_message_text`] and the lookups.
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-3")))]
    pub async fn stored_271(
        &self,
        patient: PatNum,
        plan: Option<PlanNum>,
        options: ReadOptions,
    ) -> Result<Option<Stored271>, Error> {
        let newest = self.stored_271s(patient, plan).await?.into_iter().next();
        let Some((etrans, text)) = newest.and_then(|e| e.etrans_message_text_num.map(|t| (e, t)))
        else {
            return Ok(None);
        };
        let text = self.etrans_message_text(text).await?;
        let message = text.message_text.as_bytes();
        let lookups = self.eligibility_lookups_for(message).await?;
        let read = read_271(&lookups, message, options)?;
        Ok(Some(Stored271 { etrans, read }))
    }
}
