//! Issue 28 §2, the property: whatever the claims and benefits in the fake office, the summary
//! says what a straightforward recomputation from those rows says, written here from the
//! spec (`opendental-insurance-used-notes.md` §2) without calling the client's port.
#![cfg(all(feature = "test-util", feature = "od-24-2"))]

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::{
    ClaimProc, ClaimProcNum, ClaimProcStatus, CodeNum, CovCatNum, CovSpan, CovSpanNum, InsSubNum,
    ProcNum, ProcedureLog,
};
use chrono::{Datelike, Days, NaiveDate};
use proptest::collection::vec;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use crate::insurance::{MEMBER, PATIENT, PLAN, SUB, benefit, office};

/// One generated claim procedure.
#[derive(Debug, Clone)]
struct Claim {
    member: bool,
    status: usize,
    days: i64,
    est: i64,
    paid: i64,
    ded: i64,
    other_sub: bool,
    code: usize,
}

/// The generated benefits (amounts in cents).
#[derive(Debug, Clone)]
struct Benefits {
    ind_max: Option<i64>,
    general_cat_max: Option<i64>,
    fam_max: Option<i64>,
    ind_ded: Option<i64>,
    fam_ded: Option<i64>,
    ortho_lifetime: bool,
    code_limit: bool,
}

const CODES: [Option<(u64, &str)>; 4] = [
    None,
    Some((1, "D0120")),
    Some((36, "D8080")),
    Some((22, "D2740")),
];

fn cents(n: i64) -> Decimal {
    Decimal::new(n, 2)
}

fn claims() -> impl Strategy<Value = Vec<Claim>> {
    let claim = (
        any::<bool>(),
        0usize..10,
        -500i64..500,
        0i64..50_000,
        -20_000i64..50_000,
        0i64..10_000,
        prop::bool::weighted(0.15),
        0usize..4,
    )
        .prop_map(
            |(member, status, days, est, paid, ded, other_sub, code)| Claim {
                member,
                status,
                days,
                est,
                paid,
                ded,
                other_sub,
                code,
            },
        );
    vec(claim, 0..14)
}

fn benefits() -> impl Strategy<Value = Benefits> {
    let amount = || prop::option::of(0i64..400_000);
    (
        amount(),
        amount(),
        amount(),
        prop::option::of(0i64..20_000),
        prop::option::of(0i64..40_000),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(ind_max, general_cat_max, fam_max, ind_ded, fam_ded, ortho_lifetime, code_limit)| {
                Benefits {
                    ind_max,
                    general_cat_max,
                    fam_max,
                    ind_ded,
                    fam_ded,
                    ortho_lifetime,
                    code_limit,
                }
            },
        )
}

/// What the summary should say, from the spec: §2.1 window, §2.2 rows, §2.3 statuses, §2.4
/// used and pending, §2.5 max, §2.6 exclusions, §2.7 remaining, §2.8 deductible.
struct Expected {
    start: NaiveDate,
    used: Decimal,
    pending: Decimal,
    max: Option<Decimal>,
    remaining: Option<Decimal>,
    ded_ind: Option<Decimal>,
    ded_fam: Option<Decimal>,
    ded_shown: Option<Decimal>,
}

fn expected(as_of: NaiveDate, month_renew: u32, b: &Benefits, claims: &[Claim]) -> Expected {
    let start = if month_renew == 0 {
        NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap()
    } else if month_renew <= as_of.month() {
        NaiveDate::from_ymd_opt(as_of.year(), month_renew, 1).unwrap()
    } else {
        NaiveDate::from_ymd_opt(as_of.year() - 1, month_renew, 1).unwrap()
    };
    let end = NaiveDate::from_ymd_opt(start.year() + 1, start.month(), 1).unwrap();
    let family = b.fam_max.is_some() || b.fam_ded.is_some();
    let statuses = ClaimProcStatus::KNOWN;
    let history: Vec<&Claim> = claims
        .iter()
        .filter(|c| !c.other_sub && (family || !c.member))
        .filter(|c| {
            matches!(
                statuses[c.status],
                ClaimProcStatus::NotReceived
                    | ClaimProcStatus::Received
                    | ClaimProcStatus::Adjustment
                    | ClaimProcStatus::Supplemental
                    | ClaimProcStatus::InsHist
            )
        })
        .filter(|c| {
            let d = date_of(as_of, c);
            start <= d && d < end
        })
        .collect();
    let excluded = |c: &Claim| match CODES[code_of(c)] {
        Some((_, "D0120")) => b.code_limit,
        Some((_, code)) => b.ortho_lifetime && ("D8000"..="D8999").contains(&code),
        None => false,
    };
    let mine = || history.iter().filter(|c| !c.member);
    let used = mine()
        .filter(|c| {
            matches!(
                statuses[c.status],
                ClaimProcStatus::Received
                    | ClaimProcStatus::Adjustment
                    | ClaimProcStatus::Supplemental
            )
        })
        .filter(|c| !excluded(c))
        .map(|c| cents(c.paid))
        .sum();
    let pending = mine()
        .filter(|c| statuses[c.status] == ClaimProcStatus::NotReceived && !excluded(c))
        .map(|c| cents(c.est))
        .sum();
    let max = b.ind_max.or(b.general_cat_max).map(cents);
    let zero = Decimal::ZERO;
    let ind_rem = b
        .ind_ded
        .map(|d| cents(d) - mine().map(|c| cents(c.ded)).sum::<Decimal>());
    let fam_rem = b
        .fam_ded
        .map(|d| cents(d) - history.iter().map(|c| cents(c.ded)).sum::<Decimal>());
    Expected {
        start,
        used,
        pending,
        max,
        remaining: max.map(|m| (m - used - pending).max(zero)),
        ded_ind: ind_rem.map(|r| r.max(zero)),
        ded_fam: fam_rem.map(|r| r.max(zero)),
        ded_shown: ind_rem.map(|i| fam_rem.map_or(i, |f| i.min(f)).max(zero)),
    }
}

