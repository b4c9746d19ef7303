//! `benefits eligibility read|stored`, and the carrier's side of `plan diff|apply --from-271`:
//! a 271 read with the office's own lookups, shown in the office's words with every segment
//! left out.

use std::io::Read;

use benefits_sdk::opendental::eligibility::{
    Eligibility, EligibilityInput, EligibilityLookups, EligibilitySource, Network, ReadOptions,
    RuleSet, names_procedure_codes, read_eligibility,
};
use benefits_sdk::opendental::{BenefitsClient, Names, PatNum, PlanNum, PlanSummary};
use benefits_sdk::{EligibilityErrorKind, Error};
use clap::{Args, Subcommand, ValueEnum};

use crate::Failure;

#[derive(Subcommand)]
pub enum EligibilityCommand {
    /// A carrier's 271 file as benefit rows in the office's words, then every EB segment left
    /// out and why.
    Read {
        /// The 271 (X12 005010X279A1) as the carrier sent it, or a clearinghouse's eligibility
        /// JSON (Change Healthcare v3 / Stedi) when the name ends in .json; `-` reads standard
        /// input, either form.
        file: String,
        #[command(flatten)]
        read: ReadFlags,
        /// Print JSON: {"rows": [...], "dropped": [{"ordinal", "loop", "reason", "segment"}],
        /// "findings": [{"ordinal", "loop", "kind", "detail", "segment"}]}.
        #[arg(long)]
        json: bool,
    },
    /// The 271s the office stored for a patient, newest first.
    Stored {
        /// The patient (PatNum).
        #[arg(long)]
        patient: u64,
        /// Only those for this plan (PlanNum).
        #[arg(long)]
        plan: Option<u64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// How a 271 is read.
#[derive(Args, Clone)]
pub struct ReadFlags {
    /// Read the out-of-network benefits (default: in network).
    #[arg(long)]
    out_of_network: bool,
    /// The carrier sends the share insurance pays (Open Dental's "coinsurance inverted").
    #[arg(long)]
    coinsurance_inverted: bool,
    /// The request was for a dependent, not the subscriber.
    #[arg(long)]
    dependent: bool,
    /// The rule set: Open Dental's own import (od), or the SDK's (faithful, the default).
    #[arg(long, value_enum)]
    rules: Option<Rules>,
    /// Read the office's procedure codes again, not the copy kept on disk for a day.
    #[arg(long)]
    refresh: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Rules {
    /// Exactly Open Dental's import.
    Od,
    /// Everything the carrier said that Open Dental can hold.
    Faithful,
}

impl ReadFlags {
    pub fn options(&self) -> ReadOptions {
        ReadOptions::new()
            .network(match self.out_of_network {
                true => Network::Out,
                false => Network::In,
            })
            .coinsurance_inverted(self.coinsurance_inverted)
            .dependent(self.dependent)
            .rules(match self.rules {
                Some(Rules::Od) => RuleSet::OpenDental,
                Some(Rules::Faithful) | None => RuleSet::Faithful,
            })
    }

    /// Whether any flag was given (they only mean something for a 271).
    pub fn any(&self) -> bool {
        self.out_of_network
            || self.coinsurance_inverted
            || self.dependent
            || self.rules.is_some()
            || self.refresh
    }
}

/// The file's bytes: standard input for `-`.
fn bytes_of(file: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let read = match file {
        "-" => std::io::stdin().read_to_end(&mut bytes).map(|_| ()),
        path => std::fs::read(path).map(|b| bytes = b),
    };
    read.map_err(|e| Failure::Input(format!("{file}: {e}")))?;
    Ok(bytes)
}

/// The form a file is in: JSON by its `.json` extension, X12 otherwise; standard input (`-`)
/// by its first character.
fn input_of<'a>(file: &str, bytes: &'a [u8]) -> EligibilityInput<'a> {
    let json = std::path::Path::new(file)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    match file {
        "-" => EligibilityInput::sniff(bytes),
        _ if json => EligibilityInput::Json(bytes),
        _ => EligibilityInput::X12(bytes),
    }
}

/// A 271 file (X12, or a clearinghouse's JSON) read with the office's lookups. A file that is
/// not a 271 is the user's input (exit 2); a 271 whose carrier rejected the whole request is
/// exit 5; an office without every category is the office's (exit 1).
pub async fn read_file(
    client: &BenefitsClient,
    file: &str,
    flags: &ReadFlags,
) -> Result<Eligibility, Failure> {
    let bytes = bytes_of(file)?;
    let input = input_of(file, &bytes);
    read_input(client, file, input, flags.options(), flags.refresh).await
}

/// The newest 271 the office stored for `patient` and `plan`, read with the office's lookups.
/// Read as a dependent's when the flags say so, or when its answer has a dependent loop
/// (2110D: the 270 asked about a dependent), which is said on stderr.
pub async fn read_stored(
    client: &BenefitsClient,
    patient: PatNum,
    plan: PlanNum,
    flags: &ReadFlags,
) -> Result<Eligibility, Failure> {
    let newest = client
        .stored_271s(patient, Some(plan))
        .await?
        .into_iter()
        .next();
    let Some(text) = newest.and_then(|e| e.etrans_message_text_num) else {
        return Err(Failure::Input(format!(
            "the office stored no 271 for patient {patient} and plan {plan} (benefits \
             eligibility stored --patient {patient} lists what it has)"
        )));
    };
    let text = client.etrans_message_text(text).await?;
    let label = format!("the stored 271 of patient {patient}");
    let message = text.message_text.as_bytes();
    let input = EligibilityInput::X12(message);
    let read = read_input(client, &label, input, flags.options(), flags.refresh).await?;
    if read.dependent || !read.shows_dependent {
        return Ok(read);
    }
    eprintln!("benefits: the stored 271 answers for a dependent (2110D): read as --dependent");
    let options = flags.options().dependent(true);
    read_input(
        client,
        &label,
        EligibilityInput::X12(message),
        options,
        false,
    )
    .await
}

/// A 271 (X12 or JSON) read with the office's lookups (see [`read_file`]).
async fn read_input(
    client: &BenefitsClient,
    label: &str,
    input: EligibilityInput<'_>,
    options: ReadOptions,
    refresh: bool,
) -> Result<Eligibility, Failure> {
    let cats = client.cov_cats().await?;
    // The codes only when an X12 271 names one (JSON: always), from the kept copy when there
    // is a fresh one.
    let names_codes = match input {
        EligibilityInput::X12(bytes) => names_procedure_codes(bytes),
        _ => true,
    };
    let codes = match names_codes {
        true => crate::codes::procedure_codes(client, refresh).await?,
        false => Vec::new(),
    };
    let lookups = EligibilityLookups::new(&cats, codes.iter())?;
    read_eligibility(&lookups, input, options).map_err(|e| match &e {
        Error::Eligibility(whole) => match whole.kind {
            EligibilityErrorKind::MissingEbenefitCategories(_) => Failure::Office(e),
            EligibilityErrorKind::ProcessingError { .. }
            | EligibilityErrorKind::JsonProcessingError { .. } => {
                Failure::Rejected(format!("{label}: {whole}"))
            }
            _ => Failure::Input(format!("{label}: {whole}")),
        },
        _ => Failure::Office(e),
    })
}

pub async fn run(client: &BenefitsClient, command: EligibilityCommand) -> Result<(), Failure> {
    match command {
        EligibilityCommand::Read { file, read, json } => {
            let read = read_file(client, &file, &read).await?;
            match json {
                true => crate::output::json(&read),
                false => show(&read, &client.names().await?),
            }
            Ok(())
        }
        EligibilityCommand::Stored {
            patient,
            plan,
            json,
        } => stored(client, PatNum::new(patient), plan.map(PlanNum::new), json).await,
    }
}

/// The rows as a table in the office's words, then what was left out.
pub fn show(read: &Eligibility, names: &Names) {
    let mut rows = crate::output::table(&[ordinal(read), "Loop", "Owner", "Benefit"]);
    for row in &read.rows {
        let meaning = PlanSummary::from_shapes([row.shape.clone()]).with_names(names.clone());
        rows.add_row(vec![
            row.ordinal.to_string(),
            row.loop_id.to_string(),
            owner(row.owner).to_owned(),
            meaning.to_string(),
        ]);
    }
    outln!("{} rows", read.rows.len());
    outln!("{rows}");
    dropped(read);
    findings(read);
}

/// What was noticed on segments that were read all the same (a number read Open Dental's
/// way, an AAA for one service type).
pub fn findings(read: &Eligibility) {
    if read.findings.is_empty() {
        return;
    }
    outln!("\nNoticed: {} findings", read.findings.len());
    let mut table = crate::output::table(&["Segment", "Loop", "Finding", "Detail", "EB"]);
    for f in &read.findings {
        table.add_row(vec![
            f.ordinal.to_string(),
            f.loop_id.to_string(),
            f.kind.to_string(),
            f.detail.clone(),
            f.segment.clone(),
        ]);
    }
    outln!("{table}");
}

/// The segments left out, and why.
pub fn dropped(read: &Eligibility) {
    outln!("\nLeft out: {} segments", read.dropped.len());
    if read.dropped.is_empty() {
        return;
    }
    let eb = match read.source {
        EligibilitySource::Json => "EB (rebuilt from the JSON)",
        _ => "EB",
    };
    let mut table = crate::output::table(&[ordinal(read), "Loop", "Reason", eb]);
    for d in &read.dropped {
        table.add_row(vec![
            d.ordinal.to_string(),
            d.loop_id.to_string(),
            d.reason.to_string(),
            d.segment.clone(),
        ]);
    }
    outln!("{table}");
}

/// What a row's number is: an X12 segment's ordinal, or a JSON entry's index.
fn ordinal(read: &Eligibility) -> &'static str {
    match read.source {
        EligibilitySource::Json => "Entry",
        _ => "Segment",
    }
}

fn owner(owner: benefits_sdk::opendental::eligibility::OwnerKind) -> &'static str {
    match owner {
        benefits_sdk::opendental::eligibility::OwnerKind::Plan => "plan",
        benefits_sdk::opendental::eligibility::OwnerKind::PatPlan => "patient plan",
    }
}

async fn stored(
    client: &BenefitsClient,
    patient: PatNum,
    plan: Option<PlanNum>,
    json: bool,
) -> Result<(), Failure> {
    let found = client.stored_271s(patient, plan).await?;
    if json {
        crate::output::json(&found);
        return Ok(());
    }
    let mut table = crate::output::table(&["EtransNum", "Received", "PlanNum", "Text"]);
    let shown = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
    for e in &found {
        table.add_row(vec![
            e.etrans_num.to_string(),
            shown(e.date_time_trans.map(|t| t.to_string())),
            shown(e.plan_num.map(|p| p.to_string())),
            shown(e.etrans_message_text_num.map(|t| t.to_string())),
        ]);
    }
    outln!("{} stored 271s for patient {patient}", found.len());
    outln!("{table}");
    Ok(())
}
