//! A carrier's 271 read as benefit rows, both rule sets, on the four fixtures
//! (`tests/fixtures/x12-271/`, copied from the spec's): every row and every dropped segment
//! with its reason. The expected rows were written from `x12-271-notes.md`, line by line.

use crate::eligibility_expected::*;
use benefits_sdk::opendental::eligibility::{
    Eligibility, EligibilityLookups, Network, OwnerKind, ReadOptions, RuleSet, read_271,
};
use benefits_sdk::opendental::{
    CodeNum, CovCat, CovCatNum, EbenefitCategory, NewBenefit, PatPlanNum, PlanNum, ProcedureCode,
};

pub(crate) const FILE_01: &[u8] = include_bytes!("../fixtures/x12-271/271-01-subscriber-ppo.edi");
pub(crate) const FILE_02: &[u8] = include_bytes!("../fixtures/x12-271/271-02-network-split.edi");
pub(crate) const FILE_03: &[u8] = include_bytes!("../fixtures/x12-271/271-03-dependent.edi");
pub(crate) const FILE_04: &[u8] = include_bytes!("../fixtures/x12-271/271-04-alt-delimiters.edi");

/// A visible category for each electronic benefit category, keyed in `KNOWN` order: 1 General,
/// 2 Diagnostic, 3 Periodontics, 4 Restorative, 5 Endodontics, 6 MaxillofacialProsth, 7 Crowns,
/// 8 Accident, 9 Orthodontics, 10 Prosthodontics, 11 OralSurgery, 12 RoutinePreventive,
/// 13 DiagnosticXRay, 14 Adjunctive.
pub(crate) fn categories() -> Vec<CovCat> {
    EbenefitCategory::KNOWN
        .iter()
        .skip(1)
        .zip(1..)
        .map(|(c, n)| CovCat::new(CovCatNum::new(n), c.as_str(), c.clone()).order(n as i32))
        .collect()
}

/// The codes the fixtures name, keyed 1, 2, 3… in this order.
pub(crate) fn codes() -> Vec<ProcedureCode> {
    [
        "D0120", "D1110", "D0274", "D0330", "D0210", "D1351", "D2950", "D1120", "D1206", "D0150",
        "D4910",
    ]
    .into_iter()
    .zip(1..)
    .map(|(code, n)| ProcedureCode::new(CodeNum::new(n), code, ""))
    .collect()
}

pub(crate) fn office() -> EligibilityLookups {
    EligibilityLookups::new(&categories(), &codes()).unwrap()
}

fn read(file: &[u8], options: ReadOptions) -> Eligibility {
    read_271(&office(), file, options).unwrap()
}

/// A row in one line: its ordinal, owner, and the request that creates it.
fn row_line(ordinal: usize, owner: OwnerKind, new: &NewBenefit) -> String {
    let mut parts = vec![
        ordinal.to_string(),
        format!("{owner:?}"),
        new.benefit_type.to_string(),
        new.coverage_level.to_string(),
    ];
    let mut push = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            parts.push(format!("{name}={v}"));
        }
    };
    push("cat", new.cov_cat_num.map(|c| c.to_string()));
    push("pct", new.percent.map(|p| p.to_string()));
    push("amt", new.monetary_amt.map(|a| a.to_string()));
    push("period", new.time_period.as_ref().map(|p| p.to_string()));
    let qualifier = new.quantity_qualifier.clone().unwrap_or_default();
    let quantity = new.quantity.unwrap_or(0);
    if quantity != 0 || qualifier.to_string() != "None" {
        push("qty", Some(format!("{quantity} {qualifier}")));
    }
    push("code", new.proc_code.clone());
    parts.join(" ")
}

fn lines(e: &Eligibility) -> (Vec<String>, Vec<String>) {
    let rows = e
        .rows
        .iter()
        .map(|r| {
            let owner = r.owner.owner(PlanNum::new(1), PatPlanNum::new(2));
            row_line(r.ordinal, r.owner, &r.shape.to_new_benefit(owner))
        })
        .collect();
    let dropped = e
        .dropped
        .iter()
        .map(|d| format!("{} {} {}", d.ordinal, d.loop_id, d.reason))
        .collect();
    (rows, dropped)
}

