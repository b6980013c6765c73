//! What to collect next: per city-year, what is missing to compute each KPI (or part) it
//! has no value for, as the template's rows, ordered as the verification report's next
//! steps are.
//!
//! A city that reports raw inputs gets the variables each missing measure's formula reads
//! (through the KPIs it reads, down to variables; a KPI the city reports directly stops
//! the walk at its figure): those it lacks blank, those it has with their value, source,
//! quality and verified flag filled in, so that the sheet alone computes the KPIs. A city
//! that reports KPI figures ([`reports_figures`]: most of its values are KPI codes) gets
//! one row per missing measure, its code as the variable. KPIs come in this order: core
//! KPIs not reported at all; then the KPIs with a part in the weakest band, then the next
//! band (0-33 %, then 33-66 % in U4SSC's scheme); then the rest, in catalogue order. It
//! decides rows; it never writes them.

use crate::catalog::{Catalog, Kpi, Measure, Money, Tier};
use crate::dataset::{self, Accepted, Dataset};
use crate::diagnostic::plural;
use crate::scoring::{CityYearReport, Outcome};

use super::Row;

/// What one city-year should collect next.
#[derive(Debug, Clone)]
pub struct Collection<'a> {
    pub city: String,
    pub year: i32,
    /// The city reports KPI figures, not raw inputs ([`reports_figures`]).
    pub figures: bool,
    /// KPIs with no part reported.
    pub not_reported: usize,
    /// KPIs with some parts reported and some not.
    pub partly_reported: usize,
    /// The sheet's rows, in the order to collect them.
    pub rows: Vec<Row<'a>>,
}

impl Collection<'_> {
    /// The rows still blank: the inputs (or KPI figures) to collect.
    pub fn to_collect(&self) -> usize {
        self.rows.iter().filter(|r| r.value.is_empty()).count()
    }

    /// One line on what the city-year lacks: `Asker 2020: 77 KPIs not reported, 2 partly;
    /// 138 inputs to collect`.
    pub fn summary(&self) -> String {
        let mut kpis = format!("{} not reported", plural(self.not_reported, "KPI"));
        if self.partly_reported > 0 {
            kpis.push_str(&format!(", {} partly", self.partly_reported));
        }
        let what = match self.figures {
            true => "KPI figure",
            false => "input",
        };
        let collect = plural(self.to_collect(), what);
        format!("{} {}: {kpis}; {collect} to collect", self.city, self.year)
    }
}

/// Whether a city-year reports KPI figures rather than raw inputs: more than half of the
/// values it gives are KPI figures (KPI codes as variables). A city-year with no value
/// reports raw inputs.
pub fn reports_figures(data: &Dataset, row: usize) -> bool {
    let (mut figures, mut inputs) = (0usize, 0usize);
    for (field, f) in data.fields.iter().enumerate() {
        if data.value(field, row).is_some() {
            match f.reported_kpi {
                true => figures += 1,
                false => inputs += 1,
            }
        }
    }
    figures > inputs
}

