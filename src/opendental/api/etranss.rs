//! `GET /etranss` and `GET /etransmessagetexts/{n}`: the electronic transactions the office
//! stored for a patient, and their texts. Open Dental 23.2.7 and 23.2.11.

#![cfg(feature = "od-23-2")]

use futures_util::TryStreamExt;
use reqwest::Method;

use crate::error::{Error, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::api::paging::{Listing, Unordered};
use crate::opendental::client::version;
use crate::opendental::model::etrans::{Etrans, EtransMessageText, EtransMessageTextNum, PatNum};

impl BenefitsClient {
    /// Every electronic transaction the office stored for a patient, `GET /etranss?PatNum=`,
    /// every page, in the office's order (oldest first). Open Dental 23.2.7, permission Read
    /// All. Not cached: a new check adds rows.
    ///
    /// A real-time eligibility check stores its 270 and the carrier's response under the
    /// patient asked about (dependent or subscriber), both with PlanNum and InsSubNum. Their
    /// CarrierNum stays 0, so the client does not filter by carrier.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for PatNum 0; transport, decode and API errors; [`Error::Paging`]
    /// when a page repeats some rows but not all.
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub async fn etranss(&self, patient: PatNum) -> Result<Vec<Etrans>, Error> {
        if patient.get() == 0 {
            Violations::one("PatNum", "must be a key above 0 (0 means no row)").into_result()?;
        }
        self.gate(version::ETRANSS)?;
        let listing = Listing {
            filter: Some(("PatNum", patient.get())),
            ..Listing::new("etranss", "GET /etranss")
        };
        self.pages(Ok(listing), Unordered::new(self.page_size()))
            .try_collect()
            .await
    }

    /// A stored transaction's text, `GET /etransmessagetexts/{EtransMessageTextNum}`. Open
    /// Dental 23.2.11, permission Read All. The text holds member data; its `Debug` does not
    /// show it.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for key 0; [`Error::is_not_found`] for a text the office does
    /// not have; transport, decode and API errors.
    #[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
    pub async fn etrans_message_text(
        &self,
        text: EtransMessageTextNum,
    ) -> Result<EtransMessageText, Error> {
        if text.get() == 0 {
            Violations::one(
                "EtransMessageTextNum",
                "must be a key above 0 (0 means no row)",
            )
            .into_result()?;
        }
        self.gate(version::ETRANS_MESSAGE_TEXT)?;
        let url = self.endpoint(&format!("etransmessagetexts/{text}"))?;
        self.call(
            Method::GET,
            "GET /etransmessagetexts/{EtransMessageTextNum}",
            url,
            None,
        )
        .await
    }
}
