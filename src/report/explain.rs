//! `citykpi explain`: the lineage of one KPI value, from the model: formula, every input
//! with its source, file:line, data-quality level and verified flag, the verifier's record and
//! the questions to the city, the target and where it was set, the score, what it adds
//! to its groups, the value that reaches the next band, and progress. It formats; it never
//! computes (the next band's value comes from scoring).

use crate::error::WriteError;
use std::io::Write;

use serde::Serialize;

use super::json::QuestionJson;
use super::row::KpiRow;
use super::{display_target, display_value, round, target_origin};
use crate::catalog::Scheme;
use crate::quality::Quality;
use crate::scoring::progress::DEFAULT_TARGET_YEAR;
use crate::scoring::{next_band, CityYearReport, Level, Outcome};

/// The KPI row ([`KpiRow`], as every format writes it) with its lineage.
#[derive(Serialize)]
struct Explained<'a> {
    city: &'a str,
    year: i32,
    key: &'a str,
    formula: &'a str,
    #[serde(flatten)]
    row: KpiRow<'a>,
    reported: Option<Cell<'a>>,
    inputs: Vec<Cell<'a>>,
    next_band: Option<NextBand<'a>>,
    counts_in: Vec<Group<'a>>,
    progress: Option<Progress>,
    /// The questions to the city about the measure (or its whole KPI), in the log's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    questions: Vec<QuestionJson<'a>>,
}

#[derive(Serialize)]
struct Cell<'a> {
    name: &'a str,
    value: Option<f64>,
    unit: &'a str,
    source: Option<&'a str>,
    at: Option<String>,
    converted_from: Option<String>,
    quality: Option<u8>,
    verified: Option<bool>,
    /// The notes the value's row gives (`comment`, `evidence`, ...), by column.
    #[serde(skip_serializing_if = "indexmap::IndexMap::is_empty")]
    notes: indexmap::IndexMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct NextBand<'a> {
    band: &'a str,
    points: u8,
    value: f64,
}

#[derive(Serialize)]
struct Group<'a> {
    level: &'static str,
    code: &'a str,
    name: &'a str,
    points: Option<u8>,
    group_points: u32,
    group_max_points: u32,
    group_score: Option<f64>,
}

#[derive(Serialize)]
struct Progress {
    status: &'static str,
    score: Option<f64>,
    base_year: i32,
    base_value: f64,
    current_year: i32,
    current_value: f64,
}

fn explained<'a>(
    city_year: &'a CityYearReport<'a>,
    o: &'a Outcome<'a>,
    scheme: &'a Scheme,
) -> Explained<'a> {
    let cell = |e: &crate::scoring::Evidence<'a>| Cell {
        name: e.name,
        value: e.value.map(|v| round(v, 6)),
        unit: e.unit,
        source: e.source,
        at: e.file.zip(e.line).map(|(f, l)| format!("{f}:{l}")),
        converted_from: e
            .converted_from
            .map(|(unit, value)| format!("{value} {unit}")),
        quality: e.quality.map(|q| q.level()),
        verified: e.verified,
        notes: e
            .notes
            .iter()
            .map(|(column, note)| (column.as_str(), note.as_str()))
            .collect(),
    };
    let groups = [
        (Level::Category, o.category),
        (Level::Subdimension, o.subdimension),
        (Level::Dimension, o.kpi.dimension.as_str()),
    ];
    Explained {
        city: city_year.city,
        year: city_year.year,
        key: &o.measure.key,
        formula: &o.measure.formula.text,
        row: KpiRow::new(city_year, o),
        reported: o.reported.as_ref().map(cell),
        inputs: city_year.inputs(o).iter().map(cell).collect(),
        next_band: next_band(scheme, o).map(|(band, value)| NextBand {
            band: &band.label,
            points: band.points,
            value: round(value, 6),
        }),
        counts_in: groups
            .iter()
            .filter_map(|(level, code)| {
                let s = city_year
                    .summaries
                    .iter()
                    .find(|s| s.level == *level && s.code == *code)?;
                Some(Group {
                    level: (*level).into(),
                    code: s.code,
                    name: s.name,
                    points: o.score.map(|s| s.points),
                    group_points: s.points,
                    group_max_points: s.max_points,
                    group_score: s.score.map(|v| round(v, 2)),
                })
            })
            .collect(),
        progress: o.progress.map(|t| Progress {
            status: t.progress.status.into(),
            score: t.progress.score.map(|v| round(v, 2)),
            base_year: t.base_year,
            base_value: round(t.base_value, 6),
            current_year: t.current_year,
            current_value: round(t.current_value, 6),
        }),
        questions: o.questions.iter().map(QuestionJson::from).collect(),
    }
}

