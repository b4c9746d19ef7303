//! `BenefitCheckClient`: Cervey's benefit check, every attempt signed afresh.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use super::model::BenefitCheck;
use super::query::BenefitCheckQuery;
use super::signing::{NtcSigner, new_nonce, unix_now};
use super::wire;
use crate::error::{ConfigErrorKind, Error, Violations};
use crate::http::base_url::{PlainHttp, parse_base_url};
use crate::http::throttle::{LocalThrottle, Pacing, ThrottleKey};
use crate::http::transport::{self, Call, Reply, Transport, TransportOptions};

const DEFAULT_BASE_URL: &str = "https://claimsapi.cervey.com/api/";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const BENEFIT_CHECK_ROUTE: &str = "GET api/benefitcheck";
const UNAUTHORIZED_HINT: &str = "Cervey answers 401 for a wrong Application ID or API Key, a \
     signature that does not match the URL sent, a timestamp more than about 5 minutes off \
     (check this machine's clock) or a nonce it has seen before";

type Clock = dyn Fn() -> u64 + Send + Sync;
type NonceSource = dyn Fn() -> String + Send + Sync;

/// The client of Cervey Claims API's benefit check.
///
/// Every attempt is signed with the `ntc` scheme (a fresh nonce and timestamp each time, so a
/// retry is signed again). Cheap to clone (an `Arc` inside), `Send + Sync`.
///
/// ```no_run
/// use benefits_sdk::cervey::{BenefitCheckClient, BenefitCheckQuery, Interval, MemberNo};
///
/// # async fn run() -> Result<(), benefits_sdk::Error> {
/// let client = BenefitCheckClient::builder()
///     .credentials("APPLICATION-ID", "API-KEY-BASE64")
///     .build()?;
/// let check = client.benefit_check(&BenefitCheckQuery::new(MemberNo::new(1234567))).await?;
/// if let Some(applied) = check
///     .history(&Interval::Period)
///     .and_then(|period| period.amount_applied_to_periodic_deductible_member)
/// {
///     println!("deductible applied this period: {applied}");
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BenefitCheckClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    base: Url,
    headers: HeaderMap,
    signer: NtcSigner,
    clock: Arc<Clock>,
    nonce: Arc<NonceSource>,
}

impl fmt::Debug for BenefitCheckClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BenefitCheckClient")
            .field("base_url", &self.inner.base.as_str())
            .field("credentials", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl BenefitCheckClient {
    /// Starts a builder: base URL `https://claimsapi.cervey.com/api/`, 30 s request timeout,
    /// 10 s connect timeout, the default [`RetryPolicy`](crate::RetryPolicy), no throttle.
    pub fn builder() -> BenefitCheckClientBuilder {
        BenefitCheckClientBuilder::default()
    }

    /// The base URL endpoints are joined to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// A member's claim totals and MOOP and deductible checks: `GET api/benefitcheck`.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for member number 0; [`Error::is_not_found`] when Cervey has
    /// no such member (or the caller's company is not valid); [`Error::is_unauthorized`] for a
    /// rejected signature, with `WWW-Authenticate` in [`ApiError`](crate::ApiError);
    /// transport and decode errors.
    pub async fn benefit_check(&self, query: &BenefitCheckQuery) -> Result<BenefitCheck, Error> {
        query.validate()?;
        let mut url = self.endpoint("benefitcheck")?;
        query.write_to(&mut url);
        self.get(BENEFIT_CHECK_ROUTE, url)
            .await?
            .decode_with(BENEFIT_CHECK_ROUTE, BenefitCheck::decode)
    }

    /// A signed GET of another Claims API endpoint, `path` relative to the base URL (e.g.
    /// `"company"`), decoded into `T`. Retries, errors and signing as for
    /// [`BenefitCheckClient::benefit_check`].
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a path that is absolute or leaves the base URL; the
    /// errors of any call.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, Error> {
        let escapes = || {
            Violations::one(
                "path",
                "must be a path below the base URL, without a query or a fragment",
            )
            .into_result()
        };
        if path.is_empty() || path.contains(['?', '#']) {
            escapes()?;
        }
        // Checked on the joined URL itself: `..`, `%2e%2e`, `//host` and absolute URLs are all
        // resolved by the join, and whatever they resolve to must stay below the base.
        let mut url = self.endpoint(path)?;
        let base = &self.inner.base;
        if url.origin() != base.origin()
            || !url.path().starts_with(base.path())
            || url.path() == base.path()
        {
            escapes()?;
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let route = "GET api/{path}";
        self.get(route, url)
            .await?
            .decode(route, wire::expected_form)
    }

    fn endpoint(&self, path: &str) -> Result<Url, Error> {
        self.inner.base.join(path).map_err(|e| {
            Error::config(
                ConfigErrorKind::BaseUrl,
                format!("cannot join `{path}` to the base URL: {e}"),
            )
        })
    }

    async fn get(&self, route: &str, url: Url) -> Result<Reply, Error> {
        let inner = &*self.inner;
        // The URL passed here is the URL sent: it is built once and signed as it is.
        let sign = |method: &Method, url: &Url| -> Result<HeaderValue, Error> {
            let nonce = (inner.nonce)();
            if nonce.is_empty() || !nonce.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(Error::config(
                    ConfigErrorKind::InvalidOption,
                    "nonce source: a nonce must be non-empty ASCII letters and digits",
                ));
            }
            let value =
                inner
                    .signer
                    .authorization(method.as_str(), url.as_str(), (inner.clock)(), &nonce);
            let mut header = HeaderValue::try_from(value).map_err(|_| {
                Error::config(
                    ConfigErrorKind::InvalidCredentials,
                    "Application ID: not a valid header value",
                )
            })?;
            header.set_sensitive(true);
            Ok(header)
        };
        inner
            .transport
            .execute(Call {
                method: Method::GET,
                route,
                url,
                headers: &inner.headers,
                body: None,
                signer: Some(&sign),
                unauthorized_hint: Some(UNAUTHORIZED_HINT),
                mode: None,
                fall_back_on_connect: false,
                single_attempt: false,
            })
            .await
    }
}

