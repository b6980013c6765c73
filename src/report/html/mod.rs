//! The council's report: one self-contained HTML file (styles inline, SVG drawn here, no
//! script, no network request) with, per city, the benchmarking wheel, each dimension's score
//! and coverage, every KPI with its target, band, progress, trend, data quality and lineage,
//! and the verification report's lists; with several cities, the scores side by side and a
//! KPI x city matrix of bands ([`matrix`]). Bands show as coloured chips, their text in the
//! legend and in each chip's tooltip; every score stands beside the number of KPIs it rests
//! on. The page fits a 1 200 px window and prints on A4 portrait: tables have a fixed layout
//! that wraps text inside their columns. It formats the model; it never computes a score.

pub(crate) mod city;
mod matrix;
pub(super) mod sdg;

use crate::error::WriteError;
use std::fmt::Write as _;
use std::io::Write;

use crate::catalog::Scheme;
use crate::scoring::progress::ProgressStatus;
use crate::scoring::{Assessment, CityYearReport, Level, Outcome, Summary};

/// Above this many cities the report keeps the score table and leaves out the city sections
/// and the matrix, so that a browser can still open it.
pub const MAX_CITIES: usize = 50;

/// HTML text: `&`, `<`, `>` and quotes escaped.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The catalogue's colour names (`catalog::parse::COLOURS`) as fills.
pub(super) fn colour_hex(name: &str) -> &'static str {
    match name {
        "green" => "#4caf50",
        "dark_green" => "#1b5e20",
        "yellow" => "#ffd54f",
        "dark_yellow" => "#f0a030",
        "red" => "#e05a4f",
        "dark_red" => "#8e1b1b",
        "blue" => "#4a7fd6",
        "dark_blue" => "#1c3f8c",
        "cyan" => "#4fc3d9",
        "magenta" => "#b24fa8",
        "grey" => "#9e9e9e",
        _ => "#ffffff",
    }
}

/// Text on a fill: white on the dark colours, near-black on the rest.
pub(super) fn ink(colour: &str) -> &'static str {
    match colour {
        "dark_green" | "dark_red" | "dark_blue" | "magenta" => "#ffffff",
        _ => "#111111",
    }
}

