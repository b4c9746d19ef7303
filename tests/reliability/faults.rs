//! Faults survived: broken connections, slow and oversized bodies, odd statuses and bodies,
//! redirects, and clones hammered from many tasks at once.

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use crate::common::*;
use benefits_sdk::opendental::{BenefitNum, BenefitsClient, PageRequest, PlanNum};
use benefits_sdk::{Error, RetryPolicy, StatusCode};
use tokio::io::AsyncWriteExt;
use wiremock::matchers::{any, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PLAN: PlanNum = PlanNum::new(12);

fn client_at(base: &str) -> BenefitsClient {
    BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{base}/api/v1"))
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error() {
    let (url, connections) = raw_server(|mut socket| async move {
        let _ = socket
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"BenefitNum\":")
            .await;
        // Dropping the socket closes it with 985 bytes still owed.
    })
    .await;
    let err = client_at(&url)
        .list_page(PLAN.into(), PageRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    // A GET was retried: every attempt met the same reset.
    assert_eq!(connections.load(Ordering::SeqCst), 4);
}

// Paused time: the server's 20 ms waits and the client's timeout run on the test's clock, so
// the test neither waits for real nor depends on the machine's speed. The server runs on the
// same runtime, on loopback.
#[tokio::test(start_paused = true)]
async fn a_server_that_trickles_forever_is_cut_off_by_the_timeout() {
    let (url, _) = raw_server(|mut socket| async move {
        let head =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[";
        if socket.write_all(head).await.is_err() {
            return;
        }
        // One byte every 20 ms, for at most 10 s, until the client hangs up.
        for _ in 0..500 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if socket.write_all(b" ").await.is_err() {
                return;
            }
        }
    })
    .await;
    let client = BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{url}/api/v1"))
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    // A list-all whose page never ends ends with an error, not a hang.
    let err = client.list_all(PLAN.into()).await.unwrap_err();
    let Error::Transport(source) = &err else {
        panic!("{err:?}")
    };
    assert!(source.is_timeout(), "{source:?}");
    // Cut at the timeout on the test's clock, long before the trickle would have ended.
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
}

#[tokio::test]
async fn a_body_declared_larger_than_the_cap_is_refused_unread() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![b' '; 2 << 20], "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let err = client
        .list_page(PLAN.into(), PageRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_chunked_body_past_the_cap_is_refused_while_streaming() {
    let (url, _) = raw_server(|mut socket| async move {
        if socket
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
        let chunk = vec![b' '; 65536];
        // Up to 8 MiB, far past the client's 256 KiB cap, until the client hangs up.
        for _ in 0..128 {
            let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
            frame.extend_from_slice(&chunk);
            frame.extend_from_slice(b"\r\n");
            if socket.write_all(&frame).await.is_err() {
                return;
            }
        }
    })
    .await;
    let client = BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{url}/api/v1"))
        .max_response_bytes(256 * 1024)
        .build()
        .unwrap();
    let err = client
        .list_page(PLAN.into(), PageRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_with_the_keys() {
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            format!("{}/api/v1/benefits", elsewhere.uri()).as_str(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .list_page(PLAN.into(), PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::FOUND));
    // `elsewhere` verifies on drop that it saw nothing.
}

#[cfg(all(feature = "test-util", feature = "od-25-3"))]
mod against_the_fake {
    use super::*;
    use benefits_sdk::mock::MockOpenDental;
    use benefits_sdk::opendental::{BenefitFilter, NewBenefit};

    #[tokio::test]
    async fn each_server_error_status() {
        let office = MockOpenDental::start().await;
        office.seed(&NewBenefit::every_n_months(PLAN, 6));
        let client = office.client();
        for (status, retried) in [(500, false), (502, true), (503, true), (504, true)] {
            office.reset_log();
            office.fail_next(1, status);
            let result = client.list_all(BenefitFilter::Plan(PLAN)).await;
            assert_eq!(result.is_ok(), retried, "{status}");
            let seen: Vec<u16> = office.requests().iter().map(|r| r.status).collect();
            let want: Vec<u16> = if retried {
                vec![status, 200]
            } else {
                vec![status]
            };
            assert_eq!(seen, want, "{status}");
        }
    }

    #[tokio::test]
    async fn fifty_tasks_share_retries_and_the_throttle() {
        let office = MockOpenDental::start().await;
        let row = office.seed(&NewBenefit::every_n_months(PLAN, 6));
        let interval = Duration::from_millis(2);
        let client = office.client_builder().throttle(interval).build().unwrap();
        office.fail_next(10, 503);
        let started = std::time::Instant::now();
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get(row.benefit_num).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), row);
        }
        let log = office.requests();
        assert_eq!(log.len(), 60, "50 reads and 10 retries");
        assert_eq!(log.iter().filter(|r| r.status == 503).count(), 10);
        // 60 requests through one shared throttle: the last starts 59 intervals in.
        assert!(
            started.elapsed() >= interval * 59,
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn fifty_concurrent_creates_never_write_twice() {
        let office = MockOpenDental::start().await;
        let client = office.client();
        office.fail_next(5, 503);
        let tasks: Vec<_> = (0..50u8)
            .map(|i| {
                let client = client.clone();
                tokio::spawn(async move {
                    client
                        .create(&NewBenefit::every_n_months(PLAN, i % 100 + 1))
                        .await
                })
            })
            .collect();
        let mut failed = 0;
        for task in tasks {
            if let Err(e) = task.await.unwrap() {
                assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
                failed += 1;
            }
        }
        assert_eq!(failed, 5);
        // No POST was sent twice: 50 requests, 45 rows.
        assert_eq!(office.requests().len(), 50);
        assert_eq!(office.benefits().len(), 45);
    }
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    let server = MockServer::start().await;
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
    mount_first(
        &server,
        Mock::given(method("GET")),
        1,
        ResponseTemplate::new(429).insert_header("Retry-After", past.as_str()),
    )
    .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .list_page(PLAN.into(), PageRequest::default())
        .await
        .unwrap();

    let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(600));
    let throttled = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", later.as_str()))
        .expect(1)
        .mount(&throttled)
        .await;
    let err = builder(&throttled)
        .retry_policy(fast_retries().max_elapsed(Duration::from_secs(60)))
        .build()
        .unwrap()
        .list_page(PLAN.into(), PageRequest::default())
        .await
        .unwrap_err();
    let wait = err.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(590) && wait <= Duration::from_secs(600),
        "{wait:?}"
    );
}

#[tokio::test]
async fn odd_success_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("PlanNum", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<html><body>Maintenance</body></html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("PlanNum", "2"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("PlanNum", "3"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("[{\"BenefitNum\": 1, \"Benefit", "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("PlanNum", "4"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"BenefitNum\": 1}", "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let c = client(&server);
    for plan in 1..=4 {
        let err = c
            .list_page(PlanNum::new(plan).into(), PageRequest::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{plan}: {err:?}");
    }
    // An empty 200 is what a DELETE expects.
    c.delete(BenefitNum::new(3)).await.unwrap();
}

#[tokio::test]
async fn any_retry_after_is_survived_and_an_http_date_is_read_on_the_servers_clock() {
    let server = MockServer::start().await;
    // The largest Retry-After there is: no panic, no hour-long (or endless) wait.
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429).insert_header("Retry-After", "18446744073709551615"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // A date 30 s after the response's own Date, from a server whose clock is a day ahead of
    // this worker's: a 30 s wait, not a day and 30 s.
    let tomorrow = SystemTime::now() + Duration::from_secs(86_400);
    let date = httpdate::fmt_http_date(tomorrow);
    let until = httpdate::fmt_http_date(tomorrow + Duration::from_secs(30));
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Date", date.as_str())
                .insert_header("Retry-After", until.as_str()),
        )
        .mount(&server)
        .await;
    let client = BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{}/api/v1", server.uri()))
        .retry_policy(RetryPolicy::disabled())
        .no_throttle()
        .build()
        .unwrap();
    let huge = client.list_all(PLAN.into()).await.unwrap_err();
    assert_eq!(huge.retry_after(), Some(Duration::from_secs(u64::MAX)));
    let dated = client.list_all(PLAN.into()).await.unwrap_err();
    assert_eq!(dated.retry_after(), Some(Duration::from_secs(30)));
    // One request each: neither was waited out and sent again.
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
}
