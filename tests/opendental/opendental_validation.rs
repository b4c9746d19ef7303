//! Every documented rule of POST and PUT /benefits, passing and failing, checked before sending.

use crate::common::{compact, fixture as fixture_text};
use benefits_sdk::Error;
use benefits_sdk::opendental::{
    Advisory, BenefitType, BenefitUpdate, CodeNum, CovCatNum, CoverageLevel, NewBenefit,
    PatPlanNum, PlanNum, QuantityQualifier, TimePeriod, WaitingUnit,
};
use rust_decimal::Decimal;

const PLAN: PlanNum = PlanNum::new(12);

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The fields named by the violations, in order; empty when valid.
fn broken(result: Result<(), Error>) -> Vec<&'static str> {
    match result {
        Ok(()) => Vec::new(),
        Err(Error::InvalidRequest(v)) => v.iter().map(|v| v.field).collect(),
        Err(other) => panic!("expected InvalidRequest, got {other:?}"),
    }
}

fn check_new(cases: Vec<(&str, NewBenefit, &[&str])>) {
    for (name, benefit, want) in cases {
        assert_eq!(broken(benefit.validate()), want, "{name}");
    }
}

#[test]
fn percent_only_for_coinsurance_and_0_to_100() {
    check_new(vec![
        (
            "coinsurance 0",
            NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 0),
            &[],
        ),
        (
            "coinsurance 100",
            NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 100),
            &[],
        ),
        (
            "coinsurance 101",
            NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 101),
            &["Percent"],
        ),
        (
            "deductible with percent",
            NewBenefit::deductible(PLAN, CoverageLevel::Individual, dec("50")).percent(50),
            &["Percent"],
        ),
    ]);
}

/// The fields advice names, in order.
fn advised(advice: Vec<Advisory>) -> Vec<&'static str> {
    advice.iter().map(|a| a.field).collect()
}

#[test]
fn monetary_amt_is_never_refused_only_advised_on() {
    let amount = dec("1500.50");
    // (name, benefit, advice): every one of these is valid; the server accepts each.
    let cases: Vec<(&str, NewBenefit, &[&str])> = vec![
        (
            "copayment",
            NewBenefit::new(PLAN, BenefitType::CoPayment, CoverageLevel::None)
                .monetary_amt(dec("25")),
            &[],
        ),
        (
            "annual max",
            NewBenefit::annual_max(PLAN, CoverageLevel::Individual, amount),
            &[],
        ),
        (
            "deductible",
            NewBenefit::deductible(PLAN, CoverageLevel::Family, amount),
            &[],
        ),
        (
            "active coverage with amount (the spec's own PUT example does this)",
            NewBenefit::new(PLAN, BenefitType::ActiveCoverage, CoverageLevel::None)
                .monetary_amt(amount),
            &["MonetaryAmt"],
        ),
        (
            "coinsurance with amount",
            NewBenefit::coinsurance(PLAN, CovCatNum::new(1), 80).monetary_amt(amount),
            &["MonetaryAmt"],
        ),
        (
            "negative",
            NewBenefit::deductible(PLAN, CoverageLevel::Individual, dec("-1")),
            &["MonetaryAmt"],
        ),
        (
            "not exact as a double",
            NewBenefit::deductible(
                PLAN,
                CoverageLevel::Individual,
                dec("0.1234567890123456789"),
            ),
            &["MonetaryAmt"],
        ),
        (
            "zero",
            NewBenefit::deductible(PLAN, CoverageLevel::Individual, Decimal::ZERO),
            &[],
        ),
    ];
    for (name, benefit, advice) in cases {
        assert_eq!(broken(benefit.validate()), [] as [&str; 0], "{name}");
        assert_eq!(advised(benefit.lint()), advice, "{name}");
    }
    let update = BenefitUpdate::new()
        .benefit_type(BenefitType::ActiveCoverage)
        .monetary_amt(dec("-2"));
    assert!(update.validate().is_ok());
    assert_eq!(advised(update.lint()), ["MonetaryAmt", "MonetaryAmt"]);
}

