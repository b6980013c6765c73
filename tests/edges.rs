//! The edges of real data that must never be read wrong in silence: one city however its
//! name is spelled in Unicode, notes that travel with their value into every format, and
//! columns that are not read named once.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn citykpi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn a_city_spelled_in_nfc_and_nfd_is_one_city_under_its_first_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let composed = "Malm\u{f6}";
    let decomposed = "Malmo\u{308}";
    let text = format!(
        "city,year,variable,value\n{composed},2024,households,1000\n{decomposed},2024,households_with_internet,900\nMALM\u{d6},2024,population,3000\n"
    );
    std::fs::write(dir.path().join("malmo.csv"), text).unwrap();
    let out = citykpi(dir.path(), &["assess", "malmo.csv", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let city_years = report["assessments"].as_array().unwrap();
    assert_eq!(city_years.len(), 1, "{report}");
    assert_eq!(city_years[0]["city"], composed);
    let internet = city_years[0]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"] == "EC:ICT:ICT:1C")
        .unwrap();
    assert_eq!(internet["value"], 90.0);
    // --city in the other form selects it too.
    let out = citykpi(
        dir.path(),
        &[
            "assess",
            "malmo.csv",
            "--city",
            decomposed,
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.lines().skip(1).all(|l| l.starts_with(composed)),
        "{csv}"
    );
    assert!(csv.lines().count() > 90);
}

#[test]
fn notes_travel_with_their_value_into_csv_json_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("notes.csv"),
        "city,year,variable,value,source,Evidence,comment,owner\n\
         Oslo,2024,households,1000,Register,register.pdf p. 2,,stats\n\
         Oslo,2024,households_with_internet,900,Survey,,counted in December,stats\n",
    )
    .unwrap();
    let out = citykpi(dir.path(), &["assess", "notes.csv", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The column that is not read is named once, at the header.
    assert_eq!(stderr.matches("unknown-column").count(), 1, "{stderr}");
    assert!(stderr.contains("notes.csv:1: column owner"), "{stderr}");
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let notes = header.iter().position(|h| h == "data_notes").unwrap();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[2] == "EC:ICT:ICT:1C")
        .unwrap();
    // The inputs' notes in formula order: households_with_internet, then households.
    assert_eq!(
        &row[notes],
        "comment: counted in December; Evidence: register.pdf p. 2"
    );
    let out = citykpi(dir.path(), &["assess", "notes.csv", "--format", "json"]);
    let report = json(&out);
    let kpi = report["assessments"][0]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"] == "EC:ICT:ICT:1C")
        .unwrap()
        .clone();
    let inputs = kpi["inputs"].as_array().unwrap();
    let with = |name: &str| inputs.iter().find(|i| i["name"] == name).unwrap().clone();
    assert_eq!(with("households")["notes"]["Evidence"], "register.pdf p. 2");
    assert_eq!(
        with("households_with_internet")["notes"]["comment"],
        "counted in December"
    );
    let out = citykpi(
        dir.path(),
        &["explain", "Oslo", "EC:ICT:ICT:1C", "--data", "notes.csv"],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("comment: counted in December"), "{text}");
}

#[test]
fn a_targets_row_split_by_a_thousands_comma_sets_the_file_aside() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("data.csv"),
        "city,year,variable,value\nOslo,2024,wireless_broadband_subscriptions,90000\nOslo,2024,population,100000\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("targets.csv"),
        "kpi,target,source\nEC:ICT:ICT:3C,120,000,plan\n",
    )
    .unwrap();
    let out = citykpi(
        dir.path(),
        &[
            "assess",
            "data.csv",
            "--targets",
            "targets.csv",
            "--format",
            "json",
        ],
    );
    // Never a target of 120 read in silence: the file is set aside, the report says so.
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("error[field-count]: targets.csv:2: the row has 4 fields, the header has 3"),
        "{stderr}"
    );
    let report = json(&out);
    assert_eq!(report["standing"]["targets_set_aside"], "targets.csv");
    assert_eq!(report["standing"]["targets_errors"], 1);
    let kpi = report["assessments"][0]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"] == "EC:ICT:ICT:3C")
        .unwrap()
        .clone();
    assert_eq!(kpi["target"], serde_json::Value::Null);
}

#[test]
fn a_report_on_bad_data_keeps_exit_3_when_its_reader_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.csv"),
        "city,year,variable,value\nOslo,2024,population,-5\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(["assess", "bad.csv", "--format", "csv"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader closes at once.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: the data has 1 error"), "{stderr}");
}

#[test]
fn a_city_whose_name_holds_a_comma_can_be_named_with_city() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dc.csv"),
        "city,year,variable,value\n\"Washington, D.C.\",2024,households,100\nOslo,2024,households,50\nBergen,2024,households,60\n",
    )
    .unwrap();
    let cities = |city: &str| {
        let out = citykpi(
            dir.path(),
            &["assess", "dc.csv", "--city", city, "--format", "csv"],
        );
        assert_eq!(out.status.code(), Some(0), "{city}");
        let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
        let mut names: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        names.dedup();
        names
    };
    assert_eq!(cities("Washington, D.C."), ["Washington, D.C."]);
    // A list still works.
    assert_eq!(cities("Oslo,Bergen"), ["Bergen", "Oslo"]);
}

#[test]
fn an_amount_without_its_scale_asks_for_currency_and_scale_not_euros() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.csv"),
        "city,year,variable,value,unit,currency\nOslo,2024,city_gdp,5000,thousand,USD\n",
    )
    .unwrap();
    let out = citykpi(dir.path(), &["check", "data", "m.csv", "--format", "json"]);
    assert_eq!(out.status.code(), Some(3));
    let report = json(&out);
    let message = report["problems"][0]["message"].as_str().unwrap();
    assert!(
        message.ends_with(
            "give the amount with its currency and scale (\"NOK million\", \"USD thousand\"), or in EUR million"
        ),
        "{message}"
    );
}
