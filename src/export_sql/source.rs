//! The long table the script reads: its name and the names of its columns, as the user
//! gives them, and the check that they can be written into a script. It writes no SQL.

use sqlparser::ast::{Ident, SetExpr, Statement, TableFactor};
use sqlparser::dialect::{AnsiDialect, Dialect as SqlDialect, DuckDbDialect, SparkSqlDialect};
use sqlparser::keywords::{ALL_KEYWORDS, ALL_KEYWORDS_INDEX, RESERVED_FOR_TABLE_ALIAS};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use super::{Dialect, KPIS_VIEW, ROLLUPS_VIEW};

/// The names of the long table of observations and of its columns.
#[derive(Debug, Clone)]
pub struct Source {
    /// Written as given: `observations`, `lake.city_observations`, `"my obs"`.
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

/// A table or column name the script cannot be written with; the message says which and
/// what to give instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadName(pub String);

impl Source {
    /// The columns by the option that names them, the unit column last if there is one.
    pub fn columns(&self) -> Vec<(&'static str, &str)> {
        let mut columns = vec![
            ("--city-column", self.city.as_str()),
            ("--year-column", self.year.as_str()),
            ("--variable-column", self.variable.as_str()),
            ("--value-column", self.value.as_str()),
        ];
        columns.extend(self.unit.as_deref().map(|u| ("--unit-column", u)));
        columns
    }

    /// Check that every name can go into the script as it is meant: a column name is quoted
    /// by the script, so it may be anything but empty or hold a control character (a line
    /// break would end a comment of the script's header); the table is written as given, so
    /// it must be a table name in the dialect (quoted by the user where it needs quotes), and
    /// not one of the views the script makes.
    pub fn check(&self, dialect: Dialect) -> Result<(), BadName> {
        for (option, name) in self.columns() {
            if name.is_empty() {
                return Err(BadName(format!("{option} is empty; name the column")));
            }
            if name.chars().any(char::is_control) {
                return Err(BadName(format!(
                    "{option} {name:?} holds a control character (a tab or a line break); name the column without it"
                )));
            }
        }
        let table = self.table.as_str();
        let quote = match dialect {
            Dialect::Spark => "`my obs`",
            Dialect::Duckdb | Dialect::Ansi => "\"my obs\"",
        };
        let dialect_name: &str = dialect.into();
        let bad = || {
            BadName(format!(
                "--table {table:?} is not a table name in {dialect_name} SQL; write it as the engine needs it, with quotes around a part that has spaces or is a keyword ({quote}, lake.{quote})"
            ))
        };
        if table.trim().is_empty() {
            return Err(BadName(
                "--table is empty; name the table of observations".into(),
            ));
        }
        if table.chars().any(char::is_control) {
            return Err(bad());
        }
        let parser: Box<dyn SqlDialect> = match dialect {
            Dialect::Duckdb => Box::new(DuckDbDialect {}),
            Dialect::Spark => Box::new(SparkSqlDialect {}),
            Dialect::Ansi => Box::new(AnsiDialect {}),
        };
        let query = format!("SELECT 1 FROM {table}");
        let mut parser = Parser::new(parser.as_ref())
            .try_with_sql(&query)
            .map_err(|_| bad())?;
        let statement = parser.parse_statement().map_err(|_| bad())?;
        // One statement and nothing after it, not even a `;`.
        let (Statement::Query(parsed), Token::EOF) = (statement, parser.next_token().token) else {
            return Err(bad());
        };
        let SetExpr::Select(select) = parsed.body.as_ref() else {
            return Err(bad());
        };
        let [from] = select.from.as_slice() else {
            return Err(bad());
        };
        let TableFactor::Table {
            name, alias: None, ..
        } = &from.relation
        else {
            return Err(bad());
        };
        // Nothing but the name: no alias, no join, no clause after it.
        if parsed.to_string() != format!("SELECT 1 FROM {name}") {
            return Err(bad());
        }
        // A keyword left unquoted (`select`) is taken by the parser here, not by the engines.
        let keyword = |part: &Ident| {
            let upper = part.value.to_uppercase();
            part.quote_style.is_none()
                && ALL_KEYWORDS
                    .binary_search(&upper.as_str())
                    .is_ok_and(|i| RESERVED_FOR_TABLE_ALIAS.contains(&ALL_KEYWORDS_INDEX[i]))
        };
        if name.0.iter().filter_map(|p| p.as_ident()).any(keyword) {
            return Err(bad());
        }
        let last = name.0.last().map(ToString::to_string).unwrap_or_default();
        let last = last.trim_matches(['"', '`']);
        if [KPIS_VIEW, ROLLUPS_VIEW]
            .iter()
            .any(|view| view.eq_ignore_ascii_case(last))
            && name.0.len() == 1
        {
            return Err(BadName(format!(
                "--table {table}: the script makes views named {KPIS_VIEW} and {ROLLUPS_VIEW}, so the table of observations cannot have either name; rename it, or name it with its schema (lake.{table})"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_table(table: &str) -> Source {
        Source {
            table: table.into(),
            ..Source::default()
        }
    }

    #[test]
    fn table_names_are_checked_in_each_dialect() {
        for dialect in [Dialect::Duckdb, Dialect::Spark, Dialect::Ansi] {
            for good in ["observations", "lake.obs", "a.b.c", "year"] {
                assert_eq!(
                    with_table(good).check(dialect),
                    Ok(()),
                    "{good} {dialect:?}"
                );
            }
            for bad in [
                "",
                " ",
                "my obs",
                "select",
                "obs WHERE 1 = 1",
                "a, b",
                "obs;",
                "a\nb",
            ] {
                assert!(
                    with_table(bad).check(dialect).is_err(),
                    "{bad:?} {dialect:?}"
                );
            }
            for own in ["citykpi_kpis", "CITYKPI_ROLLUPS"] {
                let message = with_table(own).check(dialect).unwrap_err().0;
                assert!(message.contains("the script makes views"), "{message}");
            }
            assert_eq!(with_table("lake.citykpi_kpis").check(dialect), Ok(()));
        }
        assert_eq!(with_table("\"my obs\"").check(Dialect::Duckdb), Ok(()));
        assert_eq!(with_table("`my obs`").check(Dialect::Spark), Ok(()));
        assert_eq!(with_table("\"my obs\"").check(Dialect::Ansi), Ok(()));
    }

    #[test]
    fn column_names_may_be_anything_but_empty_or_with_a_control_character() {
        let source = Source {
            value: "my value; \"odd\" `name` --".into(),
            unit: Some("select".into()),
            ..Source::default()
        };
        assert_eq!(source.check(Dialect::Duckdb), Ok(()));
        let empty = Source {
            city: String::new(),
            ..Source::default()
        };
        assert_eq!(
            empty.check(Dialect::Spark),
            Err(BadName("--city-column is empty; name the column".into()))
        );
        let broken = Source {
            value: "x\nSELECT 42;".into(),
            ..Source::default()
        };
        assert!(broken
            .check(Dialect::Ansi)
            .unwrap_err()
            .0
            .starts_with("--value-column"));
    }
}
