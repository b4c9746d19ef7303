//! An X12 interchange split into segments and elements, with the delimiters its fixed-width
//! ISA names. Knows no API and no transaction: the 271 mapping reads what this yields.
//!
//! The rules are Open Dental's (`X12object.cs`, spec `x12-271-notes.md` §2): the separators
//! come from the ISA's fixed offsets, every CR and LF is removed first, the message is split on
//! the segment terminator (empty pieces ignored), and nothing is trimmed. Unlike Open Dental it
//! checks that the ISA's sixteen element separators sit where the widths put them, and it
//! never panics, whatever the bytes.

use std::borrow::Cow;

/// The ISA segment's length, its terminator included.
const ISA_LEN: usize = 106;
/// Where the ISA's element separators sit when every element has its fixed width (ISA01 2,
/// ISA02 10, ISA03 2, ISA04 10, ISA05 2, ISA06 15, ISA07 2, ISA08 15, ISA09 6, ISA10 4,
/// ISA11–ISA16 1, 5, 9, 1, 1, 1).
const ISA_SEPARATORS: [usize; 16] = [
    3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103,
];
/// ISA11: the repetition separator in 5010 (the letter `U` in 4010).
const REPETITION_AT: usize = 82;
/// ISA16: the component separator.
const COMPONENT_AT: usize = 104;
/// The character after ISA16: the segment terminator.
const TERMINATOR_AT: usize = 105;

/// The four delimiters of an interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Delimiters {
    pub(crate) element: u8,
    pub(crate) component: u8,
    /// `None` in 4010, where ISA11 is a letter, not a separator.
    pub(crate) repetition: Option<u8>,
    pub(crate) segment: u8,
}

/// One segment: its ordinal (the ISA is 1), its text without the terminator. Elements are
/// split when read, so tokenizing allocates nothing per segment.
pub(crate) struct Segment<'a> {
    pub(crate) ordinal: usize,
    pub(crate) text: &'a str,
    separator: u8,
}

impl<'a> Segment<'a> {
    /// The segment ID (element 0).
    pub(crate) fn id(&self) -> &'a str {
        self.element(0)
    }

    /// Element `n` (1-based, as X12 numbers them); a missing element reads as empty.
    pub(crate) fn element(&self, n: usize) -> &'a str {
        pieces(self.text, self.separator).nth(n).unwrap_or("")
    }

    /// Elements 0 to `N - 1`, split once; missing ones read as empty.
    pub(crate) fn elements<const N: usize>(&self) -> [&'a str; N] {
        let mut out = [""; N];
        for (slot, element) in out.iter_mut().zip(pieces(self.text, self.separator)) {
            *slot = element;
        }
        out
    }
}

impl<'a> Segment<'a> {
    /// A segment the reader built itself (clearinghouse JSON rebuilt as X12 text), numbered
    /// `ordinal`, its elements split on `separator`.
    pub(crate) fn rebuilt(ordinal: usize, text: &'a str, separator: u8) -> Self {
        Segment {
            ordinal,
            text,
            separator,
        }
    }
}

/// Why a text is not an X12 interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotX12 {
    /// It does not begin with `ISA`.
    NoIsa,
    /// It is shorter than an ISA segment.
    TooShort,
    /// The ISA's element separators are not at their fixed offsets, or two delimiters are the
    /// same character, or a delimiter is a letter or digit.
    BadIsa,
}

impl NotX12 {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            NotX12::NoIsa => "it does not begin with an ISA segment",
            NotX12::TooShort => "it is shorter than an ISA segment (106 characters)",
            NotX12::BadIsa => {
                "its ISA segment does not have the fixed widths X12 requires, so its delimiters \
                 cannot be read"
            }
        }
    }
}

/// How line breaks are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineBreaks {
    /// Every CR and LF is removed before anything else (Open Dental): a file whose segment
    /// terminator is a line break cannot be read.
    Remove,
    /// As `Remove`, except that a line break right after ISA16 is the segment terminator.
    Terminate,
}

