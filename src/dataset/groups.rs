//! Peer groups for `compare`: which group each city belongs to, read from a column of a CSV
//! (a peers file `city,group`, or a column such as `region` of the data files). It reads
//! names only; it never reads a value.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostic::{Problem, ProblemCode};

/// City (lower case) -> group.
pub type Groups = HashMap<String, String>;

/// Add the groups of `path` (its `city` and `column` columns) to `groups`; a city given two
/// different groups is an error that names both lines.
pub fn read_groups(path: &Path, column: &str, groups: &mut Groups) -> Result<(), Problem> {
    let name = path.display().to_string();
    let problem = |message: String| Problem::new(ProblemCode::MissingColumn, &name, message);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| {
            Problem::new(
                ProblemCode::UnreadableFile,
                &name,
                format!("cannot read the file: {e}"),
            )
        })?;
    let header = reader
        .headers()
        .map_err(|e| problem(format!("cannot read the header: {e}")))?
        .clone();
    let find = |n: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n));
    let (Some(city_col), Some(group_col)) = (find("city"), find(column)) else {
        return Err(problem(format!(
            "the header has no `city` or no `{column}` column; the groups come from both"
        ))
        .at_line(1));
    };
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| problem(format!("{e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let city = record.get(city_col).unwrap_or("").trim();
        let group = record.get(group_col).unwrap_or("").trim();
        if city.is_empty() || group.is_empty() {
            continue;
        }
        let key = city.to_lowercase();
        match groups.get(&key) {
            Some(before) if before != group => {
                return Err(Problem::new(
                    ProblemCode::DuplicateConflict,
                    &name,
                    format!(
                        "{city} is in group \"{group}\" here but in \"{before}\" at line {}; give each city one group",
                        first_line.get(&key).copied().unwrap_or(0)
                    ),
                )
                .at_line(line as usize)
                .in_column(column));
            }
            Some(_) => {}
            None => {
                groups.insert(key.clone(), group.to_string());
                first_line.insert(key, line);
            }
        }
    }
    Ok(())
}
