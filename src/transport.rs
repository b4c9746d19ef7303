//! What both clients share: base URL rules, sending with throttle and retries, reading bodies
//! under a cap, mapping statuses to errors, decoding JSON.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;
use url::{Host, Url};

use crate::connections::{ConnectionBound, DEFAULT_MAX_CONNECTIONS_PER_HOST};
use crate::error::{
    ApiError, ConfigErrorKind, DecodeError, Error, TransportError, TransportErrorKind,
};
use crate::explain::explain;
use crate::retry::{RetryPolicy, is_retryable_status, parse_retry_after};
use crate::throttle::Pacing;

/// The default cap on a response body: far above any real page, far below harm.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The user agent every request carries, naming the crate and its version.
pub(crate) const USER_AGENT: &str = concat!("benefits-sdk/", env!("CARGO_PKG_VERSION"));

/// Which hosts may be reached over plain `http://` without an explicit opt-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlainHttp {
    /// Only this machine (Cervey is only ever served over https).
    LoopbackOnly,
    /// This machine and the office network (Open Dental's Local API and API Service).
    PrivateNetwork,
}

/// Parses and checks a base URL: http or https, a host, no credentials, query or fragment; plain
/// http only where `plain_http` allows it or `allow_insecure` says so. The path gets a trailing
/// slash so that endpoint paths join below it.
pub(crate) fn parse_base_url(
    raw: &str,
    plain_http: PlainHttp,
    allow_insecure: bool,
) -> Result<Url, Error> {
    // The URL itself is left out of the message: it may carry credentials.
    let bad = |why: &str| Error::config(ConfigErrorKind::BaseUrl, format!("base URL: {why}"));
    let mut url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            if !allow_insecure && !host_allows_plain_http(&url, plain_http) {
                return Err(bad(match plain_http {
                    PlainHttp::LoopbackOnly => {
                        "plain http is only allowed for loopback hosts; use https \
                         (or allow_insecure_http for a test server)"
                    }
                    PlainHttp::PrivateNetwork => {
                        "plain http is only allowed for loopback and office-network hosts; use \
                         https (or allow_insecure_http)"
                    }
                }));
            }
        }
        _ => return Err(bad("the scheme must be https or http")),
    }
    if url.host().is_none() {
        return Err(bad("a host is required"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials do not belong in the URL"));
    }
    if url.query().is_some() {
        return Err(bad("a query string is not allowed"));
    }
    if url.fragment().is_some() {
        return Err(bad("a fragment is not allowed"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn host_allows_plain_http(url: &Url, plain_http: PlainHttp) -> bool {
    let private = plain_http == PlainHttp::PrivateNetwork;
    match url.host() {
        Some(Host::Ipv4(ip)) => {
            ip.is_loopback() || (private && (ip.is_private() || ip.is_link_local()))
        }
        Some(Host::Ipv6(ip)) => {
            let first = ip.segments()[0];
            ip.is_loopback()
                || (private
                    && ((first & 0xfe00) == 0xfc00
                        || (first & 0xffc0) == 0xfe80
                        || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_private())))
        }
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                return true;
            }
            // Office servers are reached by a bare machine name or a LAN-only suffix.
            private
                && (!name.contains('.')
                    || [".local", ".lan", ".internal", ".home.arpa", ".corp"]
                        .iter()
                        .any(|s| name.ends_with(s)))
        }
        None => false,
    }
}

/// Signs one attempt: given the method and the exact URL sent, the `Authorization` value.
pub(crate) type Signer<'a> = &'a (dyn Fn(&Method, &Url) -> Result<HeaderValue, Error> + Sync);

/// One logical call, sent in one or more attempts.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    /// The method and route template, for errors and tracing (never the URL: it may hold IDs).
    pub(crate) route: &'a str,
    pub(crate) url: Url,
    /// The client's fixed headers (Accept, Content-Type, User-Agent, a static Authorization).
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: Option<Bytes>,
    /// Signs each attempt afresh, for schemes with a nonce and a timestamp.
    pub(crate) signer: Option<Signer<'a>>,
    /// What a 401 usually means for this API.
    pub(crate) unauthorized_hint: Option<&'static str>,
    /// The API mode in use, for tracing (Open Dental).
    pub(crate) mode: Option<&'static str>,
    /// Another mode can take the call: a connection that never opened is returned at once
    /// instead of retried.
    pub(crate) fall_back_on_connect: bool,
}

/// A success response.
pub(crate) struct Reply {
    pub(crate) body: Bytes,
    /// The call was a write, which the server has now applied.
    is_write: bool,
}

impl Reply {
    /// Decodes the body. For a write the error says its outcome is unknown: the server applied
    /// it, and the caller cannot tell what it made.
    pub(crate) fn decode<T: DeserializeOwned>(self, route: &str, forms: Forms) -> Result<T, Error> {
        self.decode_with(route, |route, body| decode(route, body, forms))
    }

    /// [`Reply::decode`] with a type's own decoder.
    pub(crate) fn decode_with<T>(
        self,
        route: &str,
        decoder: impl FnOnce(&str, Bytes) -> Result<T, Error>,
    ) -> Result<T, Error> {
        decoder(route, self.body).map_err(|e| match e {
            Error::Decode(mut d) => {
                d.outcome_unknown = self.is_write;
                Error::Decode(d)
            }
            other => other,
        })
    }
}

/// The shared sender. One per client, behind the client's `Arc`.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) throttle: Option<Pacing>,
    pub(crate) max_response_bytes: usize,
    /// `opendental` or `cervey`, for tracing.
    pub(crate) api: &'static str,
    /// The permits of the base URL's host: requests in flight there, from every client on
    /// this pool.
    pub(crate) connections: Arc<tokio::sync::Semaphore>,
}

