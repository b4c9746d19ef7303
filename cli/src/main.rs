//! `benefits`: see and fix an office's Open Dental benefits, and check a member's Cervey
//! benefits, from the command line. Built on `benefits-sdk`'s public API.
//!
//! Exit codes: 0 done; 1 the office or the network failed (doctor: a check failed); 2 bad input
//! (a flag, a file, a name); 3 an apply left conflicts or ambiguities, a copy left rows out, or
//! a 271 that may not be the plan's was not written; 4 an apply had failed writes; 5 the carrier
//! rejected the whole eligibility request (an AAA outside the 271's benefit loops: the 271 holds
//! no benefits).

#[macro_use]
mod output;
mod args;
mod change;
mod codes;
mod custom;
mod desired;
mod doctor;
mod eligibility;
mod export;
mod names;
mod offices;
mod patient;
mod plan;
mod used;

use std::io::IsTerminal;
use std::process::ExitCode;

use args::{Cli, Command, Global, LookupsCommand, OfficeCommand};
use benefits_sdk::cervey::{BenefitCheckClient, BenefitCheckQuery, BenefitCodeNo, MemberNo};
use benefits_sdk::mock::{MockCervey, MockOpenDental, demo};
use benefits_sdk::opendental::{BenefitsClient, InsPlan, PatNum, PlanNum};
use chrono::NaiveDate;
use clap::{CommandFactory, FromArgMatches};

/// How a command ended, as an exit code.
pub(crate) enum Failure {
    /// The user's input: a file, a name, a missing credential (2).
    Input(String),
    /// The office, the network or the API (1).
    Office(benefits_sdk::Error),
    /// The carrier rejected the whole eligibility request (5): the 271 is well formed and
    /// says so.
    Rejected(String),
    /// An exit code whose reason was printed already: an apply with conflicts or ambiguities
    /// (3) or failed writes (4), a copy that left rows out (3), a doctor's failed check (1).
    Exit(u8),
}

impl From<benefits_sdk::Error> for Failure {
    fn from(e: benefits_sdk::Error) -> Self {
        Failure::Office(e)
    }
}

const DEMO_PLAN: u64 = 12;
const DEMO_MEMBER: u64 = 1_234_567;

fn main() -> ExitCode {
    let cli = Cli::command().color(output::color_choice());
    let mut matches = cli.get_matches();
    let json = wants_json(&matches);
    let cli = match Cli::from_arg_matches_mut(&mut matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let verbose = cli.global.verbose;
    if verbose {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("benefits: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) if json => {
            json_error("input", &message);
            ExitCode::from(2)
        }
        Err(Failure::Input(message)) => {
            eprintln!("benefits: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Office(e)) if json => {
            // The server's explanation stays out, as in text.
            json_error(error_kind(&e), &e.to_string());
            ExitCode::from(1)
        }
        Err(Failure::Office(e)) => {
            eprintln!("benefits: {e}");
            // The explanation may echo what was sent, a member number included.
            match e.message() {
                Some(message) if verbose => eprintln!("  the server said: {message}"),
                Some(_) => eprintln!("  (-v shows the server's explanation)"),
                None => {}
            }
            ExitCode::from(1)
        }
        Err(Failure::Rejected(message)) if json => {
            json_error("rejected", &message);
            ExitCode::from(5)
        }
        Err(Failure::Rejected(message)) => {
            eprintln!("benefits: {message}");
            ExitCode::from(5)
        }
        Err(Failure::Exit(code)) => ExitCode::from(code),
    }
}

/// Whether the command asked for JSON (`--json` on the subcommand that runs): then its
/// errors are JSON on stderr too.
fn wants_json(matches: &clap::ArgMatches) -> bool {
    let mut deepest = matches;
    while let Some((_, sub)) = deepest.subcommand() {
        deepest = sub;
    }
    matches!(deepest.try_get_one::<bool>("json"), Ok(Some(true)))
}

/// An error as scripts read it, on stderr: `{"error": {"kind", "message"}}`.
fn json_error(kind: &str, message: &str) {
    let error = serde_json::json!({ "error": { "kind": kind, "message": message } });
    eprintln!("{error}");
}

/// The kind of an office's or the network's error, for a script: the error's variant.
fn error_kind(e: &benefits_sdk::Error) -> &'static str {
    use benefits_sdk::Error;
    match e {
        Error::InvalidRequest(_) => "invalid_request",
        Error::Api(_) => "api",
        Error::Transport(_) => "transport",
        Error::Decode(_) => "decode",
        Error::Paging(_) => "paging",
        Error::Config(_) => "config",
        Error::Unsupported(_) => "unsupported",
        Error::Lookup(_) => "lookup",
        Error::ApplyLock(_) => "apply_lock",
        Error::Eligibility(_) => "eligibility",
        _ => "other",
    }
}

/// The fakes a `--demo` run talks to; kept alive for the command.
#[derive(Default)]
pub(crate) struct Fakes {
    _open_dental: Option<MockOpenDental>,
    _cervey: Option<MockCervey>,
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let mut fakes = Fakes::default();
    match cli.command {
        Command::Plan(command) => {
            let client = open_dental(&cli.global, &mut fakes).await?;
            plan::run(&client, &cli.global, command).await
        }
        Command::Office(OfficeCommand::List { json }) => offices::list(json),
        Command::Doctor { json } => {
            let checks = doctor::run(&cli.global, &mut fakes).await;
            doctor::print(&checks, json)
        }
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "benefits", &mut text);
            output::out(&text, false);
            Ok(())
        }
        Command::Man => {
            let mut text = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut text)
                .map_err(|e| Failure::Input(e.to_string()))?;
            output::out(&text, false);
            Ok(())
        }
        Command::Eligibility(command) => {
            let client = open_dental(&cli.global, &mut fakes).await?;
            eligibility::run(&client, command).await
        }
        Command::Patient(command) => {
            let client = open_dental(&cli.global, &mut fakes).await?;
            patient::run(&client, &cli.global, command).await
        }
        Command::Lookups(command) => {
            let client = open_dental(&cli.global, &mut fakes).await?;
            match command {
                LookupsCommand::Covcats { json } => {
                    output::cov_cats(&client.cov_cats().await?, json);
                }
                LookupsCommand::Codegroups { json } => {
                    output::code_groups(&client.code_groups().await?, json);
                }
            }
            Ok(())
        }
        Command::Check {
            member,
            date,
            benefit_code,
            json,
        } => {
            let date = date.unwrap_or_else(|| chrono::Local::now().date_naive());
            let client = cervey(&cli.global, &mut fakes, member, date).await?;
            let mut query = BenefitCheckQuery::new(MemberNo::new(member)).date_of_service(date);
            if let Some(code) = benefit_code {
                query = query.benefit_code(BenefitCodeNo::new(code));
            }
            let check = client.benefit_check(&query).await?;
            output::check(&check, date, json);
            Ok(())
        }
    }
}

