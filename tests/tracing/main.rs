//! The tests that read the crate's own tracing, in a binary of their own. Tracing caches
//! whether a call site is enabled for the whole process; a test that sets a subscriber for its
//! thread can miss events when other tests in the same process reach those call sites first
//! with none. Every test here sets its own.

#[path = "../common/mod.rs"]
mod common;

mod retries;
mod secrets;
