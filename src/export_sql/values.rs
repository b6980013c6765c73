//! Reading the long table as `assess` reads its data: each row's value as a number, a yes/no
//! word or nothing, converted from its unit, then one row per city-year with every variable
//! and every KPI a city reports directly, each checked (one value, finite, in range, a part
//! not above its whole). It writes SQL text; it never runs a query.
//!
//! The work per row is done once: each cell trimmed once, the variable looked up in a small
//! table of the wide row's columns (its slot, and how its text is read), the value read only
//! as that slot reads it (the plain number pattern and cast first, the grouped one only where
//! that fails), the unit looked up in a small table of factors. Then a value given once (or
//! repeated with the same figure) is kept and the slots pivoted into the wide row: in DuckDB by
//! one aggregation by city and year into maps; in Spark and standard SQL by one aggregation by
//! city, year and slot, then one by city and year (Spark does both in the partitions of one
//! shuffle).

use std::fmt::Write as _;

use super::{string, Dialect, Options};
use crate::catalog::{Catalog, Kind, Measure, Variable};
use crate::dataset::{NO, PARTIAL, YES};

pub(super) fn reported_column(measure: &Measure) -> String {
    format!("reported__{}", measure.id)
}

/// How the text of a slot's value is read, as the loader reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// A number; a `%` sign makes it no value.
    Number = 1,
    /// A number, which may carry a `%` sign.
    Percent = 2,
    /// yes or no.
    YesNo = 3,
    /// yes, partial or no (a yes/no KPI reported directly).
    YesPartialNo = 4,
}

/// A column of the wide row: a variable, or a KPI (part) a city reports directly.
struct Slot<'a> {
    column: String,
    /// The spellings of the variable column that name it: ids in lower case, codes in upper.
    keys: Vec<String>,
    reads: Reads,
    /// The valid range of a value.
    range: (f64, f64),
    /// The variable, whose own aliases and conversions count; none for a KPI.
    variable: Option<&'a Variable>,
    unit: &'a str,
}

/// Every slot, the variables first, numbered from 1 in this order.
fn slots(catalog: &Catalog) -> Vec<Slot<'_>> {
    let variables = catalog.variables.iter().map(|v| Slot {
        column: v.id.clone(),
        keys: vec![v.id.clone()],
        reads: match v.kind {
            // A principle that can be partly met takes partial, as the loader's rule does.
            Kind::Boolean if v.partial => Reads::YesPartialNo,
            Kind::Boolean => Reads::YesNo,
            Kind::Percent => Reads::Percent,
            Kind::Count | Kind::Amount | Kind::Ratio => Reads::Number,
        },
        range: v.range(),
        variable: Some(v),
        unit: &v.unit,
    });
    // As the loader's rule for a KPI's own value (`dataset::rule`).
    let measures = catalog.measures().map(|(_, m)| Slot {
        column: reported_column(m),
        keys: vec![m.id.clone(), m.key.to_uppercase()],
        reads: match (m.is_yes_no(), m.unit.as_str()) {
            (true, _) => Reads::YesPartialNo,
            (false, "%") => Reads::Percent,
            (false, _) => Reads::Number,
        },
        range: reported_range(m),
        variable: None,
        unit: &m.unit,
    });
    variables.chain(measures).collect()
}

