//! `citykpi indicators export DIR` writes the embedded definitions, which then load as a
//! user's own with `--defs DIR`; it never overwrites.

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
fn exported_definitions_load_as_your_own_and_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("my-defs");
    let defs = defs.to_str().unwrap();
    let (code, _, stderr) = citykpi(&["indicators", "export", defs]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, _) = citykpi(&["check", "defs", defs]);
    assert_eq!(code, 0);
    assert_eq!(stdout, format!("No problems found in {defs}.\n"));
    let (code, stdout, _) = citykpi(&["--defs", defs, "indicators", "list", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1 + 91);
    let (code, _, stderr) = citykpi(&["indicators", "export", defs]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not empty"), "{stderr}");
}

/// A symlink loop in a definitions folder is read once, not followed for ever.
#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_definitions_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    let (code, _, _) = citykpi(&["indicators", "export", defs.to_str().unwrap()]);
    assert_eq!(code, 0);
    std::os::unix::fs::symlink(&defs, defs.join("economy").join("loop")).unwrap();
    let (code, stdout, stderr) = citykpi(&["check", "defs", defs.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// A catalogue with no KPI of the asked tier reports that, and does not panic.
#[test]
fn no_kpi_of_the_asked_tier_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    let (code, _, _) = citykpi(&["indicators", "export", defs.to_str().unwrap()]);
    assert_eq!(code, 0);
    // Keep only one core KPI.
    for sub in ["economy", "environment", "society"] {
        std::fs::remove_dir_all(defs.join(sub)).unwrap();
    }
    std::fs::create_dir(defs.join("kpis")).unwrap();
    std::fs::write(
        defs.join("kpis/internet.toml"),
        r#"code = "EC:ICT:ICT:1C"
name = "Household Internet Access"
tier = "core"
dimension = "EC"
subdimension = "ICT"
category = "ICT"
unit = "%"
formula = "100 * households_with_internet / households"
direction = "higher"
target = 100
description = "Percentage of households with an Internet connection."
"#,
    )
    .unwrap();
    let data = dir.path().join("city.csv");
    std::fs::write(
        &data,
        "city,year,variable,value
Oslo,2024,households,10
Oslo,2024,households_with_internet,9
",
    )
    .unwrap();
    let defs = defs.to_str().unwrap();
    let data = data.to_str().unwrap();
    for format in ["table", "md", "csv", "json"] {
        let (code, stdout, stderr) = citykpi(&[
            "--defs", defs, "assess", data, "--tier", "advanced", "--format", format,
        ]);
        assert_eq!(code, 0, "{format}: {stderr}");
        if format == "table" || format == "md" {
            assert!(
                stdout.contains("No KPI of the selected tier is defined."),
                "{stdout}"
            );
        }
    }
    let (code, stdout, _) = citykpi(&["--defs", defs, "assess", data, "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Oslo,2024,EC:ICT:ICT:1C,,Household Internet Access,core"),
        "{stdout}"
    );
}
