//! Listing every row once: the overlapping cursor behind every paged listing of rows ordered
//! by their key (benefits, code groups, insurance plans).

use crate::error::{Error, PagingError, PagingErrorKind};
use crate::opendental::model::benefit::Benefit;
use crate::opendental::model::lookups::InsPlan;

/// A row of a listing ordered by its key, ascending.
pub(crate) trait Keyed {
    /// The row's key.
    fn key(&self) -> u64;
}

impl Keyed for Benefit {
    fn key(&self) -> u64 {
        self.benefit_num.get()
    }
}

#[cfg(feature = "od-23-2")]
impl Keyed for crate::opendental::model::lookups::CodeGroup {
    fn key(&self) -> u64 {
        self.code_group_num.get()
    }
}

impl Keyed for InsPlan {
    fn key(&self) -> u64 {
        self.plan_num.get()
    }
}

/// The page caps Open Dental documents: 100 (Remote), 1000 (Remote with Enterprise, Local API,
/// API Service) and 10,000 (Local API and API Service with Enterprise). A page of exactly one
/// of these, shorter than asked, may have been cut by the cap.
pub(crate) const KNOWN_PAGE_CAPS: [usize; 3] = [100, 1000, 10_000];
/// How often one listing may step back to re-anchor after rows were deleted under it.
const MAX_RECOVERIES: u32 = 8;

/// Where a listing stands.
pub(crate) struct Cursor {
    /// The Offset of the next page.
    pub(crate) offset: u64,
    /// The Limit of the next page: the page size, or the server's cap once seen.
    pub(crate) limit: u32,
    /// The highest BenefitNum returned: every row at or below it was returned or is gone.
    high: Option<u64>,
    /// The last row of the page before, which the next page starts with.
    anchor: Option<u64>,
    /// How far the last step back went; 0 when the last page was anchored.
    step_back: u64,
    recoveries: u32,
}

impl Cursor {
    pub(crate) fn new(limit: u32) -> Self {
        Cursor {
            offset: 0,
            limit,
            high: None,
            anchor: None,
            step_back: 0,
            recoveries: 0,
        }
    }

