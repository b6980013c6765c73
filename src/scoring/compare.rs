//! Peers: each city on one year (its latest, by default), each city's value of every KPI
//! (and part) ranked among the cities of its group, with the group's median and best value,
//! and the U4SSC scores side by side with the coverage behind each.
//! Ties share a rank, and every city with the best value shares "best"; a city without a
//! value is listed but not ranked; a KPI with no direction is not ranked. The overall scores
//! are ranked only among the cities that compute at least the minimum share of their core
//! KPIs: a score over three KPIs does not compare with one over fifty. It decides; it never
//! formats and never reads files.

use std::collections::HashMap;

use super::{Assessment, NotScored, Summary};
use crate::catalog::{Direction, Kpi, Measure};

/// The comparison of the chosen city-years, one a city.
#[derive(Debug, Clone)]
pub struct Comparison<'a> {
    /// The dimensions' codes and names, in catalogue order.
    pub dimensions: Vec<(&'a str, &'a str)>,
    /// Each city's scores, in city order.
    pub cities: Vec<CityScores>,
    /// One per measure and city, measure by measure in catalogue order.
    pub rows: Vec<Ranked<'a>>,
    /// The share of its core KPIs (percent) a city computes to have its overall score ranked.
    pub min_coverage: f64,
    /// The cities of the data not compared (no data in the years asked for), each with the
    /// years it has; the caller that chose the city-years fills it in.
    pub left_out: Vec<(String, Vec<i32>)>,
}

/// How many KPIs have a value, of those defined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    pub computed: usize,
    pub defined: usize,
}

impl Coverage {
    /// Every tier's KPIs of a roll-up.
    fn all(s: &Summary) -> Self {
        Coverage {
            computed: s.core_computed + s.advanced_computed,
            defined: s.core_defined + s.advanced_defined,
        }
    }

    /// The share computed, in percent (100 when nothing is defined).
    pub fn percent(&self) -> f64 {
        match self.defined {
            0 => 100.0,
            d => 100.0 * self.computed as f64 / d as f64,
        }
    }
}

/// A city's U4SSC scores, overall and per dimension (in [`Comparison::dimensions`] order),
/// each with the KPIs it rests on.
#[derive(Debug, Clone)]
pub struct CityScores {
    pub city: String,
    pub group: String,
    /// The year the city is compared on.
    pub year: i32,
    pub overall: Option<f64>,
    /// The KPIs of every tier with a value, of the catalogue's.
    pub kpis: Coverage,
    /// The core KPIs with a value: what [`Comparison::min_coverage`] is about.
    pub core: Coverage,
    pub dimensions: Vec<(Option<f64>, Coverage)>,
    /// The overall score's rank among the ranked cities of the group (ties share the better
    /// rank); none when the city is not ranked.
    pub rank: Option<usize>,
}

impl CityScores {
    /// Whether the overall score is ranked: there is one, on enough core KPIs.
    pub fn is_ranked(&self) -> bool {
        self.rank.is_some()
    }
}

/// One city's value of one measure among its peers.
#[derive(Debug, Clone)]
pub struct Ranked<'a> {
    pub kpi: &'a Kpi,
    pub measure: &'a Measure,
    pub city: String,
    pub year: i32,
    pub group: String,
    pub value: Option<f64>,
    /// 1 is the best; cities with equal values share the better rank.
    pub rank: Option<usize>,
    /// Why the value is shown but not ranked: set aside by `--min-quality` or
    /// `--verified-only`, or marked not reported by the verifier.
    pub set_aside: Option<NotScored>,
    /// The cities of the group with a value.
    pub of: usize,
    /// Where the rank stands among the group's values: 100 for the best, 0 for the worst
    /// (`100 * (of - rank) / (of - 1)`); none with fewer than two values.
    pub percentile: Option<f64>,
    pub median: Option<f64>,
    /// The best value of the group and every city (by name) that has it.
    pub best: Option<(Vec<String>, f64)>,
}

