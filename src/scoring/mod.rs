//! Scoring: each value against its target, the U4SSC way, and the roll-ups.
//!
//! Achievement is the share of the target reached (value / target where
//! higher is better, target / value where lower is better), capped at 100 %;
//! its band gives 1-4 points (`scoring.toml`). Categories, sub-dimensions,
//! dimensions and the whole assessment sum the points of their scored KPIs as
//! a percentage of the maximum and band that percentage the same way.
//!
//! [`Assessment`] yields one [`CityYearReport`] at a time: the model every report
//! renders. This module decides; it never formats, and it never reads files.

pub mod gates;
mod model;
pub mod progress;
mod summary;

use std::collections::HashMap;

use crate::catalog::{Catalog, Direction, Kpi, Measure, Scheme, Tier};
use crate::dataset::Targets;
use crate::engine::{Results, Source};

pub use model::*;

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

/// The value a measure needs for an achievement of `percent` against `target`: the inverse
/// of [`score`]. `None` where no value reaches it (yes/no KPIs, a zero target without a
/// reference, no direction).
pub fn value_for(measure: &Measure, target: f64, percent: f64) -> Option<f64> {
    let share = percent / 100.0;
    match measure.direction {
        _ if measure.is_yes_no() => None,
        Direction::Higher if target > 0.0 => Some(target * share),
        Direction::Lower if target > 0.0 && share > 0.0 => Some(target / share),
        Direction::Lower if target == 0.0 => measure.reference.map(|r| r * (1.0 - share)),
        _ => None,
    }
}

/// The next band up from `outcome`'s and the value that reaches it; `None` at the top band
/// or where no value reaches it.
pub fn next_band<'s>(
    scheme: &'s Scheme,
    outcome: &Outcome,
) -> Option<(&'s crate::catalog::Band, f64)> {
    let score = outcome.score?;
    let target = outcome.target?.value;
    let next = scheme
        .bands
        .iter()
        .filter(|b| b.points > score.points)
        .min_by_key(|b| b.points)?;
    value_for(outcome.measure, target, next.from).map(|v| (next, v))
}

/// Why a measure has no score, where it has a value but cannot be scored.
fn not_scored(measure: &Measure, target: Option<f64>) -> Option<NotScored> {
    if !measure.scorable {
        Some(NotScored::Never)
    } else if measure.direction == Direction::None {
        Some(NotScored::NoDirection)
    } else if target.is_none() && !measure.is_yes_no() {
        Some(NotScored::NoTarget)
    } else {
        None
    }
}

/// A measure selected for the report, with what every city-year shares.
struct Selected<'a> {
    index: usize,
    kpi: &'a Kpi,
    measure: &'a Measure,
    name: String,
    subdimension: String,
    category: String,
    /// The unit of each name the formula reads.
    read_units: Vec<&'a str>,
    /// Indices into the roll-up groups: overall, dimension, sub-dimension, category.
    groups: [usize; 4],
}

/// Targets per measure index: the defaults (and rows for every city), and per city the
/// rows that name it.
struct TargetTable<'a> {
    defaults: Vec<Option<Target<'a>>>,
    by_city: HashMap<String, Vec<(usize, Target<'a>)>>,
}

impl<'a> TargetTable<'a> {
    fn new(catalog: &'a Catalog, targets: Option<&'a Targets>) -> Self {
        let mut defaults: Vec<Option<Target<'a>>> = catalog
            .measures()
            .map(|(_, m)| {
                let value = if m.is_yes_no() { Some(1.0) } else { m.target };
                value.map(|value| Target {
                    value,
                    origin: TargetOrigin::Default,
                    source: None,
                    year: None,
                })
            })
            .collect();
        let mut by_city: HashMap<String, Vec<(usize, Target<'a>)>> = HashMap::new();
        for (file, row) in targets
            .into_iter()
            .flat_map(|t| t.rows.iter().map(move |r| (t.file.as_str(), r)))
        {
            let (_, measure) = catalog.measures().nth(row.measure).expect("a valid index");
            if measure.is_yes_no() {
                continue;
            }
            let target = |city_specific| Target {
                value: row.value,
                origin: TargetOrigin::File {
                    file,
                    line: row.line,
                    city_specific,
                },
                source: row.source.as_deref(),
                year: row.year,
            };
            match &row.city {
                None => defaults[row.measure] = Some(target(false)),
                Some(city) => by_city
                    .entry(city.to_lowercase())
                    .or_default()
                    .push((row.measure, target(true))),
            }
        }
        TargetTable { defaults, by_city }
    }

    /// The targets of one city, by measure index.
    fn for_city(&self, city: &str) -> std::borrow::Cow<'_, [Option<Target<'a>>]> {
        if self.by_city.is_empty() {
            return self.defaults.as_slice().into();
        }
        match self.by_city.get(&city.to_lowercase()) {
            None => self.defaults.as_slice().into(),
            Some(rows) => {
                let mut targets = self.defaults.clone();
                for (m, target) in rows {
                    targets[*m] = Some(*target);
                }
                targets.into()
            }
        }
    }
}

