//! The verification report as one self-contained HTML page (styles inline, the wheel drawn as
//! SVG, no script, nothing fetched) that prints on A4 portrait: the council's report's styles
//! and fixed-layout tables, each city-year from a new page, the nine sections as numbered
//! headings. It formats the model; it never computes.

use std::fmt::Write as _;
use std::io::Write;

use super::model::{Basis, CityYear, Report, ResultRow};
use super::{
    basis_text, dates_text, heading, method, part_name, result_text, status_text, verifiers_text,
    ALL_VERIFIED, INTRODUCTION, NO_VERIFICATION,
};
use crate::error::WriteError;
use crate::report::html::city::open_questions;
use crate::report::html::{chip, esc, legend, summary_chip, STYLE};
use crate::report::wheel::wheel;
use crate::scoring::{Reporting, Summary};

/// The styles this report adds to the council's report's.
const EXTRA_STYLE: &str = "
h4{font-size:14px;margin:14px 0 4px}.facts th{width:26%}
.counts col.w-name{width:40%}.results col.w-cat{width:22%}.results col.w-kpi{width:44%}.results col.w-band{width:12%}
.benchmark col.w-name{width:60%}td.cat{color:#555}
@media print{.keep{break-inside:avoid}section.vr{break-before:page}section.vr:first-of-type{break-before:auto}h3,h4{break-after:avoid}h4{font-size:11px}}
";

pub(super) fn render(report: &Report, out: &mut dyn Write) -> Result<(), WriteError> {
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>U4SSC verification report</title><style>{STYLE}{EXTRA_STYLE}</style></head><body><header><h1>U4SSC verification report</h1><p class=\"muted\">citykpi {}; {} {}.</p>{}</header>",
        env!("CARGO_PKG_VERSION"),
        report.city_years.len(),
        if report.city_years.len() == 1 { "city-year" } else { "city-years" },
        legend(report.scheme)
    );
    for line in &report.banner {
        let _ = write!(html, "<p class=\"banner\" role=\"alert\">{}</p>", esc(line));
    }
    if report.city_years.is_empty() {
        html.push_str("<p>No city-years to report.</p>");
    }
    out.write_all(html.as_bytes())?;
    for cy in &report.city_years {
        out.write_all(city_year(report, cy).as_bytes())?;
    }
    writeln!(out, "</body></html>")?;
    Ok(())
}

fn city_year(report: &Report, cy: &CityYear) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<section class=\"vr\"><h2>{} {}</h2>",
        esc(cy.report.city),
        cy.report.year
    );
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
        section(report, cy, &mut html);
    }
    html.push_str("</section>");
    html
}

/// Section 1: the city, year, verifiers, dates and files.
fn background(report: &Report, cy: &CityYear, html: &mut String) {
    let (city, year) = (esc(cy.report.city), cy.report.year);
    section(html, 1);
    let files: Vec<String> = report
        .data_files
        .iter()
        .map(|f| format!("<code>{}</code>", esc(f)))
        .collect();
    let record = match report.verification_file {
        Some(file) => format!("<code>{}</code>", esc(file)),
        None => esc(NO_VERIFICATION),
    };
    let _ = write!(
        html,
        "<p>{}</p><table class=\"facts\"><tbody>",
        esc(INTRODUCTION)
    );
    for (what, text) in [
        ("City", city.clone()),
        ("Year", year.to_string()),
        ("Verifier", esc(&verifiers_text(&cy.verifiers))),
        ("Verification dates", esc(&dates_text(cy.dates))),
        ("Data", files.join(", ")),
        ("Verifier's record", record),
    ] {
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{what}</th><td>{text}</td></tr>"
        );
    }
    html.push_str("</tbody></table>");
}

