//! The `benefits` binary end to end: every command with `--demo`, and diff/apply against the
//! fake office on a port.

mod common;

use std::process::Command;

use benefits_sdk::mock::Fault;
use benefits_sdk::opendental::{CovCatNum, NewBenefit, PlanNum};
use common::*;

#[test]
fn plan_show_as_a_table_json_and_csv() {
    let out = benefits(&["--demo", "plan", "show", "12"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Coinsurance: Basic 80 %"), "{text}");
    assert!(
        text.contains("Maximums: $1500 per person per calendar year"),
        "{text}"
    );
    assert!(text.contains("shared by every subscriber"), "{text}");

    let out = benefits(&["--demo", "plan", "show", "12", "--json"], &[]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    // demo::plan_benefits' 12, then the family deductible and the ortho lifetime maximum of
    // demo::seed_insurance.
    assert_eq!(rows.len(), 14);
    assert_eq!(rows[2]["benefit"]["Percent"], 80);
    assert_eq!(rows[2]["shape"]["Coinsurance"]["percent"], 80);

    let out = benefits(&["--demo", "plan", "show", "12", "--csv"], &[]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 15);
    assert!(lines[0].starts_with("BenefitNum,Meaning,BenefitType"));
    assert!(
        lines[3].starts_with("3,Coinsurance: Basic 80 %,CoInsurance"),
        "{}",
        lines[3]
    );

    let out = benefits(&["--demo", "plan", "show", "--pat-plan", "30"], &[]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn lookups_and_check() {
    let out = benefits(&["--demo", "lookups", "covcats", "--json"], &[]);
    let cats: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        cats.iter()
            .any(|c| c["Description"] == "Crowns" && c["EbenefitCat"] == "Crowns")
    );
    let out = benefits(&["--demo", "lookups", "codegroups"], &[]);
    assert!(stdout(&out).contains("Pano/FMX"));

    let out = benefits(
        &[
            "--demo",
            "check",
            "1234567",
            "--date",
            "2026-03-01",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let check: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let deductible = &check["remaining"][0];
    assert_eq!(deductible["amount"], "500");
    assert_eq!(deductible["used"], "350.00");
    assert_eq!(deductible["remaining"], "150.00");
    let out = benefits(&["--demo", "check", "1234567", "--date", "2026-03-01"], &[]);
    assert!(stdout(&out).contains("150.00"));
    // A member the fake does not know: the API's 404, exit 1.
    let out = benefits(&["--demo", "check", "42"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--demo".into(),
                "plan".into(),
                "show".into(),
                "12".into(),
                "--frobnicate".into(),
            ],
            "--frobnicate",
        ),
        (
            vec!["plan".into(), "show".into(), "12".into()],
            "OPENDENTAL_DEVELOPER_KEY",
        ),
        (
            vec![
                "--demo".into(),
                "plan".into(),
                "diff".into(),
                "12".into(),
                write_file(
                    "syntax.toml",
                    "[[benefits]]\ncoinsurance = \"Crowns\"\npercent = \n",
                ),
            ],
            "syntax.toml:3",
        ),
        (
            vec![
                "--demo".into(),
                "plan".into(),
                "diff".into(),
                "12".into(),
                write_file(
                    "name.toml",
                    "[[benefits]]\ncoinsurance = \"Crwons\"\npercent = 50\n",
                ),
            ],
            "candidates: #1 Diagnostic",
        ),
        (
            vec![
                "--demo".into(),
                "plan".into(),
                "diff".into(),
                "12".into(),
                write_file(
                    "field.toml",
                    "[[benefits]]\ncoinsurance = \"Crowns\"\nage = 50\n",
                ),
            ],
            "field.toml:1: benefit 1: `age` does not go with coinsurance",
        ),
        (
            vec![
                "--demo".into(),
                "plan".into(),
                "apply".into(),
                "12".into(),
                EXAMPLE.into(),
            ],
            "not writing without --yes",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = benefits(&args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_then_apply_leaves_exactly_the_files_benefits() {
    let office = demo_office().await;
    let env = office_env(&office);
    let out = run_blocking(
        args(&["plan", "diff", "12", EXAMPLE, "--json"]),
        env.clone(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["creates"].as_array().unwrap().len(), 2);
    assert_eq!(plan["updates"].as_array().unwrap().len(), 2);
    let before = office.benefits();

    let out = run_blocking(
        args(&["plan", "apply", "12", EXAMPLE, "--yes", "--deletes", "-v"]),
        env.clone(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Applied: 5 done, 0 skipped, 0 in conflict, 0 failed"));
    // The key never shows, even with tracing on.
    assert!(!stderr(&out).contains("mock-customer-key"));
    assert!(!stdout(&out).contains("mock-customer-key"));

    // Exactly the file's 13 benefits: planning again finds nothing to write.
    assert_eq!(office.benefits().len(), 13);
    assert_ne!(office.benefits(), before);
    let out = run_blocking(args(&["plan", "diff", "12", EXAMPLE, "--deletes"]), env).await;
    assert!(
        stdout(&out).contains("0 to create, 0 to update, 0 to delete, 13 unchanged"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_exit_code_tells_ambiguities_and_failures_apart() {
    // Two rows in Basic's slot: an ambiguity, nothing written for it: exit 3.
    let office = demo_office().await;
    office.seed(&NewBenefit::coinsurance(
        PlanNum::new(12),
        CovCatNum::new(3),
        60,
    ));
    let out = run_blocking(
        args(&["plan", "apply", "12", EXAMPLE, "--yes"]),
        office_env(&office),
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stdout(&out).contains("? ambiguous"));

    // A write the office refuses: exit 4, with the failure in the report.
    let office = demo_office().await;
    office.inject_on("PUT", 1, Fault::Status(400));
    let out = run_blocking(
        args(&["plan", "apply", "12", EXAMPLE, "--yes"]),
        office_env(&office),
    )
    .await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("failed: update #3"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_file_is_checked_before_any_request() {
    let office = demo_office().await;
    let env = office_env(&office);
    let negative = write_file(
        "negative.toml",
        "[[benefits]]\ncoinsurance = \"Crowns\"\npercent = 50\n\n[[benefits]]\ndeductible = -1\n",
    );
    let percent = write_file(
        "percent.toml",
        "[[benefits]]\ncoinsurance = \"Crowns\"\npercent = 150\n",
    );
    for (file, expected) in [
        (
            &negative,
            "negative.toml:5: benefit 2: `deductible` -1: an amount is 0 or more",
        ),
        (
            &percent,
            "percent.toml:1: benefit 1: Percent: must be between 0 and 100, got 150",
        ),
    ] {
        let diff = ["plan", "diff", "12", file];
        let apply = ["plan", "apply", "12", file, "--yes"];
        for command in [&diff[..], &apply[..]] {
            let out = run_blocking(args(command), env.clone()).await;
            assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
            assert!(stderr(&out).contains(expected), "{}", stderr(&out));
            assert_eq!(stdout(&out), "", "nothing planned, nothing shown");
        }
    }
    assert_eq!(office.requests(), [], "not one request was sent");

    // Advice never blocks: it goes to stderr, and the diff goes on.
    let blank = write_file("blank.toml", "[[benefits]]\ndeductible = 50\ncode = \"\"\n");
    let out = run_blocking(args(&["plan", "diff", "12", &blank]), env).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("advice: ")
            && stderr(&out).contains("blank.toml:1: benefit 1: procCode"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains(" to create, "), "{}", stdout(&out));
}

#[test]
fn a_json_file_reads_as_its_toml_twin_and_its_errors_name_the_line() {
    let toml = write_file(
        "twin.toml",
        "[[benefits]]\ncoinsurance = \"Crowns\"\npercent = 50\n\n[[benefits]]\nmaximum = 1500\nperiod = \"service-year\"\n",
    );
    let json = write_file(
        "twin.json",
        "{\"benefits\": [\n  {\"coinsurance\": \"Crowns\", \"percent\": 50},\n  {\"maximum\": 1500, \"period\": \"service-year\"}\n]}\n",
    );
    let from_toml = benefits(&["--demo", "plan", "diff", "12", &toml], &[]);
    let from_json = benefits(&["--demo", "plan", "diff", "12", &json], &[]);
    assert_eq!(from_json.status.code(), Some(0), "{}", stderr(&from_json));
    assert_eq!(stdout(&from_json), stdout(&from_toml));
    // The TimePeriod is all that changes, and the diff says so.
    assert!(
        stdout(&from_json).contains(
            "maximum: $1500 per person per calendar year → $1500 per person per service year \
             [TimePeriod CalendarYear → ServiceYear]"
        ),
        "{}",
        stdout(&from_json)
    );
    let bad = write_file(
        "bad.json",
        "{\"benefits\": [\n  {\"coinsurance\": \"Crowns\", \"percent\": 50},\n\n  {\"maximum\": 15, \"levle\": \"family\"}\n]}\n",
    );
    let out = benefits(&["--demo", "plan", "diff", "12", &bad], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.json:4: benefit 2: unknown field `levle`"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_json_prints_the_plan_and_the_report_as_json() {
    let office = demo_office().await;
    let out = run_blocking(
        args(&["plan", "apply", "12", EXAMPLE, "--yes", "--json"]),
        office_env(&office),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let applied: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(applied["changes"]["creates"].as_array().unwrap().len(), 2);
    let report = &applied["report"];
    assert_eq!(
        report["summary"],
        "4 done, 0 skipped, 0 in conflict, 0 failed"
    );
    assert_eq!(report["complete"], true);
    assert_eq!(report["done"].as_array().unwrap().len(), 4);
    assert_eq!(report["done"][0]["write"]["update"]["benefit_num"], 3);
    assert_eq!(report["done"][0]["benefit_num"], 3);
    assert!(report["done"][2]["write"]["create"].is_object(), "{report}");
    // The diff a person reads went to stderr.
    assert!(stderr(&out).contains("+ create"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_servers_explanation_shows_only_with_verbose() {
    let office = demo_office().await;
    office.inject_on("GET", 1, Fault::Status(400));
    let out = run_blocking(args(&["plan", "show", "12"]), office_env(&office)).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("Injected fault"), "{}", stderr(&out));
    assert!(stderr(&out).contains("-v shows the server's explanation"));
    office.inject_on("GET", 1, Fault::Status(400));
    let out = run_blocking(args(&["plan", "show", "12", "-v"]), office_env(&office)).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the server said: Injected fault 400."),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_closed_stdout_ends_quietly() {
    for format in ["--json", "--csv", "--verbose"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_benefits"))
            .args(["--demo", "plan", "show", "12", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the command has printed anything (`| head -0`).
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0) | Some(141)),
            "{format}: {:?}",
            out.status
        );
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}
