//! Storing one value in its cell: range and kind checks, duplicates, rejected cells, and
//! the checks that look across cells (parts against wholes) once every file is read.
//! It never computes a KPI.

use super::csv_text::{self, ValueKind};
use super::loader::{Loaded, Loader, Place};
use super::model::{Rejected, Rejection, VERIFIED_NO, VERIFIED_YES};
use super::tabular::Raw;
use super::Origin;
use crate::diagnostic::{Problem, ProblemCode};
use crate::quality::{parse_verified, Quality};

impl<'a> Loader<'a> {
    /// Check one value and store it in its cell, converted to its field's unit. `written` is
    /// the field's name as the data spells it, for messages; `raw` is the cell as the input
    /// holds it (text, or a number a workbook or Parquet file holds as one).
    pub(super) fn store(
        &mut self,
        at: &Place,
        field: usize,
        written: &str,
        raw: Raw,
        column: &str,
    ) {
        let number = match raw {
            Raw::Number(v) => Some(v),
            Raw::Text(_) => None,
        };
        let text = raw.into_text();
        let cell = Cell {
            field,
            row: self.row(at.city, at.year),
            written,
            raw: &text,
            number,
            column,
            at,
        };
        if number.is_none() && csv_text::is_not_available(&text) {
            return self.store_not_available(&cell);
        }
        if !self.out.dataset.not_reported.is_empty() && self.conflicts_with_not_reported(&cell) {
            return;
        }
        let Some(value) = self.parse(&cell) else {
            return;
        };
        let Some(factor) = self.factor(&cell) else {
            return;
        };
        if self.in_range(&cell, value * factor) {
            self.put_value(&cell, value, factor);
        }
    }

    /// A "no value" spelling: the cell is marked not reported, unless a row gave it a value.
    fn store_not_available(&mut self, cell: &Cell) {
        let (field, row, raw, line) = (cell.field, cell.row, cell.raw, cell.line());
        let name = self.file_name(cell.at.origin);
        let data = &self.out.dataset;
        if let Some(value) = data.value(field, row) {
            let before = data.origin_of(field, row);
            let before_at = data.place(before);
            self.report(
                Problem::new(
                    ProblemCode::DuplicateConflict,
                    &name,
                    format!(
                        "{} {} `{}` is not reported here but {value} at {before_at}; keep one of the two rows",
                        cell.at.city, cell.at.year, cell.written
                    ),
                )
                .at_line(line)
                .with_value(raw),
            );
            self.invalidate(
                field,
                row,
                cell.at.origin,
                Rejected::Conflict { other: before },
            );
            return;
        }
        let said = if raw.is_empty() {
            "is empty".to_string()
        } else {
            format!("is \"{raw}\"")
        };
        self.report(
            Problem::new(
                ProblemCode::NotAvailable,
                &name,
                format!(
                    "the value of `{}` {said}: read as not reported",
                    cell.written
                ),
            )
            .at_line(line)
            .in_column(cell.column)
            .with_value(raw),
        );
        self.out.dataset.not_reported.insert((field, row));
    }

    /// A value for a cell an earlier row said is not reported: both rows are in conflict.
    fn conflicts_with_not_reported(&mut self, cell: &Cell) -> bool {
        if !self
            .out
            .dataset
            .not_reported
            .remove(&(cell.field, cell.row))
        {
            return false;
        }
        let name = self.file_name(cell.at.origin);
        self.report(
            Problem::new(
                ProblemCode::DuplicateConflict,
                &name,
                format!(
                    "{} {} `{}` is {} here but not reported in an earlier row; keep one of the two rows",
                    cell.at.city, cell.at.year, cell.written, cell.raw
                ),
            )
            .at_line(cell.line())
            .with_value(cell.raw),
        );
        let why = Rejected::NotReportedAndValue {
            value: cell.raw.to_string(),
        };
        self.invalidate(cell.field, cell.row, cell.at.origin, why);
        true
    }

