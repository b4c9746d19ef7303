//! The office lookups that make benefits portable between offices: coverage categories, code
//! groups and the insurance plan (for its benefit year). Read-only: they are office-wide
//! configuration, and a change would hit every plan.

use serde::{Deserialize, Serialize};

#[cfg(feature = "od-23-2")]
use crate::error::{Error, LookupError, LookupErrorKind};
use crate::macros::wire_enum;
#[cfg(feature = "od-23-2")]
use crate::opendental::model::benefit::CodeGroupNum;
use crate::opendental::model::benefit::{CodeNum, CovCatNum, PlanNum};
use crate::opendental::model::request::BenefitYear;
use crate::opendental::model::wire;

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

impl CovCat {
    /// A visible category with no default percent, at order 0 (for fakes and tests; real ones
    /// come from [`BenefitsClient::cov_cats`](crate::opendental::BenefitsClient::cov_cats)).
    pub fn new(
        cov_cat_num: CovCatNum,
        description: impl Into<String>,
        ebenefit_cat: EbenefitCategory,
    ) -> Self {
        CovCat {
            cov_cat_num,
            description: description.into(),
            default_percent: None,
            cov_order: 0,
            is_hidden: false,
            ebenefit_cat,
        }
    }

    /// The same category at another display order.
    pub fn order(mut self, cov_order: i32) -> Self {
        self.cov_order = cov_order;
        self
    }

    /// The same category, hidden or shown.
    pub fn hidden(mut self, is_hidden: bool) -> Self {
        self.is_hidden = is_hidden;
        self
    }

    #[cfg(feature = "od-23-3")]
    fn candidate(&self) -> String {
        format!("#{} {}", self.cov_cat_num, self.description)
    }
}

/// Open Dental's rule (`CovCats.GetForEbenCat`): the first visible category with that
/// electronic benefit category, by `CovOrder`.
pub(crate) fn first_visible<'c>(
    cats: &'c [CovCat],
    wanted: &EbenefitCategory,
) -> Option<&'c CovCat> {
    cats.iter()
        .filter(|c| !c.is_hidden && c.ebenefit_cat == *wanted)
        .min_by_key(|c| c.cov_order)
}

/// [`first_visible`], or a lookup error listing the visible categories.
#[cfg(feature = "od-23-3")]
pub(crate) fn category_for(cats: &[CovCat], wanted: &EbenefitCategory) -> Result<CovCat, Error> {
    first_visible(cats, wanted).cloned().ok_or_else(|| {
        not_found(
            "coverage category",
            format!("EbenefitCat {wanted}"),
            visible_cats(cats),
        )
    })
}

/// A category by its exact description, among the visible ones: zero or several is an error.
#[cfg(feature = "od-23-3")]
pub(crate) fn category_named(cats: &[CovCat], description: &str) -> Result<CovCat, Error> {
    let visible: Vec<&CovCat> = by_order(cats.iter().filter(|c| !c.is_hidden), |c| c.cov_order);
    one_named(
        "coverage category",
        description,
        &visible,
        |c| c.description.as_str(),
        CovCat::candidate,
    )
}

#[cfg(feature = "od-23-3")]
fn visible_cats(cats: &[CovCat]) -> Vec<String> {
    by_order(cats.iter().filter(|c| !c.is_hidden), |c| c.cov_order)
        .into_iter()
        .map(CovCat::candidate)
        .collect()
}

#[cfg(feature = "od-23-2")]
fn by_order<'a, T>(rows: impl Iterator<Item = &'a T>, order: impl Fn(&T) -> i32) -> Vec<&'a T> {
    let mut rows: Vec<&T> = rows.collect();
    rows.sort_by_key(|r| order(r));
    rows
}

#[cfg(feature = "od-23-2")]
fn one_named<T: Clone>(
    table: &'static str,
    name: &str,
    rows: &[&T],
    name_of: impl Fn(&T) -> &str,
    candidate: impl Fn(&T) -> String,
) -> Result<T, Error> {
    let matches: Vec<&&T> = rows.iter().filter(|r| name_of(r) == name).collect();
    match matches.as_slice() {
        [one] => Ok((**one).clone()),
        [] => Err(not_found(
            table,
            format!("{name:?}"),
            rows.iter().map(|r| candidate(r)).collect(),
        )),
        several => Err(Error::Lookup(LookupError {
            kind: LookupErrorKind::Ambiguous,
            table,
            wanted: format!("{name:?}"),
            candidates: several.iter().map(|r| candidate(r)).collect(),
        })),
    }
}

