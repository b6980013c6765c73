//! Peers: in one year, each city's value of every KPI (and part) ranked among the cities of
//! its group, with the group's median and best value, and the U4SSC scores side by side.
//! Ties share a rank; a city without a value is listed but not ranked; a KPI with no
//! direction is not ranked. It decides; it never formats and never reads files.

use std::collections::HashMap;

use super::Assessment;
use crate::catalog::{Direction, Kpi, Measure};

/// The comparison of every city of one year.
#[derive(Debug, Clone)]
pub struct Comparison<'a> {
    pub year: i32,
    /// The dimensions' codes and names, in catalogue order.
    pub dimensions: Vec<(&'a str, &'a str)>,
    /// Each city's scores, in city order.
    pub cities: Vec<CityScores>,
    /// One per measure and city, measure by measure in catalogue order.
    pub rows: Vec<Ranked<'a>>,
}

/// A city's U4SSC scores: overall and per dimension (in [`Comparison::dimensions`] order).
#[derive(Debug, Clone)]
pub struct CityScores {
    pub city: String,
    pub group: String,
    pub overall: Option<f64>,
    pub dimensions: Vec<Option<f64>>,
}

/// One city's value of one measure among its peers.
#[derive(Debug, Clone)]
pub struct Ranked<'a> {
    pub kpi: &'a Kpi,
    pub measure: &'a Measure,
    pub city: String,
    pub group: String,
    pub value: Option<f64>,
    /// 1 is the best; cities with equal values share the better rank.
    pub rank: Option<usize>,
    /// The cities of the group with a value.
    pub of: usize,
    /// Where the rank stands among the group's values: 100 for the best, 0 for the worst
    /// (`100 * (of - rank) / (of - 1)`); none with fewer than two values.
    pub percentile: Option<f64>,
    pub median: Option<f64>,
    /// The best value of the group and the first city (by name) that has it.
    pub best: Option<(String, f64)>,
}

/// Compare the city-years of `assessment` (one year); `group_of` names each city's group.
pub fn compare<'a>(
    assessment: &'a Assessment<'a>,
    year: i32,
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
    // values[measure][city]
    let mut measures: Vec<(&Kpi, &Measure)> = Vec::new();
    let mut values: Vec<Vec<Option<f64>>> = Vec::new();
    for city_year in assessment.iter() {
        if measures.is_empty() {
            measures = city_year
                .outcomes
                .iter()
                .map(|o| (o.kpi, o.measure))
                .collect();
            values = vec![Vec::new(); measures.len()];
        }
        for (j, o) in city_year.outcomes.iter().enumerate() {
            values[j].push(o.value);
        }
        let score_of = |code: &str| {
            city_year
                .dimensions()
                .find(|s| s.code == code)
                .and_then(|s| s.score)
        };
        cities.push(CityScores {
            city: city_year.city.to_string(),
            group: group_of(city_year.city),
            overall: city_year.overall().and_then(|s| s.score),
            dimensions: dimensions.iter().map(|(code, _)| score_of(code)).collect(),
        });
    }
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cities.iter().enumerate() {
        members.entry(c.group.as_str()).or_default().push(i);
    }
    let mut rows = Vec::with_capacity(measures.len() * cities.len());
    for ((kpi, measure), values) in measures.iter().zip(&values) {
        // Each group's standing on this measure, worked out once for all its cities.
        let standings: HashMap<&str, Standing> = members
            .iter()
            .map(|(group, members)| {
                (
                    *group,
                    Standing::new(measure.direction, members, values, &cities),
                )
            })
            .collect();
        for (i, city) in cities.iter().enumerate() {
            let standing = &standings[city.group.as_str()];
            let value = values[i];
            let rank = value.and_then(|v| standing.rank(v));
            let n = standing.values.len();
            rows.push(Ranked {
                kpi,
                measure,
                city: city.city.clone(),
                group: city.group.clone(),
                value,
                rank,
                of: n,
                percentile: rank
                    .filter(|_| n > 1)
                    .map(|r| 100.0 * (n - r) as f64 / (n - 1) as f64),
                median: standing.median,
                best: standing.best.clone(),
            });
        }
    }
    Comparison {
        year,
        dimensions,
        cities,
        rows,
    }
}

/// A group's values of one measure, best first, with its median and best city.
struct Standing {
    direction: Direction,
    /// Best first (for a measure with no direction, in ascending order).
    values: Vec<f64>,
    median: Option<f64>,
    best: Option<(String, f64)>,
}

impl Standing {
    fn new(
        direction: Direction,
        members: &[usize],
        values: &[Option<f64>],
        cities: &[CityScores],
    ) -> Self {
        // Best first; among equal values, the first city by name.
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
        Standing {
            direction,
            median: median(values.clone()),
            best: peers
                .first()
                .filter(|_| direction != Direction::None)
                .map(|&(v, city)| (city.to_string(), v)),
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
            overall: None,
            dimensions: Vec::new(),
        }
    }

    #[test]
    fn ties_share_the_better_rank_and_the_best_is_the_first_by_name() {
        let cities = [city("C"), city("A"), city("B"), city("D")];
        let values = [Some(5.0), Some(9.0), Some(9.0), None];
        let members = [0, 1, 2, 3];
        let higher = Standing::new(Direction::Higher, &members, &values, &cities);
        assert_eq!(higher.values, [9.0, 9.0, 5.0]);
        assert_eq!((higher.rank(9.0), higher.rank(5.0)), (Some(1), Some(3)));
        assert_eq!(higher.best, Some(("A".to_string(), 9.0)));
        let lower = Standing::new(Direction::Lower, &members, &values, &cities);
        assert_eq!((lower.rank(5.0), lower.rank(9.0)), (Some(1), Some(2)));
        assert_eq!(lower.best, Some(("C".to_string(), 5.0)));
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
