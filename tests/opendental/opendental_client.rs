//! BenefitsClient against wiremock: the exact request of every endpoint, the typed result,
//! error bodies, paging, throttle and retries.

use std::time::Duration;

use crate::common::*;
use benefits_sdk::opendental::{
    Benefit, BenefitFilter, BenefitNum, BenefitUpdate, BenefitsClient, NewBenefit, PageRequest,
    PatPlanNum, PlanNum, QuantityQualifier,
};
use benefits_sdk::{Error, PagingErrorKind, RetryPolicy, StatusCode};
use futures_util::TryStreamExt;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// A mock that requires the three headers every request carries.
fn expect(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(format!("/api/v1{route}")))
        .and(header("Authorization", AUTHORIZATION))
        .and(header("Content-Type", "application/json"))
        .and(header("Accept", "application/json"))
        .and(header(
            "User-Agent",
            concat!("benefits-sdk/", env!("CARGO_PKG_VERSION")),
        ))
}

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// `n` benefit rows numbered from `first`, shaped like the GET example.
fn rows(first: u64, n: u64) -> String {
    let row = fixture_json("benefit_get.json");
    let rows: Vec<_> = (first..first + n)
        .map(|num| {
            let mut r = row.clone();
            r["BenefitNum"] = num.into();
            r
        })
        .collect();
    serde_json::to_string(&rows).unwrap()
}

#[cfg(feature = "od-25-3")]
#[tokio::test]
async fn get_single() {
    let server = MockServer::start().await;
    expect("GET", "/benefits/14")
        .and(QueryIs(None))
        .and(NoBody)
        .respond_with(json(200, &fixture("benefit_get.json")))
        .expect(1)
        .mount(&server)
        .await;
    let b = client(&server).get(BenefitNum::new(14)).await.unwrap();
    assert_eq!(b.benefit_num, BenefitNum::new(14));
    assert_eq!(b.plan_num, Some(PlanNum::new(85)));
    assert_eq!(b.quantity_qualifier, QuantityQualifier::Months);
    assert_eq!(b.quantity, 6);
    assert_eq!(
        b.code_group_num,
        Some(benefits_sdk::opendental::CodeGroupNum::new(31))
    );
    assert!(b.is_frequency_limitation());
}

