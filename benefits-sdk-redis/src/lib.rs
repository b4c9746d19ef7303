//! Redis-backed fleet parts for `benefits-sdk`: a [`Throttle`] by which every worker process
//! that serves an office keeps to the office's rate together, and an apply lock
//! ([`RedisApplyLock`]) by which one worker at a time writes a plan.
//!
//! Each acquire is one atomic script on the Redis server ([`RedisThrottle::reserve`]): it reads
//! the server's clock (`TIME`, never a worker's), takes the key's next free slot, and moves the
//! slot on by the interval, or by the widened spacing after a 429 (the same [`Backoff`] rule as
//! the in-process throttle). The key in Redis is `benefits-sdk:throttle:{hash}`, where the hash
//! is the first 16 bytes of the customer key's SHA-256 ([`ThrottleKey`]): the customer key
//! itself never leaves the process.
//!
//! **When Redis is away** (down, restarting, unreachable, slower than the response timeout),
//! a request is never failed and never lost: the throttle spaces the key's requests in this
//! process alone (a [`LocalThrottle`]) and logs a `tracing` warning, once per outage. It goes
//! back to Redis as soon as Redis answers again. During an outage, several processes may
//! together exceed the rate; a restarted Redis has forgotten every slot, so the first requests
//! after it may come closer than the interval to those before it.
//!
//! ```no_run
//! use std::sync::Arc;
//! use benefits_sdk::opendental::BenefitsClient;
//! use benefits_sdk_redis::RedisThrottle;
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let throttle = Arc::new(RedisThrottle::new("redis://127.0.0.1:6379/")?);
//! let client = BenefitsClient::builder()
//!     .keys("developer-key", "customer-key")
//!     .shared_throttle(throttle)
//!     .build()?;
//! # Ok(()) }
//! ```

mod lock;

pub use lock::RedisApplyLock;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use benefits_sdk::throttle::{Backoff, BoxFuture, LocalThrottle, Throttle, ThrottleKey};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};

/// Takes the key's next slot by the server's clock; returns how long to wait, in ms.
/// ARGV: interval ms, half-life ms. Fields: next (ms), spacing (ms), since (ms).
const RESERVE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local half_life = tonumber(ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'next', 'spacing', 'since')
local nxt = tonumber(h[1]) or now
local spacing = interval
if h[2] then
  local halvings = math.min(math.floor((now - tonumber(h[3])) / half_life), 32)
  spacing = math.max(math.floor(tonumber(h[2]) / (2 ^ halvings)), interval)
  if spacing == interval then redis.call('HDEL', KEYS[1], 'spacing', 'since') end
end
local slot = math.max(nxt, now)
redis.call('HSET', KEYS[1], 'next', slot + spacing)
redis.call('PEXPIRE', KEYS[1], slot + spacing - now + 120000)
return slot - now
";

/// Widens the key's spacing after a 429 (the `Backoff` rule) and holds its next slot back.
/// ARGV: interval ms, half-life ms, max ms, Retry-After ms or -1.
const PENALIZE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local half_life = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local retry = tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'next', 'spacing', 'since')
local in_force = interval
if h[2] then
  local halvings = math.min(math.floor((now - tonumber(h[3])) / half_life), 32)
  in_force = math.max(math.floor(tonumber(h[2]) / (2 ^ halvings)), interval)
end
local spacing = math.max(math.min(math.max(in_force * 2, retry), max), interval)
local hold = spacing
if retry >= 0 then hold = math.min(retry, max) end
local nxt = math.max(tonumber(h[1]) or now, now + hold)
redis.call('HSET', KEYS[1], 'next', nxt, 'spacing', spacing, 'since', now)
redis.call('PEXPIRE', KEYS[1], nxt - now + max + 120000)
return spacing
";

/// How long one Redis call may take before the throttle spaces locally instead.
const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_millis(250);

/// A [`Throttle`] whose spacing lives in Redis, shared by every process that uses the same
/// server. See the crate's documentation for what happens when Redis is away.
pub struct RedisThrottle {
    redis: ConnectionManager,
    reserve: Script,
    penalize: Script,
    local: LocalThrottle,
    prefix: String,
    degraded: AtomicBool,
}

