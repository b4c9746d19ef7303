//! What `plan diff` and `plan apply` work on: the changeset of a desired-benefits file, or the
//! change a carrier's 271 makes (the plan's and a dependent's patient plan's changesets, with
//! the segments left out); and applying it.

use std::io::IsTerminal;

use benefits_sdk::opendental::eligibility::PlanFinding;
use benefits_sdk::opendental::{
    ApplyOptions, ApplyReport, BenefitsClient, Changeset, EligibilityChange, Names, OnError, Owner,
};

use crate::Failure;

pub enum Change {
    /// From a desired-benefits file.
    File(Changeset),
    /// From a carrier's 271.
    Carrier(Box<EligibilityChange>),
}

impl Change {
    pub fn changesets(&self) -> Vec<&Changeset> {
        match self {
            Change::File(changes) => vec![changes],
            Change::Carrier(change) => change.changesets().collect(),
        }
    }

    pub fn writes(&self) -> usize {
        self.changesets().iter().map(|c| c.writes()).sum()
    }

    fn ambiguous(&self) -> bool {
        self.changesets().iter().any(|c| !c.ambiguities.is_empty())
    }

    /// The diff a person approves (for a 271, with every segment left out).
    pub fn text(&self, names: &Names) -> String {
        match self {
            Change::File(changes) => changes.display_with(names).to_string(),
            Change::Carrier(change) => {
                let mut text = change.display_with(names).to_string();
                for finding in self.findings() {
                    let mark = if finding.blocks() { "check" } else { "note" };
                    text.push_str(&format!("\nThe 271 and the plan ({mark}): {finding}"));
                }
                text
            }
        }
    }

    pub fn print_json(&self) {
        match self {
            Change::File(changes) => crate::output::json(changes),
            Change::Carrier(change) => crate::output::json(change),
        }
    }

    fn print_applied_json(&self, reports: &[ApplyReport]) {
        match self {
            Change::File(changes) => {
                let none = ApplyReport::default();
                crate::output::applied_json(changes, reports.first().unwrap_or(&none))
            }
            Change::Carrier(change) => crate::output::applied_271_json(change, reports),
        }
    }
}

/// How `plan apply` was asked to run.
pub struct ApplyFlags {
    pub yes: bool,
    pub keep_going: bool,
    pub json: bool,
    /// Write a 271's benefits even where it may not be this plan's (`PlanFinding::blocks`).
    pub accept_mismatch: bool,
    /// The office written, as the person knows it (the config file's name).
    pub office: String,
}

impl Change {
    /// What stands between a 271 and the plan today (nothing for a file).
    pub fn findings(&self) -> Vec<PlanFinding> {
        match self {
            Change::File(_) => Vec::new(),
            Change::Carrier(change) => change.findings(chrono::Local::now().date_naive()),
        }
    }

    /// What the confirmation asks: every owner written, with its writes by kind, and the
    /// office.
    fn question(&self, office: &str) -> String {
        let owners: Vec<String> = self
            .changesets()
            .iter()
            .filter(|c| c.writes() > 0)
            .map(|c| {
                let mut kinds = Vec::new();
                for (n, kind) in [
                    (c.updates.len(), "update"),
                    (c.creates.len(), "create"),
                    (c.deletes.len(), "delete"),
                ] {
                    if n > 0 {
                        kinds.push(format!("{n} {kind}{}", if n == 1 { "" } else { "s" }));
                    }
                }
                format!("{}: {}", owner(c.owner), kinds.join(", "))
            })
            .collect();
        format!("In office {office}, write {}?", owners.join("; "))
    }
}

fn owner(owner: Owner) -> String {
    match owner {
        Owner::Plan(p) => format!("plan {p}"),
        Owner::PatPlan(p) => format!("patient plan {p}"),
    }
}

