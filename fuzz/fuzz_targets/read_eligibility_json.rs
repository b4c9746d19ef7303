//! Any bytes as a clearinghouse's eligibility JSON (Change Healthcare v3 / Stedi), under every
//! option: rows and drops, or a typed error (`not_eligibility_json`, `processing_error`),
//! never a panic. The office has a category for every electronic benefit category and the
//! codes the spec's fixtures name.
#![no_main]

use std::sync::OnceLock;

use benefits_sdk::opendental::eligibility::{
    EligibilityInput, EligibilityLookups, Network, ReadOptions, RuleSet, read_eligibility,
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
    // The first byte picks the options; the rest is the response.
    let (flags, message) = input.split_first().unwrap_or((&0, input));
    let options = ReadOptions::new()
        .network(if flags & 1 == 0 { Network::In } else { Network::Out })
        .coinsurance_inverted(flags & 2 != 0)
        .dependent(flags & 4 != 0)
        .rules(if flags & 8 == 0 { RuleSet::Faithful } else { RuleSet::OpenDental });
    // Told JSON, and sniffed (which may send it to the X12 reader).
    for form in [EligibilityInput::Json(message), EligibilityInput::sniff(message)] {
        match read_eligibility(office(), form, options) {
            Ok(read) => {
                for row in &read.rows {
                    let _ = format!("{:?}", row.shape);
                }
                for dropped in &read.dropped {
                    assert!(!dropped.segment.is_empty());
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
