//! `BenefitsClient`: the five Benefits endpoints over one shared transport.

pub(crate) mod version;

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use reqwest::Method;
use reqwest::header::{self, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use self::version::{Gate, Known, Preference, ServerVersion};
use crate::error::{ConfigErrorKind, Error, UnsupportedError, Violations};
use crate::http::base_url::{PlainHttp, parse_base_url};
use crate::http::throttle::{LocalThrottle, Pacing, Throttle, ThrottleKey};
use crate::http::transport::{self, Call, Reply, Transport, TransportOptions};
use crate::opendental::api::catalog::{self, Catalog};
use crate::opendental::api::paging::Cursor;
use crate::opendental::model::benefit::{Benefit, BenefitNum};
use crate::opendental::model::request::{
    BenefitFilter, BenefitUpdate, NewBenefit, Owner, PageRequest,
};
use crate::opendental::model::wire;
use crate::opendental::sync::lock::{ApplyLock, ApplyLockKey, LocalApplyLock};

const REMOTE_URL: &str = "https://api.opendental.com/api/v1";
const LOCAL_API_URL: &str = "http://localhost:30222/api/v1";
const API_SERVICE_PORT: u16 = 30223;
/// Above Open Dental's own 60 s limit, so its 504 arrives before the client gives up.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);
/// The largest page any mode serves (Local API and API Service with Enterprise).
const MAX_PAGE_SIZE: u32 = 10_000;
/// Pages overlap by one row, so a page must hold at least two.
const MIN_PAGE_SIZE: u32 = 2;
const UNAUTHORIZED_HINT: &str = "Open Dental answers 401 for a wrong, disabled or unassigned \
     developer or customer key, and for a key without the permission the method needs: reads \
     need Read All, writes the Insurance permission";

/// How the client reaches the office's database: the three API modes Open Dental offers, or a
/// base URL of the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiMode {
    /// `https://api.opendental.com/api/v1`: page cap 100, one request per second per key.
    Remote,
    /// `http://localhost:30222/api/v1` on the office's machine: page cap 1000, no throttle.
    LocalApi,
    /// `http://{server}:30223/api/v1` on the office's network: page cap 1000, no throttle.
    ApiService,
    /// A base URL set with [`BenefitsClientBuilder::base_url`]: page size 100, no throttle,
    /// unless set.
    Custom,
}

impl ApiMode {
    /// The mode's name, as tracing records it.
    pub fn name(self) -> &'static str {
        match self {
            ApiMode::Remote => "Remote",
            ApiMode::LocalApi => "LocalApi",
            ApiMode::ApiService => "ApiService",
            ApiMode::Custom => "Custom",
        }
    }

    fn default_page_size(self) -> u32 {
        match self {
            ApiMode::LocalApi | ApiMode::ApiService => 1000,
            ApiMode::Remote | ApiMode::Custom => 100,
        }
    }

    fn default_throttle(self) -> Option<Duration> {
        match self {
            ApiMode::Remote => Some(Duration::from_secs(1)),
            _ => None,
        }
    }
}

/// The client of Open Dental's Benefits API.
///
/// Cheap to clone (an `Arc` inside); clones share the connection pool and the throttle, so a
/// bulk job spread over many tasks still keeps to the key's rate. `Send + Sync`.
///
/// ```no_run
/// use benefits_sdk::opendental::{BenefitsClient, BenefitFilter, PlanNum};
///
/// # async fn run() -> Result<(), benefits_sdk::Error> {
/// let client = BenefitsClient::builder()
///     .keys("developer-key", "customer-key")
///     .build()?;
/// let benefits = client.list_all(BenefitFilter::Plan(PlanNum::new(12))).await?;
/// for b in &benefits {
///     println!("{} {} {:?}", b.benefit_num, b.benefit_type, b.percent);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BenefitsClient {
    inner: Arc<Inner>,
}

struct Inner {
    /// The modes to try, in order: one, or a cascade. URLs are built on the first's base.
    modes: Vec<ModeState>,
    cascade: Cascade,
    /// Accept, Content-Type, User-Agent and the (sensitive) Authorization header.
    headers: HeaderMap,
    catalog: Catalog,
    version: RwLock<Known>,
    /// What another office's client starts from: this one's settings, connection pool and
    /// throttle, without a customer key. Shared by every client made from it.
    template: Arc<BenefitsClientBuilder>,
    /// One apply per owner at a time (shared with the clients made from the template).
    apply_lock: Arc<dyn ApplyLock>,
    /// The office, as its customer key's hash.
    office: ThrottleKey,
}

/// One mode a client can reach the office by.
struct ModeState {
    mode: ApiMode,
    base: Url,
    page_size: u32,
    /// Its own throttle interval over the shared pool.
    transport: Transport,
}

