//! Any bytes as an error body: a readable line of at most 301 characters, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Some(line) = benefits_sdk::__fuzz::explain_error_body(body) {
        assert!(line.chars().count() <= 301);
        assert!(!line.contains('\n'));
    }
});
