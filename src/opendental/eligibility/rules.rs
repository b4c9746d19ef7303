//! The drop rules, in Open Dental's order (`EB271.cs`; spec §5): the first rule an EB breaks
//! names why it gives no row. What passes is a [`Draft`]: the EB's codes looked up.

use rust_decimal::Decimal;

use super::codes::{self, Lookup, ServiceType};
use super::items::Item;
use super::{DropReason, EligibilityLookups, Network, ReadOptions, RuleSet};
use crate::opendental::model::benefit::{
    BenefitType, CodeNum, CoverageLevel, QuantityQualifier, TimePeriod,
};
use crate::x12::{self, Delimiters, Segment};

/// What the reader knows besides the EB: the office, the delimiters, the options.
pub(super) struct Context<'a> {
    pub(super) office: &'a EligibilityLookups,
    pub(super) delimiters: Delimiters,
    pub(super) options: ReadOptions,
}

impl Context<'_> {
    pub(super) fn faithful(&self) -> bool {
        self.options.rules == RuleSet::Faithful
    }
}

/// An EB that passed every rule, its codes looked up. `None` is "not given" (or a code Open
/// Dental does not list, which it reads as not given).
pub(super) struct Draft<'m> {
    pub(super) benefit_type: BenefitType,
    pub(super) level: Option<CoverageLevel>,
    pub(super) service: Option<ServiceType>,
    pub(super) period: Option<TimePeriod>,
    /// EB07.
    pub(super) amount: Option<Decimal>,
    /// EB08, a fraction, as sent.
    pub(super) fraction: Option<&'m str>,
    pub(super) qualifier: Option<QuantityQualifier>,
    /// EB10, truncated (at most 255 once the rules pass).
    pub(super) quantity: Option<u8>,
    /// EB13-2, when the office has that code.
    pub(super) code: Option<(&'m str, CodeNum)>,
    pub(super) hsd: Option<Hsd<'m>>,
    /// The 271 calls this a waiting period: EB03 32, or a MSG of its loop saying so.
    pub(super) waiting_said: bool,
}

/// The HSD right after an EB, as far as it is read.
pub(super) struct Hsd<'m> {
    /// HSD02, truncated.
    pub(super) count: u8,
    /// HSD02 as sent.
    pub(super) count_text: &'m str,
    /// HSD05, a period code of EB06's list.
    pub(super) period: &'m str,
    /// HSD06, the number of periods, as number text ("" when not given).
    pub(super) periods: &'m str,
}

/// The number an element holds, read as Open Dental reads it (`PIn.Double`: .NET on an en-US
/// office; what it cannot read is 0). Under `Faithful` only X12 numbers get this far.
pub(super) fn number(text: &str) -> f64 {
    x12::dotnet_number(text)
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// A number as an exact decimal, read as [`number`] reads it (not a number, or beyond a
/// decimal's range: 0).
pub(super) fn decimal(text: &str) -> Option<Decimal> {
    let text = x12::dotnet_number(text)?;
    match text.contains('e') {
        true => Decimal::from_scientific(&text).ok(),
        false => text.parse().ok(),
    }
}

/// A count as Open Dental keeps one: truncated, negatives as 0, at most 255 (callers drop
/// larger ones first).
fn count(text: &str) -> u8 {
    number(text).trunc().clamp(0.0, 255.0) as u8
}

fn given(text: &str) -> Option<&str> {
    Some(text).filter(|t| !t.is_empty())
}

/// The rules of §5 on one EB, with `eb03` as its service type (the whole element, or one
/// repetition of it under `Faithful`).
pub(super) fn evaluate<'m>(
    item: &Item<'m>,
    eb03: &'m str,
    cx: &Context<'_>,
) -> Result<Draft<'m>, DropReason> {
    let eb: [&str; 14] = item.eb.elements();
    let mut draft = looked_up(&eb, item.hsd, eb03, cx)?;
    draft.waiting_said |= item.says_waiting;
    checks(&eb, eb03, &draft, cx)?;
    Ok(draft)
}

/// Rules 1 and 2: each code looked up; the first listed but unsupported one drops the EB.
fn looked_up<'m>(
    eb: &[&'m str; 14],
    hsd: Option<&'m Segment<'m>>,
    eb03: &'m str,
    cx: &Context<'_>,
) -> Result<Draft<'m>, DropReason> {
    use DropReason::*;
    let benefit_type = match codes::benefit_type(eb[1]) {
        Lookup::Supported(t) => t,
        Lookup::Unsupported => return Err(UnsupportedEb01),
        Lookup::Unlisted => return Err(UnknownEb01),
    };
    let level = supported(codes::coverage_level(eb[2]), UnsupportedCoverageLevel)?;
    let qualifier = codes::quantity_qualifier(eb[9]);
    let plan_waiting = cx.faithful()
        && eb03 == "32"
        && benefit_type == BenefitType::Limitations
        && matches!(
            qualifier,
            Lookup::Supported(QuantityQualifier::Months | QuantityQualifier::Years)
        );
    let service = if plan_waiting {
        Some(ServiceType::Plan)
    } else {
        match codes::service_type(eb03) {
            // `Faithful`: a code outside the dental table (MH, UC…) is about something else,
            // never the whole plan.
            Lookup::Unlisted if cx.faithful() && !eb03.is_empty() => {
                return Err(UnknownServiceType);
            }
            lookup => supported(lookup, UnsupportedServiceType)?,
        }
    };
    let period = supported(codes::time_period(eb[6]), UnsupportedTimePeriod)?;
    let qualifier = supported(qualifier, UnsupportedQuantityQualifier)?;
    let code = x12::component(eb[13], cx.delimiters, 2);
    Ok(Draft {
        benefit_type,
        level,
        service,
        period,
        amount: given(eb[7]).map(amount),
        fraction: given(eb[8]),
        qualifier,
        quantity: given(eb[10]).map(count),
        code: cx.office.code(code).map(|num| (code, num)),
        waiting_said: plan_waiting,
        hsd: hsd.map(|h| {
            let [_, _, count_text, _, _, period, periods] = h.elements();
            Hsd {
                count: count(count_text),
                count_text,
                period,
                periods,
            }
        }),
    })
}

