//! What a 271 needs from the office: the coverage category for each electronic benefit
//! category, and which procedure codes it has.

use std::collections::HashMap;

use crate::error::{EligibilityError, EligibilityErrorKind, Error};
use crate::opendental::model::benefit::{CodeNum, CovCatNum};
use crate::opendental::model::lookups::{self, CovCat, EbenefitCategory, ProcedureCode};

/// An office's lookups, ready for [`read_271`](super::read_271): made once, read for every
/// message.
#[derive(Debug, Clone)]
pub struct EligibilityLookups {
    categories: HashMap<EbenefitCategory, CovCatNum>,
    codes: HashMap<String, CodeNum>,
}

impl EligibilityLookups {
    /// The office's coverage categories (`GET /covcats`) and procedure codes
    /// (`GET /procedurecodes`). A category stands for an electronic benefit category as Open
    /// Dental picks it (`CovCats.GetForEbenCat`): the first visible one by `CovOrder`. A code
    /// counts only if the office has exactly that `ProcCode` (`ProcedureCodes.IsValidCode`).
    ///
    /// # Errors
    /// [`Error::Eligibility`] (`missing_ebenefit_categories`) when any of the 14 electronic
    /// benefit categories other than None has no visible coverage category, listing them: Open
    /// Dental reads no 271 until each has one, even categories the 271 never names.
    pub fn new<'a>(
        cov_cats: &[CovCat],
        codes: impl IntoIterator<Item = &'a ProcedureCode>,
    ) -> Result<Self, Error> {
        let mut categories = HashMap::new();
        let mut missing = Vec::new();
        for wanted in EbenefitCategory::KNOWN
            .iter()
            .filter(|c| **c != EbenefitCategory::None)
        {
            match lookups::first_visible(cov_cats, wanted) {
                Some(cat) => {
                    categories.insert(wanted.clone(), cat.cov_cat_num);
                }
                None => missing.push(wanted.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(Error::Eligibility(EligibilityError::new(
                EligibilityErrorKind::MissingEbenefitCategories(missing),
            )));
        }
        let codes = codes
            .into_iter()
            .map(|c| (c.proc_code.clone(), c.code_num))
            .collect();
        Ok(EligibilityLookups { categories, codes })
    }

    /// The coverage category that stands for `category`.
    pub(super) fn category(&self, category: &EbenefitCategory) -> Option<CovCatNum> {
        self.categories.get(category).copied()
    }

    /// The office's key for a procedure code it has.
    pub(super) fn code(&self, proc_code: &str) -> Option<CodeNum> {
        self.codes.get(proc_code).copied()
    }
}
