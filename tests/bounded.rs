//! Problems stay bounded whatever the data: an unknown variable on many rows is reported
//! once with its count, and a file lists at most 100 problems of one code (every one with
//! `check data --all`).

use std::process::Command;

use serde_json::Value;

/// `citykpi check data PATH --format json`: its exit code and report.
fn check_data_json(path: &std::path::Path) -> (Option<i32>, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(["check", "data", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn repeated_problems_are_reported_once_or_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.csv");
    let mut text = String::from("city,year,variable,value\n");
    for i in 0..5000 {
        text.push_str(&format!("C{},2024,bogus_var,{i}\n", i % 50));
    }
    for i in 0..250 {
        text.push_str(&format!("C{i},2024,population,abc\n"));
    }
    std::fs::write(&path, text).unwrap();
    let (code, report) = check_data_json(&path);
    assert_eq!(code, Some(3));
    let problems = report["problems"].as_array().unwrap();
    let of = |code: &str| {
        problems
            .iter()
            .filter(|p| p["code"] == code)
            .collect::<Vec<_>>()
    };
    let unknown = of("unknown-variable");
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["line"], 2);
    assert!(unknown[0]["message"]
        .as_str()
        .unwrap()
        .contains("(on 5000 rows, first at lines 2, 3, 4)"));
    let not_numbers = of("not-a-number");
    assert_eq!(not_numbers.len(), 101);
    assert_eq!(not_numbers[99]["line"], 5101);
    assert_eq!(
        not_numbers[100]["message"],
        "150 more `not-a-number` problems in this file are not listed; fix the ones above and run again, or list them all with `citykpi check data --all`"
    );
    // The totals count every problem, listed or not: 250 values that are not numbers.
    assert_eq!(not_numbers[100]["count"], 150);
    assert!(not_numbers[99].get("count").is_none());
    assert_eq!(report["errors"], 250);

    // `--all` lists every one of them, with the same totals.
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args([
            "check",
            "data",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--all",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed = all["problems"].as_array().unwrap();
    let not_numbers: Vec<&Value> = listed
        .iter()
        .filter(|p| p["code"] == "not-a-number")
        .collect();
    assert_eq!(not_numbers.len(), 250);
    assert_eq!(not_numbers[249]["line"], 5251);
    assert!(listed.iter().all(|p| p.get("count").is_none()));
    assert_eq!(all["errors"], 250);

    // The same totals in the table and in `assess`'s closing line.
    let table = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(["check", "data", path.to_str().unwrap()])
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("250 errors,"), "{table}");
    let assess = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(["assess", path.to_str().unwrap(), "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(assess.status.code(), Some(3));
    let stderr = String::from_utf8(assess.stderr).unwrap();
    assert!(
        stderr.contains("error: the data has 250 errors and"),
        "{stderr}"
    );

    // One problem over the limit: the entry for it still says how many it stands for.
    let mut text = String::from("city,year,variable,value\n");
    for i in 0..101 {
        text.push_str(&format!("C{i},2024,population,abc\n"));
    }
    std::fs::write(&path, text).unwrap();
    let (_, report) = check_data_json(&path);
    let last = report["problems"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["count"], 1, "{last}");
    assert_eq!(report["errors"], 101);

    // Several codes over the limit: their "more" entries in the codes' name order, every run.
    let mut text = String::from("city,year,variable,value\n");
    for i in 0..110 {
        text.push_str(&format!("C{i},2024,population,abc\n"));
        text.push_str(&format!("C{i},2024,gini_coefficient,7\n"));
        text.push_str(&format!("C{i},2024,road_traffic_deaths,-1\n"));
        text.push_str(&format!("C{i},2024,police_officers_fte,n/a\n"));
    }
    std::fs::write(&path, text).unwrap();
    let summaries = || {
        let (_, report) = check_data_json(&path);
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p.get("count").is_some())
            .map(|p| p["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let order = ["not-a-number", "not-available", "out-of-range"];
    for _ in 0..3 {
        assert_eq!(summaries(), order);
    }
}
