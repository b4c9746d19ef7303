//! `benefits plan`: show, export, diff, apply and copy a plan's benefits.

use benefits_sdk::opendental::{
    BenefitFilter, BenefitYear, BenefitsClient, DiffOptions, Owner, PatNum, PatPlanNum, PlanNum,
    PlanSummary,
};

use crate::Failure;
use crate::args::{Global, PlanCommand, PlanFile};
use crate::{change, desired, eligibility, export};

pub async fn run(
    client: &BenefitsClient,
    global: &Global,
    command: PlanCommand,
) -> Result<(), Failure> {
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
                crate::output::rows_json(&rows);
            } else if csv {
                crate::output::rows_csv(&rows, &names);
            } else {
                crate::output::rows_table(&rows, &names);
            }
            Ok(())
        }
        PlanCommand::Export {
            plan,
            pat_plan,
            output,
            json,
        } => export(client, plan, pat_plan, output, json).await,
        PlanCommand::Copy {
            from,
            to,
            to_office,
            deletes,
            yes,
            dry_run,
            json,
        } => {
            let target = match &to_office {
                Some(name) => crate::office_client(global, name)?,
                None => client.clone(),
            };
            let how = CopyFlags {
                deletes,
                yes,
                dry_run,
                json,
                across: to_office.is_some(),
                office: to_office.clone().unwrap_or_else(|| office_name(global)),
            };
            copy(client, &target, PlanNum::new(from), PlanNum::new(to), how).await
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
            accept_mismatch,
        } => {
            let change = diff(client, &file).await?;
            let flags = change::ApplyFlags {
                yes,
                keep_going,
                json: file.json,
                accept_mismatch,
                office: office_name(global),
            };
            change::apply(client, &change, &flags).await
        }
    }
}

/// The office the command writes, as the person knows it: the config file's name, else
/// what the keys are.
pub(crate) fn office_name(global: &Global) -> String {
    match (&global.office, global.demo) {
        (Some(name), _) => name.clone(),
        (None, true) => "demo".to_owned(),
        (None, false) => "of the keys given".to_owned(),
    }
}

/// The change a file asks for: a desired-benefits file, or a carrier's 271.
pub async fn diff(client: &BenefitsClient, file: &PlanFile) -> Result<change::Change, Failure> {
    let options = DiffOptions::new().deletes(file.deletes);
    let plan = PlanNum::new(file.plan);
    let read = match (&file.from_271, file.patient) {
        (Some(path), _) => Some(eligibility::read_file(client, path, &file.read).await?),
        (None, Some(patient)) if file.from_stored => {
            Some(eligibility::read_stored(client, PatNum::new(patient), plan, &file.read).await?)
        }
        _ => None,
    };
    if let Some(read) = read {
        if file.pat_plan.is_some() && !read.dependent {
            return Err(Failure::Input(
                "--pat-plan takes a dependent's overrides from a 271: add --dependent (a \
                 subscriber's 271 gives the plan's rows only)"
                    .to_owned(),
            ));
        }
        let pat_plan = file.pat_plan.map(PatPlanNum::new);
        let change = client.diff_from_271(plan, pat_plan, &read, options).await;
        return Ok(change::Change::Carrier(Box::new(change.map_err(
            |e| match e {
                benefits_sdk::Error::InvalidRequest(v) => {
                    Failure::Input(format!("{v}: give it with --pat-plan"))
                }
                e => Failure::Office(e),
            },
        )?)));
    }
    if file.read.any() {
        return Err(Failure::Input(
            "--out-of-network, --coinsurance-inverted, --dependent, --rules and --refresh read \
             a 271: they need --from-271, not a desired-benefits file"
                .to_owned(),
        ));
    }
    let path = file.file.as_deref().unwrap_or_default();
    let text = std::fs::read_to_string(path).map_err(|e| Failure::Input(format!("{path}: {e}")))?;
    let wanted = desired::read(path, &text).map_err(|e| Failure::Input(e.0))?;
    let owner = match file.pat_plan {
        Some(p) => Owner::PatPlan(PatPlanNum::new(p)),
        None => Owner::Plan(plan),
    };
    // The documented rules and the advice, on every row, before the first request.
    let checked = wanted.check(owner).map_err(|e| Failure::Input(e.0))?;
    for advice in checked.advice {
        eprintln!("benefits: advice: {advice}");
    }
    let shapes = wanted.resolve(client).await.map_err(|e| match e {
        desired::ResolveError::Input(message) => Failure::Input(message),
        desired::ResolveError::Office(e) => Failure::Office(e),
    })?;
    // A patient plan's benefit year is its plan's (the API cannot look a patient plan up).
    let year = client.ins_plan(plan).await?.benefit_year();
    Ok(change::Change::File(
        client.diff_in_year(owner, year, shapes, options).await?,
    ))
}

