//! One sheet of a workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) handed to the loader
//! as typed cells, row for row, so that sheet row N is line N. Numbers are numbers, text is
//! text, booleans read as yes/no, dates as `YYYY-MM-DD` text (never as Excel's day count,
//! which would read as a number; a date in the year column is then not a year). `#N/A`
//! reads as `#N/A`, "not reported", as it does in CSV. It never checks a value: any other
//! error cell (`#DIV/0!`, `#REF!`) reads as empty, with an `unreadable-cell` problem at its
//! sheet, row and column.
//!
//! A cell shows what it means: in an `.xlsx` or `.xlsm` workbook, a number formatted as a
//! percentage (it holds 0.93 and shows `93%`) is read as the text it shows, `93%`, the
//! same digits moved two places, so the loader reads it as a percentage written with its sign
//! (93 for a percentage variable; a variable that is not a percentage refuses the sign:
//! `not-a-number`, "write the number without %"). Where the format cannot be known (`.xlsb`,
//! `.xls`, `.ods`, or a workbook without style information) such a cell is the fraction it
//! holds, and the loader warns (`percent-as-fraction`) when all of a percentage's values
//! look like fractions.

mod percent;

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

use calamine::{open_workbook_auto, CellErrorType, Data, DataType, ExcelDateTime, Range, Reader};

use super::tabular::{self, Fields, Raw, TypedTable};
use crate::diagnostic::{Problem, ProblemCode};

/// Read `sheet` (the first sheet when `None`) of the workbook at `path`.
pub(super) fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet, Problem> {
    let file = path.display().to_string();
    let unreadable = |message: String| Problem::new(ProblemCode::UnreadableFile, &file, message);
    if let Err(e) = std::fs::metadata(path) {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            "; check the path"
        } else {
            ""
        };
        return Err(unreadable(format!("cannot read the file: {e}{hint}")));
    }
    let mut book = open_workbook_auto(path).map_err(|e| {
        unreadable(format!(
            "cannot read the file as a workbook: {e}; save it again from your spreadsheet, or export it as \"CSV UTF-8\""
        ))
    })?;
    let names = book.sheet_names();
    let listed = || {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sheet = match sheet {
        Some(wanted) => names.iter().find(|n| *n == wanted).cloned().ok_or_else(|| {
            unreadable(format!(
                "the workbook has no sheet \"{wanted}\"; its sheets are {} (name one as {file}#<sheet>)",
                listed()
            ))
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable("the workbook has no sheets".into()))?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| unreadable(format!("cannot read sheet \"{sheet}\": {e}")))?;
    let name = format!("{file}#{sheet}");
    let percent = percent_cells(path, &sheet);
    let problems = error_cells(&range, &name);
    Ok(Sheet {
        name,
        range,
        percent,
        problems,
    })
}

/// A workbook sheet, read: its cells as calamine holds them, and which of them are shown
/// as percentages.
pub(super) struct Sheet {
    name: String,
    range: Range<Data>,
    /// Cells (row, column, counted from the sheet's top left) formatted as percentages.
    percent: HashSet<(u32, u32)>,
    problems: Vec<Problem>,
}

/// One row of a sheet, as the loader reads it.
struct SheetRow<'s> {
    cells: &'s [Data],
    /// The row and first column of the cells, in the sheet.
    at: (u32, u32),
    percent: &'s HashSet<(u32, u32)>,
}

impl Fields for SheetRow<'_> {
    fn len(&self) -> usize {
        self.cells.len()
    }

    fn raw(&self, j: usize) -> Raw<'_> {
        let Some(cell) = self.cells.get(j) else {
            return Raw::Text(Cow::Borrowed(""));
        };
        let at = (self.at.0, self.at.1 + j as u32);
        let percent = !self.percent.is_empty() && self.percent.contains(&at);
        let text = |t: String| Raw::Text(Cow::Owned(t));
        match cell {
            Data::Empty => Raw::Text(Cow::Borrowed("")),
            Data::Error(CellErrorType::NA) => Raw::Text(Cow::Borrowed("#N/A")),
            // Its problem is reported once, from `error_cells`.
            Data::Error(_) => Raw::Text(Cow::Borrowed("")),
            Data::String(s) => Raw::Text(tabular::text(s)),
            Data::Float(v) if percent => text(as_percent(&tabular::number(*v))),
            Data::Int(v) if percent => text(as_percent(&v.to_string())),
            Data::Float(v) => Raw::Number(*v),
            Data::Int(v) => Raw::Number(*v as f64),
            Data::Bool(b) => Raw::Text(Cow::Borrowed(if *b { "yes" } else { "no" })),
            Data::DateTime(d) => text(date(d)),
            Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::Text(Cow::Borrowed(s)),
        }
    }
}

