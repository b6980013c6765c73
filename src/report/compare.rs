//! `citykpi compare`: the peer comparison as a terminal table, CSV, JSON or Markdown: the
//! U4SSC scores side by side, each with the year it is of and the KPIs it rests on, ranked
//! among the cities with enough coverage ("not ranked: N of 91 KPIs" for the others), the
//! cities left out and why, then every KPI with each city's value, rank, percentile and its
//! group's median and best. It formats the comparison; it never computes.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use serde::Serialize;

use super::{display_value, neutralise, round, Format};
use crate::scoring::compare::{CityScores, Comparison, Coverage, Ranked};
use crate::scoring::NotScored;

#[derive(Serialize)]
struct Json<'a> {
    /// The share of its core KPIs (percent) a city computes to have its score ranked.
    min_coverage: f64,
    cities: Vec<CityJson<'a>>,
    left_out: Vec<LeftOutJson<'a>>,
    kpis: Vec<RowJson<'a>>,
}

#[derive(Serialize)]
struct CityJson<'a> {
    city: &'a str,
    year: i32,
    group: &'a str,
    rank: Option<usize>,
    /// Why the score is not ranked (none when it is).
    not_ranked: Option<String>,
    overall: Option<f64>,
    kpis_computed: usize,
    kpis_defined: usize,
    core_computed: usize,
    core_defined: usize,
    dimensions: indexmap::IndexMap<&'a str, DimensionJson>,
}

#[derive(Serialize)]
struct DimensionJson {
    score: Option<f64>,
    kpis_computed: usize,
    kpis_defined: usize,
}

#[derive(Serialize)]
struct LeftOutJson<'a> {
    city: &'a str,
    /// The years the city has data for.
    years: &'a [i32],
    why: String,
}

#[derive(Serialize)]
struct RowJson<'a> {
    code: &'a str,
    part: Option<&'a str>,
    name: &'a str,
    unit: &'a str,
    direction: &'static str,
    city: &'a str,
    year: i32,
    group: &'a str,
    value: Option<f64>,
    rank: Option<usize>,
    of: usize,
    percentile: Option<f64>,
    peer_median: Option<f64>,
    /// Every city of the group with the best value (ties share it).
    best_cities: Vec<&'a str>,
    best_value: Option<f64>,
    /// Why a value has no rank though its KPI ranks: `not verified` (`--verified-only`),
    /// `below quality` (`--min-quality`) or `not reported` (the verifier); null else.
    set_aside: Option<&'static str>,
}

const CSV_HEADER: [&str; 23] = [
    "code",
    "part",
    "name",
    "unit",
    "direction",
    "city",
    "year",
    "group",
    "value",
    "rank",
    "of",
    "percentile",
    "peer_median",
    "best_cities",
    "best_value",
    "set_aside",
    "overall",
    "overall_rank",
    "not_ranked",
    "kpis_computed",
    "kpis_defined",
    "core_computed",
    "core_defined",
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
        year: r.year,
        group: &r.group,
        value: r.value.map(|v| round(v, 6)),
        rank: r.rank,
        of: r.of,
        percentile: r.percentile.map(|v| round(v, 1)),
        peer_median: r.median.map(|v| round(v, 6)),
        best_cities: r
            .best
            .as_ref()
            .map(|(c, _)| c.iter().map(String::as_str).collect())
            .unwrap_or_default(),
        best_value: r.best.as_ref().map(|(_, v)| round(*v, 6)),
        set_aside: set_aside(r),
    }
}

/// Why a city's score is not ranked: `not ranked: 3 of 91 KPIs (core 2 of 55, under 50 %)`;
/// none when it is.
fn not_ranked(c: &CityScores, min_coverage: f64) -> Option<String> {
    if c.is_ranked() {
        return None;
    }
    let why = match c.overall {
        None => "no score".to_string(),
        Some(_) => format!(
            "core {} of {}, under {min_coverage} %",
            c.core.computed, c.core.defined
        ),
    };
    Some(format!(
        "not ranked: {} of {} KPIs ({why})",
        c.kpis.computed, c.kpis.defined
    ))
}

/// `2/5`, or `—` for a city without a value, `not verified` (and the like) for a value set
/// aside, or empty for a KPI that is not ranked.
fn rank_text(r: &Ranked) -> String {
    match (r.value, r.rank) {
        (None, _) => "—".into(),
        (Some(_), Some(rank)) => format!("{rank}/{}", r.of),
        (Some(_), None) => set_aside(r).unwrap_or_default().into(),
    }
}

