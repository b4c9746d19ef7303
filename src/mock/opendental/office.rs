//! How the fake office stores a benefit row: a second implementation of Open Dental's own
//! storing rules, written from its source and the vendor's pages, each rule citing where it
//! comes from.
//!
//! Nothing here (nor anywhere under `src/mock/`) imports the client's rules
//! (`opendental::meaning`, `opendental::sync`): a fake that stored rows through the client's
//! own rules would agree with every bug in them. CI holds it with a grep.

use chrono::{NaiveDateTime, Timelike, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

use crate::opendental::{Benefit, BenefitType, QuantityQualifier, TimePeriod};

/// MonetaryAmt as the office keeps it, from the double a request carried; `None` is empty.
///
/// - `BenefitCrud.Insert` and `Update` write MonetaryAmt with `POut.Double`, which is
///   `SOut.Double(myDouble)`: `myDouble.ToString("f", CultureInfo.InvariantCulture)`, fixed
///   point with two decimals (`DataConnectionBase/SOut.cs`: "rounds input up to max of 2
///   decimal places"). `OpenDentBusiness.csproj` targets .NET Framework 4.7.2, whose "F"
///   format first reduces a double to 15 significant digits, then rounds those digits to two
///   decimals half away from zero. MySQL stores that text in its double column, and the API
///   reads it back (`PIn.Double`): `1234.567` is listed as `1234.57`.
/// - -1 is empty (the Benefits page: "Empty Percent and MonetaryAmt values are indicated by
///   -1"; POST: "Default -1.0 (Indicating empty)"). The check is on the stored value: an
///   amount that rounds to -1.00 is empty too.
pub(super) fn stored_money(amount: f64) -> Option<Option<Decimal>> {
    if !amount.is_finite() {
        return None;
    }
    // 15 significant digits, as .NET Framework's number formatting takes them from a double.
    let digits = format!("{amount:.14e}");
    let exact: Decimal = Decimal::from_scientific(&digits)
        .ok()
        .or_else(|| Decimal::from_f64(amount))?;
    let cents = exact
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    // "-0.00" is 0.
    let cents = if cents.is_zero() {
        Decimal::ZERO
    } else {
        cents
    };
    Some((cents != Decimal::NEGATIVE_ONE).then_some(cents))
}

/// The TimePeriod the office gives a benefit created without one, for a plan whose
/// `MonthRenew` is `month_renew`. The Benefits POST page, TimePeriod: "Default "CalendarYear"
/// when the insplan.MonthRenew is 0, "ServiceYear" when insplan.MonthRenew is greater than
/// 0, or "None" for some limitation benefits". The limitations it means are the ones Open
/// Dental's own shapes keep in TimePeriod None (`Benefits.IsFrequencyLimitation`, `IsAgeLimit`
/// in `opendental-notes.md`): Limitations counted in months, in years, or by age.
pub(super) fn default_period(
    benefit_type: &BenefitType,
    qualifier: &QuantityQualifier,
    month_renew: u8,
) -> TimePeriod {
    let counted_in_time = matches!(
        qualifier,
        QuantityQualifier::Months | QuantityQualifier::Years | QuantityQualifier::AgeLimit
    );
    if *benefit_type == BenefitType::Limitations && counted_in_time {
        TimePeriod::None
    } else if month_renew == 0 {
        TimePeriod::CalendarYear
    } else {
        TimePeriod::ServiceYear
    }
}

/// The Benefits POST page, under its "# Per Benefit Year" example: "TimePeriod will be
/// ServiceYear when the insplan.MonthRenew is greater than 0". A limitation counted in
/// services per CalendarYear with no amount, percent or coverage level (the UI's
/// "# Per Benefit Year", `Benefits.IsFrequencyLimitation`) on such a plan is stored in the
/// service year.
pub(super) fn per_benefit_year(row: &mut Benefit, month_renew: u8) {
    let per_benefit_year = row.benefit_type == BenefitType::Limitations
        && row.quantity_qualifier == QuantityQualifier::NumberOfServices
        && row.time_period == TimePeriod::CalendarYear
        && row.percent.is_none()
        && row.monetary_amt.is_none()
        && row.coverage_level == crate::opendental::CoverageLevel::None;
    if per_benefit_year && month_renew > 0 {
        row.time_period = TimePeriod::ServiceYear;
    }
}

/// The office's clock for `SecDateTEntry` and `SecDateTEdit`: MySQL's, to the second
/// (`BenefitCrud`: "SecDateTEdit can only be set by MySQL"; a TIMESTAMP column keeps whole
/// seconds). Two writes within one second share a stamp.
pub(super) fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond(0).unwrap_or(now)
}

/// Whether an UPDATE changed a value: `BenefitCrud.Update(benefit, oldBenefit)` compares
/// each column and sends no UPDATE at all when none differs, and MySQL moves an
/// `ON UPDATE CURRENT_TIMESTAMP` column only when a value really changes. So a PUT that
/// changes nothing leaves `SecDateTEdit` where it was.
pub(super) fn changed(before: &Benefit, after: &Benefit) -> bool {
    let mut a = after.clone();
    a.sec_date_t_edit = before.sec_date_t_edit;
    a.sec_date_t_entry = before.sec_date_t_entry;
    a != *before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount: f64) -> Option<Decimal> {
        stored_money(amount).expect("a finite amount")
    }

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn amounts_are_kept_to_cents_half_away_from_zero() {
        assert_eq!(money(1234.567), Some(dec("1234.57")));
        assert_eq!(money(1500.0), Some(dec("1500")));
        assert_eq!(money(0.0047), Some(Decimal::ZERO));
        assert_eq!(money(0.0051), Some(dec("0.01")));
        // 1.005 is 1.00499999999999989… as a double; .NET Framework reads 15 digits (1.005)
        // and rounds half away from zero.
        assert_eq!(money(1.005), Some(dec("1.01")));
        assert_eq!(money(-2.345), Some(dec("-2.35")));
        assert_eq!(money(-0.001), Some(Decimal::ZERO));
    }

    #[test]
    fn minus_one_is_empty_after_rounding() {
        assert_eq!(money(-1.0), None);
        assert_eq!(money(-1.004), None);
        assert_eq!(money(-1.006), Some(dec("-1.01")));
        assert_eq!(stored_money(f64::NAN), None);
    }

    #[test]
    fn the_default_period_follows_month_renew() {
        let (lim, coins) = (BenefitType::Limitations, BenefitType::CoInsurance);
        let none = QuantityQualifier::None;
        assert_eq!(default_period(&coins, &none, 0), TimePeriod::CalendarYear);
        assert_eq!(default_period(&coins, &none, 7), TimePeriod::ServiceYear);
        for q in [
            QuantityQualifier::Months,
            QuantityQualifier::Years,
            QuantityQualifier::AgeLimit,
        ] {
            assert_eq!(default_period(&lim, &q, 7), TimePeriod::None);
        }
        let services = QuantityQualifier::NumberOfServices;
        assert_eq!(default_period(&lim, &services, 7), TimePeriod::ServiceYear);
    }
}
