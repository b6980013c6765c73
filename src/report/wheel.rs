//! The U4SSC benchmarking wheel as inline SVG: dimensions, sub-dimensions and categories as
//! rings, each segment filled with its band's colour and labelled with its score; where
//! nothing is scored, dotted where the city reported values that have no score (no target,
//! most often) and hatched where it reported none. The centre gives the overall score and
//! the KPIs it rests on. It draws the model's roll-ups; it never computes a score.

use std::fmt::Write as _;

use super::html::{colour_hex, coverage, esc, in_scope};
use crate::scoring::{CityYearReport, Level, NotScored, Summary};

/// Ring radii: dimensions inside, categories outside.
const RINGS: [(f64, f64); 3] = [(70.0, 150.0), (150.0, 230.0), (230.0, 310.0)];
const SIZE: f64 = 660.0;

fn point(radius: f64, angle: f64) -> (f64, f64) {
    let c = SIZE / 2.0;
    (c + radius * angle.sin(), c - radius * angle.cos())
}

/// The SVG path of a ring segment from angle `a0` to `a1` (radians, clockwise from the top).
fn arc(r0: f64, r1: f64, a0: f64, a1: f64) -> String {
    let large = u8::from(a1 - a0 > std::f64::consts::PI);
    let (x0, y0) = point(r1, a0);
    let (x1, y1) = point(r1, a1);
    let (x2, y2) = point(r0, a1);
    let (x3, y3) = point(r0, a0);
    format!(
        "M{x0:.2},{y0:.2} A{r1},{r1} 0 {large} 1 {x1:.2},{y1:.2} L{x2:.2},{y2:.2} A{r0},{r0} 0 {large} 0 {x3:.2},{y3:.2} Z"
    )
}

/// The short label of a group: its last code part (`ICT` of `EC:ICT:ICT`).
fn short(code: &str) -> &str {
    code.rsplit(':').next().unwrap_or(code)
}

/// What a segment shows: a score, values without a score, or nothing reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Scored,
    /// Values reported, none scored; `true` when for want of a target only.
    Unscored {
        no_target: bool,
    },
    NotReported,
}

fn state(city_year: &CityYearReport, s: &Summary) -> State {
    if s.band.is_some() {
        return State::Scored;
    }
    let mut reported = city_year
        .outcomes
        .iter()
        .filter(|o| o.value.is_some() && in_scope(o, s))
        .peekable();
    if reported.peek().is_none() {
        return State::NotReported;
    }
    let no_target = reported.all(|o| o.not_scored == Some(NotScored::NoTarget));
    State::Unscored { no_target }
}

fn segment(
    svg: &mut String,
    city_year: &CityYearReport,
    s: &Summary,
    ring: usize,
    a0: f64,
    a1: f64,
) {
    let (r0, r1) = RINGS[ring];
    let state = state(city_year, s);
    let (fill, name, what) = match (state, s.band, s.score) {
        (State::Scored, Some(band), Some(score)) => (
            colour_hex(&band.colour),
            "scored",
            format!("{score:.0} %, {}", band.label),
        ),
        (State::Unscored { no_target: true }, ..) => {
            ("url(#no-target)", "no-target", "reported, no target".into())
        }
        (State::Unscored { .. }, ..) => (
            "url(#no-target)",
            "no-target",
            "reported, not scored (see the KPI table)".into(),
        ),
        _ => ("url(#no-data)", "not-reported", "not reported".into()),
    };
    let level: &str = s.level.into();
    let _ = write!(
        svg,
        "<path class=\"segment\" data-level=\"{level}\" data-code=\"{code}\" data-scored=\"{scored}\" data-state=\"{name}\" d=\"{d}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"2\"><title>{title} ({code}): {what}</title></path>",
        scored = state == State::Scored,
        code = esc(s.code),
        d = arc(r0, r1, a0, a1),
        title = esc(s.name),
        what = esc(&what),
    );
    // Labels where the segment is wide enough to hold them.
    let (mid, radius) = ((a0 + a1) / 2.0, (r0 + r1) / 2.0);
    if (a1 - a0) * radius < 24.0 {
        return;
    }
    let (x, y) = point(radius, mid);
    let label = match ring {
        0 => s.name.to_string(),
        _ => short(s.code).to_string(),
    };
    let score = s.score.map_or("–".to_string(), |v| format!("{v:.0}%"));
    let _ = write!(
        svg,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" class=\"wheel-label\"><tspan x=\"{x:.1}\" dy=\"-0.2em\">{}</tspan><tspan x=\"{x:.1}\" dy=\"1.1em\" class=\"wheel-score\">{score}</tspan></text>",
        esc(&label)
    );
}

