//! The verifier's record through the real binary: a verification file (CSV or workbook) with
//! a NO, a "not verifiable", comments and evidence; its status winning over the data's
//! `verified` column (and the note saying so); `--verified-only`; the reporting counts of
//! the summary; every bad row refused at its line; and the one published U4SSC benchmark
//! (fixed broadband, 60 % of households) as a default target with its source.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DATA: &str = "tests/fixtures/verify-data.csv";
const VERIFICATION: &str = "tests/fixtures/verification.csv";

fn citykpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "250")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `assess --format json` of the fixture with these extra arguments: the first city-year.
fn assess_json(extra: &[&str]) -> Value {
    let mut args = vec!["assess", DATA, "--format", "json"];
    args.extend_from_slice(extra);
    let out = citykpi(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["assessments"][0].clone()
}

fn kpi<'j>(city_year: &'j Value, key: &str) -> &'j Value {
    city_year["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == key)
        .unwrap_or_else(|| panic!("{key}"))
}

fn summary<'j>(city_year: &'j Value, code: &str) -> &'j Value {
    city_year["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("{code}"))
}

#[test]
fn the_verifiers_status_wins_over_the_data_and_the_row_says_so() {
    let cy = assess_json(&["--verification", VERIFICATION]);
    // Fixed broadband: the data says verified, the verifier "not verifiable".
    let broadband = kpi(&cy, "EC:ICT:ICT:2C");
    assert_eq!(broadband["verified"], false);
    assert_eq!(broadband["verification"], "not verifiable");
    assert_eq!(
        broadband["verifier_comment"],
        "The operators did not share their subscriber counts"
    );
    assert_eq!(broadband["verifier"], "A. Verifier");
    assert_eq!(broadband["verification_date"], "2021-09-30");
    assert_eq!(
        broadband["note"],
        "reported directly; verified: not verifiable per tests/fixtures/verification.csv:2 (the data says yes)"
    );
    // Without --verified-only it still scores: 45 of the target 60 = 75 %.
    assert_eq!(broadband["points"], 3);
    // 4G coverage: the data says no, the verifier yes.
    let coverage = kpi(&cy, "EC:ICT:ICT:4C/4g");
    assert_eq!(coverage["verified"], true);
    assert_eq!(coverage["evidence"], "Coverage map 2021, p. 3");
    assert!(coverage["note"]
        .as_str()
        .unwrap()
        .ends_with("verified: yes per tests/fixtures/verification.csv:3 (the data says no)"));
    // The 3G part the verifier does not name keeps the data's flag.
    assert_eq!(kpi(&cy, "EC:ICT:ICT:4C/3g")["verified"], false);
    assert_eq!(kpi(&cy, "EC:ICT:ICT:4C/3g")["verification"], Value::Null);
    // Wireless subscriptions: the data says nothing, the verifier NO, with evidence.
    let wireless = kpi(&cy, "EC:ICT:ICT:3C");
    assert_eq!(wireless["verified"], false);
    assert_eq!(wireless["verification"], "no");
    assert_eq!(wireless["evidence"], "Regulator report 2021, p. 4");
    // Household access: the verifier overrides "reported" to no: the value stays, unscored.
    let access = kpi(&cy, "EC:ICT:ICT:1C");
    assert_eq!(access["value"], 90.0);
    assert_eq!(access["verifier_reported"], false);
    assert_eq!(access["points"], Value::Null);
    assert_eq!(
        access["note"],
        "reported directly; the verifier marks it not reported (tests/fixtures/verification.csv:5): not scored"
    );
    // Without the file, the data's flags stand and nothing is overridden.
    let plain = assess_json(&[]);
    assert_eq!(kpi(&plain, "EC:ICT:ICT:2C")["verified"], true);
    assert_eq!(kpi(&plain, "EC:ICT:ICT:2C")["note"], "reported directly");
    assert_eq!(kpi(&plain, "EC:ICT:ICT:1C")["points"], 3);
}

