//! What a 271 says of the plan itself, beside its benefits, and whether that is the office's
//! plan: the group number, coverage status and policy dates, checked as Open Dental's batch
//! verification checks them (`InsVerifies.ValidateGroupNumber`, `ValidatePlanDates`;
//! `X271.GetGroupNum`, `X271.GetListDtpSubscriber`), and said where Open Dental is silent.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::x12::Segment;

/// What a 271 says of the plan it answers for (never of the member).
///
/// The group number identifies the member's employer group, so it is kept out of `Debug` and
/// out of serialization: only the check against the plan's ([`CarrierPlan::group_finding`])
/// leaves this value.
///
/// Serialized, it says only whether the 271 sent a group number (`group_number_withheld`); read
/// back, [`CarrierPlan::group_finding`] then says so rather than pass the check
/// ([`PlanFinding::CarrierGroupNotKept`]).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "CarrierPlanWire", from = "CarrierPlanWire")]
#[non_exhaustive]
pub struct CarrierPlan {
    /// The group number: the first `REF*6P` anywhere in the message (`X271.GetGroupNum`),
    /// trimmed; `None` when there is none or it is blank. Never serialized.
    pub group_number: Option<String>,
    /// The 271 sent a group number that this value does not hold: it was read back from its
    /// serialized form, which leaves the number out.
    pub group_number_withheld: bool,
    /// The carrier says coverage is inactive: an EB01 of `6` (inactive), `7` (inactive,
    /// pending an eligibility update) or `8` (inactive, pending investigation) among the EB
    /// segments read.
    pub inactive: bool,
    /// When the policy starts: the last `DTP*539` before the first EB, else the last
    /// `DTP*346` (Open Dental's order), read as `X12Parse.ToDate` reads DTP03 (its first eight
    /// digits; a year before 1880 is no date).
    pub starts: Option<NaiveDate>,
    /// When it ends: the last `DTP*540`, else `DTP*347`, read alike.
    pub ends: Option<NaiveDate>,
}

/// Whether an EB01 says coverage is inactive: `6`, and the two inactive codes pending
/// something, `7` (an eligibility update) and `8` (an investigation). Open Dental's batch
/// verification reads `6` alone; a 271 saying 7 or 8 is no more the plan in force.
pub(crate) fn is_inactive(eb01: &str) -> bool {
    matches!(eb01, "6" | "7" | "8")
}

/// How a [`CarrierPlan`] is serialized: everything but the group number, and whether there
/// was one.
#[derive(Serialize, Deserialize)]
struct CarrierPlanWire {
    #[serde(default)]
    group_number_withheld: bool,
    #[serde(default)]
    inactive: bool,
    #[serde(default)]
    starts: Option<NaiveDate>,
    #[serde(default)]
    ends: Option<NaiveDate>,
}

impl From<CarrierPlan> for CarrierPlanWire {
    fn from(plan: CarrierPlan) -> Self {
        CarrierPlanWire {
            group_number_withheld: plan.group_number.is_some() || plan.group_number_withheld,
            inactive: plan.inactive,
            starts: plan.starts,
            ends: plan.ends,
        }
    }
}

impl From<CarrierPlanWire> for CarrierPlan {
    fn from(wire: CarrierPlanWire) -> Self {
        CarrierPlan {
            group_number: None,
            group_number_withheld: wire.group_number_withheld,
            inactive: wire.inactive,
            starts: wire.starts,
            ends: wire.ends,
        }
    }
}