/// Everything computed, ready to be scored city-year by city-year and rendered.
pub struct Assessment<'a> {
    pub catalog: &'a Catalog,
    results: &'a Results<'a>,
    selected: Vec<Selected<'a>>,
    groups: summary::Groups<'a>,
    targets: TargetTable<'a>,
    /// The first row of each row's city (rows are sorted by city, then year).
    city_start: Vec<usize>,
    /// The year progress is measured from; each city's first year with a value when `None`.
    base_year: Option<i32>,
    /// The rows reported, in order: every row, or those of the years asked for. Earlier
    /// years stay in the data, as the base of progress.
    reported: Vec<usize>,
}

impl<'a> Assessment<'a> {
    /// Score `results` against the catalogue's targets, overridden by `targets`; only
    /// KPIs of `tier` when one is given.
    pub fn new(
        catalog: &'a Catalog,
        results: &'a Results<'a>,
        targets: Option<&'a Targets>,
        tier: Option<Tier>,
    ) -> Self {
        let groups = summary::Groups::new(catalog, tier);
        let selected = catalog
            .measures()
            .enumerate()
            .filter(|(_, (kpi, _))| tier.is_none_or(|t| t == kpi.tier))
            .map(|(index, (kpi, measure))| Selected {
                index,
                kpi,
                measure,
                name: match &measure.part_name {
                    Some(part) => format!("{}: {part}", kpi.name),
                    None => kpi.name.clone(),
                },
                subdimension: kpi.subdimension_code(),
                category: kpi.category_code(),
                read_units: results
                    .inputs(index)
                    .reads
                    .iter()
                    .map(|read| match read.source {
                        Source::Measure(i) => catalog
                            .measures()
                            .nth(i)
                            .map_or("", |(_, m)| m.unit.as_str()),
                        _ => catalog.variable(&read.name).map_or("", |v| v.unit.as_str()),
                    })
                    .collect(),
                groups: groups.of(kpi),
            })
            .collect();
        let data = results.data();
        let mut city_start = Vec::with_capacity(data.rows());
        for row in 0..data.rows() {
            let same = row > 0 && data.cities[row - 1] == data.cities[row];
            city_start.push(if same { city_start[row - 1] } else { row });
        }
        Assessment {
            catalog,
            results,
            selected,
            groups,
            targets: TargetTable::new(catalog, targets),
            city_start,
            base_year: None,
            reported: (0..data.rows()).collect(),
        }
    }

    /// Report only the city-years of these years (all when empty); the others remain the
    /// base of progress.
    pub fn with_years(mut self, years: &[i32]) -> Self {
        if !years.is_empty() {
            let data = self.results.data();
            self.reported
                .retain(|&row| years.contains(&data.years[row]));
        }
        self
    }

    /// Measure progress from `year` (else from each city's first year with a value).
    pub fn with_base_year(mut self, year: Option<i32>) -> Self {
        self.base_year = year;
        self
    }

    /// Progress of measure `m` up to `row`: from the base year (or the first later year with
    /// a value) of the same city.
    fn trend(&self, s: &Selected, row: usize, target: Option<Target>) -> Option<Trend> {
        let data = self.results.data();
        let current_value = self.results.value(s.index, row)?;
        let current_year = data.years[row];
        let from = self.base_year.unwrap_or(i32::MIN);
        let base = (self.city_start[row]..row)
            .find(|&r| data.years[r] >= from && self.results.value(s.index, r).is_some())?;
        let (base_year, base_value) = (data.years[base], self.results.value(s.index, base)?);
        let previous = (base..row)
            .rev()
            .find_map(|r| self.results.value(s.index, r).map(|v| (data.years[r], v)))?;
        let series = progress::Series {
            direction: s.measure.direction,
            base_year,
            base_value,
            current_year,
            current_value,
            target: target.and_then(|t| t.year.map(|year| (t.value, year))),
            limit: (s.measure.unit == "%").then_some(100.0),
            yes_no: s.measure.is_yes_no(),
        };
        Some(Trend {
            base_year,
            base_value,
            current_year,
            current_value,
            previous,
            progress: progress::measure(&series),
        })
    }

