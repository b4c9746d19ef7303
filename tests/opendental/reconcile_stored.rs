//! The fake stores what Open Dental stores, and reconcile sees its own writes through it: codes
//! by text or key, defaults filled, the documented TimePeriod override, SecDateTEdit moving,
//! amounts as doubles, custom rows and age limits in a benefit year.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use benefits_sdk::mock::{Fault, LoggedRequest, MockOpenDental};
use benefits_sdk::opendental::{
    ApplyOptions, Benefit, BenefitFilter, BenefitShape, BenefitType, BenefitUpdate, BenefitYear,
    BenefitsClient, CodeGroupNum, CodeNum, CovCatNum, CoverageLevel, DiffOptions, Frequency,
    FrequencyLimit, InsPlan, NewBenefit, Owner, PlanNum, QuantityQualifier, Scope, SkipReason,
    Terms, TimePeriod, Write,
};
use rust_decimal::Decimal;

const PLAN: PlanNum = PlanNum::new(12);
const OWNER: Owner = Owner::Plan(PLAN);

async fn office(month_renew: u8) -> (MockOpenDental, BenefitsClient) {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, month_renew));
    let client = office.client();
    (office, client)
}

fn posts(requests: &[LoggedRequest]) -> usize {
    requests.iter().filter(|r| r.method == "POST").count()
}

fn exclusion(code: Scope) -> BenefitShape {
    BenefitShape::Exclusion(Terms::new(code))
}

#[tokio::test]
async fn the_fake_stores_a_code_with_its_key_and_text_and_codenum_wins() {
    let (_office, client) = office(0).await;
    let by_text =
        NewBenefit::new(PLAN, BenefitType::Exclusions, CoverageLevel::None).proc_code("d1110");
    let row = client.create(&by_text).await.unwrap();
    assert_eq!(
        (row.code_num, row.proc_code.as_deref()),
        (Some(CodeNum::new(13)), Some("D1110"))
    );
    // The PUT example: CodeNum 156 with procCode "D1110" reads back "D0999".
    let both = BenefitUpdate::new()
        .code_num(CodeNum::new(156))
        .proc_code("D1110");
    let row = client.update(row.benefit_num, &both).await.unwrap();
    assert_eq!(
        (row.code_num, row.proc_code.as_deref()),
        (Some(CodeNum::new(156)), Some("D0999"))
    );
    let unknown = by_text.clone().proc_code("X9999");
    let error = client.create(&unknown).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn the_fake_fills_the_period_as_the_post_page_says() {
    let (office, client) = office(7).await;
    let mut coinsurance = NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 80);
    coinsurance.time_period = None;
    let mut months = NewBenefit::every_n_months(PLAN, 6);
    months.time_period = None;
    // The "# Per Benefit Year" example as written (CalendarYear), on a plan renewing in July.
    let per_year = NewBenefit::per_benefit_year(PLAN, 4, BenefitYear::Calendar)
        .code_group_num(CodeGroupNum::new(2));
    for (sent, stored) in [
        (coinsurance, TimePeriod::ServiceYear),
        (months, TimePeriod::None),
        (per_year, TimePeriod::ServiceYear),
    ] {
        let row = client.create(&sent).await.unwrap();
        assert_eq!(row.time_period, stored, "{sent:?}");
    }
    assert_eq!(office.benefits().len(), 3);
}

/// `BenefitCrud` writes MonetaryAmt with `POut.Double` (`ToString("f")`: two decimals), and
/// `SecDateTEdit` is MySQL's, moved only when a value changes, to the second.
#[tokio::test]
async fn amounts_are_kept_to_cents_and_secdatetedit_moves_only_on_a_change() {
    let (office, client) = office(0).await;
    let precise: Decimal = "1234567.1234567890123".parse().unwrap();
    let mut row = office.seed(&NewBenefit::annual_max(
        PLAN,
        CoverageLevel::Individual,
        precise,
    ));
    assert_eq!(row.monetary_amt, Some("1234567.12".parse().unwrap()));
    let old = "2026-01-05T08:00:00".parse().unwrap();
    row.sec_date_t_edit = Some(old);
    office.insert([row.clone()]);
    let writes = office.writes().len();
    // The same amount to cents changes nothing: no write, no new SecDateTEdit.
    for same in ["1234567.12", "1234567.123", "1234567.1249"] {
        let update = BenefitUpdate::new().monetary_amt(same.parse().unwrap());
        let written = client.update(row.benefit_num, &update).await.unwrap();
        assert_eq!(written.sec_date_t_edit, Some(old), "{same}");
        assert_eq!(written.monetary_amt, row.monetary_amt);
    }
    assert_eq!(office.writes().len(), writes);
    let update = BenefitUpdate::new().monetary_amt("1500.555".parse().unwrap());
    let written = client.update(row.benefit_num, &update).await.unwrap();
    assert_eq!(written.monetary_amt, Some("1500.56".parse().unwrap()));
    let moved = written.sec_date_t_edit.unwrap();
    assert!(moved > old);
    assert_eq!(chrono::Timelike::nanosecond(&moved), 0, "to the second");
    let log = office.writes();
    assert_eq!(log.len(), writes + 1);
    assert_eq!(log[writes].kind, benefits_sdk::mock::WriteKind::Update);
    assert!(log[writes].by.is_api("benefits-sdk/"));
}

