//! The office's Open Dental version at run time, and the version each method and field needs.

use std::fmt;
use std::str::FromStr;
use std::sync::PoisonError;

use serde::Deserialize;

use crate::error::{Error, UnsupportedError};

/// An Open Dental version, `major.minor.build` (a fourth part, the revision, is read and
/// ignored: no API gate depends on it).
///
/// ```
/// use benefits_sdk::opendental::ServerVersion;
///
/// let office: ServerVersion = "25.4.48.0".parse().unwrap();
/// assert_eq!(office, ServerVersion::new(25, 4, 48));
/// assert!(office >= ServerVersion::new(25, 3, 7));
/// assert_eq!(office.to_string(), "25.4.48");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServerVersion {
    /// The year-based major version, e.g. 25.
    pub major: u16,
    /// The minor version, e.g. 3.
    pub minor: u16,
    /// The build, e.g. 7.
    pub build: u16,
}

impl ServerVersion {
    /// A version from its parts.
    pub const fn new(major: u16, minor: u16, build: u16) -> Self {
        ServerVersion {
            major,
            minor,
            build,
        }
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.build)
    }
}

/// A text that is not a version of two to four numeric parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseVersionError(String);

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not an Open Dental version (major.minor[.build[.revision]]): {:?}",
            self.0
        )
    }
}

impl std::error::Error for ParseVersionError {}

impl FromStr for ServerVersion {
    type Err = ParseVersionError;

    /// Reads `24.1`, `24.1.5` or `25.4.48.0`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseVersionError(s.chars().take(40).collect());
        let parts: Vec<u16> = s
            .trim()
            .split('.')
            .map(|p| p.parse::<u16>().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        match parts.as_slice() {
            [major, minor] => Ok(ServerVersion::new(*major, *minor, 0)),
            [major, minor, build] | [major, minor, build, _] => {
                Ok(ServerVersion::new(*major, *minor, *build))
            }
            _ => Err(bad()),
        }
    }
}

/// What needs a version: a method or a field, and the version that added it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gate {
    pub(crate) what: &'static str,
    pub(crate) since: ServerVersion,
}

const fn gate(what: &'static str, major: u16, minor: u16, build: u16) -> Gate {
    Gate {
        what,
        since: ServerVersion::new(major, minor, build),
    }
}

// The versions Open Dental's pages give for each method and field.
pub(crate) const CREATE: Gate = gate("POST /benefits", 22, 3, 17);
pub(crate) const LIST: Gate = gate("GET /benefits", 22, 3, 27);
pub(crate) const UPDATE: Gate = gate("PUT /benefits/{BenefitNum}", 22, 4, 7);
pub(crate) const DELETE: Gate = gate("DELETE /benefits/{BenefitNum}", 22, 4, 7);
#[cfg(feature = "od-25-3")]
pub(crate) const GET_ONE: Gate = gate("GET /benefits/{BenefitNum}", 25, 3, 7);
#[cfg(feature = "od-23-2")]
pub(crate) const LIST_ALL: Gate = gate("GET /benefits with no filter", 23, 2, 62);
#[cfg(feature = "od-23-2")]
pub(crate) const CODE_GROUP_ON_CREATE: Gate = gate("CodeGroupNum on POST /benefits", 23, 2, 62);
#[cfg(feature = "od-25-3")]
pub(crate) const CODE_GROUP_ON_UPDATE: Gate = gate("CodeGroupNum on PUT /benefits", 25, 3, 7);
#[cfg(feature = "od-25-3")]
pub(crate) const TREAT_AREA: Gate = gate("TreatArea", 25, 3, 7);
#[cfg(feature = "od-23-3")]
pub(crate) const COV_CATS: Gate = gate("GET /covcats", 23, 3, 8);
#[cfg(feature = "od-23-2")]
pub(crate) const CODE_GROUPS: Gate = gate("GET /codegroups", 23, 2, 62);
#[cfg(feature = "od-24-2")]
pub(crate) const INS_PLAN: Gate = gate("GET /insplans/{PlanNum}", 24, 2, 11);
pub(crate) const INS_PLANS: Gate = gate("GET /insplans", 22, 3, 30);
pub(crate) const PROCEDURE_CODES: Gate = gate("GET /procedurecodes", 22, 3, 22);
#[cfg(feature = "od-23-2")]
pub(crate) const ETRANSS: Gate = gate("GET /etranss", 23, 2, 7);
#[cfg(feature = "od-23-2")]
pub(crate) const ETRANS_MESSAGE_TEXT: Gate =
    gate("GET /etransmessagetexts/{EtransMessageTextNum}", 23, 2, 11);
pub(crate) const PROCEDURE_LOGS: Gate = gate("GET /procedurelogs", 21, 1, 0);
pub(crate) const INS_ADJUST: Gate = gate("PUT /claimprocs/InsAdjust", 21, 1, 0);
pub(crate) const FAMILY_INSURANCE: Gate = gate("GET /familymodules/{PatNum}/Insurance", 21, 4, 0);
pub(crate) const CLAIM_PROCS: Gate = gate("GET /claimprocs", 22, 2, 33);
pub(crate) const FAMILY_MEMBERS: Gate = gate("GET /patients/Simple?Guarantor=", 22, 4, 19);
pub(crate) const PAT_PLANS: Gate = gate("GET /patplans", 22, 4, 27);
pub(crate) const INS_SUB: Gate = gate("GET /inssubs/{InsSubNum}", 22, 4, 28);
pub(crate) const INS_SUBS: Gate = gate("GET /inssubs", 22, 4, 28);
#[cfg(feature = "od-24-2")]
pub(crate) const COV_SPANS: Gate = gate("GET /covspans", 24, 1, 19);
#[cfg(feature = "od-25-3")]
pub(crate) const CLAIM_PROCS_BY_STATUS: Gate = gate("Status on GET /claimprocs", 24, 4, 13);

