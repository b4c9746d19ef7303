//! The fake office's insurance rows and their reads: claim procedures (`GET /claimprocs`),
//! procedures (`GET /procedurelogs`), patient plans, subscriptions, a patient's coverage
//! (`GET /familymodules/{PatNum}/Insurance`), coverage spans and a family's members. Each
//! answers as the vendor pages (`apiclaimprocs`, `apiprocedurelogs`, `apipatplans`,
//! `apiinssubs`, `apifamilymodules`, `apicovspans`, `apipatients`) and the spec's §6 say:
//! filters ANDed, rows in key order, `Limit`/`Offset` pages, 400 for a method or filter newer
//! than the office. Written on its own: nothing here uses the client's rules.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use wiremock::Request;

use super::store::{Store, bad};
use super::{Answer, MockOpenDental, Outcome, to_json};
use crate::mock::faults::lock;
use crate::opendental::{
    ClaimProc, ClaimProcNum, ClaimProcStatus, CovSpan, InsSub, InsSubNum, PatNum, PatPlan,
    PatPlanNum, ProcNum, ProcedureLog, ServerVersion,
};

/// What the fake holds for insurance used.
#[derive(Default)]
pub(super) struct Insurance {
    pub(super) claim_procs: BTreeMap<ClaimProcNum, ClaimProc>,
    pub(super) procedures: BTreeMap<ProcNum, ProcedureLog>,
    pub(super) pat_plans: BTreeMap<PatPlanNum, PatPlan>,
    pub(super) ins_subs: BTreeMap<InsSubNum, InsSub>,
    pub(super) cov_spans: Vec<CovSpan>,
    /// Each patient and their guarantor.
    pub(super) patients: BTreeMap<PatNum, PatNum>,
    /// The office's today, when a test set it (else the clock's).
    pub(super) today: Option<chrono::NaiveDate>,
    /// The statuses PUT InsAdjust nets as paid (`None`: Received and Supplemental).
    pub(super) paid: Option<Vec<ClaimProcStatus>>,
}

/// The first segments of the routes this file serves.
pub(super) const TABLES: [&str; 7] = [
    "claimprocs",
    "procedurelogs",
    "familymodules",
    "patplans",
    "inssubs",
    "covspans",
    "patients",
];

/// The version a route (and its filters) needs, from the vendor pages' "Version Added".
fn needs(method: &str, table: &str, request: &Request) -> Option<(u16, u16, u16)> {
    let has = |name: &str| request.url.query_pairs().any(|(k, _)| k == name);
    Some(match (method, table) {
        ("GET", "claimprocs") if has("Status") => (24, 4, 13),
        // PatNum and ClaimNum became optional, and ClaimPaymentNum came, in 23.2.16.
        ("GET", "claimprocs") if has("ClaimPaymentNum") => (23, 2, 16),
        ("GET", "claimprocs") if !has("PatNum") && !has("ClaimNum") => (23, 2, 16),
        ("GET", "claimprocs") => (22, 2, 33),
        ("PUT", "claimprocs") => (21, 1, 0),
        ("GET", "procedurelogs") => (21, 1, 0),
        ("GET", "familymodules") => (21, 4, 0),
        ("GET", "patplans") => (22, 4, 27),
        ("GET", "inssubs") => (22, 4, 28),
        ("GET", "covspans") => (24, 1, 19),
        ("GET", "patients") if has("Guarantor") => (22, 4, 19),
        ("GET", "patients") => (21, 2, 0),
        _ => return None,
    })
}

