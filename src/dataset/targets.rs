//! Targets files: `kpi,target` with optional `city`, `year` and `source` columns, read by the same
//! text layer as data files. Each target keeps the line it came from and its source, so that
//! every report can say where a target was set and on what basis.
//!
//! This module reads and checks the file; it never scores (scoring looks targets up).

use std::collections::HashMap;
use std::path::Path;

use super::csv_text::{self, TextOptions};
use super::rows::each_row;
use super::Dataset;
use crate::catalog::{Catalog, Direction, Measure};
use crate::diagnostic::{Problem, ProblemCode, Problems};

/// One target a targets file sets.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    /// The city as written, or `None` for every city.
    pub city: Option<String>,
    /// The measure's index in [`Catalog::measures`] order.
    pub measure: usize,
    pub value: f64,
    /// The line of the targets file.
    pub line: usize,
    /// Where the target comes from, as the file says (`SDG 6.1`, `national plan`).
    pub source: Option<String>,
    /// The year the target is for (`year` column), which the progress measure uses.
    pub year: Option<i32>,
}

/// The targets a file sets, in file order.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// The file's name as given on the command line.
    pub file: String,
    pub rows: Vec<TargetRow>,
}

impl Targets {
    /// Read a targets file from disk, with the same `--delimiter` and `--decimal` as the data.
    pub fn from_path(
        catalog: &Catalog,
        path: &Path,
        options: &TextOptions,
    ) -> Result<Targets, Problems> {
        let file = path.display().to_string();
        match std::fs::File::open(path) {
            Ok(reader) => Targets::read(catalog, reader, &file, options),
            Err(e) => Err(Problems(vec![Problem::new(
                ProblemCode::UnreadableFile,
                file,
                format!("cannot read the targets file: {e}"),
            )])),
        }
    }

    /// Read targets CSV: `kpi,target` and optionally `city` and `source`; `kpi` is a code
    /// (any spacing), `CODE/part` or id, and a KPI with parts named whole sets every part.
    pub fn read(
        catalog: &Catalog,
        input: impl std::io::Read,
        file: &str,
        options: &TextOptions,
    ) -> Result<Targets, Problems> {
        let table = csv_text::open(input, options, file).map_err(|p| Problems(vec![p]))?;
        let columns = Columns::find(&table.header).ok_or_else(|| {
            Problems(vec![Problem::new(
                ProblemCode::MissingColumn,
                file,
                "a targets file needs the columns kpi,target (and optionally city and source)",
            )
            .at_line(table.header_line)])
        })?;
        let mut reading = Reading {
            catalog,
            file,
            columns,
            decimal_comma: table.shape.decimal_comma,
            measures: catalog.measures().map(|(_, m)| m).collect(),
            seen: HashMap::new(),
            targets: Targets {
                file: file.to_string(),
                rows: Vec::new(),
            },
            problems: Problems::default(),
        };
        let file_problem = each_row(table, file, |record, line| {
            if let Err(problem) = reading.row(record, line) {
                reading.problems.push(problem);
            }
        });
        reading.problems.0.extend(file_problem);
        match reading.problems.has_errors() {
            true => Err(reading.problems),
            false => Ok(reading.targets),
        }
    }

    /// A warning for every city the file names that the data does not have: its targets
    /// would silently never apply.
    pub fn check_cities(&self, data: &Dataset) -> Problems {
        let mut problems = Problems::default();
        let mut warned: Vec<String> = Vec::new();
        for row in &self.rows {
            let Some(city) = &row.city else { continue };
            let lower = super::name_key(city).into_owned();
            // A city `--city` left out is not one the data lacks.
            if warned.contains(&lower)
                || data.left_out.contains(&lower)
                || data.cities.iter().any(|c| super::name_key(c) == lower)
            {
                continue;
            }
            warned.push(lower);
            problems.push(
                Problem::new(
                    ProblemCode::UnknownCity,
                    &self.file,
                    format!("the data has no city \"{city}\", so its targets do not apply; check the spelling"),
                )
                .at_line(row.line)
                .in_column("city")
                .with_value(city),
            );
        }
        problems
    }
}

/// The columns of a targets file.
struct Columns {
    kpi: usize,
    target: usize,
    city: Option<usize>,
    source: Option<usize>,
    year: Option<usize>,
}

impl Columns {
    /// The columns by name (any case); `None` without `kpi` or `target`.
    fn find(header: &[String]) -> Option<Columns> {
        let lower: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
        let col = |n: &str| lower.iter().position(|h| h == n);
        Some(Columns {
            kpi: col("kpi")?,
            target: col("target")?,
            city: col("city"),
            source: col("source"),
            year: col("year"),
        })
    }
}

/// A targets file being read: what is known so far.
struct Reading<'c> {
    catalog: &'c Catalog,
    file: &'c str,
    columns: Columns,
    decimal_comma: bool,
    measures: Vec<&'c Measure>,
    /// (city in lower case, measure) -> line, to name both lines of a repeated row.
    seen: HashMap<(Option<String>, usize), usize>,
    targets: Targets,
    problems: Problems,
}

