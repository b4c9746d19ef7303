//! [`RedisApplyLock`]: one apply per owner across every process that shares a Redis server.

use std::time::Duration;

use benefits_sdk::opendental::{ApplyLock, ApplyLockKey, LockStoreError};
use benefits_sdk::throttle::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};

/// Extends the lock's life if the token still holds it. KEYS: the lock. ARGV: token, ttl ms.
const RENEW: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// Deletes the lock if the token holds it. KEYS: the lock. ARGV: token.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// How long one Redis call of the lock may take.
const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

/// An [`ApplyLock`] in Redis: `SET key token NX PX ttl` takes it, a script that checks the
/// token renews (`PEXPIRE`) or releases (`DEL`) it, so only its holder can, and a holder that
/// crashed loses it when its time runs out. The key is
/// `benefits-sdk:apply-lock:{office hash}:plan:{PlanNum}` (or `patplan`): the customer key
/// itself never leaves the process.
///
/// Unlike the throttle, the lock does not fall back to the process when Redis is away: an
/// apply that cannot take it fails ([`LockErrorKind::Store`](benefits_sdk::LockErrorKind)),
/// nothing written, because two workers writing one plan at once can duplicate rows. A `SET`
/// whose answer is lost may leave the lock taken until its time runs out
/// ([`APPLY_LOCK_TTL`](benefits_sdk::opendental::APPLY_LOCK_TTL)).
///
/// ```no_run
/// use std::sync::Arc;
/// use benefits_sdk::opendental::BenefitsClient;
/// use benefits_sdk_redis::{RedisApplyLock, RedisThrottle};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let url = "redis://127.0.0.1:6379/";
/// let client = BenefitsClient::builder()
///     .keys("developer-key", "customer-key")
///     .shared_throttle(Arc::new(RedisThrottle::new(url)?))
///     .apply_lock(Arc::new(RedisApplyLock::new(url)?))
///     .build()?;
/// # Ok(()) }
/// ```
pub struct RedisApplyLock {
    redis: ConnectionManager,
    renew: Script,
    release: Script,
    prefix: String,
}

impl std::fmt::Debug for RedisApplyLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisApplyLock")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisApplyLock {
    /// A lock on the Redis server at `url`. It connects on first use and reconnects by itself.
    /// Must be called within a tokio runtime.
    ///
    /// # Errors
    /// A malformed URL.
    pub fn new(url: &str) -> Result<Self, RedisError> {
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(DEFAULT_RESPONSE_TIMEOUT))
            .set_connection_timeout(Some(DEFAULT_RESPONSE_TIMEOUT))
            .set_number_of_retries(1);
        Ok(RedisApplyLock {
            redis: ConnectionManager::new_lazy_with_config(Client::open(url)?, config)?,
            renew: Script::new(RENEW),
            release: Script::new(RELEASE),
            prefix: "benefits-sdk:apply-lock:".to_owned(),
        })
    }

    /// The Redis key that holds a lock.
    pub fn redis_key(&self, key: &ApplyLockKey) -> String {
        format!("{}{}", self.prefix, key.to_key_string())
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX).max(1)
}

impl ApplyLock for RedisApplyLock {
    fn try_acquire<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, LockStoreError>> {
        Box::pin(async move {
            let set: Option<String> = redis::cmd("SET")
                .arg(self.redis_key(key))
                .arg(token)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut self.redis.clone())
                .await?;
            Ok(set.is_some())
        })
    }

    fn renew<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, LockStoreError>> {
        Box::pin(async move {
            let renewed: i64 = self
                .renew
                .key(self.redis_key(key))
                .arg(token)
                .arg(millis(ttl))
                .invoke_async(&mut self.redis.clone())
                .await?;
            Ok(renewed == 1)
        })
    }

    fn release<'a>(
        &'a self,
        key: &'a ApplyLockKey,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), LockStoreError>> {
        Box::pin(async move {
            let _: i64 = self
                .release
                .key(self.redis_key(key))
                .arg(token)
                .invoke_async(&mut self.redis.clone())
                .await?;
            Ok(())
        })
    }
}