/// A cell's value once checked as the loader checks it: finite and within the valid range.
fn checked(value: &str, range: (f64, f64), dialect: Dialect) -> String {
    let (min, max) = range;
    let mut test = format!(
        "{value} - {value} = 0 AND {value} >= {}",
        dialect.float(min)
    );
    if max.is_finite() {
        let _ = write!(test, " AND {value} <= {}", dialect.float(max));
    }
    format!("CASE WHEN {test} THEN {value} END")
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

/// `('a', 'b')`: the words as an SQL list.
fn list(words: &[&str]) -> String {
    let words: Vec<String> = words.iter().map(|w| string(w)).collect();
    format!("({})", words.join(", "))
}

/// The CTE `name`: a small table of literal rows (each `(a, b, ...)`) with the columns named.
/// One table of rows, not a `UNION ALL` of one-row `SELECT`s, which Spark made a partition
/// and a task per row, and took longer to plan.
pub(super) fn literal_cte(
    sql: &mut String,
    name: &str,
    rows: &[String],
    columns: &str,
    d: Dialect,
) {
    let rows = rows.join(",\n    ");
    let query = match d {
        Dialect::Spark => format!("SELECT * FROM VALUES\n    {rows}\n    AS t({columns})"),
        Dialect::Duckdb | Dialect::Ansi => {
            format!("SELECT * FROM (VALUES\n    {rows}) AS t({columns})")
        }
    };
    let _ = writeln!(sql, "{name} AS (\n  {query}\n),");
}

/// A value's text (trimmed, as a column of `observations_text`) read as `reads` says.
fn read(text: &str, reads: Reads, d: Dialect) -> String {
    let percent = format!("{text} LIKE '%!%' ESCAPE '!'");
    let (one, zero, half) = (d.float(1.0), d.float(0.0), d.float(0.5));
    let word = d.ascii_lower(text);
    let (yes, no) = (list(&YES), list(&NO));
    match reads {
        Reads::Number => format!("CASE WHEN {percent} THEN NULL ELSE {} END", d.number(text)),
        Reads::Percent => {
            // A `%` at the end (and the space before it) is read only for a percentage.
            let stripped = d.trim_space(&format!(
                "SUBSTRING({text} FROM 1 FOR CHAR_LENGTH({text}) - 1)"
            ));
            format!(
                "CASE WHEN {percent} THEN {} ELSE {} END",
                d.number(&stripped),
                d.number(text)
            )
        }
        Reads::YesNo => {
            format!("CASE WHEN {word} IN {yes} THEN {one} WHEN {word} IN {no} THEN {zero} END")
        }
        Reads::YesPartialNo => format!(
            "CASE WHEN {word} IN {yes} THEN {one} WHEN {word} IN {no} THEN {zero} WHEN {word} IN {} THEN {half} END",
            list(&PARTIAL)
        ),
    }
}

/// The value of `text` as the slot's `reads` (a column) says it is read.
fn read_by_slot(text: &str, reads_column: &str, d: Dialect) -> String {
    let mut value = format!("CASE {reads_column}");
    for reads in [
        Reads::Number,
        Reads::Percent,
        Reads::YesNo,
        Reads::YesPartialNo,
    ] {
        let _ = write!(value, " WHEN {} THEN {}", reads as u8, read(text, reads, d));
    }
    value.push_str(" END");
    value
}

/// The CTEs `observations_text` (each cell trimmed once), `slots` and, with units,
/// `unit_factors` (small tables), and `long_input`: a row's slot and its value, read and
/// converted. Only the columns named are read from the table.
pub(super) fn long_input(sql: &mut String, catalog: &Catalog, options: &Options) {
    let d = options.dialect;
    let s = options.source;
    let (t, q) = (d.text(), |c: &str| d.quote(c));
    // City, variable and value are trimmed as the loader trims them (the unit key drops
    // spaces only); the variable is compared in ASCII lower case as an id, in upper case
    // without spaces as a code.
    let trimmed = |column: &str| d.trim_space(&format!("CAST({} AS {t})", q(column)));
    let _ = writeln!(sql, "WITH observations_text AS (");
    let _ = writeln!(
        sql,
        "  SELECT {} AS city, CAST({} AS INTEGER) AS year,",
        trimmed(&s.city),
        q(&s.year)
    );
    let _ = writeln!(sql, "    {} AS variable_text,", trimmed(&s.variable));
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
    let _ = writeln!(sql, "    {} AS value_text", trimmed(&s.value));
    let _ = writeln!(sql, "  FROM {}", s.table);
    let _ = writeln!(sql, "),");
    let slots = slots(catalog);
    let rows: Vec<String> = slots
        .iter()
        .enumerate()
        .flat_map(|(i, slot)| {
            let reads = slot.reads as u8;
            slot.keys
                .iter()
                .map(move |key| format!("({}, {}, {reads})", string(key), i + 1))
        })
        .collect();
    literal_cte(sql, "slots", &rows, "key, slot, reads", d);
    let factors = options
        .source
        .unit
        .is_some()
        .then(|| unit_factors(catalog, &slots, d))
        .filter(|rows| !rows.is_empty());
    if let Some(rows) = &factors {
        literal_cte(sql, "unit_factors", rows, "slot, unit_key, factor", d);
    }
    let value = read_by_slot("o.value_text", "s.reads", d);
    let (factor, join) = match (&s.unit, &factors) {
        (None, _) => (String::new(), String::new()),
        (Some(_), None) => (
            format!(" * CASE WHEN o.unit_key = '' THEN {} END", d.float(1.0)),
            String::new(),
        ),
        (Some(_), Some(_)) => (
            format!(
                " * CASE WHEN o.unit_key = '' THEN {} ELSE f.factor END",
                d.float(1.0)
            ),
            "\n  LEFT JOIN unit_factors AS f ON f.slot = s.slot AND f.unit_key = o.unit_key"
                .to_string(),
        ),
    };
    // Codes have a `:` and ids never: the row's spelling as one or the other.
    let key = format!(
        "CASE WHEN o.variable_code LIKE '%:%' THEN o.variable_code ELSE {} END",
        d.ascii_lower("o.variable_text")
    );
    let _ = writeln!(sql, "long_input AS (");
    let _ = writeln!(
        sql,
        "  SELECT o.city, o.year, s.slot,\n    ({value}){factor} AS v"
    );
    let _ = write!(
        sql,
        "  FROM observations_text AS o\n  LEFT JOIN slots AS s ON s.key = {key}{join}"
    );
    // Spark: one shuffle, by city and year, serves both aggregations below.
    if d == Dialect::Spark {
        let _ = write!(sql, "\n  DISTRIBUTE BY o.city, o.year");
    }
    let _ = writeln!(sql, "\n),");
}

/// The factor that turns a value given in a unit into a slot's unit, for every spelling a
/// unit may have that converts (as the loader rules; one that does not gives no value):
/// rows `(slot, unit_key, factor)`. An empty unit is the slot's own, factor 1.
fn unit_factors(catalog: &Catalog, slots: &[Slot], d: Dialect) -> Vec<String> {
    let mut rows = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let mut seen = vec![String::new()];
        for spelling in catalog.units.spellings(slot.variable).chain([slot.unit]) {
            let key = crate::catalog::normalize_unit(spelling);
            if seen.contains(&key) {
                continue;
            }
            let factor = match slot.variable {
                Some(v) => catalog.units.to_variable(spelling, v),
                None => catalog.units.factor(spelling, slot.unit),
            };
            if let Some(factor) = factor {
                rows.push(format!(
                    "({}, {}, {})",
                    i + 1,
                    string(&key),
                    d.float(factor)
                ));
                seen.push(key);
            }
        }
    }
    rows
}

