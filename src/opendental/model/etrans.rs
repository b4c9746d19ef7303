//! Electronic transactions the office stored (`GET /etranss`, Open Dental 23.2.7) and their
//! message texts (`GET /etransmessagetexts/{n}`, 23.2.11): among them, the carriers' 271s.

use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::macros::{typed_id, wire_enum};
use crate::opendental::model::benefit::PlanNum;
use crate::opendental::model::wire;

typed_id!(
    /// `patient.PatNum`: a patient.
    PatNum
);
typed_id!(
    /// `inssub.InsSubNum`: a subscriber's enrolment in a plan.
    InsSubNum
);
typed_id!(
    /// `etrans.EtransNum`: one stored electronic transaction.
    EtransNum
);
typed_id!(
    /// `etransmessagetext.EtransMessageTextNum`: the text of a stored transaction.
    EtransMessageTextNum
);

wire_enum!(
    /// What a stored transaction is (`etrans.Etype`). Open Dental has more kinds than these;
    /// any other reads as `Unknown` with its name.
    #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
    EtransType {
        /// A 270 eligibility request the office sent.
        BenefitInquiry270,
        /// A 271 eligibility response a carrier sent.
        BenefitResponse271,
        /// An HTML copy of a response (ClaimConnect, EDS).
        HTML,
        /// A 997 acknowledgment.
        Acknowledge_997,
        /// A 999 acknowledgment.
        Acknowledge_999,
        /// A 277 claim status notification.
        StatusNotify_277,
        /// An 835 remittance advice.
        ERA_835,
        /// An interchange acknowledgment (TA1).
        Ack_Interchange,
        /// A text report.
        TextReport,
    }
);

/// One stored electronic transaction, as far as eligibility needs it. The raw carrier and
/// patient names, the note and the clearinghouse fields are not read (the patient's name is
/// member data, and the note may echo a carrier's rejection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Etrans {
    /// The key.
    #[serde(rename = "EtransNum")]
    pub etrans_num: EtransNum,
    /// When it was sent or received, in the office's time.
    #[serde(rename = "DateTimeTrans", with = "wire::datetime", default)]
    pub date_time_trans: Option<NaiveDateTime>,
    /// What it is.
    #[serde(rename = "Etype")]
    pub etype: EtransType,
    /// The patient it is about (the one asked about, for a 270 and its 271).
    #[serde(rename = "PatNum", with = "wire::fk", default)]
    pub pat_num: Option<PatNum>,
    /// The plan it is about, if any.
    #[serde(rename = "PlanNum", with = "wire::fk", default)]
    pub plan_num: Option<PlanNum>,
    /// The subscriber's enrolment, if any.
    #[serde(rename = "InsSubNum", with = "wire::fk", default)]
    pub ins_sub_num: Option<InsSubNum>,
    /// Its text, for [`BenefitsClient::etrans_message_text`](crate::opendental::BenefitsClient::etrans_message_text).
    #[serde(rename = "EtransMessageTextNum", with = "wire::fk", default)]
    pub etrans_message_text_num: Option<EtransMessageTextNum>,
    /// The transaction that answers this one (a 270's response), if any.
    #[serde(rename = "AckEtransNum", with = "wire::fk", default)]
    pub ack_etrans_num: Option<EtransNum>,
}

impl Etrans {
    /// A stored transaction with no plan or text (for fakes and tests; real ones come from
    /// [`BenefitsClient::etranss`](crate::opendental::BenefitsClient::etranss)).
    pub fn new(etrans_num: EtransNum, etype: EtransType, pat_num: PatNum) -> Self {
        Etrans {
            etrans_num,
            date_time_trans: None,
            etype,
            pat_num: Some(pat_num),
            plan_num: None,
            ins_sub_num: None,
            etrans_message_text_num: None,
            ack_etrans_num: None,
        }
    }
}

/// A stored transaction's text (`GET /etransmessagetexts/{n}`). It holds member data (names,
/// member IDs, birth dates), so its `Debug` shows the length only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EtransMessageText {
    /// The key.
    #[serde(rename = "EtransMessageTextNum")]
    pub etrans_message_text_num: EtransMessageTextNum,
    /// The message, as stored (an X12 interchange for a 271).
    #[serde(rename = "MessageText", default)]
    pub message_text: String,
}

impl fmt::Debug for EtransMessageText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EtransMessageText")
            .field("etrans_message_text_num", &self.etrans_message_text_num)
            .field(
                "message_text",
                &format_args!("[{} bytes]", self.message_text.len()),
            )
            .finish()
    }
}
