//! What the commands print: tables (comfy-table), CSV (csv), JSON (serde_json), and the
//! progress bar (indicatif).

use benefits_sdk::cervey::{BenefitCheck, LimitKind};
use benefits_sdk::opendental::{
    ApplyReport, Benefit, CodeGroup, CovCat, Names, PlanSummary, Write,
};
use chrono::NaiveDate;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use rust_decimal::Decimal;
use serde::Serialize;

pub fn json<T: Serialize + ?Sized>(value: &T) {
    // Every value printed here is plain data: it always serializes.
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("plain data serializes")
    );
}

fn table(header: &[&str]) -> Table {
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
    println!("{t}");
    let summary = PlanSummary::new(rows).with_names(names.clone());
    println!("\n{summary}");
    if summary.plan_level && !rows.is_empty() {
        println!("(plan-level rows: shared by every subscriber of the plan)");
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
    let mut out = csv::Writer::from_writer(std::io::stdout());
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
        if out.write_record(&record).is_err() {
            return;
        }
    }
    let _ = out.flush();
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
    println!("{t}");
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
    println!("{t}");
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
    println!("{t}");
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
    println!("{t}");
}

pub fn progress(total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} writes, {eta} left") {
        bar.set_style(style);
    }
    bar
}

pub fn report(report: &ApplyReport) {
    println!("Applied: {report}");
    let what = |w: &Write| match w {
        Write::Create(shape) => format!("create {shape}"),
        Write::Update { benefit_num, after } => format!("update #{benefit_num} to {after}"),
        Write::Delete(num) => format!("delete #{num}"),
        _ => "write".to_owned(),
    };
    for (write, kind) in &report.conflicts {
        println!("  conflict ({kind:?}): {}", what(write));
    }
    for (write, error) in &report.failed {
        println!("  failed: {}: {error}", what(write));
    }
}
