//! Keeping a plan's benefits in step with what they should be: diff → [`Changeset`] → apply.
//!
//! A reconcile reads the owner's rows, matches each desired [`BenefitShape`] to the row that
//! holds its slot ([`BenefitShape::same_slot`]), and writes only the difference: a create for
//! a slot nobody holds, an update carrying only the changed fields, and, when asked, a delete
//! for a row no desired benefit matches. Two rows in one slot, or two desired benefits for one
//! slot, are reported as ambiguities and never guessed at.

use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::render::ChangesetText;
use super::slots::{self, Slot};
use super::update::update_between;
use crate::error::{Error, Violations};
use crate::http::throttle::ThrottleKey;
use crate::opendental::meaning::shape::BenefitShape;
use crate::opendental::meaning::stored::is_stored_form;
use crate::opendental::meaning::summary::Names;
use crate::opendental::model::benefit::{Benefit, BenefitNum};
use crate::opendental::model::request::{BenefitUpdate, BenefitYear, Owner};
use crate::opendental::model::wire;

/// How a changeset is made: whether rows no desired benefit matches are deleted. (The
/// owner's benefit year is a fact about its plan, not a choice: see
/// [`BenefitsClient::diff_in_year`](crate::opendental::BenefitsClient::diff_in_year).)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Delete rows no desired benefit matches (default: keep them, listed as `kept`).
    pub deletes: bool,
}

impl DiffOptions {
    /// Keep unmatched rows.
    pub fn new() -> Self {
        Self::default()
    }

    /// Delete rows no desired benefit matches, or keep them.
    pub fn deletes(mut self, deletes: bool) -> Self {
        self.deletes = deletes;
        self
    }
}

/// The office a changeset was planned in: the hash of its customer key (the hash the
/// throttle and the apply lock key it by, in hex), never the key. Apply refuses a changeset
/// planned in another office before any request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OfficeId(String);

impl OfficeId {
    pub(crate) fn of(key: ThrottleKey) -> Self {
        OfficeId(key.to_hex())
    }

    /// The hash, in lower-case hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OfficeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A row as it stood when the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlannedRow {
    /// The row's key.
    pub benefit_num: BenefitNum,
    /// When it was last edited; apply refuses to write over a row edited since.
    #[serde(with = "wire::datetime")]
    pub sec_date_t_edit: Option<NaiveDateTime>,
    /// What it meant.
    pub shape: BenefitShape,
}

impl PlannedRow {
    fn of(row: &Benefit) -> Self {
        PlannedRow {
            benefit_num: row.benefit_num,
            sec_date_t_edit: row.sec_date_t_edit,
            shape: row.shape(),
        }
    }

    /// True when `row` is this row as it was planned: the same edit time and the same
    /// meaning. Both sides are stored rows, so they are compared as they are (the one identity,
    /// [`is_stored_form`], is for what a desired shape becomes once stored: applied to a row
    /// stored long ago, it would move a "# per benefit year" limit the office keeps in
    /// CalendarYear on a service-year plan, and call the row edited on every run).
    pub(crate) fn unchanged_in(&self, row: &Benefit) -> bool {
        row.sec_date_t_edit == self.sec_date_t_edit && row.shape() == self.shape
    }
}

/// An update of one row, from what it means to what it should.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlannedUpdate {
    /// The row as planned.
    pub row: PlannedRow,
    /// What it should mean.
    pub after: BenefitShape,
}

impl PlannedUpdate {
    /// The `PUT` body: only the fields that differ between the two shapes. A code scope that
    /// names the same code (by key or text) is left alone.
    pub fn update(&self, owner: Owner) -> BenefitUpdate {
        update_between(&self.row.shape, &self.after, owner)
    }
}

/// A slot more than one row, or more than one desired benefit, claims. Never guessed at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ambiguity {
    /// The desired benefits for the slot.
    pub desired: Vec<BenefitShape>,
    /// The rows that hold it.
    pub rows: Vec<PlannedRow>,
}

