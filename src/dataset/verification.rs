//! The verifier's record: a verification file (CSV, or a workbook sheet read as data files
//! are) with, per city, year and KPI (or `CODE/part`), the verifier's `reported` override
//! (yes/no), the `verified` status (yes, no or not verifiable), a `comment`, the `evidence`
//! (references to documents), the `verifier` and the `date`, as U4SSC's data collection
//! template keeps them (columns Q and S, and the verifier's notes).
//!
//! This module reads and checks the file; it never scores (scoring looks each row up for
//! the city-year it scores, and the file's status wins over the data's `verified` column).

use std::collections::HashMap;
use std::path::Path;

use super::csv_text::{TextOptions, NO, YES};
use super::log_rows::{LogReader, LogRows};
use super::Dataset;
use crate::catalog::{Catalog, Measure};
use crate::diagnostic::{Problem, ProblemCode, Problems};

/// The verifier's status of a KPI or data point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
pub enum Verdict {
    #[strum(serialize = "yes")]
    Yes,
    #[strum(serialize = "no")]
    No,
    /// The verifier could not check it (no source, no evidence): not verified.
    #[strum(serialize = "not verifiable")]
    NotVerifiable,
}

impl Verdict {
    /// `yes`, `no` or `not verifiable`.
    pub fn label(self) -> &'static str {
        self.into()
    }

    /// Whether the value counts as verified.
    pub fn is_verified(self) -> bool {
        self == Verdict::Yes
    }
}

/// What the verifier says about one measure of one city-year.
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationRow {
    /// The city as written.
    pub city: String,
    pub year: i32,
    /// The measure's index in [`Catalog::measures`] order.
    pub measure: usize,
    /// The verifier's override of "reported" (U4SSC template column Q), where given.
    pub reported: Option<bool>,
    /// The verifier's status (column S), where given.
    pub verdict: Option<Verdict>,
    pub comment: Option<String>,
    /// References to the documents the verifier checked.
    pub evidence: Option<String>,
    pub verifier: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The line (or sheet row) of the file.
    pub line: usize,
}

/// The rows of a verification file, in file order.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// The file's name as given on the command line.
    pub file: String,
    pub rows: Vec<VerificationRow>,
}

const COLUMNS_HINT: &str = "a verification file needs the columns city,year,kpi (and any of reported, verified, comment, evidence, verifier, date)";

impl Verification {
    /// Read a verification file: CSV (with the data's `--delimiter` and `--decimal`), or a
    /// workbook sheet (`file.xlsx`, `file.xlsx#Sheet`).
    pub fn from_path(
        catalog: &Catalog,
        path: &Path,
        options: &TextOptions,
    ) -> Result<Verification, Problems> {
        let rows = LogRows::from_path(
            path,
            options,
            "the verification file",
            "city,year,kpi,verified",
        )?;
        Verification::of_rows(catalog, rows)
    }

    /// Read verification CSV.
    pub fn read(
        catalog: &Catalog,
        input: impl std::io::Read,
        file: &str,
        options: &TextOptions,
    ) -> Result<Verification, Problems> {
        Verification::of_rows(catalog, LogRows::read(input, file, options)?)
    }

    /// The file's rows made sense of, each bad row's first problem at its line.
    fn of_rows(catalog: &Catalog, rows: LogRows) -> Result<Verification, Problems> {
        let file = rows.file.clone();
        let reading = Reading::new(catalog, &file, &rows.header, rows.header_line)?;
        rows.read_with(reading)
    }

    /// A warning for every city the file names that the data does not have, and every year
    /// the data does not have for that city: what the verifier says there never applies.
    pub fn check(&self, data: &Dataset) -> Problems {
        let places = self.rows.iter().map(|r| (r.city.as_str(), r.year, r.line));
        unknown_city_years(
            data,
            &self.file,
            places,
            "so what the verifier says of it does not apply",
        )
    }

    /// The rows by city (as [`super::name_key`] compares it), year and measure.
    pub fn index(&self) -> HashMap<(String, i32, usize), &VerificationRow> {
        self.rows
            .iter()
            .map(|r| {
                (
                    (super::name_key(&r.city).into_owned(), r.year, r.measure),
                    r,
                )
            })
            .collect()
    }
}