/// A method or field of the Benefits API and its lookups, and the Open Dental version that
/// added it (from Open Dental's pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Requirement {
    /// The method (`GET /covcats`) or field (`TreatArea`).
    pub what: &'static str,
    /// The first version that has it.
    pub since: ServerVersion,
}

/// Every method and field this build of the crate checks an office's version for, oldest
/// first: what `benefits doctor` reports an office has and lacks. Those of a feature that is
/// off are left out.
pub fn requirements() -> Vec<Requirement> {
    let gates = [
        CREATE,
        PROCEDURE_CODES,
        PROCEDURE_LOGS,
        INS_ADJUST,
        FAMILY_INSURANCE,
        CLAIM_PROCS,
        FAMILY_MEMBERS,
        PAT_PLANS,
        INS_SUB,
        INS_SUBS,
        #[cfg(feature = "od-24-2")]
        COV_SPANS,
        #[cfg(feature = "od-25-3")]
        CLAIM_PROCS_BY_STATUS,
        LIST,
        INS_PLANS,
        UPDATE,
        DELETE,
        #[cfg(feature = "od-23-2")]
        ETRANSS,
        #[cfg(feature = "od-23-2")]
        ETRANS_MESSAGE_TEXT,
        #[cfg(feature = "od-23-2")]
        LIST_ALL,
        #[cfg(feature = "od-23-2")]
        CODE_GROUP_ON_CREATE,
        #[cfg(feature = "od-23-2")]
        CODE_GROUPS,
        #[cfg(feature = "od-23-3")]
        COV_CATS,
        #[cfg(feature = "od-24-2")]
        INS_PLAN,
        #[cfg(feature = "od-25-3")]
        GET_ONE,
        #[cfg(feature = "od-25-3")]
        CODE_GROUP_ON_UPDATE,
        #[cfg(feature = "od-25-3")]
        TREAT_AREA,
    ];
    let mut all: Vec<Requirement> = gates
        .into_iter()
        .map(|g| Requirement {
            what: g.what,
            since: g.since,
        })
        .collect();
    all.sort_by_key(|r| r.since);
    all
}

/// One row of `GET /preferences`.
#[derive(Deserialize)]
pub(crate) struct Preference {
    #[serde(rename = "ValueString", default)]
    pub(crate) value_string: String,
}

/// What a client knows of its office's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// Nothing yet: every call goes out, and the server decides.
    NotRead,
    /// Set on the builder: kept.
    Set(ServerVersion),
    /// Read from the office.
    Read(ServerVersion),
    /// Read from the office, but missing or unparsable: the server decides.
    Unknown,
}

impl Known {
    pub(crate) fn version(self) -> Option<ServerVersion> {
        match self {
            Known::Set(v) | Known::Read(v) => Some(v),
            Known::NotRead | Known::Unknown => None,
        }
    }
}

/// The office's version as this client knows it, and the gate every method and field passes.
impl super::BenefitsClient {
    /// The office's version as the client knows it: set on the builder
    /// ([`BenefitsClientBuilder::server_version`](crate::opendental::BenefitsClientBuilder::server_version)) or read by
    /// [`BenefitsClient::server_version`](crate::opendental::BenefitsClient::server_version); `None` when neither, or when the office's answer
    /// was missing or unparsable. With a version, every method and field the office lacks is
    /// refused before sending ([`Error::Unsupported`]); without one, the server decides.
    pub fn known_server_version(&self) -> Option<ServerVersion> {
        self.known().version()
    }

    pub(crate) fn known(&self) -> Known {
        // A plain Copy value: a panic elsewhere cannot leave it torn.
        *self
            .inner
            .version
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses what the office's known version lacks.
    pub(crate) fn gate(&self, gate: Gate) -> Result<(), Error> {
        match self.known_server_version() {
            Some(office) if office < gate.since => Err(Error::Unsupported(UnsupportedError {
                what: gate.what,
                needs: gate.since,
                office,
            })),
            _ => Ok(()),
        }
    }

    /// A 400 that names a version means the office is not what the client read: read it
    /// again next time. A version set on the builder stays.
    pub(super) fn forget_version_after(&self, error: &Error) {
        let names_version = error.status() == Some(reqwest::StatusCode::BAD_REQUEST)
            && error
                .message()
                .is_some_and(|m| m.to_ascii_lowercase().contains("version"));
        if names_version {
            let mut known = self
                .inner
                .version
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if matches!(*known, Known::Read(_) | Known::Unknown) {
                *known = Known::NotRead;
            }
        }
    }

    /// Keeps what was read of the office's version.
    pub(crate) fn set_known(&self, known: Known) {
        *self
            .inner
            .version
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = known;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order() {
        let v = |s: &str| s.parse::<ServerVersion>();
        assert_eq!(v("24.1.5"), Ok(ServerVersion::new(24, 1, 5)));
        assert_eq!(v(" 25.4.48.0 "), Ok(ServerVersion::new(25, 4, 48)));
        assert_eq!(v("23.2"), Ok(ServerVersion::new(23, 2, 0)));
        for bad in ["", "25", "25.x.1", "1.2.3.4.5", "25.3.7-beta", "-1.2.3"] {
            assert!(v(bad).is_err(), "{bad}");
        }
        assert!(ServerVersion::new(25, 3, 6) < ServerVersion::new(25, 3, 7));
        assert!(ServerVersion::new(23, 10, 0) > ServerVersion::new(23, 3, 8));
        assert_eq!(
            v("nope").unwrap_err().to_string(),
            "not an Open Dental version (major.minor[.build[.revision]]): \"nope\""
        );
    }
}
