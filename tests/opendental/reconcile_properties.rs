//! Reconcile's properties against the normalizing fake: whatever the office holds and whatever is
//! desired (standard shapes, custom rows, codes by text or by key), applying converges, and
//! under any one fault on any request no slot ends up with two rows and no edit is overwritten.
#![cfg(all(feature = "test-util", feature = "od-25-3"))]

use std::time::Duration;

use benefits_sdk::mock::{Fault, MockOpenDental, demo};
use benefits_sdk::opendental::{
    ApplyOptions, Benefit, BenefitShape, BenefitType, BenefitYear, BenefitsClient, CodeGroupNum,
    CodeNum, CovCatNum, CoverageLevel, DiffOptions, Frequency, FrequencyLimit, InsPlan, NewBenefit,
    Owner, Period, PlanNum, QuantityQualifier, Scope, Terms, TimePeriod, TreatArea,
};
use proptest::collection::vec;
use proptest::prelude::*;
use rust_decimal::Decimal;

const PLAN: PlanNum = PlanNum::new(12);
const OWNER: Owner = Owner::Plan(PLAN);

/// The text of the fake's code `n` (1 → D0120…).
fn code_text(n: u64) -> String {
    let codes = demo::procedure_codes();
    codes[n as usize - 1].1.clone()
}

/// Scopes over three categories, three code groups and three codes, each code by key or by
/// text (in either case), so that slots collide.
fn scope() -> BoxedStrategy<Scope> {
    let key = 1..4u64;
    prop_oneof![
        Just(Scope::General),
        key.clone().prop_map(|c| Scope::Category(CovCatNum::new(c))),
        key.clone()
            .prop_map(|g| Scope::CodeGroup(CodeGroupNum::new(g))),
        (key, 0..3u8).prop_map(|(c, form)| match form {
            0 => Scope::code_num(CodeNum::new(c)),
            1 => Scope::proc_code(code_text(c)),
            _ => Scope::proc_code(code_text(c).to_ascii_lowercase()),
        }),
    ]
    .boxed()
}

/// A row the model can't name: the vendor's coinsurance counted in visits, or a limitation
/// in visits over years, with or without the TimePeriod the office would fill in.
fn custom() -> impl Strategy<Value = BenefitShape> {
    (1..4u64, 1..5u8, any::<bool>(), any::<bool>()).prop_map(|(cat, n, visits, period)| {
        let mut new = if visits {
            NewBenefit::coinsurance(PLAN, CovCatNum::new(cat), 30)
                .quantity(QuantityQualifier::Visits, n)
        } else {
            NewBenefit::new(PLAN, BenefitType::Limitations, CoverageLevel::Family)
                .cov_cat_num(CovCatNum::new(cat))
                .quantity(QuantityQualifier::Visits, n)
                .time_period(TimePeriod::Years)
        };
        if visits && !period {
            new.time_period = None;
        }
        new.shape()
    })
}

fn shape() -> BoxedStrategy<BenefitShape> {
    let level = prop_oneof![
        Just(CoverageLevel::None),
        Just(CoverageLevel::Individual),
        Just(CoverageLevel::Family),
    ];
    let period = prop_oneof![
        Just(Period::BenefitYear(None)),
        Just(Period::BenefitYear(Some(BenefitYear::Calendar))),
        Just(Period::Lifetime)
    ];
    let counted = (1..3000i64, level, period).prop_map(|(amount, level, period)| {
        (
            Decimal::new(amount, 1),
            Terms::new(Scope::General).level(level).period(period),
        )
    });
    let frequency = (1..5u8, 0..5usize).prop_map(|(n, kind)| match kind {
        0 => Frequency::EveryYears(n),
        1 => Frequency::EveryMonths(n),
        2 => Frequency::PerBenefitYear(n, None),
        // As the vendor's example sends it; a plan renewing in July stores ServiceYear.
        3 => Frequency::PerBenefitYear(n, Some(BenefitYear::Calendar)),
        _ => Frequency::InLast12Months(n),
    });
    let area = prop_oneof![
        Just(TreatArea::None),
        Just(TreatArea::Tooth),
        Just(TreatArea::Mouth)
    ];
    let groups = 1..4u64;
    prop_oneof![
        (0..=100u8, scope()).prop_map(|(percent, scope)| BenefitShape::Coinsurance {
            percent,
            terms: Terms::new(scope)
        }),
        counted
            .clone()
            .prop_map(|(amount, terms)| BenefitShape::Maximum { amount, terms }),
        counted.prop_map(|(amount, terms)| BenefitShape::Deductible { amount, terms }),
        (frequency, groups.clone(), area).prop_map(|(frequency, group, area)| {
            let mut limit =
                FrequencyLimit::new(frequency, Scope::CodeGroup(CodeGroupNum::new(group)));
            limit.treat_area = area;
            BenefitShape::Frequency(limit)
        }),
        (1..30u8, groups).prop_map(|(age, g)| BenefitShape::AgeLimit {
            age,
            code_group: CodeGroupNum::new(g)
        }),
        scope().prop_map(|s| BenefitShape::Exclusion(Terms::new(s))),
        custom(),
    ]
    .boxed()
}