#[test]
fn verified_only_scores_verified_values_and_says_why_the_others_have_no_score() {
    let cy = assess_json(&["--verification", VERIFICATION, "--verified-only"]);
    let notes: Vec<(&str, &str, Value)> = ["EC:ICT:ICT:2C", "EC:ICT:ICT:3C", "EC:ICT:ICT:4C/3g"]
        .iter()
        .map(|k| {
            let row = kpi(&cy, k);
            (*k, row["note"].as_str().unwrap(), row["points"].clone())
        })
        .collect();
    assert!(notes[0]
        .1
        .starts_with("reported directly; not verifiable: not scored (--verified-only)"));
    assert_eq!(
        notes[1].1,
        "reported directly; not verified: not scored (--verified-only)"
    );
    assert_eq!(
        notes[2].1,
        "reported directly; not verified: not scored (--verified-only)"
    );
    assert!(notes.iter().all(|(_, _, points)| points.is_null()));
    // Values are kept.
    assert_eq!(kpi(&cy, "EC:ICT:ICT:2C")["value"], 45.0);
    // Only the verified 4G coverage scores: 95 % of 100 = 4 points.
    let all = summary(&cy, "ALL");
    assert_eq!(all["scored"], 1);
    assert_eq!(all["points"], 4);
    assert_eq!(kpi(&cy, "EC:ICT:ICT:4C/4g")["points"], 4);
    // A value with no verified status at all is not scored either (no file: 3C has none).
    let plain = assess_json(&["--verified-only"]);
    assert_eq!(
        kpi(&plain, "EC:ICT:ICT:3C")["note"],
        "reported directly; no verified status: not scored (--verified-only)"
    );
    assert_eq!(kpi(&plain, "EC:ICT:ICT:2C")["points"], 3);
}

