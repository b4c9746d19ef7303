//! Request spacing per customer key: the [`Throttle`] trait, the in-process [`LocalThrottle`],
//! and the [`Backoff`] rule every implementation follows after a 429.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::time::Instant;

/// A boxed future, as [`Throttle::acquire`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Spaces each customer key's requests at least its interval apart, across every client (and,
/// for a shared implementation, every process) that uses it.
///
/// The crate calls [`Throttle::acquire`] before every attempt of every request, and
/// [`Throttle::rate_limited`] when the server answers 429. [`LocalThrottle`] is the default;
/// `benefits-sdk-redis` shares the spacing between processes through Redis.
///
/// Spacing is two steps. [`Throttle::acquire`] reserves the key's next slot and waits for it;
/// then, once a connection is free and just before the request goes out, the crate calls
/// [`Throttle::before_send`], which waits until the key's previous request *went out* at least
/// the interval ago and records this one. Reservations alone are not enough: a task that wakes
/// late sends late, and the next one, waking on time, would reach the server less than the
/// interval after it.
///
/// The `interval` each method is given is the client's, plus its [`arrival_guard`].
///
/// An implementation must never fail a request: when its store is away, it spaces requests
/// locally and says so in `tracing`.
pub trait Throttle: Send + Sync {
    /// Waits until `key` may send its next request, `interval` after the one before (or
    /// longer, after a 429: see [`Backoff`]).
    fn acquire<'a>(&'a self, key: &'a ThrottleKey, interval: Duration) -> BoxFuture<'a, ()>;

    /// The request is about to go out: waits until `interval` has passed since `key`'s previous
    /// request went out (by this throttle's clock), then records this one as sent. The default
    /// does nothing, for an implementation whose `acquire` already spaces departures.
    fn before_send<'a>(&'a self, key: &'a ThrottleKey, interval: Duration) -> BoxFuture<'a, ()> {
        let _ = (key, interval);
        Box::pin(std::future::ready(()))
    }

    /// The request is about to go out, and the crate holds one of the host's connection
    /// permits: records it as sent now and answers `Ok` if `key`'s previous request went out at
    /// least the spacing ago; otherwise records nothing and answers when it may (`Err`). The
    /// crate then gives the permit back and waits without it, so one key's widened spacing
    /// after a 429 never holds up another key's request on the same host.
    ///
    /// The default waits in [`Throttle::before_send`] and answers `Ok`: correct, but it waits
    /// holding the permit. [`LocalThrottle`] and `benefits-sdk-redis` answer at once.
    fn try_depart<'a>(
        &'a self,
        key: &'a ThrottleKey,
        interval: Duration,
    ) -> BoxFuture<'a, Result<(), Instant>> {
        Box::pin(async move {
            self.before_send(key, interval).await;
            Ok(())
        })
    }

    /// The server answered `key` with 429: widen its spacing (see [`Backoff`]) and keep its
    /// next request back for `retry_after` when the server gave one. Awaited before the retry
    /// acquires its slot.
    fn rate_limited<'a>(
        &'a self,
        key: &'a ThrottleKey,
        interval: Duration,
        retry_after: Option<Duration>,
    ) -> BoxFuture<'a, ()>;
}

/// What a throttle knows of a customer key: the first 16 bytes of its SHA-256, never the key.
/// `Display` and `Debug` print that hash in hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThrottleKey([u8; 16]);

impl ThrottleKey {
    /// The key of a customer key (or, for Cervey, an app id).
    pub fn for_key(key: &str) -> Self {
        let digest = Sha256::digest(key.as_bytes());
        let mut hash = [0u8; 16];
        hash.copy_from_slice(&digest[..16]);
        ThrottleKey(hash)
    }

    /// The hash in lower-case hex (32 characters): what a shared store may keep.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for ThrottleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ThrottleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ThrottleKey({})", self.to_hex())
    }
}

