//! Numbers as spreadsheets export them are read right or refused, never read 1000 times
//! too small or too large.

use std::process::Command;

use serde_json::Value;

fn run(name: &str, text: &str, args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    // `FILE` in `args` stands for the file written.
    let args = args.iter().map(|a| {
        if *a == "FILE" {
            path.to_str().unwrap()
        } else {
            a
        }
    });
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The value of `variable` among the inputs of `key` in an NDJSON report.
fn input(report: &str, key: &str, variable: &str) -> Value {
    let line: Value = serde_json::from_str(report.lines().next().unwrap()).unwrap();
    let kpi = line["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == key)
        .unwrap();
    let input = kpi["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == variable)
        .unwrap();
    input["value"].clone()
}

#[test]
fn a_semicolon_file_reads_a_point_as_thousands_and_a_comma_as_decimal_mark() {
    let text = "city;year;variable;value\nOslo;2024;households;\"1.234.567\"\nOslo;2024;households_with_internet;1.000.000,5\n";
    let (code, out, err) = run(
        "semicolon.csv",
        text,
        &["assess", "FILE", "--format", "ndjson"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(input(&out, "EC:ICT:ICT:1C", "households"), 1_234_567.0);
    assert_eq!(
        input(&out, "EC:ICT:ICT:1C", "households_with_internet"),
        1_000_000.5
    );
}

#[test]
fn an_ambiguous_number_is_an_error_naming_its_line() {
    let text = "city;year;variable;value\nOslo;2024;households;1.5\n";
    let (code, out, _) = run(
        "semicolon.csv",
        text,
        &["assess", "FILE", "--format", "ndjson"],
    );
    assert_eq!(code, 3);
    let line: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let kpi = line["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "EC:ICT:ICT:1C")
        .unwrap();
    assert!(
        kpi["note"]
            .as_str()
            .unwrap()
            .starts_with("invalid input: households:"),
        "{kpi}"
    );
}

#[test]
fn tab_and_pipe_files_keep_the_decimal_point() {
    for (name, sep) in [("tab.tsv", "\t"), ("pipe.csv", "|")] {
        let text = format!("city{sep}year{sep}variable{sep}value\nOslo{sep}2024{sep}households{sep}1,234\nOslo{sep}2024{sep}households_with_internet{sep}617.5\n");
        let (code, out, err) = run(name, &text, &["assess", "FILE", "--format", "ndjson"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(input(&out, "EC:ICT:ICT:1C", "households"), 1234.0, "{name}");
        assert_eq!(
            input(&out, "EC:ICT:ICT:1C", "households_with_internet"),
            617.5,
            "{name}"
        );
    }
}

/// Problem lines are the lines an editor shows: CRLF line ends (every Excel export) and
/// blank lines, before the header too, are counted.
#[test]
fn line_numbers_count_crlf_and_blank_lines() {
    let text = "\r\n\r\ncity,year,variable,value\r\nOslo,2024,population,xyz\r\n\r\n\r\nOslo,2024,households,-5\r\n";
    let found = problems("excel.csv", text);
    assert_eq!(codes(&found), [("not-a-number", 4), ("out-of-range", 7)]);
}

/// The problems `check data --format json` finds in `text`: (code, line).
fn problems(name: &str, text: &str) -> Vec<(String, u64)> {
    let (_, out, _) = run(name, text, &["check", "data", "FILE", "--format", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn codes(list: &[(String, u64)]) -> Vec<(&str, u64)> {
    list.iter().map(|(c, l)| (c.as_str(), *l)).collect()
}

#[test]
fn spreadsheet_exports_are_read_right_or_refused() {
    // Old Mac exports end lines with CR alone.
    let mac = problems(
        "mac.csv",
        "city,year,variable,value\rOslo,2024,population,100000\rOslo,2024,households,abc\r",
    );
    assert_eq!(codes(&mac), [("not-a-number", 3)]);
    // A group starting with 0 is no thousands group: 0.125 is not 125.
    let zero = problems(
        "zero.csv",
        "city;year;variable;value\nOslo;2024;population;0.125\n",
    );
    assert_eq!(codes(&zero), [("not-a-number", 2)]);
    // A quote left open in the source column loses no row in silence.
    let quote = problems(
        "quote.csv",
        "city,year,variable,value,source\nOslo,2024,population,700000,\"Statistics Norway\nOslo,2024,households,350000,SSB\n",
    );
    assert_eq!(codes(&quote), [("invalid-csv", 2)]);
    // A value and "not reported" for one cell contradict each other.
    let nr = problems(
        "nr.csv",
        "city,year,variable,value\nOslo,2024,households,350000\nOslo,2024,households,NR\n",
    );
    assert_eq!(codes(&nr), [("duplicate-conflict", 3)]);
    // Wide form cannot say which value a unit column is for; an empty cell is not reported.
    let wide = problems(
        "wide.csv",
        "city,year,unit,population,households\nOslo,2024,hours,700000,\n",
    );
    assert_eq!(codes(&wide), [("unit-mismatch", 1), ("not-available", 2)]);
}

#[test]
fn a_city_is_one_city_however_it_is_cased() {
    let text = "city,year,variable,value\nOslo,2024,households,1000\nOSLO,2024,households_with_internet,900\n";
    let (code, out, err) = run("cased.csv", text, &["assess", "FILE", "--format", "ndjson"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1);
    let line: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(line["city"], "Oslo");
    let kpi = line["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "EC:ICT:ICT:1C")
        .unwrap();
    assert_eq!(kpi["value"], 90.0);
}

#[test]
fn a_definition_may_widen_the_range_of_a_figure_reported_directly() {
    // Day-care places may exceed children: SC:SH:SI:5A allows up to 1000 %.
    let ok = problems(
        "care.csv",
        "city,year,variable,value\nOslo,2024,SC:SH:SI:5A,104\n",
    );
    assert!(ok.is_empty(), "{ok:?}");
    let bad = problems(
        "share.csv",
        "city,year,variable,value\nOslo,2024,EC:ICT:ICT:1C,104\n",
    );
    assert_eq!(codes(&bad), [("out-of-range", 2)]);
}
