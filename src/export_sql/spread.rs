//! Columns made into rows, in each dialect's own way and row by row, without a join: the
//! wide rows of KPI values into one row per KPI, and each KPI row into one per roll-up
//! level. DuckDB unnests lists, Spark `stack`s (a generator, which keeps the rows in the
//! partitions they are in), standard SQL joins each row to its own `VALUES` (`LATERAL`).
//! It writes SQL text; it never runs a query.

use super::{reported_column, Dialect};
use crate::catalog::Catalog;

/// One row per city, year and measure from the wide rows of `from`: `(city, year, position,
/// value, reported)`, the measure's position in the catalogue and its two columns.
pub(super) fn unpivot(catalog: &Catalog, d: Dialect, from: &str) -> String {
    let rows: Vec<Vec<String>> = catalog
        .measures()
        .enumerate()
        .map(|(i, (_, m))| {
            vec![
                (i + 1).to_string(),
                d.quote(&m.id),
                d.quote(&reported_column(m)),
            ]
        })
        .collect();
    spread(
        d,
        &d.from(from, "v"),
        &["city", "year"],
        &["position", "value", "reported"],
        &rows,
    )
}

/// `SELECT keep, names FROM from` with each row of `from` (a FROM item with an alias) made
/// into one row per entry of `rows` (expressions over its columns, one per name). Each
/// dialect's own way to turn columns into rows, row by row, without a join: DuckDB unnests
/// lists, Spark `stack`s, standard SQL joins each row to its own `VALUES` (`LATERAL`).
pub(super) fn spread(
    d: Dialect,
    from: &str,
    keep: &[&str],
    names: &[&str],
    rows: &[Vec<String>],
) -> String {
    let keep = keep.join(", ");
    match d {
        Dialect::Duckdb => {
            let lists: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(c, name)| {
                    let items: Vec<&str> = rows.iter().map(|r| r[c].as_str()).collect();
                    format!("UNNEST([{}]) AS {name}", items.join(", "))
                })
                .collect();
            format!(
                "SELECT {keep},\n    {}\n  FROM {from}",
                lists.join(",\n    ")
            )
        }
        Dialect::Spark => {
            let items: Vec<String> = rows.iter().map(|r| r.join(", ")).collect();
            format!(
                "SELECT {keep}, stack({}, {}) AS ({})\n  FROM {from}",
                rows.len(),
                items.join(", "),
                names.join(", ")
            )
        }
        Dialect::Ansi => {
            let values: Vec<String> = rows.iter().map(|r| format!("({})", r.join(", "))).collect();
            let picked: Vec<String> = names.iter().map(|n| format!("r.{n}")).collect();
            format!(
                "SELECT {keep}, {}\n  FROM {from} CROSS JOIN LATERAL (VALUES {}) AS r({})",
                picked.join(", "),
                values.join(", "),
                names.join(", ")
            )
        }
    }
}
