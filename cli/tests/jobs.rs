//! The everyday jobs end to end: export then diff changes nothing, copy within and across
//! offices, offices by name, doctor, completions and the man page, NO_COLOR.

mod common;

use std::time::Duration;

use benefits_sdk::mock::MockOpenDental;
use benefits_sdk::opendental::eligibility::{ReadOptions, RuleSet, read_271};
use benefits_sdk::opendental::{
    BenefitType, CodeGroup, CodeGroupFixed, CodeGroupNum, CodeNum, CovCat, CovCatNum,
    CoverageLevel, DiffOptions, InsPlan, NewBenefit, PatPlanNum, PlanNum, QuantityQualifier,
    TimePeriod,
};
use common::*;
use proptest::prelude::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/x12-271/");

/// A file name no other test of this process uses (tests run in parallel).
fn unique(stem: &str, extension: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{stem}-{n}.{extension}")
}

/// `plan export`, then `plan diff` of the exported file, against `office`.
async fn export_then_diff(office: &MockOpenDental, plan: u64) -> String {
    let path = write_file(&unique("export", "toml"), "");
    let plan = plan.to_string();
    let out = run_blocking(
        args(&["plan", "export", &plan, "-o", &path]),
        office_env(office),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "export: {}", stderr(&out));
    let out = run_blocking(args(&["plan", "diff", &plan, &path]), office_env(office)).await;
    assert_eq!(out.status.code(), Some(0), "diff: {}", stderr(&out));
    stdout(&out)
}

/// Nothing to write, no row the file lacks, nothing ambiguous.
fn nothing_to_do(diff: &str) -> bool {
    let last = diff.lines().last().unwrap_or_default();
    last.starts_with("0 to create, 0 to update, 0 to delete")
        && last.ends_with("0 kept, 0 ambiguous")
}