    /// The cell's text as a value of its kind, or a `not-a-number` problem.
    fn parse(&mut self, cell: &Cell) -> Option<f64> {
        let kind = self.rules[cell.field].kind;
        let parsed = match (cell.number, kind) {
            // A number cell of a number is that number: nothing to parse.
            (Some(v), ValueKind::Number | ValueKind::Percent) if v.is_finite() => Ok(v),
            (Some(_), ValueKind::Number | ValueKind::Percent) => {
                Err("write a finite number such as 1234.5".to_string())
            }
            _ => csv_text::parse_value(cell.raw, kind, self.decimal_comma),
        };
        match parsed {
            Ok(value) => Some(value),
            Err(hint) => {
                let name = self.file_name(cell.at.origin);
                self.report(
                    Problem::new(
                        ProblemCode::NotANumber,
                        &name,
                        format!(
                            "value \"{}\" of `{}` is not a number; {hint}",
                            cell.raw, cell.written
                        ),
                    )
                    .at_line(cell.line())
                    .in_column(cell.column)
                    .with_value(cell.raw),
                );
                let why = Rejected::NotANumber(cell.raw.to_string());
                self.invalidate(cell.field, cell.row, cell.at.origin, why);
                None
            }
        }
    }

    /// The factor from the row's unit into the field's, or a `unit-mismatch` problem.
    fn factor(&mut self, cell: &Cell) -> Option<f64> {
        let unit = cell.at.unit;
        if unit.is_empty() || unit == self.rules[cell.field].unit {
            return Some(1.0);
        }
        if let Some(factor) = self.unit_factor(cell.field, unit) {
            return Some(factor);
        }
        let name = self.file_name(cell.at.origin);
        let expected = self.rules[cell.field].unit.clone();
        let money =
            self.rules[cell.field].variable && self.catalog.variables[cell.field].any_currency;
        let give = match money {
            // An amount may be in the city's own currency: only its scale must be known.
            true => format!("give the amount with its currency and scale (\"NOK million\", \"USD thousand\"), or in {expected}"),
            false => format!("give the value in {expected}"),
        };
        let message = format!(
            "`{}` is in {expected}, and {unit} does not convert to {expected}; {give}",
            cell.written
        );
        self.report(
            Problem::new(ProblemCode::UnitMismatch, &name, message)
                .at_line(cell.line())
                .in_column("unit")
                .with_value(unit),
        );
        let why = Rejected::Unit {
            given: unit.to_string(),
            expected,
        };
        self.invalidate(cell.field, cell.row, cell.at.origin, why);
        None
    }

    /// A value within its field's valid range; else an `out-of-range` problem.
    fn in_range(&mut self, cell: &Cell, value: f64) -> bool {
        let rule = &self.rules[cell.field];
        if value >= rule.min && value <= rule.max {
            return true;
        }
        let message = format!(
            "value {} of `{}` is outside its valid range {} (unit: {}); check the value and its unit",
            cell.raw, cell.written, rule.range_text, rule.unit
        );
        let name = self.file_name(cell.at.origin);
        self.report(
            Problem::new(ProblemCode::OutOfRange, &name, message)
                .at_line(cell.line())
                .in_column(cell.column)
                .with_value(cell.raw),
        );
        let why = Rejected::OutOfRange(cell.raw.to_string());
        self.invalidate(cell.field, cell.row, cell.at.origin, why);
        false
    }

    /// Store a checked value (given in the row's unit, `factor` into the field's), unless
    /// another row already gave the cell one: the same value is a duplicate, another a
    /// conflict.
    fn put_value(&mut self, cell: &Cell, given: f64, factor: f64) {
        let (field, row) = (cell.field, cell.row);
        let value = given * factor;
        self.ensure_column(field);
        let data = &self.out.dataset;
        let previous = data.values[field][row];
        if !previous.is_nan() || data.invalid.contains_key(&(field, row)) {
            if previous.is_nan() {
                return; // already invalid; its first problem was reported
            }
            let before = data.origin_of(field, row);
            let before_at = data.place(before);
            let name = self.file_name(cell.at.origin);
            let (city, year, written) = (cell.at.city, cell.at.year, cell.written);
            if previous == value {
                self.report(
                    Problem::new(
                        ProblemCode::DuplicateRow,
                        &name,
                        format!("{city} {year} `{written}` repeats the value of {before_at}; remove one of the rows"),
                    )
                    .at_line(cell.line()),
                );
            } else {
                self.report(
                    Problem::new(
                        ProblemCode::DuplicateConflict,
                        &name,
                        format!("{city} {year} `{written}` is {} here but {previous} at {before_at}; keep one of the two rows", cell.raw),
                    )
                    .at_line(cell.line())
                    .with_value(cell.raw),
                );
                self.invalidate(
                    field,
                    row,
                    cell.at.origin,
                    Rejected::Conflict { other: before },
                );
            }
            return;
        }
        let at = cell.at;
        let source = self.source_id(at.source);
        // An amount in another currency (`NOK million`) keeps its unit even at factor 1
        // (lineage); every unit's currency is noted for the one-currency check (currency.rs).
        let foreign = self.note_currency(field, row, at.unit);
        let data = &mut self.out.dataset;
        let rows = data.cities.len();
        data.values[field][row] = value;
        // Sources, levels, flags and notes get a column only when a file gives one.
        put(&mut data.sources[field], rows, row, source);
        put(&mut data.quality[field], rows, row, at.quality);
        put(&mut data.verified[field], rows, row, at.verified);
        put(&mut data.notes[field], rows, row, at.notes);
        data.lines[field][row] = at.origin.line;
        put(&mut data.line_files[field], rows, row, at.origin.file);
        if factor != 1.0 || foreign {
            data.converted
                .insert((field, row), (at.unit.to_string(), given));
        }
    }

