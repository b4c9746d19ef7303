//! What a row means: its shape, how the office stores it (the one identity reconcile uses),
//! and a plan in words. Reads the model; never imports the client.

pub(crate) mod shape;
pub(crate) mod stored;
pub(crate) mod summary;
