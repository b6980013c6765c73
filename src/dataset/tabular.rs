//! Cells as the loader reads them, from any input: text (a CSV field, a text cell) or a
//! number that a workbook or Parquet file holds as one. A workbook sheet or a Parquet file
//! is handed to the loader as typed cells, row by row (a sheet's row N is line N, a Parquet
//! file's row N is line N + 1, its header being line 1), never written out as text and
//! parsed again. It reads cells; it never checks a value.

use std::borrow::Cow;

use super::{parquet, sheet, Input};
use crate::diagnostic::{Problem, ProblemCode};

/// One cell: text, or a number held as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw<'r> {
    Text(Cow<'r, str>),
    Number(f64),
}

impl<'r> Raw<'r> {
    /// The cell as text (a number in its shortest form), trimmed, keeping what it borrows.
    pub fn into_text(self) -> Cow<'r, str> {
        match self {
            Raw::Text(Cow::Borrowed(t)) => Cow::Borrowed(super::csv_text::trim(t)),
            Raw::Text(Cow::Owned(t)) => Cow::Owned(super::csv_text::trim(&t).to_string()),
            Raw::Number(v) => Cow::Owned(number(v)),
        }
    }
}

/// A row's cells by column.
pub trait Fields {
    fn len(&self) -> usize;
    /// Cell `i`, or empty text past the row's end.
    fn raw(&self, i: usize) -> Raw<'_>;
}

impl Fields for csv::StringRecord {
    fn len(&self) -> usize {
        csv::StringRecord::len(self)
    }

    fn raw(&self, i: usize) -> Raw<'_> {
        Raw::Text(Cow::Borrowed(self.get(i).unwrap_or("")))
    }
}

/// A table read from a workbook sheet or a Parquet file: its name in messages
/// (`file.xlsx#Sheet`), the problems of cells that cannot be read, and its rows.
pub trait TypedTable {
    fn name(&self) -> &str;
    /// Cells that cannot be read (a spreadsheet error, a column of lists), each with its
    /// place; they read as empty.
    fn problems(&mut self) -> Vec<Problem>;
    /// Every row, in order, with its line; blank rows may be left out.
    fn for_each_row(&self, visit: &mut dyn FnMut(usize, &dyn Fields));
}

/// What an input is read as: CSV text, or a typed table.
pub(super) enum Prepared<'a> {
    Csv(&'a Input),
    Typed(Box<dyn TypedTable + 'a>),
}

/// Open a workbook sheet or a Parquet file as a typed table; CSV inputs pass as they are.
/// The error is a problem that stops the file (it cannot be opened, or has no such sheet).
pub(super) fn prepare(input: &Input) -> Result<Prepared<'_>, Problem> {
    Ok(match input {
        Input::Workbook(path, sheet) => {
            Prepared::Typed(Box::new(sheet::read(path, sheet.as_deref())?))
        }
        Input::Parquet(path) => Prepared::Typed(Box::new(parquet::read(path)?)),
        _ => Prepared::Csv(input),
    })
}

/// A number as text that reads back as the same number: Rust's shortest round-trip form,
/// with a decimal point and no exponent (`118400`, `0.1`, `1234.5678`).
pub(super) fn number(value: f64) -> String {
    format!("{value}")
}

/// Text as a cell holds it, with line breaks (a line break typed in a spreadsheet cell)
/// read as spaces.
pub(super) fn text(value: &str) -> Cow<'_, str> {
    if value.contains(['\n', '\r']) {
        Cow::Owned(value.replace("\r\n", " ").replace(['\n', '\r'], " "))
    } else {
        Cow::Borrowed(value)
    }
}

/// The problem of a cell (or a column) that is read as empty because it cannot be read.
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
        assert_eq!(text("a\r\nb\nc"), "a b c");
        assert_eq!(Raw::Number(2024.0).into_text(), "2024");
        assert_eq!(Raw::Text(" x ".into()).into_text(), "x");
    }
}
