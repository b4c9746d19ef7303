//! `BenefitsClient`: the call machinery every endpoint goes through (modes, version gates,
//! sending with fallback, decoding). The endpoints themselves are in `api/`; this module never
//! imports it but for the lookup cache it holds.

pub(crate) mod builder;
pub(crate) mod cache;
pub(crate) mod cascade;
pub(crate) mod lock;
pub(crate) mod version;

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderMap;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

pub use self::builder::BenefitsClientBuilder;
use self::cache::Catalog;
use self::cascade::{ApiMode, Cascade, ModeIndex};
use self::lock::{ApplyLock, ApplyLockKey};
use self::version::Known;
use crate::error::{ConfigErrorKind, Error};
use crate::http::throttle::ThrottleKey;
use crate::http::transport::{Call, Reply, Transport};
use crate::opendental::model::request::Owner;
use crate::opendental::model::wire;

const UNAUTHORIZED_HINT: &str = "Open Dental answers 401 for a wrong, disabled or unassigned \
     developer or customer key, and for a key without the permission the method needs: reads \
     need Read All, writes the Insurance permission";

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
///
/// Its methods start here (the call machinery); the others are in `client/version.rs` (the
/// office's version), `client/cascade.rs` (the mode in use), `api/` (the endpoints and the
/// listing loop) and `sync/apply.rs` (plan and apply).
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

impl fmt::Debug for BenefitsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BenefitsClient")
            .field("modes", &self.inner.modes)
            .field("in_use", &self.mode_at(self.current()).mode)
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
        &self.mode_at(self.current()).base
    }

    /// The mode in use: the one the client was built for, or, with a cascade
    /// ([`BenefitsClientBuilder::cascade`]), the one it fell back to.
    pub fn mode(&self) -> ApiMode {
        self.mode_at(self.current()).mode
    }

    /// The spacing between this client's requests in the mode in use (`None`: not throttled):
    /// the mode's default (Remote 1 s), or the builder's
    /// [`throttle`](BenefitsClientBuilder::throttle). A 429 stretches it for a while.
    pub fn throttle_interval(&self) -> Option<Duration> {
        let mode = self.mode_at(self.current());
        mode.transport.throttle.as_ref().map(|p| p.interval)
    }

    /// The page size [`BenefitsClient::list`] asks for in the mode in use.
    pub fn page_size(&self) -> u32 {
        self.mode_at(self.current()).page_size
    }

    /// This client's office, as a changeset records it ([`Changeset::office`]): its customer
    /// key's hash, never the key. Two clients of one office have the same; it names the
    /// office in what you keep of it (a cache, a log) without the key.
    ///
    /// [`Changeset::office`]: crate::opendental::Changeset::office
    pub fn office_id(&self) -> crate::opendental::OfficeId {
        crate::opendental::OfficeId::of(self.inner.office)
    }

    /// The apply lock of `owner` at this office, and the lock it is taken in.
    pub(crate) fn apply_lock(&self, owner: Owner) -> (Arc<dyn ApplyLock>, ApplyLockKey) {
        let key = ApplyLockKey::new(self.inner.office, owner);
        (self.inner.apply_lock.clone(), key)
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

    pub(crate) fn endpoint(&self, path: &str) -> Result<Url, Error> {
        self.mode_at(ModeIndex::FIRST).base.join(path).map_err(|e| {
            Error::config(
                ConfigErrorKind::BaseUrl,
                format!("cannot join `{path}` to the base URL: {e}"),
            )
        })
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

    /// [`BenefitsClient::call`] in one attempt, whatever the retry policy (a cascade may still
    /// move on to its next mode when a connection cannot be opened: nothing was sent).
    pub(crate) async fn call_once<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
    ) -> Result<T, Error> {
        let (reply, _) = self.send_on(method, route, url, body, None, true).await?;
        reply.decode(route, wire::expected_form)
    }

    /// [`BenefitsClient::call`] on the mode `pin`, or on the mode in use with fallback; and the
    /// mode that answered.
    pub(crate) async fn call_on<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
        pin: Option<ModeIndex>,
    ) -> Result<(T, ModeIndex), Error> {
        let (reply, used) = self.send_on(method, route, url, body, pin, false).await?;
        Ok((reply.decode(route, wire::expected_form)?, used))
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
    ) -> Result<Reply, Error> {
        Ok(self.send_on(method, route, url, body, None, false).await?.0)
    }

    /// [`BenefitsClient::send`] in one attempt, whatever the retry policy (see
    /// [`BenefitsClient::call_once`]).
    pub(crate) async fn send_once(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
    ) -> Result<Reply, Error> {
        Ok(self.send_on(method, route, url, body, None, true).await?.0)
    }

    /// Sends on mode `pin`, or on the mode in use, moving on to the next mode of a cascade
    /// when a connection cannot be opened (nothing was sent, so even a POST may go again).
    async fn send_on(
        &self,
        method: Method,
        route: &'static str,
        url: Url,
        body: Option<Bytes>,
        pin: Option<ModeIndex>,
        single_attempt: bool,
    ) -> Result<(Reply, ModeIndex), Error> {
        let mut index = pin.unwrap_or_else(|| self.current());
        loop {
            let state = self.mode_at(index);
            let can_fall_back = pin.is_none() && self.has_mode_after(index);
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
                    single_attempt,
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
    fn rebase(&self, url: &Url, index: ModeIndex) -> Result<Url, Error> {
        if index == ModeIndex::FIRST {
            return Ok(url.clone());
        }
        let first = self.mode_at(ModeIndex::FIRST).base.as_str();
        let rest = url.as_str().strip_prefix(first).unwrap_or(url.as_str());
        self.mode_at(index).base.join(rest).map_err(|e| {
            Error::config(
                ConfigErrorKind::BaseUrl,
                format!("cannot join a path to the fallback base URL: {e}"),
            )
        })
    }
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<Bytes, Error> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|e| {
        Error::config(
            ConfigErrorKind::RequestBody,
            format!("cannot encode the request body: {e}"),
        )
    })
}
