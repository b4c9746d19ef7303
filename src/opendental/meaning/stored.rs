//! How Open Dental stores what it is sent, and the one identity built on it: whether a row
//! is what a desired shape becomes once the office stores it ([`is_stored_form`], read as
//! [`Benefit::holds`]).
//!
//! The office does not store a request as written. It fills in defaults, reads a code by its
//! key or its text and keeps both, rewrites a documented case of TimePeriod, and keeps
//! MonetaryAmt as a double. A reconcile that compared a desired shape with a stored row as
//! written would never see its own writes: it would create again after a 502, report
//! `SlotTaken` for the row it made, and plan the same update on every run. So the planner,
//! apply and the fake all decide "is this row that shape" here.
//!
//! The rules, each with its source:
//! - **TimePeriod left out** (the Benefits POST page, TimePeriod): "CalendarYear" when the
//!   plan's MonthRenew is 0, "ServiceYear" when it is above 0, and "None for some limitation
//!   benefits": the limitations counted in months or years and age limits, whose Open Dental
//!   shapes take TimePeriod None (`opendental-notes.md`, frequency limitations and age limits).
//! - **"# Per Benefit Year" sent with CalendarYear** on a plan whose MonthRenew is above 0 is
//!   stored as ServiceYear (the note under that POST example).
//! - **Codes:** procCode is the string form of CodeNum; the office stores the key and returns
//!   both, and CodeNum wins when both are sent (`opendental-notes.md`, wire formats; the PUT
//!   example sends CodeNum 156 with procCode "D1110" and reads back "D0999"). Without the
//!   office's code table the client compares codes by [`Scope::same_as`].
//! - **MonetaryAmt** is kept to cents: `BenefitCrud` writes it with `POut.Double`, which is
//!   `ToString("f")`, two decimals, rounded half away from zero by .NET Framework 4.7.2 (the
//!   runtime `OpenDentBusiness` targets). `1234.567` is stored and listed as `1234.57`.
//! - **-1 is empty** (the Benefits page: "Empty Percent and MonetaryAmt values are indicated by
//!   -1"): an amount that is -1 once kept to cents is stored as no amount.
//! - **QuantityQualifier** defaults to None and **Quantity** to 0 (the POST page).

use rust_decimal::Decimal;

use crate::opendental::meaning::shape::{BenefitShape, FrequencyLimit, Scope, Terms};
#[cfg(feature = "od-25-3")]
use crate::opendental::model::benefit::TreatArea;
use crate::opendental::model::benefit::{
    Benefit, BenefitNum, BenefitType, QuantityQualifier, TimePeriod,
};
use crate::opendental::model::request::{BenefitYear, NewBenefit, Owner};

/// The TimePeriod Open Dental gives a benefit created without one: None for a limitation
/// counted in months or years or by age, else the plan's benefit year (`None` when that year
/// is not known).
pub(crate) fn default_time_period(
    benefit_type: &BenefitType,
    qualifier: &QuantityQualifier,
    year: Option<BenefitYear>,
) -> Option<TimePeriod> {
    let counted_in_time = matches!(
        qualifier,
        QuantityQualifier::Months | QuantityQualifier::Years | QuantityQualifier::AgeLimit
    );
    if *benefit_type == BenefitType::Limitations && counted_in_time {
        return Some(TimePeriod::None);
    }
    year.map(TimePeriod::from)
}

/// The TimePeriod the office stores for a row of this content sent with `sent`: a
/// "# per benefit year" frequency limitation sent with CalendarYear on a service-year plan is
/// stored as ServiceYear; everything else as sent.
pub(crate) fn stored_time_period(row: &Benefit, year: Option<BenefitYear>) -> TimePeriod {
    let per_benefit_year = row.quantity_qualifier == QuantityQualifier::NumberOfServices
        && row.time_period == TimePeriod::CalendarYear
        && row.is_frequency_limitation();
    if per_benefit_year && year == Some(BenefitYear::Service) {
        TimePeriod::ServiceYear
    } else {
        row.time_period.clone()
    }
}

