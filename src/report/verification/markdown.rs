//! The verification report as Markdown: per city-year, the nine sections as `##` headings,
//! the counts and results as tables, the lists as bullets. It formats the model; it never
//! computes.

use std::io::Write;

use super::model::{Basis, CityYear, Report, ResultRow};
use super::{
    basis_text, dates_text, heading, method, part_name, result_text, status_text, verifiers_text,
    ALL_VERIFIED, INTRODUCTION, NO_VERIFICATION,
};
use crate::error::WriteError;
use crate::report::display_score;
use crate::report::markdown::cell;
use crate::scoring::{Reporting, Summary};

pub(super) fn render(report: &Report, out: &mut dyn Write) -> Result<(), WriteError> {
    writeln!(out, "# U4SSC verification report")?;
    for line in &report.banner {
        writeln!(out)?;
        writeln!(out, "> **Warning:** {}", cell(line))?;
    }
    if report.city_years.is_empty() {
        writeln!(out)?;
        writeln!(out, "No city-years to report.")?;
    }
    for cy in &report.city_years {
        city_year(report, cy, out)?;
    }
    Ok(())
}

fn city_year(report: &Report, cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "## {} {}", cell(cy.report.city), cy.report.year)?;
    for section in [
        background,
        reporting,
        benchmark,
        methodology,
        results,
        not_reported,
        not_verified,
        next_steps,
    ] {
        section(report, cy, out)?;
    }
    Ok(())
}

/// Section 1: the city, year, verifiers, dates and files.
fn background(report: &Report, cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    let (city, year) = (cell(cy.report.city), cy.report.year);
    section(out, 1)?;
    writeln!(out, "{INTRODUCTION}")?;
    writeln!(out)?;
    writeln!(out, "- City: {city}")?;
    writeln!(out, "- Year: {year}")?;
    writeln!(out, "- Verifier: {}", cell(&verifiers_text(&cy.verifiers)))?;
    writeln!(out, "- Verification dates: {}", dates_text(cy.dates))?;
    let files: Vec<String> = report.data_files.iter().map(|f| format!("`{f}`")).collect();
    writeln!(out, "- Data: {}", files.join(", "))?;
    match report.verification_file {
        Some(file) => writeln!(out, "- Verifier's record: `{file}`")?,
        None => writeln!(out, "- Verifier's record: {NO_VERIFICATION}")?,
    }
    Ok(())
}

/// Sections 2 and 3: the KPIs and the data points reported and verified, per dimension.
fn reporting(_report: &Report, cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    for (n, counts) in [(2, kpis as Counts), (3, data_points)] {
        section(out, n)?;
        writeln!(
            out,
            "| Dimension | Reported | Verified | Not verified | Not reported |"
        )?;
        writeln!(out, "|---|---:|---:|---:|---:|")?;
        for s in cy.dimensions().chain(cy.overall()) {
            let r = counts(s);
            let name = match s.code {
                "ALL" => "**Overall**".to_string(),
                _ => cell(s.name),
            };
            writeln!(
                out,
                "| {name} | {} | {} | {} | {} |",
                r.reported, r.verified, r.not_verified, r.not_reported
            )?;
        }
    }
    Ok(())
}

/// Section 4: the overall, dimension and category scores, each with its basis.
fn benchmark(_report: &Report, cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    section(out, 4)?;
    if let Some(overall) = cy.overall() {
        writeln!(
            out,
            "Overall score **{}** {}.",
            display_score(overall),
            basis_text(cy.basis)
        )?;
        writeln!(out)?;
    }
    writeln!(out, "| Dimension / category | Score | Points |")?;
    writeln!(out, "|---|---|---:|")?;
    for d in &cy.results {
        score_row(out, &d.dimension, Some(d.basis))?;
        for (c, _) in &d.categories {
            score_row(out, c, None)?;
        }
    }
    Ok(())
}

/// Section 5: the scoring method, from the catalogue's bands.
fn methodology(report: &Report, _cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    section(out, 5)?;
    for sentence in method(report.scheme) {
        writeln!(out, "{sentence}")?;
    }
    Ok(())
}

