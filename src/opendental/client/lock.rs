//! One apply per owner at a time: the [`ApplyLock`] trait, the in-process [`LocalApplyLock`],
//! and the lease apply holds while it writes (renewed as it runs, released at the end).
//!
//! Two workers that apply the same plan at once both list before either writes, so both see
//! an empty slot and both create. A lock per owner (the office, as a hash of its customer key,
//! and the plan or patient plan) makes the second wait its turn: it fails at once with
//! [`LockErrorKind::Held`], nothing written, and its next run lists what the first wrote.
//! Failing rather than waiting keeps a worker free for other offices while one plan's writes
//! run for minutes under the throttle.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, LockError, LockErrorKind};
use crate::http::throttle::{BoxFuture, ThrottleKey};
use crate::opendental::model::request::Owner;

/// How long a lock lives without renewal: a crashed holder's lock expires after it. Apply
/// renews it every sixth of that while it runs.
pub const APPLY_LOCK_TTL: Duration = Duration::from_secs(120);

/// An error from a lock's store (Redis unreachable…), kept as the source of an
/// [`Error::ApplyLock`].
pub type LockStoreError = Box<dyn std::error::Error + Send + Sync>;

/// Which owner an apply holds: one office (the hash of its customer key, never the key) and
/// one plan or patient plan.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApplyLockKey {
    office: ThrottleKey,
    owner: Owner,
}

impl ApplyLockKey {
    /// The lock of `owner` at the office with this customer key hash.
    pub fn new(office: ThrottleKey, owner: Owner) -> Self {
        ApplyLockKey { office, owner }
    }

    /// The office, as the hash of its customer key.
    pub fn office(&self) -> ThrottleKey {
        self.office
    }

    /// The plan or patient plan.
    pub fn owner(&self) -> Owner {
        self.owner
    }

    /// The key a shared store keeps, e.g. `{office hash}:plan:12` or `{office hash}:patplan:30`.
    pub fn to_key_string(&self) -> String {
        match self.owner {
            Owner::Plan(p) => format!("{}:plan:{p}", self.office),
            Owner::PatPlan(p) => format!("{}:patplan:{p}", self.office),
        }
    }
}

impl fmt::Display for ApplyLockKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_key_string())
    }
}

impl fmt::Debug for ApplyLockKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApplyLockKey({self})")
    }
}

/// A lock per owner that one apply holds while it writes, across every client (and, for a
/// shared store, every process) that uses it. [`LocalApplyLock`] is the default;
/// `benefits-sdk-redis` has one in Redis.
///
/// Each holder names itself with a random `token`; only the holder of a lock renews or
/// releases it, and a lock not renewed within its `ttl` expires (a crashed holder's).
pub trait ApplyLock: Send + Sync {
    /// Takes the lock on `key` for `ttl` as `token`, unless someone else holds it. True when
    /// taken.
    fn try_acquire<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, LockStoreError>>;

    /// Extends the lock on `key` to `ttl` from now if `token` still holds it. True when it
    /// does.
    fn renew<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, LockStoreError>>;

    /// Releases the lock on `key` if `token` holds it; otherwise does nothing.
    fn release<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), LockStoreError>>;

    /// How long a lock lives without renewal (default [`APPLY_LOCK_TTL`], 120 s). Apply renews
    /// it every sixth of that, and counts it lost when a renewal fails or takes longer than a
    /// sixth: so a holder knows it lost the lock at least two thirds of the lifetime before
    /// anyone else can take it, and stops its writes then.
    ///
    /// Keep two thirds of it longer than the office takes to store a request it received
    /// (Open Dental's 60 s limit): a lock left to expire after its holder stopped mid-write
    /// (see the apply methods on cancellation) then outlasts that write.
    fn ttl(&self) -> Duration {
        APPLY_LOCK_TTL
    }
}

/// The in-process [`ApplyLock`]: shared by every client built from one builder (and
/// [`for_office`](crate::opendental::BenefitsClient::for_office)). It cannot see other processes: give
/// workers that share offices a shared lock (`benefits-sdk-redis`).
#[derive(Default)]
pub struct LocalApplyLock {
    held: Mutex<HashMap<ApplyLockKey, (String, Instant)>>,
}

