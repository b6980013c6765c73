//! `assess --format ngsi-ld` through the binary: one KeyPerformanceIndicator entity per
//! city, year and measure with a value (the rows of `--format csv` that have one), stable
//! ids, both forms, the band-to-standing mapping, the array written one entity a line.
//!
//! With `CITYKPI_NGSI=1` the entities are also checked against the Smart Data Models
//! model as pysmartdatamodels publishes it (tests/ngsi/check_entities.py; the package
//! importable, or in target/sdm-python): `.ci/run` installs it and runs them.

use std::io::Write;
use std::process::{Command, Output};

use serde_json::Value;

const SAMPLE: [&str; 4] = [
    "sample-data/vesterby.csv",
    "sample-data/riverton.csv",
    "--targets",
    "sample-data/targets.csv",
];

fn citykpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("citykpi runs")
}

/// The sample run's output with `extra` arguments, its exit code checked.
fn sample(extra: &[&str]) -> String {
    let mut args = vec!["assess"];
    args.extend(SAMPLE);
    args.extend(extra);
    let out = citykpi(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn entities(text: &str) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(text).expect("one JSON array")
}

/// `(city, code, part, year, value)` of every CSV row with a value.
fn csv_rows() -> Vec<(String, String, String, String, f64)> {
    let text = sample(&["--format", "csv"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (city, year, code, part, value) =
        (at("city"), at("year"), at("code"), at("part"), at("value"));
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| !r[value].is_empty())
        .map(|r| {
            (
                r[city].to_string(),
                r[code].to_string(),
                r[part].to_string(),
                r[year].to_string(),
                r[value].parse().unwrap(),
            )
        })
        .collect()
}

/// An attribute's value in either form.
fn value<'v>(entity: &'v Value, name: &str) -> &'v Value {
    let attribute = &entity[name];
    match attribute.get("type").and_then(Value::as_str) {
        Some("Property") => &attribute["value"],
        _ => attribute,
    }
}

#[test]
fn one_entity_per_value_with_its_id_and_value_in_both_forms() {
    let rows = csv_rows();
    assert!(rows.len() > 100, "{}", rows.len());
    for form in ["normalized", "key-values"] {
        let text = sample(&["--format", "ngsi-ld", "--ngsi-ld-form", form]);
        let entities = entities(&text);
        assert_eq!(entities.len(), rows.len(), "{form}");
        for (entity, (city, code, part, year, kpi_value)) in entities.iter().zip(&rows) {
            let part_id = if part.is_empty() { "-" } else { part };
            let id = format!(
                "urn:ngsi-ld:KeyPerformanceIndicator:{city}:{}:{part_id}:{year}",
                code.replace(':', "-")
            );
            assert_eq!(entity["id"], id.as_str(), "{form}");
            assert_eq!(entity["type"], "KeyPerformanceIndicator");
            assert_eq!(value(entity, "kpiValue").as_f64(), Some(*kpi_value), "{id}");
            assert_eq!(value(entity, "organization"), city.as_str());
            assert_eq!(value(entity, "u4sscCode"), code.as_str());
            let period = value(entity, "calculationPeriod");
            assert_eq!(period["from"], format!("{year}-01-01").as_str());
            assert_eq!(period["to"], format!("{year}-12-31").as_str());
            assert_eq!(
                entity["@context"][1],
                "https://raw.githubusercontent.com/smart-data-models/dataModel.KeyPerformanceIndicator/master/context.jsonld"
            );
            let normalized = form == "normalized";
            assert_eq!(entity["name"].get("type").is_some(), normalized, "{id}");
            let modified = value(entity, "dateModified");
            let modified = if normalized {
                assert_eq!(modified["@type"], "DateTime");
                &modified["@value"]
            } else {
                modified
            };
            assert!(modified.as_str().unwrap().ends_with('Z'), "{modified}");
        }
    }
}

