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
