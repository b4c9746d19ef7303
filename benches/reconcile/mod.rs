//! Reconcile at fleet size: plans of 40 rows on the fake office, 10 % of rows changed. Counts
//! the requests reconcile sends against the minimum (list pages plus one per changed row), a
//! no-op reconcile, and a naive delete-and-recreate, and what each costs under a 1 s throttle.

use std::time::{Duration, Instant};

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{
    ApplyOptions, Benefit, BenefitShape, BenefitYear, BenefitsClient, CodeGroupNum, CovCatNum,
    CoverageLevel, DiffOptions, Frequency, FrequencyLimit, InsPlan, NewBenefit, Owner, Period,
    PlanNum, Scope, Terms, TreatArea,
};
use rust_decimal::Decimal;

/// 40 standard shapes, each in its own slot: 15 coinsurances, 4 deductibles, 4 maxima, 13
/// frequency limits, 4 age limits. Each states its benefit year, as the rows the office
/// returns do, so no plan lookup is needed.
fn plan_shapes(seed: u64) -> Vec<BenefitShape> {
    let calendar = Period::BenefitYear(Some(BenefitYear::Calendar));
    let mut shapes = Vec::new();
    for c in 1..=15u64 {
        shapes.push(BenefitShape::Coinsurance {
            percent: ((c * 7 + seed) % 101) as u8,
            terms: Terms::new(Scope::Category(CovCatNum::new(c))).period(calendar),
        });
    }
    let levels = [CoverageLevel::Individual, CoverageLevel::Family];
    let periods = [calendar, Period::Lifetime];
    for level in &levels {
        for period in periods {
            let terms = Terms::new(Scope::General)
                .level(level.clone())
                .period(period);
            shapes.push(BenefitShape::Deductible {
                amount: Decimal::new(50 + (seed % 5) as i64 * 25, 0),
                terms: terms.clone(),
            });
            shapes.push(BenefitShape::Maximum {
                amount: Decimal::new(1500 + (seed % 7) as i64 * 100, 0),
                terms,
            });
        }
    }
    for g in 1..=13u64 {
        let frequency = match g % 4 {
            0 => Frequency::EveryYears(5),
            1 => Frequency::EveryMonths(6),
            2 => Frequency::PerBenefitYear(2, Some(BenefitYear::Calendar)),
            _ => Frequency::InLast12Months(1),
        };
        let mut limit = FrequencyLimit::new(frequency, Scope::CodeGroup(CodeGroupNum::new(g)));
        limit.treat_area = if g % 2 == 0 {
            TreatArea::Tooth
        } else {
            TreatArea::None
        };
        shapes.push(BenefitShape::Frequency(limit));
    }
    for g in 20..24u64 {
        shapes.push(BenefitShape::AgeLimit {
            age: 19,
            code_group: CodeGroupNum::new(g),
        });
    }
    shapes
}

/// The carrier's data: 4 of 40 rows changed (10 %): two values changed, one slot gone, one
/// new.
fn desired(current: &[BenefitShape]) -> Vec<BenefitShape> {
    let mut desired: Vec<BenefitShape> = current.to_vec();
    for shape in desired.iter_mut().take(2) {
        if let BenefitShape::Coinsurance { percent, .. } = shape {
            *percent = (*percent + 10) % 101;
        }
    }
    desired.pop();
    let calendar = Period::BenefitYear(Some(BenefitYear::Calendar));
    desired.push(BenefitShape::Exclusion(
        Terms::new(Scope::Category(CovCatNum::new(30))).period(calendar),
    ));
    desired
}

struct Run {
    requests: usize,
    writes: usize,
    /// Fresh reads before updates and deletes.
    checks: usize,
    elapsed: Duration,
}

async fn seeded_office(plans: u64) -> (MockOpenDental, BenefitsClient) {
    let office = MockOpenDental::start().await;
    for p in 1..=plans {
        office.insert_plan(InsPlan::new(PlanNum::new(p), 0));
        for shape in plan_shapes(p) {
            office.seed(&shape.to_new_benefit(Owner::Plan(PlanNum::new(p))));
        }
    }
    let client = office.client();
    (office, client)
}

fn requests_since(office: &MockOpenDental, method: Option<&str>) -> usize {
    office
        .requests()
        .iter()
        .filter(|r| method.is_none_or(|m| r.method == m))
        .count()
}

async fn reconcile_all(
    office: &MockOpenDental,
    client: &BenefitsClient,
    plans: u64,
    want: impl Fn(u64) -> Vec<BenefitShape>,
) -> Run {
    office.reset_log();
    let t = Instant::now();
    let (mut writes, mut checks) = (0, 0);
    for p in 1..=plans {
        let (plan, report) = client
            .reconcile(
                Owner::Plan(PlanNum::new(p)),
                want(p),
                DiffOptions::new().deletes(true),
                ApplyOptions::new(),
            )
            .await
            .unwrap();
        assert!(report.is_complete(), "{report}");
        writes += plan.writes();
        // A read just before each write: GET single before an update or a delete, a listing
        // before a create (the first create after no update uses the plan's own listing).
        let first_create_reuses = plan.updates.is_empty() && !plan.creates.is_empty();
        checks += plan.updates.len() + plan.deletes.len() + plan.creates.len()
            - usize::from(first_create_reuses);
    }
    Run {
        requests: requests_since(office, None),
        writes,
        checks,
        elapsed: t.elapsed(),
    }
}

