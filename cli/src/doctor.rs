//! `benefits doctor`: why an office does not answer. Each check is ok, a warning or failed, with
//! what to do; nothing is ever written to the office.

use std::time::{Duration, Instant};

use benefits_sdk::opendental::{
    ApiMode, BenefitFilter, BenefitsClient, Endpoint, PageRequest, PlanNum, requirements,
};
use serde::Serialize;

use crate::args::Global;
use crate::{Failure, Fakes};

#[derive(Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warning,
    Failed,
}

#[derive(Serialize)]
pub struct Check {
    check: &'static str,
    status: Status,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

fn check(check: &'static str, status: Status, detail: String, fix: Option<&str>) -> Check {
    Check {
        check,
        status,
        detail,
        fix: fix.map(str::to_owned),
    }
}

/// Every check, in order; the ones after a failed connection are left out.
pub async fn run(global: &Global, fakes: &mut Fakes) -> Vec<Check> {
    let client = match crate::open_dental(global, fakes).await {
        Ok(client) => client,
        Err(Failure::Input(why)) => {
            let fix = "set OPENDENTAL_DEVELOPER_KEY and OPENDENTAL_CUSTOMER_KEY, or name an \
                       office of the config file with --office";
            return vec![check("keys", Status::Failed, why, Some(fix))];
        }
        Err(Failure::Office(e)) => return vec![check("keys", Status::Failed, e.to_string(), None)],
        Err(Failure::Exit(_) | Failure::Rejected(_)) => return Vec::new(),
    };
    let mut checks = vec![check("keys", Status::Ok, "found".to_owned(), None)];
    let started = Instant::now();
    // One benefit of a plan that need not exist: the cheapest request the key must be let do.
    let page = PageRequest::new(1, 0);
    let answer = client
        .list_page(BenefitFilter::Plan(PlanNum::new(1)), page)
        .await;
    let round_trip = started.elapsed();
    if let Err(e) = answer
        && let Some(failed) = unreachable(&client, &e)
    {
        checks.push(failed);
        return checks;
    }
    checks.push(check(
        "reach",
        Status::Ok,
        format!("{} answered", client.base_url()),
        None,
    ));
    checks.push(round_trip_check(round_trip));
    checks.extend(version_checks(&client).await);
    checks.push(mode_check(global, &client));
    checks.push(throttle_check(&client));
    checks.push(check(
        "write permission",
        Status::Warning,
        "can't tell: the API has no documented way to read a key's permissions, and doctor \
         never writes to find out"
            .to_owned(),
        Some(
            "check the key's Benefits permissions (create, update, delete) in the Developer Portal",
        ),
    ));
    checks
}

/// A failed first request: the keys refused, or the office out of reach.
fn unreachable(client: &BenefitsClient, e: &benefits_sdk::Error) -> Option<Check> {
    if e.is_unauthorized() {
        return Some(check(
            "reach",
            Status::Failed,
            format!("{} refused the keys (401)", client.base_url()),
            Some(
                "check that the customer key is this office's and enabled in its API Setup, \
                 and that the developer key is yours",
            ),
        ));
    }
    if e.status().is_some() {
        // Answered: reached, with the keys accepted (a 400 or 404 for plan 1 is fine).
        return None;
    }
    Some(check(
        "reach",
        Status::Failed,
        format!("cannot reach {}: {e}", client.base_url()),
        Some(
            "Remote needs the office's eConnector running; Local API and API Service need \
             the office's machine on and the service started",
        ),
    ))
}

fn round_trip_check(took: Duration) -> Check {
    let ms = took.as_millis();
    match took > Duration::from_secs(2) {
        false => check(
            "round trip",
            Status::Ok,
            format!("{ms} ms (connecting included)"),
            None,
        ),
        true => check(
            "round trip",
            Status::Warning,
            format!("{ms} ms (connecting included)"),
            Some("slow: each write waits this long; check the office's connection"),
        ),
    }
}

/// The office's version, and what it has of what the SDK uses.
async fn version_checks(client: &BenefitsClient) -> Vec<Check> {
    let version = match client.server_version().await {
        Ok(Some(version)) => version,
        Ok(None) => {
            return vec![check(
                "version",
                Status::Warning,
                "unknown: the office's ProgramVersion preference could not be read".to_owned(),
                Some("set `version` for the office in the config file"),
            )];
        }
        Err(e) => return vec![check("version", Status::Failed, e.to_string(), None)],
    };
    let all = requirements();
    let lacks: Vec<String> = all
        .iter()
        .filter(|r| r.since > version)
        .map(|r| format!("{} ({})", r.what, r.since))
        .collect();
    let endpoints = match lacks.is_empty() {
        true => check(
            "endpoints",
            Status::Ok,
            format!("all {} methods and fields the SDK uses", all.len()),
            None,
        ),
        false => check(
            "endpoints",
            Status::Warning,
            format!("this office lacks: {}", lacks.join(", ")),
            Some("upgrade Open Dental for them; the rest works"),
        ),
    };
    vec![
        check(
            "version",
            Status::Ok,
            format!("Open Dental {version}"),
            None,
        ),
        endpoints,
    ]
}

/// The mode in use, and whether a cascade fell back.
fn mode_check(global: &Global, client: &BenefitsClient) -> Check {
    let mode = client.mode();
    let first = global
        .office
        .as_deref()
        .and_then(|name| crate::offices::find(name).ok())
        .and_then(|office| office.endpoints.first().cloned());
    let expected = first.map(|e| match e {
        Endpoint::Remote => ApiMode::Remote,
        Endpoint::LocalApi => ApiMode::LocalApi,
        Endpoint::ApiService(_) => ApiMode::ApiService,
        _ => ApiMode::Custom,
    });
    let detail = format!("{} ({})", mode.name(), client.base_url());
    match expected {
        Some(first) if first != mode => check(
            "mode",
            Status::Warning,
            format!("{detail}: fell back from {}", first.name()),
            Some(
                "the first mode of the cascade cannot be reached; it is tried again after the cool-down",
            ),
        ),
        _ => check("mode", Status::Ok, detail, None),
    }
}

fn throttle_check(client: &BenefitsClient) -> Check {
    let detail = match client.throttle_interval() {
        Some(every) => format!("one request every {} ms", every.as_millis()),
        None => "none".to_owned(),
    };
    check("throttle", Status::Ok, detail, None)
}

/// The checks as a table (or JSON); exit 1 when any failed.
pub fn print(checks: &[Check], json: bool) -> Result<(), Failure> {
    if json {
        crate::output::json(checks);
    } else {
        let mut table = crate::output::table(&["Check", "Status", "Detail", "What to do"]);
        for c in checks {
            let status = match c.status {
                Status::Ok => "ok",
                Status::Warning => "warning",
                Status::Failed => "failed",
            };
            let fix = c.fix.clone().unwrap_or_default();
            table.add_row(vec![
                c.check.to_owned(),
                status.to_owned(),
                c.detail.clone(),
                fix,
            ]);
        }
        outln!("{table}");
    }
    match checks.iter().any(|c| c.status == Status::Failed) {
        true => Err(Failure::Exit(1)),
        false => Ok(()),
    }
}
