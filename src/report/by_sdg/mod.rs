//! Results by SDG (`assess --by sdg`): the model's [`BySdg`] in every format but NGSI-LD.
//!
//! The tabular formats (CSV, Parquet, Arrow, the workbook's sheet) write one long table,
//! [`SdgRow`], in [`NAMES`] order: per city-year, each goal (all 17), then under it each
//! target a KPI links to, then under that target each KPI (or part) linked to it. JSON
//! nests the same rows ([`json`]); the table and Markdown draw them per goal ([`text`]);
//! HTML has its own section (`html::sdg`). It formats the model; it never computes.

mod columnar;
mod json;
mod text;

use std::io::Write;

use rust_xlsxwriter::{Format as XlsxFormat, Workbook};

pub use self::json::{schema, SdgDocument};
use super::{display_value, Format, Style};
use crate::error::WriteError;
use crate::scoring::sdg::{BySdg, Coverage, SdgGrouping};
use crate::scoring::{Assessment, Outcome, Summary};

/// How `--by` groups the results.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum By {
    /// By Sustainable Development Goal and target, from the catalogue's `sdg` links.
    Sdg,
}

/// Why a format has no results by SDG, where it has none.
pub fn refusal(format: Format) -> Option<&'static str> {
    (format == Format::NgsiLd).then_some(
        "--by sdg has no NGSI-LD form: a KeyPerformanceIndicator entity is one KPI of one city-year, \
         and the Smart Data Models vocabulary has no entity for a roll-up by SDG goal or target; \
         use --format ngsi-ld without --by for the entities, or --by sdg with json, csv, html, ...",
    )
}

/// Render the whole assessment by SDG in `format`.
pub fn render(
    format: Format,
    assessment: &Assessment,
    style: Style,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    if let Some(why) = refusal(format) {
        return Err(std::io::Error::new(std::io::ErrorKind::Unsupported, why).into());
    }
    let grouping = SdgGrouping::new(assessment);
    match format {
        Format::Table => text::render_table(assessment, &grouping, style, out),
        Format::Md => text::render_markdown(assessment, &grouping, out),
        Format::Json => json::render(assessment, &grouping, out),
        Format::Ndjson => json::render_lines(assessment, &grouping, out),
        Format::Html => super::html::sdg::render(assessment, &grouping, out),
        Format::Csv => render_csv(assessment, &grouping, out),
        Format::Xlsx => render_xlsx(assessment, &grouping, out),
        Format::Parquet | Format::Arrow => {
            columnar::render(format == Format::Parquet, assessment, &grouping, out)
        }
        Format::NgsiLd => Ok(()), // refused above
    }
}

/// The long table's columns, in order.
pub const NAMES: [&str; 19] = [
    "city",
    "year",
    "level",
    "goal",
    "target",
    "code",
    "part",
    "name",
    "value",
    "display",
    "unit",
    "score",
    "band",
    "points",
    "max_points",
    "progress_status",
    "progress_score",
    "kpis_scored",
    "kpis_linked",
];

/// One row of the long table: a goal's or a target's roll-up, or a KPI (or part) under a
/// target. `score` is the roll-up's percentage (points of the maximum), or a KPI's
/// achievement; `kpis_scored` of `kpis_linked` is the coverage (for a KPI row: 1 of 1 when
/// it has a score).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct SdgRow {
    pub city: String,
    pub year: i32,
    /// `goal`, `target` or `kpi`.
    pub level: String,
    pub goal: String,
    pub target: Option<String>,
    pub code: Option<String>,
    pub part: Option<String>,
    /// The goal's short title, or the KPI's (part's) name; none for a target.
    pub name: Option<String>,
    pub value: Option<f64>,
    /// The value as reports print it: `97.10`, `yes`.
    pub display: Option<String>,
    pub unit: Option<String>,
    pub score: Option<f64>,
    pub band: Option<String>,
    pub points: Option<u32>,
    pub max_points: Option<u32>,
    pub progress_status: Option<String>,
    pub progress_score: Option<f64>,
    pub kpis_scored: usize,
    pub kpis_linked: usize,
}

impl SdgRow {
    fn roll_up(by: &BySdg, level: &str, goal: &str, s: &Summary, c: Coverage) -> SdgRow {
        SdgRow {
            city: by.city_year.city.into(),
            year: by.city_year.year,
            level: level.into(),
            goal: goal.into(),
            target: (level == "target").then(|| s.code.into()),
            code: None,
            part: None,
            name: (level == "goal").then(|| s.name.into()),
            value: None,
            display: None,
            unit: None,
            score: s.score.map(|v| super::round(v, 2)),
            band: s.band.map(|b| b.label.clone()),
            points: (s.scored > 0).then_some(s.points),
            max_points: (s.scored > 0).then_some(s.max_points),
            progress_status: s.progress.map(|p| <&str>::from(p.1).into()),
            progress_score: s.progress.map(|p| super::round(p.0, 2)),
            kpis_scored: c.scored,
            kpis_linked: c.linked,
        }
    }