/// Compare the city-years `chosen` (indexes into `assessment`, one a city);
/// `group_of` names each city's group; overall scores are ranked only for cities that
/// compute at least `min_coverage` percent of their core KPIs.
pub fn compare<'a>(
    assessment: &'a Assessment<'a>,
    chosen: &[usize],
    min_coverage: f64,
    mut group_of: impl FnMut(&str) -> String,
) -> Comparison<'a> {
    let catalog = assessment.catalog;
    let dimensions: Vec<(&str, &str)> = catalog
        .taxonomy
        .dimensions
        .iter()
        .map(|d| (d.code.as_str(), d.name.as_str()))
        .collect();
    let mut cities = Vec::new();
    // values[measure][city]: what each city shows, and what it is ranked on (a value that
    // --min-quality or --verified-only sets aside is shown but not ranked).
    let mut measures: Vec<(&Kpi, &Measure)> = Vec::new();
    let mut values: Vec<Vec<Option<f64>>> = Vec::new();
    let mut ranked: Vec<Vec<Option<f64>>> = Vec::new();
    let mut set_aside: Vec<Vec<Option<NotScored>>> = Vec::new();
    for &i in chosen {
        let city_year = assessment.city_year(i);
        if measures.is_empty() {
            measures = city_year
                .outcomes
                .iter()
                .map(|o| (o.kpi, o.measure))
                .collect();
            values = vec![Vec::new(); measures.len()];
            ranked = vec![Vec::new(); measures.len()];
            set_aside = vec![Vec::new(); measures.len()];
        }
        for (j, o) in city_year.outcomes.iter().enumerate() {
            values[j].push(o.value);
            ranked[j].push(o.value.filter(|_| !o.set_aside()));
            set_aside[j].push(o.not_scored.filter(|_| o.set_aside()));
        }
        let of = |code: &str| {
            city_year
                .dimensions()
                .find(|s| s.code == code)
                .map_or((None, Coverage::default()), |s| (s.score, Coverage::all(s)))
        };
        let overall = city_year.overall();
        cities.push(CityScores {
            city: city_year.city.to_string(),
            group: group_of(city_year.city),
            year: city_year.year,
            overall: overall.and_then(|s| s.score),
            kpis: overall.map(Coverage::all).unwrap_or_default(),
            core: overall.map_or(Coverage::default(), |s| Coverage {
                computed: s.core_computed,
                defined: s.core_defined,
            }),
            dimensions: dimensions.iter().map(|(code, _)| of(code)).collect(),
            rank: None,
        });
    }
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cities.iter().enumerate() {
        members.entry(c.group.as_str()).or_default().push(i);
    }
    let ranks = rank_scores(&cities, &members, min_coverage);
    let mut rows = Vec::with_capacity(measures.len() * cities.len());
    let per_measure = values.iter().zip(&ranked).zip(&set_aside);
    for ((kpi, measure), ((values, ranked), set_aside)) in measures.iter().zip(per_measure) {
        // Each group's standing on this measure, worked out once for all its cities.
        let standings: HashMap<&str, Standing> = members
            .iter()
            .map(|(group, members)| {
                (
                    *group,
                    Standing::new(measure.direction, members, ranked, &cities),
                )
            })
            .collect();
        for (i, city) in cities.iter().enumerate() {
            let standing = &standings[city.group.as_str()];
            let value = values[i];
            let rank = ranked[i].and_then(|v| standing.rank(v));
            let n = standing.values.len();
            rows.push(Ranked {
                kpi,
                measure,
                city: city.city.clone(),
                year: city.year,
                group: city.group.clone(),
                value,
                rank,
                set_aside: set_aside[i],
                of: n,
                percentile: rank
                    .filter(|_| n > 1)
                    .map(|r| 100.0 * (n - r) as f64 / (n - 1) as f64),
                median: standing.median,
                best: standing.best.clone(),
            });
        }
    }
    for (city, rank) in cities.iter_mut().zip(ranks) {
        city.rank = rank;
    }
    Comparison {
        dimensions,
        cities,
        rows,
        min_coverage,
        left_out: Vec::new(),
    }
}

/// Each city's overall rank in its group, among the cities with a score on at least
/// `min_coverage` percent of their core KPIs (ties share the better rank).
fn rank_scores(
    cities: &[CityScores],
    members: &HashMap<&str, Vec<usize>>,
    min_coverage: f64,
) -> Vec<Option<usize>> {
    let eligible = |c: &CityScores| c.overall.filter(|_| c.core.percent() >= min_coverage);
    let mut ranks = vec![None; cities.len()];
    for members in members.values() {
        let scores: Vec<f64> = members
            .iter()
            .filter_map(|&i| eligible(&cities[i]))
            .collect();
        for &i in members {
            ranks[i] = eligible(&cities[i]).map(|s| 1 + scores.iter().filter(|&&o| o > s).count());
        }
    }
    ranks
}

