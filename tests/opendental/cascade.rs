//! The mode cascade: a connection failure moves the client on to the next mode, a 4xx never
//! does, the first mode is tried again after the cool-down (on tokio's paused clock), and a
//! listing never mixes modes. The servers run on the test's own runtime, so the paused clock
//! never jumps while one of them answers.
#![cfg(feature = "od-25-3")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use benefits_sdk::opendental::{ApiMode, BenefitsClient, Endpoint, PlanNum};
use benefits_sdk::{Error, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How a test server answers.
#[derive(Clone, Copy)]
enum Answer {
    /// 200 with `rows` benefit rows, numbered from `Offset + 1`.
    Rows(u64),
    /// 400 with an explanation.
    BadRequest,
}

/// A server on the test's runtime that logs each request line and answers it; with `once`,
/// it stops listening after its first request and closes that connection.
async fn server_on(listener: TcpListener, answer: Answer, once: bool) -> Arc<Mutex<Vec<String>>> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let n = match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                    continue;
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                buf.drain(..end + 4);
                let line = head.lines().next().unwrap_or_default().to_owned();
                seen.lock().unwrap().push(line.clone());
                let (status, body) = match answer {
                    Answer::Rows(rows) => {
                        let offset: u64 = line
                            .split("Offset=")
                            .nth(1)
                            .and_then(|r| r.split([' ', '&']).next())
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(0);
                        let page: Vec<String> = (offset + 1..=rows)
                            .take(2)
                            .map(|n| format!(r#"{{"BenefitNum":{n},"PlanNum":12,"BenefitType":"Limitations"}}"#))
                            .collect();
                        ("200 OK", format!("[{}]", page.join(",")))
                    }
                    Answer::BadRequest => {
                        ("400 Bad Request", r#""PlanNum is invalid.""#.to_owned())
                    }
                };
                let close = if once { "connection: close\r\n" } else { "" };
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{close}content-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                if once {
                    return;
                }
            }
        }
    });
    log
}

async fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
    (listener, url)
}

fn cascade(first: &str, second: &str) -> BenefitsClient {
    BenefitsClient::builder()
        .keys("developer", "customer")
        .cascade([
            Endpoint::BaseUrl(first.to_owned()),
            Endpoint::BaseUrl(second.to_owned()),
        ])
        .cascade_cooldown(Duration::from_secs(60))
        .page_size(2)
        .build()
        .unwrap()
}

const PLAN: PlanNum = PlanNum::new(12);

#[tokio::test(start_paused = true)]
async fn the_first_mode_down_then_back() {
    // The first mode's port, with nothing listening on it yet.
    let (closed, first) = listener().await;
    let port = closed.local_addr().unwrap();
    drop(closed);
    let (second_listener, second) = listener().await;
    let second_log = server_on(second_listener, Answer::Rows(1), false).await;
    let client = cascade(&first, &second);
    assert_eq!(client.base_url().as_str(), format!("{first}/"));

    let rows = client.list_all(PLAN.into()).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(client.base_url().as_str(), format!("{second}/"));
    // Within the cool-down, requests go straight to the second mode.
    tokio::time::advance(Duration::from_secs(30)).await;
    client.list_all(PLAN.into()).await.unwrap();
    assert_eq!(second_log.lock().unwrap().len(), 2);

    // The first mode comes back; after the cool-down the client returns to it.
    let first_log = server_on(
        TcpListener::bind(port).await.unwrap(),
        Answer::Rows(1),
        false,
    )
    .await;
    tokio::time::advance(Duration::from_secs(31)).await;
    assert_eq!(client.base_url().as_str(), format!("{first}/"));
    client.list_all(PLAN.into()).await.unwrap();
    assert_eq!(
        *first_log.lock().unwrap(),
        ["GET /api/v1/benefits?PlanNum=12&Limit=2 HTTP/1.1"]
    );
    assert_eq!(second_log.lock().unwrap().len(), 2);
    assert_eq!(client.mode(), ApiMode::Custom);
}

#[tokio::test(start_paused = true)]
async fn a_4xx_never_falls_back() {
    let (first_listener, first) = listener().await;
    let first_log = server_on(first_listener, Answer::BadRequest, false).await;
    let (second_listener, second) = listener().await;
    let second_log = server_on(second_listener, Answer::Rows(1), false).await;
    let client = cascade(&first, &second);
    let err = client.list_all(PLAN.into()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(first_log.lock().unwrap().len(), 1);
    assert!(second_log.lock().unwrap().is_empty());
    assert_eq!(client.base_url().as_str(), format!("{first}/"));
}

#[tokio::test(start_paused = true)]
async fn a_listing_never_mixes_modes() {
    // The first mode serves the first page of three rows, then goes away.
    let (first_listener, first) = listener().await;
    let first_log = server_on(first_listener, Answer::Rows(3), true).await;
    let (second_listener, second) = listener().await;
    let second_log = server_on(second_listener, Answer::Rows(3), false).await;
    let client = cascade(&first, &second);
    let err = client.list_all(PLAN.into()).await.unwrap_err();
    match err {
        Error::Transport(t) => assert_eq!(t.kind, TransportErrorKind::Connect),
        other => panic!("expected a connect error, got {other:?}"),
    }
    assert_eq!(first_log.lock().unwrap().len(), 1);
    assert!(
        second_log.lock().unwrap().is_empty(),
        "the second page did not go to another mode"
    );
    // The next listing starts on the second mode (the failure moved the client on) and
    // stays there: three pages of two rows overlapping by one.
    assert_eq!(client.base_url().as_str(), format!("{second}/"));
    let rows = client.list_all(PLAN.into()).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(second_log.lock().unwrap().len(), 3);
}

#[test]
fn page_size_and_throttle_follow_the_mode() {
    let client = BenefitsClient::builder()
        .keys("developer", "customer")
        .cascade([
            Endpoint::ApiService("officeserver".into()),
            Endpoint::Remote,
        ])
        .build()
        .unwrap();
    assert_eq!(client.mode(), ApiMode::ApiService);
    assert_eq!(client.page_size(), 1000);
    let debug = format!("{client:?}");
    assert!(debug.contains("mode: ApiService, base_url: \"http://officeserver:30223/api/v1/\", page_size: 1000, throttle: None"), "{debug}");
    assert!(debug.contains("mode: Remote, base_url: \"https://api.opendental.com/api/v1/\", page_size: 100, throttle: Some(1s)"), "{debug}");
    let empty = BenefitsClient::builder()
        .keys("developer", "customer")
        .cascade([])
        .build();
    assert!(matches!(empty, Err(Error::Config(_))));
}
