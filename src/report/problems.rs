//! Problems found by `citykpi check`, as a table or JSON. It formats; it never checks.

use crate::error::WriteError;
use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use serde::Serialize;

use crate::diagnostic::{plural, Problems};

/// How `check` prints what it found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum ProblemFormat {
    /// A table, then a one-line summary.
    Table,
    /// `{"errors": N, "warnings": N, "problems": [...]}`.
    Json,
}

#[derive(Serialize)]
struct Report<'a> {
    errors: usize,
    warnings: usize,
    problems: &'a Problems,
}

pub fn render(
    problems: &Problems,
    format: ProblemFormat,
    what: &str,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    match format {
        ProblemFormat::Json => {
            let report = Report {
                errors: problems.errors(),
                warnings: problems.warnings(),
                problems,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        ProblemFormat::Table => {
            if problems.is_empty() {
                writeln!(out, "No problems found in {what}.")?;
                return Ok(());
            }
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
            table.set_header(["Severity", "Code", "Where", "Column", "Problem"]);
            for p in problems.iter() {
                table.add_row([
                    &p.severity.to_string(),
                    p.code.name(),
                    &p.location(),
                    p.column.as_deref().unwrap_or(""),
                    &p.message,
                ]);
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "{}, {} in {what}.",
                plural(problems.errors(), "error"),
                plural(problems.warnings(), "warning")
            )?;
        }
    }
    Ok(())
}