/// `agreed`: per city, year and slot, the value given (the same however often repeated;
/// figures that differ give none); `given`: one row per city-year with a column per slot;
/// `wide`: each checked, and a part that exceeds its whole no value, as the loader rules.
pub(super) fn wide(sql: &mut String, catalog: &Catalog, options: &Options) {
    let d = options.dialect;
    let q = |c: &str| d.quote(c);
    let slots = slots(catalog);
    match d {
        Dialect::Duckdb => duckdb_given(sql, &slots, d),
        Dialect::Spark | Dialect::Ansi => grouped_given(sql, &slots, d),
    }
    let _ = writeln!(sql, "wide AS (");
    let _ = writeln!(sql, "  SELECT city, year");
    let cell = |slot: &Slot| checked(&q(&slot.column), slot.range, d);
    for slot in &slots {
        let own = cell(slot);
        let whole = slot
            .variable
            .and_then(|v| v.part_of.as_deref())
            .and_then(|w| catalog.variable(w))
            .map(|w| checked(&q(&w.id), w.range(), d));
        let expr = match whole {
            Some(whole) => format!("CASE WHEN {own} > {whole} THEN NULL ELSE {own} END"),
            None => own,
        };
        let _ = writeln!(sql, "    , {expr} AS {}", q(&slot.column));
    }
    let _ = writeln!(sql, "  FROM given");
    let _ = write!(sql, ")");
}

/// `agreed`: per city, year and slot, the value given (the same however often repeated;
/// figures that differ give none); `given`: one row per city-year with a column per slot.
fn grouped_given(sql: &mut String, slots: &[Slot], d: Dialect) {
    let _ = writeln!(sql, "agreed AS (");
    let _ = writeln!(
        sql,
        "  SELECT city, year, slot, CASE WHEN MIN(v) = MAX(v) THEN MAX(v) END AS v"
    );
    let _ = writeln!(sql, "  FROM long_input\n  GROUP BY city, year, slot\n),");
    let _ = writeln!(sql, "given AS (");
    let _ = writeln!(sql, "  SELECT city, year");
    for (i, slot) in slots.iter().enumerate() {
        let _ = writeln!(
            sql,
            "    , MAX(CASE WHEN slot = {} THEN v END) AS {}",
            i + 1,
            d.quote(&slot.column)
        );
    }
    let _ = writeln!(sql, "  FROM agreed\n  GROUP BY city, year\n),");
}

