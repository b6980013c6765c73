//! The catalogue as SQL, for data that lives in a warehouse or a lake.
//!
//! `citykpi export-sql` writes a script over a long table of observations `(city, year,
//! variable, value)`: a view `citykpi_kpis` with one row per city, year and KPI (or KPI
//! part), with the columns and values of `assess --format csv`, and with scoring also the
//! target, achievement, points and band, and a view `citykpi_rollups` with the U4SSC
//! roll-ups; then a `SELECT` of the KPI rows. Values are read as the loader reads them
//! (yes/no words, ranges, a part above its whole or a conflicting repeat is no value), every formula uses the
//! catalogue's own text, in dependency order, and, as in the engine, no infinity or NaN is
//! produced. This module writes text; it never runs a query.

mod guard;
mod scoring;

use std::fmt::Write as _;
use std::io::Write;

pub use guard::guard_divisions;

use crate::catalog::{Catalog, Direction, Kind, Measure, Variable};
use crate::dataset::Targets;

/// The SQL engines the export targets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum Dialect {
    Duckdb,
    Spark,
    /// Standard SQL (plus `replace`, `GREATEST` and `LEAST`, which every major engine has).
    Ansi,
}

impl Dialect {
    fn quote(self, id: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", id.replace('`', "``")),
            Dialect::Duckdb | Dialect::Ansi => format!("\"{}\"", id.replace('"', "\"\"")),
        }
    }

    fn text(self) -> &'static str {
        match self {
            Dialect::Spark => "STRING",
            Dialect::Duckdb | Dialect::Ansi => "VARCHAR",
        }
    }

    fn double(self) -> &'static str {
        match self {
            Dialect::Ansi => "DOUBLE PRECISION",
            Dialect::Duckdb | Dialect::Spark => "DOUBLE",
        }
    }

    /// Text as a number, or NULL where it is not one (never an error).
    fn number(self, text: &str) -> String {
        match self {
            Dialect::Ansi => format!(
                "CASE WHEN {text} SIMILAR TO '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?' THEN CAST({text} AS DOUBLE PRECISION) END"
            ),
            Dialect::Duckdb | Dialect::Spark => format!("TRY_CAST({text} AS DOUBLE)"),
        }
    }

    fn view(self, name: &str) -> String {
        match self {
            Dialect::Ansi => format!("CREATE VIEW {name} AS"),
            Dialect::Duckdb | Dialect::Spark => {
                format!("CREATE OR REPLACE TEMPORARY VIEW {name} AS")
            }
        }
    }

    /// A number as a typed SQL literal (a bare `95.0` is a DECIMAL in some engines).
    fn float(self, value: f64) -> String {
        format!("CAST({value:?} AS {})", self.double())
    }
}

/// The names of the long table of observations and of its columns.
#[derive(Debug, Clone)]
pub struct Source {
    /// Written as given: `observations`, `lake.city_observations`.
    pub table: String,
    pub city: String,
    pub year: String,
    pub variable: String,
    pub value: String,
    /// The column of units, if the table has one: values are converted as `assess`
    /// converts them, and a unit that does not convert gives no value.
    pub unit: Option<String>,
}

impl Default for Source {
    fn default() -> Self {
        Source {
            table: "observations".into(),
            city: "city".into(),
            year: "year".into(),
            variable: "variable".into(),
            value: "value".into(),
            unit: None,
        }
    }
}

/// What to export.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub dialect: Dialect,
    pub source: &'a Source,
    /// Also the target, achievement, points and band of each value, and the roll-ups.
    pub scoring: bool,
    /// Targets that replace the defaults, as `assess --targets` reads them.
    pub targets: Option<&'a Targets>,
}

