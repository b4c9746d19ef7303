//! The command line's words: every command, flag and argument (clap).

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::eligibility;

/// See and fix an office's Open Dental benefits; check a member's Cervey benefits.
#[derive(Parser)]
#[command(
    name = "benefits",
    version,
    about,
    after_help = "Exit codes: 0 done; 1 the office or the network failed (doctor: a check \
                  failed); 2 bad input (a flag, a file, a name); 3 an apply left conflicts or \
                  ambiguities, a copy left rows out, or a 271 that may not be the plan's was not \
                  written; 4 an apply had failed writes; 5 the carrier rejected the whole \
                  eligibility request (its 271 holds no benefits).\n\nTry it without \
                  credentials: benefits --demo plan show 12"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct Global {
    /// Run against the built-in fakes with demo data (plan 12, patient 1001, member 1234567); no
    /// credentials.
    #[arg(long, global = true)]
    pub demo: bool,
    /// An office of the config file (`benefits office list`): its mode, version and keys.
    #[arg(long, env = "BENEFITS_OFFICE", global = true, conflicts_with = "demo")]
    pub office: Option<String>,
    /// Show the crate's tracing on stderr (keys and member numbers are never traced), and the
    /// server's explanation of an error, which may echo member data.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Open Dental developer key.
    #[arg(
        long,
        env = "OPENDENTAL_DEVELOPER_KEY",
        hide_env_values = true,
        global = true
    )]
    pub developer_key: Option<String>,
    /// Open Dental customer key (the office's).
    #[arg(
        long,
        env = "OPENDENTAL_CUSTOMER_KEY",
        hide_env_values = true,
        global = true
    )]
    pub customer_key: Option<String>,
    /// Open Dental base URL, the API root with `/api/v1` (default: Remote).
    #[arg(long, env = "OPENDENTAL_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Cervey app id.
    #[arg(long, env = "CERVEY_APP_ID", hide_env_values = true, global = true)]
    pub cervey_app_id: Option<String>,
    /// Cervey API key.
    #[arg(long, env = "CERVEY_API_KEY", hide_env_values = true, global = true)]
    pub cervey_api_key: Option<String>,
    /// Cervey base URL, the API root with `/api/` (default: claimsapi.cervey.com).
    #[arg(long, env = "CERVEY_BASE_URL", global = true)]
    pub cervey_base_url: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// A plan's benefits: show them, or bring them in step with a file.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// A patient's insurance: what is used, pending and remaining of each of their plans.
    #[command(subcommand)]
    Patient(PatientCommand),
    /// The office's lookups.
    #[command(subcommand)]
    Lookups(LookupsCommand),
    /// A carrier's 271 eligibility response: read a file, or list the office's stored ones.
    #[command(subcommand)]
    Eligibility(eligibility::EligibilityCommand),
    /// The offices of the config file.
    #[command(subcommand)]
    Office(OfficeCommand),
    /// Why an office does not answer: keys, version, mode, round trip, throttle, permissions.
    Doctor {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A shell completion script, on stdout.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The man page (roff), on stdout.
    Man,
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
pub enum PlanCommand {
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
    /// Today's rows as a desired-benefits file, in the office's names (edit it, then diff).
    Export {
        /// The plan (PlanNum); with --pat-plan, the plan whose benefit year it follows.
        #[arg(required_unless_present = "pat_plan")]
        plan: Option<u64>,
        /// A patient plan's overrides instead (PatPlanNum).
        #[arg(long)]
        pat_plan: Option<u64>,
        /// Write the file here instead of stdout.
        #[arg(short, long)]
        output: Option<String>,
        /// Print JSON (the same rows) instead of TOML.
        #[arg(long)]
        json: bool,
    },
    /// Make another plan's benefits this plan's: a diff, then an apply.
    Copy {
        /// The plan to copy (PlanNum).
        from: u64,
        /// The plan to write (PlanNum).
        #[arg(long)]
        to: u64,
        /// The office of the plan to write, from the config file (default: the same office).
        #[arg(long)]
        to_office: Option<String>,
        /// Also delete the target's rows the source does not have.
        #[arg(long)]
        deletes: bool,
        /// Apply without asking.
        #[arg(long)]
        yes: bool,
        /// Show the diff only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON: the change plan (and the report).
        #[arg(long)]
        json: bool,
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
        /// Go on after a failed write instead of stopping (a 271's plan and patient plan
        /// alike: without it, a failed write on the plan leaves the patient plan unwritten).
        #[arg(long)]
        keep_going: bool,
        /// Write a 271's benefits even when it may not be this plan's: its group number is
        /// not the plan's (or either is unknown), the carrier says coverage is inactive, or
        /// the policy is not in force today. Without it, apply shows why and writes nothing
        /// (exit 3).
        #[arg(long)]
        accept_mismatch: bool,
    },
}

#[derive(Args)]
pub struct PlanFile {
    /// The plan (PlanNum).
    pub plan: u64,
    /// The desired benefits: TOML (or JSON, by extension); see desired-benefits.example.toml.
    #[arg(
        required_unless_present_any = ["from_271", "from_stored"],
        conflicts_with_all = ["from_271", "from_stored"]
    )]
    pub file: Option<String>,
    /// Take the desired benefits from a carrier's 271 instead; what it leaves out is listed.
    /// X12, or a clearinghouse's eligibility JSON when the name ends in .json; `-` reads
    /// standard input (either form).
    #[arg(long, value_name = "FILE", conflicts_with = "from_stored")]
    pub from_271: Option<String>,
    /// Take them from the newest 271 the office stored for --patient and this plan (a
    /// dependent's when its answer has a dependent loop, as if --dependent were given).
    #[arg(long, requires = "patient")]
    pub from_stored: bool,
    /// The patient (PatNum) whose stored 271 --from-stored reads.
    #[arg(long, requires = "from_stored")]
    pub patient: Option<u64>,
    #[command(flatten)]
    pub read: eligibility::ReadFlags,
    /// A patient plan (PatPlanNum) of the plan: with a file, its overrides are brought in step
    /// instead of the plan's rows; with --from-271 --dependent, it gets the 271's overrides.
    #[arg(long)]
    pub pat_plan: Option<u64>,
    /// Also delete rows the file does not have.
    #[arg(long)]
    pub deletes: bool,
    /// Print JSON: the change plan (diff), or the change plan and the apply's report (apply;
    /// the diff for a person then goes to stderr).
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum OfficeCommand {
    /// The offices, their modes, versions and where their keys come from (never a key).
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum LookupsCommand {
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

#[derive(Subcommand)]
pub enum PatientCommand {
    /// Each of the patient's plans as Open Dental shows it: the benefit year, annual maximum,
    /// used, pending, remaining, deductible and deductible remaining (-v: the claim
    /// procedures behind each figure).
    Insurance {
        /// The patient (PatNum).
        #[arg(value_parser = clap::value_parser!(u64).range(1..))]
        patnum: u64,
        /// The day the benefit year is taken around (YYYY-MM-DD; default today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What a carrier's 271 says the patient has used and has left, as the change to Open
    /// Dental's insurance used and deductible used (`--apply` sets it: one `PUT
    /// /claimprocs/InsAdjust`), and every figure line Open Dental cannot hold, with why.
    Used(crate::used::UsedArgs),
}
