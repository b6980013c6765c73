//! Formula text made safe for SQL engines: every division guarded against zero, `LN`,
//! `LOG10` and `SQRT` kept inside their domain, and a value that is not finite turned into
//! NULL, as the engine does. It rewrites text; it never runs a query.

use std::ops::ControlFlow;

use sqlparser::ast::{
    visit_expressions_mut, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

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
pub fn guard_divisions(formula: &str) -> Result<String, sqlparser::parser::ParserError> {
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
        Some(err) => Err(err),
        None => Ok(format!("CASE WHEN ({expr}) - ({expr}) = 0 THEN {expr} END")),
    }
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
