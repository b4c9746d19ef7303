//! What a row means: its shape, how the office stores it (the one identity reconcile uses),
//! and a plan in words. Reads the model; never imports the client.

mod read;
pub(crate) mod shape;
mod slot;
pub(crate) mod stored;
pub(crate) mod summary;
mod write;
