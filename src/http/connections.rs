//! The bound on requests in flight to one host, shared by every client on one connection pool.
//!
//! reqwest opens a new connection whenever no idle one is free, with no limit. A fleet whose
//! offices all start at once would open one connection per office (about 900 for 1,000
//! offices in the e2e bench) and queue them on the machine. Holding a permit of the host's
//! semaphore for each attempt, from just before it goes out to the end of its body, bounds the
//! requests in flight, and so the connections the pool needs, to the permit count.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Semaphore;
use url::Url;

/// The default bound on requests in flight (and so connections) per host.
pub(crate) const DEFAULT_MAX_CONNECTIONS_PER_HOST: usize = 32;

/// One semaphore per host (scheme, host and port), each with `per_host` permits.
#[derive(Debug)]
pub(crate) struct ConnectionBound {
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl ConnectionBound {
    pub(crate) fn new(per_host: usize) -> Self {
        ConnectionBound {
            per_host,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The semaphore of `url`'s host, made on first use.
    pub(crate) fn for_url(&self, url: &Url) -> Arc<Semaphore> {
        let host = format!(
            "{}://{}:{}",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or_default()
        );
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_semaphore_per_host_whatever_the_path() {
        let bound = ConnectionBound::new(3);
        let a = bound.for_url(&Url::parse("https://api.example.com/api/v1/").unwrap());
        let b = bound.for_url(&Url::parse("https://api.example.com:443/other/").unwrap());
        let c = bound.for_url(&Url::parse("http://api.example.com/api/v1/").unwrap());
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(a.available_permits(), 3);
    }
}
