//! A report on data with errors says so in every format a reader opens (the table, Markdown,
//! HTML, JSON, JSON Lines and the workbook's summary sheet), and the CI gates are checked and
//! printed all the same, the run exiting 3 (the data) before 4 (a gate).

use std::path::Path;
use std::process::{Command, Output};

use calamine::{open_workbook_auto, Reader};

/// A city with a negative population: one error, and every rate per inhabitant has no value.
const BAD: &str = "city,year,variable,value\n\
    Oslo,2024,population,-5\n\
    Oslo,2024,households,300000\n\
    Oslo,2024,households_with_internet,150000\n";

const BANNER: &str = "This report rests on data with 1 error and 0 warnings";

fn citykpi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "")
        .output()
        .unwrap()
}

fn bad_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.csv"), BAD).unwrap();
    dir
}

#[test]
fn every_readable_format_opens_with_the_banner() {
    let dir = bad_data();
    for format in ["table", "md", "html", "json", "ndjson"] {
        let out = citykpi(dir.path(), &["assess", "bad.csv", "--format", format]);
        assert_eq!(out.status.code(), Some(3), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        match format {
            "json" | "ndjson" => {
                let first = text.lines().next().unwrap();
                let record: serde_json::Value = match format {
                    "json" => serde_json::from_str(&text).unwrap(),
                    _ => serde_json::from_str(first).unwrap(),
                };
                assert_eq!(record["standing"]["errors"], 1, "{format}");
                assert_eq!(
                    record["standing"]["check"],
                    "citykpi check data bad.csv --all"
                );
            }
            _ => {
                // Where a reader looks first: before the first city-year.
                let banner = text
                    .find(BANNER)
                    .unwrap_or_else(|| panic!("{format}: {text}"));
                let city = text.find("Oslo").unwrap();
                assert!(banner < city, "{format}");
                assert!(text.contains("KPI values are missing because an input was rejected"));
                assert!(
                    text.contains("citykpi check data bad.csv --all"),
                    "{format}"
                );
            }
        }
    }
    let out = citykpi(
        dir.path(),
        &["assess", "bad.csv", "--format", "xlsx", "-o", "r.xlsx"],
    );
    assert_eq!(out.status.code(), Some(3));
    let mut book = open_workbook_auto(dir.path().join("r.xlsx")).unwrap();
    let summary = book.worksheet_range("Summary").unwrap();
    let first = summary.get((0, 0)).unwrap().to_string();
    assert!(first.starts_with(BANNER), "{first}");
    // The summary's table follows the banner, under its header.
    assert_eq!(summary.get((2, 0)).unwrap().to_string(), "city");
}

#[test]
fn a_clean_run_has_no_banner() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.csv"),
        BAD.replace("population,-5", "population,700000"),
    )
    .unwrap();
    for format in ["table", "md", "html"] {
        let out = citykpi(dir.path(), &["assess", "good.csv", "--format", format]);
        assert_eq!(out.status.code(), Some(0));
        assert!(!String::from_utf8(out.stdout)
            .unwrap()
            .contains("rests on data"));
    }
}

#[test]
fn gates_are_printed_on_bad_data_and_exit_3_comes_first() {
    let dir = bad_data();
    let out = citykpi(
        dir.path(),
        &["assess", "bad.csv", "--format", "csv", "--fail-under", "90"],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("gate: Oslo 2024: overall score"),
        "{stderr}"
    );
    assert!(
        stderr.contains("(a gate is not met either: exit 3 comes first)"),
        "{stderr}"
    );
}