#[tokio::test]
async fn list_page_by_plan_and_by_patient_plan() {
    let server = MockServer::start().await;
    expect("GET", "/benefits")
        .and(QueryIs(Some("PlanNum=12")))
        .and(NoBody)
        .respond_with(json(200, &fixture("benefit_list.json")))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/benefits")
        .and(QueryIs(Some("PatPlanNum=30&Limit=50&Offset=100")))
        .respond_with(json(200, "[]"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let page = c
        .list_page(
            BenefitFilter::Plan(PlanNum::new(12)),
            PageRequest::default(),
        )
        .await
        .unwrap();
    let want: Vec<Benefit> = serde_json::from_str(&fixture("benefit_list.json")).unwrap();
    assert_eq!(page, want);
    let empty = c
        .list_page(PatPlanNum::new(30).into(), PageRequest::new(50, 100))
        .await
        .unwrap();
    assert!(empty.is_empty());
}

#[cfg(feature = "od-23-2")]
#[tokio::test]
async fn list_with_no_filter() {
    let server = MockServer::start().await;
    expect("GET", "/benefits")
        .and(QueryIs(Some("Limit=100")))
        .respond_with(json(200, &fixture("benefit_list.json")))
        .expect(1)
        .mount(&server)
        .await;
    let all = client(&server).list_all(BenefitFilter::All).await.unwrap();
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn paging_overlaps_each_page_by_one_row() {
    let server = MockServer::start().await;
    // Rows 1..=7 in pages of 3: each page after the first starts at the last row seen.
    for (query, body) in [
        ("PlanNum=12&Limit=3", rows(1, 3)),
        ("PlanNum=12&Limit=3&Offset=2", rows(3, 3)),
        ("PlanNum=12&Limit=3&Offset=4", rows(5, 3)),
        ("PlanNum=12&Limit=3&Offset=6", rows(7, 1)),
    ] {
        expect("GET", "/benefits")
            .and(QueryIs(Some(query)))
            .respond_with(json(200, &body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = builder(&server).page_size(3).build().unwrap();
    let all = c.list_all(PlanNum::new(12).into()).await.unwrap();
    let nums: Vec<u64> = all.iter().map(|b| b.benefit_num.get()).collect();
    assert_eq!(nums, [1, 2, 3, 4, 5, 6, 7]);
}

#[tokio::test]
async fn paging_an_exact_page_ends_on_the_overlap_row() {
    let server = MockServer::start().await;
    for (query, body) in [
        ("PlanNum=12&Limit=3", rows(1, 3)),
        ("PlanNum=12&Limit=3&Offset=2", rows(3, 1)),
    ] {
        expect("GET", "/benefits")
            .and(QueryIs(Some(query)))
            .respond_with(json(200, &body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = builder(&server).page_size(3).build().unwrap();
    assert_eq!(c.list_all(PlanNum::new(12).into()).await.unwrap().len(), 3);
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let server = MockServer::start().await;
    expect("GET", "/benefits")
        .and(QueryIs(Some("PlanNum=12&Limit=2")))
        .respond_with(json(200, &rows(1, 2)))
        .expect(1)
        .mount(&server)
        .await;
    let c = builder(&server).page_size(2).build().unwrap();
    let mut stream = c.list(PlanNum::new(12).into());
    assert_eq!(
        stream.try_next().await.unwrap().unwrap().benefit_num.get(),
        1
    );
    assert_eq!(
        stream.try_next().await.unwrap().unwrap().benefit_num.get(),
        2
    );
    drop(stream);
    // Only the first page was asked for: `.expect(1)` is verified when the server drops.
}

#[tokio::test]
async fn a_server_that_ignores_offset_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    expect("GET", "/benefits")
        .respond_with(json(200, &rows(1, 2)))
        .expect(2)
        .mount(&server)
        .await;
    let c = builder(&server).page_size(2).build().unwrap();
    let err = c.list_all(PlanNum::new(12).into()).await.unwrap_err();
    let Error::Paging(paging) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(paging.kind, PagingErrorKind::OutOfOrder);
    assert_eq!((paging.offset, paging.limit), (1, 2));
    assert!(
        err.to_string().contains("does the server ignore Offset"),
        "{err}"
    );
}

#[tokio::test]
async fn a_page_longer_than_asked_is_an_error() {
    let server = MockServer::start().await;
    expect("GET", "/benefits")
        .respond_with(json(200, &rows(1, 3)))
        .expect(1)
        .mount(&server)
        .await;
    let c = builder(&server).page_size(2).build().unwrap();
    let err = c.list_all(PlanNum::new(12).into()).await.unwrap_err();
    let Error::Paging(paging) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(paging.kind, PagingErrorKind::PageTooLong);
    assert_eq!((paging.offset, paging.limit), (0, 2));
    assert!(err.to_string().contains("ignores Limit"), "{err}");
}

#[tokio::test]
async fn create_posts_the_spec_body_and_returns_the_row() {
    let server = MockServer::start().await;
    let mut want = without_disabled_fields(fixture_json("post_every_n_years.json"));
    if !cfg!(feature = "od-23-2") {
        want.as_object_mut().unwrap().remove("CodeGroupNum");
    }
    expect("POST", "/benefits")
        .and(QueryIs(None))
        .and(body_json(&want))
        .respond_with(json(201, &fixture("post_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    #[allow(unused_mut)]
    let mut new = NewBenefit::every_n_years(PlanNum::new(12), 2);
    #[cfg(feature = "od-23-2")]
    {
        new = new.code_group_num(benefits_sdk::opendental::CodeGroupNum::new(3));
    }
    #[cfg(feature = "od-25-3")]
    {
        new = new.treat_area(benefits_sdk::opendental::TreatArea::Quad);
    }
    let created = client(&server).create(&new).await.unwrap();
    assert_eq!(created.benefit_num, BenefitNum::new(236));
    assert!(created.is_frequency_limitation());
    #[cfg(feature = "od-25-3")]
    assert_eq!(
        created.treat_area,
        benefits_sdk::opendental::TreatArea::Quad
    );
}

#[tokio::test]
async fn update_sends_only_what_is_set() {
    let server = MockServer::start().await;
    expect("PUT", "/benefits/323")
        .and(QueryIs(None))
        .and(body_json(fixture_json("put_request_quantity.json")))
        .respond_with(json(200, &fixture("put_response_quantity.json")))
        .expect(1)
        .mount(&server)
        .await;
    expect("PUT", "/benefits/75")
        .and(body_json(
            serde_json::json!({"Percent": -1, "MonetaryAmt": -1.0}),
        ))
        .respond_with(json(200, &fixture("put_response_full.json")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let updated = c
        .update(
            BenefitNum::new(323),
            &BenefitUpdate::new().quantity_only(18),
        )
        .await
        .unwrap();
    assert_eq!(updated.quantity, 18);
    assert_eq!(updated.quantity_qualifier, QuantityQualifier::AgeLimit);
    let cleared = c
        .update(
            BenefitNum::new(75),
            &BenefitUpdate::new().clear_percent().clear_monetary_amt(),
        )
        .await
        .unwrap();
    assert_eq!(cleared.benefit_num, BenefitNum::new(75));
}

#[tokio::test]
async fn delete_sends_no_body() {
    let server = MockServer::start().await;
    expect("DELETE", "/benefits/75")
        .and(QueryIs(None))
        .and(NoBody)
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).delete(BenefitNum::new(75)).await.unwrap();
}

#[tokio::test]
async fn invalid_requests_are_never_sent() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    let bad = NewBenefit::coinsurance(PlanNum::new(12), 3.into(), 130);
    assert!(
        c.create(&bad)
            .await
            .unwrap_err()
            .violations()
            .unwrap()
            .has("Percent")
    );
    assert!(
        c.update(BenefitNum::new(5), &BenefitUpdate::new())
            .await
            .is_err()
    );
    assert!(
        c.delete(BenefitNum::new(0))
            .await
            .unwrap_err()
            .violations()
            .unwrap()
            .has("BenefitNum")
    );
    let err = c
        .list_page(PlanNum::new(0).into(), PageRequest::new(0, 0))
        .await
        .unwrap_err();
    let v = err.violations().unwrap();
    assert!(v.has("PlanNum") && v.has("Limit"), "{err}");
}

#[tokio::test]
async fn error_bodies_are_made_readable() {
    let server = MockServer::start().await;
    let cases: [(u64, ResponseTemplate, StatusCode, Option<&str>); 5] = [
        (
            1,
            ResponseTemplate::new(400).set_body_string("PlanNum is invalid."),
            StatusCode::BAD_REQUEST,
            Some("PlanNum is invalid."),
        ),
        (
            2,
            json(400, "\"Status is invalid.\""),
            StatusCode::BAD_REQUEST,
            Some("Status is invalid."),
        ),
        (
            3,
            json(404, r#"{"Message":"Benefit not found."}"#),
            StatusCode::NOT_FOUND,
            Some("Benefit not found."),
        ),
        (
            4,
            ResponseTemplate::new(410).set_body_raw(
                "<html><head><title>410 Gone</title></head><body>gone</body></html>",
                "text/html",
            ),
            StatusCode::GONE,
            Some("410 Gone"),
        ),
        (
            5,
            ResponseTemplate::new(401),
            StatusCode::UNAUTHORIZED,
            None,
        ),
    ];
    for (plan, response, ..) in &cases {
        expect("GET", "/benefits")
            .and(QueryIs(Some(Box::leak(
                format!("PlanNum={plan}").into_boxed_str(),
            ))))
            .respond_with(response.clone())
            .mount(&server)
            .await;
    }
    let c = client(&server);
    for (plan, _, status, message) in cases {
        let err = c
            .list_page(PlanNum::new(plan).into(), PageRequest::default())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(api.message(), message, "{plan}");
        assert_eq!(api.route, "GET /benefits");
        assert!(!err.is_retryable());
    }
    let unauthorized = c
        .list_page(PlanNum::new(5).into(), PageRequest::default())
        .await
        .unwrap_err();
    assert!(unauthorized.is_unauthorized());
    assert!(
        unauthorized.to_string().contains("Insurance permission"),
        "{unauthorized}"
    );
    let not_found = c
        .list_page(PlanNum::new(3).into(), PageRequest::default())
        .await
        .unwrap_err();
    assert!(not_found.is_not_found());
    // The explanation is the server's words: reachable, never printed.
    assert_eq!(
        not_found.to_string(),
        "GET /benefits answered 404 Not Found with an explanation (Error::message)"
    );
    assert_eq!(not_found.message(), Some("Benefit not found."));
    assert!(!format!("{not_found:?}").contains("Benefit not found"));
}

/// The error of one page fetched from a server that answers `GET /benefits` with `answer`.
async fn list_page_error(answer: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    expect("GET", "/benefits")
        .respond_with(answer)
        .mount(&server)
        .await;
    client(&server)
        .list_page(PlanNum::new(1).into(), PageRequest::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_malformed_body_is_a_decode_error_with_its_path() {
    let body = r#"[{"BenefitNum": 1, "BenefitType": "Deductible"}, {"BenefitNum": 2, "BenefitType": "Deductible", "MonetaryAmt": "lots"}]"#;
    let err = list_page_error(json(200, body)).await;
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path, "[1].MonetaryAmt");
    assert_eq!(decode.body(), body.as_bytes());
    assert!(!err.to_string().contains("lots"), "{err}");
    assert!(!format!("{err:?}").contains("lots"), "{err:?}");
}

#[tokio::test]
async fn a_percent_outside_minus_1_to_100_is_a_decode_error_naming_the_field() {
    for percent in [101, 150, 255, -2] {
        let body =
            format!(r#"[{{"BenefitNum": 1, "BenefitType": "CoInsurance", "Percent": {percent}}}]"#);
        let err = list_page_error(json(200, &body)).await;
        let Error::Decode(decode) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(decode.path, "[0].Percent", "{percent}");
        assert!(decode.reason.contains("-1 or 0 to 100"), "{err}");
        // The value came from the body: it is not repeated.
        assert!(!err.to_string().contains(&percent.to_string()), "{err}");
    }
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_decode_error_with_its_path() {
    // JSON is UTF-8; a Latin-1 "é" in a string is refused where it stands.
    let body = b"[{\"BenefitNum\": 1, \"BenefitType\": \"Deductible\", \"procCode\": \"D0\xe9\"}]";
    let err =
        list_page_error(ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json"))
            .await;
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path, "[0].procCode");
    assert_eq!(decode.body(), body);
}

#[tokio::test]
async fn retries_a_503_then_succeeds() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        expect("GET", "/benefits"),
        2,
        ResponseTemplate::new(503),
    )
    .await;
    expect("GET", "/benefits")
        .respond_with(json(200, &fixture("benefit_list.json")))
        .expect(1)
        .mount(&server)
        .await;
    let rows = client(&server)
        .list_page(PlanNum::new(12).into(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    let server = MockServer::start().await;
    expect("PUT", "/benefits/7")
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let c = builder(&server)
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let err = c
        .update(BenefitNum::new(7), &BenefitUpdate::new().quantity_only(2))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
    assert!(err.is_retryable());
}

// Paused time, with the server on the same runtime: the one-second wait passes on the test's
// clock, and the gap between the two requests the server saw is exactly the server's ask.
#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured() {
    let (url, arrivals) = recording_server(|n| match n {
        0 => b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        _ => EMPTY_LIST,
    })
    .await;
    let c = BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{url}/api/v1"))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    c.list_page(PlanNum::new(12).into(), PageRequest::default())
        .await
        .unwrap();
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2);
    // The millisecond backoff was replaced by the server's one second, to the tick.
    assert_eq!(arrivals[1] - arrivals[0], Duration::from_secs(1));
}

/// One bound on a server's wait: a Retry-After of an hour is waited out for a minute
/// (`Backoff::MAX`, as the throttle's hold), then the call asks again.
#[tokio::test(start_paused = true)]
async fn a_retry_after_is_waited_out_a_minute_at_most() {
    let (url, arrivals) = recording_server(|n| match n {
        0 => b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        _ => EMPTY_LIST,
    })
    .await;
    let c = BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{url}/api/v1"))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    c.list_page(PlanNum::new(12).into(), PageRequest::default())
        .await
        .unwrap();
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2);
    assert_eq!(
        arrivals[1] - arrivals[0],
        benefits_sdk::throttle::Backoff::MAX
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_ends_the_call() {
    let server = MockServer::start().await;
    expect("GET", "/benefits")
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let c = builder(&server)
        .retry_policy(fast_retries().max_elapsed(Duration::from_secs(5)))
        .build()
        .unwrap();
    let err = c
        .list_page(PlanNum::new(12).into(), PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn post_is_never_retried_by_default() {
    let server = MockServer::start().await;
    expect("POST", "/benefits")
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .create(&NewBenefit::every_n_months(PlanNum::new(12), 6))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    // A proxy answers 503 after forwarding when its connection to the office broke: the
    // office may have stored it.
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn post_is_retried_when_the_caller_opts_in() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        expect("POST", "/benefits"),
        1,
        ResponseTemplate::new(503),
    )
    .await;
    expect("POST", "/benefits")
        .respond_with(json(201, &fixture("post_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let c = builder(&server)
        .retry_policy(fast_retries().retry_non_idempotent(true))
        .build()
        .unwrap();
    c.create(&NewBenefit::every_n_months(PlanNum::new(12), 6))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_post_that_gets_504_or_times_out_has_an_unknown_outcome() {
    let server = MockServer::start().await;
    expect("POST", "/benefits")
        .and(body_json(serde_json::json!({
            "PlanNum": 1, "CoverageLevel": "None", "BenefitType": "Limitations",
            "TimePeriod": "None", "QuantityQualifier": "Months", "Quantity": 6
        })))
        .respond_with(ResponseTemplate::new(504))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", "/benefits")
        .respond_with(json(201, &fixture("post_response.json")).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let c = builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let gateway = c
        .create(&NewBenefit::every_n_months(PlanNum::new(1), 6))
        .await
        .unwrap_err();
    assert!(gateway.outcome_unknown());
    assert!(
        gateway.to_string().contains("may have been applied"),
        "{gateway}"
    );
    let timed_out = c
        .create(&NewBenefit::every_n_months(PlanNum::new(2), 6))
        .await
        .unwrap_err();
    assert!(
        matches!(timed_out, Error::Transport { .. }),
        "{timed_out:?}"
    );
    assert!(timed_out.outcome_unknown());
}

#[tokio::test]
async fn a_delete_whose_retry_finds_the_row_gone_succeeded() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        expect("DELETE", "/benefits/75"),
        1,
        ResponseTemplate::new(504),
    )
    .await;
    expect("DELETE", "/benefits/75")
        .respond_with(json(404, "\"Benefit not found.\""))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).delete(BenefitNum::new(75)).await.unwrap();
}

#[tokio::test]
async fn a_delete_of_a_missing_row_is_not_found() {
    let server = MockServer::start().await;
    // 429 means the first attempt was refused, so the 404 after it is the truth.
    mount_first(
        &server,
        expect("DELETE", "/benefits/76"),
        1,
        ResponseTemplate::new(429),
    )
    .await;
    expect("DELETE", "/benefits/76")
        .respond_with(json(404, "\"Benefit not found.\""))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .delete(BenefitNum::new(76))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let c = BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .retry_policy(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let err = c.delete(BenefitNum::new(1)).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    // Refused before it reached a server: nothing can have been deleted.
    assert!(!err.outcome_unknown());
    assert!(!err.to_string().contains("127.0.0.1"), "{err}");
}

// Paused time, with the server on the same runtime: the spacing is read off the test's clock.
#[tokio::test(start_paused = true)]
async fn throttle_spaces_requests_across_clones() {
    let (url, arrivals) = recording_server(|_| EMPTY_LIST).await;
    let interval = Duration::from_millis(40);
    let c = BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{url}/api/v1"))
        .throttle(interval)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move {
                for _ in 0..3 {
                    c.list_page(PlanNum::new(12).into(), PageRequest::default())
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    // Six requests from two clones share one schedule: each arrives one interval after the
    // one before, never sooner (no arrival guard under 100 ms).
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 6);
    for pair in arrivals.windows(2) {
        assert_eq!(pair[1] - pair[0], interval);
    }
}

#[test]
fn remote_mode_defaults_and_presets() {
    let remote = BenefitsClient::builder().keys("a", "b").build().unwrap();
    assert_eq!(
        remote.base_url().as_str(),
        "https://api.opendental.com/api/v1/"
    );
    assert_eq!(remote.page_size(), 100);
    assert!(
        format!("{remote:?}").contains("throttle: Some(1s)"),
        "{remote:?}"
    );
    let local = BenefitsClient::builder()
        .keys("a", "b")
        .local_api()
        .build()
        .unwrap();
    assert_eq!(local.base_url().as_str(), "http://localhost:30222/api/v1/");
    assert_eq!(local.page_size(), 1000);
    assert!(format!("{local:?}").contains("throttle: None"), "{local:?}");
    let service = BenefitsClient::builder()
        .keys("a", "b")
        .api_service("192.168.1.20")
        .build()
        .unwrap();
    assert_eq!(
        service.base_url().as_str(),
        "http://192.168.1.20:30223/api/v1/"
    );
    assert_eq!(service.page_size(), 1000);
    let named = BenefitsClient::builder()
        .keys("a", "b")
        .api_service("OFFICESERVER")
        .build()
        .unwrap();
    assert_eq!(
        named.base_url().as_str(),
        "http://officeserver:30223/api/v1/"
    );
}

#[test]
fn configuration_errors() {
    let build = |b: benefits_sdk::opendental::BenefitsClientBuilder| match b.build() {
        Err(Error::Config(e)) => e.message,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    assert!(build(BenefitsClient::builder()).contains("developer key: missing"));
    assert!(
        build(BenefitsClient::builder().keys(" ", "b"))
            .contains("developer key: must not be empty")
    );
    assert!(build(BenefitsClient::builder().keys("a", "b/c")).contains("customer key"));
    assert!(build(BenefitsClient::builder().keys("a", "b c")).contains("customer key"));
    let public_http = build(
        BenefitsClient::builder()
            .keys("a", "b")
            .base_url("http://api.opendental.com/api/v1"),
    );
    assert!(public_http.contains("plain http"), "{public_http}");
    assert!(
        BenefitsClient::builder()
            .keys("a", "b")
            .base_url("http://api.example.com/api/v1")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
    assert!(build(BenefitsClient::builder().keys("a", "b").page_size(0)).contains("page size"));
    // Pages overlap by one row: a page of one could never move on.
    assert!(build(BenefitsClient::builder().keys("a", "b").page_size(1)).contains("page size"));
    assert!(
        build(
            BenefitsClient::builder()
                .keys("a", "b")
                .http_client(reqwest::Client::new())
                .connect_timeout(Duration::from_secs(1))
        )
        .contains("connect timeout")
    );
}

#[test]
fn keys_never_show_in_debug() {
    let builder = BenefitsClient::builder().keys("SECRET-DEV", "SECRET-CUST");
    let text = format!("{builder:?}");
    assert!(!text.contains("SECRET"), "{text}");
    let client = builder.build().unwrap();
    let text = format!("{client:?}");
    assert!(!text.contains("SECRET"), "{text}");
}

#[test]
fn clients_are_send_sync_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<BenefitsClient>();
    fn stream_is_send<T: Send>(_: &T) {}
    let c = BenefitsClient::builder().keys("a", "b").build().unwrap();
    stream_is_send(&c.list(PlanNum::new(1).into()));
    let _ = RetryPolicy::disabled();
}
