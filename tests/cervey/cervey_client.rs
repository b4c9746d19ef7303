//! BenefitCheckClient against wiremock: the exact signed request, the typed result from the
//! page's sample, odd shapes, error bodies and re-signed retries.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::common::{fast_retries, fixture, fixture_json, mount_first};
use benefits_sdk::cervey::{
    BenefitCheck, BenefitCheckClient, BenefitCheckClientBuilder, BenefitCheckQuery, BenefitCodeNo,
    ClaimHistory, Interval, MemberNo, NtcSigner, PayerDateTime,
};
use benefits_sdk::{Error, StatusCode};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use wiremock::matchers::{header, method, path};
use wiremock::{Match, Mock, MockBuilder, MockServer, Request, ResponseTemplate};

const APP_ID: &str = "0F4575AB5CDE496E96A2C8CEC4AEFE57C82C007A29974A8E8D4335F70CC140F9";
const API_KEY: &str = "RsMhYGkrSq9ty7+t2vG3kdcJSLbDbrwn13+ldP6KoXY=";
const MEMBER: MemberNo = MemberNo::new(4_815_162);

fn signer() -> NtcSigner {
    NtcSigner::new(APP_ID, API_KEY).unwrap()
}

/// What the server does: rebuild the absolute URL from the Host header and the request line,
/// recompute the signature and compare.
struct SignatureOk;

impl Match for SignatureOk {
    fn matches(&self, request: &Request) -> bool {
        verify(request).is_some()
    }
}

/// The (nonce, timestamp) of a request whose signature verifies.
fn verify(request: &Request) -> Option<(String, u64)> {
    let auth = request.headers.get("Authorization")?.to_str().ok()?;
    let rest = auth.strip_prefix("ntc ")?;
    let parts: Vec<&str> = rest.split(':').collect();
    let [app_id, signature, nonce, timestamp] = parts[..] else {
        return None;
    };
    let host = request.headers.get("Host")?.to_str().ok()?;
    let mut absolute = format!("http://{host}{}", request.url.path());
    if let Some(q) = request.url.query() {
        absolute.push('?');
        absolute.push_str(q);
    }
    let ts: u64 = timestamp.parse().ok()?;
    let expected = signer().signature(request.method.as_str(), &absolute, ts, nonce);
    (app_id == APP_ID && signature == expected).then(|| (nonce.to_owned(), ts))
}

fn builder(server: &MockServer) -> BenefitCheckClientBuilder {
    BenefitCheckClient::builder()
        .credentials(APP_ID, API_KEY)
        .base_url(format!("{}/api/", server.uri()))
        .retry_policy(fast_retries())
}

fn client(server: &MockServer) -> BenefitCheckClient {
    builder(server).build().unwrap()
}

fn expect_check() -> MockBuilder {
    Mock::given(method("GET"))
        .and(path("/api/benefitcheck"))
        .and(header("Accept", "application/json"))
        .and(SignatureOk)
}

fn json(status: u16, body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), "application/json")
}

