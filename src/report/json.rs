//! JSON and JSON Lines: every value, score, input and summary, with stable key order.
//!
//! The schema is this module's own types, not the model's: [`Document`] (a JSON report) and
//! [`CityYear`] (a JSON Lines record), published as `docs/report.schema.json` ([`schema`])
//! and versioned by [`SCHEMA_VERSION`]. They serialise the report and deserialise it back:
//! `citykpi diff` reads reports through them, so what it reads is what is written. The
//! report is streamed: city-years are scored and serialised a chunk at a time, on several
//! threads, and written in order, so memory does not grow with the run. It formats the
//! model; it never computes.

use std::borrow::Cow;
use std::io::Write;

use crate::error::WriteError;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::json_write::{record_head, CityYears};
use super::row::KpiRow;
use super::{in_chunks, round};
use crate::diagnostic::Problem;
use crate::scoring::{Asked, Assessment, Evidence, Reporting, Standing, Summary};
#[cfg(test)]
use crate::scoring::{CityYearReport, Outcome};

/// The version of the report's schema, in every report: the major number changes when a
/// field is removed, renamed or changes meaning; the minor when one is added.
pub const SCHEMA_VERSION: &str = "1.0";

/// A report of `citykpi assess --format json`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Document<'a> {
    /// `citykpi`.
    #[serde(borrow)]
    pub tool: Cow<'a, str>,
    /// The version of citykpi that wrote the report.
    #[serde(borrow)]
    pub version: Cow<'a, str>,
    /// The version of this schema, `major.minor`.
    #[serde(borrow)]
    pub schema_version: Cow<'a, str>,
    #[serde(borrow)]
    pub standing: StandingJson<'a>,
    /// One per city and year, in data order.
    #[serde(borrow)]
    pub assessments: Vec<CityYear<'a>>,
}

/// What the report rests on: the errors and warnings of its data and targets, the command
/// that lists them, and (in JSON, not in each JSON Lines record) the problems themselves.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct StandingJson<'a> {
    pub errors: usize,
    pub warnings: usize,
    /// A targets file set aside for its errors: the scores are against the default targets.
    #[serde(borrow)]
    pub targets_set_aside: Option<Cow<'a, str>>,
    /// The errors of that targets file (0 where a report of schema 1.0 does not say).
    #[serde(default)]
    pub targets_errors: usize,
    /// The command that lists every problem.
    #[serde(borrow)]
    pub check: Cow<'a, str>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<ProblemJson<'a>>>,
}

/// One problem of the data or targets, as `citykpi check data --format json` gives it.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ProblemJson<'a> {
    /// `error` or `warning`.
    #[serde(borrow)]
    pub severity: Cow<'a, str>,
    /// The problem's code, listed in docs/errors.md.
    #[serde(borrow)]
    pub code: Cow<'a, str>,
    #[serde(borrow)]
    pub file: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub column: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub message: Cow<'a, str>,
    /// For an entry "N more ... are not listed", N.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

impl<'a> From<&'a Problem> for ProblemJson<'a> {
    fn from(p: &'a Problem) -> Self {
        ProblemJson {
            severity: p.severity.to_string().into(),
            code: p.code.name().into(),
            file: p.file.as_str().into(),
            line: p.line,
            column: p.column.as_deref().map(Cow::from),
            value: p.value.as_deref().map(Cow::from),
            message: p.message.as_str().into(),
            count: p.count,
        }
    }
}

impl<'a> StandingJson<'a> {
    pub(super) fn new(standing: &'a Standing, with_problems: bool) -> Self {
        StandingJson {
            errors: standing.errors,
            warnings: standing.warnings,
            targets_set_aside: standing.targets_set_aside.as_deref().map(Cow::from),
            targets_errors: standing.targets_errors,
            check: standing.check.as_str().into(),
            problems: with_problems.then(|| standing.problems.iter().map(Into::into).collect()),
        }
    }
}

