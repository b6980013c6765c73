//! Markdown: the same report as the table, for documents and pull requests; its lists of KPIs
//! not reported and not verified give each code with its name. It marks up the shared text
//! rows; it never computes.

use crate::error::WriteError;
use std::io::Write;

use super::neutralise;
use super::text::{list, page, KPI_HEADER, QUALITY_LEGEND, QUESTIONS_HEADER, SUMMARY_HEADER};
use crate::scoring::Assessment;

/// A table cell: pipes escaped, `<` written as `&lt;` (no HTML tag reaches a Markdown
/// viewer), line breaks flattened, formula-like text neutralised.
pub(super) fn cell(text: &str) -> String {
    neutralise(text)
        .replace('<', "&lt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn row(out: &mut dyn Write, cells: &[String]) -> std::io::Result<()> {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    writeln!(out, "| {} |", cells.join(" | "))
}

pub fn render(assessment: &Assessment, out: &mut dyn Write) -> Result<(), WriteError> {
    writeln!(out, "# U4SSC self-assessment")?;
    for line in super::banner(assessment) {
        writeln!(out)?;
        writeln!(out, "> **Warning:** {}", cell(&line))?;
    }
    for city_year in assessment.iter() {
        let page = page(&city_year);
        writeln!(out)?;
        writeln!(out, "## {}", cell(&page.heading))?;
        writeln!(out)?;
        match &page.overall {
            Some([score, coverage, verified]) => writeln!(
                out,
                "Overall score **{score}**; KPIs computed: {coverage}; verified: {verified}."
            )?,
            None => writeln!(out, "No KPI of the selected tier is defined.")?,
        }
        if let Some(reporting) = &page.reporting {
            writeln!(out)?;
            writeln!(out, "Reporting: {reporting}.")?;
        }
        writeln!(out)?;
        writeln!(out, "| {} |", SUMMARY_HEADER.join(" | "))?;
        writeln!(out, "|---|---:|---:|---:|---|---|")?;
        for r in &page.summary {
            let mut cells = r.cells.clone();
            if !r.sub {
                cells[0] = format!("**{}**", cells[0]);
            }
            cells[1] = super::display_score(r.summary);
            row(out, &cells)?;
        }
        for section in &page.sections {
            writeln!(out)?;
            writeln!(out, "### {}", section.title)?;
            writeln!(out)?;
            writeln!(out, "| {} |", KPI_HEADER.join(" | "))?;
            writeln!(out, "|---|---|---:|---|---:|---:|:---:|---|:---:|---|")?;
            for r in &section.rows {
                let mut cells = r.cells.clone();
                cells[0] = format!("`{}`", cells[0]);
                row(out, &cells)?;
            }
        }
        for (title, kpis) in &page.lists {
            // Each code with its name; names may hold commas.
            let kpis = list(kpis, "; ", |k| format!("`{}` {}", k.code, cell(&k.name)));
            writeln!(out)?;
            writeln!(out, "**{title}:** {kpis}")?;
        }
        match &page.open_questions {
            None => {}
            Some(questions) if questions.is_empty() => {
                writeln!(out)?;
                writeln!(out, "**Open questions:** none")?;
            }
            Some(questions) => {
                writeln!(out)?;
                writeln!(out, "**Open questions:**")?;
                writeln!(out)?;
                writeln!(out, "| {} |", QUESTIONS_HEADER.join(" | "))?;
                writeln!(out, "|---|---|---|")?;
                for q in questions {
                    let mut cells = q.clone();
                    cells[0] = format!("`{}`", cells[0]);
                    row(out, &cells)?;
                }
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", cell(QUALITY_LEGEND))?;
    Ok(())
}