/// A group's values of one measure, best first, with its median and best city.
struct Standing {
    direction: Direction,
    /// Best first (for a measure with no direction, in ascending order).
    values: Vec<f64>,
    median: Option<f64>,
    best: Option<(Vec<String>, f64)>,
}

impl Standing {
    fn new(
        direction: Direction,
        members: &[usize],
        values: &[Option<f64>],
        cities: &[CityScores],
    ) -> Self {
        // Best first; among equal values, by name.
        let mut peers: Vec<(f64, &str)> = members
            .iter()
            .filter_map(|&p| values[p].map(|v| (v, cities[p].city.as_str())))
            .collect();
        peers.sort_by(|a, b| {
            let by_value = match direction {
                Direction::Higher => b.0.total_cmp(&a.0),
                Direction::Lower | Direction::None => a.0.total_cmp(&b.0),
            };
            by_value.then_with(|| a.1.cmp(b.1))
        });
        let values: Vec<f64> = peers.iter().map(|p| p.0).collect();
        // Every city with the best value shares it (a tie on a yes/no KPI is common).
        let best = peers
            .first()
            .filter(|_| direction != Direction::None)
            .map(|&(best, _)| {
                let cities = peers.iter().take_while(|p| p.0 == best);
                (cities.map(|p| p.1.to_string()).collect(), best)
            });
        Standing {
            direction,
            median: median(values.clone()),
            best,
            values,
        }
    }

    /// 1 + the number of values strictly better than `value`; none for no direction.
    fn rank(&self, value: f64) -> Option<usize> {
        let better = |other: &f64| match self.direction {
            Direction::Higher => *other > value,
            Direction::Lower => *other < value,
            Direction::None => false,
        };
        (self.direction != Direction::None).then(|| 1 + self.values.partition_point(better))
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(name: &str) -> CityScores {
        CityScores {
            city: name.into(),
            group: "all".into(),
            year: 2024,
            overall: None,
            kpis: Coverage::default(),
            core: Coverage::default(),
            dimensions: Vec::new(),
            rank: None,
        }
    }

    #[test]
    fn scores_are_ranked_only_on_enough_core_kpis() {
        let scored = |name: &str, score: f64, computed: usize| CityScores {
            overall: Some(score),
            core: Coverage {
                computed,
                defined: 10,
            },
            ..city(name)
        };
        let cities = [
            scored("Few", 91.7, 2),
            scored("Many", 80.0, 8),
            scored("Tied", 80.0, 5),
            scored("Low", 40.0, 9),
            city("None"),
        ];
        let members = HashMap::from([("all", vec![0, 1, 2, 3, 4])]);
        let ranks = rank_scores(&cities, &members, 50.0);
        assert_eq!(ranks, [None, Some(1), Some(1), Some(3), None]);
        let ranks = rank_scores(&cities, &members, 0.0);
        assert_eq!(ranks, [Some(1), Some(2), Some(2), Some(4), None]);
    }

    #[test]
    fn ties_share_the_better_rank_and_the_best() {
        let cities = [city("C"), city("A"), city("B"), city("D")];
        let values = [Some(5.0), Some(9.0), Some(9.0), None];
        let members = [0, 1, 2, 3];
        let higher = Standing::new(Direction::Higher, &members, &values, &cities);
        assert_eq!(higher.values, [9.0, 9.0, 5.0]);
        assert_eq!((higher.rank(9.0), higher.rank(5.0)), (Some(1), Some(3)));
        assert_eq!(higher.best, Some((vec!["A".into(), "B".into()], 9.0)));
        let lower = Standing::new(Direction::Lower, &members, &values, &cities);
        assert_eq!((lower.rank(5.0), lower.rank(9.0)), (Some(1), Some(2)));
        assert_eq!(lower.best, Some((vec!["C".into()], 5.0)));
        let none = Standing::new(Direction::None, &members, &values, &cities);
        assert_eq!((none.rank(5.0), none.best), (None, None));
        assert_eq!(none.median, Some(9.0));
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(vec![5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(vec![]), None);
    }
}
