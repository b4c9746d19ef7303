//! The one error type of the crate.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

/// Everything that can go wrong in a call to either API.
///
/// Match on the variants, or use the predicates ([`Error::status`], [`Error::is_not_found`],
/// [`Error::is_unauthorized`], [`Error::is_retryable`], [`Error::outcome_unknown`]), which keep
/// working when variants are added.
///
/// No variant prints a key, a response body or a member number.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke one or more of the API's documented rules; nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(Violations),
    /// The server answered with a status other than success.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The request could not be sent or its response could not be read (connection, TLS,
    /// timeout). The source is kept; the URL is stripped from it.
    #[error("{route}: transport error{}", unknown_suffix(*.outcome_unknown))]
    Transport {
        /// The method and route template, e.g. `GET /benefits`.
        route: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// True when a write may have been applied before the failure (see
        /// [`Error::outcome_unknown`]).
        outcome_unknown: bool,
    },
    /// A success response whose body did not match the documented shape.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The server broke the paging contract (a page larger than asked for, or rows out of order
    /// or repeated, as when Offset is ignored). Stopped instead of looping or duplicating rows.
    #[error("paging stopped: {0}")]
    Paging(String),
    /// A response body larger than the client's limit was refused before it was read whole.
    #[error("{route}: response body exceeds the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The method and route template.
        route: String,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The client was configured wrongly (missing or malformed key, base URL, option).
    #[error("configuration error: {0}")]
    Config(String),
}

fn unknown_suffix(unknown: bool) -> &'static str {
    if unknown {
        " (the write may have been applied: check before sending it again)"
    } else {
        ""
    }
}

impl Error {
    /// The HTTP status the server answered with, for [`Error::Api`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// True for a 404: the row, member or route does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// True for a 401: a bad, disabled or unassigned key, a key without the permission the
    /// method needs, or (Cervey) a bad signature or a clock that is off.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// True when sending the same request again later may succeed: transport errors, 429, 502,
    /// 503 and 504. The client already retried idempotent requests by its [`RetryPolicy`];
    /// a POST whose [`Error::outcome_unknown`] is true must be checked before it is sent again.
    ///
    /// [`RetryPolicy`]: crate::RetryPolicy
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            Error::Api(e) => crate::retry::is_retryable_status(e.status),
            _ => false,
        }
    }

    /// True when a write (POST, PUT, DELETE) failed in a way that does not tell whether the
    /// server applied it: a timeout or a connection lost after the request was sent, or a 504.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport {
                outcome_unknown, ..
            } => *outcome_unknown,
            Error::Api(e) => e.outcome_unknown,
            _ => false,
        }
    }

    /// The rules the request broke, for [`Error::InvalidRequest`].
    pub fn violations(&self) -> Option<&Violations> {
        match self {
            Error::InvalidRequest(v) => Some(v),
            _ => None,
        }
    }

    /// The `Retry-After` the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after,
            _ => None,
        }
    }
}

/// A non-success answer from the server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The method and route template of the request, e.g. `PUT /benefits/{BenefitNum}`.
    pub route: String,
    /// The HTTP status.
    pub status: StatusCode,
    /// The server's explanation made readable: plain text as is, a JSON string literal unquoted,
    /// a JSON object's `Message` (with `MessageDetail`), an HTML page's title or text. Cut to
    /// 300 characters; `None` for an empty body.
    pub message: Option<String>,
    /// The `Retry-After` header, in seconds or as an HTTP date, as a duration from now.
    pub retry_after: Option<Duration>,
    /// The `WWW-Authenticate` header of a 401.
    pub www_authenticate: Option<String>,
    /// True for a write that got a 504: the server may have applied it.
    pub outcome_unknown: bool,
    /// What usually causes this status with this API, when there is something useful to say.
    pub hint: Option<&'static str>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}", self.route, self.status)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(h) = self.hint {
            write!(f, " ({h})")?;
        }
        f.write_str(unknown_suffix(self.outcome_unknown))
    }
}

impl std::error::Error for ApiError {}

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
    /// What was wrong there, as serde says it.
    pub reason: String,
    body: Bytes,
}

impl DecodeError {
    pub(crate) fn new(route: String, path: String, reason: String, body: Bytes) -> Self {
        DecodeError {
            route,
            path,
            reason,
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
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: could not decode the response at `{}`: {}",
            self.route, self.path, self.reason
        )
    }
}

impl std::error::Error for DecodeError {}

/// One broken rule: the wire name of the field, and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The field as the API names it, e.g. `Percent`.
    pub field: &'static str,
    /// The rule it broke, in words.
    pub rule: String,
}

/// Every rule a request broke, in the order they were checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(Vec<Violation>);

impl Violations {
    pub(crate) fn push(&mut self, field: &'static str, rule: impl Into<String>) {
        self.0.push(Violation {
            field,
            rule: rule.into(),
        });
    }

    pub(crate) fn into_result(self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidRequest(self))
        }
    }

    /// The broken rules.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// How many rules were broken.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no rule was broken.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when some rule about `field` was broken.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|v| v.field == field)
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", v.field, v.rule)?;
        }
        Ok(())
    }
}
