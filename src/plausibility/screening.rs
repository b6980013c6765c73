//! The initial screening of the U4SSC Verification Manual (p. 28 and 31), as `plausible.toml`
//! declares it: population and households that change by more than a few percent a year
//! (`population-change`), values that should be the same every year, such as the city area
//! (`not-constant`), and two counts of one denominator that disagree (`denominator-mismatch`).

use super::{at_cell, jump_factor, place, show};
use crate::catalog::{Catalog, Denominator};
use crate::dataset::Dataset;
use crate::diagnostic::{Problem, ProblemCode};

pub(super) fn check(catalog: &Catalog, data: &Dataset, found: &mut Vec<Problem>) {
    let plausible = &catalog.plausible;
    for name in &plausible.yearly_change {
        if let Some(field) = variable(data, name) {
            yearly_changes(catalog, data, field, found);
        }
    }
    for name in &plausible.same_every_year {
        if let Some(field) = variable(data, name) {
            changes_of_constant(data, field, found);
        }
    }
    for denominator in &plausible.denominators {
        denominators(catalog, data, denominator, found);
    }
}

/// The field of a variable the data has a column for.
fn variable(data: &Dataset, name: &str) -> Option<usize> {
    data.fields
        .iter()
        .position(|f| !f.reported_kpi && f.id == name)
        .filter(|&field| data.has_column(field))
}

/// Each row with a value, with the same city's previous row with a value.
fn pairs(data: &Dataset, field: usize) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut last: Option<usize> = None;
    for row in 0..data.rows() {
        if row > 0 && data.cities[row] != data.cities[row - 1] {
            last = None;
        }
        if data.value(field, row).is_none() {
            continue;
        }
        if let Some(before) = last {
            pairs.push((before, row));
        }
        last = Some(row);
    }
    pairs
}

/// A change of more than `yearly_change_percent` a year (compounded over a gap of years); a
/// change that is a `year-jump` is left to that warning.
fn yearly_changes(catalog: &Catalog, data: &Dataset, field: usize, found: &mut Vec<Problem>) {
    let limit = catalog.plausible.yearly_change_percent;
    let factor = jump_factor(catalog, data, field);
    for (before, row) in pairs(data, field) {
        let (Some(previous), Some(value)) = (data.value(field, before), data.value(field, row))
        else {
            continue;
        };
        let years = data.years[row] - data.years[before];
        let ratio = value / previous;
        if !(ratio.is_finite() && ratio > 0.0 && years > 0) {
            continue;
        }
        if factor.is_some_and(|f| ratio > f || ratio < 1.0 / f) {
            continue;
        }
        let yearly = 100.0 * (ratio.powf(1.0 / f64::from(years)) - 1.0);
        if yearly.abs() <= limit {
            continue;
        }
        let change = format!(
            "{:.1} % {}",
            100.0 * (ratio - 1.0).abs(),
            if ratio > 1.0 { "above" } else { "below" }
        );
        let per_year = match years {
            1 => String::new(),
            _ => format!(" ({yearly:+.1} % a year)"),
        };
        let message = format!(
            "{} {} `{}` = {} is {change} {} in {}{}{per_year}: more than the {limit} % a year the verification manual screens for; check that both years count the same area, from the same register",
            data.cities[row],
            data.years[row],
            data.fields[field].id,
            show(value),
            show(previous),
            data.years[before],
            place(data, field, before),
        );
        found.push(at_cell(
            data,
            field,
            row,
            ProblemCode::PopulationChange,
            message,
        ));
    }
}

/// Every value of a city that differs from its first year's.
fn changes_of_constant(data: &Dataset, field: usize, found: &mut Vec<Problem>) {
    let mut first: Option<usize> = None;
    for row in 0..data.rows() {
        if row > 0 && data.cities[row] != data.cities[row - 1] {
            first = None;
        }
        let Some(value) = data.value(field, row) else {
            continue;
        };
        let Some(base) = first else {
            first = Some(row);
            continue;
        };
        let was = data.value(field, base).unwrap_or(value);
        if (value - was).abs() <= 1e-9 * value.abs().max(was.abs()) {
            continue;
        }
        let message = format!(
            "{} {} `{}` = {} but {} in {}{}; it should be the same every year: check that every year describes the same city (the core city, not the metropolitan area)",
            data.cities[row],
            data.years[row],
            data.fields[field].id,
            show(value),
            show(was),
            data.years[base],
            place(data, field, base),
        );
        found.push(at_cell(data, field, row, ProblemCode::NotConstant, message));
    }
}

/// A total and the sum of its parts (two counts of one denominator) that differ by
/// `denominator_percent` of the total or more, in a city-year that gives all of them.
fn denominators(catalog: &Catalog, data: &Dataset, d: &Denominator, found: &mut Vec<Problem>) {
    let limit = catalog.plausible.denominator_percent;
    let Some(total) = variable(data, &d.total) else {
        return;
    };
    let parts: Option<Vec<usize>> = d.parts.iter().map(|p| variable(data, p)).collect();
    let Some(parts) = parts else {
        return;
    };
    for row in 0..data.rows() {
        let Some(whole) = data.value(total, row) else {
            continue;
        };
        let values: Option<Vec<f64>> = parts.iter().map(|&p| data.value(p, row)).collect();
        let Some(values) = values else {
            continue;
        };
        let sum: f64 = values.iter().sum();
        let apart = 100.0 * (sum - whole).abs() / whole;
        if whole <= 0.0 || apart < limit {
            continue;
        }
        let listing: Vec<String> = parts
            .iter()
            .zip(&values)
            .map(|(&p, v)| {
                format!(
                    "`{}` = {}{}",
                    data.fields[p].id,
                    show(*v),
                    place(data, p, row)
                )
            })
            .collect();
        let message = format!(
            "{} {} `{}` = {} but {} add up to {} ({apart:.1} % apart, {limit} % or more): the KPIs that divide by one or the other use different denominators; check that all count the same population, area and year",
            data.cities[row],
            data.years[row],
            d.total,
            show(whole),
            listing.join(" and "),
            show(sum),
        );
        found.push(at_cell(
            data,
            total,
            row,
            ProblemCode::DenominatorMismatch,
            message,
        ));
    }
}
