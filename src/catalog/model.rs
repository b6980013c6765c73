//! The catalogue's types: variables, KPIs and their measures, the U4SSC structure and
//! the scoring scheme, and the queries every stage asks of them. Loading and checking
//! live elsewhere (`parse`, `lint`); this module never reads a file.

use serde::{Deserialize, Serialize};

use super::code::{id_for_code, normalize_code};
use super::graph::Graph;
use super::units::Units;
use crate::diagnostic::{closest, Problems};
use crate::formula::Formula;

/// What kind of quantity a variable holds; it sets the default valid range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Kind {
    Count,
    Amount,
    Percent,
    Ratio,
    Boolean,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Tier {
    Core,
    Advanced,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, strum::Display, strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
    None,
}

/// An input a city collects.
#[derive(Debug, Clone, Serialize)]
pub struct Variable {
    pub id: String,
    pub description: String,
    pub unit: String,
    pub kind: Kind,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub part_of: Option<String>,
    /// Other spellings of `unit` that data files use.
    pub aliases: Vec<String>,
    /// Conversions that belong to this variable: unit -> factor into `unit`.
    pub convert: Vec<(String, f64)>,
    /// A value more than this many times the year before (or less than its inverse) is
    /// flagged; overrides [`Plausibility::year_change_factor`]; 0 leaves it unchecked.
    pub year_change_factor: Option<f64>,
    /// A yes/no principle that can be partly met (the U4SSC verifier marks it "partial"):
    /// it takes yes, partial or no (1, 0.5, 0), as a yes/no KPI reported directly does.
    pub partial: bool,
    /// An amount of money that every KPI reading it divides by money in the same currency
    /// (R&D / GDP): it may be given in any one currency per city-year (`catalog::units`).
    pub any_currency: bool,
}

impl Variable {
    /// The valid range, from the definition or the kind's default.
    pub fn range(&self) -> (f64, f64) {
        let (min, max) = match self.kind {
            Kind::Percent => (0.0, 100.0),
            Kind::Boolean => (0.0, 1.0),
            Kind::Count | Kind::Amount | Kind::Ratio => (0.0, f64::INFINITY),
        };
        (self.min.unwrap_or(min), self.max.unwrap_or(max))
    }

    /// The range as a person reads it: `0 to 100`, `>= 0`, `yes/no`, `yes/partial/no`.
    pub fn range_text(&self) -> String {
        if self.kind == Kind::Boolean {
            return if self.partial {
                "yes/partial/no"
            } else {
                "yes/no"
            }
            .into();
        }
        match self.range() {
            (min, max) if max.is_infinite() => format!(">= {min}"),
            (min, max) => format!("{min} to {max}"),
        }
    }
}

/// One dimension, sub-dimension or category of the U4SSC structure.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The code path: `EC`, `EC:ICT`, `EC:ICT:ICT`.
    pub code: String,
    pub name: String,
}

/// The U4SSC structure, in the order of `taxonomy.toml`.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    pub dimensions: Vec<Group>,
    pub subdimensions: Vec<Group>,
    pub categories: Vec<Group>,
}

impl Taxonomy {
    pub fn name(&self, code: &str) -> String {
        self.dimensions
            .iter()
            .chain(&self.subdimensions)
            .chain(&self.categories)
            .find(|g| g.code == code)
            .map_or(code, |g| g.name.as_str())
            .to_string()
    }

    pub(super) fn position(&self, code: &str) -> usize {
        [&self.dimensions, &self.subdimensions, &self.categories]
            .iter()
            .find_map(|groups| groups.iter().position(|g| g.code == code))
            .unwrap_or(usize::MAX)
    }
}

/// A band of the scoring scheme.
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub from: f64,
    pub points: u8,
    pub label: String,
    pub colour: String,
}

/// The U4SSC scoring scheme from `scoring.toml`.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Highest first.
    pub bands: Vec<Band>,
    pub yes_points: u8,
    pub partial_points: u8,
    pub no_points: u8,
    pub plausibility: Plausibility,
}