fn assert_reads(file: &[u8], options: ReadOptions, expected: &Expected) {
    let (rows, dropped) = lines(&read(file, options));
    assert_eq!(rows, expected.rows, "rows under {options:?}");
    assert_eq!(dropped, expected.dropped, "dropped under {options:?}");
}

fn od() -> ReadOptions {
    ReadOptions::new().rules(RuleSet::OpenDental)
}

#[test]
fn file_01_a_subscribers_ppo() {
    assert_reads(FILE_01, od(), &FILE_01_OPEN_DENTAL);
    assert_reads(FILE_01, ReadOptions::new(), &FILE_01_FAITHFUL);
}

#[test]
fn file_02_in_and_out_of_network() {
    assert_reads(FILE_02, od(), &FILE_02_OPEN_DENTAL_IN);
    assert_reads(
        FILE_02,
        od().network(Network::Out),
        &FILE_02_OPEN_DENTAL_OUT,
    );
    assert_reads(FILE_02, ReadOptions::new(), &FILE_02_FAITHFUL_IN);
    let out = ReadOptions::new().network(Network::Out);
    assert_reads(FILE_02, out, &FILE_02_FAITHFUL_OUT);
}

#[test]
fn file_03_a_dependents_request() {
    assert_reads(FILE_03, od().dependent(true), &FILE_03_OPEN_DENTAL);
    assert_reads(
        FILE_03,
        ReadOptions::new().dependent(true),
        &FILE_03_FAITHFUL,
    );
}

#[test]
fn file_04_other_delimiters() {
    assert_reads(FILE_04, od(), &FILE_04_OPEN_DENTAL);
    assert_reads(FILE_04, ReadOptions::new(), &FILE_04_FAITHFUL);
}

#[test]
fn a_dropped_segment_carries_its_text_and_no_member_data() {
    let read = read(FILE_01, od());
    let first = &read.dropped[0];
    assert_eq!(first.segment, "EB*1*IND*30*PR*QUILLMARK GOLD PPO");
    let everything = format!("{read:?} {}", serde_json::to_string(&read).unwrap());
    for member in [
        "SAMPLE",
        "ROWAN",
        "ZQX000123401",
        "19840612",
        "GRP20417",
        "EXAMPLE WAY",
    ] {
        assert!(!everything.contains(member), "{member} leaked");
    }
    let json = serde_json::to_value(&read.dropped[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "ordinal": 19, "loop": "2110C", "reason": "active_coverage_general",
            "segment": "EB*1*IND*30*PR*QUILLMARK GOLD PPO"
        })
    );
}

#[test]
fn faithful_rows_are_the_standard_shapes() {
    use benefits_sdk::opendental::{BenefitShape, CoverageLevel, Frequency, Period, Scope, Terms};
    let read = read(FILE_01, ReadOptions::new());
    let shape = |ordinal: usize| {
        let row = read.rows.iter().find(|r| r.ordinal == ordinal).unwrap();
        row.shape.clone()
    };
    let BenefitShape::Frequency(limit) = shape(46) else {
        panic!("46 is a frequency limitation")
    };
    // HSD05 23 (calendar year) is the plan's own benefit year, whichever it is.
    assert_eq!(limit.frequency, Frequency::PerBenefitYear(2, None));
    assert!(limit.scope.same_as(&Scope::proc_code("D0120")));
    let BenefitShape::Frequency(limit) = shape(54) else {
        panic!("54 is a frequency limitation")
    };
    assert_eq!(limit.frequency, Frequency::EveryMonths(60));
    assert_eq!(
        shape(36),
        BenefitShape::Deductible {
            amount: 50.into(),
            terms: Terms::new(Scope::General)
                .level(CoverageLevel::Individual)
                .period(Period::BenefitYear(None)),
        }
    );
    assert_eq!(
        shape(24),
        BenefitShape::Coinsurance {
            percent: 80,
            terms: Terms::new(Scope::Category(CovCatNum::new(4))),
        }
    );
}
