//! A carrier's figures ([`CarrierFigures`]) and the office's ([`OfficeFigures`]) as the
//! InsAdjust totals that would make Open Dental agree: [`used_change`]. Pure: a change before
//! a write, as reconcile's is (spec `opendental-insurance-used-notes.md` §4.1, §5).
//!
//! Open Dental's own arithmetic, never adjusted:
//! - `insUsed` = the office's individual annual maximum − the carrier's remaining (EB01 F,
//!   EB06 29), or the carrier's year to date (EB06 24); `deductibleUsed` likewise from the
//!   individual deductible (EB01 C).
//! - A remaining above the office's amount gives no total: it is skipped
//!   (`remaining_exceeds_open_dental_amount`), never clamped to 0, because the office's amount
//!   is usually out of date ([`UsedChange::findings`] says when the carrier states another).
//! - Pending claims (`NotReceived`) are shown beside the figures, never netted out: the
//!   carrier's remaining reflects the claims it has processed, and Open Dental's Remaining
//!   subtracts Pending itself until the claim is received (Q1).
//! - The date sent is the as-of date of the office's figures, which must lie in their benefit
//!   year: the server nets over the benefit year containing it (Q2).

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use super::used::{AmountOf, CarrierFigures, FigureLine, LineVerdict, StatedLevel, StatedPeriod};
use super::{BenefitLoop, UsedSkip};

/// What Open Dental shows for one patient plan in one benefit year (spec §2), as of a date.
/// Fill it from the office's reads; every amount is the patient's own (individual).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OfficeFigures {
    /// The individual annual maximum Open Dental shows (§2.5), `None` when it shows none.
    #[serde(serialize_with = "money_or_none")]
    pub annual_max: Option<Decimal>,
    /// The individual general deductible (§2.8), `None` when there is none.
    #[serde(serialize_with = "money_or_none")]
    pub deductible: Option<Decimal>,
    /// Insurance used (§2.4: received, supplemental, adjustments) in the benefit year.
    #[serde(serialize_with = "money")]
    pub used: Decimal,
    /// Pending (§2.4: claims not received) in the benefit year.
    #[serde(serialize_with = "money")]
    pub pending: Decimal,
    /// The patient's deductible used (§2.8) in the benefit year.
    #[serde(serialize_with = "money")]
    pub deductible_used: Decimal,
    /// The first day of the benefit year (Open Dental's renew date, §2.1).
    pub year_start: NaiveDate,
    /// The first day after it (the next renew date): the year is `[year_start, year_end)`.
    pub year_end: NaiveDate,
    /// The date the figures are as of; the date InsAdjust is sent with.
    pub as_of: NaiveDate,
}

impl OfficeFigures {
    /// The figures, with nothing used or pending and no maximum or deductible.
    pub fn new(year_start: NaiveDate, year_end: NaiveDate, as_of: NaiveDate) -> Self {
        OfficeFigures {
            annual_max: None,
            deductible: None,
            used: Decimal::ZERO,
            pending: Decimal::ZERO,
            deductible_used: Decimal::ZERO,
            year_start,
            year_end,
            as_of,
        }
    }

    /// Open Dental's Remaining (§2.7): max(0, annual max − used − pending); `None` with no
    /// annual maximum (or a sum beyond a decimal).
    pub fn remaining(&self) -> Option<Decimal> {
        let left = self.annual_max?.checked_sub(self.used)?;
        Some(left.checked_sub(self.pending)?.max(Decimal::ZERO))
    }

    /// The patient's deductible remaining (§2.8): max(0, deductible − deductible used);
    /// `None` with no deductible.
    pub fn deductible_remaining(&self) -> Option<Decimal> {
        let left = self.deductible?.checked_sub(self.deductible_used)?;
        Some(left.max(Decimal::ZERO))
    }
}

/// The as-of date is not in the benefit year (or the year is empty): InsAdjust would net over
/// another year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the as-of date {as_of} is outside the benefit year [{year_start}, {year_end})")]
#[non_exhaustive]
pub struct AsOfOutsideYear {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The benefit year's first day.
    pub year_start: NaiveDate,
    /// The first day after it.
    pub year_end: NaiveDate,
}

/// A total to send, and the carrier's lines it comes from (every one gives this total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProposedTotal {
    /// The benefit-year total.
    #[serde(serialize_with = "money")]
    pub total: Decimal,
    /// The accepted lines it comes from, in segment order (at least one).
    pub lines: Vec<FigureLine>,
}

