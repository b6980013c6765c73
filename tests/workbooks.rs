//! Workbooks as a city fills them, through the real binary: a cell formatted as a percentage
//! is read as it shows (93 % is 93), and the XLSX template offers, per variable, exactly what
//! `assess` reads for it (partial only for the principles that can be partly met, the words
//! meaning "no value" everywhere). Each workbook is built here with rust_xlsxwriter.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

use calamine::Reader;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

fn citykpi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// One long-form row (`city,year,variable,value,unit,source`) with the value written by `put`.
fn row(sheet: &mut Worksheet, r: u32, variable: &str, put: impl FnOnce(&mut Worksheet, u32, u16)) {
    sheet.write_string(r, 0, "Oslo").unwrap();
    sheet.write_number(r, 1, 2024).unwrap();
    sheet.write_string(r, 2, variable).unwrap();
    put(sheet, r, 3);
    sheet.write_string(r, 5, "register").unwrap();
}

fn header(sheet: &mut Worksheet) {
    for (j, h) in ["city", "year", "variable", "value", "unit", "source"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, j as u16, *h).unwrap();
    }
}

/// The `check data --format json` problems as (code, line, message).
fn problems(dir: &Path, file: &str) -> (Option<i32>, Vec<(String, u64, String)>) {
    let out = citykpi(dir, &["check", "data", file, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = json["problems"].as_array().cloned().unwrap_or_default();
    let found = list
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap_or(0),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code(), found)
}

/// The `assess --format csv` value of a KPI code (and part).
fn value(report: &str, code: &str, part: &str) -> String {
    let mut reader = csv::Reader::from_reader(report.as_bytes());
    let head = reader.headers().unwrap().clone();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[at("code")] == code && &r[at("part")] == part)
        .map(|r| r[at("value")].to_string())
        .unwrap_or_else(|| panic!("no {code} {part}"))
}

/// Numbers in cells formatted as percentages, and one typed as a fraction without a format.
fn shown_workbook() -> Workbook {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    header(sheet);
    let one_decimal = Format::new().set_num_format("0.0%");
    let built_in = Format::new().set_num_format("0%");
    let literal = Format::new().set_num_format("0\"%\"");
    // Row 2: a KPI reported directly, shown as 97.1 %; row 3: the built-in 0 % format.
    row(sheet, 1, "EC:ICT:ICT:1C", |s, r, c| {
        s.write_number_with_format(r, c, 0.971, &one_decimal)
            .unwrap();
    });
    row(sheet, 2, "EC:ICT:ICT:2C", |s, r, c| {
        s.write_number_with_format(r, c, 0.5, &built_in).unwrap();
    });
    // Row 4: a quoted % shows the number itself (93 shows "93%"): read as 93.
    row(sheet, 3, "EC:ICT:WS:1C", |s, r, c| {
        s.write_number_with_format(r, c, 93, &literal).unwrap();
    });
    // Row 5: a count formatted as a percentage shows 12090000%: refused, not read as 120900.
    row(sheet, 4, "population", |s, r, c| {
        s.write_number_with_format(r, c, 120_900, &built_in)
            .unwrap();
    });
    // Row 6: a percentage typed as a fraction with no format: the warning stays.
    row(sheet, 5, "EC:ICT:ES:1C", |s, r, c| {
        s.write_number(r, c, 0.8).unwrap();
    });
    book
}

#[test]
fn a_cell_formatted_as_a_percentage_is_read_as_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = shown_workbook();
    book.save(dir.path().join("shown.xlsx")).unwrap();

    let (code, found) = problems(dir.path(), "shown.xlsx");
    assert_eq!(code, Some(3), "{found:?}");
    let codes: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    assert_eq!(codes, [("not-a-number", 5), ("percent-as-fraction", 6)]);
    assert_eq!(
        found[0].2,
        "value \"12090000%\" of `population` is not a number; this variable is not a percentage; write the number without %"
    );
    assert!(found[1].2.starts_with(
        "`EC:ICT:ES:1C` is a percentage (0-100), but its 1 value(s) here are all between 0 and 1: typed as fractions"
    ));

    let out = citykpi(dir.path(), &["assess", "shown.xlsx", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(3));
    let report = String::from_utf8(out.stdout).unwrap();
    assert_eq!(value(&report, "EC:ICT:ICT:1C", ""), "97.1");
    assert_eq!(value(&report, "EC:ICT:ICT:2C", ""), "50");
    assert_eq!(value(&report, "EC:ICT:WS:1C", ""), "93");
    assert_eq!(value(&report, "EC:ICT:ES:1C", ""), "0.8");
}

/// Writes the fixture of `tests/cmd/check-data-xlsx-shown.toml`; run it with
/// `cargo test --test workbooks -- --ignored` after changing [`shown_workbook`].
#[test]
#[ignore]
fn write_shown_fixture() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/check-data.in/shown.xlsx");
    shown_workbook().save(path).unwrap();
}

