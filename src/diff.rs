//! `citykpi diff`: two JSON reports of `assess` side by side, and what changed between
//! them per city, year and KPI (value, band, status, progress, the verifier's "reported",
//! verification status, open questions) and per city-year (overall score, core coverage). It
//! reads reports already written, through the very types that write them
//! ([`report::json`](crate::report::json)), in any layout JSON allows (indented, keys sorted,
//! one line); it never computes a KPI.

use std::collections::HashMap;
use std::fmt;

use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::report::json::{CityYear, Document, Kpi};

/// A report as `assess --format json` (or `ndjson`) wrote it, its text borrowed.
#[derive(Debug, Default)]
pub struct Report<'a> {
    pub city_years: Vec<CityYear<'a>>,
}

/// Just enough of a JSON value to tell a document (with `assessments`) from a record.
#[derive(Deserialize)]
struct Probe {
    assessments: Option<IgnoredAny>,
}

impl<'a> Report<'a> {
    /// A JSON document (`{"tool": ..., "assessments": [...]}`), or JSON Lines (one
    /// city-year a record), in any layout: indented, keys in any order, one line or many.
    pub fn parse(text: &'a str) -> Result<Report<'a>, serde_json::Error> {
        let first = serde_json::Deserializer::from_str(text)
            .into_iter::<Probe>()
            .next();
        if let Some(Ok(Probe {
            assessments: Some(_),
        })) = first
        {
            let document: Document = serde_json::from_str(text)?;
            return Ok(Report {
                city_years: document.assessments,
            });
        }
        let city_years = serde_json::Deserializer::from_str(text)
            .into_iter::<CityYear>()
            .collect::<Result<_, _>>()?;
        Ok(Report { city_years })
    }
}

/// A value before or after a change, typed: numbers stay numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Datum {
    /// A score, in percent.
    Percent(f64),
    /// A KPI's value.
    Number(f64),
    /// A status, band or progress status.
    Text(String),
    /// KPIs computed of those defined.
    Count { computed: usize, defined: usize },
    /// A whole number (open questions).
    Whole(u32),
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Datum::Percent(v) => write!(f, "{v:.1} %"),
            Datum::Number(v) => write!(f, "{}", (v * 1e6).round() / 1e6),
            Datum::Text(t) => f.write_str(t),
            Datum::Count { computed, defined } => write!(f, "{computed}/{defined}"),
            Datum::Whole(n) => write!(f, "{n}"),
        }
    }
}

impl serde::Serialize for Datum {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            Datum::Percent(v) => s.serialize_f64((v * 100.0).round() / 100.0),
            Datum::Number(v) => s.serialize_f64((v * 1e6).round() / 1e6),
            Datum::Text(t) => s.serialize_str(t),
            Datum::Count { computed, defined } => {
                let mut count = s.serialize_struct("Count", 2)?;
                count.serialize_field("computed", computed)?;
                count.serialize_field("defined", defined)?;
                count.end()
            }
            Datum::Whole(n) => s.serialize_u32(*n),
        }
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
    /// Before and after; none where there was no value.
    pub old: Option<Datum>,
    pub new: Option<Datum>,
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

/// A datum as the tables print it: `—` for none.
pub fn text(d: &Option<Datum>) -> String {
    d.as_ref().map_or_else(|| "—".to_string(), Datum::to_string)
}

