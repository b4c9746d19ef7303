//! A carrier's 271 eligibility response (X12 005010X279A1) read as the benefits a plan should
//! have: [`read_271`]. Pure: it needs the office's lookups ([`EligibilityLookups`]), never the
//! network. [`BenefitsClient::stored_271`](crate::opendental::BenefitsClient::stored_271)
//! reads one the office stored; `BenefitsClient::diff_from_271` turns one into a change.
//!
//! Files: `codes.rs` (Open Dental's code tables), `items.rs` (the message's checks and its EB
//! segments with their loops), `rules.rs` (the drop rules, in Open Dental's order), `build.rs`
//! (the row each rule set builds, the rows the API refuses, duplicates), `lookups.rs`,
//! `json.rs` (a clearinghouse's JSON rebuilt as the EB items the X12 reader makes).
//!
//! # Clearinghouse JSON
//! [`read_eligibility`] also reads the eligibility JSON of Change Healthcare's Eligibility v3
//! API, which Stedi also serves (`benefitsInformation`, `errors`…). Each entry becomes the EB
//! (and HSD) it was made from, so both rule sets and every drop reason apply unchanged. What the
//! JSON cannot carry is said, never guessed: no entry names its loop
//! ([`BenefitLoop::Unknown`]), ordinals are entry indexes and segment texts are rebuilt
//! ([`EligibilitySource::Json`]), and AAAs inside benefit loops, AAA01 and the exact number
//! text are lost.
//!
//! # Two rule sets
//! Open Dental reads 271s itself (the "Import" button of its eligibility window). Its rules
//! are [`RuleSet::OpenDental`], exactly, surprises included, so its rows are "the rows the
//! Import button would make". [`RuleSet::Faithful`] (the default) keeps more of what the
//! carrier said and builds only what Open Dental's own benefit logic reads as meant:
//!
//! | | `OpenDental` | `Faithful` |
//! |---|---|---|
//! | EB03 repeated (`23^41^25`) | one unknown code: no category (a percent drops, `percent_without_category`) | one row per code; active coverage none, `active_coverage_repeated` (one ActiveCoverage row per repetition, which Open Dental's benefit logic never reads) |
//! | HSD on a code's limitation | Quantity := HSD02, TimePeriod := HSD05 (month, visit… → None); qualifier as EB09 left it, usually None, so Open Dental's own frequency test rejects the row | one of the four frequency shapes: HSD05 21 + HSD06 n → every n years (HSD02 above 1 "per 1 year" → HSD02 in the last 12 months); 34 + n → every n months (n in the last 12 months with HSD06 12 and HSD02 above 1); 22/23 → HSD02 per the plan's benefit year; else `hsd_unsupported_frequency` |
//! | an age limit (S7) with a code and an HSD | its age is overwritten by HSD02 | the HSD's frequency; the age limit drops, `age_limit_not_read` |
//! | a limitation with a qualifier and quantity but no amount or HSD (an age limit, a waiting period) | dropped, `limitation_without_amount` | MN/YY is a WaitingPeriod row only where the 271 says one (EB03 32, or a MSG of the EB's loop with the word "waiting" and no "no", "none", "not" or "waived"); otherwise it could as well be a frequency: `waiting_period_not_stated` (with an HSD on a code: the HSD's frequency alone) |
//! | EB06 or HSD05 22 (service year) / 23 (calendar year) | that TimePeriod, as the letter says | the plan's own benefit year: sent without TimePeriod, which the office stores as the plan's (CalendarYear, or ServiceYear when MonthRenew is above 0); Open Dental's benefit logic counts both letters from MonthRenew (`BenefitLogic.ComputeRenewDate`). A limitation counted in months, years or age keeps the letter (sent without one, it would be stored with none) |
//! | rows Open Dental's benefit logic never reads: an age limit (S7) on a category, a code or the plan (`Benefits.IsAgeLimit` reads one on a code group, which a 271 cannot name); a Visits (VS) limitation (`IsFrequencyLimitation` counts services, months, years); an HSD on a limitation with no code and no qualifier (a category's or the plan's frequency: a bare row) | written as built (or dropped by the rules above) | dropped: `age_limit_not_read`, `visits_not_read`, `hsd_without_code` |
//! | EB03 outside the dental table (MH, UC…), or a repetition of one | no service type: a plan-wide row (or `percent_without_category`) | `unknown_service_type`: never plan-wide (an empty EB03 still is) |
//! | EB03 32 (plan waiting period) | `unsupported_service_type` | a plan-wide waiting period when it has MN/YY and a quantity |
//! | EB03 30/35 | the General coverage category | plan-wide ([`Scope::General`](crate::opendental::Scope::General)), the slot Open Dental's annual maximum and general deductible mean |
//! | coinsurance or a waiting period with no EB06 | TimePeriod None | the plan's benefit year, as Open Dental's own examples and the API's default |
//! | EB08 × 100 | binary floating point, truncated (`0.29` → 28 → Percent 72) | exact decimals (`0.29` → Percent 71) |
//! | a dependent request | every EB of both loops | only the patient's own loop (2110D, or 2110C when the transaction that is read has no 2110D: a later transaction's 2110D changes nothing); the other's EBs drop, `other_patient_loop`, but a Family EB of 2110C is kept for the plan |
//! | the same slot twice with different values | both rows kept | the first kept, the later one `conflicting` |
//! | the same row twice (`duplicate`) | Open Dental's key (`Benefit.ToString()`, amounts to the cent rounded half away from zero as .NET does) in a dictionary: the *last* row is kept at the *first* one's place, the earlier segment drops (spec §8.3 says "first kept": Open Dental's `RemoveDuplicateBenefitsFrom271` overwrites) | the same owner and shape: the first kept, the later one drops |
//! | a number (EB07, EB08, EB10, HSD02) outside X12's `R` type (`1,500`, `$50`, ` 5`) | read as .NET's `Convert.ToDouble` reads it on an en-US office (`PIn.Double`: `1,500` → 1500; white space, a `+`, an exponent allowed); what it cannot read is 0; either way a [`Finding`] (`number_not_x12`, `number_read_as_zero`) | the segment drops, `number_not_x12` (HSD06 too); never 0 |
//! | an empty segment (`~~`) | a segment, as Open Dental's `X12object` keeps it: an HSD after it is not the EB's | a segment (ordinals alike), skipped when finding the EB's HSD |
//! | the last EB with no SE after it | dropped, `transaction_not_ended` (Open Dental adds an EB at the next EB or SE only) | read |
//! | white space or a byte-order mark before a segment ID (` EB`) | not an EB to Open Dental: listed, `padded_segment_id` (only EBs are listed) | trimmed and read |
//! | a segment terminator that is a line break | not readable (`not_x12`) | read |
//! | JSON whose response has a dependent (the loops cannot be told apart) | every entry read, as Open Dental reads both loops | every entry drops, `unknown_loop` (with no dependent, every entry is the one loop's and is read) |
//!
//! Alike in both: the message checks ([`EligibilityErrorKind`]); the 13 drop rules, in order,
//! with the differences above; a row the Benefits API would refuse is never a row but an
//! `api_*` drop; unknown EB01 and HSD05 codes, and a decimal HSD02, drop or truncate and
//! reading goes on (Open Dental throws); EBs after the first transaction drop
//! (`after_first_transaction`); who owns a row (§8: on a dependent request every row but a
//! Family one is a patient-plan override). An AAA inside a 2110C/2110D loop (after an EB of its
//! HL loop: the carrier could not answer for one service type) is a `benefit_rejected`
//! [`Finding`] on that EB and reading goes on, as Open Dental's import of a stored 271 never
//! checks AAA; an AAA outside the benefit loops (2100A/B/C/D) rejects the whole request
//! (`processing_error`; the spec's §2.7 rejects on any AAA). A UTF-8 byte-order mark before
//! the ISA is skipped (.NET's readers drop it before Open Dental sees the text).
//!
//! # Used figures
//! [`carrier_figures`] reads the same message's remaining and year-to-date amounts (EB01 C, F,
//! G with EB06 24, 29, 33) as figures Open Dental's "insurance used" and "deductible used" can
//! take, apart from the rows (which it never changes); [`used_change`] makes them the
//! InsAdjust totals for one patient plan (spec `opendental-insurance-used-notes.md` §4–§5).
//! Each figure line the change does not use says why ([`UsedSkip`]):
//!
//! | reason | the line |
//! |---|---|
//! | `after_first_transaction` | is in a later transaction |
//! | `no_open_dental_target` | is an out-of-pocket figure (EB01 G) |
//! | `lifetime` | is a lifetime remaining (EB06 33) |
//! | `family` / `coverage_level` | is a family's (FAM, ECH, ESP) / another level than IND |
//! | `category_not_general` | has EB03 other than blank or 35 (30 unless accepted) |
//! | `network` | is for the other network (EB12) |
//! | `other_member` / `unknown_loop` | is in another member's loop / JSON with a dependent |
//! | `no_amount` / `negative_amount` | has no EB07 of the X12 `R` type / a negative one |
//! | `no_open_dental_amount` | is a remaining and the office has no maximum or deductible |
//! | `remaining_exceeds_open_dental_amount` | is a remaining above the office's amount |
//! | `conflicting_figures` | gives another total than a line for the same figure |
//!
//! Nothing from the NM1, N3/N4 or DMG segments, or any REF but the plan's group number
//! (`REF*6P`), reaches the result, its `Debug`, an error or a trace: the result holds the EB
//! segments and what the message says of the plan ([`CarrierPlan`]: group number, coverage
//! status, policy dates), never of the member.

