//! Reliability: hostile servers, faults, decoders fed anything, bad input: one test binary.

#[path = "../common/mod.rs"]
mod common;

mod decoders;
mod extremes;
mod faults;
mod input;
mod rate_limits;