/// How a key's spacing learns from 429, the same in every implementation:
///
/// - a 429 sets the spacing to the larger of its `Retry-After` and twice the spacing in force,
///   at most [`Backoff::MAX`] (60 s);
/// - it holds the key's next request back for its `Retry-After` (or the new spacing), also at
///   most [`Backoff::MAX`]: a server asking for an hour (or for `u64::MAX` seconds) holds the key
///   for a minute, and its next request asks again ([`Backoff::hold`]). The call that met the
///   429 waits the same bound before its retry ([`RetryPolicy`](crate::RetryPolicy)): one bound
///   on a server's wait, wherever it is waited out;
/// - the widening halves every [`Backoff::HALF_LIFE`] (30 s) without another 429, back to the
///   configured interval. Precisely, in whole milliseconds ([`Backoff::spacing_at`]):
///   `halvings = min(⌊elapsed / 30 000⌋, 32)` and
///   `spacing = max(⌊widened / 2^halvings⌋, interval)`. The cap of 32 halvings changes nothing a
///   widening of at most a minute could show (16 halvings leave nothing of it); it keeps the
///   arithmetic in range however long the key sat idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The spacing the last 429 set.
    pub spacing: Duration,
    /// When it was set.
    pub since: Instant,
}

impl Backoff {
    /// The widest spacing a 429 sets.
    pub const MAX: Duration = Duration::from_secs(60);
    /// How long the widening takes to halve.
    pub const HALF_LIFE: Duration = Duration::from_secs(30);

    /// Past this many half-lives the rule stops halving (see the type's documentation): the
    /// Redis script of `benefits-sdk-redis` caps at the same count.
    const MAX_HALVINGS: u32 = 32;

    /// The spacing in force at `now`, in whole milliseconds: the widening in milliseconds,
    /// halved (floored) once per whole half-life since it was set, at most 32 times, never
    /// under `interval` (the rule in the type's documentation). An idle of 16 minutes, hours or
    /// years after a 429 is the interval, never an overflow.
    ///
    /// `benefits-sdk-redis` computes the same in its script on Redis's clock; both are tested
    /// on one table of cases ([`SPACING_CASES`]).
    pub fn spacing_at(&self, now: Instant, interval: Duration) -> Duration {
        let elapsed = now.saturating_duration_since(self.since).as_millis();
        let halvings = u32::try_from(elapsed / Self::HALF_LIFE.as_millis())
            .map_or(Self::MAX_HALVINGS, |h| h.min(Self::MAX_HALVINGS));
        let widened = u64::try_from(self.spacing.as_millis()).unwrap_or(u64::MAX);
        // A u64 shifted by at most 32: in range whatever the widening.
        Duration::from_millis(widened >> halvings).max(interval)
    }

    /// The widening after a 429 at `now`, from the backoff in force (if any).
    pub fn after_429(
        current: Option<&Backoff>,
        now: Instant,
        interval: Duration,
        retry_after: Option<Duration>,
    ) -> Backoff {
        let in_force = current.map_or(interval, |b| b.spacing_at(now, interval));
        let spacing = in_force
            .saturating_mul(2)
            .max(retry_after.unwrap_or_default())
            .min(Self::MAX)
            .max(interval);
        Backoff {
            spacing,
            since: now,
        }
    }

    /// How long a 429 holds the key's next request back: its `Retry-After`, or the spacing it
    /// set, at most [`Backoff::MAX`].
    pub fn hold(&self, retry_after: Option<Duration>) -> Duration {
        retry_after.unwrap_or(self.spacing).min(Self::MAX)
    }
}

