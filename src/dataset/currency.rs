//! One currency per city-year. An amount of money that every KPI divides by another amount
//! (`any_currency` in `variables.toml`) may be given in the city's own currency, written in
//! its unit (`NOK million`, `MUSD`); the loader converts only the scale. A city-year whose
//! amounts are in two currencies (GDP in NOK, R&D in EUR because its row gave no unit) would
//! give ratios that are wrong by the exchange rate, so it is an error naming both, and every
//! amount of that city-year is rejected. It runs once every file is read; it never converts.

use super::loader::Loader;
use crate::catalog::Money;
use crate::diagnostic::{Problem, ProblemCode};

/// One amount of a city-year: its field, currency, and the unit and value it was given in.
struct Amount {
    field: usize,
    currency: &'static str,
    unit: String,
    given: f64,
}

impl Loader<'_> {
    /// Reject the amounts of every city-year that gives them in more than one currency.
    pub(super) fn check_currencies(&mut self) {
        let catalog = self.catalog;
        // A variable's field is its index in the catalogue (`Loader::new`).
        let money: Vec<(usize, Money, &str)> = (catalog.variables.iter().enumerate())
            .filter(|(_, v)| v.any_currency)
            .filter_map(|(f, v)| Some((f, Money::parse(&v.unit)?, v.unit.as_str())))
            .filter(|&(f, ..)| self.out.dataset.has_column(f))
            .collect();
        if money.is_empty() {
            return;
        }
        let mut rejected = Vec::new();
        for row in 0..self.out.dataset.rows() {
            let data = &self.out.dataset;
            let amounts: Vec<Amount> = money
                .iter()
                .filter_map(|(field, own, unit)| {
                    let value = data.value(*field, row)?;
                    // A value given in another currency keeps its unit (`cells::store`).
                    let (unit, given) = data.converted_from(*field, row).unwrap_or((unit, value));
                    let currency = Money::parse(unit).map_or(own.currency, |m| m.currency);
                    Some(Amount {
                        field: *field,
                        currency,
                        unit: unit.to_string(),
                        given,
                    })
                })
                .collect();
            let Some(first) = amounts.first() else {
                continue;
            };
            let Some(other) = amounts.iter().find(|a| a.currency != first.currency) else {
                continue;
            };
            let at = |a: &Amount| {
                let origin = data.origin_of(a.field, row);
                (data.files[origin.file as usize].clone(), origin.line)
            };
            let ((file, line), (first_file, first_line)) = (at(other), at(first));
            let said =
                |a: &Amount| format!("`{}` = {} {}", data.fields[a.field].id, a.given, a.unit);
            self.out.problems.push(
                Problem::new(
                    ProblemCode::MixedCurrency,
                    &file,
                    format!(
                        "{} {}: {} here but {} at {first_file}:{first_line}; KPIs divide these amounts by one another, so give every amount of a city-year in one currency (write it in the unit, such as \"{} million\", on every row)",
                        data.cities[row], data.years[row], said(other), said(first), first.currency
                    ),
                )
                .at_line(line as usize)
                .in_column("unit")
                .with_value(other.unit.clone()),
            );
            let why = format!(
                "amounts in {} and {} in one city-year ({file}:{line})",
                first.currency, other.currency
            );
            rejected.extend(amounts.iter().map(|a| (a.field, row, why.clone())));
        }
        for (field, row, why) in rejected {
            self.invalidate(field, row, why);
        }
    }
}
