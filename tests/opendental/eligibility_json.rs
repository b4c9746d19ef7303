//! A clearinghouse's eligibility JSON read as benefit rows: the three JSON fixtures
//! (`tests/fixtures/eligibility-json/`, copied from the spec's) read row for row and drop for
//! drop like their `.edi` twins, under every option; the errors, the shape checks, and the
//! spellings and forms the notes (`clearinghouse-json-notes.md`) say a reader must accept.

use benefits_sdk::Error;
use benefits_sdk::opendental::eligibility::{
    BenefitLoop, DropReason, Eligibility, EligibilityInput, EligibilitySource, Network,
    ReadOptions, RuleSet, read_271, read_eligibility,
};

use crate::eligibility::{FILE_01, FILE_02, FILE_03, office};
use crate::eligibility_rules::message;

const JSON_01: &[u8] = include_bytes!("../fixtures/eligibility-json/01-subscriber-ppo.json");
const JSON_02: &[u8] = include_bytes!("../fixtures/eligibility-json/02-network-split.json");
const JSON_03: &[u8] = include_bytes!("../fixtures/eligibility-json/03-dependent.json");

/// Each entry's EB ordinal in the `.edi` twin (the fixtures' README).
const ORDINALS_01: [usize; 32] = [
    19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 32, 34, 36, 37, 38, 39, 41, 42, 43, 44, 46, 48,
    50, 52, 54, 57, 60, 62, 64, 66,
];
const ORDINALS_02: [usize; 20] = [
    18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29, 30, 32, 33, 34, 35, 36, 37, 38, 39,
];
const ORDINALS_03: [usize; 19] = [
    18, 19, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 38, 40, 42, 44, 50,
];

fn json(input: &[u8], options: ReadOptions) -> Result<Eligibility, Error> {
    read_eligibility(&office(), EligibilityInput::Json(input), options)
}

/// Every combination of the four options.
fn every_option() -> Vec<ReadOptions> {
    let mut all = Vec::new();
    for rules in [RuleSet::OpenDental, RuleSet::Faithful] {
        for network in [Network::In, Network::Out] {
            for dependent in [false, true] {
                for inverted in [false, true] {
                    all.push(
                        ReadOptions::new()
                            .rules(rules)
                            .network(network)
                            .dependent(dependent)
                            .coinsurance_inverted(inverted),
                    );
                }
            }
        }
    }
    all
}

type Rows = Vec<(usize, String, String)>;

/// Rows and drops with the JSON's indexes mapped to the `.edi`'s ordinals; loops left out
/// (the JSON cannot carry them), every other field compared, the segment text included.
fn comparable(read: &Eligibility, ordinal: impl Fn(usize) -> usize) -> (Rows, Rows) {
    let rows = read
        .rows
        .iter()
        .map(|r| {
            (
                ordinal(r.ordinal),
                format!("{:?}", r.owner),
                format!("{:?}", r.shape),
            )
        })
        .collect();
    let dropped = read
        .dropped
        .iter()
        .map(|d| (ordinal(d.ordinal), d.reason.to_string(), d.segment.clone()))
        .collect();
    (rows, dropped)
}

fn assert_twins(json_file: &[u8], edi: &[u8], ordinals: &[usize], options: ReadOptions) {
    let from_json = json(json_file, options).unwrap();
    let from_x12 = read_271(&office(), edi, options).unwrap();
    assert_eq!(from_json.source, EligibilitySource::Json);
    assert_eq!(from_x12.source, EligibilitySource::X12);
    let loops = from_json.rows.iter().map(|r| r.loop_id);
    assert!(
        loops
            .chain(from_json.dropped.iter().map(|d| d.loop_id))
            .all(|l| l == BenefitLoop::Unknown)
    );
    let (x12_rows, x12_dropped) = comparable(&from_x12, |o| o);
    let (rows, dropped) = comparable(&from_json, |i| ordinals[i]);
    assert!(!x12_rows.is_empty() || !x12_dropped.is_empty());
    assert_eq!(rows, x12_rows, "rows under {options:?}");
    assert_eq!(dropped, x12_dropped, "drops under {options:?}");
}

