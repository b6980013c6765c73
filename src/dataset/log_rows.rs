//! The rows of a verifier's file (the verification file, the questions log): CSV with the
//! data's `--delimiter` and `--decimal`, or a workbook sheet (`file.xlsx`, `file.xlsx#Sheet`),
//! as trimmed text cells with their line, for the file's own reader to make sense of.
//!
//! These files are small (a row per KPI and city-year at most), so their rows are held.

use std::path::Path;

use super::csv_text::{self, TextOptions};
use super::rows::each_row;
use super::tabular::{self, TypedTable};
use super::Input;
use crate::diagnostic::{Problem, ProblemCode, Problems};

/// A file's rows that are not blank.
pub(super) struct LogRows {
    /// The file's name as given on the command line (a sheet: `file.xlsx#Sheet`).
    pub file: String,
    pub header: Vec<String>,
    pub header_line: usize,
    /// Each row's line (or sheet row) and trimmed cells.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Cells a workbook could not give (before the rows' own problems).
    pub cell_problems: Vec<Problem>,
    /// What stopped the reading of a CSV file early (after the rows' own problems).
    pub stopped: Option<Problem>,
}

impl LogRows {
    /// The rows of the file at `path`; `what` names it in messages ("the questions log"),
    /// `header` is the header it needs (`city,year,kpi,question,status`).
    pub fn from_path(
        path: &Path,
        options: &TextOptions,
        what: &str,
        header: &str,
    ) -> Result<LogRows, Problems> {
        let input = Input::parse(&path.display().to_string());
        let file = input.name();
        if let Input::Workbook(..) = input {
            return match tabular::prepare(&input) {
                Ok(tabular::Prepared::Typed(table)) => LogRows::of_table(table, header),
                Ok(tabular::Prepared::Csv(_)) => unreachable!("a workbook is typed"),
                Err(problem) => Err(Problems(vec![problem])),
            };
        }
        match std::fs::File::open(path) {
            Ok(reader) => LogRows::read(reader, &file, options),
            Err(e) => Err(Problems(vec![Problem::new(
                ProblemCode::UnreadableFile,
                file,
                format!("cannot read {what}: {e}"),
            )])),
        }
    }

    /// The rows of CSV text.
    pub fn read(
        input: impl std::io::Read,
        file: &str,
        options: &TextOptions,
    ) -> Result<LogRows, Problems> {
        let table = csv_text::open(input, options, file).map_err(|p| Problems(vec![p]))?;
        let (header, header_line) = (table.header.clone(), table.header_line);
        let mut rows = Vec::new();
        let stopped = each_row(table, file, |record, line| {
            rows.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
        });
        Ok(LogRows {
            file: file.to_string(),
            header,
            header_line,
            rows,
            cell_problems: Vec::new(),
            stopped,
        })
    }

    /// The rows of a workbook sheet: its first row that is not blank is the header.
    fn of_table(mut table: Box<dyn TypedTable + '_>, header: &str) -> Result<LogRows, Problems> {
        let file = table.name().to_string();
        let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
        table.for_each_row(&mut |line, fields| {
            let cells: Vec<String> = (0..fields.len())
                .map(|i| fields.raw(i).into_text().trim().to_string())
                .collect();
            if cells.iter().any(|c| !c.is_empty()) {
                rows.push((line, cells));
            }
        });
        let cell_problems = table.problems();
        if rows.is_empty() {
            return Err(Problems(vec![Problem::new(
                ProblemCode::EmptyFile,
                &file,
                format!("the sheet is empty; it needs a header ({header}) and rows"),
            )]));
        }
        let (header_line, header) = rows.remove(0);
        Ok(LogRows {
            file,
            header,
            header_line,
            rows,
            cell_problems,
            stopped: None,
        })
    }
}

/// The `missing-column` problem of a header without one of the `required` columns (any
/// case), naming each that is missing, then `hint`.
pub(super) fn missing_columns(
    file: &str,
    header: &[String],
    header_line: usize,
    required: &[&str],
    hint: &str,
) -> Problems {
    let missing: Vec<&str> = (required.iter().copied())
        .filter(|r| !header.iter().any(|h| h.eq_ignore_ascii_case(r)))
        .collect();
    let what = match missing.len() {
        1 => format!("the header has no column {}", missing[0]),
        _ => format!("the header has no columns {}", missing.join(", ")),
    };
    Problems(vec![Problem::new(
        ProblemCode::MissingColumn,
        file,
        format!("{what}; {hint}"),
    )
    .at_line(header_line)])
}

/// A reader that makes sense of a log's rows, one at a time.
pub(super) trait LogReader {
    type Log;
    /// The problems found so far.
    fn problems(&mut self) -> &mut Problems;
    /// Read one row (its line and trimmed cells).
    fn row(&mut self, cells: &[String], line: usize);
    /// The log read and the problems found.
    fn into_parts(self) -> (Self::Log, Problems);
    /// The log, or every problem found where one is an error.
    fn finish(self) -> Result<Self::Log, Problems>
    where
        Self: Sized,
    {
        let (log, problems) = self.into_parts();
        match problems.has_errors() {
            true => Err(problems),
            false => Ok(log),
        }
    }
}

impl LogRows {
    /// The rows made sense of by `reader`, each bad row's first problem at its line (a
    /// workbook's unreadable cells first, what stopped a CSV file last).
    pub fn read_with<R: LogReader>(self, mut reader: R) -> Result<R::Log, Problems> {
        reader.problems().0.extend(self.cell_problems);
        for (line, cells) in &self.rows {
            reader.row(cells, *line);
        }
        reader.problems().0.extend(self.stopped);
        reader.finish()
    }
}
