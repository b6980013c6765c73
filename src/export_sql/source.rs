//! The long table the script reads: its name and the names of its columns, as the user
//! gives them, and the check that they can be written into a script. It writes no SQL.

use sqlparser::keywords::ALL_KEYWORDS;

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
    /// The column of units (default `unit`, as `assess` reads it), or none when the table has
    /// none: values are converted as `assess` converts them, and a unit that does not
    /// convert gives no value.
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
            unit: Some("unit".into()),
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
        if table.trim().is_empty() {
            return Err(BadName(
                "--table is empty; name the table of observations".into(),
            ));
        }
        let quote = dialect.quote_char();
        // Spark's names have no `$`.
        let dollar = dialect != Dialect::Spark;
        let dialect_name: &str = dialect.into();
        let Some(last) = last_part(table, quote, dollar) else {
            return Err(BadName(format!(
                "--table {table:?} is not a table name the script can be written with in {dialect_name} SQL: give names of letters, digits and _ joined by dots (lake.obs), and quote a part that has other characters or is an SQL keyword ({quote}my obs{quote}, lake.{quote}data{quote})"
            )));
        };
        if [KPIS_VIEW, ROLLUPS_VIEW]
            .iter()
            .any(|view| view.eq_ignore_ascii_case(&last))
        {
            return Err(BadName(format!(
                "--table {table}: the script makes views named {KPIS_VIEW} and {ROLLUPS_VIEW}, so the table of observations cannot be called either; rename the table, or give a view of it another name"
            )));
        }
        Ok(())
    }
}

/// The last part of a table name, if the name is one: parts joined by dots, each a plain
/// name (a letter or `_`, then letters, digits, `_` and, where `dollar`, `$`; not an SQL
/// keyword) or quoted with
/// `quote` (a quote inside doubled; no control character). Anything else (a space, a
/// comment, a `;`) could change the script around it.
fn last_part(table: &str, quote: char, dollar: bool) -> Option<String> {
    let mut chars = table.chars().peekable();
    loop {
        let mut part = String::new();
        if chars.next_if_eq(&quote).is_some() {
            loop {
                match chars.next()? {
                    c if c == quote && chars.next_if_eq(&quote).is_none() => break,
                    c if c.is_control() => return None,
                    c => part.push(c),
                }
            }
            if part.is_empty() {
                return None;
            }
        } else {
            while let Some(c) =
                chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_' || (dollar && *c == '$'))
            {
                part.push(c);
            }
            let first = part.chars().next()?;
            let keyword = ALL_KEYWORDS
                .binary_search(&part.to_ascii_uppercase().as_str())
                .is_ok();
            if !(first.is_ascii_alphabetic() || first == '_') || keyword {
                return None;
            }
        }
        match chars.next() {
            None => return Some(part),
            Some('.') => continue,
            Some(_) => return None,
        }
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
            for good in ["observations", "lake.obs", "a.b.c", "_x", "obs_2024"] {
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
                "desc",
                "lake.order",
                "year",
                "obs WHERE 1 = 1",
                "a, b",
                "obs;",
                "a\nb",
                "obs -- note",
                "obs--c",
                "obs/*c*/",
                "1abc",
                "a..b",
                "a.",
                ".a",
                "ümlaut",
            ] {
                assert!(
                    with_table(bad).check(dialect).is_err(),
                    "{bad:?} {dialect:?}"
                );
            }
            for own in ["citykpi_kpis", "CITYKPI_ROLLUPS", "lake.citykpi_kpis"] {
                let message = with_table(own).check(dialect).unwrap_err().0;
                assert!(message.contains("the script makes views"), "{message}");
            }
        }
        for (dialect, good, bad) in [
            (Dialect::Duckdb, "lake.\"my obs\"", "`my obs`"),
            (Dialect::Ansi, "\"a\"\"b\".\"select\"", "lake.`x`"),
            (Dialect::Spark, "`my obs`.`a``b`", "\"my obs\""),
        ] {
            assert_eq!(with_table(good).check(dialect), Ok(()), "{good}");
            assert!(with_table(bad).check(dialect).is_err(), "{bad}");
        }
        assert_eq!(with_table("a$b").check(Dialect::Duckdb), Ok(()));
        assert!(with_table("a$b").check(Dialect::Spark).is_err());
        assert!(with_table("\"\"").check(Dialect::Duckdb).is_err());
        assert!(with_table("\"open").check(Dialect::Duckdb).is_err());
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
