//! The bands matrix of the HTML report: KPIs as rows (name and code, grouped by dimension
//! with each city's dimension score), cities as columns, each cell the KPI's band as a chip
//! with its points. Cities come [`CITIES_PER_TABLE`] to a table, so that every city's column
//! fits the page and the printed sheet. It formats; it never computes.

use std::fmt::Write as _;
use std::io::Write;

use super::{chip, esc, Row, NO_TARGET_SWATCH};
use crate::catalog::Band;
use crate::scoring::{CityYearReport, Outcome};

/// The most cities one table holds: ten columns of chips beside the KPI names fit A4 portrait.
pub const CITIES_PER_TABLE: usize = 10;

/// One city's band of one measure.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cell<'a> {
    Scored(&'a Band, u8),
    /// A value without a score (no target, or another reason the note gives).
    Unscored,
    NotReported,
}

impl<'a> Cell<'a> {
    pub(super) fn of(o: &Outcome<'a>) -> Self {
        match (o.band, o.score, o.value) {
            (Some(b), Some(s), _) => Cell::Scored(b, s.points),
            (_, _, Some(_)) => Cell::Unscored,
            _ => Cell::NotReported,
        }
    }

    fn html(self) -> String {
        match self {
            Cell::Scored(b, points) => chip(&b.colour, &points.to_string(), &b.label),
            Cell::Unscored => {
                format!("<span title=\"reported, not scored\">{NO_TARGET_SWATCH}</span>")
            }
            Cell::NotReported => "<span class=\"none\" title=\"not reported\">–</span>".into(),
        }
    }
}

/// The matrix of every city's latest year (`rows`); `first` gives the measures' names and
/// codes (every city-year lists the same measures in the same order), `dimensions` the
/// dimensions' codes and names.
pub(super) fn render(
    out: &mut dyn Write,
    first: &CityYearReport,
    dimensions: &[(&str, &str)],
    rows: &[Row],
) -> std::io::Result<()> {
    let mut html = format!("<section><h2>Bands per KPI</h2><p class=\"muted\">Each KPI's points (1-4, the band's colour; its label in the legend and the tooltip) per city; – not reported; {NO_TARGET_SWATCH} reported, not scored (no target, or another reason the city's table gives).</p>");
    for cities in rows.chunks(CITIES_PER_TABLE) {
        html.push_str("<table class=\"matrix\"><colgroup><col class=\"w-kpi\"></colgroup><thead><tr><th scope=\"col\">KPI</th>");
        for r in cities {
            let _ = write!(
                html,
                "<th scope=\"col\">{}<span class=\"cov\">{}</span></th>",
                esc(r.city),
                r.year
            );
        }
        html.push_str("</tr></thead><tbody>");
        for &(code, name) in dimensions {
            let _ = write!(
                html,
                "<tr class=\"dim\"><th scope=\"row\">{}</th>",
                esc(name)
            );
            for r in cities {
                let score = r
                    .dimensions
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or("", |(_, chip)| chip.as_str());
                let _ = write!(html, "<td>{score}</td>");
            }
            html.push_str("</tr>");
            let measures = first.outcomes.iter().enumerate();
            for (j, o) in measures.filter(|(_, o)| o.kpi.dimension == code) {
                let _ = write!(
                    html,
                    "<tr><th scope=\"row\">{} <code class=\"code-inline\">{}</code></th>",
                    esc(o.name),
                    esc(&o.measure.key)
                );
                for r in cities {
                    let cell = r.bands.get(j).map_or(String::new(), |c| c.html());
                    let _ = write!(html, "<td>{cell}</td>");
                }
                html.push_str("</tr>");
            }
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>");
    out.write_all(html.as_bytes())
}
