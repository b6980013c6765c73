//! A data file's header: which column is which, long form or wide, how many fields a row
//! needs, and the columns that are not read. It decides roles; it never reads a row.

use super::loader::Loader;
use crate::diagnostic::{Problem, ProblemCode};

/// Columns whose text travels with the values of their row into every report (a city's
/// comments, the evidence a verifier asked for), under the header's own spelling.
pub const NOTE_COLUMNS: [&str; 13] = [
    "notes",
    "note",
    "comment",
    "comments",
    "remarks",
    "remark",
    "evidence",
    "reference",
    "references",
    "link",
    "url",
    "method",
    "methodology",
];

/// Columns `citykpi template` writes for the person filling it in, which are not read back:
/// the U4SSC template's `reported`, benchmark (`band`) and `origin` (citykpi fills them in; a
/// verifier's "reported" goes in the verification file) and the help columns.
pub const TEMPLATE_COLUMNS: [&str; 6] = [
    "reported",
    "band",
    "origin",
    "description",
    "valid_range",
    "used_by",
];

/// The columns read besides the notes: in long form all of them; in wide form the ones
/// that are not variables.
const MARK_COLUMNS: [&str; 7] = [
    "city", "year", "unit", "source", "quality", "verified", "currency",
];

/// The form of a file: long (one value a row) or wide (a column per variable).
#[derive(Debug, Clone)]
pub(super) enum Form {
    Long {
        variable: usize,
        value: usize,
        unit: Option<usize>,
    },
    /// Each value column, with the field it is (`None`: unknown, warned about once).
    Wide(Vec<(usize, Option<usize>)>),
}

/// The roles of a header's columns.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    /// The header's cells, trimmed.
    pub header: Vec<String>,
    pub city: usize,
    pub year: usize,
    pub form: Form,
    pub source: Option<usize>,
    pub quality: Option<usize>,
    pub verified: Option<usize>,
    /// The city-year's currency, for its amounts of money (`currency.rs`).
    pub currency: Option<usize>,
    /// Note columns, in header order.
    pub notes: Vec<usize>,
    /// The fields a row must have: up to its last required column (city, year, variable
    /// and value in long form; every column but trailing marks and notes in wide form).
    pub required: usize,
}

impl Columns {
    /// The name of column `i` as the header spells it.
    pub fn name(&self, i: usize) -> &str {
        self.header.get(i).map_or("", String::as_str)
    }

    /// The required columns a row of `len` fields lacks, by name.
    pub fn missing(&self, len: usize) -> Vec<&str> {
        let required: Vec<usize> = match &self.form {
            Form::Long {
                variable, value, ..
            } => vec![self.city, self.year, *variable, *value],
            Form::Wide(_) => (0..self.required).collect(),
        };
        required
            .into_iter()
            .filter(|&i| i >= len)
            .map(|i| self.name(i))
            .collect()
    }
}

/// Lower-cased column names, compared as the loader compares names.
fn lowered(header: &[String]) -> Vec<String> {
    header
        .iter()
        .map(|h| super::name_key(h).into_owned())
        .collect()
}