#[test]
fn json_fixtures_01_and_02_read_like_their_x12_twins_under_every_option() {
    for options in every_option() {
        assert_twins(JSON_01, FILE_01, &ORDINALS_01, options);
        assert_twins(JSON_02, FILE_02, &ORDINALS_02, options);
    }
}

#[test]
fn json_fixture_03_reads_like_its_twin_where_the_loop_is_not_needed() {
    // OpenDental reads both loops alike: the loop the JSON lacks changes nothing.
    for options in every_option()
        .into_iter()
        .filter(|o| o.rules == RuleSet::OpenDental)
    {
        assert_twins(JSON_03, FILE_03, &ORDINALS_03, options);
    }
    // Faithful reads only the patient's own loop, which the JSON cannot name once the
    // response has a dependent: every entry says so, with the EB it was made from.
    for dependent in [true, false] {
        let options = ReadOptions::new().dependent(dependent);
        let from_x12 = read_271(&office(), FILE_03, options).unwrap();
        assert!(!from_x12.rows.is_empty());
        let from_json = json(JSON_03, options).unwrap();
        assert!(from_json.rows.is_empty());
        assert_eq!(from_json.dropped.len(), ORDINALS_03.len());
        let text = String::from_utf8_lossy(FILE_03);
        for (i, d) in from_json.dropped.iter().enumerate() {
            assert_eq!((d.ordinal, d.reason), (i, DropReason::UnknownLoop));
            assert_eq!(d.loop_id, BenefitLoop::Unknown);
            assert!(text.contains(&format!("{}~", d.segment)), "{}", d.segment);
        }
    }
    // Without the dependent there is no 2110D: every entry is the one loop's, and is read.
    let mut response: serde_json::Value = serde_json::from_slice(JSON_03).unwrap();
    response["dependents"] = serde_json::json!([]);
    let read = json(&serde_json::to_vec(&response).unwrap(), ReadOptions::new()).unwrap();
    assert!(!read.rows.is_empty());
    assert!(
        read.dropped
            .iter()
            .all(|d| d.reason != DropReason::UnknownLoop)
    );
    assert_eq!(DropReason::UnknownLoop.to_string(), "unknown_loop");
}

#[test]
fn json_results_say_what_they_were_read_from_and_hold_no_member_data() {
    let read = json(
        JSON_03,
        ReadOptions::new()
            .rules(RuleSet::OpenDental)
            .dependent(true),
    )
    .unwrap();
    let serialized = serde_json::to_value(&read).unwrap();
    assert_eq!(serialized["source"], "json");
    assert_eq!(serialized["rows"][0]["loop"], "unknown");
    // The entry's index: the first row is entry 10's, the last of entry 0's duplicates, kept at
    // the first one's place (Open Dental's dictionary overwrite).
    assert_eq!(serialized["rows"][0]["ordinal"], 10);
    let everything = format!("{read:?} {serialized}");
    for member in [
        "SAMPLE",
        "AVERY",
        "JUNIPER",
        "ZQX000445503",
        "20140921",
        "19800203",
        "GRP40711",
        "FICTION",
        "8005550142",
        "HAZEL",
    ] {
        assert!(!everything.contains(member), "{member} leaked");
    }
    // An X12 result without a source (an older serialization) reads as X12.
    let mut old =
        serde_json::to_value(read_271(&office(), FILE_01, ReadOptions::new()).unwrap()).unwrap();
    old.as_object_mut().unwrap().remove("source");
    let back: Eligibility = serde_json::from_value(old).unwrap();
    assert_eq!(back.source, EligibilitySource::X12);
}

fn error_of(input: &str) -> benefits_sdk::EligibilityError {
    match json(input.as_bytes(), ReadOptions::new()) {
        Err(Error::Eligibility(e)) => e,
        other => panic!("{input}: {other:?}"),
    }
}