/// Why a value is shown but not ranked: set aside by `--min-quality` or `--verified-only`,
/// or marked not reported by the verifier.
fn set_aside(r: &Ranked) -> Option<&'static str> {
    match r.set_aside? {
        NotScored::BelowQuality(_) => Some("below quality"),
        NotScored::NotVerified => Some("not verified"),
        NotScored::NotReported => Some("not reported"),
        _ => None,
    }
}

/// The cells of a KPI row in the table and Markdown.
fn cells(r: &Ranked) -> [String; 9] {
    let key = &r.measure.key;
    [
        key.clone(),
        r.city.clone(),
        r.year.to_string(),
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
            .map(|(c, v)| format!("{} ({})", display_value(r.measure, Some(*v)), c.join(", ")))
            .unwrap_or_default(),
        r.group.clone(),
    ]
}

const TABLE_HEADER: [&str; 9] = [
    "KPI",
    "City",
    "Year",
    "Value",
    "Rank",
    "Percentile",
    "Peer median",
    "Best",
    "Group",
];

/// A score with the KPIs behind it: `80.0 % (15/33)`.
fn score(v: Option<f64>, coverage: Coverage) -> String {
    let kpis = format!("{}/{}", coverage.computed, coverage.defined);
    match v {
        Some(v) => format!("{v:.1} % ({kpis})"),
        None => format!("not scored ({kpis})"),
    }
}

/// The cities in the order the scores are read: by group, the ranked by rank, then the
/// others (each by name).
fn ranking<'c>(c: &'c Comparison) -> Vec<&'c CityScores> {
    let mut cities: Vec<&CityScores> = c.cities.iter().collect();
    cities.sort_by(|a, b| {
        (&a.group, a.rank.is_none(), a.rank, &a.city).cmp(&(
            &b.group,
            b.rank.is_none(),
            b.rank,
            &b.city,
        ))
    });
    cities
}

fn score_rows(c: &Comparison) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = [
        "Rank",
        "City",
        "Year",
        "Group",
        "Overall (KPIs)",
        "Core KPIs",
    ]
    .map(String::from)
    .to_vec();
    header.extend(c.dimensions.iter().map(|(_, name)| name.to_string()));
    let rows = ranking(c)
        .into_iter()
        .map(|city| {
            let mut row = vec![
                city.rank.map_or("not ranked".into(), |r| r.to_string()),
                city.city.clone(),
                city.year.to_string(),
                city.group.clone(),
                score(city.overall, city.kpis),
                format!(
                    "{}/{} ({:.0} %)",
                    city.core.computed,
                    city.core.defined,
                    city.core.percent()
                ),
            ];
            row.extend(city.dimensions.iter().map(|(s, cov)| score(*s, *cov)));
            row
        })
        .collect();
    (header, rows)
}

/// The notes under the scores: what ranks, and who is left out and why.
fn notes(c: &Comparison) -> Vec<String> {
    let mut notes = vec![format!(
        "Ranked: the cities of a group that compute at least {} % of their core KPIs (--min-coverage). (n/m): the KPIs with a value, of those defined.",
        c.min_coverage
    )];
    if c.cities.iter().all(|city| !city.is_ranked()) {
        notes.push(format!(
            "No city is ranked: none computes {} % of its core KPIs; a lower --min-coverage ranks on fewer KPIs.",
            c.min_coverage
        ));
    }
    for city in ranking(c) {
        if let Some(why) = not_ranked(city, c.min_coverage) {
            notes.push(format!("{}: {why}", city.city));
        }
    }
    for (city, years) in &c.left_out {
        notes.push(format!("Left out: {city} ({})", left_out_why(years)));
    }
    notes
}

fn left_out_why(years: &[i32]) -> String {
    let years: Vec<String> = years.iter().map(i32::to_string).collect();
    format!(
        "no data in the years asked for; it has {}",
        years.join(", ")
    )
}