/// Shows the diff, refuses a 271 that may not be the plan's (unless accepted), asks (unless
/// --yes), applies each changeset in turn, and reports each; after a failed write, unless
/// --keep-going, the next changeset is not applied. The exit code tells a refusal, conflicts
/// and ambiguities (3) from failed writes (4).
pub async fn apply(
    client: &BenefitsClient,
    change: &Change,
    flags: &ApplyFlags,
) -> Result<(), Failure> {
    let diff = change.text(&client.names().await?);
    let ask = !flags.yes && change.writes() > 0;
    // With --json, stdout holds the JSON alone; the diff a person reads goes to stderr. So it
    // does when stdout goes elsewhere and a person is asked.
    let to_stderr = flags.json || (ask && !std::io::stdout().is_terminal());
    let say = |text: &str| match to_stderr {
        true => eprintln!("{text}"),
        false => outln!("{text}"),
    };
    say(&diff);
    if !flags.json && to_stderr {
        outln!("{diff}");
    }
    let blocking: Vec<PlanFinding> = change
        .findings()
        .into_iter()
        .filter(|f| f.blocks())
        .collect();
    if !blocking.is_empty() && !flags.accept_mismatch {
        let why: Vec<String> = blocking.iter().map(ToString::to_string).collect();
        let refusal = "not writing: this 271 may not be the plan's, or not in force; look, \
                       then pass --accept-mismatch to write it all the same";
        if flags.json {
            let error = serde_json::json!({
                "error": { "kind": "plan_mismatch", "message": refusal, "findings": why }
            });
            eprintln!("{error}");
        } else {
            why.iter().for_each(|w| eprintln!("benefits: {w}"));
            eprintln!("benefits: {refusal}");
        }
        return Err(Failure::Exit(3));
    }
    if change.writes() == 0 {
        say("Nothing to write.");
        if flags.json {
            let none: Vec<ApplyReport> = change
                .changesets()
                .iter()
                .map(|_| ApplyReport::default())
                .collect();
            change.print_applied_json(&none);
        }
        return match change.ambiguous() {
            true => Err(Failure::Exit(3)),
            false => Ok(()),
        };
    }
    if ask && !crate::confirm(&change.question(&flags.office))? {
        say("Nothing written.");
        return Ok(());
    }
    let (reports, error) = apply_each(client, change, flags).await;
    match flags.json {
        true => change.print_applied_json(&reports),
        false => reports.iter().for_each(crate::output::report),
    }
    let applied = reports.len();
    for skipped in change.changesets().iter().skip(applied) {
        let why = match &error {
            Some(_) => "its apply could not start",
            None => "stopped after a failed write (--keep-going goes on)",
        };
        eprintln!("benefits: {}: not applied: {why}", owner(skipped.owner));
    }
    if let Some(e) = error {
        return Err(Failure::Office(e));
    }
    if reports.iter().any(|r| !r.failed.is_empty()) {
        Err(Failure::Exit(4))
    } else if reports.iter().any(|r| !r.conflicts.is_empty()) || change.ambiguous() {
        Err(Failure::Exit(3))
    } else {
        Ok(())
    }
}

/// Applies each changeset in turn, keeping every report made: stops at an apply that could
/// not start (its error), and, unless --keep-going, after a changeset with a failed write.
async fn apply_each(
    client: &BenefitsClient,
    change: &Change,
    flags: &ApplyFlags,
) -> (Vec<ApplyReport>, Option<benefits_sdk::Error>) {
    let bar = crate::output::progress(change.writes());
    let mut reports: Vec<ApplyReport> = Vec::new();
    let mut before = 0;
    for changes in change.changesets() {
        if !flags.keep_going && reports.iter().any(|r| !r.failed.is_empty()) {
            break;
        }
        let watch = bar.clone();
        let options = ApplyOptions::new()
            .on_error(match flags.keep_going {
                true => OnError::Continue,
                false => OnError::Stop,
            })
            .progress(move |p| watch.set_position((before + p.handled) as u64));
        match client.apply_with(changes, options).await {
            Ok(report) => reports.push(report),
            Err(e) => {
                bar.finish_and_clear();
                return (reports, Some(e));
            }
        }
        before += changes.writes();
    }
    bar.finish_and_clear();
    (reports, None)
}
