//! Any text, compiled as a KPI formula: an error is fine, a panic is a bug.
#![no_main]

use citykpi::formula::Formula;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Formula::compile(text);
    }
});
