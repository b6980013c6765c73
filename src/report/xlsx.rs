//! XLSX: the assessment as a workbook laid out like the U4SSC data-collection template.
//!
//! A `Summary` sheet (every roll-up of every city-year, with the KPIs and data points
//! reported, verified, not verified and not reported), one sheet per dimension (one row per
//! city-year and KPI or KPI part, the U4SSC template's columns together in its order:
//! [`U4SSC_COLUMNS`]) and, where the data has earlier years, a `Progress` sheet. Numbers are numeric cells, empty where there is no value; text is always written
//! as text, never as a formula, so a source such as `=HYPERLINK(...)` stays what it says.
//! Rows go to temporary files as they are written; the workbook is then written whole. It
//! formats the model; it never computes a score.

use crate::error::WriteError;
use std::io::Write;

use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

use super::row::{Cell, KpiRow, NAMES};
use super::{display_verified, round};
use crate::scoring::{Assessment, CityYearReport, Outcome, Status, Summary};

const SUMMARY_HEADER: [&str; 26] = [
    "city",
    "year",
    "level",
    "code",
    "name",
    "score %",
    "band",
    "points",
    "max points",
    "core computed",
    "core defined",
    "advanced computed",
    "advanced defined",
    "core verified",
    "advanced verified",
    "KPIs reported",
    "KPIs verified",
    "KPIs not verified",
    "KPIs not reported",
    "data points reported",
    "data points verified",
    "data points not verified",
    "data points not reported",
    "mean achievement %",
    "progress score",
    "progress status",
];

/// The U4SSC data-collection template's columns for each KPI or data point, in the order its
/// Verification Manual gives them (result O, reported Q, benchmark R, verified S, quality T,
/// origin U, sources V-W), as the report names them. A dimension sheet keeps them together.
pub const U4SSC_COLUMNS: [&str; 7] = [
    "value", "reported", "band", "verified", "quality", "origin", "sources",
];

/// A column of a dimension sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    City,
    Year,
    /// A column of the KPI row, by its index in [`NAMES`].
    Row(usize),
    /// Whether the KPI or part counts as reported (the verifier's override, else a value).
    Reported,
    /// How the value came: computed from its inputs, or reported directly (and where).
    Origin,
    Inputs,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::City => "city",
            Column::Year => "year",
            Column::Row(i) => NAMES[i],
            Column::Reported => "reported",
            Column::Origin => "origin",
            Column::Inputs => "inputs",
        }
    }
}

/// A dimension sheet's columns: `city`, `year`, the KPI row's ([`NAMES`]) with the U4SSC
/// template's together in its order where `value` would be, then the inputs.
fn kpi_columns() -> Vec<Column> {
    let named = |name: &str| match name {
        "reported" => Column::Reported,
        "origin" => Column::Origin,
        _ => Column::Row(
            NAMES
                .iter()
                .position(|n| *n == name)
                .expect("a KPI row column"),
        ),
    };
    let mut columns = vec![Column::City, Column::Year];
    for (i, name) in NAMES.iter().enumerate() {
        if *name == U4SSC_COLUMNS[0] {
            columns.extend(U4SSC_COLUMNS.iter().map(|n| named(n)));
        } else if !U4SSC_COLUMNS.contains(name) {
            columns.push(Column::Row(i));
        }
    }
    columns.push(Column::Inputs);
    columns
}

/// The names of [`kpi_columns`].
fn kpi_header() -> Vec<&'static str> {
    kpi_columns().into_iter().map(Column::name).collect()
}

const PROGRESS_HEADER: [&str; 13] = [
    "city",
    "code",
    "part",
    "name",
    "base year",
    "base value",
    "current year",
    "current value",
    "previous year",
    "change since previous",
    "change since base",
    "status",
    "score",
];

/// Excel's limit on the text of one cell.
const MAX_TEXT: usize = 32_767;

/// The last row a sheet can hold (Excel: 1 048 576 rows, the header included).
const MAX_ROW: u32 = 1_048_575;

