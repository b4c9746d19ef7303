//! Open Dental's wire quirks, kept here and out of the user-facing types: `-1` for an empty
//! Percent or MonetaryAmt, `0` for "no row", `""` for no procCode, space-separated datetimes
//! with `0001-01-01 00:00:00` for none.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer, Serializer};

/// The datetime format of every Open Dental date-time.
pub(crate) const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// The zero date-time Open Dental writes for "never".
pub(crate) const ZERO_DATETIME: &str = "0001-01-01 00:00:00";

/// What a field of a benefit row holds, for a decode error that must not quote the value.
pub(crate) fn expected_form(field: &str) -> Option<&'static str> {
    Some(match field {
        "Percent" => "-1 or 0 to 100",
        "MonetaryAmt" => "an amount, or -1 for none",
        "SecDateTEntry" | "SecDateTEdit" => "a date-time as \"yyyy-MM-dd HH:mm:ss\"",
        "Quantity" => "a whole number from 0 to 100",
        "BenefitType" | "CoverageLevel" | "TimePeriod" | "QuantityQualifier" | "TreatArea" => {
            "a name, as a string"
        }
        "procCode" | "CodeSent" | "FromCode" | "ToCode" => "a string",
        "ProcDate" | "DateEffective" | "DateTerm" => "a date as \"yyyy-MM-dd\"",
        "InsPayAmt" | "InsPayEst" | "DedApplied" => "an amount",
        "Status" => "a name, as a string",
        "Ordinal" => "a whole number",
        key if key.ends_with("Num") => "a key: a whole number, 0 for none",
        _ => return None,
    })
}

/// Open Dental's booleans: the strings `"true"` and `"false"` (a JSON boolean is read too).
pub(crate) mod bool_string {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *v { "true" } else { "false" })
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = bool;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"true\" or \"false\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<bool, E> {
                Ok(v)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
                match v {
                    _ if v.eq_ignore_ascii_case("true") => Ok(true),
                    _ if v.eq_ignore_ascii_case("false") => Ok(false),
                    _ => Err(E::custom("expected \"true\" or \"false\"")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Foreign keys: `0` ⇄ `None`.
pub(crate) mod fk {
    use super::*;

    pub(crate) fn serialize<S: Serializer, T: Copy + Into<u64>>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_u64(v.map_or(0, Into::into))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: From<u64>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        let raw = i64::deserialize(d)?;
        Ok(u64::try_from(raw).ok().filter(|n| *n > 0).map(T::from))
    }
}

/// Percent: `-1` ⇄ `None`.
pub(crate) mod percent {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<u8>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(v.map_or(-1, i64::from))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
        let raw = i64::deserialize(d)?;
        if raw == -1 {
            return Ok(None);
        }
        // The value is left out of the message: it came from the body.
        u8::try_from(raw)
            .ok()
            .filter(|p| *p <= 100)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("Percent must be -1 or 0 to 100"))
    }
}

/// MonetaryAmt: a double on the wire, `-1` ⇄ `None`, a decimal here. The one conversion each
/// way: [`money::from_wire`] and [`money::to_wire`].
pub(crate) mod money {
    use super::*;

    /// The decimal a double from Open Dental means: its shortest round-trip text (`499.99`, not
    /// 499.990000000000009…), which is the amount Open Dental stored. `None` for a double no
    /// decimal can hold.
    pub(crate) fn from_wire(v: f64) -> Option<Decimal> {
        // Rust prints a double as the shortest text that reads back to it, never in exponent
        // form.
        v.to_string().parse().ok()
    }

    /// The double sent for an amount. Exact for every amount [`exact_as_double`] accepts.
    pub(crate) fn to_wire(d: &Decimal) -> f64 {
        // `to_f64` is total for Decimal (its range fits in f64).
        d.to_f64().unwrap_or(f64::NAN)
    }

    /// True when the amount survives the trip through a double unchanged.
    pub(crate) fn exact_as_double(d: &Decimal) -> bool {
        from_wire(to_wire(d)) == Some(*d)
    }

    pub(crate) fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(v.as_ref().map_or(-1.0, to_wire))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Option<Decimal>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an amount, or -1 for none")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                if v == -1.0 {
                    return Ok(None);
                }
                from_wire(v)
                    .map(Some)
                    .ok_or_else(|| E::custom("MonetaryAmt is out of a decimal's range"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok((v != -1).then(|| Decimal::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Some(Decimal::from(v)))
            }
        }
        d.deserialize_any(V)
    }
}

