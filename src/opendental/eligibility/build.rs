//! The rows each rule set builds from a [`Draft`] (spec §6, and the `Faithful` differences of
//! the module docs), the rows the Benefits API would refuse (§9), duplicates and owners (§8).

use rust_decimal::{Decimal, RoundingStrategy};

use super::codes::ServiceType;
use super::items::Item;
use super::rules::{self, Context, Draft, Hsd};
use super::{
    BenefitLoop, DropReason, DroppedSegment, Eligibility, EligibilityLookups, EligibilityRow,
    Finding, FindingKind, OwnerKind, ReadOptions,
};
use crate::opendental::meaning::shape::{BenefitShape, Frequency};
use crate::opendental::model::benefit::{
    BenefitType, CodeNum, CovCatNum, CoverageLevel, PlanNum, QuantityQualifier, TimePeriod,
};
use crate::opendental::model::lookups::EbenefitCategory;
use crate::opendental::model::request::{NewBenefit, Owner};
use crate::opendental::model::rules::{MAX_PERCENT, MAX_QUANTITY};
use crate::x12::{self, Delimiters};

/// A row as built, before the API's rules: Percent and Quantity as wide as Open Dental makes
/// them. `period: None` leaves TimePeriod to the plan's benefit year.
struct Built<'m> {
    benefit_type: BenefitType,
    level: CoverageLevel,
    category: Option<(EbenefitCategory, CovCatNum)>,
    period: Option<TimePeriod>,
    amount: Option<Decimal>,
    percent: Option<i64>,
    qualifier: QuantityQualifier,
    quantity: u8,
    code: Option<(&'m str, CodeNum)>,
}