/// A figure line the change does not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SkippedLine {
    /// The EB segment's ordinal.
    pub ordinal: usize,
    /// Its loop.
    #[serde(rename = "loop")]
    pub loop_id: BenefitLoop,
    /// The EB segment's text.
    pub segment: String,
    /// Why.
    pub reason: UsedSkip,
}

/// The office's annual maximum or deductible differs from the one the carrier states for the
/// benefit year (EB06 22 or 23, IND): fix the plan first. Never blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PlanAmountDiffers {
    /// Which amount.
    pub of: AmountOf,
    /// The office's (`None`: it has none).
    #[serde(serialize_with = "money_or_none")]
    pub office: Option<Decimal>,
    /// The carrier's.
    #[serde(serialize_with = "money")]
    pub carrier: Decimal,
    /// The carrier's segment ordinal.
    pub ordinal: usize,
    /// The carrier's segment text.
    pub segment: String,
}

/// The body of `PUT /claimprocs/InsAdjust` but the patient plan: benefit-year totals (never
/// deltas) and the date that picks the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InsAdjustTotals {
    /// `insUsed`, when the carrier gave it.
    #[serde(serialize_with = "money_or_none")]
    pub ins_used: Option<Decimal>,
    /// `deductibleUsed`, when the carrier gave it.
    #[serde(serialize_with = "money_or_none")]
    pub deductible_used: Option<Decimal>,
    /// `date`: the as-of date, inside the benefit year.
    pub date: NaiveDate,
}

/// What setting "used" from a carrier's 271 would change, before any write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UsedChange {
    /// What Open Dental shows now (pending among it, shown beside, never netted).
    pub office: OfficeFigures,
    /// The insurance used total the carrier's figures give, if any.
    pub ins_used: Option<ProposedTotal>,
    /// The deductible used total the carrier's figures give, if any.
    pub deductible_used: Option<ProposedTotal>,
    /// What would be sent: `None` when Open Dental already shows every total (no write). Both
    /// totals the carrier gave are sent together, even if one is unchanged.
    pub send: Option<InsAdjustTotals>,
    /// Every figure line not used, and why, in segment order.
    pub skipped: Vec<SkippedLine>,
    /// The office's amounts that differ from the carrier's.
    pub findings: Vec<PlanAmountDiffers>,
}

impl UsedChange {
    /// Whether a write is needed.
    pub fn needs_write(&self) -> bool {
        self.send.is_some()
    }

    /// What Open Dental would show once the totals are in, if the server nets exactly what
    /// its display counts (spec §5, inferred): used = `insUsed`, deductible used =
    /// `deductibleUsed`, pending unchanged.
    pub fn office_after(&self) -> OfficeFigures {
        let mut after = self.office.clone();
        if let Some(p) = &self.ins_used {
            after.used = p.total;
        }
        if let Some(p) = &self.deductible_used {
            after.deductible_used = p.total;
        }
        after
    }
}