/// A warning for the first row (`city`, `year`, `line`) of `file` naming each city the data
/// does not have, and each year the data does not have for a city it has; `so` says what
/// follows ("so its questions do not show").
pub(super) fn unknown_city_years<'r>(
    data: &Dataset,
    file: &str,
    rows: impl Iterator<Item = (&'r str, i32, usize)>,
    so: &str,
) -> Problems {
    let mut problems = Problems::default();
    let mut warned: Vec<(String, Option<i32>)> = Vec::new();
    for (name, year, line) in rows {
        let city = super::name_key(name).into_owned();
        // A city `--city` left out is not one the data lacks.
        if data.left_out.contains(&city) {
            continue;
        }
        let rows: Vec<usize> = (0..data.rows())
            .filter(|&r| super::name_key(&data.cities[r]) == city)
            .collect();
        let (key, code, column, value, message) = if rows.is_empty() {
            (
                (city, None),
                ProblemCode::UnknownCity,
                "city",
                name.to_string(),
                format!("the data has no city \"{name}\", {so}; check the spelling"),
            )
        } else if !rows.iter().any(|&r| data.years[r] == year) {
            let mut years: Vec<String> = rows.iter().map(|&r| data.years[r].to_string()).collect();
            years.dedup();
            (
                (city, Some(year)),
                ProblemCode::UnknownYear,
                "year",
                year.to_string(),
                format!(
                    "the data has no year {year} for {name} (it has {}), {so}; check the year",
                    years.join(", ")
                ),
            )
        } else {
            continue;
        };
        if warned.contains(&key) {
            continue;
        }
        warned.push(key);
        problems.push(
            Problem::new(code, file, message)
                .at_line(line)
                .in_column(column)
                .with_value(value),
        );
    }
    problems
}

/// The columns of a verification file.
struct Columns {
    city: usize,
    year: usize,
    kpi: usize,
    reported: Option<usize>,
    verified: Option<usize>,
    comment: Option<usize>,
    evidence: Option<usize>,
    verifier: Option<usize>,
    date: Option<usize>,
}

impl Columns {
    /// The columns by name (any case); `None` without `city`, `year` or `kpi`.
    fn find(header: &[String]) -> Option<Columns> {
        let lower: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let col = |n: &str| lower.iter().position(|h| h == n);
        Some(Columns {
            city: col("city")?,
            year: col("year")?,
            kpi: col("kpi")?,
            reported: col("reported"),
            verified: col("verified"),
            comment: col("comment"),
            evidence: col("evidence"),
            verifier: col("verifier"),
            date: col("date"),
        })
    }
}

/// A verification file being read.
struct Reading<'c> {
    catalog: &'c Catalog,
    file: &'c str,
    columns: Columns,
    measures: Vec<&'c Measure>,
    /// (city, year, measure) -> line, to name both lines of a repeated row.
    seen: HashMap<(String, i32, usize), usize>,
    verification: Verification,
    problems: Problems,
}

impl<'c> Reading<'c> {
    fn new(
        catalog: &'c Catalog,
        file: &'c str,
        header: &[String],
        header_line: usize,
    ) -> Result<Self, Problems> {
        let columns = Columns::find(header).ok_or_else(|| {
            super::log_rows::missing_columns(
                file,
                header,
                header_line,
                &["city", "year", "kpi"],
                COLUMNS_HINT,
            )
        })?;
        Ok(Reading {
            catalog,
            file,
            columns,
            measures: catalog.measures().map(|(_, m)| m).collect(),
            seen: HashMap::new(),
            verification: Verification {
                file: file.to_string(),
                rows: Vec::new(),
            },
            problems: Problems::default(),
        })
    }
}

impl LogReader for Reading<'_> {
    type Log = Verification;

    fn problems(&mut self) -> &mut Problems {
        &mut self.problems
    }

    fn into_parts(self) -> (Verification, Problems) {
        (self.verification, self.problems)
    }

    /// One row: kept, or its first problem recorded.
    fn row(&mut self, cells: &[String], line: usize) {
        if let Err(problem) = self.try_row(cells, line) {
            self.problems.push(problem);
        }
    }
}