/// The transport settings both client builders share; turned into a [`Transport`] at `build()`.
#[derive(Debug, Clone)]
pub(crate) struct TransportOptions {
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) user_agent: Option<String>,
    pub(crate) max_connections_per_host: usize,
    /// The bound shared with the clients made from this one (`for_office`); made at build.
    pub(crate) connection_bound: Option<Arc<ConnectionBound>>,
}

/// The builder methods for [`TransportOptions`], the same on both client builders (each has a
/// `transport: TransportOptions` field). The argument is the default timeout, in words.
macro_rules! transport_setters {
    ($default_timeout:literal) => {
        #[doc = concat!(
                    "The time limit of one attempt, from sending to the whole body (default ",
                    $default_timeout,
                    ")."
                )]
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.timeout = timeout;
            self
        }

        /// The time limit to connect (default 10 s). Only for the HTTP client this crate
        /// builds: with `http_client`, set it on that client instead (`build` says so).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.connect_timeout = Some(timeout);
            self
        }

        /// Uses your `reqwest::Client` (to share a connection pool, or set proxies or TLS
        /// roots). Its redirect and proxy settings then apply; this crate still sets the
        /// per-request timeout and every header.
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.transport.http = Some(client);
            self
        }

        /// The retry policy (default [`RetryPolicy::default`](crate::RetryPolicy::default);
        /// [`RetryPolicy::disabled`](crate::RetryPolicy::disabled) for none).
        pub fn retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
            self.transport.retry = policy;
            self
        }

        /// The most requests this client (with its clones, and the clients made from it with
        /// `for_office`) has in flight to one host at once (default 32). Requests past it wait
        /// for a free one after their throttle slot, and their spacing counts from when they
        /// go out. It bounds the connections the pool opens there: a fleet of 1,000 offices
        /// starting in the same millisecond opened 40–45 at the default (a connection can take a
        /// moment to return to the pool after its permit is free), against about 900 without
        /// it. 0 is refused at `build`.
        pub fn max_connections_per_host(mut self, connections: usize) -> Self {
            self.transport.max_connections_per_host = connections;
            self.transport.connection_bound = None;
            self
        }

        /// Your application's name and version, sent before this crate's in `User-Agent`.
        pub fn user_agent(mut self, app: impl Into<String>) -> Self {
            self.transport.user_agent = Some(app.into());
            self
        }

        /// The largest response body accepted (default 32 MiB); a larger one is refused with
        /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) before it is read whole.
        pub fn max_response_bytes(mut self, bytes: usize) -> Self {
            self.transport.max_response_bytes = bytes;
            self
        }
    };
}
pub(crate) use transport_setters;