impl fmt::Debug for ModeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mode")
            .field("mode", &self.mode)
            .field("base_url", &self.base.as_str())
            .field("page_size", &self.page_size)
            .field(
                "throttle",
                &self.transport.throttle.as_ref().map(|p| p.interval),
            )
            .finish()
    }
}

/// Which mode is in use: the first, or a later one since a connection to the one before
/// failed, until the cool-down has passed.
struct Cascade {
    active: std::sync::Mutex<(usize, Option<tokio::time::Instant>)>,
    cooldown: Duration,
}

impl fmt::Debug for BenefitsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BenefitsClient")
            .field("modes", &self.inner.modes)
            .field("in_use", &self.inner.modes[self.current()].mode)
            .field("keys", &"<redacted>")
            .finish()
    }
}

impl BenefitsClient {
    /// Starts a builder with the defaults: Remote mode, 90 s request timeout, 10 s connect
    /// timeout, the default [`RetryPolicy`](crate::RetryPolicy).
    pub fn builder() -> BenefitsClientBuilder {
        BenefitsClientBuilder::default()
    }

    /// The base URL of the mode in use, every endpoint is joined to (with a trailing slash).
    pub fn base_url(&self) -> &Url {
        &self.inner.modes[self.current()].base
    }

    /// The mode in use: the one the client was built for, or, with a cascade
    /// ([`BenefitsClientBuilder::cascade`]), the one it fell back to.
    pub fn mode(&self) -> ApiMode {
        self.inner.modes[self.current()].mode
    }

    /// The page size [`BenefitsClient::list`] asks for in the mode in use.
    pub fn page_size(&self) -> u32 {
        self.inner.modes[self.current()].page_size
    }

    /// The apply lock of `owner` at this office, and the lock it is taken in.
    pub(crate) fn apply_lock(&self, owner: Owner) -> (Arc<dyn ApplyLock>, ApplyLockKey) {
        let key = ApplyLockKey::new(self.inner.office, owner);
        (self.inner.apply_lock.clone(), key)
    }

    /// The mode to use now: the one in use, or the first again once the cool-down since the
    /// fallback has passed.
    fn current(&self) -> usize {
        let cascade = &self.inner.cascade;
        let mut active = cascade
            .active
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let (i, Some(since)) = *active
            && i > 0
            && since.elapsed() >= cascade.cooldown
        {
            *active = (0, None);
            tracing::info!(
                mode = ?self.inner.modes[0].mode,
                "cool-down over: trying the first mode again"
            );
        }
        active.0
    }

    /// Moves on from mode `from` after a connection to it failed; the next mode, if any.
    fn fall_back(&self, from: usize) -> Option<usize> {
        let next = from + 1;
        let to = self.inner.modes.get(next)?;
        let mut active = self
            .inner
            .cascade
            .active
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if active.0 <= from {
            *active = (next, Some(tokio::time::Instant::now()));
            tracing::warn!(
                from = ?self.inner.modes[from].mode,
                to = ?to.mode,
                "cannot connect: falling back to the next mode"
            );
        }
        Some(next)
    }

    /// A builder for another office's client that shares this one's connection pool, TLS
    /// set-up, retry policy, timeouts, throttle implementation and apply lock: give it the office's
    /// customer key, and change its mode, base URL or version if they differ. Each office is
    /// spaced on its own (the throttle is keyed by customer key), and keeps its own lookups and
    /// version. A process serving thousands of offices then holds one pool.
    ///
    /// ```no_run
    /// # use benefits_sdk::opendental::BenefitsClient;
    /// # fn run(root: BenefitsClient) -> Result<(), benefits_sdk::Error> {
    /// let office_a = root.for_office("customer-key-a").build()?;
    /// let office_b = root.for_office("customer-key-b").api_service("192.168.1.20").build()?;
    /// # Ok(()) }
    /// ```
    pub fn for_office(&self, customer_key: impl Into<SecretString>) -> BenefitsClientBuilder {
        let mut builder = (*self.inner.template).clone();
        builder.customer_key = Some(customer_key.into());
        builder
    }

    /// How long lookups stay cached ([`BenefitsClientBuilder::lookup_ttl`]).
    pub fn lookup_ttl(&self) -> Duration {
        self.inner.catalog.ttl()
    }

    pub(crate) fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// The office's version as the client knows it: set on the builder
    /// ([`BenefitsClientBuilder::server_version`]) or read by
    /// [`BenefitsClient::server_version`]; `None` when neither, or when the office's answer
    /// was missing or unparsable. With a version, every method and field the office lacks is
    /// refused before sending ([`Error::Unsupported`]); without one, the server decides.
    pub fn known_server_version(&self) -> Option<ServerVersion> {
        self.known().version()
    }

