//! What an attempt came to: a reply, or a failure with what the retry decision needs. Whether
//! a write may have landed (`outcome_unknown`) is decided here, once.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};

use super::attempt::Attempted;
use super::explain::explain;
use super::retry::{is_retryable_status, parse_retry_after};
use super::transport::{Call, Reply};
use crate::error::{ApiError, Error, TransportError, TransportErrorKind};

/// OpenTelemetry's `error.type` of a call's last failure: the status code of an HTTP error,
/// else the kind of transport failure.
pub(super) fn record_error_type(error: &Error) {
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

/// Whether a write answered with `status` may have been applied: a success did, and so may
/// any 5xx, 503 included. A server's own 503 says it did not take the request, but a proxy in
/// front of it (Envoy, a load balancer) answers 503 when the connection to the server broke
/// after the request was forwarded, and the two cannot be told apart. A 4xx refused it.
fn may_have_applied(status: StatusCode) -> bool {
    status.is_success() || status.is_server_error()
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

/// A failed attempt, with what the retry decision needs to know of it.
pub(super) struct Failure {
    pub(super) error: Error,
    /// Worth another attempt (429, 502–504, a transport error other than TLS).
    pub(super) retryable: bool,
    /// The server may have applied the request.
    pub(super) may_have_applied: bool,
    /// The server provably never took the request: a connection that never opened, or a 429.
    /// Only then may a POST be sent again without the policy's opt-in.
    pub(super) never_received: bool,
    /// The server answered 429: the throttle learns of it before any retry.
    pub(super) rate_limited: bool,
    pub(super) retry_after: Option<Duration>,
}

/// What an attempt came to.
pub(super) enum Verdict {
    /// A reply to decode.
    Reply(Reply),
    /// An error no retry can mend (a body over the cap).
    Final(Error),
    /// A failure the retry decision weighs.
    Failed(Failure),
}

/// What an attempt of `call` came to, given whether an earlier attempt may have landed.
/// `outcome_unknown` is decided here and only here: a write whose attempt, or an earlier one,
/// may have been applied.
pub(super) fn classify(
    call: &Call<'_>,
    attempted: Attempted,
    earlier_may_have_applied: bool,
    max_response_bytes: usize,
) -> Verdict {
    let is_write = call.method != Method::GET && call.method != Method::HEAD;
    let outcome_unknown = |applied: bool| is_write && (applied || earlier_may_have_applied);
    let span = tracing::Span::current();
    match attempted {
        Attempted::Success(status, body) => {
            span.record("http.response.status_code", status.as_u16());
            Verdict::Reply(Reply::new(body, is_write))
        }
        Attempted::Status { status, .. }
            if status == StatusCode::NOT_FOUND
                && call.method == Method::DELETE
                && earlier_may_have_applied =>
        {
            // The earlier attempt deleted the row; this one finds it gone.
            span.record("http.response.status_code", status.as_u16());
            tracing::debug!("404 after an attempt that may have landed: deleted");
            Verdict::Reply(Reply::new(Bytes::new(), is_write))
        }
        Attempted::Status {
            status,
            headers,
            body,
        } => {
            span.record("http.response.status_code", status.as_u16());
            let applied = may_have_applied(status);
            let api = api_error(call, status, &headers, &body, outcome_unknown(applied));
            Verdict::Failed(Failure {
                retryable: is_retryable_status(status),
                may_have_applied: applied,
                never_received: status == StatusCode::TOO_MANY_REQUESTS,
                rate_limited: status == StatusCode::TOO_MANY_REQUESTS,
                retry_after: api.retry_after,
                error: Error::Api(Box::new(api)),
            })
        }
        Attempted::Failed(source) => {
            let kind = transport_kind(&source);
            tracing::debug!(kind = ?kind, "transport error");
            // Connecting failed: no byte of the request was sent.
            let applied = !matches!(kind, TransportErrorKind::Connect | TransportErrorKind::Tls);
            Verdict::Failed(Failure {
                error: Error::Transport(Box::new(TransportError::new(
                    call.route.to_owned(),
                    kind,
                    outcome_unknown(applied),
                    Box::new(source.without_url()),
                ))),
                retryable: kind != TransportErrorKind::Tls,
                may_have_applied: applied,
                never_received: kind == TransportErrorKind::Connect,
                rate_limited: false,
                retry_after: None,
            })
        }
        Attempted::TooLarge(status) => {
            span.record("http.response.status_code", status.as_u16());
            Verdict::Final(Error::ResponseTooLarge {
                route: call.route.to_owned(),
                limit: max_response_bytes,
                outcome_unknown: outcome_unknown(may_have_applied(status)),
            })
        }
    }
}

/// The API error of an error status: its explanation, Retry-After (read against the
/// response's `Date`), `WWW-Authenticate` and the API's hint for a 401.
fn api_error(
    call: &Call<'_>,
    status: StatusCode,
    headers: &HeaderMap,
    body: &Bytes,
    outcome_unknown: bool,
) -> ApiError {
    let mut api = ApiError::new(call.route.to_owned(), status, explain(body));
    api.retry_after = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| parse_retry_after(v, headers.get(header::DATE), SystemTime::now()));
    api.www_authenticate = headers
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    api.outcome_unknown = outcome_unknown;
    api.hint = (status == StatusCode::UNAUTHORIZED)
        .then_some(call.unauthorized_hint)
        .flatten();
    api
}