/// What a reconcile will write, made without writing anything
/// ([`BenefitsClient::diff`](crate::opendental::BenefitsClient::diff)). Review it (its `Display` is a diff a person approves),
/// store it (it is `Serialize` + `Deserialize`), and run it with [`BenefitsClient::apply`](crate::opendental::BenefitsClient::apply).
///
/// Plan-level rows are shared by every subscriber of the plan: a change to them changes every
/// patient on it. A patient-plan owner's rows override the plan's for one patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Changeset {
    /// The office it was planned in (set by the client's `diff` methods; `None` from
    /// [`Changeset::between`], which knows no office). Apply refuses a changeset from
    /// another office.
    #[serde(default)]
    pub office: Option<OfficeId>,
    /// Whose rows.
    pub owner: Owner,
    /// The owner's benefit year the plan was made with, when known: the office stores some
    /// shapes by it (see [`BenefitShape::as_stored`]), and apply judges rows with it.
    #[serde(default)]
    pub benefit_year: Option<BenefitYear>,
    /// Benefits to create, in the order they were desired.
    pub creates: Vec<BenefitShape>,
    /// Rows to update in place.
    pub updates: Vec<PlannedUpdate>,
    /// Rows that already say what they should.
    pub unchanged: Vec<PlannedRow>,
    /// Rows no desired benefit matches, left alone because deletes were off.
    pub kept: Vec<PlannedRow>,
    /// Rows no desired benefit matches, to delete.
    pub deletes: Vec<PlannedRow>,
    /// Slots claimed twice; nothing is written for them.
    pub ambiguities: Vec<Ambiguity>,
}

impl Changeset {
    /// The changeset that takes `current` (the owner's rows) to `desired`, for an owner whose
    /// benefit year is `year` (when known). Pure: no request.
    ///
    /// Each desired shape is planned as the office will store it
    /// ([`BenefitShape::as_stored`] with `year`: amounts to cents, -1 as no amount, the
    /// server's defaults and overrides), so a row the office normalized matches it and no
    /// write repeats on every run. A row is unchanged exactly when it is that stored form (the
    /// one identity, also apply's and the report's). Without a year, every desired
    /// shape must state its own (see [`BenefitShape::with_plan_year`]), and a
    /// "# per benefit year" limit is planned as given.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when a desired shape leaves its benefit year to the plan and
    /// no year is given.
    pub fn between(
        owner: Owner,
        year: Option<BenefitYear>,
        current: &[Benefit],
        desired: impl IntoIterator<Item = BenefitShape>,
        options: DiffOptions,
    ) -> Result<Self, Error> {
        // Each desired shape as the owner's row will read once stored (an age limit is
        // plan-level only, defaults are filled, the documented overrides applied).
        let desired: Vec<BenefitShape> = desired
            .into_iter()
            .map(|d| d.as_stored(owner, year))
            .collect();
        if desired.iter().any(BenefitShape::needs_plan_year) {
            Violations::one(
                "TimePeriod",
                "a desired benefit leaves its benefit year to the plan: give the year \
                 (BenefitsClient::diff_in_year) or set it on the shape",
            )
            .into_result()?;
        }
        let rows: Vec<PlannedRow> = current.iter().map(PlannedRow::of).collect();
        let mut plan = Changeset {
            office: None,
            owner,
            benefit_year: year,
            creates: Vec::new(),
            updates: Vec::new(),
            unchanged: Vec::new(),
            kept: Vec::new(),
            deletes: Vec::new(),
            ambiguities: Vec::new(),
        };
        for slot in slots::group(&desired, &rows) {
            plan.classify(slot, &desired, &rows, options.deletes);
        }
        plan.sort(&desired);
        Ok(plan)
    }

    /// Files one slot's desired benefits and rows: a create, an update or an unchanged row, a
    /// delete or a kept row, or an ambiguity.
    fn classify(
        &mut self,
        slot: Slot,
        desired: &[BenefitShape],
        rows: &[PlannedRow],
        deletes: bool,
    ) {
        match (slot.desired.as_slice(), slot.rows.as_slice()) {
            ([d], []) => self.creates.push(desired[*d].clone()),
            ([], held) => {
                let held = held.iter().map(|r| rows[*r].clone());
                match deletes {
                    true => self.deletes.extend(held),
                    false => self.kept.extend(held),
                }
            }
            ([d], [r]) => {
                let (after, row) = (&desired[*d], &rows[*r]);
                if is_stored_form(&row.shape, after, self.owner, self.benefit_year) {
                    self.unchanged.push(row.clone());
                } else {
                    self.updates.push(PlannedUpdate {
                        row: row.clone(),
                        after: after.clone(),
                    });
                }
            }
            (wanted, held) => self.ambiguities.push(Ambiguity {
                desired: wanted.iter().map(|d| desired[*d].clone()).collect(),
                rows: held.iter().map(|r| rows[*r].clone()).collect(),
            }),
        }
    }

    /// Creates in the order they were desired; rows by BenefitNum.
    fn sort(&mut self, desired: &[BenefitShape]) {
        self.creates
            .sort_by_key(|c| desired.iter().position(|d| d == c));
        for list in [&mut self.unchanged, &mut self.kept, &mut self.deletes] {
            list.sort_by_key(|r| r.benefit_num);
        }
        self.updates.sort_by_key(|u| u.row.benefit_num);
    }

