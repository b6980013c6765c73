//! What a cell may hold: the kind of value and its valid range, decided once per field from
//! the catalogue, the same way for a variable and for a KPI a city reports directly. It
//! holds rules; it never reads a value.

use super::csv_text::ValueKind;
use crate::catalog::{Measure, Variable};

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
    pub(super) fn variable(v: &Variable) -> Rule {
        let (min, max) = v.range();
        Rule {
            kind: v.kind.into(),
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
