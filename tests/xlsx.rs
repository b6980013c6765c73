//! `assess --format xlsx` and `template --format xlsx` through the real binary, read back
//! with calamine: the sheets, headers and every number agree with the CSV report, and text
//! that looks like a formula stays text.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};

const DATA: [&str; 5] = [
    "sample-data/vesterby.csv",
    "sample-data/riverton.csv",
    "--targets",
    "sample-data/targets.csv",
    "--tier=all",
];

fn citykpi(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn sheets(path: &Path) -> (Vec<String>, BTreeMap<String, Range<Data>>) {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let names = workbook.sheet_names();
    let ranges = names
        .iter()
        .map(|n| (n.clone(), workbook.worksheet_range(n).unwrap()))
        .collect();
    (names, ranges)
}

fn header(range: &Range<Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

fn column(range: &Range<Data>, name: &str) -> usize {
    header(range)
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, got {other:?}"),
    }
}

/// A numeric cell as a number (never text); `None` for an empty cell.
fn number(cell: &Data) -> Option<f64> {
    match cell {
        Data::Float(v) => Some(*v),
        Data::Int(v) => Some(*v as f64),
        Data::Empty => None,
        other => panic!("expected a number, got {other:?}"),
    }
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-6 * a.abs().max(1.0),
        (None, None) => true,
        _ => false,
    }
}

#[test]
fn xlsx_report_has_every_number_of_the_csv_report_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    let mut args = vec!["assess"];
    args.extend(DATA);
    let out = path.to_str().unwrap();
    let mut xlsx_args = args.clone();
    xlsx_args.extend(["--format", "xlsx", "-o", out]);
    citykpi(&xlsx_args);
    let (names, ranges) = sheets(&path);
    assert_eq!(
        names,
        [
            "Summary",
            "Economy",
            "Environment",
            "Society and Culture",
            "Progress"
        ]
    );
    let economy = &ranges["Economy"];
    // The CSV report's columns (the one KPI row), with the U4SSC template's together in
    // its order (adding reported and origin), then the inputs.
    let mut csv_args = args.clone();
    csv_args.extend(["--format", "csv"]);
    let csv_report = citykpi(&csv_args);
    let mut reader = csv::Reader::from_reader(csv_report.as_slice());
    let block = [
        "value", "reported", "band", "verified", "quality", "origin", "sources",
    ];
    let mut expected = Vec::new();
    for name in reader.headers().unwrap().iter() {
        if name == "value" {
            expected.extend(block.map(String::from));
        } else if !block.contains(&name) {
            expected.push(name.to_string());
        }
    }
    expected.push("inputs".into());
    assert_eq!(header(economy), expected);
    assert_eq!(
        header(&ranges["Summary"])[..6],
        ["city", "year", "level", "code", "name", "score %"]
    );
    assert!(ranges["Progress"].height() > 1, "no progress rows");

    // Every KPI row of every dimension sheet, keyed as the CSV report keys them.
    let mut cells: BTreeMap<String, [Option<f64>; 4]> = BTreeMap::new();
    for name in ["Economy", "Environment", "Society and Culture"] {
        let range = &ranges[name];
        let col = |c| column(range, c);
        let (city, year, code, part) = (col("city"), col("year"), col("code"), col("part"));
        let (value, target) = (col("value"), col("target"));
        let (achievement, points) = (col("achievement"), col("points"));
        for row in range.rows().skip(1) {
            let key = format!(
                "{} {} {} {}",
                text(&row[city]),
                number(&row[year]).unwrap(),
                text(&row[code]),
                text(&row[part])
            );
            let numbers = [
                number(&row[value]),
                number(&row[target]),
                number(&row[achievement]),
                number(&row[points]),
            ];
            assert!(cells.insert(key, numbers).is_none(), "a row twice");
        }
    }
    let ict = &cells["Vesterby 2024 EC:ICT:ICT:1C "];
    assert!(
        ict[0].is_some(),
        "Vesterby 2024 EC:ICT:ICT:1C has no value cell"
    );

    let mut csv_args = args.clone();
    csv_args.extend(["--format", "csv"]);
    let csv = citykpi(&csv_args);
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let head = reader.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let parse = |s: &str| (!s.is_empty()).then(|| s.parse::<f64>().unwrap());
    let mut rows = 0;
    for record in reader.records() {
        let r = record.unwrap();
        let key = format!(
            "{} {} {} {}",
            &r[col("city")],
            &r[col("year")],
            &r[col("code")],
            &r[col("part")]
        );
        let xlsx = cells
            .get(&key)
            .unwrap_or_else(|| panic!("{key} is not in the workbook"));
        for (i, name) in ["value", "target", "achievement", "points"]
            .iter()
            .enumerate()
        {
            let expected = parse(&r[col(name)]);
            assert!(
                close(xlsx[i], expected),
                "{key} {name}: xlsx {:?}, csv {expected:?}",
                xlsx[i]
            );
        }
        rows += 1;
    }
    assert_eq!(
        rows,
        cells.len(),
        "the workbook and the CSV have different rows"
    );
    assert!(rows > 100);
}

