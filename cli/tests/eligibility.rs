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
    // The dependent's 271 is another group's: the diff says so.
    let out = run_blocking(args(&diff), office_env(&office)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("1 to create, 0 to update"), "{text}");
    assert!(text.contains("11 to create, 0 to update"), "{text}");
    assert!(
        text.contains("19 2110C unsupported_time_period: EB*C*FAM*35"),
        "{text}"
    );
    assert!(
        text.contains(
            "The 271 and the plan (check): the 271's group number is not the plan's GRP20417"
        ),
        "{text}"
    );
    let before = office.requests().len();

    let apply = [
        &["plan", "apply", "12"][..],
        &flags[..],
        &["--yes", "--json", "--accept-mismatch"][..],
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

/// A 271 that may not be the plan's (another group) is shown and not written without
/// --accept-mismatch: exit 3, nothing sent but reads.
#[tokio::test(flavor = "multi_thread")]
async fn a_271_of_another_group_is_refused_without_accept_mismatch() {
    let office = demo_office().await;
    let file = fixture("271-02-network-split.edi");
    let out = run_blocking(
        args(&["plan", "apply", "12", "--from-271", &file, "--yes"]),
        office_env(&office),
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("group number is not the plan's GRP20417"),
        "{err}"
    );
    assert!(err.contains("look, then pass --accept-mismatch"), "{err}");
    // With --json, the refusal is JSON on stderr.
    let out = run_blocking(
        args(&[
            "plan",
            "apply",
            "12",
            "--from-271",
            &file,
            "--yes",
            "--json",
        ]),
        office_env(&office),
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    // The diff a person reads goes to stderr first; the error is its last line.
    let err = stderr(&out);
    let last = err.trim().lines().last().unwrap_or_default();
    let error: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(error["error"]["kind"], "plan_mismatch");
    // The 271's own group number is never printed.
    assert!(!err.contains("GRP30588") && !stdout(&out).contains("GRP30588"));
    assert!(office.requests().iter().all(|r| r.method == "GET"));
    // Its own group's 271 goes through.
    let file = fixture("271-01-subscriber-ppo.edi");
    let out = run_blocking(
        args(&["plan", "apply", "12", "--from-271", &file, "--yes"]),
        office_env(&office),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Flags that would be silently ignored are refused: --pat-plan without --dependent on a 271,
/// and the 271's read flags with a desired-benefits file.
#[test]
fn flags_a_command_would_ignore_are_refused() {
    let file = fixture("271-01-subscriber-ppo.edi");
    let out = benefits(
        &[
            "--demo",
            "plan",
            "diff",
            "12",
            "--from-271",
            &file,
            "--pat-plan",
            "7",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("add --dependent"), "{}", stderr(&out));
    let desired = write_file(
        "flags.toml",
        "[[benefits]]\ncoinsurance = \"Restorative\"\npercent = 80\n",
    );
    for flag in [
        "--dependent",
        "--out-of-network",
        "--coinsurance-inverted",
        "--refresh",
    ] {
        let out = benefits(&["--demo", "plan", "diff", "12", &desired, flag], &[]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(stderr(&out).contains("need --from-271"), "{}", stderr(&out));
    }
    let out = benefits(
        &["--demo", "plan", "diff", "12", &desired, "--rules", "od"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// A dependent's 271 with --deletes plans no delete of the plan's shared rows.
#[test]
fn a_dependents_271_with_deletes_keeps_the_plans_rows() {
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
            "--pat-plan",
            "7",
            "--deletes",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["plan"]["deletes"].as_array().unwrap().len(),
        0,
        "{json}"
    );
    assert!(!json["plan"]["kept"].as_array().unwrap().is_empty());
}

/// Stop on failure holds across a 271's changesets: a failed write on the plan leaves the
/// patient plan unwritten, and the plan's report is kept and printed.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_write_on_the_plan_stops_before_the_patient_plan() {
    let office = demo_office().await;
    office.inject_on("POST", 1, benefits_sdk::mock::Fault::Status(400));
    let file = fixture("271-03-dependent.edi");
    let apply = args(&[
        "plan",
        "apply",
        "12",
        "--from-271",
        &file,
        "--dependent",
        "--pat-plan",
        "7",
        "--yes",
        "--json",
        "--accept-mismatch",
    ]);
    let out = run_blocking(apply, office_env(&office)).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = json["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1, "{json}");
    assert_eq!(reports[0]["failed"].as_array().unwrap().len(), 1);
    assert!(
        stderr(&out).contains("patient plan 7: not applied"),
        "{}",
        stderr(&out)
    );
    let overrides = office
        .benefits()
        .into_iter()
        .filter(|b| b.pat_plan_num == Some(PatPlanNum::new(7)))
        .count();
    assert_eq!(overrides, 0);
}

/// With --json, an error is JSON on stderr, for scripts: its kind and message.
#[test]
fn json_errors_are_json_on_stderr() {
    let out = benefits(
        &["--demo", "eligibility", "read", "/no/such/271", "--json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let error: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(error["error"]["kind"], "input");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/no/such/271")
    );
    let out = benefits(&["--demo", "plan", "export", "99999", "--json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let error: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(error["error"]["kind"], "api", "{error}");
    // The server's explanation stays out, as in text.
    assert!(!stderr(&out).contains("InsPlan not found"));
    // Without --json, text.
    let out = benefits(&["--demo", "eligibility", "read", "/no/such/271"], &[]);
    assert!(stderr(&out).starts_with("benefits: "), "{}", stderr(&out));
}

/// `plan diff --from-stored --patient N` reads the newest 271 the office stored for that
/// patient and plan; a dependent's answer (its 2110D loop) is read as --dependent.
#[test]
fn from_stored_reads_the_patients_newest_271() {
    // Demo patient 1001 has 271-01 (the subscriber's), 1003 has 271-03 (a dependent's).
    let out = benefits(
        &[
            "--demo",
            "plan",
            "diff",
            "12",
            "--from-stored",
            "--patient",
            "1001",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Left out of the 271: 10 segments"),
        "{}",
        stdout(&out)
    );
    let out = benefits(
        &[
            "--demo",
            "plan",
            "diff",
            "12",
            "--from-stored",
            "--patient",
            "1003",
            "--pat-plan",
            "7",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("read as --dependent"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("Patient plan 7: overrides for one patient"),
        "{}",
        stdout(&out)
    );
    // A patient with none is told where to look.
    let out = benefits(
        &[
            "--demo",
            "plan",
            "diff",
            "12",
            "--from-stored",
            "--patient",
            "7",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("stored no 271"), "{}", stderr(&out));
}

/// The office's procedure codes are kept on disk: a second read of a 271 that names codes
/// pages through no code table; --refresh reads it again.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_read_uses_the_kept_procedure_codes() {
    let office = demo_office().await;
    let cache = scratch().join(format!("benefits-codes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let mut env = office_env(&office);
    env.push(("BENEFITS_CACHE_DIR", cache.display().to_string()));
    let file = fixture("271-01-subscriber-ppo.edi");
    let code_pages = |office: &benefits_sdk::mock::MockOpenDental| {
        office
            .requests()
            .iter()
            .filter(|r| r.path.contains("procedurecodes"))
            .count()
    };
    let read = args(&["eligibility", "read", &file]);
    let out = run_blocking(read.clone(), env.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = stdout(&out);
    assert!(code_pages(&office) > 0);
    let kept: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert_eq!(kept.len(), 1);
    office.reset_log();
    let out = run_blocking(read, env.clone()).await;
    assert_eq!(stdout(&out), first, "the same read");
    assert_eq!(code_pages(&office), 0);
    let out = run_blocking(args(&["eligibility", "read", &file, "--refresh"]), env).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(code_pages(&office) > 0);
    let _ = std::fs::remove_dir_all(&cache);
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
    assert!(text.starts_with("22 rows\n"), "{text}");
    assert!(text.contains("Entry"), "{text}");
    assert!(text.contains("Left out: 10 segments"), "{text}");
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
    // The carrier rejected the whole request: exit 5, as for an X12 AAA.
    assert_eq!(out.status.code(), Some(5));
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
