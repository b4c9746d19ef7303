//! The one error type of the crate, and its parts: what a request came to (`response.rs`) and
//! what the client finds itself, before or without the server (`local.rs`).

mod eligibility;
mod local;
mod response;

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

pub use eligibility::{EligibilityError, EligibilityErrorKind};
pub use local::{
    ConfigError, ConfigErrorKind, LockError, LockErrorKind, LookupError, LookupErrorKind,
    PagingError, PagingErrorKind, UnsupportedError,
};
pub use response::{ApiError, DecodeError, TransportError, TransportErrorKind};

/// Everything that can go wrong in a call to either API.
///
/// Match on the variants, or use the predicates ([`Error::status`], [`Error::is_not_found`],
/// [`Error::is_unauthorized`], [`Error::is_retryable`], [`Error::outcome_unknown`]), which keep
/// working when variants are added.
///
/// No variant prints a key, a response body, a member number or the server's explanation, in
/// `Display` or `Debug`: the explanation may echo member data. Read it with
/// [`Error::message`] and log it only where your logs may hold such data.
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
    /// timeout). The cause is kept as the error's source; the URL is stripped from it.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// A success response whose body did not match the documented shape.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The server broke the paging contract, or rows kept moving under a listing. The listing
    /// stopped instead of looping, repeating rows or missing one.
    #[error(transparent)]
    Paging(PagingError),
    /// A response body larger than the client's limit was refused before it was read whole.
    #[error(
        "{route}: response body exceeds the limit of {limit} bytes{}",
        unknown_suffix(*outcome_unknown)
    )]
    #[non_exhaustive]
    ResponseTooLarge {
        /// The method and route template.
        route: String,
        /// The configured limit in bytes.
        limit: usize,
        /// True for a write the server may have applied (it answered 2xx or 5xx).
        outcome_unknown: bool,
    },
    /// The client was configured wrongly (missing or malformed key, base URL, option).
    #[error(transparent)]
    Config(ConfigError),
    /// The office's Open Dental version (set on the builder, or read from the office) lacks a
    /// method or a field the request uses. Nothing was sent.
    #[error(transparent)]
    Unsupported(UnsupportedError),
    /// An office lookup found no row, or several, for what was asked (a coverage category by
    /// its electronic benefit category, a code group by name…). Nothing was written.
    #[error(transparent)]
    Lookup(LookupError),
    /// An apply could not hold its owner's lock: another worker is applying the same plan, or
    /// the lock's store could not say. Nothing was written.
    #[error(transparent)]
    ApplyLock(LockError),
    /// A carrier's 271 that gives no rows at all: not X12, not a 271, a rejected request, or
    /// an office without a coverage category for every electronic benefit category.
    #[error(transparent)]
    Eligibility(EligibilityError),
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

    /// True for a 404 (the row, member or route does not exist), and for a lookup that found
    /// no row ([`LookupErrorKind::NotFound`]).
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Lookup(e) => e.kind == LookupErrorKind::NotFound,
            _ => self.status() == Some(StatusCode::NOT_FOUND),
        }
    }

    /// True for a 401: a bad, disabled or unassigned key, a key without the permission the
    /// method needs, or (Cervey) a bad signature or a clock that is off.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// True when sending the same request again later may succeed: transport errors other than
    /// TLS and certificate failures, 429, 502, 503 and 504. A call the client made retried as
    /// its [`RetryPolicy`] allows (apply's writes go in one attempt each, see
    /// [`BenefitsClient::apply_with`](crate::opendental::BenefitsClient::apply_with)); a write
    /// whose [`Error::outcome_unknown`] is true must be checked before it is sent again.
    ///
    /// [`RetryPolicy`]: crate::RetryPolicy
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => e.kind != TransportErrorKind::Tls,
            Error::Api(e) => crate::http::retry::is_retryable_status(e.status),
            _ => false,
        }
    }

    /// True when a write (POST, PUT, DELETE) may have been applied although the call failed:
    /// the server answered 2xx but the reply could not be read (it did not decode, or it was
    /// over the size limit), or it answered 5xx (503 too: a proxy answers it after forwarding),
    /// or the connection failed after the request was sent, or an earlier attempt of the call
    /// did one of these, or apply stopped it because its lock was lost
    /// ([`LockErrorKind::LostMidWrite`]). Check (list, get) before sending the write again: a
    /// second POST would create a duplicate.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport(e) => e.outcome_unknown,
            Error::Api(e) => e.outcome_unknown,
            Error::Decode(e) => e.outcome_unknown,
            Error::ResponseTooLarge {
                outcome_unknown, ..
            } => *outcome_unknown,
            Error::ApplyLock(e) => e.kind == LockErrorKind::LostMidWrite,
            _ => false,
        }
    }

    /// The same error, once apply has checked that the write it came from did not land: its
    /// [`Error::outcome_unknown`] is false from then on.
    pub(crate) fn known_not_landed(mut self) -> Self {
        match &mut self {
            Error::Transport(e) => e.outcome_unknown = false,
            Error::Api(e) => e.outcome_unknown = false,
            Error::Decode(e) => e.outcome_unknown = false,
            Error::ResponseTooLarge {
                outcome_unknown, ..
            } => *outcome_unknown = false,
            _ => {}
        }
        self
    }

    /// The server's explanation of an error status ([`ApiError::message`]). It is never part
    /// of `Display` or `Debug`: a server may echo what it was sent, a member number included.
    /// Log it only where your logs may hold member data.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.message(),
            _ => None,
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

    pub(crate) fn config(kind: ConfigErrorKind, message: impl Into<String>) -> Self {
        Error::Config(ConfigError {
            kind,
            message: message.into(),
        })
    }
}

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
    /// One broken rule.
    pub(crate) fn one(field: &'static str, rule: impl Into<String>) -> Self {
        let mut v = Violations::default();
        v.push(field, rule);
        v
    }

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