impl Loader<'_> {
    /// The roles of a header's columns; a header that is not data is a problem at its line.
    pub(super) fn columns(
        &mut self,
        header: Vec<String>,
        name: &str,
        header_line: usize,
    ) -> Option<Columns> {
        let lower = lowered(&header);
        if self.duplicate_column(&header, &lower, name, header_line) {
            return None;
        }
        let col = |n: &str| lower.iter().position(|h| h == n);
        let missing = |what: String| {
            Problem::new(ProblemCode::MissingColumn, name, what).at_line(header_line)
        };
        let (Some(city), Some(year)) = (col("city"), col("year")) else {
            let absent: Vec<&str> = ["city", "year"]
                .into_iter()
                .filter(|n| col(n).is_none())
                .collect();
            self.report(missing(if col("kpi").is_some() && col("target").is_some() {
                "this is a targets file (kpi,target), not data; pass it with --targets".into()
            } else {
                format!(
                    "the header has no {} column; long form needs city,year,variable,value and wide form city,year,<variable>...",
                    absent.join(" or ")
                )
            }));
            return None;
        };
        let is_note = |i: usize| NOTE_COLUMNS.contains(&lower[i].as_str());
        let notes: Vec<usize> = (0..header.len()).filter(|&i| is_note(i)).collect();
        let form = match (col("variable"), col("value")) {
            (Some(variable), Some(value)) => Form::Long {
                variable,
                value,
                unit: col("unit"),
            },
            (None, None) => {
                self.wide_unit_column(col("unit"), name, header_line);
                let fields = (0..header.len())
                    .filter(|&i| !MARK_COLUMNS.contains(&lower[i].as_str()) && !is_note(i))
                    .filter(|&i| !header[i].is_empty())
                    .map(|i| {
                        let field =
                            self.resolve_field(&header[i], name, header_line, Some(&header[i]));
                        (i, field)
                    })
                    .collect();
                Form::Wide(fields)
            }
            (v, _) => {
                let absent = if v.is_none() { "variable" } else { "value" };
                self.report(missing(format!(
                    "the header has no {absent} column; long form needs city,year,variable,value"
                )));
                return None;
            }
        };
        let required = match &form {
            Form::Long {
                variable, value, ..
            } => 1 + city.max(year).max(*variable).max(*value),
            Form::Wide(fields) => {
                1 + fields
                    .iter()
                    .map(|&(i, _)| i)
                    .chain([city, year])
                    .max()
                    .unwrap_or(0)
            }
        };
        if let Form::Long { .. } = form {
            self.unknown_columns(&header, &lower, name, header_line);
        }
        Some(Columns {
            city,
            year,
            source: col("source"),
            quality: col("quality"),
            verified: col("verified"),
            currency: col("currency"),
            notes,
            required,
            form,
            header,
        })
    }

    /// A header that names a column twice: one of its values would go unread, in silence,
    /// so the file is not read (`duplicate-column`).
    fn duplicate_column(
        &mut self,
        header: &[String],
        lower: &[String],
        name: &str,
        header_line: usize,
    ) -> bool {
        if let Some((i, h)) = lower
            .iter()
            .enumerate()
            .find(|(i, h)| !h.is_empty() && lower[..*i].contains(h))
        {
            let first = lower.iter().position(|l| l == h).unwrap_or(0);
            self.report(
                Problem::new(
                    ProblemCode::DuplicateColumn,
                    name,
                    format!(
                        "the header names \"{}\" twice (columns {} and {}); name each column once (the file is not read)",
                        header[i],
                        first + 1,
                        i + 1
                    ),
                )
                .at_line(header_line)
                .in_column(&header[i]),
            );
            return true;
        }
        false
    }

    /// A unit column in wide form cannot say which value it is for.
    fn wide_unit_column(&mut self, unit: Option<usize>, name: &str, header_line: usize) {
        if unit.is_some() {
            self.report(
                Problem::new(
                    ProblemCode::UnitMismatch,
                    name,
                    "a unit column in wide form cannot say which value it is for, so it is not read; give each variable in its own unit, or use long form (city,year,variable,value,unit)",
                )
                .at_line(header_line)
                .in_column("unit"),
            );
        }
    }

    /// A long-form column that is none of the ones read is named once, at the header.
    fn unknown_columns(&mut self, header: &[String], lower: &[String], name: &str, line: usize) {
        let read = ["variable", "value"];
        for (i, h) in lower.iter().enumerate() {
            if h.is_empty()
                || self.also_read.as_ref() == Some(h)
                || read.contains(&h.as_str())
                || MARK_COLUMNS.contains(&h.as_str())
                || NOTE_COLUMNS.contains(&h.as_str())
                || TEMPLATE_COLUMNS.contains(&h.as_str())
            {
                continue;
            }
            self.report(
                Problem::new(
                    ProblemCode::UnknownColumn,
                    name,
                    format!(
                        "column \"{}\" is not read; the columns read are city, year, variable, value, unit, source, quality, verified, currency, and notes that travel with the value ({})",
                        header[i],
                        NOTE_COLUMNS.join(", ")
                    ),
                )
                .at_line(line)
                .in_column(&header[i])
                .with_value(&header[i]),
            );
        }
    }
}
