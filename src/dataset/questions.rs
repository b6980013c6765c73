//! Questions to the city: the verifier's questions log (CSV, or a workbook sheet read as data
//! files are) with, per city, year and KPI (or `CODE/part`), the `question`, the city's
//! `answer`, the `status` (open, answered or closed) and the dates it was `asked` and
//! `answered`, as U4SSC's "KPI questions template" keeps them.
//!
//! This module reads and checks the log; it never scores (scoring hands each outcome the
//! questions about its measure, and each city-year its questions).

use std::path::Path;

use super::csv_text::TextOptions;
use super::log_rows::{LogReader, LogRows};
use super::verification::{is_date, unknown_city_years};
use super::Dataset;
use crate::catalog::{Catalog, Measure};
use crate::diagnostic::{Problem, ProblemCode, Problems};

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum QuestionStatus {
    /// Asked, and waiting for the city (or for the verifier to accept its answer).
    Open,
    /// The city answered.
    Answered,
    /// Settled: answered, or withdrawn by the verifier (an answer is not required).
    Closed,
}

impl QuestionStatus {
    /// `open`, `answered` or `closed`.
    pub fn label(self) -> &'static str {
        self.into()
    }
}

/// One question of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The city as written.
    pub city: String,
    pub year: i32,
    /// The KPI or part asked about, as the catalogue keys it (`EC:ICT:ICT:2C`, `CODE/part`).
    pub kpi: String,
    /// The measures it is about, as indices in [`Catalog::measures`] order: one, or every
    /// part of a KPI named whole.
    pub measures: Vec<usize>,
    pub question: String,
    pub answer: Option<String>,
    pub status: QuestionStatus,
    /// `YYYY-MM-DD`.
    pub asked: Option<String>,
    /// `YYYY-MM-DD`.
    pub answered: Option<String>,
    /// The line (or sheet row) of the file.
    pub line: usize,
}

impl Question {
    pub fn is_open(&self) -> bool {
        self.status == QuestionStatus::Open
    }
}

/// The questions of a log, in file order.
#[derive(Debug, Clone, Default)]
pub struct Questions {
    /// The file's name as given on the command line.
    pub file: String,
    pub rows: Vec<Question>,
}

const COLUMNS_HINT: &str = "a questions log needs the columns city,year,kpi,question,status (and any of answer, asked, answered)";

impl Questions {
    /// Read a questions log: CSV (with the data's `--delimiter` and `--decimal`), or a
    /// workbook sheet (`file.xlsx`, `file.xlsx#Sheet`).
    pub fn from_path(
        catalog: &Catalog,
        path: &Path,
        options: &TextOptions,
    ) -> Result<Questions, Problems> {
        let rows = LogRows::from_path(
            path,
            options,
            "the questions log",
            "city,year,kpi,question,status",
        )?;
        Questions::of_rows(catalog, rows)
    }

    /// Read a questions log as CSV.
    pub fn read(
        catalog: &Catalog,
        input: impl std::io::Read,
        file: &str,
        options: &TextOptions,
    ) -> Result<Questions, Problems> {
        Questions::of_rows(catalog, LogRows::read(input, file, options)?)
    }

    /// The file's rows made sense of, each bad row's first problem at its line.
    fn of_rows(catalog: &Catalog, rows: LogRows) -> Result<Questions, Problems> {
        let file = rows.file.clone();
        let reading = Reading::new(catalog, &file, &rows.header, rows.header_line)?;
        rows.read_with(reading)
    }