#[tokio::test]
async fn a_stored_plan_applied_twice_is_already_done_not_a_taken_slot() {
    let (office, client) = office(0).await;
    let desired = [exclusion(Scope::proc_code("D1110"))];
    let plan = client.diff(OWNER, desired).await.unwrap();
    let first = client.apply(&plan).await.unwrap();
    assert_eq!(first.done.len(), 1);
    let second = client.apply(&plan).await.unwrap();
    assert!(second.conflicts.is_empty(), "{:?}", second.conflicts);
    assert!(matches!(
        second.skipped.as_slice(),
        [(Write::Create(_), SkipReason::AlreadyDone)]
    ));
    assert_eq!(office.benefits().len(), 1);
}

#[tokio::test]
async fn a_create_answered_502_after_storing_is_found_not_sent_again() {
    let (office, client) = office(0).await;
    let desired = [
        exclusion(Scope::proc_code("D1110")),
        exclusion(Scope::code_num(CodeNum::new(156))),
    ];
    let plan = client.diff(OWNER, desired.clone()).await.unwrap();
    office.reset_log();
    office.inject_on("POST", 2, Fault::StatusAfterWrite(502));
    let options = ApplyOptions::new().settle(std::time::Duration::from_millis(10));
    let report = client.apply_with(&plan, options).await.unwrap();
    assert!(report.is_complete(), "{report}: {:?}", report.failed);
    assert_eq!(posts(&office.requests()), 2, "one POST per planned create");
    assert_eq!(office.benefits().len(), 2);
    let again = client.diff(OWNER, desired).await.unwrap();
    assert!(again.is_empty(), "{again}");
}

/// The vendor's list example: coinsurance counted in visits, a shape the model can't name,
/// sent without TimePeriod so that the office fills it in.
fn visits_coinsurance() -> BenefitShape {
    let mut new =
        NewBenefit::coinsurance(PLAN, CovCatNum::new(3), 30).quantity(QuantityQualifier::Visits, 2);
    new.time_period = None;
    new.shape()
}

#[tokio::test]
async fn a_custom_row_is_created_once_over_three_runs_and_never_recreated() {
    let (office, client) = office(0).await;
    assert!(matches!(visits_coinsurance(), BenefitShape::Custom(_)));
    for run in 0..3 {
        let (plan, report) = client
            .reconcile(
                OWNER,
                [visits_coinsurance()],
                DiffOptions::new().deletes(true),
                ApplyOptions::new(),
            )
            .await
            .unwrap();
        assert!(report.is_complete(), "{report}");
        let writes = if run == 0 { 1 } else { 0 };
        assert_eq!(plan.writes(), writes, "run {run}: {plan}");
    }
    assert_eq!(office.benefits().len(), 1);
}

#[tokio::test]
async fn a_limit_the_office_moves_to_the_service_year_is_planned_as_stored() {
    let (office, client) = office(7).await;
    let calendar = Frequency::PerBenefitYear(2, Some(BenefitYear::Calendar));
    let desired = [BenefitShape::Frequency(FrequencyLimit::new(
        calendar,
        Scope::CodeGroup(CodeGroupNum::new(2)),
    ))];
    let (plan, report) = client
        .reconcile(
            OWNER,
            desired.clone(),
            DiffOptions::new(),
            ApplyOptions::new(),
        )
        .await
        .unwrap();
    assert!(report.is_complete());
    let service = Frequency::PerBenefitYear(2, Some(BenefitYear::Service));
    let stored = BenefitShape::Frequency(FrequencyLimit::new(
        service,
        Scope::CodeGroup(CodeGroupNum::new(2)),
    ));
    assert_eq!(
        plan.creates,
        std::slice::from_ref(&stored),
        "planned as the office stores it"
    );
    assert_eq!(office.benefits()[0].shape(), stored);
    let again = client.diff(OWNER, desired).await.unwrap();
    assert!(
        again.is_empty(),
        "no write that repeats on every run: {again}"
    );
}

#[tokio::test]
async fn an_age_limit_in_a_benefit_year_is_the_age_limit_not_a_second_one() {
    let (office, client) = office(0).await;
    let mut stored = NewBenefit::age_limit(PLAN, CodeGroupNum::new(5), 19);
    stored.time_period = Some(TimePeriod::CalendarYear);
    let row: Benefit = office.seed(&stored);
    assert!(row.is_age_limit());
    let desired = BenefitShape::AgeLimit {
        age: 19,
        code_group: CodeGroupNum::new(5),
    };
    assert_eq!(row.shape(), desired);
    let plan = client.diff(OWNER, [desired]).await.unwrap();
    assert!(plan.is_empty(), "{plan}");
    let rows = client.list_all(BenefitFilter::Plan(PLAN)).await.unwrap();
    assert_eq!(rows.len(), 1);
}
