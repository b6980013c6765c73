//! KPI formulas: SQL scalar expressions compiled to polars expressions.
//!
//! A formula is one SQL expression over variable ids and other KPIs' ids, so
//! the same text runs in polars here and in any SQL engine elsewhere. This
//! module parses and compiles a formula and finds, from the expression itself,
//! which names it reads and which of them sit in a denominator. It never does I/O
//! and knows nothing of the catalogue: checking that the names exist is the
//! catalogue's job.

mod shape;

use std::fmt;

use polars::prelude::{col, AggExpr, DataType, Expr, Float64Chunked, NewChunkedArray, Operator};
use sqlparser::dialect::GenericDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

pub use shape::MAX_DEPTH;

/// Functions a formula may call: scalar, row-wise ones only. Aggregates
/// (`SUM`, `AVG`, ...) would mix cities and years and are refused.
pub const ALLOWED_FUNCTIONS: &[&str] = &[
    "ABS", "CEIL", "CEILING", "COALESCE", "EXP", "FLOOR", "GREATEST", "IFNULL", "LEAST", "LN",
    "LOG10", "NULLIF", "POWER", "ROUND", "SQRT",
];

/// The column of nulls every frame a formula runs on has: a formula's `NULL` (and a `CASE`
/// without `ELSE`) reads it instead of a null literal. Polars makes a null literal, and a
/// `full_null` column, from an 8 MiB buffer of zeros it fills on first use: for a single
/// city that was an eighth of the whole run. A column built from options does not need it.
pub const NULL_COLUMN: &str = "null:";

/// A Float64 column of `rows` nulls, built without polars' shared buffer of zeros.
pub fn all_null(name: &str, rows: usize) -> Float64Chunked {
    Float64Chunked::from_iter_options(name.into(), std::iter::repeat_n(None, rows))
}

/// A compiled formula.
#[derive(Debug, Clone)]
pub struct Formula {
    pub text: String,
    /// The polars expression, cast to Float64.
    pub expr: Expr,
    /// Every name the formula reads, in order of first appearance.
    pub reads: Vec<String>,
    /// The names that appear in a divisor; a zero among them explains a missing value.
    pub denominators: Vec<String>,
}

/// Why a formula does not compile, with the column (1-based, in characters) it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaError {
    pub text: String,
    pub column: Option<usize>,
    pub message: String,
    pub kind: FormulaErrorKind,
}

/// What is wrong with a formula that does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormulaErrorKind {
    /// It does not parse, calls what it may not, or does not compile.
    Syntax,
    /// It nests deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(column) = self.column {
            let caret = " ".repeat(column.saturating_sub(1));
            write!(f, "\n  | {}\n  | {caret}^", self.text)?;
        }
        Ok(())
    }
}

impl std::error::Error for FormulaError {}

impl Formula {
    /// Parse and compile `text`.
    pub fn compile(text: &str) -> Result<Formula, FormulaError> {
        let error = |column: Option<usize>, message: String| FormulaError {
            text: text.to_string(),
            column,
            message,
            kind: FormulaErrorKind::Syntax,
        };
        if text.trim().is_empty() {
            return Err(error(None, "the formula is empty".into()));
        }
        check_tokens(text).map_err(|(column, message, kind)| FormulaError {
            kind,
            ..error(column, message)
        })?;
        let expr = polars::sql::sql_expr(text).map_err(|e| {
            let message = e.to_string();
            let message = message.trim_start_matches("SQL interface error: ");
            error(None, format!("the formula does not compile: {message}"))
        })?;
        if (&expr).into_iter().any(|e| match e {
            // `x IN (1, 2)` compiles to a membership test of an imploded list.
            Expr::Agg(AggExpr::Implode { .. }) => false,
            Expr::Agg(_) | Expr::Over { .. } => true,
            _ => false,
        }) {
            return Err(error(
                None,
                "aggregate and window functions are not allowed: a formula computes one city-year from its own inputs".into(),
            ));
        }
        let reads = column_names(&expr);
        let denominators = unique((&expr).into_iter().flat_map(|e| match e {
            Expr::BinaryExpr {
                op: Operator::TrueDivide | Operator::RustDivide | Operator::FloorDivide,
                right,
                ..
            } => column_names(right),
            _ => Vec::new(),
        }));
        let expr = expr.map_expr(|e| match e {
            Expr::Literal(value) if value.is_null() => col(NULL_COLUMN),
            e => e,
        });
        Ok(Formula {
            text: text.to_string(),
            expr: expr.cast(DataType::Float64),
            reads,
            denominators,
        })
    }
}

/// The columns an expression reads, in order of first appearance.
fn column_names(expr: &Expr) -> Vec<String> {
    unique(expr.into_iter().filter_map(|e| match e {
        Expr::Column(name) => Some(name.to_string()),
        _ => None,
    }))
}