/// Connecting should be quick; a server that does not answer in this time is away.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl TransportOptions {
    pub(crate) fn new(timeout: Duration) -> Self {
        TransportOptions {
            timeout,
            connect_timeout: None,
            http: None,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: None,
            max_connections_per_host: DEFAULT_MAX_CONNECTIONS_PER_HOST,
            connection_bound: None,
        }
    }

    /// The connection bound this transport's clients share, made on the first call.
    pub(crate) fn connection_bound(&mut self) -> Arc<ConnectionBound> {
        let per_host = self.max_connections_per_host;
        self.connection_bound
            .get_or_insert_with(|| Arc::new(ConnectionBound::new(per_host)))
            .clone()
    }

    /// Checks the settings and builds the sender for `base`'s host.
    pub(crate) fn build(
        mut self,
        api: &'static str,
        base: &Url,
        throttle: Option<Pacing>,
    ) -> Result<Transport, Error> {
        if self.max_response_bytes == 0 {
            return Err(Error::config(
                ConfigErrorKind::InvalidOption,
                "max response bytes: must be above 0",
            ));
        }
        if self.max_connections_per_host == 0 {
            return Err(Error::config(
                ConfigErrorKind::InvalidOption,
                "max connections per host: must be above 0",
            ));
        }
        let connections = self.connection_bound().for_url(base);
        let http = match (self.http, self.connect_timeout) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    ConfigErrorKind::InvalidOption,
                    "connect timeout: set it on the injected reqwest::Client",
                ));
            }
            (Some(client), None) => client,
            // No redirects: a redirect must never carry the keys to another host. No retries
            // inside reqwest: the policy here is the only one that decides (and reqwest's
            // default copies every request's headers in case it retries).
            (None, connect) => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .retry(reqwest::retry::never().max_retries_per_request(0))
                .connect_timeout(connect.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(|e| {
                    Error::config(
                        ConfigErrorKind::HttpClient,
                        format!("cannot build the HTTP client: {e}"),
                    )
                })?,
        };
        Ok(Transport {
            http,
            timeout: self.timeout,
            retry: self.retry,
            throttle: throttle.filter(|p| !p.interval.is_zero()),
            max_response_bytes: self.max_response_bytes,
            api,
            connections,
        })
    }
}

/// What one attempt came to.
enum Outcome {
    Success(StatusCode, Bytes),
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    Failed(reqwest::Error),
    /// The body was over the limit; the status it came with.
    TooLarge(StatusCode),
}

/// A failed attempt, with what the retry decision needs to know of it.
struct Failure {
    error: Error,
    /// Worth another attempt (429, 502–504, a transport error other than TLS).
    retryable: bool,
    /// The server may have applied the request.
    may_have_applied: bool,
    /// The server provably never took the request: a connection that never opened, or a 429.
    /// Only then may a POST be sent again without the policy's opt-in.
    never_received: bool,
    retry_after: Option<Duration>,
}

/// OpenTelemetry's `error.type` of a call's last failure: the status code of an HTTP error,
/// else the kind of transport failure.
fn record_error_type(error: &Error) {
    let span = tracing::Span::current();
    match error {
        Error::Api(api) => {
            span.record("error.type", api.status.as_str());
        }
        Error::Transport(t) => {
            span.record("error.type", format!("{:?}", t.kind).to_ascii_lowercase());
        }
        _ => {}
    }
}