/// An amount with no sentinel (`InsPayAmt`, `InsPayEst`, `DedApplied`): a double on the wire
/// (a string holding a number is read too), a decimal here, through [`money::from_wire`].
pub(crate) mod amount {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(money::to_wire(v))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an amount")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
                money::from_wire(v)
                    .ok_or_else(|| E::custom("the amount is out of a decimal's range"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal::from(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal::from(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
                v.trim()
                    .parse()
                    .map_err(|_| E::custom("expected an amount"))
            }
        }
        d.deserialize_any(V)
    }
}

/// `"yyyy-MM-dd"` ⇄ `NaiveDate`, `0001-01-01` (or a zero date-time, or `""`) ⇄ `None`.
pub(crate) mod date {
    use chrono::NaiveDate;

    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
            None => s.serialize_str("0001-01-01"),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        let raw = Option::<String>::deserialize(d)?.unwrap_or_default();
        // A date-time's date part is the date (some pages print dates with a time).
        let day = raw.get(..10).unwrap_or(&raw);
        if day.is_empty() || day == "0001-01-01" {
            return Ok(None);
        }
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| serde::de::Error::custom("expected a date as \"yyyy-MM-dd\""))
    }
}

/// procCode: `""` ⇄ `None`.
pub(crate) mod empty_string {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_deref().unwrap_or(""))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let raw = Option::<String>::deserialize(d)?;
        Ok(raw.filter(|s| !s.is_empty()))
    }
}

/// `"yyyy-MM-dd HH:mm:ss"` ⇄ `NaiveDateTime`, `0001-01-01 00:00:00` ⇄ `None`.
pub(crate) mod datetime {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<NaiveDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(dt) => s.collect_str(&dt.format(DATETIME_FORMAT)),
            None => s.serialize_str(ZERO_DATETIME),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDateTime>, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Option<NaiveDateTime>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date-time as \"yyyy-MM-dd HH:mm:ss\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v.is_empty() || v == ZERO_DATETIME {
                    return Ok(None);
                }
                if let Some(dt) = parse_fixed(v) {
                    return Ok(Some(dt));
                }
                NaiveDateTime::parse_from_str(v, DATETIME_FORMAT)
                    .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
                    .map(Some)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(v), &self))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        d.deserialize_any(V)
    }

    /// `yyyy-MM-dd HH:mm:ss` read by position: the format is fixed, and chrono's general
    /// parser costs more than the rest of a row. `None` sends the caller to that parser.
    fn parse_fixed(v: &str) -> Option<NaiveDateTime> {
        let b = v.as_bytes();
        if b.len() != 19
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b' '
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |range: std::ops::Range<usize>| {
            b[range].iter().try_fold(0u32, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        chrono::NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?
            .and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)
    }
}

#[cfg(test)]
mod tests {
    use super::money::exact_as_double;
    use rust_decimal::Decimal;

    #[test]
    fn datetimes_read_by_position_or_by_chrono() {
        use serde::Deserialize;
        #[derive(Deserialize)]
        struct Row {
            #[serde(with = "super::datetime")]
            at: Option<chrono::NaiveDateTime>,
        }
        let read = |text: &str| {
            serde_json::from_str::<Row>(&format!("{{\"at\":\"{text}\"}}")).map(|r| r.at)
        };
        let want = chrono::NaiveDate::from_ymd_opt(2025, 7, 10)
            .unwrap()
            .and_hms_opt(13, 32, 40);
        assert_eq!(read("2025-07-10 13:32:40").unwrap(), want);
        assert_eq!(read("2025-07-10T13:32:40").unwrap(), want);
        assert_eq!(read("0001-01-01 00:00:00").unwrap(), None);
        for bad in [
            "2025-13-10 13:32:40",
            "2025-02-30 10:00:00",
            "2025-07-10 24:00:00",
            "2025-07-1a 13:32:40",
            "2025-07-10 13:32",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_read_from_doubles_and_integers() {
        use serde::Deserialize;
        #[derive(Deserialize)]
        struct Row {
            #[serde(with = "super::money")]
            amount: Option<Decimal>,
        }
        let read = |text: &str| {
            serde_json::from_str::<Row>(&format!("{{\"amount\":{text}}}")).map(|r| r.amount)
        };
        assert_eq!(read("-1.0").unwrap(), None);
        assert_eq!(read("-1").unwrap(), None);
        assert_eq!(read("499.99").unwrap(), Some("499.99".parse().unwrap()));
        assert_eq!(read("1000.0").unwrap(), Some(Decimal::new(1000, 0)));
        assert_eq!(read("25").unwrap(), Some(Decimal::new(25, 0)));
        assert_eq!(
            read("1e20").unwrap(),
            Some("100000000000000000000".parse().unwrap())
        );
        assert!(read("1e300").is_err());
        assert!(read("\"12\"").is_err());
    }

    #[test]
    fn amounts_that_a_double_carries_exactly() {
        for ok in ["0", "499.99", "1000", "1500.50", "0.01", "12345678.91"] {
            assert!(exact_as_double(&ok.parse::<Decimal>().unwrap()), "{ok}");
        }
        for bad in ["0.1234567890123456789", "12345678901234567.5"] {
            assert!(!exact_as_double(&bad.parse::<Decimal>().unwrap()), "{bad}");
        }
    }
}