impl CarrierPlan {
    /// Reads the plan facts of a message's segments: `eb01s` are the EB01s of the EB segments
    /// the benefit reading takes.
    pub(crate) fn read<'m>(
        segments: &[Segment<'m>],
        eb01s: impl IntoIterator<Item = &'m str>,
    ) -> Self {
        let group_number = segments
            .iter()
            .find(|s| s.id() == "REF" && s.element(1) == "6P")
            .map(|s| s.element(2).trim().to_owned())
            .filter(|g| !g.is_empty());
        // Open Dental reads only the 2100C dates: the DTPs before the first EB.
        let dates: Vec<(&str, Option<NaiveDate>)> = segments
            .iter()
            .take_while(|s| s.id() != "EB")
            .filter(|s| s.id() == "DTP")
            .map(|s| (s.element(1), to_date(s.element(3))))
            .collect();
        let last = |qualifier: &str| {
            dates
                .iter()
                .rev()
                .find(|(q, _)| *q == qualifier)
                .map(|(_, d)| *d)
        };
        // Policy dates win when either is sent; plan dates stand in only when neither is.
        let policy = last("539").is_some() || last("540").is_some();
        let (starts, ends) = match policy {
            true => (last("539").flatten(), last("540").flatten()),
            false => (last("346").flatten(), last("347").flatten()),
        };
        CarrierPlan {
            group_number,
            group_number_withheld: false,
            inactive: eb01s.into_iter().any(is_inactive),
            starts,
            ends,
        }
    }

    /// What stands between this 271 and the office's plan, as of `as_of` (the day the
    /// benefits are for, usually today): `plan_group_number` is the plan's `GroupNum`. An
    /// empty list means it is the plan, by every check there is.
    ///
    /// ```
    /// use benefits_sdk::opendental::eligibility::{CarrierPlan, PlanFinding};
    /// use chrono::NaiveDate;
    ///
    /// let mut carrier = CarrierPlan::default();
    /// carrier.group_number = Some("XK55012-01".into());
    /// let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    /// assert!(carrier.findings("XK55012", today).is_empty()); // a prefix of 3 or more
    /// assert_eq!(
    ///     carrier.findings("GRP4471", today),
    ///     [PlanFinding::GroupMismatch { plan: "GRP4471".into() }]
    /// );
    /// ```
    pub fn findings(&self, plan_group_number: &str, as_of: NaiveDate) -> Vec<PlanFinding> {
        let mut findings: Vec<PlanFinding> =
            self.group_finding(plan_group_number).into_iter().collect();
        findings.extend(self.standing(as_of));
        findings
    }

    /// The group number checked against the plan's `GroupNum` by Open Dental's rule
    /// (`ValidateGroupNumber`): the plan's must have 3 characters or more; the 271's, under
    /// 3, is no answer (Open Dental passes it; it is said here all the same); else the 271's
    /// must start or end with the plan's. `None`: it matches.
    pub fn group_finding(&self, plan_group_number: &str) -> Option<PlanFinding> {
        let plan = plan_group_number.trim();
        let carrier = self.group_number.as_deref().unwrap_or("");
        if plan.chars().count() < 3 {
            Some(PlanFinding::PlanGroupUnknown)
        } else if self.group_number.is_none() && self.group_number_withheld {
            Some(PlanFinding::CarrierGroupNotKept)
        } else if carrier.chars().count() < 3 {
            Some(PlanFinding::CarrierGroupMissing)
        } else if !carrier.starts_with(plan) && !carrier.ends_with(plan) {
            Some(PlanFinding::GroupMismatch {
                plan: plan.to_owned(),
            })
        } else {
            None
        }
    }

    /// Whether the plan is in force on `as_of` by what the 271 says: coverage inactive, a
    /// policy not yet started or ended (Open Dental's `ValidatePlanDates`).
    pub fn standing(&self, as_of: NaiveDate) -> Vec<PlanFinding> {
        let mut findings = Vec::new();
        if self.inactive {
            findings.push(PlanFinding::CoverageInactive);
        }
        // ValidatePlanDates: a start after the day, or an end before it.
        match (self.starts, self.ends) {
            (Some(starts), _) if as_of < starts => findings.push(PlanFinding::NotStarted(starts)),
            (_, Some(ends)) if as_of > ends => findings.push(PlanFinding::Ended(ends)),
            _ => {}
        }
        findings
    }
}

