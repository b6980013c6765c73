//! The benchmark generator: reproducible, and its data passes the checks and assesses.

use std::process::Command;

fn citykpi(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_same_seed_gives_the_same_file_and_another_seed_another() {
    let (_, a, _) = citykpi(&["generate", "--cities", "3", "--years", "2", "--seed", "7"]);
    let (_, b, _) = citykpi(&["generate", "--cities", "3", "--years", "2", "--seed", "7"]);
    let (_, c, _) = citykpi(&["generate", "--cities", "3", "--years", "2", "--seed", "8"]);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.starts_with("city,year,variable,value\nCity 000001,2023,"));
}

#[test]
fn generated_data_is_valid_and_covers_every_variable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gen.csv");
    let file = file.to_str().unwrap();
    let (code, _, stderr) = citykpi(&[
        "generate", "--cities", "40", "--years", "3", "--gaps", "0", "--output", file,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, _) = citykpi(&["check", "data", file]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.starts_with("No problems found"), "{stdout}");
    let (code, json, stderr) = citykpi(&["assess", file, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let assessments = report["assessments"].as_array().unwrap();
    assert_eq!(assessments.len(), 120);
    for a in assessments {
        assert_eq!(
            a["summary"][0]["core_computed"], 55,
            "{} {}",
            a["city"], a["year"]
        );
        assert_eq!(
            a["summary"][0]["advanced_computed"], 36,
            "{} {}",
            a["city"], a["year"]
        );
    }
}

#[test]
fn a_long_run_into_a_pipe_draws_no_progress_bar() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gen.csv");
    let file = file.to_str().unwrap();
    let (code, _, _) = citykpi(&[
        "generate", "--cities", "300", "--years", "10", "--output", file,
    ]);
    assert_eq!(code, 0);
    // Standard error is a pipe here, so however long the run, it carries no progress bar.
    let (code, stdout, stderr) = citykpi(&["assess", file, "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().count() > 300 * 10 * 100);
    assert_eq!(stderr, "");
}
