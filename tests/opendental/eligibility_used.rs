//! A carrier's 271 read as "used" figures (spec `opendental-insurance-used-notes.md` §4.1):
//! each line check's skip reason, in order, on one-EB messages; the loops, the JSON form, the
//! fixtures; then the change each target makes (§4.1's second table), its sentence and JSON,
//! and properties: Open Dental's arithmetic exactly, and no panic on any input.

use benefits_sdk::opendental::eligibility::{
    AmountOf, BenefitLoop, CarrierFigures, Eligibility, EligibilityInput, Figure, FigureOptions,
    LineVerdict, Network, OfficeFigures, ReadOptions, RuleSet, StatedLevel, StatedPeriod,
    UsedChange, UsedSkip, carrier_figures, read_271, read_eligibility, used_change,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::eligibility::{FILE_01, FILE_02, FILE_03, office};
use crate::eligibility_rules::message;

const JSON_01: &[u8] = include_bytes!("../fixtures/eligibility-json/01-subscriber-ppo.json");
const JSON_03: &[u8] = include_bytes!("../fixtures/eligibility-json/03-dependent.json");

const ISA: &str = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*OFFICE         \
                   *251104*0932*^*00501*000000001*0*P*:~";

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A 271 with a subscriber loop (2110C) and a dependent loop (2110D).
fn with_dependent(subscriber: &str, dependent: &str) -> String {
    format!(
        "{ISA}GS*HB*P*O*20251104*0932*1*X*005010X279A1~ST*271*0001*005010X279A1~\
         BHT*0022*11*X*20251104*0932~HL*1**20*1~HL*2*1*21*1~HL*3*2*22*1~{subscriber}~\
         HL*4*3*23*0~{dependent}~SE*9*0001~GE*1*1~IEA*1*000000001~"
    )
}

fn figures_of(text: impl AsRef<[u8]>, read: ReadOptions, options: FigureOptions) -> CarrierFigures {
    carrier_figures(&read_271(&office(), text, read).unwrap(), options)
}

/// The verdict of the one figure line of a one-EB message, under both rule sets (they agree).
fn verdict(body: &str, options: FigureOptions) -> Option<LineVerdict> {
    let mut seen = Vec::new();
    for rules in [RuleSet::OpenDental, RuleSet::Faithful] {
        let read = ReadOptions::new().rules(rules);
        let figures = figures_of(message(body), read, options);
        assert!(figures.lines.len() <= 1, "{body}");
        seen.push(figures.lines.first().map(|l| l.verdict.clone()));
    }
    assert_eq!(seen[0], seen[1], "{body}");
    seen.pop().unwrap()
}

fn skipped(reason: UsedSkip) -> Option<LineVerdict> {
    Some(LineVerdict::Skipped { reason })
}

fn figure(figure: Figure, amount: &str) -> Option<LineVerdict> {
    Some(LineVerdict::Figure {
        figure,
        amount: d(amount),
    })
}

#[test]
fn each_line_check_skips_with_its_reason_in_the_spec_order() {
    use UsedSkip::*;
    let cases = [
        ("EB*G*IND*35***29*100", skipped(NoOpenDentalTarget)),
        ("EB*G*FAM*38***33*x*****N", skipped(NoOpenDentalTarget)),
        ("EB*F*IND*35***33*100", skipped(Lifetime)),
        ("EB*C*FAM*38***33", skipped(Lifetime)),
        ("EB*F*FAM*35***29*100", skipped(Family)),
        ("EB*C*ECH*35***24*100", skipped(Family)),
        ("EB*F*ESP*38***29*x*****N", skipped(Family)),
        ("EB*F*EMP*35***29*100", skipped(CoverageLevel)),
        ("EB*F*CHD*35***29*100", skipped(CoverageLevel)),
        ("EB*F**35***29*100", skipped(CoverageLevel)),
        ("EB*F*TWO*35***29*100", skipped(CoverageLevel)),
        ("EB*F*IND*38***29*100", skipped(CategoryNotGeneral)),
        ("EB*F*IND*23***29*100", skipped(CategoryNotGeneral)),
        ("EB*F*IND*4***29*100", skipped(CategoryNotGeneral)),
        ("EB*F*IND*35^23***29*100", skipped(CategoryNotGeneral)),
        ("EB*F*IND*30***29*100", skipped(CategoryNotGeneral)),
        ("EB*F*IND*MH***29*x*****N", skipped(CategoryNotGeneral)),
        ("EB*F*IND*35***29*100*****N", skipped(Network)),
        ("EB*F*IND*35***29*100*****U", skipped(Network)),
        ("EB*F*IND*35***29*100*****X", skipped(Network)),
        ("EB*F*IND*35***29*x*****N", skipped(Network)),
        ("EB*F*IND*35***29", skipped(NoAmount)),
        ("EB*F*IND*35***29*1,500", skipped(NoAmount)),
        ("EB*F*IND*35***29*$50", skipped(NoAmount)),
        ("EB*F*IND*35***29*1E30", skipped(NoAmount)),
        ("EB*C*IND*35***24*-5", skipped(NegativeAmount)),
        (
            "EB*F*IND*35***29*1125.50*****Y",
            figure(Figure::MaxRemaining, "1125.50"),
        ),
        (
            "EB*F*IND*35***24*374.50*****W",
            figure(Figure::MaxUsed, "374.50"),
        ),
        (
            "EB*C*IND*35***29*20",
            figure(Figure::DeductibleRemaining, "20"),
        ),
        ("EB*C*IND****24*0", figure(Figure::DeductibleUsed, "0")),
        // Not figure lines: another EB06 or EB01.
        ("EB*F*IND*35***23*1500", None),
        ("EB*F*IND*35***30*1500", None),
        ("EB*A*IND*35***29*100", None),
        ("EB*1*IND*35***29*100", None),
    ];
    for (body, expected) in cases {
        assert_eq!(verdict(body, FigureOptions::new()), expected, "{body}");
    }
}

#[test]
fn the_network_chosen_keeps_its_own_lines_and_w_and_blank() {
    use UsedSkip::Network as Other;
    let out = FigureOptions::new().network(Network::Out);
    let max = |amount| figure(Figure::MaxRemaining, amount);
    for (eb12, in_network, out_of_network) in [
        ("Y", max("1"), skipped(Other)),
        ("N", skipped(Other), max("1")),
        ("U", skipped(Other), max("1")),
        ("W", max("1"), max("1")),
        ("", max("1"), max("1")),
        ("Z", skipped(Other), skipped(Other)),
    ] {
        let body = format!("EB*F*IND*35***29*1*****{eb12}");
        assert_eq!(verdict(&body, FigureOptions::new()), in_network, "{eb12}");
        assert_eq!(verdict(&body, out), out_of_network, "{eb12}");
    }
}

#[test]
fn service_type_30_is_read_only_when_asked() {
    let body = "EB*F*IND*30***29*700";
    let accept = FigureOptions::new().accept_service_type_30(true);
    assert_eq!(
        verdict(body, FigureOptions::new()),
        skipped(UsedSkip::CategoryNotGeneral)
    );
    assert_eq!(verdict(body, accept), figure(Figure::MaxRemaining, "700"));
    assert_eq!(
        verdict("EB*F*IND*38***29*700", accept),
        skipped(UsedSkip::CategoryNotGeneral)
    );
}

#[test]
fn only_the_patients_own_loop_gives_figures() {
    let text = with_dependent("EB*F*IND*35***29*500", "EB*F*IND*35***29*820");
    let loops = |dependent: bool| -> Vec<(BenefitLoop, Option<LineVerdict>)> {
        let read = ReadOptions::new().dependent(dependent);
        figures_of(&text, read, FigureOptions::new())
            .lines
            .into_iter()
            .map(|l| (l.loop_id, Some(l.verdict)))
            .collect()
    };
    let other = skipped(UsedSkip::OtherMember);
    assert_eq!(
        loops(true),
        [
            (BenefitLoop::Subscriber, other.clone()),
            (BenefitLoop::Dependent, figure(Figure::MaxRemaining, "820")),
        ]
    );
    assert_eq!(
        loops(false),
        [
            (BenefitLoop::Subscriber, figure(Figure::MaxRemaining, "500")),
            (BenefitLoop::Dependent, other),
        ]
    );
    // A dependent's request answered with no 2110D: the 2110C is the patient's, as for rows.
    let read = ReadOptions::new().dependent(true);
    let alone = figures_of(message("EB*F*IND*35***29*500"), read, FigureOptions::new());
    assert_eq!(
        Some(alone.lines[0].verdict.clone()),
        figure(Figure::MaxRemaining, "500")
    );
}

#[test]
fn a_later_transaction_is_listed_not_read() {
    let text = format!(
        "{ISA}GS*HB*P*O*20251104*0932*1*X*005010X279A1~ST*271*0001~HL*3*2*22*0~\
         EB*F*IND*35***29*500~SE*3*0001~ST*271*0002~HL*3*2*22*0~EB*F*IND*35***29*600~\
         SE*3*0002~GE*2*1~IEA*1*000000001~"
    );
    let figures = figures_of(text, ReadOptions::new(), FigureOptions::new());
    let verdicts: Vec<_> = figures
        .lines
        .iter()
        .map(|l| Some(l.verdict.clone()))
        .collect();
    assert_eq!(
        verdicts,
        [
            figure(Figure::MaxRemaining, "500"),
            skipped(UsedSkip::AfterFirstTransaction)
        ]
    );
}

#[test]
fn stated_amounts_are_the_general_ones_of_the_patients_loop() {
    let body = "EB*F*IND*35***23*1500~EB*C*FAM*35***22*150~EB*F*IND*38***32*1000~\
                EB*C*IND*35***23*50*****N~EB*F*IND****21*2000~EB*F*EMP*35***23*9~\
                EB*C*IND*35***25*75~EB*F*IND*35***32*5000";
    let figures = figures_of(message(body), ReadOptions::new(), FigureOptions::new());
    assert!(figures.lines.is_empty());
    let stated: Vec<_> = figures
        .stated
        .iter()
        .map(|s| (s.of, s.level, s.period, s.amount))
        .collect();
    use AmountOf::*;
    assert_eq!(
        stated,
        [
            (
                Maximum,
                StatedLevel::Individual,
                StatedPeriod::CalendarYear,
                d("1500")
            ),
            (
                Deductible,
                StatedLevel::Family,
                StatedPeriod::ServiceYear,
                d("150")
            ),
            (
                Maximum,
                StatedLevel::Individual,
                StatedPeriod::Years,
                d("2000")
            ),
            (
                Deductible,
                StatedLevel::Individual,
                StatedPeriod::Contract,
                d("75")
            ),
            (
                Maximum,
                StatedLevel::Individual,
                StatedPeriod::Lifetime,
                d("5000")
            ),
        ]
    );
}

/// Each figure line of the fixtures: (ordinal, verdict).
fn lines(figures: &CarrierFigures) -> Vec<(usize, Option<LineVerdict>)> {
    figures
        .lines
        .iter()
        .map(|l| (l.ordinal, Some(l.verdict.clone())))
        .collect()
}

#[test]
fn the_fixtures_figures() {
    let options = FigureOptions::new();
    let one = figures_of(FILE_01, ReadOptions::new(), options);
    assert_eq!(
        lines(&one),
        [
            (38, figure(Figure::DeductibleRemaining, "20")),
            (43, figure(Figure::MaxRemaining, "1125.50")),
        ]
    );
    assert!(one.lines.iter().all(|l| l.segment.starts_with("EB*")));
    let two = figures_of(FILE_02, ReadOptions::new(), options);
    assert_eq!(lines(&two), [(38, figure(Figure::MaxRemaining, "1650"))]);
    let dependent = ReadOptions::new().dependent(true);
    let three = figures_of(FILE_03, dependent, options);
    assert_eq!(
        lines(&three),
        [
            (19, skipped(UsedSkip::Family)),
            (50, figure(Figure::MaxRemaining, "820")),
        ]
    );
}

#[test]
fn json_gives_the_x12_figures_and_names_no_loop_once_a_dependent_is_there() {
    let json = |bytes, read| {
        let read = read_eligibility(&office(), EligibilityInput::Json(bytes), read).unwrap();
        carrier_figures(&read, FigureOptions::new())
    };
    let from_json = json(JSON_01, ReadOptions::new());
    let from_x12 = figures_of(FILE_01, ReadOptions::new(), FigureOptions::new());
    let verdicts = |f: &CarrierFigures| {
        f.lines
            .iter()
            .map(|l| l.verdict.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(verdicts(&from_json), verdicts(&from_x12));
    assert_eq!(from_json.stated.len(), from_x12.stated.len());
    assert!(
        from_json
            .lines
            .iter()
            .all(|l| l.loop_id == BenefitLoop::Unknown)
    );
    // Entries 16 and 20 are the EBs of ordinals 38 and 43 (the fixtures' README).
    let entries: Vec<_> = from_json.lines.iter().map(|l| l.ordinal).collect();
    assert_eq!(entries, [16, 20]);
    // 03 has a dependent: the family line is still `family`, the patient's is unknown.
    for rules in [RuleSet::OpenDental, RuleSet::Faithful] {
        let three = json(JSON_03, ReadOptions::new().dependent(true).rules(rules));
        assert_eq!(
            verdicts(&three),
            [
                LineVerdict::Skipped {
                    reason: UsedSkip::Family
                },
                LineVerdict::Skipped {
                    reason: UsedSkip::UnknownLoop
                },
            ]
        );
    }
    // A synthetic response with no dependent: its remaining is read.
    let synthetic = br#"{"benefitsInformation": [
        {"code": "F", "coverageLevelCode": "IND", "serviceTypeCodes": ["35"],
         "timeQualifierCode": "29", "benefitAmount": 1125.5},
        {"code": "C", "coverageLevelCode": "IND", "serviceTypeCodes": ["35"],
         "timeQualifierCode": "29", "benefitAmount": "20", "inPlanNetworkIndicatorCode": "N"}
    ]}"#;
    let read = json(synthetic, ReadOptions::new());
    assert_eq!(
        verdicts(&read),
        [
            LineVerdict::Figure {
                figure: Figure::MaxRemaining,
                amount: d("1125.5")
            },
            LineVerdict::Skipped {
                reason: UsedSkip::Network
            },
        ]
    );
}

#[test]
fn a_deserialized_reading_keeps_its_rows_but_gives_no_figures() {
    let read = read_271(&office(), FILE_01, ReadOptions::new()).unwrap();
    let json = serde_json::to_string(&read).unwrap();
    let back: Eligibility = serde_json::from_str(&json).unwrap();
    assert_eq!(back.rows, read.rows);
    assert!(
        carrier_figures(&back, FigureOptions::new())
            .lines
            .is_empty()
    );
    assert!(
        !carrier_figures(&read, FigureOptions::new())
            .lines
            .is_empty()
    );
}

// ---- The change (§4.1's second table, §5). ----

/// The office's figures for 2026 as of 2026-03-15.
fn office_2026() -> OfficeFigures {
    OfficeFigures::new(day("2026-01-01"), day("2027-01-01"), day("2026-03-15"))
}

fn with(max: Option<&str>, deductible: Option<&str>) -> OfficeFigures {
    let mut office = office_2026();
    office.annual_max = max.map(d);
    office.deductible = deductible.map(d);
    office
}

fn change(body: &str, office: &OfficeFigures) -> UsedChange {
    let figures = figures_of(message(body), ReadOptions::new(), FigureOptions::new());
    used_change(&figures, office).unwrap()
}

/// (insUsed, deductibleUsed, the skipped lines' reasons).
fn outcome(change: &UsedChange) -> (Option<Decimal>, Option<Decimal>, Vec<UsedSkip>) {
    (
        change.ins_used.as_ref().map(|p| p.total),
        change.deductible_used.as_ref().map(|p| p.total),
        change.skipped.iter().map(|s| s.reason).collect(),
    )
}

/// insUsed, deductibleUsed and the skipped lines' reasons, as written in a table.
type Expected = (Option<&'static str>, Option<&'static str>, Vec<UsedSkip>);

#[test]
fn each_target_and_its_skip_reasons() {
    use UsedSkip::*;
    let (m, dd) = (Some("1500"), Some("50"));
    let cases: [(&str, OfficeFigures, Expected); 11] = [
        (
            "EB*F*IND*35***29*1125.50",
            with(m, None),
            (Some("374.50"), None, vec![]),
        ),
        (
            "EB*F*IND*35***29*1125.50",
            with(None, dd),
            (None, None, vec![NoOpenDentalAmount]),
        ),
        (
            "EB*F*IND*35***29*1500.01",
            with(m, dd),
            (None, None, vec![RemainingExceedsOpenDentalAmount]),
        ),
        (
            "EB*F*IND*35***29*1499",
            with(m, dd),
            (Some("1"), None, vec![]),
        ),
        (
            "EB*F*IND*35***24*300",
            with(None, None),
            (Some("300"), None, vec![]),
        ),
        (
            "EB*C*IND*35***29*20",
            with(None, dd),
            (None, Some("30"), vec![]),
        ),
        (
            "EB*C*IND*35***29*20",
            with(m, None),
            (None, None, vec![NoOpenDentalAmount]),
        ),
        (
            "EB*C*IND*35***29*60",
            with(m, dd),
            (None, None, vec![RemainingExceedsOpenDentalAmount]),
        ),
        (
            "EB*C*IND*35***24*35",
            with(None, None),
            (None, Some("35"), vec![]),
        ),
        (
            "EB*F*IND*35***29*1125.50~EB*F*IND*35***24*400~EB*C*IND*35***29*20",
            with(m, dd),
            (
                None,
                Some("30"),
                vec![ConflictingFigures, ConflictingFigures],
            ),
        ),
        (
            "EB*G*IND*35***29*900~EB*F*IND*35***29*1125.50~EB*F*IND*35***24*374.5~\
             EB*F*FAM*35***29*3000",
            with(m, dd),
            (Some("374.50"), None, vec![NoOpenDentalTarget, Family]),
        ),
    ];
    for (body, office, (ins, ded, reasons)) in cases {
        let got = change(body, &office);
        assert_eq!(outcome(&got), (ins.map(d), ded.map(d), reasons), "{body}");
        // Open Dental shows 0 used: every total but 0 is a write.
        match got.send {
            Some(send) => {
                assert_eq!(
                    (send.ins_used, send.deductible_used),
                    (ins.map(d), ded.map(d))
                );
                assert_eq!(send.date, day("2026-03-15"));
            }
            None => assert_eq!((ins, ded), (None, None), "{body}"),
        }
    }
}

#[test]
fn agreeing_lines_give_one_total_with_both_lines() {
    let body = "EB*F*IND*35***29*1125.50~EB*F*IND*35***24*374.5";
    let got = change(body, &with(Some("1500"), None));
    let proposed = got.ins_used.unwrap();
    assert_eq!(proposed.total, d("374.50"));
    let ordinals: Vec<_> = proposed.lines.iter().map(|l| l.ordinal).collect();
    assert_eq!(ordinals, [8, 9]);
    assert!(got.skipped.is_empty());
}

#[test]
fn the_sentence_says_what_open_dental_shows_what_the_carrier_says_and_what_is_set() {
    let office = with(Some("1500"), None);
    let got = change("EB*F*IND*35***29*1125.50", &office);
    assert_eq!(
        got.to_string(),
        "Open Dental shows $0 used of $1,500; the carrier says $1,125.50 remains; set \
         insurance used to $374.50 for the benefit year starting 2026-01-01"
    );
    let mut shows = with(Some("1500"), Some("50"));
    (shows.used, shows.pending, shows.deductible_used) = (d("374.50"), d("100"), d("10"));
    let got = change(
        "EB*F*IND*35***29*1125.50~EB*C*IND*35***24*10~EB*F*IND*35***23*2000~EB*G*IND****29*5",
        &shows,
    );
    assert_eq!(
        got.to_string(),
        "Open Dental shows $374.50 used of $1,500; the carrier says $1,125.50 remains; \
         insurance used stays $374.50; deductible: Open Dental shows $10 used of $50; the \
         carrier says $10 used; deductible used stays $10; nothing to write for the benefit \
         year starting 2026-01-01 ($100 pending, not netted; 1 line(s) skipped; 1 plan \
         amount(s) differ from the carrier's)"
    );
    assert!(!got.needs_write());
    assert_eq!(got.send, None);
    let ytd = change("EB*F*IND*35***24*300", &office_2026());
    assert_eq!(
        ytd.to_string(),
        "Open Dental shows $0 used (no annual maximum); the carrier says $300 used; set \
         insurance used to $300 for the benefit year starting 2026-01-01"
    );
    let nothing = change("EB*G*IND****29*5", &shows);
    assert!(
        nothing
            .to_string()
            .starts_with("the carrier gives no figure")
    );
}

#[test]
fn pending_is_beside_never_netted() {
    let mut office = with(Some("1500"), None);
    office.pending = d("200");
    let got = change("EB*F*IND*35***29*1125.50", &office);
    assert_eq!(got.ins_used.unwrap().total, d("374.50"));
    assert_eq!(got.office.pending, d("200"));
}

#[test]
fn one_changed_total_sends_both() {
    let mut office = with(Some("1500"), Some("50"));
    office.deductible_used = d("30");
    let got = change("EB*F*IND*35***29*1125.50~EB*C*IND*35***29*20", &office);
    let send = got.send.unwrap();
    assert_eq!(
        (send.ins_used, send.deductible_used),
        (Some(d("374.50")), Some(d("30")))
    );
    // Once sent, Open Dental's remaining figures are the carrier's.
    let after = got.office_after();
    assert_eq!(after.remaining(), Some(d("1125.50")));
    assert_eq!(after.deductible_remaining(), Some(d("20")));
    assert_eq!(got.office.remaining(), Some(d("1500")));
}

#[test]
fn the_office_amounts_that_differ_from_the_carriers_are_found() {
    let body = "EB*F*IND*35***23*1500~EB*C*IND*35***22*75~EB*F*FAM*35***23*3000~\
                EB*C*IND*35***21*99~EB*F*IND*35***29*1125.50";
    let found = |office: &OfficeFigures| -> Vec<(AmountOf, Option<Decimal>, Decimal)> {
        change(body, office)
            .findings
            .iter()
            .map(|f| (f.of, f.office, f.carrier))
            .collect()
    };
    assert_eq!(
        found(&with(Some("1000"), Some("75"))),
        [(AmountOf::Maximum, Some(d("1000")), d("1500"))]
    );
    assert_eq!(
        found(&with(Some("1500"), None)),
        [(AmountOf::Deductible, None, d("75"))]
    );
    assert_eq!(found(&with(Some("1500.00"), Some("75"))), []);
    // The remaining above the out-of-date maximum is skipped; the finding says why.
    let got = change(body, &with(Some("1000"), None));
    assert_eq!(
        outcome(&got).2,
        [UsedSkip::RemainingExceedsOpenDentalAmount]
    );
}

#[test]
fn the_as_of_date_must_be_inside_the_benefit_year() {
    let figures = figures_of(
        message("EB*F*IND*35***29*100"),
        ReadOptions::new(),
        FigureOptions::new(),
    );
    let at = |as_of: &str| {
        let mut office = with(Some("1500"), None);
        office.as_of = day(as_of);
        used_change(&figures, &office)
    };
    assert!(at("2026-01-01").is_ok());
    assert!(at("2026-12-31").is_ok());
    let error = at("2027-01-01").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the as-of date 2027-01-01 is outside the benefit year [2026-01-01, 2027-01-01)"
    );
    assert!(at("2025-12-31").is_err());
}