/// The reasonableness checks of `scoring.toml`'s `[plausibility]` (they warn, never change
/// a value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plausibility {
    /// A value more than this many times its previous year's value, or less than its
    /// inverse, is flagged (`year-jump`); `None` checks nothing.
    pub year_change_factor: Option<f64>,
    /// How far the parts of a KPI with `parts_sum` may miss it (`parts-sum`).
    pub parts_sum_tolerance: f64,
}

impl Default for Plausibility {
    fn default() -> Self {
        Plausibility {
            year_change_factor: None,
            parts_sum_tolerance: 2.0,
        }
    }
}

impl Scheme {
    pub fn band_for(&self, percent: f64) -> &Band {
        self.bands
            .iter()
            .find(|b| percent >= b.from)
            .unwrap_or_else(|| self.bands.last().expect("validated: at least one band"))
    }

    pub fn band_with_points(&self, points: u8) -> Option<&Band> {
        self.bands.iter().find(|b| b.points == points)
    }

    pub fn max_points(&self) -> u8 {
        self.bands.iter().map(|b| b.points).max().unwrap_or(0)
    }
}

/// One scored and reported data point: a KPI, or one part of a KPI with parts.
#[derive(Debug, Clone)]
pub struct Measure {
    /// `EC:ICT:ICT:4C` or `EC:ICT:ICT:4C/3g`.
    pub key: String,
    /// The column name in formulas: `ec_ict_ict_4c_3g`.
    pub id: String,
    pub part: Option<String>,
    pub part_name: Option<String>,
    pub formula: Formula,
    pub unit: String,
    pub direction: Direction,
    pub target: Option<f64>,
    /// Where the default target comes from (`target_source` in the definition: a published
    /// U4SSC benchmark); `None` where the target is citykpi's own choice.
    pub target_source: Option<String>,
    pub reference: Option<f64>,
    /// False where the definition says the KPI is never scored.
    pub scorable: bool,
    /// What the unit makes of a value, decided once from the unit's text.
    pub kind: MeasureKind,
    /// The valid range of a value reported directly, where the definition sets one.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The line of the measure's formula in its file.
    pub line: usize,
}

/// The kinds of value whose unit changes how they are read, scored and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureKind {
    /// yes / partial / no, scored by the scheme's yes/no points.
    YesNo,
    /// A whole number, printed without decimals.
    Count,
    Number,
}

impl MeasureKind {
    /// The kind a unit means: `yes/no` (any case and spacing), `count`, or any other number.
    pub fn of(unit: &str) -> MeasureKind {
        let unit: String = unit
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        match unit.as_str() {
            "yes/no" | "yes-no" | "yes/partial/no" | "boolean" => MeasureKind::YesNo,
            "count" => MeasureKind::Count,
            _ => MeasureKind::Number,
        }
    }
}

impl Measure {
    pub fn is_yes_no(&self) -> bool {
        self.kind == MeasureKind::YesNo
    }

    /// The range a value of the measure can have: 0 to 1 for yes/no and for a share written
    /// `0-1`, 0 to 100 for a percentage, else not negative; the definition's own `min`/`max`
    /// first.
    pub fn range(&self) -> (f64, f64) {
        if self.is_yes_no() {
            return (0.0, 1.0);
        }
        let (min, max) = match self.unit.as_str() {
            "%" => (0.0, 100.0),
            "0-1" => (0.0, 1.0),
            _ => (0.0, f64::INFINITY),
        };
        (self.min.unwrap_or(min), self.max.unwrap_or(max))
    }
}

/// A KPI of the catalogue.
#[derive(Debug, Clone)]
pub struct Kpi {
    pub code: String,
    pub id: String,
    pub name: String,
    pub tier: Tier,
    pub dimension: String,
    pub subdimension: String,
    pub category: String,
    pub unit: String,
    pub direction: Direction,
    pub target: Option<f64>,
    pub sdg: Vec<String>,
    pub description: String,
    pub notes: Option<String>,
    /// The parts are shares of one whole and add up to about this (100 for %).
    pub parts_sum: Option<f64>,
    pub file: String,
    /// The line of `code` in the file.
    pub line: usize,
    pub measures: Vec<Measure>,
}

