//! No panic, whatever the bytes: every response decoder, fed arbitrary JSON and mutated spec
//! examples, returns `Ok` or a typed error.

use benefits_sdk::Error;
use benefits_sdk::cervey::BenefitCheck;
use benefits_sdk::opendental::Benefit;
use proptest::collection::{hash_map, vec};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::Value;

/// Field names of both APIs, so that generated objects reach past the first key lookup.
const FIELDS: &[&str] = &[
    "BenefitNum",
    "PlanNum",
    "PatPlanNum",
    "CovCatNum",
    "BenefitType",
    "Percent",
    "MonetaryAmt",
    "TimePeriod",
    "QuantityQualifier",
    "Quantity",
    "CodeNum",
    "procCode",
    "CoverageLevel",
    "SecDateTEntry",
    "SecDateTEdit",
    "CodeGroupNum",
    "TreatArea",
    "claimHistories",
    "maxOutOfPockets",
    "deductibles",
    "interval",
    "startDate",
    "endDate",
    "moop",
    "deductible",
    "isPeriodMOOPMet",
    "isPeriodDeductibleMet",
    "maxOutOfPocketRates",
    "deductibleRates",
    "effectiveStartDate",
    "personAmount",
    "familyAmount",
    "id",
    "groupPlanNo",
    "Message",
    "MessageDetail",
    "ModelState",
    "planPaidAmountMember",
    "rxDeductibleMember",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            ".{0,24}",
            Just("0001-01-01 00:00:00".to_owned()),
            Just("2025-07-16T15:12:18.9921369-05:00".to_owned()),
            Just("Limitations".to_owned()),
            Just("1e999999".to_owned()),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 96, 10, |inner| {
        let key = prop_oneof![select(FIELDS).prop_map(str::to_owned), "[A-Za-z]{0,10}"];
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            hash_map(key, inner, 0..12).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A spec example with some bytes replaced and perhaps cut short.
fn mutated(fixture: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let original = crate::common::fixture(fixture).into_bytes();
    (
        vec((any::<Index>(), any::<u8>()), 0..6),
        proptest::option::of(any::<Index>()),
    )
        .prop_map(move |(edits, cut)| {
            let mut bytes = original.clone();
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
}

// The public decoders, which decode as the clients do.
fn decode_benefits(body: &[u8]) -> Result<Vec<Benefit>, Error> {
    Benefit::page_from_json(body)
}

fn decode_benefit(body: &[u8]) -> Result<Benefit, Error> {
    Benefit::from_json(body)
}

fn decode_benefit_check(body: &[u8]) -> Result<BenefitCheck, Error> {
    BenefitCheck::from_json(body)
}

fn typed<T>(result: Result<T, Error>) -> bool {
    match result {
        Ok(_) => true,
        Err(Error::Decode(e)) => !e.path.is_empty() && !e.reason.is_empty(),
        Err(_) => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in arb_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        prop_assert!(typed(decode_benefits(&bytes)));
        prop_assert!(typed(decode_benefit(&bytes)));
        prop_assert!(typed(decode_benefit_check(&bytes)));
    }

    #[test]
    fn arbitrary_rows_in_a_list_never_panic(rows in vec(arb_json(), 0..4)) {
        let bytes = serde_json::to_vec(&rows).unwrap();
        prop_assert!(typed(decode_benefits(&bytes)));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        prop_assert!(typed(decode_benefits(&bytes)));
        prop_assert!(typed(decode_benefit_check(&bytes)));
    }

    #[test]
    fn mutated_benefit_pages_never_panic(bytes in mutated("benefit_list.json")) {
        prop_assert!(typed(decode_benefits(&bytes)));
    }

    #[test]
    fn mutated_benefits_never_panic(bytes in mutated("benefit_get.json")) {
        prop_assert!(typed(decode_benefit(&bytes)));
    }

    #[test]
    fn mutated_benefit_checks_never_panic(bytes in mutated("benefitcheck_sample.json")) {
        prop_assert!(typed(decode_benefit_check(&bytes)));
    }
}

#[test]
fn decode_errors_name_a_path_and_never_quote_the_body() {
    let err = decode_benefit_check(br#"{"claimHistories":[{"startDate":"Jane Doe 1961-02-03"}]}"#)
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("claimHistories[0]"), "{text}");
    assert!(!text.contains("Jane"), "{text}");
}
