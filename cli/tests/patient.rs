//! `benefits patient insurance`, end to end with `--demo`: patient 1001's family on plan 12
//! (`demo::seed_insurance`), its figures computed by hand from the demo's claims.

mod common;

use chrono::{Datelike, NaiveDate};
use common::*;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A demo claim's date this year: the day, or today when the day is still to come.
fn this_year(month: u32, day: u32) -> String {
    let today = today();
    NaiveDate::from_ymd_opt(today.year(), month, day)
        .unwrap()
        .min(today)
        .to_string()
}

fn insurance(extra: &[&str]) -> std::process::Output {
    let args = [&["--demo", "patient", "insurance", "1001"][..], extra].concat();
    benefits(&args, &[])
}

#[test]
fn each_figure_of_the_demo_patients_plan() {
    let as_of = today().to_string();
    let out = insurance(&["--as-of", &as_of]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let year = today().year();
    // Used: 96.00 (D1110) + 278.50 (D2740); the ortho 500.00 is under the ortho lifetime
    // maximum, so not used. Pending: 64.00. Remaining: 1500 - 374.50 - 64. Deductible used:
    // 30.00 of 50 (20 left); the family's 30 + 50 of 150 (70 left); shown: min(20, 70).
    let expected = format!(
        "Patient 1001, as of {as_of}: 1 plan\n\
         \n\
         Primary (patient plan 7, plan 12, subscription 20)\n  \
         Benefit year                {year}-01-01 to {year}-12-31\n  \
         Annual max                  1500.00\n  \
         Family annual max           —\n  \
         Used                        374.50\n  \
         Pending                     64.00\n  \
         Remaining                   1061.50\n  \
         Deductible                  50.00\n  \
         Family deductible           150.00\n  \
         Deductible used             30.00\n  \
         Family deductible used      80.00\n  \
         Deductible remaining        20.00\n  \
         Family deductible remaining 70.00\n"
    );
    assert_eq!(stdout(&out), expected);
    // Without --as-of: today.
    let out = insurance(&[]);
    assert_eq!(stdout(&out), expected);
}

#[test]
fn last_years_figures_as_of_a_day_last_year() {
    let last = today().year() - 1;
    let out = insurance(&["--as-of", &format!("{last}-06-30")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // Last year: 42.00 (D0120) + 180.00 (D2391, 50.00 deductible); the family's rows are the
    // patient's alone.
    for line in [
        format!("  Benefit year                {last}-01-01 to {last}-12-31"),
        "  Used                        222.00".to_owned(),
        "  Pending                     0.00".to_owned(),
        "  Remaining                   1278.00".to_owned(),
        "  Deductible used             50.00".to_owned(),
        "  Family deductible used      50.00".to_owned(),
        "  Deductible remaining        0.00".to_owned(),
        "  Family deductible remaining 100.00".to_owned(),
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
}

#[test]
fn json_has_every_figure_and_row() {
    let out = insurance(&["--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["pat_num"], 1001);
    assert_eq!(json["as_of"], today().to_string());
    let plans = json["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 1);
    let plan = &plans[0];
    let year = today().year();
    let expected = serde_json::json!({
        "ordinal": 1, "pat_plan_num": 7, "ins_sub_num": 20, "plan_num": 12, "month_renew": 0,
        "benefit_year": [format!("{year}-01-01"), format!("{year}-12-31")],
        // plan_benefits' rows are 1–12 (the deductible 5, the annual max 6); then the
        // family deductible 13 and the ortho lifetime max 14.
        "annual_max": {"amount": "1500.00", "benefit_num": 6},
        "family_max": null,
        "used": "374.50", "pending": "64.00", "remaining": "1061.50",
        "deductible": {"amount": "50.00", "benefit_num": 5},
        "family_deductible": {"amount": "150.00", "benefit_num": 13},
        "deductible_used": "30.00", "family_deductible_used": "80.00",
        "deductible_remaining": "20.00", "family_deductible_remaining": "70.00",
        "deductible_remaining_shown": "20.00",
        "family_rows_read": true,
    });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&plan[key], value, "{key}");
    }
    let rows = plan["rows"].as_array().unwrap();
    let nums: Vec<u64> = rows
        .iter()
        .map(|r| r["claim_proc_num"].as_u64().unwrap())
        .collect();
    assert_eq!(nums, [101, 102, 103, 104, 105, 106, 107]);
    assert_eq!(
        rows[3],
        serde_json::json!({
            "claim_proc_num": 104, "pat_num": 1001, "status": "Received",
            "proc_date": this_year(4, 2), "amount": "500.00", "deductible": "0.00",
            "proc_code": "D8080", "counts": "excluded",
            "excluded": {"benefit_num": 14, "cov_cat_num": 9, "cov_span_num": 5, "was_pending": false}
        })
    );
    assert_eq!(rows[4]["counts"], "pending");
    assert_eq!(rows[4]["amount"], "64.00");
    assert_eq!(rows[0]["counts"], "deductible_only");
    assert_eq!(rows[6]["counts"], "family_deductible_only");
    assert_eq!(rows[6]["deductible"], "50.00");
}

/// A table row's cells, trimmed.
fn cells(line: &str) -> Vec<String> {
    line.trim_matches('│')
        .split('┆')
        .map(|c| c.trim().to_owned())
        .collect()
}

#[test]
fn verbose_lists_the_rows_behind_each_figure() {
    let out = insurance(&["-v"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<Vec<String>> = text
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(cells)
        .collect();
    let row = |cells: [&str; 7]| cells.map(str::to_owned).to_vec();
    let expected = [
        row([
            "ClaimProcNum",
            "Date",
            "Status",
            "Amount",
            "Deductible",
            "Code",
            "Counts for",
        ]),
        row([
            "101",
            &this_year(1, 15),
            "InsHist",
            "0.00",
            "0.00",
            "D0274",
            "deductible only (history)",
        ]),
        row([
            "102",
            &this_year(2, 10),
            "Received",
            "96.00",
            "0.00",
            "D1110",
            "used",
        ]),
        row([
            "103",
            &this_year(3, 4),
            "Received",
            "278.50",
            "30.00",
            "D2740",
            "used",
        ]),
        row([
            "104",
            &this_year(4, 2),
            "Received",
            "500.00",
            "0.00",
            "D8080",
            "not used: Ortho's limitation (BenefitNum 14)",
        ]),
        row([
            "105",
            &this_year(5, 20),
            "NotReceived",
            "64.00",
            "0.00",
            "D2330",
            "pending",
        ]),
        row([
            "106",
            &this_year(2, 24),
            "Received",
            "72.00",
            "0.00",
            "—",
            "family deductible only (patient 1005)",
        ]),
        row([
            "107",
            &this_year(3, 18),
            "Received",
            "88.00",
            "50.00",
            "—",
            "family deductible only (patient 1005)",
        ]),
    ];
    assert_eq!(rows, expected, "{text}");
    // The family member's procedures are not read (only the patient's are): no code.
    // Last year's claims are not this year's rows.
    assert!(!text.contains("D2391") && !text.contains("D0120"), "{text}");
}

#[test]
fn a_patient_with_no_plan_and_a_bad_patnum() {
    // Patient 1002 has a stored 271 but no patient plan.
    let out = benefits(&["--demo", "patient", "insurance", "1002"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Patient 1002, as of {}: no insurance plans\n", today())
    );
    let out = benefits(&["--demo", "patient", "insurance", "1002", "--json"], &[]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["plans"], serde_json::json!([]));
    for bad in ["0", "abc", "-3"] {
        let out = benefits(&["--demo", "patient", "insurance", bad], &[]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stdout(&out).is_empty(), "{bad}");
    }
    let out = benefits(
        &["--demo", "patient", "insurance", "1001", "--as-of", "June"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    // With keys missing, exit 2 as every office command; with --json, the error is JSON.
    let out = benefits(&["patient", "insurance", "1001", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let error: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(error["error"]["kind"], "input");
}

/// An office that fails: exit 1, the error on stderr (JSON with --json).
#[tokio::test(flavor = "multi_thread")]
async fn an_office_that_fails_is_exit_1() {
    let office = demo_office().await;
    office.fail_next(1, 400);
    let out = run_blocking(
        args(&["patient", "insurance", "1001", "--json"]),
        office_env(&office),
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let error: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(error["error"]["kind"], "api", "{error}");
    assert!(stdout(&out).is_empty());
}
