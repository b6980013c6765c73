//! Where data comes from: a CSV file, standard input, bytes already in memory, a workbook
//! sheet or a Parquet file. It opens them and names them; it never parses what it reads.

use std::io::Read;
use std::path::{Path, PathBuf};

/// File extensions read as workbooks (the first sheet, or `file.xlsx#Sheet`).
pub const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// A dataset source: a path, or `-` for standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    /// Text already in memory, with the name to show in messages.
    Bytes(String, Vec<u8>),
    /// A workbook and the sheet to read (the first when none is named).
    Workbook(PathBuf, Option<String>),
    /// A Parquet file.
    Parquet(PathBuf),
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

impl Input {
    /// `-` is standard input; `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and `.ods` are workbooks,
    /// with `#Sheet name` after the extension to pick a sheet; `.parquet` is Parquet; any
    /// other path is CSV text. A path that exists as given is never split at a `#`.
    pub fn parse(arg: &str) -> Input {
        if arg == "-" {
            return Input::Stdin;
        }
        let path = PathBuf::from(arg);
        if has_extension(&path, &WORKBOOK_EXTENSIONS) {
            return Input::Workbook(path, None);
        }
        if has_extension(&path, &["parquet", "pq"]) {
            return Input::Parquet(path);
        }
        if !path.exists() {
            for (at, _) in arg.match_indices('#') {
                let file = Path::new(&arg[..at]);
                if has_extension(file, &WORKBOOK_EXTENSIONS) {
                    return Input::Workbook(file.to_path_buf(), Some(arg[at + 1..].to_string()));
                }
            }
        }
        Input::File(path)
    }

    /// The name in messages: the path, with `#Sheet` when a sheet was named.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(path) | Input::Parquet(path) | Input::Workbook(path, None) => {
                path.display().to_string()
            }
            Input::Workbook(path, Some(sheet)) => format!("{}#{sheet}", path.display()),
            Input::Bytes(name, _) => name.clone(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::File(path) | Input::Workbook(path, _) | Input::Parquet(path) => Some(path),
            _ => None,
        }
    }

    /// Open CSV text. A workbook or Parquet file is read as typed cells instead
    /// (`super::tabular`), so opening one here reads its bytes as they are.
    pub(super) fn open(&self) -> std::io::Result<Box<dyn Read + Send + '_>> {
        Ok(match self {
            Input::Stdin => Box::new(std::io::stdin()),
            Input::File(path) | Input::Workbook(path, _) | Input::Parquet(path) => {
                Box::new(std::fs::File::open(path)?)
            }
            Input::Bytes(_, bytes) => Box::new(bytes.as_slice()),
        })
    }

    /// The size in bytes of the CSV text, where known (for the progress bar): not for
    /// standard input, nor for a workbook or Parquet file before it is turned into text.
    pub fn byte_len(&self) -> Option<u64> {
        match self {
            Input::Stdin | Input::Workbook(..) | Input::Parquet(_) => None,
            Input::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Input::Bytes(_, bytes) => Some(bytes.len() as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_and_sheets_are_recognised() {
        assert_eq!(Input::parse("-"), Input::Stdin);
        assert_eq!(Input::parse("a.csv"), Input::File("a.csv".into()));
        assert_eq!(
            Input::parse("a.XLSX"),
            Input::Workbook("a.XLSX".into(), None)
        );
        assert_eq!(
            Input::parse("dir/a.xlsx#Data 2024"),
            Input::Workbook("dir/a.xlsx".into(), Some("Data 2024".into()))
        );
        assert_eq!(
            Input::parse("a.xlsx#x#y"),
            Input::Workbook("a.xlsx".into(), Some("x#y".into()))
        );
        assert_eq!(
            Input::parse("a.parquet"),
            Input::Parquet("a.parquet".into())
        );
        assert_eq!(Input::parse("a#b.csv"), Input::File("a#b.csv".into()));
        assert_eq!(Input::parse("a.xlsx#S").name(), "a.xlsx#S");
    }
}