/// One reason a 271 may not be the office's plan, or not in force.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PlanFinding {
    /// The 271's group number neither starts nor ends with the plan's (Open Dental's rule: a
    /// prefix or suffix match of the plan's whole group number, 3 characters or more). The
    /// 271's own is not repeated here: read it in the 271.
    GroupMismatch {
        /// The plan's `GroupNum`.
        plan: String,
    },
    /// The plan has no group number of 3 characters or more, so nothing can tell whether the
    /// 271 is its own.
    PlanGroupUnknown,
    /// The 271 sends no group number of 3 characters or more. Open Dental takes the plan's as
    /// right; it does not block.
    CarrierGroupMissing,
    /// The 271 sent a group number, but this read of it was serialized and read back, which
    /// leaves the number out: read the 271 again to check it. It blocks.
    CarrierGroupNotKept,
    /// The carrier says coverage is inactive (EB01 6, 7 or 8).
    CoverageInactive,
    /// The policy starts after the day the benefits are for.
    NotStarted(NaiveDate),
    /// The policy ended before the day the benefits are for.
    Ended(NaiveDate),
}

impl PlanFinding {
    /// Whether writing the 271's benefits to the plan should wait for a person's explicit
    /// yes: every finding but [`PlanFinding::CarrierGroupMissing`].
    pub fn blocks(&self) -> bool {
        !matches!(self, PlanFinding::CarrierGroupMissing)
    }
}

impl fmt::Display for PlanFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanFinding::GroupMismatch { plan } => write!(
                f,
                "the 271's group number is not the plan's {plan} (it neither starts nor ends \
                 with it)"
            ),
            PlanFinding::PlanGroupUnknown => f.write_str(
                "the plan has no group number of 3 characters or more to check the 271 against",
            ),
            PlanFinding::CarrierGroupMissing => {
                f.write_str("the 271 sends no group number; the plan's is taken as right")
            }
            PlanFinding::CarrierGroupNotKept => f.write_str(
                "the 271's group number is not kept once serialized; read the 271 again to check it",
            ),
            PlanFinding::CoverageInactive => f.write_str("the carrier says coverage is inactive"),
            PlanFinding::NotStarted(d) => write!(f, "the policy does not start until {d}"),
            PlanFinding::Ended(d) => write!(f, "the policy ended {d}"),
        }
    }
}

impl fmt::Debug for CarrierPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = self
            .group_number
            .as_ref()
            .map(|g| format!("[{} chars]", g.len()));
        f.debug_struct("CarrierPlan")
            .field("group_number", &group)
            .field("group_number_withheld", &self.group_number_withheld)
            .field("inactive", &self.inactive)
            .field("starts", &self.starts)
            .field("ends", &self.ends)
            .finish()
    }
}

