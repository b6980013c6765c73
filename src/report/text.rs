//! The rows the terminal table and Markdown share: one city-year as a page of text cells.
//!
//! Both formats show the same summary and the same KPI rows; only the markup differs,
//! so the cells are made here once. This module formats; it never computes.

use super::{
    display_assurance, display_coverage, display_score, display_target, display_value,
    display_verified_coverage, note,
};
use crate::catalog::Kpi;
use crate::scoring::progress::ProgressStatus;
use crate::scoring::{CityYearReport, Summary, Trend};

/// One line of the summary table.
pub(super) struct SummaryRow<'a> {
    pub summary: &'a Summary<'a>,
    /// A sub-dimension (indented under its dimension).
    pub sub: bool,
    pub cells: [String; 6],
}

/// One KPI (or part) row.
pub(super) struct KpiRow<'a> {
    /// The band's colour name, where the value is scored.
    pub colour: Option<&'a str>,
    pub cells: [String; 10],
}

/// One dimension's table.
pub(super) struct Section<'a> {
    pub title: String,
    pub rows: Vec<KpiRow<'a>>,
}

/// A city-year as text.
pub(super) struct Page<'a> {
    pub heading: String,
    /// `72.9 % (66-95% of target)`, `core 55/55, advanced 36/36` computed, and verified.
    pub overall: Option<[String; 3]>,
    /// KPIs and data points reported, verified, not verified and not reported (the
    /// verification report's sections 2 and 3).
    pub reporting: Option<String>,
    pub summary: Vec<SummaryRow<'a>>,
    pub sections: Vec<Section<'a>>,
    /// "KPIs not reported" and "KPIs not verified", each with its KPIs.
    pub lists: [(&'static str, Vec<&'a Kpi>); 2],
    /// The open questions to the city (KPI, question, asked), where a questions log is given.
    pub open_questions: Option<Vec<[String; 3]>>,
}

/// The "Open questions" section's header.
pub(super) const QUESTIONS_HEADER: [&str; 3] = ["KPI", "Question", "Asked"];

pub(super) const SUMMARY_HEADER: [&str; 6] = [
    "Dimension / sub-dimension",
    "Score",
    "Points",
    "Mean achievement",
    "Computed",
    "Progress",
];

pub(super) const KPI_HEADER: [&str; 10] = [
    "Code", "KPI", "Value", "Unit", "Target", "Achieved", "Points", "Progress", "Quality", "Note",
];

/// What the Quality column's marks mean, for the legend under the report.
pub(super) const QUALITY_LEGEND: &str = "Quality: the weakest U4SSC data-quality level behind the value (1 accurate measurements, 2 survey of inhabitants, 3 higher-level data, 4 assumptions, 5 personal estimation, 6 unknown methodology); ✓ verified, ✗ not verified.";

/// `↑ substantial`: the change since the previous year, and the progress status.
fn trend_text(trend: Option<&Trend>) -> String {
    let Some(t) = trend else {
        return String::new();
    };
    let change = t.change_since_previous();
    let arrow = if change > 0.0 {
        "↑"
    } else if change < 0.0 {
        "↓"
    } else {
        "→"
    };
    format!("{arrow} {}", status_text(t.progress.status))
}

fn status_text(status: ProgressStatus) -> &'static str {
    match status {
        ProgressStatus::TargetAchieved => "achieved",
        ProgressStatus::SubstantialProgress => "substantial",
        ProgressStatus::ModerateProgress => "moderate",
        ProgressStatus::LimitedProgress => "limited",
        ProgressStatus::Deterioration => "deterioration",
        ProgressStatus::TargetNotAchieved => "not achieved",
        ProgressStatus::NotAvailable => "n/a",
    }
}

fn percent(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.1} %")).unwrap_or_default()
}

pub(super) fn page<'a>(city_year: &'a CityYearReport<'a>) -> Page<'a> {
    let summary = city_year
        .dimension_tree()
        .into_iter()
        .map(|(s, sub)| SummaryRow {
            summary: s,
            sub,
            cells: [
                s.name.to_string(),
                s.score
                    .map(|v| format!("{v:.1} %"))
                    .unwrap_or_else(|| "not scored".into()),
                format!("{}/{}", s.points, s.max_points),
                percent(s.mean_achievement),
                display_coverage(s),
                s.progress
                    .map(|(score, status)| format!("{score:+.1} {}", status_text(status)))
                    .unwrap_or_default(),
            ],
        })
        .collect();
    let sections = city_year
        .dimensions()
        .map(|d| Section {
            title: format!("{}: {}", d.name, display_score(d)),
            rows: city_year
                .outcomes_of(d.code)
                .map(|o| {
                    let m = o.measure;
                    let value = match o.value {
                        Some(_) => display_value(m, o.value),
                        None => "—".into(),
                    };
                    KpiRow {
                        colour: o.band.map(|b| b.colour.as_str()),
                        cells: [
                            m.key.clone(),
                            o.name.to_string(),
                            value,
                            m.unit.clone(),
                            display_target(m, o.target.as_ref()),
                            percent(o.score.map(|s| s.achievement)),
                            o.score.map(|s| s.points.to_string()).unwrap_or_default(),
                            trend_text(o.progress.as_ref()),
                            display_assurance(o),
                            note(city_year, o),
                        ],
                    }
                })
                .collect(),
        })
        .collect();
    Page {
        heading: format!("{} {}", city_year.city, city_year.year),
        overall: city_year.overall().map(|o| {
            [
                display_score(o),
                display_coverage(o),
                display_verified_coverage(o),
            ]
        }),
        reporting: city_year.overall().map(display_reporting),
        summary,
        sections,
        lists: [
            ("KPIs not reported", city_year.not_reported()),
            ("KPIs not verified", city_year.not_verified()),
        ],
        open_questions: city_year.questions.as_ref().map(|_| {
            city_year
                .open_questions()
                .map(|a| {
                    let q = a.question;
                    [
                        q.kpi.clone(),
                        q.question.clone(),
                        q.asked.clone().unwrap_or_default(),
                    ]
                })
                .collect()
        }),
    }
}

/// `KPIs: 3 reported (0 verified, 3 not verified), 88 not reported; data points: ...`.
pub(super) fn display_reporting(s: &crate::scoring::Summary) -> String {
    let counts = |what: &str, r: &crate::scoring::Reporting| {
        format!(
            "{what}: {} reported ({} verified, {} not verified), {} not reported",
            r.reported, r.verified, r.not_verified, r.not_reported
        )
    };
    format!(
        "{}; {}",
        counts("KPIs", &s.kpis),
        counts("data points", &s.data_points)
    )
}

/// KPIs as `label(kpi)`, separated by `between`, or `none`.
pub(super) fn list(kpis: &[&Kpi], between: &str, label: impl Fn(&Kpi) -> String) -> String {
    if kpis.is_empty() {
        return "none".into();
    }
    let labels: Vec<String> = kpis.iter().map(|k| label(k)).collect();
    labels.join(between)
}
