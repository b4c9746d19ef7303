//! Keeping an owner's rows in step with a desired set: the change plan, its text, apply, and
//! the apply lock.

pub(crate) mod apply;
pub(crate) mod changeset;
pub(crate) mod lock;
mod render;
pub(crate) mod report;
mod slots;
pub(crate) mod update;
