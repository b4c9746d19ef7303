//! Any bytes into the client's own decoder: `Ok` or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Err(e) = benefits_sdk::opendental::Benefit::from_json(body) {
        // Formatting the error must not panic either.
        let _ = e.to_string();
    }
});
