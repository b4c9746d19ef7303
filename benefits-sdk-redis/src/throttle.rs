//! [`RedisThrottle`]: one office's spacing in Redis, shared by every worker process.
//!
//! Three scripts, each atomic on Redis's clock (`TIME`, never a worker's), keep a hash per key:
//! `next` (the next free slot), `last` (the last slot given), `sent` and `gap` (when the last
//! request went out, and the spacing it asked for), `spacing` and `since` (a 429's widening),
//! and `at` (Redis's clock at the last write).
//!
//! - **Reserve** gives the slot `max(now, next, last + spacing)` and moves `next` on.
//! - **Sent** (the [`Throttle::before_send`] step) answers "wait" until `sent` plus the larger
//!   of the two requests' spacings has passed, then records the request as gone. A worker that
//!   woke late thus never brings the next worker's request closer than the interval.
//! - **Penalize** is the [`Backoff`] rule after a 429.
//!
//! **Mixed intervals.** Two workers configured with different intervals for one key: each
//! request is spaced from the one before by the larger of the two intervals.
//!
//! **Numbers.** An interval longer than a day is spaced as a day, as [`LocalThrottle`] spaces
//! it: the script's times stay whole milliseconds Redis can store and expire (an interval of
//! `Duration::MAX` once made every script fail, and the throttle space that key locally).
//!
//! **Redis's clock.** A step back (an NTP correction) is seen (`now < at`) and every stored
//! time moves back with it, so no wait grows by the jump. A step forward looks like time
//! passing: the key's next request may go at once, up to one interval early, once.
//!
//! **A late answer.** A reserve that has not answered within the response timeout spaces the
//! request in the process instead; the script may still have run and taken a slot. Its answer
//! is awaited in the background (up to [`Backoff::MAX`]), and the slot it took is marked taken
//! in the process's own spacing ([`LocalThrottle::taken`]), so local spacing never sends inside
//! it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use benefits_sdk::throttle::{Backoff, BoxFuture, LocalThrottle, Throttle, ThrottleKey};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};

/// Read by every script: Redis's clock, the key's fields (moved back if the clock stepped
/// back), the spacing in force, and `store()` to write them. ARGV[1] interval ms, ARGV[2]
/// half-life ms.
///
/// The spacing in force is [`Backoff::spacing_at`]'s rule, in the same integer milliseconds:
/// `min(⌊elapsed / half-life⌋, 32)` halvings of the widening, floored, never under the
/// interval. Both copies are tested on one table of cases (`benefits_sdk::throttle::
/// SPACING_CASES`, in `tests/redis_throttle.rs`).
const PRELUDE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local half_life = tonumber(ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'next', 'spacing', 'since', 'last', 'sent', 'at', 'gap')
local shift = 0
if h[6] and now < tonumber(h[6]) then shift = now - tonumber(h[6]) end
local function field(i) if h[i] then return tonumber(h[i]) + shift end return nil end
local nxt, since, last, sent = field(1), field(3), field(4), field(5)
local gap = tonumber(h[7])
local widened = tonumber(h[2])
local spacing = interval
if widened then
  -- Backoff::spacing_at's rule: at most 32 halvings, floored, never under the interval.
  local halvings = math.min(math.floor((now - since) / half_life), 32)
  spacing = math.max(math.floor(widened / (2 ^ halvings)), interval)
  if spacing == interval then
    widened = nil
    since = nil
    redis.call('HDEL', KEYS[1], 'spacing', 'since')
  end
end
local function store()
  redis.call('HSET', KEYS[1], 'at', now)
  if nxt then redis.call('HSET', KEYS[1], 'next', nxt) end
  if last then redis.call('HSET', KEYS[1], 'last', last) end
  if sent then redis.call('HSET', KEYS[1], 'sent', sent, 'gap', gap or spacing) end
  if widened then redis.call('HSET', KEYS[1], 'spacing', widened, 'since', since) end
  redis.call('PEXPIRE', KEYS[1], math.max(nxt or now, now) - now + 180000)
end
";

/// Takes the key's next slot; returns how long to wait for it, in ms.
const RESERVE: &str = r"
local slot = math.max(nxt or now, now)
if last then slot = math.max(slot, last + spacing) end
last = slot
nxt = slot + spacing
store()
return slot - now
";

/// The request is going: 0 when it may (and it is recorded), else how long to wait, in ms.
const SENT: &str = r"
if sent then
  local due = sent + math.max(spacing, gap or 0)
  if now < due then return due - now end
end
sent = now
gap = spacing
if not nxt or nxt < now + spacing then nxt = now + spacing end
store()
return 0
";

/// Widens the key's spacing after a 429 and holds its next slot back; returns the spacing.
/// ARGV[3] max ms, ARGV[4] Retry-After ms, or any value above max for none.
const PENALIZE: &str = r"
local max = tonumber(ARGV[3])
local retry = tonumber(ARGV[4])
if retry > max then retry = -1 end
local new = math.max(math.min(math.max(spacing * 2, retry), max), interval)
local hold = new
if retry >= 0 then hold = math.min(retry, max) end
nxt = math.max(nxt or now, now + hold)
widened = new
since = now
store()
return new
";

/// How long one Redis call may take before the throttle spaces locally instead.
const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_millis(250);

/// A [`Throttle`] whose spacing lives in Redis, shared by every process that uses the same
/// server. See the crate's documentation for what happens when Redis is away, and this
/// type's module notes (in the source) for the scripts.
pub struct RedisThrottle {
    redis: ConnectionManager,
    reserve: Arc<Script>,
    sent: Script,
    penalize: Script,
    local: Arc<LocalThrottle>,
    prefix: String,
    response_timeout: Duration,
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

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}{body}"))
}

