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
//!
//! [`Throttle`]: benefits_sdk::throttle::Throttle
//! [`Backoff`]: benefits_sdk::throttle::Backoff
//! [`ThrottleKey`]: benefits_sdk::throttle::ThrottleKey
//! [`LocalThrottle`]: benefits_sdk::throttle::LocalThrottle

mod lock;
mod throttle;

pub use lock::RedisApplyLock;
pub use throttle::RedisThrottle;
