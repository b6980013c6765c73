//! `assess --format parquet` through the binary, read back with polars: one row per CSV row and
//! every column of it but `display`, with the same values (to CSV's decimals), texts, points,
//! bands, statuses, progress, quality and flags, in typed columns; `--format arrow`, the same
//! table as an Arrow IPC file.

use std::process::Command;

use polars::prelude::{AnyValue, DataFrame};
use polars_io::ipc::IpcReader;
use polars_io::parquet::read::ParquetReader;
use polars_io::SerReader;

fn citykpi(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn text(v: AnyValue) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Boolean(b) => if b { "yes" } else { "no" }.to_string(),
        other => other.to_string(),
    }
}

fn number(v: AnyValue) -> Option<f64> {
    match v {
        AnyValue::Null => None,
        AnyValue::Float64(f) => Some(f),
        AnyValue::Int32(i) => Some(f64::from(i)),
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn parquet_has_every_row_of_the_csv_report_in_typed_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpis.parquet");
    let data = [
        "assess",
        "sample-data/vesterby.csv",
        "sample-data/riverton.csv",
        "--targets",
        "sample-data/targets.csv",
    ];
    citykpi(
        &[
            &data[..],
            &["--format", "parquet", "-o", path.to_str().unwrap()],
        ]
        .concat(),
    );
    let csv = citykpi(&[&data[..], &["--format", "csv"]].concat());
    let frame: DataFrame = ParquetReader::new(std::fs::File::open(&path).unwrap())
        .finish()
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(frame.height(), records.len());
    assert!(records.len() > 500);
    // Every column of the CSV, in the CSV's order: both write the one KPI row.
    let columns: Vec<&str> = header.iter().collect();
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(names, columns);
    // Numbers to the CSV's decimals (it rounds them); every other column exactly.
    let decimals = |name: &str| match name {
        "value" | "target" | "change_since_previous" | "change_since_base" => Some(6),
        "achievement" | "progress_score" => Some(2),
        "points" | "quality" => Some(0),
        _ => None,
    };
    let get = |name: &str, i: usize| frame.column(name).unwrap().get(i).unwrap();
    let mut progress = 0;
    for (i, r) in records.iter().enumerate() {
        let id = format!("{} {} {} {}", &r[0], &r[1], &r[2], &r[3]);
        progress += usize::from(!r[col("change_since_previous")].is_empty());
        for &name in &columns {
            let Some(decimals) = decimals(name) else {
                assert_eq!(text(get(name, i)), r[col(name)], "{id} {name}");
                continue;
            };
            let expected = r[col(name)].parse::<f64>().ok();
            let got = number(get(name, i));
            let same = match (got, expected) {
                (Some(a), Some(b)) => (a - b).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9,
                (None, None) => true,
                _ => false,
            };
            assert!(same, "{id} {name}: {got:?} against {expected:?}");
        }
    }
    assert!(
        progress > 50,
        "the sample has earlier years: {progress} rows with a change"
    );
    assert_eq!(
        frame.column("value").unwrap().dtype().to_string(),
        "f64",
        "values are numbers"
    );
}

/// `--format arrow` writes the same table as an Arrow IPC file: read back, it is the
/// Parquet report's frame, column for column and row for row.
#[test]
fn arrow_is_the_parquet_table() {
    let dir = tempfile::tempdir().unwrap();
    let run = |format: &str| {
        let path = dir.path().join(format!("kpis.{format}"));
        citykpi(&[
            "assess",
            "sample-data/vesterby.csv",
            "sample-data/riverton.csv",
            "--targets",
            "sample-data/targets.csv",
            "--format",
            format,
            "-o",
            path.to_str().unwrap(),
        ]);
        std::fs::File::open(path).unwrap()
    };
    let parquet: DataFrame = ParquetReader::new(run("parquet")).finish().unwrap();
    let arrow: DataFrame = IpcReader::new(run("arrow")).finish().unwrap();
    assert!(arrow.height() > 500);
    assert_eq!(arrow.get_column_names(), parquet.get_column_names());
    assert!(arrow.equals_missing(&parquet), "{arrow}\n{parquet}");
}