/// Sections 2 and 3: the KPIs and the data points reported and verified, per dimension.
fn reporting(_report: &Report, cy: &CityYear, html: &mut String) {
    for (n, of) in [(2, kpis as fn(&Summary) -> Reporting), (3, data_points)] {
        section(html, n);
        html.push_str("<table class=\"counts\"><colgroup><col class=\"w-name\"></colgroup><thead><tr><th>Dimension</th><th>Reported</th><th>Verified</th><th>Not verified</th><th>Not reported</th></tr></thead><tbody>");
        for s in cy.dimensions().chain(cy.overall()) {
            let r = of(s);
            let name = match s.code {
                "ALL" => "<strong>Overall</strong>".to_string(),
                _ => esc(s.name),
            };
            let _ = write!(
                html,
                "<tr><td>{name}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                r.reported, r.verified, r.not_verified, r.not_reported
            );
        }
        html.push_str("</tbody></table>");
    }
}

/// Section 4: the overall score and the wheel on one page, then every score with its basis.
fn benchmark(report: &Report, cy: &CityYear, html: &mut String) {
    // The heading, the score and the wheel on one page.
    html.push_str("<div class=\"keep\">");
    section(html, 4);
    if let Some(overall) = cy.overall() {
        let _ = write!(
            html,
            "<p>Overall score {} {}.</p>",
            summary_chip(overall),
            basis_text(cy.basis)
        );
    }
    html.push_str(&wheel(&cy.report));
    html.push_str("</div>");
    html.push_str(&legend(report.scheme));
    html.push_str("<table class=\"benchmark\"><colgroup><col class=\"w-name\"></colgroup><thead><tr><th>Dimension / category</th><th>Score</th><th>Points</th></tr></thead><tbody>");
    for d in &cy.results {
        score_row(html, &d.dimension, Some(d.basis));
        for (c, _) in &d.categories {
            score_row(html, c, None);
        }
    }
    html.push_str("</tbody></table>");
}

/// Section 5: the scoring method, from the catalogue's bands.
fn methodology(report: &Report, _cy: &CityYear, html: &mut String) {
    section(html, 5);
    for sentence in method(report.scheme) {
        let _ = write!(html, "<p>{}</p>", esc(&sentence));
    }
}

/// Section 6: per dimension, each KPI or data point's result and band.
fn results(_report: &Report, cy: &CityYear, html: &mut String) {
    section(html, 6);
    for d in &cy.results {
        let _ = write!(
            html,
            "<h4>{}: {}</h4><table class=\"results\"><colgroup><col class=\"w-cat\"><col class=\"w-kpi\"><col class=\"w-result\"><col class=\"w-band\"></colgroup><thead><tr><th>Category</th><th>KPI or data point</th><th>Result</th><th>Band</th></tr></thead><tbody>",
            esc(d.dimension.name),
            summary_chip(&d.dimension)
        );
        for (c, rows) in &d.categories {
            for (i, r) in rows.iter().enumerate() {
                let category = match i {
                    0 => esc(c.name),
                    _ => String::new(),
                };
                let _ = write!(
                    html,
                    "<tr><td class=\"cat\">{category}</td><td>{}<code class=\"code\">{}</code></td><td>{}</td><td>{}</td></tr>",
                    esc(r.name),
                    esc(&r.measure.key),
                    esc(&result_text(r)),
                    band(r)
                );
            }
        }
        html.push_str("</tbody></table>");
    }
}