/// Render the whole assessment as one XLSX workbook into `out`. Rows go to temporary files
/// as they are written (rust_xlsxwriter's constant-memory sheets), so memory does not grow
/// with the number of city-years.
pub fn render(assessment: &Assessment, out: &mut dyn Write) -> Result<(), WriteError> {
    let bold = Format::new().set_bold();
    let mut workbook = Workbook::new();
    // A report on data with errors says so above the summary's table, in bold red.
    let banner = super::banner(assessment);
    let top = if banner.is_empty() {
        0
    } else {
        banner.len() as u32 + 1
    };
    let alert = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0xB3261E));
    let above: Vec<(&str, &Format)> = banner.iter().map(|l| (l.as_str(), &alert)).collect();
    let mut summary = sheet(&mut workbook, "Summary", &SUMMARY_HEADER, &bold, &above)?;
    let mut progress = sheet(&mut workbook, "Progress", &PROGRESS_HEADER, &bold, &[])?;
    let mut progress_rows = 0;
    let mut summary_rows = 0;
    // One sheet per dimension, in catalogue order, each with its row count.
    let mut dimensions: Vec<(String, Worksheet, u32)> = Vec::new();
    let mut taken = vec!["summary".to_string(), "progress".to_string()];
    let bands = BandFormats::new(assessment);
    for city_year in assessment.iter() {
        for s in &city_year.summaries {
            summary_rows += 1;
            if summary_rows > MAX_ROW {
                return Err(WriteError::TooLarge(format!("the summary sheet would have more rows than a spreadsheet holds ({MAX_ROW}); use --format csv or json, or fewer cities or years (--city, --year)")));
            }
            summary_row(&mut summary, top + summary_rows, &city_year, s)?;
        }
        for o in &city_year.outcomes {
            let index = match dimensions
                .iter()
                .position(|(d, _, _)| *d == o.kpi.dimension)
            {
                Some(i) => i,
                None => {
                    let name = sheet_name(&assessment.catalog.taxonomy.name(&o.kpi.dimension));
                    let name = unique(name, &mut taken);
                    dimensions.push((
                        o.kpi.dimension.clone(),
                        sheet(&mut workbook, &name, &kpi_header(), &bold, &[])?,
                        0,
                    ));
                    dimensions.len() - 1
                }
            };
            let (_, ws, rows) = &mut dimensions[index];
            *rows += 1;
            if *rows > MAX_ROW {
                return Err(WriteError::TooLarge(format!(
                    "the workbook would have more rows than a spreadsheet holds ({MAX_ROW} per sheet); use --format csv or json, or fewer cities or years (--city, --year)"
                )));
            }
            kpi_row(ws, *rows, &city_year, o, &bands)?;
            if o.progress.is_some() {
                progress_rows += 1;
                progress_row(&mut progress, progress_rows, &city_year, o)?;
            }
        }
    }
    finish(
        &mut summary,
        (top, top + summary_rows),
        &SUMMARY_HEADER,
        &[12.0, 6.0, 12.0, 12.0, 36.0],
    )?;
    workbook.push_worksheet(summary);
    for (_, mut ws, rows) in dimensions {
        let widths = [12.0, 6.0, 16.0, 14.0, 48.0, 9.0, 10.0, 12.0, 14.0];
        finish(&mut ws, (0, rows), &kpi_header(), &widths)?;
        workbook.push_worksheet(ws);
    }
    if progress_rows > 0 {
        finish(
            &mut progress,
            (0, progress_rows),
            &PROGRESS_HEADER,
            &[12.0, 16.0, 14.0, 48.0],
        )?;
        workbook.push_worksheet(progress);
    }
    out.write_all(&workbook.save_to_buffer()?)?;
    Ok(())
}

/// A new constant-memory worksheet of `workbook` named `name`: the lines `above` (each in
/// its format), a blank row after them, then a bold `header`. Rows are written in order,
/// as a constant-memory sheet needs.
fn sheet(
    workbook: &mut Workbook,
    name: &str,
    header: &[&str],
    bold: &Format,
    above: &[(&str, &Format)],
) -> Result<Worksheet, XlsxError> {
    let mut ws = workbook.new_worksheet_with_constant_memory();
    ws.set_name(name)?;
    for (row, (line, format)) in (0u32..).zip(above) {
        ws.write_string_with_format(row, 0, *line, format)?;
    }
    let top = if above.is_empty() {
        0
    } else {
        above.len() as u32 + 1
    };
    for (col, title) in (0u16..).zip(header) {
        ws.write_string_with_format(top, col, *title, bold)?;
    }
    Ok(ws)
}

/// Freeze and filter the header (rows `top..=last`: the header and its rows), and size the
/// columns (`widths` first, 12 for the rest).
fn finish(
    ws: &mut Worksheet,
    (top, last_row): (u32, u32),
    header: &[&str],
    widths: &[f64],
) -> Result<(), XlsxError> {
    let last = u16::try_from(header.len() - 1).unwrap_or(u16::MAX);
    ws.set_freeze_panes(top + 1, 0)?;
    ws.autofilter(top, 0, last_row, last)?;
    for (col, title) in (0u16..).zip(header) {
        let width = widths
            .get(usize::from(col))
            .copied()
            .unwrap_or(12.0)
            .max(title.len() as f64 + 3.0);
        ws.set_column_width(col, width)?;
    }
    Ok(())
}

/// A sheet name Excel accepts: no `[]:*?/\`, no quote at either end, at most 31 characters.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean: String = clean.trim_matches('\'').chars().take(31).collect();
    if clean.trim().is_empty() {
        "Dimension".into()
    } else {
        clean
    }
}