/// The insurance routes: `None` for a path that is not one of them.
pub(super) fn route(
    store: &mut Store,
    request: &Request,
    rest: &str,
    paging: Result<(usize, usize), (u16, String)>,
) -> Option<Answer> {
    let parts: Vec<&str> = rest.split('/').collect();
    let table = *parts.first()?;
    let method = request.method.as_str();
    let since = needs(method, table, request)?;
    let office: Option<ServerVersion> = store.version.as_deref().and_then(|v| v.parse().ok());
    let since = ServerVersion::new(since.0, since.1, since.2);
    if let Some(office) = office.filter(|o| *o < since) {
        let text = format!("Not available in version {office}. Requires version {since} or later.");
        return Some(super::explain(400, &text));
    }
    let paging = match paging {
        Ok(paging) => paging,
        Err((status, text)) => return Some(super::explain(status, &text)),
    };
    let outcome = match (method, parts.as_slice()) {
        ("GET", ["claimprocs"]) => claim_procs(&store.insurance, request, paging),
        ("PUT", ["claimprocs", "InsAdjust"]) => {
            super::insadjust::put(&mut store.insurance, &store.plans, &request.body)
        }
        ("GET", ["procedurelogs"]) => procedure_logs(&store.insurance, request, paging),
        ("GET", ["familymodules", n, "Insurance"]) => coverage(&store.insurance, n),
        ("GET", ["patplans"]) => pat_plans(&store.insurance, request, paging),
        ("GET", ["inssubs", n]) => ins_sub(&store.insurance, n),
        ("GET", ["inssubs"]) => ins_subs(&store.insurance, request, paging),
        ("GET", ["covspans"]) => cov_spans(&store.insurance, request, paging),
        ("GET", ["patients", "Simple"]) => family(&store.insurance, request, paging),
        _ => Err((404, "Resource not found.".to_owned())),
    };
    Some(outcome.unwrap_or_else(|(status, text)| super::explain(status, &text)))
}

/// The query's keys as numbers (a key that is not one is a 400, as the pages' "is invalid").
fn keys(
    request: &Request,
    names: &[&'static str],
) -> Result<Vec<(&'static str, u64)>, (u16, String)> {
    let mut found = Vec::new();
    for (key, value) in request.url.query_pairs() {
        if let Some(name) = names.iter().find(|n| **n == key) {
            let n = value
                .parse::<u64>()
                .map_err(|_| bad(format!("{name} is invalid.")))?;
            found.push((*name, n));
        }
    }
    Ok(found)
}

fn page_of(rows: Vec<Value>, (limit, offset): (usize, usize)) -> Answer {
    let rows: Vec<Value> = rows.into_iter().skip(offset).take(limit).collect();
    Answer::json(200, to_json(&rows))
}

/// A claim procedure as the vendor page prints it: the fields the client reads, and some it
/// must tolerate (`NoBillIns`, `IsTransfer` as bool-strings, `SecDateTEdit`, fee fields).
fn claim_proc_json(row: &ClaimProc) -> Value {
    let mut value = serde_json::to_value(row).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("ClaimPaymentNum".into(), json!(0));
        map.insert("WriteOff".into(), json!(0.0));
        map.insert("AllowedOverride".into(), json!(-1.0));
        map.insert("NoBillIns".into(), json!("false"));
        map.insert("IsTransfer".into(), json!("false"));
        map.insert("SecDateTEdit".into(), json!("2025-01-02 10:11:12"));
    }
    value
}

/// `GET /claimprocs`: `PatNum`, `ClaimNum`, `ProcNum`, `ClaimPaymentNum`, `Status` (one name),
/// ANDed; ClaimProcNum order (apiclaimprocs; spec §6).
fn claim_procs(ins: &Insurance, request: &Request, paging: (usize, usize)) -> Outcome {
    let filters = keys(
        request,
        &["PatNum", "ClaimNum", "ProcNum", "ClaimPaymentNum"],
    )?;
    let status = match request.url.query_pairs().find(|(k, _)| k == "Status") {
        Some((_, name)) => match ClaimProcStatus::from_wire(&name) {
            ClaimProcStatus::Unknown(_) => return Err(bad("Status is invalid.")),
            known => Some(known),
        },
        None => None,
    };
    let rows = ins
        .claim_procs
        .values()
        .filter(|c| {
            filters.iter().all(|(name, n)| match *name {
                "PatNum" => c.pat_num.get() == *n,
                "ClaimNum" => c.claim_num.map_or(0, |k| k.get()) == *n,
                "ProcNum" => c.proc_num.map_or(0, |k| k.get()) == *n,
                // The fake pays no claim by check: every row's ClaimPaymentNum is 0.
                _ => *n == 0,
            })
        })
        .filter(|c| status.as_ref().is_none_or(|s| c.status == *s))
        .map(claim_proc_json)
        .collect();
    Ok(page_of(rows, paging))
}