    /// The office's version: the one set on the builder, else read once from the office with
    /// `GET /preferences?PrefName=ProgramVersion` (Read All, every version since 21.1) and
    /// kept. A missing or unparsable value is `Ok(None)`, kept too: calls then go out and the
    /// server decides. A 400 that names a version drops a version read from the office, so the
    /// next call of this method reads it again (the office may have been upgraded).
    ///
    /// # Errors
    /// Transport, decode and API errors of the preference read (nothing is kept then).
    pub async fn server_version(&self) -> Result<Option<ServerVersion>, Error> {
        match self.known() {
            Known::NotRead => {}
            known => return Ok(known.version()),
        }
        let mut url = self.endpoint("preferences")?;
        url.query_pairs_mut()
            .append_pair("PrefName", "ProgramVersion");
        let prefs: Vec<Preference> = self
            .call(Method::GET, "GET /preferences", url, None)
            .await?;
        let known = match prefs.first().map(|p| p.value_string.parse()) {
            Some(Ok(v)) => Known::Read(v),
            _ => Known::Unknown,
        };
        *self
            .inner
            .version
            .write()
            .unwrap_or_else(PoisonError::into_inner) = known;
        Ok(known.version())
    }

    fn known(&self) -> Known {
        // A plain Copy value: a panic elsewhere cannot leave it torn.
        *self
            .inner
            .version
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses what the office's known version lacks.
    pub(crate) fn gate(&self, gate: Gate) -> Result<(), Error> {
        match self.known_server_version() {
            Some(office) if office < gate.since => Err(Error::Unsupported(UnsupportedError {
                what: gate.what,
                needs: gate.since,
                office,
            })),
            _ => Ok(()),
        }
    }

    /// Gets one benefit: `GET /benefits/{BenefitNum}`. Open Dental 25.3.7.
    ///
    /// # Errors
    /// [`Error::is_not_found`] when there is no such row; [`Error::InvalidRequest`] for
    /// BenefitNum 0; [`Error::Unsupported`] for an office known to be older than 25.3.7;
    /// transport, decode and other API errors as for every call.
    #[cfg(feature = "od-25-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-25-3")))]
    pub async fn get(&self, benefit: BenefitNum) -> Result<Benefit, Error> {
        self.gate(version::GET_ONE)?;
        let url = self.row_url(benefit)?;
        self.call(Method::GET, "GET /benefits/{BenefitNum}", url, None)
            .await
    }

    /// Lists one page: `GET /benefits?PlanNum=|PatPlanNum=&Limit=&Offset=`. Rows come ordered by
    /// BenefitNum. `Limit` is sent when set, `Offset` when above 0.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a key of 0 or a Limit of 0; a 400 from an office older than
    /// 23.2.62 for `BenefitFilter::All`; transport, decode and API errors.
    pub async fn list_page(
        &self,
        filter: BenefitFilter,
        page: PageRequest,
    ) -> Result<Vec<Benefit>, Error> {
        Ok(self.list_page_on(filter, page, None).await?.0)
    }

    /// A page on the mode `pin` (or the mode in use, falling back as needed), and the mode
    /// that served it.
    async fn list_page_on(
        &self,
        filter: BenefitFilter,
        page: PageRequest,
        pin: Option<usize>,
    ) -> Result<(Vec<Benefit>, usize), Error> {
        let mut violations = Violations::default();
        let (name, value) = match filter {
            BenefitFilter::Plan(p) => ("PlanNum", Some(p.get())),
            BenefitFilter::PatPlan(p) => ("PatPlanNum", Some(p.get())),
            #[cfg(feature = "od-23-2")]
            BenefitFilter::All => {
                self.gate(version::LIST_ALL)?;
                ("", None)
            }
        };
        self.gate(version::LIST)?;
        if value == Some(0) {
            violations.push(name, "must be a key above 0 (0 means no row)");
        }
        if page.limit == Some(0) {
            violations.push("Limit", "must be at least 1");
        }
        violations.into_result()?;

        let mut url = self.endpoint("benefits")?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(value) = value {
                query.append_pair(name, &value.to_string());
            }
            if let Some(limit) = page.limit {
                query.append_pair("Limit", &limit.to_string());
            }
            if page.offset > 0 {
                query.append_pair("Offset", &page.offset.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        self.call_on(Method::GET, "GET /benefits", url, None, pin)
            .await
    }

    /// Lists every matching benefit as a stream that fetches a page only when the rows before
    /// it are consumed. Rows come in BenefitNum order, each once. Consume it with
    /// `futures_util::TryStreamExt` (`try_next`, `try_collect`), or use
    /// [`BenefitsClient::list_all`].
    ///
    /// Each page asks for [`BenefitsClient::page_size`] rows. Every page after the first starts
    /// one row early, at the last row of the page before, so that the listing can see rows move
    /// under it. What a caller gets:
    ///
    /// - **Every row that exists from the start to the end of the listing, exactly once,**
    ///   whatever the page size asked for. A server that caps pages below it (Open Dental caps
    ///   at 100, 1000 or 10,000 rows by key and mode) answers a shorter page of exactly its
    ///   cap; the listing then goes on with pages of that size. A page shorter than that ends
    ///   the listing.
    /// - **A row deleted before the listing reaches it** is not returned; one deleted after it
    ///   was returned stays returned. A deletion shifts every later row back by one: when a page
    ///   does not start at or before the last row returned, the listing steps back (by a page,
    ///   then twice that…) until it does, and skips the rows it already returned. After 8 such
    ///   steps in one listing it stops with [`Error::Paging`] of kind
    ///   [`PagingErrorKind::RowsKeptMoving`](crate::PagingErrorKind::RowsKeptMoving) rather
    ///   than risk a miss.
    /// - **A row inserted during the listing** is returned when the listing has not yet passed
    ///   its place: new rows get higher BenefitNums and land at the end.
    ///
    /// Requests: a listing of `n` rows in pages of `p` costs `1 + ⌈(n − p + 1) / (p − 1)⌉`
    /// requests when `n ≥ p`, one when `n < p`; a listing of exactly one full page costs two.
    ///
    /// A server that breaks the paging contract ends the stream with [`Error::Paging`] instead
    /// of looping or repeating rows: a page longer than asked for
    /// ([`PagingErrorKind::PageTooLong`](crate::PagingErrorKind::PageTooLong)), or rows out of
    /// BenefitNum order or a page that starts before the one before it ended, as when Offset is
    /// ignored ([`PagingErrorKind::OutOfOrder`](crate::PagingErrorKind::OutOfOrder)).
    ///
    /// ```no_run
    /// # use benefits_sdk::opendental::{BenefitsClient, BenefitFilter, PlanNum};
    /// use futures_util::TryStreamExt;
    /// # async fn run(client: BenefitsClient) -> Result<(), benefits_sdk::Error> {
    /// let mut rows = client.list(BenefitFilter::Plan(PlanNum::new(12)));
    /// while let Some(benefit) = rows.try_next().await? {
    ///     println!("{}", benefit.benefit_num);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(
        &self,
        filter: BenefitFilter,
    ) -> impl Stream<Item = Result<Benefit, Error>> + Send + Unpin + 'static {
        let client = self.clone();
        // The first page may fall back to another mode; the rest stay on the mode it used.
        let start = Some((Cursor::new(self.page_size()), None));
        stream::try_unfold(start, move |state| {
            let client = client.clone();
            async move {
                let Some((cursor, pin)) = state else {
                    return Ok(None);
                };
                let (page, used) = client
                    .list_page_on(filter, PageRequest::new(cursor.limit, cursor.offset), pin)
                    .await?;
                let (rows, next) = cursor.advance(page)?;
                Ok(Some((rows, next.map(|c| (c, Some(used))))))
            }
        })
        .map_ok(|rows| stream::iter(rows.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }

    /// Lists every matching benefit into one `Vec` (see [`BenefitsClient::list`]).
    ///
    /// # Errors
    /// The first error of any page; [`Error::Paging`] for a misbehaving server.
    pub async fn list_all(&self, filter: BenefitFilter) -> Result<Vec<Benefit>, Error> {
        self.list(filter).try_collect().await
    }

    /// Creates a benefit: `POST /benefits`, answered 201 with the new row. The benefit is
    /// validated first ([`NewBenefit::validate`]). Never retried unless the retry policy says
    /// [`RetryPolicy::retry_non_idempotent`](crate::RetryPolicy::retry_non_idempotent): a retried POST can create a duplicate.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] before sending; on a timeout or a 504 the error's
    /// [`Error::outcome_unknown`] is true and the row may exist: list before creating again.
    pub async fn create(&self, benefit: &NewBenefit) -> Result<Benefit, Error> {
        benefit.validate()?;
        self.gate(version::CREATE)?;
        #[cfg(feature = "od-23-2")]
        if benefit.code_group_num.is_some() {
            self.gate(version::CODE_GROUP_ON_CREATE)?;
        }
        #[cfg(feature = "od-25-3")]
        if benefit.treat_area.is_some() {
            self.gate(version::TREAT_AREA)?;
        }
        let body = to_json(benefit)?;
        let url = self.endpoint("benefits")?;
        self.call(Method::POST, "POST /benefits", url, Some(body))
            .await
    }

    /// Updates a benefit: `PUT /benefits/{BenefitNum}` with only the fields the update sets;
    /// answered with the whole row.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an update that sets nothing or breaks a rule;
    /// [`Error::is_not_found`] for a missing row; API errors such as 400 for changing the code
    /// group of a frequency or age limit.
    pub async fn update(
        &self,
        benefit: BenefitNum,
        update: &BenefitUpdate,
    ) -> Result<Benefit, Error> {
        update.validate()?;
        self.gate(version::UPDATE)?;
        #[cfg(feature = "od-25-3")]
        {
            if !update.code_group_num.is_keep() {
                self.gate(version::CODE_GROUP_ON_UPDATE)?;
            }
            if update.treat_area.is_some() {
                self.gate(version::TREAT_AREA)?;
            }
        }
        let url = self.row_url(benefit)?;
        let body = to_json(update)?;
        self.call(Method::PUT, "PUT /benefits/{BenefitNum}", url, Some(body))
            .await
    }

    /// Deletes a benefit: `DELETE /benefits/{BenefitNum}`. A retry that finds the row gone
    /// after an earlier attempt that may have deleted it counts as success.
    ///
    /// # Errors
    /// [`Error::is_not_found`] when the row did not exist.
    pub async fn delete(&self, benefit: BenefitNum) -> Result<(), Error> {
        self.gate(version::DELETE)?;
        let url = self.row_url(benefit)?;
        self.send(Method::DELETE, "DELETE /benefits/{BenefitNum}", url, None)
            .await
            .map(drop)
    }

    pub(crate) fn endpoint(&self, path: &str) -> Result<Url, Error> {
        self.inner.modes[0].base.join(path).map_err(|e| {
            Error::config(
                ConfigErrorKind::BaseUrl,
                format!("cannot join `{path}` to the base URL: {e}"),
            )
        })
    }

    fn row_url(&self, benefit: BenefitNum) -> Result<Url, Error> {
        if benefit.get() == 0 {
            let mut v = Violations::default();
            v.push("BenefitNum", "must be a key above 0 (0 means no row)");
            v.into_result()?;
        }
        self.endpoint(&format!("benefits/{benefit}"))
    }

    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
    ) -> Result<T, Error> {
        Ok(self.call_on(method, route, url, body, None).await?.0)
    }

    /// [`BenefitsClient::call`] on the mode `pin`, or on the mode in use with fallback; and the
    /// mode that answered.
    pub(crate) async fn call_on<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
        pin: Option<usize>,
    ) -> Result<(T, usize), Error> {
        let (reply, used) = self.send_on(method, route, url, body, pin).await?;
        Ok((reply.decode(route, wire::expected_form)?, used))
    }

    async fn send(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
    ) -> Result<Reply, Error> {
        Ok(self.send_on(method, route, url, body, None).await?.0)
    }

    /// Sends on mode `pin`, or on the mode in use, moving on to the next mode of a cascade
    /// when a connection cannot be opened (nothing was sent, so even a POST may go again).
    async fn send_on(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
        pin: Option<usize>,
    ) -> Result<(Reply, usize), Error> {
        let mut index = pin.unwrap_or_else(|| self.current());
        loop {
            let state = &self.inner.modes[index];
            let can_fall_back = pin.is_none() && index + 1 < self.inner.modes.len();
            let reply = state
                .transport
                .execute(Call {
                    method: method.clone(),
                    route,
                    url: self.rebase(&url, index)?,
                    headers: &self.inner.headers,
                    body: body.clone(),
                    signer: None,
                    unauthorized_hint: Some(UNAUTHORIZED_HINT),
                    mode: Some(state.mode.name()),
                    fall_back_on_connect: can_fall_back,
                })
                .await;
            match reply {
                Err(Error::Transport(t)) if t.kind == crate::TransportErrorKind::Connect => {
                    // A call pinned to its mode (a listing's later pages) fails, but the next
                    // call starts on the next mode.
                    match self.fall_back(index).filter(|_| can_fall_back) {
                        Some(next) => index = next,
                        None => return Err(Error::Transport(t)),
                    }
                }
                Err(e) => {
                    self.forget_version_after(&e);
                    return Err(e);
                }
                Ok(reply) => return Ok((reply, index)),
            }
        }
    }

    /// A URL built on the first mode's base, moved to mode `index`'s.
    fn rebase(&self, url: &Url, index: usize) -> Result<Url, Error> {
        if index == 0 {
            return Ok(url.clone());
        }
        let first = self.inner.modes[0].base.as_str();
        let rest = url.as_str().strip_prefix(first).unwrap_or(url.as_str());
        self.inner.modes[index].base.join(rest).map_err(|e| {
            Error::config(
                ConfigErrorKind::BaseUrl,
                format!("cannot join a path to the fallback base URL: {e}"),
            )
        })
    }

    /// A 400 that names a version means the office is not what the client read: read it
    /// again next time. A version set on the builder stays.
    fn forget_version_after(&self, error: &Error) {
        let names_version = error.status() == Some(reqwest::StatusCode::BAD_REQUEST)
            && error
                .message()
                .is_some_and(|m| m.to_ascii_lowercase().contains("version"));
        if names_version {
            let mut known = self
                .inner
                .version
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if matches!(*known, Known::Read(_) | Known::Unknown) {
                *known = Known::NotRead;
            }
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Bytes, Error> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|e| {
        Error::config(
            ConfigErrorKind::RequestBody,
            format!("cannot encode the request body: {e}"),
        )
    })
}

/// Where a client reaches the office: one of Open Dental's three modes, or a base URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// Remote mode, `https://api.opendental.com/api/v1`.
    Remote,
    /// Local API mode, `http://localhost:30222/api/v1`, on the office's own machine.
    LocalApi,
    /// API Service mode, `http://{host}:30223/api/v1`, on the office's network.
    ApiService(String),
    /// Any base URL (a proxy, a test server).
    BaseUrl(String),
}

impl Endpoint {
    fn resolve(&self) -> (ApiMode, String) {
        match self {
            Endpoint::Remote => (ApiMode::Remote, REMOTE_URL.to_owned()),
            Endpoint::LocalApi => (ApiMode::LocalApi, LOCAL_API_URL.to_owned()),
            Endpoint::ApiService(host) => (
                ApiMode::ApiService,
                format!("http://{}:{API_SERVICE_PORT}/api/v1", host.trim()),
            ),
            Endpoint::BaseUrl(url) => (ApiMode::Custom, url.clone()),
        }
    }
}

/// How long a cascade stays on a fallback mode before trying the first again.
const DEFAULT_COOLDOWN: Duration = Duration::from_secs(60);

/// Builds a [`BenefitsClient`]. Nothing is checked until [`BenefitsClientBuilder::build`].
/// `Clone`, to build clients that differ in one setting.
#[derive(Clone)]
pub struct BenefitsClientBuilder {
    developer_key: Option<SecretString>,
    customer_key: Option<SecretString>,
    /// The mode, or the modes of a cascade in order.
    endpoints: Vec<Endpoint>,
    cooldown: Duration,
    allow_insecure_http: bool,
    transport: TransportOptions,
    throttle: Option<Option<Duration>>,
    page_size: Option<u32>,
    lookup_ttl: Duration,
    server_version: Option<ServerVersion>,
    shared_throttle: Option<Arc<dyn Throttle>>,
    apply_lock: Option<Arc<dyn ApplyLock>>,
}

impl Default for BenefitsClientBuilder {
    fn default() -> Self {
        BenefitsClientBuilder {
            developer_key: None,
            customer_key: None,
            endpoints: vec![Endpoint::Remote],
            cooldown: DEFAULT_COOLDOWN,
            allow_insecure_http: false,
            transport: TransportOptions::new(DEFAULT_TIMEOUT),
            throttle: None,
            page_size: None,
            lookup_ttl: catalog::DEFAULT_TTL,
            server_version: None,
            shared_throttle: None,
            apply_lock: None,
        }
    }
}

impl fmt::Debug for BenefitsClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BenefitsClientBuilder")
            .field(
                "developer_key",
                &self.developer_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "customer_key",
                &self.customer_key.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.transport.timeout)
            .field("retry", &self.transport.retry)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

impl BenefitsClientBuilder {
    crate::http::transport::transport_setters!("90 s, above Open Dental's 60 s server limit");