#[test]
fn the_summary_counts_kpis_and_data_points_reported_and_verified() {
    let cy = assess_json(&["--verification", VERIFICATION]);
    let counts = |code: &str, what: &str| {
        let r = &summary(&cy, code)[what];
        [
            r["reported"].as_u64().unwrap(),
            r["verified"].as_u64().unwrap(),
            r["not_verified"].as_u64().unwrap(),
            r["not_reported"].as_u64().unwrap(),
        ]
    };
    // KPIs: 1C is not reported (the verifier says so); 2C, 3C and 4C are reported, none
    // verified in full (4C's 3G part is not). 91 KPIs in all.
    assert_eq!(counts("ALL", "kpis"), [3, 0, 3, 88]);
    // Data points: 2C, 3C, 4C/3g and 4C/4g reported, 4G verified; 113 in all.
    assert_eq!(counts("ALL", "data_points"), [4, 1, 3, 109]);
    // The ICT category has 5 KPIs (6 data points).
    assert_eq!(counts("EC:ICT:ICT", "kpis"), [3, 0, 3, 2]);
    assert_eq!(counts("EC:ICT:ICT", "data_points"), [4, 1, 3, 2]);
    assert_eq!(counts("EC", "kpis")[0], 3);
    assert_eq!(counts("EN", "kpis")[..3], [0, 0, 0]);
    // The lists name the same KPIs: 1C among those not reported, the other three not verified.
    let codes = |list: &str| -> Vec<String> {
        cy[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .filter(|c| c.starts_with("EC:ICT:ICT"))
            .collect()
    };
    assert_eq!(codes("not_reported"), ["EC:ICT:ICT:1C", "EC:ICT:ICT:5C"]);
    assert_eq!(
        codes("not_verified"),
        ["EC:ICT:ICT:2C", "EC:ICT:ICT:3C", "EC:ICT:ICT:4C"]
    );
    // Without the file, the data's flags and values decide: 1C reported and verified.
    let plain = assess_json(&[]);
    let r = &summary(&plain, "ALL")["kpis"];
    assert_eq!(
        (r["reported"].as_u64(), r["verified"].as_u64()),
        (Some(4), Some(2))
    );
    // The table and Markdown say it under the overall score.
    for format in ["table", "md"] {
        let out = citykpi(&["assess", DATA, "--verification", VERIFICATION, "-f", format]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("Reporting: KPIs: 3 reported (0 verified, 3 not verified), 88 not reported; data points: 4 reported (1 verified, 3 not verified), 109 not reported"),
            "{format}: {text}"
        );
    }
}

#[test]
fn every_tabular_format_writes_the_verifiers_columns() {
    let out = citykpi(&["assess", DATA, "--verification", VERIFICATION, "-f", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[at("code")] == "EC:ICT:ICT:3C")
        .unwrap();
    assert_eq!(&row[at("verification")], "no");
    assert_eq!(
        &row[at("verifier_comment")],
        "Subscriptions include businesses"
    );
    assert_eq!(&row[at("evidence")], "Regulator report 2021, p. 4");
    assert_eq!(&row[at("verification_date")], "2021-10-02");
    assert_eq!(&row[at("verified")], "no");
}

/// Write `text` as a file of its own for one test.
fn file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("citykpi-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn assess_with(verification: &Path, extra: &[&str]) -> Output {
    let v = verification.to_str().unwrap();
    let mut args = vec!["assess", DATA, "--verification", v, "-f", "csv"];
    args.extend_from_slice(extra);
    citykpi(&args)
}

#[test]
fn a_bad_row_stops_the_run_at_its_line() {
    const HEADER: &str = "city,year,kpi,reported,verified,comment,evidence,verifier,date\n";
    let cases = [
        (
            "Tarnby,2021,EC:ICT:ICT:9C,,yes,,,,\n",
            ":2: column kpi: unknown KPI \"EC:ICT:ICT:9C\"; did you mean",
            "unknown-kpi",
        ),
        (
            "Tarnby,2021,EC:ICT:ICT:2C,,maybe,,,,\n",
            ":2: column verified: verified \"maybe\" is none of yes, no and not verifiable; write one of them",
            "bad-verified",
        ),
        (
            "Tarnby,2021,EC:ICT:ICT:2C,perhaps,,,,,\n",
            ":2: column reported: reported \"perhaps\" is neither yes nor no",
            "bad-reported",
        ),
        (
            "Tarnby,2021,EC:ICT:ICT:2C,,yes,,,,30/09/2021\n",
            ":2: column date: date \"30/09/2021\" is not a date; write it as YYYY-MM-DD",
            "bad-date",
        ),
        (
            "Tarnby,20x1,EC:ICT:ICT:2C,,yes,,,,\n",
            ":2: column year: year \"20x1\" is not a year",
            "bad-year",
        ),
        (
            "Tarnby,2021,EC:ICT:ICT:4C,,yes,,,,\nTarnby,2021,EC:ICT:ICT:4C/4g,,no,,,,\n",
            ":3: column kpi: EC:ICT:ICT:4C/4g of Tarnby 2021 is verified here and at line 2; keep one of the two rows",
            "duplicate-verification",
        ),
    ];
    for (i, (rows, message, code)) in cases.iter().enumerate() {
        let path = file(&format!("bad-{i}.csv"), &format!("{HEADER}{rows}"));
        let out = assess_with(&path, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{code}: {err}");
        assert!(err.contains(&format!("error[{code}]")), "{code}: {err}");
        assert!(err.contains(message), "{code}: {err}");
        assert!(out.stdout.is_empty(), "{code}: nothing is written");
    }
    // Without city, year or kpi the file cannot be read.
    let path = file(
        "no-year.csv",
        "city,kpi,verified\nTarnby,EC:ICT:ICT:2C,yes\n",
    );
    let out = assess_with(&path, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[missing-column]"));
    assert!(stderr(&out).contains("needs the columns city,year,kpi"));
}

#[test]
fn a_city_or_year_the_data_does_not_have_is_a_warning() {
    let path = file(
        "unknown.csv",
        "city,year,kpi,verified\nTarnbi,2021,EC:ICT:ICT:2C,no\nTarnby,2020,EC:ICT:ICT:2C,no\nTarnby,2021,EC:ICT:ICT:3C,yes\n",
    );
    let out = assess_with(&path, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning[unknown-city]"), "{err}");
    assert!(err.contains(":2: column city: the data has no city \"Tarnbi\", so what the verifier says of it does not apply; check the spelling"), "{err}");
    assert!(err.contains("warning[unknown-year]"), "{err}");
    assert!(
        err.contains(":3: column year: the data has no year 2020 for Tarnby (it has 2021)"),
        "{err}"
    );
    // The row that applies does.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("EC:ICT:ICT:3C"));
    // With --strict the warnings fail the run.
    assert_eq!(assess_with(&path, &["--strict"]).status.code(), Some(3));
}

#[test]
fn explain_and_compare_take_the_verification_file() {
    let out = citykpi(&[
        "explain",
        "Tarnby",
        "EC:ICT:ICT:3C",
        "--data",
        DATA,
        "--verification",
        VERIFICATION,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  Verifier:  verified: no; Subscriptions include businesses; evidence: Regulator report 2021, p. 4; A. Verifier; 2021-10-02 (tests/fixtures/verification.csv:4)"), "{text}");
    let out = citykpi(&[
        "compare",
        DATA,
        "--verification",
        VERIFICATION,
        "--verified-only",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bad = file(
        "bad-compare.csv",
        "city,year,kpi,verified\nTarnby,2021,XX,yes\n",
    );
    let out = citykpi(&["compare", DATA, "--verification", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[unknown-kpi]"));
}

#[test]
fn fixed_broadband_takes_the_published_benchmark_as_its_default_target() {
    let out = citykpi(&["indicators", "show", "EC:ICT:ICT:2C"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  Target:      60 (source: U4SSC city factsheet, Mashhad 2021, p. 15: 60 % of households is 100 % of target)"), "{text}");
    let out = citykpi(&["indicators", "show", "EC:ICT:ICT:1C"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  Target:      100 (citykpi's choice; set your own with --targets)"),
        "{text}"
    );
    let cy = assess_json(&[]);
    let broadband = kpi(&cy, "EC:ICT:ICT:2C");
    assert_eq!(broadband["target"], 60.0);
    assert_eq!(broadband["target_origin"], "default");
    assert!(broadband["target_source"]
        .as_str()
        .unwrap()
        .starts_with("U4SSC city factsheet, Mashhad 2021, p. 15"));
    // 45 % of households is 75 % of the target: the 66-95 % band (from 39.6 %).
    assert_eq!(broadband["achievement"], 75.0);
    assert_eq!(broadband["points"], 3);
    let access = kpi(&cy, "EC:ICT:ICT:1C");
    assert_eq!(access["target_origin"], "default (citykpi's choice)");
    assert_eq!(access["target_source"], Value::Null);
    // A yes/no KPI's target is U4SSC's rule, not a choice.
    let yes_no = cy["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["unit"] == "yes/no")
        .unwrap();
    assert_eq!(yes_no["target_origin"], "default");
}

#[test]
fn a_workbook_verification_file_reads_as_the_csv_does() {
    use rust_xlsxwriter::Workbook;
    let mut reader = csv::Reader::from_path(Path::new(ROOT).join(VERIFICATION)).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Verification").unwrap();
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(0, j as u16, h).unwrap();
    }
    for (i, record) in reader.records().enumerate() {
        for (j, cell) in record.unwrap().iter().enumerate() {
            let row = 1 + i as u32;
            match cell.parse::<f64>() {
                Ok(v) => sheet.write_number(row, j as u16, v).unwrap(),
                Err(_) if cell.is_empty() => continue,
                Err(_) => sheet.write_string(row, j as u16, cell).unwrap(),
            };
        }
    }
    let path = file("verification.xlsx", "");
    book.save(&path).unwrap();
    let columns = |out: Output| -> Vec<Vec<String>> {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let mut reader = csv::Reader::from_reader(&out.stdout[..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let wanted = [
            "code",
            "part",
            "verified",
            "points",
            "verification",
            "verifier_reported",
            "verifier_comment",
            "evidence",
            "verifier",
            "verification_date",
        ];
        let at: Vec<usize> = wanted
            .iter()
            .map(|w| header.iter().position(|h| h == w).unwrap())
            .collect();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                at.iter().map(|&i| r[i].to_string()).collect()
            })
            .collect()
    };
    let from_csv = columns(citykpi(&[
        "assess",
        DATA,
        "--verification",
        VERIFICATION,
        "-f",
        "csv",
    ]));
    let sheet_arg = format!("{}#Verification", path.display());
    let from_book = columns(citykpi(&[
        "assess",
        DATA,
        "--verification",
        &sheet_arg,
        "-f",
        "csv",
    ]));
    assert_eq!(from_csv, from_book);
    assert!(from_book.iter().any(|r| r[4] == "not verifiable"));
    // A bad cell in the sheet is named at its row.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (j, h) in ["city", "year", "kpi", "verified"].iter().enumerate() {
        sheet.write_string(0, j as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "Tarnby").unwrap();
    sheet.write_number(1, 1, 2021).unwrap();
    sheet.write_string(1, 2, "EC:ICT:ICT:2C").unwrap();
    sheet.write_string(1, 3, "checked").unwrap();
    let bad = file("bad.xlsx", "");
    book.save(&bad).unwrap();
    let out = citykpi(&["assess", DATA, "--verification", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("bad.xlsx#Sheet1:2: column verified: verified \"checked\" is none of yes, no and not verifiable"),
        "{}",
        stderr(&out)
    );
}

/// `compare --verified-only` ranks verified values only: a value the verifier could not verify
/// is shown, marked "not verified", and left out of the ranks, the median and the best.
#[test]
fn compare_verified_only_ranks_verified_values_only() {
    let verification = file(
        "compare-ranks.csv",
        "city,year,kpi,verified\n\
         Asker,2020,SC:SH:SA:8C,yes\n\
         Kristiansund,2020,SC:SH:SA:8C,yes\n\
         Bizerte,2020,SC:SH:SA:8C,not verifiable\n",
    );
    let v = verification.to_str().unwrap();
    let data = [
        "sample-data/pilot/asker-2020.csv",
        "sample-data/pilot/bizerte-2020.csv",
        "sample-data/pilot/kristiansund-2020.csv",
    ];
    let rows = |extra: &[&str]| {
        let mut args = vec!["compare"];
        args.extend_from_slice(&data);
        args.extend_from_slice(&["--verification", v, "-f", "json"]);
        args.extend_from_slice(extra);
        let out = citykpi(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let rows: Vec<Value> = json["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["code"] == "SC:SH:SA:8C")
            .cloned()
            .collect();
        rows.iter()
            .map(|r| {
                let city = r["city"].as_str().unwrap().to_string();
                (
                    city,
                    r["rank"].clone(),
                    r["of"].clone(),
                    r["best_value"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    // Without --verified-only, Bizerte's 25.56 per 100k is the best of three.
    let all = rows(&[]);
    assert!(
        all.contains(&("Bizerte".into(), 1.into(), 3.into(), 25.56.into())),
        "{all:?}"
    );
    let verified = rows(&["--verified-only"]);
    assert!(
        verified.contains(&("Asker".into(), 1.into(), 2.into(), 393.98.into())),
        "{verified:?}"
    );
    assert!(
        verified.contains(&("Kristiansund".into(), 2.into(), 2.into(), 393.98.into())),
        "{verified:?}"
    );
    assert!(
        verified.contains(&("Bizerte".into(), Value::Null, 2.into(), 393.98.into())),
        "{verified:?}"
    );
    // JSON and CSV say why Bizerte's value has no rank.
    let mut args = vec!["compare"];
    args.extend_from_slice(&data);
    args.extend_from_slice(&["--verification", v, "--verified-only", "-f", "json"]);
    let json: Value = serde_json::from_slice(&citykpi(&args).stdout).unwrap();
    let bizerte = json["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "SC:SH:SA:8C" && r["city"] == "Bizerte")
        .unwrap();
    assert_eq!(bizerte["set_aside"], "not verified");
    // The table says why Bizerte's value has no rank.
    let mut args = vec!["compare"];
    args.extend_from_slice(&data);
    args.extend_from_slice(&["--verification", v, "--verified-only"]);
    let out = citykpi(&args);
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("SC:SH:SA:8C") && l.contains("Bizerte"))
        .unwrap();
    assert!(
        line.contains("25.56") && line.contains("not verified"),
        "{line}"
    );
}

/// A row without a city, and a file without the `kpi` column, are refused: at the row's line,
/// and naming the column.
#[test]
fn a_row_without_a_city_and_a_file_without_a_kpi_column_are_refused() {
    let bad = file(
        "no-city.csv",
        "city,year,kpi,verified\n,2021,EC:ICT:ICT:1C,yes\n",
    );
    let out = assess_with(&bad, &[]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("error[missing-city]: ") && err.contains("no-city.csv:2: column city: "),
        "{err}"
    );
    let bad = file("no-kpi.csv", "city,year,verified\nTarnby,2021,yes\n");
    let out = assess_with(&bad, &[]);
    // A file whose header cannot be read is unreadable: exit 1, as for data.
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error[missing-column]: ")
            && err.contains("no-kpi.csv:1: the header has no column kpi; a verification file needs the columns city,year,kpi"),
        "{err}"
    );
}