    /// Takes a page: the rows it adds, and the cursor for the next page (`None` at the end).
    pub(crate) fn advance<T: Keyed>(
        mut self,
        page: Vec<T>,
    ) -> Result<(Vec<T>, Option<Cursor>), Error> {
        let fail = |kind| {
            Err(Error::Paging(PagingError {
                kind,
                offset: self.offset,
                limit: self.limit,
            }))
        };
        let limit = self.limit as usize;
        if page.len() > limit {
            return fail(PagingErrorKind::PageTooLong);
        }
        if page.windows(2).any(|w| w[1].key() <= w[0].key()) {
            return fail(PagingErrorKind::OutOfOrder);
        }
        let first = page.first().map(Keyed::key);
        if let Some(high) = self.high {
            // Anchored: no row above `high` can sit before this page, so none was skipped.
            let anchored = self.offset == 0 || first.is_some_and(|f| f <= high);
            if !anchored {
                // A row before the page was deleted and the rows after it moved back.
                self.recoveries += 1;
                if self.recoveries > MAX_RECOVERIES {
                    return fail(PagingErrorKind::RowsKeptMoving);
                }
                self.step_back = match self.step_back {
                    0 => u64::from(self.limit - 1),
                    step => step.saturating_mul(2),
                };
                self.offset = self.offset.saturating_sub(self.step_back);
                return Ok((Vec::new(), Some(self)));
            }
            // New rows land at the end, so a row before the anchor means Offset was ignored.
            if self.step_back == 0 && first.zip(self.anchor).is_some_and(|(f, a)| f < a) {
                return fail(PagingErrorKind::OutOfOrder);
            }
        }
        self.step_back = 0;
        let len = page.len();
        self.anchor = page.last().map(Keyed::key);
        let high = self.high;
        let rows: Vec<T> = page
            .into_iter()
            .filter(|b| high.is_none_or(|h| b.key() > h))
            .collect();
        if let Some(last) = rows.last() {
            self.high = Some(last.key());
        }
        let capped = len < limit && KNOWN_PAGE_CAPS.contains(&len);
        if len < limit && !capped {
            return Ok((rows, None));
        }
        // A full page, or one cut by the server's cap: go on from its last row, at that size.
        self.limit = len as u32;
        self.offset += len as u64 - 1;
        Ok((rows, Some(self)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(nums: impl IntoIterator<Item = u64>) -> Vec<Benefit> {
        nums.into_iter()
            .map(|n| {
                serde_json::from_value(serde_json::json!({
                    "BenefitNum": n, "BenefitType": "Limitations"
                }))
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn rows_that_keep_moving_end_in_a_typed_error_not_a_loop() {
        let (rows, next) = Cursor::new(10).advance(page(1..=10)).unwrap();
        assert_eq!(rows.len(), 10);
        let mut cursor = next.unwrap();
        // Each time the listing re-anchors and moves on, more rows before it are deleted.
        for (step, high) in (1..=MAX_RECOVERIES + 1).zip(10..) {
            let moved = cursor.advance(page(high + 100..high + 110));
            if step > MAX_RECOVERIES {
                let Err(Error::Paging(paging)) = moved else {
                    panic!("expected a paging error")
                };
                assert_eq!(paging.kind, PagingErrorKind::RowsKeptMoving);
                return;
            }
            let (rows, next) = moved.unwrap();
            assert!(rows.is_empty());
            let (rows, next) = next.unwrap().advance(page(high - 8..=high + 1)).unwrap();
            assert_eq!(nums(&rows), [high + 1]);
            cursor = next.unwrap();
        }
        unreachable!("the listing never gave up");
    }

    fn nums(rows: &[Benefit]) -> Vec<u64> {
        rows.iter().map(|b| b.benefit_num.get()).collect()
    }

    #[test]
    fn a_step_back_doubles_until_offset_zero_which_is_always_anchored() {
        let (_, next) = Cursor::new(10).advance(page(1..=10)).unwrap();
        let (_, next) = next.unwrap().advance(page(10..=19)).unwrap();
        let mut cursor = next.unwrap();
        assert_eq!(cursor.offset, 18);
        let mut offsets = Vec::new();
        for _ in 0..2 {
            cursor = cursor.advance(page(40..=49)).unwrap().1.unwrap();
            offsets.push(cursor.offset);
        }
        assert_eq!(offsets, [9, 0]);
        // Nothing can sit before offset 0: whatever it holds above row 19 is new.
        let (rows, next) = cursor.advance(page(40..=44)).unwrap();
        assert_eq!(nums(&rows), [40, 41, 42, 43, 44]);
        assert!(next.is_none());
    }

    mod properties {
        use std::collections::BTreeSet;

        use proptest::collection::vec;
        use proptest::prelude::*;
        use proptest::sample::Index;

        use super::*;

        /// What happens to the office before a page request: a row deleted, or one added.
        #[derive(Debug, Clone)]
        enum Event {
            Delete(Index),
            Insert,
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            /// Whatever the rows, the page size, a server cap of 100 or none, and the rows
            /// deleted or added between pages: a listing returns every row that was there
            /// throughout, once, in order, and nothing that never was; or, only when more rows
            /// moved under it than it re-anchors for, a `RowsKeptMoving` error.
            #[test]
            fn a_listing_returns_every_surviving_row_once(
                n in 0u64..400,
                limit in 2u32..300,
                capped in any::<bool>(),
                events in vec((0usize..30, prop_oneof![
                    any::<Index>().prop_map(Event::Delete),
                    Just(Event::Insert),
                ]), 0..12),
            ) {
                let cap = if capped { 100 } else { usize::MAX };
                let mut office: BTreeSet<u64> = (1..=n).collect();
                let mut next = n + 1;
                let mut ever: BTreeSet<u64> = office.clone();
                let mut deleted = BTreeSet::new();
                let mut returned = Vec::new();
                let mut cursor = Some(Cursor::new(limit));
                let mut request = 0usize;
                let mut deletions = 0u32;
                let outcome = loop {
                    let Some(c) = cursor.take() else { break Ok(()) };
                    for (_, event) in events.iter().filter(|(at, _)| *at == request) {
                        match event {
                            Event::Delete(i) if !office.is_empty() => {
                                let victim = *office.iter().nth(i.index(office.len())).unwrap();
                                office.remove(&victim);
                                deleted.insert(victim);
                                deletions += 1;
                            }
                            Event::Delete(_) => {}
                            Event::Insert => {
                                office.insert(next);
                                ever.insert(next);
                                next += 1;
                            }
                        }
                    }
                    request += 1;
                    prop_assert!(request < 2_000, "the listing did not end");
                    let take = (c.limit as usize).min(cap);
                    let page = page(office.iter().copied().skip(c.offset as usize).take(take));
                    match c.advance(page) {
                        Ok((rows, next_cursor)) => {
                            returned.extend(rows.iter().map(|b| b.benefit_num.get()));
                            cursor = next_cursor;
                        }
                        Err(e) => break Err(e),
                    }
                };
                match outcome {
                    Ok(()) => {
                        prop_assert!(returned.windows(2).all(|w| w[0] < w[1]), "{returned:?}");
                        let got: BTreeSet<u64> = returned.iter().copied().collect();
                        prop_assert!(got.is_subset(&ever));
                        for row in (1..=n).filter(|r| !deleted.contains(r)) {
                            prop_assert!(got.contains(&row), "row {} missing: {:?}", row, returned);
                        }
                    }
                    Err(Error::Paging(p)) => {
                        prop_assert_eq!(p.kind, PagingErrorKind::RowsKeptMoving);
                        prop_assert!(deletions > MAX_RECOVERIES, "gave up after {} deletions", deletions);
                    }
                    Err(other) => prop_assert!(false, "{:?}", other),
                }
            }
        }
    }
}