impl Kpi {
    pub fn subdimension_code(&self) -> String {
        format!("{}:{}", self.dimension, self.subdimension)
    }

    pub fn category_code(&self) -> String {
        format!("{}:{}:{}", self.dimension, self.subdimension, self.category)
    }
}

/// The validated catalogue.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub variables: Vec<Variable>,
    /// In U4SSC order: dimension, sub-dimension, category, number.
    pub kpis: Vec<Kpi>,
    pub taxonomy: Taxonomy,
    pub scheme: Scheme,
    /// Units that convert into one another (`units.toml`; none when the file is absent).
    pub units: Units,
    /// What values can plausibly be (`plausible.toml`; nothing is checked when it is absent).
    pub plausible: super::Plausible,
    /// Problems that did not stop loading (unused variables, ...).
    pub warnings: Problems,
}

impl Catalog {
    pub fn variable(&self, id: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.id == id)
    }

    /// Every measure, in catalogue order, with its KPI.
    pub fn measures(&self) -> impl Iterator<Item = (&Kpi, &Measure)> {
        self.kpis
            .iter()
            .flat_map(|k| k.measures.iter().map(move |m| (k, m)))
    }

    /// The KPI a user names: by code (any spacing or case), `CODE/part`, or id.
    /// A `CODE/part` names the KPI only when the part exists.
    pub fn find(&self, name: &str) -> Option<&Kpi> {
        let normalized = normalize_code(name);
        let (code, part) = match normalized.split_once('/') {
            Some((code, part)) => (code, Some(part)),
            None => (normalized.as_str(), None),
        };
        let id = id_for_code(name);
        self.kpis.iter().find(|k| {
            let by_code = k.code.eq_ignore_ascii_case(code)
                && part.is_none_or(|p| k.measures.iter().any(|m| m.part.as_deref() == Some(p)));
            by_code || k.id == id || k.measures.iter().any(|m| m.id == id)
        })
    }

    /// A suggestion for a KPI name that was not found.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let code = normalize_code(name);
        closest(&code, self.kpis.iter().map(|k| k.code.as_str()))
    }

    /// The measure a user names: `CODE`, `CODE/part` or its id.
    pub fn find_measure(&self, name: &str) -> Option<(&Kpi, &Measure)> {
        let code = normalize_code(name);
        let id = id_for_code(name);
        self.measures()
            .find(|(_, m)| m.key.eq_ignore_ascii_case(&code) || m.id == id)
    }

    /// The measures a file's `kpi` cell names (a targets or verification file): one (a
    /// code, `CODE/part` or id), or every part of a KPI named whole; else a message with the
    /// closest code.
    pub fn measures_named(&self, name: &str) -> Result<Vec<&Measure>, String> {
        if let Some((_, m)) = self.find_measure(name) {
            return Ok(vec![m]);
        }
        match self.find(name) {
            Some(kpi) if normalize_code(name) == kpi.code || name.eq_ignore_ascii_case(&kpi.id) => {
                Ok(kpi.measures.iter().collect())
            }
            _ => {
                let hint = self
                    .suggest(name)
                    .map_or(String::new(), |s| format!("; did you mean {s}?"));
                Err(format!("unknown KPI \"{name}\"{hint}"))
            }
        }
    }

    /// The measures in evaluation layers: each reads only variables and measures of
    /// earlier layers (one dependency graph, [`graph::Graph`], also finds the cycles).
    pub fn layers(&self) -> Vec<Vec<&Measure>> {
        let graph = Graph::new(&self.kpis);
        graph
            .layers()
            .into_iter()
            .map(|layer| layer.into_iter().map(|m| graph.measures[m]).collect())
            .collect()
    }

    /// The KPIs that read a variable.
    pub fn used_by(&self, variable: &str) -> Vec<&Kpi> {
        self.kpis
            .iter()
            .filter(|k| {
                k.measures
                    .iter()
                    .any(|m| m.formula.reads.iter().any(|r| r == variable))
            })
            .collect()
    }
}
