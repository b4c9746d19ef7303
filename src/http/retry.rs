//! The retry policy: which failures are retried, how long to wait, when to give up.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};

/// When and how a failed request is sent again.
///
/// Retried by default: GET, PUT and DELETE (idempotent by HTTP and by both APIs) after a
/// transport error or a 429, 502, 503 or 504. POST is never retried unless
/// [`RetryPolicy::retry_non_idempotent`] is set: Open Dental has no idempotency key, so a retried
/// POST whose first attempt landed creates a duplicate benefit.
///
/// The wait before retry *n* (from 0) is drawn uniformly from `0..=min(max_backoff,
/// initial_backoff × 2ⁿ)` ("full jitter"), or is the server's `Retry-After` when it sent one,
/// at most [`Backoff::MAX`](crate::throttle::Backoff::MAX) (60 s): the one bound on a server's
/// wait, the same as the throttle's hold after a 429. A server asking for longer is asked
/// again after a minute.
/// No retry starts once the whole call would exceed [`RetryPolicy::max_elapsed`].
///
/// Defaults: 4 attempts in all, 250 ms initial backoff, 10 s max backoff, 3 minutes in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(180),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// The default policy (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries: every call makes exactly one attempt.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1; 1 turns retries off).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff cap for the first retry and the cap for any retry.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest a call may take, attempts and waits together, before no further retry starts.
    pub fn max_elapsed(mut self, max: Duration) -> Self {
        self.max_elapsed = max;
        self
    }

    /// Also retry POST. Only for callers who make their writes safe to repeat themselves
    /// (for example by checking for the row before creating it again): off by default.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Attempts in all, the first included.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn elapsed_budget(&self) -> Duration {
        self.max_elapsed
    }

    /// Whether a request with this method may be sent again at all.
    pub(crate) fn may_retry(&self, method: &Method) -> bool {
        is_idempotent(method) || self.retry_non_idempotent
    }

    /// The wait before retry number `retry` (0 for the first retry), full jitter.
    pub(crate) fn jittered_backoff(&self, retry: u32) -> Duration {
        let cap = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(31)))
            .min(self.max_backoff);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// The statuses worth another attempt: throttled, or a gateway or server that is briefly away.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// A `Retry-After` header, in delay-seconds or as an HTTP date, as a wait. An HTTP date is read
/// against the response's own `Date` header when it has one (the server's clock, so that a
/// worker whose clock is off neither lengthens nor shortens the wait), else against `now`.
pub(crate) fn parse_retry_after(
    value: &HeaderValue,
    date: Option<&HeaderValue>,
    now: SystemTime,
) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    let base = date
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
        .unwrap_or(now);
    Some(when.duration_since(base).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_is_not_retried_unless_opted_in() {
        let p = RetryPolicy::default();
        assert!(!p.may_retry(&Method::POST));
        assert!(p.may_retry(&Method::GET));
        assert!(p.may_retry(&Method::PUT));
        assert!(p.may_retry(&Method::DELETE));
        assert!(p.retry_non_idempotent(true).may_retry(&Method::POST));
    }

    #[test]
    fn backoff_stays_under_its_cap() {
        let p = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        for retry in 0..40 {
            let cap =
                Duration::from_millis(100 * 2u64.pow(retry.min(4))).min(Duration::from_secs(1));
            for _ in 0..50 {
                assert!(p.jittered_backoff(retry) <= cap);
            }
        }
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        let secs = HeaderValue::from_static("120");
        assert_eq!(
            parse_retry_after(&secs, None, now),
            Some(Duration::from_secs(120))
        );
        let date = HeaderValue::from_static("Wed, 21 Oct 2026 07:28:30 GMT");
        assert_eq!(
            parse_retry_after(&date, None, now),
            Some(Duration::from_secs(30))
        );
        let past = HeaderValue::from_static("Wed, 21 Oct 2026 07:27:00 GMT");
        assert_eq!(parse_retry_after(&past, None, now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("soon"), None, now),
            None
        );
        // A worker whose clock runs an hour behind: the server's Date says 30 s.
        let server = HeaderValue::from_static("Wed, 21 Oct 2026 08:28:00 GMT");
        let until = HeaderValue::from_static("Wed, 21 Oct 2026 08:28:30 GMT");
        assert_eq!(
            parse_retry_after(&until, Some(&server), now),
            Some(Duration::from_secs(30))
        );
        // The largest number of seconds parses; what waits on it saturates.
        let huge = HeaderValue::from_static("18446744073709551615");
        assert_eq!(
            parse_retry_after(&huge, None, now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
        for s in [400, 401, 404, 410, 500] {
            assert!(!is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
    }

    #[test]
    fn disabled_makes_one_attempt() {
        assert_eq!(RetryPolicy::disabled().attempts(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
    }
}
