//! The exported SQL, run in DuckDB on the sample cities, gives every value `assess` gives.
//! Needs python3; the script installs the duckdb package from PyPI into target/ on first run.

use std::process::Command;

#[test]
fn exported_sql_matches_assess_in_duckdb() {
    let output = Command::new("python3")
        .arg("tests/duckdb/check_export.py")
        .arg(env!("CARGO_BIN_EXE_citykpi"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "DuckDB check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
