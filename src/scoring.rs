//! Scoring: each value against its target, the U4SSC way, and the roll-ups.
//!
//! Achievement is the share of the target reached (value / target where
//! higher is better, target / value where lower is better), capped at 100 %;
//! its band gives 1-4 points (`scoring.toml`). Categories, sub-dimensions,
//! dimensions and the whole assessment sum the points of their scored KPIs as
//! a percentage of the maximum and band that percentage the same way. This
//! module computes; it never formats.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::catalog::{normalize_code, Band, Catalog, Direction, Kpi, Measure, Scheme, Tier};
use crate::dataset::Dataset;
use crate::diagnostic::{Problem, Problems};
use crate::engine::{Results, Status};

/// A measure's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Share of the target achieved, 0 to 100.
    pub achievement: f64,
    pub points: u8,
}

/// Score a value against a target. `None` where the measure is not scored:
/// no direction, no target, or marked never scored.
pub fn score(measure: &Measure, target: Option<f64>, value: f64, scheme: &Scheme) -> Option<Score> {
    if !measure.scorable || measure.direction == Direction::None {
        return None;
    }
    if measure.is_yes_no() {
        let (achievement, points) = if value >= 1.0 {
            (100.0, scheme.yes_points)
        } else if value <= 0.0 {
            (0.0, scheme.no_points)
        } else {
            (value * 100.0, scheme.partial_points)
        };
        return Some(Score {
            achievement,
            points,
        });
    }
    let target = target?;
    let share = match measure.direction {
        Direction::Higher if target > 0.0 => value / target,
        Direction::Higher => f64::from(u8::from(value >= target)),
        Direction::Lower if value <= target => 1.0,
        Direction::Lower if target > 0.0 => target / value,
        // Zero-harm target: a reference value earns 0 %; without one, any harm earns the lowest band.
        Direction::Lower => measure
            .reference
            .map_or(0.0, |reference| 1.0 - value / reference),
        Direction::None => return None,
    };
    let achievement = (share * 100.0).clamp(0.0, 100.0);
    Some(Score {
        achievement,
        points: scheme.band_for(achievement).points,
    })
}

/// Targets: the catalogue's defaults, overridden by a targets file.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// City in lower case (or "" for every city) -> measure id -> target.
    overrides: HashMap<String, HashMap<String, f64>>,
}

impl Targets {
    /// The target of `measure` for a city (its name in lower case).
    pub fn target(&self, city_lower: &str, measure: &Measure) -> Option<f64> {
        if self.overrides.is_empty() {
            return measure.target;
        }
        let lookup = |city: &str| {
            self.overrides
                .get(city)
                .and_then(|m| m.get(&measure.id))
                .copied()
        };
        lookup(city_lower).or_else(|| lookup("")).or(measure.target)
    }

