//! A POST whose connection was refused never landed, so it is sent again: counted in the
//! client's own tracing.

use crate::common::*;
use benefits_sdk::opendental::{NewBenefit, PlanNum};
use benefits_sdk::{Error, TransportErrorKind};

fn months() -> NewBenefit {
    NewBenefit::every_n_months(PlanNum::new(12), 6)
}

#[tokio::test]
async fn a_post_whose_connection_was_refused_never_landed_and_is_sent_again() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let c = benefits_sdk::opendental::BenefitsClient::builder()
        .keys(DEVELOPER_KEY, CUSTOMER_KEY)
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let err = c.create(&months()).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Connect);
    assert!(!err.outcome_unknown());
    let log = captured.text();
    // Three attempts: two retries, although it is a POST.
    assert_eq!(log.matches("retrying").count(), 2, "{log}");
}
