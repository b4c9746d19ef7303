//! What a request came to: the server's error status, a failure below HTTP, a body that did
//! not decode.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use super::unknown_suffix;

/// A non-success answer from the server.
///
/// `Display` and `Debug` give the route, the status, the hint and the length of the server's
/// explanation, never its text: read that with [`ApiError::message`].
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The method and route template of the request, e.g. `PUT /benefits/{BenefitNum}`.
    pub route: String,
    /// The HTTP status.
    pub status: StatusCode,
    message: Option<String>,
    /// The `Retry-After` header, in seconds or as an HTTP date, as a duration from now.
    pub retry_after: Option<Duration>,
    /// The `WWW-Authenticate` header of a 401.
    pub www_authenticate: Option<String>,
    /// True for a write the server may have applied: a 5xx, or an earlier attempt that may
    /// have landed.
    pub outcome_unknown: bool,
    /// What usually causes this status with this API, when there is something useful to say.
    pub hint: Option<&'static str>,
}

impl ApiError {
    pub(crate) fn new(route: String, status: StatusCode, message: Option<String>) -> Self {
        ApiError {
            route,
            status,
            message,
            retry_after: None,
            www_authenticate: None,
            outcome_unknown: false,
            hint: None,
        }
    }

    /// The server's explanation made readable: plain text as is, a JSON string literal
    /// unquoted, a JSON object's `Message` (with `MessageDetail`), an HTML page's title or
    /// text. Cut to 300 characters; `None` for an empty body. It may echo member data (Cervey:
    /// "No member found with memberNo …"): log it only where such data may go.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("route", &self.route)
            .field("status", &self.status)
            .field(
                "message_len",
                &self.message.as_ref().map(|m| m.chars().count()),
            )
            .field("retry_after", &self.retry_after)
            .field("www_authenticate", &self.www_authenticate)
            .field("outcome_unknown", &self.outcome_unknown)
            .field("hint", &self.hint)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}", self.route, self.status)?;
        if self.message.is_some() {
            f.write_str(" with an explanation (Error::message)")?;
        }
        if let Some(h) = self.hint {
            write!(f, " ({h})")?;
        }
        f.write_str(unknown_suffix(self.outcome_unknown))
    }
}

impl std::error::Error for ApiError {}

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection: DNS, a refused or unreachable host, a connect timeout. Nothing was sent.
    Connect,
    /// The TLS handshake or the server's certificate failed. Nothing was sent; retrying will
    /// not help.
    Tls,
    /// The attempt ran over the client's timeout after the request was sent.
    Timeout,
    /// The connection failed while the request was sent or the answer read.
    Connection,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Tls => "TLS handshake or certificate failed",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Connection => "connection failed",
        })
    }
}

/// A request that could not be sent, or whose answer could not be read.
///
/// The HTTP library's error is the [`source`](std::error::Error::source), with its URL
/// removed; this type is the stable part.
#[non_exhaustive]
pub struct TransportError {
    /// The method and route template, e.g. `GET /benefits`.
    pub route: String,
    /// What failed.
    pub kind: TransportErrorKind,
    /// True when a write may have been applied before the failure.
    pub outcome_unknown: bool,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    pub(crate) fn new(
        route: String,
        kind: TransportErrorKind,
        outcome_unknown: bool,
        source: Box<dyn std::error::Error + Send + Sync>,
    ) -> Self {
        TransportError {
            route,
            kind,
            outcome_unknown,
            source,
        }
    }

    /// True when the attempt ran over the timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("route", &self.route)
            .field("kind", &self.kind)
            .field("outcome_unknown", &self.outcome_unknown)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: transport error: {}{}",
            self.route,
            self.kind,
            unknown_suffix(self.outcome_unknown)
        )
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// A success response that could not be decoded into the documented shape.
///
/// `Display` names the JSON path that failed and why, never the body; the body is reachable by
/// [`DecodeError::body`] for a caller who decides it may be shown.
#[non_exhaustive]
pub struct DecodeError {
    /// The method and route template.
    pub route: String,
    /// The JSON path of the value that failed, e.g. `[3].MonetaryAmt`; `.` for the document.
    pub path: String,
    /// What was wrong there, without the value.
    pub reason: String,
    /// True for a write: the server answered 2xx, so it applied the write, but its reply
    /// (the row, with its new key) could not be read.
    pub outcome_unknown: bool,
    body: Bytes,
}

impl DecodeError {
    pub(crate) fn new(route: String, path: String, reason: String, body: Bytes) -> Self {
        DecodeError {
            route,
            path,
            reason,
            outcome_unknown: false,
            body,
        }
    }

    /// The raw body that failed to decode. It may hold patient or member data: do not log it
    /// unless your logs may hold such data.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("route", &self.route)
            .field("path", &self.path)
            .field("reason", &self.reason)
            .field("outcome_unknown", &self.outcome_unknown)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: could not decode the response at `{}`: {}{}",
            self.route,
            self.path,
            self.reason,
            unknown_suffix(self.outcome_unknown)
        )
    }
}

impl std::error::Error for DecodeError {}
