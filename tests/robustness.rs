//! No input makes citykpi panic: any CSV text and any formula text give a result or a clean error.

use citykpi::catalog::Catalog;
use citykpi::dataset::{self, Decimal, Filter, Input, TextOptions};
use citykpi::formula::Formula;
use polars::prelude::*;
use proptest::prelude::*;

fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(Catalog::embedded)
}

fn load(bytes: Vec<u8>, decimal: Decimal) -> dataset::Loaded {
    let catalog = catalog();
    let options = TextOptions {
        delimiter: None,
        decimal,
    };
    dataset::load(
        catalog,
        &[Input::Bytes("fuzz.csv".into(), bytes)],
        Filter::default(),
        options,
    )
}

/// CSV-like text: a plausible header, then rows of fragments that spreadsheets produce.
fn csv_like() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        Just(String::new()),
        Just("n/a".to_string()),
        Just("12%".to_string()),
        Just("1,234".to_string()),
        Just("\"".to_string()),
        Just("yes".to_string()),
        Just("population".to_string()),
        Just("households".to_string()),
        Just("EC:ICT:ICT:1C".to_string()),
        "-?[0-9]{0,6}([.,][0-9]{0,3})?",
        "[a-zA-Z_;,\"\\r\\n\\t ]{0,12}",
        any::<String>(),
    ];
    let header = prop_oneof![
        Just("city,year,variable,value,source".to_string()),
        Just("city;year;variable;value".to_string()),
        Just("city,year,population,households".to_string()),
        "[a-z,;]{0,30}",
    ];
    let row = prop::collection::vec(cell, 0..6).prop_map(|cells| cells.join(","));
    (header, prop::collection::vec(row, 0..8))
        .prop_map(|(h, rows)| format!("{h}\n{}", rows.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_load_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let loaded = load(bytes, Decimal::Auto);
        for problem in loaded.problems.iter() {
            prop_assert!(!problem.message.is_empty());
        }
    }

    #[test]
    fn any_csv_like_text_loads_without_panic(text in csv_like(), comma in any::<bool>()) {
        let decimal = if comma { Decimal::Comma } else { Decimal::Auto };
        let loaded = load(text.into_bytes(), decimal);
        // Every stored value is finite; rejected cells hold none.
        for column in &loaded.dataset.values {
            prop_assert!(column.iter().all(|v| v.is_nan() || v.is_finite()));
        }
    }

    #[test]
    fn any_formula_text_compiles_or_fails_cleanly(text in any::<String>()) {
        let _ = Formula::compile(&text);
    }

    #[test]
    fn formula_like_text_compiles_and_evaluates_without_panic(
        text in "[ab0-9 +*/()-]{1,20}|(COALESCE|NULLIF|GREATEST|LEAST|ROUND|ABS)\\([ab0-9, +*/-]{0,12}\\)|CASE WHEN [ab] [<>=] [0-9] THEN [ab0-9] ELSE [ab0-9] END"
    ) {
        if let Ok(formula) = Formula::compile(&text) {
            let frame = df!("a" => [Some(1.0), None, Some(0.0)], "b" => [Some(0.0), Some(2.0), None]).unwrap();
            // An error is fine (e.g. a type mismatch); a panic is not.
            let _ = frame.lazy().select([formula.expr.alias("out")]).collect();
        }
    }
}
