//! The office's version at run time: set on the builder or read from the office, every method
//! and field it lacks refused before sending, and a version 400 that sends the client back to
//! the office.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{
    BenefitFilter, BenefitNum, BenefitUpdate, BenefitsClient, CodeGroupNum, InsPlan, NewBenefit,
    PlanNum, ServerVersion, TreatArea,
};
use benefits_sdk::{Error, UnsupportedError};

const PLAN: PlanNum = PlanNum::new(12);

fn client_at(office: &MockOpenDental, version: &str) -> BenefitsClient {
    office
        .client_builder()
        .server_version(version.parse().unwrap())
        .build()
        .unwrap()
}

fn unsupported(e: Error) -> UnsupportedError {
    match e {
        Error::Unsupported(u) => u,
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[tokio::test]
async fn a_24_1_office_is_refused_treat_area_before_sending() {
    let office = MockOpenDental::start().await;
    let client = client_at(&office, "24.1.5");
    let new = NewBenefit::every_n_months(PLAN, 6)
        .code_group_num(CodeGroupNum::new(2))
        .treat_area(TreatArea::Mouth);
    let err = client.create(&new).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "TreatArea needs Open Dental 25.3.7; the office runs 24.1.5"
    );
    let u = unsupported(err);
    assert_eq!(u.needs, ServerVersion::new(25, 3, 7));
    assert_eq!(u.office, ServerVersion::new(24, 1, 5));
    assert!(office.requests().is_empty());
    // The same benefit without TreatArea goes out: CodeGroupNum on POST is 23.2.62.
    let created = client
        .create(&NewBenefit::every_n_months(PLAN, 6).code_group_num(CodeGroupNum::new(2)))
        .await
        .unwrap();
    assert_eq!(office.requests().len(), 1);
    let err = client
        .update(
            created.benefit_num,
            &BenefitUpdate::new().code_group_num(CodeGroupNum::new(3)),
        )
        .await
        .unwrap_err();
    assert_eq!(unsupported(err).what, "CodeGroupNum on PUT /benefits");
    assert_eq!(office.requests().len(), 1);
}

#[tokio::test]
async fn each_gate_names_what_it_needs() {
    let office = MockOpenDental::start().await;
    let old = client_at(&office, "23.1.20");
    let cases: Vec<(Error, &str)> = vec![
        (
            old.get(BenefitNum::new(1)).await.unwrap_err(),
            "GET /benefits/{BenefitNum}",
        ),
        (
            old.list_all(BenefitFilter::All).await.unwrap_err(),
            "GET /benefits with no filter",
        ),
        (
            old.create(&NewBenefit::age_limit(PLAN, CodeGroupNum::new(5), 19))
                .await
                .unwrap_err(),
            "CodeGroupNum on POST /benefits",
        ),
        (old.cov_cats().await.unwrap_err(), "GET /covcats"),
        (old.code_groups().await.unwrap_err(), "GET /codegroups"),
    ];
    for (err, what) in cases {
        assert_eq!(unsupported(err).what, what);
    }
    assert!(office.requests().is_empty());
    // What 23.1 has still goes out.
    old.list_all(PLAN.into()).await.unwrap();
    assert_eq!(office.requests().len(), 1);
}

#[tokio::test]
async fn an_office_before_24_2_11_gets_its_plan_from_the_list() {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, 4));
    let client = client_at(&office, "24.1.5");
    assert_eq!(client.ins_plan(PLAN).await.unwrap().month_renew, 4);
    let paths: Vec<String> = office.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/api/v1/insplans"]);
}

#[tokio::test]
async fn the_version_is_read_from_the_office_once() {
    let office = MockOpenDental::start().await;
    office.set_version(Some("24.1.5.0"));
    let client = office.client();
    assert_eq!(client.known_server_version(), None);
    let version = client.server_version().await.unwrap();
    assert_eq!(version, Some(ServerVersion::new(24, 1, 5)));
    assert_eq!(client.server_version().await.unwrap(), version);
    let requests = office.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/api/v1/preferences");
    assert_eq!(
        requests[0].query.as_deref(),
        Some("PrefName=ProgramVersion")
    );
    // Clones share what was read.
    let err = client.clone().get(BenefitNum::new(1)).await.unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)));
    assert_eq!(office.requests().len(), 1);
}

#[tokio::test]
async fn a_missing_or_unparsable_version_lets_the_server_decide() {
    for stored in [None, Some("trunk"), Some("")] {
        let office = MockOpenDental::start().await;
        office.set_version(stored);
        let client = office.client();
        assert_eq!(client.server_version().await.unwrap(), None);
        // Not read again, and nothing refused: the request goes out.
        assert_eq!(client.server_version().await.unwrap(), None);
        let err = client.get(BenefitNum::new(1)).await.unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(office.requests().len(), 2);
    }
}

#[tokio::test]
async fn a_version_400_sends_the_client_back_to_the_office() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    assert_eq!(
        client.server_version().await.unwrap(),
        Some(ServerVersion::new(25, 4, 48))
    );
    // The office turns out older than read (restored from a backup, say).
    office.set_version(Some("24.1.5"));
    let err = client.get(BenefitNum::new(1)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(client.known_server_version(), None);
    assert_eq!(
        client.server_version().await.unwrap(),
        Some(ServerVersion::new(24, 1, 5))
    );
    assert!(matches!(
        client.get(BenefitNum::new(1)).await.unwrap_err(),
        Error::Unsupported(_)
    ));
    // A version set on the builder is the caller's word: it stays.
    let fixed = client_at(&office, "25.4.0");
    let _ = fixed.get(BenefitNum::new(1)).await.unwrap_err();
    assert_eq!(
        fixed.known_server_version(),
        Some(ServerVersion::new(25, 4, 0))
    );
}
