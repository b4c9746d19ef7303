//! The modes a client can reach the office by, and the cascade between them: which mode is in
//! use, the fallback when a connection cannot be opened, and the return to the first mode
//! after the cool-down.

use std::sync::PoisonError;
use std::time::Duration;

use super::{BenefitsClient, ModeState};

pub(super) const REMOTE_URL: &str = "https://api.opendental.com/api/v1";
pub(super) const LOCAL_API_URL: &str = "http://localhost:30222/api/v1";
pub(super) const API_SERVICE_PORT: u16 = 30223;

/// How the client reaches the office's database: the three API modes Open Dental offers, or a
/// base URL of the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiMode {
    /// `https://api.opendental.com/api/v1`: page cap 100, one request per second per key.
    Remote,
    /// `http://localhost:30222/api/v1` on the office's machine: page cap 1000, no throttle.
    LocalApi,
    /// `http://{server}:30223/api/v1` on the office's network: page cap 1000, no throttle.
    ApiService,
    /// A base URL set with [`BenefitsClientBuilder::base_url`](crate::opendental::BenefitsClientBuilder::base_url): page size 100, no throttle,
    /// unless set.
    Custom,
}

impl ApiMode {
    /// The mode's name, as tracing records it.
    pub fn name(self) -> &'static str {
        match self {
            ApiMode::Remote => "Remote",
            ApiMode::LocalApi => "LocalApi",
            ApiMode::ApiService => "ApiService",
            ApiMode::Custom => "Custom",
        }
    }

    pub(super) fn default_page_size(self) -> u32 {
        match self {
            ApiMode::LocalApi | ApiMode::ApiService => 1000,
            ApiMode::Remote | ApiMode::Custom => 100,
        }
    }

    pub(super) fn default_throttle(self) -> Option<Duration> {
        match self {
            ApiMode::Remote => Some(Duration::from_secs(1)),
            _ => None,
        }
    }
}

/// Where a client reaches the office: one of Open Dental's three modes, or a base URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// Remote mode, `https://api.opendental.com/api/v1`.
    Remote,
    /// Local API mode, `http://localhost:30222/api/v1`, on the office's own machine.
    LocalApi,
    /// API Service mode, `http://{host}:30223/api/v1`, on the office's network.
    ApiService(String),
    /// Any base URL (a proxy, a test server).
    BaseUrl(String),
}

impl Endpoint {
    pub(super) fn resolve(&self) -> (ApiMode, String) {
        match self {
            Endpoint::Remote => (ApiMode::Remote, REMOTE_URL.to_owned()),
            Endpoint::LocalApi => (ApiMode::LocalApi, LOCAL_API_URL.to_owned()),
            Endpoint::ApiService(host) => (
                ApiMode::ApiService,
                format!("http://{}:{API_SERVICE_PORT}/api/v1", host.trim()),
            ),
            Endpoint::BaseUrl(url) => (ApiMode::Custom, url.clone()),
        }
    }
}

/// A mode's place in the client's list of modes (one, or a cascade's, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ModeIndex(pub(super) usize);

impl ModeIndex {
    /// The first mode: the one a client was built for, or a cascade's first.
    pub(crate) const FIRST: ModeIndex = ModeIndex(0);
}

/// Which mode is in use: the first, or a later one since a connection to the one before
/// failed, until the cool-down has passed.
pub(super) struct Cascade {
    pub(super) active: std::sync::Mutex<(ModeIndex, Option<tokio::time::Instant>)>,
    pub(super) cooldown: Duration,
}

impl BenefitsClient {
    /// The mode at `index`.
    pub(super) fn mode_at(&self, index: ModeIndex) -> &ModeState {
        &self.inner.modes[index.0]
    }

    /// True when a cascade has a mode after `index` to fall back to.
    pub(super) fn has_mode_after(&self, index: ModeIndex) -> bool {
        index.0 + 1 < self.inner.modes.len()
    }

    /// The mode to use now: the one in use, or the first again once the cool-down since the
    /// fallback has passed.
    pub(super) fn current(&self) -> ModeIndex {
        let cascade = &self.inner.cascade;
        let mut active = cascade
            .active
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let (i, Some(since)) = *active
            && i != ModeIndex::FIRST
            && since.elapsed() >= cascade.cooldown
        {
            *active = (ModeIndex::FIRST, None);
            tracing::info!(
                mode = ?self.inner.modes[0].mode,
                "cool-down over: trying the first mode again"
            );
        }
        active.0
    }

    /// Moves on from mode `from` after a connection to it failed; the next mode, if any.
    pub(super) fn fall_back(&self, from: ModeIndex) -> Option<ModeIndex> {
        let next = ModeIndex(from.0 + 1);
        let to = self.inner.modes.get(next.0)?;
        let mut active = self
            .inner
            .cascade
            .active
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if active.0 <= from {
            *active = (next, Some(tokio::time::Instant::now()));
            tracing::warn!(
                from = ?self.mode_at(from).mode,
                to = ?to.mode,
                "cannot connect: falling back to the next mode"
            );
        }
        Some(next)
    }
}
