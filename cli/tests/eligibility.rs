//! `benefits eligibility read|stored` and `plan diff|apply --from-271`, end to end: with
//! `--demo`, and against the fake office on a port.

mod common;

use benefits_sdk::opendental::{PatPlanNum, PlanNum};
use common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/x12-271/");

fn fixture(name: &str) -> String {
    format!("{FIXTURES}{name}")
}

#[test]
fn every_fixture_reads_with_demo_in_both_rule_sets() {
    for name in [
        "271-01-subscriber-ppo.edi",
        "271-02-network-split.edi",
        "271-03-dependent.edi",
        "271-04-alt-delimiters.edi",
    ] {
        for rules in ["od", "faithful"] {
            let file = fixture(name);
            let out = benefits(
                &["--demo", "eligibility", "read", &file, "--rules", rules],
                &[],
            );
            assert_eq!(
                out.status.code(),
                Some(0),
                "{name} {rules}: {}",
                stderr(&out)
            );
            assert!(stdout(&out).contains("Left out: "), "{}", stdout(&out));
        }
    }
}

#[test]
fn read_shows_rows_in_the_offices_words_then_what_was_left_out() {
    let file = fixture("271-01-subscriber-ppo.edi");
    let out = benefits(&["--demo", "eligibility", "read", &file], &[]);
    let text = stdout(&out);
    assert!(text.starts_with("22 rows\n"), "{text}");
    assert!(text.contains("Coinsurance: Basic 80 %"), "{text}");
    assert!(
        text.contains("Frequency: once every 5 years on D0330"),
        "{text}"
    );
    assert!(text.contains("Left out: 10 segments"), "{text}");
    assert!(text.contains("out_of_network"), "{text}");
    // Member data never: the subscriber's name, member ID, birth date, group number.
    for member in ["ROWAN", "ZQX000123401", "19840612", "GRP20417"] {
        assert!(!text.contains(member), "{member} printed");
        assert!(!stderr(&out).contains(member), "{member} printed");
    }
}

