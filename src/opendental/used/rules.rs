//! Open Dental's rules for used, pending, remaining and the deductible, ported from its C#
//! (`OpenDental/opendental`, branch 24_3, the logic unchanged since 21.1 except where said).
//! Each function names the method it follows. Money is decimal where Open Dental sums
//! doubles and prints two decimals.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{BenefitWindow, CountedRow, Counts, Exclusion, FromRow, PlanUsed};
use crate::opendental::model::benefit::{
    Benefit, BenefitType, CodeNum, CovCatNum, CoverageLevel, PatPlanNum, PlanNum,
    QuantityQualifier, TimePeriod,
};
use crate::opendental::model::etrans::{InsSubNum, PatNum};
use crate::opendental::model::insurance::{
    ClaimProc, ClaimProcStatus, CovSpan, ProcNum, ProcedureLog,
};
use crate::opendental::model::lookups::{CovCat, EbenefitCategory};

/// What one patient plan's figures are computed from.
pub(crate) struct PlanRows<'a> {
    pub(crate) patient: PatNum,
    pub(crate) pat_plan: PatPlanNum,
    pub(crate) ins_sub: InsSubNum,
    pub(crate) plan: PlanNum,
    pub(crate) ordinal: u8,
    pub(crate) month_renew: u8,
    pub(crate) as_of: NaiveDate,
    /// The plan's benefits and the patient plan's.
    pub(crate) benefits: &'a [Benefit],
    pub(crate) cov_cats: &'a [CovCat],
    pub(crate) cov_spans: &'a [CovSpan],
    /// The patient's claim procedures, and the family's when `family_rows_read`.
    pub(crate) claim_procs: &'a [ClaimProc],
    /// The patient's procedures (only needed when a limitation could exclude a code).
    pub(crate) procedures: &'a [ProcedureLog],
    pub(crate) family_rows_read: bool,
}

/// `BenefitLogic.ComputeRenewDate(asOf, monthRenew)`: January 1st of the as-of year for
/// MonthRenew 0; else the 1st of MonthRenew in the as-of year when it is not after the as-of
/// month, else in the year before. The window is a year from there. A MonthRenew above 12
/// (Open Dental would throw) is read as the calendar year.
pub(crate) fn benefit_window(as_of: NaiveDate, month_renew: u8) -> BenefitWindow {
    let month = u32::from(month_renew);
    let start = match month {
        1..=12 if month <= as_of.month() => first_of(as_of.year(), month),
        1..=12 => first_of(as_of.year() - 1, month),
        _ => first_of(as_of.year(), 1),
    };
    let end = first_of(start.year() + 1, start.month());
    BenefitWindow { start, end }
}

