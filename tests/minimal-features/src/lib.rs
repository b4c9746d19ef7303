//! A user's crate on `benefits-sdk` with `default-features = false, features = ["rustls"]`,
//! written as a user would: struct literals where the crate allows them, exhaustive matches
//! where it allows them, and the constructors everywhere else.
//!
//! Cargo unifies features across a build, so another crate in the user's tree may turn
//! `od-25-3` on under this one. CI builds it twice, `cargo check -p minimal-features` and
//! `cargo check -p minimal-features --features benefits-sdk/od-25-3`: it must compile both ways,
//! which is what "features only add" means.

use std::time::Duration;

use benefits_sdk::opendental::{
    BenefitShape, BenefitYear, BenefitsClient, CovCat, CovCatNum, Frequency, FrequencyLimit, Names,
    Owner, PageRequest, PatPlanNum, Period, PlanNum, PlanSummary, Scope, ServerVersion, Terms,
    WaitingUnit,
};
use benefits_sdk::{Error, RetryPolicy, Throttle};

/// The office's names, from its categories (code groups are added only where the build has
/// them).
pub fn names(categories: &[CovCat]) -> Names {
    let mut names = Names::from_lookups(categories);
    names
        .categories
        .insert(CovCatNum::new(9), "Ortho".to_owned());
    names
}

/// A frequency limitation: by its constructor, whatever fields the build adds.
pub fn limit() -> FrequencyLimit {
    let limit = FrequencyLimit::new(Frequency::EveryYears(1), Scope::General);
    let FrequencyLimit {
        frequency, scope, ..
    } = &limit;
    assert_eq!(
        (frequency, scope),
        (&Frequency::EveryYears(1), &Scope::General)
    );
    limit
}

/// Struct literals of the structs the crate leaves open.
pub fn literals() -> (Terms, PageRequest, ServerVersion, PlanSummary) {
    let terms = Terms {
        scope: Scope::Category(CovCatNum::new(3)),
        level: Default::default(),
        period: Period::BenefitYear(Some(BenefitYear::Calendar)),
    };
    let page = PageRequest {
        limit: Some(100),
        offset: 0,
    };
    let version = ServerVersion {
        major: 24,
        minor: 1,
        build: 5,
    };
    let summary = PlanSummary {
        shapes: vec![BenefitShape::Coinsurance {
            percent: 80,
            terms: terms.clone(),
        }],
        names: names(&[]),
        plan_level: true,
    };
    (terms, page, version, summary)
}

/// Exhaustive matches on the enums the crate leaves open.
pub fn words(owner: Owner, year: BenefitYear, unit: WaitingUnit) -> String {
    let owner = match owner {
        Owner::Plan(p) => format!("plan {p}"),
        Owner::PatPlan(p) => format!("patient plan {p}"),
    };
    let year = match year {
        BenefitYear::Calendar => "calendar",
        BenefitYear::Service => "service",
    };
    let unit = match unit {
        WaitingUnit::Months => "months",
        WaitingUnit::Years => "years",
    };
    format!("{owner}, {year} year, waits in {unit}")
}

/// Matches on the enums that grow with features, as they must be written: with a wildcard.
pub fn kind(shape: &BenefitShape) -> &'static str {
    match shape {
        BenefitShape::Coinsurance { .. } => "coinsurance",
        BenefitShape::Deductible { .. } => "deductible",
        BenefitShape::Frequency(_) => "frequency",
        _ => "other",
    }
}

/// A client, its builder settings the same in every feature set.
pub fn client() -> Result<BenefitsClient, Error> {
    BenefitsClient::builder()
        .keys("developer-key", "customer-key")
        .throttle(Duration::from_secs(1))
        .max_connections_per_host(8)
        .retry_policy(RetryPolicy::default())
        .server_version("24.1.5".parse().expect("a version"))
        .build()
}

/// The throttle trait as a user implements it: `before_send` is optional.
pub struct Unthrottled;

impl Throttle for Unthrottled {
    fn acquire<'a>(
        &'a self,
        _: &'a benefits_sdk::ThrottleKey,
        _: Duration,
    ) -> benefits_sdk::throttle::BoxFuture<'a, ()> {
        Box::pin(std::future::ready(()))
    }

    fn rate_limited<'a>(
        &'a self,
        _: &'a benefits_sdk::ThrottleKey,
        _: Duration,
        _: Option<Duration>,
    ) -> benefits_sdk::throttle::BoxFuture<'a, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// Owners of both kinds.
pub fn owners() -> [Owner; 2] {
    [
        Owner::Plan(PlanNum::new(12)),
        Owner::PatPlan(PatPlanNum::new(30)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_code_runs_in_this_feature_set() {
        assert_eq!(
            words(owners()[0], BenefitYear::Service, WaitingUnit::Months),
            "plan 12, service year, waits in months"
        );
        assert_eq!(kind(&literals().3.shapes[0]), "coinsurance");
        assert_eq!(limit().frequency, Frequency::EveryYears(1));
        assert_eq!(names(&[]).categories.len(), 1);
        assert!(client().is_ok());
    }
}