/// The cases both copies of [`Backoff::spacing_at`] are tested on (this crate's, and the
/// script of `benefits-sdk-redis`): `(widened ms, ms since the 429, interval ms, spacing ms)`.
/// Each elapsed time sits inside a half-life, so a test on a live clock (a few ms late) reads
/// the same case.
///
/// The table lives here, `pub` but hidden, rather than in a data file copied into both crates:
/// the Redis crate's tests depend on this crate anyway, so this const is the one copy, and a
/// change of the rule made here and not in the script fails the Redis test.
#[doc(hidden)]
pub const SPACING_CASES: &[(u64, u64, u64, u64)] = &[
    // Fresh, then once per half-life: 10 s → 5 → 2.5 → 1.25 → the interval.
    (10_000, 1_000, 1_000, 10_000),
    (10_000, 45_000, 1_000, 5_000),
    (10_000, 75_000, 1_000, 2_500),
    (10_000, 105_000, 1_000, 1_250),
    (10_000, 135_000, 1_000, 1_000),
    // At Backoff::MAX: fresh, then floored (60 000 / 2^7 = 468.75).
    (60_000, 1_000, 1_000, 60_000),
    (60_000, 225_000, 100, 468),
    // Never under the interval, even one larger than the widening.
    (2_020, 45_000, 1_010, 1_010),
    (2_000, 1_000, 5_000, 5_000),
    // A 429, then 16 minutes idle: 32 half-lives (this panicked once: 2^32 in a u32).
    (60_000, 965_000, 1_000, 1_000),
    // An hour, a year, and u64::MAX ms idle.
    (60_000, 3_615_000, 1_000, 1_000),
    (60_000, 31_536_015_000, 5, 5),
    (60_000, u64::MAX, 1_000, 1_000),
    // The cap of 32 halvings, visible only on a widening of 2^40 ms (set by an interval that
    // long): 40 half-lives halve it 32 times, to 256 ms, in both copies.
    (1 << 40, 1_215_000, 1, 256),
];

/// The in-process throttle: each key's next free slot and backoff, in memory. Clients built
/// on their own get one each; offices from
/// [`BenefitsClient::for_office`](crate::opendental::BenefitsClient::for_office) share their
/// root's, each key spaced on its own.
#[derive(Debug, Default)]
pub struct LocalThrottle {
    keys: Mutex<HashMap<ThrottleKey, KeyState>>,
}

#[derive(Debug)]
struct KeyState {
    next_free: Instant,
    backoff: Option<Backoff>,
    /// When the key's last request went out ([`Throttle::before_send`]).
    last_sent: Option<Instant>,
}

impl KeyState {
    fn new(now: Instant) -> Self {
        KeyState {
            next_free: now,
            backoff: None,
            last_sent: None,
        }
    }

    fn spacing(&mut self, now: Instant, interval: Duration) -> Duration {
        let spacing = self
            .backoff
            .map_or(interval, |b| b.spacing_at(now, interval));
        if spacing == interval {
            self.backoff = None;
        }
        // An interval of more than a day is a setting's mistake, not a reason to overflow.
        spacing.min(ONE_DAY)
    }
}

impl LocalThrottle {
    /// An empty throttle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves `key`'s next slot and returns it. Callers reserve under a short lock and sleep
    /// outside it, so concurrent tasks queue in order.
    pub fn reserve(&self, key: &ThrottleKey, interval: Duration) -> Instant {
        // Plain values: a panic elsewhere cannot leave them torn.
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let state = keys.entry(*key).or_insert_with(|| KeyState::new(now));
        let spacing = state.spacing(now, interval);
        let slot = state.next_free.max(now);
        state.next_free = slot + spacing;
        slot
    }

    /// Records `key`'s request as going out now, if its previous one went out at least the
    /// spacing in force ago; otherwise returns when it may. A departure later than its slot
    /// moves the key's next free slot on from the departure.
    pub fn depart(&self, key: &ThrottleKey, interval: Duration) -> Result<(), Instant> {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let state = keys.entry(*key).or_insert_with(|| KeyState::new(now));
        let spacing = state.spacing(now, interval);
        if let Some(earliest) = state.last_sent.map(|sent| sent + spacing)
            && earliest > now
        {
            return Err(earliest);
        }
        state.last_sent = Some(now);
        state.next_free = state.next_free.max(now + spacing);
        Ok(())
    }

