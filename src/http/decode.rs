//! JSON bodies into types, with errors that name a path and a form, never a value.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error};

/// What a field of an API's responses holds, by its wire name, for decode errors: a
/// description of the form, never a value.
pub(crate) type Forms = fn(&str) -> Option<&'static str>;

/// Decodes a JSON body. The fast path decodes directly; only on failure is the body decoded
/// again with path tracking, so success pays nothing for the error's JSON path.
///
/// JSON is UTF-8. Checking the whole body once lets serde_json read it as a `&str`, which
/// skips the check it otherwise repeats on every string and every borrowed number: the body
/// check is word-at-a-time over ASCII and cost less than those repeats (callgrind, a benefit
/// check). A body that is not UTF-8 goes to the byte reader, which says where it breaks.
pub(crate) fn decode<T: DeserializeOwned>(
    route: &str,
    body: Bytes,
    forms: Forms,
) -> Result<T, Error> {
    let fast = match std::str::from_utf8(&body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(&body),
    };
    match fast {
        Ok(value) => Ok(value),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(&body);
            let (path, reason) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => {
                    let path = e.path().to_string();
                    let reason = reason(e.inner(), &path, forms);
                    (path, reason)
                }
                // Cannot differ from the first pass; keep its error if it somehow does.
                Ok(_) => (".".to_owned(), reason(&first, ".", forms)),
            };
            Err(Error::Decode(Box::new(DecodeError::new(
                route.to_owned(),
                path,
                reason,
                body,
            ))))
        }
    }
}

/// Why a body did not decode, built from serde_json's category of the error, its position and
/// what the field at `path` should hold: never from serde's wording, which quotes the value
/// (and the value came from the body: it may be patient or member data).
fn reason(error: &serde_json::Error, path: &str, forms: Forms) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Syntax => "not valid JSON",
        Category::Eof => "the body ends too early",
        Category::Data => "a missing field, or a value of the wrong type or out of range",
        Category::Io => "the body could not be read",
    };
    let mut reason = format!("{what} at line {}, column {}", error.line(), error.column());
    let field = path.rsplit('.').next().unwrap_or(path);
    if let Some(form) = forms(field).filter(|_| error.classify() == Category::Data) {
        reason.push_str(": ");
        reason.push_str(field);
        reason.push_str(" holds ");
        reason.push_str(form);
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_never_quote_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Row {
            #[serde(rename = "BenefitNum")]
            num: u64,
            #[serde(rename = "procCode")]
            code: String,
        }
        let forms: Forms = |field| (field == "BenefitNum").then_some("a key");
        for (body, path, want) in [
            (
                r#"{"BenefitNum": "Jane Doe", "procCode": "x"}"#,
                "BenefitNum",
                "a missing field, or a value of the wrong type or out of range at line 1, \
                 column 25: BenefitNum holds a key",
            ),
            (
                r#"{"BenefitNum": 1, "procCode": 150000}"#,
                "procCode",
                "a missing field, or a value of the wrong type or out of range at line 1, \
                 column 36",
            ),
            (r#"{"BenefitNum": 1.5e3"#, "BenefitNum", ""),
            (r#"{"BenefitNum": 1, "procCode": "Jane"#, "procCode", ""),
        ] {
            let err = decode::<Row>("GET /x", Bytes::from(body), forms).unwrap_err();
            let Error::Decode(d) = &err else {
                panic!("{err:?}")
            };
            assert_eq!(d.path, path, "{body}");
            if !want.is_empty() {
                assert_eq!(d.reason, want, "{body}");
            }
            for value in ["Jane", "150000", "1.5e3", "1500"] {
                assert!(!err.to_string().contains(value), "{err}");
            }
        }
    }
}
