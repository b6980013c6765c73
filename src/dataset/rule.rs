//! What a cell may hold: the kind of value and its valid range, decided once per field from
//! the catalogue, the same way for a variable and for a KPI a city reports directly, and
//! what the XLSX template's checks offer for it ([`accepted`]), from the same rule. It holds
//! rules; it never reads a value.

use super::csv_text::{ValueKind, NO, NOT_AVAILABLE, PARTIAL, YES};
use crate::catalog::{Kind, Measure, Variable};

/// What a variable's cell takes, as the loader's rule decides it: the words of a yes/no
/// variable (`yes`, `partial`, `no`) or the range of a number, and the words that mean "no
/// value" (`n/a`, `NR`, ...), which every cell takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The answers of a yes/no variable, in their first spelling; empty for a number.
    pub words: Vec<&'static str>,
    pub min: f64,
    pub max: f64,
    /// `0 to 100`, `>= 0`, `yes/partial/no`.
    pub range_text: String,
    /// The spellings of "no value", as the loader reads them (lower case, any case accepted).
    pub no_value: Vec<&'static str>,
}

/// What a cell of `variable` takes (the template's checks offer exactly this).
pub fn accepted(variable: &Variable) -> Accepted {
    Rule::variable(variable).accepted()
}

/// What a cell of a KPI's own figure (reported directly) takes, as the loader reads it.
pub fn accepted_figure(measure: &Measure) -> Accepted {
    Rule::reported(measure).accepted()
}

impl Rule {
    fn accepted(self) -> Accepted {
        let words = match self.kind {
            ValueKind::YesNo => vec![YES[0], NO[0]],
            ValueKind::YesPartialNo => vec![YES[0], PARTIAL[0], NO[0]],
            ValueKind::Number | ValueKind::Percent => Vec::new(),
        };
        Accepted {
            words,
            min: self.min,
            max: self.max,
            range_text: self.range_text,
            no_value: NOT_AVAILABLE
                .into_iter()
                .filter(|w| !w.is_empty())
                .collect(),
        }
    }
}

/// What a cell of one field may hold: its kind of value and valid range, the same for a
/// variable and for a KPI a city reports directly.
pub(super) struct Rule {
    pub(super) kind: ValueKind,
    pub(super) min: f64,
    pub(super) max: f64,
    /// `0 to 100`, `>= 0`, `yes/no`.
    pub(super) range_text: String,
    pub(super) unit: String,
    /// A variable (else a KPI's own value), for the conversions a variable declares.
    pub(super) variable: bool,
}

impl Rule {
    /// A variable's value; a yes/no principle that can be partly met takes partial too.
    pub(super) fn variable(v: &Variable) -> Rule {
        let (min, max) = v.range();
        let kind = match v.kind {
            Kind::Boolean if v.partial => ValueKind::YesPartialNo,
            kind => kind.into(),
        };
        Rule {
            kind,
            min,
            max,
            range_text: v.range_text(),
            unit: v.unit.clone(),
            variable: true,
        }
    }

    /// A KPI's own value: yes/partial/no for a yes/no KPI, 0-100 for a percentage, 0-1 for
    /// a share written `0-1`, else not negative; a definition's own `min`/`max` first.
    pub(super) fn reported(m: &Measure) -> Rule {
        let (kind, min, max, range_text) = if m.is_yes_no() {
            (
                ValueKind::YesPartialNo,
                0.0,
                1.0,
                "yes, partial or no".to_string(),
            )
        } else {
            let (kind, min, max) = match m.unit.as_str() {
                "%" => (ValueKind::Percent, 0.0, 100.0),
                "0-1" => (ValueKind::Number, 0.0, 1.0),
                _ => (ValueKind::Number, 0.0, f64::INFINITY),
            };
            let (min, max) = (m.min.unwrap_or(min), m.max.unwrap_or(max));
            let text = if max.is_infinite() {
                format!(">= {min}")
            } else {
                format!("{min} to {max}")
            };
            (kind, min, max, text)
        };
        Rule {
            kind,
            min,
            max,
            range_text,
            unit: m.unit.clone(),
            variable: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::dataset::csv_text::{is_not_available, parse_value};

    /// What the template offers is what the loader reads: every word offered parses (or is
    /// read as no value), `partial` only where the variable takes it, and the range is the
    /// rule's.
    #[test]
    fn the_template_offers_what_the_loader_reads() {
        let catalog = Catalog::embedded();
        let mut partial = Vec::new();
        for v in &catalog.variables {
            let rule = Rule::variable(v);
            let offered = accepted(v);
            for word in &offered.words {
                assert!(
                    parse_value(word, rule.kind, false).is_ok(),
                    "{} {word}",
                    v.id
                );
            }
            for word in &offered.no_value {
                assert!(is_not_available(word), "{word}");
                assert!(is_not_available(&word.to_uppercase()), "{word}");
            }
            let takes_partial = parse_value("partial", rule.kind, false).is_ok();
            assert_eq!(
                offered.words.contains(&"partial"),
                takes_partial,
                "{}",
                v.id
            );
            if takes_partial {
                partial.push(v.id.as_str());
            }
            assert_eq!((offered.min, offered.max), v.range());
        }
        assert_eq!(
            partial,
            [
                "spatial_plan_compact",
                "spatial_plan_connected",
                "spatial_plan_integrated",
                "spatial_plan_inclusive",
                "spatial_plan_resilient"
            ]
        );
    }
}
