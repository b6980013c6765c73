//! The data-collection template: one long-form row per variable to collect.
//!
//! The sheet is the long form `assess` reads (`city,year,variable,value,unit,source`, and
//! the U4SSC data-quality level 1-6 and verified yes/no of each value) plus columns that help the person filling it in (description, valid range,
//! the KPIs that use the variable). Filled in, it goes straight back to `assess`.
//! As CSV, or as an XLSX workbook whose cells check what is typed: each `value` takes what
//! `assess` reads for its variable (the loader's own rule, [`dataset::accepted`]: the valid
//! range, or yes/no and, for a principle that can be partly met, partial) and the words that
//! mean "no value" (`n/a`, `NR`); the quality level; verified yes/no. It never reads city data.

use crate::error::WriteError;
use std::io::Write;

use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, Formula, Workbook, XlsxError};

use crate::catalog::{Catalog, Tier, Variable};
use crate::dataset::{self, Accepted};

/// What the template holds.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// Only the variables that KPIs of this tier need.
    pub tier: Option<Tier>,
    /// The city column's value (empty to fill in).
    pub city: String,
    /// The year column's values: the rows once per year, one year after another (once with
    /// an empty year when there are none).
    pub years: Vec<i32>,
}

/// The template formats.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum TemplateFormat {
    /// Comma-separated text.
    Csv,
    /// An XLSX workbook with data validation (binary).
    Xlsx,
}

pub const HEADER: [&str; 11] = [
    "city",
    "year",
    "variable",
    "value",
    "unit",
    "source",
    "quality",
    "verified",
    "description",
    "valid_range",
    "used_by",
];

/// The variables the template asks for, each with the codes of the KPIs that use it.
fn rows<'c>(catalog: &'c Catalog, args: &TemplateOptions) -> Vec<(&'c Variable, String)> {
    let mut rows = Vec::new();
    for variable in &catalog.variables {
        let kpis = catalog.used_by(&variable.id);
        let wanted = match args.tier {
            None => !kpis.is_empty(),
            // A variable belongs to the core sheet when any core KPI reads it.
            Some(Tier::Core) => kpis.iter().any(|k| k.tier == Tier::Core),
            Some(Tier::Advanced) => kpis.iter().any(|k| k.tier == Tier::Advanced),
        };
        if !wanted {
            continue;
        }
        let used_by: Vec<&str> = kpis.iter().map(|k| k.code.as_str()).collect();
        rows.push((variable, used_by.join(" ")));
    }
    rows
}

/// The years the rows are written for, in order: none (one empty year) when not given.
fn years(args: &TemplateOptions) -> impl Iterator<Item = Option<i32>> + '_ {
    let none = args.years.is_empty().then_some(None);
    none.into_iter().chain(args.years.iter().copied().map(Some))
}

/// The template in `format`.
pub fn write_as(
    format: TemplateFormat,
    catalog: &Catalog,
    args: &TemplateOptions,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    match format {
        TemplateFormat::Csv => write(catalog, args, out),
        TemplateFormat::Xlsx => write_xlsx(catalog, args, out),
    }
}

/// The template as CSV.
pub fn write(
    catalog: &Catalog,
    args: &TemplateOptions,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let rows = rows(catalog, args);
    for (year, (variable, used_by)) in years(args).flat_map(|y| rows.iter().map(move |r| (y, r))) {
        let year = year.map(|y| y.to_string()).unwrap_or_default();
        writer.write_record([
            args.city.as_str(),
            year.as_str(),
            variable.id.as_str(),
            "",
            variable.unit.as_str(),
            "",
            "",
            "",
            variable.description.as_str(),
            variable.range_text().as_str(),
            used_by.as_str(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// The `value` column (`HEADER[3]`), and its letter, which the checks' formulas name.
const VALUE: (u16, char) = (3, 'D');

/// The last row the quality and verified checks cover, so rows added below are checked too.
const LAST_CHECKED_ROW: u32 = 100_000;

/// The sheet that lists the words meaning "no value", hidden; the checks name it [`NO_VALUE`].
const LISTS: &str = "Lists";

/// The defined name of the "no value" words on the [`LISTS`] sheet.
const NO_VALUE: &str = "NoValue";

/// The template as an XLSX workbook: a `Data` sheet with the CSV's columns, where `value`
/// accepts what `assess` reads for the variable (its valid range, or its yes/no answers, and
/// the words meaning "no value"), `quality` a level 1-6 and `verified` yes or no. Text is
/// written as text, never as a formula.
pub fn write_xlsx(
    catalog: &Catalog,
    args: &TemplateOptions,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name("Data")?;
    let bold = Format::new().set_bold();
    for (col, title) in (0u16..).zip(HEADER) {
        ws.write_string_with_format(0, col, title, &bold)?;
    }
    let variables = rows(catalog, args);
    let no_value = variables
        .first()
        .map(|(v, _)| dataset::accepted(v).no_value)
        .unwrap_or_default();
    let rows: Vec<_> = years(args)
        .flat_map(|y| variables.iter().map(move |r| (y, r)))
        .collect();
    for (row, (year, (variable, used_by))) in (1u32..).zip(&rows) {
        if !args.city.is_empty() {
            ws.write_string(row, 0, &args.city)?;
        }
        if let Some(year) = *year {
            ws.write_number(row, 1, year)?;
        }
        ws.write_string(row, 2, &variable.id)?;
        ws.write_string(row, 4, &variable.unit)?;
        ws.write_string(row, 8, &variable.description)?;
        let accepted = dataset::accepted(variable);
        ws.write_string(row, 9, &accepted.range_text)?;
        ws.write_string(row, 10, used_by)?;
        if let Some(check) = value_check(&accepted, row)? {
            ws.add_data_validation(row, VALUE.0, row, VALUE.0, &check)?;
        }
    }
    let last = LAST_CHECKED_ROW.max(u32::try_from(rows.len()).unwrap_or(u32::MAX));
    let quality = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(1, 6))
        .set_error_message("The U4SSC data-quality level: a whole number from 1 to 6.")?;
    ws.add_data_validation(1, 6, last, 6, &quality)?;
    let verified = DataValidation::new()
        .allow_list_strings(&["yes", "no"])?
        .set_error_message("yes or no")?;
    ws.add_data_validation(1, 7, last, 7, &verified)?;
    let rows = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows, 10)?;
    for (col, width) in (0u16..).zip([
        14.0, 7.0, 36.0, 12.0, 14.0, 24.0, 9.0, 10.0, 60.0, 14.0, 30.0,
    ]) {
        ws.set_column_width(col, width)?;
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
