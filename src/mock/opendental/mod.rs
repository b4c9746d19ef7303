//! `MockOpenDental`: a stateful fake of the Benefits API.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

mod etrans;
mod history;
mod insadjust;
mod insurance;
mod office;
mod store;
mod writes;

pub use self::history::{OfficeUser, OfficeWrite, WriteKind, Writer};
pub use self::store::benefit_row;
use self::store::{Store, bad};
use super::faults::{Answer, Handler, Responder, Shared, fast_retries, fault_knobs, lock};
#[cfg(feature = "od-23-2")]
use crate::opendental::CodeGroup;
use crate::opendental::{
    Benefit, BenefitNum, BenefitsClient, BenefitsClientBuilder, CodeNum, CovCat, InsPlan,
    NewBenefit, PatPlanNum, PlanNum,
};

const DEVELOPER_KEY: &str = "mock-developer-key";
const CUSTOMER_KEY: &str = "mock-customer-key";
const PREFIX: &str = "/api/v1/";
const DEFAULT_VERSION: &str = "25.4.48.0";

/// A fake Open Dental Benefits API on loopback, with an in-memory store.
///
/// It answers like the real server: rows ordered by BenefitNum, `Limit` capped at the page cap
/// (default 100, as Remote), 201 with the row on POST, partial PUT that refreshes
/// `SecDateTEdit`, 400 with a JSON-string explanation for what the server documents as bad
/// (no owner, both owners or both filters, an unknown enum name, Percent or Quantity out of
/// range, Percent on a non-CoInsurance benefit, a WaitingPeriod not in Months or Years, an age
/// limit of 0, a code with a coverage category, a TreatArea on a benefit that is not a frequency
/// limitation, changing the code group of a frequency or age limit), 404 for a missing row, and
/// 401 unless `Authorization: ODFHIR {developer}/{customer}` carries its keys.
///
/// It also serves the office's lookups, read-only and paged like the real ones:
/// `GET /covcats` (ordered by CovOrder), `GET /codegroups` (by CodeGroupNum), `GET /insplans`
/// (by PlanNum) and `GET /insplans/{PlanNum}`. It starts with [`demo`](super::demo)'s
/// categories and code groups and no plans; a benefit created without TimePeriod on a plan
/// it holds takes the plan's benefit year from its `MonthRenew`, as Open Dental does.
///
/// For insurance used it stores claim procedures, procedures, patient plans, subscriptions,
/// coverage spans and patients (`insert_claim_proc`, `insert_procedure`, `insert_pat_plan`,
/// `insert_ins_sub`, `set_cov_spans`, `insert_patient`), serves their GETs with their filters
/// ANDed, in key order and paged, and nets `PUT /claimprocs/InsAdjust` as the vendor page
/// says (one Adjustment per patient, plan and benefit year; `set_today`, `set_paid_statuses`).
/// Its rules are its own: nothing in the fake uses the client's `opendental::used`.
///
/// The fields a row has are those of this build's [`Benefit`] (see the `od-*` features).
pub struct MockOpenDental {
    server: MockServer,
    store: Arc<Mutex<Store>>,
    shared: Arc<Shared>,
    developer_key: String,
    customer_key: String,
    page_cap: u32,
}

impl std::fmt::Debug for MockOpenDental {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockOpenDental")
            .field("uri", &self.server.uri())
            .field("page_cap", &self.page_cap)
            .finish_non_exhaustive()
    }
}

/// Configures a [`MockOpenDental`] before it starts.
#[derive(Debug, Clone)]
pub struct MockOpenDentalBuilder {
    developer_key: String,
    customer_key: String,
    page_cap: u32,
}

impl MockOpenDentalBuilder {
    /// The keys the fake accepts (default `mock-developer-key` / `mock-customer-key`).
    pub fn keys(mut self, developer: impl Into<String>, customer: impl Into<String>) -> Self {
        self.developer_key = developer.into();
        self.customer_key = customer.into();
        self
    }

