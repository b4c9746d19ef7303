//! The office lookups against the fake: the exact requests, Open Dental's resolution rules,
//! the cache, and paging.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::time::Duration;

use crate::common::calls;
use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{
    CodeGroup, CodeGroupFixed, CodeGroupNum, CovCat, CovCatNum, EbenefitCategory, InsPlan, PlanNum,
};
use benefits_sdk::{Error, LookupErrorKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn lookup_error(e: Error) -> benefits_sdk::LookupError {
    match e {
        Error::Lookup(e) => e,
        other => panic!("expected a lookup error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_category_resolves_as_open_dental_does_and_is_read_once() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    // The hidden "Old Preventive" comes first by CovOrder; Open Dental passes over it.
    let preventive = client
        .cov_cat_for(EbenefitCategory::RoutinePreventive)
        .await
        .unwrap();
    assert_eq!(preventive.cov_cat_num, CovCatNum::new(2));
    assert_eq!(preventive.description, "Preventive");
    let crowns = client.cov_cat_for(EbenefitCategory::Crowns).await.unwrap();
    assert_eq!(crowns.cov_cat_num, CovCatNum::new(5));
    let implants = client.cov_cat_named("Implants").await.unwrap();
    assert_eq!(implants.cov_cat_num, CovCatNum::new(11));
    assert_eq!(client.cov_cats().await.unwrap().len(), 16);
    // One request for all four answers.
    assert_eq!(calls(&office.requests()), ["GET /api/v1/covcats?Limit=100"]);

    client.refresh_lookups().await;
    client.cov_cat_for(EbenefitCategory::Crowns).await.unwrap();
    assert_eq!(office.requests().len(), 2);
}

#[tokio::test]
async fn the_first_visible_category_by_order_wins() {
    let office = MockOpenDental::start().await;
    office.set_cov_cats([
        CovCat::new(
            CovCatNum::new(7),
            "Restorative B",
            EbenefitCategory::Restorative,
        )
        .order(5),
        CovCat::new(
            CovCatNum::new(3),
            "Restorative A",
            EbenefitCategory::Restorative,
        )
        .order(2),
        CovCat::new(CovCatNum::new(1), "Hidden", EbenefitCategory::Restorative)
            .order(0)
            .hidden(true),
    ]);
    let found = office
        .client()
        .cov_cat_for(EbenefitCategory::Restorative)
        .await
        .unwrap();
    assert_eq!(found.cov_cat_num, CovCatNum::new(3));
}

#[tokio::test]
async fn a_missing_or_ambiguous_category_is_an_error_naming_the_candidates() {
    let office = MockOpenDental::start().await;
    office.set_cov_cats([
        CovCat::new(CovCatNum::new(3), "Basic", EbenefitCategory::Restorative).order(1),
        CovCat::new(CovCatNum::new(4), "Basic", EbenefitCategory::Endodontics).order(2),
        CovCat::new(CovCatNum::new(5), "Major", EbenefitCategory::Crowns)
            .order(3)
            .hidden(true),
    ]);
    let client = office.client();
    let err = client
        .cov_cat_for(EbenefitCategory::Crowns)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        err.to_string(),
        "no visible coverage category for EbenefitCat Crowns; candidates: #3 Basic, #4 Basic"
    );
    let err = lookup_error(client.cov_cat_named("Basic").await.unwrap_err());
    assert_eq!(err.kind, LookupErrorKind::Ambiguous);
    assert_eq!(err.candidates, ["#3 Basic", "#4 Basic"]);
    // A hidden category is not found by name either.
    let err = lookup_error(client.cov_cat_named("Major").await.unwrap_err());
    assert_eq!(err.kind, LookupErrorKind::NotFound);
    assert_eq!(office.requests().len(), 1);
}

#[tokio::test]
async fn code_groups_resolve_by_fixed_kind_and_by_name() {
    let office = MockOpenDental::start().await;
    let client = office.client();
    let bw = client.code_group_for(CodeGroupFixed::BW).await.unwrap();
    assert_eq!(bw.code_group_num, CodeGroupNum::new(3));
    assert!(bw.for_frequency());
    let fluoride = client
        .code_group_for(CodeGroupFixed::Fluoride)
        .await
        .unwrap();
    assert!(fluoride.show_in_age_limit);
    let crown = client.code_group_named("Crown").await.unwrap();
    assert_eq!(crown.code_group_num, CodeGroupNum::new(10));
    assert_eq!(crown.code_group_fixed, CodeGroupFixed::None);
    assert_eq!(
        calls(&office.requests()),
        ["GET /api/v1/codegroups?Limit=100"]
    );

    // Hidden first by ItemOrder: passed over, unless shown in the age limit grid.
    office.set_code_groups([
        CodeGroup::new(
            CodeGroupNum::new(1),
            "Exam old",
            CodeGroupFixed::Exam,
            "D0120",
        )
        .hidden(true),
        CodeGroup::new(CodeGroupNum::new(2), "Exam", CodeGroupFixed::Exam, "D0120").order(1),
        CodeGroup::new(
            CodeGroupNum::new(3),
            "Sealant",
            CodeGroupFixed::Sealant,
            "D1351",
        )
        .hidden(true)
        .in_age_limits(true),
        CodeGroup::new(CodeGroupNum::new(4), "Crown", CodeGroupFixed::None, "D2740").order(2),
        CodeGroup::new(CodeGroupNum::new(5), "Crown", CodeGroupFixed::None, "D2750").order(3),
    ]);
    client.refresh_lookups().await;
    let exam = client.code_group_for(CodeGroupFixed::Exam).await.unwrap();
    assert_eq!(exam.code_group_num, CodeGroupNum::new(2));
    let sealant = client
        .code_group_for(CodeGroupFixed::Sealant)
        .await
        .unwrap();
    assert_eq!(sealant.code_group_num, CodeGroupNum::new(3));
    let err = lookup_error(client.code_group_named("Crown").await.unwrap_err());
    assert_eq!(err.kind, LookupErrorKind::Ambiguous);
    assert_eq!(err.candidates, ["#4 Crown", "#5 Crown"]);
    let err = client
        .code_group_for(CodeGroupFixed::SRP)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no visible code group for CodeGroupFixed SRP; candidates: #3 Sealant, #2 Exam, \
         #4 Crown, #5 Crown"
    );
}

#[tokio::test]
async fn code_groups_page_with_overlap_and_miss_none() {
    let office = MockOpenDental::builder().page_cap(5).start().await;
    let client = office.client();
    let groups = client.code_groups().await.unwrap();
    let nums: Vec<u64> = groups.iter().map(|g| g.code_group_num.get()).collect();
    assert_eq!(nums, (1..=13).collect::<Vec<_>>());
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/codegroups?Limit=5",
            "GET /api/v1/codegroups?Limit=5&Offset=4",
            "GET /api/v1/codegroups?Limit=5&Offset=8",
            "GET /api/v1/codegroups?Limit=5&Offset=12",
        ]
    );
}