    /// Marks `[slot, slot + interval)` as taken by this process: no slot this throttle gives
    /// out for `key` starts inside it. For a slot a shared store gave out whose request went
    /// elsewhere (e.g. an answer that came after its timeout).
    pub fn taken(&self, key: &ThrottleKey, slot: Instant, interval: Duration) {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let state = keys.entry(*key).or_insert_with(|| KeyState::new(now));
        let end = slot + interval.min(ONE_DAY);
        state.next_free = state.next_free.max(end);
        state.last_sent = Some(state.last_sent.map_or(slot, |sent| sent.max(slot)));
    }

    /// The 429 rule for `key` (see [`Backoff`]).
    pub fn penalize(&self, key: &ThrottleKey, interval: Duration, retry_after: Option<Duration>) {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let state = keys.entry(*key).or_insert_with(|| KeyState::new(now));
        let backoff = Backoff::after_429(state.backoff.as_ref(), now, interval, retry_after);
        state.next_free = state.next_free.max(now + backoff.hold(retry_after));
        state.backoff = Some(backoff);
    }
}

impl Throttle for LocalThrottle {
    fn acquire<'a>(&'a self, key: &'a ThrottleKey, interval: Duration) -> BoxFuture<'a, ()> {
        let slot = self.reserve(key, interval);
        Box::pin(tokio::time::sleep_until(slot))
    }

    fn before_send<'a>(&'a self, key: &'a ThrottleKey, interval: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            while let Err(earliest) = self.depart(key, interval) {
                tokio::time::sleep_until(earliest).await;
            }
        })
    }

    fn try_depart<'a>(
        &'a self,
        key: &'a ThrottleKey,
        interval: Duration,
    ) -> BoxFuture<'a, Result<(), Instant>> {
        Box::pin(std::future::ready(self.depart(key, interval)))
    }

    fn rate_limited<'a>(
        &'a self,
        key: &'a ThrottleKey,
        interval: Duration,
        retry_after: Option<Duration>,
    ) -> BoxFuture<'a, ()> {
        self.penalize(key, interval, retry_after);
        Box::pin(std::future::ready(()))
    }
}

const ONE_DAY: Duration = Duration::from_secs(86_400);

/// One client's pacing: which throttle, which key, what interval.
#[derive(Clone)]
pub(crate) struct Pacing {
    pub(crate) throttle: Arc<dyn Throttle>,
    pub(crate) key: ThrottleKey,
    pub(crate) interval: Duration,
}

impl fmt::Debug for Pacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacing")
            .field("key", &self.key)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// The margin added to a key's interval, so that what happens between a request leaving the
/// throttle and reaching the server (a connection's task, the socket, the network) does not
/// bring two arrivals closer than the interval: 1 % of the interval in whole milliseconds, at
/// most 10 ms (10 ms at Remote's 1 s, 5 ms at Enterprise's 500 ms, none under 100 ms). Whole
/// milliseconds, because tokio's timers wake on them.
pub fn arrival_guard(interval: Duration) -> Duration {
    let ms = (interval.as_millis() / 100).min(10);
    Duration::from_millis(ms as u64)
}

impl Pacing {
    /// The interval the throttle is asked for: the client's, plus the [`arrival_guard`].
    fn spacing(&self) -> Duration {
        self.interval.saturating_add(arrival_guard(self.interval))
    }

    /// Waits for the key's slot ([`Throttle::acquire`]).
    pub(crate) async fn wait(&self) {
        self.throttle.acquire(&self.key, self.spacing()).await;
    }

    /// Just before the request goes out, holding a connection permit
    /// ([`Throttle::try_depart`]).
    pub(crate) async fn try_depart(&self) -> Result<(), Instant> {
        self.throttle.try_depart(&self.key, self.spacing()).await
    }