/// Section 6: per dimension, each KPI or data point's result and band.
fn results(_report: &Report, cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    section(out, 6)?;
    for d in &cy.results {
        writeln!(out, "### {}", cell(d.dimension.name))?;
        writeln!(out)?;
        writeln!(out, "| Category | KPI or data point | Result | Band |")?;
        writeln!(out, "|---|---|---|---|")?;
        for (c, rows) in &d.categories {
            for r in rows {
                writeln!(
                    out,
                    "| {} | {} `{}` | {} | {} |",
                    cell(c.name),
                    cell(r.name),
                    r.measure.key,
                    cell(&result_text(r)),
                    cell(r.band.map_or("N/A", |b| b.label.as_str()))
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Section 7: the KPIs not reported, wholly or in part, with the verifier's comments.
fn not_reported(_report: &Report, cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    section(out, 7)?;
    if cy.not_reported.is_empty() {
        writeln!(out, "Every KPI was reported.")?;
    }
    for m in &cy.not_reported {
        let mut line = format!("- `{}` {}", m.kpi.code, cell(&m.kpi.name));
        if m.is_partial() {
            let parts: Vec<&str> = m.missing_parts.iter().map(|p| part_name(p)).collect();
            line.push_str(&format!(
                ": Partial - following not reported: {}",
                cell(&parts.join(", "))
            ));
        }
        for c in &m.comments {
            line.push_str(&format!(" — {}", cell(c)));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Section 8: the KPIs not verified, or that all reported ones were.
fn not_verified(_report: &Report, cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    section(out, 8)?;
    if cy.not_verified.is_empty() {
        writeln!(out, "{ALL_VERIFIED}")?;
    }
    for m in &cy.not_verified {
        // A KPI without parts is one line; a KPI with parts lists each part under it.
        let whole = m.is_whole();
        if !whole {
            writeln!(out, "- `{}` {}", m.kpi.code, cell(&m.kpi.name))?;
        }
        for p in &m.parts {
            let mut line = match whole {
                true => format!("- `{}` {}: ", m.kpi.code, cell(&m.kpi.name)),
                false => format!("  - `{}`: ", p.measure.key),
            };
            line.push_str(status_text(p.status));
            if let Some(c) = p.comment {
                line.push_str(&format!(" — {}", cell(c)));
            }
            if let Some(e) = p.evidence {
                line.push_str(&format!(" (evidence: {})", cell(e)));
            }
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// Section 9: the lowest bands, the KPIs not reported and the open questions.
fn next_steps(_report: &Report, cy: &CityYear, out: &mut dyn Write) -> std::io::Result<()> {
    section(out, 9)?;
    writeln!(
        out,
        "Focus on the KPIs in the lowest bands and on those not reported."
    )?;
    for (band, rows) in &cy.next_steps {
        writeln!(out)?;
        writeln!(out, "**{}:** {}", cell(&band.label), row_list(rows))?;
    }
    writeln!(out)?;
    let not_reported: Vec<String> = cy
        .not_reported
        .iter()
        .map(|m| {
            let partly = if m.is_partial() { " (partly)" } else { "" };
            format!("`{}` {}{partly}", m.kpi.code, cell(&m.kpi.name))
        })
        .collect();
    writeln!(out, "**Not reported:** {}", or_none(not_reported))?;
    if cy.report.questions.is_some() {
        writeln!(out)?;
        let open: Vec<String> = (cy.report.open_questions())
            .map(|a| {
                let q = a.question;
                let asked = q.asked.as_deref().map(|d| format!(" (asked {d})"));
                format!(
                    "`{}` {}{}",
                    q.kpi,
                    cell(&q.question),
                    asked.unwrap_or_default()
                )
            })
            .collect();
        writeln!(out, "**Open questions to the city:** {}", or_none(open))?;
    }
    Ok(())
}

type Counts = fn(&Summary) -> Reporting;

fn kpis(s: &Summary) -> Reporting {
    s.kpis
}

fn data_points(s: &Summary) -> Reporting {
    s.data_points
}

fn section(out: &mut dyn Write, n: usize) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "## {}", heading(n))?;
    writeln!(out)
}

/// A dimension's score (with its basis) or a category's.
fn score_row(out: &mut dyn Write, s: &Summary, basis: Option<Basis>) -> std::io::Result<()> {
    let (name, score) = match basis {
        Some(basis) => (
            format!("**{}**", cell(s.name)),
            format!("{} {}", display_score(s), basis_text(basis)),
        ),
        None => (format!("{} `{}`", cell(s.name), s.code), display_score(s)),
    };
    writeln!(out, "| {name} | {score} | {}/{} |", s.points, s.max_points)
}

fn row_list(rows: &[ResultRow]) -> String {
    or_none(
        rows.iter()
            .map(|r| {
                format!(
                    "`{}` {} ({})",
                    r.measure.key,
                    cell(r.name),
                    cell(&result_text(r))
                )
            })
            .collect(),
    )
}

fn or_none(items: Vec<String>) -> String {
    match items.is_empty() {
        true => "none".into(),
        false => items.join("; "),
    }
}