/// The shape as the office stores it on this plan, with each code by its key, so that a code
/// named by text and by key are seen as one.
fn canonical(shape: &BenefitShape, year: BenefitYear) -> BenefitShape {
    let stored = shape.as_stored(OWNER, Some(year));
    let mut json = serde_json::to_value(stored.to_new_benefit(OWNER)).unwrap();
    if let Some(text) = json
        .get("procCode")
        .and_then(|t| t.as_str())
        .map(str::to_owned)
    {
        let codes = demo::procedure_codes();
        let (num, _) = codes
            .iter()
            .find(|(_, t)| t.eq_ignore_ascii_case(&text))
            .unwrap();
        json["CodeNum"] = num.get().into();
        json.as_object_mut().unwrap().remove("procCode");
    }
    serde_json::from_value::<NewBenefit>(json).unwrap().shape()
}

/// One shape per slot (as the office will store them): the first of each.
fn one_per_slot(shapes: Vec<BenefitShape>, year: BenefitYear) -> Vec<BenefitShape> {
    let mut kept: Vec<BenefitShape> = Vec::new();
    for s in shapes {
        if !kept
            .iter()
            .any(|k| canonical(k, year).same_slot(&canonical(&s, year)))
        {
            kept.push(s);
        }
    }
    kept
}

/// What the office holds (one row per slot) and what is desired: the kept rows and the fresh
/// ones, one per slot.
fn office_and_desired(
    current: Vec<BenefitShape>,
    fresh: Vec<BenefitShape>,
    keep: &[bool],
    year: BenefitYear,
) -> (Vec<BenefitShape>, Vec<BenefitShape>) {
    let current = one_per_slot(current, year);
    let kept = current
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| c.clone());
    let desired = one_per_slot(kept.chain(fresh).collect(), year);
    (current, desired)
}

fn year_of(renews: u8) -> BenefitYear {
    InsPlan::new(PLAN, renews).benefit_year()
}

/// No two of the office's rows hold one slot.
fn one_row_per_slot(office: &MockOpenDental) -> Result<(), TestCaseError> {
    let rows = office.benefits();
    for (i, a) in rows.iter().enumerate() {
        for b in &rows[i + 1..] {
            prop_assert!(
                !a.shape().same_slot(&b.shape()),
                "two rows in one slot: {:?} and {:?}",
                a,
                b
            );
        }
    }
    Ok(())
}

/// The office holds exactly the desired rows, one each.
fn holds_exactly(
    office: &MockOpenDental,
    desired: &[BenefitShape],
    year: BenefitYear,
) -> Result<(), TestCaseError> {
    let mut rows: Vec<Benefit> = office.benefits();
    prop_assert_eq!(rows.len(), desired.len(), "{:?}", rows);
    for d in desired {
        let at = rows.iter().position(|r| r.holds(d, Some(year)));
        prop_assert!(at.is_some(), "{:?} is not held: {:?}", d, rows);
        rows.remove(at.unwrap_or_default());
    }
    Ok(())
}

