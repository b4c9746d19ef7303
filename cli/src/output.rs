//! What the commands print: tables (comfy-table), CSV (csv), JSON (serde_json), and the
//! progress bar (indicatif).

use std::io::Write as _;

use benefits_sdk::cervey::{BenefitCheck, LimitKind};
use benefits_sdk::opendental::{
    ApplyReport, Benefit, BenefitNum, BenefitShape, Changeset, CodeGroup, CovCat,
    EligibilityChange, Names, PlanSummary, Write,
};
use chrono::NaiveDate;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use rust_decimal::Decimal;
use serde::Serialize;

/// `println!` that never panics: see [`out`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::out(format!($($arg)*).as_bytes(), true)
    };
}

/// Writes to stdout. A closed stdout (`benefits … | head`) ends the program quietly with
/// exit 0: whoever read it has what they wanted. Any other write error is exit 1.
pub fn out(bytes: &[u8], newline: bool) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(bytes)
        .and_then(|()| {
            if newline {
                stdout.write_all(b"\n")
            } else {
                Ok(())
            }
        })
        .and_then(|()| stdout.flush());
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("benefits: cannot write the output: {e}");
        std::process::exit(1);
    }
}

pub fn json<T: Serialize + ?Sized>(value: &T) {
    outln!("{}", json_text(value));
}

/// A value as pretty JSON. Every value printed here is plain data: it always serializes.
pub fn json_text<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("plain data serializes")
}

/// Colour for clap's help and errors (the only colour the CLI prints): never when `NO_COLOR`
/// is set to anything but empty (no-color.org), else when the terminal takes it.
pub fn color_choice() -> clap::ColorChoice {
    match std::env::var_os("NO_COLOR") {
        Some(value) if !value.is_empty() => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}

pub fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header(header);
    table
}

/// One row's meaning in the office's words.
fn meaning(row: &Benefit, names: &Names) -> String {
    PlanSummary::from_shapes([row.shape()])
        .with_names(names.clone())
        .to_string()
}

pub fn rows_table(rows: &[Benefit], names: &Names) {
    let mut t = table(&[
        "BenefitNum",
        "Meaning",
        "BenefitType",
        "Level",
        "TimePeriod",
    ]);
    for row in rows {
        t.add_row(vec![
            row.benefit_num.to_string(),
            meaning(row, names),
            row.benefit_type.to_string(),
            row.coverage_level.to_string(),
            row.time_period.to_string(),
        ]);
    }
    outln!("{t}");
    let summary = PlanSummary::new(rows).with_names(names.clone());
    outln!("\n{summary}");
    if summary.plan_level && !rows.is_empty() {
        outln!("(plan-level rows: shared by every subscriber of the plan)");
    }
}

#[derive(Serialize)]
struct RowJson<'a> {
    benefit: &'a Benefit,
    shape: benefits_sdk::opendental::BenefitShape,
}

pub fn rows_json(rows: &[Benefit]) {
    let rows: Vec<RowJson> = rows
        .iter()
        .map(|benefit| RowJson {
            benefit,
            shape: benefit.shape(),
        })
        .collect();
    json(&rows);
}

pub fn rows_csv(rows: &[Benefit], names: &Names) {
    let mut csv = csv::Writer::from_writer(Vec::new());
    let header = [
        "BenefitNum",
        "Meaning",
        "BenefitType",
        "CoverageLevel",
        "CovCatNum",
        "CodeGroupNum",
        "Percent",
        "MonetaryAmt",
        "TimePeriod",
        "QuantityQualifier",
        "Quantity",
        "TreatArea",
    ];
    let opt = |v: Option<String>| v.unwrap_or_default();
    let mut records = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for row in rows {
        records.push(vec![
            row.benefit_num.to_string(),
            meaning(row, names),
            row.benefit_type.to_string(),
            row.coverage_level.to_string(),
            opt(row.cov_cat_num.map(|c| c.to_string())),
            opt(row.code_group_num.map(|g| g.to_string())),
            opt(row.percent.map(|p| p.to_string())),
            opt(row.monetary_amt.map(|a| a.to_string())),
            row.time_period.to_string(),
            row.quantity_qualifier.to_string(),
            row.quantity.to_string(),
            row.treat_area.to_string(),
        ]);
    }
    for record in records {
        // Into memory: it cannot fail.
        csv.write_record(&record).expect("CSV into memory");
    }
    out(&csv.into_inner().expect("CSV into memory"), false);
}