/// One city-year: an element of a document's `assessments`, or a JSON Lines record.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct CityYear<'a> {
    #[serde(borrow)]
    pub city: Cow<'a, str>,
    pub year: i32,
    /// JSON Lines: the schema version on every record (JSON gives it once, at the top).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<Cow<'a, str>>,
    /// JSON Lines: the run's standing on every record (JSON gives it once, at the top).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<StandingJson<'a>>,
    /// The roll-ups: overall, each dimension, sub-dimension and category.
    #[serde(borrow)]
    pub summary: Vec<SummaryJson<'a>>,
    /// The verification report's lists: KPI codes with no value, and with a value not
    /// flagged verified.
    #[serde(borrow)]
    pub not_reported: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    pub not_verified: Vec<Cow<'a, str>>,
    /// The questions to the city-year, in the questions log's order (every status: filter
    /// on `status` for the open ones); absent without a questions log.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<QuestionJson<'a>>>,
    #[serde(borrow)]
    pub kpis: Vec<Kpi<'a>>,
}

/// A question to the city, as the questions log gives it.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct QuestionJson<'a> {
    /// The KPI code, or `CODE/part`.
    #[serde(borrow)]
    pub kpi: Cow<'a, str>,
    #[serde(borrow)]
    pub question: Cow<'a, str>,
    #[serde(borrow)]
    pub answer: Option<Cow<'a, str>>,
    /// `open`, `answered` or `closed`.
    #[serde(borrow)]
    pub status: Cow<'a, str>,
    /// `YYYY-MM-DD`.
    #[serde(borrow)]
    pub asked: Option<Cow<'a, str>>,
    /// `YYYY-MM-DD`.
    #[serde(borrow)]
    pub answered: Option<Cow<'a, str>>,
    /// The questions log and its line.
    #[serde(borrow)]
    pub file: Cow<'a, str>,
    pub line: usize,
}

impl<'a> From<&Asked<'a>> for QuestionJson<'a> {
    fn from(a: &Asked<'a>) -> Self {
        let q = a.question;
        QuestionJson {
            kpi: q.kpi.as_str().into(),
            question: q.question.as_str().into(),
            answer: q.answer.as_deref().map(Cow::from),
            status: q.status.label().into(),
            asked: q.asked.as_deref().map(Cow::from),
            answered: q.answered.as_deref().map(Cow::from),
            file: a.file.into(),
            line: q.line,
        }
    }
}

/// The roll-up of one group of KPIs.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct SummaryJson<'a> {
    /// `overall`, `dimension`, `subdimension` or `category`.
    #[serde(borrow)]
    pub level: Cow<'a, str>,
    /// `ALL`, `EC`, `EC:ICT`, `EC:ICT:ICT`.
    #[serde(borrow)]
    pub code: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    pub core_defined: usize,
    pub core_computed: usize,
    pub advanced_defined: usize,
    pub advanced_computed: usize,
    pub core_verified: usize,
    pub advanced_verified: usize,
    /// KPIs reported, verified, not verified and not reported (a KPI is reported when one
    /// of its parts is, verified when every reported part is): the verification report's
    /// section 2.
    #[serde(default)]
    pub kpis: Reporting,
    /// The same per data point (each part of a KPI, or the KPI where it has none): section 3.
    #[serde(default)]
    pub data_points: Reporting,
    /// Measures with a score.
    pub scored: usize,
    pub points: u32,
    pub max_points: u32,
    /// Points as a percentage of the maximum.
    pub score: Option<f64>,
    #[serde(borrow)]
    pub band: Option<Cow<'a, str>>,
    pub mean_achievement: Option<f64>,
    pub progress_score: Option<f64>,
    #[serde(borrow)]
    pub progress_status: Option<Cow<'a, str>>,
}

/// A KPI row (the columns every format writes, as in `--format csv`) with what only JSON
/// holds: the measure's key, the evidence behind the value and the progress calculation.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Kpi<'a> {
    /// The measure: the KPI code, with `/part` for a part of a KPI.
    #[serde(borrow)]
    pub key: Cow<'a, str>,
    #[serde(flatten, borrow)]
    pub row: KpiRow<'a>,
    #[serde(borrow)]
    pub reported: Option<Input<'a>>,
    #[serde(borrow)]
    pub inputs: Vec<Input<'a>>,
    #[serde(borrow)]
    pub progress: Option<ProgressJson<'a>>,
}

/// The progress measure and its calculation components.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ProgressJson<'a> {
    #[serde(borrow)]
    pub status: Cow<'a, str>,
    pub score: Option<f64>,
    pub base_year: i32,
    pub base_value: f64,
    pub previous_year: i32,
    pub previous_value: f64,
    pub current_year: i32,
    pub current_value: f64,
    pub change_since_previous: f64,
    pub change_since_base: f64,
    /// The year of the target progress is measured against: the targets file's, or 2030
    /// where it names none.
    pub target_year: Option<i32>,
    pub observed_growth: Option<f64>,
    pub required_growth: Option<f64>,
    pub limit_factor: Option<f64>,
}