/// Builds a [`BenefitCheckClient`]. Nothing is checked until
/// [`BenefitCheckClientBuilder::build`]. `Clone`, to build clients that differ in one setting.
#[derive(Clone)]
pub struct BenefitCheckClientBuilder {
    app_id: Option<SecretString>,
    api_key: Option<SecretString>,
    base_url: String,
    transport: TransportOptions,
    throttle: Option<Duration>,
    clock: Option<Arc<Clock>>,
    nonce: Option<Arc<NonceSource>>,
}

impl Default for BenefitCheckClientBuilder {
    fn default() -> Self {
        BenefitCheckClientBuilder {
            app_id: None,
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            transport: TransportOptions::new(DEFAULT_TIMEOUT),
            throttle: None,
            clock: None,
            nonce: None,
        }
    }
}

impl fmt::Debug for BenefitCheckClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BenefitCheckClientBuilder")
            .field("app_id", &self.app_id.as_ref().map(|_| "<redacted>"))
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.transport.timeout)
            .field("retry", &self.transport.retry)
            .finish_non_exhaustive()
    }
}

impl BenefitCheckClientBuilder {
    crate::http::transport::transport_setters!("30 s");

    /// The Application ID and the API Key (base64 text) Cervey issued.
    pub fn credentials(
        mut self,
        app_id: impl Into<SecretString>,
        api_key: impl Into<SecretString>,
    ) -> Self {
        self.app_id = Some(app_id.into());
        self.api_key = Some(api_key.into());
        self
    }

    /// The base URL: the API root, ending in `/api/` (default
    /// `https://claimsapi.cervey.com/api/`). Endpoints such as `benefitcheck/{memberNo}` are
    /// joined to it; a missing trailing slash is added. Plain `http://` is allowed only for
    /// loopback hosts (a local fake or proxy).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Spaces this client's requests (and its clones') at least `interval` apart (default: no
    /// spacing).
    pub fn throttle(mut self, interval: Duration) -> Self {
        self.throttle = Some(interval);
        self
    }

    /// The clock for signature timestamps, in Unix seconds (default: the system clock). For
    /// tests, or to correct a clock known to be off.
    pub fn clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The source of nonces (default: a random GUID as 32 lowercase hex digits, from the OS's
    /// secure generator). Each call must return a value never used before. For tests.
    pub fn nonce_source(mut self, nonce: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.nonce = Some(Arc::new(nonce));
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for missing credentials, an API Key that is not base64, a bad base
    /// URL or plain http to a host other than loopback.
    pub fn build(self) -> Result<BenefitCheckClient, Error> {
        let (Some(app_id), Some(api_key)) = (self.app_id, self.api_key) else {
            return Err(Error::config(
                ConfigErrorKind::MissingCredentials,
                "credentials: missing (set them with credentials())",
            ));
        };
        let key = ThrottleKey::for_key(app_id.expose_secret());
        let pacing = self.throttle.map(|interval| Pacing {
            throttle: Arc::new(LocalThrottle::new()),
            key,
            interval,
        });
        let signer = NtcSigner::new(app_id, api_key)?;
        let base = parse_base_url(&self.base_url, PlainHttp::LoopbackOnly, false)?;
        let headers = transport::json_headers(self.transport.user_agent.as_deref(), false)?;
        Ok(BenefitCheckClient {
            inner: Arc::new(Inner {
                transport: self.transport.build("cervey", &base, pacing)?,
                base,
                headers,
                signer,
                clock: self.clock.unwrap_or_else(|| Arc::new(unix_now)),
                nonce: self.nonce.unwrap_or_else(|| Arc::new(new_nonce)),
            }),
        })
    }
}