#[test]
fn formula_like_text_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.csv");
    std::fs::write(
        &data,
        "city,year,variable,value,unit,source\n\
         Vesterby,2024,population,118400,inhabitants,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n\
         Vesterby,2024,households,55150,households,@SUM(1)\n",
    )
    .unwrap();
    let path = dir.path().join("r.xlsx");
    citykpi(&[
        "assess",
        data.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        path.to_str().unwrap(),
    ]);
    let (names, ranges) = sheets(&path);
    assert!(
        !names.contains(&"Progress".to_string()),
        "one year has no progress"
    );
    let sources: Vec<String> = names
        .iter()
        .filter(|n| *n != "Summary")
        .flat_map(|n| {
            let range = &ranges[n];
            let col = column(range, "sources");
            range
                .rows()
                .skip(1)
                .map(move |r| text(&r[col]))
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect();
    assert!(
        sources
            .iter()
            .any(|s| s.starts_with("=HYPERLINK(\"http://x\"")),
        "{sources:?}"
    );
}

#[test]
fn xlsx_template_has_the_csv_columns_and_one_row_per_variable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    citykpi(&[
        "template",
        "--format",
        "xlsx",
        "--year",
        "2025",
        "-o",
        path.to_str().unwrap(),
    ]);
    let (names, ranges) = sheets(&path);
    assert_eq!(names, ["Data", "Lists"]);
    let data = &ranges["Data"];
    let csv = citykpi(&["template", "--year", "2025"]);
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header(data), head);
    let variables: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[2].to_string())
        .collect();
    let cells: Vec<String> = data.rows().skip(1).map(|r| text(&r[2])).collect();
    assert_eq!(cells, variables);
    assert!(data.rows().skip(1).all(|r| number(&r[1]) == Some(2025.0)));
}

#[test]
fn compare_does_not_offer_xlsx() {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(["compare", "sample-data/vesterby.csv", "--format", "xlsx"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The XLSX template, filled in as a city would (Vesterby's 2024 values typed into `value`,
/// as numbers), goes back into `assess` and gives the same report as the same rows in CSV.
#[test]
fn a_filled_xlsx_template_goes_back_into_assess() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("to-collect.xlsx");
    let template_arg = template.to_str().unwrap();
    citykpi(&[
        "template",
        "--format",
        "xlsx",
        "--city",
        "Vesterby",
        "--year",
        "2024",
        "-o",
        template_arg,
    ]);
    // Vesterby's 2024 values, by variable.
    let mut reader = csv::Reader::from_path("sample-data/vesterby.csv").unwrap();
    let mut values = BTreeMap::new();
    for record in reader.records() {
        let r = record.unwrap();
        if &r[1] == "2024" {
            values.insert(r[2].to_string(), r[3].to_string());
        }
    }
    let (_, ranges) = sheets(&template);
    let data = &ranges["Data"];
    let head = header(data);
    let (variable, value) = (column(data, "variable"), column(data, "value"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Data").unwrap();
    let mut csv_text = csv::Writer::from_writer(Vec::new());
    let mut filled = 0;
    for (i, row) in data.rows().enumerate() {
        let mut cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        if i > 0 {
            if let Some(v) = values.get(&cells[variable]) {
                cells[value] = v.clone();
                filled += 1;
            }
        }
        for (j, cell) in cells.iter().enumerate() {
            let (r, c) = (i as u32, j as u16);
            match cell.parse::<f64>() {
                Ok(n) if i > 0 && (j == value || head[j] == "year") => {
                    sheet.write_number(r, c, n).unwrap();
                }
                _ => {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
        csv_text.write_record(&cells).unwrap();
    }
    assert!(filled > 100, "{filled} values typed in");
    let xlsx = dir.path().join("filled.xlsx");
    book.save(&xlsx).unwrap();
    let csv = dir.path().join("filled.csv");
    std::fs::write(&csv, csv_text.into_inner().unwrap()).unwrap();
    let report = |path: &Path| {
        citykpi(&[
            "assess",
            path.to_str().unwrap(),
            "--targets",
            "sample-data/targets.csv",
            "--format",
            "csv",
        ])
    };
    let (from_xlsx, from_csv) = (report(&xlsx), report(&csv));
    assert_eq!(
        String::from_utf8(from_xlsx).unwrap(),
        String::from_utf8(from_csv.clone()).unwrap()
    );
    let text = String::from_utf8(from_csv).unwrap();
    assert!(
        text.contains("Vesterby,2024,EC:ICT:ICT:1C,,Household Internet Access,core,EC,EC:ICT,EC:ICT:ICT,%,97.098821,"),
        "the filled template computes the KPIs"
    );
}