#[test]
fn a_frequency_limitation_with_nothing_to_limit_is_advised_on() {
    let months = NewBenefit::every_n_months(PLAN, 6);
    assert!(months.validate().is_ok());
    assert_eq!(advised(months.lint()), ["CodeGroupNum"]);
    assert!(advised(months.clone().proc_code("D0274").lint()).is_empty());
    assert!(advised(months.code_num(CodeNum::new(9)).lint()).is_empty());
    #[cfg(feature = "od-23-2")]
    assert!(
        advised(
            NewBenefit::every_n_years(PLAN, 5)
                .code_group_num(benefits_sdk::opendental::CodeGroupNum::new(3))
                .lint()
        )
        .is_empty()
    );
    // Not a frequency shape: nothing to say.
    assert!(advised(NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 80).lint()).is_empty());
}

#[test]
fn waiting_period_needs_months_or_years() {
    check_new(vec![
        (
            "months",
            NewBenefit::waiting_period(PLAN, WaitingUnit::Months, 6),
            &[],
        ),
        (
            "years",
            NewBenefit::waiting_period(PLAN, WaitingUnit::Years, 1),
            &[],
        ),
        (
            "no qualifier",
            NewBenefit::new(PLAN, BenefitType::WaitingPeriod, CoverageLevel::None),
            &["QuantityQualifier"],
        ),
        (
            "visits",
            NewBenefit::new(PLAN, BenefitType::WaitingPeriod, CoverageLevel::None)
                .quantity(QuantityQualifier::Visits, 3),
            &["QuantityQualifier"],
        ),
    ]);
}

#[test]
fn quantity_0_to_100_and_above_0_for_age_limits() {
    let limitation = || NewBenefit::new(PLAN, BenefitType::Limitations, CoverageLevel::None);
    check_new(vec![
        (
            "100 visits",
            limitation().quantity(QuantityQualifier::Visits, 100),
            &[],
        ),
        (
            "101 visits",
            limitation().quantity(QuantityQualifier::Visits, 101),
            &["Quantity"],
        ),
        (
            "age 18",
            limitation().quantity(QuantityQualifier::AgeLimit, 18),
            &[],
        ),
        (
            "age 0",
            limitation().quantity(QuantityQualifier::AgeLimit, 0),
            &["Quantity"],
        ),
        (
            "age limit, quantity left to the server's 0",
            {
                let mut b = limitation();
                b.quantity_qualifier = Some(QuantityQualifier::AgeLimit);
                b
            },
            &["Quantity"],
        ),
    ]);
}

#[test]
fn codes_only_without_a_coverage_category() {
    let base = || NewBenefit::new(PLAN, BenefitType::Exclusions, CoverageLevel::None);
    check_new(vec![
        ("code alone", base().code_num(CodeNum::new(156)), &[]),
        ("procCode alone", base().proc_code("D1110"), &[]),
        ("category alone", base().cov_cat_num(CovCatNum::new(4)), &[]),
        (
            "category and code",
            base()
                .cov_cat_num(CovCatNum::new(4))
                .code_num(CodeNum::new(156)),
            &["CodeNum"],
        ),
        (
            "category and procCode",
            base().cov_cat_num(CovCatNum::new(4)).proc_code("D1110"),
            &["procCode"],
        ),
        ("blank procCode", base().proc_code("  "), &[]),
        (
            "category 0 and a code: CovCatNum is 0",
            base()
                .cov_cat_num(CovCatNum::new(0))
                .code_num(CodeNum::new(156)),
            &[],
        ),
    ]);
    assert_eq!(advised(base().proc_code("  ").lint()), ["procCode"]);
}

#[test]
fn keys_above_zero_and_no_unknown_values() {
    check_new(vec![
        (
            "plan 0",
            NewBenefit::every_n_months(PlanNum::new(0), 6),
            &["PlanNum"],
        ),
        (
            "pat plan 0",
            NewBenefit::every_n_months(PatPlanNum::new(0), 6),
            &["PatPlanNum"],
        ),
        (
            "pat plan",
            NewBenefit::every_n_months(PatPlanNum::new(30), 6),
            &[],
        ),
        (
            "category 0 is sent as written (no row), with advice",
            NewBenefit::coinsurance(PLAN, CovCatNum::new(0), 50),
            &[],
        ),
        (
            "unknown type",
            NewBenefit::new(
                PLAN,
                BenefitType::Unknown("Frequency".into()),
                CoverageLevel::None,
            ),
            &["BenefitType"],
        ),
        (
            "unknown period",
            NewBenefit::every_n_months(PLAN, 6).time_period(TimePeriod::Unknown("Decade".into())),
            &["TimePeriod"],
        ),
    ]);
}