/// The amount Open Dental keeps for `amount`: the 15 significant digits .NET Framework reads
/// from the double it is sent, then cents, half away from zero; `None` when that is -1, Open
/// Dental's empty.
pub(crate) fn stored_amount(amount: Decimal) -> Option<Decimal> {
    let digits = rust_decimal::prelude::ToPrimitive::to_f64(&amount)
        .and_then(|double| Decimal::from_scientific(&format!("{double:.14e}")).ok())
        .unwrap_or(amount);
    let cents = digits
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    (cents != Decimal::NEGATIVE_ONE).then_some(cents)
}

/// The row the office stores for `new` on a plan with benefit year `year`, without its keys
/// and dates; `None` when the TimePeriod it gets depends on a year that is not known. Codes are
/// kept as sent: only the office knows its code table.
fn stored_row(new: &NewBenefit, year: Option<BenefitYear>) -> Option<Benefit> {
    let qualifier = new.quantity_qualifier.clone().unwrap_or_default();
    let time_period = match &new.time_period {
        Some(p) => p.clone(),
        None => default_time_period(&new.benefit_type, &qualifier, year)?,
    };
    let (plan_num, pat_plan_num) = match new.owner {
        Owner::Plan(p) => (Some(p), None),
        Owner::PatPlan(p) => (None, Some(p)),
    };
    let mut row = Benefit {
        benefit_num: BenefitNum::new(0),
        plan_num,
        pat_plan_num,
        cov_cat_num: new.cov_cat_num.filter(|c| c.get() != 0),
        benefit_type: new.benefit_type.clone(),
        percent: new.percent,
        monetary_amt: new.monetary_amt.and_then(stored_amount),
        time_period,
        quantity_qualifier: qualifier,
        quantity: new.quantity.unwrap_or(0),
        code_num: new.code_num.filter(|c| c.get() != 0),
        proc_code: new.proc_code.clone().filter(|c| !c.is_empty()),
        coverage_level: new.coverage_level.clone(),
        sec_date_t_entry: None,
        sec_date_t_edit: None,
        #[cfg(feature = "od-23-2")]
        code_group_num: new.code_group_num.filter(|g| g.get() != 0),
        #[cfg(feature = "od-25-3")]
        treat_area: new.treat_area.clone().unwrap_or(TreatArea::None),
    };
    row.time_period = stored_time_period(&row, year);
    Some(row)
}

impl BenefitShape {
    /// This shape as the office stores it for `owner` on a plan whose benefit year is `year`
    /// (`None`: not known): the plan's year filled in where the shape leaves it to the plan,
    /// the server's defaults filled in on a custom row (which may then read as a standard
    /// shape), a "# per benefit year" limit in CalendarYear moved to the service year the office
    /// will store, and amounts as the doubles the office keeps.
    ///
    /// A shape whose stored form depends on a year that is not known comes back as it is.
    ///
    /// ```
    /// use benefits_sdk::opendental::{
    ///     BenefitShape, BenefitYear, Frequency, FrequencyLimit, Owner, PlanNum, Scope,
    /// };
    ///
    /// // The POST page: "TimePeriod will be ServiceYear when the insplan.MonthRenew is greater than 0".
    /// let calendar = Frequency::PerBenefitYear(2, Some(BenefitYear::Calendar));
    /// let sent = BenefitShape::Frequency(FrequencyLimit::new(calendar, Scope::proc_code("D1110")));
    /// let stored = sent.as_stored(Owner::Plan(PlanNum::new(12)), Some(BenefitYear::Service));
    /// let service = Frequency::PerBenefitYear(2, Some(BenefitYear::Service));
    /// assert_eq!(stored, BenefitShape::Frequency(FrequencyLimit::new(service, Scope::proc_code("D1110"))));
    /// ```
    pub fn as_stored(&self, owner: Owner, year: Option<BenefitYear>) -> BenefitShape {
        let shape = match year {
            Some(year) => self.clone().with_plan_year(year),
            None => self.clone(),
        };
        match stored_row(&shape.to_new_benefit(owner), year) {
            Some(row) => row.shape(),
            None => shape,
        }
    }
}