fn supported<T>(lookup: Lookup<T>, reason: DropReason) -> Result<Option<T>, DropReason> {
    match lookup {
        Lookup::Supported(value) => Ok(Some(value)),
        Lookup::Unsupported => Err(reason),
        Lookup::Unlisted => Ok(None),
    }
}

/// An amount as a decimal; not a number reads as 0.
fn amount(text: &str) -> Decimal {
    decimal(text).unwrap_or_default()
}

/// `Faithful`: every number the row reads must be of the X12 `R` type, or the EB drops
/// (never a $0 maximum from `1,500`).
fn numbers_are_x12(eb: &[&str; 14], d: &Draft<'_>) -> Result<(), DropReason> {
    let hsd = d
        .hsd
        .as_ref()
        .map_or(["", ""], |h| [h.count_text, h.periods]);
    let all = [eb[7], eb[8], eb[10]].into_iter().chain(hsd);
    match all.filter(|t| !t.is_empty()).all(x12::is_real) {
        true => Ok(()),
        false => Err(DropReason::NumberNotX12),
    }
}

/// `Faithful`: an EB07 must be an amount a benefit can have: one a decimal holds (never $0
/// from `1E30`), and not below zero (Open Dental keeps -1 as "no amount").
fn amount_is_one(eb07: &str) -> Result<(), DropReason> {
    match given(eb07).map(decimal) {
        None => Ok(()),
        Some(None) => Err(DropReason::NumberOutOfRange),
        Some(Some(amount)) if amount.is_sign_negative() && !amount.is_zero() => {
            Err(DropReason::NegativeAmount)
        }
        Some(Some(_)) => Ok(()),
    }
}

/// Rules 3 to 13, in order.
fn checks(eb: &[&str; 14], eb03: &str, d: &Draft<'_>, cx: &Context<'_>) -> Result<(), DropReason> {
    use BenefitType as T;
    use DropReason::*;
    let active = d.benefit_type == T::ActiveCoverage;
    let limitation = d.benefit_type == T::Limitations;
    let (has_amount, has_quantity) = (!eb[7].is_empty(), !eb[10].is_empty());
    let kept_quantity = cx.faithful() && d.qualifier.is_some() && has_quantity;
    if cx.faithful() {
        numbers_are_x12(eb, d)?;
        amount_is_one(eb[7])?;
        // A code the office does not have would make the row plan-wide.
        let named = x12::component(eb[13], cx.delimiters, 2);
        if !named.is_empty() && d.code.is_none() {
            return Err(UnknownProcedureCode);
        }
    }
    if active && eb03 == "30" {
        return Err(ActiveCoverageGeneral);
    }
    if active && d.code.is_some() {
        return Err(ActiveCoverageCode);
    }
    let no_category = matches!(d.service, None | Some(ServiceType::Plan));
    if d.fraction.is_some() && d.code.is_none() && no_category {
        return Err(PercentWithoutCategory);
    }
    if matches!(d.benefit_type, T::CoPayment | T::CoInsurance) && has_amount {
        return Err(CopayOrCoinsuranceAmount);
    }
    if limitation && !has_amount && d.hsd.is_none() && !kept_quantity {
        return Err(LimitationWithoutAmount);
    }
    match (cx.options.network, eb[12]) {
        (Network::In, "N" | "U") => return Err(OutOfNetwork),
        (Network::Out, "Y") => return Err(InNetwork),
        _ => {}
    }
    if has_quantity && d.qualifier.is_none() {
        return Err(QuantityWithoutQualifier);
    }
    if d.qualifier.is_some() && !has_quantity {
        return Err(QualifierWithoutQuantity);
    }
    if number(eb[10]) > 255.0 {
        return Err(QuantityTooLarge);
    }
    hsd_checks(d)
}

/// Rules 12 and 13: an HSD's count, and the HSD of a code's limitation.
fn hsd_checks(d: &Draft<'_>) -> Result<(), DropReason> {
    let Some(hsd) = &d.hsd else { return Ok(()) };
    if number(hsd.count_text) > 255.0 {
        return Err(DropReason::HsdQuantityTooLarge);
    }
    if d.benefit_type == BenefitType::Limitations && d.code.is_some() {
        if hsd.period.is_empty() || hsd.count_text.is_empty() {
            return Err(DropReason::HsdIncomplete);
        }
        if codes::hsd_period(hsd.period).is_err() {
            return Err(DropReason::HsdUnknownTimePeriod);
        }
    }
    Ok(())
}