#[test]
fn a_zero_key_is_advice() {
    assert_eq!(
        advised(NewBenefit::coinsurance(PLAN, CovCatNum::new(0), 50).lint()),
        ["CovCatNum"]
    );
}

#[test]
fn every_broken_rule_is_reported_at_once() {
    let b = NewBenefit::new(
        PlanNum::new(0),
        BenefitType::WaitingPeriod,
        CoverageLevel::None,
    )
    .percent(120)
    .cov_cat_num(CovCatNum::new(2))
    .code_num(CodeNum::new(5));
    let err = b.validate().unwrap_err();
    let text = err.to_string();
    assert_eq!(
        broken(Err(err)),
        [
            "PlanNum",
            "Percent",
            "Percent",
            "QuantityQualifier",
            "CodeNum"
        ]
    );
    assert!(
        text.contains("Percent: must be between 0 and 100, got 120"),
        "{text}"
    );
    assert!(
        text.contains("Percent: only allowed when BenefitType is CoInsurance"),
        "{text}"
    );
}

#[cfg(feature = "od-25-3")]
#[test]
fn treat_area_only_on_a_frequency_limitation() {
    use benefits_sdk::opendental::{BenefitYear, CodeGroupNum, TreatArea};
    let group = CodeGroupNum::new(3);
    check_new(vec![
        (
            "every n years",
            NewBenefit::every_n_years(PLAN, 2).treat_area(TreatArea::Quad),
            &[],
        ),
        (
            "every n months",
            NewBenefit::every_n_months(PLAN, 6).treat_area(TreatArea::Tooth),
            &[],
        ),
        (
            "per service year (a plan renewing in July)",
            NewBenefit::per_benefit_year(PLAN, 2, BenefitYear::Service)
                .code_group_num(group)
                .treat_area(TreatArea::Tooth),
            &[],
        ),
        (
            "per calendar year",
            NewBenefit::per_benefit_year(PLAN, 2, BenefitYear::Calendar)
                .treat_area(TreatArea::Arch),
            &[],
        ),
        (
            "in last 12 months",
            NewBenefit::in_last_12_months(PLAN, 2).treat_area(TreatArea::Mouth),
            &[],
        ),
        (
            "months with a period left to the server",
            {
                let mut b = NewBenefit::every_n_months(PLAN, 6).treat_area(TreatArea::Quad);
                b.time_period = None;
                b
            },
            &[],
        ),
        (
            "coinsurance",
            NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 80).treat_area(TreatArea::Quad),
            &["TreatArea"],
        ),
        (
            "annual max",
            NewBenefit::annual_max(PLAN, CoverageLevel::Individual, dec("1000"))
                .treat_area(TreatArea::Quad),
            &["TreatArea"],
        ),
        (
            "months over a calendar year",
            NewBenefit::every_n_months(PLAN, 6)
                .time_period(TimePeriod::CalendarYear)
                .treat_area(TreatArea::Quad),
            &["TreatArea"],
        ),
        (
            "age limit",
            NewBenefit::age_limit(PLAN, group, 18).treat_area(TreatArea::Tooth),
            &["TreatArea"],
        ),
        (
            "the default area is still a TreatArea: never on another benefit",
            NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 80).treat_area(TreatArea::None),
            &["TreatArea"],
        ),
        (
            "the default area on a frequency limitation",
            NewBenefit::every_n_months(PLAN, 9).treat_area(TreatArea::None),
            &[],
        ),
    ]);
}

