//! The terminal table fits the width it is given (`COLUMNS`, or the terminal's): text wraps and
//! the columns `assess --help` names are left out in order; a file or pipe gets it whole.

use std::process::Command;

fn table(columns: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citykpi"));
    command
        .args([
            "assess",
            "sample-data/riverton.csv",
            "sample-data/vesterby.csv",
            "--targets",
            "sample-data/targets.csv",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    if let Some(c) = columns {
        command.env("COLUMNS", c);
    }
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

/// The widest line, in characters (the table's are one column each).
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap()
}

/// The KPI tables' header lines.
fn headers(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("│ Code ")).collect()
}

#[test]
fn at_100_columns_no_line_is_wider_and_the_spare_columns_go() {
    let whole = table(None);
    assert!(widest(&whole) > 150, "a pipe gets the table whole");
    let narrow = table(Some("100"));
    assert!(widest(&narrow) <= 100, "{}", widest(&narrow));
    assert_eq!(headers(&narrow).len(), 15, "3 dimensions of 5 city-years");
    for header in headers(&narrow) {
        for kept in ["Code", "KPI", "Value", "Unit", "Target", "Points", "Note"] {
            assert!(header.contains(&format!(" {kept} ")), "{kept}: {header}");
        }
        assert!(!header.contains("Achieved"), "left out first: {header}");
    }
    // Each table leaves out only what it must: Economy's long codes cost it Quality and Progress.
    let economy = headers(&narrow)[0];
    assert!(
        !economy.contains("Quality") && !economy.contains("Progress"),
        "{economy}"
    );
    // Nothing is lost but the columns left out: every KPI row and every note's words.
    for code in ["EC:ICT:ICT:1C", "SC:SH:FS:1A", "EN:EN:AQ:1C"] {
        assert_eq!(
            narrow.matches(code).count(),
            whole.matches(code).count(),
            "{code}"
        );
    }
    assert!(narrow.contains("Points: 4 = 95%+ of target"));
}

#[test]
fn a_wider_terminal_keeps_more_columns() {
    let text = table(Some("160"));
    assert!(widest(&text) <= 160, "{}", widest(&text));
    for header in headers(&text) {
        for kept in ["Achieved", "Progress", "Quality", "Note"] {
            assert!(header.contains(&format!(" {kept} ")), "{kept}: {header}");
        }
    }
    // A COLUMNS that is not a number is ignored.
    assert_eq!(table(Some("wide")), table(None));
}

#[test]
fn the_banner_on_data_with_errors_fits_too() {
    let data =
        "city,year,variable,value\nOslo,2024,population,-700000\nOslo,2024,households,300000\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(["assess", "-"])
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(data.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("! This report rests on data with 1 error"),
        "{text}"
    );
    assert!(widest(&text) <= 100, "{}", widest(&text));
}