    /// A row's data-quality level and verified flag, as [`Dataset`](super::Dataset) stores
    /// them (0 where not given); a value that is neither is an error at its line.
    pub(super) fn marks(
        &mut self,
        file: &str,
        line: usize,
        quality: &str,
        verified: &str,
    ) -> (u8, u8) {
        let quality = match (quality, Quality::parse(quality)) {
            ("", _) => 0,
            (_, Some(q)) => q.level(),
            (raw, None) => {
                self.report(
                    Problem::new(
                        ProblemCode::BadQuality,
                        file,
                        format!(
                            "data quality \"{raw}\" is not a U4SSC level; write {}, or leave it empty",
                            Quality::accepted()
                        ),
                    )
                    .at_line(line)
                    .in_column("quality")
                    .with_value(raw),
                );
                0
            }
        };
        let verified = match (verified, parse_verified(verified)) {
            ("", _) => 0,
            (_, Some(true)) => VERIFIED_YES,
            (_, Some(false)) => VERIFIED_NO,
            (raw, None) => {
                self.report(
                    Problem::new(
                        ProblemCode::BadVerified,
                        file,
                        format!("verified \"{raw}\" is neither yes nor no; write yes or no, or leave it empty"),
                    )
                    .at_line(line)
                    .in_column("verified")
                    .with_value(raw),
                );
                0
            }
        };
        (quality, verified)
    }

    /// The factor from `unit` into the field's own unit, worked out once per field and unit.
    fn unit_factor(&mut self, field: usize, unit: &str) -> Option<f64> {
        if let Some(&factor) = self.unit_factors.get(&(field, unit.to_string())) {
            return factor;
        }
        let catalog = self.catalog;
        let rule = &self.rules[field];
        let factor = if rule.variable {
            catalog.units.to_variable(unit, &catalog.variables[field])
        } else {
            catalog.units.factor(unit, &rule.unit)
        };
        self.unit_factors.insert((field, unit.to_string()), factor);
        factor
    }

    /// The name of the file a value was read from, for a message.
    fn file_name(&self, origin: Origin) -> String {
        self.out.dataset.files[origin.file as usize].clone()
    }

    /// Give a field its column the first time a file has it.
    fn ensure_column(&mut self, field: usize) {
        let data = &mut self.out.dataset;
        if data.values[field].is_empty() {
            let rows = data.cities.len();
            data.values[field] = vec![f64::NAN; rows];
            data.lines[field] = vec![0; rows];
        }
    }

    /// A cell whose value cannot be used: it stays empty and says why.
    pub(super) fn invalidate(&mut self, field: usize, row: usize, at: Origin, why: Rejected) {
        self.ensure_column(field);
        let data = &mut self.out.dataset;
        data.values[field][row] = f64::NAN;
        data.invalid
            .entry((field, row))
            .or_insert(Rejection { at, why });
    }

    fn source_id(&mut self, source: &str) -> u32 {
        if source.is_empty() {
            return 0;
        }
        if let Some(id) = self.last_source {
            if self.sources[id as usize - 1] == source {
                return id;
            }
        }
        // Each text is held once (a file may give a different source on every row).
        let index = match self.sources.get_index_of(source) {
            Some(index) => index,
            None => self.sources.insert_full(source.to_string()).0,
        };
        let id = index as u32 + 1;
        self.last_source = Some(id);
        id
    }

