//! Targets files: `kpi,target` with optional `city`, `year` and `source` columns, read by the same
//! text layer as data files. Each target keeps the line it came from and its source, so that
//! every report can say where a target was set and on what basis.
//!
//! This module reads and checks the file; it never scores (scoring looks targets up).

use std::collections::HashMap;
use std::path::Path;

use super::csv_text::{self, TextOptions};
use super::Dataset;
use crate::catalog::{normalize_code, Catalog, Measure};
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
        let mut problems = Problems::default();
        let table = csv_text::open(input, options, file).map_err(|p| Problems(vec![p]))?;
        let lower: Vec<String> = table.header.iter().map(|h| h.to_lowercase()).collect();
        let col = |n: &str| lower.iter().position(|h| h == n);
        let (Some(kpi_col), Some(target_col)) = (col("kpi"), col("target")) else {
            return Err(Problems(vec![Problem::new(
                ProblemCode::MissingColumn,
                file,
                "a targets file needs the columns kpi,target (and optionally city and source)",
            )
            .at_line(table.header_line)]));
        };
        let (city_col, source_col, year_col) = (col("city"), col("source"), col("year"));
        let measures: Vec<&Measure> = catalog.measures().map(|(_, m)| m).collect();
        let mut targets = Targets {
            file: file.to_string(),
            rows: Vec::new(),
        };
        // (city in lower case, measure) -> line, to name both lines of a repeated row.
        let mut seen: HashMap<(Option<String>, usize), usize> = HashMap::new();
        let mut reader = table.reader;
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = table.header_line + e.position().map_or(0, |p| p.line() as usize);
                    problems.push(
                        Problem::new(ProblemCode::InvalidCsv, file, format!("{e}; fix the file"))
                            .at_line(line),
                    );
                    break;
                }
            };
            let line = table.header_line + record.position().map_or(0, |p| p.line() as usize);
            let get = |i: usize| record.get(i).unwrap_or("").trim();
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if record.iter().any(|c| c.contains('\n')) {
                problems.push(
                    Problem::new(
                        ProblemCode::InvalidCsv,
                        file,
                        "a quoted value runs over several lines from here: a quote is not closed; close it (the rows after it cannot be read)",
                    )
                    .at_line(line),
                );
                break;
            }
            let name = get(kpi_col);
            let chosen: Vec<&Measure> = match catalog.find_measure(name) {
                Some((_, m)) => vec![m],
                None => match catalog.find(name) {
                    // A KPI code (or id) without a part sets the target of every part.
                    Some(kpi)
                        if normalize_code(name) == kpi.code
                            || name.eq_ignore_ascii_case(&kpi.id) =>
                    {
                        kpi.measures.iter().collect()
                    }
                    _ => {
                        let hint = catalog
                            .suggest(name)
                            .map_or(String::new(), |s| format!("; did you mean {s}?"));
                        problems.push(
                            Problem::new(
                                ProblemCode::UnknownKpi,
                                file,
                                format!("unknown KPI \"{name}\"{hint}"),
                            )
                            .at_line(line)
                            .in_column("kpi")
                            .with_value(name),
                        );
                        continue;
                    }
                },
            };
            if let Some(yes_no) = chosen.iter().find(|m| m.is_yes_no()) {
                problems.push(
                    Problem::new(
                        ProblemCode::YesNoKpiTarget,
                        file,
                        format!(
                            "{} is a yes/no KPI: its target is always yes; remove this row",
                            yes_no.key
                        ),
                    )
                    .at_line(line)
                    .in_column("kpi")
                    .with_value(name),
                );
                continue;
            }
            let raw = get(target_col);
            let value = match csv_text::parse_number(raw, table.shape.decimal_comma) {
                Ok(value) => value,
                Err(hint) => {
                    problems.push(
                        Problem::new(
                            ProblemCode::NotANumber,
                            file,
                            format!("target \"{raw}\" is not a number; {hint}"),
                        )
                        .at_line(line)
                        .in_column("target")
                        .with_value(raw),
                    );
                    continue;
                }
            };
            if value < 0.0 {
                problems.push(
                    Problem::new(
                        ProblemCode::OutOfRange,
                        file,
                        format!("target {raw} must be a finite number >= 0"),
                    )
                    .at_line(line)
                    .in_column("target")
                    .with_value(raw),
                );
                continue;
            }
            let year = match year_col.map(get).filter(|y| !y.is_empty()) {
                None => None,
                Some(raw) => match raw
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (1900..=2200).contains(y))
                {
                    Some(year) => Some(year),
                    None => {
                        problems.push(
                            Problem::new(
                                ProblemCode::BadYear,
                                file,
                                format!("target year \"{raw}\" is not a year; write a four-digit year such as 2030"),
                            )
                            .at_line(line)
                            .in_column("year")
                            .with_value(raw),
                        );
                        continue;
                    }
                },
            };
            let city = city_col.map(get).filter(|c| !c.is_empty());
            let source = source_col.map(get).filter(|s| !s.is_empty());
            for m in chosen {
                let Some(measure) = measures.iter().position(|x| x.id == m.id) else {
                    continue;
                };
                let key = (city.map(str::to_lowercase), measure);
                if let Some(before) = seen.insert(key, line) {
                    let whom = city.map_or("every city".to_string(), |c| c.to_string());
                    problems.push(
                        Problem::new(
                            ProblemCode::DuplicateTarget,
                            file,
                            format!(
                                "{} has a target for {whom} here and at line {before}; keep one of the two rows",
                                m.key
                            ),
                        )
                        .at_line(line)
                        .in_column("kpi")
                        .with_value(name),
                    );
                    continue;
                }
                targets.rows.push(TargetRow {
                    city: city.map(str::to_string),
                    measure,
                    value,
                    line,
                    source: source.map(str::to_string),
                    year,
                });
            }
        }
        if problems.has_errors() {
            Err(problems)
        } else {
            Ok(targets)
        }
    }

    /// A warning for every city the file names that the data does not have: its targets
    /// would silently never apply.
    pub fn check_cities(&self, data: &Dataset) -> Problems {
        let mut problems = Problems::default();
        let mut warned: Vec<String> = Vec::new();
        for row in &self.rows {
            let Some(city) = &row.city else { continue };
            let lower = city.to_lowercase();
            if warned.contains(&lower) || data.cities.iter().any(|c| c.to_lowercase() == lower) {
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