mod build;
mod codes;
mod items;
mod json;
mod lookups;
mod plan;
mod reasons;
mod rules;
mod used;
mod used_change;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use lookups::EligibilityLookups;
pub use plan::{CarrierPlan, PlanFinding};
pub use reasons::{DropReason, Finding, FindingKind};
pub use used::{
    AmountOf, CarrierFigures, Figure, FigureLine, FigureOptions, LineVerdict, StatedAmount,
    StatedLevel, StatedPeriod, UsedSkip, carrier_figures,
};
pub use used_change::{
    AsOfOutsideYear, InsAdjustTotals, OfficeFigures, PlanAmountDiffers, ProposedTotal, SkippedLine,
    UsedChange, used_change,
};

use crate::error::{EligibilityError, EligibilityErrorKind, Error};
use crate::opendental::meaning::shape::BenefitShape;
use crate::opendental::model::benefit::{PatPlanNum, PlanNum};
use crate::opendental::model::etrans::Etrans;
use crate::opendental::model::request::Owner;
use crate::x12::{self, LineBreaks, Padding};

/// Which rules read the 271. See the [module docs](self) for every difference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleSet {
    /// Open Dental's own import, exactly.
    OpenDental,
    /// Everything the carrier said that Open Dental's benefit logic can hold, read as it is
    /// meant (the default).
    #[default]
    Faithful,
}