/// DuckDB's `given`: one aggregation by city and year gathers each row's slot and value
/// (slot 0 for a variable it does not know), made into two maps, the variables' and the KPIs'
/// reported directly (nearly always empty), each looked up once per column (a lookup reads its
/// map entry by entry). Where a slot is given more than once, its value is the one figure given
/// (however often), none where the figures differ: the rows of one slot gathered by a lambda
/// (DuckDB 1.3 or later), only in such a city-year. An aggregation by city, year and slot
/// first, or a `CASE` per slot over every row, each took longer than all the rest together,
/// and the first held a group per row in memory.
fn duckdb_given(sql: &mut String, slots: &[Slot], d: Dialect) {
    let variables = slots.iter().filter(|s| s.variable.is_some()).count();
    let _ = writeln!(sql, "given AS (");
    let _ = writeln!(sql, "  SELECT city, year");
    for (i, slot) in slots.iter().enumerate() {
        let map = if i < variables {
            "variables"
        } else {
            "reported"
        };
        let _ = writeln!(
            sql,
            "    , map_extract_value({map}, {}) AS {}",
            i + 1,
            d.quote(&slot.column)
        );
    }
    let figures = "list_transform(list_filter(e, lambda x: x.k = k), lambda x: x.v)";
    let _ = writeln!(
        sql,
        "  FROM (
    SELECT city, year, map_from_entries(list_filter(s, lambda x: x.k <= {variables})) AS variables,
      map_from_entries(list_filter(s, lambda x: x.k > {variables})) AS reported
    FROM (
      SELECT city, year, CASE WHEN len(e) = len(k) THEN e ELSE list_transform(k,
        lambda k: {{'k': k, 'v': CASE WHEN list_min({figures}) = list_max({figures}) THEN list_max({figures}) END}}) END AS s
      FROM (
        SELECT city, year, e, list_distinct(list_transform(e, lambda x: x.k)) AS k
        FROM (
          SELECT city, year, list({{'k': COALESCE(slot, 0), 'v': v}}) AS e
          FROM long_input
          GROUP BY city, year
        ) AS l
      ) AS l
    ) AS l
  ) AS g
),"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checked_cell_is_one_finite_value_in_range() {
        assert_eq!(
            checked("x", (0.0, 100.0), Dialect::Duckdb),
            "CASE WHEN x - x = 0 AND x >= CAST(0.0 AS DOUBLE) AND x <= CAST(100.0 AS DOUBLE) THEN x END"
        );
        assert_eq!(
            checked("x", (0.0, f64::INFINITY), Dialect::Ansi),
            "CASE WHEN x - x = 0 AND x >= CAST(0.0 AS DOUBLE PRECISION) THEN x END"
        );
    }

    #[test]
    fn a_unit_converts_or_gives_no_value() {
        let catalog = crate::catalog::Catalog::embedded();
        let slots = slots(&catalog);
        let (i, _) = slots
            .iter()
            .enumerate()
            .find(|(_, s)| s.column == "water_distribution_network_km")
            .unwrap();
        let slot = i + 1;
        let rows = unit_factors(&catalog, &slots, Dialect::Duckdb);
        let of = |key: &str| {
            rows.iter()
                .find(|r| r.starts_with(&format!("({slot}, '{key}', ")))
                .cloned()
        };
        assert_eq!(
            of("km").as_deref(),
            Some(format!("({slot}, 'km', CAST(1.0 AS DOUBLE))").as_str())
        );
        assert_eq!(
            of("m").as_deref(),
            Some(format!("({slot}, 'm', CAST(0.001 AS DOUBLE))").as_str())
        );
        assert!(of("kilometres").is_some());
        assert_eq!(of("hours"), None, "hours do not convert to km");
        assert_eq!(
            of(""),
            None,
            "an empty unit is the slot's own, in the script"
        );
    }

    #[test]
    fn every_variable_and_kpi_has_a_slot_and_its_spellings() {
        let catalog = crate::catalog::Catalog::embedded();
        let slots = slots(&catalog);
        assert_eq!(
            slots.len(),
            catalog.variables.len() + catalog.measures().count()
        );
        let population = slots.iter().find(|s| s.column == "population").unwrap();
        assert_eq!(population.keys, ["population"]);
        assert_eq!(population.reads, Reads::Number);
        let part = slots
            .iter()
            .find(|s| s.column == "reported__en_en_aq_1c_pm2_5")
            .unwrap();
        assert_eq!(part.keys, ["en_en_aq_1c_pm2_5", "EN:EN:AQ:1C/PM2_5"]);
        // Every id has no `:` and every code one: the script tells them apart by it.
        for slot in &slots {
            assert!(!slot.keys[0].contains(':'), "{}", slot.keys[0]);
            assert!(
                slot.keys[1..].iter().all(|k| k.contains(':')),
                "{:?}",
                slot.keys
            );
        }
    }
}