/// The city-years of `old` and `new` that belong together: the same city and year; or,
/// where a city has one year in each report (last year's run against this year's), the
/// same city.
fn pairs<'r, 'a>(
    old: &'r Report<'a>,
    new: &'r Report<'a>,
) -> Vec<(&'r CityYear<'a>, &'r CityYear<'a>)> {
    let by_year: HashMap<(&str, i32), &CityYear> = old
        .city_years
        .iter()
        .map(|c| ((c.city.as_ref(), c.year), c))
        .collect();
    // A city's city-years, in each report.
    let years = |r: &'r Report<'a>| {
        let mut of: HashMap<&'r str, Vec<&'r CityYear<'a>>> = HashMap::new();
        for c in &r.city_years {
            of.entry(c.city.as_ref()).or_default().push(c);
        }
        of
    };
    let (old_years, new_years) = (years(old), years(new));
    new.city_years
        .iter()
        .filter_map(|n| {
            let same = by_year.get(&(n.city.as_ref(), n.year)).copied();
            let by_city = || match (
                old_years.get(n.city.as_ref()),
                new_years[n.city.as_ref()].len(),
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
        let mut push = |key: &str, what, old: Option<Datum>, new: Option<Datum>, points| {
            // Compared as printed: noise below the printed digits is no change.
            if text(&old) != text(&new) {
                changes.push(Change {
                    city: n.city.to_string(),
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
                let coverage = Datum::Count {
                    computed: s.core_computed,
                    defined: s.core_defined,
                };
                (s.score.map(Datum::Percent), Some(coverage))
            })
        };
        if let (Some((old_score, old_cov)), Some((new_score, new_cov))) = (overall(o), overall(n)) {
            push("overall", "score", old_score, new_score, None);
            push("overall", "core coverage", old_cov, new_cov, None);
        }
        let before: HashMap<&str, &Kpi> = o.kpis.iter().map(|b| (b.key.as_ref(), b)).collect();
        for k in &n.kpis {
            let Some(&before) = before.get(k.key.as_ref()) else {
                continue;
            };
            let word = |w: Option<&str>| w.map(|w| Datum::Text(w.to_string()));
            let value = |r: &Kpi| r.row.value.map(Datum::Number);
            push(&k.key, "value", value(before), value(k), None);
            let status = |r: &Kpi| word(Some(&r.row.status));
            push(&k.key, "status", status(before), status(k), None);
            let band = |r: &Kpi| word(r.row.band.as_deref());
            let points = Some((before.row.points, k.row.points));
            push(&k.key, "band", band(before), band(k), points);
            let progress = |r: &Kpi| word(r.progress.as_ref().map(|p| p.status.as_ref()));
            push(&k.key, "progress", progress(before), progress(k), None);
            // The verifier's status where the report has one, else the data's flag.
            let verification = |r: &Kpi| match (&r.row.verification, r.row.verified) {
                (Some(status), _) => word(Some(status)),
                (None, flag) => flag.map(|v| Datum::Text(if v { "yes" } else { "no" }.into())),
            };
            push(
                &k.key,
                "verification",
                verification(before),
                verification(k),
                None,
            );
            // The verifier's "reported" override (U4SSC column Q), where a report has one.
            let reported = |r: &Kpi| {
                (r.row.verifier_reported).map(|v| Datum::Text(if v { "yes" } else { "no" }.into()))
            };
            push(
                &k.key,
                "reported (verifier)",
                reported(before),
                reported(k),
                None,
            );
            // A report without a questions log has no open question.
            let open = |r: &Kpi| Some(Datum::Whole(r.row.open_questions.unwrap_or(0)));
            push(&k.key, "open questions", open(before), open(k), None);
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record of `assess --format ndjson`, as `jq -S` writes it: keys sorted, indented.
    const RECORD: &str = r#"{
 "city": "\u00c5lesund", "kpis": [], "not_reported": [], "not_verified": [],
 "schema_version": "1.0",
 "summary": [{"advanced_computed": 0, "advanced_defined": 2, "advanced_verified": 0,
   "band": null, "code": "ALL", "core_computed": 1, "core_defined": 2,
   "core_verified": 0, "level": "overall", "max_points": 4, "mean_achievement": 90.0,
   "name": "Overall", "points": 4, "progress_score": null, "progress_status": null,
   "score": 100.0, "scored": 1}],
 "year": 2020
}"#;

    #[test]
    fn records_in_any_layout_and_escapes_are_read() {
        let text = format!("{RECORD}\n{}", RECORD.replace("2020", "2021"));
        let report = Report::parse(&text).unwrap();
        let cities: Vec<(&str, i32)> = report
            .city_years
            .iter()
            .map(|c| (c.city.as_ref(), c.year))
            .collect();
        assert_eq!(cities, [("Ålesund", 2020), ("Ålesund", 2021)]);
    }

    #[test]
    fn a_document_whose_keys_are_sorted_is_a_document() {
        let text = format!(
            r#"{{"assessments": [{RECORD}], "schema_version": "1.0",
            "standing": {{"check": "", "errors": 0, "targets_set_aside": null, "warnings": 0}},
            "tool": "citykpi", "version": "0.1.0"}}"#
        );
        let report = Report::parse(&text).unwrap();
        assert_eq!(report.city_years.len(), 1);
        let old = Report::parse(&text).unwrap();
        let lower = text.replace("\"score\": 100.0", "\"score\": 50.0");
        let new = Report::parse(&lower).unwrap();
        let changes = changes(&old, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].old, Some(Datum::Percent(100.0)));
        assert_eq!(serde_json::to_string(&changes[0].new).unwrap(), "50.0");
    }
}
