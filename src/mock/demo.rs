//! Realistic data for demos and first runs: a dental plan's benefits, a family's claims on it
//! ([`seed_insurance`]) and a member's benefit check.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::json;

use crate::cervey::BenefitCheck;
use crate::opendental::{
    BenefitYear, CodeNum, CovCat, CovCatNum, CoverageLevel, EbenefitCategory, NewBenefit, PlanNum,
    WaitingUnit,
};
#[cfg(feature = "od-23-2")]
use crate::opendental::{CodeGroup, CodeGroupFixed, CodeGroupNum};

pub use super::demo_insurance::seed_insurance;

/// A typical PPO plan: 100/80/50 coinsurance, a $50 deductible, a $1,500 annual maximum,
/// exams and cleanings twice per benefit year, bitewings every 12 months, a pano every 5
/// years, fluoride up to age 19, and a 12-month wait on major services.
///
/// Category and code group numbers are the fake's own, from [`cov_cats`] and `code_groups`
/// (Open Dental's differ per office): categories 1 Diagnostic, 2 Preventive, 3 Basic,
/// 4 Major; code groups 1 Exam, 2 Prophy, 3 BW, 4 Pano/FMX, 5 Fluoride.
///
/// Without the `od-23-2` feature the frequency limitations carry no code group and the age
/// limit is left out (both need Open Dental 23.2).
pub fn plan_benefits(plan: PlanNum) -> Vec<NewBenefit> {
    #[cfg(feature = "od-23-2")]
    let group = |b: NewBenefit, group: u64| b.code_group_num(CodeGroupNum::new(group));
    #[cfg(not(feature = "od-23-2"))]
    let group = |b: NewBenefit, _group: u64| b;
    #[allow(unused_mut)]
    let mut benefits = vec![
        NewBenefit::coinsurance(plan, CovCatNum::new(1), 100),
        NewBenefit::coinsurance(plan, CovCatNum::new(2), 100),
        NewBenefit::coinsurance(plan, CovCatNum::new(3), 80),
        NewBenefit::coinsurance(plan, CovCatNum::new(4), 50),
        NewBenefit::deductible(plan, CoverageLevel::Individual, Decimal::new(50, 0)),
        NewBenefit::annual_max(plan, CoverageLevel::Individual, Decimal::new(1500, 0)),
        NewBenefit::waiting_period(plan, WaitingUnit::Months, 12).cov_cat_num(CovCatNum::new(4)),
        group(
            NewBenefit::per_benefit_year(plan, 2, BenefitYear::Calendar),
            1,
        ),
        group(
            NewBenefit::per_benefit_year(plan, 2, BenefitYear::Calendar),
            2,
        ),
        group(NewBenefit::in_last_12_months(plan, 1), 3),
        group(NewBenefit::every_n_years(plan, 5), 4),
    ];
    #[cfg(feature = "od-23-2")]
    benefits.push(NewBenefit::age_limit(plan, CodeGroupNum::new(5), 19));
    benefits
}

/// An office's procedure code table, as [`MockOpenDental`](super::MockOpenDental) starts with
/// it: CodeNum → ProcCode. Keys differ from office to office; these include the two the
/// Benefits page shows (150 D0486, 156 D0999), the codes of [`code_groups`], and common
/// diagnostic, preventive, restorative and prosthetic codes, keyed 1, 2, 3… in this order.
pub fn procedure_codes() -> Vec<(CodeNum, String)> {
    const CODES: [&str; 40] = [
        "D0120", "D0140", "D0145", "D0150", "D0180", "D0210", "D0220", "D0230", "D0272", "D0274",
        "D0330", "D0431", "D1110", "D1120", "D1206", "D1208", "D1351", "D2140", "D2150", "D2330",
        "D2391", "D2740", "D2750", "D2950", "D3310", "D3330", "D4341", "D4342", "D4355", "D4910",
        "D5110", "D5120", "D6010", "D7140", "D7210", "D8080", "D9110", "D9230", "D9944", "D0170",
    ];
    let mut codes: Vec<(CodeNum, String)> = (1..)
        .zip(CODES)
        .map(|(num, code)| (CodeNum::new(num), code.to_owned()))
        .collect();
    codes.push((CodeNum::new(150), "D0486".to_owned()));
    codes.push((CodeNum::new(156), "D0999".to_owned()));
    codes
}

