//! Which desired benefits and rows hold one slot: union-find over both, joined wherever two
//! hold the same slot, transitively (`BenefitShape::same_slot`).

use std::collections::HashMap;

use super::changeset::PlannedRow;
use crate::opendental::meaning::shape::BenefitShape;

/// One slot: the desired benefits and the rows in it, by index.
#[derive(Debug, Default)]
pub(super) struct Slot {
    pub(super) desired: Vec<usize>,
    pub(super) rows: Vec<usize>,
}

/// The slots of `desired` and `rows`, in the order their first member comes.
pub(super) fn group(desired: &[BenefitShape], rows: &[PlannedRow]) -> Vec<Slot> {
    let n = desired.len();
    let shape = |i: usize| {
        if i < n {
            &desired[i]
        } else {
            &rows[i - n].shape
        }
    };
    let mut slots = Slots::new(n + rows.len());
    for i in 0..n + rows.len() {
        for j in i + 1..n + rows.len() {
            if shape(i).same_slot(shape(j)) {
                slots.join(i, j);
            }
        }
    }
    let mut grouped: Vec<Slot> = Vec::new();
    let mut slot_of = HashMap::new();
    for member in 0..n + rows.len() {
        let root = slots.root(member);
        let index = *slot_of.entry(root).or_insert_with(|| {
            grouped.push(Slot::default());
            grouped.len() - 1
        });
        match member < n {
            true => grouped[index].desired.push(member),
            false => grouped[index].rows.push(member - n),
        }
    }
    grouped
}

/// Union-find over the desired benefits and the rows.
struct Slots(Vec<usize>);

impl Slots {
    fn new(n: usize) -> Self {
        Slots((0..n).collect())
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        self.0[a] = b;
    }
}