    /// Read a targets CSV: `kpi,target` or `city,kpi,target`; `kpi` is a code, `CODE/part` or id.
    pub fn from_csv(catalog: &Catalog, text: &str, file: &str) -> Result<Targets, Problems> {
        let mut problems = Problems::default();
        let mut targets = Targets::default();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
            Err(e) => {
                problems.push(Problem::error("invalid-csv", file, e.to_string()));
                return Err(problems);
            }
        };
        let col = |n: &str| header.iter().position(|h| h == n);
        let (Some(kpi_col), Some(target_col)) = (col("kpi"), col("target")) else {
            problems.push(
                Problem::error(
                    "missing-column",
                    file,
                    "a targets file needs the columns kpi,target (and optionally city)",
                )
                .at_line(1),
            );
            return Err(problems);
        };
        let city_col = col("city");
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(Problem::error("invalid-csv", file, e.to_string()));
                    break;
                }
            };
            let line = record.position().map_or(0, |p| p.line() as usize);
            let get = |i: usize| record.get(i).unwrap_or("").trim();
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let name = get(kpi_col);
            let measures: Vec<&Measure> = match catalog.find_measure(name) {
                Some((_, m)) => vec![m],
                None => match catalog.find(name) {
                    // A KPI code without a part sets the target of every part.
                    Some(kpi) if normalize_code(name) == kpi.code => kpi.measures.iter().collect(),
                    _ => {
                        let hint = catalog
                            .suggest(name)
                            .map_or(String::new(), |s| format!("; did you mean {s}?"));
                        problems.push(
                            Problem::error(
                                "unknown-kpi",
                                file,
                                format!("unknown KPI \"{name}\"{hint}"),
                            )
                            .at_line(line)
                            .in_column("kpi")
                            .with_value(name),
                        );
                        continue;
                    }
                },
            };
            let Ok(target) = get(target_col).parse::<f64>() else {
                problems.push(
                    Problem::error(
                        "not-a-number",
                        file,
                        format!("target \"{}\" is not a number", get(target_col)),
                    )
                    .at_line(line)
                    .in_column("target")
                    .with_value(get(target_col)),
                );
                continue;
            };
            if !target.is_finite() || target < 0.0 {
                problems.push(
                    Problem::error(
                        "out-of-range",
                        file,
                        format!("target {target} must be a finite number >= 0"),
                    )
                    .at_line(line)
                    .in_column("target"),
                );
                continue;
            }
            let city = city_col.map(|c| get(c).to_lowercase()).unwrap_or_default();
            for m in measures {
                targets
                    .overrides
                    .entry(city.clone())
                    .or_default()
                    .insert(m.id.clone(), target);
            }
        }
        if problems.has_errors() {
            Err(problems)
        } else {
            Ok(targets)
        }
    }

    pub fn from_path(catalog: &Catalog, path: &Path) -> Result<Targets, Problems> {
        let file = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Targets::from_csv(catalog, text.trim_start_matches('\u{feff}'), &file),
            Err(e) => Err(Problems(vec![Problem::error(
                "unreadable-file",
                file,
                format!("cannot read the targets file: {e}"),
            )])),
        }
    }
}

/// One measure's outcome for one city-year.
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    /// The measure's index in [`Catalog::measures`] order.
    pub index: usize,
    pub kpi: &'a Kpi,
    pub measure: &'a Measure,
    pub value: Option<f64>,
    pub status: Status,
    pub target: Option<f64>,
    pub score: Option<Score>,
    pub band: Option<&'a Band>,
}

/// The roll-up of one group (overall, a dimension, sub-dimension or category).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub level: &'static str,
    pub code: String,
    pub name: String,
    pub core_defined: usize,
    pub core_computed: usize,
    pub advanced_defined: usize,
    pub advanced_computed: usize,
    /// Measures with a score.
    pub scored: usize,
    pub points: u32,
    pub max_points: u32,
    /// Points as a percentage of the maximum; `None` where nothing is scored.
    pub score: Option<f64>,
    pub band: Option<String>,
    pub mean_achievement: Option<f64>,
}

/// Scores for one city-year.
#[derive(Debug, Clone)]
pub struct CityYear<'a> {
    pub city: &'a str,
    pub year: i32,
    pub outcomes: Vec<Outcome<'a>>,
}

/// Everything computed, ready to be scored row by row and rendered.
pub struct Assessment<'a> {
    pub catalog: &'a Catalog,
    pub data: &'a Dataset,
    pub results: &'a Results,
    pub targets: &'a Targets,
    /// Only KPIs of this tier; all when `None`.
    pub tier: Option<Tier>,
}

impl<'a> Assessment<'a> {
    pub fn rows(&self) -> usize {
        self.data.rows()
    }