    /// The developer key (Open Dental's, for your product) and the customer key (one office's).
    pub fn keys(
        mut self,
        developer_key: impl Into<SecretString>,
        customer_key: impl Into<SecretString>,
    ) -> Self {
        self.developer_key = Some(developer_key.into());
        self.customer_key = Some(customer_key.into());
        self
    }

    /// Remote mode, `https://api.opendental.com/api/v1` (the default).
    pub fn remote(mut self) -> Self {
        self.endpoints = vec![Endpoint::Remote];
        self
    }

    /// Local API mode, `http://localhost:30222/api/v1`, on the office's own machine.
    pub fn local_api(mut self) -> Self {
        self.endpoints = vec![Endpoint::LocalApi];
        self
    }

    /// API Service mode, `http://{host}:30223/api/v1`, on the office's network. The host must
    /// be a private address or a LAN name (a bare machine name, `.local`, `.lan`…) unless
    /// [`BenefitsClientBuilder::allow_insecure_http`] is set.
    pub fn api_service(mut self, host: impl Into<String>) -> Self {
        self.endpoints = vec![Endpoint::ApiService(host.into())];
        self
    }

    /// Any base URL (a proxy, a test server): the API root, ending in `/api/v1`, as in
    /// `https://proxy.example.com/opendental/api/v1`. Endpoints are joined to it
    /// (`…/api/v1/benefits`); a missing trailing slash is added. The mode is then
    /// [`ApiMode::Custom`]: page size 100 and no throttle, unless set. Plain `http://` only for
    /// loopback and office-network hosts, unless [`BenefitsClientBuilder::allow_insecure_http`]
    /// is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.endpoints = vec![Endpoint::BaseUrl(url.into())];
        self
    }