fn timed_out() -> RedisError {
    RedisError::from(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "Redis did not answer within the response timeout",
    ))
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
        // No response timeout in the manager: the throttle times each call itself, so that a
        // reserve's late answer can still be read (see the module notes).
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(None)
            .set_connection_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        Ok(RedisThrottle {
            redis: ConnectionManager::new_lazy_with_config(client, config)?,
            reserve: Arc::new(script(RESERVE)),
            sent: script(SENT),
            penalize: script(PENALIZE),
            local: Arc::new(LocalThrottle::new()),
            prefix: "benefits-sdk:throttle:".to_owned(),
            response_timeout: timeout,
            degraded: AtomicBool::new(false),
        })
    }

    /// The Redis key that holds a throttle key's slots.
    pub fn redis_key(&self, key: &ThrottleKey) -> String {
        format!("{}{}", self.prefix, key.to_hex())
    }

    /// Takes `key`'s next slot in Redis and returns how long to wait for it. An answer that
    /// comes after the response timeout is still read, in the background, and its slot marked
    /// taken in this process's own spacing.
    ///
    /// # Errors
    /// Redis is unreachable, or did not answer within the response timeout.
    pub async fn reserve(
        &self,
        key: &ThrottleKey,
        interval: Duration,
    ) -> Result<Duration, RedisError> {
        let (script, mut redis, redis_key) = (
            self.reserve.clone(),
            self.redis.clone(),
            self.redis_key(key),
        );
        let ms = interval_ms(interval);
        let mut call = Box::pin(async move {
            script
                .key(redis_key)
                .arg(ms)
                .arg(millis(Backoff::HALF_LIFE))
                .invoke_async::<u64>(&mut redis)
                .await
        });
        match tokio::time::timeout(self.response_timeout, &mut call).await {
            Ok(answer) => answer.map(Duration::from_millis),
            Err(_) => {
                let (local, key) = (self.local.clone(), *key);
                tokio::spawn(async move {
                    if let Ok(Ok(wait)) = tokio::time::timeout(Backoff::MAX, call).await {
                        let slot = tokio::time::Instant::now() + Duration::from_millis(wait);
                        local.taken(&key, slot, interval);
                    }
                });
                Err(timed_out())
            }
        }
    }

    /// The request is going: records it in Redis if `key`'s previous request went out at
    /// least the spacing ago, else returns how long to wait first (zero once recorded).
    ///
    /// # Errors
    /// Redis is unreachable, or did not answer within the response timeout.
    pub async fn sent(
        &self,
        key: &ThrottleKey,
        interval: Duration,
    ) -> Result<Duration, RedisError> {
        let ms = [interval_ms(interval), millis(Backoff::HALF_LIFE)];
        self.run(&self.sent, key, &ms)
            .await
            .map(Duration::from_millis)
    }

    /// The 429 rule in Redis; returns the spacing now in force.
    ///
    /// # Errors
    /// Redis is unreachable, or did not answer within the response timeout.
    pub async fn penalize(
        &self,
        key: &ThrottleKey,
        interval: Duration,
        retry_after: Option<Duration>,
    ) -> Result<Duration, RedisError> {
        // The hold is capped as the spacing is (`Backoff::hold`): a Retry-After of an hour, or
        // of u64::MAX seconds, holds the fleet for a minute.
        let retry = retry_after.map_or(u64::MAX, |r| millis(r.min(Backoff::MAX)));
        let args = [
            interval_ms(interval),
            millis(Backoff::HALF_LIFE),
            millis(Backoff::MAX),
            retry,
        ];
        self.run(&self.penalize, key, &args)
            .await
            .map(Duration::from_millis)
    }

    /// Runs `script` on `key`'s hash within the response timeout.
    async fn run(
        &self,
        script: &Script,
        key: &ThrottleKey,
        args: &[u64],
    ) -> Result<u64, RedisError> {
        let mut invocation = script.key(self.redis_key(key));
        for arg in args {
            invocation.arg(*arg);
        }
        let mut redis = self.redis.clone();
        match tokio::time::timeout(self.response_timeout, invocation.invoke_async(&mut redis)).await
        {
            Ok(answer) => answer,
            Err(_) => Err(timed_out()),
        }
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

/// The longest interval the scripts space by, as [`LocalThrottle`] (see the module notes).
const MAX_INTERVAL: Duration = Duration::from_secs(86_400);

/// An interval as the scripts take it: whole milliseconds, at most [`MAX_INTERVAL`].
fn interval_ms(interval: Duration) -> u64 {
    millis(interval.min(MAX_INTERVAL))
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

    fn before_send<'a>(&'a self, key: &'a ThrottleKey, interval: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            loop {
                match self.sent(key, interval).await {
                    Ok(wait) if wait.is_zero() => {
                        // This process's own record, for an outage that starts now.
                        let _ = self.local.depart(key, interval);
                        return;
                    }
                    Ok(wait) => tokio::time::sleep(wait).await,
                    Err(e) => {
                        self.went_away(&e);
                        return self.local.before_send(key, interval).await;
                    }
                }
            }
        })
    }

    fn try_depart<'a>(
        &'a self,
        key: &'a ThrottleKey,
        interval: Duration,
    ) -> BoxFuture<'a, Result<(), tokio::time::Instant>> {
        Box::pin(async move {
            match self.sent(key, interval).await {
                Ok(wait) if wait.is_zero() => {
                    self.came_back();
                    // This process's own record, for an outage that starts now.
                    let _ = self.local.depart(key, interval);
                    Ok(())
                }
                Ok(wait) => Err(tokio::time::Instant::now() + wait),
                Err(e) => {
                    self.went_away(&e);
                    self.local.depart(key, interval)
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