#[tokio::test]
async fn sends_the_exact_signed_request_and_decodes_the_sample() {
    let server = MockServer::start().await;
    expect_check()
        .and(crate::common::QueryIs(Some(
            "memberNo=4815162&benefitCodeNo=12&dateOfService=2025-07-16&excludeClaimsAfterDateOfService=true",
        )))
        .and(crate::common::NoBody)
        .respond_with(json(200, fixture("benefitcheck_sample.json")))
        .expect(1)
        .mount(&server)
        .await;
    let query = BenefitCheckQuery::new(MEMBER)
        .benefit_code(BenefitCodeNo::new(12))
        .date_of_service(NaiveDate::from_ymd_opt(2025, 7, 16).unwrap())
        .exclude_claims_after_date_of_service(true);
    let check = client(&server).benefit_check(&query).await.unwrap();

    assert_eq!(check.claim_histories.len(), 2);
    let h = &check.claim_histories[0];
    let one = Some(Decimal::new(10, 1));
    assert_eq!(h.amount_applied_to_periodic_deductible_member, one);
    assert_eq!(
        h.amount_applied_to_periodic_deductible_member
            .unwrap()
            .to_string(),
        "1.0"
    );
    assert_eq!(h.plan_incentive_amount_member, one);
    assert_eq!(h.rx_plan_paid_amount_family, one);
    assert_eq!(h.accumulator_deductible_applied_member, one);
    assert_eq!(h.other_claim_out_of_pocket_limit_family, one);
    assert_eq!(h.claim_adj_plan_paid_amount_family, one);
    assert_eq!(h.interval, Interval::Unknown("sample string 1".into()));
    assert_eq!(
        h.benefit_code_description.as_deref(),
        Some("sample string 2")
    );
    let start = h.start_date.with_offset().unwrap();
    assert_eq!(start.offset().local_minus_utc(), -5 * 3600);
    assert_eq!(start.timestamp_subsec_nanos(), 992_136_900);
    assert_eq!(
        h.start_date.date_naive(),
        NaiveDate::from_ymd_opt(2025, 7, 16).unwrap()
    );

    assert_eq!(check.max_out_of_pockets.len(), 2);
    let moop = &check.max_out_of_pockets[0];
    assert!(moop.is_period_moop_met);
    assert_eq!(moop.moop.id.get(), 5);
    assert_eq!(moop.moop.group_plan_no.get(), 1);
    assert_eq!(moop.moop.url.as_deref(), Some("sample string 4"));
    assert_eq!(moop.moop.description.as_deref(), Some("sample string 2"));
    assert_eq!(
        moop.moop.member_portal_description.as_deref(),
        Some("sample string 3")
    );
    assert_eq!(moop.moop.person_amount, one);
    assert_eq!(moop.moop.family_amount, one);
    let rate = &moop.moop.max_out_of_pocket_rates[1];
    assert_eq!(rate.id.get(), 4);
    assert_eq!(rate.max_out_of_pocket_no.get(), 2);
    assert_eq!(rate.person_amount, Decimal::new(10, 1));

    assert_eq!(check.deductibles.len(), 2);
    let ded = &check.deductibles[1];
    assert!(ded.is_period_deductible_met);
    assert_eq!(ded.deductible.deductible_rates.len(), 2);
    assert_eq!(ded.deductible.deductible_rates[0].deductible_no.get(), 2);
    assert_eq!(
        ded.deductible.deductible_rates[0].url.as_deref(),
        Some("sample string 3")
    );
}