/// One input; what the data does not say (source, place, conversion, level, flag) is left
/// out rather than written as null.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Input<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    /// `variable`, `kpi` or `reported`.
    #[serde(borrow)]
    pub kind: Cow<'a, str>,
    pub value: Option<f64>,
    #[serde(borrow)]
    pub unit: Cow<'a, str>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub converted_from: Option<Given<'a>>,
    /// The data-quality level, 1 (accurate measurements) to 6 (unknown methodology).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// The notes the value's row gives (`comment`, `evidence`, ...), by column.
    #[serde(borrow, default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub notes: indexmap::IndexMap<Cow<'a, str>, Cow<'a, str>>,
}

/// A value as the data gave it, before conversion into the variable's unit.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Given<'a> {
    #[serde(borrow)]
    pub unit: Cow<'a, str>,
    pub value: f64,
}

/// A report, as the schema describes it: a JSON document or one JSON Lines record.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Report<'a> {
    Document(Document<'a>),
    Record(CityYear<'a>),
}

/// The JSON Schema of the reports of `assess --format json` (a [`Document`]) and
/// `--format ndjson` (each line a [`CityYear`]), as `docs/report.schema.json` publishes it.
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Report);
    schema.insert(
        "title".into(),
        format!("citykpi assess report, schema {SCHEMA_VERSION}").into(),
    );
    schema.insert(
        "description".into(),
        "A report of `citykpi assess --format json` (a document with every city-year under \
         `assessments`) or one line of `--format ndjson` (one city-year)."
            .into(),
    );
    schema.to_value()
}

impl<'a> From<&Evidence<'a>> for Input<'a> {
    fn from(e: &Evidence<'a>) -> Self {
        Input {
            name: e.name.into(),
            kind: <&str>::from(e.kind).into(),
            value: e.value.map(|v| round(v, 6)),
            unit: e.unit.into(),
            source: e.source.map(Cow::from),
            file: e.file.map(Cow::from),
            line: e.line,
            converted_from: e.converted_from.map(|(unit, value)| Given {
                unit: unit.into(),
                value,
            }),
            quality: e.quality.map(|q| q.level()),
            verified: e.verified,
            notes: e
                .notes
                .iter()
                .map(|(column, note)| (column.as_str().into(), note.as_str().into()))
                .collect(),
        }
    }
}

impl<'a> From<&Summary<'a>> for SummaryJson<'a> {
    fn from(s: &Summary<'a>) -> Self {
        SummaryJson {
            level: <&str>::from(s.level).into(),
            code: s.code.into(),
            name: s.name.into(),
            core_defined: s.core_defined,
            core_computed: s.core_computed,
            advanced_defined: s.advanced_defined,
            advanced_computed: s.advanced_computed,
            core_verified: s.core_verified,
            advanced_verified: s.advanced_verified,
            kpis: s.kpis,
            data_points: s.data_points,
            scored: s.scored,
            points: s.points,
            max_points: s.max_points,
            score: s.score.map(|v| round(v, 2)),
            band: s.band.map(|b| b.label.as_str().into()),
            mean_achievement: s.mean_achievement.map(|v| round(v, 2)),
            progress_score: s.progress.map(|(score, _)| round(score, 2)),
            progress_status: s.progress.map(|(_, status)| <&str>::from(status).into()),
        }
    }
}

#[cfg(test)]
fn kpi<'a>(city_year: &CityYearReport<'a>, o: &Outcome<'a>) -> Kpi<'a> {
    Kpi {
        key: o.measure.key.as_str().into(),
        row: KpiRow::new(city_year, o),
        reported: o.reported.as_ref().map(Input::from),
        inputs: city_year.inputs(o).iter().map(Input::from).collect(),
        progress: o.progress.map(|t| ProgressJson {
            status: <&str>::from(t.progress.status).into(),
            score: t.progress.score.map(|v| round(v, 4)),
            base_year: t.base_year,
            base_value: round(t.base_value, 6),
            previous_year: t.previous.0,
            previous_value: round(t.previous.1, 6),
            current_year: t.current_year,
            current_value: round(t.current_value, 6),
            change_since_previous: round(t.change_since_previous(), 6),
            change_since_base: round(t.change_since_base(), 6),
            target_year: t.target_year,
            observed_growth: t.progress.observed_growth.map(|v| round(v, 6)),
            required_growth: t.progress.required_growth.map(|v| round(v, 6)),
            limit_factor: t.progress.limit_factor.map(|v| round(v, 6)),
        }),
    }
}

