//! Peer groups for `compare`: which group each city belongs to, read from a column of a CSV
//! (a peers file `city,group`, or a column such as `region` of the data files) through the
//! same text layer as data files (delimiter, encoding, line ends, errors at their line). It
//! reads names only; it never reads a value.

use std::collections::HashMap;
use std::path::Path;

use super::csv_text::{self, TextOptions};
use super::rows::each_row;
use crate::diagnostic::{Problem, ProblemCode};

/// City (lower case) -> group.
pub type Groups = HashMap<String, String>;

/// Add the groups of `path` (its `city` and `column` columns) to `groups`; a city given two
/// different groups is an error that names both lines.
pub fn read_groups(
    path: &Path,
    column: &str,
    options: &TextOptions,
    groups: &mut Groups,
) -> Result<(), Problem> {
    let name = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|e| {
        Problem::new(
            ProblemCode::UnreadableFile,
            &name,
            format!("cannot read the file: {e}"),
        )
    })?;
    let table = csv_text::open(input, options, &name)?;
    let find = |n: &str| table.header.iter().position(|h| h.eq_ignore_ascii_case(n));
    let (Some(city_col), Some(group_col)) = (find("city"), find(column)) else {
        return Err(Problem::new(
            ProblemCode::MissingColumn,
            &name,
            format!("the header has no `city` or no `{column}` column; the groups come from both"),
        )
        .at_line(table.header_line));
    };
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut conflict = None;
    let stopped = each_row(table, &name, |record, line| {
        let city = record.get(city_col).unwrap_or("").trim();
        let group = record.get(group_col).unwrap_or("").trim();
        if city.is_empty() || group.is_empty() || conflict.is_some() {
            return;
        }
        let key = super::name_key(city).into_owned();
        match groups.get(&key) {
            Some(before) if before != group => {
                conflict = Some(
                    Problem::new(
                        ProblemCode::DuplicateConflict,
                        &name,
                        format!(
                            "{city} is in group \"{group}\" here but in \"{before}\" at line {}; give each city one group",
                            first_line.get(&key).copied().unwrap_or(0)
                        ),
                    )
                    .at_line(line)
                    .in_column(column),
                );
            }
            Some(_) => {}
            None => {
                groups.insert(key.clone(), group.to_string());
                first_line.insert(key, line);
            }
        }
    });
    match conflict.or(stopped) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}
