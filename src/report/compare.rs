//! `citykpi compare`: the peer comparison as a terminal table, CSV, JSON or Markdown: the
//! U4SSC scores side by side, then every KPI with each city's value, rank, percentile and
//! its group's median and best. It formats the comparison; it never computes.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use serde::Serialize;

use super::{display_value, neutralise, round, Format};
use crate::scoring::compare::{Comparison, Ranked};

#[derive(Serialize)]
struct Json<'a> {
    year: i32,
    cities: Vec<CityJson<'a>>,
    kpis: Vec<RowJson<'a>>,
}

#[derive(Serialize)]
struct CityJson<'a> {
    city: &'a str,
    group: &'a str,
    overall: Option<f64>,
    dimensions: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct RowJson<'a> {
    code: &'a str,
    part: Option<&'a str>,
    name: &'a str,
    unit: &'a str,
    direction: &'static str,
    city: &'a str,
    group: &'a str,
    value: Option<f64>,
    rank: Option<usize>,
    of: usize,
    percentile: Option<f64>,
    peer_median: Option<f64>,
    best_city: Option<&'a str>,
    best_value: Option<f64>,
}

const CSV_HEADER: [&str; 14] = [
    "code",
    "part",
    "name",
    "unit",
    "direction",
    "city",
    "group",
    "value",
    "rank",
    "of",
    "percentile",
    "peer_median",
    "best_city",
    "best_value",
];

fn number(v: Option<f64>, decimals: i32) -> String {
    v.map(|v| round(v, decimals).to_string())
        .unwrap_or_default()
}

fn row_json<'a>(r: &'a Ranked<'a>) -> RowJson<'a> {
    RowJson {
        code: &r.kpi.code,
        part: r.measure.part.as_deref(),
        name: &r.kpi.name,
        unit: &r.measure.unit,
        direction: r.measure.direction.into(),
        city: &r.city,
        group: &r.group,
        value: r.value.map(|v| round(v, 6)),
        rank: r.rank,
        of: r.of,
        percentile: r.percentile.map(|v| round(v, 1)),
        peer_median: r.median.map(|v| round(v, 6)),
        best_city: r.best.as_ref().map(|(c, _)| c.as_str()),
        best_value: r.best.as_ref().map(|(_, v)| round(*v, 6)),
    }
}

/// `2/5`, or `—` for a city without a value, or empty for a KPI that is not ranked.
fn rank_text(r: &Ranked) -> String {
    match (r.value, r.rank) {
        (None, _) => "—".into(),
        (Some(_), Some(rank)) => format!("{rank}/{}", r.of),
        (Some(_), None) => String::new(),
    }
}

/// The cells of a KPI row in the table and Markdown.
fn cells(r: &Ranked) -> [String; 8] {
    let key = &r.measure.key;
    [
        key.clone(),
        r.city.clone(),
        match r.value {
            Some(_) => display_value(r.measure, r.value),
            None => "not reported".into(),
        },
        rank_text(r),
        r.percentile.map(|p| format!("{p:.0}")).unwrap_or_default(),
        r.median
            .map(|m| display_value(r.measure, Some(m)))
            .unwrap_or_default(),
        r.best
            .as_ref()
            .map(|(c, v)| format!("{} ({c})", display_value(r.measure, Some(*v))))
            .unwrap_or_default(),
        r.group.clone(),
    ]
}

const TABLE_HEADER: [&str; 8] = [
    "KPI",
    "City",
    "Value",
    "Rank",
    "Percentile",
    "Peer median",
    "Best",
    "Group",
];

fn score(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1} %"))
        .unwrap_or_else(|| "not scored".into())
}

fn score_rows(c: &Comparison) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["City".to_string(), "Group".into(), "Overall".into()];
    header.extend(c.dimensions.iter().map(|(_, name)| name.to_string()));
    let rows = c
        .cities
        .iter()
        .map(|city| {
            let mut row = vec![city.city.clone(), city.group.clone(), score(city.overall)];
            row.extend(city.dimensions.iter().map(|d| score(*d)));
            row
        })
        .collect();
    (header, rows)
}

