//! `plausible.toml`: what a value can plausibly be (a range per unit, per variable and per KPI)
//! and the screening of the U4SSC Verification Manual (p. 28 and 31): population and
//! households that change by more than a few percent a year, values that should be the same
//! every year (the city area), and two counts of one denominator that disagree. Each finding
//! is a warning; the hard valid range stays in `variables.toml`. Without the file nothing is
//! checked. This module parses and validates the file; `crate::plausibility` checks data.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::parse::{line_of, toml_problem};
use super::units::normalize;
use super::{Kpi, Measure, SourceFile, Variable};
use crate::diagnostic::{closest, Problem, ProblemCode, Problems};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlausible {
    all: Option<Spanned<RawRange>>,
    #[serde(default)]
    unit: IndexMap<String, Spanned<RawRange>>,
    #[serde(default)]
    variable: IndexMap<String, Spanned<RawRange>>,
    #[serde(default)]
    kpi: IndexMap<String, Spanned<RawRange>>,
    screening: Option<Spanned<RawScreening>>,
    #[serde(default)]
    denominator: Vec<Spanned<RawDenominator>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    min: Option<f64>,
    max: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreening {
    yearly_change_percent: Option<f64>,
    #[serde(default)]
    yearly_change: Vec<String>,
    #[serde(default)]
    same_every_year: Vec<String>,
    denominator_percent: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDenominator {
    total: String,
    parts: Vec<String>,
}

/// A plausible range; an open end is infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

impl Range {
    pub fn contains(&self, value: f64) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// `1000 to 50000000`, `at least 1`, `at most 1000`.
    pub fn text(&self) -> String {
        match (self.min.is_finite(), self.max.is_finite()) {
            (true, true) => format!("{} to {}", self.min, self.max),
            (true, false) => format!("at least {}", self.min),
            _ => format!("at most {}", self.max),
        }
    }
}

/// The range that applies to a value, and where it is declared (`variable population`,
/// `unit minutes`, `all`), to name it in a warning.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub range: Range,
    pub declared: String,
}

/// Two counts of one denominator: `total` and the sum of `parts` (the labour force, and the
/// employed plus the unemployed).
#[derive(Debug, Clone, PartialEq)]
pub struct Denominator {
    pub total: String,
    pub parts: Vec<String>,
}

/// The contents of `plausible.toml` (empty, checking nothing, when the file is absent).
#[derive(Debug, Clone, Default)]
pub struct Plausible {
    /// The file's path, to name it in a warning.
    pub file: String,
    all: Option<Range>,
    /// By unit as compared ([`normalize`]).
    units: HashMap<String, Range>,
    variables: HashMap<String, Range>,
    /// By KPI code (every part) or measure key (`CODE/part`).
    kpis: HashMap<String, Range>,
    /// Population and households: a change of more than this percent a year is flagged.
    pub yearly_change_percent: f64,
    pub yearly_change: Vec<String>,
    /// Variables whose value is the same in every year of a city (the city area).
    pub same_every_year: Vec<String>,
    /// Two counts of one denominator that differ by this percent or more are flagged.
    pub denominator_percent: f64,
    pub denominators: Vec<Denominator>,
}

impl Plausible {
    /// The range of a variable: its own, else its unit's, else `[all]`; none for yes/no.
    pub fn for_variable(&self, v: &Variable) -> Option<Bound> {
        if v.kind == super::Kind::Boolean {
            return None;
        }
        self.find([
            (self.variables.get(&v.id), format!("variable {}", v.id)),
            (
                self.units.get(&normalize(&v.unit)),
                format!("unit {}", v.unit),
            ),
        ])
    }

    /// The range of a KPI's value: its part's, else its KPI's, else its unit's, else
    /// `[all]`; none for yes/no.
    pub fn for_measure(&self, kpi: &Kpi, m: &Measure) -> Option<Bound> {
        if m.is_yes_no() {
            return None;
        }
        self.find([
            (self.kpis.get(&m.key), format!("kpi {}", m.key)),
            (self.kpis.get(&kpi.code), format!("kpi {}", kpi.code)),
            (
                self.units.get(&normalize(&m.unit)),
                format!("unit {}", m.unit),
            ),
        ])
    }

    fn find<const N: usize>(&self, ranges: [(Option<&Range>, String); N]) -> Option<Bound> {
        ranges
            .into_iter()
            .find_map(|(range, declared)| range.map(|&range| Bound { range, declared }))
            .or_else(|| {
                self.all.map(|range| Bound {
                    range,
                    declared: "all".into(),
                })
            })
    }
}

/// Parse and check `plausible.toml` against the variables and KPIs it names.
pub(super) fn parse_plausible(
    file: &SourceFile,
    variables: &[Variable],
    kpis: &[Kpi],
    problems: &mut Problems,
) -> Plausible {
    let mut plausible = Plausible {
        file: file.path.clone(),
        yearly_change_percent: 5.0,
        denominator_percent: 10.0,
        ..Plausible::default()
    };
    let raw: RawPlausible = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_problem(file, e));
            return plausible;
        }
    };
    let line = |span: std::ops::Range<usize>| line_of(&file.text, span.start);
    let at = |code: ProblemCode, line: usize, message: String| {
        Problem::new(code, &file.path, message).at_line(line)
    };
    let range = |name: &str, raw: &Spanned<RawRange>, problems: &mut Problems| {
        let (min, max) = (raw.get_ref().min, raw.get_ref().max);
        let range = Range {
            min: min.unwrap_or(f64::NEG_INFINITY),
            max: max.unwrap_or(f64::INFINITY),
        };
        let finite = [min, max].iter().flatten().all(|v| v.is_finite());
        let wrong = if min.is_none() && max.is_none() {
            Some("has neither min nor max; give one or both".to_string())
        } else if !finite {
            Some("is not a finite number; give finite numbers".to_string())
        } else if range.min > range.max {
            Some(format!("has min {} above max {}", range.min, range.max))
        } else {
            None
        };
        if let Some(wrong) = wrong {
            problems.push(at(
                ProblemCode::BadRange,
                line(raw.span()),
                format!("the plausible range of {name} {wrong}"),
            ));
        }
        range
    };
    plausible.all = raw.all.as_ref().map(|r| range("all", r, problems));
    let units: Vec<String> = variables
        .iter()
        .map(|v| normalize(&v.unit))
        .chain(
            kpis.iter()
                .flat_map(|k| k.measures.iter().map(|m| normalize(&m.unit))),
        )
        .collect();
    for (unit, raw) in &raw.unit {
        if !units.contains(&normalize(unit)) {
            problems.push(at(
                ProblemCode::PlausibleUnknown,
                line(raw.span()),
                format!("no variable or KPI is in unit `{unit}`, so this range never applies; write a unit as variables.toml or a KPI file gives it, or remove the range"),
            ));
        }
        let r = range(&format!("unit {unit}"), raw, problems);
        plausible.units.insert(normalize(unit), r);
    }
    let known = |name: &str, line: usize, problems: &mut Problems| {
        if !variables.iter().any(|v| v.id == name) {
            let hint = closest(name, variables.iter().map(|v| v.id.as_str()))
                .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
            problems.push(at(
                ProblemCode::PlausibleUnknown,
                line,
                format!("`{name}` is not a variable of variables.toml, so what is declared for it never applies{hint}"),
            ));
        }
    };
    for (id, raw) in &raw.variable {
        known(id, line(raw.span()), problems);
        let r = range(&format!("variable {id}"), raw, problems);
        plausible.variables.insert(id.clone(), r);
    }
    for (code, raw) in &raw.kpi {
        let key = super::normalize_code(code);
        let found = kpis
            .iter()
            .any(|k| k.code == key || k.measures.iter().any(|m| m.key == key));
        if !found {
            problems.push(at(
                ProblemCode::PlausibleUnknown,
                line(raw.span()),
                format!("`{code}` is not a KPI code (or CODE/part) of the definitions, so this range never applies"),
            ));
        }
        let r = range(&format!("kpi {code}"), raw, problems);
        plausible.kpis.insert(key, r);
    }
    if let Some(screening) = &raw.screening {
        let l = line(screening.span());
        let s = screening.get_ref();
        for name in s.yearly_change.iter().chain(&s.same_every_year) {
            known(name, l, problems);
        }
        let mut percent = |key: &str, value: Option<f64>, default: f64| {
            let value = value.unwrap_or(default);
            if !(value.is_finite() && value > 0.0) {
                problems.push(at(
                    ProblemCode::BadNumber,
                    l,
                    format!("screening.{key} = {value}; give a percentage above 0"),
                ));
            }
            value
        };
        plausible.yearly_change_percent =
            percent("yearly_change_percent", s.yearly_change_percent, 5.0);
        plausible.denominator_percent = percent("denominator_percent", s.denominator_percent, 10.0);
        plausible.yearly_change = s.yearly_change.clone();
        plausible.same_every_year = s.same_every_year.clone();
    }
    for d in &raw.denominator {
        let l = line(d.span());
        let d = d.get_ref();
        for name in std::iter::once(&d.total).chain(&d.parts) {
            known(name, l, problems);
        }
        if d.parts.is_empty() {
            problems.push(at(
                ProblemCode::BadNumber,
                l,
                format!(
                    "the denominator `{}` has no parts; list the variables that add up to it",
                    d.total
                ),
            ));
        }
        plausible.denominators.push(Denominator {
            total: d.total.clone(),
            parts: d.parts.clone(),
        });
    }
    plausible
}

