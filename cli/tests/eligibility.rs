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
    assert!(text.starts_with("24 rows\n"), "{text}");
    assert!(text.contains("Coinsurance: Basic 80 %"), "{text}");
    assert!(
        text.contains("Frequency: once every 5 years on D0330"),
        "{text}"
    );
    assert!(text.contains("Left out: 8 segments"), "{text}");
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
    assert!(text.contains("12 to create, 0 to update"), "{text}");
    assert!(
        text.contains("18 2110C other_patient_loop: EB*C*FAM*35"),
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
    assert_eq!(json["reports"][1]["done"].as_array().unwrap().len(), 12);
    assert_eq!(json["changes"]["dropped"].as_array().unwrap().len(), 6);
    let overrides = office
        .benefits()
        .into_iter()
        .filter(|b| b.pat_plan_num == Some(PatPlanNum::new(7)))
        .count();
    assert_eq!(overrides, 12);
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
        text.contains("0 to create, 0 to update, 0 to delete, 12 unchanged"),
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

const JSON_FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/eligibility-json/"
);

#[test]
fn read_takes_a_clearinghouses_json_by_its_extension() {
    let file = format!("{JSON_FIXTURES}01-subscriber-ppo.json");
    let out = benefits(&["--demo", "eligibility", "read", &file], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // The rows and drops of the .edi twin, numbered by entry.
    assert!(text.starts_with("24 rows\n"), "{text}");
    assert!(text.contains("Entry"), "{text}");
    assert!(text.contains("Left out: 8 segments"), "{text}");
    assert!(text.contains("EB (rebuilt from the JSON)"), "{text}");
    for member in [
        "ROWAN",
        "ZQX000123401",
        "19840612",
        "GRP20417",
        "8005550142",
    ] {
        assert!(!text.contains(member), "{member} printed");
    }
    let edi = fixture("271-01-subscriber-ppo.edi");
    let x12 = stdout(&benefits(&["--demo", "eligibility", "read", &edi], &[]));
    let benefits_of = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.contains('┆'))
            .filter_map(|l| l.rsplit('┆').next())
            .map(|cell| {
                cell.trim_end_matches(['│', ' '])
                    .trim()
                    .replace("EB (rebuilt from the JSON)", "EB")
            })
            .collect()
    };
    assert_eq!(benefits_of(&text), benefits_of(&x12));
}

#[test]
fn a_dash_reads_standard_input_in_either_form() {
    let json = std::fs::read(format!("{JSON_FIXTURES}02-network-split.json")).unwrap();
    let args = [
        "--demo",
        "eligibility",
        "read",
        "-",
        "--out-of-network",
        "--json",
    ];
    let out = benefits_with_stdin(&args, &json);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(read["source"], "json");
    assert_eq!(read["rows"].as_array().unwrap().len(), 9);
    // Entry 2 is the .edi's segment 20.
    assert_eq!(read["rows"][0]["ordinal"], 2);
    assert_eq!(read["rows"][0]["loop"], "unknown");
    assert_eq!(read["rows"][0]["shape"]["Coinsurance"]["percent"], 90);

    let edi = std::fs::read(fixture("271-02-network-split.edi")).unwrap();
    let out = benefits_with_stdin(&args, &edi);
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (read["source"].clone(), read["rows"][0]["ordinal"].clone()),
        ("x12".into(), 20.into())
    );

    let rejected = br#"{"errors": [{"field": "AAA", "code": "72", "location": "Loop 2100C"}]}"#;
    let out = benefits_with_stdin(&["--demo", "eligibility", "read", "-"], rejected);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("code \"72\""), "{}", stderr(&out));
    let out = benefits_with_stdin(&["--demo", "eligibility", "read", "-"], b"[1, 2]");
    assert!(
        stderr(&out).contains("not eligibility JSON"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn plan_diff_from_a_json_271_plans_what_its_x12_twin_plans() {
    let diff = |file: &str| {
        let out = benefits(&["--demo", "plan", "diff", "12", "--from-271", file], &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        // The plan, up to the list of what was left out (numbered differently).
        let text = stdout(&out);
        text.split("Left out of the 271")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let json = diff(&format!("{JSON_FIXTURES}01-subscriber-ppo.json"));
    assert!(!json.is_empty());
    assert_eq!(json, diff(&fixture("271-01-subscriber-ppo.edi")));
}