    /// Tries several modes in order, as Open Dental recommends (the API Service on the office's
    /// network, then Remote): a request goes to the first mode that a connection can be opened
    /// to. A connection failure (nothing was sent) moves the client on to the next mode at
    /// once; a 4xx or 5xx never does. After [`BenefitsClientBuilder::cascade_cooldown`]
    /// (60 s by default) the client tries the first mode again. The page size and throttle
    /// are each mode's own (its default, unless set here for all), and a listing stays on the
    /// mode its first page used. [`BenefitsClient::mode`] and the `mode` field of the
    /// `benefits_sdk.request` tracing span say which mode served.
    ///
    /// ```
    /// use benefits_sdk::opendental::{BenefitsClient, Endpoint};
    ///
    /// let client = BenefitsClient::builder()
    ///     .keys("developer-key", "customer-key")
    ///     .cascade([Endpoint::ApiService("192.168.1.20".into()), Endpoint::Remote])
    ///     .build()
    ///     .unwrap();
    /// ```
    pub fn cascade(mut self, endpoints: impl IntoIterator<Item = Endpoint>) -> Self {
        self.endpoints = endpoints.into_iter().collect();
        self
    }

    /// How long a cascade stays on a fallback mode before trying the first again (default
    /// 60 s).
    pub fn cascade_cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// Allows plain `http://` to any host. The keys then cross the network unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Spaces this client's requests (and its clones') at least `interval` apart. Remote
    /// default: 1 s; set 5 s for a Read-All-only key, 500 ms for Enterprise.
    pub fn throttle(mut self, interval: Duration) -> Self {
        self.throttle = Some(Some(interval));
        self
    }

