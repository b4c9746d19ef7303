//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::Duration;

use benefits_sdk::RetryPolicy;
use benefits_sdk::opendental::{BenefitsClient, BenefitsClientBuilder};
use wiremock::{Match, MockBuilder, MockServer, Request, ResponseTemplate};

pub const DEVELOPER_KEY: &str = "devKEY123";
pub const CUSTOMER_KEY: &str = "custKEY456";
pub const AUTHORIZATION: &str = "ODFHIR devKEY123/custKEY456";

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture parsed as JSON.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// JSON text with the whitespace outside strings removed, keeping key order.
pub fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// Removes, recursively, the keys whose Cargo feature is off, so that a fixture can be compared
/// with what a client built without that feature serializes.
pub fn without_disabled_fields(mut value: serde_json::Value) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if !cfg!(feature = "od-23-2") {
                    map.remove("CodeGroupNum");
                }
                if !cfg!(feature = "od-25-3") {
                    map.remove("TreatArea");
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut value);
    value
}

/// Millisecond backoffs so that retry tests stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::new().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A builder pointed at the mock server, with test keys, no throttle and fast retries.
pub fn builder(server: &MockServer) -> BenefitsClientBuilder {
    BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("{}/api/v1", server.uri()))
        .retry_policy(fast_retries())
}

pub fn client(server: &MockServer) -> BenefitsClient {
    builder(server).build().unwrap()
}

/// Matches the whole query string exactly (`None`: no query at all).
pub struct QueryIs(pub Option<&'static str>);

impl Match for QueryIs {
    fn matches(&self, request: &Request) -> bool {
        request.url.query() == self.0
    }
}

/// Matches a request with no body.
pub struct NoBody;

impl Match for NoBody {
    fn matches(&self, request: &Request) -> bool {
        request.body.is_empty()
    }
}

/// Answers the first `n` requests that `mock` matches with `response` (and expects exactly
/// that many), ahead of every other mock mounted on the server.
pub async fn mount_first(
    server: &MockServer,
    mock: MockBuilder,
    n: u64,
    response: ResponseTemplate,
) {
    mock.respond_with(response)
        .up_to_n_times(n)
        .expect(n)
        .with_priority(1)
        .mount(server)
        .await;
}

/// A hand-written HTTP server on loopback for what wiremock cannot do (reset a connection,
/// trickle bytes): for each connection it reads the request head, then hands the socket to
/// `serve`. Returns the base URL (`http://127.0.0.1:port`) and a count of connections.
pub async fn raw_server<F, Fut>(
    serve: F,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = connections.clone();
    let serve = std::sync::Arc::new(serve);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let serve = serve.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                serve(socket).await;
            });
        }
    });
    (url, connections)
}

/// A [`raw_server`] that notes when each request arrives, on the tokio clock (paused in a
/// test with `start_paused`), and answers the `n`th request (from 0) with `answer(n)`, a whole
/// HTTP/1.1 response that closes the connection.
pub async fn recording_server(
    answer: fn(usize) -> &'static [u8],
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<tokio::time::Instant>>>,
) {
    use tokio::io::AsyncWriteExt;
    let arrivals = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = arrivals.clone();
    let (url, _) = raw_server(move |mut socket| {
        let seen = seen.clone();
        async move {
            let n = {
                let mut seen = seen.lock().unwrap();
                seen.push(tokio::time::Instant::now());
                seen.len() - 1
            };
            let _ = socket.write_all(answer(n)).await;
        }
    })
    .await;
    (url, arrivals)
}

/// An empty JSON list, closing the connection.
pub const EMPTY_LIST: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]";

/// A tracing writer that keeps what the crate logs, for tests that read the log.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Each logged request of a fake as `METHOD /path?query`, in order.
#[cfg(feature = "test-util")]
pub fn calls(requests: &[benefits_sdk::mock::LoggedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| match &r.query {
            Some(q) => format!("{} {}?{q}", r.method, r.path),
            None => format!("{} {}", r.method, r.path),
        })
        .collect()
}