/// The change that sets Open Dental's insurance used and deductible used from a carrier's
/// figures (spec §4.1, second table): F IND 29 → `insUsed` = annual max − remaining (no
/// maximum: `no_open_dental_amount`; negative: `remaining_exceeds_open_dental_amount`);
/// F IND 24 → `insUsed` = the amount; C IND 29 and 24 alike for `deductibleUsed`. Lines for
/// one figure giving different totals skip that figure (`conflicting_figures`). A stated
/// maximum or deductible for the year (EB06 22/23, IND) that differs from the office's is a
/// finding. The date sent is `office.as_of`.
///
/// ```
/// use benefits_sdk::opendental::eligibility::{
///     carrier_figures, read_271, used_change, EligibilityLookups, FigureOptions, OfficeFigures,
///     ReadOptions,
/// };
/// use benefits_sdk::opendental::{CovCat, CovCatNum, EbenefitCategory};
///
/// let cats: Vec<CovCat> = EbenefitCategory::KNOWN
///     .iter()
///     .skip(1) // None
///     .enumerate()
///     .map(|(i, c)| CovCat::new(CovCatNum::new(i as u64 + 1), c.as_str(), c.clone()))
///     .collect();
/// let lookups = EligibilityLookups::new(&cats, []).unwrap();
/// let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              \
///            *251104*0932*^*00501*000004711*0*P*:~";
/// let message = format!("{isa}GS*HB~ST*271~HL*3*2*22*0~EB*F*IND*35***29*1125.50~SE~GE~");
/// let read = read_271(&lookups, message, ReadOptions::new()).unwrap();
/// let figures = carrier_figures(&read, FigureOptions::new());
///
/// let day = |d: &str| d.parse().unwrap();
/// let mut office = OfficeFigures::new(day("2026-01-01"), day("2027-01-01"), day("2026-03-15"));
/// office.annual_max = Some("1500".parse().unwrap());
/// let change = used_change(&figures, &office).unwrap();
/// assert_eq!(
///     change.to_string(),
///     "Open Dental shows $0 used of $1,500; the carrier says $1,125.50 remains; \
///      set insurance used to $374.50 for the benefit year starting 2026-01-01"
/// );
/// assert_eq!(change.send.unwrap().ins_used, Some("374.50".parse().unwrap()));
/// ```
///
/// # Errors
/// [`AsOfOutsideYear`] when `office.as_of` is not in `[year_start, year_end)`.
pub fn used_change(
    carrier: &CarrierFigures,
    office: &OfficeFigures,
) -> Result<UsedChange, AsOfOutsideYear> {
    if !(office.year_start <= office.as_of && office.as_of < office.year_end) {
        return Err(AsOfOutsideYear {
            as_of: office.as_of,
            year_start: office.year_start,
            year_end: office.year_end,
        });
    }
    let mut skipped = Vec::new();
    for line in &carrier.lines {
        if let LineVerdict::Skipped { reason } = line.verdict {
            skipped.push(skipped_line(line, reason));
        }
    }
    let ins_used = total(carrier, AmountOf::Maximum, office.annual_max, &mut skipped);
    let deductible_used = total(
        carrier,
        AmountOf::Deductible,
        office.deductible,
        &mut skipped,
    );
    skipped.sort_by_key(|s| s.ordinal);
    let changes =
        |p: &Option<ProposedTotal>, now: Decimal| p.as_ref().is_some_and(|p| p.total != now);
    let send = (changes(&ins_used, office.used)
        || changes(&deductible_used, office.deductible_used))
    .then(|| InsAdjustTotals {
        ins_used: ins_used.as_ref().map(|p| p.total),
        deductible_used: deductible_used.as_ref().map(|p| p.total),
        date: office.as_of,
    });
    Ok(UsedChange {
        office: office.clone(),
        ins_used,
        deductible_used,
        send,
        skipped,
        findings: findings(carrier, office),
    })
}

fn skipped_line(line: &FigureLine, reason: UsedSkip) -> SkippedLine {
    SkippedLine {
        ordinal: line.ordinal,
        loop_id: line.loop_id,
        segment: line.segment.clone(),
        reason,
    }
}

/// The total for one amount from its accepted lines, or `None` (with the lines skipped).
fn total(
    carrier: &CarrierFigures,
    of: AmountOf,
    office_amount: Option<Decimal>,
    skipped: &mut Vec<SkippedLine>,
) -> Option<ProposedTotal> {
    let mut found: Vec<(Decimal, &FigureLine)> = Vec::new();
    for line in &carrier.lines {
        let LineVerdict::Figure { figure, amount } = line.verdict else {
            continue;
        };
        if figure.amount_of() != of {
            continue;
        }
        // The total each line implies, below zero included: lines that contradict each other
        // conflict before any is judged against the office's amount.
        let total = match (figure.is_remaining(), office_amount) {
            (false, _) => Ok(amount),
            (true, None) => Err(UsedSkip::NoOpenDentalAmount),
            (true, Some(office)) => office
                .checked_sub(amount)
                .ok_or(UsedSkip::RemainingExceedsOpenDentalAmount),
        };
        match total {
            Ok(total) => found.push((total, line)),
            Err(reason) => skipped.push(skipped_line(line, reason)),
        }
    }
    let first = found.first()?.0;
    let reason = match found.iter().any(|(t, _)| *t != first) {
        true => Some(UsedSkip::ConflictingFigures),
        false => (first < Decimal::ZERO).then_some(UsedSkip::RemainingExceedsOpenDentalAmount),
    };
    if let Some(reason) = reason {
        for (_, line) in found {
            skipped.push(skipped_line(line, reason));
        }
        return None;
    }
    Some(ProposedTotal {
        total: first,
        lines: found.into_iter().map(|(_, l)| l.clone()).collect(),
    })
}

