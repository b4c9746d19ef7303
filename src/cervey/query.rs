//! The benefit check's query: whose benefits, filtered how, as of when.

use std::fmt;

use chrono::NaiveDate;
use url::Url;

use super::model::BenefitCodeNo;
use crate::error::{Error, Violations};

/// A member's ID in Cervey (`memberNo`, also called RxCPersonID).
///
/// It identifies a patient: its `Debug` output hides the number and it has no `Display`. Read
/// it with [`MemberNo::get`] where showing it is allowed.
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct MemberNo(u64);

impl MemberNo {
    /// Wraps a member number.
    pub const fn new(value: u64) -> Self {
        MemberNo(value)
    }

    /// The member number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for MemberNo {
    fn from(value: u64) -> Self {
        MemberNo(value)
    }
}

impl fmt::Debug for MemberNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MemberNo(<redacted>)")
    }
}

/// The parameters of `GET api/benefitcheck`.
///
/// ```
/// use benefits_sdk::cervey::{BenefitCheckQuery, BenefitCodeNo, MemberNo};
/// use chrono::NaiveDate;
///
/// let query = BenefitCheckQuery::new(MemberNo::new(1_234_567))
///     .benefit_code(BenefitCodeNo::new(12))
///     .date_of_service(NaiveDate::from_ymd_opt(2025, 7, 16).unwrap())
///     .exclude_claims_after_date_of_service(true);
/// # let _ = query;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct BenefitCheckQuery {
    /// The member. Required.
    pub member_no: MemberNo,
    /// Only claim totals for this benefit code; unset (not sent) means all.
    pub benefit_code_no: Option<BenefitCodeNo>,
    /// The date that picks the benefit period; unset means the server's today (US Central).
    pub date_of_service: Option<NaiveDate>,
    /// `true`: count only claims up to the date of service. Unset means the server's `false`.
    pub exclude_claims_after_date_of_service: Option<bool>,
}

impl BenefitCheckQuery {
    /// A check of one member's benefits as of today.
    pub fn new(member_no: MemberNo) -> Self {
        BenefitCheckQuery {
            member_no,
            benefit_code_no: None,
            date_of_service: None,
            exclude_claims_after_date_of_service: None,
        }
    }

    /// Filters the claim totals by a benefit code.
    pub fn benefit_code(mut self, code: BenefitCodeNo) -> Self {
        self.benefit_code_no = Some(code);
        self
    }

    /// Sets the date of service (sent as `yyyy-MM-dd`).
    pub fn date_of_service(mut self, date: NaiveDate) -> Self {
        self.date_of_service = Some(date);
        self
    }

    /// Counts only claims up to the date of service (`true`), or all (`false`).
    pub fn exclude_claims_after_date_of_service(mut self, exclude: bool) -> Self {
        self.exclude_claims_after_date_of_service = Some(exclude);
        self
    }

    /// Checks the query.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for member number 0.
    pub fn validate(&self) -> Result<(), Error> {
        let mut v = Violations::default();
        if self.member_no.get() == 0 {
            v.push("memberNo", "must be a member ID above 0");
        }
        v.into_result()
    }

    /// Appends the query string to `url`, in the documented order; unset values are left out.
    pub(crate) fn write_to(&self, url: &mut Url) {
        let mut query = url.query_pairs_mut();
        query.append_pair("memberNo", &self.member_no.get().to_string());
        if let Some(code) = self.benefit_code_no {
            query.append_pair("benefitCodeNo", &code.get().to_string());
        }
        if let Some(date) = self.date_of_service {
            query.append_pair("dateOfService", &date.format("%Y-%m-%d").to_string());
        }
        if let Some(exclude) = self.exclude_claims_after_date_of_service {
            query.append_pair(
                "excludeClaimsAfterDateOfService",
                if exclude { "true" } else { "false" },
            );
        }
    }
}
