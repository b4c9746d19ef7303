//! A change plan as the diff a person approves.

use std::fmt;

use super::changeset::Changeset;
use crate::opendental::meaning::shape::BenefitShape;
use crate::opendental::meaning::summary::{self, Names};
use crate::opendental::model::request::Owner;

/// A change plan's text, with the office's names for keys.
pub(super) struct ChangesetText<'a> {
    pub(super) plan: &'a Changeset,
    pub(super) names: &'a Names,
}

impl fmt::Display for Changeset {
    /// The diff, with keys as numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.display_with(&Names::default()), f)
    }
}

impl fmt::Display for ChangesetText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plan = self.plan;
        let say = |shape: &BenefitShape| {
            format!(
                "{}: {}",
                summary::kind(shape),
                summary::describe(shape, self.names)
            )
        };
        match plan.owner {
            Owner::Plan(p) => writeln!(
                f,
                "Plan {p}: plan-level rows, shared by every subscriber of the plan"
            )?,
            Owner::PatPlan(p) => writeln!(f, "Patient plan {p}: overrides for one patient")?,
        }
        for shape in &plan.creates {
            writeln!(f, "+ create        {}", say(shape))?;
        }
        for u in &plan.updates {
            let (before, after) = (
                u.row.shape.to_new_benefit(plan.owner),
                u.after.to_new_benefit(plan.owner),
            );
            writeln!(
                f,
                "~ update #{:<5} {} → {} [{}]",
                u.row.benefit_num,
                say(&u.row.shape),
                summary::describe(&u.after, self.names),
                summary::changed_fields(&before, &after, self.names).join("; ")
            )?;
        }
        for r in &plan.deletes {
            writeln!(f, "- delete #{:<5} {}", r.benefit_num, say(&r.shape))?;
        }
        for r in &plan.kept {
            writeln!(
                f,
                "  keep   #{:<5} {} (no desired benefit; deletes are off)",
                r.benefit_num,
                say(&r.shape)
            )?;
        }
        for a in &plan.ambiguities {
            let rows: Vec<String> = a
                .rows
                .iter()
                .map(|r| format!("#{}", r.benefit_num))
                .collect();
            let wanted: Vec<String> = a.desired.iter().map(&say).collect();
            writeln!(
                f,
                "? ambiguous: {} desired ({}) for {} row(s) ({}): nothing written",
                a.desired.len(),
                wanted.join("; "),
                a.rows.len(),
                rows.join(", ")
            )?;
        }
        write!(
            f,
            "{} to create, {} to update, {} to delete, {} unchanged, {} kept, {} ambiguous",
            plan.creates.len(),
            plan.updates.len(),
            plan.deletes.len(),
            plan.unchanged.len(),
            plan.kept.len(),
            plan.ambiguities.len()
        )
    }
}