/// The message's text as the tokenizer reads it: a leading byte-order mark dropped, invalid
/// UTF-8 replaced, line breaks handled.
/// Borrowed when there is nothing to change.
pub(crate) fn prepare(input: &[u8], line_breaks: LineBreaks) -> Cow<'_, str> {
    // A UTF-8 byte-order mark before the ISA: .NET's readers drop it before Open Dental sees
    // the text, and the ISA's offsets count from after it.
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let newline_terminated = line_breaks == LineBreaks::Terminate
        && matches!(input.get(TERMINATOR_AT), Some(b'\r' | b'\n'))
        && input.starts_with(b"ISA");
    let breaks = input.iter().any(|b| matches!(b, b'\r' | b'\n'));
    let text = match breaks {
        // The fast validator first: `from_utf8_lossy` walks the bytes in chunks.
        false => {
            return match std::str::from_utf8(input) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(input),
            };
        }
        // Removing ASCII bytes keeps valid UTF-8 valid, and invalid still invalid.
        true if !newline_terminated => {
            let mut kept = Vec::with_capacity(input.len());
            for piece in input.split(|b| matches!(b, b'\r' | b'\n')) {
                kept.extend_from_slice(piece);
            }
            return Cow::Owned(match String::from_utf8(kept) {
                Ok(text) => text,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            });
        }
        true => String::from_utf8_lossy(input),
    };
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The delimiters the ISA names, once its widths are checked.
pub(crate) fn delimiters(text: &str) -> Result<Delimiters, NotX12> {
    if !text.starts_with("ISA") {
        return Err(NotX12::NoIsa);
    }
    let bytes = text.as_bytes();
    if bytes.len() < ISA_LEN {
        return Err(NotX12::TooShort);
    }
    let isa = &bytes[..ISA_LEN];
    // Every position below is a byte offset, which is a character offset in ASCII.
    if !isa.is_ascii() {
        return Err(NotX12::BadIsa);
    }
    let element = isa[3];
    if ISA_SEPARATORS.iter().any(|&at| isa[at] != element) {
        return Err(NotX12::BadIsa);
    }
    let (component, segment) = (isa[COMPONENT_AT], isa[TERMINATOR_AT]);
    let repetition = Some(isa[REPETITION_AT]).filter(|r| !r.is_ascii_alphanumeric());
    let mut all = vec![element, component, segment];
    all.extend(repetition);
    let distinct = all.iter().enumerate().all(|(i, a)| !all[..i].contains(a));
    if !distinct || all.iter().any(u8::is_ascii_alphanumeric) {
        return Err(NotX12::BadIsa);
    }
    Ok(Delimiters {
        element,
        component,
        repetition,
        segment,
    })
}

