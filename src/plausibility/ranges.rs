//! Values outside what they can plausibly be (`plausible.toml`): every value read from the
//! data (a variable, or a KPI a city reports directly) at its line, and every KPI computed
//! from inputs that are plausible themselves, at the line of its first input (a KPI computed
//! from an implausible input is not flagged again: the input is the one to fix).

use std::collections::{HashMap, HashSet};

use super::{at_cell, place, show};
use crate::catalog::{Bound, Catalog, Measure};
use crate::diagnostic::{Problem, ProblemCode};
use crate::engine::{Results, Source};

/// Every value outside its plausible range, as `implausible-value` warnings.
pub(super) fn values(catalog: &Catalog, results: &Results, found: &mut Vec<Problem>) {
    let data = results.data();
    let plausible = &catalog.plausible;
    let measures: Vec<&Measure> = catalog.measures().map(|(_, m)| m).collect();
    let index: HashMap<&str, usize> = measures
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let bounds: Vec<Option<Bound>> = catalog
        .measures()
        .map(|(kpi, m)| plausible.for_measure(kpi, m))
        .collect();
    // (field, row) of every value read that is flagged.
    let mut flagged: HashSet<(usize, usize)> = HashSet::new();
    for (field, f) in data.fields.iter().enumerate() {
        let (bound, name) = match (f.reported_kpi, index.get(f.id.as_str())) {
            (true, Some(&m)) => (bounds[m].clone(), measures[m].key.clone()),
            _ => (
                catalog
                    .variable(&f.id)
                    .and_then(|v| plausible.for_variable(v)),
                format!("`{}`", f.id),
            ),
        };
        let Some(bound) = bound.filter(|_| data.has_column(field)) else {
            continue;
        };
        for row in 0..data.rows() {
            let Some(value) = data.value(field, row) else {
                continue;
            };
            if bound.range.contains(value) {
                continue;
            }
            flagged.insert((field, row));
            let message = format!(
                "{} {} {name} = {} is outside its plausible range, {} ({}: {}); check the value and its unit",
                data.cities[row],
                data.years[row],
                show(value),
                bound.range.text(),
                plausible.file,
                bound.declared,
            );
            found.push(at_cell(
                data,
                field,
                row,
                ProblemCode::ImplausibleValue,
                message,
            ));
        }
    }
    let checked = Computed {
        measures: &measures,
        index: &index,
        bounds: &bounds,
    };
    checked.check(catalog, results, &flagged, found);
}

/// What the check of computed values needs of every measure, in catalogue order.
struct Computed<'a> {
    measures: &'a [&'a Measure],
    index: &'a HashMap<&'a str, usize>,
    bounds: &'a [Option<Bound>],
}

impl Computed<'_> {
    /// The KPIs computed from plausible inputs, in the order they are computed (an input KPI
    /// before the KPIs that read it).
    fn check(
        &self,
        catalog: &Catalog,
        results: &Results,
        flagged: &HashSet<(usize, usize)>,
        found: &mut Vec<Problem>,
    ) {
        let data = results.data();
        // (measure, row) of every value that is implausible or computed from one.
        let mut tainted: HashSet<(usize, usize)> = HashSet::new();
        for measure in catalog.layers().into_iter().flatten() {
            let m = self.index[measure.id.as_str()];
            let inputs = results.inputs(m);
            for row in 0..data.rows() {
                let Some(value) = results.value(m, row) else {
                    continue;
                };
                if let Some(field) = inputs.reported.filter(|&f| data.value(f, row).is_some()) {
                    // Reported directly: checked as it was read.
                    if flagged.contains(&(field, row)) {
                        tainted.insert((m, row));
                    }
                    continue;
                }
                let bad_input = inputs.reads.iter().any(|read| match read.source {
                    Source::Field(f) => flagged.contains(&(f, row)),
                    Source::Measure(i) => tainted.contains(&(i, row)),
                    Source::Nowhere => false,
                });
                if bad_input {
                    tainted.insert((m, row));
                    continue;
                }
                let Some(bound) = self.bounds[m].as_ref().filter(|b| !b.range.contains(value))
                else {
                    continue;
                };
                tainted.insert((m, row));
                found.push(warning(
                    catalog,
                    results,
                    m,
                    row,
                    value,
                    bound,
                    self.measures[m],
                ));
            }
        }
    }
}

/// The warning for a computed value, at its first input's line, naming every input.
fn warning(
    catalog: &Catalog,
    results: &Results,
    m: usize,
    row: usize,
    value: f64,
    bound: &Bound,
    measure: &Measure,
) -> Problem {
    let data = results.data();
    let reads = &results.inputs(m).reads;
    let listing: Vec<String> = reads
        .iter()
        .map(|read| {
            let value = results.read(read.source, row).map_or("?".into(), show);
            let at = match read.source {
                Source::Field(f) => place(data, f, row),
                _ => String::new(),
            };
            format!("`{}` = {value}{at}", read.name)
        })
        .collect();
    let message = format!(
        "{} {} {} = {} {} is outside its plausible range, {} ({}: {}); it is computed from {}: check those values and their units",
        data.cities[row],
        data.years[row],
        measure.key,
        show(round6(value)),
        measure.unit,
        bound.range.text(),
        catalog.plausible.file,
        bound.declared,
        listing.join(", "),
    );
    let first = reads.iter().find_map(|read| match read.source {
        Source::Field(f) => data.origin(f, row),
        _ => None,
    });
    let problem = Problem::new(
        ProblemCode::ImplausibleValue,
        first.map_or("", |(file, _)| file),
        message,
    )
    .with_value(show(value));
    match first {
        Some((_, line)) => problem.at_line(line as usize),
        None => problem,
    }
}

/// To 6 decimals, as the reports print a computed value (an extreme value as it is).
fn round6(value: f64) -> f64 {
    let rounded = (value * 1e6).round() / 1e6;
    if rounded.is_finite() {
        rounded
    } else {
        value
    }
}