/// The data validation of sheet row `row` (from 1) of the template's `Data` sheet: its type
/// and formula.
fn validation(sheet_xml: &str, row: usize) -> (String, String) {
    let sqref = format!("sqref=\"D{row}\"");
    let element = sheet_xml
        .split("<dataValidation ")
        .find(|e| e.contains(&sqref))
        .unwrap_or_else(|| panic!("no check on D{row}"));
    let kind = element.split("type=\"").nth(1).unwrap().split('"').next();
    let formula = element
        .split("<formula1>")
        .nth(1)
        .unwrap()
        .split("</formula1>");
    (
        kind.unwrap().to_string(),
        formula.into_iter().next().unwrap().to_string(),
    )
}

#[test]
fn the_template_offers_per_variable_what_assess_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out = citykpi(
        dir.path(),
        &["template", "--format", "xlsx", "-o", "t.xlsx"],
    );
    assert!(out.status.success());
    let csv = citykpi(dir.path(), &["template"]).stdout;
    let variables: Vec<String> = csv::Reader::from_reader(csv.as_slice())
        .records()
        .map(|r| r.unwrap()[2].to_string())
        .collect();
    let sheet_row = |id: &str| 2 + variables.iter().position(|v| v == id).unwrap();
    let file = std::fs::File::open(dir.path().join("t.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let no_value =
        "n/a,na,nr,n.r.,not reported,not available,-,\u{2013},\u{2014},..,...,null,none,nan,#n/a";
    for principle in [
        "compact",
        "connected",
        "integrated",
        "inclusive",
        "resilient",
    ] {
        let row = sheet_row(&format!("spatial_plan_{principle}"));
        let expected = format!("\"yes,partial,no,{no_value}\"");
        assert_eq!(validation(&xml, row), ("list".into(), expected));
    }
    let row = sheet_row("disaster_resilience_plan");
    let expected = format!("\"yes,no,{no_value}\"");
    assert_eq!(validation(&xml, row), ("list".into(), expected));
    let row = sheet_row("population");
    let rule = format!("OR(AND(ISNUMBER(D{row}),D{row}&gt;=0),COUNTIF(NoValue,D{row})&gt;0)");
    assert_eq!(validation(&xml, row), ("custom".into(), rule));
    let row = sheet_row("households_with_internet");
    assert!(validation(&xml, row).1.contains("COUNTIF(NoValue,"));
    // The hidden sheet the rule names holds the words assess reads as "no value".
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(dir.path().join("t.xlsx")).unwrap();
    let words: Vec<String> = book
        .worksheet_range("Lists")
        .unwrap()
        .rows()
        .map(|r| r[0].to_string())
        .collect();
    assert_eq!(words.join(","), no_value);
    let mut workbook_xml = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut workbook_xml)
        .unwrap();
    assert!(workbook_xml.contains("<definedName name=\"NoValue\">Lists!$A$1:$A$15</definedName>"));
    assert!(workbook_xml.contains("name=\"Lists\" sheetId=\"2\" state=\"hidden\""));
}

/// What the template offers goes through `assess`: partial for a principle scores 2 points
/// and makes the KPI's overall partial; `n/a` is read as not reported; partial for a yes/no
/// variable that cannot be partly met is refused at its row.
#[test]
fn partial_and_no_value_words_go_through_assess() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    header(sheet);
    let answers = [
        ("spatial_plan_compact", "partial"),
        ("spatial_plan_connected", "yes"),
        ("spatial_plan_integrated", "Yes"),
        ("spatial_plan_inclusive", "no"),
        ("spatial_plan_resilient", "PARTIAL"),
        ("population", "n/a"),
        ("disaster_resilience_plan", "partial"),
    ];
    for (i, (variable, answer)) in answers.iter().enumerate() {
        row(sheet, 1 + i as u32, variable, |s, r, c| {
            s.write_string(r, c, *answer).unwrap();
        });
    }
    book.save(dir.path().join("answers.xlsx")).unwrap();
    let (code, found) = problems(dir.path(), "answers.xlsx");
    assert_eq!(code, Some(3));
    let codes: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    assert_eq!(codes, [("not-available", 7), ("not-a-number", 8)]);
    assert_eq!(
        found[1].2,
        "value \"partial\" of `disaster_resilience_plan` is not a number; write yes or no"
    );
    let out = citykpi(dir.path(), &["assess", "answers.xlsx", "--format", "csv"]);
    let report = String::from_utf8(out.stdout).unwrap();
    let points = |part: &str| {
        let mut reader = csv::Reader::from_reader(report.as_bytes());
        let head = reader.headers().unwrap().clone();
        let at = |name: &str| head.iter().position(|h| h == name).unwrap();
        reader
            .records()
            .map(Result::unwrap)
            .find(|r| &r[at("code")] == "EC:I:UP:2A" && &r[at("part")] == part)
            .map(|r| (r[at("display")].to_string(), r[at("points")].to_string()))
            .unwrap()
    };
    assert_eq!(points("compact"), ("partial".into(), "2".into()));
    assert_eq!(points("connected"), ("yes".into(), "4".into()));
    assert_eq!(points("inclusive"), ("no".into(), "1".into()));
    assert_eq!(points("resilient"), ("partial".into(), "2".into()));
    assert_eq!(points("overall"), ("partial".into(), String::new()));
    assert_eq!(value(&report, "SC:SH:SA:3A", ""), "");
}
