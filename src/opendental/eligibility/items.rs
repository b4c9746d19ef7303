//! The message's own checks (one 271, no AAA that rejects the whole request), and its EB
//! segments as Open Dental collects them (`X271.GetListEB`; spec §2.5, §2.7, §3): from the
//! first EB, each EB with the HSD right after it, up to the first SE after an EB.

use super::{BenefitLoop, DropReason};
use crate::error::EligibilityErrorKind;
use crate::x12::{self, Segment};

/// One EB segment as Open Dental reads it.
pub(super) struct Item<'m> {
    pub(super) eb: &'m Segment<'m>,
    /// The segment right after the EB, when it is an HSD (a later or second HSD is not read).
    pub(super) hsd: Option<&'m Segment<'m>>,
    pub(super) loop_id: BenefitLoop,
    /// In a transaction after the one Open Dental reads.
    pub(super) after_first_transaction: bool,
    /// Why Open Dental never reads this EB at all (`OpenDental` only): an ID with padding
    /// before it, or the last EB with no SE after it.
    pub(super) unread: Option<DropReason>,
    /// The reject reason code of an AAA in this EB's benefit loop (the carrier could not
    /// answer for it); empty when the code is not a plain code.
    pub(super) rejected: Option<String>,
    /// A MSG of this EB's benefit loop calls it a waiting period ([`says_waiting`]).
    pub(super) says_waiting: bool,
}

/// Whether a message text calls its benefit a waiting period (`12 MONTH WAITING PERIOD
/// APPLIES…`): the word "WAITING", in any case, and no word that takes it back ("NO",
/// "NONE", "WAIVED", "NOT"). The text itself is never kept.
pub(super) fn says_waiting(text: &str) -> bool {
    let words = || {
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
    };
    let is = |w: &str, word: &str| w.eq_ignore_ascii_case(word);
    let denied = words().any(|w| ["NO", "NONE", "WAIVED", "NOT"].iter().any(|n| is(w, n)));
    words().any(|w| is(w, "WAITING")) && !denied
}