/// Which benefits the office wants: those for providers in the plan's network, or out of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Network {
    /// In network (EB12 `N` and `U` drop; the default, as in Open Dental).
    #[default]
    In,
    /// Out of network (EB12 `Y` drops).
    Out,
}

/// How to read a 271: the facts Open Dental takes from its window, the carrier and the
/// request, and the rule set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// In or out of network.
    pub network: Network,
    /// The carrier sends the share insurance pays, not the patient's (Open Dental's per-carrier
    /// "coinsurance inverted"; the API does not expose it, so only you can say).
    pub coinsurance_inverted: bool,
    /// The 270 asked about a dependent, not the subscriber.
    pub dependent: bool,
    /// The rule set.
    pub rules: RuleSet,
}

impl ReadOptions {
    /// In network, not inverted, for the subscriber, [`RuleSet::Faithful`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The same options for another network.
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// The same options with the carrier's coinsurance inverted or not.
    pub fn coinsurance_inverted(mut self, inverted: bool) -> Self {
        self.coinsurance_inverted = inverted;
        self
    }

    /// The same options for a dependent's request or the subscriber's.
    pub fn dependent(mut self, dependent: bool) -> Self {
        self.dependent = dependent;
        self
    }

    /// The same options under another rule set.
    pub fn rules(mut self, rules: RuleSet) -> Self {
        self.rules = rules;
        self
    }
}

/// The benefit loop an EB segment sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BenefitLoop {
    /// 2110C, the subscriber's (also any EB outside a 2000D).
    #[serde(rename = "2110C")]
    Subscriber,
    /// 2110D, a dependent's.
    #[serde(rename = "2110D")]
    Dependent,
    /// Not known: a clearinghouse's JSON puts the entries of both loops in one flat array and
    /// no entry names its loop ([`EligibilitySource::Json`]).
    #[serde(rename = "unknown")]
    Unknown,
}

