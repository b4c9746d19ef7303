//! `benefits`: see and fix an office's Open Dental benefits, and check a member's Cervey
//! benefits, from the command line. Built on `benefits-sdk`'s public API.
//!
//! Exit codes: 0 done; 1 the office or the network failed; 2 bad input (a flag, a file, a
//! name); 3 an apply left conflicts or ambiguities; 4 an apply had failed writes.

#[macro_use]
mod output;
mod change;
mod desired;
mod eligibility;

use std::io::IsTerminal;
use std::process::ExitCode;

use benefits_sdk::cervey::{BenefitCheckClient, BenefitCheckQuery, BenefitCodeNo, MemberNo};
use benefits_sdk::mock::{MockCervey, MockOpenDental, demo};
use benefits_sdk::opendental::{
    BenefitFilter, BenefitsClient, DiffOptions, InsPlan, Owner, PatNum, PatPlanNum, PlanNum,
};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

/// See and fix an office's Open Dental benefits; check a member's Cervey benefits.
#[derive(Parser)]
#[command(
    name = "benefits",
    version,
    about,
    after_help = "Exit codes: 0 done; 1 the office or the network failed; 2 bad input (a flag, a \
                  file, a name); 3 an apply left conflicts or ambiguities; 4 an apply had \
                  failed writes.\n\nTry it without credentials: benefits --demo plan show 12"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// Run against the built-in fakes with demo data (plan 12, member 1234567); no credentials.
    #[arg(long, global = true)]
    demo: bool,
    /// Show the crate's tracing on stderr (keys and member numbers are never traced), and the
    /// server's explanation of an error, which may echo member data.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Open Dental developer key.
    #[arg(
        long,
        env = "OPENDENTAL_DEVELOPER_KEY",
        hide_env_values = true,
        global = true
    )]
    developer_key: Option<String>,
    /// Open Dental customer key (the office's).
    #[arg(
        long,
        env = "OPENDENTAL_CUSTOMER_KEY",
        hide_env_values = true,
        global = true
    )]
    customer_key: Option<String>,
    /// Open Dental base URL, the API root with `/api/v1` (default: Remote).
    #[arg(long, env = "OPENDENTAL_BASE_URL", global = true)]
    base_url: Option<String>,
    /// Cervey app id.
    #[arg(long, env = "CERVEY_APP_ID", hide_env_values = true, global = true)]
    cervey_app_id: Option<String>,
    /// Cervey API key.
    #[arg(long, env = "CERVEY_API_KEY", hide_env_values = true, global = true)]
    cervey_api_key: Option<String>,
    /// Cervey base URL, the API root with `/api/` (default: claimsapi.cervey.com).
    #[arg(long, env = "CERVEY_BASE_URL", global = true)]
    cervey_base_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// A plan's benefits: show them, or bring them in step with a file.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// The office's lookups.
    #[command(subcommand)]
    Lookups(LookupsCommand),
    /// A carrier's 271 eligibility response: read a file, or list the office's stored ones.
    #[command(subcommand)]
    Eligibility(eligibility::EligibilityCommand),
    /// A member's Cervey benefit check, with what remains of each deductible and maximum.
    Check {
        /// The member number.
        member: u64,
        /// The date of service (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Limit the check to one benefit code.
        #[arg(long)]
        benefit_code: Option<u64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// The rows as a table with their shapes, and the plan in words.
    Show {
        /// The plan (PlanNum).
        #[arg(required_unless_present = "pat_plan")]
        plan: Option<u64>,
        /// A patient plan's overrides instead (PatPlanNum).
        #[arg(long, conflicts_with = "plan")]
        pat_plan: Option<u64>,
        /// Print JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV.
        #[arg(long)]
        csv: bool,
    },
    /// What applying the file would write, without writing.
    Diff(PlanFile),
    /// Write the difference: shows the diff, then needs --yes (or a yes on a terminal).
    Apply {
        #[command(flatten)]
        file: PlanFile,
        /// Apply without asking.
        #[arg(long)]
        yes: bool,
        /// Go on after a failed write instead of stopping.
        #[arg(long)]
        keep_going: bool,
    },
}