/// Render the comparison in `format` (`ndjson` writes one KPI row a line).
pub fn render(
    comparison: &Comparison,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), crate::Error> {
    match format {
        Format::Json | Format::Ndjson => {
            let cities = comparison
                .cities
                .iter()
                .map(|c| CityJson {
                    city: &c.city,
                    group: &c.group,
                    overall: c.overall.map(|v| round(v, 2)),
                    dimensions: comparison
                        .dimensions
                        .iter()
                        .zip(&c.dimensions)
                        .map(|((code, _), v)| {
                            (code.to_string(), serde_json::json!(v.map(|v| round(v, 2))))
                        })
                        .collect(),
                })
                .collect();
            let kpis: Vec<RowJson> = comparison.rows.iter().map(row_json).collect();
            if format == Format::Ndjson {
                for row in &kpis {
                    serde_json::to_writer(&mut *out, row)?;
                    writeln!(out)?;
                }
            } else {
                let json = Json {
                    year: comparison.year,
                    cities,
                    kpis,
                };
                serde_json::to_writer_pretty(&mut *out, &json)?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(CSV_HEADER)?;
            for r in &comparison.rows {
                let j = row_json(r);
                writer.write_record([
                    j.code.to_string(),
                    j.part.unwrap_or_default().to_string(),
                    neutralise(j.name).into_owned(),
                    j.unit.to_string(),
                    j.direction.to_string(),
                    neutralise(j.city).into_owned(),
                    neutralise(j.group).into_owned(),
                    number(r.value, 6),
                    j.rank.map(|r| r.to_string()).unwrap_or_default(),
                    j.of.to_string(),
                    number(r.percentile, 1),
                    number(r.median, 6),
                    neutralise(j.best_city.unwrap_or_default()).into_owned(),
                    number(r.best.as_ref().map(|(_, v)| *v), 6),
                ])?;
            }
            writer.flush()?;
        }
        Format::Table => {
            writeln!(out, "U4SSC scores, {}", comparison.year)?;
            let (header, rows) = score_rows(comparison);
            writeln!(out, "{}", table(&header, &rows, &[2, 3, 4, 5]))?;
            writeln!(out)?;
            let rows: Vec<Vec<String>> =
                comparison.rows.iter().map(|r| cells(r).to_vec()).collect();
            let header: Vec<String> = TABLE_HEADER.iter().map(|h| h.to_string()).collect();
            writeln!(out, "{}", table(&header, &rows, &[2, 3, 4, 5]))?;
            writeln!(out, "Rank 1 is the best of the group; ties share a rank; — : not reported (not ranked). A KPI with no direction is not ranked.")?;
        }
        Format::Md => {
            writeln!(out, "# U4SSC peer comparison, {}", comparison.year)?;
            writeln!(out)?;
            let (header, rows) = score_rows(comparison);
            markdown(out, &header, &rows)?;
            writeln!(out)?;
            let rows: Vec<Vec<String>> =
                comparison.rows.iter().map(|r| cells(r).to_vec()).collect();
            let header: Vec<String> = TABLE_HEADER.iter().map(|h| h.to_string()).collect();
            markdown(out, &header, &rows)?;
        }
        Format::Xlsx | Format::Html | Format::Parquet | Format::Arrow => {
            return Err(crate::Error::Usage(
                "compare writes table, csv, json, ndjson or md; for a workbook or a page, use `assess --format xlsx|html`".into(),
            ));
        }
    }
    Ok(())
}

fn table(header: &[String], rows: &[Vec<String>], right: &[usize]) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
    table.set_header(header);
    for row in rows {
        table.add_row(row);
    }
    for &i in right {
        if let Some(column) = table.column_mut(i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

fn markdown(out: &mut dyn Write, header: &[String], rows: &[Vec<String>]) -> std::io::Result<()> {
    let cell = |t: &str| neutralise(t).replace('|', "\\|");
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(header.len()))?;
    for row in rows {
        let row: Vec<String> = row.iter().map(|c| cell(c)).collect();
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    Ok(())
}
