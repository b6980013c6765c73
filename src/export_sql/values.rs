//! Reading the long table as `assess` reads its data: each row's value as a number, a yes/no
//! word or nothing, converted from its unit, then one row per city-year with every variable
//! and every KPI a city reports directly, each checked (one value, finite, in range, a part
//! not above its whole). It writes SQL text; it never runs a query.

use std::fmt::Write as _;

use super::{string, Dialect, Options};
use crate::catalog::{Catalog, Kind, Measure, Variable};
use crate::dataset::{NO, PARTIAL, YES};

pub(super) fn reported_column(measure: &Measure) -> String {
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

/// `('a', 'b')`: the words as an SQL list.
fn list(words: &[&str]) -> String {
    let words: Vec<String> = words.iter().map(|w| string(w)).collect();
    format!("({})", words.join(", "))
}

/// The values a long row's text may give, computed once per row: a number (`number`), a
/// percentage that may carry a `%` sign (`percent_number`), yes/no and yes/partial/no. Only
/// the columns named are read from the table, so that no other column of it can take the
/// place of one the script makes.
pub(super) fn long_input(sql: &mut String, options: &Options) {
    let d = options.dialect;
    let s = options.source;
    let (t, q) = (d.text(), |c: &str| d.quote(c));
    let read: Vec<&str> = s.columns().into_iter().map(|(_, name)| name).collect();
    // City and variable are trimmed as the loader trims them (the unit key below drops
    // spaces only); the variable's id is compared in ASCII lower case, as the loader does.
    let trimmed = |column: &str| d.trim_space(&format!("CAST({} AS {t})", q(column)));
    // The value's text, trimmed and in lower case, under a name none of the columns read has.
    let mut text = "value_text".to_string();
    while read.iter().any(|c| c.eq_ignore_ascii_case(&text)) {
        text.push('_');
    }
    let text = q(&text);
    let _ = writeln!(sql, "WITH long_input AS (");
    let _ = writeln!(
        sql,
        "  SELECT {} AS city, CAST({} AS INTEGER) AS year,",
        trimmed(&s.city),
        q(&s.year)
    );
    let _ = writeln!(
        sql,
        "    {} AS variable_id,",
        d.ascii_lower(&trimmed(&s.variable))
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
    // A `%` at the end (and the space before it) is read only for a percentage.
    let percent = format!("{text} LIKE '%!%' ESCAPE '!'");
    let stripped = d.trim_space(&format!(
        "SUBSTRING({text} FROM 1 FOR CHAR_LENGTH({text}) - 1)"
    ));
    let _ = writeln!(
        sql,
        "    CASE WHEN {percent} THEN {} ELSE {} END AS percent_number,",
        d.number(&stripped),
        d.number(&text)
    );
    let _ = writeln!(
        sql,
        "    CASE WHEN {percent} THEN NULL ELSE {} END AS number,",
        d.number(&text)
    );
    let (one, zero, half) = (d.float(1.0), d.float(0.0), d.float(0.5));
    let (yes, no) = (list(&YES), list(&NO));
    let _ = writeln!(
        sql,
        "    CASE WHEN {text} IN {yes} THEN {one} WHEN {text} IN {no} THEN {zero} END AS yes_no,"
    );
    let _ = writeln!(
        sql,
        "    CASE WHEN {text} IN {yes} THEN {one} WHEN {text} IN {no} THEN {zero} WHEN {text} IN {} THEN {half} END AS yes_partial_no",
        list(&PARTIAL)
    );
    let columns: Vec<String> = read.iter().map(|&c| q(c)).collect();
    let _ = writeln!(
        sql,
        "  FROM (SELECT {}, {} AS {text} FROM {}) AS observations_text",
        columns.join(", "),
        d.ascii_lower(&d.trim_space(&format!("CAST({} AS {t})", q(&s.value)))),
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
pub(super) fn wide(sql: &mut String, catalog: &Catalog, options: &Options) {
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
        let value = match v.kind {
            // A principle that can be partly met takes partial, as the loader's rule does.
            Kind::Boolean if v.partial => "yes_partial_no",
            Kind::Boolean => "yes_no",
            Kind::Percent => "percent_number",
            Kind::Count | Kind::Amount | Kind::Ratio => "number",
        };
        let value = match units {
            true => format!("{value} * {}", unit_factor(catalog, Some(v), &v.unit, d)),
            false => value.to_string(),
        };
        aggregate(&v.id, &format!("variable_id = {}", string(&v.id)), &value);
    }
    for (_, m) in catalog.measures() {
        // As the loader's rule for a KPI's own value (`dataset::rule`).
        let value = match (m.is_yes_no(), m.unit.as_str()) {
            (true, _) => "yes_partial_no",
            (false, "%") => "percent_number",
            (false, _) => "number",
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
}