pub fn cov_cats(cats: &[CovCat], as_json: bool) {
    if as_json {
        return json(cats);
    }
    let mut t = table(&[
        "CovCatNum",
        "Description",
        "EbenefitCat",
        "CovOrder",
        "Hidden",
    ]);
    for c in cats {
        t.add_row(vec![
            c.cov_cat_num.to_string(),
            c.description.clone(),
            c.ebenefit_cat.to_string(),
            c.cov_order.to_string(),
            yes_no(c.is_hidden).to_owned(),
        ]);
    }
    outln!("{t}");
}

pub fn code_groups(groups: &[CodeGroup], as_json: bool) {
    if as_json {
        return json(groups);
    }
    let mut t = table(&[
        "CodeGroupNum",
        "GroupName",
        "CodeGroupFixed",
        "ProcCodes",
        "ItemOrder",
        "Frequency",
        "AgeLimit",
    ]);
    for g in groups {
        t.add_row(vec![
            g.code_group_num.to_string(),
            g.group_name.clone(),
            g.code_group_fixed.to_string(),
            g.proc_codes.clone(),
            g.item_order.to_string(),
            yes_no(g.for_frequency()).to_owned(),
            yes_no(g.show_in_age_limit).to_owned(),
        ]);
    }
    outln!("{t}");
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

#[derive(Serialize)]
struct RemainingJson {
    limit: String,
    amount: Option<Decimal>,
    used: Option<Decimal>,
    remaining: Option<Decimal>,
    met: bool,
}

pub fn check(check: &BenefitCheck, date: NaiveDate, as_json: bool) {
    let limits: Vec<RemainingJson> = check
        .remaining(date)
        .into_iter()
        .map(|r| RemainingJson {
            limit: r.description.unwrap_or_else(|| {
                match r.kind {
                    LimitKind::Deductible => "Deductible",
                    _ => "Out-of-pocket maximum",
                }
                .to_owned()
            }),
            amount: r.amount,
            used: r.used,
            remaining: r.remaining,
            met: r.met,
        })
        .collect();
    if as_json {
        #[derive(Serialize)]
        struct Out<'a> {
            check: &'a BenefitCheck,
            remaining: &'a [RemainingJson],
        }
        return json(&Out {
            check,
            remaining: &limits,
        });
    }
    let show = |d: Option<Decimal>| d.map_or("-".to_owned(), |d| format!("{d:.2}"));
    let mut t = table(&[
        "Interval",
        "From",
        "To",
        "Deductible",
        "Out of pocket",
        "Plan paid",
    ]);
    for h in &check.claim_histories {
        t.add_row(vec![
            h.interval.as_str().to_owned(),
            h.start_date.date_naive().to_string(),
            h.end_date.date_naive().to_string(),
            show(h.amount_applied_to_periodic_deductible_member),
            show(h.amount_eligible_towards_out_of_pocket_limit_member),
            show(h.plan_paid_amount_member),
        ]);
    }
    outln!("{t}");
    let mut t = table(&["Limit", "Amount", "Used", "Remaining", "Met"]);
    for l in &limits {
        t.add_row(vec![
            l.limit.clone(),
            show(l.amount),
            show(l.used),
            show(l.remaining),
            yes_no(l.met).to_owned(),
        ]);
    }
    outln!("{t}");
}

pub fn progress(total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} writes, {eta} left") {
        bar.set_style(style);
    }
    bar
}

