//! Why an EB segment gave no row ([`DropReason`]), and what a reader noticed on a segment it
//! kept reading ([`Finding`]). Each reason's name is written once, in the table below: it is
//! `Display`, the JSON (serde) spelling and the spec's (`x12-271-notes.md` §10) alike.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::BenefitLoop;

/// An enum whose variants each have one name: the enum, `name()`, `ALL`, `Display` and serde
/// from that one list.
macro_rules! named {
    ($(#[$meta:meta])* pub enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident => $text:literal,)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every variant, in the order of the docs.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The name, as the spec, `Display` and the JSON spell it.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The variant a name stands for.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name() == name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::from_name(&name).ok_or_else(|| {
                    serde::de::Error::unknown_variant(&name, &[])
                })
            }
        }
    };
}
pub(super) use named;

named! {
    /// Why an EB segment gave no row. The names are those of the spec (`x12-271-notes.md` §10),
    /// and [`DropReason::name`] is the one spelling: `Display` and JSON (serde) use it.
    pub enum DropReason {
        /// EB01 is listed but not imported (a benefit description, another payer…).
        UnsupportedEb01 => "unsupported_eb01",
        /// EB02 is a coverage level Open Dental does not import (CHD, DEP, EMP, SPC, SPO).
        UnsupportedCoverageLevel => "unsupported_coverage_level",
        /// EB03 is a service type Open Dental does not import.
        UnsupportedServiceType => "unsupported_service_type",
        /// EB06 is a period Open Dental does not import (a remaining amount, 29, among them).
        UnsupportedTimePeriod => "unsupported_time_period",
        /// EB09 is a qualifier Open Dental does not import.
        UnsupportedQuantityQualifier => "unsupported_quantity_qualifier",
        /// Active coverage on the whole plan (EB03 30).
        ActiveCoverageGeneral => "active_coverage_general",
        /// Active coverage on one procedure code.
        ActiveCoverageCode => "active_coverage_code",
        /// A percent with no category or code to apply to.
        PercentWithoutCategory => "percent_without_category",
        /// A copay or coinsurance with an amount (Open Dental: amounts belong in fee schedules).
        CopayOrCoinsuranceAmount => "copay_or_coinsurance_amount",
        /// A limitation with no amount and no HSD.
        LimitationWithoutAmount => "limitation_without_amount",
        /// Out of network (EB12 N or U) while reading in-network benefits.
        OutOfNetwork => "out_of_network",
        /// In network (EB12 Y) while reading out-of-network benefits.
        InNetwork => "in_network",
        /// EB10 with no qualifier Open Dental knows.
        QuantityWithoutQualifier => "quantity_without_qualifier",
        /// A qualifier with no EB10.
        QualifierWithoutQuantity => "qualifier_without_quantity",
        /// EB10 above 255.
        QuantityTooLarge => "quantity_too_large",
        /// HSD02 above 255.
        HsdQuantityTooLarge => "hsd_quantity_too_large",
        /// A code's HSD without HSD02 or HSD05.
        HsdIncomplete => "hsd_incomplete",
        /// The same benefit as another row. Under `OpenDental` the later one is kept at the
        /// earlier one's place (a dictionary overwrite), so the earlier segment is the one
        /// dropped; under `Faithful` the later one drops.
        Duplicate => "duplicate",
        /// EB01 is not a code Open Dental lists (Open Dental stops with an error).
        UnknownEb01 => "unknown_eb01",
        /// HSD05 is not a period code (Open Dental stops with an error).
        HsdUnknownTimePeriod => "hsd_unknown_time_period",
        /// In a transaction after the first (Open Dental reads only the first).
        AfterFirstTransaction => "after_first_transaction",
        /// The Benefits API allows Percent only on CoInsurance.
        ApiPercentNotCoinsurance => "api_percent_not_coinsurance",
        /// The Benefits API allows Percent 0–100 only.
        ApiPercentOutOfRange => "api_percent_out_of_range",
        /// The Benefits API allows Quantity 0–100 only.
        ApiQuantityOver100 => "api_quantity_over_100",
        /// The Benefits API allows a procedure code only without a coverage category.
        ApiCategoryWithCode => "api_category_with_code",
        /// The Benefits API needs an age limit's Quantity above 0.
        ApiAgeLimitWithoutAge => "api_age_limit_without_age",
        /// `Faithful`: an HSD that is none of Open Dental's four frequency shapes.
        HsdUnsupportedFrequency => "hsd_unsupported_frequency",
        /// `Faithful`: the loop of the patient the request was not about.
        OtherPatientLoop => "other_patient_loop",
        /// `Faithful`: the same slot as an earlier row, with other values.
        Conflicting => "conflicting",
        /// `Faithful`: a number the row reads (EB07, EB08, EB10, HSD02, HSD06) is not of the
        /// X12 `R` type (`1,500`, `$50`, ` 5`): never read as 0.
        NumberNotX12 => "number_not_x12",
        /// `Faithful`: EB03 is a code outside Open Dental's dental table (MH, UC…): Open
        /// Dental reads it as no service type, which would make the row plan-wide.
        UnknownServiceType => "unknown_service_type",
        /// `Faithful`: an age limit (S7). Open Dental's benefit logic reads an age limit only on
        /// a code group, on the plan (`Benefits.IsAgeLimit`), and a 271 names none.
        AgeLimitNotRead => "age_limit_not_read",
        /// `Faithful`: a Visits (VS) limitation. Open Dental's frequency logic counts services,
        /// months or years only (`Benefits.IsFrequencyLimitation`).
        VisitsNotRead => "visits_not_read",
        /// `Faithful`: an HSD frequency on a limitation with no procedure code (a category's,
        /// or the plan's). Open Dental keeps a frequency on a code or a code group only: listed
        /// here rather than written as a bare limitation Open Dental reads nothing from.
        HsdWithoutCode => "hsd_without_code",
        /// `OpenDental`: the last EB of a message with no SE after it (Open Dental adds an EB
        /// to its list only when the next EB or an SE comes).
        TransactionNotEnded => "transaction_not_ended",
        /// `OpenDental`: an EB whose segment ID has white space or a byte-order mark before it
        /// (Open Dental trims nothing, so it is not an EB to it).
        PaddedSegmentId => "padded_segment_id",
        /// `Faithful`: read from JSON, which cannot say which loop an entry came from, in a
        /// response with a dependent (`Faithful` reads only the patient's own loop).
        UnknownLoop => "unknown_loop",
        /// `Faithful`: an EB07 of the X12 `R` type too large or too small for an amount
        /// (`1E30`, 29 digits): never read as 0.
        NumberOutOfRange => "number_out_of_range",
        /// `Faithful`: a negative EB07 (Open Dental keeps -1 as "no amount"; no benefit has a
        /// negative one).
        NegativeAmount => "negative_amount",
        /// `Faithful`: EB13 names a procedure code the office does not have (Open Dental reads
        /// it as no code, which would make the row plan-wide).
        UnknownProcedureCode => "unknown_procedure_code",
        /// `Faithful`: a limitation counted in months or years (MN, YY) with no amount, that
        /// the 271 does not call a waiting period (neither EB03 32 nor a MSG of its loop
        /// saying "waiting"): it could as well be a frequency, so it is listed, not guessed.
        WaitingPeriodNotStated => "waiting_period_not_stated",
        /// `Faithful`: active coverage on a repeated EB03 (`23^41^25`). Open Dental's benefit
        /// logic reads no ActiveCoverage row, and `Faithful` would make one per repetition
        /// (Open Dental's own import makes one row with no category).
        ActiveCoverageRepeated => "active_coverage_repeated",
    }
}

