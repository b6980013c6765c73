//! Workbooks and Parquet files are read exactly like CSV: the same report byte for byte from
//! the same data, and every problem named at the sheet (or file), row and column.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;
use polars_io::parquet::write::ParquetWriter;
use rust_xlsxwriter::{Formula, Workbook, Worksheet};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn citykpi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "250")
        .output()
        .unwrap()
}

/// The header and rows of a CSV file.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// A cell that is a number: it is written as a numeric cell (or column).
fn numeric(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Write a header and rows into a sheet, from row `first` (0-based): numbers as numeric
/// cells, text as strings, empty cells left empty.
fn fill(sheet: &mut Worksheet, first: u32, header: &[String], rows: &[Vec<String>]) {
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(first, j as u16, h).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        let r = first + 1 + i as u32;
        for (j, cell) in row.iter().enumerate() {
            match numeric(cell) {
                Some(v) => sheet.write_number(r, j as u16, v).unwrap(),
                None if cell.is_empty() => continue,
                None => sheet.write_string(r, j as u16, cell).unwrap(),
            };
        }
    }
}

/// A workbook of one sheet per CSV file, named as given.
fn to_xlsx(sheets: &[(&str, &Path)], out: &Path) {
    let mut book = Workbook::new();
    for (name, csv) in sheets {
        let (header, rows) = read_csv(csv);
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        fill(sheet, 0, &header, &rows);
    }
    book.save(out).unwrap();
}

/// A Parquet file of a CSV file: a column whose cells are all whole numbers is Int64, all
/// numbers Float64, anything else String; empty cells are nulls.
fn to_parquet(header: &[String], rows: &[Vec<String>], out: &Path) {
    let columns: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let cells: Vec<&str> = rows
                .iter()
                .map(|r| r.get(j).map_or("", String::as_str))
                .collect();
            let filled = || cells.iter().filter(|c| !c.is_empty());
            if filled().all(|c| c.parse::<i64>().is_ok()) {
                let values: Vec<Option<i64>> = cells.iter().map(|c| c.parse().ok()).collect();
                Column::new(name.as_str().into(), values)
            } else if filled().all(|c| numeric(c).is_some()) {
                let values: Vec<Option<f64>> = cells.iter().map(|c| numeric(c)).collect();
                Column::new(name.as_str().into(), values)
            } else {
                let values: Vec<Option<&str>> = cells
                    .iter()
                    .map(|c| (!c.is_empty()).then_some(*c))
                    .collect();
                Column::new(name.as_str().into(), values)
            }
        })
        .collect();
    let mut frame = DataFrame::new(rows.len(), columns).unwrap();
    let file = std::fs::File::create(out).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

fn sample(name: &str) -> PathBuf {
    Path::new(ROOT).join("sample-data").join(name)
}

fn assess(dir: &Path, data: &str) -> String {
    let targets = sample("targets.csv");
    let out = citykpi(
        dir,
        &[
            "assess",
            data,
            "--targets",
            targets.to_str().unwrap(),
            "--format",
            "csv",
        ],
    );
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 3),
        "{data}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn csv_xlsx_and_parquet_give_the_same_report_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for city in ["vesterby", "riverton"] {
        let csv = sample(&format!("{city}.csv"));
        let (header, rows) = read_csv(&csv);
        let xlsx = dir.path().join(format!("{city}.xlsx"));
        to_xlsx(&[("Data", &csv)], &xlsx);
        let parquet = dir.path().join(format!("{city}.parquet"));
        to_parquet(&header, &rows, &parquet);
        let from_csv = assess(dir.path(), csv.to_str().unwrap());
        assert!(from_csv.lines().count() > 50, "{from_csv}");
        assert_eq!(
            from_csv,
            assess(dir.path(), &format!("{city}.xlsx")),
            "{city}.xlsx"
        );
        assert_eq!(
            from_csv,
            assess(dir.path(), &format!("{city}.xlsx#Data")),
            "{city}.xlsx#Data"
        );
        assert_eq!(
            from_csv,
            assess(dir.path(), &format!("{city}.parquet")),
            "{city}.parquet"
        );
    }
}

#[test]
fn a_sheet_is_picked_by_name_and_an_unknown_one_lists_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let (vesterby, riverton) = (sample("vesterby.csv"), sample("riverton.csv"));
    to_xlsx(
        &[("Sheet1", &riverton), ("Sheet2", &vesterby)],
        &dir.path().join("both.xlsx"),
    );
    let second = assess(dir.path(), "both.xlsx#Sheet2");
    assert_eq!(second, assess(dir.path(), vesterby.to_str().unwrap()));
    assert_eq!(
        assess(dir.path(), "both.xlsx"),
        assess(dir.path(), riverton.to_str().unwrap())
    );
    let out = citykpi(dir.path(), &["check", "data", "both.xlsx#Nope"]);
    assert_eq!(out.status.code(), Some(1));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("unreadable-file"), "{text}");
    assert!(text.contains("no sheet \"Nope\""), "{text}");
    assert!(text.contains("\"Sheet1\", \"Sheet2\""), "{text}");
}