#[derive(Args)]
struct PlanFile {
    /// The plan (PlanNum).
    plan: u64,
    /// The desired benefits: TOML (or JSON, by extension); see desired-benefits.example.toml.
    #[arg(required_unless_present = "from_271", conflicts_with = "from_271")]
    file: Option<String>,
    /// Take the desired benefits from a carrier's 271 instead; what it leaves out is listed.
    #[arg(long, value_name = "FILE")]
    from_271: Option<String>,
    #[command(flatten)]
    read: eligibility::ReadFlags,
    /// The patient plan (PatPlanNum) that gets a dependent's overrides (--from-271 --dependent).
    #[arg(long, requires = "from_271")]
    pat_plan: Option<u64>,
    /// Also delete rows the file does not have.
    #[arg(long)]
    deletes: bool,
    /// Print JSON: the change plan (diff), or the change plan and the apply's report (apply;
    /// the diff for a person then goes to stderr).
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum LookupsCommand {
    /// Coverage categories.
    Covcats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Code groups.
    Codegroups {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// How a command ended, as an exit code.
pub(crate) enum Failure {
    /// The user's input: a file, a name, a missing credential (2).
    Input(String),
    /// The office, the network or the API (1).
    Office(benefits_sdk::Error),
    /// An apply with conflicts or ambiguities (3), or failed writes (4).
    Apply(u8),
}

impl From<benefits_sdk::Error> for Failure {
    fn from(e: benefits_sdk::Error) -> Self {
        Failure::Office(e)
    }
}

const DEMO_PLAN: u64 = 12;
const DEMO_MEMBER: u64 = 1_234_567;

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Err(Failure::Input(message)) => {
            eprintln!("benefits: {message}");
            ExitCode::from(2)
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
        Err(Failure::Apply(code)) => ExitCode::from(code),
    }
}

/// The fakes a `--demo` run talks to; kept alive for the command.
#[derive(Default)]
struct Fakes {
    _open_dental: Option<MockOpenDental>,
    _cervey: Option<MockCervey>,
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let mut fakes = Fakes::default();
    match cli.command {
        Command::Plan(command) => {
            let client = open_dental(&cli.global, &mut fakes).await?;
            plan(&client, command).await
        }
        Command::Eligibility(command) => {
            let client = open_dental(&cli.global, &mut fakes).await?;
            eligibility::run(&client, command).await
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

async fn open_dental(global: &Global, fakes: &mut Fakes) -> Result<BenefitsClient, Failure> {
    if global.demo {
        let office = MockOpenDental::start().await;
        let plan = PlanNum::new(DEMO_PLAN);
        office.insert_plan(InsPlan::new(plan, 0));
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

async fn plan(client: &BenefitsClient, command: PlanCommand) -> Result<(), Failure> {
    match command {
        PlanCommand::Show {
            plan,
            pat_plan,
            json,
            csv,
        } => {
            let filter = match (plan, pat_plan) {
                (_, Some(p)) => BenefitFilter::PatPlan(PatPlanNum::new(p)),
                (Some(p), None) => BenefitFilter::Plan(PlanNum::new(p)),
                (None, None) => unreachable!("clap requires one"),
            };
            let rows = client.list_all(filter).await?;
            let names = client.names().await?;
            if json {
                output::rows_json(&rows);
            } else if csv {
                output::rows_csv(&rows, &names);
            } else {
                output::rows_table(&rows, &names);
            }
            Ok(())
        }
        PlanCommand::Diff(file) => {
            let change = diff(client, &file).await?;
            if file.json {
                change.print_json();
            } else {
                outln!("{}", change.text(&client.names().await?));
            }
            Ok(())
        }
        PlanCommand::Apply {
            file,
            yes,
            keep_going,
        } => {
            let change = diff(client, &file).await?;
            let flags = change::ApplyFlags {
                yes,
                keep_going,
                json: file.json,
                plan: file.plan,
            };
            change::apply(client, &change, &flags).await
        }
    }
}

/// The change a file asks for: a desired-benefits file, or a carrier's 271.
async fn diff(client: &BenefitsClient, file: &PlanFile) -> Result<change::Change, Failure> {
    let options = DiffOptions::new().deletes(file.deletes);
    let plan = PlanNum::new(file.plan);
    if let Some(path) = &file.from_271 {
        let read = eligibility::read_file(client, path, &file.read).await?;
        let pat_plan = file.pat_plan.map(PatPlanNum::new);
        let change = client.diff_from_271(plan, pat_plan, &read, options).await;
        return Ok(change::Change::Carrier(change.map_err(|e| match e {
            benefits_sdk::Error::InvalidRequest(v) => {
                Failure::Input(format!("{v}: give it with --pat-plan"))
            }
            e => Failure::Office(e),
        })?));
    }
    let path = file.file.as_deref().unwrap_or_default();
    let text = std::fs::read_to_string(path).map_err(|e| Failure::Input(format!("{path}: {e}")))?;
    let wanted = desired::read(path, &text).map_err(|e| Failure::Input(e.0))?;
    let owner = Owner::Plan(plan);
    // The documented rules and the advice, on every row, before the first request.
    let checked = wanted.check(owner).map_err(|e| Failure::Input(e.0))?;
    for advice in checked.advice {
        eprintln!("benefits: advice: {advice}");
    }
    let shapes = wanted.resolve(client).await.map_err(|e| match e {
        desired::ResolveError::Input(message) => Failure::Input(message),
        desired::ResolveError::Office(e) => Failure::Office(e),
    })?;
    Ok(change::Change::File(
        client.diff_with(owner, shapes, options).await?,
    ))
}

/// Asks on a terminal; refuses to write when there is none to ask on.
pub(crate) fn confirm(writes: usize, plan: u64) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Input(
            "not writing without --yes: there is no terminal to confirm on".to_owned(),
        ));
    }
    eprint!("Write {writes} change(s) to plan {plan}? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Input(e.to_string()))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
