//! JSON: every value, score, input and summary, with stable key order.

use std::io::Write;

use serde::Serialize;

use super::{display_value, note, round};
use crate::scoring::{Assessment, Summary};

#[derive(Serialize)]
struct Report<'a> {
    tool: &'static str,
    version: &'static str,
    assessments: Vec<CityYear<'a>>,
}

#[derive(Serialize)]
struct CityYear<'a> {
    city: &'a str,
    year: i32,
    summary: Vec<Summary>,
    kpis: Vec<Kpi<'a>>,
}

#[derive(Serialize)]
struct Kpi<'a> {
    key: &'a str,
    code: &'a str,
    part: Option<&'a str>,
    name: &'a str,
    tier: String,
    dimension: &'a str,
    subdimension: String,
    category: String,
    unit: &'a str,
    direction: String,
    value: Option<f64>,
    display: String,
    status: &'static str,
    note: String,
    target: Option<f64>,
    achievement: Option<f64>,
    points: Option<u8>,
    band: Option<&'a str>,
    inputs: Vec<Input>,
}

#[derive(Serialize)]
struct Input {
    name: String,
    value: Option<f64>,
    source: Option<String>,
}

pub fn render(assessment: &Assessment, out: &mut dyn Write) -> anyhow::Result<()> {
    let data = assessment.data;
    let mut assessments = Vec::new();
    for row in 0..assessment.rows() {
        let city_year = assessment.city_year(row);
        let kpis = city_year
            .outcomes
            .iter()
            .map(|o| {
                let m = o.measure;
                let inputs = m
                    .formula
                    .reads
                    .iter()
                    .map(|name| {
                        let field = data
                            .fields
                            .iter()
                            .position(|f| !f.reported_kpi && &f.id == name);
                        Input {
                            name: name.clone(),
                            value: field.and_then(|f| data.value(f, row)),
                            source: field.and_then(|f| data.source(f, row)).map(str::to_string),
                        }
                    })
                    .collect();
                Kpi {
                    key: &m.key,
                    code: &o.kpi.code,
                    part: m.part.as_deref(),
                    name: m.part_name.as_deref().unwrap_or(&o.kpi.name),
                    tier: o.kpi.tier.to_string(),
                    dimension: &o.kpi.dimension,
                    subdimension: o.kpi.subdimension_code(),
                    category: o.kpi.category_code(),
                    unit: &m.unit,
                    direction: m.direction.to_string(),
                    value: o.value.map(|v| round(v, 6)),
                    display: display_value(m, o.value),
                    status: o.status.label(),
                    note: note(o),
                    target: if m.is_yes_no() { None } else { o.target },
                    achievement: o.score.map(|s| round(s.achievement, 2)),
                    points: o.score.map(|s| s.points),
                    band: o.band.map(|b| b.label.as_str()),
                    inputs,
                }
            })
            .collect();
        let summary = assessment
            .summaries(&city_year)
            .into_iter()
            .map(|mut s| {
                s.score = s.score.map(|v| round(v, 2));
                s.mean_achievement = s.mean_achievement.map(|v| round(v, 2));
                s
            })
            .collect();
        assessments.push(CityYear {
            city: city_year.city,
            year: city_year.year,
            summary,
            kpis,
        });
    }
    let report = Report {
        tool: "citykpi",
        version: env!("CARGO_PKG_VERSION"),
        assessments,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)?;
    Ok(())
}
