//! The catalogue as SQL, for data that lives in a warehouse or a lake.
//!
//! `citykpi export-sql` writes a script over a long table of observations `(city, year,
//! variable, value)`: a view `citykpi_kpis` with one row per city, year and KPI (or KPI
//! part) and the columns of `assess --format csv` that need no evidence trail (value and
//! status; with scoring also target, achievement, points and band), with scoring a view
//! `citykpi_rollups` of the U4SSC roll-ups, and last a `SELECT` of the KPI rows. Values
//! are read as the loader reads them ([`values`]), every formula is the catalogue's own
//! text in dependency order, and, as in the engine, no infinity or NaN is produced. This
//! module writes text; it never runs a query.

mod guard;
mod scoring;
mod source;
mod spread;
mod values;

use std::fmt::Write as _;
use std::io::Write;

pub use guard::guard_divisions;
pub use source::{BadName, Source};

use crate::catalog::{Catalog, Direction};
use crate::dataset::Targets;
use spread::{spread, unpivot};
use values::{long_input, reported_column, wide};

/// The SQL engines the export targets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum Dialect {
    Duckdb,
    Spark,
    /// Standard SQL (plus `replace`, `translate`, `GREATEST` and `LEAST`, which PostgreSQL,
    /// DuckDB, Spark, Oracle and SQL Server have; MySQL and SQLite lack `translate`).
    Ansi,
}

impl Dialect {
    /// The character that quotes a name: `"` in standard SQL and DuckDB, a backtick in Spark.
    fn quote_char(self) -> char {
        match self {
            Dialect::Spark => '`',
            Dialect::Duckdb | Dialect::Ansi => '"',
        }
    }

