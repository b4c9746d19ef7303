//! Each of the spec's rules on a one-EB message: the reason it drops with, or the row it
//! builds, under each rule set; the whole-message errors; and properties over any input.

use benefits_sdk::Error;
use benefits_sdk::opendental::eligibility::{
    DropReason, Eligibility, EligibilityLookups, ReadOptions, RuleSet, read_271,
};
use benefits_sdk::opendental::{
    BenefitShape, CovCat, CovCatNum, EbenefitCategory, Frequency, Owner, PlanNum, TimePeriod,
};
use proptest::prelude::*;

use crate::eligibility::{FILE_01, FILE_02, FILE_03, FILE_04, categories, office};

const ISA: &str = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*OFFICE         \
                   *251104*0932*^*00501*000000001*0*P*:~";

/// A 271 whose subscriber loop holds `body` (segments separated by `~`).
pub(crate) fn message(body: &str) -> String {
    format!(
        "{ISA}GS*HB*P*O*20251104*0932*1*X*005010X279A1~ST*271*0001*005010X279A1~\
         BHT*0022*11*X*20251104*0932~HL*1**20*1~HL*2*1*21*1~HL*3*2*22*0~{body}~SE*9*0001~\
         GE*1*1~IEA*1*000000001~"
    )
}

fn read(body: &str, options: ReadOptions) -> Eligibility {
    read_271(&office(), message(body), options).unwrap()
}

fn od() -> ReadOptions {
    ReadOptions::new().rules(RuleSet::OpenDental)
}

fn faithful() -> ReadOptions {
    ReadOptions::new()
}

/// The reason the first EB drops with, under `options`.
fn reason(body: &str, options: ReadOptions) -> Option<DropReason> {
    read(body, options).dropped.first().map(|d| d.reason)
}

#[test]
fn each_rule_drops_with_its_reason_in_both_rule_sets() {
    use DropReason::*;
    let cases = [
        ("EB*ZZ**35", UnknownEb01),
        ("EB*D**35", UnsupportedEb01),
        ("EB*C*CHD*35***23*50", UnsupportedCoverageLevel),
        ("EB*A**1*****0.2", UnsupportedServiceType),
        ("EB*C*IND*35***29*20", UnsupportedTimePeriod),
        ("EB*F**41******DY*2", UnsupportedQuantityQualifier),
        // Rule 2 reports the first unsupported code in EB01, 02, 03, 06, 09 order.
        ("EB*C*CHD*1***29*20", UnsupportedCoverageLevel),
        ("EB*1*IND*30", ActiveCoverageGeneral),
        ("EB*1************HC:D0120", ActiveCoverageCode),
        ("EB*A**30*****0.2", PercentWithoutCategory),
        ("EB*A*******0.2", PercentWithoutCategory),
        ("EB*B**23****15", CopayOrCoinsuranceAmount),
        ("EB*A**23****15*0.2", CopayOrCoinsuranceAmount),
        ("EB*F**41", LimitationWithoutAmount),
        ("EB*A**23*****0.2****N", OutOfNetwork),
        ("EB*A**23*****0.2****U", OutOfNetwork),
        ("EB*C*IND*35***23*50***2", QuantityWithoutQualifier),
        ("EB*C*IND*35***23*50**VS", QualifierWithoutQuantity),
        ("EB*C*IND*35***23*50**VS*256", QuantityTooLarge),
        ("EB*C*IND*35***23*50~HSD*VS*256***23", HsdQuantityTooLarge),
        ("EB*F************AD:D0120~HSD*VS*2", HsdIncomplete),
        ("EB*F************AD:D0120~HSD*VS****23", HsdIncomplete),
        (
            "EB*F************AD:D0120~HSD*VS*2***99",
            HsdUnknownTimePeriod,
        ),
        ("EB*B**23*****0.2", ApiPercentNotCoinsurance),
        ("EB*A**23*****80", ApiPercentOutOfRange),
        ("EB*C*IND*35***23*50**VS*101", ApiQuantityOver100),
        ("EB*F**41******S7*0~HSD*VS*2***23", ApiAgeLimitWithoutAge),
        ("EB*C*IND*35***23*50~EB*C*IND*35***23*50", Duplicate),
    ];
    for (body, expected) in cases {
        for options in [od(), faithful()] {
            assert_eq!(reason(body, options), Some(expected), "{body} {options:?}");
        }
    }
}

