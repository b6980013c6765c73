//! JSON and JSON Lines: every value, score, input and summary, with stable key order.
//!
//! The schema is this module's own types, not the model's. The report is streamed: city-years
//! are scored and serialised a chunk at a time, on several threads, and written in order, so
//! memory does not grow with the run. It formats the model; it never computes.

use std::io::Write;

use super::row::KpiRow;
use super::{in_chunks, round};
use crate::scoring::{Assessment, CityYearReport, Evidence, Outcome, Standing, Summary};

/// What the report rests on: the errors and warnings of its data and targets, the command
/// that lists them, and (in JSON, not in each JSON Lines record) the problems themselves.
#[derive(serde::Serialize)]
struct StandingJson<'a> {
    errors: usize,
    warnings: usize,
    /// A targets file set aside for its errors: the scores are against the default targets.
    targets_set_aside: Option<&'a str>,
    check: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<&'a [crate::diagnostic::Problem]>,
}

impl<'a> StandingJson<'a> {
    fn new(standing: &'a Standing, with_problems: bool) -> Self {
        StandingJson {
            errors: standing.errors,
            warnings: standing.warnings,
            targets_set_aside: standing.targets_set_aside.as_deref(),
            check: &standing.check,
            problems: with_problems.then_some(standing.problems.as_slice()),
        }
    }
}

#[derive(serde::Serialize)]
struct CityYear<'a> {
    city: &'a str,
    year: i32,
    /// JSON Lines: the run's standing on every record (JSON gives it once, at the top).
    #[serde(skip_serializing_if = "Option::is_none")]
    standing: Option<StandingJson<'a>>,
    summary: Vec<SummaryJson<'a>>,
    /// The verification report's lists: KPI codes with no value, and with a value not
    /// flagged verified.
    not_reported: Vec<&'a str>,
    not_verified: Vec<&'a str>,
    kpis: Vec<Kpi<'a>>,
}

#[derive(serde::Serialize)]
struct SummaryJson<'a> {
    level: &'static str,
    code: &'a str,
    name: &'a str,
    core_defined: usize,
    core_computed: usize,
    advanced_defined: usize,
    advanced_computed: usize,
    core_verified: usize,
    advanced_verified: usize,
    scored: usize,
    points: u32,
    max_points: u32,
    score: Option<f64>,
    band: Option<&'a str>,
    mean_achievement: Option<f64>,
    progress_score: Option<f64>,
    progress_status: Option<&'static str>,
}

/// A KPI row ([`KpiRow`], the columns every format writes) with what only JSON holds: the
/// measure's key, the evidence behind the value and the progress calculation.
#[derive(serde::Serialize)]
struct Kpi<'a> {
    key: &'a str,
    #[serde(flatten)]
    row: KpiRow<'a>,
    reported: Option<Input<'a>>,
    inputs: Vec<Input<'a>>,
    progress: Option<ProgressJson>,
}

/// The progress measure and its calculation components.
#[derive(serde::Serialize)]
struct ProgressJson {
    status: &'static str,
    score: Option<f64>,
    base_year: i32,
    base_value: f64,
    previous_year: i32,
    previous_value: f64,
    current_year: i32,
    current_value: f64,
    change_since_previous: f64,
    change_since_base: f64,
    target_year: Option<i32>,
    observed_growth: Option<f64>,
    required_growth: Option<f64>,
    limit_factor: Option<f64>,
}

/// One input; what the data does not say (source, place, conversion, level, flag) is left
/// out rather than written as null.
#[derive(serde::Serialize)]
struct Input<'a> {
    name: &'a str,
    kind: &'static str,
    value: Option<f64>,
    unit: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    converted_from: Option<Given<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quality: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<bool>,
    /// The notes the value's row gives (`comment`, `evidence`, ...), by column.
    #[serde(skip_serializing_if = "indexmap::IndexMap::is_empty")]
    notes: indexmap::IndexMap<&'a str, &'a str>,
}

/// A value as the data gave it, before conversion into the variable's unit.
#[derive(serde::Serialize)]
struct Given<'a> {
    unit: &'a str,
    value: f64,
}

