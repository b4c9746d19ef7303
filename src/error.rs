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
    /// TLS and certificate failures, 429, 502, 503 and 504. The client already retried as its
    /// [`RetryPolicy`] allows; a write whose [`Error::outcome_unknown`] is true must be checked
    /// before it is sent again.
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
    /// over the size limit), or it answered 5xx, or the connection failed after the request
    /// was sent, or an earlier attempt of the call did one of these. Check (list, get) before
    /// sending the write again: a second POST would create a duplicate.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport(e) => e.outcome_unknown,
            Error::Api(e) => e.outcome_unknown,
            Error::Decode(e) => e.outcome_unknown,
            Error::ResponseTooLarge {
                outcome_unknown, ..
            } => *outcome_unknown,
            _ => false,
        }
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

/// How a listing broke off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PagingErrorKind {
    /// A page held more rows than `Limit` asked for: the server ignores `Limit`.
    PageTooLong,
    /// Rows were not in ascending key order (e.g. BenefitNum), or a page did not start where
    /// the previous one ended: the server ignores `Offset` or orders rows otherwise.
    OutOfOrder,
    /// Rows were deleted under the listing so often that it could not re-anchor itself within
    /// its bound of recoveries. List again when the office is quieter.
    RowsKeptMoving,
}

/// The server broke the paging contract, or rows kept moving under a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PagingError {
    /// What happened.
    pub kind: PagingErrorKind,
    /// The `Offset` of the page where it was seen.
    pub offset: u64,
    /// The `Limit` that page asked for.
    pub limit: u32,
}

impl fmt::Display for PagingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            PagingErrorKind::PageTooLong => {
                "the page is longer than asked: the server ignores Limit"
            }
            PagingErrorKind::OutOfOrder => {
                "rows repeat or are out of key order: does the server ignore Offset?"
            }
            PagingErrorKind::RowsKeptMoving => {
                "rows kept being deleted under the listing; list again"
            }
        };
        write!(
            f,
            "paging stopped at Offset {} (Limit {}): {what}",
            self.offset, self.limit
        )
    }
}

impl std::error::Error for PagingError {}

/// A method or field the office's Open Dental version does not have yet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnsupportedError {
    /// The method or field, e.g. `TreatArea` or `GET /covcats`.
    pub what: &'static str,
    /// The version that added it.
    pub needs: crate::opendental::ServerVersion,
    /// The version the office runs.
    pub office: crate::opendental::ServerVersion,
}

impl fmt::Display for UnsupportedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} needs Open Dental {}; the office runs {}",
            self.what, self.needs, self.office
        )
    }
}

impl std::error::Error for UnsupportedError {}

/// Why a lookup failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LookupErrorKind {
    /// No row matches: the office has not configured it (or hides it).
    NotFound,
    /// Several rows match a name, and a name is all that tells them apart: never guessed.
    Ambiguous,
}

/// An office lookup found no row, or several, for what was asked.
///
/// Its `Display` names the table, what was asked, and the candidates (office configuration:
/// category descriptions and code group names, never member data).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LookupError {
    /// Why it failed.
    pub kind: LookupErrorKind,
    /// The table: `coverage category`, `code group` or `insurance plan`.
    pub table: &'static str,
    /// What was asked, e.g. `EbenefitCat Crowns` or `GroupName "Crown"`.
    pub wanted: String,
    /// For [`LookupErrorKind::Ambiguous`], the rows that matched; for
    /// [`LookupErrorKind::NotFound`], the rows that could be meant (the visible ones), each as
    /// `#key name`.
    pub candidates: Vec<String>,
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, among) = match self.kind {
            LookupErrorKind::NotFound => ("no visible", "candidates"),
            LookupErrorKind::Ambiguous => ("several", "matches"),
        };
        write!(f, "{what} {} for {}", self.table, self.wanted)?;
        if !self.candidates.is_empty() {
            write!(f, "; {among}: {}", self.candidates.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for LookupError {}

/// Why an apply could not take its owner's lock ([`Error::ApplyLock`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LockErrorKind {
    /// Another apply holds it: try again after it ends (at most the lock's lifetime, when its
    /// holder crashed).
    Held,
    /// The lock's store failed (unreachable, refused): whether someone holds it is not known,
    /// so nothing was written.
    Store,
}

/// An apply's owner lock was not taken; nothing was written. Its `Display` names the owner
/// (`plan 12`), never the office's key.
#[derive(Debug)]
#[non_exhaustive]
pub struct LockError {
    /// Why.
    pub kind: LockErrorKind,
    /// The owner, in words: `plan 12` or `patient plan 30`.
    pub owner: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl LockError {
    pub(crate) fn new(
        kind: LockErrorKind,
        owner: String,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        LockError {
            kind,
            owner,
            source,
        }
    }
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            LockErrorKind::Held => write!(
                f,
                "{} is being applied by another worker: nothing written; try again later",
                self.owner
            ),
            LockErrorKind::Store => write!(
                f,
                "the apply lock of {} could not be taken (its store failed): nothing written",
                self.owner
            ),
        }
    }
}

impl std::error::Error for LockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Which setting was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// A key or credential is missing.
    MissingCredentials,
    /// A key or credential is malformed (empty, not visible ASCII, not base64…).
    InvalidCredentials,
    /// The base URL is malformed or not allowed (plain http to a public host…).
    BaseUrl,
    /// Another builder option is out of range or conflicts with one set earlier.
    InvalidOption,
    /// The HTTP client could not be built (TLS roots, system configuration).
    HttpClient,
    /// A request body could not be encoded.
    RequestBody,
}

/// The client was configured wrongly. The message never holds a key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigError {
    /// Which setting was wrong.
    pub kind: ConfigErrorKind,
    /// What was wrong with it, in words.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

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