    /// The warnings of the log against the data: a question marked answered with no answer,
    /// answered before it was asked, or about a city or year the data does not have (it
    /// then never shows).
    pub fn check(&self, data: &Dataset) -> Problems {
        let mut problems = Problems::default();
        for q in &self.rows {
            let problem = |code, column: &str, value: &str, message: String| {
                Problem::new(code, &self.file, message)
                    .at_line(q.line)
                    .in_column(column)
                    .with_value(value)
            };
            if q.status == QuestionStatus::Answered && q.answer.is_none() {
                let message = format!(
                    "the question on {} of {} {} is marked answered but gives no answer; write the city's answer, or mark it open",
                    q.kpi, q.city, q.year
                );
                problems.push(problem(ProblemCode::MissingAnswer, "answer", "", message));
            }
            if let (Some(asked), Some(answered)) = (&q.asked, &q.answered) {
                // YYYY-MM-DD dates compare as text.
                if answered < asked {
                    let message = format!(
                        "the question on {} of {} {} is answered on {answered}, before it was asked on {asked}; check both dates",
                        q.kpi, q.city, q.year
                    );
                    problems.push(problem(
                        ProblemCode::AnsweredBeforeAsked,
                        "answered",
                        answered,
                        message,
                    ));
                }
            }
        }
        let places = self.rows.iter().map(|q| (q.city.as_str(), q.year, q.line));
        problems
            .0
            .extend(unknown_city_years(data, &self.file, places, "so its questions do not show").0);
        problems
    }
}

/// The columns of a questions log.
struct Columns {
    city: usize,
    year: usize,
    kpi: usize,
    question: usize,
    status: usize,
    answer: Option<usize>,
    asked: Option<usize>,
    answered: Option<usize>,
}

impl Columns {
    /// The columns by name (any case); `None` without a required one.
    fn find(header: &[String]) -> Option<Columns> {
        let lower: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let col = |n: &str| lower.iter().position(|h| h == n);
        Some(Columns {
            city: col("city")?,
            year: col("year")?,
            kpi: col("kpi")?,
            question: col("question")?,
            status: col("status")?,
            answer: col("answer"),
            asked: col("asked"),
            answered: col("answered"),
        })
    }
}

/// A questions log being read.
struct Reading<'c> {
    catalog: &'c Catalog,
    file: &'c str,
    columns: Columns,
    measures: Vec<&'c Measure>,
    questions: Questions,
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
                &["city", "year", "kpi", "question", "status"],
                COLUMNS_HINT,
            )
        })?;
        Ok(Reading {
            catalog,
            file,
            columns,
            measures: catalog.measures().map(|(_, m)| m).collect(),
            questions: Questions {
                file: file.to_string(),
                rows: Vec::new(),
            },
            problems: Problems::default(),
        })
    }
}

impl LogReader for Reading<'_> {
    type Log = Questions;

    fn problems(&mut self) -> &mut Problems {
        &mut self.problems
    }

    fn into_parts(self) -> (Questions, Problems) {
        (self.questions, self.problems)
    }

    /// One row: kept, or its first problem recorded.
    fn row(&mut self, cells: &[String], line: usize) {
        match self.try_row(cells, line) {
            Ok(question) => self.questions.rows.push(question),
            Err(problem) => self.problems.push(problem),
        }
    }
}