impl fmt::Display for BenefitLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BenefitLoop::Subscriber => "2110C",
            BenefitLoop::Dependent => "2110D",
            BenefitLoop::Unknown => "unknown",
        })
    }
}

/// Whose row a benefit becomes: the plan's, or one patient's override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OwnerKind {
    /// On the plan.
    Plan,
    /// A patient-plan override.
    PatPlan,
}

impl OwnerKind {
    /// The owner this kind means for a plan and the patient's plan.
    pub fn owner(self, plan: PlanNum, pat_plan: PatPlanNum) -> Owner {
        match self {
            OwnerKind::Plan => Owner::Plan(plan),
            OwnerKind::PatPlan => Owner::PatPlan(pat_plan),
        }
    }
}

/// What a result was read from, and so what its ordinals, loops and segment texts are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EligibilitySource {
    /// A 271 in X12: an ordinal is a segment's (the ISA is 1), a loop is 2110C or 2110D, a
    /// segment text is the EB as sent (the default).
    #[default]
    X12,
    /// A clearinghouse's eligibility JSON: an ordinal is the 0-based index of the entry in
    /// `benefitsInformation`, the loop is [`BenefitLoop::Unknown`], and a segment text is the
    /// EB **rebuilt** from the entry's fields with `*`, `:` and `^` (a delimiter inside a value
    /// shows as `?`).
    Json,
}

/// A carrier's eligibility response in either form, for [`read_eligibility`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EligibilityInput<'a> {
    /// A 271 in X12, as bytes ([`read_271`] reads it).
    X12(&'a [u8]),
    /// A clearinghouse's eligibility JSON (Change Healthcare's Eligibility v3 shape, which
    /// Stedi also serves: `benefitsInformation`, `errors`…).
    Json(&'a [u8]),
}

impl<'a> EligibilityInput<'a> {
    /// The form the bytes are in, told by their first character: JSON when it is `{` or `[`
    /// (after an optional byte-order mark and white space), X12 otherwise (an X12 interchange
    /// begins with `ISA`; anything else then fails as `not_x12`).
    pub fn sniff(bytes: &'a [u8]) -> Self {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[') => EligibilityInput::Json(bytes),
            _ => EligibilityInput::X12(bytes),
        }
    }
}

/// One benefit the 271 says the plan has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EligibilityRow {
    /// The EB segment's ordinal (the ISA is 1); from JSON, the entry's index
    /// ([`EligibilitySource`]).
    pub ordinal: usize,
    /// Its loop.
    #[serde(rename = "loop")]
    pub loop_id: BenefitLoop,
    /// Whose row it is.
    pub owner: OwnerKind,
    /// What it says. A [`BenefitShape::Custom`] holds a placeholder owner (PlanNum 0):
    /// `to_new_benefit` sets the real one.
    pub shape: BenefitShape,
}

/// An EB segment that gave no row, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DroppedSegment {
    /// The segment's ordinal (the ISA is 1); from JSON, the entry's index
    /// ([`EligibilitySource`]).
    pub ordinal: usize,
    /// Its loop.
    #[serde(rename = "loop")]
    pub loop_id: BenefitLoop,
    /// Why.
    pub reason: DropReason,
    /// The EB segment's text, without its terminator; from JSON, rebuilt
    /// ([`EligibilitySource`]).
    pub segment: String,
}

