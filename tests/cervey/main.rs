//! The Cervey client and its fake, end to end: one test binary.

#[path = "../common/mod.rs"]
mod common;

mod cervey_client;
mod mock_cervey;
