//! What the examples share: choosing the real service or the built-in fake, and printing.
#![allow(dead_code)]

use benefits_sdk::cervey::{BenefitCheck, BenefitCheckClient, LimitKind, MemberNo};
use benefits_sdk::mock::{MockCervey, MockOpenDental, demo};
use benefits_sdk::opendental::{
    Benefit, BenefitType, BenefitsClient, CoverageLevel, PlanNum, QuantityQualifier, TimePeriod,
    TreatArea,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Runs an example's body: exit 0, or a one-line error and exit 1.
pub fn exit_with(result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The plan and member the fakes are seeded with.
pub const DEMO_PLAN: u64 = 12;
pub const DEMO_MEMBER: u64 = 1_234_567;

/// An Open Dental client: the real office when both keys are in the environment, else the
/// built-in fake (kept alive by the returned value).
pub struct OpenDental {
    pub client: BenefitsClient,
    pub fake: Option<MockOpenDental>,
}

impl OpenDental {
    pub fn is_fake(&self) -> bool {
        self.fake.is_some()
    }
}

pub async fn open_dental(seed_plan: Option<PlanNum>) -> Result<OpenDental, String> {
    let developer = std::env::var("OPENDENTAL_DEVELOPER_KEY").ok();
    let customer = std::env::var("OPENDENTAL_CUSTOMER_KEY").ok();
    if let (Some(developer), Some(customer)) = (developer, customer) {
        let mut builder = BenefitsClient::builder()
            .keys(developer, customer)
            .user_agent("benefits-sdk-example/1");
        if let Ok(url) = std::env::var("OPENDENTAL_BASE_URL") {
            builder = builder.base_url(url);
        }
        let client = builder.build().map_err(|e| e.to_string())?;
        println!("Open Dental: {}", client.base_url());
        return Ok(OpenDental { client, fake: None });
    }
    let fake = MockOpenDental::start().await;
    if let Some(plan) = seed_plan {
        // A plan that renews in January, holding the demo benefits.
        fake.insert_plan(benefits_sdk::opendental::InsPlan::new(plan, 0));
        for benefit in demo::plan_benefits(plan) {
            fake.seed(&benefit);
        }
    }
    println!(
        "Open Dental: the built-in fake at {} (set OPENDENTAL_DEVELOPER_KEY and \
         OPENDENTAL_CUSTOMER_KEY for a real office)",
        fake.base_url()
    );
    Ok(OpenDental {
        client: fake.client(),
        fake: Some(fake),
    })
}

/// A Cervey client: the real Claims API when both credentials are in the environment, else the
/// built-in fake serving a demo check for `member`.
pub struct Cervey {
    pub client: BenefitCheckClient,
    pub fake: Option<MockCervey>,
}

pub async fn cervey(member: MemberNo, as_of: NaiveDate) -> Result<Cervey, String> {
    let app_id = std::env::var("CERVEY_APP_ID").ok();
    let api_key = std::env::var("CERVEY_API_KEY").ok();
    if let (Some(app_id), Some(api_key)) = (app_id, api_key) {
        let mut builder = BenefitCheckClient::builder()
            .credentials(app_id, api_key)
            .user_agent("benefits-sdk-example/1");
        if let Ok(url) = std::env::var("CERVEY_BASE_URL") {
            builder = builder.base_url(url);
        }
        let client = builder.build().map_err(|e| e.to_string())?;
        eprintln!("Cervey: {}", client.base_url());
        return Ok(Cervey { client, fake: None });
    }
    let fake = MockCervey::start().await;
    fake.insert(member, demo::benefit_check(as_of));
    eprintln!(
        "Cervey: the built-in fake at {} (set CERVEY_APP_ID and CERVEY_API_KEY for the real API)",
        fake.base_url()
    );
    Ok(Cervey {
        client: fake.client(),
        fake: Some(fake),
    })
}

/// A benefit in words, the way a front desk reads it.
pub fn describe(b: &Benefit) -> String {
    let scope = match (b.cov_cat_num, b.code_group_num, &b.proc_code) {
        (Some(c), _, _) => format!(" for category {c}"),
        (_, Some(g), _) => format!(" for code group {g}"),
        (_, _, Some(code)) => format!(" for {code}"),
        _ => String::new(),
    };
    let amount = |a: Option<Decimal>| a.map_or("-".to_owned(), |a| format!("${a}"));
    let year = |p: &TimePeriod| match p {
        TimePeriod::ServiceYear => "service year",
        _ => "calendar year",
    };
    let text = if b.is_age_limit() {
        format!("Age limit: covered to age {}", b.quantity)
    } else if b.is_frequency_limitation() {
        let how = match (&b.quantity_qualifier, &b.time_period) {
            (QuantityQualifier::Years, _) => format!("once every {} years", b.quantity),
            (QuantityQualifier::Months, _) => format!("once every {} months", b.quantity),
            (_, TimePeriod::NumberInLast12Months) => {
                format!("{} in the last 12 months", b.quantity)
            }
            (_, period) => format!("{} per {}", b.quantity, year(period)),
        };
        let area = match &b.treat_area {
            TreatArea::None => String::new(),
            area => format!(", per {}", area.as_str().to_lowercase()),
        };
        format!("Frequency: {how}{area}")
    } else {
        match &b.benefit_type {
            BenefitType::CoInsurance => format!("Coinsurance {}%", b.percent.unwrap_or(0)),
            BenefitType::Deductible => format!(
                "Deductible {} {}",
                amount(b.monetary_amt),
                per(&b.coverage_level)
            ),
            BenefitType::Limitations => format!(
                "Maximum {} {} per {}",
                amount(b.monetary_amt),
                per(&b.coverage_level),
                year(&b.time_period)
            ),
            BenefitType::WaitingPeriod => format!(
                "Waiting period of {} {}",
                b.quantity,
                b.quantity_qualifier.as_str().to_lowercase()
            ),
            other => other.to_string(),
        }
    };
    format!("{text}{scope}")
}

fn per(level: &CoverageLevel) -> &'static str {
    match level {
        CoverageLevel::Family => "per family",
        _ => "per person",
    }
}

pub fn print_benefits(rows: &[Benefit]) {
    println!("  {:>10}  Benefit", "BenefitNum");
    for b in rows {
        println!("  {:>10}  {}", b.benefit_num, describe(b));
    }
}

/// The claim totals and what is left of each deductible and out-of-pocket maximum.
pub fn print_check(check: &BenefitCheck, as_of: NaiveDate) {
    println!(
        "  {:<9} {:<11} {:<11} {:>12} {:>12} {:>12}",
        "Interval", "From", "To", "Deductible", "Out of pkt", "Plan paid"
    );
    let show = |d: Option<Decimal>| d.map_or("-".to_owned(), |d| d.to_string());
    for h in &check.claim_histories {
        println!(
            "  {:<9} {:<11} {:<11} {:>12} {:>12} {:>12}",
            h.interval.as_str(),
            h.start_date.date_naive(),
            h.end_date.date_naive(),
            show(h.amount_applied_to_periodic_deductible_member),
            show(h.amount_eligible_towards_out_of_pocket_limit_member),
            show(h.plan_paid_amount_member),
        );
    }
    println!();
    println!(
        "  {:<34} {:>10} {:>10} {:>10}  Met",
        "Limit", "Amount", "Used", "Remaining"
    );
    let show = |d: Option<Decimal>| d.map_or("-".to_owned(), |d| format!("{:.2}", d));
    for r in check.remaining(as_of) {
        let name = r.description.unwrap_or_else(|| match r.kind {
            LimitKind::Deductible => "Deductible".to_owned(),
            _ => "Out-of-pocket maximum".to_owned(),
        });
        println!(
            "  {:<34} {:>10} {:>10} {:>10}  {}",
            name,
            show(r.amount),
            show(r.used),
            show(r.remaining),
            if r.met { "yes" } else { "no" }
        );
    }
}

/// `--name value` from the arguments, parsed.
pub fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{name} needs a value")),
    }
}
