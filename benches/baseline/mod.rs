//! The hand-written baseline: what a developer writes without the SDK — plain
//! `#[derive(Deserialize)]` structs with `f64` money and `String` dates, and a reqwest client
//! that sets the headers and signs by hand. Shared by the benchmarks and the end-to-end harness.
#![allow(dead_code)]

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlainBenefit {
    pub benefit_num: i64,
    pub plan_num: i64,
    pub pat_plan_num: i64,
    pub cov_cat_num: i64,
    pub benefit_type: String,
    pub percent: i32,
    pub monetary_amt: f64,
    pub time_period: String,
    pub quantity_qualifier: String,
    pub quantity: i32,
    pub code_num: i64,
    #[serde(rename = "procCode")]
    pub proc_code: String,
    pub coverage_level: String,
    #[serde(rename = "SecDateTEntry")]
    pub sec_date_t_entry: String,
    #[serde(rename = "SecDateTEdit")]
    pub sec_date_t_edit: String,
    pub code_group_num: i64,
    pub treat_area: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainCheck {
    pub claim_histories: Vec<PlainHistory>,
    pub max_out_of_pockets: Vec<PlainMoopCheck>,
    pub deductibles: Vec<PlainDeductibleCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainHistory {
    pub amount_applied_to_periodic_deductible_member: f64,
    pub amount_applied_to_periodic_deductible_family: f64,
    pub amount_eligible_towards_deductible_member: f64,
    pub amount_eligible_towards_deductible_family: f64,
    pub amount_eligible_towards_out_of_pocket_limit_member: f64,
    pub amount_eligible_towards_out_of_pocket_limit_family: f64,
    pub plan_paid_amount_member: f64,
    pub plan_paid_amount_family: f64,
    pub plan_incentive_amount_member: f64,
    pub rx_deductible_member: f64,
    pub rx_deductible_family: f64,
    pub rx_deductible_applied_member: f64,
    pub rx_deductible_applied_family: f64,
    pub rx_out_of_pocket_limit_member: f64,
    pub rx_out_of_pocket_limit_family: f64,
    pub rx_plan_paid_amount_member: f64,
    pub rx_plan_paid_amount_family: f64,
    pub accumulator_deductible_member: f64,
    pub accumulator_deductible_family: f64,
    pub accumulator_deductible_applied_member: f64,
    pub accumulator_deductible_applied_family: f64,
    pub accumulator_out_of_pocket_limit_member: f64,
    pub accumulator_out_of_pocket_limit_family: f64,
    pub accumulator_plan_paid_amount_member: f64,
    pub accumulator_plan_paid_amount_family: f64,
    pub other_claim_deductible_member: f64,
    pub other_claim_deductible_family: f64,
    pub other_claim_deductible_applied_member: f64,
    pub other_claim_deductible_applied_family: f64,
    pub other_claim_out_of_pocket_limit_member: f64,
    pub other_claim_out_of_pocket_limit_family: f64,
    pub other_claim_plan_paid_amount_member: f64,
    pub other_claim_plan_paid_amount_family: f64,
    pub claim_adj_deductible_member: f64,
    pub claim_adj_deductible_family: f64,
    pub claim_adj_deductible_applied_member: f64,
    pub claim_adj_deductible_applied_family: f64,
    pub claim_adj_out_of_pocket_limit_member: f64,
    pub claim_adj_out_of_pocket_limit_family: f64,
    pub claim_adj_plan_paid_amount_member: f64,
    pub claim_adj_plan_paid_amount_family: f64,
    pub start_date: String,
    pub end_date: String,
    pub interval: String,
    pub benefit_code_description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainMoopCheck {
    #[serde(rename = "isPeriodMOOPMet")]
    pub is_period_moop_met: bool,
    pub moop: PlainLimit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainDeductibleCheck {
    pub is_period_deductible_met: bool,
    pub deductible: PlainLimit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainLimit {
    pub url: Option<String>,
    pub id: i64,
    pub group_plan_no: i64,
    pub description: Option<String>,
    pub person_amount: Option<f64>,
    pub family_amount: Option<f64>,
    pub member_portal_description: Option<String>,
    #[serde(alias = "maxOutOfPocketRates", alias = "deductibleRates")]
    pub rates: Vec<PlainRate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainRate {
    pub url: Option<String>,
    pub id: i64,
    pub effective_start_date: String,
    pub person_amount: f64,
    pub family_amount: f64,
    #[serde(alias = "maxOutOfPocketNo", alias = "deductibleNo")]
    pub owner_no: i64,
}

/// `n` benefit rows as Open Dental sends them, cycling through the spec's example rows with
/// ascending BenefitNums from `first`.
pub fn benefit_page(first: u64, n: u64) -> Vec<u8> {
    let templates: Vec<serde_json::Value> = {
        let mut rows: Vec<serde_json::Value> =
            serde_json::from_str(&fixture("benefit_list.json")).unwrap();
        rows.push(serde_json::from_str(&fixture("benefit_get.json")).unwrap());
        rows.push(serde_json::from_str(&fixture("put_response_full.json")).unwrap());
        rows
    };
    let mut out = Vec::with_capacity(n as usize * 420 + 2);
    out.push(b'[');
    for i in 0..n {
        if i > 0 {
            out.push(b',');
        }
        let mut row = templates[(i % templates.len() as u64) as usize].clone();
        row["BenefitNum"] = (first + i).into();
        out.extend_from_slice(&serde_json::to_vec(&row).unwrap());
    }
    out.push(b']');
    out
}

/// A fixture of the crate's tests.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
