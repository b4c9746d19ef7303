//! What both clients share, and know neither API: base URLs, the sender and its retry loop,
//! throttling, the connection bound, error bodies made readable, JSON decoding.

mod attempt;
pub(crate) mod base_url;
mod classify;
mod connections;
pub(crate) mod decode;
pub(crate) mod explain;
pub(crate) mod retry;
pub mod throttle;
pub(crate) mod transport;