/// The one identity of a reconcile: whether `row`, the shape of a row `owner` holds, is what
/// `desired` becomes once the office stores it for `owner` on a plan whose benefit year is
/// `year` (`None`: not known). The planner calls a row unchanged, apply calls a write already
/// done, a create landed or a row still as planned, and the report says done, exactly when it
/// holds.
///
/// Amounts are compared as the office keeps them (to cents, -1 empty); a code named by key on
/// one side and by text on the other is one code ([`Scope::same_as`]).
pub(crate) fn is_stored_form(
    row: &BenefitShape,
    desired: &BenefitShape,
    owner: Owner,
    year: Option<BenefitYear>,
) -> bool {
    let desired = desired.as_stored(owner, year);
    if *row == desired {
        return true;
    }
    match (code_of(row), code_of(&desired)) {
        (Some(a), Some(b)) if a.same_as(&b) => with_code(desired, a) == *row,
        _ => false,
    }
}

impl Benefit {
    /// Whether this stored row already is `desired`, as the office stores it, on a plan whose
    /// benefit year is `year` (`None`: not known). This is the one identity of a reconcile:
    /// the planner calls a row unchanged, apply calls a write already done or a create landed,
    /// and the report says done, exactly when it holds. Amounts are compared to cents.
    ///
    /// ```
    /// use benefits_sdk::opendental::{Benefit, BenefitShape, BenefitYear, Scope, Terms};
    ///
    /// // The office stores a code sent as text with its key too.
    /// let row = Benefit::from_json(br#"{"BenefitNum": 7, "PlanNum": 12, "BenefitType": "Exclusions",
    ///     "CoverageLevel": "None", "TimePeriod": "CalendarYear", "CodeNum": 9, "procCode": "D1110"}"#)?;
    /// let desired = BenefitShape::Exclusion(Terms::new(Scope::proc_code("D1110")));
    /// assert!(row.holds(&desired, Some(BenefitYear::Calendar)));
    /// # Ok::<(), benefits_sdk::Error>(())
    /// ```
    pub fn holds(&self, desired: &BenefitShape, year: Option<BenefitYear>) -> bool {
        let owner = match (self.plan_num, self.pat_plan_num) {
            (_, Some(p)) => Owner::PatPlan(p),
            (Some(p), None) => Owner::Plan(p),
            (None, None) => Owner::Plan(crate::opendental::model::benefit::PlanNum::new(0)),
        };
        is_stored_form(&self.shape(), desired, owner, year)
    }
}

/// The code a shape names, if it names one.
fn code_of(shape: &BenefitShape) -> Option<Scope> {
    match shape {
        BenefitShape::Custom(new) if new.code_num.is_some() || new.proc_code.is_some() => {
            Some(Scope::Code {
                code_num: new.code_num,
                proc_code: new.proc_code.clone(),
            })
        }
        BenefitShape::Custom(_) => None,
        other => scope_of(other).filter(|s| matches!(s, Scope::Code { .. })),
    }
}

/// The same shape naming `code` instead of its own code.
fn with_code(mut shape: BenefitShape, code: Scope) -> BenefitShape {
    if let BenefitShape::Custom(new) = &mut shape {
        if let Scope::Code {
            code_num,
            proc_code,
        } = code
        {
            new.code_num = code_num;
            new.proc_code = proc_code;
        }
        return shape;
    }
    if let Some(scope) = scope_mut(&mut shape) {
        *scope = code;
    }
    shape
}

fn scope_of(shape: &BenefitShape) -> Option<Scope> {
    scope_mut(&mut shape.clone()).map(|scope| scope.clone())
}