/// `name`, or `name (2)`, ... when another sheet has it (Excel ignores case).
fn unique(name: String, taken: &mut Vec<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate.to_lowercase()) {
        let suffix = format!(" ({n})");
        let keep = 31 - suffix.len();
        candidate = format!("{}{suffix}", name.chars().take(keep).collect::<String>());
        n += 1;
    }
    taken.push(candidate.to_lowercase());
    candidate
}

/// Text as a text cell (never a formula), cut to Excel's limit; nothing for empty text.
fn text(ws: &mut Worksheet, row: u32, col: u16, value: &str) -> Result<(), XlsxError> {
    if value.is_empty() {
        return Ok(());
    }
    if value.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        ws.write_string(row, col, &value[..end])?;
    } else {
        ws.write_string(row, col, value)?;
    }
    Ok(())
}

/// A number as a numeric cell; nothing where there is none (or it is not finite).
fn number(ws: &mut Worksheet, row: u32, col: u16, value: Option<f64>) -> Result<(), XlsxError> {
    if let Some(v) = value.filter(|v| v.is_finite()) {
        ws.write_number(row, col, v)?;
    }
    Ok(())
}

fn summary_row(
    ws: &mut Worksheet,
    row: u32,
    city_year: &CityYearReport,
    s: &Summary,
) -> Result<(), XlsxError> {
    let count = |n: usize| Some(n as f64);
    text(ws, row, 0, city_year.city)?;
    number(ws, row, 1, Some(f64::from(city_year.year)))?;
    text(ws, row, 2, s.level.into())?;
    text(ws, row, 3, s.code)?;
    text(ws, row, 4, s.name)?;
    number(ws, row, 5, s.score.map(|v| round(v, 2)))?;
    text(ws, row, 6, s.band.map_or("", |b| b.label.as_str()))?;
    number(ws, row, 7, Some(f64::from(s.points)))?;
    number(ws, row, 8, Some(f64::from(s.max_points)))?;
    number(ws, row, 9, count(s.core_computed))?;
    number(ws, row, 10, count(s.core_defined))?;
    number(ws, row, 11, count(s.advanced_computed))?;
    number(ws, row, 12, count(s.advanced_defined))?;
    number(ws, row, 13, count(s.core_verified))?;
    number(ws, row, 14, count(s.advanced_verified))?;
    // KPIs and data points reported, verified, not verified and not reported (the
    // verification report's sections 2 and 3).
    for (col, counts) in [(15, s.kpis), (19, s.data_points)] {
        let n = [
            counts.reported,
            counts.verified,
            counts.not_verified,
            counts.not_reported,
        ];
        for (at, n) in (col..).zip(n) {
            number(ws, row, at, count(n))?;
        }
    }
    number(ws, row, 23, s.mean_achievement.map(|v| round(v, 2)))?;
    number(ws, row, 24, s.progress.map(|(score, _)| round(score, 2)))?;
    text(
        ws,
        row,
        25,
        s.progress.map_or("", |(_, status)| status.into()),
    )?;
    Ok(())
}

fn kpi_row(
    ws: &mut Worksheet,
    row: u32,
    city_year: &CityYearReport,
    o: &Outcome,
    bands: &BandFormats,
) -> Result<(), XlsxError> {
    let inputs: Vec<String> = city_year
        .inputs(o)
        .iter()
        .map(|e| match e.value {
            Some(v) => format!("{} = {}", e.name, round(v, 6)),
            None => format!("{} = (missing)", e.name),
        })
        .collect();
    let kpi = KpiRow::new(city_year, o);
    let cells = kpi.cells();
    for (col, column) in (0u16..).zip(kpi_columns()) {
        match column {
            Column::City => text(ws, row, col, city_year.city)?,
            Column::Year => number(ws, row, col, Some(f64::from(city_year.year)))?,
            Column::Reported => text(ws, row, col, display_verified(Some(o.is_reported())))?,
            Column::Origin => text(ws, row, col, &origin(o))?,
            Column::Inputs => text(ws, row, col, &inputs.join("; "))?,
            Column::Row(i) => match cells[i] {
                Cell::Text(t) => text(ws, row, col, t.unwrap_or_default())?,
                Cell::Word(w) => text(ws, row, col, w.unwrap_or_default())?,
                Cell::Number(v, decimals) => {
                    number(ws, row, col, v.map(|v| round(v, decimals as i32)))?
                }
                Cell::Integer(v) => number(ws, row, col, v.map(|v| v as f64))?,
                Cell::Flag(v) => text(ws, row, col, display_verified(v))?,
            },
        }
        // The band's cell in the band's colour.
        if let (Some(band), Column::Row(i)) = (o.band, column) {
            if let Some(fill) = bands.get(&band.colour).filter(|_| NAMES[i] == "band") {
                ws.write_string_with_format(row, col, &band.label, fill)?;
            }
        }
    }
    Ok(())
}

