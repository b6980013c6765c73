//! `citykpi check defs` on pathological formulas: a garbled or deeply nested formula is one
//! problem at its line, found in one pass over its text (no timing here: bench/formula_lint.py
//! measures; before, `NOT (` twenty deep around a garbled end took seconds to minutes, and a
//! 10 KB sum overflowed the stack and aborted).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The chain fixture's definitions with the formula of its first KPI (kpis/a-share.toml,
/// line 8) replaced by `formula`; `check defs --format json` on them: exit code and the
/// problems of that file.
fn check_defs_with(formula: &str) -> (Option<i32>, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    copy_dir(Path::new("tests/fixtures/chain-defs"), &defs);
    let kpi = defs.join("kpis/a-share.toml");
    let text = std::fs::read_to_string(&kpi).unwrap();
    let quoted = serde_json::to_string(formula).unwrap();
    let text: Vec<String> = text
        .lines()
        .map(|line| match line.starts_with("formula = ") {
            true => format!("formula = {quoted}"),
            false => line.to_string(),
        })
        .collect();
    assert_eq!(text[7], format!("formula = {quoted}"));
    std::fs::write(&kpi, text.join("\n") + "\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args([
            "--defs",
            defs.to_str().unwrap(),
            "check",
            "defs",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["file"] == "kpis/a-share.toml")
        .cloned()
        .collect();
    (out.status.code(), problems)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The message after the formula's key, and the caret's column.
fn message_and_caret(problem: &Value) -> (String, usize) {
    let message = problem["message"].as_str().unwrap();
    let (first, rest) = message.split_once('\n').unwrap();
    let caret = rest.lines().nth(1).unwrap();
    (
        first
            .trim_start_matches("formula of EC:ICT:ICT:1C: ")
            .to_string(),
        caret.trim_start_matches("  | ").len(),
    )
}

const TOO_DEEP: &str = "the formula nests more than 40 levels deep here (a name or a number is one level and each parenthesis, function call, CASE, operator and sign adds one: `a + b + c` is 3 deep); write it with fewer levels, or move a piece of it into a KPI part (scored = false) that it reads";

#[test]
fn a_garbled_deep_formula_is_one_problem_at_its_line() {
    // 231 bytes: NOT ( 38 deep around a garbled end (the was 236).
    let formula = format!("{}x +{}", "NOT (".repeat(38), ")".repeat(38));
    assert_eq!(formula.len(), 231);
    let (code, problems) = check_defs_with(&formula);
    assert_eq!(code, Some(1));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = &problems[0];
    assert_eq!(
        (&p["severity"], &p["code"], &p["line"], &p["value"]),
        (
            &Value::from("error"),
            &Value::from("formula-too-deep"),
            &Value::from(8),
            &Value::from(formula.as_str())
        )
    );
    // The 21st NOT is the 41st level.
    assert_eq!(message_and_caret(p), (TOO_DEEP.to_string(), 101));
}

#[test]
fn a_garbled_formula_within_the_depth_is_a_syntax_error_at_its_place() {
    // Was 8 s in a debug build (each CEIL parsed twice per level), 20 deep.
    let formula = format!("{}x +{}", "CEIL(".repeat(20), ")".repeat(20));
    let (code, problems) = check_defs_with(&formula);
    assert_eq!(code, Some(1));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["code"], "formula-syntax");
    assert_eq!(problems[0]["line"], 8);
    assert_eq!(
        message_and_caret(&problems[0]),
        (
            "the formula does not parse: expected a value, a name, a function or `(`, found `)`"
                .to_string(),
            104
        )
    );
}

#[test]
fn a_ten_kilobyte_sum_is_too_deep_not_a_crash() {
    // Was a stack overflow (the process aborted) from about 100 terms on.
    let formula = vec!["x * y - 3"; 850].join(" + ");
    assert!(formula.len() > 10_000);
    let (code, problems) = check_defs_with(&formula);
    assert_eq!(code, Some(1));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["code"], "formula-too-deep");
    assert_eq!(problems[0]["line"], 8);
    // `x * y - 3` is 3 deep; each ` + x * y - 3` adds 2 on the left: the 20th term goes beyond.
    let (message, caret) = message_and_caret(&problems[0]);
    assert_eq!(message, TOO_DEEP);
    assert_eq!(caret, "x * y - 3 + ".len() * 19 + "x * y ".len() + 1);
}

#[test]
fn a_formula_at_the_depth_limit_is_accepted() {
    let formula = format!("{}x{}", "(".repeat(39), ")".repeat(39));
    let (code, problems) = check_defs_with(&formula);
    assert_eq!(code, Some(0), "{problems:#?}");
    assert_eq!(problems, Vec::<Value>::new());
}