/// `GET /procedurelogs?PatNum=`: the patient's procedures with `ProcFee` as a string, as the
/// page's examples print it; ProcNum order (the page documents none).
fn procedure_logs(ins: &Insurance, request: &Request, paging: (usize, usize)) -> Outcome {
    let filters = keys(request, &["PatNum"])?;
    let rows = ins
        .procedures
        .values()
        .filter(|p| filters.iter().all(|(_, n)| p.pat_num.get() == *n))
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            if let Value::Object(map) = &mut v {
                map.insert("ProcFee".into(), json!("130.00"));
                map.insert("ProcStatus".into(), json!("C"));
            }
            v
        })
        .collect();
    Ok(page_of(rows, paging))
}

fn path_key(text: &str) -> Result<u64, (u16, String)> {
    text.parse()
        .map_err(|_| (404, "Resource not found.".to_owned()))
}

/// `GET /familymodules/{PatNum}/Insurance`: one row per patient plan, built from the patient
/// plan, its subscription and plan, by Ordinal (the page's example lists 1 then 2). Names and
/// IDs are placeholders: the client must not read them.
fn coverage(ins: &Insurance, n: &str) -> Outcome {
    let patient = PatNum::new(path_key(n)?);
    let mut rows: Vec<&PatPlan> = ins
        .pat_plans
        .values()
        .filter(|p| p.pat_num == patient)
        .collect();
    rows.sort_by_key(|p| (p.ordinal, p.pat_plan_num));
    let rows: Vec<Value> = rows
        .into_iter()
        .filter_map(|p| ins.ins_subs.get(&p.ins_sub_num).map(|s| (p, s)))
        .map(|(p, s)| {
            json!({
                "PatNum": patient.get(), "InsSubNum": s.ins_sub_num.get(),
                "Subscriber": s.subscriber.get(), "subscriber": "Placeholder, Name",
                "SubscriberID": "PLACEHOLDER-ID", "SubscNote": "", "PatPlanNum": p.pat_plan_num.get(),
                "Ordinal": p.ordinal, "ordinal": if p.ordinal == 1 { "Primary" } else { "Secondary" },
                "IsPending": "false", "Relationship": "Self", "PatID": "", "CarrierNum": 1,
                "CarrierName": "Placeholder Carrier", "PlanNum": s.plan_num.get(),
                "GroupName": "", "GroupNum": "", "PlanNote": "", "FeeSched": 0,
                "feeSchedule": "", "PlanType": "", "planType": "Category Percentage",
                "CopayFeeSched": 0, "EmployerNum": 0, "employer": "", "IsMedical": "false"
            })
        })
        .collect();
    Ok(Answer::json(200, to_json(&rows)))
}

/// `GET /patplans`: `PatNum`, `InsSubNum` (both optional, ANDed); PatPlanNum order.
fn pat_plans(ins: &Insurance, request: &Request, paging: (usize, usize)) -> Outcome {
    let filters = keys(request, &["PatNum", "InsSubNum"])?;
    let rows = ins
        .pat_plans
        .values()
        .filter(|p| {
            filters.iter().all(|(name, n)| match *name {
                "PatNum" => p.pat_num.get() == *n,
                _ => p.ins_sub_num.get() == *n,
            })
        })
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            if let Value::Object(map) = &mut v {
                map.insert("IsPending".into(), json!("false"));
                map.insert("Relationship".into(), json!("Self"));
                map.insert("PatID".into(), json!(""));
            }
            v
        })
        .collect();
    Ok(page_of(rows, paging))
}

/// `GET /inssubs`: `PlanNum`, `Subscriber` (ANDed); InsSubNum order. The `SecDateTEdit`
/// filter is not modelled (the fake keeps no edit times).
fn ins_subs(ins: &Insurance, request: &Request, paging: (usize, usize)) -> Outcome {
    let filters = keys(request, &["PlanNum", "Subscriber"])?;
    let rows = ins
        .ins_subs
        .values()
        .filter(|s| {
            filters.iter().all(|(name, n)| match *name {
                "PlanNum" => s.plan_num.get() == *n,
                _ => s.subscriber.get() == *n,
            })
        })
        .map(sub_json)
        .collect();
    Ok(page_of(rows, paging))
}

/// A subscription as the page prints it, with a placeholder subscriber ID.
fn sub_json(sub: &InsSub) -> Value {
    let mut v = serde_json::to_value(sub).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("SubscriberID".into(), json!("PLACEHOLDER-ID"));
        map.insert("BenefitNotes".into(), json!(""));
    }
    v
}