/// Why the script cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the formula of {key} cannot be written as SQL: {error}")]
    Formula {
        key: String,
        error: sqlparser::parser::ParserError,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The name of the view of KPI rows.
pub const KPIS_VIEW: &str = "citykpi_kpis";
/// The name of the view of roll-ups (with scoring).
pub const ROLLUPS_VIEW: &str = "citykpi_rollups";

/// The columns of `citykpi_kpis`, as `assess --format csv` names them; scoring adds
/// [`SCORE_COLUMNS`].
pub const VALUE_COLUMNS: [&str; 12] = [
    "city",
    "year",
    "code",
    "part",
    "name",
    "tier",
    "dimension",
    "subdimension",
    "category",
    "unit",
    "value",
    "status",
];
pub const SCORE_COLUMNS: [&str; 7] = [
    "target",
    "target_source",
    "target_origin",
    "direction",
    "achievement",
    "points",
    "band",
];

pub(super) fn string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn optional_string(text: Option<&str>, dialect: Dialect) -> String {
    text.map_or_else(|| format!("CAST(NULL AS {})", dialect.text()), string)
}

fn optional_float(value: Option<f64>, dialect: Dialect) -> String {
    match value {
        Some(v) => dialect.float(v),
        None => format!("CAST(NULL AS {})", dialect.double()),
    }
}

fn reported_column(measure: &Measure) -> String {
    format!("reported__{}", measure.id)
}

/// A cell's value once checked as the loader checks it: one value (repeats that differ
/// give none), finite, and within the valid range.
fn checked(low: &str, high: &str, range: (f64, f64), dialect: Dialect) -> String {
    let (min, max) = range;
    let mut test = format!(
        "{low} = {high} AND {high} - {high} = 0 AND {high} >= {}",
        dialect.float(min)
    );
    if max.is_finite() {
        let _ = write!(test, " AND {high} <= {}", dialect.float(max));
    }
    format!("CASE WHEN {test} THEN {high} END")
}

/// The range a value of a KPI reported directly must be in (as the loader's rule).
fn reported_range(m: &Measure) -> (f64, f64) {
    if m.is_yes_no() {
        return (0.0, 1.0);
    }
    let (min, max) = match m.unit.as_str() {
        "%" => (0.0, 100.0),
        "0-1" => (0.0, 1.0),
        _ => (0.0, f64::INFINITY),
    };
    (m.min.unwrap_or(min), m.max.unwrap_or(max))
}

/// Write the script for `catalog`.
pub fn write(catalog: &Catalog, options: &Options, out: &mut dyn Write) -> Result<(), ExportError> {
    let mut sql = String::new();
    header(&mut sql, options);
    kpis_view(&mut sql, catalog, options)?;
    if options.scoring {
        scoring::rollups_view(&mut sql, catalog, options.dialect);
    }
    let columns = VALUE_COLUMNS
        .iter()
        .chain(if options.scoring {
            &SCORE_COLUMNS[..]
        } else {
            &[]
        })
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        sql,
        "\nSELECT {columns}\nFROM {KPIS_VIEW}\nORDER BY city, year, position;"
    );
    out.write_all(sql.as_bytes())?;
    Ok(())
}

fn header(sql: &mut String, options: &Options) {
    let s = options.source;
    let dialect: &str = options.dialect.into();
    let _ = writeln!(
        sql,
        "-- U4SSC KPIs, written by citykpi {} (export-sql --dialect {dialect}{}).",
        env!("CARGO_PKG_VERSION"),
        if options.scoring {
            " --include-scoring"
        } else {
            ""
        }
    );
    let _ = writeln!(
        sql,
        "-- Input: the long table {}({}, {}, {}, {}), one value a row, values in the catalogue's units.",
        s.table, s.city, s.year, s.variable, s.value
    );
    let _ = writeln!(
        sql,
        "-- {KPIS_VIEW}: a row per city, year and KPI (or KPI part), as `citykpi assess --format csv`."
    );
    if options.scoring {
        let _ = writeln!(
            sql,
            "-- {ROLLUPS_VIEW}: per city-year, the U4SSC score of every category, sub-dimension, dimension and overall."
        );
    }
    let _ = writeln!(
        sql,
        "-- As in citykpi: a value out of its range or given twice with different figures is no value; a division by"
    );
    let _ = writeln!(
        sql,
        "-- zero, a logarithm or root outside its domain and any result that is not finite give NULL."
    );
    let _ = writeln!(
        sql,
        "-- Statements end with ';' at the end of a line; the last one selects the KPI rows."
    );
}

