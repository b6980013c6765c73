//! The data-collection template: one long-form row per variable to collect.
//!
//! The sheet is the long form `assess` reads (`city`, `year`, `variable`, `value`, `unit`,
//! `source`, and the U4SSC data-quality level 1-6 and verified yes/no of each value), with
//! the U4SSC template's columns together in its order ([`U4SSC_COLUMNS`]), plus columns that
//! help the person filling it in (description, valid range, the KPIs that use the
//! variable). Filled in, it goes straight back to `assess`. As CSV, or as an XLSX workbook
//! whose cells check what is typed (`xlsx`).
//!
//! Without data it lists every variable ([`rows`]); for a city's data, what the city should
//! collect next (`next`: the inputs or KPI figures it lacks, with what it has filled in).
//! It reads no file: the rows come from the catalogue, or from data already loaded.

mod next;
mod xlsx;

use crate::error::WriteError;
use std::io::Write;

use crate::catalog::{Catalog, Tier};
use crate::dataset::{self, Accepted};

pub use next::{collection, reports_figures, Collection};

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

/// The sheet's columns. After the row's place (`city`, `year`, `variable`), the columns of
/// the U4SSC data-collection template in the order its Verification Manual gives them:
/// result (`value`, column O), `reported` (Q), benchmark (`band`, R), `verified` (S), `quality`
/// (T), `origin` (U) and `source` (V-W); then what helps the person filling it in.
/// `assess` reads `value`, `verified`, `quality`, `source` and `unit`; the others are
/// citykpi's and not read back ([`dataset::TEMPLATE_COLUMNS`]).
pub const HEADER: [&str; 14] = [
    "city",
    "year",
    "variable",
    "value",
    "reported",
    "band",
    "verified",
    "quality",
    "origin",
    "source",
    "unit",
    "description",
    "valid_range",
    "used_by",
];

/// The U4SSC template's columns, in the manual's order, as this sheet names them.
pub const U4SSC_COLUMNS: [&str; 7] = [
    "value", "reported", "band", "verified", "quality", "origin", "source",
];

/// One row of the sheet: a variable (or a KPI figure) of a city-year, filled in or blank.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub city: String,
    pub year: Option<i32>,
    /// A variable id, or the key (`CODE` or `CODE/part`) of a KPI figure.
    pub variable: &'a str,
    /// The value as `assess` reads it; empty to fill in.
    pub value: String,
    /// The band of the KPI the row is for, where a part of it is scored.
    pub benchmark: &'a str,
    pub verified: Option<bool>,
    pub quality: Option<u8>,
    /// Where the value was read (`file:line`), or why the data has none.
    pub origin: String,
    pub source: String,
    pub unit: String,
    pub description: String,
    /// What the value cell takes (its valid range in `valid_range`).
    pub accepted: Accepted,
    /// The codes of the KPIs the row is for, space-separated.
    pub used_by: String,
}

impl Row<'_> {
    /// `yes` once the row has a value, as the U4SSC template's Reported column.
    fn reported(&self) -> &'static str {
        match self.value.is_empty() {
            true => "no",
            false => "yes",
        }
    }

    /// The row's cells in [`HEADER`] order, as text.
    fn cells(&self) -> [String; HEADER.len()] {
        let flag = |v: Option<bool>| match v {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        [
            self.city.clone(),
            self.year.map(|y| y.to_string()).unwrap_or_default(),
            self.variable.to_string(),
            self.value.clone(),
            self.reported().to_string(),
            self.benchmark.to_string(),
            flag(self.verified).to_string(),
            self.quality.map(|q| q.to_string()).unwrap_or_default(),
            self.origin.clone(),
            self.source.clone(),
            self.unit.clone(),
            self.description.clone(),
            self.accepted.range_text.clone(),
            self.used_by.clone(),
        ]
    }
}

/// The rows of the template without data: every variable the KPIs (of the tier) read,
/// once per year, with the codes of the KPIs that use it.
pub fn rows<'c>(catalog: &'c Catalog, args: &TemplateOptions) -> Vec<Row<'c>> {
    let mut variables = Vec::new();
    for variable in &catalog.variables {
        let kpis = catalog.used_by(&variable.id);
        let wanted = match args.tier {
            None => !kpis.is_empty(),
            // A variable belongs to the core sheet when any core KPI reads it.
            Some(Tier::Core) => kpis.iter().any(|k| k.tier == Tier::Core),
            Some(Tier::Advanced) => kpis.iter().any(|k| k.tier == Tier::Advanced),
        };
        if wanted {
            let used_by: Vec<&str> = kpis.iter().map(|k| k.code.as_str()).collect();
            variables.push((variable, used_by.join(" ")));
        }
    }
    let none = args.years.is_empty().then_some(None);
    let years = none.into_iter().chain(args.years.iter().copied().map(Some));
    years
        .flat_map(|year| {
            variables.iter().map(move |(variable, used_by)| Row {
                city: args.city.clone(),
                year,
                variable: &variable.id,
                value: String::new(),
                benchmark: "",
                verified: None,
                quality: None,
                origin: String::new(),
                source: String::new(),
                unit: variable.unit.clone(),
                description: variable.description.clone(),
                accepted: dataset::accepted(variable),
                used_by: used_by.clone(),
            })
        })
        .collect()
}

/// The template in `format`.
pub fn write_as(
    format: TemplateFormat,
    catalog: &Catalog,
    args: &TemplateOptions,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    write_rows(format, &rows(catalog, args), out)
}

/// `rows` as a sheet in `format`.
pub fn write_rows(
    format: TemplateFormat,
    rows: &[Row],
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    match format {
        TemplateFormat::Csv => write(rows, out),
        TemplateFormat::Xlsx => xlsx::write(rows, out),
    }
}

/// The rows as CSV.
fn write(rows: &[Row], out: &mut dyn Write) -> Result<(), WriteError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for row in rows {
        writer.write_record(row.cells())?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_u4ssc_columns_are_together_in_the_manuals_order() {
        let at = HEADER.iter().position(|h| *h == U4SSC_COLUMNS[0]).unwrap();
        assert_eq!(HEADER[at..at + U4SSC_COLUMNS.len()], U4SSC_COLUMNS);
    }
}
