//! The office lookups that make benefits portable between offices: coverage categories, code
//! groups and the insurance plan (for its benefit year). Read-only: they are office-wide
//! configuration, and a change would hit every plan.

use serde::{Deserialize, Serialize};

#[cfg(feature = "od-23-2")]
use super::model::CodeGroupNum;
use super::model::{CovCatNum, PlanNum};
use super::request::BenefitYear;
use super::wire;
use crate::macros::wire_enum;

wire_enum!(
    /// The electronic benefit category a coverage category stands for (`covcat.EbenefitCat`),
    /// in line with X12 service types. Open Dental resolves a category by it.
    EbenefitCategory {
        /// Not linked: told apart only by its description (e.g. "Implants").
        None,
        /// General (X12 30/35).
        General,
        /// Diagnostic (23).
        Diagnostic,
        /// Periodontics (24).
        Periodontics,
        /// Restorative (25).
        Restorative,
        /// Endodontics (26).
        Endodontics,
        /// Maxillofacial prosthetics (27).
        MaxillofacialProsth,
        /// Crowns (36).
        Crowns,
        /// Accident (37).
        Accident,
        /// Orthodontics (38).
        Orthodontics,
        /// Prosthodontics (39).
        Prosthodontics,
        /// Oral surgery (40).
        OralSurgery,
        /// Routine preventive (41).
        RoutinePreventive,
        /// Diagnostic X-ray (4).
        DiagnosticXRay,
        /// Adjunctive (28).
        Adjunctive,
    }
);

/// A coverage category (`GET /covcats`, Open Dental 23.3.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CovCat {
    /// The key; it differs from one office database to another.
    #[serde(rename = "CovCatNum")]
    pub cov_cat_num: CovCatNum,
    /// The office's label, e.g. "Preventive".
    #[serde(rename = "Description", default)]
    pub description: String,
    /// The default percent for new plans, when it has one (-1 on the wire for none).
    #[serde(rename = "DefaultPercent", with = "wire::percent", default)]
    pub default_percent: Option<u8>,
    /// The 0-based display order, hidden rows included.
    #[serde(rename = "CovOrder", default)]
    pub cov_order: i32,
    /// Hidden from the office's lists.
    #[serde(rename = "IsHidden", with = "wire::bool_string", default)]
    pub is_hidden: bool,
    /// The electronic benefit category it stands for (the wire field is `EbenefitCat`).
    #[serde(rename = "EbenefitCat")]
    pub ebenefit_cat: EbenefitCategory,
}

#[cfg(feature = "od-23-2")]
wire_enum!(
    /// The fixed kind of a code group (`codegroup.CodeGroupFixed`), by which Open Dental finds
    /// the group whatever the office named it.
    #[derive(Default)]
    CodeGroupFixed {
        /// No fixed kind: found by name only (e.g. "Crown", "Dentures").
        #[default]
        None,
        /// Bitewings.
        BW,
        /// Panoramic or full-mouth X-rays.
        PanoFMX,
        /// Exams.
        Exam,
        /// Perio maintenance.
        Perio,
        /// Prophylaxis (cleanings).
        Prophy,
        /// Scaling and root planing.
        SRP,
        /// Full-mouth debridement.
        FMDebride,
        /// Fluoride.
        Fluoride,
        /// Sealants.
        Sealant,
    }
);

/// A code group (`GET /codegroups`, Open Dental 23.2.62): the procedures a frequency or age
/// limit counts.
#[cfg(feature = "od-23-2")]
#[cfg_attr(docsrs, doc(cfg(feature = "od-23-2")))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CodeGroup {
    /// The key; it differs from one office database to another.
    #[serde(rename = "CodeGroupNum")]
    pub code_group_num: CodeGroupNum,
    /// The office's name for it; nothing makes it unique.
    #[serde(rename = "GroupName", default)]
    pub group_name: String,
    /// The codes, as sent: comma-separated, with dash ranges from 25.3 (`D0000-D0999,D2750`).
    #[serde(rename = "ProcCodes", default)]
    pub proc_codes: String,
    /// The 0-based display order.
    #[serde(rename = "ItemOrder", default)]
    pub item_order: i32,
    /// Its fixed kind.
    #[serde(rename = "CodeGroupFixed", default)]
    pub code_group_fixed: CodeGroupFixed,
    /// Hidden (before 25.3.10: hidden from the frequency grid).
    #[serde(rename = "IsHidden", with = "wire::bool_string", default)]
    pub is_hidden: bool,
    /// Shown in the age limitations grid (Open Dental 24.1.1).
    #[serde(rename = "ShowInAgeLimit", with = "wire::bool_string", default)]
    pub show_in_age_limit: bool,
    /// Shown in the frequency grid; sent from Open Dental 25.3.10.
    #[serde(
        rename = "ShowInFrequency",
        with = "bool_option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub show_in_frequency: Option<bool>,
    /// Shown in the "other" grid; sent from Open Dental 25.3.10.
    #[serde(
        rename = "ShowInOther",
        with = "bool_option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub show_in_other: Option<bool>,
}

