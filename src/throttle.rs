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
/// An implementation must never fail a request: when its store is away, it spaces requests
/// locally and says so in `tracing`.
pub trait Throttle: Send + Sync {
    /// Waits until `key` may send its next request, `interval` after the one before (or
    /// longer, after a 429: see [`Backoff`]).
    fn acquire<'a>(&'a self, key: &'a ThrottleKey, interval: Duration) -> BoxFuture<'a, ()>;

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
///   for a minute, and its next request asks again ([`Backoff::hold`]);
/// - the widening halves every [`Backoff::HALF_LIFE`] (30 s) without another 429, back to the
///   configured interval.
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

    /// The spacing in force at `now`: the widening, halved once per half-life since, and
    /// never under `interval`.
    pub fn spacing_at(&self, now: Instant, interval: Duration) -> Duration {
        let halvings = (now.saturating_duration_since(self.since).as_secs()
            / Self::HALF_LIFE.as_secs())
        .min(32) as u32;
        (self.spacing / 2u32.pow(halvings)).max(interval)
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
        let state = keys.entry(*key).or_insert(KeyState {
            next_free: now,
            backoff: None,
        });
        let spacing = state
            .backoff
            .map_or(interval, |b| b.spacing_at(now, interval));
        if spacing == interval {
            state.backoff = None;
        }
        let slot = state.next_free.max(now);
        // An interval of more than a day is a setting's mistake, not a reason to overflow.
        state.next_free = slot + spacing.min(ONE_DAY);
        slot
    }

    /// The 429 rule for `key` (see [`Backoff`]).
    pub fn penalize(&self, key: &ThrottleKey, interval: Duration, retry_after: Option<Duration>) {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let state = keys.entry(*key).or_insert(KeyState {
            next_free: now,
            backoff: None,
        });
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

impl Pacing {
    pub(crate) async fn wait(&self) {
        self.throttle.acquire(&self.key, self.interval).await;
    }

    pub(crate) async fn rate_limited(&self, retry_after: Option<Duration>) {
        self.throttle
            .rate_limited(&self.key, self.interval, retry_after)
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