/// Whether a write answered with `status` may have been applied: a success did, a 5xx may
/// have (the server failed or timed out while working on it), except 503, which says the
/// server did not take the request. A 4xx refused it.
fn may_have_applied(status: StatusCode) -> bool {
    status.is_success() || (status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE)
}

impl Transport {
    /// Sends `call`, retrying as the policy allows, and returns the body of a 2xx answer.
    pub(crate) async fn execute(&self, call: Call<'_>) -> Result<Reply, Error> {
        // OpenTelemetry's HTTP client names, never `url.full`: a query can hold a member
        // number. The template is the route without its method (`/benefits/{BenefitNum}`).
        let template = call
            .route
            .split_once(' ')
            .map_or(call.route, |(_, path)| path);
        let span = tracing::debug_span!(
            "benefits_sdk.request",
            api = self.api,
            route = call.route,
            mode = call.mode,
            "http.request.method" = call.method.as_str(),
            "url.template" = template,
            "server.address" = call.url.host_str().unwrap_or_default(),
            "http.response.status_code" = tracing::field::Empty,
            "http.request.resend_count" = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        self.execute_inner(call).instrument(span).await
    }

    async fn execute_inner(&self, call: Call<'_>) -> Result<Reply, Error> {
        let started = Instant::now();
        let is_write = call.method != Method::GET && call.method != Method::HEAD;
        // Whether an earlier attempt may have reached the server and been applied.
        let mut earlier_may_have_applied = false;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let _in_flight = self.go_ahead().await;
            let sent_at = Instant::now();
            let outcome = self.attempt(&call).await?;
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            if attempt > 1 {
                span.record("http.request.resend_count", attempt - 1);
            }

            let failure = match outcome {
                Outcome::Success(status, body) => {
                    span.record("http.response.status_code", status.as_u16());
                    tracing::debug!(attempt, elapsed_ms = ms(sent_at.elapsed()), "success");
                    return Ok(Reply { body, is_write });
                }
                Outcome::Status { status, .. }
                    if status == StatusCode::NOT_FOUND
                        && call.method == Method::DELETE
                        && earlier_may_have_applied =>
                {
                    // The earlier attempt deleted the row; this one finds it gone.
                    span.record("http.response.status_code", status.as_u16());
                    tracing::debug!(
                        attempt,
                        "404 after an attempt that may have landed: deleted"
                    );
                    return Ok(Reply {
                        body: Bytes::new(),
                        is_write,
                    });
                }
                Outcome::Status {
                    status,
                    headers,
                    body,
                } => {
                    span.record("http.response.status_code", status.as_u16());
                    tracing::debug!(
                        attempt,
                        status = status.as_u16(),
                        elapsed_ms = ms(sent_at.elapsed()),
                        "error status"
                    );
                    let applied = may_have_applied(status);
                    let mut api = ApiError::new(call.route.to_owned(), status, explain(&body));
                    api.retry_after = headers.get(header::RETRY_AFTER).and_then(|v| {
                        parse_retry_after(v, headers.get(header::DATE), SystemTime::now())
                    });
                    if status == StatusCode::TOO_MANY_REQUESTS
                        && let Some(throttle) = &self.throttle
                    {
                        throttle.rate_limited(api.retry_after).await;
                    }
                    api.www_authenticate = headers
                        .get(header::WWW_AUTHENTICATE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    api.outcome_unknown = is_write && (applied || earlier_may_have_applied);
                    api.hint = (status == StatusCode::UNAUTHORIZED)
                        .then_some(call.unauthorized_hint)
                        .flatten();
                    Failure {
                        retryable: is_retryable_status(status),
                        may_have_applied: applied,
                        never_received: status == StatusCode::TOO_MANY_REQUESTS,
                        retry_after: api.retry_after,
                        error: Error::Api(Box::new(api)),
                    }
                }
                Outcome::Failed(source) => {
                    let kind = transport_kind(&source);
                    tracing::debug!(attempt, kind = ?kind, "transport error");
                    // Connecting failed: no byte of the request was sent.
                    let applied =
                        !matches!(kind, TransportErrorKind::Connect | TransportErrorKind::Tls);
                    Failure {
                        error: Error::Transport(Box::new(TransportError::new(
                            call.route.to_owned(),
                            kind,
                            is_write && (applied || earlier_may_have_applied),
                            Box::new(source.without_url()),
                        ))),
                        retryable: kind != TransportErrorKind::Tls,
                        may_have_applied: applied,
                        never_received: kind == TransportErrorKind::Connect,
                        retry_after: None,
                    }
                }
                Outcome::TooLarge(status) => {
                    span.record("http.response.status_code", status.as_u16());
                    return Err(Error::ResponseTooLarge {
                        route: call.route.to_owned(),
                        limit: self.max_response_bytes,
                        outcome_unknown: is_write
                            && (may_have_applied(status) || earlier_may_have_applied),
                    });
                }
            };

            // A POST goes again only when the server provably never took it, unless the
            // policy opts in to retrying it anyway.
            let may_retry = self.retry.may_retry(&call.method) || failure.never_received;
            let other_mode_takes_it = call.fall_back_on_connect
                && matches!(&failure.error, Error::Transport(t) if t.kind == TransportErrorKind::Connect);
            if !failure.retryable
                || !may_retry
                || other_mode_takes_it
                || attempt >= self.retry.attempts()
            {
                record_error_type(&failure.error);
                return Err(failure.error);
            }
            let delay = failure
                .retry_after
                .unwrap_or_else(|| self.retry.jittered_backoff(attempt - 1));
            // Saturating: a server's number meets the clock here.
            if started.elapsed().saturating_add(delay) > self.retry.elapsed_budget() {
                record_error_type(&failure.error);
                return Err(failure.error);
            }
            earlier_may_have_applied |= failure.may_have_applied;
            tracing::debug!(attempt, delay_ms = ms(delay), "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// Waits until an attempt may go out: its throttle slot, then a free connection permit
    /// (held until its body is read), then the throttle's departure check, so the spacing
    /// counts from when it really leaves.
    async fn go_ahead(&self) -> tokio::sync::OwnedSemaphorePermit {
        if let Some(throttle) = &self.throttle {
            throttle.wait().await;
        }
        let permit = self
            .connections
            .clone()
            .acquire_owned()
            .await
            .expect("the connection bound is never closed");
        if let Some(throttle) = &self.throttle {
            throttle.before_send().await;
        }
        permit
    }

    /// One attempt: send, then read the body under the cap.
    async fn attempt(&self, call: &Call<'_>) -> Result<Outcome, Error> {
        // Built whole rather than through `RequestBuilder`, which would insert the fixed
        // headers one by one into a fresh map.
        let mut request = reqwest::Request::new(call.method.clone(), call.url.clone());
        *request.headers_mut() = call.headers.clone();
        *request.timeout_mut() = Some(self.timeout);
        if let Some(sign) = call.signer {
            request
                .headers_mut()
                .insert(header::AUTHORIZATION, sign(&call.method, &call.url)?);
        }
        if let Some(body) = &call.body {
            *request.body_mut() = Some(body.clone().into());
        }
        let mut response = match self.http.execute(request).await {
            Ok(r) => r,
            Err(e) => return Ok(Outcome::Failed(e)),
        };
        let status = response.status();
        let declared = response.content_length().unwrap_or(0);
        if declared > self.max_response_bytes as u64 {
            return Ok(Outcome::TooLarge(status));
        }
        // Most bodies arrive as one chunk: keep it as it is; join only when there are more.
        let mut first: Option<Bytes> = None;
        let mut joined: Option<BytesMut> = None;
        let mut len = 0usize;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => return Ok(Outcome::Failed(e)),
            };
            len += chunk.len();
            if len > self.max_response_bytes {
                return Ok(Outcome::TooLarge(status));
            }
            match (&mut joined, first.take()) {
                (Some(buf), _) => buf.extend_from_slice(&chunk),
                (None, None) => first = Some(chunk),
                (None, Some(earlier)) => {
                    let mut buf = BytesMut::with_capacity((declared as usize).max(len));
                    buf.extend_from_slice(&earlier);
                    buf.extend_from_slice(&chunk);
                    joined = Some(buf);
                }
            }
        }
        let body = joined.map_or_else(|| first.unwrap_or_default(), BytesMut::freeze);
        if status.is_success() {
            Ok(Outcome::Success(status, body))
        } else {
            Ok(Outcome::Status {
                status,
                headers: std::mem::take(response.headers_mut()),
                body,
            })
        }
    }
}

/// What a transport failure was. A failure while connecting sent nothing; a TLS failure among
/// those will fail the same way again.
fn transport_kind(error: &reqwest::Error) -> TransportErrorKind {
    if error.is_connect() {
        if is_tls_failure(error) {
            TransportErrorKind::Tls
        } else {
            TransportErrorKind::Connect
        }
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Connection
    }
}

/// Looks for the TLS library's own error in the cause chain, inside I/O errors too (whose
/// `source` skips the error they wrap).
fn is_tls_failure(error: &reqwest::Error) -> bool {
    // With neither TLS feature on, there is no TLS library to recognise.
    #[cfg_attr(
        not(any(feature = "rustls", feature = "native-tls")),
        allow(unused_variables)
    )]
    fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
        #[cfg(feature = "rustls")]
        if e.is::<rustls::Error>() {
            return true;
        }
        #[cfg(feature = "native-tls")]
        if e.is::<native_tls::Error>() {
            return true;
        }
        false
    }
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        if is_tls(e) {
            return true;
        }
        // An I/O error's `source` is its inner error's source: step into the inner one.
        next = match e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    false
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// What a field of an API's responses holds, by its wire name, for decode errors: a
/// description of the form, never a value.
pub(crate) type Forms = fn(&str) -> Option<&'static str>;