#[cfg(test)]
fn codes<'a>(kpis: Vec<&'a crate::catalog::Kpi>) -> Vec<Cow<'a, str>> {
    kpis.into_iter().map(|k| k.code.as_str().into()).collect()
}

#[cfg(test)]
impl<'a> CityYear<'a> {
    /// The schema's record of a city-year, as the report writes it ([`super::json_write`]
    /// writes the same bytes without it; the tests compare the two).
    pub(super) fn from_report(city_year: &CityYearReport<'a>) -> Self {
        CityYear {
            city: city_year.city.into(),
            year: city_year.year,
            schema_version: None,
            standing: None,
            summary: city_year.summaries.iter().map(SummaryJson::from).collect(),
            not_reported: codes(city_year.not_reported()),
            not_verified: codes(city_year.not_verified()),
            questions: city_year
                .questions
                .as_ref()
                .map(|q| q.iter().map(QuestionJson::from).collect()),
            kpis: city_year
                .outcomes
                .iter()
                .map(|o| kpi(city_year, o))
                .collect(),
        }
    }
}

/// City-years serialised at a time, shared among the threads ([`in_chunks`]). Each chunk's
/// text (100 to 200 KB a city-year) is held until it is written, so this bounds the memory
/// JSON adds to the run, on any number of cores: about 3 MiB of text, and the chunk being
/// written.
const IN_FLIGHT: usize = 16;

/// About 170 KB a city-year (a run of every KPI with ten years of progress): one
/// allocation a chunk, not a dozen doublings and copies.
fn chunk_text(city_years: usize) -> Vec<u8> {
    Vec::with_capacity(city_years * 192 * 1024)
}

/// The whole report as one JSON document, one city-year to a line (compact, as machine
/// output is; `jq .` indents it). City-years are serialised in chunks on several threads
/// and written in order.
pub fn render(
    assessment: &Assessment,
    threads: usize,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    // The document's own serialisation, up to its (empty) list of city-years.
    let head = serde_json::to_string(&Document {
        tool: "citykpi".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        schema_version: SCHEMA_VERSION.into(),
        standing: StandingJson::new(assessment.standing(), true),
        assessments: Vec::new(),
    })?;
    write!(out, "{}", head.strip_suffix("]}").unwrap_or(&head))?;
    in_chunks(assessment.len(), IN_FLIGHT, threads, out, |rows| {
        let mut text = chunk_text(rows.len());
        let mut city_years = CityYears::document();
        for i in rows {
            text.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            city_years.write(&mut text, &assessment.city_year(i))?;
        }
        Ok(text)
    })?;
    writeln!(out, "\n]}}")?;
    Ok(())
}

/// One JSON object per city-year and line, each with the schema version and the run's
/// standing, rendered in chunks on several threads.
pub fn render_lines(
    assessment: &Assessment,
    threads: usize,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let head = record_head(&StandingJson::new(assessment.standing(), false))?;
    in_chunks(assessment.len(), IN_FLIGHT, threads, out, |rows| {
        let mut text = chunk_text(rows.len());
        let mut city_years = CityYears::records(&head);
        for i in rows {
            city_years.write(&mut text, &assessment.city_year(i))?;
            text.push(b'\n');
        }
        Ok(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{ProblemCode, Problems};

    /// The standing's problems serialise as `check data --format json` writes a problem.
    #[test]
    fn a_problem_reads_as_check_data_writes_it() {
        let problem = Problem::new(ProblemCode::NotANumber, "a.csv", "not a number")
            .at_line(3)
            .with_value("x");
        let problems = Problems(vec![problem.clone()]);
        let standing = Standing::new([&problems], "citykpi check data a.csv --all".into());
        let json = serde_json::to_value(StandingJson::new(&standing, true)).unwrap();
        assert_eq!(json["problems"][0], serde_json::to_value(&problem).unwrap());
        assert_eq!(json["errors"], 1);
        let lines = serde_json::to_value(StandingJson::new(&standing, false)).unwrap();
        assert!(lines.get("problems").is_none());
    }
}