pub(super) const STYLE: &str = "
*,*::before,*::after{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d1d1f;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #333;padding-bottom:4px}
h3{font-size:16px;margin:20px 0 6px}.muted{color:#555}.warning{background:#fff3cd;border:1px solid #e0b000;padding:8px 12px}
.banner{background:#fde2e1;border:2px solid #b3261e;border-left-width:8px;border-radius:4px;color:#5f1410;font-weight:600;padding:10px 14px;margin:12px 0}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:6px 0 12px}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f2f2f2}td.num{text-align:right}.n{font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.code,.unit,.cov,.src{display:block;font-size:12px;color:#555}.code-inline{font-size:11px;color:#555}
.band{display:inline-block;min-width:1.9em;padding:0 6px;border:1px solid rgba(0,0,0,.45);border-radius:9px;text-align:center;font-weight:600;white-space:nowrap}
.none{color:#777}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:8px 0}.legend>span{white-space:nowrap}.legend svg{vertical-align:-2px}
.wheel{width:100%;max-width:520px;height:auto;display:block;margin:0 auto}
.wheel-label{font-size:11px;fill:#111}.wheel-score{font-weight:700}.wheel-centre{font-size:14px}.wheel-centre-score{font-size:20px;font-weight:700}.wheel-centre-cov{font-size:11px;fill:#444}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 300px;border:1px solid #ccc;border-radius:6px;padding:8px 12px}.card p{margin:4px 0}
.bar{background:#eee;border:1px solid #999;height:10px;width:100%;margin:2px 0 6px}.bar>div{background:#555;height:100%}
details summary{cursor:pointer;color:#1c3f8c}details ul{margin:4px 0;padding-left:18px}
.kpis col.w-kpi{width:26%}.kpis col.w-value{width:12%}.kpis col.w-target{width:11%}.kpis col.w-band{width:7%}.kpis col.w-progress{width:14%}.kpis col.w-quality{width:9%}
.scores col.w-city{width:22%}.scores col.w-year{width:8%}
.questions col.w-kpi{width:22%}.questions col.w-asked{width:12%}
.kpi-list{columns:2 320px;margin:4px 0;padding-left:18px}.kpi-list li{break-inside:avoid}
.matrix th,.matrix td{padding:2px 4px;text-align:center}.matrix thead th{font-size:12px}.matrix col.w-kpi{width:34%}
.matrix th[scope=row]{text-align:left;font-weight:normal;background:none}.matrix tr.dim th{background:#e6e6e6;text-align:left}.matrix tr.dim td{background:#e6e6e6}
@media print{@page{size:A4 portrait;margin:12mm}body{margin:0;max-width:none;padding:0;font-size:10px}code,.code,.code-inline,.unit,.cov,.src{font-size:9px}
h2{font-size:15px;margin:16px 0 6px}h3{font-size:12px;margin:10px 0 4px}section.city{break-before:page}tr,.card,svg,.banner{break-inside:avoid}
thead{display:table-header-group}.matrix thead th{font-size:10px}.lineage{display:none}.wheel{max-width:360px}.card{flex-basis:200px}.spark{width:60px;height:16px}}
";

/// A coloured chip with `text`, its band's label as the tooltip.
pub(super) fn chip(colour: &str, text: &str, title: &str) -> String {
    format!(
        "<span class=\"band\" style=\"background:{};color:{}\" title=\"{}\">{}</span>",
        colour_hex(colour),
        ink(colour),
        esc(title),
        esc(text)
    )
}

/// A score as a chip, `not scored` where there is none.
pub(super) fn summary_chip(s: &Summary) -> String {
    match (s.band, s.score) {
        (Some(b), Some(score)) => chip(&b.colour, &format!("{score:.1} %"), &b.label),
        _ => "<span class=\"none\">not scored</span>".into(),
    }
}

/// A progress status in words: `substantial progress`, `target achieved`.
fn progress_words(status: ProgressStatus) -> String {
    let id: &str = status.into();
    id.replace('_', " ")
}

/// Whether an outcome is one of the KPIs a summary rolls up.
pub(super) fn in_scope(o: &Outcome, s: &Summary) -> bool {
    match s.level {
        Level::Overall => true,
        Level::Dimension => o.kpi.dimension == s.code,
        Level::Subdimension => o.subdimension == s.code,
        Level::Category => o.category == s.code,
        Level::Goal => o
            .kpi
            .sdg
            .iter()
            .any(|t| t.split('.').next() == Some(s.code)),
        Level::Target => o.kpi.sdg.iter().any(|t| t == s.code),
    }
}

/// `15 of 91 KPIs`: the KPIs with a score (in any part) that a summary's score rests on, of
/// the KPIs it has (of the selected tier).
pub(super) fn coverage(city_year: &CityYearReport, s: &Summary) -> String {
    let mut scored: Vec<&str> = city_year
        .outcomes
        .iter()
        .filter(|o| o.score.is_some() && in_scope(o, s))
        .map(|o| o.kpi.code.as_str())
        .collect();
    scored.dedup(); // a KPI's parts are consecutive
    format!(
        "{} of {} KPIs",
        scored.len(),
        s.core_defined + s.advanced_defined
    )
}

/// A score chip with its coverage under it.
fn score_with_coverage(city_year: &CityYearReport, s: &Summary) -> String {
    format!(
        "{}<span class=\"cov\">from {}</span>",
        summary_chip(s),
        coverage(city_year, s)
    )
}

/// The two marks of a segment or cell without a score, as small SVG swatches.
const NOT_REPORTED_SWATCH: &str = "<svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\" fill=\"#eeeeee\" stroke=\"#bbbbbb\"/><line x1=\"0\" y1=\"14\" x2=\"14\" y2=\"0\" stroke=\"#bbbbbb\" stroke-width=\"3\"/></svg>";
pub(super) const NO_TARGET_SWATCH: &str = "<svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\" fill=\"#dfe7f1\" stroke=\"#7d8ea3\"/><circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#7d8ea3\"/><circle cx=\"10\" cy=\"10\" r=\"1.6\" fill=\"#7d8ea3\"/></svg>";

/// The bands (a chip with its points and label each) and the two marks of what has no score.
pub(super) fn legend(scheme: &Scheme) -> String {
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
        "<span data-state=\"not-reported\">{NOT_REPORTED_SWATCH} not reported</span><span data-state=\"no-target\">{NO_TARGET_SWATCH} reported, no target</span></p>"
    );
    html
}

/// Each city's city-years in turn (the assessment is in city, then year order).
fn by_city<'a>(assessment: &'a Assessment) -> impl Iterator<Item = Vec<CityYearReport<'a>>> + 'a {
    let mut reports = assessment.iter().peekable();
    std::iter::from_fn(move || {
        let first = reports.next()?;
        let mut years = vec![first];
        while let Some(next) = reports.next_if(|n| n.city == years[0].city) {
            years.push(next);
        }
        Some(years)
    })
}

/// A city's latest year as the overview shows it: its scores with their coverage, and (for
/// the matrix) each measure's band.
pub(super) struct Row<'a> {
    city: &'a str,
    year: i32,
    /// The overall score, then each dimension's, each with its coverage.
    scores: Vec<String>,
    /// Each dimension's code and its score as a compact chip (`73%`).
    dimensions: Vec<(&'a str, String)>,
    bands: Vec<matrix::Cell<'a>>,
}

impl<'a> Row<'a> {
    fn of(cy: &CityYearReport<'a>, matrix: bool) -> Self {
        let summaries = cy.overall().into_iter().chain(cy.dimensions());
        Row {
            city: cy.city,
            year: cy.year,
            scores: summaries.map(|s| score_with_coverage(cy, s)).collect(),
            dimensions: cy
                .dimensions()
                .map(|d| {
                    let chip = match (d.band, d.score) {
                        (Some(b), Some(score)) => {
                            chip(&b.colour, &format!("{score:.0}%"), &b.label)
                        }
                        _ => "<span class=\"none\" title=\"not scored\">–</span>".into(),
                    };
                    (d.code, chip)
                })
                .collect(),
            bands: match matrix {
                true => cy.outcomes.iter().map(matrix::Cell::of).collect(),
                false => Vec::new(),
            },
        }
    }
}

/// The scores of every city's latest year side by side, each with the KPIs it rests on.
fn overview(out: &mut dyn Write, rows: &[Row], dimensions: &[&str]) -> std::io::Result<()> {
    let mut html = String::from("<section><h2>Cities side by side</h2><p class=\"muted\">Each score with the KPIs it rests on: a score from a few KPIs does not compare with one from most of them.</p><table class=\"scores\"><colgroup><col class=\"w-city\"><col class=\"w-year\"></colgroup><thead><tr><th>City</th><th>Year</th><th>Overall</th>");
    for d in dimensions {
        let _ = write!(html, "<th>{}</th>", esc(d));
    }
    html.push_str("</tr></thead><tbody>");
    for r in rows {
        let _ = write!(html, "<tr><td>{}</td><td>{}</td>", esc(r.city), r.year);
        for score in &r.scores {
            let _ = write!(html, "<td>{score}</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></section>");
    out.write_all(html.as_bytes())
}

/// The whole report, in two passes over the assessment: the overview of every city's latest
/// year, then a section per city (its latest year, the earlier ones as its trend). Only one
/// city's years are held at a time.
pub fn render(assessment: &Assessment, out: &mut dyn Write) -> Result<(), WriteError> {
    let cities = by_city(assessment).count();
    let fits = cities <= MAX_CITIES;
    write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>U4SSC self-assessment</title><style>{STYLE}</style></head><body><header><h1>U4SSC self-assessment</h1><p class=\"muted\">citykpi {}; {cities} {}; each city's latest year, with its earlier years as the trend.</p>{}</header>",
        env!("CARGO_PKG_VERSION"),
        if cities == 1 { "city" } else { "cities" },
        legend(&assessment.catalog.scheme)
    )?;
    for line in super::banner(assessment) {
        write!(out, "<p class=\"banner\" role=\"alert\">{}</p>", esc(&line))?;
    }
    if cities == 0 {
        write!(out, "<p>No city-years to assess.</p>")?;
    }
    if !fits {
        write!(out, "<p class=\"warning\">{cities} cities: more than {MAX_CITIES}, so this report shows their scores only. Use <code>--city</code> for a city's full report, or <code>--format csv</code> for every value.</p>")?;
    }
    if cities > 1 {
        let rows: Vec<Row> = by_city(assessment)
            .filter_map(|years| years.last().map(|cy| Row::of(cy, fits)))
            .collect();
        let first = assessment.iter().next();
        let dimensions: Vec<(&str, &str)> = first
            .as_ref()
            .map(|cy| cy.dimensions().map(|d| (d.code, d.name)).collect())
            .unwrap_or_default();
        let names: Vec<&str> = dimensions.iter().map(|d| d.1).collect();
        overview(out, &rows, &names)?;
        if let (true, Some(cy)) = (fits, &first) {
            matrix::render(out, cy, &dimensions, &rows)?;
        }
    }
    if fits {
        for years in by_city(assessment) {
            city::section(out, &assessment.catalog.scheme, &years)?;
        }
    }
    writeln!(out, "</body></html>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">R&D</a>"),
            "&lt;a href=&quot;x&quot;&gt;R&amp;D&lt;/a&gt;"
        );
    }

    #[test]
    fn progress_reads_as_words() {
        assert_eq!(
            progress_words(ProgressStatus::SubstantialProgress),
            "substantial progress"
        );
        assert_eq!(
            progress_words(ProgressStatus::TargetAchieved),
            "target achieved"
        );
    }

    #[test]
    fn a_chip_carries_its_band_as_a_tooltip_and_dark_fills_get_white_text() {
        let html = chip("dark_green", "4", "95%+ of target");
        assert!(html.contains("title=\"95%+ of target\""), "{html}");
        assert!(html.contains("color:#ffffff"), "{html}");
        assert!(chip("yellow", "2", "x").contains("color:#111111"));
    }
}
