//! The catalogue as one SQL query, for data that outgrows one machine.
//!
//! `citykpi export-sql` writes a query over a long table
//! `(city, year, variable, value)`: a pivot to one row per city-year, then
//! every KPI as a column expression, in dependency order, using the
//! catalogue's own formula text. As in the engine, no infinity or NaN is
//! produced: divisions are guarded with `NULLIF(d, 0)`, logarithms and square
//! roots outside their domain give NULL, and a value that is not finite
//! becomes NULL. The query runs unchanged in DuckDB or Spark SQL. This module
//! writes text; it never runs a query.

use std::io::Write;
use std::ops::ControlFlow;

use sqlparser::ast::{
    visit_expressions_mut, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

use crate::catalog::{Catalog, Kind, Measure};

/// The SQL engines the export targets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum Dialect {
    Duckdb,
    Spark,
}

impl Dialect {
    fn quote(self, id: &str) -> String {
        match self {
            Dialect::Duckdb => format!("\"{}\"", id.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", id.replace('`', "``")),
        }
    }

    fn text_type(self) -> &'static str {
        match self {
            Dialect::Duckdb => "VARCHAR",
            Dialect::Spark => "STRING",
        }
    }
}

fn parse_expr(text: &str) -> Result<Expr, sqlparser::parser::ParserError> {
    Parser::new(&GenericDialect {})
        .try_with_sql(text)?
        .parse_expr()
}