/// What an integrator writes without reconcile: list, delete every row, create every row.
async fn delete_and_recreate(
    office: &MockOpenDental,
    client: &BenefitsClient,
    plans: u64,
    want: impl Fn(u64) -> Vec<BenefitShape>,
) -> Run {
    office.reset_log();
    let t = Instant::now();
    let mut writes = 0;
    for p in 1..=plans {
        let plan = PlanNum::new(p);
        let rows: Vec<Benefit> = client.list_all(plan.into()).await.unwrap();
        for row in &rows {
            client.delete(row.benefit_num).await.unwrap();
        }
        for shape in want(p) {
            let new: NewBenefit = shape.to_new_benefit(Owner::Plan(plan));
            client.create(&new).await.unwrap();
        }
        writes += rows.len() + want(p).len();
    }
    Run {
        requests: requests_since(office, None),
        writes,
        checks: 0,
        elapsed: t.elapsed(),
    }
}

/// A key's requests go out one at a time, at least `interval` apart: `n` requests span
/// `n − 1` intervals.
fn under_throttle(requests: usize, interval: Duration) -> Duration {
    interval * requests.saturating_sub(1) as u32
}

fn hours(d: Duration) -> String {
    format!("{:.2} h", d.as_secs_f64() / 3600.0)
}

pub fn run(rt: &tokio::runtime::Runtime, plans: u64) {
    let rows_per_plan = plan_shapes(1).len();
    println!("\nreconcile: {plans} plans × {rows_per_plan} rows, 10 % of rows changed");
    let (office, client) = rt.block_on(seeded_office(plans));
    let want = |p| desired(&plan_shapes(p));
    let pages = |rows: usize| rows.div_ceil(client.page_size() as usize).max(1);

    let changed = rt.block_on(reconcile_all(&office, &client, plans, want));
    // One list page a plan, one request a write, one fresh read before each write (GET single
    // before an update or a delete, so that an edit made during the apply is a conflict; a
    // listing before a create, so that a row added to its slot meanwhile gets no twin), and, the
    // first time, one `GET /insplans/{PlanNum}` a plan: the carrier's "# per benefit year"
    // limits say CalendarYear, which a plan renewing in another month stores as ServiceYear.
    let lookups = office
        .requests()
        .iter()
        .filter(|r| r.path.contains("/insplans/"))
        .count();
    assert_eq!(lookups, plans as usize);
    let minimum = plans as usize * pages(rows_per_plan) + changed.writes + changed.checks + lookups;
    assert_eq!(changed.writes, plans as usize * 4);
    assert_eq!(changed.checks, plans as usize * 4);
    assert_eq!(
        changed.requests, minimum,
        "reconcile sent more than list pages + one per changed row + one read before each write"
    );
    let noop = rt.block_on(reconcile_all(&office, &client, plans, want));
    assert_eq!(noop.writes, 0);
    assert_eq!(noop.requests, requests_since(&office, Some("GET")));
    assert_eq!(noop.requests, plans as usize * pages(rows_per_plan));
    let naive = rt.block_on(delete_and_recreate(&office, &client, plans, want));
    for p in 1..=plans {
        let rows = office
            .benefits()
            .iter()
            .filter(|b| b.plan_num == Some(PlanNum::new(p)))
            .count();
        assert_eq!(rows, want(p).len());
    }

    // The throttle's cost, measured: back from the carrier's data to the original rows (again
    // 4 writes a plan) with a 5 ms throttle, against (n − 1) × 5 ms.
    let interval = Duration::from_millis(5);
    let throttled = office.client_builder().throttle(interval).build().unwrap();
    let back = rt.block_on(reconcile_all(&office, &throttled, plans, plan_shapes));
    // A new client: its lookups cache starts empty.
    assert_eq!(back.requests, minimum);

    let second = Duration::from_secs(1);
    println!(
        "| run | requests | of which writes | of which fresh reads | minimum | under a 1 s throttle | here, no throttle |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, run, min) in [
        ("reconcile, 10 % changed", &changed, minimum.to_string()),
        (
            "reconcile, nothing changed",
            &noop,
            noop.requests.to_string(),
        ),
        ("delete and recreate", &naive, "".to_owned()),
    ] {
        println!(
            "| {name} | {} | {} | {} | {min} | {} | {:.0} ms |",
            run.requests,
            run.writes,
            run.checks,
            hours(under_throttle(run.requests, second)),
            run.elapsed.as_secs_f64() * 1e3
        );
    }
    println!(
        "delete-and-recreate / reconcile: {:.1}× the requests and the throttled time",
        naive.requests as f64 / changed.requests as f64
    );
    println!(
        "with a {interval:?} throttle, reconcile (10 % changed) took {:.0} ms for {} requests: \
         (n − 1) × {interval:?} = {:.0} ms, so a 1 s throttle costs {}",
        back.elapsed.as_secs_f64() * 1e3,
        back.requests,
        under_throttle(back.requests, interval).as_secs_f64() * 1e3,
        hours(under_throttle(back.requests, second)),
    );
}
