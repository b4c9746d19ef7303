//! What the fake office holds: its rows, lookups, plans and write log, and the rules of
//! `office.rs` applied to them (what only an office knows: its code table, its plans' years,
//! its clock).

use std::collections::BTreeMap;

use wiremock::Request;

use super::office;
use super::{Answer, OfficeWrite, WriteKind, Writer};
#[cfg(feature = "od-23-2")]
use crate::opendental::CodeGroup;
use crate::opendental::{
    Benefit, BenefitNum, BenefitType, CodeNum, CovCat, CoverageLevel, InsPlan, NewBenefit, Owner,
    PatPlanNum, PlanNum, QuantityQualifier, TimePeriod,
};

#[derive(Default)]
pub(super) struct Store {
    pub(super) rows: BTreeMap<BenefitNum, Benefit>,
    pub(super) next_num: u64,
    pub(super) cov_cats: Vec<CovCat>,
    #[cfg(feature = "od-23-2")]
    pub(super) code_groups: Vec<CodeGroup>,
    pub(super) plans: BTreeMap<PlanNum, InsPlan>,
    /// Each patient plan's insurance plan (PatPlan → InsSub → InsPlan in Open Dental).
    pub(super) pat_plans: BTreeMap<PatPlanNum, PlanNum>,
    /// The procedure code table: CodeNum → ProcCode.
    pub(super) codes: BTreeMap<CodeNum, String>,
    /// Stored electronic transactions, and their texts.
    pub(super) etranss: Vec<crate::opendental::Etrans>,
    pub(super) message_texts: BTreeMap<crate::opendental::EtransMessageTextNum, String>,
    /// The `ProgramVersion` preference, as the office stores it (`None`: no such row).
    pub(super) version: Option<String>,
    /// Claim procedures, procedures, patient plans, subscriptions, spans, patients.
    pub(super) insurance: super::insurance::Insurance,
    /// Every write to a benefit row, oldest first.
    pub(super) writes: Vec<OfficeWrite>,
}

impl Store {
    pub(super) fn new_row(&mut self, owner: Owner) -> Benefit {
        self.next_num += 1;
        let now = office::now();
        let (plan_num, pat_plan_num) = match owner {
            Owner::Plan(p) => (Some(p), None),
            Owner::PatPlan(p) => (None, Some(p)),
        };
        Benefit {
            benefit_num: BenefitNum::new(self.next_num),
            plan_num,
            pat_plan_num,
            cov_cat_num: None,
            benefit_type: BenefitType::ActiveCoverage,
            percent: None,
            monetary_amt: None,
            time_period: TimePeriod::None,
            quantity_qualifier: QuantityQualifier::None,
            quantity: 0,
            code_num: None,
            proc_code: None,
            coverage_level: CoverageLevel::None,
            sec_date_t_entry: Some(now),
            sec_date_t_edit: Some(now),
            #[cfg(feature = "od-23-2")]
            code_group_num: None,
            #[cfg(feature = "od-25-3")]
            treat_area: crate::opendental::TreatArea::None,
        }
    }

    /// The `MonthRenew` of a row's insurance plan: its own plan's, or its patient plan's plan's
    /// (0 for a plan the fake does not hold: a calendar year).
    pub(super) fn month_renew_of(&self, row: &Benefit) -> u8 {
        let plan = match (row.plan_num, row.pat_plan_num) {
            (Some(plan), _) => Some(plan),
            (None, Some(pat_plan)) => self.pat_plans.get(&pat_plan).copied(),
            (None, None) => None,
        };
        plan.and_then(|p| self.plans.get(&p))
            .map_or(0, |p| p.month_renew)
    }

    /// The TimePeriod the office gives a row created without one ([`office::default_period`]).
    pub(super) fn default_period(&self, row: &Benefit) -> TimePeriod {
        office::default_period(
            &row.benefit_type,
            &row.quantity_qualifier,
            self.month_renew_of(row),
        )
    }

    /// Records a write to a benefit row.
    pub(super) fn log(
        &mut self,
        by: Writer,
        kind: WriteKind,
        before: Option<Benefit>,
        after: Option<Benefit>,
    ) {
        self.writes.push(OfficeWrite {
            at: std::time::Instant::now(),
            by,
            kind,
            before,
            after,
        });
    }

