//! The shape of a formula, checked in one pass over its tokens before an SQL parser sees
//! it: the grammar formulas are written in (docs/definitions.md, "Formulas") and how deep
//! the expression nests. sqlparser, under polars' `sql_expr`, parses some garbled nestings
//! twice at every level (`NOT (NOT (... x +`, `CEIL(CEIL(... x +`): 20 levels took seconds,
//! 24 over a minute. And every pass over a deep expression tree (parsing, compiling,
//! evaluating) recurses once per level, so a long enough formula overflowed the stack. Here
//! each token is read once, the recursion stops at [`MAX_DEPTH`], and a formula that
//! passes is one sqlparser parses in one go.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::FormulaErrorKind;

/// How deep a formula may nest: a name or a number is one level, and each parenthesis,
/// function call, `CASE`, operator and sign adds one (`a + b + c` is 3 deep, `ROUND(100 * a
/// / b, 1)` 4). sqlparser refuses 50 levels of parentheses; this stays below that, and far
/// below the depth at which a pass over the expression overflowed the stack (about 160).
pub const MAX_DEPTH: usize = 40;

/// Why a formula's shape is refused: the column (1-based) and what to do.
#[derive(Debug)]
pub(super) struct ShapeError {
    pub column: usize,
    pub message: String,
    pub kind: FormulaErrorKind,
}

/// Binding strength of the binary operators, as sqlparser's generic dialect has them.
const OR: u8 = 5;
const AND: u8 = 10;
const NOT: u8 = 15;
const IS: u8 = 17;
const LIKE: u8 = 19;
const COMPARE: u8 = 20;
const ADD: u8 = 30;
const MULTIPLY: u8 = 40;
const SIGN: u8 = 50;

/// Check the formula's tokens (white space left out): one expression of the grammar, at
/// most [`MAX_DEPTH`] deep. `functions` are the calls allowed.
pub(super) fn check(tokens: &[&TokenWithSpan], functions: &[&str]) -> Result<(), ShapeError> {
    let mut shape = Shape {
        tokens,
        at: 0,
        functions,
    };
    shape.expression(0, 1)?;
    match shape.peek() {
        None => Ok(()),
        Some(token) => Err(shape.syntax(
            token,
            format!(
                "`{}` cannot follow the expression before it; join the two with an operator",
                token.token
            ),
        )),
    }
}

struct Shape<'a> {
    tokens: &'a [&'a TokenWithSpan],
    at: usize,
    functions: &'a [&'a str],
}

