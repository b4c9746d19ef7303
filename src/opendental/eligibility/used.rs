//! A carrier's amounts read as "used" figures (spec `opendental-insurance-used-notes.md` §4):
//! [`carrier_figures`]. Every *figure line* (EB01 C, F or G with EB06 24, 29 or 33) is either
//! a figure ([`Figure`]) or skipped with a reason ([`UsedSkip`]), in the spec's order; the
//! plan's period amounts (EB06 21, 22, 23, 25, 32 of a C or F for IND or FAM) are kept as what
//! the carrier states ([`StatedAmount`]), for checking the office's maximum and deductible.
//!
//! The EB segments are kept on [`Eligibility`] as they are read (X12 or JSON), apart from its
//! rows and drops, which they never change.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::items::Item;
use super::reasons::named;
use super::{BenefitLoop, Eligibility, Network};
use crate::x12;

/// Whether an EB segment is in the loop of the patient the request was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Whose {
    /// The patient's own loop.
    Patient,
    /// Another member's loop (the subscriber's 2110C on a dependent's request, or the reverse).
    OtherMember,
    /// Not known: JSON with a dependent, whose entries name no loop.
    Unknown,
}

/// How the loops of a message are told apart.
#[derive(Debug, Clone, Copy)]
pub(super) enum Loops {
    /// X12 read for a dependent or the subscriber: the patient's loop is 2110D on a dependent's
    /// request when the transaction read has one, else 2110C (as the eligibility rows decide).
    X12 { dependent: bool },
    /// JSON: with no dependent every entry is the one member's; with one, no entry's loop is
    /// known.
    Json { has_dependent: bool },
}

/// An EB segment of an amount (EB01 C, F or G), kept from the read for [`carrier_figures`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AmountSegment {
    ordinal: usize,
    loop_id: BenefitLoop,
    segment: String,
    whose: Whose,
    after_first_transaction: bool,
    // The elements a figure reads; EB03 whole, as Open Dental's batch compares it.
    eb01: String,
    eb02: String,
    eb03: String,
    eb06: String,
    eb07: String,
    eb12: String,
}

