//! `citykpi diff`: two JSON reports of `assess` side by side, and what changed between
//! them per city, year and KPI (value, band, status, progress) and per city-year (overall
//! score, core coverage). It reads reports already written; it never computes a KPI.

use std::collections::HashMap;

use serde::Deserialize;

/// A report as `assess --format json` (or `ndjson`) wrote it: only what `diff` compares.
#[derive(Debug, Default)]
pub struct Report {
    pub city_years: Vec<CityYear>,
}

#[derive(Debug, Deserialize)]
pub struct CityYear {
    pub city: String,
    pub year: i32,
    pub summary: Vec<SummaryRow>,
    pub kpis: Vec<KpiRow>,
}

#[derive(Debug, Deserialize)]
pub struct SummaryRow {
    pub level: String,
    pub score: Option<f64>,
    pub core_defined: usize,
    pub core_computed: usize,
}

#[derive(Debug, Deserialize)]
pub struct KpiRow {
    pub key: String,
    pub value: Option<f64>,
    pub status: String,
    pub points: Option<u8>,
    pub band: Option<String>,
    pub progress: Option<ProgressRow>,
}

#[derive(Debug, Deserialize)]
pub struct ProgressRow {
    pub status: String,
}

#[derive(Deserialize)]
struct Document {
    assessments: Vec<CityYear>,
}

impl Report {
    /// A JSON document (`{"tool": ..., "assessments": [...]}`) or JSON Lines.
    pub fn parse(text: &str) -> Result<Report, serde_json::Error> {
        if text.trim_start().starts_with("{\"tool\"") {
            let document: Document = serde_json::from_str(text)?;
            return Ok(Report {
                city_years: document.assessments,
            });
        }
        let city_years = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        Ok(Report { city_years })
    }
}

/// One thing that changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub city: String,
    /// The year in the old and the new report (they differ when each has one year a city).
    pub years: (i32, i32),
    /// The KPI key, or `overall` for the city-year's score and coverage.
    pub key: String,
    pub what: &'static str,
    pub old: String,
    pub new: String,
    /// Points before and after, where a band changed.
    pub points: Option<(Option<u8>, Option<u8>)>,
}

impl Change {
    /// A band fell (fewer points, or a score lost).
    pub fn is_regression(&self) -> bool {
        match self.points {
            Some((Some(old), Some(new))) => new < old,
            Some((Some(_), None)) => true,
            _ => false,
        }
    }
}

fn text<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_string(), |v| v.to_string())
}

/// The city-years of `old` and `new` that belong together: the same city and year; or,
/// where a city has one year in each report (last year's run against this year's), the
/// same city.
fn pairs<'r>(old: &'r Report, new: &'r Report) -> Vec<(&'r CityYear, &'r CityYear)> {
    let by_year: HashMap<(&str, i32), &CityYear> = old
        .city_years
        .iter()
        .map(|c| ((c.city.as_str(), c.year), c))
        .collect();
    // A city's city-years, in each report.
    let years = |r: &'r Report| {
        let mut of: HashMap<&'r str, Vec<&'r CityYear>> = HashMap::new();
        for c in &r.city_years {
            of.entry(c.city.as_str()).or_default().push(c);
        }
        of
    };
    let (old_years, new_years) = (years(old), years(new));
    new.city_years
        .iter()
        .filter_map(|n| {
            let same = by_year.get(&(n.city.as_str(), n.year)).copied();
            let by_city = || match (
                old_years.get(n.city.as_str()),
                new_years[n.city.as_str()].len(),
            ) {
                (Some(o), 1) if o.len() == 1 => Some(o[0]),
                _ => None,
            };
            same.or_else(by_city).map(|o| (o, n))
        })
        .collect()
}

/// Everything that changed, city-year by city-year and KPI by KPI in the new report's order.
pub fn changes(old: &Report, new: &Report) -> Vec<Change> {
    let mut changes = Vec::new();
    for (o, n) in pairs(old, new) {
        let mut push = |key: &str, what, old: String, new: String, points| {
            if old != new {
                changes.push(Change {
                    city: n.city.clone(),
                    years: (o.year, n.year),
                    key: key.to_string(),
                    what,
                    old,
                    new,
                    points,
                });
            }
        };
        let overall = |c: &CityYear| {
            c.summary.iter().find(|s| s.level == "overall").map(|s| {
                (
                    s.score.map(|v| format!("{v:.1} %")),
                    format!("{}/{}", s.core_computed, s.core_defined),
                )
            })
        };
        if let (Some((old_score, old_cov)), Some((new_score, new_cov))) = (overall(o), overall(n)) {
            push("overall", "score", text(old_score), text(new_score), None);
            push("overall", "core coverage", old_cov, new_cov, None);
        }
        let before: HashMap<&str, &KpiRow> = o.kpis.iter().map(|b| (b.key.as_str(), b)).collect();
        for k in &n.kpis {
            let Some(&before) = before.get(k.key.as_str()) else {
                continue;
            };
            let value = |r: &KpiRow| text(r.value.map(|v| (v * 1e6).round() / 1e6));
            push(&k.key, "value", value(before), value(k), None);
            push(
                &k.key,
                "status",
                before.status.clone(),
                k.status.clone(),
                None,
            );
            push(
                &k.key,
                "band",
                text(before.band.clone()),
                text(k.band.clone()),
                Some((before.points, k.points)),
            );
            let progress = |r: &KpiRow| text(r.progress.as_ref().map(|p| p.status.clone()));
            push(&k.key, "progress", progress(before), progress(k), None);
        }
    }
    changes
}
