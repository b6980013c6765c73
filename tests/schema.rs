//! The JSON contract: `docs/report.schema.json` is the schema the report's own types give
//! (regenerate it with `CITYKPI_WRITE_SCHEMA=1 cargo test --test schema`), real output of
//! `assess --format json` and `ndjson` validates against it, with no field it does not
//! describe, and every report carries `schema_version`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const SCHEMA: &str = "docs/report.schema.json";

fn schema_text() -> String {
    let schema = citykpi::report::json::schema();
    format!("{}\n", serde_json::to_string_pretty(&schema).unwrap())
}

fn assess(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The published schema, made strict: an object may hold only the properties it lists, so
/// a field the report writes and the schema does not describe fails the test.
fn strict_validator() -> jsonschema::Validator {
    fn close(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".into(), false.into());
                }
                map.values_mut().for_each(close);
            }
            Value::Array(items) => items.iter_mut().for_each(close),
            _ => {}
        }
    }
    // The schema the types give: the published one, as the test above holds (read from the
    // types, not the file, so that regenerating the file does not race these tests).
    let mut schema = citykpi::report::json::schema();
    close(&mut schema);
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn the_published_schema_is_the_one_the_types_give() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA);
    let fresh = schema_text();
    if std::env::var_os("CITYKPI_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == fresh,
        "{SCHEMA} is stale: the report's types changed. Regenerate it with \
         `CITYKPI_WRITE_SCHEMA=1 cargo test --test schema`, read the diff, and raise \
         SCHEMA_VERSION (src/report/json.rs) if a field was removed or renamed."
    );
    let schema: Value = serde_json::from_str(&fresh).unwrap();
    let version = citykpi::report::json::SCHEMA_VERSION;
    assert!(schema["title"].as_str().unwrap().ends_with(version));
}

/// The sample run (two cities, every year, quality levels, verified flags, progress) in
/// JSON and JSON Lines validates, field for field.
#[test]
fn real_output_validates_against_the_schema() {
    let validator = strict_validator();
    let run = [
        "assess",
        "sample-data/vesterby.csv",
        "sample-data/riverton.csv",
        "--targets",
        "sample-data/targets.csv",
    ];
    let json = assess(&[&run[..], &["--format", "json"]].concat());
    let document: Value = serde_json::from_str(&json).unwrap();
    assert_valid(&validator, &document, "assess --format json");
    let version = citykpi::report::json::SCHEMA_VERSION;
    assert_eq!(document["schema_version"], version);
    assert!(document["assessments"].as_array().unwrap().len() >= 4);
    // A KPI with every kind of content: inputs, a reported value, progress.
    let kpis = document["assessments"][1]["kpis"].as_array().unwrap();
    assert!(kpis.iter().any(|k| !k["progress"].is_null()));
    assert!(kpis
        .iter()
        .any(|k| !k["inputs"].as_array().unwrap().is_empty()));

    let lines = assess(&[&run[..], &["--format", "ndjson"]].concat());
    let mut records = 0;
    for line in lines.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        assert_valid(&validator, &record, "a line of assess --format ndjson");
        assert_eq!(record["schema_version"], version, "{line}");
        records += 1;
    }
    assert_eq!(records, document["assessments"].as_array().unwrap().len());
}

/// A field the schema does not describe fails the strict validation (the test above can
/// fail), and so does a wrong type.
#[test]
fn the_strict_schema_catches_an_undescribed_field_and_a_wrong_type() {
    let validator = strict_validator();
    let json = assess(&[
        "--defs",
        "tests/fixtures/chain-defs",
        "assess",
        "tests/fixtures/chain-data.csv",
        "--format",
        "json",
    ]);
    let mut document: Value = serde_json::from_str(&json).unwrap();
    assert!(validator.is_valid(&document));
    document["assessments"][0]["kpis"][0]["surprise"] = 1.into();
    assert!(!validator.is_valid(&document));
    document["assessments"][0]["kpis"][0]
        .as_object_mut()
        .unwrap()
        .remove("surprise");
    document["assessments"][0]["kpis"][0]["value"] = "65.5 %".into();
    assert!(!validator.is_valid(&document));
}

/// A run whose data has an error and whose targets file is set aside: the standing (its
/// counts, the file set aside, every problem) validates, in JSON and on each JSON Lines
/// record, and `diff` reads the report back.
#[test]
fn a_report_on_bad_data_validates_with_its_problems() {
    let validator = strict_validator();
    let run = [
        "assess",
        "tests/cmd/explain-two-files.in/a.csv",
        "tests/cmd/explain-two-files.in/b.csv",
        "--targets",
        "tests/fixtures/targets-bad.csv",
    ];
    let json = assess(&[&run[..], &["--format", "json"]].concat());
    let document: Value = serde_json::from_str(&json).unwrap();
    assert_valid(&validator, &document, "assess --format json on bad data");
    let standing = &document["standing"];
    // One error in the data; the targets file's two are counted apart.
    assert_eq!(standing["errors"], 1);
    assert_eq!(standing["targets_errors"], 2);
    assert_eq!(
        standing["targets_set_aside"],
        "tests/fixtures/targets-bad.csv"
    );
    let codes: Vec<&str> = standing["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["not-a-number", "unknown-kpi", "duplicate-conflict"]);
    let report = citykpi::diff::Report::parse(&json).unwrap();
    let assessments = document["assessments"].as_array().unwrap();
    assert_eq!(report.city_years.len(), assessments.len());
    assert_eq!(
        report.city_years[0].city,
        assessments[0]["city"].as_str().unwrap()
    );

    let lines = assess(&[&run[..], &["--format", "ndjson"]].concat());
    for line in lines.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        assert_valid(
            &validator,
            &record,
            "a line of assess --format ndjson on bad data",
        );
        assert_eq!(record["standing"]["errors"], 1);
        assert_eq!(record["standing"]["targets_errors"], 2);
    }
}