/// The amount segments among `items`, each with whose loop it is in.
pub(super) fn amounts(items: &[Item<'_>], loops: Loops) -> Vec<AmountSegment> {
    let has_dependent = items
        .iter()
        .any(|i| i.loop_id == BenefitLoop::Dependent && !i.after_first_transaction);
    let own = match loops {
        Loops::X12 { dependent } if dependent && has_dependent => BenefitLoop::Dependent,
        _ => BenefitLoop::Subscriber,
    };
    items
        .iter()
        .filter(|i| matches!(i.eb.element(1), "C" | "F" | "G"))
        .map(|i| {
            let whose = match (loops, i.loop_id) {
                (
                    Loops::Json {
                        has_dependent: true,
                    },
                    _,
                ) => Whose::Unknown,
                (Loops::Json { .. }, _) => Whose::Patient,
                (Loops::X12 { .. }, found) if found == own => Whose::Patient,
                (Loops::X12 { .. }, _) => Whose::OtherMember,
            };
            AmountSegment {
                ordinal: i.eb.ordinal,
                loop_id: i.loop_id,
                segment: i.eb.text.to_owned(),
                whose,
                after_first_transaction: i.after_first_transaction,
                eb01: i.eb.element(1).to_owned(),
                eb02: i.eb.element(2).to_owned(),
                eb03: i.eb.element(3).to_owned(),
                eb06: i.eb.element(6).to_owned(),
                eb07: i.eb.element(7).to_owned(),
                eb12: i.eb.element(12).to_owned(),
            }
        })
        .collect()
}

named! {
    /// Why a carrier's figure line sets nothing in Open Dental. The names are the spec's
    /// (`opendental-insurance-used-notes.md` §4.1); [`UsedSkip::name`] is the one spelling, in
    /// `Display` and JSON. The first ten are a line's, in the order they are checked
    /// ([`carrier_figures`]); the last three are the change's
    /// ([`used_change`](super::used_change)).
    pub enum UsedSkip {
        /// In a transaction after the first (only the first is read, as for the rows).
        AfterFirstTransaction => "after_first_transaction",
        /// EB01 G, an out-of-pocket (stop loss) figure: Open Dental keeps none.
        NoOpenDentalTarget => "no_open_dental_target",
        /// EB06 33, a lifetime remaining: InsAdjust sets benefit-year totals only.
        Lifetime => "lifetime",
        /// EB02 FAM, ECH or ESP: InsAdjust sets one patient's figures, never a family's.
        Family => "family",
        /// EB02 another level than IND (EMP, CHD, DEP, SPC, SPO, blank, or not a code).
        CoverageLevel => "coverage_level",
        /// EB03 other than blank or 35 (a category's figure, a repeated value, or 30 unless
        /// [`FigureOptions::accept_service_type_30`]).
        CategoryNotGeneral => "category_not_general",
        /// EB12 says another network than the one chosen ([`FigureOptions::network`]).
        Network => "network",
        /// The loop of another member than the patient (2110C on a dependent's request when
        /// the 271 has a 2110D, or 2110D on the subscriber's).
        OtherMember => "other_member",
        /// Read from JSON with a dependent: no entry says whose it is.
        UnknownLoop => "unknown_loop",
        /// EB07 is empty, not of the X12 `R` type (`1,500`, `$50`), or beyond a decimal.
        NoAmount => "no_amount",
        /// EB07 is negative.
        NegativeAmount => "negative_amount",
        /// A remaining with no amount of the office's to take it from (no individual annual
        /// maximum, or no individual deductible).
        NoOpenDentalAmount => "no_open_dental_amount",
        /// A remaining above the office's amount: the total would be negative (never clamped).
        RemainingExceedsOpenDentalAmount => "remaining_exceeds_open_dental_amount",
        /// Two lines for one figure that give different totals: the figure is not set.
        ConflictingFigures => "conflicting_figures",
    }
}

/// What an accepted figure line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// EB01 F, EB06 29: the individual annual maximum's remaining amount.
    MaxRemaining,
    /// EB01 C, EB06 29: the individual deductible's remaining amount.
    DeductibleRemaining,
    /// EB01 F, EB06 24: benefits used this year to date.
    MaxUsed,
    /// EB01 C, EB06 24: deductible met this year to date.
    DeductibleUsed,
}

impl Figure {
    /// Which of the office's amounts it is about.
    pub fn amount_of(self) -> AmountOf {
        match self {
            Figure::MaxRemaining | Figure::MaxUsed => AmountOf::Maximum,
            Figure::DeductibleRemaining | Figure::DeductibleUsed => AmountOf::Deductible,
        }
    }

    /// A remaining amount (EB06 29), not a year-to-date one (24).
    pub fn is_remaining(self) -> bool {
        matches!(self, Figure::MaxRemaining | Figure::DeductibleRemaining)
    }
}

/// The annual maximum (EB01 F) or the deductible (EB01 C).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountOf {
    /// The annual maximum: Open Dental's "insurance used".
    Maximum,
    /// The deductible: Open Dental's "deductible used".
    Deductible,
}

/// What became of one figure line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum LineVerdict {
    /// Read as a figure.
    Figure {
        /// Which one.
        figure: Figure,
        /// EB07.
        #[serde(serialize_with = "money")]
        amount: Decimal,
    },
    /// Skipped.
    Skipped {
        /// Why.
        reason: UsedSkip,
    },
}

/// A figure line (EB01 C, F or G with EB06 24, 29 or 33) and what became of it. It carries
/// the segment's ordinal, loop and EB text, never member data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FigureLine {
    /// The EB segment's ordinal (the ISA is 1); from JSON, the entry's index.
    pub ordinal: usize,
    /// Its loop.
    #[serde(rename = "loop")]
    pub loop_id: BenefitLoop,
    /// The EB segment's text (from JSON, rebuilt).
    pub segment: String,
    /// A figure, or why not.
    #[serde(flatten)]
    pub verdict: LineVerdict,
}

/// The period of an amount the carrier states (EB06).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatedPeriod {
    /// 21, years.
    Years,
    /// 22, service year.
    ServiceYear,
    /// 23, calendar year.
    CalendarYear,
    /// 25, contract.
    Contract,
    /// 32, lifetime.
    Lifetime,
}

