//! A U4SSC verification round end to end, through the real binary, on the pilot fixture
//! (tests/fixtures/pilot: Nordhavn 2022 reports KPI figures, Elvdal 2023 and Fjellstad 2024
//! raw inputs; a verifier's record with a NO, a "not verifiable" and a "reported" override;
//! a questions log with open questions): the verification report's sections and counts,
//! `--verified-only`, and next year's collection sheet filled in and assessed again.
//!
//! The counts were checked by hand against the files (see each test).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DATA: [&str; 3] = [
    "tests/fixtures/pilot/nordhavn-2022.csv",
    "tests/fixtures/pilot/elvdal-2023.csv",
    "tests/fixtures/pilot/fjellstad-2024.csv",
];
const VERIFICATION: &str = "tests/fixtures/pilot/verification.csv";
const QUESTIONS: &str = "tests/fixtures/pilot/questions.csv";

fn citykpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Run `command` on the three data files with `extra`; exit 0 expected.
fn run(command: &[&str], extra: &[&str]) -> String {
    let mut args = command.to_vec();
    args.extend_from_slice(&DATA);
    args.extend_from_slice(extra);
    let out = citykpi(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("citykpi-pilot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Nordhavn 2022 by hand: 15 KPIs have a value (EC:ICT:ICT:1C-4C, EM:1C, I:WS:3C, AQ:2C,
/// WS:2C, H:1C, SI:2C, SI:4C, SA:3A, SA:5A, SA:6C, SA:8C), 16 data points (4C has 3G and
/// 4G); not verified: 2C (the verifier: no), SA:8C (not verifiable), AQ:2C (the data: no).
/// Elvdal 2023: the verifier marks EC:ICT:ICT:3C not reported; its PM10, SO2 and O3 are
/// missing, its NO2 not verifiable, its police FTE not verified.
#[test]
fn the_verification_report_has_the_nine_sections_and_the_counts() {
    let md = run(
        &["report", "verification"],
        &["--verification", VERIFICATION, "--questions", QUESTIONS],
    );
    for heading in [
        "## 1. Introduction and verification background",
        "## 2. KPI reporting and verification summary",
        "## 3. KPI data points reporting and verification summary",
        "## 4. City performance benchmark",
        "## 5. Benchmarks and scoring methodology",
        "## 6. Verification results",
        "## 7. KPIs not reported",
        "## 8. KPIs not verified",
        "## 9. Next steps",
    ] {
        assert_eq!(md.matches(heading).count(), 3, "{heading}");
    }
    let nordhavn = &md[md.find("## Nordhavn 2022").unwrap()..];
    assert!(
        nordhavn.contains("| **Overall** | 15 | 12 | 3 | 76 |"),
        "{nordhavn}"
    );
    assert!(nordhavn.contains("| **Overall** | 16 | 13 | 3 | 97 |"));
    assert!(nordhavn.contains("- Verifier: K. Berg"));
    assert!(nordhavn.contains("`SC:SH:SA:8C` Violent Crime Rate: not verifiable"));
    assert!(nordhavn.contains(
        "`EN:EN:AQ:2C` GHG Emissions: not verified (the data's verified column is not yes for every input)"
    ));
    let elvdal = &md[md.find("## Elvdal 2023").unwrap()..md.find("## Fjellstad 2024").unwrap()];
    assert!(elvdal
        .contains("`EN:EN:AQ:1C` Air Pollution: Partial - following not reported: PM10, SO2, O3"));
    assert!(elvdal.contains(
        "`EC:ICT:ICT:3C` Wireless Broadband Subscriptions — The figure is for the county, not the municipality"
    ));
    assert!(elvdal.contains("**Open questions to the city:** `EC:ICT:ICT:3C` Does the operator statistic exist at municipal level? (asked 2023-10-02)"));

    let json: Value = serde_json::from_str(&run(
        &["report", "verification"],
        &[
            "--verification",
            VERIFICATION,
            "--questions",
            QUESTIONS,
            "-f",
            "json",
        ],
    ))
    .unwrap();
    let city_years = json["city_years"].as_array().unwrap();
    let nordhavn = city_years.iter().find(|c| c["city"] == "Nordhavn").unwrap();
    let counts = |v: &Value| {
        ["reported", "verified", "not_verified", "not_reported"].map(|k| v[k].as_u64().unwrap())
    };
    assert_eq!(counts(&nordhavn["kpis"]["overall"]), [15, 12, 3, 76]);
    assert_eq!(counts(&nordhavn["data_points"]["overall"]), [16, 13, 3, 97]);
    let open: Vec<&str> = (nordhavn["open_questions"].as_array().unwrap().iter())
        .map(|q| q["kpi"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["SC:SH:SA:8C"]);
    assert_eq!(nordhavn["all_verified"], Value::Null);
}

/// `--verified-only`: Nordhavn's fixed broadband (the verifier: no) keeps its value and has
/// no score; its household Internet access (verified) keeps its score.
#[test]
fn verified_only_scores_the_verified_values() {
    let csv = run(
        &["assess"],
        &[
            "--verification",
            VERIFICATION,
            "--verified-only",
            "-f",
            "csv",
        ],
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |city: &str, code: &str| {
        rows.iter()
            .find(|r| &r[col("city")] == city && &r[col("code")] == code)
            .unwrap()
            .clone()
    };
    let broadband = row("Nordhavn", "EC:ICT:ICT:2C");
    assert_eq!(&broadband[col("value")], "71.5");
    assert_eq!(&broadband[col("points")], "");
    assert!(broadband[col("note")].contains("not scored (--verified-only)"));
    let internet = row("Nordhavn", "EC:ICT:ICT:1C");
    assert_eq!(&internet[col("points")], "3");
    // By SDG, the value shows and says why it has no score.
    let md = run(
        &["assess"],
        &[
            "--verification",
            VERIFICATION,
            "--verified-only",
            "--by",
            "sdg",
            "-f",
            "md",
        ],
    );
    assert!(
        md.lines().any(
            |l| l.contains("EC:ICT:ICT:2C Fixed Broadband Subscriptions | 71.50 %")
                && l.ends_with("| no (not verified) |")
        ),
        "{md}"
    );
}

/// What to collect next, for each city's year, filled in and given back: every KPI it was
/// for computes, and the KPI the verifier marked not reported comes back with its value and
/// the verifier's reason.
#[test]
fn next_years_sheet_filled_in_and_assessed_again() {
    let sheet = run(
        &["template", "--for"],
        &["--verification", VERIFICATION, "--tier", "core"],
    );
    let mut reader = csv::Reader::from_reader(sheet.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cities: BTreeSet<&str> = rows.iter().map(|r| &r[col("city")]).collect();
    assert_eq!(cities, BTreeSet::from(["Elvdal", "Fjellstad", "Nordhavn"]));
    // Nordhavn reports KPI figures: its rows are KPI codes.
    assert!(rows
        .iter()
        .filter(|r| &r[col("city")] == "Nordhavn")
        .all(|r| r[col("variable")].contains(':')));
    // Elvdal's wireless broadband: filled in, with the verifier's reason.
    let wireless = rows
        .iter()
        .find(|r| {
            &r[col("city")] == "Elvdal" && &r[col("variable")] == "wireless_broadband_subscriptions"
        })
        .unwrap();
    assert_eq!(&wireless[col("value")], "19850");
    assert!(wireless[col("origin")].contains(
        "the verifier marks EC:ICT:ICT:3C not reported (tests/fixtures/pilot/verification.csv:7): The figure is for the county"
    ));
    // Fill every blank with a value the row accepts, and assess the sheet alone.
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    let mut wanted = BTreeSet::new();
    for r in &rows {
        let mut cells: Vec<String> = r.iter().map(String::from).collect();
        if cells[col("value")].is_empty() {
            let range = &cells[col("valid_range")];
            cells[col("value")] = match range.as_str() {
                r if r.contains("yes") => "yes".into(),
                r if r.starts_with("0 to 100") => "50".into(),
                r if r.starts_with("0 to 1") => "0.5".into(),
                _ => "10".into(),
            };
            for code in cells[col("used_by")].split(' ') {
                wanted.insert((cells[col("city")].clone(), code.to_string()));
            }
        }
        writer.write_record(&cells).unwrap();
    }
    let filled = scratch("next.csv");
    std::fs::write(&filled, writer.into_inner().unwrap()).unwrap();
    let out = citykpi(&["assess", filled.to_str().unwrap(), "-f", "csv"]);
    assert_ne!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(report.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let computed: BTreeSet<(String, String)> = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| !r[col("value")].is_empty())
        .map(|r| (r[col("city")].to_string(), r[col("code")].to_string()))
        .collect();
    let missing: Vec<_> = wanted.difference(&computed).collect();
    assert!(missing.is_empty(), "still without a value: {missing:?}");
}

/// `--city` leaves the other cities out: what the verifier and the questions log say of them
/// is not a warning (with `--strict` it would fail the run).
#[test]
fn city_filter_does_not_warn_about_the_cities_it_leaves_out() {
    let mut args = vec!["assess"];
    args.extend_from_slice(&DATA);
    args.extend_from_slice(&[
        "--verification",
        VERIFICATION,
        "--questions",
        QUESTIONS,
        "--city",
        "Elvdal",
        "--strict",
        "-f",
        "csv",
    ]);
    let out = citykpi(&args);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// `--city` leaves a city out, not a misspelt one: a verifier's row for "Elvdall" still warns.
#[test]
fn city_filter_still_warns_about_a_misspelt_city() {
    let verification = scratch("misspelt.csv");
    std::fs::write(
        &verification,
        "city,year,kpi,verified\nElvdall,2023,EC:ICT:ICT:1C,no\nNordhavn,2022,EC:ICT:ICT:1C,yes\n",
    )
    .unwrap();
    let out = citykpi(&[
        "assess",
        DATA[0],
        DATA[1],
        "--verification",
        verification.to_str().unwrap(),
        "--city",
        "Elvdal",
        "-f",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("warning[unknown-city]: ")
            && lines[0].contains(":2: column city: the data has no city \"Elvdall\""),
        "{stderr}"
    );
}

/// A KPI figure the verifier marks not reported comes back on the sheet with the figure the
/// city gave, to correct or confirm.
#[test]
fn a_figure_the_verifier_refuses_comes_back_filled_in() {
    let verification = scratch("refused.csv");
    std::fs::write(
        &verification,
        "city,year,kpi,reported,comment\nNordhavn,2022,EC:ICT:ICT:3C,no,county figure\n",
    )
    .unwrap();
    let out = citykpi(&[
        "template",
        "--for",
        DATA[0],
        "--verification",
        verification.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let sheet = String::from_utf8(out.stdout).unwrap();
    let row = sheet
        .lines()
        .find(|l| l.starts_with("Nordhavn,2022,EC:ICT:ICT:3C,"))
        .unwrap();
    assert!(
        row.starts_with("Nordhavn,2022,EC:ICT:ICT:3C,88000,yes,"),
        "{row}"
    );
    assert!(
        row.contains("the verifier marks EC:ICT:ICT:3C not reported"),
        "{row}"
    );
}
