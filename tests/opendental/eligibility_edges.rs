//! Numbers, errors and edges as carriers send them (issue 27 §3): each under both rule sets,
//! each failing on the reader before it.

use benefits_sdk::opendental::BenefitShape;
use benefits_sdk::opendental::eligibility::{
    DropReason, Eligibility, FindingKind, ReadOptions, RuleSet, read_271,
};
use benefits_sdk::{EligibilityErrorKind, Error};
use rust_decimal::Decimal;

use crate::eligibility::{FILE_01, office};
use crate::eligibility_rules::message;

const ISA: &str = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*OFFICE         \
                   *251104*0932*^*00501*000000001*0*P*:~";

fn od() -> ReadOptions {
    ReadOptions::new().rules(RuleSet::OpenDental)
}

fn read_text(text: impl AsRef<[u8]>, options: ReadOptions) -> Eligibility {
    read_271(&office(), text, options).unwrap()
}

fn read(body: &str, options: ReadOptions) -> Eligibility {
    read_text(message(body), options)
}

/// The amounts of the rows, in order (none where a row has none).
fn amounts(e: &Eligibility) -> Vec<Option<Decimal>> {
    e.rows
        .iter()
        .map(|r| r.shape.to_new_benefit(owner()).monetary_amt)
        .collect()
}

fn owner() -> benefits_sdk::opendental::Owner {
    benefits_sdk::opendental::Owner::Plan(benefits_sdk::opendental::PlanNum::new(1))
}

fn reasons(e: &Eligibility) -> Vec<(usize, DropReason)> {
    e.dropped.iter().map(|d| (d.ordinal, d.reason)).collect()
}

#[test]
fn open_dental_reads_a_grouped_number_as_dotnet_does_and_says_so() {
    let e = read("EB*F*IND*35***23*1,500", od());
    assert_eq!(amounts(&e), [Some(Decimal::from(1500))]);
    let found: Vec<_> = e
        .findings
        .iter()
        .map(|f| (f.kind, f.detail.as_str()))
        .collect();
    assert_eq!(found, [(FindingKind::NumberNotX12, "EB07")]);
    // What .NET cannot read is 0, as Open Dental makes it, and said.
    let e = read("EB*F*IND*35***23*$1500", od());
    assert_eq!(amounts(&e), [Some(Decimal::ZERO)]);
    assert_eq!(e.findings[0].kind, FindingKind::NumberReadAsZero);
    // A number of the X12 type is no finding.
    assert!(read("EB*F*IND*35***23*1500.00", od()).findings.is_empty());
}

#[test]
fn faithful_drops_a_number_outside_the_x12_type_never_zero() {
    for body in [
        "EB*F*IND*35***23*1,500",
        "EB*F*IND*35***23*$1500",
        "EB*A**23*****0,8",
        "EB*F************AD:D0120~HSD*VS*1,0***22",
    ] {
        let e = read(body, ReadOptions::new());
        assert!(e.rows.is_empty(), "{body}: {:?}", e.rows);
        assert_eq!(reasons(&e), [(8, DropReason::NumberNotX12)], "{body}");
    }
    let e = read("EB*F*IND*35***23*1.5E3", ReadOptions::new());
    assert_eq!(amounts(&e), [Some(Decimal::from(1500))]);
}

#[test]
fn an_aaa_in_a_benefit_loop_rejects_one_benefit_not_the_message() {
    let body = "EB*A**23*****0.2~AAA*N**42*R~EB*C*IND*35***23*50";
    for options in [od(), ReadOptions::new()] {
        let e = read(body, options);
        assert_eq!(e.rows.len(), 2, "{options:?}");
        let found: Vec<_> = e
            .findings
            .iter()
            .map(|f| (f.ordinal, f.kind, f.detail.as_str()))
            .collect();
        assert_eq!(found, [(8, FindingKind::BenefitRejected, "42")]);
    }
    // An AAA of the request's own loops (2100C, before any EB) still rejects it all.
    let whole = read_271(&office(), message("AAA*N**72*C~EB*C*IND*35***23*50"), od());
    let Err(Error::Eligibility(e)) = whole else {
        panic!("{whole:?}")
    };
    assert!(matches!(
        e.kind,
        EligibilityErrorKind::ProcessingError { ordinal: 8, .. }
    ));
}

#[test]
fn reason_names_in_json_are_the_documented_names() {
    let json = serde_json::to_value(DropReason::ApiQuantityOver100).unwrap();
    assert_eq!(json, "api_quantity_over_100");
    assert_eq!(json, DropReason::ApiQuantityOver100.to_string());
}