#[test]
fn json_errors_and_aaa_errors_are_a_processing_error_with_no_rows() {
    let entry = r#"{"code": "F", "coverageLevelCode": "IND", "serviceTypeCodes": ["35"], "timeQualifierCode": "23", "benefitAmount": "1500"}"#;
    let rejected = format!(
        r#"{{"benefitsInformation": [{entry}], "subscriber": {{"firstName": "ROWAN"}},
            "errors": [{{"field": "AAA", "code": "72", "description": "Invalid/Missing Subscriber/Insured ID",
            "followupAction": "Please Correct and Resubmit", "location": "Loop 2100C",
            "possibleResolutions": "Check the member ID."}}]}}"#
    );
    let error = error_of(&rejected);
    assert_eq!(error.name(), "processing_error");
    assert_eq!(
        error.to_string(),
        "the carrier or clearinghouse reported an error (field \"AAA\", code \"72\"): the \
         response holds no benefits"
    );
    // Words that could name the member are never echoed.
    let worded = r#"{"errors": [{"code": "72 ZQX000123401", "description": "ROWAN not found"}]}"#;
    let shown = format!("{} {:?}", error_of(worded), error_of(worded));
    assert!(
        !shown.contains("ZQX000123401") && !shown.contains("ROWAN"),
        "{shown}"
    );
    // A clearinghouse's own error (no field), and an AAA only under a party's aaaErrors.
    let own = r#"{"errors": [{"code": "71", "location": "subscriber_level_HL_loop"}], "status": "ERROR"}"#;
    assert_eq!(error_of(own).name(), "processing_error");
    for party in ["payer", "provider", "subscriber"] {
        let aaa = format!(
            r#"{{"benefitsInformation": [{entry}], "errors": [], "{party}": {{"aaaErrors": [{{"field": "AAA", "code": "42"}}]}}}}"#
        );
        assert_eq!(error_of(&aaa).name(), "processing_error", "{party}");
    }
    let dependent = format!(
        r#"{{"benefitsInformation": [{entry}], "dependents": [{{"aaaErrors": [{{"code": "73"}}]}}]}}"#
    );
    assert!(error_of(&dependent).to_string().contains("code \"73\""));
    // `errors: []` and empty aaaErrors are no error.
    let fine = format!(
        r#"{{"benefitsInformation": [{entry}], "errors": [], "payer": {{"aaaErrors": []}}}}"#
    );
    assert_eq!(
        json(fine.as_bytes(), ReadOptions::new())
            .unwrap()
            .rows
            .len(),
        1
    );
}

#[test]
fn json_of_another_shape_is_not_eligibility_json_and_quotes_no_value() {
    for input in [
        "",
        "not json",
        "[]",
        "[{\"benefitsInformation\": []}]",
        "\"benefitsInformation\"",
        "{}",
        "{\"planStatus\": []}",
        "{\"benefitsInformation\": \"SMITH\"}",
        "{\"benefitsInformation\": [{\"benefitAmount\": [\"SMITH\"]}]}",
        "{\"benefitsInformation\": [{\"code\": true}]}",
        "{\"benefitsInformation\": [], \"dependents\": \"SMITH\"}",
        "{\"benefitsInformation\": []} trailing SMITH",
        "{\"benefitsInformation\": [",
    ] {
        let error = error_of(input);
        assert_eq!(error.name(), "not_eligibility_json", "{input}");
        let text = error.to_string();
        assert!(text.starts_with("not eligibility JSON: "), "{text}");
        assert!(!text.contains("SMITH"), "{text}");
    }
    let wrong = error_of("{\"benefitsInformation\": [{}, {\"benefitAmount\": {}}]}");
    assert!(
        wrong
            .to_string()
            .contains("at benefitsInformation[1].benefitAmount"),
        "{wrong}"
    );
}