impl TypedTable for Sheet {
    fn name(&self) -> &str {
        &self.name
    }

    fn problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    fn for_each_row(&self, visit: &mut dyn FnMut(usize, &dyn Fields)) {
        let Some((first_row, first_col)) = self.range.start() else {
            return;
        };
        for (i, cells) in self.range.rows().enumerate() {
            let row = SheetRow {
                cells,
                at: (first_row + i as u32, first_col),
                percent: &self.percent,
            };
            visit(first_row as usize + i + 1, &row);
        }
    }
}

/// An `unreadable-cell` problem for every error cell but `#N/A` (which reads as "not
/// reported"), at its row and column, named by its header cell where the column has one.
fn error_cells(range: &Range<Data>, name: &str) -> Vec<Problem> {
    let Some((first_row, first_col)) = range.start() else {
        return Vec::new();
    };
    let mut header: Option<Vec<String>> = None;
    let mut problems = Vec::new();
    for (i, row) in range.rows().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let Data::Error(e) = cell else { continue };
            if *e == CellErrorType::NA {
                continue;
            }
            let letter = column_letter(first_col as usize + j);
            let column = match header.as_ref().and_then(|h| h.get(j)) {
                Some(h) if !h.is_empty() => format!("{h} ({letter})"),
                _ => letter,
            };
            problems.push(tabular::unreadable_cell(
                name,
                first_row as usize + i + 1,
                &column,
                format!("the cell holds the spreadsheet error {e}, which is read as empty; fix the formula, or clear the cell"),
            ).with_value(e.to_string()));
        }
        if header.is_none() && row.iter().any(|c| !c.is_empty()) {
            header = Some(
                row.iter()
                    .map(|c| c.to_string().trim().to_string())
                    .collect(),
            );
        }
    }
    problems
}

/// The cells of an `.xlsx` or `.xlsm` sheet shown as percentages (none where the workbook
/// does not say, or is of another kind).
fn percent_cells(path: &Path, sheet: &str) -> HashSet<(u32, u32)> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "xlsx" | "xlsm" => percent::cells(path, sheet).unwrap_or_default(),
        _ => HashSet::new(),
    }
}

/// A number as a spreadsheet shows it with a percentage format: its decimal digits moved two
/// places, and a `%` (`0.0725` is `7.25%`): exact, never a product that rounds.
fn as_percent(number: &str) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = format!("{frac:0<2}");
    let (moved, rest) = frac.split_at(2);
    let int = format!("{int}{moved}");
    let int = match int.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    match rest {
        "" => format!("{sign}{int}%"),
        rest => format!("{sign}{int}.{rest}%"),
    }
}

/// A date as `YYYY-MM-DD` (with the time when it has one); a duration as its days.
fn date(d: &ExcelDateTime) -> String {
    if d.is_duration() {
        return format!("{} days", tabular::number(d.as_f64()));
    }
    let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// The spreadsheet letter of a column counted from 0 (`A`, `Z`, `AA`).
fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_percentage_is_its_digits_moved_two_places() {
        let shown: Vec<String> = ["0.93", "0.0725", "1.5", "12", "0", "-0.5", "0.000001"]
            .into_iter()
            .map(super::as_percent)
            .collect();
        assert_eq!(
            shown,
            ["93%", "7.25%", "150%", "1200%", "0%", "-50%", "0.0001%"]
        );
    }

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        let letters: Vec<String> = [0, 25, 26, 27, 701, 702]
            .into_iter()
            .map(super::column_letter)
            .collect();
        assert_eq!(letters, ["A", "Z", "AA", "AB", "ZZ", "AAA"]);
    }
}