    /// The code a row names, as the office stores it: the key, and the text read from the code
    /// table. CodeNum wins when both were sent (the POST page: "Will be used over procCode if
    /// both are specified"); procCode is looked up in the table, ignoring ASCII case as
    /// Open Dental's database does [inferred]. A code the table lacks is refused.
    pub(super) fn resolve_code(
        &self,
        row: &mut Benefit,
        code_num_sent: bool,
        proc_code_sent: bool,
    ) -> Result<(), (u16, String)> {
        if let (true, Some(num)) = (code_num_sent, row.code_num) {
            let text = self
                .codes
                .get(&num)
                .ok_or_else(|| bad("CodeNum is invalid."))?;
            row.proc_code = Some(text.clone());
        } else if let (true, Some(text)) = (proc_code_sent, &row.proc_code) {
            let (num, text) = self
                .codes
                .iter()
                .find(|(_, t)| t.eq_ignore_ascii_case(text))
                .ok_or_else(|| bad("procCode is invalid."))?;
            row.code_num = Some(*num);
            row.proc_code = Some(text.clone());
        } else if code_num_sent || proc_code_sent {
            // A key of 0 or an empty text: no code.
            row.code_num = None;
            row.proc_code = None;
        }
        Ok(())
    }

    /// A 400 for a method or field newer than the office's version.
    pub(super) fn refuse_for_version(
        &self,
        request: &Request,
        table: &str,
        key: Option<u64>,
    ) -> Option<Answer> {
        let office: crate::opendental::ServerVersion =
            self.version.as_deref().and_then(|v| v.parse().ok())?;
        let get = request.method.as_str() == "GET";
        let sends_treat_area = String::from_utf8_lossy(&request.body).contains("\"TreatArea\"");
        let needs = match (table, key) {
            ("benefits", Some(_)) if get => (25, 3, 7),
            ("benefits", _) if sends_treat_area => (25, 3, 7),
            ("covcats", _) => (23, 3, 8),
            ("codegroups", _) => (23, 2, 62),
            ("insplans", Some(_)) => (24, 2, 11),
            ("etransmessagetexts", _) => (23, 2, 11),
            ("etranss", _) => (23, 2, 7),
            ("procedurecodes", _) => (22, 3, 22),
            _ => return None,
        };
        let needs = crate::opendental::ServerVersion::new(needs.0, needs.1, needs.2);
        (office < needs).then(|| {
            super::explain(
                400,
                &format!("Not available in version {office}. Requires version {needs} or later."),
            )
        })
    }
}

pub(super) fn bad(text: impl Into<String>) -> (u16, String) {
    (400, text.into())
}

/// The row Open Dental would store for `new` under `benefit_num`, for your own tests' fixtures:
/// the request's fields, the server's defaults for the rest (a TimePeriod left unset reads
/// as the calendar year, or None for a frequency counted in months or years), the amount to
/// cents as the office keeps it (-1 is empty), and both timestamps set to now. Codes are kept as given: a
/// fixture has no code table.
///
/// ```
/// use benefits_sdk::mock::benefit_row;
/// use benefits_sdk::opendental::{BenefitNum, CovCatNum, NewBenefit, PlanNum};
///
/// let row = benefit_row(BenefitNum::new(7), &NewBenefit::coinsurance(PlanNum::new(12), CovCatNum::new(3), 80));
/// assert_eq!(row.percent, Some(80));
/// assert_eq!(row.plan_num, Some(PlanNum::new(12)));
/// ```
pub fn benefit_row(benefit_num: BenefitNum, new: &NewBenefit) -> Benefit {
    let mut store = Store {
        next_num: benefit_num.get().saturating_sub(1),
        ..Store::default()
    };
    let row = store.new_row(new.owner);
    fill(row, new, &store)
}

/// A seeded row: the new benefit's fields, the server's defaults for the rest, stored as the
/// office stores them (`office.rs`).
pub(super) fn fill(mut row: Benefit, b: &NewBenefit, store: &Store) -> Benefit {
    row.benefit_type = b.benefit_type.clone();
    row.coverage_level = b.coverage_level.clone();
    row.cov_cat_num = b.cov_cat_num.filter(|c| c.get() != 0);
    row.percent = b.percent;
    // The amount travels as a double (`MonetaryAmt`), then is kept to cents.
    row.monetary_amt = b
        .monetary_amt
        .and_then(|a| rust_decimal::prelude::ToPrimitive::to_f64(&a))
        .and_then(office::stored_money)
        .flatten();
    row.quantity_qualifier = b.quantity_qualifier.clone().unwrap_or_default();
    row.quantity = b.quantity.unwrap_or(0);
    row.code_num = b.code_num.filter(|c| c.get() != 0);
    row.proc_code = b.proc_code.clone().filter(|c| !c.is_empty());
    #[cfg(feature = "od-23-2")]
    {
        row.code_group_num = b.code_group_num.filter(|g| g.get() != 0);
    }
    #[cfg(feature = "od-25-3")]
    if let Some(area) = &b.treat_area {
        row.treat_area = area.clone();
    }
    row.time_period = match &b.time_period {
        Some(p) => p.clone(),
        None => store.default_period(&row),
    };
    let month_renew = store.month_renew_of(&row);
    office::per_benefit_year(&mut row, month_renew);
    row
}
