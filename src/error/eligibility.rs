//! A 271 that gives no rows at all: the message itself is wrong, not one of its segments.

use std::fmt;

use crate::opendental::EbenefitCategory;

/// Why a 271 gives no rows (spec `x12-271-notes.md` §10, "whole message").
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EligibilityErrorKind {
    /// `not_x12`: not an X12 interchange (no ISA, or an ISA without its fixed widths).
    NotX12(&'static str),
    /// `not_271`: an interchange, but not one 271 (Open Dental reads exactly one GS group
    /// whose first transaction is a 271).
    Not271,
    /// `processing_error`: the carrier rejected the whole request, with an AAA segment outside
    /// the benefit loops (2100A/B/C/D). An AAA inside a 2110C/2110D loop rejects one service
    /// type only: it is a [`Finding`](crate::opendental::eligibility::Finding), not this.
    #[non_exhaustive]
    ProcessingError {
        /// The AAA segment's ordinal (the ISA is 1).
        ordinal: usize,
        /// AAA03, the reject reason code (e.g. `72`, invalid member ID).
        reason: String,
    },
    /// `missing_ebenefit_categories`: the office has no visible coverage category for these
    /// electronic benefit categories. Open Dental refuses to read any 271 until all 14 have
    /// one, and so does the SDK.
    MissingEbenefitCategories(Vec<EbenefitCategory>),
    /// `not_eligibility_json`: read as a clearinghouse's eligibility JSON, but not one (not a
    /// JSON object, a value of the wrong type, or neither `benefitsInformation` nor `errors`).
    /// The text says why and where, never a value.
    NotEligibilityJson(String),
    /// `processing_error`, from a clearinghouse's JSON: an item of its `errors[]` (a payer's
    /// AAA or the clearinghouse's own error) or of an `aaaErrors` list; the first one found.
    /// The response holds no benefits. Each field is `""` when not given, or when it is not a
    /// short code (its words could echo member data, as AAA03 is never echoed from X12); the
    /// item's `location` and `description` are the server's words and are never kept.
    #[non_exhaustive]
    JsonProcessingError {
        /// `field` (`AAA` for a payer's rejection).
        field: String,
        /// `code`: AAA03's reject reason (`72`), or the clearinghouse's code.
        code: String,
    },
}

/// A 271 that gives no rows at all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EligibilityError {
    /// What is wrong.
    pub kind: EligibilityErrorKind,
}

impl EligibilityError {
    pub(crate) fn new(kind: EligibilityErrorKind) -> Self {
        EligibilityError { kind }
    }

    /// The problem's name, as the spec spells it (`not_x12`, `not_271`, `processing_error`,
    /// `missing_ebenefit_categories`, `not_eligibility_json`).
    pub fn name(&self) -> &'static str {
        match self.kind {
            EligibilityErrorKind::NotX12(_) => "not_x12",
            EligibilityErrorKind::Not271 => "not_271",
            EligibilityErrorKind::ProcessingError { .. } => "processing_error",
            EligibilityErrorKind::MissingEbenefitCategories(_) => "missing_ebenefit_categories",
            EligibilityErrorKind::NotEligibilityJson(_) => "not_eligibility_json",
            EligibilityErrorKind::JsonProcessingError { .. } => "processing_error",
        }
    }
}

impl fmt::Display for EligibilityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            EligibilityErrorKind::NotX12(why) => write!(f, "not an X12 interchange: {why}"),
            EligibilityErrorKind::Not271 => f.write_str(
                "not a 271 eligibility response: it needs exactly one GS group whose first \
                 transaction is a 271",
            ),
            EligibilityErrorKind::ProcessingError { ordinal, reason } => write!(
                f,
                "the carrier rejected the request (AAA segment {ordinal}, reason code \
                 {reason:?}): the 271 holds no benefits"
            ),
            EligibilityErrorKind::MissingEbenefitCategories(missing) => {
                let names: Vec<&str> = missing.iter().map(EbenefitCategory::as_str).collect();
                write!(
                    f,
                    "the office has no visible coverage category for the electronic benefit \
                     categories {}; give each one in Setup, Insurance Categories",
                    names.join(", ")
                )
            }
            EligibilityErrorKind::NotEligibilityJson(why) => {
                write!(f, "not eligibility JSON: {why}")
            }
            EligibilityErrorKind::JsonProcessingError { field, code } => write!(
                f,
                "the carrier or clearinghouse reported an error (field {field:?}, code \
                 {code:?}): the response holds no benefits"
            ),
        }
    }
}

impl std::error::Error for EligibilityError {}