impl<'c> Reading<'c> {
    /// One row: its targets, or the first problem that stops it (a repeated target is
    /// reported and the row's other parts are kept).
    fn row(&mut self, record: &csv::StringRecord, line: usize) -> Result<(), Problem> {
        let get = |i: usize| record.get(i).unwrap_or("").trim();
        let problem = |code, column: &str, value: &str, message: String| {
            Problem::new(code, self.file, message)
                .at_line(line)
                .in_column(column)
                .with_value(value)
        };
        let name = get(self.columns.kpi);
        let chosen = self
            .catalog
            .measures_named(name)
            .map_err(|message| problem(ProblemCode::UnknownKpi, "kpi", name, message))?;
        if let Some(yes_no) = chosen.iter().find(|m| m.is_yes_no()) {
            let message = format!(
                "{} is a yes/no KPI: its target is always yes; remove this row",
                yes_no.key
            );
            return Err(problem(ProblemCode::YesNoKpiTarget, "kpi", name, message));
        }
        let raw = get(self.columns.target);
        let value = csv_text::parse_number(raw, self.decimal_comma).map_err(|hint| {
            let message = format!("target \"{raw}\" is not a number; {hint}");
            problem(ProblemCode::NotANumber, "target", raw, message)
        })?;
        if let Err((code, message)) = chosen.iter().try_for_each(|m| scorable(m, value, raw)) {
            return Err(problem(code, "target", raw, message));
        }
        let year = match self.columns.year.map(get).filter(|y| !y.is_empty()) {
            None => None,
            Some(raw) => Some(
                target_year(raw)
                    .map_err(|message| problem(ProblemCode::BadYear, "year", raw, message))?,
            ),
        };
        let city = self.columns.city.map(get).filter(|c| !c.is_empty());
        let source = self.columns.source.map(get).filter(|s| !s.is_empty());
        for m in chosen {
            let Some(measure) = self.measures.iter().position(|x| x.id == m.id) else {
                continue;
            };
            let key = (city.map(str::to_lowercase), measure);
            if let Some(before) = self.seen.insert(key, line) {
                let whom = city.map_or("every city".to_string(), |c| c.to_string());
                let message = format!(
                    "{} has a target for {whom} here and at line {before}; keep one of the two rows",
                    m.key
                );
                self.problems
                    .push(problem(ProblemCode::DuplicateTarget, "kpi", name, message));
                continue;
            }
            self.targets.rows.push(TargetRow {
                city: city.map(str::to_string),
                measure,
                value,
                line,
                source: source.map(str::to_string),
                year,
            });
        }
        Ok(())
    }
}

/// A target's year: a four-digit year from 1900 to 2200.
fn target_year(raw: &str) -> Result<i32, String> {
    raw.parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| {
            format!("target year \"{raw}\" is not a year; write a four-digit year such as 2030")
        })
}

/// Whether a target can score measure `m`: within what its values can be, and not a 0 that
/// every value meets (higher is better) or no value but 0 reaches (lower is better, with no
/// reference value in the definition).
fn scorable(m: &Measure, value: f64, raw: &str) -> Result<(), (ProblemCode, String)> {
    if value < 0.0 {
        let message = format!("target {raw} must be a finite number >= 0");
        return Err((ProblemCode::OutOfRange, message));
    }
    let (min, max) = m.range();
    if value < min || value > max {
        let range = match max.is_finite() {
            true => format!("{min} to {max}"),
            false => format!("{min} or more"),
        };
        // A unit that is itself the range (`0-1`) is not repeated after it.
        let unit = match m.unit.as_str() {
            "0-1" => String::new(),
            unit => format!(" {unit}"),
        };
        let message = format!(
            "target {raw} is outside what {} can be ({range}{unit}); give a target in the KPI's unit, within that range",
            m.key
        );
        return Err((ProblemCode::OutOfRange, message));
    }
    if value != 0.0 {
        return Ok(());
    }
    let message = match m.direction {
        Direction::Lower if m.reference.is_none() => format!(
            "a target of 0 for {}, where lower is better, cannot be scored: its definition has no reference value, so any value above 0 earns 0 % of the target (the lowest band); give a target above 0",
            m.key
        ),
        Direction::Higher => format!(
            "a target of 0 for {}, where higher is better, is met by every value, so every value earns the top band; give a target above 0",
            m.key
        ),
        _ => return Ok(()),
    };
    Err((ProblemCode::UnscorableTarget, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_scores_only_within_the_kpis_range_and_not_as_an_empty_zero() {
        let catalog = Catalog::embedded();
        let measure = |key: &str| catalog.find_measure(key).unwrap().1;
        let code = |key: &str, value: f64| {
            scorable(measure(key), value, &value.to_string()).map_err(|(code, _)| code)
        };
        assert_eq!(code("EC:ICT:ICT:1C", 100.0), Ok(()));
        assert_eq!(code("EC:ICT:ICT:1C", 250.0), Err(ProblemCode::OutOfRange));
        assert_eq!(code("EC:ICT:ICT:1C", -1.0), Err(ProblemCode::OutOfRange));
        assert_eq!(code("SC:SH:SI:2C", 1.5), Err(ProblemCode::OutOfRange));
        // Child care may pass 100 % (its definition says max = 1000).
        assert_eq!(code("SC:SH:SI:5A", 120.0), Ok(()));
        // Zero: with a reference (violent crime), scorable; without one, or where higher
        // is better, not.
        assert_eq!(code("SC:SH:SA:8C", 0.0), Ok(()));
        assert_eq!(code("EC:P:EM:1C", 0.0), Err(ProblemCode::UnscorableTarget));
        assert_eq!(
            code("EC:ICT:ICT:3C", 0.0),
            Err(ProblemCode::UnscorableTarget)
        );
        assert_eq!(code("EN:EN:WA:1C/burnt", 0.0), Ok(()));
    }
}