/// One write, as JSON.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum WriteJson<'a> {
    Create(&'a BenefitShape),
    Update {
        benefit_num: BenefitNum,
        after: &'a BenefitShape,
    },
    Delete(BenefitNum),
    Other,
}

impl<'a> From<&'a Write> for WriteJson<'a> {
    fn from(write: &'a Write) -> Self {
        match write {
            Write::Create(shape) => WriteJson::Create(shape),
            Write::Update { benefit_num, after } => WriteJson::Update {
                benefit_num: *benefit_num,
                after,
            },
            Write::Delete(num) => WriteJson::Delete(*num),
            _ => WriteJson::Other,
        }
    }
}

/// Each write of a report with what came of it: a row, a reason, or an error (its `Display`,
/// never the server's explanation).
#[derive(Serialize)]
struct Outcome<'a> {
    write: WriteJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    benefit_num: Option<BenefitNum>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome_unknown: Option<bool>,
}

impl<'a> Outcome<'a> {
    fn of(write: &'a Write) -> Self {
        Outcome {
            write: write.into(),
            benefit_num: None,
            reason: None,
            error: None,
            outcome_unknown: None,
        }
    }
}

/// One apply's report as JSON: each write with what came of it.
#[derive(Serialize)]
struct ReportJson<'a> {
    summary: String,
    complete: bool,
    done: Vec<Outcome<'a>>,
    skipped: Vec<Outcome<'a>>,
    conflicts: Vec<Outcome<'a>>,
    failed: Vec<Outcome<'a>>,
}

impl<'a> ReportJson<'a> {
    fn of(report: &'a ApplyReport) -> Self {
        ReportJson {
            summary: report.to_string(),
            complete: report.is_complete(),
            done: (report.done.iter())
                .map(|(w, num)| Outcome {
                    benefit_num: Some(*num),
                    ..Outcome::of(w)
                })
                .collect(),
            skipped: (report.skipped.iter())
                .map(|(w, why)| Outcome {
                    reason: Some(format!("{why:?}")),
                    ..Outcome::of(w)
                })
                .collect(),
            conflicts: (report.conflicts.iter())
                .map(|(w, kind)| Outcome {
                    reason: Some(format!("{kind:?}")),
                    ..Outcome::of(w)
                })
                .collect(),
            failed: (report.failed.iter())
                .map(|(w, e)| Outcome {
                    error: Some(e.to_string()),
                    outcome_unknown: Some(e.outcome_unknown()),
                    ..Outcome::of(w)
                })
                .collect(),
        }
    }
}

/// `plan apply --json`: the change plan and the report.
pub fn applied_json(changes: &Changeset, report: &ApplyReport) {
    #[derive(Serialize)]
    struct Applied<'a> {
        changes: &'a Changeset,
        report: ReportJson<'a>,
    }
    let report = ReportJson::of(report);
    json(&Applied { changes, report });
}

/// `plan apply --from-271 --json`: the change (each owner's changeset and the segments left
/// out) and one report per changeset, the plan's first.
pub fn applied_271_json(changes: &EligibilityChange, reports: &[ApplyReport]) {
    #[derive(Serialize)]
    struct Applied<'a> {
        changes: &'a EligibilityChange,
        reports: Vec<ReportJson<'a>>,
    }
    let reports = reports.iter().map(ReportJson::of).collect();
    json(&Applied { changes, reports });
}

pub fn report(report: &ApplyReport) {
    outln!("Applied: {report}");
    let what = |w: &Write| match w {
        Write::Create(shape) => format!("create {shape}"),
        Write::Update { benefit_num, after } => format!("update #{benefit_num} to {after}"),
        Write::Delete(num) => format!("delete #{num}"),
        _ => "write".to_owned(),
    };
    for (write, kind) in &report.conflicts {
        outln!("  conflict ({kind:?}): {}", what(write));
    }
    for (write, error) in &report.failed {
        outln!("  failed: {}: {error}", what(write));
    }
}