/// Render the comparison in `format` (`ndjson` writes one KPI row a line).
pub fn render(
    comparison: &Comparison,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), crate::Error> {
    match format {
        Format::Json | Format::Ndjson => {
            let kpis: Vec<RowJson> = comparison.rows.iter().map(row_json).collect();
            if format == Format::Ndjson {
                for row in &kpis {
                    serde_json::to_writer(&mut *out, row)?;
                    writeln!(out)?;
                }
                return Ok(());
            }
            let json = Json {
                min_coverage: comparison.min_coverage,
                cities: ranking(comparison)
                    .into_iter()
                    .map(|c| city_json(comparison, c))
                    .collect(),
                left_out: comparison
                    .left_out
                    .iter()
                    .map(|(city, years)| LeftOutJson {
                        city,
                        years,
                        why: left_out_why(years),
                    })
                    .collect(),
                kpis,
            };
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(CSV_HEADER)?;
            // The rows go measure by measure, each with every city in city order.
            let cities = comparison.cities.iter().cycle();
            for (r, c) in comparison.rows.iter().zip(cities) {
                let j = row_json(r);
                writer.write_record([
                    j.code.to_string(),
                    j.part.unwrap_or_default().to_string(),
                    neutralise(j.name).into_owned(),
                    j.unit.to_string(),
                    j.direction.to_string(),
                    neutralise(j.city).into_owned(),
                    j.year.to_string(),
                    neutralise(j.group).into_owned(),
                    number(r.value, 6),
                    j.rank.map(|r| r.to_string()).unwrap_or_default(),
                    j.of.to_string(),
                    number(r.percentile, 1),
                    number(r.median, 6),
                    neutralise(&j.best_cities.join(" | ")).into_owned(),
                    number(r.best.as_ref().map(|(_, v)| *v), 6),
                    j.set_aside.unwrap_or_default().to_string(),
                    number(c.overall, 2),
                    c.rank.map(|r| r.to_string()).unwrap_or_default(),
                    not_ranked(c, comparison.min_coverage).unwrap_or_default(),
                    c.kpis.computed.to_string(),
                    c.kpis.defined.to_string(),
                    c.core.computed.to_string(),
                    c.core.defined.to_string(),
                ])?;
            }
            writer.flush()?;
        }
        Format::Table => {
            writeln!(out, "U4SSC scores")?;
            let (header, rows) = score_rows(comparison);
            writeln!(out, "{}", table(&header, &rows, &[2, 4, 5, 6, 7, 8]))?;
            for note in notes(comparison) {
                writeln!(out, "{note}")?;
            }
            writeln!(out)?;
            let rows: Vec<Vec<String>> =
                comparison.rows.iter().map(|r| cells(r).to_vec()).collect();
            let header: Vec<String> = TABLE_HEADER.iter().map(|h| h.to_string()).collect();
            writeln!(out, "{}", table(&header, &rows, &[2, 3, 4, 5, 6]))?;
            writeln!(out, "Rank 1 is the best of the group; ties share a rank and \"best\"; — : not reported (not ranked). A KPI with no direction is not ranked.")?;
        }
        Format::Md => {
            writeln!(out, "# U4SSC peer comparison")?;
            writeln!(out)?;
            let (header, rows) = score_rows(comparison);
            markdown(out, &header, &rows)?;
            writeln!(out)?;
            for note in notes(comparison) {
                writeln!(out, "{}  ", neutralise(&note))?;
            }
            writeln!(out)?;
            let rows: Vec<Vec<String>> =
                comparison.rows.iter().map(|r| cells(r).to_vec()).collect();
            let header: Vec<String> = TABLE_HEADER.iter().map(|h| h.to_string()).collect();
            markdown(out, &header, &rows)?;
        }
        Format::Xlsx | Format::Html | Format::Parquet | Format::Arrow | Format::NgsiLd => {
            return Err(crate::Error::Usage(
                "compare writes table, csv, json, ndjson or md; for a workbook or a page, use `assess --format xlsx|html`".into(),
            ));
        }
    }
    Ok(())
}

fn city_json<'a>(comparison: &Comparison<'a>, c: &'a CityScores) -> CityJson<'a> {
    CityJson {
        city: &c.city,
        year: c.year,
        group: &c.group,
        rank: c.rank,
        not_ranked: not_ranked(c, comparison.min_coverage),
        overall: c.overall.map(|v| round(v, 2)),
        kpis_computed: c.kpis.computed,
        kpis_defined: c.kpis.defined,
        core_computed: c.core.computed,
        core_defined: c.core.defined,
        dimensions: comparison
            .dimensions
            .iter()
            .zip(&c.dimensions)
            .map(|((code, _), (score, coverage))| {
                let json = DimensionJson {
                    score: score.map(|v| round(v, 2)),
                    kpis_computed: coverage.computed,
                    kpis_defined: coverage.defined,
                };
                (*code, json)
            })
            .collect(),
    }
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
