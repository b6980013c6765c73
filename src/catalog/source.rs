//! Where definitions come from: the folder embedded in the binary, or a folder on disk.
//! This module reads files; it never parses them.

use std::collections::HashSet;
use std::path::Path;

use include_dir::{include_dir, Dir};

use crate::diagnostic::{Problem, ProblemCode, Problems};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/kpi-definitions");

/// A definition file: its path as shown to the user, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// Where the definitions come from.
#[derive(Debug, Clone)]
pub enum Definitions<'a> {
    Embedded,
    Dir(&'a Path),
}

pub(super) fn read_files(definitions: &Definitions) -> Result<Vec<SourceFile>, Problems> {
    let mut files = Vec::new();
    match definitions {
        Definitions::Embedded => {
            collect_embedded(&EMBEDDED, &mut files);
        }
        Definitions::Dir(root) => {
            let mut problems = Problems::default();
            if !root.is_dir() {
                problems.push(Problem::new(
                    ProblemCode::MissingFile,
                    root.display().to_string(),
                    "no such definitions folder; pass a folder that holds variables.toml, scoring.toml, taxonomy.toml and the KPI files",
                ));
                return Err(problems);
            }
            collect_dir(root, root, &mut files, &mut problems);
            if problems.has_errors() {
                return Err(problems);
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The embedded definitions, as files relative to the definitions folder.
pub fn embedded_files() -> Vec<SourceFile> {
    let mut files = Vec::new();
    collect_embedded(&EMBEDDED, &mut files);
    files
}

pub(super) fn collect_embedded(dir: &Dir<'_>, files: &mut Vec<SourceFile>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|e| e == "toml") {
            files.push(SourceFile {
                path: file.path().to_string_lossy().replace('\\', "/"),
                text: file.contents_utf8().unwrap_or_default().to_string(),
            });
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}

pub(super) fn collect_dir(
    root: &Path,
    dir: &Path,
    files: &mut Vec<SourceFile>,
    problems: &mut Problems,
) {
    let mut seen = HashSet::new();
    collect_dir_once(root, dir, &mut seen, files, problems);
}

/// Read the `.toml` files under `dir`; a folder reached twice (a symlink loop) is read once.
pub(super) fn collect_dir_once(
    root: &Path,
    dir: &Path,
    seen: &mut HashSet<std::path::PathBuf>,
    files: &mut Vec<SourceFile>,
    problems: &mut Problems,
) {
    if let Ok(real) = dir.canonicalize() {
        if !seen.insert(real) {
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Problem::new(
                ProblemCode::UnreadableFile,
                dir.display().to_string(),
                e.to_string(),
            ));
            return;
        }
    };
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => {
                problems.push(Problem::new(
                    ProblemCode::UnreadableFile,
                    dir.display().to_string(),
                    e.to_string(),
                ));
                continue;
            }
        };
        if path.is_dir() {
            collect_dir_once(root, &path, seen, files, problems);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let shown = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => files.push(SourceFile { path: shown, text }),
                Ok(Err(_)) => problems.push(Problem::new(
                    ProblemCode::NotUtf8,
                    shown,
                    "the file is not UTF-8 text; save it as UTF-8",
                )),
                Err(e) => problems.push(Problem::new(
                    ProblemCode::UnreadableFile,
                    shown,
                    e.to_string(),
                )),
            }
        }
    }
}
