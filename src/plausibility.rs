//! The reasonableness checks a verifier makes (U4SSC Verification Manual p. 27-31): parts
//! that are shares of one whole but do not add up to about it, values that change between a
//! city's consecutive years by more than a factor the definitions set, values outside what they
//! can plausibly be (`ranges`), and the manual's screening of population, households, the city
//! area and denominators (`screening`). Each is a warning with a stable code and the place of
//! the value; nothing here changes a value or a score.

mod ranges;
mod screening;

use crate::catalog::Catalog;
use crate::dataset::{Dataset, LISTED};
use crate::diagnostic::{Problem, ProblemCode, Problems};
use crate::engine::{Results, Source};

/// Every plausibility warning of a run, at most [`LISTED`] of each code (then a count).
pub fn check(catalog: &Catalog, results: &Results) -> Problems {
    let mut found = Vec::new();
    year_jumps(catalog, results.data(), &mut found);
    parts_sums(catalog, results, &mut found);
    ranges::values(catalog, results, &mut found);
    screening::check(catalog, results.data(), &mut found);
    let mut problems = Problems::default();
    for code in [
        ProblemCode::YearJump,
        ProblemCode::PartsSum,
        ProblemCode::ImplausibleValue,
        ProblemCode::PopulationChange,
        ProblemCode::NotConstant,
        ProblemCode::DenominatorMismatch,
    ] {
        let of_code: Vec<Problem> = found.iter().filter(|p| p.code == code).cloned().collect();
        let more = of_code.len().saturating_sub(LISTED);
        let file = of_code.first().map(|p| p.file.clone());
        for problem in of_code.into_iter().take(LISTED) {
            problems.push(problem);
        }
        if let (true, Some(file)) = (more > 0, file) {
            problems.push(
                Problem::new(
                    code,
                    file,
                    format!("{more} more `{code}` warnings are not listed"),
                )
                .standing_for(more),
            );
        }
    }
    problems
}

/// A problem at the line a cell was read from (at the file alone where it has no line).
fn at_cell(
    data: &Dataset,
    field: usize,
    row: usize,
    code: ProblemCode,
    message: String,
) -> Problem {
    let problem = match data.origin(field, row) {
        Some((file, line)) => Problem::new(code, file, message).at_line(line as usize),
        None => Problem::new(code, "", message),
    };
    match data.value(field, row) {
        Some(value) => problem.with_value(show(value)),
        None => problem,
    }
}

/// ` (file:line)` of a cell, or nothing.
fn place(data: &Dataset, field: usize, row: usize) -> String {
    match data.origin(field, row) {
        Some((file, line)) => format!(" ({file}:{line})"),
        None => String::new(),
    }
}

/// A number as a message shows it: as written for ordinary magnitudes, with an exponent for
/// the extreme ones (1e308 is not 309 digits).
fn show(value: f64) -> String {
    if value != 0.0 && !(1e-4..1e15).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// A factor to one decimal, with an exponent when it is huge (`8.4e302`).
fn factor_text(factor: f64) -> String {
    if factor < 1e6 {
        format!("{factor:.1}")
    } else {
        format!("{factor:.1e}")
    }
}

/// The factor beyond which a field's change between years is a `year-jump`, if it is checked.
fn jump_factor(catalog: &Catalog, data: &Dataset, field: usize) -> Option<f64> {
    let default = catalog.scheme.plausibility.year_change_factor;
    let own = catalog
        .variable(&data.fields[field].id)
        .filter(|_| !data.fields[field].reported_kpi)
        .and_then(|v| v.year_change_factor);
    // 0 leaves a variable unchecked (events that are rare by nature).
    own.or(default).filter(|&f| f > 0.0)
}

/// Each value against the same city's previous year with a value, per variable (and per
/// KPI a city reports directly).
fn year_jumps(catalog: &Catalog, data: &Dataset, found: &mut Vec<Problem>) {
    for field in 0..data.fields.len() {
        let Some(factor) = jump_factor(catalog, data, field) else {
            continue;
        };
        if !data.has_column(field) {
            continue;
        }
        let mut last: Option<(usize, f64)> = None;
        for row in 0..data.rows() {
            if row > 0 && data.cities[row] != data.cities[row - 1] {
                last = None;
            }
            let Some(value) = data.value(field, row) else {
                continue;
            };
            if let Some((before, previous)) = last {
                // A change from or to zero, or across zero, has no factor.
                let ratio = value / previous;
                if ratio.is_finite() && ratio > 0.0 && (ratio > factor || ratio < 1.0 / factor) {
                    found.push(jump(data, field, (before, previous), (row, value), factor));
                }
            }
            last = Some((row, value));
        }
    }
}

fn jump(
    data: &Dataset,
    field: usize,
    (before, previous): (usize, f64),
    (row, value): (usize, f64),
    factor: f64,
) -> Problem {
    let (file, line) = data.origin(field, row).unwrap_or(("", 0));
    let was = match data.origin(field, before) {
        Some((file, line)) => format!(" ({file}:{line})"),
        None => String::new(),
    };
    let change = if value > previous {
        format!("{} times", factor_text(value / previous))
    } else {
        format!("1/{} of", factor_text(previous / value))
    };
    let problem = Problem::new(
        ProblemCode::YearJump,
        file,
        format!(
            "{} {} `{}` = {} is {change} {} in {}{was}, beyond the factor {factor} the definitions allow; check the value and its unit",
            data.cities[row], data.years[row], data.fields[field].id, show(value), show(previous), data.years[before]
        ),
    )
    .with_value(show(value));
    if line > 0 {
        problem.at_line(line as usize)
    } else {
        problem
    }
}

/// The parts of every KPI with `parts_sum`, in every city-year where all have a value.
fn parts_sums(catalog: &Catalog, results: &Results, found: &mut Vec<Problem>) {
    let data = results.data();
    let tolerance = catalog.scheme.plausibility.parts_sum_tolerance;
    let mut first = 0;
    for kpi in &catalog.kpis {
        let measures = first..first + kpi.measures.len();
        first = measures.end;
        let Some(whole) = kpi.parts_sum else {
            continue;
        };
        for row in 0..data.rows() {
            let values: Option<Vec<f64>> =
                measures.clone().map(|m| results.value(m, row)).collect();
            let Some(values) = values else {
                continue;
            };
            let sum: f64 = values.iter().sum();
            if (sum - whole).abs() <= tolerance {
                continue;
            }
            // The place of the first value read, so a reader finds the rows.
            let place = measures
                .clone()
                .flat_map(|m| &results.inputs(m).reads)
                .find_map(|read| match read.source {
                    Source::Field(f) => data.origin(f, row),
                    _ => None,
                });
            let listing: Vec<String> = kpi
                .measures
                .iter()
                .zip(&values)
                .map(|(m, v)| format!("{} {}", m.part.as_deref().unwrap_or("?"), round1(*v)))
                .collect();
            let mut problem = Problem::new(
                ProblemCode::PartsSum,
                place.map_or("", |(file, _)| file),
                format!(
                    "{} {} {}: the parts are shares of one whole but add up to {}, not {whole} (± {tolerance}): {}; check that every part is given, from the same total",
                    data.cities[row],
                    data.years[row],
                    kpi.code,
                    round1(sum),
                    listing.join(", ")
                ),
            )
            .with_value(round1(sum).to_string());
            if let Some((_, line)) = place {
                problem = problem.at_line(line as usize);
            }
            found.push(problem);
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