#[cfg(test)]
mod tests {
    use super::super::Catalog;

    #[test]
    fn the_first_range_that_applies_is_used() {
        let catalog = Catalog::embedded();
        let p = &catalog.plausible;
        let bound = |id: &str| p.for_variable(catalog.variable(id).unwrap());
        // Its own, before its unit's (inhabitants).
        let population = bound("population").unwrap();
        assert_eq!(population.declared, "variable population");
        assert!(!population.range.contains(64.0) && population.range.contains(120_900.0));
        assert_eq!(population.range.text(), "1000 to 50000000");
        // Its unit's.
        assert_eq!(
            bound("peak_period_travel_time").unwrap().declared,
            "unit minutes"
        );
        // [all], where nothing else applies; none for yes/no.
        assert_eq!(
            bound("water_supplied_m3").unwrap().range.text(),
            "at most 1000000000000"
        );
        assert_eq!(bound("disaster_resilience_plan"), None);
        // A KPI's own range before its unit's.
        let (kpi, m) = catalog.find_measure("EC:ICT:ICT:3C").unwrap();
        let kpi = catalog.kpis.iter().find(|k| k.code == kpi.code).unwrap();
        assert_eq!(
            p.for_measure(kpi, m).unwrap().range.text(),
            "at most 400000"
        );
    }

    #[test]
    fn without_the_file_nothing_is_checked() {
        let files: Vec<_> = super::super::embedded_files()
            .into_iter()
            .filter(|f| f.path != "plausible.toml")
            .collect();
        let catalog = Catalog::from_files(files, false).unwrap();
        let population = catalog.variable("population").unwrap();
        assert_eq!(catalog.plausible.for_variable(population), None);
        assert!(catalog.plausible.denominators.is_empty());
    }
}