pub(crate) async fn open_dental(
    global: &Global,
    fakes: &mut Fakes,
) -> Result<BenefitsClient, Failure> {
    if let Some(name) = &global.office {
        return office_client(global, name);
    }
    if global.demo {
        let office = MockOpenDental::start().await;
        let plan = PlanNum::new(DEMO_PLAN);
        let mut demo_plan = InsPlan::new(plan, 0);
        // The group of the subscriber's 271 (271-01); the others are other groups' answers.
        demo_plan.group_num = "GRP20417".to_owned();
        office.insert_plan(demo_plan);
        // An empty plan renewing in July, to copy into.
        office.insert_plan(InsPlan::new(PlanNum::new(DEMO_PLAN + 1), 7));
        for benefit in demo::plan_benefits(plan) {
            office.seed(&benefit);
        }
        // The carrier's 271s, one per demo patient (1001–1004), received a day apart.
        for ((_, text), n) in demo::carrier_271s().into_iter().zip(1..) {
            let at = NaiveDate::from_ymd_opt(2025, 11, 3 + n)
                .and_then(|d| d.and_hms_opt(9, 30, 0))
                .unwrap_or_default();
            let text = String::from_utf8_lossy(text).into_owned();
            office.insert_stored_271(PatNum::new(1000 + u64::from(n)), plan, at, text);
        }
        // Patient 1001's family on the plan, with claims this year and last.
        demo::seed_insurance(&office, plan, chrono::Local::now().date_naive());
        let client = office.client();
        fakes._open_dental = Some(office);
        return Ok(client);
    }
    let (Some(developer), Some(customer)) = (&global.developer_key, &global.customer_key) else {
        return Err(Failure::Input(
            "Open Dental keys are missing: set OPENDENTAL_DEVELOPER_KEY and \
             OPENDENTAL_CUSTOMER_KEY (or --developer-key, --customer-key), or use --demo"
                .to_owned(),
        ));
    };
    let mut builder = BenefitsClient::builder()
        .keys(developer.clone(), customer.clone())
        .user_agent(concat!("benefits-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url.clone());
    }
    builder.build().map_err(|e| Failure::Input(e.to_string()))
}

/// A client for an office of the config file: its modes (a cascade when several), its version
/// if known, its customer key from where the file says, the developer key from its variable
/// (or `--developer-key`).
pub(crate) fn office_client(global: &Global, name: &str) -> Result<BenefitsClient, Failure> {
    let office = offices::find(name)?;
    let developer = match &global.developer_key {
        Some(key) => key.clone(),
        None => std::env::var(&office.developer_key_env).map_err(|_| {
            Failure::Input(format!(
                "office {name}: the developer key's variable {} is not set",
                office.developer_key_env
            ))
        })?,
    };
    let mut builder = BenefitsClient::builder()
        .keys(developer, office.customer_key()?)
        .cascade(office.endpoints.clone())
        .user_agent(concat!("benefits-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(version) = office.version {
        builder = builder.server_version(version);
    }
    builder.build().map_err(|e| Failure::Input(e.to_string()))
}

async fn cervey(
    global: &Global,
    fakes: &mut Fakes,
    member: u64,
    date: NaiveDate,
) -> Result<BenefitCheckClient, Failure> {
    if global.demo {
        let fake = MockCervey::start().await;
        if member == DEMO_MEMBER {
            fake.insert(MemberNo::new(member), demo::benefit_check(date));
        }
        let client = fake.client();
        fakes._cervey = Some(fake);
        return Ok(client);
    }
    let (Some(app_id), Some(api_key)) = (&global.cervey_app_id, &global.cervey_api_key) else {
        return Err(Failure::Input(
            "Cervey credentials are missing: set CERVEY_APP_ID and CERVEY_API_KEY (or \
             --cervey-app-id, --cervey-api-key), or use --demo"
                .to_owned(),
        ));
    };
    let mut builder = BenefitCheckClient::builder()
        .credentials(app_id.clone(), api_key.clone())
        .user_agent(concat!("benefits-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(url) = &global.cervey_base_url {
        builder = builder.base_url(url.clone());
    }
    builder.build().map_err(|e| Failure::Input(e.to_string()))
}

/// Asks on a terminal; refuses to write when there is none to ask on.
pub(crate) fn confirm(question: &str) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Input(
            "not writing without --yes: there is no terminal to confirm on".to_owned(),
        ));
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Input(e.to_string()))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
