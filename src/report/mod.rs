//! Reports: the scored assessment rendered as a terminal table, CSV, JSON or Markdown.
//!
//! Each renderer writes one city-year at a time to a `Write`; none of them
//! computes anything. Values are formatted here once, the same way for every
//! format: yes/no KPIs print yes / partial / no, counts without decimals,
//! everything else with two.

mod csv_out;
mod json;
mod markdown;
pub mod problems;
mod table;

use std::io::Write;

use crate::catalog::Measure;
use crate::scoring::{Assessment, Outcome, Summary};

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable table for the terminal.
    Table,
    /// One row per city, year and KPI (or KPI part).
    Csv,
    /// Every value, score and summary, with stable key order.
    Json,
    /// Markdown tables, for reports and pull requests.
    Md,
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Colour the bands (only on a terminal, never with `NO_COLOR`).
    pub colour: bool,
    /// Wrap the table to the terminal width.
    pub terminal_width: bool,
}

pub fn render(
    format: Format,
    assessment: &Assessment,
    style: Style,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Table => table::render(assessment, style, out),
        Format::Csv => csv_out::render(assessment, out),
        Format::Json => json::render(assessment, out),
        Format::Md => markdown::render(assessment, out),
    }
}

/// A value as reports print it.
pub fn display_value(measure: &Measure, value: Option<f64>) -> String {
    let mut text = String::new();
    write_display_value(&mut text, measure, value);
    text
}

/// [`display_value`] into a reused buffer (the CSV writer's hot path).
pub fn write_display_value(text: &mut String, measure: &Measure, value: Option<f64>) {
    use std::fmt::Write as _;
    text.clear();
    let Some(v) = value else {
        text.push('—');
        return;
    };
    if measure.is_yes_no() {
        text.push_str(if v >= 1.0 {
            "yes"
        } else if v <= 0.0 {
            "no"
        } else {
            "partial"
        });
    } else if measure.unit == "count" && v.fract() == 0.0 {
        let _ = write!(text, "{v:.0}");
    } else {
        let _ = write!(text, "{v:.2}");
    }
}

/// A target as reports print it.
pub fn display_target(measure: &Measure, target: Option<f64>) -> String {
    if measure.is_yes_no() {
        return "yes".into();
    }
    match target {
        Some(t) if t.fract() == 0.0 => format!("{t:.0}"),
        Some(t) => format!("{t}"),
        None => String::new(),
    }
}

/// Rounded for machine-readable output: enough digits, no float noise.
pub fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 {
        0.0 // no "-0"
    } else {
        rounded
    }
}

/// What a reader needs to know about a value beyond the number.
pub fn note(outcome: &Outcome) -> String {
    if let Some(reason) = outcome.status.reason() {
        return reason;
    }
    if outcome.score.is_some() && outcome.status == crate::engine::Status::Computed {
        return String::new(); // the common case, without allocating
    }
    let mut notes = Vec::new();
    if outcome.status == crate::engine::Status::Reported {
        notes.push("reported directly".to_string());
    }
    if outcome.value.is_some() && outcome.score.is_none() {
        let m = outcome.measure;
        let why = if !m.scorable {
            "never scored"
        } else if m.direction == crate::catalog::Direction::None {
            "no direction: not scored"
        } else {
            "no target: not scored"
        };
        notes.push(why.to_string());
    }
    notes.join("; ")
}

/// `72.9 % (66-95% of target)`, or `not scored`.
pub fn display_score(summary: &Summary) -> String {
    match (summary.score, &summary.band) {
        (Some(score), Some(band)) => format!("{score:.1} % ({band})"),
        _ => "not scored".into(),
    }
}

/// Each dimension followed by its sub-dimensions; `true` marks a sub-dimension.
pub fn dimension_tree(summaries: &[Summary]) -> Vec<(&Summary, bool)> {
    let mut rows = Vec::new();
    for dimension in summaries.iter().filter(|s| s.level == "dimension") {
        rows.push((dimension, false));
        let prefix = format!("{}:", dimension.code);
        rows.extend(
            summaries
                .iter()
                .filter(|s| s.level == "subdimension" && s.code.starts_with(&prefix))
                .map(|s| (s, true)),
        );
    }
    rows
}

/// `core 55/55, advanced 36/36`.
pub fn display_coverage(summary: &Summary) -> String {
    let mut parts = Vec::new();
    if summary.core_defined > 0 {
        parts.push(format!(
            "core {}/{}",
            summary.core_computed, summary.core_defined
        ));
    }
    if summary.advanced_defined > 0 {
        parts.push(format!(
            "advanced {}/{}",
            summary.advanced_computed, summary.advanced_defined
        ));
    }
    parts.join(", ")
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading quote.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err();
    if risky {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised_but_numbers_are_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-12.5"), "-12.5");
        assert_eq!(neutralise("Vesterby"), "Vesterby");
    }

    #[test]
    fn rounding_leaves_no_noise_or_negative_zero() {
        assert_eq!(round(97.10000000000001, 6), 97.1);
        assert_eq!(round(-0.0000001, 6).to_string(), "0");
    }
}
