//! Which shapes hold the same slot of a plan: `BenefitShape::same_slot`, the rule reconcile
//! matches desired benefits and rows by.

use super::shape::{BenefitShape, Period, Terms};
use crate::opendental::model::request::NewBenefit;

impl BenefitShape {
    /// Whether two shapes hold the same slot of a plan: a reconcile updates a row in place
    /// when the desired benefit holds its slot. The rules (what a benefit is about, not its
    /// numbers):
    /// - coinsurance, copay, exclusion, waiting period and active coverage: one per scope;
    /// - deductible and maximum: one per scope, coverage level and kind of period (a benefit
    ///   year, a lifetime or none), so "$1500 per person per calendar year" is one slot and a
    ///   lifetime maximum another;
    /// - frequency limitation: one per scope, kind of frequency and treat area, so "once every
    ///   5 years per tooth on Crowns" and "2 per benefit year on Mouth" are two slots;
    /// - age limit: one per code group;
    /// - a custom row: only an identical row.
    pub fn same_slot(&self, other: &BenefitShape) -> bool {
        use BenefitShape as S;
        // The kind of a period or a frequency, without its numbers.
        let kind = std::mem::discriminant::<Period>;
        let counted = |a: &Terms, b: &Terms| {
            a.scope.same_as(&b.scope) && a.level == b.level && kind(&a.period) == kind(&b.period)
        };
        match (self, other) {
            (S::ActiveCoverage(a), S::ActiveCoverage(b))
            | (S::Coinsurance { terms: a, .. }, S::Coinsurance { terms: b, .. })
            | (S::Copay { terms: a, .. }, S::Copay { terms: b, .. })
            | (S::Exclusion(a), S::Exclusion(b))
            | (S::WaitingPeriod { terms: a, .. }, S::WaitingPeriod { terms: b, .. }) => {
                a.scope.same_as(&b.scope)
            }
            (S::Deductible { terms: a, .. }, S::Deductible { terms: b, .. })
            | (S::Maximum { terms: a, .. }, S::Maximum { terms: b, .. }) => counted(a, b),
            (S::Frequency(a), S::Frequency(b)) => {
                #[cfg(feature = "od-25-3")]
                let same_area = a.treat_area == b.treat_area;
                #[cfg(not(feature = "od-25-3"))]
                let same_area = true;
                a.scope.same_as(&b.scope)
                    && std::mem::discriminant(&a.frequency) == std::mem::discriminant(&b.frequency)
                    && same_area
            }
            #[cfg(feature = "od-23-2")]
            (S::AgeLimit { code_group: a, .. }, S::AgeLimit { code_group: b, .. }) => a == b,
            (S::Custom(a), S::Custom(b)) => same_custom(a, b),
            _ => false,
        }
    }
}

/// Custom rows hold one slot only when they mean the same stored row, whoever owns them (a
/// code by key or by text is one code).
fn same_custom(a: &NewBenefit, b: &NewBenefit) -> bool {
    let mut b = b.clone();
    b.owner = a.owner;
    let (owner, a, b) = (
        a.owner,
        BenefitShape::Custom(Box::new(a.clone())),
        BenefitShape::Custom(Box::new(b)),
    );
    super::stored::is_stored_form(&a, &b, owner, None)
}