/// The X12 message holding one EB, and the same EB as a JSON entry, read alike.
fn alike(eb: &str, entry: &str, options: ReadOptions) -> Eligibility {
    let from_x12 = read_271(&office(), message(eb), options).unwrap();
    let input = format!(r#"{{"benefitsInformation": [{entry}]}}"#);
    let from_json = json(input.as_bytes(), options).unwrap();
    let shapes =
        |e: &Eligibility| format!("{:?}", e.rows.iter().map(|r| &r.shape).collect::<Vec<_>>());
    let drops = |e: &Eligibility| {
        e.dropped
            .iter()
            .map(|d| (d.reason, d.segment.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(shapes(&from_json), shapes(&from_x12), "{entry}");
    assert_eq!(drops(&from_json), drops(&from_x12), "{entry}");
    from_json
}

#[test]
fn json_eb13_reads_with_either_qualifier_spelling() {
    for qualifier in [
        "productOrServiceIdQualifierCode",
        "productOrServiceIDQualifierCode",
    ] {
        let entry = format!(
            r#"{{"code": "F", "compositeMedicalProcedureIdentifier": {{"{qualifier}": "AD", "procedureCode": "D0120"}},
                "benefitsServiceDelivery": [{{"quantityQualifierCode": "VS", "quantity": "2", "timePeriodQualifierCode": "23"}}]}}"#
        );
        for rules in [RuleSet::OpenDental, RuleSet::Faithful] {
            let read = alike(
                "EB*F************AD:D0120~HSD*VS*2***23",
                &entry,
                ReadOptions::new().rules(rules),
            );
            assert_eq!(read.rows.len(), 1, "{qualifier} {rules:?}");
        }
        // The rebuilt text carries the qualifier, whichever spelling it came in.
        let unknown = entry.replace("\"code\": \"F\"", "\"code\": \"X\"");
        let read = alike(
            "EB*X************AD:D0120~HSD*VS*2***23",
            &unknown,
            ReadOptions::new(),
        );
        assert_eq!(read.dropped[0].segment, "EB*X************AD:D0120");
    }
    // Modifiers, a range end and EB14 go where C003 and EB14 put them; the code alone is read.
    let full = r#"{"code": "F", "compositeMedicalProcedureIdentifier": {"productOrServiceIdQualifierCode": "AD",
        "procedureCode": "D0120", "procedureModifiers": ["A1"], "productOrServiceID": "D0125",
        "diagnosisCodePointer": ["1", "2"]}, "benefitsServiceDelivery": [{"quantityQualifierCode": "VS", "quantity": "2", "timePeriodQualifierCode": "23"}]}"#;
    alike(
        "EB*F************AD:D0120:A1:::::D0125*1:2~HSD*VS*2***23",
        full,
        ReadOptions::new(),
    );
}

