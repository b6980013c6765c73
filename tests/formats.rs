//! One run rendered in every format: each says the same values, targets, names, part
//! names, statuses and sources; and every format exits 0 when its reader stops early.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};

use serde_json::Value;

const ARGS: [&str; 6] = [
    "assess",
    "sample-data/vesterby.csv",
    "sample-data/riverton.csv",
    "--year",
    "2024",
    "--targets=tests/fixtures/targets-by-city.csv",
];

fn run(format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(ARGS)
        .args(["--format", format])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What a row says, keyed by `city year key`.
#[derive(Debug, Clone, PartialEq, Default)]
struct Row {
    name: String,
    display: String,
    target: String,
    note: String,
    status: String,
    sources: String,
    /// The weakest data-quality level (1-6) and the verified flag (yes/no), or empty.
    quality: String,
    verified: String,
}

type Rows = BTreeMap<String, Row>;

fn from_csv(text: &str) -> (Rows, BTreeMap<String, (String, String)>) {
    let mut rows = Rows::new();
    let mut numbers = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for record in reader.records() {
        let r = record.unwrap();
        let key = match &r[col("part")] {
            "" => r[col("code")].to_string(),
            part => format!("{}/{part}", &r[col("code")]),
        };
        let id = format!("{} {} {key}", &r[col("city")], &r[col("year")]);
        numbers.insert(
            id.clone(),
            (r[col("value")].to_string(), r[col("target")].to_string()),
        );
        rows.insert(
            id,
            Row {
                name: r[col("name")].into(),
                display: r[col("display")].into(),
                target: r[col("target")].into(),
                note: r[col("note")].into(),
                status: r[col("status")].into(),
                sources: r[col("sources")].into(),
                quality: r[col("quality")].into(),
                verified: r[col("verified")].into(),
            },
        );
    }
    (rows, numbers)
}

fn number(v: &Value) -> String {
    v.as_f64().map(|f| f.to_string()).unwrap_or_default()
}

fn from_json_city_year(
    a: &Value,
    rows: &mut Rows,
    numbers: &mut BTreeMap<String, (String, String)>,
) {
    for k in a["kpis"].as_array().unwrap() {
        let id = format!(
            "{} {} {}",
            a["city"].as_str().unwrap(),
            a["year"],
            k["key"].as_str().unwrap()
        );
        // The sources: the reported figure's own, else its inputs', each once.
        let mut sources: Vec<&str> = Vec::new();
        let evidence = match k["reported"].is_null() {
            true => k["inputs"].as_array().unwrap().iter().collect(),
            false => vec![&k["reported"]],
        };
        for source in evidence.iter().filter_map(|e| e["source"].as_str()) {
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
        numbers.insert(id.clone(), (number(&k["value"]), number(&k["target"])));
        rows.insert(
            id,
            Row {
                name: k["name"].as_str().unwrap().into(),
                display: k["display"].as_str().unwrap().into(),
                target: number(&k["target"]),
                note: k["note"].as_str().unwrap().into(),
                status: k["status"].as_str().unwrap().into(),
                sources: sources.join(" | "),
                quality: number(&k["quality"]),
                verified: match k["verified"].as_bool() {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => String::new(),
                },
            },
        );
    }
}

/// Rows of the Markdown and table reports: `(city year key, [name, value, target, quality,
/// note])`.
fn from_text(
    text: &str,
    heading: fn(&str) -> Option<&str>,
    cells: fn(&str) -> Option<Vec<String>>,
) -> BTreeMap<String, [String; 5]> {
    let mut rows = BTreeMap::new();
    let mut city_year = String::new();
    for line in text.lines() {
        if let Some(h) = heading(line) {
            city_year = h.to_string();
        } else if let Some(c) = cells(line) {
            if c.len() == 10 && c[0] != "Code" {
                let key = c[0].trim_matches('`');
                rows.insert(
                    format!("{city_year} {key}"),
                    [
                        c[1].clone(),
                        c[2].clone(),
                        c[4].clone(),
                        c[8].clone(),
                        c[9].clone(),
                    ],
                );
            }
        }
    }
    rows
}

#[test]
fn every_format_says_the_same() {
    let (csv_rows, csv_numbers) = from_csv(&run("csv"));
    assert_eq!(csv_rows.len(), 2 * 113, "two city-years of 113 measures");

    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let (mut json_rows, mut json_numbers) = (Rows::new(), BTreeMap::new());
    for a in json["assessments"].as_array().unwrap() {
        from_json_city_year(a, &mut json_rows, &mut json_numbers);
    }
    let (mut nd_rows, mut nd_numbers) = (Rows::new(), BTreeMap::new());
    for line in run("ndjson").lines() {
        from_json_city_year(
            &serde_json::from_str(line).unwrap(),
            &mut nd_rows,
            &mut nd_numbers,
        );
    }
    assert_eq!(csv_rows, json_rows);
    assert_eq!(csv_rows, nd_rows);
    assert_eq!(csv_numbers, json_numbers, "values and targets as numbers");
    assert_eq!(csv_numbers, nd_numbers);

    // Markdown and the table show the display value, the target, the name and the note.
    let md = from_text(
        &run("md"),
        |l| l.strip_prefix("## "),
        |l| {
            l.starts_with("| `").then(|| {
                l.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().replace("\\|", "|"))
                    .collect()
            })
        },
    );
    let table = from_text(
        &run("table"),
        |l| l.strip_suffix(": U4SSC self-assessment"),
        |l| {
            l.starts_with("│ ").then(|| {
                l.trim_matches('│')
                    .split('┆')
                    .map(|c| c.trim().to_string())
                    .collect()
            })
        },
    );
    assert_eq!(md.len(), csv_rows.len());
    assert_eq!(md, table);
    for (id, row) in &csv_rows {
        let shown = &md[id];
        let value = if row.display.is_empty() {
            "—"
        } else {
            &row.display
        };
        let target = if row.target.is_empty() {
            String::new()
        } else if row.display == "yes" || row.display == "no" || row.display == "partial" {
            "yes".into()
        } else {
            row.target.clone()
        };
        let mark = match row.verified.as_str() {
            "yes" => "✓",
            "no" => "✗",
            _ => "",
        };
        let quality = [row.quality.as_str(), mark]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            shown,
            &[
                row.name.clone(),
                value.to_string(),
                target,
                quality,
                row.note.clone()
            ],
            "{id}"
        );
    }

    // The facts this run was made to show.
    let reported = &csv_rows["Riverton 2024 EN:EN:AQ:2C"];
    assert_eq!(reported.status, "reported");
    assert_eq!(
        reported.sources,
        "National GHG inventory, municipal breakdown 2024 (final figure only)"
    );
    let part = &csv_rows["Vesterby 2024 EC:ICT:ICT:4C/3g"];
    assert_eq!(part.name, "Wireless Broadband Coverage: 3G");
    assert_eq!(csv_numbers["Riverton 2024 EC:ICT:ICT:3C"].1, "90000");
    assert_eq!(csv_numbers["Vesterby 2024 EC:ICT:ICT:3C"].1, "100000");
    assert_eq!(csv_numbers["Vesterby 2024 EN:EN:AQ:2C"].1, "5");
    assert_eq!(csv_numbers["Riverton 2024 EN:EN:AQ:2C"].1, "4");
    // Vesterby flags every value; a KPI takes the weakest level of its inputs.
    let weakest = &csv_rows["Vesterby 2024 EC:P:EM:1C"];
    assert_eq!(
        (weakest.quality.as_str(), weakest.verified.as_str()),
        ("4", "no")
    );
    let measured = &csv_rows["Vesterby 2024 EC:ICT:ICT:4C/3g"];
    assert_eq!(
        (measured.quality.as_str(), measured.verified.as_str()),
        ("1", "yes")
    );
    let yes_no = &csv_rows["Vesterby 2024 SC:SH:SA:3A"];
    assert_eq!(
        (yes_no.display.as_str(), yes_no.target.as_str()),
        ("yes", "1")
    );

    // JSON alone carries where each number was read and where each target was set.
    let riverton = json["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["city"] == "Riverton")
        .unwrap();
    let ghg = riverton["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "EN:EN:AQ:2C")
        .unwrap();
    assert_eq!(ghg["reported"]["file"], "sample-data/riverton.csv");
    assert!(ghg["reported"]["line"].as_u64().unwrap() > 1);
    assert_eq!(ghg["target_origin"], "tests/fixtures/targets-by-city.csv:5");
    let wireless = riverton["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "EC:ICT:ICT:3C")
        .unwrap();
    assert_eq!(
        wireless["target_origin"],
        "tests/fixtures/targets-by-city.csv:3 (city)"
    );
    for input in wireless["inputs"].as_array().unwrap() {
        assert_eq!(input["file"], "sample-data/riverton.csv");
        assert!(input["line"].as_u64().unwrap() > 1);
    }
}

/// `citykpi assess ... | head` ends the pipe early: every format exits 0 and says nothing.
#[test]
fn every_format_exits_0_when_the_reader_stops_early() {
    for format in ["table", "csv", "json", "ndjson", "md"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_citykpi"))
            .args([
                "assess",
                "sample-data/vesterby.csv",
                "sample-data/riverton.csv",
                "--format",
                format,
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // The pipe is closed here, long before the report (over 100 KB) is written.
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}");
    }
}

/// `citykpi assess ARGS --format csv -o OUTPUT`, standard output to `stdout` (piped if
/// none): asserts that it succeeds and returns what it printed.
#[cfg(unix)]
fn assess_csv_to(output: &std::path::Path, stdout: Option<Stdio>) -> Vec<u8> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citykpi"));
    command
        .args(ARGS)
        .args(["--format", "csv", "-o"])
        .arg(output)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    if let Some(stdout) = stdout {
        command.stdout(stdout);
    }
    let out = command.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[cfg(unix)]
fn is_link(path: &std::path::Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// `-o` onto a named pipe (or `/dev/null`, a terminal) writes into it: a report renamed onto
/// the path would replace the pipe, and the reader on the other end would get nothing.
#[cfg(unix)]
#[test]
fn output_to_a_named_pipe_goes_through_the_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("no mkfifo here: skipped");
        return;
    }
    let (send, received) = std::sync::mpsc::channel();
    let reader = fifo.clone();
    std::thread::spawn(move || send.send(std::fs::read(reader).unwrap()));
    assert!(assess_csv_to(&fifo, None).is_empty());
    // Without the fix the reader would wait for ever on a pipe nobody opens.
    let got = received
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the report went through the pipe");
    assert_eq!(String::from_utf8(got).unwrap(), run("csv"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left beside the pipe");
}

/// `-o` onto a symbolic link replaces the file it names and keeps the link; through a link
/// to a file not yet there, it creates that file.
#[cfg(unix)]
#[test]
fn output_to_a_link_replaces_or_creates_the_file_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let last_year = dir.path().join("2024.csv");
    std::fs::write(&last_year, "last year's report\n").unwrap();
    let this_year = dir.path().join("2025.csv"); // not there yet
    for target in [&last_year, &this_year] {
        let link = dir.path().join("latest.csv");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();
        assess_csv_to(&link, None);
        assert!(is_link(&link));
        assert_eq!(std::fs::read_to_string(target).unwrap(), run("csv"));
    }
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["2024.csv", "2025.csv", "latest.csv"]);
}

/// `-o /dev/stdout` is standard output, wherever that goes: a file it appends to keeps what
/// it had (a report renamed onto the file's path would unlink it), and a pipe gets the report.
#[cfg(target_os = "linux")]
#[test]
fn output_to_dev_stdout_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    std::fs::write(&log, "before\n").unwrap();
    let appending = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let stdout = std::path::Path::new("/dev/stdout");
    assess_csv_to(stdout, Some(appending.into()));
    let report = run("csv");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("before\n{report}")
    );
    assert_eq!(
        String::from_utf8(assess_csv_to(stdout, None)).unwrap(),
        report
    );
    assert!(is_link(stdout));
}
