//! What the CLI's test binaries share: running the binary, reading its output, the fake
//! office it talks to.
#![allow(dead_code)]

use std::process::{Command, Output};

use benefits_sdk::mock::{MockOpenDental, demo};
use benefits_sdk::opendental::{InsPlan, PlanNum};

pub const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/desired-benefits.example.toml");

static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The environment a test never inherits.
const CLEARED: [&str; 10] = [
    "OPENDENTAL_DEVELOPER_KEY",
    "OPENDENTAL_CUSTOMER_KEY",
    "OPENDENTAL_BASE_URL",
    "CERVEY_APP_ID",
    "CERVEY_API_KEY",
    "CERVEY_BASE_URL",
    "BENEFITS_CONFIG",
    "BENEFITS_OFFICE",
    "NO_COLOR",
    "CLICOLOR_FORCE",
];

/// Where a test keeps its files: under the target directory (`CARGO_TARGET_TMPDIR`), so that a
/// run leaves nothing in the system's temporary directory and `cargo clean` removes it all.
pub fn scratch() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// The binary, with none of the environment a test never inherits, and a cache of its own
/// (unless the test gives one).
fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_benefits"));
    for var in CLEARED {
        command.env_remove(var);
    }
    let cache = scratch().join(format!(
        "benefits-cli-test-cache-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    command.env("BENEFITS_CACHE_DIR", &cache);
    command
}

pub fn benefits(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = command();
    command.args(args).envs(env.iter().copied());
    command.output().expect("the binary runs")
}

/// The binary run with `input` on its standard input.
pub fn benefits_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut command = command();
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().expect("the binary ends")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn write_file(name: &str, text: &str) -> String {
    let dir = scratch().join(format!("benefits-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

pub fn office_env(office: &MockOpenDental) -> Vec<(&'static str, String)> {
    vec![
        ("OPENDENTAL_DEVELOPER_KEY", "mock-developer-key".to_owned()),
        ("OPENDENTAL_CUSTOMER_KEY", "mock-customer-key".to_owned()),
        ("OPENDENTAL_BASE_URL", office.base_url()),
    ]
}

pub async fn run_blocking(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        benefits(&args, &env)
    })
    .await
    .unwrap()
}

pub fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub async fn demo_office() -> MockOpenDental {
    let office = MockOpenDental::start().await;
    let mut plan = InsPlan::new(PlanNum::new(12), 0);
    plan.group_num = "GRP20417".to_owned();
    office.insert_plan(plan);
    for b in demo::plan_benefits(PlanNum::new(12)) {
        office.seed(&b);
    }
    office
}
