//! The stateful Open Dental fake, driven by the real client (and raw HTTP where the point is
//! what the server refuses).
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::time::Duration;

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{
    BenefitFilter, BenefitNum, BenefitUpdate, CodeGroupNum, CovCatNum, CoverageLevel, NewBenefit,
    PageRequest, PatPlanNum, PlanNum, QuantityQualifier, TreatArea,
};
use benefits_sdk::{Error, StatusCode};

const PLAN: PlanNum = PlanNum::new(12);

#[tokio::test]
async fn create_get_update_list_delete() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    let created = client
        .create(
            &NewBenefit::every_n_months(PLAN, 6)
                .code_group_num(CodeGroupNum::new(14))
                .treat_area(TreatArea::Quad),
        )
        .await
        .unwrap();
    assert_eq!(created.benefit_num, BenefitNum::new(1));
    assert_eq!(created.plan_num, Some(PLAN));
    assert!(created.is_frequency_limitation());
    assert!(created.sec_date_t_entry.is_some());

    let got = client.get(created.benefit_num).await.unwrap();
    assert_eq!(got, created);

    let updated = client
        .update(created.benefit_num, &BenefitUpdate::new().quantity_only(9))
        .await
        .unwrap();
    assert_eq!(updated.quantity, 9);
    assert_eq!(updated.quantity_qualifier, QuantityQualifier::Months);
    assert_eq!(updated.treat_area, TreatArea::Quad);
    assert!(updated.sec_date_t_edit >= created.sec_date_t_edit);

    client
        .create(&NewBenefit::coinsurance(
            PatPlanNum::new(30),
            CovCatNum::new(3),
            80,
        ))
        .await
        .unwrap();
    let plan_rows = client.list_all(BenefitFilter::Plan(PLAN)).await.unwrap();
    assert_eq!(plan_rows, vec![updated.clone()]);
    let override_rows = client
        .list_all(BenefitFilter::PatPlan(PatPlanNum::new(30)))
        .await
        .unwrap();
    assert_eq!(override_rows.len(), 1);
    assert_eq!(client.list_all(BenefitFilter::All).await.unwrap().len(), 2);

    client.delete(created.benefit_num).await.unwrap();
    let gone = client.get(created.benefit_num).await.unwrap_err();
    assert!(gone.is_not_found());
    assert_eq!(office.benefits().len(), 1);
}

#[tokio::test]
async fn pages_are_capped_and_ordered() {
    let office = MockOpenDental::builder().page_cap(3).start().await;
    for quantity in 1..=5 {
        office.seed(&NewBenefit::every_n_months(PLAN, quantity));
    }
    let client = office.client();
    let all = client.list_all(PLAN.into()).await.unwrap();
    let nums: Vec<u64> = all.iter().map(|b| b.benefit_num.get()).collect();
    assert_eq!(nums, [1, 2, 3, 4, 5]);
    let queries: Vec<Option<String>> = office.requests().into_iter().map(|r| r.query).collect();
    // Each page after the first starts at the last row of the one before.
    assert_eq!(
        queries,
        [
            Some("PlanNum=12&Limit=3".to_owned()),
            Some("PlanNum=12&Limit=3&Offset=2".to_owned()),
            Some("PlanNum=12&Limit=3&Offset=4".to_owned()),
        ]
    );
    // A Limit above the cap gets the cap.
    let page = client
        .list_page(PLAN.into(), PageRequest::new(50, 0))
        .await
        .unwrap();
    assert_eq!(page.len(), 3);
}

/// Sends a raw request, bypassing the client's own validation, and returns the status and the
/// explanation.
async fn raw(office: &MockOpenDental, method: &str, path: &str, body: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", office.base_url()),
        )
        .header(
            "Authorization",
            "ODFHIR mock-developer-key/mock-customer-key",
        )
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str::<String>(&text).unwrap_or(text),
    )
}

