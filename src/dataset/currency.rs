//! One currency per city-year. An amount of money that every KPI divides by another amount
//! (`any_currency` in `variables.toml`) may be in the city's own currency: declared once
//! for the city-year in a `currency` column (`NOK`; in wide form, one per row), or written
//! in the amount's unit (`NOK million`, `MUSD`). The loader converts only the scale; an
//! amount with no unit is in the declared currency (else the catalogue's, EUR). A city-year
//! whose amounts are in two currencies (GDP in NOK, R&D in EUR) would give ratios wrong by
//! the exchange rate, so it is an error naming both, and every amount of that city-year is
//! rejected. It never converts a value.

use std::collections::HashMap;

use super::loader::Loader;
use super::model::Rejected;
use super::Origin;
use crate::catalog::Money;
use crate::diagnostic::{Problem, ProblemCode};

/// One amount of a city-year, or its declared currency: the currency, how to name it in a
/// message, and where it was read.
struct Said {
    currency: &'static str,
    what: String,
    origin: Origin,
    /// A `currency` cell, not an amount.
    declared: bool,
}

/// What rows say about currencies, until every file is read.
#[derive(Default)]
pub(super) struct Currencies {
    /// Dataset row -> the currencies its `currency` column declares (one, unless in error).
    declared: HashMap<usize, Vec<(&'static str, Origin)>>,
    /// (field, row) -> the currency an amount's unit names, where a unit was given.
    given: HashMap<(usize, usize), &'static str>,
}

impl Loader<'_> {
    /// Read a row's `currency` cell (empty says nothing): an ISO 4217 code that every amount
    /// of the city-year is in; another code for the same city-year is an error.
    pub(super) fn declare_currency(&mut self, city: &str, year: i32, text: &str, origin: Origin) {
        if text.is_empty() {
            return;
        }
        let file = self.out.dataset.files[origin.file as usize].clone();
        let code = Money::parse(text).filter(|m| m.scale == 1.0 && m.rest.is_empty());
        let Some(code) = code.map(|m| m.currency) else {
            self.report(
                Problem::new(
                    ProblemCode::BadCurrency,
                    &file,
                    format!("currency \"{text}\" is not an ISO 4217 code; write the city's currency as NOK, EUR, USD, ..."),
                )
                .at_line(origin.line as usize)
                .in_column("currency")
                .with_value(text),
            );
            return;
        };
        let row = self.row(city, year);
        let declared = self.currencies.declared.entry(row).or_default();
        if declared.iter().any(|(c, _)| *c == code) {
            return;
        }
        declared.push((code, origin));
        if let [(first, at), ..] = declared.as_slice() {
            let (first, at) = (*first, *at);
            if first != code {
                let first_at = format!("{}:{}", self.out.dataset.files[at.file as usize], at.line);
                self.report(
                    Problem::new(
                        ProblemCode::MixedCurrency,
                        &file,
                        format!("{city} {year}: the currency is {code} here but {first} at {first_at}; declare one currency per city-year"),
                    )
                    .at_line(origin.line as usize)
                    .in_column("currency")
                    .with_value(text),
                );
            }
        }
    }

    /// Note the currency of an amount of money given with a unit (`any_currency` fields
    /// only); true where it is not the field's own currency.
    pub(super) fn note_currency(&mut self, field: usize, row: usize, unit: &str) -> bool {
        let rule = &self.rules[field];
        if unit.is_empty() || !rule.variable || !self.catalog.variables[field].any_currency {
            return false;
        }
        let (Some(given), Some(own)) = (Money::parse(unit), Money::parse(&rule.unit)) else {
            return false;
        };
        self.currencies.given.insert((field, row), given.currency);
        given.currency != own.currency
    }

    /// Reject the amounts of every city-year that gives them in more than one currency, and
    /// keep the declared currency of an amount given without a unit, for its lineage.
    pub(super) fn check_currencies(&mut self) {
        let catalog = self.catalog;
        // A variable's field is its index in the catalogue (`Loader::new`).
        let money: Vec<(usize, Money, &str)> = (catalog.variables.iter().enumerate())
            .filter(|(_, v)| v.any_currency)
            .filter_map(|(f, v)| Some((f, Money::parse(&v.unit)?, v.unit.as_str())))
            .filter(|&(f, ..)| self.out.dataset.has_column(f))
            .collect();
        let mut rejected = Vec::new();
        let mut respelled = Vec::new();
        for row in 0..self.out.dataset.rows() {
            let data = &self.out.dataset;
            let declared = (self.currencies.declared.get(&row)).map_or(&[][..], Vec::as_slice);
            let mut said: Vec<Said> = declared
                .iter()
                .map(|&(currency, origin)| Said {
                    currency,
                    what: format!("the currency is {currency}"),
                    origin,
                    declared: true,
                })
                .collect();
            let mut fields = Vec::new();
            for (field, own, unit) in &money {
                let Some(value) = data.value(*field, row) else {
                    continue;
                };
                let origin = data.origin_of(*field, row);
                fields.push((*field, origin));
                // A value given in another currency (or scale) keeps its unit (`cells::store`);
                // one given without a unit is in the declared currency, if any.
                let given_currency = self.currencies.given.get(&(*field, row));
                let (unit, given) = match (data.converted_from(*field, row), given_currency) {
                    (Some((unit, given)), _) => (unit.to_string(), given),
                    (None, Some(_)) => (unit.to_string(), value),
                    (None, None) => match declared.first() {
                        Some(&(code, _)) => {
                            let unit = unit.replacen(own.currency, code, 1);
                            respelled.push((*field, row, unit.clone(), value));
                            (unit, value)
                        }
                        None => (unit.to_string(), value),
                    },
                };
                let currency = Money::parse(&unit).map_or(own.currency, |m| m.currency);
                let what = format!("`{}` = {given} {unit}", data.fields[*field].id);
                said.push(Said {
                    currency,
                    what,
                    origin,
                    declared: false,
                });
            }
            let Some(first) = said.first() else { continue };
            let Some(other) = said.iter().find(|s| s.currency != first.currency) else {
                continue;
            };
            let file = |o: Origin| data.files[o.file as usize].clone();
            let (at, first_at) = (other.origin, first.origin);
            let why = Rejected::MixedCurrency {
                first: first.currency,
                other: other.currency,
                second: at,
            };
            rejected.extend(fields.iter().map(|&(f, cell)| (f, row, cell, why.clone())));
            // Two declarations were reported as they were read.
            if other.declared {
                continue;
            }
            self.out.problems.push(
                Problem::new(
                    ProblemCode::MixedCurrency,
                    file(at),
                    format!(
                        "{} {}: {} here but {} at {}:{}; KPIs divide these amounts by one another, so give every amount of a city-year in one currency (declare it in a currency column, or write it in the unit, such as \"{} million\")",
                        data.cities[row], data.years[row], other.what, first.what, file(first_at), first_at.line, first.currency
                    ),
                )
                .at_line(at.line as usize)
                .in_column("unit"),
            );
        }
        for (field, row, unit, value) in respelled {
            self.out
                .dataset
                .converted
                .insert((field, row), (unit, value));
        }
        for (field, row, cell, why) in rejected {
            self.invalidate(field, row, cell, why);
        }
    }
}
