//! `citykpi template --for DATA` through the real binary: what each city lacks, with what it
//! has filled in, in the order of the next steps; filled in and assessed again, the KPIs
//! compute. And the U4SSC template's columns together in the manual's order in both
//! workbooks (the template and the report), read back with calamine.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use calamine::{open_workbook, Data, Reader, Xlsx};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn citykpi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Run in the repository; standard output and error as text, and the exit code.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = citykpi(Path::new(ROOT), args);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A CSV text as rows of named cells.
fn records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The U4SSC columns, as each workbook names them, in the manual's order: result,
/// reported, benchmark, verified, quality, origin, sources.
const TEMPLATE_BLOCK: [&str; 7] = [
    "value", "reported", "band", "verified", "quality", "origin", "source",
];
const REPORT_BLOCK: [&str; 7] = [
    "value", "reported", "band", "verified", "quality", "origin", "sources",
];

/// Whether `block` stands together, in order, in `header`.
fn has_block(header: &[String], block: &[&str]) -> bool {
    header
        .windows(block.len())
        .any(|w| w.iter().zip(block).all(|(a, b)| a == b))
}

/// Hand-checked on the chain catalogue (x, y -> A core; B = 2 A core; C = ln(B - 50)
/// advanced; D = the two policy answers, advanced). Raw 2024 has y and policy_adopted, and
/// says policy_published is not reported: A, B, C and D have no value (4 KPIs), and it
/// lacks x and policy_published (2 inputs). Fig reports the figures of A and B, and one
/// input (x): it reports KPI figures; C computes from B, D is its one figure to collect.
#[test]
fn the_sheet_and_the_summary_lines_on_a_small_fixture() {
    let (code, stdout, stderr) = run(&[
        "--defs",
        "tests/fixtures/chain-defs",
        "template",
        "--for",
        "tests/fixtures/collect-chain.csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "city,year,variable,value,reported,band,verified,quality,origin,source,unit,description,valid_range,used_by\n\
         Fig,2024,EC:ICT:PS:1A,,no,,,,,,yes/no,D: policy adopted and published,\"yes, partial or no\",EC:ICT:PS:1A\n\
         Raw,2024,x,,no,,,,,,things,Things that are online,>= 0,EC:ICT:ICT:1C EC:ICT:ICT:2C EC:ICT:ICT:3A\n\
         Raw,2024,y,50,yes,,yes,2,tests/fixtures/collect-chain.csv:4,Raw census 2024,things,All things,>= 0,EC:ICT:ICT:1C EC:ICT:ICT:2C EC:ICT:ICT:3A\n\
         Raw,2024,policy_adopted,yes,yes,,no,,tests/fixtures/collect-chain.csv:5,Raw council minutes,yes/no,The city has adopted the policy,yes/no,EC:ICT:PS:1A\n\
         Raw,2024,policy_published,,no,,,,not reported,,yes/no,The city has published the policy,yes/no,EC:ICT:PS:1A\n"
    );
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("warning"))
        .collect();
    assert_eq!(
        lines,
        [
            "Fig 2024: 1 KPI not reported; 1 KPI figure to collect",
            "Raw 2024: 4 KPIs not reported; 2 inputs to collect",
        ]
    );
    // An earlier year: A and B compute from x and y; C has no finite value (ln of -10), so
    // its inputs come filled in, and nothing of them is to collect.
    let (code, stdout, stderr) = run(&[
        "--defs",
        "tests/fixtures/chain-defs",
        "template",
        "--for",
        "tests/fixtures/collect-chain.csv",
        "--year",
        "2023",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("note: 1 city has no data in 2023 and is left out: Fig (has 2024)"));
    assert!(stderr.contains("Raw 2023: 2 KPIs not reported; 2 inputs to collect\n"));
    let rows = records(&stdout);
    let cells: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["variable"].as_str(), r["value"].as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            ("x", "10"),
            ("y", "50"),
            ("policy_adopted", ""),
            ("policy_published", "")
        ]
    );
}

/// The values Riverton 2024 gives, by variable (its sample file, as written).
fn riverton_2024() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("sample-data/riverton.csv")).unwrap();
    records(&text)
        .into_iter()
        .filter(|r| r["year"] == "2024")
        .map(|r| (r["variable"].clone(), r["value"].clone()))
        .collect()
}

/// The KPI rows of a CSV report, by code: whether each part has a value, and the tier.
fn report(args: &[&str]) -> BTreeMap<String, (Vec<bool>, String)> {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{stderr}");
    let mut kpis: BTreeMap<String, (Vec<bool>, String)> = BTreeMap::new();
    for r in records(&stdout) {
        let entry = kpis
            .entry(r["code"].clone())
            .or_insert_with(|| (Vec::new(), r["tier"].clone()));
        entry.0.push(!r["value"].is_empty());
    }
    kpis
}