#[test]
fn the_json_form_names_every_reason_in_snake_case() {
    let mut office = with(Some("1500"), None);
    office.used = d("100");
    let got = change("EB*F*IND*35***29*1125.50~EB*F*FAM*35***29*3000", &office);
    let json = serde_json::to_value(&got).unwrap();
    assert_eq!(json["ins_used"]["total"], "374.50");
    assert_eq!(json["ins_used"]["lines"][0]["verdict"], "figure");
    assert_eq!(json["ins_used"]["lines"][0]["figure"], "max_remaining");
    assert_eq!(json["ins_used"]["lines"][0]["loop"], "2110C");
    assert_eq!(json["skipped"][0]["reason"], "family");
    assert_eq!(json["send"]["ins_used"], "374.50");
    assert_eq!(json["send"]["deductible_used"], serde_json::Value::Null);
    assert_eq!(json["send"]["date"], "2026-03-15");
    assert_eq!(json["office"]["annual_max"], "1500");
    assert_eq!(json["office"]["year_start"], "2026-01-01");
    let figures = figures_of(
        message("EB*G*IND*35***29*1"),
        ReadOptions::new(),
        FigureOptions::new(),
    );
    let json = serde_json::to_value(&figures).unwrap();
    assert_eq!(json["lines"][0]["verdict"], "skipped");
    assert_eq!(json["lines"][0]["reason"], "no_open_dental_target");
}