/// Where a value comes from, as the U4SSC template's origin: `computed` from its inputs, or
/// `reported directly` with the file and line of the city's figure.
fn origin(o: &Outcome) -> String {
    let place = o
        .reported
        .and_then(|e| Some(format!("{}:{}", e.file?, e.line?)));
    match (&o.status, place) {
        (Status::Computed, _) => "computed".into(),
        (Status::Reported, Some(place)) => format!("reported directly ({place})"),
        (Status::Reported, None) => "reported directly".into(),
        (Status::Missing(_), _) => String::new(),
    }
}

fn progress_row(
    ws: &mut Worksheet,
    row: u32,
    city_year: &CityYearReport,
    o: &Outcome,
) -> Result<(), XlsxError> {
    let Some(t) = o.progress else {
        return Ok(());
    };
    text(ws, row, 0, city_year.city)?;
    text(ws, row, 1, &o.kpi.code)?;
    text(ws, row, 2, o.measure.part.as_deref().unwrap_or_default())?;
    text(ws, row, 3, o.name)?;
    number(ws, row, 4, Some(f64::from(t.base_year)))?;
    number(ws, row, 5, Some(round(t.base_value, 6)))?;
    number(ws, row, 6, Some(f64::from(t.current_year)))?;
    number(ws, row, 7, Some(round(t.current_value, 6)))?;
    number(ws, row, 8, Some(f64::from(t.previous.0)))?;
    number(ws, row, 9, Some(round(t.change_since_previous(), 6)))?;
    number(ws, row, 10, Some(round(t.change_since_base(), 6)))?;
    text(ws, row, 11, t.progress.status.into())?;
    number(ws, row, 12, t.progress.score.map(|v| round(v, 2)))?;
    Ok(())
}

/// The cell format of each band colour of the scoring scheme.
struct BandFormats(Vec<(String, Format)>);

impl BandFormats {
    fn new(assessment: &Assessment) -> Self {
        BandFormats(
            assessment
                .catalog
                .scheme
                .bands
                .iter()
                .filter_map(|b| {
                    let rgb = colour(&b.colour)?;
                    let fill = Format::new().set_background_color(Color::RGB(rgb));
                    Some((b.colour.clone(), fill))
                })
                .collect(),
        )
    }

    fn get(&self, colour: &str) -> Option<&Format> {
        self.0.iter().find(|(c, _)| c == colour).map(|(_, f)| f)
    }
}

/// A catalogue colour name (or `#RRGGBB`) as RGB; `None` for one it does not know.
fn colour(name: &str) -> Option<u32> {
    let rgb = match name.to_ascii_lowercase().replace('-', "_").as_str() {
        "green" => 0x63BE7B,
        "dark_green" => 0x00B050,
        "light_green" => 0xC6EFCE,
        "yellow" => 0xFFEB84,
        "dark_yellow" => 0xFFC000,
        "orange" => 0xF4B183,
        "red" => 0xF8696B,
        "dark_red" => 0xC00000,
        "blue" => 0x9DC3E6,
        "grey" | "gray" => 0xD9D9D9,
        hex => {
            let digits = hex.strip_prefix('#')?;
            if digits.len() != 6 {
                return None;
            }
            return u32::from_str_radix(digits, 16).ok();
        }
    };
    Some(rgb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_ones_excel_accepts_and_unique() {
        assert_eq!(sheet_name("Economy"), "Economy");
        assert_eq!(sheet_name("a/b:c[d]*?\\"), "a_b_c_d____");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        let mut taken = vec!["summary".to_string()];
        assert_eq!(unique("Summary".into(), &mut taken), "Summary (2)");
        assert_eq!(unique("Economy".into(), &mut taken), "Economy");
        assert_eq!(unique("ECONOMY".into(), &mut taken), "ECONOMY (2)");
    }

    #[test]
    fn the_u4ssc_columns_stand_together_and_every_row_column_once() {
        let header = kpi_header();
        let at = header.iter().position(|h| *h == U4SSC_COLUMNS[0]).unwrap();
        assert_eq!(header[at..at + U4SSC_COLUMNS.len()], U4SSC_COLUMNS);
        for name in NAMES {
            assert_eq!(header.iter().filter(|h| **h == name).count(), 1, "{name}");
        }
        assert_eq!(header.len(), NAMES.len() + 5);
    }

    #[test]
    fn catalogue_colours_map_to_rgb() {
        assert_eq!(colour("green"), Some(0x63BE7B));
        assert_eq!(colour("dark_yellow"), Some(0xFFC000));
        assert_eq!(colour("#123456"), Some(0x123456));
        assert_eq!(colour("plaid"), None);
    }
}