#[test]
fn the_network_mode_decides_which_rows_drop() {
    use benefits_sdk::opendental::eligibility::Network;
    let out = od().network(Network::Out);
    assert_eq!(
        reason("EB*A**23*****0.2****Y", out),
        Some(DropReason::InNetwork)
    );
    for eb12 in ["N", "U", "W", ""] {
        let body = format!("EB*A**23*****0.2****{eb12}");
        assert!(read(&body, out).dropped.is_empty(), "{eb12}");
    }
    assert!(read("EB*A**23*****0.2****W", od()).dropped.is_empty());
}

#[test]
fn a_category_with_a_code_is_refused_as_the_api_would() {
    // A percent on a category and a code: Open Dental builds it; the API refuses it.
    let body = "EB*A**23*****0.2*****AD:D0120";
    for options in [od(), faithful()] {
        assert_eq!(reason(body, options), Some(DropReason::ApiCategoryWithCode));
    }
}

#[test]
fn a_code_the_office_lacks_or_without_a_qualifier_counts_as_none() {
    // D9999 is not the office's; a bare D0120 has no component 2.
    for code in ["AD:D9999", "D0120"] {
        let body = format!("EB*1************{code}");
        let read = read(&body, od());
        assert!(read.dropped.is_empty(), "{code}");
        assert_eq!(read.rows.len(), 1);
    }
}

fn percent_of(body: &str, options: ReadOptions) -> u8 {
    match &read(body, options).rows[0].shape {
        BenefitShape::Coinsurance { percent, .. } => *percent,
        other => panic!("{other:?}"),
    }
}

#[test]
fn percent_arithmetic_and_the_carriers_inversion() {
    // Open Dental multiplies binary doubles: 0.29 × 100 = 28.999…, truncated to 28.
    for (fraction, od_percent, exact) in [("0.29", 72, 71), ("0.57", 44, 43), ("0.58", 43, 42)] {
        let body = format!("EB*A**23*****{fraction}");
        assert_eq!(percent_of(&body, od()), od_percent, "{fraction}");
        assert_eq!(percent_of(&body, faithful()), exact, "{fraction}");
    }
    assert_eq!(percent_of("EB*A**23*****0.255", od()), 75);
    let inverted = od().coinsurance_inverted(true);
    assert_eq!(percent_of("EB*A**23*****0.8", inverted), 80);
    // The flag never touches a copay's percent: it is always inverted, and refused.
    assert_eq!(
        reason("EB*B**23*****0.2", inverted),
        Some(DropReason::ApiPercentNotCoinsurance)
    );
    // EB08 of 80 (a carrier sending a percent): 8000 inverted, −7900 not; both refused.
    assert_eq!(
        reason("EB*A**23*****80", inverted),
        Some(DropReason::ApiPercentOutOfRange)
    );
}

#[test]
fn faithful_keeps_what_open_dental_drops() {
    // A waiting period on the plan (EB03 32); an age limit without an HSD is listed, since
    // Open Dental reads age limits only on a code group (a 271 names none).
    let read_f = read("EB*F**32******MN*6~EB*F**41******S7*19", faithful());
    let dropped: Vec<_> = read_f.dropped.iter().map(|d| d.reason).collect();
    assert_eq!(dropped, [DropReason::AgeLimitNotRead]);
    assert!(matches!(
        &read_f.rows[0].shape,
        BenefitShape::WaitingPeriod { wait: 6, .. }
    ));
    let read_od = read("EB*F**32******MN*6~EB*F**41******S7*19", od());
    let reasons: Vec<_> = read_od.dropped.iter().map(|d| d.reason).collect();
    assert_eq!(
        reasons,
        [
            DropReason::UnsupportedServiceType,
            DropReason::LimitationWithoutAmount
        ]
    );
}