    /// The most rows a page holds, whatever `Limit` asks (default 100, as Remote; 1000 for
    /// Local API or API Service). At least 2 (a smaller cap is taken as 2): the client's pages
    /// overlap by one row, so no listing can go on past a page of one row, and
    /// [`BenefitsClientBuilder::page_size`] refuses sizes under 2. Any larger cap is kept;
    /// [`MockOpenDental::client_builder`] asks for pages of at most 10,000 rows, the client's
    /// largest.
    pub fn page_cap(mut self, rows: u32) -> Self {
        self.page_cap = rows.max(2);
        self
    }

    /// Starts the server.
    pub async fn start(self) -> MockOpenDental {
        let server = MockServer::start().await;
        let store = Arc::new(Mutex::new(Store {
            cov_cats: super::demo::cov_cats(),
            codes: super::demo::procedure_codes().into_iter().collect(),
            #[cfg(feature = "od-23-2")]
            code_groups: super::demo::code_groups(),
            version: Some(DEFAULT_VERSION.to_owned()),
            ..Store::default()
        }));
        let shared = Arc::new(Shared::default());
        let handler = OpenDentalHandler {
            store: store.clone(),
            authorization: format!("ODFHIR {}/{}", self.developer_key, self.customer_key),
            page_cap: self.page_cap,
        };
        Mock::given(any())
            .respond_with(Responder {
                handler: Arc::new(handler),
                shared: shared.clone(),
            })
            .mount(&server)
            .await;
        MockOpenDental {
            server,
            store,
            shared,
            developer_key: self.developer_key,
            customer_key: self.customer_key,
            page_cap: self.page_cap,
        }
    }
}