impl<'a> From<&Evidence<'a>> for Input<'a> {
    fn from(e: &Evidence<'a>) -> Self {
        Input {
            name: e.name,
            kind: e.kind.into(),
            value: e.value.map(|v| round(v, 6)),
            unit: e.unit,
            source: e.source,
            file: e.file,
            line: e.line,
            converted_from: e.converted_from.map(|(unit, value)| Given { unit, value }),
            quality: e.quality.map(|q| q.level()),
            verified: e.verified,
            notes: e
                .notes
                .iter()
                .map(|(column, note)| (column.as_str(), note.as_str()))
                .collect(),
        }
    }
}

impl<'a> From<&Summary<'a>> for SummaryJson<'a> {
    fn from(s: &Summary<'a>) -> Self {
        SummaryJson {
            level: s.level.into(),
            code: s.code,
            name: s.name,
            core_defined: s.core_defined,
            core_computed: s.core_computed,
            advanced_defined: s.advanced_defined,
            advanced_computed: s.advanced_computed,
            core_verified: s.core_verified,
            advanced_verified: s.advanced_verified,
            scored: s.scored,
            points: s.points,
            max_points: s.max_points,
            score: s.score.map(|v| round(v, 2)),
            band: s.band.map(|b| b.label.as_str()),
            mean_achievement: s.mean_achievement.map(|v| round(v, 2)),
            progress_score: s.progress.map(|(score, _)| round(score, 2)),
            progress_status: s.progress.map(|(_, status)| status.into()),
        }
    }
}

fn kpi<'a>(city_year: &CityYearReport<'a>, o: &Outcome<'a>) -> Kpi<'a> {
    Kpi {
        key: &o.measure.key,
        row: KpiRow::new(city_year, o),
        reported: o.reported.as_ref().map(Input::from),
        inputs: city_year.inputs(o).iter().map(Input::from).collect(),
        progress: o.progress.map(|t| ProgressJson {
            status: t.progress.status.into(),
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

fn codes(kpis: Vec<&crate::catalog::Kpi>) -> Vec<&str> {
    kpis.into_iter().map(|k| k.code.as_str()).collect()
}

impl<'a> CityYear<'a> {
    fn from(city_year: &CityYearReport<'a>) -> Self {
        CityYear {
            city: city_year.city,
            year: city_year.year,
            standing: None,
            summary: city_year.summaries.iter().map(SummaryJson::from).collect(),
            not_reported: codes(city_year.not_reported()),
            not_verified: codes(city_year.not_verified()),
            kpis: city_year
                .outcomes
                .iter()
                .map(|o| kpi(city_year, o))
                .collect(),
        }
    }
}

/// City-years serialised at a time, shared among the threads ([`in_chunks`]). Each chunk's
/// text (about 100 KB a city-year) is held until it is written, so this bounds the memory
/// JSON adds to the run, on any number of cores: about 3 MiB of text, and the chunk being
/// written.
const IN_FLIGHT: usize = 32;

/// The whole report as one JSON document, one city-year to a line (compact, as machine
/// output is; `jq .` indents it). City-years are serialised in chunks on several threads
/// and written in order.
pub fn render(assessment: &Assessment, threads: usize, out: &mut dyn Write) -> anyhow::Result<()> {
    write!(
        out,
        "{{\"tool\":\"citykpi\",\"version\":{},\"standing\":{},\"assessments\":[",
        serde_json::to_string(env!("CARGO_PKG_VERSION"))?,
        serde_json::to_string(&StandingJson::new(assessment.standing(), true))?
    )?;
    in_chunks(assessment.len(), IN_FLIGHT, threads, out, |rows| {
        // About 100 KB a city-year: one allocation, not a dozen doublings and copies.
        let mut text = Vec::with_capacity(rows.len() * 128 * 1024);
        for i in rows {
            text.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            serde_json::to_writer(&mut text, &CityYear::from(&assessment.city_year(i)))?;
        }
        Ok(text)
    })?;
    writeln!(out, "\n]}}")?;
    Ok(())
}

/// One JSON object per city-year and line, rendered in chunks on several threads.
pub fn render_lines(
    assessment: &Assessment,
    threads: usize,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    in_chunks(assessment.len(), IN_FLIGHT, threads, out, |rows| {
        // About 100 KB a city-year: one allocation, not a dozen doublings and copies.
        let mut text = Vec::with_capacity(rows.len() * 128 * 1024);
        for i in rows {
            let city_year = assessment.city_year(i);
            let record = CityYear {
                standing: Some(StandingJson::new(assessment.standing(), false)),
                ..CityYear::from(&city_year)
            };
            serde_json::to_writer(&mut text, &record)?;
            text.push(b'\n');
        }
        Ok(text)
    })
}