    /// The throttle that spaces this client's requests, keyed by a hash of its customer key
    /// (default: a [`LocalThrottle`] of its own, or its root's for
    /// [`BenefitsClient::for_office`]). Give every process the same shared implementation
    /// (e.g. `benefits-sdk-redis`) so that workers serving one office keep to its rate
    /// together.
    pub fn shared_throttle(mut self, throttle: Arc<dyn Throttle>) -> Self {
        self.shared_throttle = Some(throttle);
        self
    }

    /// The lock that lets one apply at a time write an owner's rows, keyed by the hash of the
    /// customer key and the plan or patient plan (default: a [`LocalApplyLock`] shared by this
    /// client, its clones and the clients made with [`BenefitsClient::for_office`]). Give every
    /// process the same shared lock (e.g. `benefits-sdk-redis`'s `RedisApplyLock`) when workers
    /// in several processes may apply one plan.
    pub fn apply_lock(mut self, lock: Arc<dyn ApplyLock>) -> Self {
        self.apply_lock = Some(lock);
        self
    }

    /// Sends requests as fast as they come.
    pub fn no_throttle(mut self) -> Self {
        self.throttle = Some(None);
        self
    }

    /// The page size of [`BenefitsClient::list`], 2–10,000. Default: 100 Remote, 1000 Local
    /// API and API Service. A size above the server's cap for your key costs nothing extra:
    /// the listing sees the capped page and goes on at the cap's size.
    pub fn page_size(mut self, rows: u32) -> Self {
        self.page_size = Some(rows);
        self
    }

