//! The endpoints beyond the benefit rows: the office's lookups, cached, and the listing cursor.

pub(crate) mod benefits;
pub(crate) mod catalog;
pub(crate) mod paging;
pub(crate) mod preferences;