    pub(super) fn row(&mut self, city: &str, year: i32) -> usize {
        // Rows of one city-year usually come together: check the last one first.
        if let Some((last_city, last_year, row)) = &self.last_row {
            if *last_year == year && last_city == city {
                return *row;
            }
        }
        // A city is one city however its name is cased ("Oslo", "OSLO"); the first spelling
        // read is the one reports show.
        let key = (super::name_key(city).into_owned(), year);
        let row = match self.row_of.get(&key) {
            Some(&row) => row,
            None => {
                let data = &mut self.out.dataset;
                let row = data.cities.len();
                data.cities.push(city.to_string());
                data.years.push(year);
                for f in 0..data.fields.len() {
                    if !data.values[f].is_empty() {
                        data.values[f].push(f64::NAN);
                        for side in [&mut data.quality[f], &mut data.verified[f]] {
                            if !side.is_empty() {
                                side.push(0);
                            }
                        }
                        for side in [
                            &mut data.sources[f],
                            &mut data.line_files[f],
                            &mut data.notes[f],
                        ] {
                            if !side.is_empty() {
                                side.push(0);
                            }
                        }
                        data.lines[f].push(0);
                    }
                }
                self.row_of.insert(key, row);
                row
            }
        };
        self.last_row = Some((city.to_string(), year, row));
        row
    }

    pub(super) fn finish(mut self) -> Loaded {
        let sources = std::mem::take(&mut self.sources);
        self.out.dataset.source_names.extend(sources);
        self.check_parts();
        self.check_currencies();
        let data = &mut self.out.dataset;
        let mut order: Vec<usize> = (0..data.cities.len()).collect();
        order.sort_by(|&a, &b| {
            (&data.cities[a], data.years[a]).cmp(&(&data.cities[b], data.years[b]))
        });
        let mut new_row = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_row[old] = new;
        }
        data.invalid = std::mem::take(&mut data.invalid)
            .into_iter()
            .map(|((field, row), why)| ((field, new_row[row]), why))
            .collect();
        data.not_reported = std::mem::take(&mut data.not_reported)
            .into_iter()
            .map(|(field, row)| (field, new_row[row]))
            .collect();
        data.converted = std::mem::take(&mut data.converted)
            .into_iter()
            .map(|((field, row), given)| ((field, new_row[row]), given))
            .collect();
        data.cities = order.iter().map(|&i| data.cities[i].clone()).collect();
        data.years = order.iter().map(|&i| data.years[i]).collect();
        for f in 0..data.fields.len() {
            if data.values[f].is_empty() {
                continue;
            }
            data.values[f] = order.iter().map(|&i| data.values[f][i]).collect();
            reorder(&mut data.sources[f], &order);
            reorder(&mut data.notes[f], &order);
            reorder(&mut data.quality[f], &order);
            reorder(&mut data.verified[f], &order);
            reorder(&mut data.lines[f], &order);
            reorder(&mut data.line_files[f], &order);
        }
        self.out
    }
}

/// One value on its way into its cell: where it goes, what the data wrote, and its row.
struct Cell<'c> {
    field: usize,
    row: usize,
    /// The field's name as the data spells it.
    written: &'c str,
    /// The cell as text (a number in its shortest form), for parsing and messages.
    raw: &'c str,
    /// The number a workbook or Parquet cell holds, read as it is.
    number: Option<f64>,
    column: &'c str,
    at: &'c Place<'c>,
}

impl Cell<'_> {
    fn line(&self) -> usize {
        self.at.origin.line as usize
    }
}

/// Set a cell of a side column (sources, levels, flags), giving the column its rows the
/// first time a cell has something to say; 0 (nothing) never creates a column.
fn put<T: Copy + Default + PartialEq>(column: &mut Vec<T>, rows: usize, row: usize, value: T) {
    if value == T::default() && column.is_empty() {
        return;
    }
    if column.is_empty() {
        *column = vec![T::default(); rows];
    }
    column[row] = value;
}

/// Put a side column's rows in the dataset's final order.
fn reorder<T: Copy>(column: &mut Vec<T>, order: &[usize]) {
    if !column.is_empty() {
        *column = order.iter().map(|&i| column[i]).collect();
    }
}
