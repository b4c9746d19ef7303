//! Turning an error body (plain text, a JSON string literal, a JSON object, an HTML page) into
//! one readable line.

const MAX_CHARS: usize = 300;

/// The server's explanation in an error body, or `None` when the body says nothing.
pub(crate) fn explain(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let readable = match text.as_bytes()[0] {
        b'"' | b'{' | b'[' => from_json(text),
        b'<' => Some(from_html(text)),
        _ => None,
    }
    .unwrap_or_else(|| text.to_owned());
    let line = collapse_whitespace(&readable);
    (!line.is_empty()).then(|| truncate(line))
}

fn from_json(text: &str) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(text).ok()? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Object(map) => {
            let pick = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| map.get(*k).and_then(|v| v.as_str()))
                    .map(str::to_owned)
            };
            let mut parts: Vec<String> = Vec::new();
            parts.extend(pick(&["Message", "message", "error", "title", "detail"]));
            parts.extend(pick(&[
                "MessageDetail",
                "ExceptionMessage",
                "error_description",
            ]));
            if let Some(serde_json::Value::Object(state)) =
                map.get("ModelState").or_else(|| map.get("errors"))
            {
                for (field, errs) in state {
                    let msgs: Vec<&str> = match errs {
                        serde_json::Value::Array(a) => {
                            a.iter().filter_map(|v| v.as_str()).collect()
                        }
                        serde_json::Value::String(s) => vec![s.as_str()],
                        _ => Vec::new(),
                    };
                    if !msgs.is_empty() {
                        parts.push(format!("{field}: {}", msgs.join(", ")));
                    }
                }
            }
            (!parts.is_empty()).then(|| parts.join(" — "))
        }
        _ => None,
    }
}

fn from_html(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>")) {
        let title = &text[start + "<title>".len()..end.max(start + "<title>".len())];
        if !title.trim().is_empty() {
            return title.to_owned();
        }
    }
    // No title: the visible text, tags and script/style bodies dropped.
    let mut out = String::with_capacity(text.len().min(4096));
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let tag = &rest[open..];
        let tag_lower = tag.get(..8).unwrap_or(tag).to_ascii_lowercase();
        let skip_to = if tag_lower.starts_with("<script") || tag_lower.starts_with("<style") {
            let closer = if tag_lower.starts_with("<script") {
                "</script"
            } else {
                "</style"
            };
            tag.to_ascii_lowercase().find(closer).unwrap_or(tag.len())
        } else {
            0
        };
        let after = &tag[skip_to..];
        rest = after.find('>').map_or("", |i| &after[i + 1..]);
    }
    out.push_str(rest);
    out
}

fn collapse_whitespace(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn truncate(mut s: String) -> String {
    if let Some((idx, _)) = s.char_indices().nth(MAX_CHARS) {
        s.truncate(idx);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn every_body_shape_is_made_readable() {
        let cases: &[(&str, Option<&str>)] = &[
            ("", None),
            ("   \n", None),
            ("BenefitNum not found.", Some("BenefitNum not found.")),
            ("\"Status is invalid.\"", Some("Status is invalid.")),
            (
                r#"{"Message":"The request is invalid."}"#,
                Some("The request is invalid."),
            ),
            (
                r#"{"Message":"Bad","MessageDetail":"memberNo is required"}"#,
                Some("Bad — memberNo is required"),
            ),
            (
                r#"{"Message":"Invalid","ModelState":{"memberNo":["The value 'x' is not valid."]}}"#,
                Some("Invalid — memberNo: The value 'x' is not valid."),
            ),
            (r#"{"other":1}"#, Some(r#"{"other":1}"#)),
            (
                "<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>",
                Some("502 Bad Gateway"),
            ),
            (
                "<html><style>p{}</style><body><p>Service\n  Unavailable</p></body></html>",
                Some("Service Unavailable"),
            ),
            ("\"unterminated", Some("\"unterminated")),
        ];
        for (body, want) in cases {
            assert_eq!(explain(body.as_bytes()).as_deref(), *want, "body {body:?}");
        }
    }

    #[test]
    fn long_bodies_are_cut() {
        let long = "x".repeat(1000);
        let got = explain(long.as_bytes()).unwrap();
        assert_eq!(got.chars().count(), 301);
        assert!(got.ends_with('…'));
    }

    // The error-body property tests (they were in tests/reliability/decoders.rs, through a
    // test-only entry point that is now gone from the public API).
    mod properties {
        use super::explain;
        use proptest::collection::vec;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            #[test]
            fn arbitrary_bytes_never_panic_and_stay_short(bytes in vec(any::<u8>(), 0..512)) {
                if let Some(text) = explain(&bytes) {
                    prop_assert!(text.chars().count() <= 301);
                }
            }

            #[test]
            fn error_bodies_never_panic(text in "(<html>|<title>|</title>|<script>|\\{\"Message\":|\"|[^<>]){0,64}") {
                if let Some(line) = explain(text.as_bytes()) {
                    prop_assert!(!line.contains('\n'));
                }
            }
        }
    }
}
