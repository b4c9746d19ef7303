//! `MockOpenDental`: a stateful fake of the Benefits API.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{NaiveDateTime, Timelike, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

use super::faults::{Answer, Handler, Responder, Shared, fast_retries, fault_knobs, lock};
use crate::macros::WireEnum;
#[cfg(feature = "od-23-2")]
use crate::opendental::CodeGroup;
use crate::opendental::rules;
use crate::opendental::wire::money;
use crate::opendental::{
    Benefit, BenefitNum, BenefitType, BenefitsClient, BenefitsClientBuilder, CodeNum, CovCat,
    CovCatNum, CoverageLevel, InsPlan, NewBenefit, Owner, PatPlanNum, PlanNum, QuantityQualifier,
    TimePeriod,
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
    /// Local API or API Service).
    pub fn page_cap(mut self, rows: u32) -> Self {
        self.page_cap = rows.max(1);
        self
    }

    /// Starts the server.
    pub async fn start(self) -> MockOpenDental {
        let server = MockServer::start().await;
        let store = Arc::new(Mutex::new(Store {
            cov_cats: super::demo::cov_cats(),
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
                handler,
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

    /// A client builder pointed at the fake, with its keys, its page cap as page size, no
    /// throttle and millisecond retry backoffs.
    pub fn client_builder(&self) -> BenefitsClientBuilder {
        BenefitsClient::builder()
            .keys(self.developer_key.clone(), self.customer_key.clone())
            .base_url(self.base_url())
            .page_size(self.page_cap)
            .retry_policy(fast_retries())
    }

    /// A client pointed at the fake (see [`MockOpenDental::client_builder`]).
    pub fn client(&self) -> BenefitsClient {
        // The builder's settings are all valid by construction: a loopback URL, keys of
        // visible ASCII, a page size of at least 1.
        self.client_builder()
            .build()
            .expect("a client of the fake always builds")
    }

    /// Stores a benefit directly (no HTTP, no validation), as if created earlier, and returns
    /// the row with its BenefitNum and dates.
    pub fn seed(&self, benefit: &NewBenefit) -> Benefit {
        let mut store = lock(&self.store);
        let row = store.new_row(benefit.owner);
        let row = fill(row, benefit, &store);
        store.rows.insert(row.benefit_num, row.clone());
        row
    }

    /// Stores rows as they are (their BenefitNums included), replacing rows with the same key.
    pub fn insert(&self, rows: impl IntoIterator<Item = Benefit>) {
        let mut store = lock(&self.store);
        for row in rows {
            store.next_num = store.next_num.max(row.benefit_num.get());
            store.rows.insert(row.benefit_num, row);
        }
    }

    /// Removes a row directly (no HTTP), as another user of the office would, and returns it.
    pub fn remove(&self, benefit: BenefitNum) -> Option<Benefit> {
        lock(&self.store).rows.remove(&benefit)
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
    /// (23.2.62) and `GET /insplans/{n}` (24.2.11).
    pub fn set_version(&self, version: Option<&str>) {
        lock(&self.store).version = version.map(str::to_owned);
    }

    /// Stores an insurance plan, replacing one with the same PlanNum.
    pub fn insert_plan(&self, plan: InsPlan) {
        lock(&self.store).plans.insert(plan.plan_num, plan);
    }

    fault_knobs!();
}

#[derive(Default)]
struct Store {
    rows: BTreeMap<BenefitNum, Benefit>,
    next_num: u64,
    cov_cats: Vec<CovCat>,
    #[cfg(feature = "od-23-2")]
    code_groups: Vec<CodeGroup>,
    plans: BTreeMap<PlanNum, InsPlan>,
    /// The `ProgramVersion` preference, as the office stores it (`None`: no such row).
    version: Option<String>,
}

impl Store {
    fn new_row(&mut self, owner: Owner) -> Benefit {
        self.next_num += 1;
        let now = now();
        let (plan_num, pat_plan_num) = match owner {
            Owner::Plan(p) => (Some(p), None),
            Owner::PatPlan(p) => (None, Some(p)),
        };
        Benefit {
            benefit_num: BenefitNum::new(self.next_num),
            plan_num,
            pat_plan_num,
            cov_cat_num: None,
            benefit_type: BenefitType::ActiveCoverage,
            percent: None,
            monetary_amt: None,
            time_period: TimePeriod::None,
            quantity_qualifier: QuantityQualifier::None,
            quantity: 0,
            code_num: None,
            proc_code: None,
            coverage_level: CoverageLevel::None,
            sec_date_t_entry: Some(now),
            sec_date_t_edit: Some(now),
            #[cfg(feature = "od-23-2")]
            code_group_num: None,
            #[cfg(feature = "od-25-3")]
            treat_area: crate::opendental::TreatArea::None,
        }
    }
}

/// The row Open Dental would store for `new` under `benefit_num`, for your own tests' fixtures:
/// the request's fields, the server's defaults for the rest (a TimePeriod left unset reads
/// as the calendar year, or None for a frequency counted in months or years), and both
/// timestamps set to now.
///
/// ```
/// use benefits_sdk::mock::benefit_row;
/// use benefits_sdk::opendental::{BenefitNum, CovCatNum, NewBenefit, PlanNum};
///
/// let row = benefit_row(BenefitNum::new(7), &NewBenefit::coinsurance(PlanNum::new(12), CovCatNum::new(3), 80));
/// assert_eq!(row.percent, Some(80));
/// assert_eq!(row.plan_num, Some(PlanNum::new(12)));
/// ```
pub fn benefit_row(benefit_num: BenefitNum, new: &NewBenefit) -> Benefit {
    let mut store = Store {
        next_num: benefit_num.get().saturating_sub(1),
        ..Store::default()
    };
    let row = store.new_row(new.owner);
    fill(row, new, &store)
}

/// The office's clock, to the second.
fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond(0).unwrap_or(now)
}

/// A seeded row: the new benefit's fields, the server's defaults for the rest.
fn fill(mut row: Benefit, b: &NewBenefit, store: &Store) -> Benefit {
    row.benefit_type = b.benefit_type.clone();
    row.coverage_level = b.coverage_level.clone();
    row.cov_cat_num = b.cov_cat_num;
    row.percent = b.percent;
    row.monetary_amt = b.monetary_amt;
    row.quantity_qualifier = b.quantity_qualifier.clone().unwrap_or_default();
    row.quantity = b.quantity.unwrap_or(0);
    row.time_period = b
        .time_period
        .clone()
        .unwrap_or_else(|| store.default_period(&row));
    row.code_num = b.code_num;
    row.proc_code = b.proc_code.clone();
    #[cfg(feature = "od-23-2")]
    {
        row.code_group_num = b.code_group_num;
    }
    #[cfg(feature = "od-25-3")]
    if let Some(area) = &b.treat_area {
        row.treat_area = area.clone();
    }
    row
}

impl Store {
    /// A 400 for a method or field newer than the office's version.
    fn refuse_for_version(
        &self,
        request: &Request,
        table: &str,
        key: Option<u64>,
    ) -> Option<Answer> {
        let office: crate::opendental::ServerVersion =
            self.version.as_deref().and_then(|v| v.parse().ok())?;
        let get = request.method.as_str() == "GET";
        let sends_treat_area = String::from_utf8_lossy(&request.body).contains("\"TreatArea\"");
        let needs = match (table, key) {
            ("benefits", Some(_)) if get => (25, 3, 7),
            ("benefits", _) if sends_treat_area => (25, 3, 7),
            ("covcats", _) => (23, 3, 8),
            ("codegroups", _) => (23, 2, 62),
            ("insplans", Some(_)) => (24, 2, 11),
            _ => return None,
        };
        let needs = crate::opendental::ServerVersion::new(needs.0, needs.1, needs.2);
        (office < needs).then(|| {
            explain(
                400,
                &format!("Not available in version {office}. Requires version {needs} or later."),
            )
        })
    }

    /// The server's TimePeriod default: None for frequency shapes counted in months or years,
    /// else the plan's benefit year (ServiceYear when it renews in a month other than
    /// January's 0; the calendar year for a plan the fake does not hold).
    fn default_period(&self, row: &Benefit) -> TimePeriod {
        let months_or_years = matches!(
            row.quantity_qualifier,
            QuantityQualifier::Months | QuantityQualifier::Years | QuantityQualifier::AgeLimit
        );
        let renews = row
            .plan_num
            .and_then(|p| self.plans.get(&p))
            .map_or(0, |p| p.month_renew);
        if row.benefit_type == BenefitType::Limitations && months_or_years {
            TimePeriod::None
        } else if renews == 0 {
            TimePeriod::CalendarYear
        } else {
            TimePeriod::ServiceYear
        }
    }
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
        let result = match (request.method.as_str(), num) {
            ("GET", None) => self.list(&store, request),
            ("GET", Some(n)) => store
                .rows
                .get(&n)
                .map(|row| (200, row.clone()))
                .map(|(s, row)| Answer::json(s, to_json(&row)))
                .ok_or((404, "Benefit not found.".to_owned())),
            ("POST", None) => create(&mut store, &request.body),
            ("PUT", Some(n)) => update(&mut store, n, &request.body),
            ("DELETE", Some(n)) => match store.rows.remove(&n) {
                Some(_) => Ok(Answer::empty(200)),
                None => Err((404, "Benefit not found.".to_owned())),
            },
            _ => Err((405, "Method not allowed.".to_owned())),
        };
        result.unwrap_or_else(|(status, text)| explain(status, &text))
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

type Outcome = Result<Answer, (u16, String)>;

fn bad(text: impl Into<String>) -> (u16, String) {
    (400, text.into())
}

fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
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
fn page<T: serde::Serialize>(rows: Vec<&T>, limit: usize, offset: usize) -> Answer {
    let rows: Vec<&T> = rows.into_iter().skip(offset).take(limit).collect();
    Answer::json(200, to_json(&rows))
}

fn body_map(body: &[u8]) -> Result<Map<String, Value>, (u16, String)> {
    serde_json::from_slice(body).map_err(|_| bad("The request body is not a valid JSON object."))
}

fn create(store: &mut Store, body: &[u8]) -> Outcome {
    let map = body_map(body)?;
    let plan = int(&map, "PlanNum")?.filter(|n| *n > 0);
    let pat_plan = int(&map, "PatPlanNum")?.filter(|n| *n > 0);
    let owner = match (plan, pat_plan) {
        (Some(p), None) => Owner::Plan(PlanNum::new(p as u64)),
        (None, Some(p)) => Owner::PatPlan(PatPlanNum::new(p as u64)),
        (None, None) => return Err(bad("PlanNum or PatPlanNum is required.")),
        (Some(_), Some(_)) => return Err(bad("Only one of PlanNum or PatPlanNum may be given.")),
    };
    if !map.contains_key("BenefitType") {
        return Err(bad("BenefitType is required."));
    }
    if !map.contains_key("CoverageLevel") {
        return Err(bad("CoverageLevel is required."));
    }
    let mut row = store.new_row(owner);
    apply(&mut row, &map)?;
    if !map.contains_key("TimePeriod") {
        row.time_period = store.default_period(&row);
    }
    check(&row, &map)?;
    store.next_num = store.next_num.max(row.benefit_num.get());
    store.rows.insert(row.benefit_num, row.clone());
    Ok(Answer::json(201, to_json(&row)))
}

fn update(store: &mut Store, num: BenefitNum, body: &[u8]) -> Outcome {
    let map = body_map(body)?;
    if map.contains_key("PlanNum") || map.contains_key("PatPlanNum") {
        return Err(bad("PlanNum and PatPlanNum cannot be changed."));
    }
    let Some(before) = store.rows.get(&num) else {
        return Err((404, "Benefit not found.".to_owned()));
    };
    let mut row = before.clone();
    apply(&mut row, &map)?;
    #[cfg(feature = "od-25-3")]
    if map.contains_key("CodeGroupNum")
        && before.code_group_num.is_some()
        && row.code_group_num != before.code_group_num
        && (before.is_frequency_limitation() || before.is_age_limit())
    {
        return Err(bad(
            "CodeGroupNum cannot be changed for a Frequency Limitation or an Age Limit.",
        ));
    }
    check(&row, &map)?;
    row.sec_date_t_edit = Some(now());
    store.rows.insert(num, row.clone());
    Ok(Answer::json(200, to_json(&row)))
}

/// Sets the fields present in the body on the row, checking each value's form.
fn apply(row: &mut Benefit, map: &Map<String, Value>) -> Result<(), (u16, String)> {
    if let Some(t) = name(map, "BenefitType", BenefitType::from_wire)? {
        row.benefit_type = t;
    }
    if let Some(c) = name(map, "CoverageLevel", CoverageLevel::from_wire)? {
        row.coverage_level = c;
    }
    if let Some(p) = name(map, "TimePeriod", TimePeriod::from_wire)? {
        row.time_period = p;
    }
    if let Some(q) = name(map, "QuantityQualifier", QuantityQualifier::from_wire)? {
        row.quantity_qualifier = q;
    }
    if let Some(c) = int(map, "CovCatNum")? {
        row.cov_cat_num = u64::try_from(c).ok().filter(|c| *c > 0).map(CovCatNum::new);
    }
    if let Some(p) = int(map, "Percent")? {
        row.percent = match u8::try_from(p) {
            _ if p == -1 => None,
            Ok(p) if p <= rules::MAX_PERCENT => Some(p),
            _ => return Err(bad("Percent must be between 0 and 100.")),
        };
    }
    if let Some(value) = map.get("MonetaryAmt") {
        let amount = value
            .as_f64()
            .and_then(money::from_wire)
            .ok_or_else(|| bad("MonetaryAmt is invalid."))?;
        row.monetary_amt = (amount != Decimal::NEGATIVE_ONE).then_some(amount);
    }
    if let Some(q) = int(map, "Quantity")? {
        row.quantity = u8::try_from(q)
            .ok()
            .filter(|q| *q <= rules::MAX_QUANTITY)
            .ok_or_else(|| bad("Quantity must be between 0 and 100."))?;
    }
    // CodeNum wins over procCode when both are sent.
    if let Some(code) = map.get("procCode") {
        let code = code.as_str().ok_or_else(|| bad("procCode is invalid."))?;
        row.proc_code = (!code.is_empty()).then(|| code.to_owned());
    }
    if let Some(c) = int(map, "CodeNum")? {
        row.code_num = u64::try_from(c).ok().filter(|c| *c > 0).map(CodeNum::new);
    }
    #[cfg(feature = "od-23-2")]
    if let Some(g) = int(map, "CodeGroupNum")? {
        row.code_group_num = u64::try_from(g)
            .ok()
            .filter(|g| *g > 0)
            .map(crate::opendental::CodeGroupNum::new);
    }
    #[cfg(feature = "od-25-3")]
    if let Some(a) = name(map, "TreatArea", crate::opendental::TreatArea::from_wire)? {
        row.treat_area = a;
    }
    Ok(())
}

/// The documented rules on the row as it would be stored, given the fields the body sent: the
/// same rules the client's validator reads (`opendental::rules`), in Open Dental's words.
// Only TreatArea (od-25-3) is judged by what was sent.
#[cfg_attr(not(feature = "od-25-3"), allow(unused_variables))]
fn check(row: &Benefit, sent: &Map<String, Value>) -> Result<(), (u16, String)> {
    if row.percent.is_some() && !rules::percent_allowed(Some(&row.benefit_type)) {
        return Err(bad("Percent is only allowed for CoInsurance benefits."));
    }
    if !rules::waiting_period_qualifier_ok(Some(&row.benefit_type), Some(&row.quantity_qualifier)) {
        return Err(bad(
            "QuantityQualifier must be Months or Years for a WaitingPeriod.",
        ));
    }
    if !rules::age_limit_quantity_ok(Some(&row.quantity_qualifier), Some(row.quantity)) {
        return Err(bad("Quantity must be greater than 0 for an AgeLimit."));
    }
    if !rules::code_allowed(row.cov_cat_num) && (row.code_num.is_some() || row.proc_code.is_some())
    {
        return Err(bad(
            "CodeNum and procCode are only allowed when CovCatNum is 0.",
        ));
    }
    #[cfg(feature = "od-25-3")]
    if sent.contains_key("TreatArea") && !row.is_frequency_limitation() {
        return Err(bad("TreatArea is only allowed for a Frequency Limitation."));
    }
    Ok(())
}

fn int(map: &Map<String, Value>, key: &str) -> Result<Option<i64>, (u16, String)> {
    map.get(key)
        .map(|v| v.as_i64().ok_or_else(|| bad(format!("{key} is invalid."))))
        .transpose()
}

fn name<E: WireEnum>(
    map: &Map<String, Value>,
    key: &str,
    from_wire: fn(&str) -> E,
) -> Result<Option<E>, (u16, String)> {
    map.get(key)
        .map(|v| {
            v.as_str()
                .map(from_wire)
                .filter(|e| !e.unknown())
                .ok_or_else(|| bad(format!("{key} is invalid.")))
        })
        .transpose()
}