/// Every item read under `options`: rows and drops, in the order of their segments.
pub(super) fn rows(
    office: &EligibilityLookups,
    items: &[Item<'_>],
    delimiters: Delimiters,
    options: ReadOptions,
) -> Eligibility {
    let cx = Context {
        office,
        delimiters,
        options,
    };
    let own_loop = own_loop(items, options);
    let mut out = Eligibility::default();
    let mut keys: Vec<OdKey<'_>> = Vec::new();
    for item in items {
        let drop = |out: &mut Eligibility, reason| {
            out.dropped.push(DroppedSegment {
                ordinal: item.eb.ordinal,
                loop_id: item.loop_id,
                reason,
                segment: item.eb.text.to_owned(),
            })
        };
        if item.after_first_transaction {
            drop(&mut out, DropReason::AfterFirstTransaction);
            continue;
        }
        if let Some(reason) = item.unread.filter(|_| !cx.faithful()) {
            drop(&mut out, reason);
            continue;
        }
        notice(item, &cx, &mut out);
        // An unknown loop (JSON) is judged by the JSON reader, before this.
        let known = item.loop_id != BenefitLoop::Unknown;
        if known && own_loop.is_some_and(|own| item.loop_id != own) && !family_for_plan(item) {
            drop(&mut out, DropReason::OtherPatientLoop);
            continue;
        }
        let repeated = service_types(item, &cx).nth(1).is_some();
        for eb03 in service_types(item, &cx) {
            let built = rules::evaluate(item, eb03, &cx).and_then(|d| {
                match d.benefit_type == BenefitType::ActiveCoverage && repeated {
                    true => Err(DropReason::ActiveCoverageRepeated),
                    false => build(d, &cx),
                }
            });
            let (first, second) = match built {
                Ok(rows) => rows,
                Err(reason) => {
                    drop(&mut out, reason);
                    continue;
                }
            };
            for row in std::iter::once(first).chain(second) {
                let kept = keep(row, &cx, &out, &mut keys);
                let row = |(owner, shape)| EligibilityRow {
                    ordinal: item.eb.ordinal,
                    loop_id: item.loop_id,
                    owner,
                    shape,
                };
                match kept {
                    Ok(Kept::New(found)) => out.rows.push(row(found)),
                    Ok(Kept::Replacing(at, found)) => {
                        let earlier = std::mem::replace(&mut out.rows[at], row(found));
                        let segment = item_text(items, earlier.ordinal);
                        out.dropped.push(DroppedSegment {
                            ordinal: earlier.ordinal,
                            loop_id: earlier.loop_id,
                            reason: DropReason::Duplicate,
                            segment,
                        });
                    }
                    Err(reason) => drop(&mut out, reason),
                }
            }
        }
    }
    // A replaced duplicate's drop is found late; the list stays in segment order.
    out.dropped.sort_by_key(|d| d.ordinal);
    out
}

/// The text of the EB at `ordinal`.
fn item_text(items: &[Item<'_>], ordinal: usize) -> String {
    items
        .iter()
        .find(|i| i.eb.ordinal == ordinal)
        .map(|i| i.eb.text.to_owned())
        .unwrap_or_default()
}

/// What is noticed on an EB that is read: an AAA in its loop, and (`OpenDental`) each number
/// that is not of the X12 `R` type, read the way .NET reads it or as 0.
fn notice(item: &Item<'_>, cx: &Context<'_>, out: &mut Eligibility) {
    let mut found = |kind, detail: &str| {
        out.findings.push(Finding {
            ordinal: item.eb.ordinal,
            loop_id: item.loop_id,
            kind,
            detail: detail.to_owned(),
            segment: item.eb.text.to_owned(),
        })
    };
    if !cx.faithful() {
        let eb: [&str; 11] = item.eb.elements();
        let hsd02 = item.hsd.map_or("", |h| h.element(2));
        for (name, text) in [
            ("EB07", eb[7]),
            ("EB08", eb[8]),
            ("EB10", eb[10]),
            ("HSD02", hsd02),
        ] {
            // An amount beyond what a decimal holds (1E30) is read as 0 too.
            let beyond = name == "EB07" && rules::decimal(text).is_none();
            if text.is_empty() || (x12::is_real(text) && !beyond) {
                continue;
            }
            match (x12::dotnet_number(text), beyond) {
                (Some(_), false) => found(FindingKind::NumberNotX12, name),
                _ => found(FindingKind::NumberReadAsZero, name),
            }
        }
    }
    if let Some(code) = &item.rejected {
        found(FindingKind::BenefitRejected, code);
    }
}

/// `Faithful`: the loop of the patient the request was about (a dependent's 2110D, or 2110C
/// when the message has none). `OpenDental` reads every loop.
fn own_loop(items: &[Item<'_>], options: ReadOptions) -> Option<BenefitLoop> {
    if options.rules != super::RuleSet::Faithful {
        return None;
    }
    // Only the transaction that is read decides: a later one's 2110D empties nothing.
    let has_dependent = items
        .iter()
        .any(|i| i.loop_id == BenefitLoop::Dependent && !i.after_first_transaction);
    Some(if options.dependent && has_dependent {
        BenefitLoop::Dependent
    } else {
        BenefitLoop::Subscriber
    })
}

/// `Faithful`, a dependent's request: a Family EB of the subscriber's loop (2110C) speaks for
/// the whole plan, so it is read (it becomes a plan row, as every Family row does).
fn family_for_plan(item: &Item<'_>) -> bool {
    item.loop_id == BenefitLoop::Subscriber
        && matches!(
            super::codes::coverage_level(item.eb.element(2)),
            super::codes::Lookup::Supported(CoverageLevel::Family)
        )
}

/// EB03 as one code (`OpenDental`), or each of its repetitions (`Faithful`). An element
/// never holds the element separator, so splitting on it yields the element whole.
fn service_types<'m>(item: &Item<'m>, cx: &Context<'_>) -> std::str::Split<'m, char> {
    let whole = cx.delimiters.element;
    let separator = match cx.faithful() {
        true => cx.delimiters.repetition.unwrap_or(whole),
        false => whole,
    };
    item.eb.element(3).split(char::from(separator))
}

/// The row an EB builds, and the second row `Faithful` adds for an age limit with an HSD.
type Rows<'m> = (Built<'m>, Option<Built<'m>>);

/// The rows a draft becomes (§6), or why it becomes none.
fn build<'m>(d: Draft<'m>, cx: &Context<'_>) -> Result<Rows<'m>, DropReason> {
    let faithful = cx.faithful();
    let category = d.service.as_ref().and_then(|s| match s {
        ServiceType::Plan if faithful => None,
        ServiceType::Plan => Some(EbenefitCategory::General),
        ServiceType::Category(c) => Some(c.clone()),
    });
    let mut row = Built {
        benefit_type: d.benefit_type.clone(),
        level: match d.fraction {
            Some(_) => CoverageLevel::None,
            None => d.level.clone().unwrap_or_default(),
        },
        category: category.and_then(|c| cx.office.category(&c).map(|num| (c, num))),
        period: Some(d.period.clone().unwrap_or_default()),
        amount: d.amount,
        percent: d.fraction.map(|f| percent(f, &d.benefit_type, cx)),
        qualifier: d.qualifier.clone().unwrap_or_default(),
        quantity: d.quantity.unwrap_or(0),
        code: d.code,
    };
    let code_hsd = (d.benefit_type == BenefitType::Limitations && d.code.is_some())
        .then_some(d.hsd.as_ref())
        .flatten();
    if !faithful {
        if let Some(hsd) = code_hsd {
            // Open Dental: HSD02 and HSD05 replace Quantity and TimePeriod; nothing else.
            row.quantity = hsd.count;
            row.period = Some(super::codes::hsd_period(hsd.period).unwrap_or_default());
        }
        return Ok((row, None));
    }
    faithful_rows(row, &d, code_hsd)
}

/// `Faithful`: waiting periods, coinsurance and waits over the plan's year, and an HSD as a
/// frequency.
fn faithful_rows<'m>(
    mut row: Built<'m>,
    d: &Draft<'m>,
    code_hsd: Option<&Hsd<'_>>,
) -> Result<Rows<'m>, DropReason> {
    let waiting = matches!(
        d.qualifier,
        Some(QuantityQualifier::Months | QuantityQualifier::Years)
    );
    // MN/YY with an HSD on a code and no waiting period said: the HSD's frequency alone.
    let mut frequency_only = false;
    if row.benefit_type == BenefitType::Limitations && waiting && d.amount.is_none() {
        match (d.waiting_said, code_hsd.is_some()) {
            (true, _) => row.benefit_type = BenefitType::WaitingPeriod,
            (false, true) => frequency_only = true,
            (false, false) => return Err(DropReason::WaitingPeriodNotStated),
        }
    }
    let by_plan_year = [BenefitType::CoInsurance, BenefitType::WaitingPeriod];
    // EB06 22 or 23 is the plan's benefit year, whichever letter the carrier used: Open
    // Dental's benefit logic counts both from the plan's MonthRenew
    // (`BenefitLogic.ComputeRenewDate`), and the API stores a row sent without TimePeriod in
    // the plan's own (CalendarYear, or ServiceYear when MonthRenew is above 0).
    // Not for a limitation counted in time (MN, YY, S7), which the office stores with
    // TimePeriod None when sent none: the letter is kept there.
    let counted_in_time = row.benefit_type == BenefitType::Limitations
        && matches!(
            row.qualifier,
            QuantityQualifier::Months | QuantityQualifier::Years | QuantityQualifier::AgeLimit
        );
    let a_year = !counted_in_time
        && matches!(
            d.period,
            Some(TimePeriod::ServiceYear | TimePeriod::CalendarYear)
        );
    if a_year || (by_plan_year.contains(&row.benefit_type) && d.period.is_none()) {
        row.period = None;
    }
    let limitation = row.benefit_type == BenefitType::Limitations;
    let bare = d.code.is_none() && d.amount.is_none() && d.qualifier.is_none();
    if limitation && d.hsd.is_some() && bare {
        return Err(DropReason::HsdWithoutCode);
    }
    let Some(hsd) = code_hsd else {
        return Ok((row, None));
    };
    let frequency = frequency(hsd).ok_or(DropReason::HsdUnsupportedFrequency)?;
    let (period, qualifier, quantity) = match frequency {
        Frequency::EveryYears(n) => (Some(TimePeriod::None), QuantityQualifier::Years, n),
        Frequency::EveryMonths(n) => (Some(TimePeriod::None), QuantityQualifier::Months, n),
        // HSD05 22 or 23: the plan's own benefit year, as for EB06 above.
        Frequency::PerBenefitYear(n, _) => (None, QuantityQualifier::NumberOfServices, n),
        Frequency::InLast12Months(n) => (
            Some(TimePeriod::NumberInLast12Months),
            QuantityQualifier::NumberOfServices,
            n,
        ),
    };
    let limit = Built {
        benefit_type: BenefitType::Limitations,
        level: CoverageLevel::None,
        category: None,
        period,
        amount: None,
        percent: None,
        qualifier,
        quantity,
        code: row.code,
    };
    Ok(match d.qualifier {
        Some(_) if !frequency_only => (row, Some(limit)),
        _ => (limit, None),
    })
}

/// An HSD as one of Open Dental's four frequency shapes, if it is one.
fn frequency(hsd: &Hsd<'_>) -> Option<Frequency> {
    let periods = match hsd.periods {
        "" => 1.0,
        text => rules::number(text).trunc(),
    };
    let periods = (1.0..=255.0).contains(&periods).then_some(periods as u8)?;
    let count = hsd.count;
    match hsd.period {
        _ if count == 0 => None,
        // Service or calendar year alike: the plan's own benefit year.
        "22" | "23" if periods == 1 => Some(Frequency::PerBenefitYear(count, None)),
        "21" if count == 1 => Some(Frequency::EveryYears(periods)),
        // n per 1 year: a rolling year, Open Dental's "n in the last 12 months".
        "21" if periods == 1 => Some(Frequency::InLast12Months(count)),
        "34" if count == 1 => Some(Frequency::EveryMonths(periods)),
        "34" if periods == 12 => Some(Frequency::InLast12Months(count)),
        _ => None,
    }
}

/// Percent from EB08 (§6): p = trunc(EB08 × 100), in binary floating point as Open Dental
/// computes it, or exactly under `Faithful`; inverted only for coinsurance from a carrier that
/// sends the insurance's share.
fn percent(fraction: &str, benefit_type: &BenefitType, cx: &Context<'_>) -> i64 {
    let p = if cx.faithful() {
        rules::decimal(fraction)
            .and_then(|f| f.checked_mul(Decimal::ONE_HUNDRED))
            .and_then(|p| i64::try_from(p.trunc()).ok())
            .unwrap_or(i64::MAX)
    } else {
        // `as` saturates, as the checks that follow need.
        (rules::number(fraction) * 100.0).trunc() as i64
    };
    let inverted = cx.options.coinsurance_inverted && *benefit_type == BenefitType::CoInsurance;
    if inverted {
        p
    } else {
        100i64.saturating_sub(p)
    }
}

/// Open Dental's duplicate key (`Benefit.ToString()`, §8.3); the owner is not part of it.
type OdKey<'m> = (
    BenefitType,
    CoverageLevel,
    Option<EbenefitCategory>,
    Option<TimePeriod>,
    Option<Decimal>,
    Option<i64>,
    QuantityQualifier,
    u8,
    Option<&'m str>,
);

