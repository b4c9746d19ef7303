//! Client-side request spacing, shared by every clone of a client.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Spaces requests at least `interval` apart. Each caller reserves the next free slot under a
/// short lock and then sleeps outside it, so concurrent tasks queue in order without holding
/// the lock across an await.
#[derive(Debug, Clone)]
pub(crate) struct Throttle {
    interval: Duration,
    next_free: Arc<Mutex<Option<Instant>>>,
}

impl Throttle {
    pub(crate) fn new(interval: Duration) -> Self {
        Throttle {
            interval,
            next_free: Arc::new(Mutex::new(None)),
        }
    }

    pub(crate) fn interval(&self) -> Duration {
        self.interval
    }

    /// Waits for this caller's slot.
    pub(crate) async fn wait(&self) {
        let slot = {
            // The guarded value is a plain Instant: a panic elsewhere cannot leave it torn.
            let mut next = self
                .next_free
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_calls_including_concurrent_clones() {
        let t = Throttle::new(Duration::from_secs(1));
        let start = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..5 {
            let t = t.clone();
            handles.push(tokio::spawn(async move {
                t.wait().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.unwrap() - start);
        }
        times.sort();
        let secs: Vec<u64> = times.iter().map(|d| d.as_secs()).collect();
        assert_eq!(secs, vec![0, 1, 2, 3, 4]);
    }
}