/// `GET /inssubs/{InsSubNum}`.
fn ins_sub(ins: &Insurance, n: &str) -> Outcome {
    let sub = ins
        .ins_subs
        .get(&InsSubNum::new(path_key(n)?))
        .ok_or((404, "InsSub not found.".to_owned()))?;
    Ok(Answer::json(200, to_json(&sub_json(sub))))
}

/// `GET /covspans`: `CovCatNum` optional; CovSpanNum order.
fn cov_spans(ins: &Insurance, request: &Request, paging: (usize, usize)) -> Outcome {
    let filters = keys(request, &["CovCatNum"])?;
    let mut spans: Vec<&CovSpan> = ins
        .cov_spans
        .iter()
        .filter(|s| filters.iter().all(|(_, n)| s.cov_cat_num.get() == *n))
        .collect();
    spans.sort_by_key(|s| s.cov_span_num);
    let rows = spans
        .into_iter()
        .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
        .collect();
    Ok(page_of(rows, paging))
}

/// `GET /patients/Simple?Guarantor=`: PatNum order; names are placeholders.
fn family(ins: &Insurance, request: &Request, paging: (usize, usize)) -> Outcome {
    let filters = keys(request, &["Guarantor"])?;
    let rows = ins
        .patients
        .iter()
        .filter(|(_, g)| filters.iter().all(|(_, n)| g.get() == *n))
        .map(|(p, g)| json!({"PatNum": p.get(), "LName": "Placeholder", "FName": "Name", "Guarantor": g.get()}))
        .collect();
    Ok(page_of(rows, paging))
}

impl MockOpenDental {
    /// Stores a patient of the family whose guarantor is `guarantor` (for
    /// `GET /patients/Simple?Guarantor=`).
    pub fn insert_patient(&self, patient: PatNum, guarantor: PatNum) {
        lock(&self.store)
            .insurance
            .patients
            .insert(patient, guarantor);
    }

    /// Stores a subscription, replacing one with the same key.
    pub fn insert_ins_sub(&self, sub: InsSub) {
        lock(&self.store)
            .insurance
            .ins_subs
            .insert(sub.ins_sub_num, sub);
    }

    /// Stores a patient plan, replacing one with the same key. Its subscription's plan (when
    /// stored) is also its plan for benefits created on the patient plan
    /// ([`MockOpenDental::link_pat_plan`]).
    pub fn insert_pat_plan(&self, pat_plan: PatPlan) {
        let mut store = lock(&self.store);
        if let Some(sub) = store.insurance.ins_subs.get(&pat_plan.ins_sub_num) {
            let plan = sub.plan_num;
            store.pat_plans.insert(pat_plan.pat_plan_num, plan);
        }
        store
            .insurance
            .pat_plans
            .insert(pat_plan.pat_plan_num, pat_plan);
    }

    /// Stores a claim procedure as it is, replacing one with the same key.
    pub fn insert_claim_proc(&self, row: ClaimProc) {
        lock(&self.store)
            .insurance
            .claim_procs
            .insert(row.claim_proc_num, row);
    }

    /// Every claim procedure the office holds, in ClaimProcNum order.
    pub fn claim_procs(&self) -> Vec<ClaimProc> {
        lock(&self.store)
            .insurance
            .claim_procs
            .values()
            .cloned()
            .collect()
    }

    /// Stores a procedure, replacing one with the same key.
    pub fn insert_procedure(&self, procedure: ProcedureLog) {
        lock(&self.store)
            .insurance
            .procedures
            .insert(procedure.proc_num, procedure);
    }

    /// Replaces the office's coverage spans (none by default).
    pub fn set_cov_spans(&self, spans: impl IntoIterator<Item = CovSpan>) {
        lock(&self.store).insurance.cov_spans = spans.into_iter().collect();
    }

    /// The office's today: the default `date` of `PUT /claimprocs/InsAdjust` (by default the
    /// clock's, in UTC).
    pub fn set_today(&self, today: chrono::NaiveDate) {
        lock(&self.store).insurance.today = Some(today);
    }

    /// The statuses `PUT /claimprocs/InsAdjust` nets as already paid (by default Received and
    /// Supplemental, the spec's assumption: Open Dental does not document it).
    pub fn set_paid_statuses(&self, statuses: impl IntoIterator<Item = ClaimProcStatus>) {
        lock(&self.store).insurance.paid = Some(statuses.into_iter().collect());
    }
}