#[test]
fn open_dental_keeps_the_last_duplicate_at_the_first_ones_place() {
    // Same key (amounts to the cent), different amounts: the dictionary keeps the last.
    let e = read(
        "EB*C*IND*35***23*50.001~EB*B**23~EB*C*IND*35***23*50.004",
        od(),
    );
    let ordinals: Vec<_> = e.rows.iter().map(|r| r.ordinal).collect();
    assert_eq!(ordinals, [10, 9]);
    assert_eq!(amounts(&e)[0], Some("50.004".parse().unwrap()));
    assert_eq!(reasons(&e), [(8, DropReason::Duplicate)]);
    // Faithful keeps the first and drops the later, with other values, as conflicting.
    let e = read(
        "EB*C*IND*35***23*50~EB*B**23~EB*C*IND*35***23*50",
        ReadOptions::new(),
    );
    assert_eq!(reasons(&e), [(10, DropReason::Duplicate)]);
}

#[test]
fn open_dental_rounds_amounts_half_away_from_zero_in_its_key() {
    // 10.005 is 10.01 in .NET's currency text: the same key as 10.01.
    let e = read("EB*C*IND*35***23*10.005~EB*C*IND*35***23*10.01", od());
    assert_eq!(e.rows.len(), 1, "{:?}", e.rows);
    assert_eq!(reasons(&e), [(8, DropReason::Duplicate)]);
}

#[test]
fn an_empty_segment_is_a_segment_as_in_open_dental() {
    // Open Dental reads the HSD only right after the EB: `~~` puts an empty one between.
    let body = "EB*F************AD:D0120~~HSD*VS*2***22";
    let e = read(body, od());
    assert_eq!(reasons(&e), [(8, DropReason::LimitationWithoutAmount)]);
    // Faithful reads the HSD across it; ordinals count the empty segment in both.
    let e = read(&format!("{body}~EB*C*IND*35***23*50"), ReadOptions::new());
    let ordinals: Vec<_> = e.rows.iter().map(|r| r.ordinal).collect();
    assert_eq!(ordinals, [8, 11]);
    assert!(matches!(e.rows[0].shape, BenefitShape::Frequency(..)));
}

#[test]
fn the_last_eb_without_an_se_is_listed_or_read() {
    let text = format!(
        "{ISA}GS*HB*P*O*20251104*0932*1*X*005010X279A1~ST*271*0001*005010X279A1~\
         HL*3*2*22*0~EB*C*IND*35***23*50~EB*F*IND*35***23*1000"
    );
    let e = read_text(&text, od());
    assert_eq!(e.rows.len(), 1);
    assert_eq!(reasons(&e), [(6, DropReason::TransactionNotEnded)]);
    let e = read_text(&text, ReadOptions::new());
    assert_eq!(e.rows.len(), 2);
    assert!(e.dropped.is_empty());
}

#[test]
fn padding_before_a_segment_id_is_listed_or_trimmed() {
    for pad in [" ", "\t", "\u{feff}"] {
        let body = format!("EB*C*IND*35***23*50~{pad}EB*F*IND*35***23*1000");
        let e = read(&body, od());
        assert_eq!(e.rows.len(), 1, "{pad:?}");
        assert_eq!(reasons(&e), [(9, DropReason::PaddedSegmentId)], "{pad:?}");
        let e = read(&body, ReadOptions::new());
        assert_eq!(e.rows.len(), 2, "{pad:?}");
        assert!(matches!(&e.rows[1].shape, BenefitShape::Maximum { .. }));
    }
}

#[test]
fn a_byte_order_mark_before_the_isa_is_read_past() {
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(FILE_01);
    for options in [od(), ReadOptions::new()] {
        assert_eq!(read_text(&with_bom, options), read_text(FILE_01, options));
    }
}

#[test]
fn faithful_never_reads_a_service_type_outside_the_dental_table_as_plan_wide() {
    for body in ["EB*C*IND*MH***23*50", "EB*F*IND*UC***23*1000"] {
        let e = read(body, ReadOptions::new());
        assert!(e.rows.is_empty(), "{body}: {:?}", e.rows);
        assert_eq!(reasons(&e), [(8, DropReason::UnknownServiceType)], "{body}");
    }
    // A repetition of one drops alone; an empty EB03 is still plan-wide.
    let e = read(
        "EB*C*IND*35^MH***23*50~EB*F*IND****23*1000",
        ReadOptions::new(),
    );
    assert_eq!(e.rows.len(), 2);
    assert_eq!(reasons(&e), [(8, DropReason::UnknownServiceType)]);
    // Open Dental reads it as no service type, as before.
    assert_eq!(read("EB*C*IND*MH***23*50", od()).rows.len(), 1);
}