fn od_key<'m>(row: &Built<'m>) -> OdKey<'m> {
    (
        row.benefit_type.clone(),
        row.level.clone(),
        row.category.as_ref().map(|(c, _)| c.clone()),
        row.period.clone(),
        // Currency text, as .NET rounds it: half away from zero.
        row.amount
            .map(|a| a.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)),
        row.percent,
        row.qualifier.clone(),
        row.quantity,
        row.code.map(|(code, _)| code),
    )
}

/// A row that is kept: a new one, or (`OpenDental`) one that takes the place of the earlier
/// row with its key, at that index of the rows.
enum Kept {
    New((OwnerKind, BenefitShape)),
    Replacing(usize, (OwnerKind, BenefitShape)),
}

/// The API's refusals (§9), the owner (§8.2), then duplicates (§8.3): the row's owner and
/// shape, or why it is left out. `Faithful` compares with the rows kept so far, the first
/// kept; Open Dental with its key of every row kept so far, in a dictionary: the *last* one
/// is kept, at the first one's place (`RemoveDuplicateBenefitsFrom271`).
fn keep<'m>(
    row: Built<'m>,
    cx: &Context<'_>,
    out: &Eligibility,
    keys: &mut Vec<OdKey<'m>>,
) -> Result<Kept, DropReason> {
    refused(&row)?;
    if cx.faithful() {
        never_read(&row)?;
    }
    let owner = match cx.options.dependent && row.level != CoverageLevel::Family {
        true => OwnerKind::PatPlan,
        false => OwnerKind::Plan,
    };
    if !cx.faithful() {
        let key = od_key(&row);
        let found = (owner, new_benefit(&row).shape());
        // One key per row kept, in the same order, so a key's index is its row's.
        return Ok(match keys.iter().position(|k| *k == key) {
            Some(at) => Kept::Replacing(at, found),
            None => {
                keys.push(key);
                Kept::New(found)
            }
        });
    }
    let shape = new_benefit(&row).shape();
    for kept in out.rows.iter().filter(|r| r.owner == owner) {
        if kept.shape == shape {
            return Err(DropReason::Duplicate);
        }
        if kept.shape.same_slot(&shape) {
            return Err(DropReason::Conflicting);
        }
    }
    Ok(Kept::New((owner, shape)))
}

