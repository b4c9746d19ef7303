//! What the client finds itself, before or without the server: a listing that broke off, a
//! version the office lacks, a lookup with no answer, the apply lock, the configuration.

use std::fmt;

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

/// Why an apply could not take its owner's lock ([`Error::ApplyLock`](crate::Error::ApplyLock)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LockErrorKind {
    /// Another apply holds it: try again after it ends (at most the lock's lifetime, when its
    /// holder crashed).
    Held,
    /// The lock's store failed (unreachable, refused): whether someone holds it is not known,
    /// so nothing was written.
    Store,
    /// The lock could not be renewed while a write was being sent (waiting for its throttle
    /// slot, a connection or the answer): the write was stopped where it stood, and may have
    /// landed
    /// ([`Error::outcome_unknown`](crate::Error::outcome_unknown) is true). Another worker may
    /// hold the lock now; its run lists what this one wrote.
    LostMidWrite,
}

/// An apply's owner lock was not taken (nothing was written), or was lost while a write was
/// being sent ([`LockErrorKind::LostMidWrite`]). Its `Display` names the owner (`plan 12`),
/// never the office's key.
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
            LockErrorKind::LostMidWrite => write!(
                f,
                "the apply lock of {} was lost while a write was being sent: it was stopped, \
                 and may have landed",
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