impl Reading<'_> {
    fn try_row(&self, cells: &[String], line: usize) -> Result<Question, Problem> {
        let get = |i: usize| cells.get(i).map_or("", |c| c.trim());
        let opt = |i: Option<usize>| i.map(get).filter(|c| !c.is_empty());
        let problem = |code, column: &str, value: &str, message: String| {
            Problem::new(code, self.file, message)
                .at_line(line)
                .in_column(column)
                .with_value(value)
        };
        let city = get(self.columns.city);
        if city.is_empty() {
            let message = "the row has no city; give the city the question is for".to_string();
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
        let question = get(self.columns.question);
        if question.is_empty() {
            let message = "the row has no question; write the question put to the city".into();
            return Err(problem(
                ProblemCode::MissingQuestion,
                "question",
                "",
                message,
            ));
        }
        let raw_status = get(self.columns.status);
        let status = raw_status.parse::<QuestionStatus>().map_err(|_| {
            let message = match raw_status.is_empty() {
                true => "the row has no status; write open, answered or closed".to_string(),
                false => format!(
                    "status \"{raw_status}\" is none of open, answered and closed; write one of them"
                ),
            };
            problem(ProblemCode::BadStatus, "status", raw_status, message)
        })?;
        let date = |column: &str, at: Option<usize>| match opt(at) {
            None => Ok(None),
            Some(raw) if is_date(raw) => Ok(Some(raw.to_string())),
            Some(raw) => {
                let message = format!(
                    "{column} date \"{raw}\" is not a date; write it as YYYY-MM-DD, e.g. 2021-06-30"
                );
                Err(problem(ProblemCode::BadDate, column, raw, message))
            }
        };
        let asked = date("asked", self.columns.asked)?;
        let answered = date("answered", self.columns.answered)?;
        let kpi = match chosen.as_slice() {
            [one] => one.key.clone(),
            // A KPI named whole: its code, before its parts' `/part`.
            many => many[0].key.split('/').next().unwrap_or(name).to_string(),
        };
        Ok(Question {
            city: city.to_string(),
            year,
            kpi,
            measures: chosen
                .iter()
                .filter_map(|m| self.measures.iter().position(|x| x.id == m.id))
                .collect(),
            question: question.to_string(),
            answer: opt(self.columns.answer).map(str::to_string),
            status,
            asked,
            answered,
            line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Questions, Problems> {
        Questions::read(
            &Catalog::embedded(),
            text.as_bytes(),
            "q.csv",
            &TextOptions::default(),
        )
    }

    const HEADER: &str = "city,year,kpi,question,answer,status,asked,answered\n";

    #[test]
    fn questions_are_read_as_written_and_a_whole_kpi_asks_of_each_part() {
        let text = format!(
            "{HEADER}Vesterby,2021,EN:EN:WA:1C,Which year is the survey from?,,OPEN,2021-09-30,\n\
             Vesterby,2021,ec:ict:ict:2c,Households or subscriptions?,Households,answered,2021-09-30,2021-10-04\n"
        );
        let read = read(&text).unwrap();
        assert_eq!(read.rows.len(), 2);
        let catalog = Catalog::embedded();
        let parts = catalog.find("EN:EN:WA:1C").unwrap().measures.len();
        assert!(parts > 1);
        let first = &read.rows[0];
        assert_eq!(first.kpi, "EN:EN:WA:1C");
        assert_eq!(first.measures.len(), parts);
        assert_eq!(first.status, QuestionStatus::Open);
        assert!(first.is_open() && first.answer.is_none() && first.line == 2);
        let second = &read.rows[1];
        assert_eq!(second.kpi, "EC:ICT:ICT:2C");
        assert_eq!(second.status.label(), "answered");
        assert_eq!(second.answer.as_deref(), Some("Households"));
        assert_eq!(second.answered.as_deref(), Some("2021-10-04"));
    }

    #[test]
    fn a_bad_row_is_refused_at_its_line_with_its_code() {
        let code = |row: &str| {
            let problems = read(&format!("{HEADER}{row}\n")).unwrap_err();
            let p = &problems.0[0];
            assert_eq!(p.line, Some(2), "{p:?}");
            (p.code, p.column.clone().unwrap_or_default())
        };
        let c = |code: ProblemCode, column: &str| (code, column.to_string());
        assert_eq!(
            code("Vesterby,2021,EC:ICT:ICT:2C,Why?,,pending,,"),
            c(ProblemCode::BadStatus, "status")
        );
        assert_eq!(
            code("Vesterby,2021,EC:ICT:ICT:2C,Why?,,,,"),
            c(ProblemCode::BadStatus, "status")
        );
        assert_eq!(
            code("Vesterby,2021,EC:ICT:ICT:99C,Why?,,open,,"),
            c(ProblemCode::UnknownKpi, "kpi")
        );
        assert_eq!(
            code("Vesterby,2021,EC:ICT:ICT:2C,Why?,,open,30/09/2021,"),
            c(ProblemCode::BadDate, "asked")
        );
        assert_eq!(
            code("Vesterby,2021,EC:ICT:ICT:2C,,,open,,"),
            c(ProblemCode::MissingQuestion, "question")
        );
        assert_eq!(
            code("Vesterby,20x1,EC:ICT:ICT:2C,Why?,,open,,"),
            c(ProblemCode::BadYear, "year")
        );
        let missing = read("city,year,kpi,question\n").unwrap_err();
        assert_eq!(missing.0[0].code, ProblemCode::MissingColumn);
    }
}
