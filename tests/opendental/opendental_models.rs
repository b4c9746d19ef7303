//! The Benefit model against the spec's examples: sentinels, dates, enums, exact round trips.

use crate::common::{compact, fixture, fixture_json, without_disabled_fields};
use benefits_sdk::opendental::{
    Benefit, BenefitNum, BenefitType, CodeNum, CovCatNum, CoverageLevel, PlanNum,
    QuantityQualifier, TimePeriod,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn list() -> Vec<Benefit> {
    serde_json::from_str(&fixture("benefit_list.json")).unwrap()
}

#[test]
fn list_example_decodes_with_sentinels_as_none() {
    let rows = list();
    assert_eq!(rows.len(), 3);

    let coins = &rows[0];
    assert_eq!(coins.benefit_num, BenefitNum::new(236));
    assert_eq!(coins.plan_num, Some(PlanNum::new(12)));
    assert_eq!(coins.pat_plan_num, None);
    assert_eq!(coins.cov_cat_num, Some(CovCatNum::new(3)));
    assert_eq!(coins.benefit_type, BenefitType::CoInsurance);
    assert_eq!(coins.percent, Some(30));
    assert_eq!(coins.monetary_amt, None);
    assert_eq!(coins.time_period, TimePeriod::None);
    assert_eq!(coins.quantity_qualifier, QuantityQualifier::Visits);
    assert_eq!(coins.quantity, 2);
    assert_eq!(coins.code_num, None);
    assert_eq!(coins.proc_code, None);
    assert_eq!(coins.coverage_level, CoverageLevel::None);
    let entered = NaiveDate::from_ymd_opt(2021, 6, 21)
        .unwrap()
        .and_hms_opt(10, 3, 8)
        .unwrap();
    assert_eq!(coins.sec_date_t_entry, Some(entered));
    assert_eq!(coins.sec_date_t_edit, Some(entered));
    #[cfg(feature = "od-23-2")]
    assert_eq!(coins.code_group_num, None);
    #[cfg(feature = "od-25-3")]
    assert_eq!(coins.treat_area, benefits_sdk::opendental::TreatArea::None);

    let waiting = &rows[1];
    assert_eq!(waiting.benefit_type, BenefitType::WaitingPeriod);
    assert_eq!(waiting.percent, None);
    assert_eq!(waiting.code_num, Some(CodeNum::new(150)));
    assert_eq!(waiting.proc_code.as_deref(), Some("D0486"));
    assert_eq!(waiting.coverage_level, CoverageLevel::Family);
    assert_eq!(waiting.time_period, TimePeriod::ServiceYear);

    let max = &rows[2];
    assert_eq!(max.monetary_amt, Some(Decimal::new(1000, 0)));
    assert_eq!(max.time_period, TimePeriod::Lifetime);
    assert_eq!(max.coverage_level, CoverageLevel::Individual);
}

#[test]
fn serializing_gives_back_the_exact_wire_json() {
    for name in [
        "benefit_list.json",
        "benefit_get.json",
        "post_response.json",
        "put_response_full.json",
        "put_response_quantity.json",
    ] {
        let text = fixture(name);
        let again = if name == "benefit_list.json" {
            serde_json::to_string(&serde_json::from_str::<Vec<Benefit>>(&text).unwrap()).unwrap()
        } else {
            serde_json::to_string(&serde_json::from_str::<Benefit>(&text).unwrap()).unwrap()
        };
        if cfg!(feature = "od-25-3") {
            // Byte for byte, key order included.
            assert_eq!(again, compact(&text), "{name}");
        } else {
            let again: serde_json::Value = serde_json::from_str(&again).unwrap();
            assert_eq!(again, without_disabled_fields(fixture_json(name)), "{name}");
        }
    }
}

#[test]
fn money_is_decimal_not_float() {
    let b: Benefit = serde_json::from_str(&fixture("put_response_full.json")).unwrap();
    assert_eq!(b.monetary_amt, Some("499.99".parse::<Decimal>().unwrap()));
    assert_eq!(b.monetary_amt.unwrap().to_string(), "499.99");
}

#[test]
fn zero_datetime_and_missing_fields_read_as_none() {
    let b: Benefit = serde_json::from_value(serde_json::json!({
        "BenefitNum": 9,
        "BenefitType": "Deductible",
        "SecDateTEntry": "0001-01-01 00:00:00",
        "SecDateTEdit": "0001-01-01 00:00:00",
    }))
    .unwrap();
    assert_eq!(b.sec_date_t_entry, None);
    assert_eq!(b.sec_date_t_edit, None);
    assert_eq!(b.plan_num, None);
    assert_eq!(b.percent, None);
    assert_eq!(b.monetary_amt, None);
    assert_eq!(b.coverage_level, CoverageLevel::None);
    // And back to the wire's zero value.
    let wire = serde_json::to_value(&b).unwrap();
    assert_eq!(wire["SecDateTEntry"], "0001-01-01 00:00:00");
    assert_eq!(wire["Percent"], -1);
    assert_eq!(wire["MonetaryAmt"], -1.0);
    assert_eq!(wire["PlanNum"], 0);
    assert_eq!(wire["procCode"], "");
}

#[test]
fn unknown_enum_values_are_kept_and_unknown_fields_ignored() {
    let mut row = fixture_json("benefit_get.json");
    row["BenefitType"] = "Frequency".into();
    row["TimePeriod"] = "Decade".into();
    row["CoverageLevel"] = "Household".into();
    row["QuantityQualifier"] = "Teeth".into();
    row["TreatArea"] = "Root".into();
    row["SomethingNew"] = serde_json::json!({"nested": [1, 2]});
    let b: Benefit = serde_json::from_value(row).unwrap();
    assert_eq!(b.benefit_type, BenefitType::Unknown("Frequency".into()));
    assert_eq!(b.time_period.as_str(), "Decade");
    assert!(b.coverage_level.is_unknown());
    assert_eq!(
        b.quantity_qualifier,
        QuantityQualifier::Unknown("Teeth".into())
    );
    #[cfg(feature = "od-25-3")]
    assert_eq!(b.treat_area.as_str(), "Root");
    let back = serde_json::to_value(&b).unwrap();
    assert_eq!(back["BenefitType"], "Frequency");
    assert!(back.get("SomethingNew").is_none());
}

#[test]
fn enum_names_are_exactly_the_wire_names() {
    let names = |known: &[_]| {
        known
            .iter()
            .map(|e: &BenefitType| e.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(BenefitType::KNOWN),
        [
            "ActiveCoverage",
            "CoInsurance",
            "Deductible",
            "CoPayment",
            "Exclusions",
            "Limitations",
            "WaitingPeriod"
        ]
    );
    let periods: Vec<&str> = TimePeriod::KNOWN.iter().map(TimePeriod::as_str).collect();
    assert_eq!(
        periods,
        [
            "None",
            "ServiceYear",
            "CalendarYear",
            "Lifetime",
            "Years",
            "NumberInLast12Months"
        ]
    );
    let qualifiers: Vec<&str> = QuantityQualifier::KNOWN
        .iter()
        .map(QuantityQualifier::as_str)
        .collect();
    assert_eq!(
        qualifiers,
        [
            "None",
            "NumberOfServices",
            "AgeLimit",
            "Visits",
            "Years",
            "Months"
        ]
    );
    let levels: Vec<&str> = CoverageLevel::KNOWN
        .iter()
        .map(CoverageLevel::as_str)
        .collect();
    assert_eq!(levels, ["None", "Individual", "Family"]);
    #[cfg(feature = "od-25-3")]
    {
        use benefits_sdk::opendental::TreatArea;
        let areas: Vec<&str> = TreatArea::KNOWN.iter().map(TreatArea::as_str).collect();
        assert_eq!(
            areas,
            [
                "None",
                "Surf",
                "Tooth",
                "Mouth",
                "Quad",
                "Sextant",
                "Arch",
                "ToothRange"
            ]
        );
    }
}

#[test]
fn malformed_values_are_decode_errors() {
    for (field, value) in [
        ("Percent", serde_json::json!(150_000)),
        ("SecDateTEntry", serde_json::json!("21/06/2021")),
        ("BenefitType", serde_json::json!(5)),
    ] {
        let mut row = fixture_json("benefit_get.json");
        row[field] = value;
        assert!(serde_json::from_value::<Benefit>(row).is_err(), "{field}");
    }
}

fn freq(qualifier: &str, period: &str) -> Benefit {
    let mut row = fixture_json("benefit_get.json");
    row["QuantityQualifier"] = qualifier.into();
    row["TimePeriod"] = period.into();
    serde_json::from_value(row).unwrap()
}

#[test]
fn frequency_limitation_classifier_follows_open_dental() {
    for (q, p) in [
        ("Months", "None"),
        ("Years", "None"),
        ("NumberOfServices", "ServiceYear"),
        ("NumberOfServices", "CalendarYear"),
        ("NumberOfServices", "NumberInLast12Months"),
    ] {
        assert!(freq(q, p).is_frequency_limitation(), "{q} {p}");
    }
    for (q, p) in [
        ("Months", "CalendarYear"),
        ("Years", "Lifetime"),
        ("NumberOfServices", "None"),
        ("NumberOfServices", "Lifetime"),
        ("Visits", "None"),
        ("AgeLimit", "None"),
    ] {
        assert!(!freq(q, p).is_frequency_limitation(), "{q} {p}");
    }
    // Each other condition breaks it on its own.
    let base = freq("Months", "None");
    let mut b = base.clone();
    b.percent = Some(50);
    assert!(!b.is_frequency_limitation());
    let mut b = base.clone();
    b.monetary_amt = Some(Decimal::ONE);
    assert!(!b.is_frequency_limitation());
    let mut b = base.clone();
    b.coverage_level = CoverageLevel::Individual;
    assert!(!b.is_frequency_limitation());
    let mut b = base;
    b.benefit_type = BenefitType::Exclusions;
    assert!(!b.is_frequency_limitation());
}

#[cfg(feature = "od-23-2")]
#[test]
fn age_limit_classifier_follows_open_dental() {
    use benefits_sdk::opendental::{CodeGroupNum, PatPlanNum};
    let age: Benefit = serde_json::from_str(&fixture("put_response_quantity.json")).unwrap();
    assert!(age.is_age_limit());
    assert!(!age.is_frequency_limitation());
    let mut b = age.clone();
    b.code_group_num = None;
    assert!(!b.is_age_limit());
    let mut b = age.clone();
    b.quantity = 0;
    assert!(!b.is_age_limit());
    let mut b = age.clone();
    b.pat_plan_num = Some(PatPlanNum::new(3));
    assert!(!b.is_age_limit());
    let mut b = age.clone();
    b.coverage_level = CoverageLevel::Family;
    assert!(!b.is_age_limit());
    let mut b = age.clone();
    b.time_period = TimePeriod::CalendarYear;
    assert!(b.is_age_limit());
    b.time_period = TimePeriod::Lifetime;
    assert!(!b.is_age_limit());
    let mut b = age;
    b.code_group_num = Some(CodeGroupNum::new(2));
    b.benefit_type = BenefitType::Deductible;
    assert!(!b.is_age_limit());
}

/// A queue of pending writes can be stored: requests read back from the bodies they send.
#[cfg(feature = "od-25-3")]
#[test]
fn requests_read_back_from_the_bodies_they_send() {
    use benefits_sdk::opendental::{
        BenefitUpdate, CodeGroupNum, CovCatNum, NewBenefit, Owner, PatPlanNum, PlanNum,
        QuantityQualifier, TreatArea,
    };
    let news = [
        NewBenefit::coinsurance(PlanNum::new(12), CovCatNum::new(3), 80),
        NewBenefit::annual_max(
            PatPlanNum::new(30),
            benefits_sdk::opendental::CoverageLevel::Family,
            rust_decimal::Decimal::new(149999, 2),
        ),
        NewBenefit::every_n_months(PlanNum::new(12), 6)
            .code_group_num(CodeGroupNum::new(2))
            .treat_area(TreatArea::Mouth),
    ];
    for new in news {
        let body = serde_json::to_string(&new).unwrap();
        assert_eq!(
            serde_json::from_str::<NewBenefit>(&body).unwrap(),
            new,
            "{body}"
        );
    }
    let updates = [
        BenefitUpdate::new().percent(70),
        BenefitUpdate::new()
            .clear_percent()
            .clear_monetary_amt()
            .clear_cov_cat_num(),
        BenefitUpdate::new()
            .quantity(QuantityQualifier::Visits, 2)
            .code_group_num(CodeGroupNum::new(4))
            .clear_proc_code(),
        BenefitUpdate::new().monetary_amt(rust_decimal::Decimal::new(49999, 2)),
    ];
    for update in updates {
        let body = serde_json::to_string(&update).unwrap();
        assert_eq!(
            serde_json::from_str::<BenefitUpdate>(&body).unwrap(),
            update,
            "{body}"
        );
    }
    for owner in [
        Owner::Plan(PlanNum::new(1)),
        Owner::PatPlan(PatPlanNum::new(2)),
    ] {
        let text = serde_json::to_string(&owner).unwrap();
        assert_eq!(serde_json::from_str::<Owner>(&text).unwrap(), owner);
    }
    // An absent field is Keep; the API's empty value is Clear.
    let read: BenefitUpdate = serde_json::from_str(r#"{"Percent":-1,"CodeNum":0}"#).unwrap();
    assert_eq!(read, BenefitUpdate::new().clear_percent().clear_code_num());
}

/// The Open Dental models and requests go through any self-describing serde format: TOML and
/// serde_json's own `Value` here, besides JSON text. (`BenefitCheck` is JSON only: it keeps
/// its amounts as the JSON text they came in.)
#[cfg(feature = "od-25-3")]
#[test]
fn models_round_trip_through_other_self_describing_formats() {
    use benefits_sdk::opendental::{
        Benefit, BenefitUpdate, CodeGroupNum, CovCatNum, NewBenefit, PlanNum, TreatArea,
    };
    let row: Benefit = serde_json::from_str(
        r#"{"BenefitNum":14,"PlanNum":12,"PatPlanNum":0,"CovCatNum":3,"BenefitType":"CoInsurance",
            "Percent":80,"MonetaryAmt":-1.0,"TimePeriod":"CalendarYear","QuantityQualifier":"None",
            "Quantity":0,"CodeNum":0,"procCode":"","CoverageLevel":"None","CodeGroupNum":0,
            "TreatArea":"None","SecDateTEntry":"2026-01-05 09:30:00","SecDateTEdit":"2026-02-01 10:00:00"}"#,
    )
    .unwrap();
    let toml_text = toml::to_string(&row).unwrap();
    assert_eq!(
        toml::from_str::<Benefit>(&toml_text).unwrap(),
        row,
        "{toml_text}"
    );
    let value = serde_json::to_value(&row).unwrap();
    assert_eq!(serde_json::from_value::<Benefit>(value).unwrap(), row);

    let new = NewBenefit::every_n_months(PlanNum::new(12), 6)
        .code_group_num(CodeGroupNum::new(2))
        .treat_area(TreatArea::Mouth);
    let text = toml::to_string(&new).unwrap();
    assert_eq!(toml::from_str::<NewBenefit>(&text).unwrap(), new, "{text}");
    let update = BenefitUpdate::new()
        .cov_cat_num(CovCatNum::new(4))
        .clear_percent()
        .monetary_amt(rust_decimal::Decimal::new(1500, 0));
    let text = toml::to_string(&update).unwrap();
    assert_eq!(
        toml::from_str::<BenefitUpdate>(&text).unwrap(),
        update,
        "{text}"
    );
}
