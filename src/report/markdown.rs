//! Markdown: the same report as the table, for documents and pull requests.

use std::io::Write;

use super::{
    dimension_tree, display_coverage, display_score, display_target, display_value, neutralise,
    note,
};
use crate::scoring::Assessment;

/// A table cell: pipes escaped, line breaks flattened, formula-like text neutralised.
fn cell(text: &str) -> String {
    neutralise(text)
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn row(out: &mut dyn Write, cells: &[String]) -> std::io::Result<()> {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    writeln!(out, "| {} |", cells.join(" | "))
}

pub fn render(assessment: &Assessment, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "# U4SSC self-assessment")?;
    for r in 0..assessment.rows() {
        let city_year = assessment.city_year(r);
        let summaries = assessment.summaries(&city_year);
        writeln!(out)?;
        writeln!(out, "## {} {}", cell(city_year.city), city_year.year)?;
        writeln!(out)?;
        let overall = &summaries[0];
        writeln!(
            out,
            "Overall score **{}**; KPIs computed: {}.",
            display_score(overall),
            display_coverage(overall)
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "| Dimension / sub-dimension | Score | Points | Mean achievement | Computed |"
        )?;
        writeln!(out, "|---|---:|---:|---:|---|")?;
        for (s, sub) in dimension_tree(&summaries) {
            let name = if !sub {
                format!("**{}**", s.name)
            } else {
                s.name.clone()
            };
            row(
                out,
                &[
                    name,
                    display_score(s),
                    format!("{}/{}", s.points, s.max_points),
                    s.mean_achievement
                        .map(|v| format!("{v:.1} %"))
                        .unwrap_or_default(),
                    display_coverage(s),
                ],
            )?;
        }
        for dimension in summaries.iter().filter(|s| s.level == "dimension") {
            writeln!(out)?;
            writeln!(out, "### {}: {}", dimension.name, display_score(dimension))?;
            writeln!(out)?;
            writeln!(
                out,
                "| Code | KPI | Value | Unit | Target | Achieved | Points | Note |"
            )?;
            writeln!(out, "|---|---|---:|---|---:|---:|:---:|---|")?;
            for o in city_year
                .outcomes
                .iter()
                .filter(|o| o.kpi.dimension == dimension.code)
            {
                let m = o.measure;
                let name = match &m.part_name {
                    Some(part) => format!("{}: {part}", o.kpi.name),
                    None => o.kpi.name.clone(),
                };
                row(
                    out,
                    &[
                        format!("`{}`", m.key),
                        name,
                        display_value(m, o.value),
                        m.unit.clone(),
                        display_target(m, o.target),
                        o.score
                            .map(|s| format!("{:.1} %", s.achievement))
                            .unwrap_or_default(),
                        o.score.map(|s| s.points.to_string()).unwrap_or_default(),
                        note(o),
                    ],
                )?;
            }
        }
    }
    Ok(())
}
