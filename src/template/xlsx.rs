//! The template as an XLSX workbook: a `Data` sheet with the CSV's columns whose cells check
//! what is typed. Each `value` takes what `assess` reads for its variable (the loader's own
//! rule, [`dataset::accepted`]: the valid range, or yes/no and, for a principle that can be
//! partly met, partial) and the words that mean "no value" (`n/a`, `NR`); `quality` a level
//! 1-6; `verified` yes or no; `reported` follows `value` (a formula, as in the U4SSC
//! template, where it turns YES once data is entered). Text is written as text, never as a
//! formula.

use std::io::Write;

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, Format, Formula, Workbook, Worksheet, XlsxError,
};

use super::{Row, HEADER};
use crate::dataset::Accepted;
use crate::error::WriteError;

/// The column of `name` in [`HEADER`].
fn col(name: &str) -> u16 {
    let i = HEADER.iter().position(|h| *h == name);
    u16::try_from(i.expect("a template column")).unwrap_or(u16::MAX)
}

/// The `value` column (`HEADER[3]`), and its letter, which the checks' formulas name.
const VALUE: (u16, char) = (3, 'D');

/// The last row the quality and verified checks cover, so rows added below are checked too.
const LAST_CHECKED_ROW: u32 = 100_000;

/// The sheet that lists the words meaning "no value", hidden; the checks name it [`NO_VALUE`].
const LISTS: &str = "Lists";

/// The defined name of the "no value" words on the [`LISTS`] sheet.
const NO_VALUE: &str = "NoValue";

/// The rows as an XLSX workbook: a `Data` sheet with the CSV's columns, where `value`
/// accepts what `assess` reads for the variable (its valid range, or its yes/no answers, and
/// the words meaning "no value"), `quality` a level 1-6 and `verified` yes or no, and
/// `reported` says yes once `value` holds one. Numbers are numeric cells; text is text.
pub(super) fn write(rows: &[Row], out: &mut dyn Write) -> Result<(), WriteError> {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name("Data")?;
    let bold = Format::new().set_bold();
    for (col, title) in (0u16..).zip(HEADER) {
        ws.write_string_with_format(0, col, title, &bold)?;
    }
    let no_value = rows
        .first()
        .map(|r| r.accepted.no_value.clone())
        .unwrap_or_default();
    for (at, row) in (1u32..).zip(rows) {
        for (c, (title, cell)) in (0u16..).zip(HEADER.iter().zip(row.cells())) {
            match *title {
                "reported" => reported(ws, at, c, row)?,
                "year" | "quality" => match cell.parse::<f64>() {
                    Ok(n) => ws.write_number(at, c, n).map(|_| ())?,
                    Err(_) => text(ws, at, c, &cell)?,
                },
                // A number as a number cell, as a city would type it.
                "value" if row.accepted.words.is_empty() => match cell.parse::<f64>() {
                    Ok(n) if n.is_finite() => ws.write_number(at, c, n).map(|_| ())?,
                    _ => text(ws, at, c, &cell)?,
                },
                _ => text(ws, at, c, &cell)?,
            }
        }
        if let Some(check) = value_check(&row.accepted, at)? {
            ws.add_data_validation(at, VALUE.0, at, VALUE.0, &check)?;
        }
    }
    let last = LAST_CHECKED_ROW.max(u32::try_from(rows.len()).unwrap_or(u32::MAX));
    let quality = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(1, 6))
        .set_error_message("The U4SSC data-quality level: a whole number from 1 to 6.")?;
    ws.add_data_validation(1, col("quality"), last, col("quality"), &quality)?;
    let verified = DataValidation::new()
        .allow_list_strings(&["yes", "no"])?
        .set_error_message("yes or no")?;
    ws.add_data_validation(1, col("verified"), last, col("verified"), &verified)?;
    let rows = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows, col("used_by"))?;
    for (title, width) in [
        ("city", 14.0),
        ("year", 7.0),
        ("variable", 36.0),
        ("value", 12.0),
        ("reported", 9.0),
        ("band", 12.0),
        ("verified", 9.0),
        ("quality", 8.0),
        ("origin", 24.0),
        ("source", 24.0),
        ("unit", 14.0),
        ("description", 60.0),
        ("valid_range", 14.0),
        ("used_by", 30.0),
    ] {
        ws.set_column_width(col(title), width)?;
    }
    let lists = workbook.add_worksheet();
    lists.set_name(LISTS)?.set_hidden(true);
    for (row, word) in (0u32..).zip(&no_value) {
        lists.write_string(row, 0, *word)?;
    }
    let last = no_value.len().max(1);
    workbook.define_name(NO_VALUE, &format!("={LISTS}!$A$1:$A${last}"))?;
    out.write_all(&workbook.save_to_buffer()?)?;
    Ok(())
}

/// Text as a text cell (never a formula); nothing for empty text.
fn text(ws: &mut Worksheet, row: u32, col: u16, value: &str) -> Result<(), XlsxError> {
    if !value.is_empty() {
        ws.write_string(row, col, value)?;
    }
    Ok(())
}

/// The `reported` cell: as in the U4SSC template, yes once the value cell holds a value (a
/// formula of the sheet's own, its result written for readers that do not calculate).
fn reported(ws: &mut Worksheet, at: u32, col: u16, row: &Row) -> Result<(), XlsxError> {
    let cell = format!("{}{}", VALUE.1, at + 1);
    let formula = format!("=IF(OR({cell}=\"\",COUNTIF({NO_VALUE},{cell})>0),\"no\",\"yes\")");
    ws.write_formula(at, col, Formula::new(formula).set_result(row.reported()))?;
    Ok(())
}

/// What the `value` cell of sheet row `row` (from 0) accepts, from the loader's rule: a list
/// of the yes/no answers and the "no value" words, or a number in the valid range or one of
/// the "no value" words (`None` where anything goes).
fn value_check(accepted: &Accepted, row: u32) -> Result<Option<DataValidation>, XlsxError> {
    let no_value = accepted.no_value.join(", ");
    if !accepted.words.is_empty() {
        let mut list = accepted.words.clone();
        list.extend(&accepted.no_value);
        let answers = accepted.words.join(", ");
        let check = DataValidation::new()
            .allow_list_strings(&list)?
            .set_error_message(format!(
                "{answers}; or, when there is no value, one of {no_value}"
            ))?;
        return Ok(Some(check));
    }
    let cell = format!("{}{}", VALUE.1, row + 1);
    let range = match (accepted.min, accepted.max) {
        (min, max) if min.is_finite() && max.is_finite() => format!("{cell}>={min},{cell}<={max}"),
        (min, _) if min.is_finite() => format!("{cell}>={min}"),
        (_, max) if max.is_finite() => format!("{cell}<={max}"),
        _ => return Ok(None),
    };
    // Excel compares text without case, as the loader does; a custom rule lets the words
    // meaning "no value" through beside the numbers.
    let rule = format!("=OR(AND(ISNUMBER({cell}),{range}),COUNTIF({NO_VALUE},{cell})>0)");
    let check = DataValidation::new()
        .allow_custom(Formula::new(rule))
        .set_error_message(format!(
            "A number, {}; or, when there is no value, one of {no_value}",
            accepted.range_text
        ))?;
    Ok(Some(check))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_value_column_is_named_by_its_letter() {
        let (index, letter) = super::VALUE;
        assert_eq!(super::HEADER[usize::from(index)], "value");
        assert_eq!(char::from(b'A' + index as u8), letter);
    }
}