    fn quote(self, id: &str) -> String {
        let q = self.quote_char();
        format!("{q}{}{q}", id.replace(q, &format!("{q}{q}")))
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

    /// Text (trimmed) as a number, or NULL where it is not one (never an error), as the
    /// loader reads a file with a decimal point: `12.5`, `.5`, `1e3`, `1E3`, and
    /// commas only between groups of three digits (`1,234,567.5`); not `1_000`, `1 000`,
    /// `0x10`, `inf` or `12,5`, which an engine's own cast may take.
    fn number(self, text: &str) -> String {
        const PLAIN: &str = "[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?";
        const GROUPED: &str = "[+-]?[1-9][0-9]?[0-9]?(,[0-9][0-9][0-9])+([.][0-9]+)?";
        let matches = |pattern: &str| match self {
            Dialect::Duckdb => format!("regexp_full_match({text}, '{pattern}')"),
            Dialect::Spark => format!("{text} RLIKE '^({pattern})$'"),
            Dialect::Ansi => format!("{text} SIMILAR TO '{pattern}'"),
        };
        // Standard SQL has no TRY_CAST: the pattern lets only numbers through, but one beyond
        // a double's range (1e400, 1e-400) still stops the script on an engine that checks
        // it (PostgreSQL); DuckDB and Spark give no value, as the loader does for 1e400.
        let cast = |text: &str| match self {
            Dialect::Ansi => format!("CAST({text} AS {})", self.double()),
            Dialect::Duckdb | Dialect::Spark => format!("TRY_CAST({text} AS {})", self.double()),
        };
        let ungrouped = format!("replace({text}, ',', '')");
        format!(
            "CASE WHEN {} THEN {} WHEN {} THEN {} END",
            matches(PLAIN),
            cast(text),
            matches(GROUPED),
            cast(&ungrouped)
        )
    }

    /// `text` without the white space at its ends, as the loader trims it (Unicode's
    /// White_Space, [`WHITE_SPACE`]). DuckDB by a regular expression (its `trim` with a set of
    /// characters took ten times as long). Standard SQL cannot name a character by its code,
    /// and a line break inside a literal would split the script's lines, so there every white
    /// space but the line breaks (`\n`, `\r`, `\v`, `\f`, U+0085, U+2028, U+2029) is trimmed.
    fn trim_space(self, text: &str) -> String {
        match self {
            Dialect::Duckdb => {
                let class: String = WHITE_SPACE
                    .iter()
                    .map(|&c| format!("\\x{{{:x}}}", u32::from(c)))
                    .collect();
                // Most text starts and ends with a printable ASCII character, which no white
                // space is (all are below `!` or above `~`): only the rest runs the expression.
                let printable = |c: &str| format!("ord({c}) BETWEEN 33 AND 126");
                format!(
                    "CASE WHEN {} AND {} THEN {text} ELSE regexp_replace({text}, '^[{class}]+|[{class}]+$', '', 'g') END",
                    printable(text),
                    printable(&format!("({text})[-1]"))
                )
            }
            Dialect::Spark => {
                let escaped: String = WHITE_SPACE
                    .iter()
                    .map(|&c| format!("\\u{:04x}", u32::from(c)))
                    .collect();
                format!("trim(BOTH '{escaped}' FROM {text})")
            }
            Dialect::Ansi => {
                let plain: String = WHITE_SPACE
                    .iter()
                    .filter(|&&c| {
                        c == '\t' || (!c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}'))
                    })
                    .collect();
                let spaces = " ".repeat(plain.chars().count());
                format!("trim(translate({text}, '{plain}', '{spaces}'))")
            }
        }
    }

    /// `text` (a column: it is read three times) with the ASCII capitals in lower case and
    /// nothing else changed, as the loader compares words (`lower` would also turn `İ` into
    /// `i`). Text that `lower` leaves as it is has no capital to change: most text, at the
    /// cost of `lower` (`translate` took 25 times as long in DuckDB).
    fn ascii_lower(self, text: &str) -> String {
        format!("CASE WHEN {text} = lower({text}) THEN {text} ELSE translate({text}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') END")
    }

    fn view(self, name: &str) -> String {
        match self {
            Dialect::Ansi => format!("CREATE VIEW {name} AS"),
            Dialect::Duckdb | Dialect::Spark => {
                format!("CREATE OR REPLACE TEMPORARY VIEW {name} AS")
            }
        }
    }

    /// `name AS alias` in a FROM clause. In standard SQL behind `OFFSET 0 ROWS`, which keeps an
    /// engine that inlines subqueries (PostgreSQL) from copying every formula into every
    /// expression that reads it: measured on the sample cities, over 5 minutes without, 1 s with.
    fn from(self, name: &str, alias: &str) -> String {
        match self {
            Dialect::Ansi => format!("(SELECT * FROM {name} OFFSET 0 ROWS) AS {alias}"),
            Dialect::Duckdb | Dialect::Spark => format!("{name} AS {alias}"),
        }
    }

    /// A number as a typed SQL literal (a bare `95.0` is a DECIMAL in some engines).
    fn float(self, value: f64) -> String {
        format!("CAST({value:?} AS {})", self.double())
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
    /// The folder of the definitions as given to `--defs`, when they are not the embedded
    /// ones (for the script's header).
    pub defs: Option<&'a str>,
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
    Name(#[from] BadName),
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

/// The characters Rust's `str::trim`, and so the loader, trims: Unicode's White_Space.
const WHITE_SPACE: [char; 25] = [
    '\t', '\n', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}',
    '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}',
    '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}',
];

/// An option and its value as a shell takes them back: `--table lake.obs`, or quoted
/// after `=` (`--value-column='my value'`, `--table='-x'`).
fn arg(option: &str, value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || "._/:-".contains(c));
    match plain {
        true => format!("{option} {value}"),
        false => format!("{option}='{}'", value.replace('\'', "'\\''")),
    }
}

/// Text for a comment line of the script: a control character (a line break would end the
/// comment) becomes a space.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A string literal, on one line (a script's statements end at a line ending in `;`).
pub(super) fn string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''").replace(['\n', '\r'], " "))
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

/// Write the script for `catalog`.
pub fn write(catalog: &Catalog, options: &Options, out: &mut dyn Write) -> Result<(), ExportError> {
    options.source.check(options.dialect)?;
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
    let _ = writeln!(sql, "\nSELECT {columns}\nFROM {KPIS_VIEW};");
    out.write_all(sql.as_bytes())?;
    Ok(())
}

fn header(sql: &mut String, options: &Options) {
    let s = options.source;
    let dialect: &str = options.dialect.into();
    // The command that writes this script again: the options that are not the defaults.
    let mut words: Vec<String> = options.defs.map(|d| arg("--defs", d)).into_iter().collect();
    words.push(format!("export-sql --dialect {dialect}"));
    if options.scoring {
        words.push("--include-scoring".into());
    }
    words.extend(options.targets.map(|t| arg("--targets", &t.file)));
    let default = Source::default();
    if s.table != default.table {
        words.push(arg("--table", &s.table));
    }
    let defaults = default.columns();
    let changed = s.columns().into_iter().filter(|c| !defaults.contains(c));
    words.extend(changed.map(|(option, value)| arg(option, value)));
    if s.unit.is_none() {
        words.push("--no-unit-column".into());
    }
    let command = words.join(" ");
    let _ = writeln!(
        sql,
        "-- U4SSC KPIs, written by citykpi {} ({}).",
        env!("CARGO_PKG_VERSION"),
        comment(&command)
    );
    let read: Vec<&str> = s.columns().into_iter().map(|(_, name)| name).collect();
    let units = match &s.unit {
        Some(unit) => format!("values in the unit their row's {unit} names, converted to the catalogue's units as citykpi converts them"),
        None => "values in the catalogue's units (no column of units)".into(),
    };
    let _ = writeln!(
        sql,
        "-- Input: the long table {}({}), one value a row, {}.",
        comment(&s.table),
        comment(&read.join(", ")),
        comment(&units)
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
        "-- Statements end with ';' at the end of a line; the last one selects the KPI rows, in no set order\n-- (ORDER BY city, year, position gives citykpi's: sorting is left to who needs it, as it costs memory)."
    );
}

/// The `citykpi_kpis` view: values, then (with scoring) scores.
fn kpis_view(sql: &mut String, catalog: &Catalog, options: &Options) -> Result<(), ExportError> {
    let d = options.dialect;
    let q = |c: &str| d.quote(c);
    let _ = writeln!(sql, "\n{}", d.view(KPIS_VIEW));
    long_input(sql, catalog, options);
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
        let _ = writeln!(sql, "  FROM {}", d.from(&previous, "previous"));
        let _ = write!(sql, ")");
        previous = name;
    }
    let _ = writeln!(sql, ",");
    catalogue(sql, catalog, d);
    let _ = writeln!(sql, "long_values AS (");
    let _ = writeln!(
        sql,
        "  SELECT u.city, u.year, c.*, u.value, u.reported\n  FROM ({}) AS u\n  JOIN catalogue AS c ON c.position = u.position",
        unpivot(catalog, d, &previous)
    );
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
    let rows: Vec<String> = catalog
        .measures()
        .enumerate()
        .map(|(i, (kpi, m))| {
            let name = match &m.part_name {
                Some(part) => format!("{}: {part}", kpi.name),
                None => kpi.name.clone(),
            };
            let default_target = if m.is_yes_no() { Some(1.0) } else { m.target };
            let scored = m.scorable && m.direction != Direction::None;
            let direction: &str = m.direction.into();
            let tier: &str = kpi.tier.into();
            let origin = default_target.map(|_| match m.is_yes_no() || m.target_source.is_some() {
                true => "default",
                false => "default (citykpi's choice)",
            });
            let row = [
                (i + 1).to_string(),
                string(&kpi.code),
                optional_string(m.part.as_deref(), d),
                string(&name),
                string(tier),
                string(&kpi.dimension),
                string(&kpi.subdimension_code()),
                string(&kpi.category_code()),
                string(&m.unit),
                string(direction),
                optional_float(default_target, d),
                optional_string(m.target_source.as_deref().filter(|_| !m.is_yes_no()), d),
                optional_string(origin, d),
                optional_float(m.reference, d),
                i32::from(scored).to_string(),
                i32::from(m.is_yes_no()).to_string(),
            ];
            format!("({})", row.join(", "))
        })
        .collect();
    let columns = "position, code, part, name, tier, dimension, subdimension, category, unit, \
        direction, default_target, default_target_source, default_origin, reference, scorable, yes_no";
    values::literal_cte(sql, "catalogue", &rows, columns, d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_splits_into_its_statements_at_lines_ending_in_a_semicolon() {
        let catalog = crate::catalog::Catalog::embedded();
        for dialect in [Dialect::Duckdb, Dialect::Spark, Dialect::Ansi] {
            for scoring in [false, true] {
                let source = Source::default();
                let options = Options {
                    dialect,
                    source: &source,
                    scoring,
                    targets: None,
                    defs: None,
                };
                let mut out = Vec::new();
                write(&catalog, &options, &mut out).unwrap();
                let text = String::from_utf8(out).unwrap();
                let statements: Vec<&str> = text
                    .split_inclusive(";\n")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                let starts: Vec<&str> = statements
                    .iter()
                    .map(|s| {
                        let code = s
                            .lines()
                            .find(|l| !l.starts_with("--") && !l.trim().is_empty())
                            .unwrap_or("");
                        code.split_whitespace().next().unwrap_or("")
                    })
                    .collect();
                let expected = if scoring {
                    vec!["CREATE", "CREATE", "SELECT"]
                } else {
                    vec!["CREATE", "SELECT"]
                };
                assert_eq!(starts, expected, "{dialect:?}, scoring {scoring}");
                assert_eq!(text.matches(";\n").count(), expected.len());
            }
        }
    }

    #[test]
    fn identifiers_and_strings_are_quoted_for_each_dialect() {
        assert_eq!(Dialect::Spark.quote("a`b"), "`a``b`");
        assert_eq!(Dialect::Duckdb.quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(string("it's"), "'it''s'");
        assert_eq!(string("two;\nlines"), "'two; lines'");
    }

    #[test]
    fn white_space_is_what_the_loader_trims() {
        let every: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert_eq!(every, WHITE_SPACE);
    }

    #[test]
    fn each_dialect_names_every_white_space_character() {
        let duckdb = Dialect::Duckdb.trim_space("x");
        let spark = Dialect::Spark.trim_space("x");
        for c in WHITE_SPACE {
            assert!(
                duckdb.contains(&format!("\\x{{{:x}}}", u32::from(c))),
                "{c:?}"
            );
            assert!(spark.contains(&format!("\\u{:04x}", u32::from(c))), "{c:?}");
        }
        // Standard SQL: every one but the line breaks, as the characters themselves.
        let ansi = Dialect::Ansi.trim_space("x");
        assert!(ansi.contains('\t') && ansi.contains('\u{3000}') && !ansi.contains('\n'));
    }
}