#[test]
fn faithful_reads_n_per_1_year_as_n_in_the_last_12_months() {
    let e = read(
        "EB*F************AD:D0120~HSD*VS*2***21*1",
        ReadOptions::new(),
    );
    assert!(e.dropped.is_empty(), "{:?}", e.dropped);
    let BenefitShape::Frequency(limit) = &e.rows[0].shape else {
        panic!("{:?}", e.rows[0].shape)
    };
    assert_eq!(
        limit.frequency,
        benefits_sdk::opendental::Frequency::InLast12Months(2)
    );
}

#[test]
fn a_later_transactions_dependent_loop_empties_nothing() {
    // The first transaction has only the subscriber's loop; a second one has a 2110D.
    let text = format!(
        "{ISA}GS*HB*P*O*20251104*0932*1*X*005010X279A1~ST*271*0001*005010X279A1~\
         HL*3*2*22*0~EB*C*IND*35***23*50~SE*4*0001~ST*271*0002*005010X279A1~\
         HL*4*3*23*0~EB*C*IND*35***23*60~SE*4*0002~GE*1*1~IEA*1*000000001~"
    );
    let e = read_text(&text, ReadOptions::new().dependent(true));
    assert_eq!(e.rows.len(), 1, "{:?}", e.dropped);
    assert_eq!(reasons(&e), [(9, DropReason::AfterFirstTransaction)]);
}

#[test]
fn faithful_lists_rows_open_dentals_benefit_logic_never_reads() {
    use DropReason::*;
    for (body, why) in [
        // An age limit on a category, on a code: Open Dental reads one on a code group only.
        ("EB*F**41******S7*19", AgeLimitNotRead),
        ("EB*F********S7*16***AD:D1351", AgeLimitNotRead),
        // Visits are not among the frequency's units.
        ("EB*F**41******VS*2", VisitsNotRead),
        // A category's HSD frequency: a bare limitation Open Dental reads nothing from.
        ("EB*F**41~HSD*VS*2***22", HsdWithoutCode),
        ("EB*F*IND*35~HSD*VS*2***22", HsdWithoutCode),
    ] {
        let e = read(body, ReadOptions::new());
        assert!(e.rows.is_empty(), "{body}: {:?}", e.rows);
        assert_eq!(reasons(&e), [(8, why)], "{body}");
    }
}

/// `Faithful` never makes an amount the carrier did not say: one beyond what a decimal holds
/// (once $0), a negative one (to Open Dental -1 is no amount), or a code the office lacks
/// (once a plan-wide row) drops with its own reason. Under `OpenDental`, the amount beyond
/// range is read as 0, as Open Dental's own reader would not, and said.
#[test]
fn faithful_never_makes_an_amount_or_scope_the_carrier_did_not_say() {
    for (body, reason) in [
        ("EB*F*IND*35***23*1E30", DropReason::NumberOutOfRange),
        (
            "EB*F*IND*35***23*12345678901234567890123456789012",
            DropReason::NumberOutOfRange,
        ),
        ("EB*F*IND*35***23*-1500", DropReason::NegativeAmount),
        (
            "EB*F*IND****23*500******AD:D9999",
            DropReason::UnknownProcedureCode,
        ),
    ] {
        let e = read(body, ReadOptions::new());
        assert!(e.rows.is_empty(), "{body}: {:?}", e.rows);
        assert_eq!(reasons(&e), [(8, reason)], "{body}");
    }
    let e = read("EB*F*IND*35***23*1E30", od());
    assert_eq!(e.findings[0].kind, FindingKind::NumberReadAsZero);
    // A code the office has is read.
    let e = read("EB*F*IND****23*500******AD:D0330", ReadOptions::new());
    assert_eq!(e.rows.len(), 1, "{:?}", e.dropped);
}

/// A dependent-level rejection after a padded HL still rejects the whole request, under both
/// rule sets.
#[test]
fn a_rejection_after_a_padded_hl_rejects_the_request() {
    for options in [od(), ReadOptions::new()] {
        let text = message("EB*F*IND*35***23*1500~ HL*4*3*23*0~NM1*03*1*DOE~AAA*N**75*C");
        let error = read_271(&office(), text, options).unwrap_err();
        assert!(error.to_string().contains("75"), "{error}");
    }
}
