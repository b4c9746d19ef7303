//! The one listing loop every paged endpoint uses ([`BenefitsClient::pages`]), and the two
//! ways it moves from page to page: the overlapping [`Cursor`] for rows ordered by key
//! (benefits, code groups, insurance plans), every row once; and [`Unordered`] for a list with
//! no documented order (coverage categories,
/// procedure codes, stored transactions).
use std::collections::HashSet;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::error::{Error, PagingError, PagingErrorKind};
use crate::opendental::BenefitsClient;
use crate::opendental::client::cascade::ModeIndex;
use crate::opendental::model::benefit::Benefit;
use crate::opendental::model::lookups::InsPlan;

/// One listing: its path, its route (for errors and tracing) and its filter, if any.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listing {
    pub(crate) path: &'static str,
    pub(crate) route: &'static str,
    /// The query parameter that filters it, and its value (`PlanNum=12`).
    pub(crate) filter: Option<(&'static str, u64)>,
    /// A second, text filter (`Status=Received`), sent after `filter`.
    pub(crate) text: Option<(&'static str, &'static str)>,
}

impl Listing {
    pub(crate) fn new(path: &'static str, route: &'static str) -> Self {
        Listing {
            path,
            route,
            filter: None,
            text: None,
        }
    }
}

/// How a listing moves from one page to the next.
pub(crate) trait PageCursor<T>: Sized + Send + 'static {
    /// The `Limit` of the next page.
    fn limit(&self) -> u32;
    /// The `Offset` of the next page.
    fn offset(&self) -> u64;
    /// Takes a page: the rows it adds, and the cursor for the next page (`None` at the end).
    fn advance(self, page: Vec<T>) -> Result<(Vec<T>, Option<Self>), Error>;
}