#[tokio::test(flavor = "multi_thread")]
async fn export_then_diff_is_empty_for_the_demo_plan_and_every_fixture_plan() {
    let office = demo_office().await;
    let diff = export_then_diff(&office, 12).await;
    assert!(nothing_to_do(&diff), "{diff}");
    // Plans made from each carrier 271 by both rule sets: custom rows (age limits on a
    // category, Open Dental's HSD rows) included.
    let client = office.client();
    let lookups = client.eligibility_lookups().await.unwrap();
    let names = [
        "271-01-subscriber-ppo.edi",
        "271-02-network-split.edi",
        "271-04-alt-delimiters.edi",
    ];
    for (i, name) in names.iter().enumerate() {
        for (j, rules) in [RuleSet::Faithful, RuleSet::OpenDental]
            .into_iter()
            .enumerate()
        {
            let plan = PlanNum::new(100 + (i * 2 + j) as u64);
            office.insert_plan(InsPlan::new(plan, if j == 0 { 0 } else { 7 }));
            let text = std::fs::read(format!("{FIXTURES}{name}")).unwrap();
            let read = read_271(&lookups, &text, ReadOptions::new().rules(rules)).unwrap();
            let change = client
                .diff_from_271(plan, None, &read, DiffOptions::new())
                .await
                .unwrap();
            client.apply(&change.plan).await.unwrap();
            let diff = export_then_diff(&office, plan.get()).await;
            assert!(nothing_to_do(&diff), "{name} {rules:?}: {diff}");
        }
    }
    // A dependent's 271: the patient plan's overrides export and diff as the patient plan's.
    let text = std::fs::read(format!("{FIXTURES}271-03-dependent.edi")).unwrap();
    let options = ReadOptions::new().dependent(true);
    let read = read_271(&lookups, &text, options).unwrap();
    let pat_plan = PatPlanNum::new(77);
    let change = client
        .diff_from_271(PlanNum::new(12), Some(pat_plan), &read, DiffOptions::new())
        .await
        .unwrap();
    for changeset in change.changesets() {
        client.apply(changeset).await.unwrap();
    }
    let path = write_file(&unique("export-pat", "toml"), "");
    let export = ["plan", "export", "12", "--pat-plan", "77", "-o", &path];
    let out = run_blocking(args(&export), office_env(&office)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let diff = ["plan", "diff", "12", &path, "--pat-plan", "77"];
    let out = run_blocking(args(&diff), office_env(&office)).await;
    assert!(
        nothing_to_do(&stdout(&out)),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // 11: the age limit is listed (age_limit_not_read), not written.
    assert!(stdout(&out).contains("11 unchanged"), "{}", stdout(&out));
}

fn any_benefit(plan: PlanNum) -> impl Strategy<Value = NewBenefit> {
    let types = proptest::sample::select(vec![
        BenefitType::CoInsurance,
        BenefitType::Deductible,
        BenefitType::Limitations,
        BenefitType::CoPayment,
        BenefitType::Exclusions,
        BenefitType::ActiveCoverage,
    ]);
    let levels = proptest::sample::select(vec![
        CoverageLevel::None,
        CoverageLevel::Individual,
        CoverageLevel::Family,
    ]);
    let periods = proptest::sample::select(vec![
        None,
        Some(TimePeriod::None),
        Some(TimePeriod::CalendarYear),
        Some(TimePeriod::ServiceYear),
        Some(TimePeriod::Lifetime),
        Some(TimePeriod::Years),
    ]);
    (
        types,
        levels,
        periods,
        0..4u8,
        0..100u8,
        1..2000u32,
        1..40u8,
        0..4u8,
    )
        .prop_map(
            move |(kind, level, period, scope, percent, amount, quantity, extra)| {
                let mut new = NewBenefit::new(plan, kind.clone(), level);
                new.time_period = period;
                match scope {
                    1 => new.cov_cat_num = Some(CovCatNum::new(u64::from(percent % 16) + 1)),
                    2 => new.proc_code = Some("D1110".to_owned()),
                    3 => new.code_group_num = Some(CodeGroupNum::new(u64::from(quantity % 9) + 1)),
                    _ => {}
                }
                match kind {
                    BenefitType::CoInsurance => new.percent = Some(percent),
                    BenefitType::Deductible | BenefitType::CoPayment => {
                        new.monetary_amt = Some(amount.into())
                    }
                    BenefitType::Limitations if extra == 0 => {
                        new.monetary_amt = Some(amount.into())
                    }
                    BenefitType::Limitations => {
                        let qualifier = [
                            QuantityQualifier::NumberOfServices,
                            QuantityQualifier::AgeLimit,
                            QuantityQualifier::Years,
                        ][usize::from(extra % 3)]
                        .clone();
                        new.quantity_qualifier = Some(qualifier);
                        new.quantity = Some(quantity);
                    }
                    _ => {}
                }
                new
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Any plan the office holds exports to a file that diffs to nothing.
    #[test]
    fn any_plan_exports_to_a_file_that_diffs_to_nothing(
        rows in proptest::collection::vec(any_benefit(PlanNum::new(12)), 1..10),
        renews in prop_oneof![Just(0u8), Just(7u8)],
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        let diff = runtime.block_on(async {
            let office = MockOpenDental::start().await;
            office.insert_plan(InsPlan::new(PlanNum::new(12), renews));
            // One row per slot: two rows in one slot are ambiguous in any file.
            let mut seeded: Vec<benefits_sdk::opendental::BenefitShape> = Vec::new();
            for row in &rows {
                let shape = row.shape();
                if seeded.iter().all(|s| !s.same_slot(&shape)) {
                    office.seed(row);
                    seeded.push(shape);
                }
            }
            export_then_diff(&office, 12).await
        });
        prop_assert!(nothing_to_do(&diff), "{}", diff);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn copy_within_an_office() {
    let office = demo_office().await;
    office.insert_plan(InsPlan::new(PlanNum::new(13), 7));
    let out = run_blocking(
        args(&["plan", "copy", "12", "--to", "13", "--yes"]),
        office_env(&office),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("12 to create"), "{}", stdout(&out));
    let copied = office
        .benefits()
        .iter()
        .filter(|b| b.plan_num == Some(PlanNum::new(13)))
        .count();
    assert_eq!(copied, 12);
    // Copying again writes nothing.
    let out = run_blocking(
        args(&["plan", "copy", "12", "--to", "13", "--yes"]),
        office_env(&office),
    )
    .await;
    assert!(
        stdout(&out).contains("0 to create, 0 to update, 0 to delete, 12 unchanged"),
        "{}",
        stdout(&out)
    );
}

/// A config file for two offices on fakes, each with its own customer key variable.
fn two_offices(a: &MockOpenDental, b: &MockOpenDental) -> String {
    let text = format!(
        "[offices.north]\nmode = \"{}\"\ncustomer_key_env = \"NORTH_KEY\"\n\n\
         [offices.south]\nmode = \"{}\"\ncustomer_key_env = \"SOUTH_KEY\"\nversion = \"25.4.48\"\n",
        a.base_url(),
        b.base_url()
    );
    write_file(
        &format!("offices-{}.toml", a.base_url().len() + b.base_url().len()),
        &text,
    )
}

fn office_vars(config: &str) -> Vec<(&'static str, String)> {
    vec![
        ("BENEFITS_CONFIG", config.to_owned()),
        ("OPENDENTAL_DEVELOPER_KEY", "dev".to_owned()),
        ("NORTH_KEY", "north-key".to_owned()),
        ("SOUTH_KEY", "south-key".to_owned()),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn copy_across_offices_translates_categories_and_lists_what_it_cannot() {
    let north = MockOpenDental::builder()
        .keys("dev", "north-key")
        .start()
        .await;
    north.insert_plan(InsPlan::new(PlanNum::new(12), 0));
    for b in benefits_sdk::mock::demo::plan_benefits(PlanNum::new(12)) {
        north.seed(&b);
    }
    // South numbers the same categories otherwise, and has no "Pano/FMX" group.
    let south = MockOpenDental::builder()
        .keys("dev", "south-key")
        .start()
        .await;
    south.insert_plan(InsPlan::new(PlanNum::new(40), 0));
    let cats: Vec<CovCat> = benefits_sdk::mock::demo::cov_cats()
        .into_iter()
        .map(|c| {
            let num = CovCatNum::new(c.cov_cat_num.get() + 100);
            CovCat::new(num, c.description.clone(), c.ebenefit_cat.clone())
                .order(c.cov_order)
                .hidden(c.is_hidden)
        })
        .collect();
    south.set_cov_cats(cats);
    let groups: Vec<CodeGroup> = benefits_sdk::mock::demo::code_groups()
        .into_iter()
        .filter(|g| g.code_group_fixed != CodeGroupFixed::PanoFMX)
        .collect();
    south.set_code_groups(groups);
    let config = two_offices(&north, &south);
    let copy = [
        "--office",
        "north",
        "plan",
        "copy",
        "12",
        "--to",
        "40",
        "--to-office",
        "south",
        "--yes",
    ];
    let out = run_blocking(args(&copy), office_vars(&config)).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not copied: #11 "),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("PanoFMX"), "{}", stderr(&out));
    let copied: Vec<_> = south
        .benefits()
        .into_iter()
        .filter(|b| b.plan_num == Some(PlanNum::new(40)))
        .collect();
    assert_eq!(copied.len(), 11);
    // Basic is category 3 in the north and 103 in the south.
    assert!(
        copied
            .iter()
            .any(|b| b.cov_cat_num == Some(CovCatNum::new(103)) && b.percent == Some(80))
    );
    assert!(
        copied
            .iter()
            .all(|b| b.cov_cat_num.is_none_or(|c| c.get() > 100))
    );
    // With --deletes, nothing is written when a row could not be copied.
    let mut with_deletes = copy.to_vec();
    with_deletes.push("--deletes");
    let out = run_blocking(args(&with_deletes), office_vars(&config)).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let _ = CodeNum::new(1);
}

#[tokio::test(flavor = "multi_thread")]
async fn office_list_never_prints_a_key_and_a_readable_key_file_is_refused() {
    let a = MockOpenDental::start().await;
    let text = format!(
        "[offices.east]\nmode = \"{}\"\ncustomer_key = \"secret-east-key\"\n\n\
         [offices.west]\ncascade = [\"api-service:192.168.1.20\", \"remote\"]\ncustomer_key_env = \"WEST_KEY\"\n",
        a.base_url()
    );
    let config = write_file(&unique("keys", "toml"), &text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
        let env = vec![("BENEFITS_CONFIG", config.clone())];
        let out = run_blocking(args(&["office", "list"]), env.clone()).await;
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("others can read it (mode 644)"),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("secret-east-key"));
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let env = vec![
        ("BENEFITS_CONFIG", config.clone()),
        ("WEST_KEY", "secret-west-key".to_owned()),
    ];
    for json in [false, true] {
        let mut list = vec!["office", "list"];
        if json {
            list.push("--json");
        }
        let out = run_blocking(args(&list), env.clone()).await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out) + &stderr(&out);
        assert!(
            !text.contains("secret-east-key") && !text.contains("secret-west-key"),
            "{text}"
        );
        assert!(
            text.contains("$WEST_KEY") && text.contains("in the config file"),
            "{text}"
        );
        assert!(text.contains("api-service:192.168.1.20"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_tells_a_healthy_office_from_a_refused_key_and_one_that_is_down() {
    let healthy = MockOpenDental::builder()
        .keys("dev", "north-key")
        .start()
        .await;
    let refused = MockOpenDental::builder()
        .keys("dev", "other-key")
        .start()
        .await;
    let config = two_offices(&healthy, &refused);
    let out = run_blocking(args(&["--office", "north", "doctor"]), office_vars(&config)).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("Open Dental 25.4.48"),
        "{}",
        stdout(&out)
    );
    let out = run_blocking(
        args(&["--office", "south", "doctor", "--json"]),
        office_vars(&config),
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let checks: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let reach = checks.iter().find(|c| c["check"] == "reach").unwrap();
    assert_eq!(reach["status"], "failed");
    assert!(
        reach["detail"]
            .as_str()
            .unwrap()
            .contains("refused the keys (401)")
    );
    // Down: a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = vec![
        ("OPENDENTAL_DEVELOPER_KEY", "dev".to_owned()),
        ("OPENDENTAL_CUSTOMER_KEY", "key".to_owned()),
        (
            "OPENDENTAL_BASE_URL",
            format!("http://127.0.0.1:{port}/api/v1"),
        ),
    ];
    let out = run_blocking(args(&["doctor", "--json"]), env).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let checks: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let reach = checks.iter().find(|c| c["check"] == "reach").unwrap();
    assert!(
        reach["detail"]
            .as_str()
            .unwrap()
            .starts_with("cannot reach"),
        "{reach}"
    );
    let _ = Duration::ZERO;
}

#[test]
fn demo_doctor_passes() {
    let out = benefits(&["--demo", "doctor"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("write permission"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn completions_parse_and_the_man_page_renders() {
    let out = benefits(&["completions", "bash"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let script = write_file(&unique("benefits", "bash"), &stdout(&out));
    let check = std::process::Command::new("bash")
        .args(["-n", &script])
        .status()
        .unwrap();
    assert!(check.success(), "bash -n rejected the completion script");
    for shell in ["zsh", "fish", "powershell"] {
        let out = benefits(&["completions", shell], &[]);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("benefits"), "{shell}");
    }
    let out = benefits(&["man"], &[]);
    assert!(stdout(&out).starts_with(".ie"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Exit codes"),
        "the man page names the exit codes"
    );
}

#[test]
fn no_color_is_honoured() {
    let colored = benefits(&["--help"], &[("CLICOLOR_FORCE", "1")]);
    assert!(stdout(&colored).contains('\u{1b}'), "forced colour shows");
    let plain = benefits(&["--help"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!stdout(&plain).contains('\u{1b}'), "NO_COLOR wins");
    assert!(stdout(&plain).contains("Exit codes: 0 done"));
}
