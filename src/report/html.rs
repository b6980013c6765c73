//! The council's report: one self-contained HTML file (styles inline, SVG drawn here, no
//! script, no network request) with, per city, the benchmarking wheel, each dimension's score
//! and coverage, every KPI with its target, band, progress, trend, data quality and lineage,
//! and the verification report's lists; with several cities, a city x KPI matrix of bands.
//! Bands show by colour and by text. It formats the model; it never computes.

use std::fmt::Write as _;
use std::io::Write;

use super::wheel::wheel;
use super::{display_coverage, display_target, display_value, display_verified_coverage, note};
use crate::catalog::{Band, Scheme};
use crate::scoring::{Assessment, CityYearReport, Outcome, Summary};

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

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d1d1f;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #333;padding-bottom:4px}
h3{font-size:16px;margin:20px 0 6px}.muted{color:#555}.warning{background:#fff3cd;border:1px solid #e0b000;padding:8px 12px}.banner{background:#fde2e1;border:2px solid #b3261e;color:#5f1410;font-weight:600;padding:10px 14px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;white-space:nowrap}
.band{display:inline-block;min-width:1.6em;padding:0 4px;border:1px solid #555;border-radius:3px;text-align:center;font-weight:600;color:#111}
.legend span{margin-right:14px;white-space:nowrap}.wheel{width:100%;max-width:520px;height:auto;display:block;margin:0 auto}
.wheel-label{font-size:11px;fill:#111}.wheel-score{font-weight:700}.wheel-centre{font-size:14px}.wheel-centre-score{font-size:20px;font-weight:700}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 300px;border:1px solid #ccc;border-radius:6px;padding:8px 12px}
.bar{background:#eee;border:1px solid #999;height:10px;width:100%;margin:2px 0 6px}.bar>div{background:#555;height:100%}
details summary{cursor:pointer;color:#1c3f8c}details ul{margin:4px 0;padding-left:18px}
.scroll{overflow-x:auto}.matrix td{text-align:center;padding:2px}.matrix th{font-size:11px;writing-mode:vertical-rl;white-space:nowrap}
@media print{@page{size:A4;margin:14mm}body{margin:0;max-width:none;font-size:10px}section.city{break-before:page}tr,.card,svg{break-inside:avoid}details{display:block}}
";

fn band_cell(o: &Outcome) -> String {
    match (o.band, o.score) {
        (Some(b), Some(s)) => format!(
            "<span class=\"band\" style=\"background:{}\">{}</span> {}",
            colour_hex(&b.colour),
            s.points,
            esc(&b.label)
        ),
        _ => String::new(),
    }
}

fn summary_band(s: &Summary) -> String {
    match (s.band, s.score) {
        (Some(b), Some(score)) => format!(
            "<span class=\"band\" style=\"background:{}\">{score:.1} %</span> {}",
            colour_hex(&b.colour),
            esc(&b.label)
        ),
        _ => "not scored".into(),
    }
}

/// A small line of a measure's values over the years, the last one marked.
fn sparkline(values: &[(i32, f64)]) -> String {
    if values.len() < 2 {
        return String::new();
    }
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, v)| {
            (lo.min(v), hi.max(v))
        });
    let (w, h) = (80.0, 20.0);
    let x = |i: usize| 2.0 + (w - 4.0) * i as f64 / (values.len() - 1) as f64;
    let y = |v: f64| match hi > lo {
        true => h - 2.0 - (h - 4.0) * (v - lo) / (hi - lo),
        false => h / 2.0,
    };
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, &(_, v))| format!("{:.1},{:.1}", x(i), y(v)))
        .collect();
    let (first, last) = (values[0], values[values.len() - 1]);
    format!(
        "<svg class=\"spark\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{} {} to {} {}\"><polyline points=\"{}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\"/><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"#333\"/></svg>",
        first.0,
        first.1,
        last.0,
        last.1,
        points.join(" "),
        x(values.len() - 1),
        y(last.1)
    )
}

fn lineage(city_year: &CityYearReport, o: &Outcome) -> String {
    let mut html = String::from("<details><summary>lineage</summary><ul>");
    let _ = write!(
        html,
        "<li>formula: <code>{}</code></li>",
        esc(&o.measure.formula.text)
    );
    for e in city_year.inputs(o).iter().chain(&o.reported) {
        let value = e
            .value
            .map_or("no value".to_string(), |v| super::round(v, 6).to_string());
        let _ = write!(
            html,
            "<li><code>{}</code> = {} {}",
            esc(e.name),
            value,
            esc(e.unit)
        );
        if let Some(source) = e.source {
            let _ = write!(html, "; {}", esc(source));
        }
        if !e.notes.is_empty() {
            let _ = write!(html, "; <em>{}</em>", esc(&super::notes_text(e.notes)));
        }
        if let (Some(file), Some(line)) = (e.file, e.line) {
            let _ = write!(html, " <span class=\"muted\">({}:{line})</span>", esc(file));
        }
        if let Some(q) = e.quality {
            let _ = write!(html, "; quality {}", q.level());
        }
        match e.verified {
            Some(true) => html.push_str("; verified"),
            Some(false) => html.push_str("; not verified"),
            None => {}
        }
        html.push_str("</li>");
    }
    html.push_str("</ul></details>");
    html
}

fn bar(label: &str, done: usize, of: usize) -> String {
    if of == 0 {
        return String::new();
    }
    format!(
        "<div>{label}: {done}/{of}</div><div class=\"bar\" role=\"img\" aria-label=\"{label} {done} of {of}\"><div style=\"width:{:.1}%\"></div></div>",
        100.0 * done as f64 / of as f64
    )
}

/// One city: its latest city-year in full, with its earlier years as the trend.
fn city_section(out: &mut dyn Write, years: &[CityYearReport]) -> std::io::Result<()> {
    let Some(latest) = years.last() else {
        return Ok(());
    };
    let mut html = String::new();
    let _ = write!(
        html,
        "<section class=\"city\"><h2>{} {}</h2>",
        esc(latest.city),
        latest.year
    );
    if let Some(overall) = latest.overall() {
        let _ = write!(
            html,
            "<p>Overall score {}; KPIs computed: {}; verified: {}.</p>",
            summary_band(overall),
            esc(&display_coverage(overall)),
            esc(&display_verified_coverage(overall))
        );
    }
    html.push_str(&wheel(latest));
    html.push_str("<div class=\"cards\">");
    for d in latest.dimensions() {
        let _ = write!(
            html,
            "<div class=\"card\"><h3>{}</h3><p>{}</p>{}{}</div>",
            esc(d.name),
            summary_band(d),
            bar("core KPIs computed", d.core_computed, d.core_defined),
            bar(
                "advanced KPIs computed",
                d.advanced_computed,
                d.advanced_defined
            )
        );
    }
    html.push_str("</div>");
    for d in latest.dimensions() {
        let _ = write!(html, "<h3>{}: {}</h3><table><thead><tr><th>Code</th><th>KPI</th><th>Value</th><th>Target</th><th>Band</th><th>Progress</th><th>Trend</th><th>Quality</th><th>Note and lineage</th></tr></thead><tbody>", esc(d.name), summary_band(d));
        // Every city-year of an assessment lists the same measures in the same order.
        let of_dimension = latest.outcomes.iter().enumerate();
        for (j, o) in of_dimension.filter(|(_, o)| o.kpi.dimension == d.code) {
            let m = o.measure;
            let series: Vec<(i32, f64)> = years
                .iter()
                .filter_map(|cy| Some((cy.year, cy.outcomes[j].value?)))
                .collect();
            let value = match o.value {
                Some(_) => format!("{} {}", display_value(m, o.value), esc(&m.unit)),
                None => "not reported".into(),
            };
            let target = match o.target {
                Some(t) => format!(
                    "{}{}{}",
                    esc(&display_target(m, Some(&t))),
                    t.year.map_or(String::new(), |y| format!(" by {y}")),
                    t.source.map_or(String::new(), |s| format!(
                        "<br><span class=\"muted\">{}</span>",
                        esc(s)
                    ))
                ),
                None => String::new(),
            };
            let progress = o
                .progress
                .map(|t| esc(t.progress.status.into()))
                .unwrap_or_default();
            let quality = [
                o.quality.map(|q| format!("level {}", q.level())),
                o.verified
                    .map(|v| if v { "verified" } else { "not verified" }.to_string()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{value}</td><td class=\"num\">{target}</td><td>{}</td><td>{progress}</td><td>{}</td><td>{quality}</td><td>{}{}</td></tr>",
                esc(&m.key),
                esc(o.name),
                band_cell(o),
                sparkline(&series),
                esc(&note(latest, o)),
                lineage(latest, o)
            );
        }
        html.push_str("</tbody></table>");
    }
    for (title, kpis) in [
        ("KPIs not reported", latest.not_reported()),
        ("KPIs not verified", latest.not_verified()),
    ] {
        let codes: Vec<String> = kpis.iter().map(|k| esc(&k.code)).collect();
        let list = if codes.is_empty() {
            "none".to_string()
        } else {
            codes.join(", ")
        };
        let _ = write!(html, "<h3>{title}</h3><p>{list}</p>");
    }
    html.push_str("</section>");
    out.write_all(html.as_bytes())
}

/// A city's latest year as the overview shows it: its scores, and (for the matrix) each
/// measure's points and band.
struct Row<'a> {
    city: &'a str,
    year: i32,
    overall: Option<Summary<'a>>,
    dimensions: Vec<Summary<'a>>,
    bands: Vec<(Option<&'a Band>, Option<u8>, bool)>,
}

impl<'a> Row<'a> {
    fn of(cy: &CityYearReport<'a>, matrix: bool) -> Self {
        Row {
            city: cy.city,
            year: cy.year,
            overall: cy.overall().cloned(),
            dimensions: cy.dimensions().cloned().collect(),
            bands: match matrix {
                true => cy
                    .outcomes
                    .iter()
                    .map(|o| (o.band, o.score.map(|s| s.points), o.value.is_some()))
                    .collect(),
                false => Vec::new(),
            },
        }
    }
}

/// The scores of every city's latest year, side by side; with up to [`MAX_CITIES`] cities
/// also the city x KPI matrix of bands (`header`: the measures' keys and names).
fn overview(out: &mut dyn Write, rows: &[Row], header: &[(&str, &str)]) -> std::io::Result<()> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let mut html = String::from("<section><h2>Cities side by side</h2><table><thead><tr><th>City</th><th>Year</th><th>Overall</th>");
    for d in &first.dimensions {
        let _ = write!(html, "<th>{}</th>", esc(d.name));
    }
    html.push_str("</tr></thead><tbody>");
    for r in rows {
        let overall = r.overall.as_ref().map(summary_band).unwrap_or_default();
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{overall}</td>",
            esc(r.city),
            r.year
        );
        for d in &r.dimensions {
            let _ = write!(html, "<td>{}</td>", summary_band(d));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    if !header.is_empty() {
        html.push_str("<h3>Bands per KPI</h3><div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>City</th>");
        for (key, name) in header {
            let _ = write!(html, "<th title=\"{}\">{}</th>", esc(name), esc(key));
        }
        html.push_str("</tr></thead><tbody>");
        for r in rows {
            let _ = write!(html, "<tr><td>{}</td>", esc(r.city));
            for (band, points, has_value) in &r.bands {
                let cell = match (band, points) {
                    (Some(b), Some(p)) => format!(
                        "<td style=\"background:{}\" title=\"{}\">{p}</td>",
                        colour_hex(&b.colour),
                        esc(&b.label)
                    ),
                    _ if !has_value => "<td title=\"not reported\">–</td>".into(),
                    _ => "<td title=\"not scored\">·</td>".into(),
                };
                html.push_str(&cell);
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table></div><p class=\"muted\">Points 1-4 by band; – not reported; · not scored.</p>");
    }
    html.push_str("</section>");
    out.write_all(html.as_bytes())
}

fn legend(scheme: &Scheme) -> String {
    let mut html = String::from("<p class=\"legend\">Bands: ");
    for b in &scheme.bands {
        let _ = write!(
            html,
            "<span><span class=\"band\" style=\"background:{}\">{}</span> {}</span>",
            colour_hex(&b.colour),
            b.points,
            esc(&b.label)
        );
    }
    html.push_str("<span><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\" fill=\"#eeeeee\" stroke=\"#bbbbbb\"/><line x1=\"0\" y1=\"14\" x2=\"14\" y2=\"0\" stroke=\"#bbbbbb\" stroke-width=\"3\"/></svg> no data</span></p>");
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

/// The whole report, in two passes over the assessment: the overview of every city's latest
/// year, then a section per city (its latest year, the earlier ones as its trend). Only one
/// city's years are held at a time.
pub fn render(assessment: &Assessment, out: &mut dyn Write) -> anyhow::Result<()> {
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
        let header: Vec<(&str, &str)> = match (fits, assessment.iter().next()) {
            (true, Some(cy)) => cy
                .outcomes
                .iter()
                .map(|o| (o.measure.key.as_str(), o.name))
                .collect(),
            _ => Vec::new(),
        };
        overview(out, &rows, &header)?;
    }
    if fits {
        for years in by_city(assessment) {
            city_section(out, &years)?;
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
    fn a_sparkline_needs_two_values_and_marks_the_last() {
        assert_eq!(sparkline(&[(2024, 1.0)]), "");
        let svg = sparkline(&[(2022, 1.0), (2023, 3.0), (2024, 2.0)]);
        assert!(svg.contains("aria-label=\"2022 1 to 2024 2\""), "{svg}");
        assert!(svg.contains("<circle"), "{svg}");
    }
}