/// A word in upper case, if the token is an unquoted word.
fn word(token: &Token) -> Option<String> {
    match token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

impl<'a> Shape<'a> {
    fn peek(&self) -> Option<&'a TokenWithSpan> {
        self.tokens.get(self.at).copied()
    }

    fn peek_word(&self) -> Option<String> {
        self.peek().and_then(|t| word(&t.token))
    }

    fn next(&mut self) -> Option<&'a TokenWithSpan> {
        let token = self.peek();
        self.at += 1;
        token
    }

    fn syntax(&self, token: &TokenWithSpan, message: String) -> ShapeError {
        ShapeError {
            column: token.span.start.column as usize,
            message: format!("the formula does not parse: {message}"),
            kind: FormulaErrorKind::Syntax,
        }
    }

    /// The column of the end of the formula (after its last token).
    fn end(&self) -> usize {
        self.tokens.last().map_or(1, |t| t.span.end.column as usize)
    }

    fn ended(&self, expected: &str) -> ShapeError {
        ShapeError {
            column: self.end(),
            message: format!("the formula does not parse: it ends where {expected} should be"),
            kind: FormulaErrorKind::Syntax,
        }
    }

    fn too_deep(&self, column: usize) -> ShapeError {
        ShapeError {
            column,
            message: format!(
                "the formula nests more than {MAX_DEPTH} levels deep here (a name or a number is one level and each parenthesis, function call, CASE, operator and sign adds one: `a + b + c` is 3 deep); write it with fewer levels, or move a piece of it into a KPI part (scored = false) that it reads"
            ),
            kind: FormulaErrorKind::TooDeep,
        }
    }

    /// `depth` levels are allowed at `column`, else the formula is too deep.
    fn allow(&self, depth: usize, column: usize) -> Result<usize, ShapeError> {
        match depth <= MAX_DEPTH {
            true => Ok(depth),
            false => Err(self.too_deep(column)),
        }
    }

    fn expect(&mut self, expected: &Token, what: &str) -> Result<(), ShapeError> {
        match self.next() {
            Some(t) if &t.token == expected => Ok(()),
            Some(t) => Err(self.syntax(t, format!("expected {what}, found `{}`", t.token))),
            None => Err(self.ended(what)),
        }
    }

    fn expect_word(&mut self, expected: &str, what: &str) -> Result<(), ShapeError> {
        match self.next() {
            Some(t) if word(&t.token).as_deref() == Some(expected) => Ok(()),
            Some(t) => Err(self.syntax(t, format!("expected {what}, found `{}`", t.token))),
            None => Err(self.ended(what)),
        }
    }

    /// An expression whose operators bind more tightly than `weaker`, starting `level` deep;
    /// its depth.
    fn expression(&mut self, weaker: u8, level: usize) -> Result<usize, ShapeError> {
        let mut depth = self.operand(level)?;
        while let Some(token) = self.peek() {
            let column = token.span.start.column as usize;
            let upper = word(&token.token);
            // `NOT` before IN, BETWEEN or LIKE negates them.
            let negated = upper.as_deref() == Some("NOT")
                && matches!(
                    self.tokens
                        .get(self.at + 1)
                        .and_then(|t| word(&t.token))
                        .as_deref(),
                    Some("IN" | "BETWEEN" | "LIKE" | "ILIKE")
                );
            let operator = if negated {
                self.tokens.get(self.at + 1).and_then(|t| word(&t.token))
            } else {
                upper
            };
            let strength = match (&token.token, operator.as_deref()) {
                (_, Some("OR")) => OR,
                (_, Some("AND")) => AND,
                (_, Some("IS")) => IS,
                (_, Some("LIKE" | "ILIKE")) => LIKE,
                (_, Some("IN" | "BETWEEN")) => COMPARE,
                (
                    Token::Eq
                    | Token::DoubleEq
                    | Token::Neq
                    | Token::Lt
                    | Token::Gt
                    | Token::LtEq
                    | Token::GtEq,
                    _,
                ) => COMPARE,
                (Token::Plus | Token::Minus, _) => ADD,
                (Token::Mul | Token::Div | Token::Mod, _) => MULTIPLY,
                _ => break,
            };
            if strength <= weaker {
                break;
            }
            self.at += if negated { 2 } else { 1 };
            let right = match operator.as_deref() {
                Some("IS") => {
                    if self.peek_word().as_deref() == Some("NOT") {
                        self.at += 1;
                    }
                    match self.next() {
                        Some(t)
                            if matches!(
                                word(&t.token).as_deref(),
                                Some("NULL" | "TRUE" | "FALSE")
                            ) =>
                        {
                            0
                        }
                        Some(t) => {
                            return Err(self.syntax(
                                t,
                                format!(
                                    "expected NULL, TRUE or FALSE after IS, found `{}`",
                                    t.token
                                ),
                            ));
                        }
                        None => return Err(self.ended("NULL, TRUE or FALSE")),
                    }
                }
                Some("IN") => {
                    self.expect(&Token::LParen, "`(` and a list of values after IN")?;
                    let list = self.list(level + 1)?;
                    self.expect(&Token::RParen, "`)` to close the list after IN")?;
                    list
                }
                Some("BETWEEN") => {
                    let low = self.expression(COMPARE, level + 1)?;
                    self.expect_word("AND", "AND between the bounds of BETWEEN")?;
                    low.max(self.expression(COMPARE, level + 1)?)
                }
                _ => self.expression(strength, level + 1)?,
            };
            depth = self.allow(depth.max(right) + 1, column)?;
        }
        Ok(depth)
    }

    /// Expressions separated by commas (at least one); the depth of the deepest.
    fn list(&mut self, level: usize) -> Result<usize, ShapeError> {
        let mut depth = self.expression(0, level)?;
        while matches!(self.peek().map(|t| &t.token), Some(Token::Comma)) {
            self.at += 1;
            depth = depth.max(self.expression(0, level)?);
        }
        Ok(depth)
    }

    /// A value, a name, a call, a parenthesis, a CASE or a signed operand, `level` deep.
    fn operand(&mut self, level: usize) -> Result<usize, ShapeError> {
        let Some(token) = self.next() else {
            return Err(self.ended("a value"));
        };
        let column = token.span.start.column as usize;
        self.allow(level, column)?;
        let nested = |shape: &mut Self, depth: Result<usize, ShapeError>| {
            depth.and_then(|d| shape.allow(d + 1, column))
        };
        match &token.token {
            Token::Number(..) | Token::SingleQuotedString(_) => Ok(1),
            Token::LParen => {
                let inner = self.expression(0, level + 1);
                let depth = nested(self, inner)?;
                self.expect(&Token::RParen, "`)`")?;
                Ok(depth)
            }
            Token::Minus | Token::Plus => {
                let inner = self.expression(SIGN, level + 1);
                nested(self, inner)
            }
            Token::Word(w) if w.quote_style.is_some() => Ok(1),
            Token::Word(w) => {
                let upper = w.value.to_ascii_uppercase();
                match upper.as_str() {
                    "NULL" | "TRUE" | "FALSE" => Ok(1),
                    "NOT" => {
                        let inner = self.expression(NOT, level + 1);
                        nested(self, inner)
                    }
                    "CASE" => {
                        let inner = self.case(level + 1);
                        nested(self, inner)
                    }
                    "WHEN" | "THEN" | "ELSE" | "END" | "AND" | "OR" | "IN" | "IS" | "BETWEEN"
                    | "LIKE" | "ILIKE" | "AS" => Err(self.syntax(
                        token,
                        format!(
                            "expected a value, a name, a function or `(`, found `{}`",
                            w.value
                        ),
                    )),
                    _ if self.functions.contains(&upper.as_str())
                        && matches!(self.peek().map(|t| &t.token), Some(Token::LParen)) =>
                    {
                        self.at += 1;
                        let arguments = self.list(level + 1);
                        let depth = nested(self, arguments)?;
                        self.expect(&Token::RParen, "`)` to close the call")?;
                        Ok(depth)
                    }
                    _ => Ok(1),
                }
            }
            other => Err(self.syntax(
                token,
                format!("expected a value, a name, a function or `(`, found `{other}`"),
            )),
        }
    }

    /// After `CASE`: an optional operand, `WHEN ... THEN ...` at least once, an optional
    /// `ELSE`, and `END`; the depth of the deepest part.
    fn case(&mut self, level: usize) -> Result<usize, ShapeError> {
        let mut depth = 0;
        if self.peek_word().as_deref() != Some("WHEN") {
            depth = self.expression(0, level)?;
        }
        self.expect_word("WHEN", "WHEN after CASE")?;
        loop {
            depth = depth.max(self.expression(0, level)?);
            self.expect_word("THEN", "THEN after the condition of WHEN")?;
            depth = depth.max(self.expression(0, level)?);
            match self.peek_word().as_deref() {
                Some("WHEN") => self.at += 1,
                Some("ELSE") => {
                    self.at += 1;
                    depth = depth.max(self.expression(0, level)?);
                    self.expect_word("END", "END to close the CASE")?;
                    return Ok(depth);
                }
                _ => {
                    self.expect_word("END", "WHEN, ELSE or END in the CASE")?;
                    return Ok(depth);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlparser::dialect::GenericDialect;
    use sqlparser::tokenizer::Tokenizer;

    use super::*;
    use crate::formula::ALLOWED_FUNCTIONS;

    fn shape(text: &str) -> Result<(), ShapeError> {
        let tokens = Tokenizer::new(&GenericDialect {}, text)
            .tokenize_with_location()
            .unwrap();
        let significant: Vec<&TokenWithSpan> = tokens
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .collect();
        check(&significant, ALLOWED_FUNCTIONS)
    }

    /// The depth of `text`: the least limit it passes.
    fn depth(text: &str) -> usize {
        shape(text).unwrap();
        let tokens = Tokenizer::new(&GenericDialect {}, text)
            .tokenize_with_location()
            .unwrap();
        let significant: Vec<&TokenWithSpan> = tokens
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .collect();
        let mut shape = Shape {
            tokens: &significant,
            at: 0,
            functions: ALLOWED_FUNCTIONS,
        };
        shape.expression(0, 1).unwrap()
    }

    #[test]
    fn depth_counts_every_level_of_the_tree() {
        assert_eq!(depth("a"), 1);
        assert_eq!(depth("a + b + c"), 3);
        assert_eq!(depth("a + b * c"), 3);
        assert_eq!(depth("ROUND(100 * a / b, 1)"), 4);
        assert_eq!(depth("(a)"), 2);
        assert_eq!(depth("-a"), 2);
        assert_eq!(depth("CASE WHEN a > 0 THEN 1 ELSE 0 END"), 3);
        assert_eq!(depth("NOT a IS NULL"), 3);
    }

    #[test]
    fn the_grammar_of_formulas_passes() {
        for text in [
            "100000 * (police_officers + police_staff) / population",
            "CASE WHEN a IN (1, 2) THEN 1 WHEN a NOT IN (3) THEN 2 ELSE 0 END",
            "CASE a WHEN 1 THEN 2 END",
            "CASE WHEN a BETWEEN 1 AND 2 AND b NOT BETWEEN 3 AND 4 THEN 1 END",
            "CASE WHEN a IS NOT NULL OR b IS NULL THEN -a ELSE +b END",
            "CASE WHEN NOT (a > b) AND c <> d AND c != d AND e == f THEN 1 END",
            "COALESCE(a, b, 0) % 7 - LEAST(a, GREATEST(b, c))",
            "a + 'x'",
            "\"quoted name\" * 2",
            "CASE WHEN t LIKE 'x%' OR t NOT LIKE 'y' THEN TRUE ELSE FALSE END",
        ] {
            shape(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
        }
    }

    #[test]
    fn what_is_outside_the_grammar_is_refused_at_its_column() {
        for (text, column, message) in [
            (
                "a b",
                3,
                "`b` cannot follow the expression before it; join the two with an operator",
            ),
            (
                "a + * b",
                5,
                "expected a value, a name, a function or `(`, found `*`",
            ),
            ("a +", 4, "it ends where a value should be"),
            (
                "CASE WHEN a THEN b",
                19,
                "it ends where WHEN, ELSE or END in the CASE should be",
            ),
            (
                "CASE a THEN b END",
                8,
                "expected WHEN after CASE, found `THEN`",
            ),
            (
                "a IS 3",
                6,
                "expected NULL, TRUE or FALSE after IS, found `3`",
            ),
            (
                "a IN 3",
                6,
                "expected `(` and a list of values after IN, found `3`",
            ),
            (
                "a BETWEEN 1 OR 2",
                13,
                "expected AND between the bounds of BETWEEN, found `OR`",
            ),
            (
                "NOT (NOT (x +))",
                14,
                "expected a value, a name, a function or `(`, found `)`",
            ),
            (
                "WHEN",
                1,
                "expected a value, a name, a function or `(`, found `WHEN`",
            ),
            (
                "a AS b",
                3,
                "`AS` cannot follow the expression before it; join the two with an operator",
            ),
        ] {
            let error = shape(text).unwrap_err();
            assert_eq!(
                (error.column, error.message.as_str(), error.kind),
                (
                    column,
                    format!("the formula does not parse: {message}").as_str(),
                    FormulaErrorKind::Syntax
                ),
                "{text}"
            );
        }
    }

    /// Each way of nesting, at the limit and one beyond: at the limit the formula also
    /// compiles in polars; beyond, it is refused where it goes too deep.
    #[test]
    fn nesting_beyond_the_limit_is_refused_and_up_to_it_compiles() {
        type Make = fn(usize) -> String;
        let nestings: [(&str, Make); 6] = [
            ("parentheses", |n| {
                format!("{}a{}", "(".repeat(n - 1), ")".repeat(n - 1))
            }),
            ("calls", |n| {
                format!("{}a{}", "ROUND(".repeat(n - 1), ", 1)".repeat(n - 1))
            }),
            ("signs", |n| format!("{}a", "- ".repeat(n - 1))),
            ("a chain", |n| vec!["a"; n].join(" + ")),
            ("right-nested", |n| {
                format!(
                    "{}a{}",
                    "a - (".repeat((n - 1) / 2),
                    ")".repeat((n - 1) / 2)
                )
            }),
            ("CASE", |n| {
                let inner = n - 2; // the innermost condition, `a > 0`, is 2 deep
                format!(
                    "{}a{}",
                    "CASE WHEN a > 0 THEN ".repeat(inner),
                    " END".repeat(inner)
                )
            }),
        ];
        for (what, make) in nestings {
            let at_limit = make(MAX_DEPTH);
            assert!(depth(&at_limit) <= MAX_DEPTH, "{what}: {at_limit}");
            crate::formula::Formula::compile(&at_limit)
                .unwrap_or_else(|e| panic!("{what} at the limit: {e}"));
            let beyond = make(MAX_DEPTH + 2);
            let error = shape(&beyond).unwrap_err();
            assert_eq!(error.kind, FormulaErrorKind::TooDeep, "{what}");
            assert!(
                error.message.contains("more than 40 levels"),
                "{}",
                error.message
            );
        }
    }

    /// Garbled and deep: refused without sqlparser ever seeing it (it took minutes there).
    #[test]
    fn a_long_garbled_formula_is_refused_by_its_shape() {
        let text = format!("{}x +{}", "NOT (".repeat(2000), ")".repeat(2000));
        assert!(text.len() > 10_000);
        let error = crate::formula::Formula::compile(&text).unwrap_err();
        assert_eq!(error.kind, FormulaErrorKind::TooDeep);
        let garbled = format!("{}x +{}", "CEIL(".repeat(30), ")".repeat(30));
        let error = crate::formula::Formula::compile(&garbled).unwrap_err();
        assert_eq!(error.kind, FormulaErrorKind::Syntax);
        assert_eq!(error.column, Some(154));
    }
}