/// The values a long row's text may give, computed once per row.
fn long_input(sql: &mut String, options: &Options) {
    let d = options.dialect;
    let s = options.source;
    let (t, q) = (d.text(), |c: &str| d.quote(c));
    let yes = "('yes', 'y', 'true', '1', '1.0')";
    let no = "('no', 'n', 'false', '0', '0.0')";
    let _ = writeln!(sql, "WITH long_input AS (");
    let _ = writeln!(
        sql,
        "  SELECT trim(CAST({} AS {t})) AS city, CAST({} AS INTEGER) AS year,",
        q(&s.city),
        q(&s.year)
    );
    let _ = writeln!(
        sql,
        "    lower(trim(CAST({} AS {t}))) AS variable_id,",
        q(&s.variable)
    );
    let _ = writeln!(
        sql,
        "    upper(replace(CAST({} AS {t}), ' ', '')) AS variable_code,",
        q(&s.variable)
    );
    if let Some(unit) = &s.unit {
        let mut key = format!(
            "lower(replace(trim(COALESCE(CAST({} AS {t}), '')), ' ', ''))",
            q(unit)
        );
        for (from, to) in [("³", "3"), ("²", "2"), ("µ", "u"), ("μ", "u")] {
            key = format!("replace({key}, '{from}', '{to}')");
        }
        let _ = writeln!(sql, "    {key} AS unit_key,");
    }
    let _ = writeln!(sql, "    {} AS number,", d.number("value_text"));
    let (one, zero, half) = (d.float(1.0), d.float(0.0), d.float(0.5));
    let _ = writeln!(
        sql,
        "    CASE WHEN value_text IN {yes} THEN {one} WHEN value_text IN {no} THEN {zero} END AS yes_no,"
    );
    let _ = writeln!(
        sql,
        "    CASE WHEN value_text IN {yes} THEN {one} WHEN value_text IN {no} THEN {zero} WHEN value_text IN ('partial', '0.5', '0,5') THEN {half} END AS yes_partial_no"
    );
    let _ = writeln!(
        sql,
        "  FROM (SELECT *, lower(trim(CAST({} AS {t}))) AS value_text FROM {}) AS observations_text",
        q(&s.value),
        s.table
    );
    let _ = writeln!(sql, "),");
}

/// The factor that turns a value given in the row's unit into `unit`, the unit of a variable
/// (`variable`) or of a KPI reported directly: 1 for no unit, NULL for one that does not
/// convert (as the loader rules, which rejects the value).
fn unit_factor(catalog: &Catalog, variable: Option<&Variable>, unit: &str, d: Dialect) -> String {
    let mut seen = vec![String::new()];
    let mut case = format!("CASE unit_key WHEN '' THEN {}", d.float(1.0));
    for spelling in catalog.units.spellings(variable).chain([unit]) {
        let key = crate::catalog::normalize_unit(spelling);
        if seen.contains(&key) {
            continue;
        }
        let factor = match variable {
            Some(v) => catalog.units.to_variable(spelling, v),
            None => catalog.units.factor(spelling, unit),
        };
        if let Some(factor) = factor {
            let _ = write!(case, " WHEN {} THEN {}", string(&key), d.float(factor));
            seen.push(key);
        }
    }
    case + " END"
}

