//! Cervey's wire formats, kept at the edge: .NET decimals read from their exact JSON text,
//! ISO 8601 date-times with 0–7 fractional digits, null collections.

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// What a field of a benefit check holds, for a decode error that must not quote the value.
/// Every amount's name ends in `Member`, `Family` or `Amount`.
pub(crate) fn expected_form(field: &str) -> Option<&'static str> {
    let lower = field.to_ascii_lowercase();
    Some(match lower.as_str() {
        "startdate" | "enddate" | "effectivestartdate" => "an ISO 8601 date-time",
        "isperiodmoopmet" | "isperioddeductiblemet" => "true or false",
        "id" | "groupplanno" | "maxoutofpocketno" | "deductibleno" => "a whole number",
        f if f.ends_with("member") || f.ends_with("family") || f.ends_with("amount") => {
            "a decimal number"
        }
        _ => return None,
    })
}

/// .NET `decimal` ⇄ `Decimal`, through the number's own text: never through a binary float.
///
/// The text is borrowed from the input, so these read JSON text in memory only (a slice or a
/// `&str`). `BenefitCheck`'s `Deserialize` copies any other input's text once, whole, rather
/// than each amount's (a copy per amount cost 6–9 % on the end-to-end benefit check).
pub(crate) mod money {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        parse(<&'de RawValue>::deserialize(d)?.get()).map_err(serde::de::Error::custom)
    }

    pub(crate) fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        RawValue::from_string(v.to_string())
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }

    /// A JSON number (or a number in a string) as a decimal. The raw text of a JSON value has
    /// no surrounding whitespace.
    pub(crate) fn parse(text: &str) -> Result<Decimal, &'static str> {
        let text = match text.as_bytes().first() {
            Some(b'"') => text
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .ok_or("expected a decimal number")?,
            _ => text,
        };
        text.parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(text))
            .map_err(|_| "expected a decimal number")
    }
}

/// An optional decimal (the deprecated MOOP and deductible amounts): null or missing is `None`.
pub(crate) mod money_option {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        let parsed = Option::<&'de RawValue>::deserialize(d)?.map(|raw| money::parse(raw.get()));
        parsed.transpose().map_err(serde::de::Error::custom)
    }

    pub(crate) fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => money::serialize(d, s),
            None => s.serialize_none(),
        }
    }
}

/// ISO 8601 with the payer's offset and 0–7 fractional digits, or with no offset at all (a
/// US Central wall-clock time): both kept as sent, no offset invented.
pub(crate) mod datetime {
    use super::*;
    use crate::cervey::PayerDateTime;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PayerDateTime, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = PayerDateTime;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an ISO 8601 date-time")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                parse(v).ok_or_else(|| E::custom("expected an ISO 8601 date-time"))
            }
        }
        d.deserialize_str(V)
    }

    pub(crate) fn serialize<S: Serializer>(v: &PayerDateTime, s: S) -> Result<S::Ok, S::Error> {
        match v {
            PayerDateTime::Offset(at) => {
                s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, false))
            }
            PayerDateTime::Local(at) => s.collect_str(&at.format("%Y-%m-%dT%H:%M:%S%.f")),
        }
    }

    pub(crate) fn parse(text: &str) -> Option<PayerDateTime> {
        parse_fixed(text).or_else(|| parse_general(text))
    }

    /// `yyyy-MM-ddTHH:mm:ss[.f{1,9}][Z|±HH:mm]` read by position: the shape .NET writes, read
    /// several times faster than chrono's general parser. `None` sends the text to that parser.
    fn parse_fixed(text: &str) -> Option<PayerDateTime> {
        let b = text.as_bytes();
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |range: std::ops::Range<usize>| {
            b.get(range)?.iter().try_fold(0u32, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let mut at = 19;
        let mut nanos = 0u32;
        if b.get(at) == Some(&b'.') {
            let digits = b[at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 0 || digits > 9 {
                return None;
            }
            nanos = num(at + 1..at + 1 + digits)? * 10u32.pow(9 - digits as u32);
            at += 1 + digits;
        }
        let offset_secs = match b.get(at..)? {
            [] => None,
            [b'Z' | b'z'] => Some(0),
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let secs =
                    i32::try_from(num(at + 1..at + 3)? * 3600 + num(at + 4..at + 6)? * 60).ok()?;
                Some(if *sign == b'-' { -secs } else { secs })
            }
            _ => return None,
        };
        let local = chrono::NaiveDate::from_ymd_opt(
            i32::try_from(num(0..4)?).ok()?,
            num(5..7)?,
            num(8..10)?,
        )?
        .and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
        match offset_secs {
            None => Some(PayerDateTime::Local(local)),
            Some(secs) => FixedOffset::east_opt(secs)?
                .from_local_datetime(&local)
                .single()
                .map(PayerDateTime::Offset),
        }
    }

    fn parse_general(text: &str) -> Option<PayerDateTime> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(PayerDateTime::Offset)
            .or_else(|| {
                NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                    .ok()
                    .map(PayerDateTime::Local)
            })
    }
}