/// What a 271 says: the rows, and every EB segment left out. With `Faithful`, one EB with a
/// repeated service type can give several rows, or a row and a drop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Eligibility {
    /// The rows, in the order of their segments.
    pub rows: Vec<EligibilityRow>,
    /// The EB segments left out, in order.
    pub dropped: Vec<DroppedSegment>,
    /// What was noticed on segments that were read all the same (a number Open Dental reads
    /// its own way, an AAA for one service type), in order. Nothing here drops a row.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// What the 271 says of the plan itself: group number, coverage status, policy dates
    /// (check it against the office's plan with [`CarrierPlan::findings`]).
    #[serde(default)]
    pub plan: CarrierPlan,
    /// The 271 was read for a dependent ([`ReadOptions::dependent`]): its rows that are not
    /// marked Family are that patient's, and it says nothing of the plan's other rows.
    #[serde(default)]
    pub dependent: bool,
    /// What it was read from: how to read the ordinals, loops and segment texts above.
    #[serde(default)]
    pub source: EligibilitySource,
    /// The message holds a dependent's benefits: a 2110D loop in the transaction read, or a
    /// `dependents` entry in a clearinghouse's JSON. Such a 271 never deletes the plan's rows.
    #[serde(default)]
    pub shows_dependent: bool,
    /// The transaction read ends: an SE follows its last EB (JSON: always). A message cut
    /// short may have lost benefits, so it deletes nothing. Read back from serde without this
    /// field, it is `false`.
    #[serde(default)]
    pub ended: bool,
    /// The EB segments of amounts (EB01 C, F, G), for [`carrier_figures`]. Not in the JSON
    /// form (the rows and drops say what a person reads there).
    #[serde(skip)]
    pub(crate) amounts: Vec<used::AmountSegment>,
}

impl Eligibility {
    /// The shapes one owner should have.
    pub fn shapes(&self, owner: OwnerKind) -> impl Iterator<Item = BenefitShape> + '_ {
        self.rows
            .iter()
            .filter(move |r| r.owner == owner)
            .map(|r| r.shape.clone())
    }
}

/// A 271 the office stored ([`BenefitsClient::stored_271`](crate::opendental::BenefitsClient::stored_271)):
/// its transaction row, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stored271 {
    /// The stored transaction (when, for which plan).
    pub etrans: Etrans,
    /// What the 271 says.
    pub read: Eligibility,
}

/// Reads a 271 as benefit rows for an office (its lookups), by the rules `options` names.
///
/// ```
/// use benefits_sdk::opendental::eligibility::{read_271, EligibilityLookups, ReadOptions};
/// use benefits_sdk::opendental::{CovCat, CovCatNum, EbenefitCategory};
///
/// let cats: Vec<CovCat> = EbenefitCategory::KNOWN
///     .iter()
///     .skip(1) // None
///     .enumerate()
///     .map(|(i, c)| CovCat::new(CovCatNum::new(i as u64 + 1), c.as_str(), c.clone()))
///     .collect();
/// let office = EligibilityLookups::new(&cats, []).unwrap();
/// let error = read_271(&office, b"not a 271", ReadOptions::new()).unwrap_err();
/// assert_eq!(error.to_string(), "not an X12 interchange: it does not begin with an ISA segment");
/// ```
///
/// # Errors
/// [`Error::Eligibility`] for a message that gives no rows at all ([`EligibilityErrorKind`]:
/// not X12, not a 271, or a processing error). Each EB segment's own problem is a
/// [`DroppedSegment`], never an error.
pub fn read_271(
    office: &EligibilityLookups,
    message: impl AsRef<[u8]>,
    options: ReadOptions,
) -> Result<Eligibility, Error> {
    let line_breaks = match options.rules {
        RuleSet::OpenDental => LineBreaks::Remove,
        RuleSet::Faithful => LineBreaks::Terminate,
    };
    let text = x12::prepare(message.as_ref(), line_breaks);
    let whole = |kind| Error::Eligibility(EligibilityError::new(kind));
    let delimiters = x12::delimiters(&text)
        .map_err(|why| whole(EligibilityErrorKind::NotX12(why.describe())))?;
    let padding = match options.rules {
        RuleSet::OpenDental => Padding::Keep,
        RuleSet::Faithful => Padding::Trim,
    };
    let segments = x12::segments(&text, delimiters, padding);
    items::check(&segments).map_err(whole)?;
    let items = items::items(&segments, options.rules == RuleSet::Faithful);
    let read = items.iter().filter(|i| !i.after_first_transaction);
    let plan = CarrierPlan::read(&segments, read.map(|i| i.eb.element(1)));
    let dependent = options.dependent;
    let shows_dependent = items
        .iter()
        .any(|i| i.loop_id == BenefitLoop::Dependent && !i.after_first_transaction);
    Ok(Eligibility {
        plan,
        dependent,
        shows_dependent,
        ended: ended(&segments),
        amounts: used::amounts(&items, used::Loops::X12 { dependent }),
        ..build::rows(office, &items, delimiters, options)
    })
}

