//! The arguments of `citykpi export-sql`: the dialect, scoring and targets, and the names of
//! the input table and its columns. It declares arguments; it never runs anything.

use std::path::PathBuf;

use clap::Args;

use super::args::names;
use citykpi::export_sql::Dialect;

#[derive(Debug, Args)]
pub struct ExportSqlArgs {
    /// The SQL dialect: duckdb, spark or ansi (standard SQL).
    #[arg(long, value_parser = names::<Dialect>(), default_value = "duckdb")]
    pub dialect: Dialect,
    /// Also each value's target, achievement, points and band, and the view citykpi_rollups.
    #[arg(long)]
    pub include_scoring: bool,
    /// Targets that replace the defaults (with --include-scoring), as for `assess --targets`.
    #[arg(long, value_name = "FILE", requires = "include_scoring")]
    pub targets: Option<PathBuf>,
    /// Write the script to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The long table of observations the script reads (written as given, e.g. schema.table
    /// or "my obs"; not citykpi_kpis or citykpi_rollups, the views the script makes).
    #[arg(long, default_value = "observations", help_heading = "Input table")]
    pub table: String,
    /// Its column of city names.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "city",
        help_heading = "Input table"
    )]
    pub city_column: String,
    /// Its column of years.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "year",
        help_heading = "Input table"
    )]
    pub year_column: String,
    /// Its column of variable ids (or KPI codes, for values reported directly).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "variable",
        help_heading = "Input table"
    )]
    pub variable_column: String,
    /// Its column of values (text or numbers).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "value",
        help_heading = "Input table"
    )]
    pub value_column: String,
    /// Its column of units, read by default as `assess` reads a `unit` column: values are
    /// converted as `assess` converts them, an empty unit is the catalogue's, and a unit that
    /// does not convert gives no value. A table without this column stops the script in the
    /// engine (column not found): then give --no-unit-column.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "unit",
        help_heading = "Input table"
    )]
    pub unit_column: String,
    /// The table has no column of units: every value is in the catalogue's units.
    #[arg(long, conflicts_with = "unit_column", help_heading = "Input table")]
    pub no_unit_column: bool,
}

impl ExportSqlArgs {
    /// The column of units the script reads, if any.
    pub fn units(&self) -> Option<String> {
        (!self.no_unit_column).then(|| self.unit_column.clone())
    }
}