/// `plan export`: the owner's rows as the desired-benefits file.
async fn export(
    client: &BenefitsClient,
    plan: Option<u64>,
    pat_plan: Option<u64>,
    output: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let (filter, what, year) = match (plan, pat_plan) {
        (_, Some(p)) => {
            // A patient plan's year cannot be looked up; its rows say theirs.
            let what = format!("patient plan {p}");
            (
                BenefitFilter::PatPlan(PatPlanNum::new(p)),
                what,
                BenefitYear::Calendar,
            )
        }
        (Some(p), None) => {
            let year = client.ins_plan(PlanNum::new(p)).await?.benefit_year();
            (
                BenefitFilter::Plan(PlanNum::new(p)),
                format!("plan {p}"),
                year,
            )
        }
        (None, None) => unreachable!("clap requires one"),
    };
    let rows = client.list_all(filter).await?;
    let namer = export::Namer {
        cats: client.cov_cats().await?,
        groups: client.code_groups().await?,
    };
    let file_rows = export::rows(&rows, &namer, year);
    let text = match json {
        true => crate::output::json_text(&serde_json::json!({ "benefits": file_rows })),
        false => export::text(&what, file_rows).map_err(Failure::Input)?,
    };
    match output {
        Some(path) => {
            std::fs::write(&path, text).map_err(|e| Failure::Input(format!("{path}: {e}")))?;
            eprintln!("benefits: wrote {} rows of {what} to {path}", rows.len());
        }
        None => crate::output::out(text.as_bytes(), false),
    }
    Ok(())
}

/// How `plan copy` was asked to run.
struct CopyFlags {
    deletes: bool,
    yes: bool,
    dry_run: bool,
    json: bool,
    /// To another office: keys (`#7`) of the source office mean nothing there.
    across: bool,
    /// The office written, as the person knows it.
    office: String,
}

/// `plan copy`: the source plan's rows, named as the source office names them, resolved in
/// the target office; what cannot be resolved is listed, never guessed.
async fn copy(
    source: &BenefitsClient,
    target: &BenefitsClient,
    from: PlanNum,
    to: PlanNum,
    how: CopyFlags,
) -> Result<(), Failure> {
    let rows = source.list_all(BenefitFilter::Plan(from)).await?;
    let year = source.ins_plan(from).await?.benefit_year();
    let namer = export::Namer {
        cats: source.cov_cats().await?,
        groups: source.code_groups().await?,
    };
    let mut shapes = Vec::new();
    let mut untranslated = Vec::new();
    for (row, file_row) in rows.iter().zip(export::rows(&rows, &namer, year)) {
        let wanted = desired::parse(file_row).map_err(Failure::Input)?;
        let name = wanted.name();
        let what = || {
            let words = PlanSummary::from_shapes([row.shape()]).with_names(namer.names());
            format!("#{} {words}", row.benefit_num)
        };
        let key = match name.as_ref().map(desired::Named::text) {
            Some(text) if how.across && text.starts_with('#') => {
                untranslated.push(format!("{}: the source office's own key {text}", what()));
                continue;
            }
            _ => crate::names::resolve(target, name).await,
        };
        match key {
            Ok(key) => shapes.push(wanted.shape(key)),
            Err(crate::names::NameError::Input(why)) => {
                untranslated.push(format!("{}: {why}", what()))
            }
            Err(crate::names::NameError::Office(e)) => return Err(Failure::Office(e)),
        }
    }
    for line in &untranslated {
        eprintln!("benefits: not copied: {line}");
    }
    if !untranslated.is_empty() && how.deletes {
        return Err(Failure::Input(format!(
            "{} rows could not be copied: refusing --deletes, which would delete what they \
             stand for",
            untranslated.len()
        )));
    }
    let options = DiffOptions::new().deletes(how.deletes);
    let changes = target.diff_with(Owner::Plan(to), shapes, options).await?;
    let change = change::Change::File(changes);
    if how.dry_run {
        match how.json {
            true => change.print_json(),
            false => outln!("{}", change.text(&target.names().await?)),
        }
    } else {
        let flags = change::ApplyFlags {
            yes: how.yes,
            keep_going: false,
            json: how.json,
            accept_mismatch: false,
            office: how.office.clone(),
        };
        change::apply(target, &change, &flags).await?;
    }
    match untranslated.is_empty() {
        true => Ok(()),
        false => Err(Failure::Exit(3)),
    }
}