fn scope_mut(shape: &mut BenefitShape) -> Option<&mut Scope> {
    use BenefitShape as S;
    match shape {
        S::ActiveCoverage(Terms { scope, .. })
        | S::Coinsurance {
            terms: Terms { scope, .. },
            ..
        }
        | S::Deductible {
            terms: Terms { scope, .. },
            ..
        }
        | S::Maximum {
            terms: Terms { scope, .. },
            ..
        }
        | S::Copay {
            terms: Terms { scope, .. },
            ..
        }
        | S::Exclusion(Terms { scope, .. })
        | S::WaitingPeriod {
            terms: Terms { scope, .. },
            ..
        }
        | S::Frequency(FrequencyLimit { scope, .. }) => Some(scope),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "od-23-2")]
    use crate::opendental::CodeGroupNum;
    use crate::opendental::{CodeNum, CovCatNum, CoverageLevel, PlanNum};

    const OWNER: Owner = Owner::Plan(PlanNum::new(12));

    #[test]
    fn a_code_by_text_holds_the_row_with_key_and_text() {
        let sent = BenefitShape::Exclusion(
            Terms::new(Scope::proc_code("D1110")).period(crate::opendental::Period::None),
        );
        let stored = BenefitShape::Exclusion(
            Terms::new(Scope::Code {
                code_num: Some(CodeNum::new(9)),
                proc_code: Some("D1110".into()),
            })
            .period(crate::opendental::Period::None),
        );
        assert!(is_stored_form(&stored, &sent, OWNER, None));
        let other = BenefitShape::Exclusion(
            Terms::new(Scope::code_num(CodeNum::new(8))).period(crate::opendental::Period::None),
        );
        assert!(!is_stored_form(&stored, &other, OWNER, None));
    }

    #[test]
    fn a_custom_row_gets_the_servers_defaults() {
        // The vendor's list example: coinsurance counted in visits, sent without TimePeriod.
        let mut new = NewBenefit::coinsurance(PlanNum::new(12), CovCatNum::new(3), 30)
            .quantity(QuantityQualifier::Visits, 2);
        new.time_period = None;
        let shape = new.shape();
        assert!(matches!(shape, BenefitShape::Custom(_)));
        let BenefitShape::Custom(stored) = shape.as_stored(OWNER, Some(BenefitYear::Calendar))
        else {
            panic!("still custom");
        };
        assert_eq!(stored.time_period, Some(TimePeriod::CalendarYear));
        // Unknown year: left as it is.
        assert_eq!(shape.as_stored(OWNER, None), shape);
    }

    fn max(amount: &str) -> BenefitShape {
        BenefitShape::Maximum {
            amount: amount.parse().unwrap(),
            terms: Terms::new(Scope::General).level(CoverageLevel::Individual),
        }
    }

    /// `BenefitCrud` writes MonetaryAmt with `POut.Double`: `ToString("f")`, two decimals.
    #[test]
    fn amounts_are_kept_to_cents() {
        let year = Some(BenefitYear::Calendar);
        let stored = |amount: &str| max(amount).as_stored(OWNER, year);
        let cents = |amount: &str| max(amount).with_plan_year(BenefitYear::Calendar);
        assert_eq!(stored("1234.567"), cents("1234.57"));
        assert_eq!(stored("1234.565"), cents("1234.57"));
        assert_eq!(stored("-2.345"), cents("-2.35"));
        assert_eq!(stored("1500.00"), cents("1500"));
        assert_eq!(stored("1234567.1234567890123"), cents("1234567.12"));
        // Past 15 significant digits the double keeps no cents.
        assert_eq!(stored("10000000000000.01"), cents("10000000000000"));
        // A row listed at 1234.57 is what 1234.567 becomes: no update on every run.
        assert!(is_stored_form(
            &cents("1234.57"),
            &max("1234.567"),
            OWNER,
            year
        ));
        assert!(!is_stored_form(
            &cents("1234.56"),
            &max("1234.567"),
            OWNER,
            year
        ));
    }

    /// -1 is Open Dental's empty amount: a maximum of -1 is stored as a limitation with no
    /// amount, which is no maximum at all.
    #[test]
    fn minus_one_is_stored_as_no_amount() {
        let year = Some(BenefitYear::Calendar);
        for amount in ["-1", "-1.00", "-1.004"] {
            let BenefitShape::Custom(stored) = max(amount).as_stored(OWNER, year) else {
                panic!("{amount}: a limitation without an amount is no standard shape");
            };
            assert_eq!(stored.monetary_amt, None, "{amount}");
        }
        assert!(matches!(
            max("-1.006").as_stored(OWNER, year),
            BenefitShape::Maximum { .. }
        ));
    }

    #[cfg(feature = "od-23-2")]
    #[test]
    fn an_age_limit_in_a_benefit_year_is_an_age_limit() {
        let mut new = NewBenefit::age_limit(PlanNum::new(12), CodeGroupNum::new(5), 19);
        new.time_period = Some(TimePeriod::CalendarYear);
        assert_eq!(
            new.shape(),
            BenefitShape::AgeLimit {
                age: 19,
                code_group: CodeGroupNum::new(5)
            }
        );
    }
}