impl Reading<'_> {
    fn try_row(&mut self, cells: &[String], line: usize) -> Result<(), Problem> {
        let get = |i: usize| cells.get(i).map_or("", |c| c.trim());
        let opt = |i: Option<usize>| i.map(get).filter(|c| !c.is_empty());
        let file = self.file;
        let problem = |code, column: &str, value: &str, message: String| {
            Problem::new(code, file, message)
                .at_line(line)
                .in_column(column)
                .with_value(value)
        };
        let city = get(self.columns.city);
        if city.is_empty() {
            let message = "the row has no city; give the city the verifier speaks of".to_string();
            return Err(problem(ProblemCode::MissingCity, "city", "", message));
        }
        let raw_year = get(self.columns.year);
        let year = super::rows::parse_year(raw_year).ok_or_else(|| {
            let message =
                format!("year \"{raw_year}\" is not a year; write a four-digit year such as 2021");
            problem(ProblemCode::BadYear, "year", raw_year, message)
        })?;
        let name = get(self.columns.kpi);
        let chosen = self
            .catalog
            .measures_named(name)
            .map_err(|message| problem(ProblemCode::UnknownKpi, "kpi", name, message))?;
        let reported = match opt(self.columns.reported) {
            None => None,
            Some(raw) => Some(yes_no(raw).ok_or_else(|| {
                let message = format!(
                    "reported \"{raw}\" is neither yes nor no; write yes or no (or leave it empty: a value in the data is reported)"
                );
                problem(ProblemCode::BadReported, "reported", raw, message)
            })?),
        };
        let verdict = match opt(self.columns.verified) {
            None => None,
            Some(raw) => Some(verdict(raw).ok_or_else(|| {
                let message = format!(
                    "verified \"{raw}\" is none of yes, no and not verifiable; write one of them"
                );
                problem(ProblemCode::BadVerified, "verified", raw, message)
            })?),
        };
        let date = match opt(self.columns.date) {
            None => None,
            Some(raw) if is_date(raw) => Some(raw.to_string()),
            Some(raw) => {
                let message = format!(
                    "date \"{raw}\" is not a date; write it as YYYY-MM-DD, e.g. 2021-06-30"
                );
                return Err(problem(ProblemCode::BadDate, "date", raw, message));
            }
        };
        for m in chosen {
            let Some(measure) = self.measures.iter().position(|x| x.id == m.id) else {
                continue;
            };
            let key = (super::name_key(city).into_owned(), year, measure);
            if let Some(before) = self.seen.insert(key, line) {
                let message = format!(
                    "{} of {city} {year} is verified here and at line {before}; keep one of the two rows",
                    m.key
                );
                self.problems.push(problem(
                    ProblemCode::DuplicateVerification,
                    "kpi",
                    name,
                    message,
                ));
                continue;
            }
            self.verification.rows.push(VerificationRow {
                city: city.to_string(),
                year,
                measure,
                reported,
                verdict,
                comment: opt(self.columns.comment).map(str::to_string),
                evidence: opt(self.columns.evidence).map(str::to_string),
                verifier: opt(self.columns.verifier).map(str::to_string),
                date: date.clone(),
                line,
            });
        }
        Ok(())
    }
}

fn yes_no(raw: &str) -> Option<bool> {
    let lower = raw.to_lowercase();
    if YES.contains(&lower.as_str()) {
        Some(true)
    } else if NO.contains(&lower.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// `yes`/`no` (as the data's `verified` column reads them), or `not verifiable` (any case,
/// with a space, hyphen or underscore, or `unverifiable`).
fn verdict(raw: &str) -> Option<Verdict> {
    if let Some(yes) = yes_no(raw) {
        return Some(if yes { Verdict::Yes } else { Verdict::No });
    }
    let words: String = raw
        .to_lowercase()
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    matches!(words.as_str(), "not verifiable" | "unverifiable").then_some(Verdict::NotVerifiable)
}

/// `YYYY-MM-DD` with a month 1-12 and a day 1-31.
pub(super) fn is_date(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok())?
    };
    match parts.as_slice() {
        [y, m, d] => {
            number(y, 4).is_some()
                && number(m, 2).is_some_and(|m| (1..=12).contains(&m))
                && number(d, 2).is_some_and(|d| (1..=31).contains(&d))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_dates_and_rows_are_read_as_written() {
        assert_eq!(verdict("YES"), Some(Verdict::Yes));
        assert_eq!(verdict("n"), Some(Verdict::No));
        assert_eq!(verdict("Not  verifiable"), Some(Verdict::NotVerifiable));
        assert_eq!(verdict("not-verifiable"), Some(Verdict::NotVerifiable));
        assert_eq!(verdict("maybe"), None);
        assert!(is_date("2021-06-30"));
        assert!(!is_date("2021-13-01"));
        assert!(!is_date("30/06/2021"));
        let catalog = Catalog::embedded();
        let text = "city,year,kpi,verified,comment\nVesterby,2021,EN:EN:WA:1C,no,parts missing\n";
        let read = Verification::read(&catalog, text.as_bytes(), "v.csv", &TextOptions::default())
            .unwrap();
        // A KPI named whole speaks for each of its parts.
        let parts = catalog.find("EN:EN:WA:1C").unwrap().measures.len();
        assert_eq!(read.rows.len(), parts);
        assert!(read
            .rows
            .iter()
            .all(|r| r.verdict == Some(Verdict::No) && r.line == 2));
        assert_eq!(read.rows[0].comment.as_deref(), Some("parts missing"));
    }
}