    /// How long the client keeps the office's lookups (coverage categories, code groups,
    /// insurance plans) before reading them again. Default: one hour. They change rarely, and
    /// on Remote every read costs a throttle slot; [`BenefitsClient::refresh_lookups`] drops
    /// them at once.
    pub fn lookup_ttl(mut self, ttl: Duration) -> Self {
        self.lookup_ttl = ttl;
        self
    }

    /// The office's Open Dental version, when you know it (e.g. `"24.1.5".parse()?`). Every
    /// method and field that version lacks is then refused before sending, with
    /// [`Error::Unsupported`] naming the version it needs: GET single (25.3.7), TreatArea
    /// (25.3.7), CodeGroupNum on POST (23.2.62) and on PUT (25.3.7), listing with no filter
    /// (23.2.62), coverage categories (23.3.8), code groups (23.2.62), and a plan by key
    /// (24.2.11; older offices get the plan list instead). This holds whatever Cargo features
    /// the build has: one process can serve offices of every version. Without it, nothing is
    /// refused for its version; [`BenefitsClient::server_version`] can read it from the office.
    pub fn server_version(mut self, version: ServerVersion) -> Self {
        self.server_version = Some(version);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for a missing, empty or malformed key, a bad base URL, plain http to a
    /// public host, a page size out of range, or a connect timeout with an injected client.
    pub fn build(self) -> Result<BenefitsClient, Error> {
        let developer = check_key("developer key", self.developer_key.as_ref())?;
        let customer = check_key("customer key", self.customer_key.as_ref())?;
        let mut headers = transport::json_headers(self.transport.user_agent.as_deref(), true)?;
        let mut auth =
            HeaderValue::try_from(format!("ODFHIR {developer}/{customer}")).map_err(|_| {
                Error::config(
                    ConfigErrorKind::InvalidCredentials,
                    "keys: must be visible ASCII",
                )
            })?;
        auth.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, auth);
        let shared_throttle = self
            .shared_throttle
            .clone()
            .unwrap_or_else(|| Arc::new(LocalThrottle::new()));
        if self.endpoints.is_empty() {
            return Err(Error::config(
                ConfigErrorKind::InvalidOption,
                "cascade: give at least one endpoint",
            ));
        }
        // The pool the first mode builds (or the caller's), shared by the others, and the
        // bound on connections to each host, shared the same way.
        let mut http: Option<reqwest::Client> = None;
        let mut shared_options = self.transport.clone();
        let connection_bound = shared_options.connection_bound();
        let mut modes = Vec::with_capacity(self.endpoints.len());
        for endpoint in &self.endpoints {
            let (mode, raw_url) = endpoint.resolve();
            let base = parse_base_url(
                &raw_url,
                PlainHttp::PrivateNetwork,
                self.allow_insecure_http,
            )?;
            let page_size = self.page_size.unwrap_or(mode.default_page_size());
            if !(MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(&page_size) {
                return Err(Error::config(
                    ConfigErrorKind::InvalidOption,
                    format!(
                        "page size {page_size}: must be between {MIN_PAGE_SIZE} and \
                         {MAX_PAGE_SIZE} (pages overlap by one row)"
                    ),
                ));
            }
            let pacing = self
                .throttle
                .unwrap_or(mode.default_throttle())
                .map(|interval| Pacing {
                    throttle: shared_throttle.clone(),
                    key: ThrottleKey::for_key(customer),
                    interval,
                });
            // Every mode shares the first one's pool.
            let mut options = shared_options.clone();
            if let Some(client) = &http {
                options.http = Some(client.clone());
                options.connect_timeout = None;
            }
            let transport = options.build("opendental", &base, pacing)?;
            http = Some(transport.http.clone());
            modes.push(ModeState {
                mode,
                base,
                page_size,
                transport,
            });
        }
        // Other offices start from here: the same pool and throttle, no customer key and no
        // version of their own yet.
        let mut template = self.clone();
        template.customer_key = None;
        template.server_version = None;
        template.shared_throttle = Some(shared_throttle);
        let apply_lock = self
            .apply_lock
            .clone()
            .unwrap_or_else(|| Arc::new(LocalApplyLock::new()));
        template.apply_lock = Some(apply_lock.clone());
        template.transport.http = http.or(self.transport.http.clone());
        template.transport.connect_timeout = None;
        template.transport.connection_bound = Some(connection_bound);
        Ok(BenefitsClient {
            inner: Arc::new(Inner {
                modes,
                cascade: Cascade {
                    active: std::sync::Mutex::new((0, None)),
                    cooldown: self.cooldown,
                },
                headers,
                catalog: Catalog::new(self.lookup_ttl),
                version: RwLock::new(self.server_version.map_or(Known::NotRead, Known::Set)),
                template: Arc::new(template),
                apply_lock,
                office: ThrottleKey::for_key(customer),
            }),
        })
    }
}

/// A key must be present, non-blank, visible ASCII without `/` (the header's separator).
fn check_key<'a>(what: &str, key: Option<&'a SecretString>) -> Result<&'a str, Error> {
    let key = key.map(ExposeSecret::expose_secret).ok_or_else(|| {
        Error::config(
            ConfigErrorKind::MissingCredentials,
            format!("{what}: missing (set it with keys())"),
        )
    })?;
    if key.trim().is_empty() {
        return Err(Error::config(
            ConfigErrorKind::InvalidCredentials,
            format!("{what}: must not be empty"),
        ));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic() && b != b'/') {
        return Err(Error::config(
            ConfigErrorKind::InvalidCredentials,
            format!("{what}: must be visible ASCII without spaces or `/`"),
        ));
    }
    Ok(key)
}
