//! Any bytes, read as a city dataset: problems are fine, panics are bugs.
#![no_main]

use std::sync::OnceLock;

use citykpi::catalog::Catalog;
use citykpi::dataset::{self, Filter, Input, TextOptions};
use libfuzzer_sys::fuzz_target;

static CATALOG: OnceLock<Catalog> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let catalog = CATALOG.get_or_init(Catalog::embedded);
    let input = Input::Bytes("fuzz.csv".into(), data.to_vec());
    let loaded = dataset::load(catalog, &[input], Filter::default(), TextOptions::default());
    assert!(loaded.dataset.values.iter().flatten().all(|v| v.is_nan() || v.is_finite()));
});
