//! `citykpi diff` as a table, CSV or JSON: one line per change; JSON keeps numbers as
//! numbers (a score `65.5`, a coverage `{"computed": 36, "defined": 55}`). It formats the
//! changes; it never computes.

use crate::error::WriteError;
use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;

use crate::diff::{text, Change};

const HEADER: [&str; 6] = ["city", "years", "kpi", "what", "old", "new"];

fn cells(c: &Change) -> [String; 6] {
    let years = if c.years.0 == c.years.1 {
        c.years.1.to_string()
    } else {
        format!("{} -> {}", c.years.0, c.years.1)
    };
    [
        c.city.clone(),
        years,
        c.key.clone(),
        c.what.to_string(),
        text(&c.old),
        text(&c.new),
    ]
}

/// Render `changes` as `table`, `csv` or `json`.
pub fn render(changes: &[Change], format: &str, out: &mut dyn Write) -> Result<(), WriteError> {
    match format {
        "csv" => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(HEADER.iter().chain(&["regression"]))?;
            for c in changes {
                let mut row = cells(c)
                    .map(|s| super::neutralise(&s).into_owned())
                    .to_vec();
                row.push(c.is_regression().to_string());
                writer.write_record(row)?;
            }
            writer.flush()?;
        }
        "json" => {
            let rows: Vec<serde_json::Value> = changes
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "city": c.city, "old_year": c.years.0, "new_year": c.years.1,
                        "kpi": c.key, "what": c.what, "old": &c.old, "new": &c.new,
                        "regression": c.is_regression(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        _ => {
            if changes.is_empty() {
                writeln!(out, "No changes.")?;
                return Ok(());
            }
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
            table.set_header(["City", "Years", "KPI", "What", "Old", "New"]);
            for c in changes {
                let mut row = cells(c);
                if c.is_regression() {
                    row[5].push_str(" (fell)");
                }
                table.add_row(row);
            }
            writeln!(out, "{table}")?;
            let fell = changes.iter().filter(|c| c.is_regression()).count();
            writeln!(out, "{} changes; {fell} KPIs fell a band.", changes.len())?;
        }
    }
    Ok(())
}
