//! One sheet of a workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) turned into CSV text,
//! row for row, so that sheet row N is line N. Numbers are written in full precision,
//! text as it is, booleans as yes/no, dates as `YYYY-MM-DD` text (never as Excel's day
//! count, which would read as a number; a date in the year column is then not a year).
//! `#N/A` is written as `#N/A`, which reads as "not reported", as it does in CSV. It never
//! checks a value: any other error cell (`#DIV/0!`, `#REF!`) is written empty with an
//! `unreadable-cell` problem at its sheet, row and column.
//!
//! A cell shows what it means: in an `.xlsx` or `.xlsm` workbook, a number formatted as a
//! percentage (it holds 0.93 and shows `93%`) is written as the text it shows, `93%`, the
//! same digits moved two places, so the loader reads it as a percentage written with its sign
//! (93 for a percentage variable; a variable that is not a percentage refuses the sign:
//! `not-a-number`, "write the number without %"). Where the format cannot be known (`.xlsb`,
//! `.xls`, `.ods`, or a workbook without style information) such a cell is the fraction it
//! holds, and the loader warns (`percent-as-fraction`) when all of a percentage's values
//! look like fractions.

mod percent;

use std::collections::HashSet;
use std::path::Path;

use calamine::{open_workbook_auto, CellErrorType, Data, ExcelDateTime, Reader};

use super::tabular::{self, CsvText, Table};
use crate::diagnostic::{Problem, ProblemCode};

/// Read `sheet` (the first sheet when `None`) of the workbook at `path`.
pub(super) fn read(path: &Path, sheet: Option<&str>) -> Result<Table, Problem> {
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
    let shown_as_percent = percent_cells(path, &sheet);
    let mut text = CsvText::new();
    let mut problems = Vec::new();
    let Some((first_row, first_col)) = range.start() else {
        return Ok(Table {
            name,
            text,
            problems,
        });
    };
    for _ in 0..first_row {
        text.blank();
    }
    // Columns are named by their header cell (the first row with anything in it).
    let mut header: Option<Vec<String>> = None;
    let mut cells = Vec::with_capacity(range.width());
    for (i, row) in range.rows().enumerate() {
        let line = first_row as usize + i + 1;
        cells.clear();
        for (j, cell) in row.iter().enumerate() {
            let at = (first_row + i as u32, first_col + j as u32);
            let percent = !shown_as_percent.is_empty() && shown_as_percent.contains(&at);
            cells.push(match cell {
                Data::Empty => String::new(),
                Data::String(s) => tabular::text(s),
                Data::Float(v) if percent => as_percent(&tabular::number(*v)),
                Data::Int(v) if percent => as_percent(&v.to_string()),
                Data::Float(v) => tabular::number(*v),
                Data::Int(v) => v.to_string(),
                Data::Bool(b) => (if *b { "yes" } else { "no" }).to_string(),
                Data::DateTime(d) => date(d),
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(CellErrorType::NA) => "#N/A".to_string(),
                Data::Error(e) => {
                    let letter = column_letter(first_col as usize + j);
                    let column = match header.as_ref().and_then(|h| h.get(j)) {
                        Some(h) if !h.is_empty() => format!("{h} ({letter})"),
                        _ => letter,
                    };
                    problems.push(tabular::unreadable_cell(
                        &name,
                        line,
                        &column,
                        format!("the cell holds the spreadsheet error {e}, which is read as empty; fix the formula, or clear the cell"),
                    ).with_value(e.to_string()));
                    String::new()
                }
            });
        }
        if header.is_none() && cells.iter().any(|c| !c.trim().is_empty()) {
            header = Some(cells.iter().map(|c| c.trim().to_string()).collect());
        }
        text.row(&cells);
    }
    Ok(Table {
        name,
        text,
        problems,
    })
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