#[test]
fn only_what_is_missing_with_what_the_city_has_filled_in_core_first() {
    let (code, stdout, stderr) = run(&["template", "--for", "sample-data/riverton.csv"]);
    assert_eq!(code, 0, "{stderr}");
    let rows = records(&stdout);
    let kpis = report(&[
        "assess",
        "sample-data/riverton.csv",
        "--year",
        "2024",
        "--format",
        "csv",
    ]);
    let given = riverton_2024();
    assert!(!rows.is_empty());
    let mut blank = 0;
    for r in &rows {
        assert_eq!(
            (r["city"].as_str(), r["year"].as_str()),
            ("Riverton", "2024")
        );
        // Each row is for KPIs with a part that has no value.
        for code in r["used_by"].split(' ') {
            assert!(kpis[code].0.contains(&false), "{code} has every value");
        }
        // What the city gives is filled in, as it gave it; what it lacks is blank.
        match given.get(&r["variable"]) {
            Some(value) => {
                assert_eq!(&r["value"], value, "{}", r["variable"]);
                assert_eq!(r["reported"], "yes");
                assert!(
                    r["origin"].starts_with("sample-data/riverton.csv:"),
                    "{r:?}"
                );
                assert!(!r["source"].is_empty());
            }
            None => {
                assert_eq!(r["value"], "", "{}", r["variable"]);
                assert_eq!(r["reported"], "no");
                blank += 1;
            }
        }
    }
    // Every variable of a missing KPI is on the sheet, once.
    let variables: BTreeSet<&str> = rows.iter().map(|r| r["variable"].as_str()).collect();
    assert_eq!(variables.len(), rows.len());
    assert!(variables.contains("youth_unemployed"));
    // Core KPIs not reported at all come first; then the partly reported KPIs whose weakest
    // part is in the lowest band, then the next band (the next steps); then the rest.
    let rank = |r: &BTreeMap<String, String>| {
        let first = r["used_by"].split(' ').next().unwrap();
        let (parts, tier) = &kpis[first];
        match (parts.iter().any(|p| *p), tier.as_str(), r["band"].as_str()) {
            (false, "core", _) => 0,
            (true, _, "less than 33% of target") => 1,
            (true, _, "33-66% of target") => 2,
            _ => 3,
        }
    };
    let ranks: Vec<u8> = rows.iter().map(rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert_eq!(ranks[0], 0);
    assert!(ranks.contains(&3), "{ranks:?}");
    let not_reported = kpis.values().filter(|(p, _)| !p.contains(&true)).count();
    let partly = kpis
        .values()
        .filter(|(p, _)| p.contains(&true) && p.contains(&false))
        .count();
    assert_eq!(
        stderr,
        format!(
            "Riverton 2024: {not_reported} KPIs not reported, {partly} partly; {blank} inputs to collect\n"
        )
    );
}

/// A plausible value for each blank: Vesterby's value of 2024, scaled as a filled-in input
/// of the same KPI compares (literate inhabitants as Vesterby's share of its inhabitants
/// aged 15+), or as it is where the sheet has none.
fn fill_blanks(sheet: &str) -> (String, BTreeSet<String>) {
    let text = std::fs::read_to_string(Path::new(ROOT).join("sample-data/vesterby.csv")).unwrap();
    let vesterby: BTreeMap<String, String> = records(&text)
        .into_iter()
        .filter(|r| r["year"] == "2024")
        .map(|r| (r["variable"].clone(), r["value"].clone()))
        .collect();
    let number = |t: &str| t.parse::<f64>().ok().filter(|v| *v > 0.0);
    let rows = records(sheet);
    let mut reader = csv::Reader::from_reader(sheet.as_bytes());
    let header = reader.headers().unwrap().clone();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    let mut filled_for = BTreeSet::new();
    for r in &rows {
        let mut r = r.clone();
        if r["value"].is_empty() {
            let used_by = r["used_by"].clone();
            let kpis: Vec<&str> = used_by.split(' ').collect();
            let ratio = rows
                .iter()
                .filter(|s| s["used_by"].split(' ').any(|c| kpis.contains(&c)))
                .find_map(|s| Some(number(&s["value"])? / number(vesterby.get(&s["variable"])?)?))
                .unwrap_or(1.0);
            let given = &vesterby[&r["variable"]];
            let value = number(given).map_or(given.clone(), |v| (v * ratio).to_string());
            r.insert("value".into(), value);
            r.insert("source".into(), "collected for the test".into());
            filled_for.extend(kpis.iter().map(|c| c.to_string()));
        }
        writer
            .write_record(header.iter().map(|h| r[h].as_str()))
            .unwrap();
    }
    (
        String::from_utf8(writer.into_inner().unwrap()).unwrap(),
        filled_for,
    )
}

#[test]
fn filled_in_and_assessed_again_the_kpis_compute() {
    let dir = tempfile::tempdir().unwrap();
    let (code, sheet, stderr) = run(&["template", "--for", "sample-data/riverton.csv"]);
    assert_eq!(code, 0, "{stderr}");
    let (filled, kpis) = fill_blanks(&sheet);
    assert!(kpis.len() >= 5, "{kpis:?}");
    let path = dir.path().join("filled.csv");
    std::fs::write(&path, filled).unwrap();
    let before = report(&[
        "assess",
        "sample-data/riverton.csv",
        "--year",
        "2024",
        "--format",
        "csv",
    ]);
    let path = path.to_str().unwrap();
    // The sheet alone, as the city sends it back: read with no warning, its KPIs compute.
    let out = citykpi(Path::new(ROOT), &["assess", path, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let alone = report(&["assess", path, "--format", "csv"]);
    // With the data it came from: every KPI it was for now has every value, but the one
    // whose inputs were there already (open data, 0 of 0 datasets: a zero denominator).
    let after = report(&[
        "assess",
        "sample-data/riverton.csv",
        path,
        "--year",
        "2024",
        "--format",
        "csv",
    ]);
    for code in &kpis {
        assert!(before[code].0.contains(&false), "{code} had every value");
        assert!(!after[code].0.contains(&false), "{code}: {:?}", after[code]);
        // Alone, the parts the sheet was for (the sheet has no row for the others).
        let missing = before[code].0.iter().enumerate().filter(|(_, v)| !**v);
        for (part, _) in missing {
            assert!(alone[code].0[part], "{code} part {part}: {:?}", alone[code]);
        }
    }
    assert_eq!(
        after.values().filter(|(p, _)| p.contains(&false)).count(),
        1,
        "only EC:ICT:PS:1A is left"
    );
    assert!(after["EC:ICT:PS:1A"].0.contains(&false));
}

#[test]
fn a_city_that_reports_kpi_figures_gets_kpi_rows() {
    let (code, stdout, stderr) = run(&[
        "template",
        "--for",
        "tests/fixtures/council.csv",
        "--city",
        "Stavanger",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(Path::new(ROOT).join("tests/fixtures/council.csv")).unwrap();
    let given: BTreeSet<String> = records(&text)
        .into_iter()
        .filter(|r| r["city"] == "Stavanger")
        .map(|r| r["variable"].clone())
        .collect();
    let rows = records(&stdout);
    let kpis = report(&[
        "assess",
        "tests/fixtures/council.csv",
        "--city",
        "Stavanger",
        "--format",
        "csv",
    ]);
    let measures: usize = kpis
        .values()
        .map(|(p, _)| p.iter().filter(|v| !**v).count())
        .sum();
    assert_eq!(rows.len(), measures);
    for r in &rows {
        let key = &r["variable"];
        let code = key.split('/').next().unwrap();
        assert!(kpis.contains_key(code), "{key} is not a KPI key");
        assert!(!given.contains(key), "{key} is given");
        assert_eq!(r["value"], "");
        assert_eq!(&r["used_by"], code);
    }
    assert!(rows.iter().any(|r| r["variable"] == "EC:ICT:ICT:4C/3g"));
    let not_reported = kpis.values().filter(|(p, _)| !p.contains(&true)).count();
    assert_eq!(
        stderr,
        format!(
            "Stavanger 2024: {not_reported} KPIs not reported; {measures} KPI figures to collect\n"
        )
    );
}

fn header(path: &Path, sheet: &str) -> Vec<String> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn both_workbooks_keep_the_u4ssc_columns_in_the_manuals_order() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("next.xlsx");
    let (code, _, stderr) = run(&[
        "template",
        "--for",
        "sample-data/riverton.csv",
        "--format",
        "xlsx",
        "-o",
        sheet.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let head = header(&sheet, "Data");
    assert!(has_block(&head, &TEMPLATE_BLOCK), "{head:?}");
    // The workbook's rows are the CSV's: numbers as numbers, reported as a formula's result.
    let (_, csv, _) = run(&["template", "--for", "sample-data/riverton.csv"]);
    let rows = records(&csv);
    let mut book: Xlsx<_> = open_workbook(&sheet).unwrap();
    let data = book.worksheet_range("Data").unwrap();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    assert_eq!(data.height(), rows.len() + 1);
    for (cells, r) in data.rows().skip(1).zip(&rows) {
        assert_eq!(cells[col("variable")].to_string(), r["variable"]);
        assert_eq!(cells[col("reported")].to_string(), r["reported"]);
        match &cells[col("value")] {
            Data::Float(v) => assert_eq!(*v, r["value"].parse::<f64>().unwrap()),
            Data::Empty => assert_eq!(r["value"], ""),
            Data::String(s) => assert_eq!(s, &r["value"]),
            other => panic!("{other:?}"),
        }
    }
    // The template without data too.
    let blank = dir.path().join("blank.xlsx");
    let (code, _, _) = run(&[
        "template",
        "--format",
        "xlsx",
        "-o",
        blank.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(has_block(&header(&blank, "Data"), &TEMPLATE_BLOCK));
    // The report: every dimension sheet.
    let report = dir.path().join("report.xlsx");
    let (code, _, stderr) = run(&[
        "assess",
        "sample-data/vesterby.csv",
        "tests/fixtures/council.csv",
        "--format",
        "xlsx",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let mut book: Xlsx<_> = open_workbook(&report).unwrap();
    for name in ["Economy", "Environment", "Society and Culture"] {
        let range = book.worksheet_range(name).unwrap();
        let head: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert!(has_block(&head, &REPORT_BLOCK), "{name}: {head:?}");
        let col = |n: &str| head.iter().position(|h| h == n).unwrap();
        for row in range.rows().skip(1) {
            let has_value = !matches!(row[col("value")], Data::Empty);
            let (reported, origin) = (
                row[col("reported")].to_string(),
                row[col("origin")].to_string(),
            );
            assert_eq!(reported, if has_value { "yes" } else { "no" });
            match (row[col("city")].to_string().as_str(), has_value) {
                (_, false) => assert_eq!(origin, ""),
                ("Vesterby", true) => assert_eq!(origin, "computed"),
                (_, true) => assert!(
                    origin.starts_with("reported directly (tests/fixtures/council.csv:"),
                    "{origin}"
                ),
            }
        }
    }
}

/// The summary sheet counts KPIs and data points as the JSON report's summaries do.
#[test]
fn the_report_workbook_counts_what_is_reported_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    let data = ["assess", "sample-data/vesterby.csv", "--year", "2024"];
    let mut args = data.to_vec();
    args.extend(["--format", "xlsx", "-o", path.to_str().unwrap()]);
    let (code, _, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    let mut args = data.to_vec();
    args.extend(["--format", "json"]);
    let (_, json, _) = run(&args);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let summaries = json["assessments"][0]["summary"].as_array().unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("Summary").unwrap();
    let head: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |n: &str| {
        head.iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let rows: Vec<_> = range.rows().skip(1).collect();
    assert_eq!(rows.len(), summaries.len());
    let mut checked = 0;
    for (row, summary) in rows.iter().zip(summaries) {
        assert_eq!(
            row[col("code")].to_string(),
            summary["code"].as_str().unwrap()
        );
        for (what, key) in [("KPIs", "kpis"), ("data points", "data_points")] {
            for count in ["reported", "verified", "not verified", "not reported"] {
                let cell = &row[col(&format!("{what} {count}"))];
                let expected = &summary[key][count.replace(' ', "_")];
                assert_eq!(
                    cell,
                    &Data::Float(expected.as_f64().unwrap()),
                    "{what} {count}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100);
    // Overall, the counts add up: every KPI is reported or not.
    let overall = rows[0];
    let n = |name: &str| match overall[col(name)] {
        Data::Float(v) => v,
        ref other => panic!("{other:?}"),
    };
    assert_eq!(n("KPIs reported") + n("KPIs not reported"), 91.0);
    assert_eq!(
        n("KPIs verified") + n("KPIs not verified"),
        n("KPIs reported")
    );
}

#[test]
fn bad_input_is_refused_with_its_reason() {
    let (code, stdout, stderr) = run(&["template", "--for", "no-such-file.csv"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "error: cannot read the data (1 error):\nerror[unreadable-file]: no-such-file.csv: cannot read the file: No such file or directory (os error 2); check the path\n"
    );
    let (code, stdout, stderr) = run(&["template", "--for"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with(
            "error: a value is required for '--for <DATA>...' but none was supplied\n"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["template", "--targets", "sample-data/targets.csv"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--for <DATA>..."), "{stderr}");
    let (code, stdout, stderr) = run(&[
        "template",
        "--for",
        "sample-data/riverton.csv",
        "--city",
        "Nowhere",
    ]);
    assert_eq!((code, stdout.as_str()), (3, ""));
    assert_eq!(
        stderr,
        "error: no data matches --city Nowhere: no city to write the sheet for; check the name and year\n"
    );
    let (code, _, stderr) = run(&[
        "template",
        "--for",
        "sample-data/riverton.csv",
        "--year",
        "2030",
    ]);
    assert_eq!(code, 3);
    assert_eq!(
        stderr,
        "error: no data matches --year 2030: no city to write the sheet for; check the name and year\n"
    );
}