/// The pieces of `text` between the ASCII byte `separator`s. Cutting at an ASCII byte never
/// splits a character; searching bytes is much faster than `str::split` on a `char` for the
/// short pieces X12 is made of.
fn pieces(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == separator) {
            Some(at) => {
                rest = Some(&current[at + 1..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// What is done with white space and byte-order marks before a segment ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Padding {
    /// Kept (Open Dental): ` EB` is a segment whose ID is ` EB`.
    Keep,
    /// Removed: ` EB` is an EB.
    Trim,
}

/// Whether a character is padding before a segment ID: white space or a byte-order mark.
pub(crate) fn is_padding(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// The segments of `text` in order, numbered from 1. Empty pieces (`~~`, and the one after
/// the last terminator) are segments with an empty ID, as in Open Dental, where they count in
/// the numbering and sit between an EB and its HSD.
pub(crate) fn segments(text: &str, delimiters: Delimiters, padding: Padding) -> Vec<Segment<'_>> {
    pieces(text, delimiters.segment)
        .enumerate()
        .map(|(i, piece)| Segment {
            ordinal: i + 1,
            text: match padding {
                Padding::Keep => piece,
                Padding::Trim => piece.trim_start_matches(is_padding),
            },
            separator: delimiters.element,
        })
        .collect()
}

/// Component `n` (1-based) of an element; missing reads as empty.
pub(crate) fn component(element: &str, delimiters: Delimiters, n: usize) -> &str {
    pieces(element, delimiters.component)
        .nth(n.saturating_sub(1))
        .unwrap_or("")
}

/// Whether `text` is of the X12 `R` (decimal number) type: an optional minus sign, digits
/// with at most one decimal point (at least one digit), and an optional exponent (`E`, an
/// optional minus sign, digits), within a double's range. No plus sign, group separator,
/// currency sign or white space.
pub(crate) fn is_real(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['E', 'e']) {
        Some((m, e)) => (m, Some(e.strip_prefix('-').unwrap_or(e))),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mantissa_ok =
        !(whole.is_empty() && fraction.is_empty()) && all_digits(whole) && all_digits(fraction);
    mantissa_ok
        && exponent.is_none_or(|e| !e.is_empty() && all_digits(e))
        && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// A number as .NET's `Convert.ToDouble` reads it on an en-US machine (`NumberStyles.Float |
/// AllowThousands`, Open Dental's `PIn.Double`), as plain number text (`" +1,500.5 "` →
/// `1500.5`): white space around it, a leading sign, `,` group separators among the digits
/// before the point, one `.`, an exponent. `None` where .NET throws (Open Dental then reads 0),
/// and for infinities and NaN, which no carrier means.
pub(crate) fn dotnet_number(text: &str) -> Option<String> {
    let white = |c: char| matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ');
    let text = text.trim_matches(white);
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let mut out = String::with_capacity(rest.len() + 1);
    if negative {
        out.push('-');
    }
    let (mut digits, mut point, mut chars) = (0, false, rest.char_indices().peekable());
    while let Some(&(_, c)) = chars.peek() {
        match c {
            '0'..='9' => {
                digits += 1;
                out.push(c);
            }
            // A group separator counts only after a digit and before the point.
            ',' if digits > 0 && !point => {}
            '.' if !point => {
                point = true;
                out.push('.');
            }
            _ => break,
        }
        chars.next();
    }
    if digits == 0 {
        return None;
    }
    if let Some(&(at, 'e' | 'E')) = chars.peek() {
        let exponent = &rest[at + 1..];
        let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push('e');
        out.push_str(exponent.strip_prefix('+').unwrap_or(exponent));
    } else if chars.peek().is_some() {
        return None;
    }
    out.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|_| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*QUILLMARKEDI   *ZZ*MAPLEGROVE01   \
                       *251104*0932*^*00501*000004711*0*P*:~";

    #[test]
    fn the_isa_names_the_delimiters() {
        let d = delimiters(ISA).unwrap();
        assert_eq!(
            d,
            Delimiters {
                element: b'*',
                component: b':',
                repetition: Some(b'^'),
                segment: b'~'
            }
        );
        let four_o_ten = ISA.replace("*^*", "*U*");
        assert_eq!(delimiters(&four_o_ten).unwrap().repetition, None);
    }

    #[test]
    fn a_text_that_is_not_an_interchange_is_told_apart() {
        assert_eq!(delimiters("GS*HB~"), Err(NotX12::NoIsa));
        assert_eq!(delimiters("ISA*00~"), Err(NotX12::TooShort));
        // A field one character short moves every separator after it.
        let short = ISA.replacen("QUILLMARKEDI   ", "QUILLMARKEDI  ", 1) + " ";
        assert_eq!(delimiters(&short), Err(NotX12::BadIsa));
        let same = ISA.replace(":~", "*~");
        assert_eq!(delimiters(&same), Err(NotX12::BadIsa));
    }

    #[test]
    fn segments_are_numbered_and_split_without_trimming() {
        let text = format!("{ISA}GS*HB*A~~ EB*1**30~");
        let d = delimiters(&text).unwrap();
        let segs = segments(&text, d, Padding::Keep);
        // The empty pieces are segments, as in Open Dental: `~~` and the one after the end.
        assert_eq!(segs.len(), 5);
        assert_eq!(segs[1].id(), "GS");
        assert_eq!(segs[1].element(2), "A");
        assert_eq!(segs[1].element(9), "");
        assert_eq!((segs[2].ordinal, segs[2].id()), (3, ""));
        // A space after a terminator is part of the next segment's ID, unless trimmed.
        assert_eq!((segs[3].ordinal, segs[3].id()), (4, " EB"));
        let trimmed = segments(&text, d, Padding::Trim);
        assert_eq!((trimmed[3].ordinal, trimmed[3].id()), (4, "EB"));
        let bom = format!("\u{feff}{ISA}GS*HB~");
        assert_eq!(
            prepare(bom.as_bytes(), LineBreaks::Remove),
            format!("{ISA}GS*HB~")
        );
    }

    #[test]
    fn line_breaks_are_removed_or_terminate() {
        let crlf = format!("{ISA}\r\nGS*HB~\r\n");
        assert_eq!(
            prepare(crlf.as_bytes(), LineBreaks::Remove),
            format!("{ISA}GS*HB~")
        );
        let newline = ISA.replace(":~", ":\n") + "GS*HB\nST*271\n";
        let removed = prepare(newline.as_bytes(), LineBreaks::Remove);
        assert!(delimiters(&removed).is_err());
        let kept = prepare(newline.as_bytes(), LineBreaks::Terminate);
        let d = delimiters(&kept).unwrap();
        assert_eq!(d.segment, b'\n');
        assert_eq!(segments(&kept, d, Padding::Keep)[2].id(), "ST");
    }

    #[test]
    fn numbers_are_real_or_read_as_dotnet_reads_them() {
        for (text, real, dotnet) in [
            ("0.25", true, Some("0.25")),
            ("19", true, Some("19")),
            ("-5", true, Some("-5")),
            (".5", true, Some(".5")),
            ("5.", true, Some("5.")),
            ("1.5E3", true, Some("1.5e3")),
            ("1,500", false, Some("1500")),
            ("1,500.25", false, Some("1500.25")),
            ("1,5", false, Some("15")),
            (" 50 ", false, Some("50")),
            ("+5", false, Some("5")),
            ("1e+3", false, Some("1e3")),
            (",5", false, None),
            ("1.5,0", false, None),
            ("$50", false, None),
            ("1e", false, None),
            ("1e400", false, None),
            ("NaN", false, None),
            (".", false, None),
            ("", false, None),
        ] {
            assert_eq!(is_real(text), real, "{text}");
            assert_eq!(dotnet_number(text).as_deref(), dotnet, "{text}");
        }
    }
}