    /// The number of city-years reported.
    pub fn len(&self) -> usize {
        self.reported.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every city-year, scored, in dataset order.
    pub fn iter(&self) -> impl Iterator<Item = CityYearReport<'_>> + '_ {
        (0..self.len()).map(|row| self.city_year(row))
    }

    /// Score the `i`-th city-year reported.
    pub fn city_year(&self, i: usize) -> CityYearReport<'_> {
        let row = self.reported[i];
        let data = self.results.data();
        let scheme = &self.catalog.scheme;
        let city = data.cities[row].as_str();
        let targets = self.targets.for_city(city);
        let mut outcomes = Vec::with_capacity(self.selected.len());
        let mut evidence = Vec::new();
        let cell = |field: usize| {
            let (file, line) = data.origin(field, row).unzip();
            (
                data.source(field, row),
                file,
                line,
                data.converted_from(field, row),
            )
        };
        for s in &self.selected {
            let m = s.index;
            let inputs = self.results.inputs(m);
            let start = evidence.len();
            for (read, unit) in inputs.reads.iter().zip(&s.read_units) {
                let (source, file, line, converted_from) = match read.source {
                    Source::Field(f) => cell(f),
                    _ => (None, None, None, None),
                };
                evidence.push(Evidence {
                    name: &read.name,
                    kind: match read.source {
                        Source::Measure(_) => EvidenceKind::Kpi,
                        _ => EvidenceKind::Variable,
                    },
                    value: self.results.read(read.source, row),
                    unit,
                    source,
                    file,
                    line,
                    converted_from,
                });
            }
            let value = self.results.value(m, row);
            let status = self.results.status(m, row);
            let reported = match (&status, inputs.reported) {
                (Status::Reported, Some(f)) => {
                    let (source, file, line, converted_from) = cell(f);
                    Some(Evidence {
                        name: &s.measure.key,
                        kind: EvidenceKind::Reported,
                        value,
                        unit: &s.measure.unit,
                        source,
                        file,
                        line,
                        converted_from,
                    })
                }
                _ => None,
            };
            let target = targets[m];
            let score = value.and_then(|v| score(s.measure, target.map(|t| t.value), v, scheme));
            outcomes.push(Outcome {
                measure_index: m,
                kpi: s.kpi,
                measure: s.measure,
                name: &s.name,
                subdimension: &s.subdimension,
                category: &s.category,
                value,
                status,
                reported,
                target,
                score,
                band: score.and_then(|sc| scheme.band_with_points(sc.points)),
                not_scored: if value.is_some() && score.is_none() {
                    not_scored(s.measure, target.map(|t| t.value))
                } else {
                    None
                },
                inputs: start..evidence.len(),
                progress: self.trend(s, row, target),
            });
        }
        let summaries = self.groups.summarize(&self.selected, &outcomes, scheme);
        CityYearReport {
            city,
            year: data.years[row],
            outcomes,
            evidence,
            summaries,
        }
    }
}
#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::catalog::Band;
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
            kind: crate::catalog::MeasureKind::of(unit),
            min: None,
            max: None,
            line: 1,
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
    fn value_for_is_the_inverse_of_score() {
        for (direction, target, reference) in [
            (Direction::Higher, 80.0, None),
            (Direction::Lower, 30.0, None),
            (Direction::Lower, 0.0, Some(20.0)),
        ] {
            let m = measure(direction, "%", reference);
            for percent in [33.0, 66.0, 95.0] {
                let v = value_for(&m, target, percent).unwrap();
                let s = score(&m, Some(target), v, &scheme()).unwrap();
                assert!(
                    (s.achievement - percent).abs() < 1e-9,
                    "{direction:?} {percent}"
                );
            }
        }
        assert_eq!(
            value_for(&measure(Direction::Lower, "%", None), 0.0, 95.0),
            None
        );
    }

    #[test]
    fn yes_no_scores_yes_partial_no() {
        let m = measure(Direction::Higher, "yes/no", None);
        assert_eq!(score(&m, None, 1.0, &scheme()).unwrap().points, 4);
        assert_eq!(score(&m, None, 0.6, &scheme()).unwrap().points, 2);
        assert_eq!(score(&m, None, 0.0, &scheme()).unwrap().points, 1);
    }

    proptest! {
        /// For any value (formulas can give negatives), any target including 0, any
        /// reference, either direction and yes/no: a share of 0-100 and points of a band.
        #[test]
        fn achievement_is_a_share_and_points_a_band(
            value in -1e9f64..1e9,
            target in prop_oneof![Just(0.0), 0.0f64..1e9],
            reference in proptest::option::of(1e-6f64..1e6),
            kind in 0u8..3,
        ) {
            let m = match kind {
                0 => measure(Direction::Higher, "%", reference),
                1 => measure(Direction::Lower, "%", reference),
                _ => measure(Direction::Higher, "yes/no", None),
            };
            let s = score(&m, Some(target), value, &scheme()).unwrap();
            prop_assert!((0.0..=100.0).contains(&s.achievement), "{s:?}");
            prop_assert!((1..=4).contains(&s.points), "{s:?}");
            prop_assert_eq!(scheme().band_for(s.achievement).points, s.points);
        }

        /// More is never worse where higher is better, and never better where lower is.
        #[test]
        fn achievement_follows_the_direction(a in 0.0f64..1e6, b in 0.0f64..1e6, target in 1e-3f64..1e6) {
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            let higher = measure(Direction::Higher, "%", None);
            let lower = measure(Direction::Lower, "%", None);
            let at = |m: &Measure, v| score(m, Some(target), v, &scheme()).unwrap().achievement;
            prop_assert!(at(&higher, low) <= at(&higher, high));
            prop_assert!(at(&lower, low) >= at(&lower, high));
        }
    }
}