/// A collection that may be missing or `null`: both read as empty.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_keeps_every_digit() {
        for (text, want) in [
            ("1.0", "1.0"),
            ("-12.50", "-12.50"),
            (
                "0.3333333333333333333333333333",
                "0.3333333333333333333333333333",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            ("1E-2", "0.01"),
            ("\"15.25\"", "15.25"),
        ] {
            assert_eq!(money::parse(text).unwrap().to_string(), want, "{text}");
        }
        assert!(money::parse("true").is_err());
        for extreme in [
            "1e999999999999",
            "1e-999999999999",
            "9e28",
            "1e-29",
            "-",
            "e5",
            "",
        ] {
            // Out of a decimal's range or not a number: an error, never a panic.
            let _ = money::parse(extreme);
        }
    }

    #[test]
    fn datetimes_with_0_to_7_fraction_digits_and_offsets() {
        for (text, offset_secs, nanos) in [
            ("2025-07-16T15:12:18.9921369-05:00", -5 * 3600, 992_136_900),
            ("2025-12-09T20:11:46.140252-06:00", -6 * 3600, 140_252_000),
            ("2025-01-01T00:00:00+00:00", 0, 0),
            ("2025-01-01T00:00:00Z", 0, 0),
        ] {
            let dt = datetime::parse(text).unwrap().with_offset().unwrap();
            assert_eq!(dt.offset().local_minus_utc(), offset_secs, "{text}");
            assert_eq!(dt.timestamp_subsec_nanos(), nanos, "{text}");
        }
        // No offset sent: the wall-clock reading is kept, and no offset is made up.
        for text in ["2025-01-01T08:30:00.5", "2025-01-01 08:30:00.5"] {
            let local = datetime::parse(text).unwrap();
            assert_eq!(local.with_offset(), None, "{text}");
            assert_eq!(
                local.naive_local(),
                chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
                    .unwrap()
                    .and_hms_milli_opt(8, 30, 0, 500)
                    .unwrap(),
                "{text}"
            );
        }
        // The fast reader and chrono's agree wherever both read.
        for text in [
            "2025-07-16T15:12:18.9921369-05:00",
            "2025-07-16T15:12:18.1+05:30",
            "2024-02-29T23:59:59.123456789Z",
            "2025-07-16T15:12:18-00:00",
        ] {
            assert_eq!(
                datetime::parse(text).and_then(|d| d.with_offset()),
                DateTime::parse_from_rfc3339(text).ok(),
                "{text}"
            );
        }
        for bad in [
            "2025-02-30T00:00:00Z",
            "2025-07-16T25:00:00Z",
            "2025-07-16T15:12:18.Z",
            "2025-07-16T15:12:18+5:00",
            "2025-07-16T15:12:18+25:00",
            "2025-07-16T15:12:18 junk",
        ] {
            assert!(datetime::parse(bad).is_none(), "{bad}");
        }
        let kept = datetime::parse("2025-07-16T15:12:18-05:00").unwrap();
        assert_eq!(
            kept.with_offset().unwrap().to_rfc3339(),
            "2025-07-16T15:12:18-05:00"
        );
        assert!(datetime::parse("16/07/2025").is_none());
    }
}