named! {
    /// What a reader noticed on a segment without dropping it (see [`Finding`]).
    pub enum FindingKind {
        /// `OpenDental`: a number that is not of the X12 `R` type, read as .NET's
        /// `Convert.ToDouble` reads it on an en-US office (`1,500` is 1500).
        NumberNotX12 => "number_not_x12",
        /// `OpenDental`: a number .NET cannot read (`$50`, `1.5.0`), read as 0 as Open Dental
        /// does.
        NumberReadAsZero => "number_read_as_zero",
        /// An AAA in the EB's benefit loop: the carrier could not answer for that service
        /// type. The message is read all the same (Open Dental's import never checks AAA);
        /// the detail is the reject reason code (AAA03).
        BenefitRejected => "benefit_rejected",
    }
}

/// Something a reader noticed on an EB segment that it kept reading: the EB may still give a
/// row (or drop for a reason of its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// The EB segment's ordinal (the ISA is 1).
    pub ordinal: usize,
    /// Its loop.
    #[serde(rename = "loop")]
    pub loop_id: BenefitLoop,
    /// What was noticed.
    pub kind: FindingKind,
    /// Which element (`EB07`), or the AAA's reject reason code; never member data.
    pub detail: String,
    /// The EB segment's text, without its terminator.
    pub segment: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_one_spelling_in_display_and_json() {
        let names: Vec<_> = DropReason::ALL.iter().map(|r| r.name()).collect();
        for reason in DropReason::ALL {
            let json = serde_json::to_string(reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.name()));
            assert_eq!(reason.to_string(), reason.name());
            assert_eq!(serde_json::from_str::<DropReason>(&json).unwrap(), *reason);
            assert_eq!(names.iter().filter(|n| **n == reason.name()).count(), 1);
        }
        assert_eq!(
            serde_json::to_string(&DropReason::ApiQuantityOver100).unwrap(),
            "\"api_quantity_over_100\""
        );
        for kind in FindingKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(serde_json::from_str::<FindingKind>(&json).unwrap(), *kind);
        }
        assert!(serde_json::from_str::<DropReason>("\"api_quantity_over100\"").is_err());
    }
}
