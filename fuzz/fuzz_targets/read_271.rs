//! Any bytes as a carrier's 271, under every option: rows and drops (and its "used" figures
//! and the change they make), or a typed error, never a panic. The office has a category for every electronic benefit category and the codes the
//! spec's fixtures name.
#![no_main]

use std::sync::OnceLock;

use benefits_sdk::opendental::eligibility::{
    EligibilityLookups, FigureOptions, Network, OfficeFigures, ReadOptions, RuleSet,
    carrier_figures, read_271, used_change,
};
use benefits_sdk::opendental::{CodeNum, CovCat, CovCatNum, ProcedureCode};
use libfuzzer_sys::fuzz_target;

fn office() -> &'static EligibilityLookups {
    static OFFICE: OnceLock<EligibilityLookups> = OnceLock::new();
    OFFICE.get_or_init(|| {
        let cats: Vec<CovCat> = benefits_sdk::opendental::EbenefitCategory::KNOWN
            .iter()
            .skip(1)
            .zip(1..)
            .map(|(c, n)| CovCat::new(CovCatNum::new(n), c.as_str(), c.clone()))
            .collect();
        let codes: Vec<ProcedureCode> = ["D0120", "D1110", "D0330", "D1351", "D2950", "D0150"]
            .into_iter()
            .zip(1..)
            .map(|(code, n)| ProcedureCode::new(CodeNum::new(n), code, ""))
            .collect();
        EligibilityLookups::new(&cats, &codes).expect("every category is there")
    })
}

fuzz_target!(|input: &[u8]| {
    // The first byte picks the options; the rest is the message.
    let (flags, message) = input.split_first().unwrap_or((&0, input));
    let options = ReadOptions::new()
        .network(if flags & 1 == 0 { Network::In } else { Network::Out })
        .coinsurance_inverted(flags & 2 != 0)
        .dependent(flags & 4 != 0)
        .rules(if flags & 8 == 0 { RuleSet::Faithful } else { RuleSet::OpenDental });
    match read_271(office(), message, options) {
        Ok(read) => {
            for row in &read.rows {
                let _ = format!("{:?}", row.shape);
            }
            for finding in &read.findings {
                let _ = format!("{} {}", finding.kind, finding.detail);
            }
            let figures = carrier_figures(
                &read,
                FigureOptions::new()
                    .network(options.network)
                    .accept_service_type_30(flags & 16 != 0),
            );
            let day = |text: &str| text.parse().expect("a date");
            let mut office =
                OfficeFigures::new(day("2026-01-01"), day("2027-01-01"), day("2026-03-15"));
            office.annual_max = (flags & 32 != 0).then(|| "1500".parse().expect("an amount"));
            office.deductible = (flags & 64 != 0).then(|| "50".parse().expect("an amount"));
            let change = used_change(&figures, &office).expect("the as-of date is in the year");
            let _ = change.to_string();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