/// Four synthetic carrier 271s (005010X279A1), by file name: a subscriber's PPO, a plan with
/// in- and out-of-network rows, a dependent's request, and one with other delimiters. Every
/// payer, person and number in them is made up. The demo office ([`cov_cats`],
/// [`procedure_codes`]) has what each needs to read.
pub fn carrier_271s() -> [(&'static str, &'static [u8]); 4] {
    [
        (
            "271-01-subscriber-ppo.edi",
            include_bytes!("../../tests/fixtures/x12-271/271-01-subscriber-ppo.edi"),
        ),
        (
            "271-02-network-split.edi",
            include_bytes!("../../tests/fixtures/x12-271/271-02-network-split.edi"),
        ),
        (
            "271-03-dependent.edi",
            include_bytes!("../../tests/fixtures/x12-271/271-03-dependent.edi"),
        ),
        (
            "271-04-alt-delimiters.edi",
            include_bytes!("../../tests/fixtures/x12-271/271-04-alt-delimiters.edi"),
        ),
    ]
}

/// An office's coverage categories, as [`MockOpenDental`](super::MockOpenDental) starts with
/// them: 1 Diagnostic, 2 Preventive, 3 Basic (Restorative), 4 Major (Prosthodontics),
/// 5 Crowns, 6 Endo, 7 Perio, 8 Oral Surgery, 9 Ortho, 10 X-Ray, 11 Implants (linked to no
/// electronic category), 12 an old, hidden Preventive ordered first, which Open Dental's
/// rule passes over, then 13 General, 14 Maxillofacial, 15 Accident and 16 Adjunctive, so that
/// every electronic benefit category has a visible one and any 271 reads.
pub fn cov_cats() -> Vec<CovCat> {
    use EbenefitCategory as E;
    let rows = [
        (1, "Diagnostic", E::Diagnostic),
        (2, "Preventive", E::RoutinePreventive),
        (3, "Basic", E::Restorative),
        (4, "Major", E::Prosthodontics),
        (5, "Crowns", E::Crowns),
        (6, "Endo", E::Endodontics),
        (7, "Perio", E::Periodontics),
        (8, "Oral Surgery", E::OralSurgery),
        (9, "Ortho", E::Orthodontics),
        (10, "X-Ray", E::DiagnosticXRay),
        (11, "Implants", E::None),
    ];
    let mut cats: Vec<CovCat> = rows
        .into_iter()
        .map(|(num, name, cat)| CovCat::new(CovCatNum::new(num), name, cat).order(num as i32))
        .collect();
    cats.push(
        CovCat::new(CovCatNum::new(12), "Old Preventive", E::RoutinePreventive)
            .order(0)
            .hidden(true),
    );
    let more = [
        (13, "General", E::General),
        (14, "Maxillofacial", E::MaxillofacialProsth),
        (15, "Accident", E::Accident),
        (16, "Adjunctive", E::Adjunctive),
    ];
    cats.extend(
        more.into_iter()
            .map(|(num, name, cat)| CovCat::new(CovCatNum::new(num), name, cat).order(num as i32)),
    );
    cats
}

/// An office's code groups, as [`MockOpenDental`](super::MockOpenDental) starts with them,
/// named as Open Dental creates them on upgrade: 1 Exam, 2 Prophy, 3 BW, 4 Pano/FMX,
/// 5 Fluoride and 6 Sealant (both also in the age limit grid), 7 SRP, 8 Perio Maint,
/// 9 Full Debridement, and, with no fixed kind, 10 Crown, 11 Dentures, 12 Implants and
/// 13 Cancer Screening.
#[cfg(feature = "od-23-2")]
pub fn code_groups() -> Vec<CodeGroup> {
    use CodeGroupFixed as F;
    let rows = [
        (1, "Exam", F::Exam, "D0120,D0150"),
        (2, "Prophy", F::Prophy, "D1110,D1120"),
        (3, "BW", F::BW, "D0272,D0274"),
        (4, "Pano/FMX", F::PanoFMX, "D0210,D0330"),
        (5, "Fluoride", F::Fluoride, "D1206,D1208"),
        (6, "Sealant", F::Sealant, "D1351"),
        (7, "SRP", F::SRP, "D4341,D4342"),
        (8, "Perio Maint", F::Perio, "D4910"),
        (9, "Full Debridement", F::FMDebride, "D4355"),
        (10, "Crown", F::None, "D2740,D2750"),
        (11, "Dentures", F::None, "D5110,D5120"),
        (12, "Implants", F::None, "D6010"),
        (13, "Cancer Screening", F::None, "D0431"),
    ];
    rows.into_iter()
        .map(|(num, name, fixed, codes)| {
            CodeGroup::new(CodeGroupNum::new(num), name, fixed.clone(), codes)
                .order(num as i32 - 1)
                .in_age_limits(matches!(fixed, F::Fluoride | F::Sealant))
        })
        .collect()
}

