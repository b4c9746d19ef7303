//! What is on the wire, pure: the row, the requests, the office's lookups, the API's rules,
//! validation and advice. Knows neither the client nor what a row means.

pub(crate) mod benefit;
pub(crate) mod etrans;
pub(crate) mod insurance;
pub(crate) mod lint;
pub(crate) mod lookups;
pub(crate) mod patch;
pub(crate) mod request;
pub(crate) mod rules;
pub(crate) mod validate;
pub(crate) mod wire;
