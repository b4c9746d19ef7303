//! Bad input from the caller: each a clear error naming the field, raised before anything is
//! sent.

use crate::common::*;
use benefits_sdk::cervey::{BenefitCheckClient, BenefitCheckQuery, MemberNo};
use benefits_sdk::opendental::{
    BenefitNum, BenefitType, BenefitUpdate, BenefitsClient, CodeNum, CovCatNum, CoverageLevel,
    NewBenefit, PageRequest, PlanNum, QuantityQualifier, WaitingUnit,
};
use benefits_sdk::{ConfigErrorKind, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server that fails the test if anything reaches it.
async fn untouchable() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

fn fields(err: Error) -> Vec<&'static str> {
    err.violations()
        .unwrap_or_else(|| panic!("not an invalid request: {err:?}"))
        .iter()
        .map(|v| v.field)
        .collect()
}

#[tokio::test]
async fn out_of_range_and_conflicting_values() {
    let server = untouchable().await;
    let c = client(&server);
    let plan = PlanNum::new(12);
    let cases: Vec<(NewBenefit, Vec<&str>)> = vec![
        (
            NewBenefit::coinsurance(plan, CovCatNum::new(1), 255),
            vec!["Percent"],
        ),
        (
            NewBenefit::new(plan, BenefitType::Limitations, CoverageLevel::None)
                .quantity(QuantityQualifier::Visits, 200),
            vec!["Quantity"],
        ),
        (
            NewBenefit::waiting_period(plan, WaitingUnit::Months, 6)
                .quantity(QuantityQualifier::Visits, 2),
            vec!["QuantityQualifier"],
        ),
        (
            NewBenefit::coinsurance(plan, CovCatNum::new(1), 50)
                .code_num(CodeNum::new(4))
                .proc_code("D0120"),
            vec!["CodeNum", "procCode"],
        ),
    ];
    for (benefit, want) in cases {
        assert_eq!(fields(c.create(&benefit).await.unwrap_err()), want);
    }
    let update = BenefitUpdate::new()
        .benefit_type(BenefitType::Deductible)
        .percent(101);
    assert_eq!(
        fields(c.update(BenefitNum::new(1), &update).await.unwrap_err()),
        ["Percent", "Percent"]
    );
    assert_eq!(
        fields(
            c.list_page(PlanNum::new(12).into(), PageRequest::new(0, 0))
                .await
                .unwrap_err()
        ),
        ["Limit"]
    );
}

#[test]
fn empty_blank_or_malformed_keys() {
    let config = |r: Result<BenefitsClient, Error>| match r {
        Err(Error::Config(e)) => {
            assert!(
                matches!(
                    e.kind,
                    ConfigErrorKind::InvalidCredentials | ConfigErrorKind::MissingCredentials
                ),
                "{e:?}"
            );
            e.message
        }
        other => panic!("{other:?}"),
    };
    for (dev, cust, field) in [
        ("", "c", "developer key"),
        ("d", "", "customer key"),
        ("  ", "c", "developer key"),
        ("d", "\t", "customer key"),
        ("dé", "c", "developer key"),
        ("d", "c\n", "customer key"),
        ("d/x", "c", "developer key"),
    ] {
        let m = config(BenefitsClient::builder().keys(dev, cust).build());
        assert!(m.starts_with(field), "{dev:?}/{cust:?}: {m}");
    }
    let cervey =
        |id: &str, key: &str| match BenefitCheckClient::builder().credentials(id, key).build() {
            Err(Error::Config(e)) if e.kind == ConfigErrorKind::InvalidCredentials => e.message,
            other => panic!("{other:?}"),
        };
    assert!(cervey("", "AAAA").starts_with("Application ID"));
    assert!(cervey("ID", "").starts_with("API Key"));
    assert!(cervey("ID", "  ").starts_with("API Key"));
    assert!(cervey("ID", "not base64!").starts_with("API Key"));
}

#[test]
fn base_urls_with_parts_in_odd_places() {
    for (url, why) in [
        ("https://api.opendental.com/api/v1?PlanNum=1", "query"),
        ("https://api.opendental.com/api/v1#benefits", "fragment"),
        ("https://user:pass@api.opendental.com/api/v1", "credentials"),
        ("https://api.opendental.com:99999/api/v1", "port"),
        ("api.opendental.com/api/v1", "relative URL without a base"),
        ("https://", "empty host"),
        ("file:///etc/passwd", "scheme"),
        ("http://api.opendental.com/api/v1", "plain http"),
        ("https://[::1/api", "invalid IPv6"),
    ] {
        match BenefitsClient::builder()
            .keys("d", "c")
            .base_url(url)
            .build()
        {
            Err(Error::Config(e)) => {
                assert_eq!(e.kind, ConfigErrorKind::BaseUrl, "{url}");
                assert!(e.message.starts_with("base URL"), "{url}: {e}");
                // The URL may carry credentials: it is never echoed.
                assert!(!e.to_string().contains("pass"), "{e}");
            }
            other => panic!("{url} ({why}): {other:?}"),
        }
    }
    // Spaces around, a trailing slash or none, and dot segments are all the same base.
    for url in [
        "  https://api.opendental.com/api/v1  ",
        "https://api.opendental.com/api/v1/",
        "https://api.opendental.com/api/x/../v1",
    ] {
        let c = BenefitsClient::builder()
            .keys("d", "c")
            .base_url(url)
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), "https://api.opendental.com/api/v1/");
    }
    match BenefitCheckClient::builder()
        .credentials("ID", "AAAA")
        .base_url("http://10.0.0.5/api/")
        .build()
    {
        Err(Error::Config(e)) => assert!(e.message.contains("loopback"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn member_zero_and_paths_that_escape_are_refused() {
    let server = untouchable().await;
    let c = BenefitCheckClient::builder()
        .credentials("ID", "AAAA")
        .base_url(format!("{}/api/", server.uri()))
        .build()
        .unwrap();
    let err = c
        .benefit_check(&BenefitCheckQuery::new(MemberNo::new(0)))
        .await
        .unwrap_err();
    assert_eq!(fields(err), ["memberNo"]);
    let err = c
        .get_json::<serde_json::Value>("../admin", &[])
        .await
        .unwrap_err();
    assert_eq!(fields(err), ["path"]);
}

#[tokio::test]
async fn non_ascii_query_values_are_encoded_and_signed() {
    // Accepted, not refused: they are percent-encoded as UTF-8, and the URL signed is the URL
    // sent (the property test in cervey_client.rs checks this for arbitrary values).
    let server = MockServer::start().await;
    Mock::given(any())
        .and(wiremock::matchers::query_param("name", "Zoë Ångström 😀"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let c = BenefitCheckClient::builder()
        .credentials("ID", "AAAA")
        .base_url(format!("{}/api/", server.uri()))
        .build()
        .unwrap();
    c.get_json::<serde_json::Value>("members", &[("name", "Zoë Ångström 😀")])
        .await
        .unwrap();
}