#[tokio::test]
async fn unset_parameters_are_left_out_and_false_is_sent() {
    let server = MockServer::start().await;
    expect_check()
        .and(crate::common::QueryIs(Some("memberNo=4815162")))
        .respond_with(json(200, "{}"))
        .expect(1)
        .mount(&server)
        .await;
    expect_check()
        .and(crate::common::QueryIs(Some(
            "memberNo=4815162&excludeClaimsAfterDateOfService=false",
        )))
        .respond_with(json(200, "{}"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let empty = c
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap();
    assert_eq!(empty, BenefitCheck::default());
    c.benefit_check(&BenefitCheckQuery::new(MEMBER).exclude_claims_after_date_of_service(false))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_injected_clock_and_nonce_give_the_exact_authorization() {
    let server = MockServer::start().await;
    let url = format!("{}/api/benefitcheck?memberNo=4815162", server.uri());
    let nonce = "7ca9e83609f74bdcbf3199d6c410fff5";
    let want = signer().authorization("GET", &url, 1_527_025_062, nonce);
    expect_check()
        .and(header("Authorization", want.as_str()))
        .respond_with(json(200, "{}"))
        .expect(1)
        .mount(&server)
        .await;
    builder(&server)
        .clock(|| 1_527_025_062)
        .nonce_source(|| "7ca9e83609f74bdcbf3199d6c410fff5".to_owned())
        .build()
        .unwrap()
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_retry_is_signed_again_with_a_new_nonce() {
    let server = MockServer::start().await;
    mount_first(&server, expect_check(), 2, ResponseTemplate::new(503)).await;
    expect_check()
        .respond_with(json(200, fixture("benefitcheck_sample.json")))
        .expect(1)
        .mount(&server)
        .await;
    let counter = Arc::new(AtomicU64::new(0));
    let clock_counter = counter.clone();
    let c = builder(&server)
        .clock(move || 1_700_000_000 + clock_counter.fetch_add(1, Ordering::SeqCst))
        .build()
        .unwrap();
    c.benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap();
    let signed: Vec<(String, u64)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| verify(r).expect("every attempt verifies"))
        .collect();
    assert_eq!(signed.len(), 3);
    let mut nonces: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a nonce was reused: {signed:?}");
    let stamps: Vec<u64> = signed.iter().map(|(_, t)| *t).collect();
    assert_eq!(stamps, [1_700_000_000, 1_700_000_001, 1_700_000_002]);
}

#[test]
fn null_and_missing_collections_are_empty() {
    for body in [
        r#"{}"#,
        r#"{"claimHistories": null, "maxOutOfPockets": null, "deductibles": null}"#,
        r#"{"claimHistories": [], "somethingNew": {"x": 1}}"#,
    ] {
        let check: BenefitCheck = serde_json::from_str(body).unwrap();
        assert_eq!(check, BenefitCheck::default(), "{body}");
    }
    let mut sample = fixture_json("benefitcheck_sample.json");
    sample["maxOutOfPockets"][0]["moop"]["maxOutOfPocketRates"] = serde_json::Value::Null;
    sample["deductibles"][0]["deductible"]
        .as_object_mut()
        .unwrap()
        .remove("deductibleRates");
    let check: BenefitCheck = serde_json::from_value(sample).unwrap();
    assert!(
        check.max_out_of_pockets[0]
            .moop
            .max_out_of_pocket_rates
            .is_empty()
    );
    assert!(check.deductibles[0].deductible.deductible_rates.is_empty());
}

#[test]
fn a_null_or_missing_amount_does_not_fail_the_check() {
    let mut sample = fixture_json("benefitcheck_sample.json");
    let history = sample["claimHistories"][0].as_object_mut().unwrap();
    history.insert("planPaidAmountMember".into(), serde_json::Value::Null);
    history.remove("rxDeductibleFamily");
    let body = serde_json::to_vec(&sample).unwrap();
    for check in [
        serde_json::from_slice::<BenefitCheck>(&body).unwrap(),
        serde_json::from_value::<BenefitCheck>(sample.clone()).unwrap(),
    ] {
        let h = &check.claim_histories[0];
        assert_eq!(h.plan_paid_amount_member, None);
        assert_eq!(h.rx_deductible_family, None);
        // The others are still read, to the digit.
        assert_eq!(h.plan_paid_amount_family, Some(Decimal::new(10, 1)));
        // And a null goes back out as null.
        let back = serde_json::to_value(&check).unwrap();
        assert!(back["claimHistories"][0]["planPaidAmountMember"].is_null());
    }
}

#[test]
fn fractions_offsets_intervals_and_pascal_case() {
    let mut sample = fixture_json("benefitcheck_sample.json");
    let histories = sample["claimHistories"].as_array_mut().unwrap();
    histories[0]["interval"] = "Period".into();
    histories[0]["startDate"] = "2025-12-09T20:11:46.140252-06:00".into();
    histories[0]["endDate"] = "2025-12-31T00:00:00".into();
    histories[1]["interval"] = "Lifetime".into();
    let mut pascal = serde_json::Map::new();
    for (k, v) in sample.as_object().unwrap() {
        let mut key = k.clone();
        key[..1].make_ascii_uppercase();
        pascal.insert(key, v.clone());
    }
    pascal.insert(
        "Deductibles".into(),
        serde_json::json!([{
            "IsPeriodDeductibleMet": false,
            "Deductible": {
                "Url": null, "Id": 9, "GroupPlanNo": 3, "Description": null,
                "PersonAmount": null, "FamilyAmount": 1500.00,
                "MemberPortalDescription": "Plan deductible",
                "DeductibleRates": [{
                    "Url": "u", "Id": 1, "EffectiveStartDate": "2025-01-01T00:00:00-05:00",
                    "PersonAmount": 500.10, "FamilyAmount": 1500.00, "DeductibleNo": 9
                }]
            }
        }]),
    );
    let check: BenefitCheck = serde_json::from_value(serde_json::Value::Object(pascal)).unwrap();
    let period = check.history(&Interval::Period).unwrap();
    let start = period.start_date.with_offset().unwrap();
    assert_eq!(start.offset().local_minus_utc(), -6 * 3600);
    assert_eq!(start.timestamp_subsec_nanos(), 140_252_000);
    // Sent without an offset: a US Central wall-clock time, kept as such. No UTC is made up.
    assert_eq!(period.end_date.with_offset(), None);
    assert_eq!(
        period.end_date,
        PayerDateTime::Local(
            NaiveDate::from_ymd_opt(2025, 12, 31)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        )
    );
    assert_eq!(
        period.end_date.date_naive(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
    );
    assert!(check.history(&Interval::Lifetime).is_some());
    assert!(check.history(&Interval::Month).is_none());
    let ded = &check.deductibles[0];
    assert!(!ded.is_period_deductible_met);
    assert_eq!(ded.deductible.person_amount, None);
    assert_eq!(ded.deductible.family_amount, Some(Decimal::new(1500, 0)));
    assert_eq!(
        ded.deductible.deductible_rates[0].person_amount,
        Decimal::new(50010, 2)
    );
}

#[test]
fn the_rate_in_effect_on_a_date() {
    let mut sample = fixture_json("benefitcheck_sample.json");
    let rates = serde_json::json!([
        {"id": 1, "effectiveStartDate": "2024-01-01T00:00:00-06:00", "personAmount": 3000.0, "familyAmount": 6000.0, "maxOutOfPocketNo": 5},
        {"id": 3, "effectiveStartDate": "2026-01-01T00:00:00-06:00", "personAmount": 4000.0, "familyAmount": 8000.0, "maxOutOfPocketNo": 5},
        {"id": 2, "effectiveStartDate": "2025-01-01T00:00:00-06:00", "personAmount": 3500.0, "familyAmount": 7000.0, "maxOutOfPocketNo": 5}
    ]);
    sample["maxOutOfPockets"][0]["moop"]["maxOutOfPocketRates"] = rates.clone();
    sample["deductibles"][0]["deductible"]["deductibleRates"] = serde_json::from_str(
        &rates
            .to_string()
            .replace("maxOutOfPocketNo", "deductibleNo"),
    )
    .unwrap();
    let check: BenefitCheck = serde_json::from_value(sample).unwrap();
    let moop = &check.max_out_of_pockets[0].moop;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert!(moop.rate_on(day(2023, 12, 31)).is_none());
    assert_eq!(moop.rate_on(day(2024, 1, 1)).unwrap().id.get(), 1);
    assert_eq!(moop.rate_on(day(2025, 7, 16)).unwrap().id.get(), 2);
    assert_eq!(
        moop.rate_on(day(2026, 3, 1)).unwrap().person_amount,
        Decimal::new(4000, 0)
    );
    let ded = &check.deductibles[0].deductible;
    assert_eq!(ded.rate_on(day(2025, 7, 16)).unwrap().id.get(), 2);
}

#[tokio::test]
async fn error_bodies_and_statuses() {
    let server = MockServer::start().await;
    let cases: Vec<(u64, ResponseTemplate, StatusCode, Option<&str>)> = vec![
        (
            1,
            json(
                400,
                r#"{"Message":"The request is invalid.","MessageDetail":"memberNo"}"#,
            ),
            StatusCode::BAD_REQUEST,
            Some("The request is invalid. — memberNo"),
        ),
        (
            2,
            ResponseTemplate::new(401).insert_header("WWW-Authenticate", "ntc"),
            StatusCode::UNAUTHORIZED,
            None,
        ),
        (
            3,
            json(404, r#"{"Message":"No member found."}"#),
            StatusCode::NOT_FOUND,
            Some("No member found."),
        ),
        (
            4,
            json(500, r#"{"Message":"An error has occurred."}"#),
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("An error has occurred."),
        ),
        (
            5,
            ResponseTemplate::new(500),
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
        ),
        (
            6,
            ResponseTemplate::new(502).set_body_raw(
                "<html><head><title>502 Bad Gateway</title></head></html>",
                "text/html",
            ),
            StatusCode::BAD_GATEWAY,
            Some("502 Bad Gateway"),
        ),
    ];
    for (member, response, ..) in &cases {
        expect_check()
            .and(wiremock::matchers::query_param(
                "memberNo",
                member.to_string(),
            ))
            .respond_with(response.clone())
            .mount(&server)
            .await;
    }
    let c = builder(&server)
        .retry_policy(benefits_sdk::RetryPolicy::disabled())
        .build()
        .unwrap();
    for (member, _, status, message) in cases {
        let err = c
            .benefit_check(&BenefitCheckQuery::new(MemberNo::new(member)))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status), "{member}");
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(api.message(), message, "{member}");
        assert_eq!(err.message(), message, "{member}");
        assert_eq!(api.route, "GET api/benefitcheck");
        if status == StatusCode::UNAUTHORIZED {
            assert!(err.is_unauthorized());
            assert_eq!(api.www_authenticate.as_deref(), Some("ntc"));
            assert!(err.to_string().contains("clock"), "{err}");
        }
    }
}

#[tokio::test]
async fn member_numbers_stay_out_of_errors() {
    let server = MockServer::start().await;
    // Cervey's explanations can echo the member number back.
    expect_check()
        .respond_with(json(
            404,
            r#"{"Message":"No member found with memberNo 4815162"}"#,
        ))
        .mount(&server)
        .await;
    let err = client(&server)
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("4815162"), "{shown}");
    }
    // A caller who chooses to may still read it.
    assert_eq!(err.message(), Some("No member found with memberNo 4815162"));
    assert_eq!(format!("{MEMBER:?}"), "MemberNo(<redacted>)");
    let query = format!("{:?}", BenefitCheckQuery::new(MEMBER));
    assert!(!query.contains("4815162"), "{query}");
}

#[tokio::test]
async fn member_zero_is_refused_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server)
        .benefit_check(&BenefitCheckQuery::new(MemberNo::new(0)))
        .await
        .unwrap_err();
    assert!(err.violations().unwrap().has("memberNo"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn configuration_errors_and_redacted_debug() {
    let config = |b: BenefitCheckClientBuilder| match b.build() {
        Err(Error::Config(e)) => e.message,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    assert!(config(BenefitCheckClient::builder()).contains("credentials: missing"));
    let bad_key = config(BenefitCheckClient::builder().credentials(APP_ID, "%%%not-base64"));
    assert!(bad_key.contains("API Key: not valid base64"), "{bad_key}");
    assert!(!bad_key.contains("%%%"), "{bad_key}");
    assert!(
        config(
            BenefitCheckClient::builder()
                .credentials(APP_ID, API_KEY)
                .base_url("http://claimsapi.cervey.com/api/")
        )
        .contains("loopback")
    );
    let ok = BenefitCheckClient::builder().credentials(APP_ID, API_KEY);
    let shown = format!("{ok:?}");
    assert!(
        !shown.contains(APP_ID) && !shown.contains("RsMh"),
        "{shown}"
    );
    let client = ok.build().unwrap();
    assert_eq!(
        client.base_url().as_str(),
        "https://claimsapi.cervey.com/api/"
    );
    let shown = format!("{client:?}");
    assert!(
        !shown.contains(APP_ID) && !shown.contains("RsMh"),
        "{shown}"
    );
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<BenefitCheckClient>();
}

#[tokio::test]
async fn get_json_refuses_paths_that_leave_the_base() {
    let server = MockServer::start().await;
    let c = client(&server);
    for bad in [
        "",
        "/company",
        "http://evil/x",
        "../admin",
        "a/../../b",
        "company?x=1",
        // Percent-encoded dots are resolved by the join: the joined URL is what is checked.
        "%2e%2e/admin",
        "%2E%2E/%2e%2E/x",
        "a/%2e%2e/%2e%2e/b",
        "//evil.example/x",
        ".",
    ] {
        let err = c.get_json::<serde_json::Value>(bad, &[]).await.unwrap_err();
        assert!(
            err.violations().is_some_and(|v| v.has("path")),
            "{bad}: {err:?}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn get_json_takes_any_path_that_stays_below_the_base() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/company"))
        .respond_with(json(200, "{}"))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    for ok in ["company", "x/../company"] {
        c.get_json::<serde_json::Value>(ok, &[]).await.unwrap();
    }
}

mod signed_url_is_sent_url {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Whatever the query values, the server recomputes the same signature from what it
        /// received: the URL signed is byte for byte the URL sent.
        #[test]
        fn for_arbitrary_query_values(a in ".{0,24}", b in "[ -~]{0,24}", c in "\\PC{0,8}") {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .and(path("/api/company"))
                    .and(SignatureOk)
                    .respond_with(json(200, "{\"ok\":true}"))
                    .expect(1)
                    .mount(&server)
                    .await;
                let got: serde_json::Value = builder(&server)
                    .build()
                    .unwrap()
                    .get_json("company", &[("a", a.as_str()), ("b", b.as_str()), ("c", c.as_str())])
                    .await
                    .unwrap();
                assert_eq!(got["ok"], true);
            });
        }
    }
}

#[tokio::test]
async fn the_test_server_rejects_a_wrong_key() {
    // Guards the verifier itself: a request signed with another key must not verify.
    let server = MockServer::start().await;
    expect_check()
        .respond_with(json(200, "{}"))
        .expect(0)
        .mount(&server)
        .await;
    let other_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let err = builder(&server)
        .credentials(APP_ID, other_key)
        .build()
        .unwrap()
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap_err();
    // wiremock answers 404 when no mock matches.
    assert!(err.is_not_found(), "{err:?}");
}

#[test]
fn every_way_of_decoding_agrees() {
    // The client borrows amounts from its byte slice; a Value or a reader must get the same.
    let text = fixture("benefitcheck_sample.json");
    let by_client = BenefitCheck::from_json(text.as_bytes()).unwrap();
    let by_value: BenefitCheck =
        serde_json::from_value(fixture_json("benefitcheck_sample.json")).unwrap();
    let by_reader: BenefitCheck = serde_json::from_reader(text.as_bytes()).unwrap();
    let by_str: BenefitCheck = serde_json::from_str(&text).unwrap();
    assert_eq!(by_client, by_value);
    assert_eq!(by_client, by_reader);
    assert_eq!(by_client, by_str);
    let exact = r#"{"claimHistories":[],"maxOutOfPockets":[{"isPeriodMOOPMet":false,"moop":{"id":1,"groupPlanNo":2,"personAmount":0.3333333333333333333333333333,"maxOutOfPocketRates":[]}}]}"#;
    let precise = BenefitCheck::from_json(exact.as_bytes()).unwrap();
    assert_eq!(
        precise.max_out_of_pockets[0]
            .moop
            .person_amount
            .unwrap()
            .to_string(),
        "0.3333333333333333333333333333"
    );
    let via_reader: BenefitCheck = serde_json::from_reader(exact.as_bytes()).unwrap();
    assert_eq!(via_reader, precise);
}

#[test]
fn a_benefit_check_keeps_its_text_once_and_its_parts_read_json_in_memory() {
    // BenefitCheck's Deserialize copies a reader's or a Value's text once, whole; its parts
    // borrow amounts from the input, so they decode from JSON in memory.
    let history = r#"{"interval":"Period","startDate":"2025-01-01T00:00:00Z","endDate":"2025-12-31T00:00:00Z","planPaidAmountMember":12.345678901234567890123}"#;
    let from_str: ClaimHistory = serde_json::from_str(history).unwrap();
    assert_eq!(
        from_str.plan_paid_amount_member.unwrap().to_string(),
        "12.345678901234567890123"
    );
    let from_reader = serde_json::from_reader::<_, ClaimHistory>(history.as_bytes());
    assert!(from_reader.is_err());
    let whole = format!(r#"{{"claimHistories":[{history}]}}"#);
    let check: BenefitCheck = serde_json::from_reader(whole.as_bytes()).unwrap();
    assert_eq!(check.claim_histories, vec![from_str]);

    // A bad amount read through Deserialize says where and what, never the value.
    let bad = serde_json::json!({"claimHistories": [{"interval": "Period",
        "startDate": "2025-01-01T00:00:00Z", "endDate": "2025-12-31T00:00:00Z",
        "planPaidAmountMember": "4815162x"}]});
    let message = serde_json::from_value::<BenefitCheck>(bad)
        .unwrap_err()
        .to_string();
    assert!(message.contains("planPaidAmountMember"), "{message}");
    assert!(message.contains("a decimal number"), "{message}");
    assert!(!message.contains("4815162"), "{message}");
}