/// Whose amount the carrier states (EB02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatedLevel {
    /// IND.
    Individual,
    /// FAM, ECH or ESP.
    Family,
}

/// An amount the carrier states for the plan (EB01 C or F, EB06 21, 22, 23, 25 or 32, IND or
/// a family level), general (EB03 blank or 35, or 30 when accepted), in the chosen network
/// and the patient's loop: the maximum or deductible to check the office's against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StatedAmount {
    /// The EB segment's ordinal.
    pub ordinal: usize,
    /// Its loop.
    #[serde(rename = "loop")]
    pub loop_id: BenefitLoop,
    /// The EB segment's text.
    pub segment: String,
    /// Maximum or deductible.
    pub of: AmountOf,
    /// Individual or family.
    pub level: StatedLevel,
    /// Its period.
    pub period: StatedPeriod,
    /// EB07.
    #[serde(serialize_with = "money")]
    pub amount: Decimal,
}

/// Every figure line of a 271, read or skipped, and the amounts it states, in segment order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CarrierFigures {
    /// Each figure line and what became of it.
    pub lines: Vec<FigureLine>,
    /// The plan's amounts the carrier states.
    pub stated: Vec<StatedAmount>,
}

/// Which figures to read: the network, and whether EB03 30 counts as general.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FigureOptions {
    /// The network whose figures are read (default in network): in network keeps EB12 Y, W
    /// and blank; out of network keeps N, U, W and blank. Anything else is `network`.
    pub network: Network,
    /// Read EB03 30 (health benefit plan coverage) as general, as 35 is. Off by default: Open
    /// Dental's batch verification reads blank and 35 only (its import maps 30 and 35 alike
    /// to General, so a carrier sending only 30 gives no figure without this).
    pub accept_service_type_30: bool,
}

impl FigureOptions {
    /// In network, EB03 30 not read.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same options for another network.
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// The same options, reading EB03 30 as general or not.
    pub fn accept_service_type_30(mut self, accept: bool) -> Self {
        self.accept_service_type_30 = accept;
        self
    }
}

/// A 271's "used" figures (spec §4.1): every figure line read as a [`Figure`] or skipped with
/// the first reason, in this order: `after_first_transaction`, `no_open_dental_target` (EB01
/// G), `lifetime` (EB06 33), `family`, `coverage_level` (EB02 not IND), `category_not_general`
/// (EB03 not blank or 35), `network` (EB12), `other_member` or `unknown_loop` (not the
/// patient's own loop), `no_amount` or `negative_amount` (EB07). The period amounts that pass
/// the same checks (a family level allowed) are [`CarrierFigures::stated`].
///
/// Pure. It reads the segments `read_271` and `read_eligibility` keep on the [`Eligibility`]
/// (not in its JSON form: a deserialized one gives no figures).
pub fn carrier_figures(read: &Eligibility, options: FigureOptions) -> CarrierFigures {
    let mut out = CarrierFigures::default();
    for segment in &read.amounts {
        if let Some(verdict) = line(segment, options) {
            out.lines.push(FigureLine {
                ordinal: segment.ordinal,
                loop_id: segment.loop_id,
                segment: segment.segment.clone(),
                verdict,
            });
        } else if let Some(stated) = stated(segment, options) {
            out.stated.push(stated);
        }
    }
    out
}

/// A figure line's verdict, or `None` when the segment is not a figure line.
fn line(s: &AmountSegment, options: FigureOptions) -> Option<LineVerdict> {
    if !matches!(s.eb06.as_str(), "24" | "29" | "33") {
        return None;
    }
    let skip = |reason| Some(LineVerdict::Skipped { reason });
    let figure = match (s.eb01.as_str(), s.eb06.as_str()) {
        _ if s.after_first_transaction => return skip(UsedSkip::AfterFirstTransaction),
        ("G", _) => return skip(UsedSkip::NoOpenDentalTarget),
        (_, "33") => return skip(UsedSkip::Lifetime),
        ("F", "29") => Figure::MaxRemaining,
        ("F", _) => Figure::MaxUsed,
        (_, "29") => Figure::DeductibleRemaining,
        _ => Figure::DeductibleUsed,
    };
    match level(&s.eb02) {
        Some(StatedLevel::Individual) => {}
        Some(StatedLevel::Family) => return skip(UsedSkip::Family),
        None => return skip(UsedSkip::CoverageLevel),
    }
    if let Err(reason) = common(s, options) {
        return skip(reason);
    }
    Some(LineVerdict::Figure {
        figure,
        amount: amount(&s.eb07).ok()?,
    })
}