/// Decodes a JSON body. The fast path decodes directly; only on failure is the body decoded
/// again with path tracking, so success pays nothing for the error's JSON path.
///
/// JSON is UTF-8. Checking the whole body once lets serde_json read it as a `&str`, which
/// skips the check it otherwise repeats on every string and every borrowed number: the body
/// check is word-at-a-time over ASCII and cost less than those repeats (callgrind, a benefit
/// check). A body that is not UTF-8 goes to the byte reader, which says where it breaks.
pub(crate) fn decode<T: DeserializeOwned>(
    route: &str,
    body: Bytes,
    forms: Forms,
) -> Result<T, Error> {
    let fast = match std::str::from_utf8(&body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(&body),
    };
    match fast {
        Ok(value) => Ok(value),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(&body);
            let (path, reason) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => {
                    let path = e.path().to_string();
                    let reason = reason(e.inner(), &path, forms);
                    (path, reason)
                }
                // Cannot differ from the first pass; keep its error if it somehow does.
                Ok(_) => (".".to_owned(), reason(&first, ".", forms)),
            };
            Err(Error::Decode(Box::new(DecodeError::new(
                route.to_owned(),
                path,
                reason,
                body,
            ))))
        }
    }
}

/// Why a body did not decode, built from serde_json's category of the error, its position and
/// what the field at `path` should hold: never from serde's wording, which quotes the value
/// (and the value came from the body: it may be patient or member data).
fn reason(error: &serde_json::Error, path: &str, forms: Forms) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Syntax => "not valid JSON",
        Category::Eof => "the body ends too early",
        Category::Data => "a missing field, or a value of the wrong type or out of range",
        Category::Io => "the body could not be read",
    };
    let mut reason = format!("{what} at line {}, column {}", error.line(), error.column());
    let field = path.rsplit('.').next().unwrap_or(path);
    if let Some(form) = forms(field).filter(|_| error.classify() == Category::Data) {
        reason.push_str(": ");
        reason.push_str(field);
        reason.push_str(" holds ");
        reason.push_str(form);
    }
    reason
}