#[cfg(feature = "od-25-3")]
#[test]
fn standard_shapes_match_the_spec_examples() {
    use crate::common::without_disabled_fields;
    use benefits_sdk::opendental::{BenefitYear, CodeGroupNum, TreatArea};
    let cases = [
        (
            "post_every_n_years.json",
            NewBenefit::every_n_years(PLAN, 2)
                .code_group_num(CodeGroupNum::new(3))
                .treat_area(TreatArea::Quad),
        ),
        (
            "post_every_n_months.json",
            NewBenefit::every_n_months(PlanNum::new(18), 9)
                .code_group_num(CodeGroupNum::new(14))
                .treat_area(TreatArea::None),
        ),
        (
            "post_per_benefit_year.json",
            NewBenefit::per_benefit_year(PlanNum::new(82), 4, BenefitYear::Calendar)
                .code_group_num(CodeGroupNum::new(28))
                .treat_area(TreatArea::None),
        ),
        (
            "post_in_last_12_months.json",
            NewBenefit::in_last_12_months(PlanNum::new(74), 2)
                .code_group_num(CodeGroupNum::new(41))
                .treat_area(TreatArea::None),
        ),
        (
            "post_age_limit.json",
            NewBenefit::age_limit(PlanNum::new(56), CodeGroupNum::new(5), 18),
        ),
    ];
    for (name, benefit) in cases {
        assert!(benefit.validate().is_ok(), "{name}");
        assert_eq!(
            serde_json::to_value(&benefit).unwrap(),
            without_disabled_fields(crate::common::fixture_json(name)),
            "{name}"
        );
        // Byte for byte too: the same keys in the vendor's order.
        assert_eq!(
            serde_json::to_string(&benefit).unwrap(),
            compact(&fixture_text(name)),
            "{name}"
        );
    }
}

fn check_update(cases: Vec<(&str, BenefitUpdate, &[&str])>) {
    for (name, update, want) in cases {
        assert_eq!(broken(update.validate()), want, "{name}");
    }
}

#[test]
fn updates_are_validated_on_what_they_set() {
    check_update(vec![
        ("nothing", BenefitUpdate::new(), &["body"]),
        ("percent alone", BenefitUpdate::new().percent(70), &[]),
        (
            "percent 101",
            BenefitUpdate::new().percent(101),
            &["Percent"],
        ),
        (
            "percent on a deductible",
            BenefitUpdate::new()
                .benefit_type(BenefitType::Deductible)
                .percent(10),
            &["Percent"],
        ),
        (
            "clear percent on a deductible",
            BenefitUpdate::new()
                .benefit_type(BenefitType::Deductible)
                .clear_percent(),
            &[],
        ),
        (
            "amount alone",
            BenefitUpdate::new().monetary_amt(dec("499.99")),
            &[],
        ),
        (
            "amount on active coverage (advice only)",
            BenefitUpdate::new()
                .benefit_type(BenefitType::ActiveCoverage)
                .monetary_amt(dec("499.99")),
            &[],
        ),
        (
            "negative amount (advice only)",
            BenefitUpdate::new().monetary_amt(dec("-5")),
            &[],
        ),
        (
            "clear amount",
            BenefitUpdate::new().clear_monetary_amt(),
            &[],
        ),
        (
            "waiting period in visits",
            BenefitUpdate::new()
                .benefit_type(BenefitType::WaitingPeriod)
                .quantity(QuantityQualifier::Visits, 2),
            &["QuantityQualifier"],
        ),
        (
            "waiting period, qualifier kept",
            BenefitUpdate::new().benefit_type(BenefitType::WaitingPeriod),
            &[],
        ),
        (
            "quantity 101",
            BenefitUpdate::new().quantity_only(101),
            &["Quantity"],
        ),
        (
            "quantity 0, qualifier kept",
            BenefitUpdate::new().quantity_only(0),
            &[],
        ),
        (
            "age limit 0",
            BenefitUpdate::new().quantity(QuantityQualifier::AgeLimit, 0),
            &["Quantity"],
        ),
        (
            "category and code",
            BenefitUpdate::new()
                .cov_cat_num(CovCatNum::new(2))
                .code_num(CodeNum::new(156)),
            &["CodeNum"],
        ),
        (
            "category cleared and code",
            BenefitUpdate::new()
                .clear_cov_cat_num()
                .code_num(CodeNum::new(156)),
            &[],
        ),
        (
            "code 0 (sent as written, with advice)",
            BenefitUpdate::new().code_num(CodeNum::new(0)),
            &[],
        ),
        (
            "unknown level",
            BenefitUpdate::new().coverage_level(CoverageLevel::Unknown("Household".into())),
            &["CoverageLevel"],
        ),
    ]);
}