#[tokio::test]
async fn the_fake_refuses_what_the_server_documents() {
    let office = MockOpenDental::start().await;
    let existing =
        office.seed(&NewBenefit::every_n_years(PLAN, 2).code_group_num(CodeGroupNum::new(3)));
    let cases = [
        (
            "POST",
            "/benefits",
            r#"{"BenefitType":"Limitations","CoverageLevel":"None"}"#,
            "PlanNum or PatPlanNum is required.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"PatPlanNum":2,"BenefitType":"Limitations","CoverageLevel":"None"}"#,
            "Only one of PlanNum or PatPlanNum may be given.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"CoverageLevel":"None"}"#,
            "BenefitType is required.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"BenefitType":"Frequency","CoverageLevel":"None"}"#,
            "BenefitType is invalid.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"BenefitType":"CoInsurance","CoverageLevel":"None","Percent":150}"#,
            "Percent must be between 0 and 100.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"BenefitType":"Deductible","CoverageLevel":"None","Percent":50}"#,
            "Percent is only allowed for CoInsurance benefits.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"BenefitType":"Limitations","CoverageLevel":"None","Quantity":101}"#,
            "Quantity must be between 0 and 100.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"BenefitType":"WaitingPeriod","CoverageLevel":"None","QuantityQualifier":"Visits","Quantity":2}"#,
            "QuantityQualifier must be Months or Years for a WaitingPeriod.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"BenefitType":"Limitations","CoverageLevel":"None","QuantityQualifier":"AgeLimit","Quantity":0}"#,
            "Quantity must be greater than 0 for an AgeLimit.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"BenefitType":"Exclusions","CoverageLevel":"None","CovCatNum":3,"CodeNum":5}"#,
            "CodeNum and procCode are only allowed when CovCatNum is 0.",
        ),
        (
            "POST",
            "/benefits",
            r#"{"PlanNum":1,"BenefitType":"CoInsurance","CoverageLevel":"None","Percent":80,"TreatArea":"Quad"}"#,
            "TreatArea is only allowed for a Frequency Limitation.",
        ),
        (
            "POST",
            "/benefits",
            "not json",
            "The request body is not a valid JSON object.",
        ),
        (
            "GET",
            "/benefits?PlanNum=1&PatPlanNum=2",
            "",
            "Only one of PlanNum or PatPlanNum may be given.",
        ),
        (
            "PUT",
            "/benefits/1",
            r#"{"CodeGroupNum":9}"#,
            "CodeGroupNum cannot be changed for a Frequency Limitation or an Age Limit.",
        ),
        (
            "PUT",
            "/benefits/1",
            r#"{"PlanNum":9}"#,
            "PlanNum and PatPlanNum cannot be changed.",
        ),
    ];
    for (method, path, body, want) in cases {
        assert_eq!(
            raw(&office, method, path, body).await,
            (400, want.to_owned()),
            "{method} {path} {body}"
        );
    }
    assert_eq!(
        raw(&office, "PUT", "/benefits/99", r#"{"Quantity":1}"#)
            .await
            .0,
        404
    );
    assert_eq!(raw(&office, "DELETE", "/benefits/99", "").await.0, 404);
    // Nothing above changed the stored row.
    assert_eq!(office.benefits(), vec![existing]);
}

#[tokio::test]
async fn wrong_keys_are_unauthorized() {
    let office = MockOpenDental::start().await;
    let err = office
        .client_builder()
        .keys("someone-else", "mock-customer-key")
        .build()
        .unwrap()
        .list_page(PLAN.into(), PageRequest::default())
        .await
        .unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
    assert_eq!(office.requests()[0].status, 401);
}

#[tokio::test]
async fn injected_faults_and_the_request_log() {
    let office = MockOpenDental::start().await;
    office.seed(&NewBenefit::annual_max(
        PLAN,
        CoverageLevel::Individual,
        1500.into(),
    ));
    let client = office.client();

    // Two 503s, then the normal answer: the client's retries see it through.
    office.fail_next(2, 503);
    assert_eq!(client.list_all(PLAN.into()).await.unwrap().len(), 1);
    let statuses: Vec<u16> = office.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 200]);

    // 429 with Retry-After 0, then success.
    office.reset_log();
    office.rate_limit_next(1, Duration::ZERO);
    client.list_all(PLAN.into()).await.unwrap();
    assert_eq!(office.requests().len(), 2);

    // A 500 is not retried.
    office.reset_log();
    office.fail_next(1, 500);
    let err = client.list_all(PLAN.into()).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(office.requests().len(), 1);

    // A malformed body is a decode error with its path.
    office.malformed_next(1);
    let err = client.list_all(PLAN.into()).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");

    // A delay past the client's timeout is a transport error, retried, then answered.
    office.reset_log();
    office.delay_next(1, Duration::from_millis(500));
    let impatient = office
        .client_builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    assert_eq!(impatient.list_all(PLAN.into()).await.unwrap().len(), 1);
    assert_eq!(office.requests().len(), 2);

    // A POST that meets a 503 is not retried, and nothing was stored.
    office.reset_log();
    office.fail_next(1, 503);
    let err = client
        .create(&NewBenefit::every_n_months(PLAN, 6))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let log = office.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, "/api/v1/benefits");
    assert_eq!(office.benefits().len(), 1);
}
