//! CI gates: the least a city-year must reach, overall, per dimension, and in core coverage,
//! checked against the model. This module decides what fell short; it never prints.

use std::fmt;

use super::{CityYearReport, Level};

/// One gate.
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    /// The U4SSC score (points as a percentage of the maximum) of the whole assessment, or of
    /// one dimension (its code, `EN`), must reach `min`.
    Score { dimension: Option<String>, min: f64 },
    /// Core KPIs computed, as a percentage of core KPIs defined, must reach `min`.
    CoreCoverage { min: f64 },
}

/// What one city-year fell short of.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortfall {
    pub city: String,
    pub year: i32,
    pub gate: Gate,
    /// What it reached; `None` where nothing could be scored.
    pub reached: Option<f64>,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reached = self
            .reached
            .map_or("nothing scored".to_string(), |r| format!("{r:.1} %"));
        match &self.gate {
            Gate::Score { dimension, min } => write!(
                f,
                "{} {}: {} score {reached} is under {min} %",
                self.city,
                self.year,
                dimension.as_deref().unwrap_or("overall"),
            ),
            Gate::CoreCoverage { min } => write!(
                f,
                "{} {}: core KPIs computed {reached} is under {min} %",
                self.city, self.year,
            ),
        }
    }
}

/// The gates a city-year does not meet.
pub fn check(city_year: &CityYearReport, gates: &[Gate]) -> Vec<Shortfall> {
    gates
        .iter()
        .filter_map(|gate| {
            let (reached, min) = match gate {
                Gate::Score { dimension, min } => {
                    let summary = city_year.summaries.iter().find(|s| match dimension {
                        None => s.level == Level::Overall,
                        Some(code) => s.level == Level::Dimension && s.code == code,
                    });
                    (summary.and_then(|s| s.score), *min)
                }
                Gate::CoreCoverage { min } => {
                    let coverage = city_year.overall().and_then(|s| {
                        (s.core_defined > 0)
                            .then(|| 100.0 * s.core_computed as f64 / s.core_defined as f64)
                    });
                    (coverage, *min)
                }
            };
            // Compared as printed (one decimal), so that "80.0 %" never fails "80".
            let met = reached.is_some_and(|r| (r * 10.0).round() / 10.0 >= min);
            (!met).then(|| Shortfall {
                city: city_year.city.to_string(),
                year: city_year.year,
                gate: gate.clone(),
                reached,
            })
        })
        .collect()
}