/// The carrier's stated individual maximum and deductible for the year (EB06 22/23) that the
/// office's differ from.
fn findings(carrier: &CarrierFigures, office: &OfficeFigures) -> Vec<PlanAmountDiffers> {
    carrier
        .stated
        .iter()
        .filter(|s| s.level == StatedLevel::Individual)
        .filter(|s| {
            matches!(
                s.period,
                StatedPeriod::ServiceYear | StatedPeriod::CalendarYear
            )
        })
        .filter_map(|s| {
            let ours = match s.of {
                AmountOf::Maximum => office.annual_max,
                AmountOf::Deductible => office.deductible,
            };
            (ours != Some(s.amount)).then(|| PlanAmountDiffers {
                of: s.of,
                office: ours,
                carrier: s.amount,
                ordinal: s.ordinal,
                segment: s.segment.clone(),
            })
        })
        .collect()
}

impl fmt::Display for UsedChange {
    /// One sentence, no member data: "Open Dental shows $374.50 used of $1,500; the carrier
    /// says $1,125.50 remains; set insurance used to $374.50 for the benefit year starting
    /// 2026-01-01".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.office;
        let mut parts = Vec::new();
        let sets = [
            (
                &self.ins_used,
                "",
                "insurance used",
                o.used,
                o.annual_max,
                "annual maximum",
            ),
            (
                &self.deductible_used,
                "deductible: ",
                "deductible used",
                o.deductible_used,
                o.deductible,
                "deductible",
            ),
        ];
        for (proposed, label, name, now, of, amount) in sets {
            let Some(p) = proposed else { continue };
            let of = of.map_or(format!(" (no {amount})"), |m| format!(" of {}", Money(m)));
            parts.push(format!("{label}Open Dental shows {} used{of}", Money(now)));
            parts.push(says(&p.lines[0]));
            parts.push(match p.total == now {
                true => format!("{name} stays {}", Money(p.total)),
                false => format!("set {name} to {}", Money(p.total)),
            });
        }
        if parts.is_empty() {
            parts.push("the carrier gives no figure Open Dental can set".to_owned());
        }
        let mut aside = Vec::new();
        if !o.pending.is_zero() {
            aside.push(format!("{} pending, not netted", Money(o.pending)));
        }
        if !self.skipped.is_empty() {
            aside.push(format!("{} line(s) skipped", self.skipped.len()));
        }
        if !self.findings.is_empty() {
            aside.push(format!(
                "{} plan amount(s) differ from the carrier's",
                self.findings.len()
            ));
        }
        let write = match self.needs_write() {
            true => "",
            false => "; nothing to write",
        };
        write!(
            f,
            "{}{write} for the benefit year starting {}",
            parts.join("; "),
            o.year_start
        )?;
        match aside.is_empty() {
            true => Ok(()),
            false => write!(f, " ({})", aside.join("; ")),
        }
    }
}

/// "the carrier says $1,125.50 remains" or "… $374.50 used".
fn says(line: &FigureLine) -> String {
    match line.verdict {
        LineVerdict::Figure { figure, amount } if figure.is_remaining() => {
            format!("the carrier says {} remains", Money(amount))
        }
        LineVerdict::Figure { amount, .. } => format!("the carrier says {} used", Money(amount)),
        LineVerdict::Skipped { .. } => String::new(),
    }
}

/// An amount for people: `$1,500`, `$1,125.50`, `-$5`.
struct Money(Decimal);

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0.is_sign_negative() && !self.0.is_zero() {
            "-"
        } else {
            ""
        };
        let mut abs = self.0.abs().normalize();
        if abs.scale() == 1 {
            abs.rescale(2);
        }
        let text = abs.to_string();
        let (whole, fraction) = text
            .split_once('.')
            .map_or((&*text, None), |(w, d)| (w, Some(d)));
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        match fraction {
            Some(d) => write!(f, "{sign}${grouped}.{d}"),
            None => write!(f, "{sign}${grouped}"),
        }
    }
}

fn money<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn money_or_none<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_people_write_it() {
        let cases = [
            (Decimal::new(150000, 2), "$1,500"),
            (Decimal::new(112550, 2), "$1,125.50"),
            (Decimal::new(3745, 1), "$374.50"),
            (Decimal::ZERO, "$0"),
            (Decimal::new(-5, 0), "-$5"),
            (Decimal::new(1234567891, 3), "$1,234,567.891"),
            (Decimal::new(100, 0), "$100"),
        ];
        for (amount, text) in cases {
            assert_eq!(Money(amount).to_string(), text);
        }
    }
}