#[cfg(feature = "od-23-2")]
impl CodeGroup {
    /// Usable for a frequency limitation: `ShowInFrequency` where the office sends it, else
    /// not hidden.
    pub fn for_frequency(&self) -> bool {
        self.show_in_frequency.unwrap_or(!self.is_hidden)
    }

    /// Visible, as Open Dental reads it when it resolves a fixed kind: shown in the age limit
    /// grid or not hidden.
    pub fn is_visible(&self) -> bool {
        self.show_in_age_limit || !self.is_hidden
    }
}

/// An insurance plan, as far as benefits need it (`GET /insplans/{PlanNum}`, Open Dental
/// 24.2.11; `GET /insplans`, 22.3.30). Other fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InsPlan {
    /// The key.
    #[serde(rename = "PlanNum")]
    pub plan_num: PlanNum,
    /// The group name.
    #[serde(rename = "GroupName", default)]
    pub group_name: String,
    /// The group number (the plan number in Canada).
    #[serde(rename = "GroupNum", default)]
    pub group_num: String,
    /// The month whose 1st starts the benefit year, 1–12; 0 for the calendar year.
    #[serde(rename = "MonthRenew", default)]
    pub month_renew: u8,
}

impl InsPlan {
    /// The plan's benefit year: calendar when `MonthRenew` is 0, else its service year.
    pub fn benefit_year(&self) -> BenefitYear {
        match self.month_renew {
            0 => BenefitYear::Calendar,
            _ => BenefitYear::Service,
        }
    }
}

/// Fields added after their endpoint: missing reads as `None`.
#[cfg(feature = "od-23-2")]
mod bool_option {
    use serde::{Deserializer, Serializer};

    use super::wire;

    pub(super) fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => wire::bool_string::serialize(b, s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        wire::bool_string::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_fields_decode() {
        let cat: CovCat = serde_json::from_str(
            r#"{"CovCatNum":3,"Description":"Preventive","DefaultPercent":-1,"CovOrder":2,
                "IsHidden":"false","EbenefitCat":"RoutinePreventive"}"#,
        )
        .unwrap();
        assert_eq!(cat.cov_cat_num, CovCatNum::new(3));
        assert_eq!(cat.default_percent, None);
        assert_eq!(cat.ebenefit_cat, EbenefitCategory::RoutinePreventive);
        assert!(!cat.is_hidden);
        let plan: InsPlan = serde_json::from_str(
            r#"{"PlanNum":12,"GroupName":"ACME","GroupNum":"G-1","PlanType":"","MonthRenew":7}"#,
        )
        .unwrap();
        assert_eq!(plan.benefit_year(), BenefitYear::Service);
        assert!(
            serde_json::from_str::<CovCat>(
                r#"{"CovCatNum":1,"IsHidden":"maybe","EbenefitCat":"None"}"#
            )
            .is_err()
        );
    }

    #[cfg(feature = "od-23-2")]
    #[test]
    fn a_code_group_before_and_after_25_3_10() {
        let old: CodeGroup = serde_json::from_str(
            r#"{"CodeGroupNum":4,"GroupName":"BW","ProcCodes":"D0272,D0274","ItemOrder":0,
                "CodeGroupFixed":"BW","IsHidden":"true","ShowInAgeLimit":"false"}"#,
        )
        .unwrap();
        assert_eq!(old.show_in_frequency, None);
        assert!(!old.for_frequency() && !old.is_visible());
        let new: CodeGroup = serde_json::from_str(
            r#"{"CodeGroupNum":4,"GroupName":"BW","ProcCodes":"D0000-D0999","ItemOrder":0,
                "CodeGroupFixed":"BW","IsHidden":"false","ShowInAgeLimit":"false",
                "ShowInFrequency":"true","ShowInOther":"false"}"#,
        )
        .unwrap();
        assert_eq!(new.show_in_frequency, Some(true));
        assert!(new.for_frequency());
        // Serializing gives back the wire form.
        let again: CodeGroup = serde_json::from_value(serde_json::to_value(&new).unwrap()).unwrap();
        assert_eq!(again, new);
    }
}
