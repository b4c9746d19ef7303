//! Keeping an owner's rows in step with a desired set: the change plan, its text, apply, and
//! what apply reports. (The apply lock a client holds is in `client/lock.rs`.)

pub(crate) mod apply;
pub(crate) mod changeset;
pub(crate) mod eligibility;
mod render;
pub(crate) mod report;
mod run;
mod slots;
pub(crate) mod update;
pub(crate) mod used;
