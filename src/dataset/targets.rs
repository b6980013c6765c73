//! Targets files: `kpi,target` or `city,kpi,target`, each target kept with the line it
//! came from so that every report can say where a target was set.
//!
//! This module reads and checks the file; it never scores (scoring looks targets up).

use std::path::Path;

use crate::catalog::{normalize_code, Catalog, Measure};
use crate::diagnostic::{Problem, ProblemCode, Problems};

/// One target a targets file sets.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    /// The city in lower case, or `None` for every city.
    pub city: Option<String>,
    /// The measure's index in [`Catalog::measures`] order.
    pub measure: usize,
    pub value: f64,
    /// The line of the targets file.
    pub line: usize,
}

/// The targets a file sets, in file order.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// The file's name as given on the command line.
    pub file: String,
    pub rows: Vec<TargetRow>,
}

impl Targets {
    /// Read a targets CSV: `kpi,target` or `city,kpi,target`; `kpi` is a code, `CODE/part` or id.
    pub fn from_csv(catalog: &Catalog, text: &str, file: &str) -> Result<Targets, Problems> {
        let mut problems = Problems::default();
        let mut targets = Targets {
            file: file.to_string(),
            rows: Vec::new(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
            Err(e) => {
                problems
                    .push(Problem::new(ProblemCode::InvalidCsv, file, e.to_string()).at_line(1));
                return Err(problems);
            }
        };
        let col = |n: &str| header.iter().position(|h| h == n);
        let (Some(kpi_col), Some(target_col)) = (col("kpi"), col("target")) else {
            problems.push(
                Problem::new(
                    ProblemCode::MissingColumn,
                    file,
                    "a targets file needs the columns kpi,target (and optionally city)",
                )
                .at_line(1),
            );
            return Err(problems);
        };
        let city_col = col("city");
        let index = |m: &Measure| catalog.measures().position(|(_, x)| x.id == m.id);
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    problems.push(
                        Problem::new(
                            ProblemCode::InvalidCsv,
                            file,
                            format!("{e}; fix the file and run again"),
                        )
                        .at_line(line),
                    );
                    break;
                }
            };
            let line = record.position().map_or(0, |p| p.line() as usize);
            let get = |i: usize| record.get(i).unwrap_or("").trim();
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let name = get(kpi_col);
            let measures: Vec<&Measure> = match catalog.find_measure(name) {
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
            let raw = get(target_col);
            let Ok(value) = raw.parse::<f64>() else {
                problems.push(
                    Problem::new(
                        ProblemCode::NotANumber,
                        file,
                        format!("target \"{raw}\" is not a number; write a plain number such as 95 or 0.5"),
                    )
                    .at_line(line)
                    .in_column("target")
                    .with_value(raw),
                );
                continue;
            };
            if !value.is_finite() || value < 0.0 {
                problems.push(
                    Problem::new(
                        ProblemCode::OutOfRange,
                        file,
                        format!("target {value} must be a finite number >= 0"),
                    )
                    .at_line(line)
                    .in_column("target")
                    .with_value(raw),
                );
                continue;
            }
            let city = city_col
                .map(|c| get(c).to_lowercase())
                .filter(|c| !c.is_empty());
            for m in measures {
                if let Some(measure) = index(m) {
                    targets.rows.push(TargetRow {
                        city: city.clone(),
                        measure,
                        value,
                        line,
                    });
                }
            }
        }
        if problems.has_errors() {
            Err(problems)
        } else {
            Ok(targets)
        }
    }

    /// Read a targets file from disk.
    pub fn from_path(catalog: &Catalog, path: &Path) -> Result<Targets, Problems> {
        let file = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Targets::from_csv(catalog, text.trim_start_matches('\u{feff}'), &file),
            Err(e) => Err(Problems(vec![Problem::new(
                ProblemCode::UnreadableFile,
                file,
                format!("cannot read the targets file: {e}"),
            )])),
        }
    }
}