/// Section 7: the KPIs not reported, wholly or in part, with the verifier's comments.
fn not_reported(_report: &Report, cy: &CityYear, html: &mut String) {
    section(html, 7);
    if cy.not_reported.is_empty() {
        html.push_str("<p>Every KPI was reported.</p>");
    } else {
        html.push_str("<ul class=\"kpi-list\">");
        for m in &cy.not_reported {
            let _ = write!(
                html,
                "<li><code>{}</code> {}",
                esc(&m.kpi.code),
                esc(&m.kpi.name)
            );
            if m.is_partial() {
                let parts: Vec<&str> = m.missing_parts.iter().map(|p| part_name(p)).collect();
                let _ = write!(
                    html,
                    ": Partial - following not reported: {}",
                    esc(&parts.join(", "))
                );
            }
            for c in &m.comments {
                let _ = write!(html, " — <em>{}</em>", esc(c));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
}

/// Section 8: the KPIs not verified, or that all reported ones were.
fn not_verified(_report: &Report, cy: &CityYear, html: &mut String) {
    section(html, 8);
    if cy.not_verified.is_empty() {
        let _ = write!(html, "<p>{ALL_VERIFIED}</p>");
    } else {
        html.push_str("<ul>");
        for m in &cy.not_verified {
            // A KPI without parts is one item; a KPI with parts lists each part under it.
            let whole = m.is_whole();
            let kpi = format!("<code>{}</code> {}", esc(&m.kpi.code), esc(&m.kpi.name));
            if !whole {
                let _ = write!(html, "<li>{kpi}<ul>");
            }
            for p in &m.parts {
                match whole {
                    true => html.push_str(&format!("<li>{kpi}: ")),
                    false => html.push_str(&format!("<li><code>{}</code>: ", esc(&p.measure.key))),
                }
                html.push_str(status_text(p.status));
                if let Some(c) = p.comment {
                    let _ = write!(html, " — <em>{}</em>", esc(c));
                }
                if let Some(e) = p.evidence {
                    let _ = write!(html, " (evidence: {})", esc(e));
                }
                html.push_str("</li>");
            }
            if !whole {
                html.push_str("</ul></li>");
            }
        }
        html.push_str("</ul>");
    }
}

/// Section 9: the lowest bands, the KPIs not reported and the open questions.
fn next_steps(_report: &Report, cy: &CityYear, html: &mut String) {
    section(html, 9);
    html.push_str("<p>Focus on the KPIs in the lowest bands and on those not reported.</p>");
    for (b, rows) in &cy.next_steps {
        let _ = write!(
            html,
            "<h4>{} {}</h4>",
            chip(&b.colour, &b.points.to_string(), &b.label),
            esc(&b.label)
        );
        let items: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "<code>{}</code> {} ({})",
                    esc(&r.measure.key),
                    esc(r.name),
                    esc(&result_text(r))
                )
            })
            .collect();
        html.push_str(&list(&items));
    }
    html.push_str("<h4>Not reported</h4>");
    let items: Vec<String> = cy
        .not_reported
        .iter()
        .map(|m| {
            let partly = if m.is_partial() { " (partly)" } else { "" };
            format!(
                "<code>{}</code> {}{partly}",
                esc(&m.kpi.code),
                esc(&m.kpi.name)
            )
        })
        .collect();
    html.push_str(&list(&items));
    if cy.report.questions.is_some() {
        html.push_str(&open_questions(&cy.report));
    }
}

fn kpis(s: &Summary) -> Reporting {
    s.kpis
}

fn data_points(s: &Summary) -> Reporting {
    s.data_points
}

fn section(html: &mut String, n: usize) {
    let _ = write!(html, "<h3>{}</h3>", esc(&heading(n)));
}

/// A dimension's score (with its basis) or a category's.
fn score_row(html: &mut String, s: &Summary, basis: Option<Basis>) {
    let (name, score) = match basis {
        Some(basis) => (
            format!("<strong>{}</strong>", esc(s.name)),
            format!(
                "{}<span class=\"cov\">{}</span>",
                summary_chip(s),
                basis_text(basis)
            ),
        ),
        None => (
            format!(
                "{}<code class=\"code-inline\"> {}</code>",
                esc(s.name),
                esc(s.code)
            ),
            summary_chip(s),
        ),
    };
    let _ = write!(
        html,
        "<tr><td>{name}</td><td>{score}</td><td class=\"num\">{}/{}</td></tr>",
        s.points, s.max_points
    );
}

/// A data point's band as a chip with its points (the label as the tooltip), or N/A.
fn band(r: &ResultRow) -> String {
    match r.band {
        Some(b) => chip(&b.colour, &b.points.to_string(), &b.label),
        None => "<span class=\"none\">N/A</span>".into(),
    }
}

fn list(items: &[String]) -> String {
    match items.is_empty() {
        true => "<p>none</p>".into(),
        false => format!(
            "<ul class=\"kpi-list\"><li>{}</li></ul>",
            items.join("</li><li>")
        ),
    }
}