/// The fixed headers of a JSON API: Accept, User-Agent and, where the API wants it on every
/// request, Content-Type.
pub(crate) fn json_headers(
    user_agent: Option<&str>,
    content_type: bool,
) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::with_capacity(4);
    let json = HeaderValue::from_static("application/json");
    if content_type {
        headers.insert(header::CONTENT_TYPE, json.clone());
    }
    headers.insert(header::ACCEPT, json);
    let agent = match user_agent {
        Some(app) => HeaderValue::from_str(&format!("{app} {USER_AGENT}")).map_err(|_| {
            Error::config(
                ConfigErrorKind::InvalidOption,
                "user agent: must be visible ASCII",
            )
        })?,
        None => HeaderValue::from_static(USER_AGENT),
    };
    headers.insert(header::USER_AGENT, agent);
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_never_quote_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Row {
            #[serde(rename = "BenefitNum")]
            num: u64,
            #[serde(rename = "procCode")]
            code: String,
        }
        let forms: Forms = |field| (field == "BenefitNum").then_some("a key");
        for (body, path, want) in [
            (
                r#"{"BenefitNum": "Jane Doe", "procCode": "x"}"#,
                "BenefitNum",
                "a missing field, or a value of the wrong type or out of range at line 1, \
                 column 25: BenefitNum holds a key",
            ),
            (
                r#"{"BenefitNum": 1, "procCode": 150000}"#,
                "procCode",
                "a missing field, or a value of the wrong type or out of range at line 1, \
                 column 36",
            ),
            (r#"{"BenefitNum": 1.5e3"#, "BenefitNum", ""),
            (r#"{"BenefitNum": 1, "procCode": "Jane"#, "procCode", ""),
        ] {
            let err = decode::<Row>("GET /x", Bytes::from(body), forms).unwrap_err();
            let Error::Decode(d) = &err else {
                panic!("{err:?}")
            };
            assert_eq!(d.path, path, "{body}");
            if !want.is_empty() {
                assert_eq!(d.reason, want, "{body}");
            }
            for value in ["Jane", "150000", "1.5e3", "1500"] {
                assert!(!err.to_string().contains(value), "{err}");
            }
        }
    }

    #[test]
    fn base_url_rules() {
        let ok = |raw, mode| parse_base_url(raw, mode, false).map(|u| u.to_string());
        use PlainHttp::*;
        assert_eq!(
            ok("https://api.opendental.com/api/v1", PrivateNetwork).unwrap(),
            "https://api.opendental.com/api/v1/"
        );
        for local in [
            "http://localhost:30222/api/v1",
            "http://127.0.0.1:8080",
            "http://[::1]:30222/api/v1",
        ] {
            assert!(ok(local, LoopbackOnly).is_ok(), "{local}");
            assert!(ok(local, PrivateNetwork).is_ok(), "{local}");
        }
        for lan in [
            "http://192.168.1.20:30223/api/v1",
            "http://10.0.0.5:30223/api/v1",
            "http://172.16.4.1:30223/api/v1",
            "http://officeserver:30223/api/v1",
            "http://server.local:30223/api/v1",
            "http://[fd00::1]:30223/api/v1",
        ] {
            assert!(ok(lan, PrivateNetwork).is_ok(), "{lan}");
            assert!(ok(lan, LoopbackOnly).is_err(), "{lan}");
        }
        for bad in [
            "http://api.opendental.com/api/v1",
            "http://8.8.8.8/api",
            "ftp://localhost/",
            "https://user:pw@api.opendental.com/api/v1",
            "https://api.opendental.com/api/v1?x=1",
            "https://api.opendental.com/api/v1#frag",
            "not a url",
        ] {
            assert!(
                matches!(ok(bad, PrivateNetwork), Err(Error::Config(ref e)) if e.kind == ConfigErrorKind::BaseUrl),
                "{bad}"
            );
        }
        assert!(parse_base_url("http://example.com/api", PrivateNetwork, true).is_ok());
    }
}