#[test]
fn faithful_reads_an_hsd_as_a_frequency_or_says_why_not() {
    let frequency = |hsd: &str| {
        let read = read(&format!("EB*F************AD:D0120~{hsd}"), faithful());
        match (read.rows.first().map(|r| &r.shape), read.dropped.first()) {
            (Some(BenefitShape::Frequency(limit)), None) => Ok(limit.frequency),
            (_, Some(dropped)) => Err(dropped.reason),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        frequency("HSD*VS*2***34*12"),
        Ok(Frequency::InLast12Months(2))
    );
    assert_eq!(frequency("HSD*VS*1***21"), Ok(Frequency::EveryYears(1)));
    for unsupported in ["HSD*VS*2***21*5", "HSD*VS*3***35*2", "HSD*VS*0***23"] {
        assert_eq!(
            frequency(unsupported),
            Err(DropReason::HsdUnsupportedFrequency),
            "{unsupported}"
        );
    }
    // An age limit on a code with an HSD: Open Dental overwrites the age with HSD02; Faithful
    // reads the frequency and lists the age limit (Open Dental reads one on a code group only).
    let body = "EB*F********S7*16***AD:D1351~HSD*VS*1***21*3";
    let read_f = read(body, faithful());
    assert!(
        matches!(read_f.rows[..], [ref one] if matches!(one.shape, BenefitShape::Frequency(_)))
    );
    assert_eq!(read_f.dropped[0].reason, DropReason::AgeLimitNotRead);
    let od_row = read(body, od()).rows[0]
        .shape
        .to_new_benefit(Owner::Plan(PlanNum::new(1)));
    assert_eq!(od_row.quantity, Some(1));
}

#[test]
fn faithful_keeps_the_first_of_two_rows_in_one_slot() {
    let body = "EB*A**23*****0.2~EB*A**23*****0.3";
    assert_eq!(reason(body, faithful()), Some(DropReason::Conflicting));
    // Open Dental's key differs (the percent), so it keeps both.
    assert_eq!(read(body, od()).rows.len(), 2);
}

/// EB06 and HSD05 22 (service year) and 23 (calendar year) are the plan's own benefit year
/// under `Faithful`: the row goes without TimePeriod, which the office stores in the plan's
/// year. `OpenDental` keeps the letter.
#[test]
fn faithful_reads_either_year_letter_as_the_plans_benefit_year() {
    let row = |body: &str, options| {
        read(body, options).rows[0]
            .shape
            .to_new_benefit(Owner::Plan(PlanNum::new(1)))
    };
    for letter in ["22", "23"] {
        let max = format!("EB*F*IND*35***{letter}*1500");
        assert_eq!(row(&max, faithful()).time_period, None, "{max}");
        let frequency = format!("EB*F************AD:D0120~HSD*VS*2***{letter}");
        let built = row(&frequency, faithful());
        assert_eq!(built.time_period, None, "{frequency}");
        assert_eq!(built.quantity, Some(2));
    }
    assert_eq!(
        row("EB*F*IND*35***22*1500", od()).time_period,
        Some(TimePeriod::ServiceYear)
    );
    assert_eq!(
        row("EB*F*IND*35***23*1500", od()).time_period,
        Some(TimePeriod::CalendarYear)
    );
    // A limitation counted in months keeps the letter: sent without one, the office would
    // store it with no period at all.
    assert_eq!(
        row("EB*F*IND*35***23*1000**MN*12", faithful()).time_period,
        Some(TimePeriod::CalendarYear)
    );
    // Lifetime and "in the last 12 months" are not a benefit year: kept.
    assert_eq!(
        row("EB*F*IND*38***32*1000", faithful()).time_period,
        Some(TimePeriod::Lifetime)
    );
}

/// MN/YY with no amount is a waiting period only where the 271 says one: EB03 32, or a MSG
/// of the EB's loop saying "waiting". Otherwise it could as well be a frequency: listed.
#[test]
fn months_or_years_are_a_waiting_period_only_where_the_271_says_so() {
    let said = read(
        "EB*F*IND*39******MN*12~MSG*12 month Waiting Period applies~EB*F**32******YY*1",
        faithful(),
    );
    assert!(said.dropped.is_empty(), "{:?}", said.dropped);
    assert!(
        said.rows
            .iter()
            .all(|r| matches!(r.shape, BenefitShape::WaitingPeriod { .. })),
        "{:?}",
        said.rows
    );
    assert_eq!(said.rows.len(), 2);
    for unsaid in [
        "EB*F*IND*39******MN*12",
        "EB*F*IND*39******MN*12~MSG*PROSTHODONTICS",
        "EB*F********YY*5***AD:D2950",
        // A MSG of the next EB's loop says nothing of this one.
        "EB*F*IND*39******MN*12~EB*D**35~MSG*WAITING PERIODS MAY APPLY",
    ] {
        let read = read(unsaid, faithful());
        assert_eq!(
            read.dropped.first().map(|d| (d.ordinal, d.reason)),
            Some((8, DropReason::WaitingPeriodNotStated)),
            "{unsaid}"
        );
        assert!(read.rows.is_empty(), "{unsaid}");
    }
    // With an HSD on a code, the HSD's frequency is read and the months are not a wait.
    let hsd = read("EB*F********MN*6***AD:D1110~HSD*VS*1***34*6", faithful());
    assert!(hsd.dropped.is_empty(), "{:?}", hsd.dropped);
    assert_eq!(hsd.rows.len(), 1);
    assert!(matches!(
        &hsd.rows[0].shape,
        BenefitShape::Frequency(limit) if limit.frequency == Frequency::EveryMonths(6)
    ));
    // A MSG that takes the wait back says none.
    assert_eq!(
        reason("EB*F*IND*39******MN*12~MSG*NO WAITING PERIOD", faithful()),
        Some(DropReason::WaitingPeriodNotStated)
    );
    // Open Dental drops them all alike, said or not.
    assert_eq!(
        reason("EB*F*IND*39******MN*12~MSG*WAITING PERIOD", od()),
        Some(DropReason::LimitationWithoutAmount)
    );
}

/// A repeated EB03 on active coverage would be one ActiveCoverage row per repetition under
/// `Faithful`; Open Dental's benefit logic reads none, so each is listed. One code is a row.
#[test]
fn active_coverage_on_a_repeated_eb03_is_listed_not_written() {
    let read_f = read("EB*1**23^41", faithful());
    let reasons: Vec<_> = read_f.dropped.iter().map(|d| d.reason).collect();
    assert_eq!(
        reasons,
        [
            DropReason::ActiveCoverageRepeated,
            DropReason::ActiveCoverageRepeated
        ]
    );
    assert!(read_f.rows.is_empty());
    assert_eq!(read("EB*1**23", faithful()).rows.len(), 1);
    // Open Dental reads the repetition as one unknown code: one row, no category.
    assert_eq!(read("EB*1**23^41", od()).rows.len(), 1);
}

#[test]
fn only_the_first_transaction_is_read() {
    let body = "EB*C*IND*35***23*50~SE*3*0001~ST*271*0002~HL*3*2*22*0~EB*C*FAM*35***23*150";
    let read = read(body, od());
    assert_eq!(read.rows.len(), 1);
    assert_eq!(read.dropped[0].reason, DropReason::AfterFirstTransaction);
}

#[test]
fn a_line_break_terminator_is_read_only_by_faithful() {
    let text = message("EB*C*IND*35***23*50")
        .replace(":~", ":\n")
        .replace('~', "\n");
    let od_error = read_271(&office(), &text, od()).unwrap_err();
    assert!(matches!(od_error, Error::Eligibility(ref e) if e.name() == "not_x12"));
    let rows = read_271(&office(), &text, faithful()).unwrap().rows;
    assert_eq!(rows.len(), 1);
}

#[test]
fn whole_message_problems_are_typed_errors() {
    let name = |text: &str| match read_271(&office(), text, od()) {
        Err(Error::Eligibility(e)) => e.name(),
        other => panic!("{other:?}"),
    };
    assert_eq!(name("EB*1**35~"), "not_x12");
    assert_eq!(
        name(&message("EB*1**35").replace("ST*271", "ST*270")),
        "not_271"
    );
    let rejected = message("AAA*N**72*C~EB*1**35");
    assert_eq!(name(&rejected), "processing_error");
    let error = read_271(&office(), &rejected, od()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the carrier rejected the request (AAA segment 8, reason code \"72\"): the 271 holds \
         no benefits"
    );
    // An office missing categories reads no 271 at all, naming what is missing.
    let mut cats = categories();
    cats.retain(|c| c.ebenefit_cat != EbenefitCategory::Accident);
    cats.push(CovCat::new(CovCatNum::new(99), "Accident", EbenefitCategory::Accident).hidden(true));
    let missing = EligibilityLookups::new(&cats, []).unwrap_err();
    assert!(matches!(&missing, Error::Eligibility(e) if e.name() == "missing_ebenefit_categories"));
    assert!(
        missing.to_string().contains("categories Accident;"),
        "{missing}"
    );
}

fn any_options() -> impl Strategy<Value = ReadOptions> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(out, inverted, dependent, faithful)| {
            use benefits_sdk::opendental::eligibility::Network;
            ReadOptions::new()
                .network(if out { Network::Out } else { Network::In })
                .coinsurance_inverted(inverted)
                .dependent(dependent)
                .rules(if faithful {
                    RuleSet::Faithful
                } else {
                    RuleSet::OpenDental
                })
        },
    )
}