#[tokio::test]
async fn a_plan_is_read_once_and_gives_its_benefit_year() {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PlanNum::new(12), 7));
    let client = office.client();
    let plan = client.ins_plan(PlanNum::new(12)).await.unwrap();
    assert_eq!(plan.month_renew, 7);
    assert_eq!(
        plan.benefit_year(),
        benefits_sdk::opendental::BenefitYear::Service
    );
    client.ins_plan(PlanNum::new(12)).await.unwrap();
    let missing = client.ins_plan(PlanNum::new(13)).await.unwrap_err();
    assert!(missing.is_not_found());
    assert_eq!(
        calls(&office.requests()),
        ["GET /api/v1/insplans/12", "GET /api/v1/insplans/13"]
    );
    let zero = client.ins_plan(PlanNum::new(0)).await.unwrap_err();
    assert!(zero.violations().unwrap().has("PlanNum"));
    assert_eq!(office.requests().len(), 2);
}

#[tokio::test]
async fn older_offices_find_a_plan_by_paging_the_list_up_to_it() {
    let office = MockOpenDental::builder().page_cap(3).start().await;
    for n in 1..=10 {
        office.insert_plan(InsPlan::new(PlanNum::new(n * 10), (n % 13) as u8));
    }
    let client = office.client();
    let plan = client.ins_plan_from_list(PlanNum::new(50)).await.unwrap();
    assert_eq!(plan.month_renew, 5);
    // Pages of 3 overlapping by one: 10 20 30 | 30 40 50, then it stops.
    assert_eq!(
        calls(&office.requests()),
        [
            "GET /api/v1/insplans?Limit=3",
            "GET /api/v1/insplans?Limit=3&Offset=2"
        ]
    );
    office.reset_log();
    let err = client
        .ins_plan_from_list(PlanNum::new(55))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(office.requests().len(), 3, "it stops at the page past 55");
}

#[tokio::test]
async fn a_zero_ttl_reads_every_time() {
    let office = MockOpenDental::start().await;
    let client = office
        .client_builder()
        .lookup_ttl(Duration::ZERO)
        .build()
        .unwrap();
    assert_eq!(client.lookup_ttl(), Duration::ZERO);
    client.code_groups().await.unwrap();
    client.code_groups().await.unwrap();
    assert_eq!(office.requests().len(), 2);
}

#[tokio::test]
async fn categories_from_a_server_that_ignores_offset_end_at_the_repeat() {
    let server = MockServer::start().await;
    let rows = serde_json::json!([
        {"CovCatNum": 9, "Description": "General", "CovOrder": 1, "IsHidden": "false",
         "EbenefitCat": "General", "DefaultPercent": -1},
        {"CovCatNum": 4, "Description": "Crowns", "CovOrder": 0, "IsHidden": "false",
         "EbenefitCat": "Crowns", "DefaultPercent": 50},
    ]);
    Mock::given(method("GET"))
        .and(path("/api/v1/covcats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(rows))
        .expect(2)
        .mount(&server)
        .await;
    let client = benefits_sdk::opendental::BenefitsClient::builder()
        .keys("dev", "cust")
        .base_url(format!("{}/api/v1", server.uri()))
        .page_size(2)
        .build()
        .unwrap();
    let cats = client.cov_cats().await.unwrap();
    let nums: Vec<u64> = cats.iter().map(|c| c.cov_cat_num.get()).collect();
    assert_eq!(nums, [9, 4]);
    assert_eq!(cats[1].default_percent, Some(50));
    let queries: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    assert_eq!(
        queries,
        [
            Some("Limit=2".to_owned()),
            Some("Limit=2&Offset=2".to_owned())
        ]
    );
}