/// One row per city-year: every variable and every KPI a city reports directly, the
/// lowest and highest value given (they differ only for a conflicting repeat).
fn wide(sql: &mut String, catalog: &Catalog, options: &Options) {
    let d = options.dialect;
    let q = |c: &str| d.quote(c);
    let units = options.source.unit.is_some();
    let _ = writeln!(sql, "given AS (");
    let _ = writeln!(sql, "  SELECT city, year");
    let mut aggregate = |name: &str, test: &str, value: &str| {
        for (f, side) in [("MIN", "low"), ("MAX", "high")] {
            let _ = writeln!(
                sql,
                "    , {f}(CASE WHEN {test} THEN {value} END) AS {}",
                q(&format!("{side}__{name}"))
            );
        }
    };
    for v in &catalog.variables {
        let value = if v.kind == Kind::Boolean {
            "yes_no"
        } else {
            "number"
        };
        let value = match units {
            true => format!("{value} * {}", unit_factor(catalog, Some(v), &v.unit, d)),
            false => value.to_string(),
        };
        aggregate(&v.id, &format!("variable_id = {}", string(&v.id)), &value);
    }
    for (_, m) in catalog.measures() {
        let value = if m.is_yes_no() {
            "yes_partial_no"
        } else {
            "number"
        };
        let test = format!(
            "(variable_code = {} OR variable_id = {})",
            string(&m.key.to_uppercase()),
            string(&m.id)
        );
        let value = match units {
            true => format!("{value} * {}", unit_factor(catalog, None, &m.unit, d)),
            false => value.to_string(),
        };
        aggregate(&reported_column(m), &test, &value);
    }
    let _ = writeln!(sql, "  FROM long_input");
    let _ = writeln!(sql, "  GROUP BY city, year");
    let _ = writeln!(sql, "),");
    let _ = writeln!(sql, "wide AS (");
    let _ = writeln!(sql, "  SELECT city, year");
    let cell = |name: &str, range: (f64, f64)| {
        let (low, high) = (q(&format!("low__{name}")), q(&format!("high__{name}")));
        checked(&low, &high, range, d)
    };
    // A part that exceeds its whole (both valid) is no value, as the loader rules.
    let variable = |v: &Variable| {
        let own = cell(&v.id, v.range());
        let whole = v
            .part_of
            .as_deref()
            .and_then(|w| catalog.variable(w))
            .map(|w| cell(&w.id, w.range()));
        match whole {
            Some(whole) => format!("CASE WHEN {own} > {whole} THEN NULL ELSE {own} END"),
            None => own,
        }
    };
    let mut columns: Vec<(String, String)> = catalog
        .variables
        .iter()
        .map(|v| (variable(v), v.id.clone()))
        .collect();
    columns.extend(catalog.measures().map(|(_, m)| {
        (
            cell(&reported_column(m), reported_range(m)),
            reported_column(m),
        )
    }));
    for (expr, name) in columns {
        let _ = writeln!(sql, "    , {expr} AS {}", q(&name));
    }
    let _ = writeln!(sql, "  FROM given");
    let _ = write!(sql, ")");
}

/// The `citykpi_kpis` view: values, then (with scoring) scores.
fn kpis_view(sql: &mut String, catalog: &Catalog, options: &Options) -> Result<(), ExportError> {
    let d = options.dialect;
    let q = |c: &str| d.quote(c);
    let _ = writeln!(sql, "\n{}", d.view(KPIS_VIEW));
    long_input(sql, options);
    wide(sql, catalog, options);
    // Layers: a KPI comes after every KPI it reads.
    let mut previous = "wide".to_string();
    for (layer, measures) in catalog.layers().into_iter().enumerate() {
        let name = format!("layer_{}", layer + 1);
        let _ = writeln!(sql, ",\n{name} AS (");
        let _ = writeln!(sql, "  SELECT *");
        for m in measures {
            let formula =
                guard_divisions(&m.formula.text).map_err(|error| ExportError::Formula {
                    key: m.key.clone(),
                    error,
                })?;
            let _ = writeln!(
                sql,
                "    , COALESCE({}, CAST(({formula}) AS {})) AS {}",
                q(&reported_column(m)),
                d.double(),
                q(&m.id)
            );
        }
        let _ = writeln!(sql, "  FROM {previous}");
        let _ = write!(sql, ")");
        previous = name;
    }
    let _ = writeln!(sql, ",");
    catalogue(sql, catalog, d);
    // One row per measure: the wide row's column at the measure's position.
    let pick = |column: &dyn Fn(&Measure) -> String| {
        let mut case = String::from("CASE c.position");
        for (i, (_, m)) in catalog.measures().enumerate() {
            let _ = write!(case, " WHEN {} THEN v.{}", i + 1, column(m));
        }
        case + " END"
    };
    let _ = writeln!(sql, "long_values AS (");
    let _ = writeln!(
        sql,
        "  SELECT v.city, v.year, c.*,\n    {} AS value,\n    {} AS reported",
        pick(&|m| q(&m.id)),
        pick(&|m| q(&reported_column(m)))
    );
    let _ = writeln!(sql, "  FROM {previous} AS v CROSS JOIN catalogue AS c");
    let _ = write!(sql, ")");
    let status = "CASE WHEN reported IS NOT NULL THEN 'reported' WHEN value IS NOT NULL THEN 'computed' ELSE 'missing' END AS status";
    let values =
        "city, year, code, part, name, tier, dimension, subdimension, category, unit, value";
    if options.scoring {
        let _ = writeln!(sql, ",");
        scoring::scored(sql, catalog, options)?;
        let _ = writeln!(
            sql,
            "SELECT {values}, {status}, target, target_source, target_origin, direction, achievement, points, band, position\nFROM scored;"
        );
    } else {
        let _ = writeln!(
            sql,
            "\nSELECT {values}, {status}, position\nFROM long_values;"
        );
    }
    Ok(())
}