impl LocalApplyLock {
    /// An empty lock table.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<ApplyLockKey, (String, Instant)>) -> T) -> T {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        held.retain(|_, (_, until)| *until > now);
        f(&mut held)
    }
}

impl fmt::Debug for LocalApplyLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = self.with(|held| held.len());
        f.debug_struct("LocalApplyLock")
            .field("held", &held)
            .finish()
    }
}

impl ApplyLock for LocalApplyLock {
    fn try_acquire<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, LockStoreError>> {
        let taken = self.with(|held| {
            if held.contains_key(key) {
                return false;
            }
            held.insert(*key, (token.to_owned(), Instant::now() + ttl));
            true
        });
        Box::pin(async move { Ok(taken) })
    }

    fn renew<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, LockStoreError>> {
        let held = self.with(|held| match held.get_mut(key) {
            Some((holder, until)) if holder == token => {
                *until = Instant::now() + ttl;
                true
            }
            _ => false,
        });
        Box::pin(async move { Ok(held) })
    }

    fn release<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), LockStoreError>> {
        self.with(|held| {
            if held.get(key).is_some_and(|(holder, _)| holder == token) {
                held.remove(key);
            }
        });
        Box::pin(async move { Ok(()) })
    }
}

/// An apply's hold on its owner's lock: taken before the first listing, renewed while the
/// writes run, released after.
///
/// Dropped without finishing (the apply's future was dropped mid-write), it is **not**
/// released: it expires on its own, at least two thirds of [`APPLY_LOCK_TTL`] (80 s) after its
/// last renewal, which is longer than the office takes to store a request it received (its
/// own 60 s limit). So the next apply of the owner, whoever runs it, lists only once a write
/// whose outcome nobody saw has landed or never will: releasing at once could let it create
/// that row a second time.
pub(crate) struct Lease {
    lock: Arc<dyn ApplyLock>,
    key: ApplyLockKey,
    token: String,
    ttl: Duration,
    lost: AtomicBool,
    /// Until when the lease holds for sure: a third of the lifetime after the start of the
    /// last renewal that succeeded (or of the acquisition). Past it the lease counts as lost
    /// even if the renewals could not run (a task not polled, a stalled runtime).
    holds_until: std::sync::Mutex<Instant>,
    /// Woken when the lease is lost, to stop a write still being sent.
    on_lost: tokio::sync::Notify,
}

impl Lease {
    /// Takes the lock, or fails with [`LockErrorKind::Held`] (someone else applies this owner)
    /// or [`LockErrorKind::Store`] (the store could not say): nothing has been written.
    pub(crate) async fn take(lock: Arc<dyn ApplyLock>, key: ApplyLockKey) -> Result<Self, Error> {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let ttl = lock.ttl();
        let asked = Instant::now();
        match lock.try_acquire(&key, &token, ttl).await {
            Ok(true) => Ok(Lease {
                lock,
                key,
                token,
                ttl,
                lost: AtomicBool::new(false),
                holds_until: std::sync::Mutex::new(asked + ttl / 3),
                on_lost: tokio::sync::Notify::new(),
            }),
            Ok(false) => Err(lock_error(LockErrorKind::Held, &key, None)),
            Err(e) => Err(lock_error(LockErrorKind::Store, &key, Some(e))),
        }
    }