#[cfg(feature = "od-23-2")]
fn not_found(table: &'static str, wanted: String, candidates: Vec<String>) -> Error {
    Error::Lookup(LookupError {
        kind: LookupErrorKind::NotFound,
        table,
        wanted,
        candidates,
    })
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

    /// A visible group at order 0, shown in the frequency grid and not in the age limit grid
    /// (for fakes and tests; real ones come from
    /// [`BenefitsClient::code_groups`](crate::opendental::BenefitsClient::code_groups)).
    pub fn new(
        code_group_num: CodeGroupNum,
        group_name: impl Into<String>,
        code_group_fixed: CodeGroupFixed,
        proc_codes: impl Into<String>,
    ) -> Self {
        CodeGroup {
            code_group_num,
            group_name: group_name.into(),
            proc_codes: proc_codes.into(),
            item_order: 0,
            code_group_fixed,
            is_hidden: false,
            show_in_age_limit: false,
            show_in_frequency: None,
            show_in_other: None,
        }
    }

    /// The same group at another display order.
    pub fn order(mut self, item_order: i32) -> Self {
        self.item_order = item_order;
        self
    }

    /// The same group, hidden or shown.
    pub fn hidden(mut self, is_hidden: bool) -> Self {
        self.is_hidden = is_hidden;
        self
    }

    /// The same group, shown in the age limitations grid or not.
    pub fn in_age_limits(mut self, show: bool) -> Self {
        self.show_in_age_limit = show;
        self
    }

    fn candidate(&self) -> String {
        format!("#{} {}", self.code_group_num, self.group_name)
    }
}

/// Open Dental's rule (`GetCodeGroupNumForCodeGroupFixed`): the first visible group of that
/// fixed kind, by `ItemOrder`.
#[cfg(feature = "od-23-2")]
pub(crate) fn code_group_for(
    groups: &[CodeGroup],
    wanted: &CodeGroupFixed,
) -> Result<CodeGroup, Error> {
    groups
        .iter()
        .filter(|g| g.is_visible() && g.code_group_fixed == *wanted)
        .min_by_key(|g| g.item_order)
        .cloned()
        .ok_or_else(|| {
            not_found(
                "code group",
                format!("CodeGroupFixed {wanted}"),
                visible_groups(groups)
                    .into_iter()
                    .map(CodeGroup::candidate)
                    .collect(),
            )
        })
}

/// A group by its exact name, among the visible ones: zero or several is an error.
#[cfg(feature = "od-23-2")]
pub(crate) fn code_group_named(groups: &[CodeGroup], name: &str) -> Result<CodeGroup, Error> {
    one_named(
        "code group",
        name,
        &visible_groups(groups),
        |g| g.group_name.as_str(),
        CodeGroup::candidate,
    )
}

#[cfg(feature = "od-23-2")]
fn visible_groups(groups: &[CodeGroup]) -> Vec<&CodeGroup> {
    by_order(groups.iter().filter(|g| g.is_visible()), |g| g.item_order)
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
    /// A plan with no group name or number (for fakes and tests; real ones come from
    /// [`BenefitsClient::ins_plan`](crate::opendental::BenefitsClient::ins_plan)).
    pub fn new(plan_num: PlanNum, month_renew: u8) -> Self {
        InsPlan {
            plan_num,
            group_name: String::new(),
            group_num: String::new(),
            month_renew,
        }
    }

    /// The plan's benefit year: calendar when `MonthRenew` is 0, else its service year.
    pub fn benefit_year(&self) -> BenefitYear {
        match self.month_renew {
            0 => BenefitYear::Calendar,
            _ => BenefitYear::Service,
        }
    }
}

/// A procedure code, as far as benefits need it (`GET /procedurecodes`, Open Dental 22.3.22).
/// Other fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProcedureCode {
    /// The key; it differs from one office database to another.
    #[serde(rename = "CodeNum")]
    pub code_num: CodeNum,
    /// The code, e.g. `D0120`: the same in every office that has it.
    #[serde(rename = "ProcCode")]
    pub proc_code: String,
    /// The description, e.g. "periodic oral evaluation".
    #[serde(rename = "Descript", default)]
    pub descript: String,
    /// The abbreviation, e.g. "PerEx".
    #[serde(rename = "AbbrDesc", default)]
    pub abbr_desc: String,
}

impl ProcedureCode {
    /// A code with its description and no abbreviation (for fakes and tests; real ones come
    /// from [`BenefitsClient::procedure_codes`](crate::opendental::BenefitsClient::procedure_codes)).
    pub fn new(
        code_num: CodeNum,
        proc_code: impl Into<String>,
        descript: impl Into<String>,
    ) -> Self {
        ProcedureCode {
            code_num,
            proc_code: proc_code.into(),
            descript: descript.into(),
            abbr_desc: String::new(),
        }
    }
}

/// Fields added after their endpoint: missing reads as `None`.
#[cfg(feature = "od-23-2")]
mod bool_option {
    use serde::{Deserializer, Serializer};

    use crate::opendental::model::wire;

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
