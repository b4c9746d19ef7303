//! `BenefitsClientBuilder`: the settings of a client, checked at `build`.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::{self, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::cache::{self, Catalog};
use super::cascade::{Cascade, Endpoint, ModeIndex};
use super::lock::{ApplyLock, LocalApplyLock};
use super::version::{Known, ServerVersion};
use super::{BenefitsClient, Inner, ModeState};
use crate::error::{ConfigErrorKind, Error};
use crate::http::base_url::{PlainHttp, parse_base_url};
use crate::http::throttle::{LocalThrottle, Pacing, Throttle, ThrottleKey};
use crate::http::transport::{self, TransportOptions};

/// Above Open Dental's own 60 s limit, so its 504 arrives before the client gives up.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);
/// The largest page any mode serves (Local API and API Service with Enterprise).
const MAX_PAGE_SIZE: u32 = 10_000;
/// Pages overlap by one row, so a page must hold at least two.
const MIN_PAGE_SIZE: u32 = 2;
/// How long a cascade stays on a fallback mode before trying the first again.
const DEFAULT_COOLDOWN: Duration = Duration::from_secs(60);

/// The throttle a builder asks for: each mode's default, none, or one interval for every mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ThrottleSetting {
    ModeDefault,
    Off,
    Every(Duration),
}

impl ThrottleSetting {
    /// The interval in force for a mode whose default is `mode_default`.
    fn interval(self, mode_default: Option<Duration>) -> Option<Duration> {
        match self {
            ThrottleSetting::ModeDefault => mode_default,
            ThrottleSetting::Off => None,
            ThrottleSetting::Every(interval) => Some(interval),
        }
    }
}

/// Builds a [`BenefitsClient`]. Nothing is checked until [`BenefitsClientBuilder::build`].
/// `Clone`, to build clients that differ in one setting.
#[derive(Clone)]
pub struct BenefitsClientBuilder {
    developer_key: Option<SecretString>,
    pub(super) customer_key: Option<SecretString>,
    /// The mode, or the modes of a cascade in order.
    endpoints: Vec<Endpoint>,
    cooldown: Duration,
    allow_insecure_http: bool,
    transport: TransportOptions,
    throttle: ThrottleSetting,
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
            throttle: ThrottleSetting::ModeDefault,
            page_size: None,
            lookup_ttl: cache::DEFAULT_TTL,
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
    /// [`ApiMode::Custom`](crate::opendental::ApiMode::Custom): page size 100 and no throttle, unless set. Plain `http://` only for
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
        self.throttle = ThrottleSetting::Every(interval);
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
        self.throttle = ThrottleSetting::Off;
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
        let mut shared = self.transport.clone();
        let connection_bound = shared.connection_bound();
        let (modes, http) = self.modes(&shared, &shared_throttle, customer)?;
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
        template.transport.http = Some(http);
        template.transport.connect_timeout = None;
        template.transport.connection_bound = Some(connection_bound);
        Ok(BenefitsClient {
            inner: Arc::new(Inner {
                modes,
                cascade: Cascade {
                    active: std::sync::Mutex::new((ModeIndex::FIRST, None)),
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
    /// Each mode's state: its base URL, page size and transport, every one on the first
    /// mode's connection pool (or the caller's), which is returned too.
    fn modes(
        &self,
        shared: &TransportOptions,
        throttle: &Arc<dyn Throttle>,
        customer: &str,
    ) -> Result<(Vec<ModeState>, reqwest::Client), Error> {
        let mut http: Option<reqwest::Client> = None;
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
                .interval(mode.default_throttle())
                .map(|interval| Pacing {
                    throttle: throttle.clone(),
                    key: ThrottleKey::for_key(customer),
                    interval,
                });
            let mut options = shared.clone();
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
        // `endpoints` is never empty here (build refuses it), so the first mode made a pool.
        let http = http.expect("at least one mode");
        Ok((modes, http))
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