/// `Faithful`: a row Open Dental's benefit logic never reads, left out with its reason.
fn never_read(row: &Built<'_>) -> Result<(), DropReason> {
    match (&row.benefit_type, &row.qualifier) {
        (_, QuantityQualifier::AgeLimit) => Err(DropReason::AgeLimitNotRead),
        (BenefitType::Limitations, QuantityQualifier::Visits) => Err(DropReason::VisitsNotRead),
        _ => Ok(()),
    }
}

/// A row `POST /benefits` would refuse (`opendental-benefits-api.txt`).
fn refused(row: &Built<'_>) -> Result<(), DropReason> {
    use DropReason::*;
    let percent_ok = |p: i64| (0..=i64::from(MAX_PERCENT)).contains(&p);
    if row.percent.is_some() && row.benefit_type != BenefitType::CoInsurance {
        return Err(ApiPercentNotCoinsurance);
    }
    if row.percent.is_some_and(|p| !percent_ok(p)) {
        return Err(ApiPercentOutOfRange);
    }
    if row.quantity > MAX_QUANTITY {
        return Err(ApiQuantityOver100);
    }
    if row.category.is_some() && row.code.is_some() {
        return Err(ApiCategoryWithCode);
    }
    if row.qualifier == QuantityQualifier::AgeLimit && row.quantity == 0 {
        return Err(ApiAgeLimitWithoutAge);
    }
    Ok(())
}

/// The request that creates the row; its owner is a placeholder (see `EligibilityRow::shape`).
fn new_benefit(row: &Built<'_>) -> NewBenefit {
    let mut new = NewBenefit::new(
        Owner::Plan(PlanNum::new(0)),
        row.benefit_type.clone(),
        row.level.clone(),
    );
    new.cov_cat_num = row.category.as_ref().map(|(_, num)| *num);
    new.percent = row.percent.and_then(|p| u8::try_from(p).ok());
    new.monetary_amt = row.amount;
    new.time_period = row.period.clone();
    new.quantity_qualifier = Some(row.qualifier.clone());
    new.quantity = Some(row.quantity);
    if let Some((code, num)) = row.code {
        new.code_num = Some(num);
        new.proc_code = Some(code.to_owned());
    }
    new
}