fn first_of(year: i32, month: u32) -> NaiveDate {
    // Day 1 of a month 1–12 exists in every year chrono holds.
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

/// True when Open Dental treats a benefit's category as general: no category, or one whose
/// EbenefitCat is General or None. A category the office does not list reads as None, as
/// `CovCats.GetEbenCat` gives the default for a key it lacks [inferred].
fn general_category(cov_cat: Option<CovCatNum>, cats: &[CovCat]) -> bool {
    let Some(num) = cov_cat else { return true };
    match cats.iter().find(|c| c.cov_cat_num == num) {
        Some(c) => matches!(
            c.ebenefit_cat,
            EbenefitCategory::General | EbenefitCategory::None
        ),
        None => true,
    }
}

fn per_year(period: &TimePeriod) -> bool {
    matches!(period, TimePeriod::CalendarYear | TimePeriod::ServiceYear)
}

/// `Benefits.GetAnnualMaxDisplay(…, isFam)`: among Limitations with QuantityQualifier None,
/// TimePeriod CalendarYear or ServiceYear, CoverageLevel exactly Individual (Family), no code,
/// and no category or a General/None one, the rows with no category first, then the lowest
/// MonetaryAmt. An empty amount (-1) sorts lowest and blanks the max. Quantity, CodeGroupNum
/// and Percent are not checked.
pub(crate) fn annual_max(benefits: &[Benefit], cats: &[CovCat], family: bool) -> Option<FromRow> {
    let level = if family {
        CoverageLevel::Family
    } else {
        CoverageLevel::Individual
    };
    let chosen = benefits
        .iter()
        .filter(|b| b.benefit_type == BenefitType::Limitations)
        .filter(|b| b.quantity_qualifier == QuantityQualifier::None)
        .filter(|b| per_year(&b.time_period) && b.coverage_level == level)
        .filter(|b| b.code_num.is_none() && general_category(b.cov_cat_num, cats))
        .min_by_key(|b| {
            (
                b.cov_cat_num.is_some(),
                b.monetary_amt.unwrap_or(Decimal::NEGATIVE_ONE),
            )
        })?;
    chosen.monetary_amt.map(|amount| FromRow {
        amount,
        benefit: chosen.benefit_num,
    })
}

/// `Benefits.GetDeductGeneralDisplay`: among Deductibles with QuantityQualifier None,
/// TimePeriod CalendarYear or ServiceYear, CoverageLevel exactly Individual (Family), no code,
/// no code group (the 24.3 test; the field exists with `od-23-2`), no category or a
/// General/None one: the highest MonetaryAmt (21.2 on); none, or only empty amounts, is blank.
pub(crate) fn general_deductible(
    benefits: &[Benefit],
    cats: &[CovCat],
    family: bool,
) -> Option<FromRow> {
    let level = if family {
        CoverageLevel::Family
    } else {
        CoverageLevel::Individual
    };
    benefits
        .iter()
        .filter(|b| b.benefit_type == BenefitType::Deductible)
        .filter(|b| b.quantity_qualifier == QuantityQualifier::None)
        .filter(|b| per_year(&b.time_period) && b.coverage_level == level)
        .filter(|b| b.code_num.is_none() && no_code_group(b))
        .filter(|b| general_category(b.cov_cat_num, cats))
        .filter_map(|b| b.monetary_amt.map(|amount| (amount, b.benefit_num)))
        // The first of equal amounts, as a stable sort by amount descending keeps it.
        .fold(
            None,
            |best: Option<FromRow>, (amount, benefit)| match best {
                Some(b) if b.amount >= amount => Some(b),
                _ => Some(FromRow { amount, benefit }),
            },
        )
}

#[cfg(feature = "od-23-2")]
fn no_code_group(b: &Benefit) -> bool {
    b.code_group_num.is_none()
}

#[cfg(not(feature = "od-23-2"))]
fn no_code_group(_: &Benefit) -> bool {
    true
}

/// `Benefits.LimitationExistsNotGeneral` with `CovSpans.IsCodeInSpans`: a procedure's code is
/// left out of used and pending when a Limitations row with QuantityQualifier None and
/// TimePeriod CalendarYear, ServiceYear or Lifetime names the code itself, or names a category
/// that is neither General nor None and one of that category's spans holds the code
/// (`FromCode ≤ code ≤ ToCode`; .NET compares culture-aware, which orders D-codes as an
/// ordinal comparison does). CoverageLevel, MonetaryAmt and Quantity are not checked. A row
/// with no procedure (an adjustment) is never left out.
pub(crate) fn exclusion(
    benefits: &[Benefit],
    cats: &[CovCat],
    spans: &[CovSpan],
    code: Option<(CodeNum, &str)>,
) -> Option<Exclusion> {
    let (code_num, text) = code?;
    benefits.iter().filter(|b| could_exclude(b)).find_map(|b| {
        if b.code_num == Some(code_num) {
            return Some(Exclusion::CodeLimitation {
                benefit: b.benefit_num,
            });
        }
        let cat = b
            .cov_cat_num
            .filter(|c| !general_category(Some(*c), cats))?;
        spans
            .iter()
            .filter(|s| s.cov_cat_num == cat)
            .find(|s| s.from_code.as_str() <= text && text <= s.to_code.as_str())
            .map(|s| Exclusion::CategoryLimitation {
                benefit: b.benefit_num,
                cov_cat: cat,
                span: s.cov_span_num,
            })
    })
}

/// A benefit that may leave a code out of used (the first tests of
/// `Benefits.LimitationExistsNotGeneral`), with a code or a category to do it by.
pub(crate) fn could_exclude(b: &Benefit) -> bool {
    b.benefit_type == BenefitType::Limitations
        && b.quantity_qualifier == QuantityQualifier::None
        && matches!(
            b.time_period,
            TimePeriod::CalendarYear | TimePeriod::ServiceYear | TimePeriod::Lifetime
        )
        && (b.code_num.is_some() || b.cov_cat_num.is_some())
}

/// `ClaimProcs.GetHistList`: reads the family's rows on the subscription when any benefit of
/// the plan or patient plan has CoverageLevel Family, whatever its type.
pub(crate) fn needs_family(benefits: &[Benefit]) -> bool {
    benefits
        .iter()
        .any(|b| b.coverage_level == CoverageLevel::Family)
}

/// `ClaimProcs.GetHistList`: the history statuses (never Preauth, Estimate or capitation).
fn history_status(status: &ClaimProcStatus) -> bool {
    matches!(
        status,
        ClaimProcStatus::NotReceived
            | ClaimProcStatus::Received
            | ClaimProcStatus::Adjustment
            | ClaimProcStatus::Supplemental
            | ClaimProcStatus::InsHist
    )
}

/// One patient plan's figures (`InsPlans.GetInsUsedDisplay`, `InsPlans.GetPendingDisplay`,
/// the two `GetAnnualMaxDisplay` and `GetDeductGeneralDisplay` calls and
/// `InsPlans.GetDedRemainDisplay`, as `ControlAccount.FillSummary` puts them together).
pub(crate) fn plan_used(input: &PlanRows<'_>) -> PlanUsed {
    let window = benefit_window(input.as_of, input.month_renew);
    let rows = history_rows(input, window);
    let sum = |counts: Counts| -> Decimal {
        rows.iter()
            .filter(|r| r.counts == counts)
            .map(|r| r.amount)
            .sum()
    };
    let used = sum(Counts::Used);
    let pending = sum(Counts::Pending);
    let ind_max = annual_max(input.benefits, input.cov_cats, false);
    let family_max = annual_max(input.benefits, input.cov_cats, true);
    let deductible = general_deductible(input.benefits, input.cov_cats, false);
    let family_deductible = general_deductible(input.benefits, input.cov_cats, true);
    let deductible_used: Decimal = rows
        .iter()
        .filter(|r| r.pat_num == input.patient)
        .map(|r| r.deductible)
        .sum();
    let family_deductible_used: Decimal = rows.iter().map(|r| r.deductible).sum();
    let ded = DeductibleFigures::new(
        deductible,
        family_deductible,
        deductible_used,
        family_deductible_used,
    );
    PlanUsed {
        pat_plan: input.pat_plan,
        ins_sub: input.ins_sub,
        plan: input.plan,
        ordinal: input.ordinal,
        month_renew: input.month_renew,
        window,
        annual_max: ind_max,
        family_max,
        used,
        pending,
        remaining: remaining(ind_max, used, pending),
        deductible,
        family_deductible,
        deductible_used,
        family_deductible_used,
        deductible_remaining: ded.individual,
        family_deductible_remaining: ded.family,
        deductible_remaining_shown: ded.shown,
        family_rows_read: input.family_rows_read,
        rows,
    }
}

/// `InsPlans.GetInsRem` as the display uses it: blank with no individual max, else
/// `max(0, max − used − pending)`. The family max takes no part.
pub(crate) fn remaining(
    annual_max: Option<FromRow>,
    used: Decimal,
    pending: Decimal,
) -> Option<Decimal> {
    annual_max.map(|m| (m.amount - used - pending).max(Decimal::ZERO))
}

/// The deductible remaining, three ways.
struct DeductibleFigures {
    individual: Option<Decimal>,
    family: Option<Decimal>,
    shown: Option<Decimal>,
}

impl DeductibleFigures {
    /// `InsPlans.GetDedRemainDisplay`: IndRem = IndDed − the patient's deductible applied,
    /// FamRem = FamDed − every row's; shown only with an individual deductible, as
    /// `max(0, min(IndRem, FamRem))` when there is a family one, else `max(0, IndRem)`.
    fn new(
        ind: Option<FromRow>,
        fam: Option<FromRow>,
        ind_used: Decimal,
        fam_used: Decimal,
    ) -> Self {
        let ind_rem = ind.map(|d| d.amount - ind_used);
        let fam_rem = fam.map(|d| d.amount - fam_used);
        let shown = match (ind_rem, fam_rem) {
            (Some(i), Some(f)) => Some(i.min(f).max(Decimal::ZERO)),
            (Some(i), None) => Some(i.max(Decimal::ZERO)),
            (None, _) => None,
        };
        DeductibleFigures {
            individual: ind_rem.map(|r| r.max(Decimal::ZERO)),
            family: fam_rem.map(|r| r.max(Decimal::ZERO)),
            shown,
        }
    }
}

/// `ClaimProcs.GetHistList` and what each row counts for: the subscription's rows of the
/// history statuses dated in the window (the patient's, and the family's when read), each with
/// Amount = InsPayEst when NotReceived else InsPayAmt, and the code of its procedure
/// (`ProcNum` → the procedure's CodeNum; `CodeSent` is not used).
fn history_rows(input: &PlanRows<'_>, window: BenefitWindow) -> Vec<CountedRow> {
    let codes: HashMap<ProcNum, &ProcedureLog> =
        input.procedures.iter().map(|p| (p.proc_num, p)).collect();
    let mut rows: Vec<CountedRow> = input
        .claim_procs
        .iter()
        .filter(|c| c.ins_sub_num == Some(input.ins_sub) && history_status(&c.status))
        .filter(|c| input.family_rows_read || c.pat_num == input.patient)
        .filter_map(|c| c.proc_date.filter(|d| window.contains(*d)).map(|d| (c, d)))
        .map(|(c, proc_date)| {
            let procedure = c.proc_num.and_then(|p| codes.get(&p));
            let code = procedure.and_then(|p| p.code_num.map(|n| (n, p.proc_code.as_str())));
            let amount = match c.status {
                ClaimProcStatus::NotReceived => c.ins_pay_est,
                _ => c.ins_pay_amt,
            };
            CountedRow {
                claim_proc: c.claim_proc_num,
                pat_num: c.pat_num,
                status: c.status.clone(),
                proc_date,
                amount,
                deductible: c.ded_applied,
                proc_code: procedure
                    .map(|p| p.proc_code.clone())
                    .filter(|t| !t.is_empty()),
                counts: counts(input, c, code),
            }
        })
        .collect();
    rows.sort_by_key(|r| r.claim_proc);
    rows
}

/// `InsPlans.GetInsUsedDisplay` / `GetPendingDisplay`: what one history row counts for.
fn counts(input: &PlanRows<'_>, row: &ClaimProc, code: Option<(CodeNum, &str)>) -> Counts {
    if row.pat_num != input.patient {
        return Counts::FamilyDeductibleOnly;
    }
    let pending = match row.status {
        ClaimProcStatus::NotReceived => true,
        ClaimProcStatus::InsHist => return Counts::DeductibleOnly,
        _ => false,
    };
    match exclusion(input.benefits, input.cov_cats, input.cov_spans, code) {
        Some(reason) => Counts::Excluded {
            reason,
            was_pending: pending,
        },
        None if pending => Counts::Pending,
        None => Counts::Used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_window_is_computed_as_compute_renew_date_does() {
        // Spec §2.1's examples (MonthRenew 7), the calendar year, the edges of a year.
        let table = [
            ("2025-06-15", 7, "2024-07-01", "2025-07-01"),
            ("2025-07-01", 7, "2025-07-01", "2026-07-01"),
            ("2025-06-15", 0, "2025-01-01", "2026-01-01"),
            ("2025-01-01", 1, "2025-01-01", "2026-01-01"),
            ("2025-11-30", 12, "2024-12-01", "2025-12-01"),
            ("2025-12-01", 12, "2025-12-01", "2026-12-01"),
            ("2024-02-29", 3, "2023-03-01", "2024-03-01"),
            ("2025-06-15", 13, "2025-01-01", "2026-01-01"),
        ];
        for (as_of, renew, start, end) in table {
            let w = benefit_window(day(as_of), renew);
            assert_eq!((w.start, w.end), (day(start), day(end)), "{as_of} {renew}");
            assert!(w.contains(day(start)) && !w.contains(day(end)));
        }
    }

    #[test]
    fn remaining_and_the_deductible_never_go_below_zero() {
        let max = Some(FromRow {
            amount: Decimal::from(100),
            benefit: crate::opendental::BenefitNum::new(1),
        });
        assert_eq!(
            remaining(max, Decimal::from(80), Decimal::from(50)),
            Some(Decimal::ZERO)
        );
        assert_eq!(remaining(None, Decimal::ZERO, Decimal::ZERO), None);
        let ded = |n: i64| {
            Some(FromRow {
                amount: Decimal::from(n),
                benefit: crate::opendental::BenefitNum::new(1),
            })
        };
        // IndRem 40, FamRem 10: Open Dental shows 10.
        let d = DeductibleFigures::new(ded(50), ded(150), Decimal::from(10), Decimal::from(140));
        assert_eq!(
            (d.individual, d.family, d.shown),
            (Some(40.into()), Some(10.into()), Some(10.into()))
        );
        // FamRem below zero: shown 0.
        let d = DeductibleFigures::new(ded(50), ded(100), Decimal::from(10), Decimal::from(140));
        assert_eq!(
            (d.family, d.shown),
            (Some(Decimal::ZERO), Some(Decimal::ZERO))
        );
        // No individual deductible: nothing shown, the family figure kept for the report.
        let d = DeductibleFigures::new(None, ded(100), Decimal::ZERO, Decimal::from(30));
        assert_eq!(
            (d.individual, d.family, d.shown),
            (None, Some(70.into()), None)
        );
    }
}