fn date_of(as_of: NaiveDate, c: &Claim) -> NaiveDate {
    if c.days >= 0 {
        as_of + Days::new(c.days as u64)
    } else {
        as_of - Days::new(c.days.unsigned_abs())
    }
}

/// An adjustment has no procedure.
fn code_of(c: &Claim) -> usize {
    if ClaimProcStatus::KNOWN[c.status] == ClaimProcStatus::Adjustment {
        0
    } else {
        c.code
    }
}

fn seed(office: &MockOpenDental, as_of: NaiveDate, b: &Benefits, claims: &[Claim]) {
    let mut rows = Vec::new();
    let m = |n: i64| json!(n as f64 / 100.0);
    if let Some(a) = b.ind_max {
        rows.push(benefit(1, json!({"MonetaryAmt": m(a)})));
    }
    if let Some(a) = b.general_cat_max {
        rows.push(benefit(2, json!({"MonetaryAmt": m(a), "CovCatNum": 13})));
    }
    if let Some(a) = b.fam_max {
        rows.push(benefit(
            3,
            json!({"MonetaryAmt": m(a), "CoverageLevel": "Family"}),
        ));
    }
    if let Some(a) = b.ind_ded {
        rows.push(benefit(
            4,
            json!({"BenefitType": "Deductible", "MonetaryAmt": m(a)}),
        ));
    }
    if let Some(a) = b.fam_ded {
        rows.push(benefit(
            5,
            json!({"BenefitType": "Deductible", "MonetaryAmt": m(a), "CoverageLevel": "Family"}),
        ));
    }
    if b.ortho_lifetime {
        rows.push(benefit(
            6,
            json!({"MonetaryAmt": 1500.0, "CovCatNum": 9, "TimePeriod": "Lifetime"}),
        ));
    }
    if b.code_limit {
        rows.push(benefit(
            7,
            json!({"CodeNum": 1, "procCode": "D0120", "Quantity": 2}),
        ));
    }
    office.insert(rows);
    office.set_cov_spans([CovSpan::new(
        CovSpanNum::new(1),
        CovCatNum::new(9),
        "D8000",
        "D8999",
    )]);
    for (i, c) in claims.iter().enumerate() {
        let num = i as u64 + 1;
        let patient = if c.member { MEMBER } else { PATIENT };
        let mut row = ClaimProc::new(
            ClaimProcNum::new(num),
            patient,
            ClaimProcStatus::KNOWN[c.status].clone(),
        );
        row.plan_num = Some(PLAN);
        row.ins_sub_num = Some(if c.other_sub { InsSubNum::new(31) } else { SUB });
        row.proc_date = Some(date_of(as_of, c));
        row.ins_pay_est = cents(c.est);
        row.ins_pay_amt = cents(c.paid);
        row.ded_applied = cents(c.ded);
        if let Some((code_num, code)) = CODES[code_of(c)] {
            office.insert_procedure(ProcedureLog::new(
                ProcNum::new(num),
                patient,
                CodeNum::new(code_num),
                code,
            ));
            row.proc_num = Some(ProcNum::new(num));
        }
        office.insert_claim_proc(row);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The summary's figures equal the spec's, recomputed from the fake's own rows.
    #[test]
    fn the_summary_matches_a_recomputation_from_the_offices_rows(
        month_renew in 0u8..=12,
        as_of_days in 0u64..1100,
        b in benefits(),
        claims in claims(),
    ) {
        let as_of = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Days::new(as_of_days);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let plan = runtime.block_on(async {
            let office = office(month_renew).await;
            seed(&office, as_of, &b, &claims);
            office.client().insurance_summary(PATIENT, as_of).await.unwrap().plans.remove(0)
        });
        let want = expected(as_of, u32::from(month_renew), &b, &claims);
        prop_assert_eq!(plan.window.start, want.start);
        prop_assert_eq!(plan.used, want.used);
        prop_assert_eq!(plan.pending, want.pending);
        prop_assert_eq!(plan.annual_max.map(|m| m.amount), want.max);
        prop_assert_eq!(plan.remaining, want.remaining);
        prop_assert_eq!(plan.deductible_remaining, want.ded_ind);
        prop_assert_eq!(plan.family_deductible_remaining, want.ded_fam);
        prop_assert_eq!(plan.deductible_remaining_shown, want.ded_shown);
    }
}
