//! The sender both clients share: a call, its settings, and the retry loop around each
//! attempt (slot → connection permit → departure, or the permit back and wait → attempt →
//! classify).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use super::classify::{Failure, Verdict, classify, record_error_type};
use super::connections::{ConnectionBound, DEFAULT_MAX_CONNECTIONS_PER_HOST};
use super::decode::{Forms, decode};
use super::retry::RetryPolicy;
use super::throttle::Pacing;
use crate::error::{ConfigErrorKind, Error, TransportErrorKind};

/// The default cap on a response body: far above any real page, far below harm.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The user agent every request carries, naming the crate and its version.
pub(crate) const USER_AGENT: &str = concat!("benefits-sdk/", env!("CARGO_PKG_VERSION"));

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
    /// One attempt only, whatever the policy: the caller decides what to do next (apply's
    /// writes read again before sending again).
    pub(crate) single_attempt: bool,
}

/// A success response.
pub(crate) struct Reply {
    pub(crate) body: Bytes,
    /// The call was a write, which the server has now applied.
    is_write: bool,
}

impl Reply {
    pub(super) fn new(body: Bytes, is_write: bool) -> Self {
        Reply { body, is_write }
    }

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
        /// it. 0, and more than tokio's limit on a semaphore's permits (`usize::MAX >> 3`),
        /// are refused at `build`.
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
        if self.max_connections_per_host > tokio::sync::Semaphore::MAX_PERMITS {
            return Err(Error::config(
                ConfigErrorKind::InvalidOption,
                format!(
                    "max connections per host: at most {} (tokio's limit on permits)",
                    tokio::sync::Semaphore::MAX_PERMITS
                ),
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

    /// The retry loop: wait for a slot, attempt, classify, and either return or wait and go
    /// again as the policy allows.
    async fn execute_inner(&self, call: Call<'_>) -> Result<Reply, Error> {
        let started = Instant::now();
        // Whether an earlier attempt may have reached the server and been applied.
        let mut earlier_may_have_applied = false;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            // The connection permit is held for the attempt only: never across a retry's wait.
            let (attempted, elapsed_ms) = {
                let _in_flight = self.go_ahead().await;
                let sent_at = Instant::now();
                let attempted = self.attempt(&call).await?;
                (attempted, ms(sent_at.elapsed()))
            };
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            if attempt > 1 {
                span.record("http.request.resend_count", attempt - 1);
            }
            let failure = match classify(
                &call,
                attempted,
                earlier_may_have_applied,
                self.max_response_bytes,
            ) {
                Verdict::Reply(reply) => {
                    tracing::debug!(attempt, elapsed_ms, "success");
                    return Ok(reply);
                }
                Verdict::Final(error) => return Err(error),
                Verdict::Failed(failure) => failure,
            };
            tracing::debug!(attempt, elapsed_ms, "attempt failed");
            if failure.rate_limited
                && let Some(throttle) = &self.throttle
            {
                throttle.rate_limited(failure.retry_after).await;
            }
            let Some(delay) = self.retry_delay(&call, &failure, attempt, started) else {
                record_error_type(&failure.error);
                return Err(failure.error);
            };
            earlier_may_have_applied |= failure.may_have_applied;
            tracing::debug!(attempt, delay_ms = ms(delay), "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// How long to wait before the next attempt, or `None` when there is none: the failure is
    /// not worth one, a POST might land twice, another mode takes the call, or the policy's
    /// attempts or time are spent.
    fn retry_delay(
        &self,
        call: &Call<'_>,
        failure: &Failure,
        attempt: u32,
        started: Instant,
    ) -> Option<Duration> {
        // A POST goes again only when the server provably never took it, unless the policy
        // opts in to retrying it anyway.
        let may_retry = self.retry.may_retry(&call.method) || failure.never_received;
        let other_mode_takes_it = call.fall_back_on_connect
            && matches!(&failure.error, Error::Transport(t) if t.kind == TransportErrorKind::Connect);
        if call.single_attempt
            || !failure.retryable
            || !may_retry
            || other_mode_takes_it
            || attempt >= self.retry.attempts()
        {
            return None;
        }
        // One bound for a server's wait, here as in the throttle's hold: at most
        // `Backoff::MAX`; a server asking for more is asked again after it.
        let delay = failure
            .retry_after
            .map(|asked| asked.min(super::throttle::Backoff::MAX))
            .unwrap_or_else(|| self.retry.jittered_backoff(attempt - 1));
        // Saturating: a server's number meets the clock here.
        (started.elapsed().saturating_add(delay) <= self.retry.elapsed_budget()).then_some(delay)
    }

    /// Waits until an attempt may go out: its throttle slot, then a free connection permit
    /// (held until its body is read), then the throttle's departure check, so the spacing
    /// counts from when it really leaves. A departure that must wait (a spacing widened by a
    /// 429 since the slot was given) gives the permit back and waits without it: one key's
    /// wait never holds up another key's request on the same host.
    async fn go_ahead(&self) -> tokio::sync::OwnedSemaphorePermit {
        if let Some(throttle) = &self.throttle {
            throttle.wait().await;
        }
        loop {
            let permit = self
                .connections
                .clone()
                .acquire_owned()
                .await
                .expect("the connection bound is never closed");
            let Some(throttle) = &self.throttle else {
                return permit;
            };
            match throttle.try_depart().await {
                Ok(()) => return permit,
                Err(at) => {
                    drop(permit);
                    tokio::time::sleep_until(at).await;
                }
            }
        }
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
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