/// What `city_year` (assessed from `data`) should collect next.
pub fn collection<'a>(
    catalog: &'a Catalog,
    data: &Dataset,
    city_year: &CityYearReport<'a>,
) -> Collection<'a> {
    let row = (0..data.rows())
        .find(|&r| data.cities[r] == city_year.city && data.years[r] == city_year.year);
    let figures = row.is_some_and(|r| reports_figures(data, r));
    let kpis: Vec<&[Outcome<'a>]> = city_year
        .outcomes
        .chunk_by(|a, b| std::ptr::eq(a.kpi, b.kpi))
        .filter(|parts| parts.iter().any(|o| !o.is_reported()))
        .collect();
    let mut ordered: Vec<(u8, &[Outcome<'a>])> = kpis
        .iter()
        .map(|parts| (rank(catalog, parts), *parts))
        .collect();
    ordered.sort_by_key(|(rank, _)| *rank);
    let mut sheet = Sheet {
        catalog,
        data,
        row,
        city: city_year.city,
        year: city_year.year,
        rows: Vec::new(),
    };
    let mut set_aside = Vec::new();
    for (_, parts) in &ordered {
        let benchmark = weakest(parts).map(|o| o.band.map_or("", |b| b.label.as_str()));
        for o in parts.iter().filter(|o| !o.is_reported()) {
            let before = sheet.rows.len();
            match figures {
                true => sheet.figure(o.kpi, o.measure, &o.kpi.code, benchmark),
                false => sheet.inputs(o.measure, &o.kpi.code, benchmark, 0),
            }
            // A value the verifier does not accept as reported: collected again, and why.
            if let Some(v) = o.verification.filter(|v| v.row.reported == Some(false)) {
                let comment = v.row.comment.as_deref().map(|c| format!(": {c}"));
                let why = format!(
                    "the verifier marks {} not reported ({}:{}){}",
                    o.measure.key,
                    v.file,
                    v.row.line,
                    comment.unwrap_or_default()
                );
                set_aside.push((before..sheet.rows.len(), &o.kpi.code, why));
            }
        }
    }
    // The verifier's reason goes on the rows of that KPI alone (a variable other KPIs read,
    // such as the population, is not in doubt), or on every row where none is its own.
    for (rows, code, why) in set_aside {
        let rows = &mut sheet.rows[rows];
        let own = rows.iter().any(|r| r.used_by == *code);
        for row in rows.iter_mut().filter(|r| !own || r.used_by == *code) {
            row.origin = match row.origin.is_empty() {
                true => why.clone(),
                false => format!("{}; {why}", row.origin),
            };
        }
    }
    sheet.one_currency();
    let reported = |parts: &[Outcome]| parts.iter().filter(|o| o.is_reported()).count();
    Collection {
        city: city_year.city.to_string(),
        year: city_year.year,
        figures,
        not_reported: kpis.iter().filter(|p| reported(p) == 0).count(),
        partly_reported: kpis.iter().filter(|p| reported(p) > 0).count(),
        rows: sheet.rows,
    }
}

/// Where a KPI with something missing comes: 0 for a core KPI not reported at all, then
/// 1 and 2 for one whose weakest scored part is in the scheme's lowest band and the next,
/// 3 for the rest.
fn rank(catalog: &Catalog, parts: &[Outcome]) -> u8 {
    let reported = parts.iter().any(|o| o.is_reported());
    if !reported && parts[0].kpi.tier == Tier::Core {
        return 0;
    }
    let mut points: Vec<u8> = catalog.scheme.bands.iter().map(|b| b.points).collect();
    points.sort_unstable();
    points.dedup();
    weakest(parts)
        .and_then(|o| o.score)
        .and_then(|s| points.iter().position(|&p| p == s.points))
        .filter(|&i| i < 2)
        .map_or(3, |i| i as u8 + 1)
}

/// The scored part with the fewest points.
fn weakest<'o, 'a>(parts: &'o [Outcome<'a>]) -> Option<&'o Outcome<'a>> {
    parts
        .iter()
        .filter(|o| o.score.is_some())
        .min_by_key(|o| o.score.map(|s| s.points))
}

/// The rows of one city-year as they are gathered, each variable once.
struct Sheet<'a, 'd> {
    catalog: &'a Catalog,
    data: &'d Dataset,
    /// The city-year's row in the data (none when the data has no such city-year).
    row: Option<usize>,
    city: &'a str,
    year: i32,
    rows: Vec<Row<'a>>,
}

impl<'a> Sheet<'a, '_> {
    /// The variables behind `measure` (for KPI `code`): each once, filled in where the data
    /// has it; a measure it reads that the city reports directly, as its figure.
    fn inputs(&mut self, measure: &'a Measure, code: &str, benchmark: Option<&'a str>, depth: u8) {
        for name in &measure.formula.reads {
            if let Some(variable) = self.catalog.variable(name) {
                let accepted = dataset::accepted(variable);
                let row = self.blank(
                    &variable.id,
                    &variable.unit,
                    &variable.description,
                    accepted,
                    code,
                    benchmark,
                );
                self.push(row, &variable.id);
            } else if let Some((kpi, read)) = self.catalog.measures().find(|(_, m)| m.id == *name) {
                let reported = self.data.field_index(&read.id).is_some_and(|f| {
                    self.data.fields[f].reported_kpi && self.cell(f).is_some_and(|v| v.is_some())
                });
                // The catalogue has no cycles; the bound only guards a broken one.
                if reported || depth > 16 {
                    self.figure(kpi, read, code, benchmark);
                } else {
                    self.inputs(read, code, benchmark, depth + 1);
                }
            }
        }
    }

    /// The figure of `measure` (of `kpi`), reported directly, for KPI `code`.
    fn figure(
        &mut self,
        kpi: &'a Kpi,
        measure: &'a Measure,
        code: &str,
        benchmark: Option<&'a str>,
    ) {
        let accepted = dataset::accepted_figure(measure);
        let description = match &measure.part_name {
            Some(part) => format!("{}: {part}", kpi.name),
            None => kpi.name.clone(),
        };
        let row = self.blank(
            &measure.key,
            &measure.unit,
            &description,
            accepted,
            code,
            benchmark,
        );
        self.push(row, &measure.id);
    }

    /// Blank amounts of money in the currency of the amounts the city already gave (every
    /// KPI divides one by another, so the loader wants one currency per city-year).
    fn one_currency(&mut self) {
        let catalog = self.catalog;
        let money = |name: &str| catalog.variable(name).is_some_and(|v| v.any_currency);
        let Some(code) = (self.rows.iter())
            .filter(|r| !r.value.is_empty() && money(r.variable))
            .find_map(|r| Money::parse(&r.unit))
            .map(|m| m.currency)
        else {
            return;
        };
        for row in (self.rows.iter_mut()).filter(|r| r.value.is_empty() && money(r.variable)) {
            if let Some(own) = Money::parse(&row.unit) {
                row.unit = row.unit.replacen(own.currency, code, 1);
            }
        }
    }

    /// The value of field `f` in the city-year's row: `Some(None)` where the row exists
    /// but has no value.
    fn cell(&self, f: usize) -> Option<Option<f64>> {
        self.row.map(|r| self.data.value(f, r))
    }

    /// A blank row for `name` (a variable id or a measure key) and KPI `code`.
    fn blank(
        &self,
        name: &'a str,
        unit: &'a str,
        description: &str,
        accepted: Accepted,
        code: &str,
        benchmark: Option<&'a str>,
    ) -> Row<'a> {
        Row {
            city: self.city.to_string(),
            year: Some(self.year),
            variable: name,
            value: String::new(),
            benchmark: benchmark.unwrap_or_default(),
            verified: None,
            quality: None,
            origin: String::new(),
            source: String::new(),
            unit: unit.to_string(),
            description: description.to_string(),
            accepted,
            used_by: code.to_string(),
        }
    }

    /// Add `row`, filled in from the data's field `field` (the variable id, or the id a
    /// figure reported directly is stored under); a name already on the sheet only gains
    /// the row's KPI among those it is for.
    fn push(&mut self, mut row: Row<'a>, field: &str) {
        if let Some(had) = self.rows.iter_mut().find(|r| r.variable == row.variable) {
            if !had.used_by.split(' ').any(|c| c == row.used_by) {
                had.used_by.push(' ');
                had.used_by.push_str(&row.used_by);
            }
            return;
        }
        if let (Some(f), Some(r)) = (self.data.field_index(field), self.row) {
            self.fill(&mut row, f, r);
        }
        self.rows.push(row);
    }

    /// A row's cells from the data's cell `(f, r)`: the value as the data gave it (its unit
    /// too, where it was converted), or why there is none.
    fn fill(&self, row: &mut Row<'a>, f: usize, r: usize) {
        let data = self.data;
        let place = data
            .origin(f, r)
            .map(|(file, line)| format!("{file}:{line}"));
        if let Some(value) = data.value(f, r) {
            let (unit, value) = data.converted_from(f, r).unwrap_or(("", value));
            if !unit.is_empty() {
                row.unit = unit.to_string();
            }
            row.value = value_text(&row.accepted, value);
            row.source = data.source(f, r).unwrap_or_default().to_string();
            row.quality = data.quality(f, r).map(|q| q.level());
            row.verified = data.verified(f, r);
            row.origin = place.unwrap_or_default();
        } else if let Some(why) = data.invalid(f, r) {
            row.origin = format!("rejected: {why}");
        } else if data.is_not_reported(f, r) {
            row.origin = match place {
                Some(place) => format!("not reported ({place})"),
                None => "not reported".into(),
            };
        }
    }
}