impl std::fmt::Debug for RedisThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisThrottle")
            .field("prefix", &self.prefix)
            .field("degraded", &self.degraded.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl RedisThrottle {
    /// A throttle on the Redis server at `url` (e.g. `redis://127.0.0.1:6379/`). It connects
    /// on first use and reconnects by itself; nothing is sent until then. Must be called
    /// within a tokio runtime.
    ///
    /// # Errors
    /// A malformed URL.
    pub fn new(url: &str) -> Result<Self, RedisError> {
        Self::with_response_timeout(url, DEFAULT_RESPONSE_TIMEOUT)
    }

    /// As [`RedisThrottle::new`], with how long a Redis call may take (default 250 ms) before
    /// the throttle spaces locally instead.
    ///
    /// # Errors
    /// A malformed URL.
    pub fn with_response_timeout(url: &str, timeout: Duration) -> Result<Self, RedisError> {
        let client = Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(timeout))
            .set_connection_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        Ok(RedisThrottle {
            redis: ConnectionManager::new_lazy_with_config(client, config)?,
            reserve: Script::new(RESERVE),
            penalize: Script::new(PENALIZE),
            local: LocalThrottle::new(),
            prefix: "benefits-sdk:throttle:".to_owned(),
            degraded: AtomicBool::new(false),
        })
    }

    /// The Redis key that holds a throttle key's slots.
    pub fn redis_key(&self, key: &ThrottleKey) -> String {
        format!("{}{}", self.prefix, key.to_hex())
    }

    /// Takes `key`'s next slot in Redis and returns how long to wait for it.
    ///
    /// # Errors
    /// Redis is unreachable, or did not answer in time.
    pub async fn reserve(
        &self,
        key: &ThrottleKey,
        interval: Duration,
    ) -> Result<Duration, RedisError> {
        let wait: u64 = self
            .reserve
            .key(self.redis_key(key))
            .arg(millis(interval))
            .arg(millis(Backoff::HALF_LIFE))
            .invoke_async(&mut self.redis.clone())
            .await?;
        Ok(Duration::from_millis(wait))
    }

    /// The 429 rule in Redis; returns the spacing now in force.
    ///
    /// # Errors
    /// Redis is unreachable, or did not answer in time.
    pub async fn penalize(
        &self,
        key: &ThrottleKey,
        interval: Duration,
        retry_after: Option<Duration>,
    ) -> Result<Duration, RedisError> {
        // The hold is capped as the spacing is (`Backoff::hold`): a Retry-After of an hour, or
        // of u64::MAX seconds, holds the fleet for a minute.
        let retry = retry_after.map_or(-1, |r| millis(r.min(Backoff::MAX)) as i64);
        let spacing: u64 = self
            .penalize
            .key(self.redis_key(key))
            .arg(millis(interval))
            .arg(millis(Backoff::HALF_LIFE))
            .arg(millis(Backoff::MAX))
            .arg(retry)
            .invoke_async(&mut self.redis.clone())
            .await?;
        Ok(Duration::from_millis(spacing))
    }

    /// True while Redis is away and requests are spaced in this process only.
    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    fn went_away(&self, error: &RedisError) {
        if !self.degraded.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                error = %error,
                "Redis throttle unavailable: spacing requests in this process only until it answers"
            );
        }
    }

    fn came_back(&self) {
        if self.degraded.swap(false, Ordering::Relaxed) {
            tracing::info!("Redis throttle answering again: spacing shared across processes");
        }
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}

impl Throttle for RedisThrottle {
    fn acquire<'a>(&'a self, key: &'a ThrottleKey, interval: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            match self.reserve(key, interval).await {
                Ok(wait) => {
                    self.came_back();
                    // Keep the local spacing warm, so an outage starts from where Redis was.
                    self.local.reserve(key, interval);
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    self.went_away(&e);
                    let slot = self.local.reserve(key, interval);
                    tokio::time::sleep_until(slot).await;
                }
            }
        })
    }

    fn rate_limited<'a>(
        &'a self,
        key: &'a ThrottleKey,
        interval: Duration,
        retry_after: Option<Duration>,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            // Kept locally too, for the case Redis goes away before the retry.
            self.local.penalize(key, interval, retry_after);
            if let Err(e) = self.penalize(key, interval, retry_after).await {
                self.went_away(&e);
            }
        })
    }
}