impl BenefitsClient {
    /// The listing loop: pages of `listing` as `cursor` asks for them, fetched only when the
    /// rows before them are consumed, as one stream of rows. The first page may fall back to
    /// another mode of a cascade; the rest stay on the mode it used. A `listing` that is an
    /// error is the stream's only item.
    pub(crate) fn pages<T, C>(
        &self,
        listing: Result<Listing, Error>,
        cursor: C,
    ) -> impl Stream<Item = Result<T, Error>> + Send + Unpin + 'static
    where
        T: DeserializeOwned + Send + 'static,
        C: PageCursor<T>,
    {
        let listing = match listing {
            Ok(listing) => listing,
            Err(e) => return stream::once(std::future::ready(Err(e))).boxed(),
        };
        let client = self.clone();
        stream::try_unfold(Some((listing, cursor, None)), move |state| {
            let client = client.clone();
            async move {
                let Some((listing, cursor, pin)) = state else {
                    return Ok(None);
                };
                let (page, used) = client
                    .page(&listing, Some(cursor.limit()), cursor.offset(), pin)
                    .await?;
                let (rows, next) = cursor.advance(page)?;
                Ok(Some((rows, next.map(|c| (listing, c, Some(used))))))
            }
        })
        .map_ok(|rows: Vec<T>| stream::iter(rows.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }

    /// One page of `listing`: `Limit` when set, `Offset` when above 0, on mode `pin` (or the
    /// mode in use, falling back as needed); and the mode that served it.
    pub(crate) async fn page<T: DeserializeOwned>(
        &self,
        listing: &Listing,
        limit: Option<u32>,
        offset: u64,
        pin: Option<ModeIndex>,
    ) -> Result<(Vec<T>, ModeIndex), Error> {
        let mut url = self.endpoint(listing.path)?;
        {
            let mut query = url.query_pairs_mut();
            if let Some((name, value)) = listing.filter {
                query.append_pair(name, &value.to_string());
            }
            if let Some((name, value)) = listing.text {
                query.append_pair(name, value);
            }
            if let Some(limit) = limit {
                query.append_pair("Limit", &limit.to_string());
            }
            if offset > 0 {
                query.append_pair("Offset", &offset.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        self.call_on(Method::GET, listing.route, url, None, pin)
            .await
    }
}

/// A listing that broke off at the page of `offset` and `limit`.
fn paging_error(kind: PagingErrorKind, offset: u64, limit: u32) -> Error {
    Error::Paging(PagingError {
        kind,
        offset,
        limit,
    })
}

/// The `Limit` of the page after one of `len` rows that asked for `limit`, or `None` when it
/// was the last: a full page goes on at its size, and so does a shorter one of exactly a known
/// cap (the server cut it); any other shorter page ends the listing.
fn next_limit(len: usize, limit: u32) -> Option<u32> {
    let capped = len < limit as usize && KNOWN_PAGE_CAPS.contains(&len);
    (len >= limit as usize || capped).then_some(len as u32)
}

/// Pages of a list with no documented order (coverage categories,
/// procedure codes, stored transactions): each page after the one
/// before, until a short page, or a page that only repeats rows already seen (a server that
/// ignores `Offset` sends them all again).
pub(crate) struct Unordered {
    limit: u32,
    offset: u64,
    seen: HashSet<u64>,
}

impl Unordered {
    pub(crate) fn new(limit: u32) -> Self {
        Unordered {
            limit,
            offset: 0,
            seen: HashSet::new(),
        }
    }
}

impl<T: Keyed + Send + 'static> PageCursor<T> for Unordered {
    fn limit(&self) -> u32 {
        self.limit
    }

    fn offset(&self) -> u64 {
        self.offset
    }

    fn advance(mut self, page: Vec<T>) -> Result<(Vec<T>, Option<Self>), Error> {
        let fail = |kind| Err(paging_error(kind, self.offset, self.limit));
        let len = page.len();
        let seen = page.iter().filter(|r| self.seen.contains(&r.key())).count();
        if len > self.limit as usize {
            return fail(PagingErrorKind::PageTooLong);
        }
        if len > 0 && seen == len {
            return Ok((Vec::new(), None));
        }
        if seen > 0 {
            return fail(PagingErrorKind::OutOfOrder);
        }
        self.seen.extend(page.iter().map(Keyed::key));
        let Some(limit) = next_limit(len, self.limit) else {
            return Ok((page, None));
        };
        self.limit = limit;
        self.offset += len as u64;
        Ok((page, Some(self)))
    }
}

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

#[cfg(feature = "od-23-3")]
impl Keyed for crate::opendental::model::lookups::CovCat {
    fn key(&self) -> u64 {
        self.cov_cat_num.get()
    }
}

impl Keyed for crate::opendental::model::lookups::ProcedureCode {
    fn key(&self) -> u64 {
        self.code_num.get()
    }
}

impl Keyed for crate::opendental::model::etrans::Etrans {
    fn key(&self) -> u64 {
        self.etrans_num.get()
    }
}

impl Keyed for crate::opendental::model::insurance::ClaimProc {
    fn key(&self) -> u64 {
        self.claim_proc_num.get()
    }
}

impl Keyed for crate::opendental::model::insurance::ProcedureLog {
    fn key(&self) -> u64 {
        self.proc_num.get()
    }
}

impl Keyed for crate::opendental::model::insurance::PatPlan {
    fn key(&self) -> u64 {
        self.pat_plan_num.get()
    }
}

impl Keyed for crate::opendental::model::insurance::InsSub {
    fn key(&self) -> u64 {
        self.ins_sub_num.get()
    }
}

impl Keyed for crate::opendental::model::insurance::FamilyMember {
    fn key(&self) -> u64 {
        self.pat_num.get()
    }
}

#[cfg(feature = "od-24-2")]
impl Keyed for crate::opendental::model::insurance::CovSpan {
    fn key(&self) -> u64 {
        self.cov_span_num.get()
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
}

impl<T: Keyed + Send + 'static> PageCursor<T> for Cursor {
    fn limit(&self) -> u32 {
        self.limit
    }

    fn offset(&self) -> u64 {
        self.offset
    }

    fn advance(mut self, page: Vec<T>) -> Result<(Vec<T>, Option<Cursor>), Error> {
        let fail = |kind| Err(paging_error(kind, self.offset, self.limit));
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
        // A full page, or one cut by the server's cap: go on from its last row, at that size.
        let Some(limit) = next_limit(len, self.limit) else {
            return Ok((rows, None));
        };
        self.limit = limit;
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