/// The formula as SQL that, like the engine, never yields an error or a value that is not
/// finite where polars gives none: every divisor `d` becomes `NULLIF(d, 0)`, the argument of
/// `LN`/`LOG10` must be positive and that of `SQRT` not negative (else NULL, where some
/// engines raise an error), and the whole is NULL unless finite (`v - v = 0` holds for
/// finite numbers only, in every dialect).
pub fn guard_divisions(formula: &str) -> anyhow::Result<String> {
    let mut expr = parse_expr(formula)?;
    let mut failure = None;
    let _ = visit_expressions_mut(&mut expr, |e| {
        let guarded = match e {
            Expr::BinaryOp {
                op: BinaryOperator::Divide,
                right,
                ..
            } => Some((right.as_mut(), "NULLIF({x}, 0)")),
            Expr::Function(f) => {
                let domain = match f.name.to_string().to_ascii_uppercase().as_str() {
                    "LN" | "LOG10" => Some("CASE WHEN {x} > 0 THEN {x} END"),
                    "SQRT" => Some("CASE WHEN {x} >= 0 THEN {x} END"),
                    _ => None,
                };
                match (&mut f.args, domain) {
                    (FunctionArguments::List(list), Some(domain)) => match list.args.first_mut() {
                        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))) => {
                            Some((arg, domain))
                        }
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some((x, template)) = guarded {
            match parse_expr(&template.replace("{x}", &x.to_string())) {
                Ok(new) => *x = new,
                Err(err) => failure = Some(err),
            }
        }
        ControlFlow::<()>::Continue(())
    });
    match failure {
        Some(err) => Err(err.into()),
        None => Ok(format!("CASE WHEN ({expr}) - ({expr}) = 0 THEN {expr} END")),
    }
}

fn sql_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn reported_column(measure: &Measure) -> String {
    format!("reported__{}", measure.id)
}

/// Write the query for `catalog` over the long table `table`.
pub fn write(
    catalog: &Catalog,
    dialect: Dialect,
    table: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let q = |id: &str| dialect.quote(id);
    writeln!(
        out,
        "-- U4SSC KPIs as one query, written by citykpi {} (export-sql --dialect {}).",
        env!("CARGO_PKG_VERSION"),
        <&str>::from(dialect)
    )?;
    writeln!(
        out,
        "-- Input: a long table {table}(city, year, variable, value), as citykpi reads it."
    )?;
    writeln!(
        out,
        "-- Output: one row per city and year, one column per KPI (or KPI part), named by its id."
    )?;
    writeln!(
        out,
        "-- As in citykpi, a division by zero, a logarithm or root outside its domain and any value that is not finite give NULL."
    )?;
    writeln!(out, "WITH long_input AS (")?;
    writeln!(
        out,
        "  SELECT trim(CAST(city AS {t})) AS city, CAST(year AS INTEGER) AS year,",
        t = dialect.text_type()
    )?;
    writeln!(
        out,
        "    lower(trim(CAST(variable AS {t}))) AS variable_id,",
        t = dialect.text_type()
    )?;
    writeln!(
        out,
        "    upper(replace(CAST(variable AS {t}), ' ', '')) AS variable_code,",
        t = dialect.text_type()
    )?;
    writeln!(
        out,
        "    lower(trim(CAST(value AS {t}))) AS value_text",
        t = dialect.text_type()
    )?;
    writeln!(out, "  FROM {table}")?;
    writeln!(out, "),")?;
    writeln!(out, "wide AS (")?;
    writeln!(out, "  SELECT city, year")?;
    for v in &catalog.variables {
        let value = if v.kind == Kind::Boolean {
            "CASE WHEN value_text IN ('yes', 'y', 'true', '1') THEN 1.0 WHEN value_text IN ('no', 'n', 'false', '0') THEN 0.0 END".to_string()
        } else {
            "TRY_CAST(value_text AS DOUBLE)".to_string()
        };
        writeln!(
            out,
            "    , MAX(CASE WHEN variable_id = {} THEN {value} END) AS {}",
            sql_string(&v.id),
            q(&v.id)
        )?;
    }
    for (_, m) in catalog.measures() {
        writeln!(
            out,
            "    , MAX(CASE WHEN variable_code = {} OR variable_id = {} THEN TRY_CAST(value_text AS DOUBLE) END) AS {}",
            sql_string(&m.key.to_uppercase()),
            sql_string(&m.id),
            q(&reported_column(m))
        )?;
    }
    writeln!(out, "  FROM long_input")?;
    writeln!(out, "  GROUP BY city, year")?;
    write!(out, ")")?;

    // Layers: a KPI comes after every KPI it reads.
    let mut previous = "wide".to_string();
    for (layer, measures) in catalog.layers().into_iter().enumerate() {
        let name = format!("layer_{}", layer + 1);
        writeln!(out, ",")?;
        writeln!(out, "{name} AS (")?;
        writeln!(out, "  SELECT *")?;
        for m in measures {
            let formula = guard_divisions(&m.formula.text)?;
            writeln!(
                out,
                "    , COALESCE({}, CAST(({formula}) AS DOUBLE)) AS {}",
                q(&reported_column(m)),
                q(&m.id)
            )?;
        }
        writeln!(out, "  FROM {previous}")?;
        write!(out, ")")?;
        previous = name;
    }
    writeln!(out)?;
    writeln!(out, "SELECT city, year")?;
    for (_, m) in catalog.measures() {
        writeln!(out, "  , {}", q(&m.id))?;
    }
    writeln!(out, "FROM {previous}")?;
    writeln!(out, "ORDER BY city, year;")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisions_are_guarded() {
        let finite = |x: &str| format!("CASE WHEN ({x}) - ({x}) = 0 THEN {x} END");
        assert_eq!(
            guard_divisions("100 * a / b").unwrap(),
            finite("100 * a / NULLIF(b, 0)")
        );
        assert_eq!(
            guard_divisions("a / (b + c) / d").unwrap(),
            finite("a / NULLIF((b + c), 0) / NULLIF(d, 0)")
        );
        assert_eq!(
            guard_divisions("COALESCE(a, 0)").unwrap(),
            finite("COALESCE(a, 0)")
        );
        assert_eq!(
            guard_divisions("LN(b - 50) + SQRT(c)").unwrap(),
            finite("LN(CASE WHEN b - 50 > 0 THEN b - 50 END) + SQRT(CASE WHEN c >= 0 THEN c END)")
        );
    }
}