    /// How many writes applying it sends at least: creates, updates and deletes.
    pub fn writes(&self) -> usize {
        self.creates.len() + self.updates.len() + self.deletes.len()
    }

    /// True when the rows already say what they should: nothing to write, nothing ambiguous.
    pub fn is_empty(&self) -> bool {
        self.writes() == 0 && self.ambiguities.is_empty()
    }

    /// The diff with the office's names for keys (see [`BenefitsClient::names`](crate::opendental::BenefitsClient::names)).
    pub fn display_with<'a>(&'a self, names: &'a Names) -> impl fmt::Display + 'a {
        ChangesetText { plan: self, names }
    }
}

#[cfg(all(test, feature = "test-util", feature = "od-25-3"))]
mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::opendental::{
        CodeGroupNum, CovCatNum, CoverageLevel, Frequency, FrequencyLimit, Period, PlanNum, Scope,
        Terms, TreatArea,
    };

    const PLAN: PlanNum = PlanNum::new(12);

    /// Standard shapes over three categories and three code groups, so that slots collide.
    fn shape() -> BoxedStrategy<BenefitShape> {
        let key = 1..4u64;
        let scope = prop_oneof![
            Just(Scope::General),
            key.clone().prop_map(|c| Scope::Category(CovCatNum::new(c))),
            key.clone()
                .prop_map(|g| Scope::CodeGroup(CodeGroupNum::new(g))),
        ];
        let level = prop_oneof![
            Just(CoverageLevel::None),
            Just(CoverageLevel::Individual),
            Just(CoverageLevel::Family),
        ];
        let period = prop_oneof![Just(Period::BenefitYear(None)), Just(Period::Lifetime)];
        let counted = (1..3000i64, level, period).prop_map(|(amount, level, period)| {
            (
                Decimal::new(amount, 0),
                Terms::new(Scope::General).level(level).period(period),
            )
        });
        let frequency = (1..5u8, 0..4usize).prop_map(|(n, kind)| match kind {
            0 => Frequency::EveryYears(n),
            1 => Frequency::EveryMonths(n),
            2 => Frequency::PerBenefitYear(n, None),
            _ => Frequency::InLast12Months(n),
        });
        let area = prop_oneof![
            Just(TreatArea::None),
            Just(TreatArea::Tooth),
            Just(TreatArea::Mouth)
        ];
        prop_oneof![
            (0..=100u8, scope.clone()).prop_map(|(percent, scope)| BenefitShape::Coinsurance {
                percent,
                terms: Terms::new(scope)
            }),
            counted
                .clone()
                .prop_map(|(amount, terms)| BenefitShape::Maximum { amount, terms }),
            counted.prop_map(|(amount, terms)| BenefitShape::Deductible { amount, terms }),
            (frequency, key.clone(), area).prop_map(|(frequency, group, area)| {
                let mut limit =
                    FrequencyLimit::new(frequency, Scope::CodeGroup(CodeGroupNum::new(group)));
                limit.treat_area = area;
                BenefitShape::Frequency(limit)
            }),
            (1..30u8, key).prop_map(|(age, g)| BenefitShape::AgeLimit {
                age,
                code_group: CodeGroupNum::new(g)
            }),
            scope.prop_map(|s| BenefitShape::Exclusion(Terms::new(s))),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// A plan reads back from JSON unchanged.
        #[test]
        fn a_plan_round_trips_through_json(
            current in vec(shape(), 0..7),
            desired in vec(shape(), 0..7),
        ) {
            let owner = Owner::Plan(PLAN);
            let rows: Vec<Benefit> = current
                .iter()
                .enumerate()
                .map(|(i, c)| row(c, i as u64 + 1))
                .collect();
            let desired = desired.into_iter().map(|d| d.with_plan_year(BenefitYear::Calendar));
            let options = DiffOptions::new().deletes(true);
            let year = Some(BenefitYear::Calendar);
            let plan = Changeset::between(owner, year, &rows, desired, options).unwrap();
            let json = serde_json::to_string(&plan).unwrap();
            prop_assert_eq!(serde_json::from_str::<Changeset>(&json).unwrap(), plan);
        }
    }

    /// A stored row with this shape, as the server returns it.
    fn row(shape: &BenefitShape, num: u64) -> Benefit {
        let new = shape
            .clone()
            .with_plan_year(BenefitYear::Calendar)
            .to_new_benefit(Owner::Plan(PLAN));
        let mut json = serde_json::to_value(&new).unwrap();
        json["BenefitNum"] = num.into();
        json["SecDateTEdit"] = "2026-11-25 10:00:00".into();
        serde_json::from_value(json).unwrap()
    }
}