/// A member part-way through the year of `as_of`: $350 of a $500 deductible met, $1,840.24 of
/// a $3,000 out-of-pocket maximum, with Month, Period and Lifetime totals.
pub fn benefit_check(as_of: NaiveDate) -> BenefitCheck {
    let year = as_of.year();
    let offset = "-06:00";
    let month_start = format!("{year}-{:02}-01T00:00:00{offset}", as_of.month());
    let next_month = NaiveDate::from_ymd_opt(year, as_of.month(), 1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(as_of);
    let month_end = format!(
        "{}T23:59:59.9999999{offset}",
        next_month.pred_opt().unwrap_or(as_of)
    );
    let period_start = format!("{year}-01-01T00:00:00{offset}");
    let period_end = format!("{year}-12-31T23:59:59.9999999{offset}");
    let history = |interval: &str, start: &str, end: &str, scale: i64| {
        let amount = |cents: i64| json!(Decimal::new(cents * scale, 2).to_string());
        let mut h = serde_json::Map::new();
        for (field, cents) in [
            ("amountAppliedToPeriodicDeductibleMember", 17500),
            ("amountAppliedToPeriodicDeductibleFamily", 31000),
            ("amountEligibleTowardsDeductibleMember", 17500),
            ("amountEligibleTowardsDeductibleFamily", 31000),
            ("amountEligibleTowardsOutOfPocketLimitMember", 92012),
            ("amountEligibleTowardsOutOfPocketLimitFamily", 154020),
            ("planPaidAmountMember", 246050),
            ("planPaidAmountFamily", 410075),
            ("planIncentiveAmountMember", 0),
        ] {
            h.insert(field.to_owned(), amount(cents));
        }
        // Pharmacy claims carry a little; accumulators, other claims and adjustments nothing.
        for source in ["rx", "accumulator", "otherClaim", "claimAdj"] {
            for (kind, rx_cents) in [
                ("Deductible", 0),
                ("DeductibleApplied", 0),
                ("OutOfPocketLimit", 4500),
                ("PlanPaidAmount", 21000),
            ] {
                for (who, factor) in [("Member", 1), ("Family", 2)] {
                    let cents = if source == "rx" { rx_cents * factor } else { 0 };
                    h.insert(format!("{source}{kind}{who}"), amount(cents));
                }
            }
        }
        h.insert("startDate".to_owned(), json!(start));
        h.insert("endDate".to_owned(), json!(end));
        h.insert("interval".to_owned(), json!(interval));
        h.insert("benefitCodeDescription".to_owned(), json!("All benefits"));
        serde_json::Value::Object(h)
    };
    let rate = |id: u64, owner: &str, person: i64, family: i64| {
        json!({
            "url": format!("https://claimsapi.cervey.com/api/rates/{id}"),
            "id": id,
            "effectiveStartDate": period_start,
            "personAmount": person,
            "familyAmount": family,
            owner: 7
        })
    };
    let value = json!({
        "claimHistories": [
            history("Month", &month_start, &month_end, 0),
            history("Period", &period_start, &period_end, 2),
            history("Lifetime", "2019-01-01T00:00:00-06:00", &period_end, 5),
        ],
        "maxOutOfPockets": [{
            "isPeriodMOOPMet": false,
            "moop": {
                "url": "https://claimsapi.cervey.com/api/maxoutofpockets/7",
                "id": 7, "groupPlanNo": 41, "description": "In-network out-of-pocket maximum",
                "personAmount": null, "familyAmount": null,
                "memberPortalDescription": "Out-of-pocket maximum",
                "maxOutOfPocketRates": [rate(70, "maxOutOfPocketNo", 3000, 6000)]
            }
        }],
        "deductibles": [{
            "isPeriodDeductibleMet": false,
            "deductible": {
                "url": "https://claimsapi.cervey.com/api/deductibles/7",
                "id": 7, "groupPlanNo": 41, "description": "In-network deductible",
                "personAmount": null, "familyAmount": null,
                "memberPortalDescription": "Deductible",
                "deductibleRates": [rate(71, "deductibleNo", 500, 1000)]
            }
        }]
    });
    // A fixed shape with every required field: it always decodes.
    serde_json::from_value(value).expect("the demo benefit check decodes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cervey::Interval;

    #[test]
    fn demo_data_is_valid() {
        for b in plan_benefits(PlanNum::new(12)) {
            b.validate().unwrap();
        }
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let check = benefit_check(day);
        let period = check.history(&Interval::Period).unwrap();
        assert_eq!(
            period.amount_applied_to_periodic_deductible_member,
            Some(Decimal::new(35000, 2))
        );
        let ded = check.deductibles[0].deductible.rate_on(day).unwrap();
        assert_eq!(ded.person_amount, Decimal::new(500, 0));
        assert_eq!(check.claim_histories.len(), 3);
    }
}
