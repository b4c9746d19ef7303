//! The Cervey fake: registered members, signature checks like the real server, faults.
#![cfg(feature = "test-util")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use benefits_sdk::cervey::{BenefitCheck, BenefitCheckQuery, MemberNo};
use benefits_sdk::mock::MockCervey;

const MEMBER: MemberNo = MemberNo::new(1_234_567);

fn sample() -> BenefitCheck {
    serde_json::from_str(&crate::common::fixture("benefitcheck_sample.json")).unwrap()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn serves_registered_members_and_404s_the_rest() {
    let payer = MockCervey::start().await;
    payer.insert(MEMBER, sample());
    let client = payer.client();
    let check = client
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap();
    assert_eq!(check, sample());
    let err = client
        .benefit_check(&BenefitCheckQuery::new(MemberNo::new(7)))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    payer.remove(MEMBER);
    assert!(
        client
            .benefit_check(&BenefitCheckQuery::new(MEMBER))
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn a_clock_more_than_five_minutes_off_is_refused() {
    let payer = MockCervey::start().await;
    payer.insert(MEMBER, sample());
    for skew in [-400_i64, 400] {
        let client = payer
            .client_builder()
            .clock(move || unix_now().saturating_add_signed(skew))
            .build()
            .unwrap();
        let err = client
            .benefit_check(&BenefitCheckQuery::new(MEMBER))
            .await
            .unwrap_err();
        assert!(err.is_unauthorized(), "{err:?}");
        let benefits_sdk::Error::Api(api) = &err else {
            panic!()
        };
        assert_eq!(api.www_authenticate.as_deref(), Some("ntc"));
    }
    // Four minutes off is within the allowance.
    let close = payer
        .client_builder()
        .clock(|| unix_now() - 240)
        .build()
        .unwrap();
    close
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let payer = MockCervey::start().await;
    payer.insert(MEMBER, sample());
    let client = payer
        .client_builder()
        .nonce_source(|| "0123456789abcdef0123456789abcdef".to_owned())
        .build()
        .unwrap();
    client
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap();
    let err = client
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
}

#[tokio::test]
async fn wrong_credentials_are_refused() {
    let payer = MockCervey::start().await;
    payer.insert(MEMBER, sample());
    let other = MockCervey::start().await;
    // Another payer's credentials, then the right Application ID with another key.
    for (app_id, api_key) in [
        (other.app_id(), other.api_key()),
        (payer.app_id(), other.api_key()),
    ] {
        let err = payer
            .client_builder()
            .credentials(app_id.to_owned(), api_key.to_owned())
            .build()
            .unwrap()
            .benefit_check(&BenefitCheckQuery::new(MEMBER))
            .await
            .unwrap_err();
        assert!(err.is_unauthorized(), "{err:?}");
    }
}

#[tokio::test]
async fn retries_are_signed_afresh_and_pass() {
    let payer = MockCervey::start().await;
    payer.insert(MEMBER, sample());
    payer.fail_next(2, 503);
    let calls = std::sync::Arc::new(AtomicU64::new(0));
    let counter = calls.clone();
    let client = payer
        .client_builder()
        .nonce_source(move || format!("{:032x}", counter.fetch_add(1, Ordering::SeqCst)))
        .build()
        .unwrap();
    client
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap();
    let statuses: Vec<u16> = payer.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn bad_parameters_and_other_faults() {
    let payer = MockCervey::start().await;
    let client = payer.client();
    let err = client
        .get_json::<serde_json::Value>("benefitcheck", &[("memberNo", "abc")])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(
        err.message()
            .is_some_and(|m| m.contains("memberNo must be an integer")),
        "{err}"
    );

    payer.insert(MEMBER, sample());
    payer.malformed_next(1);
    let err = client
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap_err();
    assert!(matches!(err, benefits_sdk::Error::Decode(_)), "{err:?}");

    payer.rate_limit_next(1, Duration::ZERO);
    client
        .benefit_check(&BenefitCheckQuery::new(MEMBER))
        .await
        .unwrap();
    let last_two: Vec<u16> = payer
        .requests()
        .iter()
        .rev()
        .take(2)
        .map(|r| r.status)
        .collect();
    assert_eq!(last_two, [200, 429]);
}
