//! The fake office's own record of who wrote what ([`OfficeWrite`]), and the people in the
//! office who write rows without the API ([`OfficeUser`]): staff at the Edit Benefits window,
//! Open Dental's own import of a carrier's 271. Tests read the record to judge a history by
//! what the office saw, never by what the client says it did.

use std::time::Instant;

use super::office;
use super::store::fill;
use super::{MockOpenDental, lock};
use crate::opendental::{Benefit, BenefitNum, NewBenefit};

/// Who made a write.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Writer {
    /// A request through the API, with the `User-Agent` it carried (a client's
    /// [`user_agent`](crate::opendental::BenefitsClientBuilder::user_agent) names its worker).
    Api {
        /// The request's `User-Agent`.
        user_agent: String,
    },
    /// Someone in the office, by the name given to [`MockOpenDental::office_user`]; the
    /// fake's own `seed`, `insert` and `remove` write as `"seed"`.
    Office {
        /// The name.
        user: String,
    },
}

impl Writer {
    /// True for a write through the API whose `User-Agent` starts with `agent`.
    pub fn is_api(&self, agent: &str) -> bool {
        matches!(self, Writer::Api { user_agent } if user_agent.starts_with(agent))
    }

    pub(super) fn office(user: &str) -> Self {
        Writer::Office {
            user: user.to_owned(),
        }
    }
}

/// What a write did to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteKind {
    /// A new row.
    Insert,
    /// A row changed (an UPDATE that changed nothing is not a write: see `SecDateTEdit`).
    Update,
    /// A row removed.
    Delete,
}

/// One write the office stored, as its database saw it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OfficeWrite {
    /// When it was stored (the test process's clock).
    pub at: Instant,
    /// Who made it.
    pub by: Writer,
    /// Insert, update or delete.
    pub kind: WriteKind,
    /// The row before (`None` for an insert).
    pub before: Option<Benefit>,
    /// The row after (`None` for a delete).
    pub after: Option<Benefit>,
}

impl OfficeWrite {
    /// The row written.
    pub fn benefit_num(&self) -> BenefitNum {
        self.after
            .as_ref()
            .or(self.before.as_ref())
            .map_or(BenefitNum::new(0), |r| r.benefit_num)
    }
}

/// Someone in the office who writes benefit rows without the API: no lock, no throttle, no
/// validation, every write logged under their name and stored as the office stores rows
/// (amounts to cents, the plan's default TimePeriod, `SecDateTEdit` moved only by a change).
pub struct OfficeUser<'a> {
    pub(super) office: &'a MockOpenDental,
    pub(super) name: String,
}

impl std::fmt::Debug for OfficeUser<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficeUser")
            .field("name", &self.name)
            .finish()
    }
}

impl OfficeUser<'_> {
    /// Adds a row, as the Edit Benefits window or the 271 import would, and returns it. A code
    /// the office's table holds is stored with its key and text; any other is kept as given.
    pub fn add(&self, benefit: &NewBenefit) -> Benefit {
        let mut store = lock(&self.office.store);
        let row = store.new_row(benefit.owner);
        let mut row = fill(row, benefit, &store);
        let mut resolved = row.clone();
        let sent = (benefit.code_num.is_some(), benefit.proc_code.is_some());
        if store.resolve_code(&mut resolved, sent.0, sent.1).is_ok() {
            row = resolved;
        }
        store.next_num = store.next_num.max(row.benefit_num.get());
        store.rows.insert(row.benefit_num, row.clone());
        store.log(
            Writer::office(&self.name),
            WriteKind::Insert,
            None,
            Some(row.clone()),
        );
        row
    }

    /// Changes a row in place; `SecDateTEdit` moves when a value changed. Returns the row as
    /// stored, or `None` when there is no such row.
    pub fn edit(&self, benefit: BenefitNum, change: impl FnOnce(&mut Benefit)) -> Option<Benefit> {
        let mut store = lock(&self.office.store);
        let before = store.rows.get(&benefit)?.clone();
        let mut row = before.clone();
        change(&mut row);
        row.benefit_num = before.benefit_num;
        if office::changed(&before, &row) {
            row.sec_date_t_edit = Some(office::now());
            store.rows.insert(benefit, row.clone());
            store.log(
                Writer::office(&self.name),
                WriteKind::Update,
                Some(before),
                Some(row.clone()),
            );
        }
        Some(row)
    }

    /// Makes a row say what `benefit` says (its owner stays), as the Edit Benefits window
    /// would: stored as [`OfficeUser::add`] stores a row, `SecDateTEdit` moved when a value
    /// changed. `None` when there is no such row.
    pub fn replace(&self, benefit_num: BenefitNum, benefit: &NewBenefit) -> Option<Benefit> {
        let content = {
            let store = lock(&self.office.store);
            let before = store.rows.get(&benefit_num)?.clone();
            let mut sent = benefit.clone();
            sent.owner = match (before.plan_num, before.pat_plan_num) {
                (_, Some(p)) => crate::opendental::Owner::PatPlan(p),
                (Some(p), None) => crate::opendental::Owner::Plan(p),
                (None, None) => sent.owner,
            };
            let mut row = fill(before, &sent, &store);
            let mut resolved = row.clone();
            let codes = (sent.code_num.is_some(), sent.proc_code.is_some());
            if store.resolve_code(&mut resolved, codes.0, codes.1).is_ok() {
                row = resolved;
            }
            row
        };
        self.edit(benefit_num, |r| *r = content)
    }

    /// Deletes a row, and returns it.
    pub fn delete(&self, benefit: BenefitNum) -> Option<Benefit> {
        let mut store = lock(&self.office.store);
        let row = store.rows.remove(&benefit)?;
        store.log(
            Writer::office(&self.name),
            WriteKind::Delete,
            Some(row.clone()),
            None,
        );
        Some(row)
    }
}