#[cfg(feature = "od-25-3")]
#[test]
fn update_treat_area_against_what_the_update_sets() {
    use benefits_sdk::opendental::TreatArea;
    check_update(vec![
        (
            "area alone",
            BenefitUpdate::new().treat_area(TreatArea::Quad),
            &[],
        ),
        (
            "area on coinsurance",
            BenefitUpdate::new()
                .benefit_type(BenefitType::CoInsurance)
                .treat_area(TreatArea::Quad),
            &["TreatArea"],
        ),
        (
            "area with a percent",
            BenefitUpdate::new().percent(50).treat_area(TreatArea::Quad),
            &["TreatArea"],
        ),
        (
            "area on a lifetime period",
            BenefitUpdate::new()
                .time_period(TimePeriod::Lifetime)
                .treat_area(TreatArea::Tooth),
            &["TreatArea"],
        ),
        (
            "area on a service-year count",
            BenefitUpdate::new()
                .time_period(TimePeriod::ServiceYear)
                .quantity(QuantityQualifier::NumberOfServices, 2)
                .treat_area(TreatArea::Tooth),
            &[],
        ),
    ]);
}

#[test]
fn spec_put_examples_pass_and_go_out_as_written() {
    let coinsurance = BenefitUpdate::new()
        .percent(70)
        .quantity(QuantityQualifier::Visits, 2);
    // The second sends a MonetaryAmt with ActiveCoverage, which Open Dental documents as
    // "only used" for CoPayment, Limitations and Deductible: it accepts and stores it.
    let full = BenefitUpdate::new()
        .clear_cov_cat_num()
        .benefit_type(BenefitType::ActiveCoverage)
        .clear_percent()
        .monetary_amt(dec("499.99"))
        .time_period(TimePeriod::ServiceYear)
        .quantity(QuantityQualifier::AgeLimit, 13)
        .code_num(CodeNum::new(156))
        .proc_code("D1110")
        .coverage_level(CoverageLevel::Individual);
    let quantity = BenefitUpdate::new().quantity_only(18);
    for (update, fixture) in [
        (&coinsurance, "put_request_coinsurance.json"),
        (&full, "put_request_full.json"),
        (&quantity, "put_request_quantity.json"),
    ] {
        assert_eq!(broken(update.validate()), [] as [&str; 0], "{fixture}");
        // Byte for byte, as the vendor wrote it (its whitespace aside).
        assert_eq!(
            serde_json::to_string(update).unwrap(),
            compact(&fixture_text(fixture)),
            "{fixture}"
        );
    }
    // What the server ignores is advice, never a refusal.
    assert_eq!(advised(full.lint()), ["MonetaryAmt"]);
}

#[test]
fn cleared_fields_send_the_apis_empty_values() {
    #[allow(unused_mut)]
    let mut update = BenefitUpdate::new()
        .clear_cov_cat_num()
        .clear_percent()
        .clear_monetary_amt()
        .clear_code_num()
        .clear_proc_code();
    #[allow(unused_mut)]
    let mut want = serde_json::json!({
        "CovCatNum": 0, "Percent": -1, "MonetaryAmt": -1.0, "CodeNum": 0, "procCode": ""
    });
    #[cfg(feature = "od-25-3")]
    {
        update = update.clear_code_group_num();
        want["CodeGroupNum"] = 0.into();
    }
    assert!(update.validate().is_ok());
    assert_eq!(serde_json::to_value(&update).unwrap(), want);
    assert_eq!(
        serde_json::to_string(&BenefitUpdate::new().monetary_amt(dec("499.99"))).unwrap(),
        r#"{"MonetaryAmt":499.99}"#
    );
}
