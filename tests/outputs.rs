//! Where a command's output may go. An output that names a file the command reads (data,
//! targets, peers), a folder, or a file in a folder that is not there is refused with exit
//! 2 before any work, and every file is left as it was; a reader that goes away is not a
//! failure, whatever the format.

use std::path::Path;
use std::process::{Command, Stdio};

/// Run citykpi in `dir`; its exit code and standard error.
fn citykpi(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

/// A folder with the sample data as `v.csv`, the sample targets as `t.csv` and a peers file
/// `p.csv`.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    std::fs::copy(sample.join("vesterby.csv"), dir.path().join("v.csv")).unwrap();
    std::fs::copy(sample.join("targets.csv"), dir.path().join("t.csv")).unwrap();
    std::fs::write(dir.path().join("p.csv"), "city,group\nVesterby,coast\n").unwrap();
    dir
}

fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn an_output_that_names_a_file_read_is_refused_and_every_file_kept() {
    let dir = folder();
    let before = contents(dir.path());
    let cases: [&[&str]; 7] = [
        &[
            "export-sql",
            "--include-scoring",
            "--targets",
            "t.csv",
            "-o",
            "t.csv",
        ],
        &["assess", "v.csv", "--targets", "t.csv", "-o", "t.csv"],
        &[
            "assess",
            "v.csv",
            "--targets",
            "t.csv",
            "--format",
            "parquet",
            "-o",
            "./t.csv",
        ],
        &["assess", "v.csv", "-o", "v.csv"],
        &["compare", "v.csv", "--targets", "t.csv", "-o", "t.csv"],
        &["compare", "v.csv", "--peers", "p.csv", "-o", "p.csv"],
        &["compare", "v.csv", "--peers", "p.csv", "-o", "v.csv"],
    ];
    for args in cases {
        let output = args.last().unwrap();
        assert_eq!(
            citykpi(dir.path(), args),
            (
                Some(2),
                format!("error: the output {output} is also an input; write the report to another file\n")
            ),
            "{args:?}"
        );
        assert_eq!(contents(dir.path()), before, "{args:?}");
    }
}

#[test]
fn an_output_in_a_folder_that_is_not_there_is_refused_before_any_work() {
    let dir = folder();
    let before = contents(dir.path());
    for args in [
        &["export-sql", "-o", "out/kpis.sql"][..],
        &["assess", "v.csv", "-o", "out/kpis.sql"],
        &["template", "-o", "out/kpis.sql"],
        &["compare", "v.csv", "-o", "out/kpis.sql"],
    ] {
        assert_eq!(
            citykpi(dir.path(), args),
            (
                Some(2),
                "error: the output out/kpis.sql: there is no folder out; create it first, or write elsewhere\n".to_string()
            ),
            "{args:?}"
        );
        assert_eq!(contents(dir.path()), before, "{args:?}");
    }
    // A file where the folder should be; a link into a folder that is not there.
    #[cfg(unix)]
    std::os::unix::fs::symlink("gone/kpis.csv", dir.path().join("link.csv")).unwrap();
    for (output, problem) in [
        (
            "v.csv/kpis.csv",
            "v.csv is a file, not a folder; write elsewhere",
        ),
        #[cfg(unix)]
        (
            "link.csv",
            "there is no folder gone; create it first, or write elsewhere",
        ),
    ] {
        let before = contents(dir.path());
        assert_eq!(
            citykpi(dir.path(), &["assess", "v.csv", "-o", output]),
            (Some(2), format!("error: the output {output}: {problem}\n")),
        );
        assert_eq!(contents(dir.path()), before, "{output}");
    }
}

#[test]
fn a_folder_as_output_is_refused_with_a_file_name_that_fits_the_command() {
    let dir = folder();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    for (args, example) in [
        (&["export-sql", "-o", "out"][..], "kpis.sql"),
        (&["assess", "v.csv", "-o", "out"], "report"),
        (&["template", "-o", "out"], "to-collect.csv"),
        (
            &["template", "--format", "xlsx", "-o", "out"],
            "to-collect.xlsx",
        ),
        (&["compare", "v.csv", "-o", "out"], "comparison"),
    ] {
        assert_eq!(
            citykpi(dir.path(), args),
            (
                Some(2),
                format!(
                    "error: the output out is a folder; name a file in it, such as out/{example}\n"
                )
            ),
            "{args:?}"
        );
    }
    // A path that ends in a folder's name (`.`, `..`) is a folder, there or not.
    assert_eq!(
        citykpi(dir.path(), &["assess", "v.csv", "-o", "new.csv/."]),
        (
            Some(2),
            "error: the output new.csv/. is a folder; name a file in it, such as new.csv/./report\n".to_string()
        )
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        0
    );
}

/// `citykpi ... | true`: the reader is gone before anything is written. Every command and
/// format exits 0 and says nothing, also Parquet, whose writer hides the broken pipe in an
/// error of its own.
#[test]
fn every_output_exits_0_when_its_reader_is_gone_at_once() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let data = sample.join("vesterby.csv");
    let data = data.to_str().unwrap();
    let mut cases: Vec<Vec<&str>> = ["parquet", "arrow", "xlsx", "csv", "html"]
        .into_iter()
        .map(|format| vec!["assess", data, "--format", format])
        .collect();
    cases.push(vec!["export-sql", "--include-scoring"]);
    cases.push(vec!["template", "--format", "xlsx"]);
    for args in cases {
        let mut child = Command::new(env!("CARGO_BIN_EXE_citykpi"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            (out.status.code(), String::from_utf8_lossy(&out.stderr)),
            (Some(0), "".into()),
            "{args:?}"
        );
    }
}