    /// Score one city-year.
    pub fn city_year(&self, row: usize) -> CityYear<'a> {
        let catalog = self.catalog;
        let city = self.data.cities[row].to_lowercase();
        let mut outcomes = Vec::with_capacity(catalog.kpis.len() * 2);
        for (m, (kpi, measure)) in catalog.measures().enumerate() {
            if self.tier.is_some_and(|t| t != kpi.tier) {
                continue;
            }
            let value = self.results.value(m, row);
            let target = self.targets.target(&city, measure);
            let score = value.and_then(|v| score(measure, target, v, &catalog.scheme));
            outcomes.push(Outcome {
                index: m,
                kpi,
                measure,
                value,
                status: self.results.status(self.data, m, row),
                target,
                score,
                band: score.and_then(|s| catalog.scheme.band_with_points(s.points)),
            });
        }
        CityYear {
            city: &self.data.cities[row],
            year: self.data.years[row],
            outcomes,
        }
    }

    /// The roll-ups of one city-year: overall first, then dimensions, sub-dimensions and
    /// categories in catalogue order.
    pub fn summaries(&self, city_year: &CityYear) -> Vec<Summary> {
        summarize(self.catalog, &city_year.outcomes)
    }
}

fn summarize(catalog: &Catalog, outcomes: &[Outcome]) -> Vec<Summary> {
    let tax = &catalog.taxonomy;
    let mut groups: Vec<(&'static str, String, String)> =
        vec![("overall", "ALL".into(), "Overall".into())];
    groups.extend(
        tax.dimensions
            .iter()
            .map(|g| ("dimension", g.code.clone(), g.name.clone())),
    );
    groups.extend(
        tax.subdimensions
            .iter()
            .map(|g| ("subdimension", g.code.clone(), g.name.clone())),
    );
    groups.extend(
        tax.categories
            .iter()
            .map(|g| ("category", g.code.clone(), g.name.clone())),
    );
    let max = u32::from(catalog.scheme.max_points());
    groups
        .into_iter()
        .filter_map(|(level, code, name)| {
            let member = |k: &Kpi| match level {
                "overall" => true,
                "dimension" => k.dimension == code,
                "subdimension" => k.subdimension_code() == code,
                _ => k.category_code() == code,
            };
            let members: Vec<&Outcome> = outcomes.iter().filter(|o| member(o.kpi)).collect();
            if members.is_empty() {
                return None;
            }
            // Coverage counts KPIs: one is computed when every part has a value.
            let mut kpis: Vec<(&str, Tier, bool)> = Vec::new();
            for o in &members {
                match kpis.iter_mut().find(|k| k.0 == o.kpi.code) {
                    Some(k) => k.2 &= o.value.is_some(),
                    None => kpis.push((&o.kpi.code, o.kpi.tier, o.value.is_some())),
                }
            }
            let count = |tier: Tier, computed: bool| {
                kpis.iter()
                    .filter(|k| k.1 == tier && (!computed || k.2))
                    .count()
            };
            let scores: Vec<Score> = members.iter().filter_map(|o| o.score).collect();
            let points: u32 = scores.iter().map(|s| u32::from(s.points)).sum();
            let max_points = max * scores.len() as u32;
            let score = (max_points > 0).then(|| 100.0 * f64::from(points) / f64::from(max_points));
            Some(Summary {
                level,
                code,
                name,
                core_defined: count(Tier::Core, false),
                core_computed: count(Tier::Core, true),
                advanced_defined: count(Tier::Advanced, false),
                advanced_computed: count(Tier::Advanced, true),
                scored: scores.len(),
                points,
                max_points,
                score,
                band: score.map(|s| catalog.scheme.band_for(s).label.clone()),
                mean_achievement: (!scores.is_empty()).then(|| {
                    scores.iter().map(|s| s.achievement).sum::<f64>() / scores.len() as f64
                }),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::formula::Formula;

    fn scheme() -> Scheme {
        let band = |from: f64, points: u8| Band {
            from,
            points,
            label: format!("{points}"),
            colour: String::new(),
        };
        Scheme {
            bands: vec![band(95.0, 4), band(66.0, 3), band(33.0, 2), band(0.0, 1)],
            yes_points: 4,
            partial_points: 2,
            no_points: 1,
        }
    }

    fn measure(direction: Direction, unit: &str, reference: Option<f64>) -> Measure {
        Measure {
            key: "X:X:X:1C".into(),
            id: "x_x_x_1c".into(),
            part: None,
            part_name: None,
            formula: Formula::compile("a").unwrap(),
            unit: unit.into(),
            direction,
            target: None,
            reference,
            scorable: true,
        }
    }

    fn points(direction: Direction, target: f64, value: f64) -> (f64, u8) {
        let s = score(
            &measure(direction, "%", None),
            Some(target),
            value,
            &scheme(),
        )
        .unwrap();
        (s.achievement, s.points)
    }

    #[test]
    fn higher_is_better_divides_value_by_target_and_caps() {
        assert_eq!(points(Direction::Higher, 100.0, 97.0), (97.0, 4));
        assert_eq!(points(Direction::Higher, 100.0, 80.0), (80.0, 3));
        assert_eq!(points(Direction::Higher, 100.0, 50.0), (50.0, 2));
        assert_eq!(points(Direction::Higher, 100.0, 10.0), (10.0, 1));
        assert_eq!(points(Direction::Higher, 100.0, 150.0), (100.0, 4));
    }

    #[test]
    fn lower_is_better_divides_target_by_value() {
        assert_eq!(points(Direction::Lower, 30.0, 60.0), (50.0, 2));
        assert_eq!(points(Direction::Lower, 30.0, 20.0), (100.0, 4));
        assert_eq!(points(Direction::Lower, 1.0, 0.0), (100.0, 4));
    }

    #[test]
    fn band_edges_belong_to_the_upper_band() {
        assert_eq!(points(Direction::Higher, 100.0, 95.0).1, 4);
        assert_eq!(points(Direction::Higher, 100.0, 66.0).1, 3);
        assert_eq!(points(Direction::Higher, 100.0, 33.0).1, 2);
        assert_eq!(points(Direction::Higher, 100.0, 32.99).1, 1);
    }

    #[test]
    fn zero_targets_use_the_reference_or_all_or_nothing() {
        let with_reference = measure(Direction::Lower, "per 100k", Some(20.0));
        let s = score(&with_reference, Some(0.0), 5.0, &scheme()).unwrap();
        assert_eq!((s.achievement, s.points), (75.0, 3));
        let s = score(&with_reference, Some(0.0), 40.0, &scheme()).unwrap();
        assert_eq!((s.achievement, s.points), (0.0, 1));
        let without = measure(Direction::Lower, "%", None);
        assert_eq!(
            score(&without, Some(0.0), 0.0, &scheme()).unwrap().points,
            4
        );
        assert_eq!(
            score(&without, Some(0.0), 0.1, &scheme()).unwrap().points,
            1
        );
    }

    #[test]
    fn no_target_or_no_direction_is_not_scored() {
        assert_eq!(
            score(
                &measure(Direction::Higher, "%", None),
                None,
                50.0,
                &scheme()
            ),
            None
        );
        assert_eq!(
            score(
                &measure(Direction::None, "%", None),
                Some(1.0),
                50.0,
                &scheme()
            ),
            None
        );
        let mut never = measure(Direction::Higher, "count", None);
        never.scorable = false;
        assert_eq!(score(&never, Some(1.0), 50.0, &scheme()), None);
    }

    #[test]
    fn yes_no_scores_yes_partial_no() {
        let m = measure(Direction::Higher, "yes/no", None);
        assert_eq!(score(&m, None, 1.0, &scheme()).unwrap().points, 4);
        assert_eq!(score(&m, None, 0.6, &scheme()).unwrap().points, 2);
        assert_eq!(score(&m, None, 0.0, &scheme()).unwrap().points, 1);
    }

    proptest! {
        #[test]
        fn achievement_is_a_share_and_points_a_band(value in 0.0f64..1e9, target in 0.0f64..1e9, lower in any::<bool>()) {
            let direction = if lower { Direction::Lower } else { Direction::Higher };
            let s = score(&measure(direction, "%", Some(100.0)), Some(target), value, &scheme()).unwrap();
            prop_assert!((0.0..=100.0).contains(&s.achievement));
            prop_assert!((1..=4).contains(&s.points));
        }
    }
}