impl MockOpenDental {
    /// Starts a fake with the default keys and a page cap of 100.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// Configures a fake.
    pub fn builder() -> MockOpenDentalBuilder {
        MockOpenDentalBuilder {
            developer_key: DEVELOPER_KEY.to_owned(),
            customer_key: CUSTOMER_KEY.to_owned(),
            page_cap: 100,
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:40123/api/v1`.
    pub fn base_url(&self) -> String {
        format!("{}/api/v1", self.server.uri())
    }

    /// A client builder pointed at the fake, with its keys, its page cap as page size (at most
    /// 10,000, the client's largest), no throttle and millisecond retry backoffs.
    pub fn client_builder(&self) -> BenefitsClientBuilder {
        BenefitsClient::builder()
            .keys(self.developer_key.clone(), self.customer_key.clone())
            .base_url(self.base_url())
            // The client's largest page size: a fake serving more is still listed whole.
            .page_size(self.page_cap.min(10_000))
            .retry_policy(fast_retries())
    }

    /// A client pointed at the fake (see [`MockOpenDental::client_builder`]).
    pub fn client(&self) -> BenefitsClient {
        // The builder's settings are all valid by construction: a loopback URL, keys of
        // visible ASCII, a page size of 2 to 10,000 (`page_cap` and `client_builder` keep it
        // there).
        self.client_builder()
            .build()
            .expect("a client of the fake always builds")
    }

    /// Stores a benefit directly (no HTTP, no validation), as if created earlier, and returns
    /// the row with its BenefitNum and dates.
    /// A code the table holds is stored with its key and text; any other is kept as given.
    /// Logged as written by `"seed"` (see [`MockOpenDental::office_user`]).
    pub fn seed(&self, benefit: &NewBenefit) -> Benefit {
        self.office_user("seed").add(benefit)
    }

    /// Stores rows as they are (their BenefitNums included), replacing rows with the same key.
    /// Logged as written by `"seed"`.
    pub fn insert(&self, rows: impl IntoIterator<Item = Benefit>) {
        let mut store = lock(&self.store);
        for row in rows {
            store.next_num = store.next_num.max(row.benefit_num.get());
            let before = store.rows.insert(row.benefit_num, row.clone());
            let kind = match before {
                Some(_) => WriteKind::Update,
                None => WriteKind::Insert,
            };
            store.log(Writer::office("seed"), kind, before, Some(row));
        }
    }

    /// Removes a row directly (no HTTP), as another user of the office would, and returns it.
    /// Logged as written by `"seed"`.
    pub fn remove(&self, benefit: BenefitNum) -> Option<Benefit> {
        self.office_user("seed").delete(benefit)
    }

    /// Someone in the office who writes rows without the API (staff, Open Dental's own
    /// import), each write logged under `name`.
    pub fn office_user(&self, name: impl Into<String>) -> OfficeUser<'_> {
        OfficeUser {
            office: self,
            name: name.into(),
        }
    }

    /// Every write the office stored, oldest first: who made it, and the row before and after.
    /// An UPDATE that changed no value is not there (it changes nothing, as in MySQL).
    pub fn writes(&self) -> Vec<OfficeWrite> {
        lock(&self.store).writes.clone()
    }

    /// Makes `pat_plan` a patient plan of `plan` (PatPlan → InsSub → InsPlan in Open Dental):
    /// a benefit created on the patient plan without TimePeriod takes `plan`'s benefit year.
    pub fn link_pat_plan(&self, pat_plan: PatPlanNum, plan: PlanNum) {
        lock(&self.store).pat_plans.insert(pat_plan, plan);
    }

    /// Every stored row, ordered by BenefitNum.
    pub fn benefits(&self) -> Vec<Benefit> {
        lock(&self.store).rows.values().cloned().collect()
    }

    /// Replaces the office's coverage categories (by default [`demo::cov_cats`](super::demo::cov_cats)).
    pub fn set_cov_cats(&self, cats: impl IntoIterator<Item = CovCat>) {
        lock(&self.store).cov_cats = cats.into_iter().collect();
    }

    /// Replaces the office's code groups (by default
    /// [`demo::code_groups`](super::demo::code_groups)).
    #[cfg(feature = "od-23-2")]
    pub fn set_code_groups(&self, groups: impl IntoIterator<Item = CodeGroup>) {
        lock(&self.store).code_groups = groups.into_iter().collect();
    }

    /// The office's `ProgramVersion` preference (default `"25.4.48.0"`); `None` removes it. An
    /// office older than a method or field answers 400 naming the version it needs, for
    /// `GET /benefits/{n}` and TreatArea (25.3.7), `GET /covcats` (23.3.8), `GET /codegroups`
    /// (23.2.62), `GET /insplans/{n}` (24.2.11), `GET /etransmessagetexts/{n}` (23.2.11),
    /// `GET /etranss` (23.2.7) and `GET /procedurecodes` (22.3.22); and the insurance reads:
    /// `GET /claimprocs` (22.2.33; no PatNum or ClaimNum, or ClaimPaymentNum: 23.2.16; Status:
    /// 24.4.13), `GET /procedurelogs` and `PUT /claimprocs/InsAdjust` (21.1),
    /// `GET /familymodules/{n}/Insurance` (21.4), `GET /patplans` (22.4.27), `GET /inssubs/{n}`
    /// (22.4.28), `GET /covspans` (24.1.19), `GET /patients/Simple` (21.2; Guarantor 22.4.19).
    pub fn set_version(&self, version: Option<&str>) {
        lock(&self.store).version = version.map(str::to_owned);
    }

    /// Adds a procedure code to the office's code table (by default
    /// [`demo::procedure_codes`](super::demo::procedure_codes)), replacing one with the same key.
    /// A benefit that names a code the table lacks, by key or by text, is refused with 400.
    pub fn insert_procedure_code(&self, code_num: CodeNum, proc_code: impl Into<String>) {
        lock(&self.store).codes.insert(code_num, proc_code.into());
    }

    /// Stores an insurance plan, replacing one with the same PlanNum.
    pub fn insert_plan(&self, plan: InsPlan) {
        lock(&self.store).plans.insert(plan.plan_num, plan);
    }

    fault_knobs!();
}

struct OpenDentalHandler {
    store: Arc<Mutex<Store>>,
    authorization: String,
    page_cap: u32,
}

/// An Open Dental explanation: a JSON string literal.
fn explain(status: u16, text: &str) -> Answer {
    Answer::json(
        status,
        Value::String(text.to_owned()).to_string().into_bytes(),
    )
}

impl Handler for OpenDentalHandler {
    fn handle(&self, request: &Request) -> Answer {
        let authorized = request
            .headers
            .get("Authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == self.authorization);
        if !authorized {
            return explain(401, "Invalid authorization header.");
        }
        let json = request
            .headers
            .get("Content-Type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return explain(400, "Content-Type must be application/json.");
        }
        let Some(rest) = request.url.path().strip_prefix(PREFIX) else {
            return explain(404, "Resource not found.");
        };
        let table = rest.split('/').next().unwrap_or_default();
        if insurance::TABLES.contains(&table) {
            let mut store = lock(&self.store);
            if let Some(answer) = insurance::route(&mut store, request, rest, self.paging(request))
            {
                return answer;
            }
        }
        let (collection, key) = rest.split_once('/').unwrap_or((rest, ""));
        let key = match key {
            "" => None,
            _ => match key.parse::<u64>() {
                Ok(n) => Some(n),
                _ => return explain(404, "Resource not found."),
            },
        };
        let mut store = lock(&self.store);
        if let Some(refused) = store.refuse_for_version(request, collection, key) {
            return refused;
        }
        if collection != "benefits" {
            let lookup = self.lookup(&store, request, collection, key);
            return lookup.unwrap_or_else(|(status, text)| explain(status, &text));
        }
        let num = key.map(BenefitNum::new);
        // The moment the rows were read or written, under the store's lock: the request log's
        // time for a benefits request, exact against the write log.
        let at = std::time::Instant::now();
        let result = match (request.method.as_str(), num) {
            ("GET", None) => self.list(&store, request),
            ("GET", Some(n)) => store
                .rows
                .get(&n)
                .map(|row| (200, row.clone()))
                .map(|(s, row)| Answer::json(s, to_json(&row)))
                .ok_or((404, "Benefit not found.".to_owned())),
            ("POST", None) => writes::create(&mut store, api_writer(request), &request.body),
            ("PUT", Some(n)) => writes::update(&mut store, api_writer(request), n, &request.body),
            ("DELETE", Some(n)) => match store.rows.remove(&n) {
                Some(row) => {
                    store.log(api_writer(request), WriteKind::Delete, Some(row), None);
                    Ok(Answer::empty(200))
                }
                None => Err((404, "Benefit not found.".to_owned())),
            },
            _ => Err((405, "Method not allowed.".to_owned())),
        };
        let mut answer = result.unwrap_or_else(|(status, text)| explain(status, &text));
        answer.at = Some(at);
        answer
    }

    fn fault_body(&self, status: u16) -> Vec<u8> {
        Value::String(format!("Injected fault {status}."))
            .to_string()
            .into_bytes()
    }

    fn malformed_body(&self) -> &'static [u8] {
        br#"[{"BenefitNum": 1, "PlanNum": 12, "BenefitType": "Limi"#
    }
}

pub(super) type Outcome = Result<Answer, (u16, String)>;

/// The writer of an API request: its `User-Agent`.
fn api_writer(request: &Request) -> Writer {
    let user_agent = request
        .headers
        .get("User-Agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Writer::Api { user_agent }
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // A Benefit always serializes: every field is a number, a string or a fixed format.
    serde_json::to_vec(value).unwrap_or_default()
}

impl OpenDentalHandler {
    /// The read-only lookups: a page of a table, or one plan.
    fn lookup(&self, store: &Store, request: &Request, table: &str, key: Option<u64>) -> Outcome {
        if request.method.as_str() != "GET" {
            return Err((405, "Method not allowed.".to_owned()));
        }
        let (limit, offset) = self.paging(request)?;
        match (table, key) {
            ("covcats", None) => {
                let mut cats: Vec<&CovCat> = store.cov_cats.iter().collect();
                cats.sort_by_key(|c| (c.cov_order, c.cov_cat_num));
                Ok(page(cats, limit, offset))
            }
            #[cfg(feature = "od-23-2")]
            ("codegroups", None) => {
                let mut groups: Vec<&CodeGroup> = store.code_groups.iter().collect();
                groups.sort_by_key(|g| g.code_group_num);
                Ok(page(groups, limit, offset))
            }
            ("insplans", None) => Ok(page(store.plans.values().collect(), limit, offset)),
            ("procedurecodes", None) => Ok(etrans::procedure_codes(store, limit, offset)),
            ("etranss", None) => etrans::etranss(store, request, limit, offset),
            ("etransmessagetexts", Some(n)) => etrans::message_text(store, n),
            ("preferences", None) => {
                let asked = request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "PrefName")
                    .map(|(_, v)| v.into_owned());
                let rows: Vec<Value> = match (&store.version, asked.as_deref()) {
                    (Some(v), Some("ProgramVersion")) => vec![serde_json::json!({
                        "PrefNum": 281, "PrefName": "ProgramVersion", "ValueString": v
                    })],
                    _ => Vec::new(),
                };
                Ok(Answer::json(200, to_json(&rows)))
            }
            ("insplans", Some(n)) => store
                .plans
                .get(&PlanNum::new(n))
                .map(|p| Answer::json(200, to_json(p)))
                .ok_or((404, "InsPlan not found.".to_owned())),
            _ => Err((404, "Resource not found.".to_owned())),
        }
    }

    /// `Limit` (capped at the page cap) and `Offset`.
    fn paging(&self, request: &Request) -> Result<(usize, usize), (u16, String)> {
        let mut limit = self.page_cap as usize;
        let mut offset = 0usize;
        for (key, value) in request.url.query_pairs() {
            let number = || {
                value
                    .parse::<usize>()
                    .map_err(|_| bad(format!("{key} is invalid.")))
            };
            match key.as_ref() {
                "Limit" => limit = number()?.min(self.page_cap as usize),
                "Offset" => offset = number()?,
                _ => {}
            }
        }
        Ok((limit, offset))
    }

    fn list(&self, store: &Store, request: &Request) -> Outcome {
        let mut plan = None;
        let mut pat_plan = None;
        let mut limit = self.page_cap as usize;
        let mut offset = 0usize;
        for (key, value) in request.url.query_pairs() {
            let number = || {
                value
                    .parse::<u64>()
                    .map_err(|_| bad(format!("{key} is invalid.")))
            };
            match key.as_ref() {
                "PlanNum" => plan = Some(PlanNum::new(number()?)),
                "PatPlanNum" => pat_plan = Some(PatPlanNum::new(number()?)),
                "Limit" => limit = (number()? as usize).min(self.page_cap as usize),
                "Offset" => offset = number()? as usize,
                _ => {}
            }
        }
        if plan.is_some() && pat_plan.is_some() {
            return Err(bad("Only one of PlanNum or PatPlanNum may be given."));
        }
        let rows: Vec<&Benefit> = store
            .rows
            .values()
            .filter(|b| plan.is_none_or(|p| b.plan_num == Some(p)))
            .filter(|b| pat_plan.is_none_or(|p| b.pat_plan_num == Some(p)))
            .skip(offset)
            .take(limit)
            .collect();
        Ok(Answer::json(200, to_json(&rows)))
    }
}

/// One page of a lookup table, in the order given.
pub(super) fn page<T: serde::Serialize>(rows: Vec<&T>, limit: usize, offset: usize) -> Answer {
    let rows: Vec<&T> = rows.into_iter().skip(offset).take(limit).collect();
    Answer::json(200, to_json(&rows))
}
