//! `benefits patient used PATNUM --from-271 FILE`, end to end against one fake office holding
//! the demo family (`demo::seed_insurance`: patient 1001 shows $374.50 used of $1,500, $64
//! pending, $30 of a $50 deductible used): the change, what the carrier said that Open Dental
//! cannot hold, `--apply`, and the same 271's next change, which is empty.

mod common;

use benefits_sdk::mock::{MockOpenDental, demo};
use benefits_sdk::opendental::PlanNum;
use common::*;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

async fn office() -> MockOpenDental {
    let office = demo_office().await;
    demo::seed_insurance(&office, PlanNum::new(12), today());
    office
}

/// A 271 for the subscriber whose benefit loop holds `body`.
fn message(body: &str) -> String {
    format!(
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*OFFICE         \
         *251104*0932*^*00501*000000001*0*P*:~GS*HB*P*O*20251104*0932*1*X*005010X279A1~\
         ST*271*0001*005010X279A1~BHT*0022*11*X*20251104*0932~HL*1**20*1~HL*2*1*21*1~\
         HL*3*2*22*0~{body}~SE*9*0001~GE*1*1~IEA*1*000000001~"
    )
}

/// The carrier says $1,000 of the maximum remains, and sends a family and a lifetime figure.
const SAYS: &str = "REF*6P*GRP20417~EB*F*IND*35***29*1000~EB*F*FAM*35***29*2000~\
                    EB*F*IND*38***33*500";

fn used(file: &str, extra: &[&str]) -> Vec<String> {
    let mut list = args(&["patient", "used", "1001", "--from-271", file]);
    list.extend(extra.iter().map(|s| s.to_string()));
    list
}

#[tokio::test(flavor = "multi_thread")]
async fn the_change_what_open_dental_cannot_hold_apply_and_an_empty_second_change() {
    let office = office().await;
    let env = office_env(&office);
    let file = write_file("used-says.edi", &message(SAYS));
    let out = run_blocking(used(&file, &[]), env.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let year = chrono::Datelike::year(&today());
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!(
            "Patient plan 7: Open Dental shows $374.50 used of $1,500; the carrier says \
             $1,000 remains; set insurance used to $500 for the benefit year starting \
             {year}-01-01 ($64 pending, not netted; 2 line(s) skipped)\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("not used: 10 2110C family: EB*F*FAM*35***29*2000"),
        "{text}"
    );
    assert!(
        text.contains("not used: 11 2110C lifetime: EB*F*IND*38***33*500"),
        "{text}"
    );
    assert!(!office.requests().iter().any(|r| r.method == "PUT"));

    // JSON: the totals it would send.
    let out = run_blocking(used(&file, &["--json"]), env.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["pat_plan"], 7);
    assert_eq!(json["change"]["send"]["ins_used"], "500");
    assert_eq!(json["change"]["skipped"][0]["reason"], "family");

    // Without --yes and no terminal to ask on: nothing written.
    let out = run_blocking(used(&file, &["--apply"]), env.clone()).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!office.requests().iter().any(|r| r.method == "PUT"));

    // The demo's ortho claim is left out of "used" by Open Dental's display, but this fake
    // office nets every paid claim (how the real one nets is not documented): without it, the
    // office's figures come out as sent.
    without_the_ortho_claim(&office);
    let out = run_blocking(used(&file, &["--apply", "--yes"]), env.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Remaining: 1500 - 500 - 64 pending.
    assert!(
        stdout(&out).contains("Applied: Open Dental shows $500.00 used, $936.00 remaining."),
        "{}",
        stdout(&out)
    );
    let puts = || {
        office
            .requests()
            .iter()
            .filter(|r| r.method == "PUT" && r.path.ends_with("claimprocs/InsAdjust"))
            .count()
    };
    assert_eq!(puts(), 1);

    // The same 271 again: nothing to write, and --apply writes nothing.
    let out = run_blocking(used(&file, &["--apply", "--yes"]), env.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing to write"),
        "{}",
        stdout(&out)
    );
    assert_eq!(puts(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_271_of_another_group_is_not_written_without_accept_mismatch() {
    let office = office().await;
    let env = office_env(&office);
    let other = SAYS.replace("GRP20417", "ZZ99999");
    let file = write_file("used-other-group.edi", &message(&other));
    let out = run_blocking(used(&file, &["--apply", "--yes"]), env.clone()).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("The 271 and the plan (check)"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("--accept-mismatch"),
        "{}",
        stderr(&out)
    );
    assert!(!office.requests().iter().any(|r| r.method == "PUT"));
    without_the_ortho_claim(&office);
    let out = run_blocking(used(&file, &["--apply", "--yes", "--accept-mismatch"]), env).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(office.requests().iter().any(|r| r.method == "PUT"));
}

/// The demo's ortho claim (ClaimProcNum 104) made an estimate, which nothing counts.
fn without_the_ortho_claim(office: &MockOpenDental) {
    use benefits_sdk::opendental::{ClaimProc, ClaimProcNum, ClaimProcStatus, PatNum};
    let estimate = ClaimProc::new(
        ClaimProcNum::new(104),
        PatNum::new(1001),
        ClaimProcStatus::Estimate,
    );
    office.insert_claim_proc(estimate);
}

/// When the office nets a payment its display leaves out of "used" (the ortho claim under
/// its own lifetime maximum), the write lands but the figures are not the totals sent: said,
/// exit 4, never written again.
#[tokio::test(flavor = "multi_thread")]
async fn an_office_that_nets_its_own_way_is_said_and_exit_4() {
    let office = office().await;
    let env = office_env(&office);
    let file = write_file("used-nets.edi", &message(SAYS));
    let out = run_blocking(used(&file, &["--apply", "--yes"]), env).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("not the total sent: the office nets its adjustment its own way"),
        "{}",
        stdout(&out)
    );
    let puts = office
        .requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(puts, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_plan_the_patient_lacks_is_exit_1_and_one_without_a_plan_exit_2() {
    let office = office().await;
    let env = office_env(&office);
    let file = write_file("used-lacks.edi", &message(SAYS));
    let out = run_blocking(used(&file, &["--pat-plan", "99"]), env.clone()).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("PatPlanNum 99"), "{}", stderr(&out));
    let mut none = args(&["patient", "used", "4242", "--from-271", &file]);
    none.push("--json".to_owned());
    let out = run_blocking(none, env).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no insurance plan"),
        "{}",
        stderr(&out)
    );
}