    fn kpi(by: &BySdg, goal: &str, target: &str, o: &Outcome, max: u8) -> SdgRow {
        let trend = o.progress;
        SdgRow {
            city: by.city_year.city.into(),
            year: by.city_year.year,
            level: "kpi".into(),
            goal: goal.into(),
            target: Some(target.into()),
            code: Some(o.kpi.code.clone()),
            part: o.measure.part.clone(),
            name: Some(o.name.into()),
            value: o.value.map(|v| super::round(v, 6)),
            display: o.value.map(|_| display_value(o.measure, o.value)),
            unit: Some(o.measure.unit.clone()),
            score: o.score.map(|s| super::round(s.achievement, 2)),
            band: o.band.map(|b| b.label.clone()),
            points: o.score.map(|s| u32::from(s.points)),
            max_points: o.score.map(|_| u32::from(max)),
            progress_status: trend.map(|t| <&str>::from(t.progress.status).into()),
            progress_score: trend
                .and_then(|t| t.progress.score)
                .map(|v| super::round(v, 2)),
            kpis_scored: usize::from(o.score.is_some()),
            kpis_linked: 1,
        }
    }

    /// The row's cells as text, in [`NAMES`] order (empty where there is nothing).
    fn texts(&self) -> [String; NAMES.len()] {
        fn opt<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map_or(String::new(), T::to_string)
        }
        [
            self.city.clone(),
            self.year.to_string(),
            self.level.clone(),
            self.goal.clone(),
            opt(&self.target),
            opt(&self.code),
            opt(&self.part),
            opt(&self.name),
            opt(&self.value),
            opt(&self.display),
            opt(&self.unit),
            opt(&self.score),
            opt(&self.band),
            opt(&self.points),
            opt(&self.max_points),
            opt(&self.progress_status),
            opt(&self.progress_score),
            self.kpis_scored.to_string(),
            self.kpis_linked.to_string(),
        ]
    }
}

/// The long table's rows of one city-year: each goal, its targets, each target's KPIs.
pub fn rows(by: &BySdg, max_points: u8) -> Vec<SdgRow> {
    let mut rows = Vec::new();
    for g in &by.goals {
        let goal = g.goal.code;
        rows.push(SdgRow::roll_up(by, "goal", goal, &g.summary, g.coverage));
        for t in &g.targets {
            rows.push(SdgRow::roll_up(by, "target", goal, &t.summary, t.coverage));
            for o in &t.outcomes {
                rows.push(SdgRow::kpi(by, goal, t.code, o, max_points));
            }
        }
    }
    rows
}

/// The rows of city-years `range`, one city-year at a time, handed to `take`.
fn each_row(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    range: std::ops::Range<usize>,
    mut take: impl FnMut(SdgRow) -> Result<(), WriteError>,
) -> Result<(), WriteError> {
    let max = assessment.catalog.scheme.max_points();
    for i in range {
        for row in rows(&grouping.of(&assessment.city_year(i)), max) {
            take(row)?;
        }
    }
    Ok(())
}

fn render_csv(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(NAMES)?;
    each_row(assessment, grouping, 0..assessment.len(), |row| {
        let texts = row.texts();
        Ok(writer.write_record(texts.iter().map(|t| super::neutralise(t).into_owned()))?)
    })?;
    writer.flush()?;
    Ok(())
}

/// One sheet, `By SDG`, with the long table.
fn render_xlsx(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let mut workbook = Workbook::new();
    let mut ws = workbook.new_worksheet_with_constant_memory();
    ws.set_name("By SDG")?;
    let bold = XlsxFormat::new().set_bold();
    for (col, name) in (0u16..).zip(NAMES) {
        ws.write_string_with_format(0, col, name, &bold)?;
    }
    let mut r = 0u32;
    each_row(assessment, grouping, 0..assessment.len(), |row| {
        r += 1;
        if r > 1_048_575 {
            return Err(WriteError::TooLarge("the By SDG sheet would have more rows than a spreadsheet holds (1 048 575); use --format csv or json, or fewer cities or years (--city, --year)".into()));
        }
        let numbers = [
            Some(f64::from(row.year)),
            row.value,
            row.score,
            row.points.map(f64::from),
            row.max_points.map(f64::from),
            row.progress_score,
            Some(row.kpis_scored as f64),
            Some(row.kpis_linked as f64),
        ];
        let numeric = [1, 8, 11, 13, 14, 16, 17, 18];
        for (col, text) in (0u16..).zip(row.texts()) {
            match numeric.iter().position(|&n| n == col) {
                Some(i) => {
                    if let Some(v) = numbers[i] {
                        ws.write_number(r, col, v)?;
                    }
                }
                None if !text.is_empty() => {
                    ws.write_string(r, col, text)?;
                }
                None => {}
            }
        }
        Ok(())
    })?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, r, NAMES.len() as u16 - 1)?;
    workbook.push_worksheet(ws);
    let buffer = workbook.save_to_buffer()?;
    out.write_all(&buffer)?;
    Ok(())
}