    pub(crate) async fn rate_limited(&self, retry_after: Option<Duration>) {
        self.throttle
            .rate_limited(&self.key, self.spacing(), retry_after)
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    async fn times(throttle: Arc<LocalThrottle>, keys: &[ThrottleKey]) -> Vec<Duration> {
        let start = Instant::now();
        let mut handles = Vec::new();
        for key in keys {
            let (t, key) = (throttle.clone(), *key);
            handles.push(tokio::spawn(async move {
                t.acquire(&key, SECOND).await;
                Instant::now() - start
            }));
        }
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.unwrap());
        }
        times
    }

    fn secs(times: &[Duration]) -> Vec<u64> {
        let mut secs: Vec<u64> = times.iter().map(|d| d.as_secs()).collect();
        secs.sort();
        secs
    }

    #[tokio::test(start_paused = true)]
    async fn one_key_is_spaced_and_keys_do_not_wait_for_each_other() {
        let throttle = Arc::new(LocalThrottle::new());
        let a = ThrottleKey::for_key("office-a");
        let b = ThrottleKey::for_key("office-b");
        let same = times(throttle.clone(), &[a; 5]).await;
        assert_eq!(secs(&same), [0, 1, 2, 3, 4]);
        // a's last slot was at 4 s, so its next are 1 s and 2 s from now; b has never sent and
        // goes at once.
        let mixed = times(throttle, &[a, b, a]).await;
        assert_eq!(
            mixed.iter().map(|d| d.as_secs()).collect::<Vec<_>>(),
            [1, 0, 2]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_widens_the_spacing_which_recovers_by_halves() {
        let throttle = LocalThrottle::new();
        let key = ThrottleKey::for_key("office");
        let gap = |throttle: &LocalThrottle| {
            let first = throttle.reserve(&key, SECOND);
            let second = throttle.reserve(&key, SECOND);
            second - first
        };
        assert_eq!(gap(&throttle), SECOND);
        tokio::time::advance(Duration::from_secs(5)).await;
        // No Retry-After: twice the spacing in force; the next slot waits that long.
        throttle.penalize(&key, SECOND, None);
        let now = Instant::now();
        assert_eq!(throttle.reserve(&key, SECOND) - now, 2 * SECOND);
        // Retry-After larger than double: taken as it is.
        throttle.penalize(&key, SECOND, Some(Duration::from_secs(10)));
        tokio::time::advance(Duration::from_secs(20)).await;
        assert_eq!(gap(&throttle), Duration::from_secs(10));
        // Halves every 30 s without a 429: 10 → 5 → 2.5 → 1.25 → the interval.
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(gap(&throttle), Duration::from_secs(5));
        tokio::time::advance(Duration::from_secs(90)).await;
        assert_eq!(gap(&throttle), SECOND);
        // Repeated 429s stop at the cap.
        for _ in 0..10 {
            throttle.penalize(&key, SECOND, None);
        }
        tokio::time::advance(Duration::from_secs(120)).await;
        let b = Backoff::after_429(None, Instant::now(), SECOND, Some(Duration::from_secs(600)));
        assert_eq!(b.spacing, Backoff::MAX);
    }

    #[test]
    fn the_spacing_follows_the_one_table_of_cases() {
        let since = Instant::now();
        let ms = Duration::from_millis;
        for &(widened, elapsed, interval, expected) in SPACING_CASES {
            let b = Backoff {
                spacing: ms(widened),
                since,
            };
            let at = since + ms(elapsed);
            assert_eq!(
                b.spacing_at(at, ms(interval)),
                ms(expected),
                "{widened} {elapsed}"
            );
        }
        // On a half-life's edge: still whole until the 30th second is over.
        let b = Backoff {
            spacing: ms(10_000),
            since,
        };
        assert_eq!(b.spacing_at(since + ms(29_999), ms(1)), ms(10_000));
        assert_eq!(b.spacing_at(since + ms(30_000), ms(1)), ms(5_000));
    }

    /// A key that had a 429 and then sat idle 16 minutes (32 half-lives) sends its next
    /// request, and every one after (this panicked: `2u32.pow(32)`).
    #[tokio::test(start_paused = true)]
    async fn a_key_idle_16_minutes_after_a_429_sends_again() {
        let throttle = LocalThrottle::new();
        let key = ThrottleKey::for_key("office");
        throttle.penalize(&key, SECOND, None);
        tokio::time::advance(Duration::from_secs(16 * 60)).await;
        for _ in 0..3 {
            throttle.acquire(&key, SECOND).await;
            throttle.before_send(&key, SECOND).await;
        }
        let first = throttle.reserve(&key, SECOND);
        assert_eq!(throttle.reserve(&key, SECOND) - first, SECOND);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_holds_a_key_a_minute_at_most_whatever_it_asks() {
        let throttle = LocalThrottle::new();
        let key = ThrottleKey::for_key("office");
        for asked in [3600, u64::MAX] {
            throttle.penalize(&key, SECOND, Some(Duration::from_secs(asked)));
            let now = Instant::now();
            let held = throttle.reserve(&key, SECOND) - now;
            assert!(
                held <= Backoff::MAX,
                "held {held:?} for Retry-After {asked}"
            );
            tokio::time::advance(Duration::from_secs(600)).await;
        }
        // A huge interval neither panics nor wraps.
        let far = ThrottleKey::for_key("far");
        throttle.reserve(&far, Duration::MAX);
        let b = Backoff::after_429(None, Instant::now(), Duration::MAX, Some(Duration::MAX));
        assert_eq!(b.hold(Some(Duration::MAX)), Backoff::MAX);
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_departure_moves_the_next_one_on() {
        let throttle = LocalThrottle::new();
        let key = ThrottleKey::for_key("office");
        let start = Instant::now();
        let first = throttle.reserve(&key, SECOND);
        let second = throttle.reserve(&key, SECOND);
        assert_eq!((first - start, second - start), (Duration::ZERO, SECOND));
        // The first request's task woke 300 ms after its slot.
        tokio::time::advance(Duration::from_millis(300)).await;
        assert_eq!(throttle.depart(&key, SECOND), Ok(()));
        // The second is on time for its slot, but that is only 700 ms after the first left.
        tokio::time::advance(Duration::from_millis(700)).await;
        let due = start + Duration::from_millis(1300);
        assert_eq!(throttle.depart(&key, SECOND), Err(due));
        // before_send waits for it, then records it.
        throttle.before_send(&key, SECOND).await;
        assert_eq!(Instant::now(), due);
        // A slot reserved now starts from that departure, not from the reservations.
        assert_eq!(throttle.reserve(&key, SECOND), due + SECOND);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_taken_elsewhere_is_never_sent_inside() {
        let throttle = LocalThrottle::new();
        let key = ThrottleKey::for_key("office");
        let start = Instant::now();
        let slot = start + Duration::from_millis(400);
        throttle.taken(&key, slot, SECOND);
        assert_eq!(throttle.reserve(&key, SECOND), slot + SECOND);
        assert_eq!(throttle.depart(&key, SECOND), Err(slot + SECOND));
    }

    #[test]
    fn the_arrival_guard_is_a_percent_of_the_interval_at_most_10_ms() {
        assert_eq!(arrival_guard(SECOND), Duration::from_millis(10));
        assert_eq!(arrival_guard(SECOND / 2), Duration::from_millis(5));
        assert_eq!(
            arrival_guard(Duration::from_secs(5)),
            Duration::from_millis(10)
        );
        assert_eq!(
            arrival_guard(Duration::from_millis(100)),
            Duration::from_millis(1)
        );
        assert_eq!(arrival_guard(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn a_key_is_kept_as_a_hash() {
        let key = ThrottleKey::for_key("customer-key-123");
        let hex = key.to_hex();
        assert_eq!(hex.len(), 32);
        assert!(!format!("{key:?}{key}").contains("customer-key-123"));
        assert_eq!(key, ThrottleKey::for_key("customer-key-123"));
        assert_ne!(key, ThrottleKey::for_key("customer-key-124"));
    }
}
