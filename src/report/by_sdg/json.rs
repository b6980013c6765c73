//! Results by SDG as JSON (`--by sdg --format json`, one document) and JSON Lines (`ndjson`,
//! one city-year a line): the goals, each with its targets, each with its KPIs, nested.
//! Its own shape, published as `docs/by-sdg.schema.json` ([`schema`]); the numbers are the
//! long table's ([`super::SdgRow`]). It formats the model; it never computes.

use std::io::Write;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{rows, SdgRow};
use crate::error::WriteError;
use crate::report::json::{StandingJson, SCHEMA_VERSION};
use crate::scoring::sdg::SdgGrouping;
use crate::scoring::Assessment;

/// A report of `citykpi assess --by sdg --format json`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct SdgDocument<'a> {
    /// `citykpi`.
    pub tool: String,
    pub version: String,
    /// The version of citykpi's report schemas, `major.minor`.
    pub schema_version: String,
    /// `sdg`.
    pub by: String,
    #[serde(borrow)]
    pub standing: StandingJson<'a>,
    /// One per city and year, in data order.
    pub assessments: Vec<SdgCityYear>,
}

/// One city-year by SDG (a line of `--format ndjson` has `schema_version` and `by` too).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct SdgCityYear {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub city: String,
    pub year: i32,
    /// All 17 goals, in order.
    pub goals: Vec<GoalJson>,
}

/// A goal's roll-up over every KPI linked to one of its targets (each KPI once).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct GoalJson {
    /// `11`.
    pub goal: String,
    pub name: String,
    /// Whether a selected KPI links to the goal; `false`: no U4SSC KPI informs it.
    pub informed: bool,
    #[serde(flatten)]
    pub roll_up: RollUp,
    /// The targets the KPIs link to, in the goal's order.
    pub targets: Vec<TargetJson>,
    /// The goal's targets no selected KPI links to.
    pub uninformed_targets: Vec<String>,
}

/// A target's roll-up and its KPIs.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct TargetJson {
    /// `11.2`.
    pub target: String,
    #[serde(flatten)]
    pub roll_up: RollUp,
    /// The KPIs (or parts) linked to the target, in catalogue order.
    pub kpis: Vec<KpiJson>,
}

/// The U4SSC roll-up of a goal or target: points of the scored KPIs as a percentage of
/// their maximum, banded the same way; KPIs without a score are left out of it.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct RollUp {
    /// Points as a percentage of the maximum; null where nothing is scored.
    pub score: Option<f64>,
    pub band: Option<String>,
    pub points: Option<u32>,
    pub max_points: Option<u32>,
    /// The group's progress status and mean progress score.
    pub progress_status: Option<String>,
    pub progress_score: Option<f64>,
    /// Coverage: the KPIs with a score (in any part) ...
    pub kpis_scored: usize,
    /// ... of the KPIs linked.
    pub kpis_linked: usize,
}

/// A KPI (or part) under a target.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct KpiJson {
    pub code: String,
    pub part: Option<String>,
    pub name: String,
    pub value: Option<f64>,
    /// The value as reports print it: `97.10`, `yes`.
    pub display: Option<String>,
    pub unit: String,
    /// Share of the target achieved, 0 to 100.
    pub achievement: Option<f64>,
    pub band: Option<String>,
    pub points: Option<u32>,
    pub progress_status: Option<String>,
    pub progress_score: Option<f64>,
    /// Whether it has a score (counts in the roll-ups).
    pub scored: bool,
}

impl RollUp {
    fn of(row: &SdgRow) -> Self {
        RollUp {
            score: row.score,
            band: row.band.clone(),
            points: row.points,
            max_points: row.max_points,
            progress_status: row.progress_status.clone(),
            progress_score: row.progress_score,
            kpis_scored: row.kpis_scored,
            kpis_linked: row.kpis_linked,
        }
    }
}

impl KpiJson {
    fn of(row: SdgRow) -> Self {
        KpiJson {
            code: row.code.unwrap_or_default(),
            part: row.part,
            name: row.name.unwrap_or_default(),
            value: row.value,
            display: row.display,
            unit: row.unit.unwrap_or_default(),
            achievement: row.score,
            band: row.band,
            points: row.points,
            progress_status: row.progress_status,
            progress_score: row.progress_score,
            scored: row.kpis_scored > 0,
        }
    }
}

/// One city-year, nested from its long table's rows (goal, its targets, their KPIs).
fn city_year(assessment: &Assessment, grouping: &SdgGrouping, i: usize) -> SdgCityYear {
    let report = assessment.city_year(i);
    let by = grouping.of(&report);
    let mut goals: Vec<GoalJson> = Vec::new();
    for row in rows(&by, assessment.catalog.scheme.max_points()) {
        match row.level.as_str() {
            "goal" => {
                let g = &by.goals[goals.len()];
                goals.push(GoalJson {
                    goal: row.goal.clone(),
                    name: row.name.clone().unwrap_or_default(),
                    informed: g.is_informed(),
                    roll_up: RollUp::of(&row),
                    targets: Vec::new(),
                    uninformed_targets: g.uninformed_targets(),
                });
            }
            "target" => {
                if let Some(goal) = goals.last_mut() {
                    goal.targets.push(TargetJson {
                        target: row.target.clone().unwrap_or_default(),
                        roll_up: RollUp::of(&row),
                        kpis: Vec::new(),
                    });
                }
            }
            _ => {
                if let Some(target) = goals.last_mut().and_then(|g| g.targets.last_mut()) {
                    target.kpis.push(KpiJson::of(row));
                }
            }
        }
    }
    SdgCityYear {
        schema_version: None,
        by: None,
        city: report.city.into(),
        year: report.year,
        goals,
    }
}

pub(super) fn render(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let head = serde_json::to_string(&SdgDocument {
        tool: "citykpi".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        schema_version: SCHEMA_VERSION.into(),
        by: "sdg".into(),
        standing: StandingJson::new(assessment.standing(), true),
        assessments: Vec::new(),
    })?;
    write!(out, "{}", head.strip_suffix("]}").unwrap_or(&head))?;
    for i in 0..assessment.len() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &city_year(assessment, grouping, i))?;
    }
    writeln!(out, "\n]}}")?;
    Ok(())
}

pub(super) fn render_lines(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    for i in 0..assessment.len() {
        let record = SdgCityYear {
            schema_version: Some(SCHEMA_VERSION.into()),
            by: Some("sdg".into()),
            ..city_year(assessment, grouping, i)
        };
        serde_json::to_writer(&mut *out, &record)?;
        writeln!(out)?;
    }
    Ok(())
}

/// The JSON Schema of `--by sdg --format json` (a document) and `ndjson` (a line), as
/// published in docs/by-sdg.schema.json.
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(SdgReport);
    schema.insert(
        "title".into(),
        format!("citykpi assess --by sdg report, schema {SCHEMA_VERSION}").into(),
    );
    schema.insert(
        "description".into(),
        "A report of `citykpi assess --by sdg --format json` (a document with every city-year \
         under `assessments`) or one line of `--format ndjson` (one city-year)."
            .into(),
    );
    schema.to_value()
}

/// A document or a line.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum SdgReport<'a> {
    #[serde(borrow)]
    Document(SdgDocument<'a>),
    Line(SdgCityYear),
}