/// A period amount the carrier states, when the segment is one and passes the checks.
fn stated(s: &AmountSegment, options: FigureOptions) -> Option<StatedAmount> {
    let period = match s.eb06.as_str() {
        "21" => StatedPeriod::Years,
        "22" => StatedPeriod::ServiceYear,
        "23" => StatedPeriod::CalendarYear,
        "25" => StatedPeriod::Contract,
        "32" => StatedPeriod::Lifetime,
        _ => return None,
    };
    let of = match s.eb01.as_str() {
        "F" => AmountOf::Maximum,
        "C" => AmountOf::Deductible,
        _ => return None,
    };
    if s.after_first_transaction {
        return None;
    }
    let level = level(&s.eb02)?;
    common(s, options).ok()?;
    Some(StatedAmount {
        ordinal: s.ordinal,
        loop_id: s.loop_id,
        segment: s.segment.clone(),
        of,
        level,
        period,
        amount: amount(&s.eb07).ok()?,
    })
}

/// EB02 as a level a figure can be for: IND, or a family's; `None` for any other.
fn level(eb02: &str) -> Option<StatedLevel> {
    match eb02 {
        "IND" => Some(StatedLevel::Individual),
        "FAM" | "ECH" | "ESP" => Some(StatedLevel::Family),
        _ => None,
    }
}

/// The checks after the level, in order: category, network, loop, amount.
fn common(s: &AmountSegment, options: FigureOptions) -> Result<(), UsedSkip> {
    let general = match s.eb03.as_str() {
        "" | "35" => true,
        "30" => options.accept_service_type_30,
        _ => false,
    };
    if !general {
        return Err(UsedSkip::CategoryNotGeneral);
    }
    let network = match options.network {
        Network::In => matches!(s.eb12.as_str(), "Y" | "W" | ""),
        Network::Out => matches!(s.eb12.as_str(), "N" | "U" | "W" | ""),
    };
    if !network {
        return Err(UsedSkip::Network);
    }
    match s.whose {
        Whose::Patient => {}
        Whose::OtherMember => return Err(UsedSkip::OtherMember),
        Whose::Unknown => return Err(UsedSkip::UnknownLoop),
    }
    amount(&s.eb07).map(|_| ())
}

/// EB07 as an amount: a number of the X12 `R` type within a decimal, not negative.
fn amount(eb07: &str) -> Result<Decimal, UsedSkip> {
    if !x12::is_real(eb07) {
        return Err(UsedSkip::NoAmount);
    }
    match super::rules::decimal(eb07) {
        None => Err(UsedSkip::NoAmount),
        Some(a) if a < Decimal::ZERO => Err(UsedSkip::NegativeAmount),
        Some(a) => Ok(a.abs()),
    }
}

/// An amount as its decimal text (`1125.50`), as the crate's JSON writes amounts.
fn money<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_skip_has_one_spelling() {
        for reason in UsedSkip::ALL {
            let json = serde_json::to_string(reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.name()));
            assert_eq!(UsedSkip::from_name(reason.name()), Some(*reason));
            let same = UsedSkip::ALL.iter().filter(|r| r.name() == reason.name());
            assert_eq!(same.count(), 1);
        }
    }

    #[test]
    fn amounts_are_x12_reals_and_never_negative() {
        assert_eq!(amount("1125.50"), Ok(Decimal::new(112550, 2)));
        assert_eq!(amount("0"), Ok(Decimal::ZERO));
        assert_eq!(amount("-0"), Ok(Decimal::ZERO));
        for bad in ["", "1,500", "$50", " 5", "1E30", "abc"] {
            assert_eq!(amount(bad), Err(UsedSkip::NoAmount), "{bad}");
        }
        assert_eq!(amount("-5"), Err(UsedSkip::NegativeAmount));
    }
}
