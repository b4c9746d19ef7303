//! Keys, response bodies and member numbers stay out of `Debug`, `Display` and the crate's
//! tracing output, at TRACE level, through a full request cycle of both clients.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::time::{SystemTime, UNIX_EPOCH};

use crate::common::Captured;
use benefits_sdk::cervey::{BenefitCheckQuery, MemberNo, NtcSigner};
use benefits_sdk::mock::{MockCervey, MockOpenDental, demo};
use benefits_sdk::opendental::{BenefitFilter, BenefitUpdate, NewBenefit, PlanNum};
use tracing_subscriber::fmt::format::FmtSpan;

const DEV_KEY: &str = "SECRETDEVKEY7351";
const CUST_KEY: &str = "SECRETCUSTKEY9264";
const APP_ID: &str = "5EC2E7A99B0C4D1E8F2A3B4C5D6E7F80112233445566778899AABBCCDDEEFF01";
// base64 of "SECRET-CERVEY-API-KEY-32-BYTES!!"
const API_KEY: &str = "U0VDUkVULUNFUlZFWS1BUEktS0VZLTMyLUJZVEVTISE=";
const MEMBER: u64 = 4_815_162_342;
const UNKNOWN_MEMBER: u64 = 2_718_281_828;
const BODY_MARKER: &str = "D9QZX";

fn assert_clean(what: &str, text: &str) {
    let secrets = [
        DEV_KEY,
        CUST_KEY,
        APP_ID,
        API_KEY,
        &MEMBER.to_string(),
        &UNKNOWN_MEMBER.to_string(),
        BODY_MARKER,
        "In-network deductible",
    ];
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows {secret:?}:\n{text}");
    }
}

#[tokio::test]
async fn nothing_secret_in_trace_logs_debug_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut shown = Vec::new();

    // Open Dental: every endpoint, a retried fault, a 404 and a 401.
    let office = MockOpenDental::builder()
        .keys(DEV_KEY, CUST_KEY)
        .start()
        .await;
    // The office's code table holds the marker, so the writes land and come back with it.
    office.insert_procedure_code(benefits_sdk::opendental::CodeNum::new(900), BODY_MARKER);
    let od = office.client();
    let plan = PlanNum::new(12);
    let new = NewBenefit::new(
        plan,
        benefits_sdk::opendental::BenefitType::Exclusions,
        benefits_sdk::opendental::CoverageLevel::None,
    )
    .proc_code(BODY_MARKER);
    office.fail_next(1, 503);
    let created = od.create(&new).await.unwrap_err(); // a POST is not retried
    shown.push(format!("{created} {created:?}"));
    let created = od.create(&new).await.unwrap();
    od.get(created.benefit_num).await.unwrap();
    od.list_all(BenefitFilter::Plan(plan)).await.unwrap();
    od.update(
        created.benefit_num,
        &BenefitUpdate::new().proc_code(BODY_MARKER),
    )
    .await
    .unwrap();
    od.delete(created.benefit_num).await.unwrap();
    let missing = od.get(created.benefit_num).await.unwrap_err();
    shown.push(format!("{missing} {missing:?}"));
    let wrong = office
        .client_builder()
        .keys(DEV_KEY, "SECRETCUSTKEY9265")
        .build()
        .unwrap();
    let unauthorized = wrong.list_all(plan.into()).await.unwrap_err();
    assert!(unauthorized.is_unauthorized());
    shown.push(format!("{unauthorized} {unauthorized:?}"));
    shown.push(format!("{od:?} {wrong:?} {office:?}"));
    shown.push(format!("{:?}", office.client_builder()));

    // Cervey: a check, an unknown member, a clock that is off, a retried fault.
    let payer = MockCervey::with_credentials(APP_ID, API_KEY).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    payer.insert(MemberNo::new(MEMBER), demo::benefit_check(today));
    let cervey = payer.client();
    payer.fail_next(1, 502);
    let query = BenefitCheckQuery::new(MemberNo::new(MEMBER));
    cervey.benefit_check(&query).await.unwrap();
    let unknown = cervey
        .benefit_check(&BenefitCheckQuery::new(MemberNo::new(UNKNOWN_MEMBER)))
        .await
        .unwrap_err();
    assert!(unknown.is_not_found());
    // The fake echoes the member number, as Cervey can: it is in the explanation a caller
    // may read, and nowhere the crate prints.
    assert!(
        unknown
            .message()
            .is_some_and(|m| m.contains(&UNKNOWN_MEMBER.to_string()))
    );
    shown.push(format!("{unknown} {unknown:?}"));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let skewed = payer
        .client_builder()
        .clock(move || now - 3600)
        .build()
        .unwrap();
    let stale = skewed.benefit_check(&query).await.unwrap_err();
    assert!(stale.is_unauthorized());
    shown.push(format!("{stale} {stale:?}"));
    shown.push(format!(
        "{cervey:?} {payer:?} {query:?} {:?}",
        payer.client_builder()
    ));
    shown.push(format!("{:?}", NtcSigner::new(APP_ID, API_KEY).unwrap()));
    let decode = payer.client_builder().build().unwrap();
    payer.malformed_next(1);
    let decode_err = decode.benefit_check(&query).await.unwrap_err();
    shown.push(format!("{decode_err} {decode_err:?}"));

    let logs = captured.text();
    // The cycle was traced: spans with route templates, statuses and attempts.
    assert!(logs.contains("benefits_sdk.request"), "{logs}");
    assert!(logs.contains("route=\"POST /benefits\""), "{logs}");
    assert!(logs.contains("route=\"GET api/benefitcheck\""), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    // OpenTelemetry's HTTP client names, and never the full URL (its query can hold IDs).
    for field in [
        "http.request.method=\"POST\"",
        "url.template=\"/benefits\"",
        "server.address=\"127.0.0.1\"",
        "http.response.status_code=201",
        "http.request.resend_count=1",
    ] {
        assert!(logs.contains(field), "{field} missing: {logs}");
    }
    assert!(!logs.contains("url.full"), "{logs}");
    assert_clean("the trace log", &logs);
    for text in &shown {
        assert_clean("Debug or Display", text);
    }
}