/// The lineage of `outcomes` of one city-year, as JSON (an array) or as text.
pub fn render(
    city_year: &CityYearReport,
    outcomes: &[&Outcome],
    scheme: &Scheme,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let all: Vec<Explained> = outcomes
        .iter()
        .map(|o| explained(city_year, o, scheme))
        .collect();
    if json {
        serde_json::to_writer_pretty(&mut *out, &all)?;
        writeln!(out)?;
        return Ok(());
    }
    for (i, (e, o)) in all.iter().zip(outcomes).enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let m = o.measure;
        writeln!(out, "{} {} {}: {}", e.city, e.year, e.key, e.row.name)?;
        writeln!(out, "  Formula:   {}", e.formula)?;
        for input in e.inputs.iter().chain(&e.reported) {
            let value = input.value.map_or("no value".to_string(), |v| {
                // A value too large for its digits to be read (1e308) in scientific form.
                if v.abs() >= 1e15 {
                    format!("{v:e}")
                } else {
                    v.to_string()
                }
            });
            let mut line = format!("  {:<10} {} = {value} {}", "Input:", input.name, input.unit);
            if let Some(from) = &input.converted_from {
                line.push_str(&format!(" (given as {from})"));
            }
            if let Some(source) = input.source {
                line.push_str(&format!("; {source}"));
            }
            if let Some(at) = &input.at {
                line.push_str(&format!(" ({at})"));
            }
            line.push_str(&assurance(input.quality, input.verified));
            writeln!(out, "{line}")?;
            for (column, note) in &input.notes {
                writeln!(out, "  {:<10} {column}: {note}", "")?;
            }
        }
        let value = match o.value {
            Some(_) => format!("{} {}", display_value(m, o.value), m.unit),
            None => "no value".into(),
        };
        writeln!(
            out,
            "  Value:     {value} ({}{})",
            e.row.status,
            if e.row.note.is_empty() {
                String::new()
            } else {
                format!("; {}", e.row.note)
            }
        )?;
        if o.quality.is_some() || o.verified.is_some() {
            writeln!(
                out,
                "  Quality:   {}",
                assurance(e.row.quality, e.row.verified).trim_start_matches("; quality ")
            )?;
        }
        if let Some(v) = o.verification {
            let r = v.row;
            let mut said: Vec<String> = Vec::new();
            said.extend(r.verdict.map(|d| format!("verified: {}", d.label())));
            said.extend(
                r.reported
                    .map(|y| format!("reported: {}", if y { "yes" } else { "no" })),
            );
            said.extend(r.comment.clone());
            said.extend(r.evidence.as_ref().map(|e| format!("evidence: {e}")));
            said.extend(r.verifier.clone());
            said.extend(r.date.clone());
            writeln!(
                out,
                "  Verifier:  {} ({}:{})",
                said.join("; "),
                v.file,
                r.line
            )?;
        }
        for q in &e.questions {
            let mut said = format!("{}: {}", q.status, q.question);
            said.extend(q.asked.as_ref().map(|d| format!("; asked {d}")));
            said.extend(q.answer.as_ref().map(|a| format!("; answer: {a}")));
            said.extend(q.answered.as_ref().map(|d| format!("; answered {d}")));
            writeln!(out, "  Question:  {said} ({}:{})", q.file, q.line)?;
        }
        match o.target {
            Some(t) => writeln!(
                out,
                "  Target:    {} by {} ({}{})",
                display_target(m, Some(&t)),
                match t.year {
                    Some(year) => year.to_string(),
                    None => format!("{DEFAULT_TARGET_YEAR}, the default target year"),
                },
                target_origin(Some(&t)),
                t.source.map_or(String::new(), |s| format!("; {s}"))
            )?,
            None => writeln!(out, "  Target:    none")?,
        }
        if let (Some(a), Some(p), Some(b)) =
            (e.row.achievement, e.row.points, e.row.band.as_deref())
        {
            writeln!(out, "  Score:     {a:.1} % of target: {p} points, {b}")?;
        }
        match &e.next_band {
            Some(n) => writeln!(
                out,
                "  Next band: {} ({} points) at a value of {}",
                n.band,
                n.points,
                display_value(m, Some(n.value))
            )?,
            None if e.row.points.is_some() => writeln!(out, "  Next band: none above")?,
            None => {}
        }
        for g in &e.counts_in {
            writeln!(
                out,
                "  Counts in: {} {} ({}): {} of {}/{} points{}",
                g.level,
                g.code,
                g.name,
                g.points.map_or("none".to_string(), |p| p.to_string()),
                g.group_points,
                g.group_max_points,
                g.group_score
                    .map_or(String::new(), |s| format!(" = {s:.1} %")),
            )?;
        }
        if let Some(p) = &e.progress {
            writeln!(
                out,
                "  Progress:  {}{} ({} {} to {} {})",
                p.status,
                p.score.map_or(String::new(), |s| format!(", score {s:.2}")),
                p.base_year,
                p.base_value,
                p.current_year,
                p.current_value
            )?;
        }
    }
    Ok(())
}

/// `; quality 2 (Extrapolated based on survey of inhabitants), verified`.
fn assurance(quality: Option<u8>, verified: Option<bool>) -> String {
    let level = quality
        .and_then(Quality::from_level)
        .map(|q| format!("quality {} ({})", q.level(), q.description()));
    let flag = verified.map(|v| if v { "verified" } else { "not verified" }.to_string());
    let said: Vec<String> = [level, flag].into_iter().flatten().collect();
    if said.is_empty() {
        String::new()
    } else {
        format!("; {}", said.join(", "))
    }
}