/// Whether an SE follows the message's first EB: the transaction read is whole (or has no
/// EB at all).
fn ended(segments: &[x12::Segment<'_>]) -> bool {
    let trimmed = |s: &x12::Segment<'_>| s.id().trim_start_matches(x12::is_padding) == "EB";
    match segments.iter().position(trimmed) {
        Some(first) => segments[first..].iter().any(|s| s.id() == "SE"),
        None => true,
    }
}

/// Whether a 271 names any procedure code (a non-empty EB13), so that reading it needs the
/// office's procedure codes. A message that cannot be read as X12 answers `true`: reading it
/// will say why.
///
/// ```
/// use benefits_sdk::opendental::eligibility::names_procedure_codes;
///
/// let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              \
///            *251104*0932*^*00501*000004711*0*P*:~";
/// assert!(!names_procedure_codes(format!("{isa}GS*HB~ST*271~EB*1**35~SE~")));
/// assert!(names_procedure_codes(format!("{isa}GS*HB~ST*271~EB*F*IND***********AD:D0330~SE~")));
/// ```
pub fn names_procedure_codes(message: impl AsRef<[u8]>) -> bool {
    let text = x12::prepare(message.as_ref(), LineBreaks::Terminate);
    let Ok(delimiters) = x12::delimiters(&text) else {
        return true;
    };
    x12::segments(&text, delimiters, Padding::Trim)
        .iter()
        .any(|s| s.id() == "EB" && !s.element(13).is_empty())
}

/// Reads a carrier's eligibility response, as X12 or as a clearinghouse's JSON, by the rules
/// `options` names: the one entry point for both forms. X12 is read by [`read_271`]. JSON
/// entries are rebuilt as the EB segments they were made from and read by the same rules, so
/// both rule sets and every [`DropReason`] apply unchanged (spec `clearinghouse-json-notes.md`).
///
/// What JSON cannot carry is said, never guessed: each entry's loop is
/// [`BenefitLoop::Unknown`], ordinals are indexes and segment texts rebuilt
/// ([`EligibilitySource::Json`]); under [`RuleSet::Faithful`], which reads only the patient's
/// own loop, a response with a dependent drops every entry as [`DropReason::UnknownLoop`].
///
/// ```
/// use benefits_sdk::opendental::eligibility::{
///     read_eligibility, EligibilityInput, EligibilityLookups, ReadOptions,
/// };
/// use benefits_sdk::opendental::{CovCat, CovCatNum, EbenefitCategory};
///
/// let cats: Vec<CovCat> = EbenefitCategory::KNOWN
///     .iter()
///     .skip(1) // None
///     .enumerate()
///     .map(|(i, c)| CovCat::new(CovCatNum::new(i as u64 + 1), c.as_str(), c.clone()))
///     .collect();
/// let office = EligibilityLookups::new(&cats, []).unwrap();
/// let json = br#"{"benefitsInformation": [
///     {"code": "A", "serviceTypeCodes": ["41"], "benefitPercent": "0.2"},
///     {"code": "F", "coverageLevelCode": "IND", "serviceTypeCodes": ["35"],
///      "timeQualifierCode": "23", "benefitAmount": 1500}
/// ]}"#;
/// let read = read_eligibility(&office, EligibilityInput::sniff(json), ReadOptions::new()).unwrap();
/// assert_eq!(read.rows.len(), 2);
/// assert_eq!(read.rows[1].ordinal, 1); // the entry's index
///
/// let error = read_eligibility(&office, EligibilityInput::Json(b"[]"), ReadOptions::new());
/// assert_eq!(error.unwrap_err().to_string(), "not eligibility JSON: it is not a JSON object");
/// ```
///
/// # Errors
/// [`Error::Eligibility`] for a response that gives no rows at all: those of [`read_271`]
/// for X12; for JSON, `not_eligibility_json` (not a JSON object of this shape) or
/// `processing_error` (any item in `errors[]` or an `aaaErrors` list).
pub fn read_eligibility(
    office: &EligibilityLookups,
    input: EligibilityInput<'_>,
    options: ReadOptions,
) -> Result<Eligibility, Error> {
    match input {
        EligibilityInput::X12(bytes) => read_271(office, bytes, options),
        EligibilityInput::Json(bytes) => json::read(office, bytes, options)
            .map_err(|kind| Error::Eligibility(EligibilityError::new(kind))),
    }
}
