//! Open Dental's code tables for a 271's EB and HSD elements (`EB271.cs`, `FillDictionaries`;
//! spec `x12-271-notes.md` §4). Each lookup says whether a code is one Open Dental imports,
//! one it lists but does not import, or one it does not list.

use crate::opendental::model::benefit::{
    BenefitType, CoverageLevel, QuantityQualifier, TimePeriod,
};
use crate::opendental::model::lookups::EbenefitCategory;

/// What a table says about a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup<T> {
    /// Listed, and imported as this.
    Supported(T),
    /// Listed, but Open Dental does not import it: the EB is left out.
    Unsupported,
    /// Not in the table (or empty).
    Unlisted,
}

/// EB01 → BenefitType (§4.1). Unlisted means Open Dental's lookup fails (`unknown_eb01`).
pub(crate) fn benefit_type(eb01: &str) -> Lookup<BenefitType> {
    use Lookup::*;
    match eb01 {
        "1" | "2" | "3" => Supported(BenefitType::ActiveCoverage),
        "A" => Supported(BenefitType::CoInsurance),
        "B" => Supported(BenefitType::CoPayment),
        "C" => Supported(BenefitType::Deductible),
        "E" | "I" => Supported(BenefitType::Exclusions),
        "F" => Supported(BenefitType::Limitations),
        "4" | "5" | "6" | "7" | "8" | "CB" | "D" | "G" | "H" | "J" | "K" | "L" | "M" | "MC"
        | "N" | "O" | "P" | "Q" | "R" | "S" | "T" | "U" | "V" | "W" | "X" | "Y" => Unsupported,
        _ => Unlisted,
    }
}

/// EB02 → CoverageLevel (§4.2). Unlisted (empty, or 5010's `TWO`) is None and the row stays.
pub(crate) fn coverage_level(eb02: &str) -> Lookup<CoverageLevel> {
    use Lookup::*;
    match eb02 {
        "IND" => Supported(CoverageLevel::Individual),
        "FAM" | "ECH" | "ESP" => Supported(CoverageLevel::Family),
        "CHD" | "DEP" | "EMP" | "SPC" | "SPO" => Unsupported,
        _ => Unlisted,
    }
}

/// What an EB03 service type stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServiceType {
    /// 30 (health benefit plan coverage) or 35 (dental care): the whole plan.
    Plan,
    /// A category of dental care.
    Category(EbenefitCategory),
}

/// EB03 → the electronic benefit category, compared as the element's whole text (§4.3).
pub(crate) fn service_type(eb03: &str) -> Lookup<ServiceType> {
    use EbenefitCategory as C;
    use Lookup::*;
    let category = match eb03 {
        "30" | "35" => return Supported(ServiceType::Plan),
        "4" => C::DiagnosticXRay,
        "23" => C::Diagnostic,
        "24" => C::Periodontics,
        "25" => C::Restorative,
        "26" => C::Endodontics,
        "27" => C::MaxillofacialProsth,
        "28" => C::Adjunctive,
        "36" => C::Crowns,
        "37" => C::Accident,
        "38" => C::Orthodontics,
        "39" => C::Prosthodontics,
        "40" => C::OralSurgery,
        "41" => C::RoutinePreventive,
        other if unsupported_service_type(other) => return Unsupported,
        _ => return Unlisted,
    };
    Supported(ServiceType::Category(category))
}

/// 1–22, 32, 33, 34, 42–99, A0–A9, AA–AO, AQ, AR, BA–BN, BP–BS.
fn unsupported_service_type(code: &str) -> bool {
    if let Ok(n) = code.parse::<u8>() {
        // Only the plain spelling ("1", not "01") is a code.
        return n.to_string() == code && matches!(n, 1..=22 | 32..=34 | 42..=99) && n != 4;
    }
    match code.as_bytes() {
        [b'A', second] => second.is_ascii_digit() || matches!(second, b'A'..=b'O' | b'Q' | b'R'),
        [b'B', second] => matches!(second, b'A'..=b'N' | b'P'..=b'S'),
        _ => false,
    }
}

/// EB06 → TimePeriod (§4.4). Unlisted (empty included) is TimePeriod None.
pub(crate) fn time_period(eb06: &str) -> Lookup<TimePeriod> {
    use Lookup::*;
    match eb06 {
        "21" => Supported(TimePeriod::Years),
        "22" => Supported(TimePeriod::ServiceYear),
        "23" => Supported(TimePeriod::CalendarYear),
        "32" => Supported(TimePeriod::Lifetime),
        "6" | "7" | "13" | "24" | "25" | "26" | "27" | "28" | "29" | "30" | "31" | "33" | "34"
        | "35" | "36" => Unsupported,
        _ => Unlisted,
    }
}

/// HSD05 → TimePeriod (§4.6): the four EB06 periods; any other code of EB06's list is None;
/// `Err` for a code outside that list (Open Dental throws: `hsd_unknown_time_period`).
pub(crate) fn hsd_period(hsd05: &str) -> Result<TimePeriod, ()> {
    match time_period(hsd05) {
        Lookup::Supported(period) => Ok(period),
        Lookup::Unsupported => Ok(TimePeriod::None),
        Lookup::Unlisted => Err(()),
    }
}

/// EB09 → QuantityQualifier (§4.5). Unlisted (empty, 8H, D3, M2…) is no qualifier.
pub(crate) fn quantity_qualifier(eb09: &str) -> Lookup<QuantityQualifier> {
    use Lookup::*;
    match eb09 {
        "P6" => Supported(QuantityQualifier::NumberOfServices),
        "S7" => Supported(QuantityQualifier::AgeLimit),
        "VS" => Supported(QuantityQualifier::Visits),
        "YY" => Supported(QuantityQualifier::Years),
        "MN" => Supported(QuantityQualifier::Months),
        "99" | "CA" | "CE" | "DB" | "DY" | "HS" | "LA" | "LE" | "QA" | "S8" => Unsupported,
        _ => Unlisted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_types_follow_open_dentals_table() {
        assert_eq!(
            service_type("4"),
            Lookup::Supported(ServiceType::Category(EbenefitCategory::DiagnosticXRay))
        );
        assert_eq!(service_type("35"), Lookup::Supported(ServiceType::Plan));
        for unsupported in [
            "1", "22", "32", "34", "42", "99", "A0", "AO", "AR", "BA", "BS",
        ] {
            assert_eq!(
                service_type(unsupported),
                Lookup::Unsupported,
                "{unsupported}"
            );
        }
        for unlisted in ["", "01", "AP", "BO", "MH", "35^23", "100", "A"] {
            assert_eq!(service_type(unlisted), Lookup::Unlisted, "{unlisted}");
        }
    }

    #[test]
    fn an_hsd_period_outside_eb06s_list_is_an_error() {
        assert_eq!(hsd_period("21"), Ok(TimePeriod::Years));
        assert_eq!(hsd_period("34"), Ok(TimePeriod::None));
        assert_eq!(hsd_period("99"), Err(()));
        assert_eq!(hsd_period(""), Err(()));
    }
}