#[test]
fn read_json_has_rows_and_dropped_segments() {
    let file = fixture("271-02-network-split.edi");
    let out = benefits(
        &[
            "--demo",
            "eligibility",
            "read",
            &file,
            "--out-of-network",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 9);
    assert_eq!(json["rows"][0]["ordinal"], 20);
    assert_eq!(json["rows"][0]["shape"]["Coinsurance"]["percent"], 90);
    assert_eq!(
        json["dropped"][1],
        serde_json::json!({
            "ordinal": 19, "loop": "2110C", "reason": "in_network",
            "segment": "EB*A**41*PR*QUILLMARK SILVER PPO***0****Y"
        })
    );
}

#[test]
fn a_file_that_is_not_a_271_is_exit_2() {
    let out = benefits(&["--demo", "eligibility", "read", EXAMPLE], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not an X12 interchange: it does not begin with an ISA segment"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stored_lists_the_patients_271s_newest_first() {
    let out = benefits(
        &[
            "--demo",
            "eligibility",
            "stored",
            "--patient",
            "1002",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Etype"], "BenefitResponse271");
    assert_eq!(rows[0]["PlanNum"], 12);
    let out = benefits(&["--demo", "eligibility", "stored", "--patient", "9"], &[]);
    assert!(
        stdout(&out).starts_with("0 stored 271s for patient 9"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_then_apply_from_a_271_then_nothing_is_left_to_write() {
    let office = demo_office().await;
    let file = fixture("271-03-dependent.edi");
    let flags = ["--from-271", &file, "--dependent", "--pat-plan", "7"];
    let diff = [&["plan", "diff", "12"][..], &flags[..]].concat();
    let out = run_blocking(args(&diff), office_env(&office)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("1 to create, 0 to update"), "{text}");
    assert!(text.contains("11 to create, 0 to update"), "{text}");
    assert!(
        text.contains("19 2110C unsupported_time_period: EB*C*FAM*35"),
        "{text}"
    );
    let before = office.requests().len();

    let apply = [
        &["plan", "apply", "12"][..],
        &flags[..],
        &["--yes", "--json"][..],
    ]
    .concat();
    let out = run_blocking(args(&apply), office_env(&office)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["reports"].as_array().unwrap().len(), 2);
    assert_eq!(json["reports"][1]["done"].as_array().unwrap().len(), 11);
    assert_eq!(json["changes"]["dropped"].as_array().unwrap().len(), 7);
    let overrides = office
        .benefits()
        .into_iter()
        .filter(|b| b.pat_plan_num == Some(PatPlanNum::new(7)))
        .count();
    assert_eq!(overrides, 11);
    let plan_rows = office
        .benefits()
        .iter()
        .filter(|b| b.plan_num == Some(PlanNum::new(12)))
        .count();
    assert_eq!(plan_rows, 13);
    assert!(office.requests().len() > before);

    let out = run_blocking(args(&diff), office_env(&office)).await;
    let text = stdout(&out);
    assert!(
        text.contains("0 to create, 0 to update, 0 to delete, 1 unchanged"),
        "{text}"
    );
    assert!(
        text.contains("0 to create, 0 to update, 0 to delete, 11 unchanged"),
        "{text}"
    );
}

#[test]
fn a_dependents_271_without_its_patient_plan_is_exit_2() {
    let file = fixture("271-03-dependent.edi");
    let out = benefits(
        &[
            "--demo",
            "plan",
            "diff",
            "12",
            "--from-271",
            &file,
            "--dependent",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("give it with --pat-plan"),
        "{}",
        stderr(&out)
    );
}

/// A 271 whose subscriber loop holds `body`.
fn message(body: &str) -> String {
    format!(
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*OFFICE         \
         *251104*0932*^*00501*000000001*0*P*:~GS*HB*P*O*20251104*0932*1*X*005010X279A1~\
         ST*271*0001*005010X279A1~BHT*0022*11*X*20251104*0932~HL*1**20*1~HL*2*1*21*1~\
         HL*3*2*22*0~{body}~SE*9*0001~GE*1*1~IEA*1*000000001~"
    )
}

#[test]
fn a_number_open_dental_reads_its_own_way_is_shown_as_a_finding() {
    let file = write_file("grouped.edi", &message("EB*F*IND*35***23*1,500"));
    let out = benefits(
        &["--demo", "eligibility", "read", &file, "--rules", "od"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Noticed: 1 findings"), "{text}");
    assert!(text.contains("number_not_x12"), "{text}");
    assert!(text.contains("EB07"), "{text}");
    let out = benefits(
        &[
            "--demo",
            "eligibility",
            "read",
            &file,
            "--rules",
            "od",
            "--json",
        ],
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["kind"], "number_not_x12");
    assert_eq!(json["findings"][0]["detail"], "EB07");
    // Faithful drops it instead, with its own reason.
    let out = benefits(&["--demo", "eligibility", "read", &file, "--json"], &[]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 0);
    assert_eq!(json["dropped"][0]["reason"], "number_not_x12");
}

#[test]
fn json_spells_each_reason_as_documented() {
    let file = write_file("over100.edi", &message("EB*C*IND*35***23*50**VS*101"));
    let out = benefits(&["--demo", "eligibility", "read", &file, "--json"], &[]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["dropped"][0]["reason"], "api_quantity_over_100");
}

#[test]
fn a_rejected_request_is_exit_5_and_one_rejected_benefit_is_a_finding() {
    let file = write_file("rejected.edi", &message("AAA*N**72*C~EB*C*IND*35***23*50"));
    let out = benefits(&["--demo", "eligibility", "read", &file], &[]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("the carrier rejected the request"));
    let file = write_file(
        "one-rejected.edi",
        &message("EB*C*IND*35***23*50~AAA*N**42*R~EB*F*IND*35***23*1000"),
    );
    let out = benefits(&["--demo", "eligibility", "read", &file], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("2 rows\n"), "{text}");
    assert!(text.contains("benefit_rejected"), "{text}");
}