/// The wheel of one city-year: every category gets the same angle; a sub-dimension spans its
/// categories and a dimension its sub-dimensions.
pub(super) fn wheel(city_year: &CityYearReport) -> String {
    let of = |level: Level| -> Vec<&Summary> {
        city_year
            .summaries
            .iter()
            .filter(|s| s.level == level)
            .collect()
    };
    let (dimensions, subdimensions, categories) = (
        of(Level::Dimension),
        of(Level::Subdimension),
        of(Level::Category),
    );
    let mut svg = format!(
        "<svg class=\"wheel\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {SIZE} {SIZE}\" role=\"img\" aria-label=\"U4SSC benchmarking wheel of {} {}\">\
<defs><pattern id=\"no-data\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#eeeeee\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#bbbbbb\" stroke-width=\"3\"/></pattern>\
<pattern id=\"no-target\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"#dfe7f1\"/><circle cx=\"2\" cy=\"2\" r=\"1.3\" fill=\"#7d8ea3\"/><circle cx=\"6\" cy=\"6\" r=\"1.3\" fill=\"#7d8ea3\"/></pattern></defs>",
        esc(city_year.city),
        city_year.year
    );
    if categories.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let step = std::f64::consts::TAU / categories.len() as f64;
    let within = |parent: &str, child: &str| child.starts_with(&format!("{parent}:"));
    // Each group spans the categories under it, which are consecutive in catalogue order.
    let span = |code: &str| -> Option<(f64, f64)> {
        let first = categories.iter().position(|c| within(code, c.code))?;
        let count = categories.iter().filter(|c| within(code, c.code)).count();
        Some((first as f64 * step, (first + count) as f64 * step))
    };
    for (i, c) in categories.iter().enumerate() {
        segment(
            &mut svg,
            city_year,
            c,
            2,
            i as f64 * step,
            (i + 1) as f64 * step,
        );
    }
    for s in &subdimensions {
        if let Some((a0, a1)) = span(s.code) {
            segment(&mut svg, city_year, s, 1, a0, a1);
        }
    }
    for d in &dimensions {
        if let Some((a0, a1)) = span(d.code) {
            segment(&mut svg, city_year, d, 0, a0, a1);
        }
    }
    if let Some(overall) = city_year.overall() {
        let c = SIZE / 2.0;
        let score = overall
            .score
            .map_or("not scored".to_string(), |v| format!("{v:.1} %"));
        let _ = write!(
            svg,
            "<text x=\"{c}\" y=\"{y1}\" text-anchor=\"middle\" class=\"wheel-centre\">Overall</text><text x=\"{c}\" y=\"{y2}\" text-anchor=\"middle\" class=\"wheel-centre-score\">{score}</text><text x=\"{c}\" y=\"{y3}\" text-anchor=\"middle\" class=\"wheel-centre-cov\">from {}</text>",
            coverage(city_year, overall),
            y1 = c - 14.0,
            y2 = c + 10.0,
            y3 = c + 28.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_arc_starts_at_the_top_and_ends_on_the_right() {
        let path = arc(10.0, 20.0, 0.0, std::f64::consts::FRAC_PI_2);
        let c = SIZE / 2.0;
        assert!(
            path.starts_with(&format!("M{:.2},{:.2}", c, c - 20.0)),
            "{path}"
        );
        assert!(
            path.contains(&format!("{:.2},{:.2} L", c + 20.0, c)),
            "{path}"
        );
    }
}