/// A problem as (code, where, column, value).
type Found = (String, String, String, String);

/// The exit code and the JSON problems of `check data`.
fn problems(dir: &Path, file: &str) -> (Option<i32>, Vec<Found>) {
    let out = citykpi(dir, &["check", "data", file, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let list = json["problems"].as_array().cloned().unwrap_or_default();
    let field = |p: &serde_json::Value, k: &str| match &p[k] {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let found = list
        .iter()
        .map(|p| {
            let place = match field(p, "line").as_str() {
                "" => field(p, "file"),
                line => format!("{}:{line}", field(p, "file")),
            };
            (
                field(p, "code"),
                place,
                field(p, "column"),
                field(p, "value"),
            )
        })
        .collect();
    (out.status.code(), found)
}

fn has(found: &[Found], code: &str, place: &str, column: &str) -> bool {
    found
        .iter()
        .any(|(c, p, col, _)| c == code && p == place && col == column)
}

#[test]
fn cells_that_cannot_be_read_are_named_at_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let header: Vec<String> = ["city", "year", "variable", "value", "unit", "source"]
        .map(String::from)
        .to_vec();
    let row = |year: &str, variable: &str, value: &str| -> Vec<String> {
        vec![
            "Oslo".into(),
            year.into(),
            variable.into(),
            value.into(),
            String::new(),
            "register".into(),
        ]
    };
    let rows = vec![
        row("2024", "population", "700000"),
        row("2024", "households", "abc"),
        vec![String::new(); 6],
        row("2024", "households_with_internet", "300000"),
    ];
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // The table starts on row 3: rows 1 and 2 are empty; the header is row 3.
    fill(sheet, 2, &header, &rows);
    // Row 9: an error cell (#DIV/0!); row 10: a year given as a date; row 11: #N/A.
    sheet
        .write_string(8, 0, "Oslo")
        .unwrap()
        .write_number(8, 1, 2023)
        .unwrap()
        .write_string(8, 2, "households")
        .unwrap()
        .write_formula(8, 3, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_string(9, 0, "Oslo")
        .unwrap()
        .write_datetime_with_format(9, 1, &date, &format)
        .unwrap()
        .write_string(9, 2, "households")
        .unwrap()
        .write_number(9, 3, 400)
        .unwrap();
    sheet
        .write_string(10, 0, "Oslo")
        .unwrap()
        .write_number(10, 1, 2023)
        .unwrap()
        .write_string(10, 2, "population")
        .unwrap()
        .write_formula(10, 3, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    book.save(dir.path().join("data.xlsx")).unwrap();
    let (code, found) = problems(dir.path(), "data.xlsx");
    assert_eq!(code, Some(3), "{found:?}");
    assert!(
        has(&found, "not-a-number", "data.xlsx#Sheet1:5", "value"),
        "{found:?}"
    );
    assert!(
        has(&found, "unreadable-cell", "data.xlsx#Sheet1:9", "value (D)"),
        "{found:?}"
    );
    assert!(
        has(&found, "bad-year", "data.xlsx#Sheet1:10", "year"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.0 == "bad-year" && f.3 == "2024-01-01"),
        "{found:?}"
    );
    assert!(
        has(&found, "not-available", "data.xlsx#Sheet1:11", "value"),
        "{found:?}"
    );
    // The error cell is read as empty: in long form, that is a value not reported too.
    assert!(
        has(&found, "not-available", "data.xlsx#Sheet1:9", "value"),
        "{found:?}"
    );
    assert_eq!(found.len(), 5, "{found:?}");

    // The same in Parquet: row N is line N + 1.
    let rows = vec![
        row("2024", "population", "700000"),
        row("2024", "households", "abc"),
    ];
    to_parquet(&header, &rows, &dir.path().join("data.parquet"));
    let (code, found) = problems(dir.path(), "data.parquet");
    assert_eq!(code, Some(3), "{found:?}");
    assert!(
        has(&found, "not-a-number", "data.parquet:3", "value"),
        "{found:?}"
    );
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn check_data_reads_a_workbook_and_a_parquet_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = sample("vesterby.csv");
    let (header, rows) = read_csv(&csv);
    to_xlsx(&[("Data", &csv)], &dir.path().join("v.xlsx"));
    to_parquet(&header, &rows, &dir.path().join("v.parquet"));
    for file in ["v.xlsx", "v.parquet"] {
        let out = citykpi(dir.path(), &["check", "data", file]);
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{file}: {text}");
        assert!(text.contains("city-years"), "{file}: {text}");
    }
}

/// Writes the fixture of `tests/cmd/check-data-xlsx-cells.toml`; run it with
/// `cargo test --test inputs -- --ignored` after changing it.
#[test]
#[ignore]
fn write_cells_fixture() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("2024").unwrap();
    let header = ["city", "year", "variable", "value", "unit", "source"];
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(0, j as u16, *h).unwrap();
    }
    let cells: [(&str, f64, &str, Option<f64>, &str); 3] = [
        (
            "Vesterby",
            2024.0,
            "population",
            Some(120900.0),
            "Population register; 1 Jan",
        ),
        ("Vesterby", 2024.0, "households", None, "Household register"),
        (
            "Vesterby",
            2024.0,
            "households_with_internet",
            None,
            "Survey",
        ),
    ];
    for (i, (city, year, variable, value, source)) in cells.iter().enumerate() {
        let r = 1 + i as u32;
        sheet.write_string(r, 0, *city).unwrap();
        sheet.write_number(r, 1, *year).unwrap();
        sheet.write_string(r, 2, *variable).unwrap();
        if let Some(v) = value {
            sheet.write_number(r, 3, *v).unwrap();
        }
        sheet.write_string(r, 5, *source).unwrap();
    }
    sheet
        .write_formula(2, 3, Formula::new("=C1/0").set_result("#DIV/0!"))
        .unwrap();
    sheet.write_string(3, 3, "abc").unwrap();
    // A KPI reported directly in a cell formatted as a percentage: the cell holds 0.971.
    let percent = rust_xlsxwriter::Format::new().set_num_format("0.0%");
    sheet.write_string(4, 0, "Vesterby").unwrap();
    sheet.write_number(4, 1, 2024.0).unwrap();
    sheet.write_string(4, 2, "EC:ICT:ICT:1C").unwrap();
    sheet
        .write_number_with_format(4, 3, 0.971, &percent)
        .unwrap();
    sheet.write_string(4, 5, "Household survey").unwrap();
    let path = Path::new(ROOT).join("tests/cmd/check-data.in/cells.xlsx");
    book.save(path).unwrap();
}

/// Converts the CSV file named by `CITYKPI_CONVERT` into `.xlsx` and `.parquet` beside it
/// (for timing them against CSV): `CITYKPI_CONVERT=/tmp/data.csv cargo test --test inputs
/// -- --ignored convert_for_timing`.
#[test]
#[ignore]
fn convert_for_timing() {
    let Ok(csv) = std::env::var("CITYKPI_CONVERT") else {
        return;
    };
    let csv = PathBuf::from(csv);
    let (header, rows) = read_csv(&csv);
    to_xlsx(&[("Data", &csv)], &csv.with_extension("xlsx"));
    to_parquet(&header, &rows, &csv.with_extension("parquet"));
}

#[test]
fn wide_form_and_awkward_text_read_the_same_from_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("wide.csv");
    std::fs::write(
        &csv,
        "city,year,population,households,households_with_internet,source\n\
         Oslo,2023,700000,350000,340000.5,\"Register; \"\"SSB\"\", 2023\"\n\
         \n\
         Oslo,2024,709000.25,352000,abc,Register\n",
    )
    .unwrap();
    to_xlsx(&[("Wide", &csv)], &dir.path().join("wide.xlsx"));
    let (header, rows) = read_csv(&csv);
    to_parquet(&header, &rows, &dir.path().join("wide.parquet"));
    // A rejected value's note names its place: the file, and the line. The CSV file's blank
    // line 3 is not in the sheet and Parquet file made from its records, so `abc` is on
    // line 4 of the CSV file and on row 3 of the others; nothing else differs.
    let from_csv = assess(dir.path(), "wide.csv");
    assert!(from_csv.contains("(wide.csv:4)"), "{from_csv}");
    let from_xlsx = assess(dir.path(), "wide.xlsx").replace("(wide.xlsx#Wide:3)", "(wide.csv:4)");
    assert_eq!(from_csv, from_xlsx);
    let from_parquet =
        assess(dir.path(), "wide.parquet").replace("(wide.parquet:3)", "(wide.csv:4)");
    assert_eq!(from_csv, from_parquet);
    let (_, found) = problems(dir.path(), "wide.xlsx");
    assert!(
        has(
            &found,
            "not-a-number",
            "wide.xlsx#Wide:3",
            "households_with_internet"
        ),
        "{found:?}"
    );
}
