//! Every problem code is documented in docs/errors.md, once, with its severity; and every
//! code is produced by at least one test of the real binary (its snapshots show it).

use std::collections::BTreeSet;
use std::path::Path;

use citykpi::diagnostic::ProblemCode;
use strum::IntoEnumIterator;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `(code, severity)` of every row of the tables in docs/errors.md.
fn documented() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(root().join("docs/errors.md")).unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| {
            let mut cells = l.split('|');
            let code = cells
                .next()
                .unwrap()
                .trim()
                .trim_end_matches('`')
                .to_string();
            let severity = cells.next().unwrap_or("").trim().to_string();
            (code, severity)
        })
        .collect()
}

#[test]
fn every_problem_code_is_documented_once_with_its_severity() {
    let documented = documented();
    let names: BTreeSet<&str> = documented.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(names.len(), documented.len(), "a code is documented twice");
    let codes: BTreeSet<&str> = ProblemCode::iter().map(ProblemCode::name).collect();
    assert_eq!(names, codes, "docs/errors.md and ProblemCode differ");
    for (code, severity) in &documented {
        let code: ProblemCode = code.parse().unwrap();
        assert_eq!(severity, &code.severity().to_string(), "{code}");
    }
}

fn snapshots(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            snapshots(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "stdout" || e == "stderr" || e == "trycmd")
        {
            out.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
}

#[test]
fn every_problem_code_is_produced_by_a_cli_test() {
    let mut text = String::new();
    snapshots(&root().join("tests/cmd"), &mut text);
    let missing: Vec<&str> = ProblemCode::iter()
        .map(ProblemCode::name)
        .filter(|code| {
            !text.contains(&format!("[{code}]")) && !text.contains(&format!("┆ {code} "))
        })
        .collect();
    assert!(missing.is_empty(), "no CLI snapshot shows: {missing:?}");
}
