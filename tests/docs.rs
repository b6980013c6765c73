//! Every problem code the source can report is documented in docs/errors.md, once.

use std::collections::BTreeSet;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(path).unwrap());
        }
    }
}

/// Codes are the first string literal passed to an `error(` or `warning(` constructor.
fn codes_in_source() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut codes = BTreeSet::new();
    for text in files {
        for marker in ["error(", "warning("] {
            for (i, _) in text.match_indices(marker) {
                let rest = text[i + marker.len()..].trim_start();
                let Some(literal) = rest.strip_prefix('"') else {
                    continue;
                };
                let code: String = literal.chars().take_while(|c| *c != '"').collect();
                if !code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    codes.insert(code);
                }
            }
        }
    }
    codes
}

#[test]
fn every_problem_code_is_documented_once() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .unwrap();
    let documented: Vec<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| l.split('`').next().unwrap().to_string())
        .collect();
    let unique: BTreeSet<String> = documented.iter().cloned().collect();
    assert_eq!(unique.len(), documented.len(), "a code is documented twice");
    let used = codes_in_source();
    assert!(used.len() > 30, "the scan found the codes: {used:?}");
    let undocumented: Vec<&String> = used.difference(&unique).collect();
    assert!(
        undocumented.is_empty(),
        "undocumented codes: {undocumented:?}"
    );
    let unused: Vec<&String> = unique.difference(&used).collect();
    assert!(
        unused.is_empty(),
        "documented but never reported: {unused:?}"
    );
}