/// A DTP03 as `X12Parse.ToDate` reads it: its first eight characters as CCYYMMDD (so a range
/// reads as its start); a year before 1880, or anything unreadable, is no date.
pub(super) fn to_date(element: &str) -> Option<NaiveDate> {
    let digits = element.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
    (chrono::Datelike::year(&date) >= 1880).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12;

    fn read(body: &str) -> CarrierPlan {
        let text = format!(
            "ISA*00*          *00*          *ZZ*A              *ZZ*B              \
             *251104*0932*^*00501*000004711*0*P*:~{body}"
        );
        let segments = x12::segments(&text, x12::delimiters(&text).unwrap(), x12::Padding::Keep);
        let eb01s: Vec<&str> = segments
            .iter()
            .filter(|s| s.id() == "EB")
            .map(|s| s.element(1))
            .collect();
        CarrierPlan::read(&segments, eb01s)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_first_ref_6p_anywhere_is_the_group_number() {
        let plan = read("ST*271~REF*18*P1~REF*6P* G-100 ~EB*1~REF*6P*OTHER~SE~");
        assert_eq!(plan.group_number.as_deref(), Some("G-100"));
        assert_eq!(read("ST*271~REF*6P*~EB*1~SE~").group_number, None);
    }

    #[test]
    fn policy_dates_win_and_the_last_of_each_before_the_first_eb_counts() {
        let plan = read(
            "ST*271~DTP*346*D8*20240101~DTP*539*D8*20250101~DTP*539*D8*20250201~\
             EB*1~DTP*540*D8*20200101~SE~",
        );
        assert_eq!((plan.starts, plan.ends), (Some(day(2025, 2, 1)), None));
        let plan = read("ST*271~DTP*346*RD8*20240101-20241231~DTP*347*D8*18001231~EB*6~SE~");
        assert_eq!((plan.starts, plan.ends), (Some(day(2024, 1, 1)), None));
        assert!(plan.inactive);
        for (eb01, inactive) in [("7", true), ("8", true), ("1", false), ("5", false)] {
            let plan = read(&format!("ST*271~EB*{eb01}~SE~"));
            assert_eq!(plan.inactive, inactive, "EB*{eb01}");
        }
    }

    /// Read back from its serialized form, a plan whose 271 sent a group number says it is
    /// not kept, and that blocks; one whose 271 sent none is still only "missing".
    #[test]
    fn a_group_number_left_out_by_serde_is_never_taken_as_a_match() {
        let sent = CarrierPlan {
            group_number: Some("XK55012".into()),
            ..CarrierPlan::default()
        };
        assert_eq!(sent.group_finding("XK55012"), None);
        let json = serde_json::to_string(&sent).unwrap();
        assert!(!json.contains("XK55"), "{json}");
        let back: CarrierPlan = serde_json::from_str(&json).unwrap();
        assert_eq!(back.group_number, None);
        let finding = back.group_finding("XK55012").unwrap();
        assert_eq!(finding, PlanFinding::CarrierGroupNotKept);
        assert!(finding.blocks());
        // Serialized again, it still says one was sent.
        let again: CarrierPlan =
            serde_json::from_str(&serde_json::to_string(&back).unwrap()).unwrap();
        assert_eq!(again.group_finding("XK55012"), Some(finding));
        let none: CarrierPlan =
            serde_json::from_str(&serde_json::to_string(&CarrierPlan::default()).unwrap()).unwrap();
        assert_eq!(
            none.group_finding("XK55012"),
            Some(PlanFinding::CarrierGroupMissing)
        );
        // A form from before the flag reads as none sent.
        let old: CarrierPlan = serde_json::from_str(r#"{"inactive":false}"#).unwrap();
        assert!(!old.group_number_withheld);
    }

    #[test]
    fn findings_follow_open_dentals_checks() {
        let mut carrier = CarrierPlan {
            group_number: Some("00XK55".into()),
            ..CarrierPlan::default()
        };
        assert!(!format!("{carrier:?}").contains("XK55"));
        assert!(!serde_json::to_string(&carrier).unwrap().contains("XK55"));
        let today = day(2026, 12, 6);
        // A suffix match.
        assert!(carrier.findings("XK55", today).is_empty());
        assert_eq!(
            carrier.findings("XK", today),
            [PlanFinding::PlanGroupUnknown]
        );
        assert_eq!(
            carrier.findings(" ", today),
            [PlanFinding::PlanGroupUnknown]
        );
        carrier.group_number = Some("XK".into());
        assert_eq!(
            carrier.findings("XK55", today),
            [PlanFinding::CarrierGroupMissing]
        );
        assert!(!PlanFinding::CarrierGroupMissing.blocks());
        carrier.group_number = Some("XK55".into());
        carrier.inactive = true;
        carrier.starts = Some(day(2027, 1, 1));
        assert_eq!(
            carrier.findings("XK55", today),
            [
                PlanFinding::CoverageInactive,
                PlanFinding::NotStarted(day(2027, 1, 1))
            ]
        );
        carrier.inactive = false;
        carrier.starts = Some(day(2026, 1, 1));
        carrier.ends = Some(day(2026, 12, 5));
        assert_eq!(
            carrier.findings("XK55", today),
            [PlanFinding::Ended(day(2026, 12, 5))]
        );
        carrier.ends = Some(today);
        assert!(carrier.findings("XK55", today).is_empty());
    }
}
