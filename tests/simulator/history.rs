//! A history: what the office holds at first, what the workers want, who does what when,
//! and which requests fail how. Drawn from a seed; small enough to shrink and keep as a file.

use std::time::Duration;

use benefits_sdk::mock::Fault;
use benefits_sdk::opendental::{
    BenefitShape, BenefitType, BenefitYear, CodeGroupNum, CodeNum, CovCatNum, CoverageLevel,
    Frequency, FrequencyLimit, NewBenefit, Owner, PatPlanNum, Period, PlanNum, QuantityQualifier,
    Scope, Terms, TimePeriod,
};
use serde::{Deserialize, Serialize};

pub const PLAN: PlanNum = PlanNum::new(12);
pub const PAT_PLAN: PatPlanNum = PatPlanNum::new(30);

/// Durations scaled down so that thousands of histories run in minutes. The office stores a
/// late write within `LANDS_WITHIN` of receiving it: the office's own limit, scaled. The
/// settle time keeps the default's margin over it and more, for a loaded machine's timers.
pub const SETTLE: Duration = Duration::from_millis(80);
pub const LANDS_WITHIN: Duration = Duration::from_millis(25);
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(80);
/// The runs after the faults stop have no fault to meet, a slow machine's included.
pub const QUIET_TIMEOUT: Duration = Duration::from_secs(5);
pub const LOCK_TTL: Duration = Duration::from_millis(300);
/// No call may take longer: the stated bound of invariant 4 (a run's writes, each with its
/// retries and at most three checks after an unknown outcome, at scaled durations).
pub const CALL_BOUND: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct History {
    pub seed: u64,
    /// The plan's MonthRenew: 0 (a calendar year) or 7 (a service year).
    pub month_renew: u8,
    /// Whose rows: the plan, or a patient plan of it.
    pub pat_plan: bool,
    /// Rows at the start, by index into [`pool`].
    pub initial: Vec<usize>,
    /// What every worker wants, by index into [`pool`].
    pub desired: Vec<usize>,
    /// Each worker's runs, in order.
    pub workers: Vec<Vec<RunSpec>>,
    /// What staff and Open Dental's import do, and when.
    pub actions: Vec<Action>,
    /// Faults for the workers' requests, in the order requests of each method meet them.
    pub faults: Vec<(String, FaultSpec)>,
    /// From this many ms, the lock's renewals fail (the store lost it).
    pub lock_fails_at_ms: Option<u64>,
    /// The most rows a page of the office holds (at least 2), when not the default 100: every
    /// listing of a few rows is then several pages, with staff writing between them. Each
    /// client asks for pages of this size unless its run says less.
    #[serde(default)]
    pub page_cap: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunSpec {
    /// When it starts, in ms from the start of the history.
    pub start_ms: u64,
    /// Whether rows no desired benefit matches are deleted.
    pub deletes: bool,
    /// The run's future is dropped this long after it starts (a cancelled apply).
    pub cancel_after_ms: Option<u64>,
    /// The run's client is a cascade whose first mode refuses every connection: each request
    /// is refused, then sent to the office (a cascade's fallback, with no cool-down).
    #[serde(default)]
    pub refused: bool,
    /// The client's throttle interval, in ms (none when unset): a 429 then widens its spacing.
    #[serde(default)]
    pub throttle_ms: Option<u64>,
    /// `OnError::Continue`: the writes after a failed one still go (else `OnError::Stop`).
    #[serde(default)]
    pub continue_on_error: bool,
    /// The client's page size, when smaller than the office's page cap (at least 2).
    #[serde(default)]
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Action {
    pub at_ms: u64,
    pub kind: ActionKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ActionKind {
    /// Staff change the n-th row (modulo the rows there are) into the pool's shape at `into`.
    Edit { row: usize, into: usize },
    /// Staff add a row.
    Add { pick: usize },
    /// Open Dental's import adds a row (no lock, as the import takes none).
    Import { pick: usize },
    /// Staff delete the n-th row.
    Delete { row: usize },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FaultSpec {
    /// 429 with `Retry-After: 0`.
    RateLimited,
    /// 429 with `Retry-After` of this many seconds (whole seconds, as HTTP has them).
    RateLimitedFor(u64),
    Status(u16),
    AfterWrite(u16),
    MalformedAfterWrite,
    /// The write lands `lands_ms` after it arrives; the 504 comes after `answer_ms`, or never
    /// (the client's timeout).
    LandsLate {
        lands_ms: u64,
        answer_ms: Option<u64>,
    },
    /// Handled at once, answered after this long (past the client's timeout).
    Delay(u64),
}

impl FaultSpec {
    pub fn fault(&self) -> Fault {
        let ms = Duration::from_millis;
        match *self {
            FaultSpec::RateLimited => Fault::RateLimited {
                retry_after: Duration::ZERO,
            },
            FaultSpec::RateLimitedFor(secs) => Fault::RateLimited {
                retry_after: Duration::from_secs(secs),
            },
            FaultSpec::Status(s) => Fault::Status(s),
            FaultSpec::AfterWrite(s) => Fault::StatusAfterWrite(s),
            FaultSpec::MalformedAfterWrite => Fault::MalformedAfterWrite,
            FaultSpec::LandsLate {
                lands_ms,
                answer_ms,
            } => Fault::LandsLate {
                lands_after: ms(lands_ms),
                answer_after: answer_ms.map(ms),
            },
            FaultSpec::Delay(d) => Fault::Delay(ms(d)),
        }
    }
}

impl History {
    pub fn owner(&self) -> Owner {
        if self.pat_plan {
            Owner::PatPlan(PAT_PLAN)
        } else {
            Owner::Plan(PLAN)
        }
    }

    pub fn year(&self) -> BenefitYear {
        if self.month_renew == 0 {
            BenefitYear::Calendar
        } else {
            BenefitYear::Service
        }
    }

    /// The desired shapes.
    pub fn desired_shapes(&self) -> Vec<BenefitShape> {
        let pool = pool(self.owner());
        self.desired.iter().map(|&i| pool[i].clone()).collect()
    }

    /// A row of the pool's shape `i`, as someone in the office would add it.
    pub fn new_row(&self, i: usize) -> NewBenefit {
        let pool = pool(self.owner());
        pool[i % pool.len()]
            .clone()
            .with_plan_year(self.year())
            .to_new_benefit(self.owner())
    }

    /// The history a seed draws.
    pub fn draw(seed: u64) -> History {
        let mut rng = fastrand::Rng::with_seed(seed);
        let pat_plan = rng.u8(..4) == 0;
        let size = pool(if pat_plan {
            Owner::PatPlan(PAT_PLAN)
        } else {
            Owner::Plan(PLAN)
        })
        .len();
        let picks = |rng: &mut fastrand::Rng, most: usize| -> Vec<usize> {
            (0..rng.usize(..=most)).map(|_| rng.usize(..size)).collect()
        };
        let initial = picks(&mut rng, 5);
        let desired = picks(&mut rng, 6);
        let workers = (0..rng.usize(1..=2))
            .map(|_| {
                (0..rng.usize(1..=2))
                    .map(|_| RunSpec {
                        start_ms: rng.u64(..60),
                        deletes: rng.bool(),
                        cancel_after_ms: (rng.u8(..12) == 0).then(|| rng.u64(1..40)),
                        refused: rng.u8(..6) == 0,
                        throttle_ms: (rng.u8(..4) == 0).then(|| rng.u64(1..=3)),
                        continue_on_error: rng.u8(..3) == 0,
                        page_size: (rng.u8(..4) == 0).then(|| rng.u32(2..=4)),
                    })
                    .collect()
            })
            .collect::<Vec<Vec<RunSpec>>>();
        // A Retry-After of a second widens a throttled client's spacing to a second for the
        // rest of its run (the widening halves every 30 s): a run of a few dozen requests
        // would outlast [`CALL_BOUND`]. Such 429s go only to histories with no throttle.
        let slow_429s = workers.iter().flatten().all(|r| r.throttle_ms.is_none());
        let actions = (0..rng.usize(..=4))
            .map(|_| Action {
                at_ms: rng.u64(..120),
                kind: match rng.u8(..4) {
                    0 => ActionKind::Edit {
                        row: rng.usize(..8),
                        into: rng.usize(..size),
                    },
                    1 => ActionKind::Add {
                        pick: rng.usize(..size),
                    },
                    2 => ActionKind::Import {
                        pick: rng.usize(..size),
                    },
                    _ => ActionKind::Delete {
                        row: rng.usize(..8),
                    },
                },
            })
            .collect();
        let faults = (0..rng.usize(..=4))
            .map(|_| {
                let method = ["GET", "POST", "POST", "PUT", "DELETE"][rng.usize(..5)];
                (method.to_owned(), draw_fault(&mut rng, slow_429s))
            })
            .collect();
        History {
            seed,
            month_renew: if rng.bool() { 0 } else { 7 },
            pat_plan,
            initial,
            desired,
            workers,
            actions,
            faults,
            lock_fails_at_ms: (rng.u8(..15) == 0).then(|| rng.u64(..80)),
            page_cap: (rng.u8(..4) == 0).then(|| rng.u32(2..=5)),
        }
    }
}

/// One fault: a 429 (one in ten of them with `Retry-After: 1` when `slow_429s`, the smallest
/// wait HTTP can ask for, and a real second of the history), a gateway's status before or
/// after the office stored the write, a broken 201, a write that lands late, a slow answer.
fn draw_fault(rng: &mut fastrand::Rng, slow_429s: bool) -> FaultSpec {
    let gateway = [502, 503, 504][rng.usize(..3)];
    let lands = LANDS_WITHIN.as_millis() as u64;
    match rng.u8(..7) {
        0 if slow_429s && rng.u8(..10) == 0 => FaultSpec::RateLimitedFor(1),
        0 => FaultSpec::RateLimited,
        1 => FaultSpec::Status(gateway),
        2 => FaultSpec::AfterWrite(gateway),
        3 => FaultSpec::MalformedAfterWrite,
        4 => FaultSpec::LandsLate {
            lands_ms: rng.u64(1..lands),
            answer_ms: Some(rng.u64(..lands)),
        },
        5 => FaultSpec::LandsLate {
            lands_ms: rng.u64(1..lands),
            answer_ms: None,
        },
        _ => FaultSpec::Delay(CLIENT_TIMEOUT.as_millis() as u64 + rng.u64(10..60)),
    }
}

/// Every kind of shape a desired set or an office row is drawn from: the standard shapes on
/// categories, code groups and codes (by text and by key), amounts whole, with three decimals,
/// -1 (Open Dental's empty) and from 1e13 to 1e15 with two or three decimals (past the 15
/// significant digits the office keeps of a double), both benefit years left to the plan, and
/// custom rows. Few enough per slot that draws collide. New shapes go at the end: kept
/// regression cases name shapes by index.
pub fn pool(owner: Owner) -> Vec<BenefitShape> {
    let general = |level| Terms::new(Scope::General).level(level);
    let mut pool = vec![
        coinsurance(1, 100),
        coinsurance(1, 80),
        coinsurance(3, 50),
        BenefitShape::Maximum {
            amount: "1500".parse().unwrap(),
            terms: general(CoverageLevel::Individual),
        },
        BenefitShape::Maximum {
            amount: "1234.567".parse().unwrap(),
            terms: general(CoverageLevel::Individual),
        },
        BenefitShape::Maximum {
            amount: "-1".parse().unwrap(),
            terms: general(CoverageLevel::Family),
        },
        BenefitShape::Deductible {
            amount: "50".parse().unwrap(),
            terms: general(CoverageLevel::Individual),
        },
        BenefitShape::Deductible {
            amount: "25.125".parse().unwrap(),
            terms: general(CoverageLevel::Individual).period(Period::Lifetime),
        },
        BenefitShape::Exclusion(Terms::new(Scope::proc_code("D1110"))),
        BenefitShape::Exclusion(Terms::new(Scope::code_num(CodeNum::new(13)))),
        BenefitShape::Exclusion(Terms::new(Scope::proc_code("d2740"))),
        BenefitShape::Frequency(FrequencyLimit::new(
            Frequency::PerBenefitYear(2, None),
            Scope::CodeGroup(CodeGroupNum::new(2)),
        )),
        BenefitShape::Frequency(FrequencyLimit::new(
            Frequency::PerBenefitYear(2, Some(BenefitYear::Calendar)),
            Scope::CodeGroup(CodeGroupNum::new(3)),
        )),
        BenefitShape::Frequency(FrequencyLimit::new(
            Frequency::EveryYears(5),
            Scope::CodeGroup(CodeGroupNum::new(10)),
        )),
        BenefitShape::Frequency(FrequencyLimit::new(
            Frequency::EveryMonths(6),
            Scope::CodeGroup(CodeGroupNum::new(10)),
        )),
        BenefitShape::Custom(Box::new(
            NewBenefit::new(PLAN, BenefitType::Limitations, CoverageLevel::Family)
                .quantity(QuantityQualifier::Visits, 4)
                .time_period(TimePeriod::Years),
        )),
        BenefitShape::Custom(Box::new({
            let mut new = NewBenefit::new(PLAN, BenefitType::CoPayment, CoverageLevel::None);
            new.monetary_amt = Some("12.345".parse().unwrap());
            new.cov_cat_num = Some(CovCatNum::new(3));
            new
        })),
    ];
    if matches!(owner, Owner::Plan(_)) {
        // Age limits are plan-level only.
        pool.push(BenefitShape::AgeLimit {
            age: 19,
            code_group: CodeGroupNum::new(5),
        });
        pool.push(BenefitShape::AgeLimit {
            age: 16,
            code_group: CodeGroupNum::new(5),
        });
    }
    // Amounts of 1e13 and more, in the slots of the smaller ones above: the office keeps 15
    // significant digits of the double, then cents (12345678901234.567 is stored as
    // 12345678901234.6, 999999999999999.99 as 1e15).
    pool.extend([
        BenefitShape::Maximum {
            amount: "12345678901234.567".parse().unwrap(),
            terms: general(CoverageLevel::Individual),
        },
        BenefitShape::Maximum {
            amount: "987654321098765.43".parse().unwrap(),
            terms: general(CoverageLevel::Family),
        },
        BenefitShape::Deductible {
            amount: "10000000000000.005".parse().unwrap(),
            terms: general(CoverageLevel::Individual),
        },
        BenefitShape::Deductible {
            amount: "999999999999999.99".parse().unwrap(),
            terms: general(CoverageLevel::Individual).period(Period::Lifetime),
        },
    ]);
    pool.into_iter()
        .map(|shape| match shape {
            BenefitShape::Custom(mut new) => {
                new.owner = owner;
                BenefitShape::Custom(new)
            }
            other => other,
        })
        .collect()
}

fn coinsurance(category: u64, percent: u8) -> BenefitShape {
    BenefitShape::Coinsurance {
        percent,
        terms: Terms::new(Scope::Category(CovCatNum::new(category))),
    }
}
