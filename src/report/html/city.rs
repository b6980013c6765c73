//! One city's section of the HTML report: its latest year's overall score with the KPIs and
//! data points reported, verified, not verified and not reported, the wheel, a card
//! per dimension, a table per dimension with every KPI (name and code, value, target, band
//! chip, progress in words with the trend, data quality, note and lineage), and the lists of
//! KPIs not reported and not verified, each code with its name, and the open questions to the
//! city where a questions log is given. It formats; it never computes.

use std::fmt::Write as _;
use std::io::Write;

use super::super::text::display_reporting;
use super::super::wheel::wheel;
use super::super::{
    display_coverage, display_target, display_value, display_verified_coverage, note,
};
use super::{chip, coverage, esc, legend, progress_words, summary_chip, NO_TARGET_SWATCH};
use crate::catalog::{Kpi, Scheme};
use crate::scoring::{CityYearReport, Outcome};

/// A measure's band as a chip with its points, the band's label as the tooltip.
fn band_cell(o: &Outcome) -> String {
    match (o.band, o.score) {
        (Some(b), Some(s)) => chip(&b.colour, &s.points.to_string(), &b.label),
        _ if o.value.is_some() => {
            format!("<span title=\"reported, not scored\">{NO_TARGET_SWATCH}</span>")
        }
        _ => String::new(),
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
    let mut html = String::from("<details class=\"lineage\"><summary>lineage</summary><ul>");
    let _ = write!(
        html,
        "<li>formula: <code>{}</code></li>",
        esc(&o.measure.formula.text)
    );
    for e in city_year.inputs(o).iter().chain(&o.reported) {
        let value = e.value.map_or("no value".to_string(), |v| {
            super::super::round(v, 6).to_string()
        });
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
            let _ = write!(
                html,
                "; <em>{}</em>",
                esc(&super::super::notes_text(e.notes))
            );
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

/// KPIs as a list of codes, each with its name; `none` for an empty list.
fn kpi_list(kpis: &[&Kpi]) -> String {
    if kpis.is_empty() {
        return "<p>none</p>".into();
    }
    let mut html = String::from("<ul class=\"kpi-list\">");
    for k in kpis {
        let _ = write!(
            html,
            "<li><code>{}</code> {}</li>",
            esc(&k.code),
            esc(&k.name)
        );
    }
    html.push_str("</ul>");
    html
}

/// The city-year's open questions (KPI, question, asked), or `none`.
pub(crate) fn open_questions(city_year: &CityYearReport) -> String {
    let mut html = String::from("<h3>Open questions</h3>");
    let mut open = city_year.open_questions().peekable();
    if open.peek().is_none() {
        html.push_str("<p>none</p>");
        return html;
    }
    html.push_str("<table class=\"questions\"><colgroup><col class=\"w-kpi\"><col><col class=\"w-asked\"></colgroup><thead><tr><th>KPI</th><th>Question</th><th>Asked</th></tr></thead><tbody>");
    for a in open {
        let q = a.question;
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&q.kpi),
            esc(&q.question),
            esc(q.asked.as_deref().unwrap_or(""))
        );
    }
    html.push_str("</tbody></table>");
    html
}

/// One KPI (or part) as a table row; `series` is its values over the city's years.
fn kpi_row(html: &mut String, city_year: &CityYearReport, o: &Outcome, series: &[(i32, f64)]) {
    let m = o.measure;
    let value = match o.value {
        Some(_) => format!(
            "<span class=\"n\">{}</span><span class=\"unit\">{}</span>",
            display_value(m, o.value),
            esc(&m.unit)
        ),
        None => "<span class=\"none\">not reported</span>".into(),
    };
    let target = match o.target {
        Some(t) => format!(
            "<span class=\"n\">{}</span>{}{}",
            esc(&display_target(m, Some(&t))),
            t.year.map_or(String::new(), |y| format!(" by {y}")),
            t.source.map_or(String::new(), |s| format!(
                "<span class=\"src\">{}</span>",
                esc(s)
            ))
        ),
        None => String::new(),
    };
    let progress = o
        .progress
        .map(|t| progress_words(t.progress.status))
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
        "<tr><td>{}<code class=\"code\">{}</code></td><td class=\"num\">{value}</td><td class=\"num\">{target}</td><td>{}</td><td>{progress}<br>{}</td><td>{quality}</td><td>{}{}</td></tr>",
        esc(o.name),
        esc(&m.key),
        band_cell(o),
        sparkline(series),
        esc(&note(city_year, o)),
        lineage(city_year, o)
    );
}

/// One city: its latest city-year in full, with its earlier years as the trend.
pub(super) fn section(
    out: &mut dyn Write,
    scheme: &Scheme,
    years: &[CityYearReport],
) -> std::io::Result<()> {
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
            "<p>Overall score {} from {}; KPIs computed: {}; verified: {}.</p>",
            summary_chip(overall),
            coverage(latest, overall),
            esc(&display_coverage(overall)),
            esc(&display_verified_coverage(overall))
        );
        // KPIs and data points reported, verified, not verified and not reported, as the
        // table and Markdown give them.
        let _ = write!(
            html,
            "<p class=\"reporting\">Reporting: {}.</p>",
            esc(&display_reporting(overall))
        );
    }
    html.push_str(&wheel(latest));
    html.push_str(&legend(scheme).replacen("class=\"legend\"", "class=\"legend wheel-legend\"", 1));
    html.push_str("<div class=\"cards\">");
    for d in latest.dimensions() {
        let _ = write!(
            html,
            "<div class=\"card\"><h3>{}</h3><p>{} from {}</p>{}{}</div>",
            esc(d.name),
            summary_chip(d),
            coverage(latest, d),
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
        let _ = write!(
            html,
            "<h3>{}: {} from {}</h3><table class=\"kpis\"><colgroup><col class=\"w-kpi\"><col class=\"w-value\"><col class=\"w-target\"><col class=\"w-band\"><col class=\"w-progress\"><col class=\"w-quality\"><col class=\"w-note\"></colgroup><thead><tr><th>KPI</th><th>Value</th><th>Target</th><th>Band</th><th>Progress</th><th>Quality</th><th>Note and lineage</th></tr></thead><tbody>",
            esc(d.name),
            summary_chip(d),
            coverage(latest, d)
        );
        // Every city-year of an assessment lists the same measures in the same order.
        let of_dimension = latest.outcomes.iter().enumerate();
        for (j, o) in of_dimension.filter(|(_, o)| o.kpi.dimension == d.code) {
            let series: Vec<(i32, f64)> = years
                .iter()
                .filter_map(|cy| Some((cy.year, cy.outcomes[j].value?)))
                .collect();
            kpi_row(&mut html, latest, o, &series);
        }
        html.push_str("</tbody></table>");
    }
    for (title, kpis) in [
        ("KPIs not reported", latest.not_reported()),
        ("KPIs not verified", latest.not_verified()),
    ] {
        let _ = write!(html, "<h3>{title}</h3>{}", kpi_list(&kpis));
    }
    if latest.questions.is_some() {
        html.push_str(&open_questions(latest));
    }
    html.push_str("</section>");
    out.write_all(html.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_needs_two_values_and_marks_the_last() {
        assert_eq!(sparkline(&[(2024, 1.0)]), "");
        let svg = sparkline(&[(2022, 1.0), (2023, 3.0), (2024, 2.0)]);
        assert!(svg.contains("aria-label=\"2022 1 to 2024 2\""), "{svg}");
        assert!(svg.contains("<circle"), "{svg}");
    }
}
