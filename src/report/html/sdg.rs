//! Results by SDG as an HTML page (`assess --by sdg --format html`): per city-year, the 17
//! goals as a row of tiles (each coloured by its roll-up's band, grey where its KPIs have no
//! score, hatched where no KPI informs it, labelled with the goal's number), then per goal
//! its roll-up and a table of its targets and their KPIs. The tiles are one SVG that scales
//! to the page's width, so the page fits 1 200 px and prints on A4 like the council's
//! report. It formats the model; it never computes.

use std::fmt::Write as _;
use std::io::Write;

use super::{chip, colour_hex, esc, ink, progress_words, summary_chip, STYLE};
use crate::catalog::Scheme;
use crate::error::WriteError;
use crate::report::display_value;
use crate::scoring::sdg::{BySdg, Coverage, GoalResult, SdgGrouping};
use crate::scoring::Assessment;

/// The page's own rules, after the report's.
const SDG_STYLE: &str = "
.sdg-tiles{width:100%;height:auto;display:block;margin:8px 0}.sdg-tiles text{font-weight:700;font-size:20px}
.sdg-kpis col.w-code{width:9%}.sdg-kpis col.w-kpi{width:37%}.sdg-kpis col.w-value{width:14%}.sdg-kpis col.w-score{width:13%}.sdg-kpis col.w-progress{width:15%}
.sdg-kpis tr.target td{background:#f2f2f2;font-weight:600}
@media print{section.sdg-city+section.sdg-city{break-before:page}.sdg-tiles text{font-size:18px}}
";

/// Tile size and gap, in the SVG's units.
const TILE: u32 = 56;
const GAP: u32 = 4;

/// The hatch of a goal no KPI informs (`id` is unique in the page).
fn hatch(id: &str) -> String {
    format!("<pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#f4f4f4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#a8a8a8\" stroke-width=\"3\"/></pattern>")
}

/// The bands, then the two marks of a goal without a score.
fn legend(scheme: &Scheme) -> String {
    let mut html = String::from("<p class=\"legend\"><strong>Bands:</strong>");
    for b in &scheme.bands {
        let _ = write!(
            html,
            "<span>{} {}</span>",
            chip(&b.colour, &b.points.to_string(), &b.label),
            esc(&b.label)
        );
    }
    let _ = write!(
        html,
        "<span data-state=\"not-scored\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\" fill=\"#dddddd\" stroke=\"#666666\"/></svg> informed, but no KPI scored</span><span data-state=\"uninformed\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><defs>{}</defs><rect width=\"14\" height=\"14\" fill=\"url(#sdg-legend-hatch)\" stroke=\"#666666\"/></svg> no U4SSC KPI informs the goal</span></p>",
        hatch("sdg-legend-hatch")
    );
    html
}

/// `3 of 5 KPIs scored`.
fn coverage(c: Coverage) -> String {
    format!("{} of {} KPIs scored", c.scored, c.linked)
}

/// The row of 17 tiles.
fn tiles(by: &BySdg, hatch_id: &str) -> String {
    let width = 17 * TILE + 16 * GAP;
    let mut svg = format!(
        "<svg class=\"sdg-tiles\" viewBox=\"0 0 {width} {TILE}\" role=\"img\" aria-label=\"The 17 SDGs, each coloured by the band of its KPIs' roll-up\"><defs>{}</defs>",
        hatch(hatch_id)
    );
    for (i, g) in (0u32..).zip(&by.goals) {
        let x = i * (TILE + GAP);
        let (state, fill, text_colour, title) = match (g.is_informed(), g.summary.band) {
            (false, _) => (
                "uninformed",
                format!("url(#{hatch_id})"),
                "#555555",
                "no U4SSC KPI informs it".to_string(),
            ),
            (true, None) => (
                "not-scored",
                "#dddddd".to_string(),
                "#333333",
                format!("not scored ({})", coverage(g.coverage)),
            ),
            (true, Some(band)) => (
                "scored",
                colour_hex(&band.colour).to_string(),
                ink(&band.colour),
                format!(
                    "{:.1} %, {} ({})",
                    g.summary.score.unwrap_or_default(),
                    band.label,
                    coverage(g.coverage)
                ),
            ),
        };
        let _ = write!(
            svg,
            "<g data-goal=\"{}\" data-state=\"{state}\"><title>Goal {}: {}: {}</title><rect x=\"{x}\" y=\"0\" width=\"{TILE}\" height=\"{TILE}\" rx=\"4\" fill=\"{fill}\" stroke=\"#666666\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{text_colour}\">{}</text></g>",
            g.goal.code,
            g.goal.code,
            esc(g.goal.name),
            esc(&title),
            x + TILE / 2,
            TILE / 2 + 7,
            g.goal.code
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A goal's heading, roll-up and table of targets and KPIs.
fn goal(g: &GoalResult) -> String {
    let mut html = format!(
        "<h3 id=\"goal-{}\">Goal {}: {}</h3><p>{} <span class=\"muted\">from {}; targets informed: {} of {}</span></p>",
        g.goal.code,
        g.goal.code,
        esc(g.goal.name),
        summary_chip(&g.summary),
        coverage(g.coverage),
        g.targets.len(),
        g.targets.len() + g.uninformed_targets().len()
    );
    html.push_str("<table class=\"sdg-kpis\"><colgroup><col class=\"w-code\"><col class=\"w-kpi\"><col class=\"w-value\"><col class=\"w-score\"><col class=\"w-progress\"><col></colgroup><thead><tr><th>Target</th><th>KPI</th><th>Value</th><th>Score</th><th>Progress</th><th>Coverage</th></tr></thead><tbody>");
    for t in &g.targets {
        let progress = t
            .summary
            .progress
            .map_or(String::new(), |p| progress_words(p.1));
        let _ = write!(
            html,
            "<tr class=\"target\" data-target=\"{}\"><td>{}</td><td>Target {}</td><td></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(t.code),
            esc(t.code),
            esc(t.code),
            summary_chip(&t.summary),
            progress,
            coverage(t.coverage)
        );
        for o in &t.outcomes {
            let value = match o.value {
                Some(_) if o.measure.is_yes_no() => esc(&display_value(o.measure, o.value)),
                Some(_) => format!(
                    "{}<span class=\"unit\">{}</span>",
                    esc(&display_value(o.measure, o.value)),
                    esc(&o.measure.unit)
                ),
                None => "<span class=\"none\">not reported</span>".into(),
            };
            let score = match (o.score, o.band) {
                (Some(s), Some(b)) => chip(&b.colour, &format!("{:.0} %", s.achievement), &b.label),
                _ => "<span class=\"none\">not scored</span>".into(),
            };
            let progress = o
                .progress
                .map_or(String::new(), |t| progress_words(t.progress.status));
            let _ = write!(
                html,
                "<tr><td></td><td>{}<span class=\"code\">{}</span></td><td>{value}</td><td>{score}</td><td>{progress}</td><td>{}</td></tr>",
                esc(o.name),
                esc(&o.kpi.code),
                if o.score.is_some() { "scored" } else { "" }
            );
        }
    }
    html.push_str("</tbody></table>");
    html
}

/// The whole page: a section per city-year.
pub fn render(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>U4SSC results by SDG</title><style>{STYLE}{SDG_STYLE}</style></head><body><header><h1>U4SSC results by SDG</h1><p class=\"muted\">citykpi {}; the KPIs grouped by the SDG targets U4SSC links them to (a KPI linked to several targets counts under each); each goal's and target's score is the points of its scored KPIs as a share of the maximum, banded as the dimensions are. The links are U4SSC's (the catalogue's <code>sdg</code> values).</p>{}</header>",
        env!("CARGO_PKG_VERSION"),
        legend(&assessment.catalog.scheme)
    )?;
    for line in crate::report::banner(assessment) {
        write!(out, "<p class=\"banner\" role=\"alert\">{}</p>", esc(&line))?;
    }
    if assessment.is_empty() {
        write!(out, "<p>No city-years to assess.</p>")?;
    }
    for (i, city_year) in assessment.iter().enumerate() {
        let by = grouping.of(&city_year);
        let mut html = format!(
            "<section class=\"sdg-city\"><h2>{} {}</h2>{}",
            esc(city_year.city),
            city_year.year,
            tiles(&by, &format!("sdg-hatch-{i}"))
        );
        let uninformed: Vec<&str> = by
            .goals
            .iter()
            .filter(|g| !g.is_informed())
            .map(|g| g.goal.code)
            .collect();
        for g in by.goals.iter().filter(|g| g.is_informed()) {
            html.push_str(&goal(g));
        }
        if !uninformed.is_empty() {
            let _ = write!(
                html,
                "<p class=\"uninformed\" data-goals=\"{}\">No U4SSC KPI informs goal{} {}.</p>",
                uninformed.join(" "),
                if uninformed.len() == 1 { "" } else { "s" },
                uninformed.join(", ")
            );
        }
        html.push_str("</section>");
        out.write_all(html.as_bytes())?;
    }
    writeln!(out, "</body></html>")?;
    Ok(())
}