    /// True once a renewal failed, or once a third of the lifetime has passed since the last
    /// renewal began: the lock may be someone else's soon, so no write may follow.
    pub(crate) fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst) || Instant::now() >= self.holds_until()
    }

    fn holds_until(&self) -> Instant {
        *self
            .holds_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one write's call, stopping it where it stands if the lease is lost meanwhile (it
    /// may be waiting for its throttle slot or a connection, to send without the lock): then
    /// the error is [`LockErrorKind::LostMidWrite`], whose outcome is unknown.
    pub(crate) async fn guard<T>(
        &self,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let lost = async {
            loop {
                let notified = self.on_lost.notified();
                if self.lost() {
                    return;
                }
                let deadline = tokio::time::sleep_until(self.holds_until());
                // Woken by a failed renewal, or at the deadline (which a renewal may have moved).
                futures_util::future::select(std::pin::pin!(notified), std::pin::pin!(deadline))
                    .await;
            }
        };
        let call = std::pin::pin!(call);
        let lost = std::pin::pin!(lost);
        match futures_util::future::select(call, lost).await {
            futures_util::future::Either::Left((out, _)) => out,
            futures_util::future::Either::Right(((), _)) => {
                Err(lock_error(LockErrorKind::LostMidWrite, &self.key, None))
            }
        }
    }

    fn mark_lost(&self) {
        self.lost.store(true, Ordering::SeqCst);
        self.on_lost.notify_waiters();
    }

    /// Runs `work` while renewing the lock every sixth of its lifetime, then releases it. A
    /// renewal that fails, says the lock is gone, or takes longer than a sixth of the lifetime
    /// loses the lease: the holder knows at most a third of the lifetime after its last
    /// renewal, so at least two thirds (80 s by default, more than the office's 60 s for a
    /// request it received) before anyone else can take the lock. A lease lost is not
    /// released: a write it stopped may still land, and the lock expires after that.
    pub(crate) async fn hold<T>(&self, work: impl Future<Output = T>) -> T {
        let sixth = self.ttl / 6;
        let renew = async {
            let mut last = Instant::now();
            loop {
                tokio::time::sleep_until(last + sixth).await;
                // The store extends the lock no earlier than this: the margin counts from here.
                let started = Instant::now();
                let renewal = self.lock.renew(&self.key, &self.token, self.ttl);
                let renewed = tokio::time::timeout(sixth, renewal).await;
                if !matches!(renewed, Ok(Ok(true))) {
                    tracing::warn!(lock = %self.key, "apply lock lost: the writes left are skipped");
                    self.mark_lost();
                    return;
                }
                *self
                    .holds_until
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = started + self.ttl / 3;
                last = started;
            }
        };
        let work = std::pin::pin!(work);
        let renew = std::pin::pin!(renew);
        let result = match futures_util::future::select(work, renew).await {
            futures_util::future::Either::Left((out, _)) => out,
            // The lock is lost: the work sees it before its next write, and ends.
            futures_util::future::Either::Right(((), work)) => work.await,
        };
        if self.lost() {
            return result;
        }
        if let Err(e) = self.lock.release(&self.key, &self.token).await {
            // It expires on its own within its lifetime.
            tracing::warn!(lock = %self.key, error = %e, "apply lock not released");
        }
        result
    }
}