async fn office_holding(current: &[BenefitShape], renews: u8) -> MockOpenDental {
    let office = MockOpenDental::start().await;
    office.insert_plan(InsPlan::new(PLAN, renews));
    for c in current {
        office.seed(
            &c.clone()
                .with_plan_year(year_of(renews))
                .to_new_benefit(OWNER),
        );
    }
    office
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Reconcile with deletes, then assert the office holds exactly `desired` and planning
/// again finds nothing to do.
async fn converges(
    office: &MockOpenDental,
    client: &BenefitsClient,
    desired: &[BenefitShape],
    renews: u8,
) -> Result<(), TestCaseError> {
    let options = DiffOptions::new().deletes(true);
    let (plan, report) = client
        .reconcile(OWNER, desired.to_vec(), options, ApplyOptions::new())
        .await
        .unwrap();
    prop_assert!(plan.ambiguities.is_empty(), "{}", plan);
    prop_assert!(report.is_complete(), "{}: {:?}", report, report.failed);
    one_row_per_slot(office)?;
    holds_exactly(office, desired, year_of(renews))?;
    let again = client
        .diff_with(OWNER, desired.to_vec(), options)
        .await
        .unwrap();
    prop_assert!(again.is_empty(), "{}", again);
    Ok(())
}

/// A fault, by number.
fn fault(kind: u8) -> Fault {
    match kind {
        0 => Fault::Status(502),
        1 => Fault::Status(504),
        2 => Fault::StatusAfterWrite(502),
        3 => Fault::StatusAfterWrite(504),
        // Longer than the client's timeout: it gives up after the write landed.
        4 => Fault::Delay(Duration::from_millis(600)),
        5 => Fault::LandsLate {
            lands_after: Duration::from_millis(100),
            answer_after: None,
        },
        _ => Fault::LandsLate {
            lands_after: Duration::from_millis(150),
            answer_after: Some(Duration::from_millis(20)),
        },
    }
}

/// Someone else edits a row: a new amount, percent or quantity, and a later SecDateTEdit.
fn edit(row: &Benefit) -> Benefit {
    let mut edited = row.clone();
    if let Some(p) = edited.percent {
        edited.percent = Some((p + 1) % 101);
    } else if let Some(a) = edited.monetary_amt {
        edited.monetary_amt = Some(a + Decimal::ONE);
    } else {
        edited.quantity = edited.quantity % 50 + 1;
    }
    edited.sec_date_t_edit = edited
        .sec_date_t_edit
        .map(|t| t + chrono::TimeDelta::seconds(3600));
    edited
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the office holds and whatever is desired (one benefit per slot each), a
    /// reconcile with deletes leaves exactly the desired rows, one per slot, and planning
    /// again finds nothing to do.
    #[test]
    fn reconcile_converges(
        current in vec(shape(), 0..7),
        fresh in vec(shape(), 0..7),
        keep in vec(any::<bool>(), 7),
        renews in prop_oneof![Just(0u8), Just(7u8)],
    ) {
        let year = year_of(renews);
        let (current, desired) = office_and_desired(current, fresh, &keep, year);
        block_on(async {
            let office = office_holding(&current, renews).await;
            let client = office.client();
            converges(&office, &client, &desired, renews).await
        })?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// One fault on one of apply's requests (a 502 or 504 before or after the office stores,
    /// a timeout after it stored, a write that lands late with its answer never coming or
    /// coming first), and, or instead, an edit by someone else between plan and apply: apply
    /// never leaves two rows in one slot and never overwrites or deletes the edit, and the
    /// next run converges.
    #[test]
    fn under_any_fault_apply_never_duplicates_or_overwrites(
        current in vec(shape(), 1..6),
        fresh in vec(shape(), 0..5),
        keep in vec(any::<bool>(), 6),
        renews in prop_oneof![Just(0u8), Just(7u8)],
        kind in 0..8u8,
        at in 0..6usize,
        edited in proptest::option::of(0..6usize),
    ) {
        let year = year_of(renews);
        let (current, desired) = office_and_desired(current, fresh, &keep, year);
        block_on(async {
            let office = office_holding(&current, renews).await;
            let client = office
                .client_builder()
                .timeout(Duration::from_millis(300))
                .build()
                .unwrap();
            let options = DiffOptions::new().deletes(true);
            let plan = client.diff_with(OWNER, desired.clone(), options).await.unwrap();
            let edit = edited.map(|i| edit(&office.benefits()[i % current.len()]));
            if let Some(row) = &edit {
                office.insert([row.clone()]);
            }
            // `at` requests pass, then the fault (kind 7: no fault, the edit alone).
            for _ in 0..at {
                office.inject(1, Fault::Delay(Duration::ZERO));
            }
            if kind < 7 {
                office.inject(1, fault(kind));
            }
            let settle = ApplyOptions::new().settle(Duration::from_millis(400));
            client.apply_with(&plan, settle).await.unwrap();
            office.reset_log();
            one_row_per_slot(&office)?;
            if let Some(row) = &edit {
                let now = office.benefits().into_iter().find(|r| r.benefit_num == row.benefit_num);
                prop_assert_eq!(now.as_ref(), Some(row), "the edit was overwritten or deleted");
            }
            // Let a late write land before the next run lists.
            tokio::time::sleep(Duration::from_millis(200)).await;
            converges(&office, &office.client(), &desired, renews).await
        })?;
    }
}