#[test]
fn json_eb03_arrays_join_with_a_caret_as_one_element() {
    let entry = r#"{"code": "A", "serviceTypeCodes": ["23", "41"], "benefitPercent": "0.2"}"#;
    let od = alike(
        "EB*A**23^41*****0.2",
        entry,
        ReadOptions::new().rules(RuleSet::OpenDental),
    );
    assert_eq!(od.dropped[0].reason, DropReason::PercentWithoutCategory);
    assert_eq!(od.dropped[0].segment, "EB*A**23^41*****0.2");
    let faithful = alike("EB*A**23^41*****0.2", entry, ReadOptions::new());
    assert_eq!(faithful.rows.len(), 2);
    // Active coverage on 30^35 is kept without a category, never unsupported_service_type.
    let active = r#"{"code": "1", "serviceTypeCodes": ["30", "35"]}"#;
    alike(
        "EB*1**30^35",
        active,
        ReadOptions::new().rules(RuleSet::OpenDental),
    );
    // An empty array, "" and null are all "no EB03".
    for none in ["[]", "[\"\"]", "null", "[null]"] {
        let entry =
            format!(r#"{{"code": "A", "serviceTypeCodes": {none}, "benefitPercent": "0.2"}}"#);
        alike("EB*A*******0.2", &entry, ReadOptions::new());
    }
}

#[test]
fn json_numbers_read_as_strings_or_numbers_and_empty_is_absent() {
    let as_text = r#"{"code": "F", "coverageLevelCode": "IND", "serviceTypeCodes": ["35"], "timeQualifierCode": "23", "benefitAmount": "1125.50"}"#;
    let as_number = r#"{"code": "F", "coverageLevelCode": "IND", "serviceTypeCodes": [35], "timeQualifierCode": 23, "benefitAmount": 1125.50}"#;
    let text = alike("EB*F*IND*35***23*1125.50", as_text, ReadOptions::new());
    let number = alike("EB*F*IND*35***23*1125.5", as_number, ReadOptions::new());
    assert_eq!(text.rows, number.rows);
    for (value, eb08) in [
        ("\"0.4\"", "0.4"),
        ("0.4", "0.4"),
        ("4e-1", "0.4"),
        ("0", "0"),
    ] {
        let entry =
            format!(r#"{{"code": "A", "serviceTypeCodes": ["25"], "benefitPercent": {value}}}"#);
        alike(
            &format!("EB*A**25*****{eb08}"),
            &entry,
            ReadOptions::new().rules(RuleSet::OpenDental),
        );
    }
    let quantity = r#"{"code": "F", "serviceTypeCodes": ["41"], "quantityQualifierCode": "S7", "benefitQuantity": 19}"#;
    alike("EB*F**41******S7*19", quantity, ReadOptions::new());
    let big = r#"{"code": "F", "serviceTypeCodes": ["41"], "quantityQualifierCode": "S7", "benefitQuantity": 1e20}"#;
    let read = alike(
        "EB*F**41******S7*100000000000000000000",
        big,
        ReadOptions::new(),
    );
    assert_eq!(read.dropped[0].reason, DropReason::QuantityTooLarge);
    // "" and null are an absent key: EB07 empty, so the limitation has no amount.
    for none in ["\"\"", "null"] {
        let entry = format!(
            r#"{{"code": "F", "coverageLevelCode": "IND", "serviceTypeCodes": ["35"], "benefitAmount": {none}, "planCoverage": ""}}"#
        );
        let read = alike(
            "EB*F*IND*35",
            &entry,
            ReadOptions::new().rules(RuleSet::OpenDental),
        );
        assert_eq!(read.dropped[0].reason, DropReason::LimitationWithoutAmount);
    }
    // A delimiter inside a value cannot split the rebuilt segment.
    let starred = r#"{"code": "F", "coverageLevelCode": "IND", "serviceTypeCodes": ["35"], "planCoverage": "GOLD*PPO:A^B", "timeQualifierCode": "23", "benefitAmount": "1500"}"#;
    let read = alike(
        "EB*F*IND*35**GOLD?PPO?A?B*23*1500",
        starred,
        ReadOptions::new(),
    );
    assert_eq!(read.rows.len(), 1);
}

#[test]
fn the_one_entry_point_sniffs_either_form() {
    let sniffed =
        |bytes: &[u8]| matches!(EligibilityInput::sniff(bytes), EligibilityInput::Json(_));
    assert!(sniffed(JSON_01));
    assert!(sniffed(b"\xEF\xBB\xBF \r\n{}"));
    assert!(sniffed(b"[1]"));
    assert!(!sniffed(FILE_01));
    assert!(!sniffed(b""));
    let options = ReadOptions::new();
    let x12 = read_eligibility(&office(), EligibilityInput::sniff(FILE_01), options).unwrap();
    assert_eq!(x12, read_271(&office(), FILE_01, options).unwrap());
    let from_json = read_eligibility(&office(), EligibilityInput::sniff(JSON_01), options).unwrap();
    assert_eq!(from_json.rows.len(), x12.rows.len());
}

/// The JSON entry a clearinghouse makes of an EB segment (and the HSD after it), by the
/// notes' field table; empty elements left out.
fn entry_of(segments: &str) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let mut parts = segments.split('~');
    let eb: Vec<&str> = parts.next().unwrap_or_default().split('*').collect();
    let at = |n: usize| eb.get(n).copied().unwrap_or("");
    let mut entry = Map::new();
    let names = [
        (1, "code"),
        (2, "coverageLevelCode"),
        (4, "insuranceTypeCode"),
        (5, "planCoverage"),
        (6, "timeQualifierCode"),
        (7, "benefitAmount"),
        (8, "benefitPercent"),
        (9, "quantityQualifierCode"),
        (10, "benefitQuantity"),
        (11, "authOrCertIndicator"),
        (12, "inPlanNetworkIndicatorCode"),
    ];
    for (n, name) in names {
        if !at(n).is_empty() {
            entry.insert(name.into(), json!(at(n)));
        }
    }
    if !at(3).is_empty() {
        entry.insert(
            "serviceTypeCodes".into(),
            json!(at(3).split('^').collect::<Vec<_>>()),
        );
    }
    if !at(13).is_empty() {
        let c: Vec<&str> = at(13).split(':').collect();
        let mut procedure = Map::new();
        procedure.insert("productOrServiceIdQualifierCode".into(), json!(c[0]));
        if let Some(code) = c.get(1) {
            procedure.insert("procedureCode".into(), json!(code));
        }
        entry.insert(
            "compositeMedicalProcedureIdentifier".into(),
            Value::Object(procedure),
        );
    }
    if let Some(hsd) = parts.next() {
        let h: Vec<&str> = hsd.split('*').collect();
        let keys = [
            (1, "quantityQualifierCode"),
            (2, "quantity"),
            (5, "timePeriodQualifierCode"),
            (6, "numOfPeriods"),
        ];
        let mut delivery = Map::new();
        for (n, key) in keys {
            if let Some(v) = h.get(n).filter(|v| !v.is_empty()) {
                delivery.insert(key.into(), json!(v));
            }
        }
        entry.insert("benefitsServiceDelivery".into(), json!([delivery]));
    }
    Value::Object(entry)
}

fn scalar() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    use serde_json::json;
    prop_oneof![
        Just(json!(null)),
        Just(json!("")),
        Just(json!("A")),
        Just(json!("30")),
        Just(json!("1e400")),
        Just(json!(1.5e300)),
        Just(json!(-0.0)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!("*:^~")),
        Just(json!(true)),
        Just(json!([])),
        Just(json!(["30", 35, null])),
        Just(json!({})),
        Just(json!({"procedureCode": "D0120"})),
        Just(json!([{"quantity": "2", "timePeriodQualifierCode": 23}])),
    ]
}