fn lock_error(kind: LockErrorKind, key: &ApplyLockKey, source: Option<LockStoreError>) -> Error {
    let owner = match key.owner {
        Owner::Plan(p) => format!("plan {p}"),
        Owner::PatPlan(p) => format!("patient plan {p}"),
    };
    Error::ApplyLock(LockError::new(kind, owner, source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opendental::PlanNum;

    #[tokio::test(start_paused = true)]
    async fn one_holder_at_a_time_and_a_crashed_holder_expires() {
        let lock = LocalApplyLock::new();
        let key = ApplyLockKey::new(
            ThrottleKey::for_key("office"),
            Owner::Plan(PlanNum::new(12)),
        );
        let ttl = Duration::from_secs(10);
        assert!(lock.try_acquire(&key, "a", ttl).await.unwrap());
        assert!(!lock.try_acquire(&key, "b", ttl).await.unwrap());
        // Only the holder renews or releases.
        assert!(!lock.renew(&key, "b", ttl).await.unwrap());
        lock.release(&key, "b").await.unwrap();
        assert!(!lock.try_acquire(&key, "b", ttl).await.unwrap());
        tokio::time::advance(Duration::from_secs(6)).await;
        assert!(lock.renew(&key, "a", ttl).await.unwrap());
        tokio::time::advance(Duration::from_secs(6)).await;
        assert!(!lock.try_acquire(&key, "b", ttl).await.unwrap(), "renewed");
        // "a" crashes: no renewal, and the lock expires.
        tokio::time::advance(Duration::from_secs(5)).await;
        assert!(lock.try_acquire(&key, "b", ttl).await.unwrap());
        lock.release(&key, "b").await.unwrap();
        assert!(lock.try_acquire(&key, "c", ttl).await.unwrap());
        assert_eq!(key.to_key_string(), format!("{}:plan:12", key.office()));
    }

    /// A lock whose renewals fail (`Ok(false)`), or never answer, once told to.
    struct Failing {
        inner: LocalApplyLock,
        renewals: Mutex<Option<bool>>,
    }

    impl ApplyLock for Failing {
        fn try_acquire<'a>(
            &'a self,
            key: &'a ApplyLockKey,
            token: &'a str,
            ttl: Duration,
        ) -> BoxFuture<'a, Result<bool, LockStoreError>> {
            self.inner.try_acquire(key, token, ttl)
        }

        fn renew<'a>(
            &'a self,
            key: &'a ApplyLockKey,
            token: &'a str,
            ttl: Duration,
        ) -> BoxFuture<'a, Result<bool, LockStoreError>> {
            match *self.renewals.lock().unwrap() {
                None => self.inner.renew(key, token, ttl),
                Some(false) => Box::pin(async { Ok(false) }),
                Some(true) => Box::pin(std::future::pending()),
            }
        }

        fn release<'a>(
            &'a self,
            key: &'a ApplyLockKey,
            token: &'a str,
        ) -> BoxFuture<'a, Result<(), LockStoreError>> {
            self.inner.release(key, token)
        }

        fn ttl(&self) -> Duration {
            Duration::from_secs(3)
        }
    }

    fn key() -> ApplyLockKey {
        ApplyLockKey::new(
            ThrottleKey::for_key("office"),
            Owner::Plan(PlanNum::new(12)),
        )
    }

    /// A renewal that fails, or hangs past a third of the lifetime, loses the lease, and a
    /// write still being sent (here: never answered) is stopped with an unknown outcome.
    #[tokio::test(start_paused = true)]
    async fn a_lease_lost_mid_write_stops_the_write() {
        for hangs in [false, true] {
            let lock = Arc::new(Failing {
                inner: LocalApplyLock::new(),
                renewals: Mutex::new(None),
            });
            let lease = Lease::take(lock.clone(), key()).await.unwrap();
            *lock.renewals.lock().unwrap() = Some(hangs);
            let started = Instant::now();
            let write = lease.guard(std::future::pending::<Result<(), Error>>());
            let error = lease.hold(write).await.unwrap_err();
            // Renewals are due every half second; a hanging one is given half a second more.
            let lost_after = Duration::from_millis(if hangs { 1000 } else { 500 });
            assert_eq!(started.elapsed(), lost_after, "hangs: {hangs}");
            assert!(lease.lost());
            assert!(error.outcome_unknown());
            assert!(matches!(&error, Error::ApplyLock(e) if e.kind == LockErrorKind::LostMidWrite));
        }
    }

    /// An apply dropped mid-write does not release its lock: it expires on its own, after the
    /// write whose outcome nobody saw has landed or never will.
    #[tokio::test(start_paused = true)]
    async fn a_dropped_apply_leaves_its_lock_to_expire() {
        let lock = Arc::new(LocalApplyLock::new());
        let lease = Lease::take(lock.clone(), key()).await.unwrap();
        let work = lease.hold(std::future::pending::<()>());
        assert!(
            tokio::time::timeout(Duration::from_secs(1), work)
                .await
                .is_err()
        );
        drop(lease);
        let ttl = APPLY_LOCK_TTL;
        assert!(!lock.try_acquire(&key(), "next", ttl).await.unwrap());
        tokio::time::advance(APPLY_LOCK_TTL * 2 / 3).await;
        assert!(!lock.try_acquire(&key(), "next", ttl).await.unwrap());
        tokio::time::advance(APPLY_LOCK_TTL / 3).await;
        assert!(lock.try_acquire(&key(), "next", ttl).await.unwrap());
    }
}