/// Every measure with what the report shows of it and what scoring needs.
fn catalogue(sql: &mut String, catalog: &Catalog, d: Dialect) {
    let _ = writeln!(sql, "catalogue AS (");
    for (i, (kpi, m)) in catalog.measures().enumerate() {
        let name = match &m.part_name {
            Some(part) => format!("{}: {part}", kpi.name),
            None => kpi.name.clone(),
        };
        let default_target = if m.is_yes_no() { Some(1.0) } else { m.target };
        let scored = m.scorable && m.direction != Direction::None;
        let direction: &str = m.direction.into();
        let tier: &str = kpi.tier.into();
        let row = [
            format!("{} AS position", i + 1),
            format!("{} AS code", string(&kpi.code)),
            format!("{} AS part", optional_string(m.part.as_deref(), d)),
            format!("{} AS name", string(&name)),
            format!("{} AS tier", string(tier)),
            format!("{} AS dimension", string(&kpi.dimension)),
            format!("{} AS subdimension", string(&kpi.subdimension_code())),
            format!("{} AS category", string(&kpi.category_code())),
            format!("{} AS unit", string(&m.unit)),
            format!("{} AS direction", string(direction)),
            format!("{} AS default_target", optional_float(default_target, d)),
            format!("{} AS reference", optional_float(m.reference, d)),
            format!("{} AS scorable", i32::from(scored)),
            format!("{} AS yes_no", i32::from(m.is_yes_no())),
        ];
        let union = if i == 0 { "  " } else { "  UNION ALL " };
        let _ = writeln!(sql, "{union}SELECT {}", row.join(", "));
    }
    let _ = writeln!(sql, "),");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checked_cell_is_one_finite_value_in_range() {
        assert_eq!(
            checked("lo", "hi", (0.0, 100.0), Dialect::Duckdb),
            "CASE WHEN lo = hi AND hi - hi = 0 AND hi >= CAST(0.0 AS DOUBLE) AND hi <= CAST(100.0 AS DOUBLE) THEN hi END"
        );
        assert_eq!(
            checked("lo", "hi", (0.0, f64::INFINITY), Dialect::Ansi),
            "CASE WHEN lo = hi AND hi - hi = 0 AND hi >= CAST(0.0 AS DOUBLE PRECISION) THEN hi END"
        );
    }

    #[test]
    fn a_unit_converts_or_gives_no_value() {
        let catalog = crate::catalog::Catalog::embedded();
        let km = catalog.variable("water_distribution_network_km").unwrap();
        let case = unit_factor(&catalog, Some(km), &km.unit, Dialect::Duckdb);
        assert!(
            case.starts_with(
                "CASE unit_key WHEN '' THEN CAST(1.0 AS DOUBLE) WHEN 'km' THEN CAST(1.0 AS DOUBLE)"
            ),
            "{case}"
        );
        assert!(
            case.contains(" WHEN 'm' THEN CAST(0.001 AS DOUBLE)"),
            "{case}"
        );
        assert!(
            case.contains(" WHEN 'kilometres' THEN CAST(1.0 AS DOUBLE)"),
            "{case}"
        );
        assert!(
            !case.contains("'hours'"),
            "hours do not convert to km: {case}"
        );
        assert!(case.ends_with(" END"), "{case}");
    }

    #[test]
    fn identifiers_and_strings_are_quoted_for_each_dialect() {
        assert_eq!(Dialect::Spark.quote("a`b"), "`a``b`");
        assert_eq!(Dialect::Duckdb.quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(string("it's"), "'it''s'");
    }
}