fn unique(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Tokenize the formula, pointing at the first token that cannot be part of a
/// scalar expression: a bad character, a statement keyword, or a function
/// outside [`ALLOWED_FUNCTIONS`]; then check its shape (the grammar, and at most
/// [`MAX_DEPTH`] deep) in the same time, linear in its length.
fn check_tokens(text: &str) -> Result<(), (Option<usize>, String, FormulaErrorKind)> {
    let tokens = check_words(text)
        .map_err(|(column, message)| (column, message, FormulaErrorKind::Syntax))?;
    let tokens: Vec<&TokenWithSpan> = tokens.iter().collect();
    shape::check(&tokens, ALLOWED_FUNCTIONS).map_err(|e| (Some(e.column), e.message, e.kind))
}

/// The formula's tokens but white space, once none is a bad character, a statement
/// keyword, an unmatched parenthesis or a call of a function not allowed.
fn check_words(text: &str) -> Result<Vec<TokenWithSpan>, (Option<usize>, String)> {
    let tokens = Tokenizer::new(&GenericDialect {}, text)
        .tokenize_with_location()
        .map_err(|e| {
            (
                Some(e.location.column as usize),
                format!("the formula does not parse: {}", e.message),
            )
        })?;
    let significant: Vec<TokenWithSpan> = tokens
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let mut open: Vec<usize> = Vec::new();
    for (i, token) in significant.iter().enumerate() {
        let column = Some(token.span.start.column as usize);
        match &token.token {
            Token::LParen => open.push(token.span.start.column as usize),
            Token::RParen if open.pop().is_none() => {
                return Err((column, "the formula does not parse: unmatched ')'".into()));
            }
            Token::SemiColon => {
                return Err((
                    column,
                    "the formula does not parse: ';' is not allowed in an expression".into(),
                ))
            }
            Token::Word(word) if word.quote_style.is_none() => {
                let upper = word.value.to_ascii_uppercase();
                if matches!(
                    upper.as_str(),
                    "SELECT" | "FROM" | "WHERE" | "GROUP" | "ORDER" | "LIMIT"
                ) {
                    return Err((
                        column,
                        format!("the formula does not parse: `{}` is not allowed; a formula is one expression, not a query", word.value),
                    ));
                }
                // `CASE WHEN (a > 0)`, `a AND (b OR c)`, `NOT (a)`, `x IN (1, 2)`: syntax
                // before a parenthesis, not a call.
                let syntax = matches!(
                    upper.as_str(),
                    "CASE"
                        | "WHEN"
                        | "THEN"
                        | "ELSE"
                        | "AND"
                        | "OR"
                        | "NOT"
                        | "IN"
                        | "IS"
                        | "BETWEEN"
                        | "LIKE"
                        | "NULL"
                        | "END"
                        | "AS"
                );
                let is_call = !syntax
                    && matches!(
                        significant.get(i + 1).map(|t| &t.token),
                        Some(Token::LParen)
                    );
                let empty_call = is_call
                    && matches!(
                        significant.get(i + 2).map(|t| &t.token),
                        Some(Token::RParen)
                    );
                if empty_call && ALLOWED_FUNCTIONS.contains(&upper.as_str()) {
                    return Err((
                        column,
                        format!("`{}()` needs at least one argument", word.value),
                    ));
                }
                if is_call && !ALLOWED_FUNCTIONS.contains(&upper.as_str()) {
                    return Err((
                        column,
                        format!(
                            "unknown or disallowed function `{}`; allowed: {}",
                            word.value,
                            ALLOWED_FUNCTIONS.join(", ")
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    if let Some(&column) = open.last() {
        return Err((
            Some(column),
            "the formula does not parse: this '(' is never closed".into(),
        ));
    }
    Ok(significant)
}

/// Evaluate `expr` on a frame of no rows whose `columns` are Float64: a formula that
/// compiles but cannot run (text added to a number, a number used as a condition) fails
/// here, with polars' reason, instead of in the middle of an assessment.
pub fn dry_run(expr: &Expr, columns: &[&str]) -> Result<(), String> {
    use polars::prelude::{DataFrame, IntoColumn, IntoLazy};
    let frame_columns: Vec<polars::prelude::Column> = columns
        .iter()
        .chain(std::iter::once(&NULL_COLUMN))
        .map(|name| all_null(name, 0).into_column())
        .collect();
    let frame = DataFrame::new(0, frame_columns).map_err(|e| e.to_string())?;
    frame
        .lazy()
        .select([expr.clone().alias("__dry_run")])
        .collect()
        .map(|_| ())
        .map_err(|e| {
            let message = e.to_string();
            message.lines().next().unwrap_or_default().to_string()
        })
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;

    fn eval(text: &str, columns: &[(&str, Vec<Option<f64>>)]) -> Vec<Option<f64>> {
        let formula = Formula::compile(text).unwrap();
        let rows = columns.first().map_or(1, |(_, values)| values.len());
        let series: Vec<Column> = columns
            .iter()
            .map(|(name, values)| Column::new((*name).into(), values.clone()))
            .chain(std::iter::once(all_null(NULL_COLUMN, rows).into_column()))
            .collect();
        let df = DataFrame::new_infer_height(series).unwrap();
        let out = df
            .lazy()
            .select([formula.expr.alias("out")])
            .collect()
            .unwrap();
        out.column("out").unwrap().f64().unwrap().iter().collect()
    }

    #[test]
    fn precedence_follows_sql() {
        let cols = [
            ("a", vec![Some(2.0)]),
            ("b", vec![Some(3.0)]),
            ("c", vec![Some(4.0)]),
        ];
        assert_eq!(eval("a + b * c", &cols), vec![Some(14.0)]);
        assert_eq!(eval("(a + b) * c", &cols), vec![Some(20.0)]);
        assert_eq!(eval("100 * a / c", &cols), vec![Some(50.0)]);
        assert_eq!(eval("a - b - c", &cols), vec![Some(-5.0)]);
    }

    #[test]
    fn functions_evaluate_row_by_row() {
        let cols = [
            ("a", vec![Some(2.0), None]),
            ("b", vec![Some(0.0), Some(5.0)]),
        ];
        assert_eq!(eval("COALESCE(a, b)", &cols), vec![Some(2.0), Some(5.0)]);
        assert_eq!(eval("GREATEST(a, b)", &cols)[0], Some(2.0));
        assert_eq!(eval("LEAST(a, b)", &cols)[0], Some(0.0));
        assert_eq!(eval("a / NULLIF(b, 0)", &cols), vec![None, None]);
        assert_eq!(eval("ROUND(a / 3, 2)", &cols)[0], Some(0.67));
        assert_eq!(
            eval("CASE WHEN b > 1 THEN 1 ELSE 0 END", &cols),
            vec![Some(0.0), Some(1.0)]
        );
    }

    #[test]
    fn reads_and_denominators_come_from_the_expression() {
        let f = Formula::compile("100000 * (police_officers + police_staff) / population").unwrap();
        assert_eq!(f.reads, ["police_officers", "police_staff", "population"]);
        assert_eq!(f.denominators, ["population"]);
        let f = Formula::compile("100 * a / (b + c)").unwrap();
        assert_eq!(f.denominators, ["b", "c"]);
        let f = Formula::compile("COALESCE(x, 0)").unwrap();
        assert_eq!(f.reads, ["x"]);
        assert!(f.denominators.is_empty());
    }

    #[test]
    fn division_by_zero_is_not_finite_and_left_to_the_engine() {
        let cols = [("a", vec![Some(1.0)]), ("b", vec![Some(0.0)])];
        let value = eval("a / b", &cols)[0].unwrap();
        assert!(!value.is_finite());
    }

    #[test]
    fn parse_errors_point_at_the_column() {
        let err = Formula::compile("100 * a / b)").unwrap_err();
        assert_eq!(err.column, Some(12));
        assert_eq!(
            err.to_string(),
            "the formula does not parse: unmatched ')'\n  | 100 * a / b)\n  |            ^"
        );
        let err = Formula::compile("SUM(a) / b").unwrap_err();
        assert_eq!(err.column, Some(1));
        assert!(err
            .message
            .starts_with("unknown or disallowed function `SUM`"));
        assert!(Formula::compile("a +").is_err());
        // polars-sql 0.55 panics on GREATEST() and LEAST(); they are refused first.
        let err = Formula::compile("GREATEST() + 1").unwrap_err();
        assert_eq!(err.message, "`GREATEST()` needs at least one argument");
        assert!(Formula::compile("").is_err());
        assert!(Formula::compile("SELECT a FROM t").is_err());
    }

    #[test]
    fn keywords_before_a_parenthesis_are_syntax_not_calls() {
        for text in [
            "CASE WHEN (a > 0) THEN 1 ELSE 0 END",
            "CASE WHEN a > 0 THEN (a / b) ELSE 0 END",
            "CASE WHEN a > 0 AND (b > 0 OR c > 0) THEN 1 ELSE 0 END",
            "CASE WHEN NOT (a > b) THEN 1 ELSE 0 END",
            "CASE WHEN a IN (1, 2) THEN 1 ELSE 0 END",
        ] {
            Formula::compile(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
        assert!(Formula::compile("SUM(a)").is_err());
        let column = [("a", vec![Some(1.0), Some(3.0), Some(2.0)])];
        assert_eq!(
            eval("CASE WHEN a IN (1, 2) THEN 1 ELSE 0 END", &column),
            vec![Some(1.0), Some(0.0), Some(1.0)]
        );
        assert_eq!(
            eval(
                "CASE WHEN NOT (a > 2) AND (a > 1 OR a < 2) THEN 1 ELSE 0 END",
                &column
            ),
            vec![Some(1.0), Some(0.0), Some(1.0)]
        );
    }

    #[test]
    fn a_dry_run_catches_what_compiles_but_cannot_run() {
        let good = Formula::compile("100 * a / b").unwrap();
        assert_eq!(dry_run(&good.expr, &["a", "b"]), Ok(()));
        let text = Formula::compile("a + 'x'").unwrap();
        assert!(dry_run(&text.expr, &["a"]).is_err());
    }
}