#[test]
fn ids_are_stable_and_unique_and_text_is_made_urn_safe() {
    let text = sample(&["--format", "ngsi-ld", "--ngsi-ld-form", "key-values"]);
    let ids: Vec<Value> = entities(&text).iter().map(|e| e["id"].clone()).collect();
    let again = sample(&["--format", "ngsi-ld", "--ngsi-ld-form", "key-values"]);
    let again: Vec<Value> = entities(&again).iter().map(|e| e["id"].clone()).collect();
    assert_eq!(ids, again);
    let unique: std::collections::BTreeSet<String> = ids.iter().map(|i| i.to_string()).collect();
    assert_eq!(unique.len(), ids.len());
    assert!(
        ids.contains(&"urn:ngsi-ld:KeyPerformanceIndicator:Vesterby:EC-ICT-ICT-4C:3g:2024".into())
    );

    // A city named with a space, an accent and a colon.
    let dir = tempfile::tempdir().unwrap();
    let data = std::fs::read_to_string("sample-data/vesterby.csv")
        .unwrap()
        .lines()
        .map(|l| match l.strip_prefix("Vesterby,") {
            Some(rest) => format!("\"São Paulo: Sé\",{rest}\n"),
            None => format!("{l}\n"),
        })
        .collect::<String>();
    let path = dir.path().join("sp.csv");
    std::fs::write(&path, data).unwrap();
    let out = citykpi(&[
        "assess",
        path.to_str().unwrap(),
        "--year",
        "2024",
        "--format",
        "ngsi-ld",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entities = entities(&String::from_utf8(out.stdout).unwrap());
    let first = &entities[0];
    assert_eq!(
        first["id"],
        "urn:ngsi-ld:KeyPerformanceIndicator:S%C3%A3o%20Paulo%3A%20S%C3%A9:EC-ICT-ICT-1C:-:2024"
    );
    assert_eq!(first["organization"]["value"], "São Paulo: Sé");
}

#[test]
fn the_band_gives_the_standing_and_an_unscored_value_has_none() {
    let text = sample(&["--format", "ngsi-ld", "--ngsi-ld-form", "key-values"]);
    let mut seen = std::collections::BTreeSet::new();
    let mut targets = std::collections::BTreeMap::new();
    for entity in entities(&text) {
        let band = entity.get("u4sscBand").and_then(Value::as_str);
        let standing = entity.get("currentStanding").and_then(Value::as_str);
        let expected = band.map(|b| match b {
            "95%+ of target" => "veryGood",
            "66-95% of target" => "good",
            "33-66% of target" => "fair",
            "less than 33% of target" => "bad",
            other => panic!("band {other}"),
        });
        assert_eq!(standing, expected, "{}", entity["id"]);
        seen.insert(standing.map(str::to_string));
        // The method: computed by citykpi, or reported by the city (Riverton's emissions).
        let method = entity["calculationMethod"].as_str().unwrap();
        let riverton_emissions = entity["id"]
            .as_str()
            .unwrap()
            .starts_with("urn:ngsi-ld:KeyPerformanceIndicator:Riverton:EN-EN-AQ-2C:");
        let expected = if riverton_emissions {
            "manual"
        } else {
            "automatic"
        };
        assert_eq!(method, expected, "{}", entity["id"]);
        targets.insert(
            entity["id"].as_str().unwrap().to_string(),
            entity["businessTarget"].clone(),
        );
    }
    // Every band, and values without one, occur in the sample run.
    assert_eq!(seen.len(), 5, "{seen:?}");
    // The target, its year and where it was set.
    let target = |id: &str| targets[&format!("urn:ngsi-ld:KeyPerformanceIndicator:{id}")].clone();
    assert_eq!(
        target("Vesterby:EC-ICT-ES-3A:-:2024"),
        "at least 20 % by 2030 (sample-data/targets.csv:3: regional utility plan)"
    );
    assert_eq!(
        target("Riverton:EN-EN-AQ-2C:-:2024"),
        "at most 2 t CO2e per capita by 2030 (sample-data/targets.csv:27: city climate plan)"
    );
    assert_eq!(
        target("Vesterby:SC-SH-SA-3A:-:2024"),
        "yes by 2030 (default target)"
    );
    // A value without a target (Wi-Fi hotspots are never scored) has no business target.
    assert_eq!(target("Vesterby:EC-ICT-ICT-5C:-:2024"), Value::Null);
}

#[test]
fn the_array_is_written_one_entity_a_line() {
    let text = sample(&["--format", "ngsi-ld"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"["));
    assert_eq!(lines.last(), Some(&"]"));
    let inner = &lines[1..lines.len() - 1];
    for (i, line) in inner.iter().enumerate() {
        let line = if i + 1 < inner.len() {
            line.strip_suffix(',')
                .expect("a comma after all but the last")
        } else {
            line
        };
        let entity: Value = serde_json::from_str(line).unwrap();
        assert_eq!(entity["type"], "KeyPerformanceIndicator");
    }
    assert_eq!(inner.len(), entities(&text).len());
    // A city with no KPI value (only its population): an empty array.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("population.csv");
    std::fs::write(&path, "city,year,variable,value\nX,2024,population,1000\n").unwrap();
    let out = citykpi(&["assess", path.to_str().unwrap(), "--format", "ngsi-ld"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "[]\n");
}

#[test]
fn a_wrong_form_or_compare_is_refused() {
    let out = citykpi(&[
        "assess",
        "sample-data/vesterby.csv",
        "--format",
        "ngsi-ld",
        "--ngsi-ld-form",
        "flat",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid value 'flat' for '--ngsi-ld-form <FORM>'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[possible values: normalized, key-values]"),
        "{stderr}"
    );
    let out = citykpi(&["compare", "sample-data/vesterby.csv", "--format", "ngsi-ld"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid value 'ngsi-ld' for '--format"),
        "{stderr}"
    );
}

/// tests/ngsi/check_entities.py on `files`: its exit code and output.
fn check(files: &[&std::path::Path]) -> (Option<i32>, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let path = match std::env::var("PYTHONPATH") {
        Ok(p) if !p.is_empty() => format!("{p}:{root}/target/sdm-python"),
        _ => format!("{root}/target/sdm-python"),
    };
    let out = Command::new("python3")
        .arg("tests/ngsi/check_entities.py")
        .args(files)
        .env("PYTHONPATH", path)
        .current_dir(root)
        .output()
        .expect("python3 runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

#[test]
fn sdm_the_sample_run_matches_the_published_model() {
    if std::env::var("CITYKPI_NGSI").as_deref() != Ok("1") {
        // Past the capture of test output, so a plain `cargo test` shows it.
        let _ = writeln!(
            std::io::stderr(),
            "ngsi: the model check skipped; run it with `python3 -m pip install --no-deps \
             --target target/sdm-python pysmartdatamodels && CITYKPI_NGSI=1 cargo test --test ngsi` (or .ci/run)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for form in ["normalized", "key-values"] {
        let path = dir.path().join(format!("{form}.json"));
        std::fs::write(
            &path,
            sample(&["--format", "ngsi-ld", "--ngsi-ld-form", form]),
        )
        .unwrap();
        files.push(path);
    }
    let paths: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    let (code, text) = check(&paths);
    println!("{text}");
    assert_eq!(code, Some(0), "{text}");
    let count = entities(&std::fs::read_to_string(&files[0]).unwrap()).len();
    assert!(
        text.contains(&format!("{} entities match", 2 * count)),
        "{text}"
    );

    // The check fails on what the model does not allow.
    let mut bad = entities(&std::fs::read_to_string(&files[1]).unwrap());
    bad.truncate(1);
    let e = bad[0].as_object_mut().unwrap();
    e.insert("currentStanding".into(), "excellent".into());
    e.insert("calculationMethod".into(), "by hand".into());
    e.insert(
        "calculationPeriod".into(),
        serde_json::json!({"from": "2024-13-01", "to": "2024-12-31"}),
    );
    e.insert("dateModified".into(), "yesterday".into());
    e.insert("score".into(), 3.into());
    e.remove("type");
    let path = dir.path().join("bad.json");
    std::fs::write(&path, serde_json::to_string(&bad).unwrap()).unwrap();
    let (code, text) = check(&[&path]);
    assert_eq!(code, Some(1), "{text}");
    for fault in [
        "no type",
        "currentStanding \"excellent\" is not one of the model's values",
        "calculationMethod \"by hand\" is not one of the model's values",
        "calculationPeriod {\"from\": \"2024-13-01\"",
        "dateModified \"yesterday\" is not a date-time",
        "score is not an attribute of KeyPerformanceIndicator",
    ] {
        assert!(text.contains(fault), "{fault}\n{text}");
    }
}

/// The entities rendered on several threads are those rendered on one (the time of the
/// run aside), on many more city-years than a thread's chunk, the first 100 of them with
/// no value (chunks with no entity, before the array's first).
#[test]
fn threads_do_not_change_the_entities() {
    use citykpi::catalog::Catalog;
    use citykpi::dataset::{self, Filter, Input, TextOptions};
    use citykpi::report::{self, ngsi::NgsiForm, Format, Style};
    use citykpi::scoring::Assessment;

    let catalog = Catalog::embedded();
    let mut text = String::from("city,year,variable,value\n");
    for city in 0..700 {
        text.push_str(&format!("C{city:03},2024,population,{}\n", 1000 + city));
        if city >= 100 {
            text.push_str(&format!("C{city:03},2024,households,{}\n", 500 + city));
            text.push_str(&format!(
                "C{city:03},2024,households_with_internet,{}\n",
                400 + city
            ));
        }
    }
    let input = Input::Bytes("gen.csv".into(), text.into_bytes());
    let loaded = dataset::load(
        &catalog,
        &[input],
        Filter::default(),
        TextOptions::default(),
    );
    let results = citykpi::engine::evaluate(&catalog, &loaded.dataset).unwrap();
    let assessment = Assessment::new(&catalog, &results, None, None);
    let render_with = |threads| {
        let mut out = Vec::new();
        let style = Style {
            threads,
            ngsi_form: NgsiForm::KeyValues,
            ..Style::default()
        };
        report::render(Format::NgsiLd, &assessment, style, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        // The time of the run, which two renders may not share.
        let at = text.find("\"dateModified\":\"").unwrap() + 16;
        let time = &text[at..at + 20];
        text.replace(time, "TIME")
    };
    let one = render_with(1);
    assert_eq!(entities(&one).len(), 600);
    assert!(
        one.starts_with("[\n{\"id\":\"urn:ngsi-ld:KeyPerformanceIndicator:C100:"),
        "{}",
        &one[..80]
    );
    for threads in [3, 8] {
        assert!(one == render_with(threads), "{threads} threads");
    }
}
