//! [`Patch`]: one field of a partial update (keep, clear, set), and how each kind of field is
//! sent: `Clear` sends the API's empty value.

/// One field of an update: left as it is, emptied, or set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Not sent: the server keeps the current value.
    #[default]
    Keep,
    /// Sent as the API's empty value (`-1` for Percent and MonetaryAmt, `0` for a key, `""`
    /// for procCode).
    Clear,
    /// Sent with this value.
    Set(T),
}

impl<T> Patch<T> {
    /// True for [`Patch::Keep`].
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// The value, for [`Patch::Set`].
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }
}

/// The fields of a partial update: `Clear` sends the API's empty value, and reads back from
/// it; a field that is not there is `Keep`.
pub(crate) mod wire {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serialize, Serializer};

    use crate::opendental::Patch;
    use crate::opendental::model::wire::{self as fields, money};

    /// The API's empty value reads as `Clear`, any other as `Set`.
    fn read<T>(value: Option<T>) -> Patch<T> {
        value.map_or(Patch::Clear, Patch::Set)
    }

    pub(crate) fn percent_in<'de, D: Deserializer<'de>>(d: D) -> Result<Patch<u8>, D::Error> {
        fields::percent::deserialize(d).map(read)
    }

    pub(crate) fn money_in<'de, D: Deserializer<'de>>(d: D) -> Result<Patch<Decimal>, D::Error> {
        fields::money::deserialize(d).map(read)
    }

    pub(crate) fn fk_in<'de, D: Deserializer<'de>, T: From<u64>>(
        d: D,
    ) -> Result<Patch<T>, D::Error> {
        fields::fk::deserialize(d).map(read)
    }

    pub(crate) fn string_in<'de, D: Deserializer<'de>>(d: D) -> Result<Patch<String>, D::Error> {
        fields::empty_string::deserialize(d).map(read)
    }

    fn either<S: Serializer, T>(
        v: &Patch<T>,
        s: S,
        set: impl FnOnce(&T, S) -> Result<S::Ok, S::Error>,
        clear: impl FnOnce(S) -> Result<S::Ok, S::Error>,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Patch::Set(value) => set(value, s),
            // `Keep` is skipped before serializing; were it not, empty is the safe reading.
            Patch::Clear | Patch::Keep => clear(s),
        }
    }

    pub(crate) fn percent<S: Serializer>(v: &Patch<u8>, s: S) -> Result<S::Ok, S::Error> {
        either(v, s, |p, s| p.serialize(s), |s| s.serialize_i64(-1))
    }

    pub(crate) fn money<S: Serializer>(v: &Patch<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        either(
            v,
            s,
            |d, s| s.serialize_f64(money::to_wire(d)),
            |s| s.serialize_f64(-1.0),
        )
    }

    pub(crate) fn fk<S: Serializer, T: Copy + Into<u64>>(
        v: &Patch<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        either(
            v,
            s,
            |id, s| s.serialize_u64((*id).into()),
            |s| s.serialize_u64(0),
        )
    }

    pub(crate) fn string<S: Serializer>(v: &Patch<String>, s: S) -> Result<S::Ok, S::Error> {
        either(v, s, |t, s| s.serialize_str(t), |s| s.serialize_str(""))
    }
}