/// A value as the loader reads it back: `yes`, `partial` or `no` for a yes/no cell, else
/// the number in full (Rust's shortest text that reads back as the same number).
fn value_text(accepted: &Accepted, value: f64) -> String {
    if accepted.words.is_empty() {
        return value.to_string();
    }
    let word = if value >= 1.0 {
        dataset::YES[0]
    } else if value <= 0.0 {
        dataset::NO[0]
    } else {
        dataset::PARTIAL[0]
    };
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A city-year reports KPI figures when more than half of its values are figures.
    #[test]
    fn a_city_reports_figures_when_most_of_its_values_are_figures() {
        let field = |id: &str, reported_kpi| dataset::Field {
            id: id.into(),
            reported_kpi,
        };
        let nan = f64::NAN;
        let data = Dataset {
            cities: vec!["A".into(), "B".into(), "C".into()],
            years: vec![2024; 3],
            fields: vec![
                field("population", false),
                field("ec_ict_ict_1c", true),
                field("ec_ict_ict_2c", true),
            ],
            values: vec![
                vec![1.0, 1.0, nan],
                vec![2.0, 2.0, nan],
                vec![nan, 3.0, nan],
            ],
            ..Dataset::default()
        };
        // A: one input, one figure (not more than half); B: one input, two figures; C: none.
        assert!(!reports_figures(&data, 0));
        assert!(reports_figures(&data, 1));
        assert!(!reports_figures(&data, 2));
    }

    #[test]
    fn values_are_written_as_the_loader_reads_them() {
        let catalog = Catalog::embedded();
        let number = dataset::accepted(catalog.variable("population").unwrap());
        assert_eq!(value_text(&number, 64077.0), "64077");
        assert_eq!(value_text(&number, 0.1 + 0.2), "0.30000000000000004");
        let yes_no = dataset::accepted(catalog.variable("disaster_resilience_plan").unwrap());
        assert_eq!(value_text(&yes_no, 1.0), "yes");
        assert_eq!(value_text(&yes_no, 0.0), "no");
        assert_eq!(value_text(&yes_no, 0.5), "partial");
    }
}
