//! No write repeated by mistake: a write the server may have applied says so
//! (`outcome_unknown`), a POST is sent again only when the server provably never took it, and
//! a TLS failure is not retried.

use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use benefits_sdk::opendental::{BenefitNum, BenefitUpdate, NewBenefit, PlanNum};
use benefits_sdk::{Error, TransportErrorKind};
use tokio::io::AsyncWriteExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn months() -> NewBenefit {
    NewBenefit::every_n_months(PlanNum::new(12), 6)
}

fn created(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

async fn posts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_201_whose_body_does_not_decode_says_the_row_may_exist() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/benefits"))
        .respond_with(created(201, r#"{"BenefitNum": 77, "PlanNum": 12, "Benef"#))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).create(&months()).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.outcome_unknown(), "{err:?}");
    assert!(err.to_string().contains("may have been applied"), "{err}");
}

#[tokio::test]
async fn a_201_over_the_size_cap_says_the_row_may_exist() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(created(201, &fixture("post_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let c = builder(&server).max_response_bytes(64).build().unwrap();
    let err = c.create(&months()).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 64, .. }),
        "{err:?}"
    );
    assert!(err.outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn an_applied_update_whose_reply_is_unreadable_says_so_and_a_read_does_not() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(created(200, "<html>ok</html>"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(created(200, "<html>ok</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let put = c
        .update(BenefitNum::new(5), &BenefitUpdate::new().quantity_only(3))
        .await
        .unwrap_err();
    assert!(
        matches!(put, Error::Decode(_)) && put.outcome_unknown(),
        "{put:?}"
    );
    let get = c
        .list_page(PlanNum::new(12).into(), Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(get, Error::Decode(_)) && !get.outcome_unknown(),
        "{get:?}"
    );
}

#[tokio::test]
async fn a_post_answered_429_never_landed_and_is_sent_again() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        Mock::given(method("POST")),
        1,
        ResponseTemplate::new(429).insert_header("Retry-After", "0"),
    )
    .await;
    Mock::given(method("POST"))
        .respond_with(created(201, &fixture("post_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let row = client(&server).create(&months()).await.unwrap();
    assert_eq!(row.benefit_num, BenefitNum::new(236));
    assert_eq!(posts(&server).await, 2);
}

#[tokio::test]
async fn a_post_that_may_have_landed_is_not_sent_again() {
    for status in [500u16, 502, 504] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server).create(&months()).await.unwrap_err();
        assert!(err.outcome_unknown(), "{status}");
        assert_eq!(posts(&server).await, 1, "{status}");
    }
}

#[tokio::test]
async fn a_retry_refused_after_an_attempt_that_may_have_landed_keeps_the_outcome_unknown() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        Mock::given(method("PUT")),
        1,
        ResponseTemplate::new(504),
    )
    .await;
    Mock::given(method("PUT"))
        .respond_with(created(
            400,
            "\"CodeGroupNum cannot be changed for a Frequency Limitation.\"",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .update(BenefitNum::new(5), &BenefitUpdate::new().quantity_only(3))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    // The first attempt may have applied the change the second was refused for.
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn a_tls_failure_is_not_retried() {
    // A server that answers a TLS hello with plain HTTP at once: the handshake fails.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let https = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let c = benefits_sdk::opendental::BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{https}/api/v1"))
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let err = c.delete(BenefitNum::new(1)).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Tls, "{err:?}");
    assert!(!err.is_retryable());
    assert!(!err.outcome_unknown());
    assert_eq!(
        connections.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "a DELETE, retryable by method, was not sent again"
    );
}