/// EB and HSD segments from the codes the tables know, and some they do not.
pub(crate) fn eb_segment() -> impl Strategy<Value = String> {
    let pick = |codes: &'static [&'static str]| proptest::sample::select(codes);
    (
        pick(&["1", "A", "B", "C", "E", "F", "I", "D", "ZZ"]),
        pick(&["", "IND", "FAM", "CHD", "TWO"]),
        pick(&["", "30", "35", "23", "41", "25^26", "32", "1", "MH"]),
        pick(&["", "21", "22", "23", "29", "32"]),
        pick(&["", "0", "50", "1500.50", "x"]),
        pick(&["", "0", "0.2", "0.29", "1", "80"]),
        pick(&["", "VS", "S7", "MN", "YY", "P6", "DY"]),
        pick(&["", "0", "2", "19.0", "101", "300"]),
        pick(&["", "Y", "N", "U", "W"]),
        pick(&["", "AD:D0120", "D0120", "AD:D9999"]),
        pick(&["", "~HSD*VS*2***23", "~HSD*VS*1***21*5", "~HSD*VS*1***34*60", "~HSD*VS*300***23", "~HSD*VS*2***99", "~HSD*VS*2"]),
    )
        .prop_map(|(eb01, eb02, eb03, eb06, eb07, eb08, eb09, eb10, eb12, eb13, hsd)| {
            format!("EB*{eb01}*{eb02}*{eb03}***{eb06}*{eb07}*{eb08}*{eb09}*{eb10}**{eb12}*{eb13}{hsd}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes never panic: an error or a reading.
    #[test]
    fn any_bytes_read_or_fail_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..400), options in any_options()) {
        let _ = read_271(&office(), &bytes, options);
        let mut framed = ISA.as_bytes().to_vec();
        framed.extend_from_slice(&bytes);
        let _ = read_271(&office(), &framed, options);
    }

    /// Faithful's rows always pass the API's documented rules, and every EB is accounted for:
    /// a row or a drop.
    #[test]
    fn faithful_rows_always_pass_validate(
        ebs in proptest::collection::vec(eb_segment(), 1..6),
        options in any_options(),
    ) {
        let options = options.rules(RuleSet::Faithful);
        let read = read(&ebs.join("~"), options);
        for row in &read.rows {
            let new = row.shape.to_new_benefit(row.owner.owner(PlanNum::new(1), 2.into()));
            prop_assert!(new.validate().is_ok(), "{:?} {:?}", new, new.validate());
        }
        let mut accounted: Vec<usize> = read.rows.iter().map(|r| r.ordinal)
            .chain(read.dropped.iter().map(|d| d.ordinal)).collect();
        accounted.sort();
        accounted.dedup();
        prop_assert_eq!(accounted.len(), ebs.len());
    }

    /// Open Dental's rows pass the API's rules too: what it would refuse is dropped instead.
    #[test]
    fn open_dental_rows_pass_validate(
        ebs in proptest::collection::vec(eb_segment(), 1..6),
        options in any_options(),
    ) {
        let read = read(&ebs.join("~"), options.rules(RuleSet::OpenDental));
        for row in &read.rows {
            let new = row.shape.to_new_benefit(Owner::Plan(PlanNum::new(1)));
            prop_assert!(new.validate().is_ok(), "{:?}", new);
        }
    }
}

#[test]
fn the_fixtures_read_in_every_mode_without_error() {
    for file in [FILE_01, FILE_02, FILE_03, FILE_04] {
        for rules in [RuleSet::OpenDental, RuleSet::Faithful] {
            let read = read_271(&office(), file, ReadOptions::new().rules(rules)).unwrap();
            assert!(!read.rows.is_empty());
        }
    }
}
