//! What `plan diff` and `plan apply` work on: the changeset of a desired-benefits file, or the
//! change a carrier's 271 makes (the plan's and a dependent's patient plan's changesets, with
//! the segments left out); and applying it.

use benefits_sdk::opendental::{
    ApplyOptions, ApplyReport, BenefitsClient, Changeset, EligibilityChange, Names, OnError,
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
            Change::Carrier(change) => change.display_with(names).to_string(),
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
            Change::File(changes) => crate::output::applied_json(changes, &reports[0]),
            Change::Carrier(change) => crate::output::applied_271_json(change, reports),
        }
    }
}

/// How `plan apply` was asked to run.
pub struct ApplyFlags {
    pub yes: bool,
    pub keep_going: bool,
    pub json: bool,
    pub plan: u64,
}

/// Shows the diff, asks (unless --yes), applies each changeset, and reports; the exit code
/// tells conflicts and ambiguities (3) from failed writes (4).
pub async fn apply(
    client: &BenefitsClient,
    change: &Change,
    flags: &ApplyFlags,
) -> Result<(), Failure> {
    let diff = change.text(&client.names().await?);
    // With --json, stdout holds the JSON alone; the diff a person reads goes to stderr.
    let say = |text: &str| match flags.json {
        true => eprintln!("{text}"),
        false => outln!("{text}"),
    };
    say(&diff);
    let writes = change.writes();
    if writes == 0 {
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
    if !flags.yes && !crate::confirm(writes, flags.plan)? {
        say("Nothing written.");
        return Ok(());
    }
    let bar = crate::output::progress(writes);
    let mut reports = Vec::new();
    let mut before = 0;
    for changes in change.changesets() {
        let watch = bar.clone();
        let options = ApplyOptions::new()
            .on_error(match flags.keep_going {
                true => OnError::Continue,
                false => OnError::Stop,
            })
            .progress(move |p| watch.set_position((before + p.handled) as u64));
        reports.push(client.apply_with(changes, options).await?);
        before += changes.writes();
    }
    bar.finish_and_clear();
    match flags.json {
        true => change.print_applied_json(&reports),
        false => reports.iter().for_each(crate::output::report),
    }
    if reports.iter().any(|r| !r.failed.is_empty()) {
        Err(Failure::Exit(4))
    } else if reports.iter().any(|r| !r.conflicts.is_empty()) || change.ambiguous() {
        Err(Failure::Exit(3))
    } else {
        Ok(())
    }
}
