//! Workbooks and Parquet files turned into CSV text in memory, so that they go through the
//! one pipeline of checks a CSV file goes through (`loader`) unchanged: a sheet's row N is
//! line N, and a Parquet file's row N is line N + 1 (the header is line 1).
//!
//! The text is written with the `csv` writer, always with `,` and a decimal point, and read
//! back with exactly those (the `--delimiter` and `--decimal` options are for CSV files).
//! It writes what each cell holds; it never checks a value. A cell it cannot write as
//! text (a spreadsheet error, a Parquet column of lists) is written empty, and a problem
//! names its file, sheet, row and column.

use std::borrow::Cow;

use super::csv_text::{Decimal, TextOptions};
use super::{parquet, sheet, Input};
use crate::diagnostic::{Problem, ProblemCode};

/// What an input is read as: itself (CSV text), or the CSV text it was turned into, with
/// the options to read it and the problems of the cells that could not be written.
pub(super) struct Prepared<'a> {
    pub input: Cow<'a, Input>,
    pub options: TextOptions,
    pub problems: Vec<Problem>,
}

/// Turn a workbook sheet or a Parquet file into CSV text; CSV inputs pass as they are.
/// The error is a problem that stops the file (it cannot be opened, or has no such sheet).
pub(super) fn prepare<'a>(input: &'a Input, options: TextOptions) -> Result<Prepared<'a>, Problem> {
    let table = match input {
        Input::Workbook(path, sheet) => sheet::read(path, sheet.as_deref())?,
        Input::Parquet(path) => parquet::read(path)?,
        _ => {
            return Ok(Prepared {
                input: Cow::Borrowed(input),
                options,
                problems: Vec::new(),
            })
        }
    };
    Ok(Prepared {
        input: Cow::Owned(Input::Bytes(table.name, table.text.finish())),
        options: TextOptions {
            delimiter: Some(b','),
            decimal: Decimal::Point,
        },
        problems: table.problems,
    })
}

/// A table turned into CSV text: its name in messages (`file.xlsx#Sheet`), the text, and
/// the problems of cells that could not be written.
pub(super) struct Table {
    pub name: String,
    pub text: CsvText,
    pub problems: Vec<Problem>,
}

/// CSV text being written, one row per line: a row with nothing in it is a blank line,
/// which the reader counts (and skips), so line numbers stay the table's row numbers.
pub(super) struct CsvText {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvText {
    pub fn new() -> Self {
        CsvText {
            writer: csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(Vec::new()),
        }
    }

    /// Write one row; a row of empty cells becomes an empty line.
    pub fn row(&mut self, cells: &[String]) {
        // Writing into memory cannot fail.
        if cells.iter().all(String::is_empty) {
            self.blank();
        } else {
            self.writer
                .write_record(cells)
                .expect("writing CSV into memory");
        }
    }

    /// A line of one space: the CSV reader counts it (an empty line it would skip without
    /// counting), and the loader skips it as blank, as it does a blank line of a CSV file.
    pub fn blank(&mut self) {
        self.writer
            .write_record([" "])
            .expect("writing CSV into memory");
    }

    pub fn finish(self) -> Vec<u8> {
        self.writer.into_inner().expect("writing CSV into memory")
    }
}

/// A number as text that reads back as the same number: Rust's shortest round-trip form,
/// with a decimal point and no exponent (`118400`, `0.1`, `1234.5678`).
pub(super) fn number(value: f64) -> String {
    format!("{value}")
}

/// Text as a cell holds it, with line breaks (a line break typed in a spreadsheet cell)
/// read as spaces: in CSV text they would end the row.
pub(super) fn text(value: &str) -> String {
    if value.contains(['\n', '\r']) {
        value.replace("\r\n", " ").replace(['\n', '\r'], " ")
    } else {
        value.to_string()
    }
}

/// The problem of a cell (or a column) that is written empty because it cannot be read.
pub(super) fn unreadable_cell(file: &str, line: usize, column: &str, message: String) -> Problem {
    Problem::new(ProblemCode::UnreadableCell, file, message)
        .at_line(line)
        .in_column(column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_without_exponent() {
        for v in [
            118400.0,
            0.1,
            1234.5678,
            -3.25,
            1e-7,
            123456789012.0,
            1.0 / 3.0,
        ] {
            assert_eq!(number(v).parse::<f64>().unwrap(), v);
            assert!(!number(v).contains('e'), "{}", number(v));
        }
        assert_eq!(number(118400.0), "118400");
    }

    #[test]
    fn blank_rows_keep_their_lines_and_cells_are_quoted() {
        let mut out = CsvText::new();
        out.row(&["city".into(), "source".into()]);
        out.row(&[String::new(), String::new()]);
        out.row(&["Oslo".into(), "a; b, \"c\"".into()]);
        let text = String::from_utf8(out.finish()).unwrap();
        assert_eq!(text, "city,source\n \nOslo,\"a; b, \"\"c\"\"\"\n");
        assert_eq!(super::text("a\r\nb\nc"), "a b c");
    }
}