// ---- Properties. ----

/// An amount in cents, up to $100,000.
fn cents() -> impl Strategy<Value = Decimal> {
    (0..10_000_000i64).prop_map(|c| Decimal::new(c, 2))
}

/// Pieces an EB of amounts is made of, good and bad.
fn eb_body() -> impl Strategy<Value = String> {
    let pick = |xs: &'static [&'static str]| proptest::sample::select(xs);
    let eb = (
        pick(&["C", "F", "G", "A", ""]),
        pick(&["IND", "FAM", "EMP", "", "ECH"]),
        pick(&["35", "", "30", "38", "35^23"]),
        pick(&["29", "24", "33", "23", "22", "32", "21", "25", ""]),
        pick(&[
            "1125.50",
            "0",
            "-3",
            "1,500",
            "",
            "1E30",
            "99999999999999999999999999999",
        ]),
        pick(&["", "Y", "N", "U", "W", "Q"]),
    )
        .prop_map(|(b, l, s, p, a, n)| format!("EB*{b}*{l}*{s}***{p}*{a}*****{n}"));
    proptest::collection::vec(eb, 0..8).prop_map(|ebs| ebs.join("~"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Open Dental's arithmetic exactly: insUsed = M − R, and once Used = insUsed, Open
    /// Dental's Remaining is max(0, M − insUsed − pending).
    #[test]
    fn ins_used_is_the_max_less_the_remaining(
        (max, remaining) in (cents(), cents()).prop_map(|(a, b)| (a.max(b), a.min(b))),
        used in cents(),
        pending in cents(),
    ) {
        let mut office = with(None, None);
        (office.annual_max, office.used, office.pending) = (Some(max), used, pending);
        let got = change(&format!("EB*F*IND*35***29*{remaining}"), &office);
        let total = got.ins_used.as_ref().unwrap().total;
        prop_assert_eq!(total, max - remaining);
        prop_assert_eq!(got.needs_write(), total != used);
        let after = got.office_after();
        prop_assert_eq!(after.used, total);
        prop_assert_eq!(after.remaining(), Some((max - total - pending).max(Decimal::ZERO)));
        prop_assert_eq!(after.remaining(), Some((remaining - pending).max(Decimal::ZERO)));
    }

    /// A remaining above the office's maximum is skipped, never clamped.
    #[test]
    fn a_remaining_above_the_max_is_never_clamped(max in cents(), over in 1..1_000_000i64) {
        let remaining = max + Decimal::new(over, 2);
        let got = change(&format!("EB*F*IND*35***29*{remaining}"), &with(Some(&max.to_string()), None));
        prop_assert!(got.ins_used.is_none());
        prop_assert!(got.send.is_none());
        prop_assert_eq!(outcome(&got).2, vec![UsedSkip::RemainingExceedsOpenDentalAmount]);
    }

    /// Any mix of amount lines, under any options, reads and changes without a panic, and
    /// every figure line is accounted for: proposed or skipped.
    #[test]
    fn any_amount_lines_are_all_accounted_for(
        body in eb_body(),
        dependent in any::<bool>(),
        out in any::<bool>(),
        thirty in any::<bool>(),
        max in proptest::option::of(cents()),
        deductible in proptest::option::of(cents()),
    ) {
        let network = if out { Network::Out } else { Network::In };
        let options = FigureOptions::new().network(network).accept_service_type_30(thirty);
        let text = with_dependent(&body, &body);
        let figures = figures_of(&text, ReadOptions::new().dependent(dependent), options);
        let mut office = with(None, None);
        (office.annual_max, office.deductible) = (max, deductible);
        let got = used_change(&figures, &office).unwrap();
        let _ = got.to_string();
        let proposed = [&got.ins_used, &got.deductible_used]
            .into_iter()
            .flatten()
            .map(|p| p.lines.len())
            .sum::<usize>();
        prop_assert_eq!(proposed + got.skipped.len(), figures.lines.len());
    }

    /// Arbitrary bytes, as X12 or JSON, never panic.
    #[test]
    fn any_bytes_give_figures_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let office_2026 = office_2026();
        for input in [EligibilityInput::X12(&bytes), EligibilityInput::Json(&bytes)] {
            if let Ok(read) = read_eligibility(&office(), input, ReadOptions::new()) {
                let figures = carrier_figures(&read, FigureOptions::new());
                let _ = used_change(&figures, &office_2026).map(|c| c.to_string());
            }
        }
        let mut prefixed = format!("{ISA}GS*HB~ST*271~EB*F*IND*35***29*").into_bytes();
        prefixed.extend_from_slice(&bytes);
        if let Ok(read) = read_271(&office(), &prefixed, ReadOptions::new()) {
            let figures = carrier_figures(&read, FigureOptions::new());
            let _ = used_change(&figures, &office_2026).map(|c| c.to_string());
        }
    }
}

/// Two lines the carrier sends for one figure that contradict each other conflict, even when
/// one of them would be skipped on its own as above the office's amount.
#[test]
fn contradicting_lines_conflict_before_either_is_judged() {
    let office = with(Some("1000"), None);
    let got = change("EB*F*IND*35***29*700~EB*F*IND*35***29*1200", &office);
    assert_eq!(got.ins_used, None);
    assert_eq!(got.send, None);
    let reasons: Vec<_> = got.skipped.iter().map(|s| s.reason).collect();
    assert_eq!(
        reasons,
        [UsedSkip::ConflictingFigures, UsedSkip::ConflictingFigures]
    );
    // Agreeing lines above the office's amount are each skipped as that.
    let got = change("EB*F*IND*35***29*1200~EB*F*IND*35***24*-200", &office);
    assert_eq!(got.send, None);
}
