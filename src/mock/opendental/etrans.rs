//! The fake's stored electronic transactions and their texts (`GET /etranss`,
//! `GET /etransmessagetexts/{n}`), and its procedure code list (`GET /procedurecodes`).

use chrono::NaiveDateTime;
use wiremock::Request;

use super::store::{Store, bad};
use super::{Answer, MockOpenDental, Outcome, page, to_json};
use crate::mock::faults::lock;
use crate::opendental::{
    Etrans, EtransMessageText, EtransMessageTextNum, EtransNum, EtransType, PatNum, PlanNum,
    ProcedureCode,
};

/// `GET /procedurecodes`: the code table by CodeNum (Open Dental's order from 23.3.25).
pub(super) fn procedure_codes(store: &Store, limit: usize, offset: usize) -> Answer {
    let codes: Vec<ProcedureCode> = store
        .codes
        .iter()
        .map(|(num, code)| ProcedureCode::new(*num, code.clone(), ""))
        .collect();
    page(codes.iter().collect(), limit, offset)
}

/// `GET /etranss?PatNum=`: the patient's rows by DateTimeTrans (`Etranss.GetEtransForApi`
/// orders so), paged. PatNum is required.
pub(super) fn etranss(store: &Store, request: &Request, limit: usize, offset: usize) -> Outcome {
    let patient = request
        .url
        .query_pairs()
        .find(|(k, _)| k == "PatNum")
        .map(|(_, v)| v.parse::<u64>())
        .ok_or_else(|| bad("PatNum is required."))?
        .map_err(|_| bad("PatNum is invalid."))?;
    let mut rows: Vec<&Etrans> = store
        .etranss
        .iter()
        .filter(|e| e.pat_num == Some(PatNum::new(patient)))
        .collect();
    rows.sort_by_key(|e| (e.date_time_trans, e.etrans_num));
    Ok(page(rows, limit, offset))
}

/// `GET /etransmessagetexts/{n}`.
pub(super) fn message_text(store: &Store, key: u64) -> Outcome {
    let num = EtransMessageTextNum::new(key);
    let text = store
        .message_texts
        .get(&num)
        .ok_or((404, "EtransMessageText not found.".to_owned()))?;
    let body = serde_json::json!({ "EtransMessageTextNum": key, "MessageText": text });
    Ok(Answer::json(200, to_json(&body)))
}

impl MockOpenDental {
    /// Stores a carrier's 271 for a patient and plan, received at `at`, as a real-time check
    /// stores its response (Etype BenefitResponse271, PlanNum set, CarrierNum 0), and returns
    /// the row. The text is kept as given.
    pub fn insert_stored_271(
        &self,
        patient: PatNum,
        plan: PlanNum,
        at: NaiveDateTime,
        message: impl Into<String>,
    ) -> Etrans {
        let mut store = lock(&self.store);
        let text = EtransMessageTextNum::new(store.message_texts.len() as u64 + 1);
        store.message_texts.insert(text, message.into());
        let mut row = Etrans::new(
            EtransNum::new(store.etranss.len() as u64 + 1),
            EtransType::BenefitResponse271,
            patient,
        );
        row.date_time_trans = Some(at);
        row.plan_num = Some(plan);
        row.etrans_message_text_num = Some(text);
        store.etranss.push(row.clone());
        row
    }

    /// Stores a transaction row as it is (any Etype), and its text if given.
    pub fn insert_etrans(&self, etrans: Etrans, text: Option<EtransMessageText>) {
        let mut store = lock(&self.store);
        if let Some(text) = text {
            store
                .message_texts
                .insert(text.etrans_message_text_num, text.message_text);
        }
        store.etranss.push(etrans);
    }
}
