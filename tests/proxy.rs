//! `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` are honoured with the crate's own HTTP client, through a proxy
//! on loopback. The variables are process-wide, so this file holds one test and sets them
//! before any runtime or client exists.
#![cfg(feature = "od-25-3")]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use benefits_sdk::opendental::{BenefitsClient, PlanNum};

/// A server that answers `[]` to every request and keeps each request line.
fn server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = lines.clone();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { return };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&buf).to_string();
            seen.lock()
                .unwrap()
                .push(head.lines().next().unwrap_or_default().to_owned());
            let _ = socket.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 2\r\n\r\n[]",
            );
        }
    });
    (port, lines)
}

fn client(base: &str) -> BenefitsClient {
    BenefitsClient::builder()
        .keys("developer", "customer")
        .base_url(base)
        .build()
        .unwrap()
}

#[test]
fn http_proxy_and_no_proxy_are_honoured() {
    let (proxy_port, proxied) = server();
    let (direct_port, direct) = server();
    // SAFETY: the only test of this binary; no other thread reads the environment yet.
    unsafe {
        std::env::set_var("HTTP_PROXY", format!("http://127.0.0.1:{proxy_port}"));
        std::env::set_var("HTTPS_PROXY", format!("http://127.0.0.1:{proxy_port}"));
        std::env::set_var("NO_PROXY", "127.0.0.1");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // A host on the office's network: through the proxy, in absolute form.
        client("http://officeserver.lan/api/v1")
            .list_all(PlanNum::new(12).into())
            .await
            .unwrap();
        // HTTPS through the proxy: a CONNECT tunnel (this proxy cannot open one, so the call
        // fails after it asked).
        let tunnelled = client("https://api.opendental.com/api/v1")
            .list_all(PlanNum::new(12).into())
            .await;
        assert!(tunnelled.is_err());
        // A host NO_PROXY names: straight to it.
        client(&format!("http://127.0.0.1:{direct_port}/api/v1"))
            .list_all(PlanNum::new(12).into())
            .await
            .unwrap();
    });
    let proxied = proxied.lock().unwrap().clone();
    assert_eq!(
        proxied[0],
        "GET http://officeserver.lan/api/v1/benefits?PlanNum=12&Limit=100 HTTP/1.1"
    );
    assert!(
        proxied[1..]
            .iter()
            .all(|l| l == "CONNECT api.opendental.com:443 HTTP/1.1"),
        "{proxied:?}"
    );
    assert!(proxied.len() >= 2);
    assert_eq!(
        *direct.lock().unwrap(),
        ["GET /api/v1/benefits?PlanNum=12&Limit=100 HTTP/1.1"]
    );
}
