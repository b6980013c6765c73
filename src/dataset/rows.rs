//! The rows of a small CSV file opened by [`csv_text::open`] (a targets or peers file), each
//! with its line: blank rows are skipped, and a row that cannot be read (a quote never
//! closed, bytes that are not UTF-8) stops the reading with a problem at its line. It reads
//! rows; what they mean is the caller's.

use super::csv_text::{self, Table};
use crate::diagnostic::{Problem, ProblemCode};

/// Call `visit` with every row that is not blank and its line; the problem that stopped the
/// reading early, if one did.
pub(super) fn each_row<R: std::io::Read>(
    table: Table<R>,
    file: &str,
    mut visit: impl FnMut(&csv::StringRecord, usize),
) -> Option<Problem> {
    let header_line = table.header_line;
    let mut reader = table.reader;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = header_line + e.position().map_or(0, |p| p.line() as usize);
                let code = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => ProblemCode::NotUtf8,
                    _ => ProblemCode::InvalidCsv,
                };
                let message = match code {
                    ProblemCode::NotUtf8 => {
                        "the row is not UTF-8 text; save the file as \"CSV UTF-8\"".to_string()
                    }
                    _ => format!("{e}; fix the file"),
                };
                return Some(Problem::new(code, file, message).at_line(line));
            }
        };
        let line = header_line + record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if csv_text::broken_column(&record).is_some() {
            return Some(
                Problem::new(
                    ProblemCode::InvalidCsv,
                    file,
                    "a quoted value runs over several lines from here: a quote is not closed; close it (the rows after it cannot be read)",
                )
                .at_line(line),
            );
        }
        visit(&record, line);
    }
    None
}