mod properties {
    use super::*;
    use crate::eligibility_rules::eb_segment;
    use proptest::prelude::*;

    fn any_options() -> impl Strategy<Value = ReadOptions> {
        (0..every_option().len()).prop_map(|i| every_option()[i])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any EB segments, as a clearinghouse would send them in JSON, read exactly as the
        /// X12 does: the same rows and the same drops with the same (rebuilt) text.
        #[test]
        fn json_entries_read_like_the_x12_they_were_made_from(
            ebs in proptest::collection::vec(eb_segment(), 1..6),
            options in any_options(),
        ) {
            let from_x12 = read_271(&office(), message(&ebs.join("~")), options).unwrap();
            let entries: Vec<_> = ebs.iter().map(|eb| entry_of(eb)).collect();
            let body = serde_json::json!({"benefitsInformation": entries, "errors": []});
            let from_json = json(&serde_json::to_vec(&body).unwrap(), options).unwrap();
            // The X12 message's EBs sit at ordinals 8, 9… (an HSD takes one more).
            let mut ordinals = Vec::new();
            let mut next = 8;
            for eb in &ebs {
                ordinals.push(next);
                next += 1 + eb.matches('~').count();
            }
            let (rows, dropped) = comparable(&from_json, |i| ordinals[i]);
            let (x12_rows, mut x12_dropped) = comparable(&from_x12, |o| o);
            // The JSON leaves empty elements out, so a rebuilt EB has no trailing `*`.
            for (_, _, text) in &mut x12_dropped {
                *text = text.trim_end_matches('*').to_owned();
            }
            prop_assert_eq!(rows, x12_rows);
            prop_assert_eq!(dropped, x12_dropped);
        }

        /// Any bytes, and any value in any field, read or fail with a typed error: never a
        /// panic.
        #[test]
        fn any_json_reads_or_fails_without_panicking(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
            fields in proptest::collection::vec((0..20usize, scalar()), 0..8),
            options in any_options(),
        ) {
            let _ = json(&bytes, options);
            let mut framed = b"{\"benefitsInformation\": [".to_vec();
            framed.extend_from_slice(&bytes);
            let _ = json(&framed, options);
            let names = [
                "code", "coverageLevelCode", "serviceTypeCodes", "insuranceTypeCode",
                "planCoverage", "timeQualifierCode", "benefitAmount", "benefitPercent",
                "quantityQualifierCode", "benefitQuantity", "authOrCertIndicator",
                "inPlanNetworkIndicatorCode", "compositeMedicalProcedureIdentifier",
                "benefitsServiceDelivery", "additionalInformation", "errors", "dependents",
                "subscriber", "planStatus", "x12",
            ];
            let mut entry = serde_json::Map::new();
            for (name, value) in fields {
                entry.insert(names[name].into(), value);
            }
            let body = serde_json::json!({"benefitsInformation": [entry]});
            match json(&serde_json::to_vec(&body).unwrap(), options) {
                Ok(read) => prop_assert_eq!(read.rows.len() + read.dropped.len() > 0, true),
                Err(Error::Eligibility(e)) => prop_assert!(e.name() == "not_eligibility_json"),
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }
    }
}

/// What the JSON says of the plan is what its X12 twin says: the group number (the
/// subscriber's, else the dependent's, the plan information's or an entry's), the policy or
/// plan dates, coverage inactive; and the request's dependent flag.
#[test]
fn json_says_of_the_plan_what_its_x12_twin_says() {
    for (x12, json_file) in [(FILE_01, JSON_01), (FILE_03, JSON_03)] {
        let options = ReadOptions::new().dependent(true);
        let from_json = json(json_file, options).unwrap();
        let from_x12 = read_271(&office(), x12, options).unwrap();
        assert_eq!(from_json.plan, from_x12.plan);
        assert!(from_json.plan.group_number.is_some());
        assert!(from_json.plan.starts.is_some());
        assert!(from_json.dependent);
    }
}

/// An entry's `additionalInformation` says a waiting period as X12's MSG does: MN/YY with no
/// amount is one only then (`Faithful`). Any other shape of the field says nothing and fails
/// nothing.
#[test]
fn an_additional_information_saying_waiting_makes_a_waiting_period() {
    let entry = |extra: &str| {
        format!(
            r#"{{"benefitsInformation": [{{"code": "F", "coverageLevelCode": "IND",
                "serviceTypeCodes": ["39"], "quantityQualifierCode": "MN",
                "benefitQuantity": "12"{extra}}}]}}"#
        )
    };
    let said = entry(r#", "additionalInformation": [{"description": "12 MONTH WAITING PERIOD"}]"#);
    let read = json(said.as_bytes(), ReadOptions::new()).unwrap();
    assert!(read.dropped.is_empty(), "{:?}", read.dropped);
    assert!(matches!(
        read.rows[0].shape,
        benefits_sdk::opendental::BenefitShape::WaitingPeriod { wait: 12, .. }
    ));
    for unsaid in [
        String::new(),
        r#", "additionalInformation": [{"description": "PROSTHODONTICS"}]"#.to_owned(),
        r#", "additionalInformation": "WAITING""#.to_owned(),
        r#", "additionalInformation": [{"description": ["WAITING"]}]"#.to_owned(),
    ] {
        let read = json(entry(&unsaid).as_bytes(), ReadOptions::new()).unwrap();
        assert_eq!(
            read.dropped.iter().map(|d| d.reason).collect::<Vec<_>>(),
            [DropReason::WaitingPeriodNotStated],
            "{unsaid}"
        );
    }
}