/// Exactly one GS group whose first ST is a 271 (`X12object.Is271`), and no AAA that rejects
/// the whole request: one in a 2100A/B/C/D loop (before any EB of its HL loop). An AAA inside
/// a 2110C/2110D loop (after an EB of its HL loop) rejects one service type only; Open
/// Dental's import of a stored 271 never checks AAA at all.
pub(super) fn check(segments: &[Segment<'_>]) -> Result<(), EligibilityErrorKind> {
    let (mut groups, mut first_st, mut aaa) = (0, None, None);
    let mut in_benefits = false;
    for segment in segments {
        // The loops are told apart by trimmed IDs under both rule sets: a padded ` HL` still
        // ends the benefit loop before it (this check is the SDK's own, not Open Dental's).
        match segment.id().trim_start_matches([' ', '\t', '\u{feff}']) {
            "GS" => groups += 1,
            "ST" if first_st.is_none() => first_st = Some(segment),
            "HL" | "ST" => in_benefits = false,
            "EB" => in_benefits = true,
            "AAA" if aaa.is_none() && !in_benefits => aaa = Some(segment),
            _ => {}
        }
    }
    if groups != 1 || first_st.is_none_or(|st| st.element(1) != "271") {
        return Err(EligibilityErrorKind::Not271);
    }
    match aaa {
        Some(aaa) => Err(EligibilityErrorKind::ProcessingError {
            ordinal: aaa.ordinal,
            reason: code_only(aaa.element(3)),
        }),
        None => Ok(()),
    }
}

/// A reject reason is a two-character code; anything longer is not echoed (it could be text).
fn code_only(reason: &str) -> String {
    if reason.len() <= 3 && reason.bytes().all(|b| b.is_ascii_alphanumeric()) {
        reason.to_owned()
    } else {
        String::new()
    }
}

/// Every EB segment of the message, each with its HSD and loop, and whether Open Dental reads
/// it: reading starts at the first EB and stops at the first SE after an EB. `faithful` reads
/// an HSD across empty segments (`~~`); Open Dental does not (the empty one is "next").
pub(super) fn items<'m>(segments: &'m [Segment<'m>], faithful: bool) -> Vec<Item<'m>> {
    let mut items: Vec<Item<'m>> = Vec::new();
    let mut loop_id = BenefitLoop::Subscriber;
    let (mut seen_eb, mut ended, mut in_benefits) = (false, false, false);
    // The last EB Open Dental has not added yet (it adds one at the next EB or an SE).
    let mut pending: Option<usize> = None;
    for (i, segment) in segments.iter().enumerate() {
        match segment.id() {
            "HL" => {
                in_benefits = false;
                loop_id = match segment.element(3) {
                    "23" => BenefitLoop::Dependent,
                    _ => BenefitLoop::Subscriber,
                }
            }
            "SE" if seen_eb => {
                ended = true;
                pending = None;
            }
            "MSG" if in_benefits && says_waiting(segment.element(1)) => {
                if let Some(last) = items.last_mut() {
                    last.says_waiting = true;
                }
            }
            "AAA" if in_benefits => {
                if let Some(last) = items.iter_mut().rev().find(|i| i.unread.is_none()) {
                    last.rejected
                        .get_or_insert_with(|| code_only(segment.element(3)));
                }
            }
            "EB" => {
                (seen_eb, in_benefits) = (true, true);
                pending = (!ended).then_some(items.len());
                let next = segments[i + 1..]
                    .iter()
                    .find(|s| !(faithful && s.text.is_empty()));
                items.push(item(
                    segment,
                    next.filter(|n| n.id() == "HSD"),
                    loop_id,
                    ended,
                ));
            }
            id if id.trim_start_matches(x12::is_padding) == "EB" => {
                let mut padded = item(segment, None, loop_id, ended);
                padded.unread = Some(DropReason::PaddedSegmentId);
                items.push(padded);
            }
            _ => {}
        }
    }
    if let Some(last) = pending.filter(|_| !faithful) {
        items[last].unread = Some(DropReason::TransactionNotEnded);
    }
    items
}

fn item<'m>(
    eb: &'m Segment<'m>,
    hsd: Option<&'m Segment<'m>>,
    loop_id: BenefitLoop,
    after_first_transaction: bool,
) -> Item<'m> {
    Item {
        eb,
        hsd,
        loop_id,
        after_first_transaction,
        unread: None,
        rejected: None,
        says_waiting: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12;

    fn read(body: &str) -> String {
        let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              \
                   *251104*0932*^*00501*000004711*0*P*:~";
        format!("{isa}{body}")
    }

    fn checked(body: &str) -> Result<(), EligibilityErrorKind> {
        let text = read(body);
        let segments = x12::segments(&text, x12::delimiters(&text).unwrap(), x12::Padding::Keep);
        check(&segments)
    }

    #[test]
    fn a_message_says_waiting_only_as_a_word_not_taken_back() {
        assert!(says_waiting("12 MONTH WAITING PERIOD APPLIES"));
        assert!(says_waiting("waiting period: 6 months"));
        for not in [
            "NO WAITING PERIOD",
            "WAITING PERIOD WAIVED FOR PRIOR COVERAGE",
            "CLAIM AWAITING REVIEW",
            "WAITINGS",
            "",
        ] {
            assert!(!says_waiting(not), "{not}");
        }
    }

    #[test]
    fn one_group_of_271s_without_aaa_is_a_271() {
        assert_eq!(checked("GS*HB~ST*271~EB*1~SE~GE~IEA~"), Ok(()));
        assert_eq!(
            checked("GS*HB~ST*270~SE~GE~"),
            Err(EligibilityErrorKind::Not271)
        );
        assert_eq!(
            checked("GS*HB~ST*271~SE~GE~GS*HB~ST*271~SE~GE~"),
            Err(EligibilityErrorKind::Not271)
        );
        assert_eq!(
            checked("GS*HB~ST*271~HL*3*2*22*0~AAA*N**72*C~SE~GE~"),
            Err(EligibilityErrorKind::ProcessingError {
                ordinal: 5,
                reason: "72".into()
            })
        );
    }

    #[test]
    fn reading_stops_at_the_first_se_after_an_eb() {
        let text = read(
            "GS*HB~ST*271~SE~ST*271~HL*3*2*22*0~EB*1~HSD*VS~HSD*VS~HL*4*3*23*0~EB*A~SE~\
             ST*271~EB*C~SE~GE~",
        );
        let segments = x12::segments(&text, x12::delimiters(&text).unwrap(), x12::Padding::Keep);
        let items = items(&segments, false);
        let seen: Vec<_> = items
            .iter()
            .map(|i| {
                (
                    i.eb.ordinal,
                    i.hsd.map(|h| h.ordinal),
                    i.loop_id,
                    i.after_first_transaction,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (7, Some(8), BenefitLoop::Subscriber, false),
                (11, None, BenefitLoop::Dependent, false),
                (14, None, BenefitLoop::Dependent, true),
            ]
        );
    }
}
