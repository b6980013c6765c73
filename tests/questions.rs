//! Questions to the city through the real binary: a questions log with an open, an answered
//! and a closed question beside their KPI in CSV and JSON, the open ones listed per city-year
//! (Markdown, the table, HTML, JSON), `explain` showing each question with its status and
//! dates, `diff` naming what changed; every bad row refused at its line, and the doubtful
//! ones warned of.

use std::process::{Command, Output};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DATA: &str = "tests/fixtures/verify-data.csv";
const QUESTIONS: &str = "tests/fixtures/questions.csv";
const VERIFICATION: &str = "tests/fixtures/verification.csv";

fn citykpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "250")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `assess` of the fixture with the questions log in `format`: its output, after exit 0.
fn assess(format: &str) -> String {
    let out = citykpi(&["assess", DATA, "--questions", QUESTIONS, "--format", format]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// A questions log of the header and `rows`, written to a file of its own.
fn log(name: &str, rows: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("citykpi-questions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("city,year,kpi,question,answer,status,asked,answered\n{rows}"),
    )
    .unwrap();
    path
}

/// The one problem of running `assess` with the log of `rows`: its exit code and stderr.
fn refused(name: &str, rows: &str) -> (Option<i32>, String) {
    let path = log(name, rows);
    let out = citykpi(&["assess", DATA, "--questions", path.to_str().unwrap()]);
    (out.status.code(), stderr(&out))
}

#[test]
fn open_questions_are_counted_beside_their_kpi_in_csv() {
    let csv = assess("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header.iter().position(|h| *h == "open_questions").unwrap();
    assert_eq!(column, header.len() - 1);
    // The last field of each KPI's row.
    let count = |code: &str, part: &str| {
        let prefix = format!("Tarnby,2021,{code},{part},");
        let line = csv.lines().find(|l| l.starts_with(&prefix)).unwrap();
        line.rsplit(',').next().unwrap().to_string()
    };
    // 2C: open; 4C (both parts): answered; 1C: closed; 3C: open.
    assert_eq!(count("EC:ICT:ICT:2C", ""), "1");
    assert_eq!(count("EC:ICT:ICT:3C", ""), "1");
    assert_eq!(count("EC:ICT:ICT:4C", "4g"), "0");
    assert_eq!(count("EC:ICT:ICT:4C", "3g"), "0");
    assert_eq!(count("EC:ICT:ICT:1C", ""), "0");
    // A KPI no question is about: 0, since a log is given.
    assert_eq!(count("EC:ICT:ICT:5C", ""), "0");
    let broadband = csv
        .lines()
        .find(|l| l.starts_with("Tarnby,2021,EC:ICT:ICT:2C,"))
        .unwrap();
    assert!(broadband.contains("; 1 open question,"), "{broadband}");
    // Without a questions log the column is empty.
    let out = citykpi(&["assess", DATA, "--format", "csv"]);
    let plain = stdout(&out);
    let row = plain
        .lines()
        .find(|l| l.starts_with("Tarnby,2021,EC:ICT:ICT:2C,"))
        .unwrap();
    assert!(row.ends_with(','), "{row}");
    assert!(!row.contains("open question"), "{row}");
}

#[test]
fn json_gives_the_count_per_kpi_and_every_question_per_city_year() {
    let json: Value = serde_json::from_str(&assess("json")).unwrap();
    let cy = &json["assessments"][0];
    let kpi = |key: &str| {
        cy["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(kpi("EC:ICT:ICT:2C")["open_questions"], 1);
    assert_eq!(kpi("EC:ICT:ICT:4C/3g")["open_questions"], 0);
    let questions = cy["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 4);
    let statuses: Vec<&str> = questions
        .iter()
        .map(|q| q["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["open", "answered", "closed", "open"]);
    let answered = &questions[1];
    assert_eq!(answered["kpi"], "EC:ICT:ICT:4C");
    assert_eq!(answered["answer"], "All three national operators");
    assert_eq!(answered["asked"], "2021-09-30");
    assert_eq!(answered["answered"], "2021-10-05");
    assert_eq!(answered["file"], QUESTIONS);
    assert_eq!(answered["line"], 3);
    assert_eq!(
        questions[0]["question"],
        "Do the subscriptions count households, or every contract?"
    );
    assert!(questions[0]["answer"].is_null());
    // NDJSON carries the same list on each record; without a log there is none.
    let record: Value = serde_json::from_str(assess("ndjson").lines().next().unwrap()).unwrap();
    assert_eq!(record["questions"].as_array().unwrap().len(), 4);
    let out = citykpi(&["assess", DATA, "--format", "json"]);
    let plain: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(plain["assessments"][0].get("questions").is_none());
}

#[test]
fn the_open_questions_are_listed_per_city_year_in_markdown_the_table_and_html() {
    let md = assess("md");
    let section = md.split("**Open questions:**").nth(1).unwrap();
    assert!(
        section.contains(
            "| `EC:ICT:ICT:2C` | Do the subscriptions count households, or every contract? | 2021-09-30 |"
        ),
        "{section}"
    );
    assert!(section.contains(
        "| `EC:ICT:ICT:3C` | May we see the regulator's table for the city? | 2021-10-02 |"
    ));
    // Answered and closed questions are not open.
    assert!(!section.contains("Which operators"), "{section}");
    assert!(!section.contains("survey's sample"), "{section}");
    // Beside the KPI, in its note.
    assert!(md.contains("reported directly; 1 open question |"), "{md}");
    let table = assess("table");
    let listed = table.split("Open questions:").nth(1).unwrap();
    assert!(listed.contains("EC:ICT:ICT:2C"), "{listed}");
    assert!(listed.contains("May we see the regulator's table for the city?"));
    let html = assess("html");
    let listed = html.split("<h3>Open questions</h3>").nth(1).unwrap();
    assert!(
        listed.contains("<td><code>EC:ICT:ICT:3C</code></td><td>May we see the regulator&#39;s table for the city?</td><td>2021-10-02</td>"),
        "{listed}"
    );
    // Without a log, no section.
    let out = citykpi(&["assess", DATA, "--format", "md"]);
    assert!(!stdout(&out).contains("Open questions"));
}

#[test]
fn explain_prints_each_question_with_its_status_and_dates() {
    let out = citykpi(&[
        "explain",
        "Tarnby",
        "EC:ICT:ICT:4C/4g",
        "--data",
        DATA,
        "--questions",
        QUESTIONS,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("  Question:  answered: Which operators do the coverage maps cover?; asked 2021-09-30; answer: All three national operators; answered 2021-10-05 (tests/fixtures/questions.csv:3)"),
        "{text}"
    );
    let out = citykpi(&[
        "explain",
        "Tarnby",
        "EC:ICT:ICT:2C",
        "--data",
        DATA,
        "--questions",
        QUESTIONS,
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["open_questions"], 1);
    assert_eq!(json[0]["questions"][0]["status"], "open");
    assert_eq!(json[0]["questions"][0]["line"], 2);
}

#[test]
fn diff_names_a_change_of_verification_status_and_of_open_questions() {
    let dir = std::env::temp_dir().join(format!("citykpi-questions-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old, new) = (dir.join("old.json"), dir.join("new.json"));
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = citykpi(&["assess", DATA, "--format", "json", "-o", old]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = citykpi(&[
        "assess",
        DATA,
        "--verification",
        VERIFICATION,
        "--questions",
        QUESTIONS,
        "--format",
        "json",
        "-o",
        new,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = citykpi(&["diff", old, new, "--format", "csv"]);
    let csv = stdout(&out);
    for line in [
        "Tarnby,2021,EC:ICT:ICT:2C,verification,yes,not verifiable,false",
        "Tarnby,2021,EC:ICT:ICT:2C,open questions,0,1,false",
        "Tarnby,2021,EC:ICT:ICT:3C,verification,—,no,false",
        "Tarnby,2021,EC:ICT:ICT:4C/4g,verification,no,yes,false",
        "Tarnby,2021,EC:ICT:ICT:1C,reported (verifier),—,no,false",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line}\n{csv}");
    }
    // Answered and closed questions are no change of open ones.
    assert!(!csv.contains("EC:ICT:ICT:4C/3g,open questions"), "{csv}");
    let out = citykpi(&["diff", new, old, "--format", "json"]);
    let changes: Value = serde_json::from_slice(&out.stdout).unwrap();
    let open = changes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kpi"] == "EC:ICT:ICT:3C" && c["what"] == "open questions")
        .unwrap();
    assert_eq!(
        (open["old"].clone(), open["new"].clone()),
        (1.into(), 0.into())
    );
}

#[test]
fn a_bad_status_stops_the_run_at_its_line() {
    let (code, err) = refused(
        "status.csv",
        "Tarnby,2021,EC:ICT:ICT:2C,Why?,,open,2021-09-30,\nTarnby,2021,EC:ICT:ICT:3C,Why?,,waiting,2021-09-30,\n",
    );
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("status.csv has errors"), "{err}");
    assert!(
        err.contains("error[bad-status]: ") && err.contains("status.csv:3: column status: status \"waiting\" is none of open, answered and closed; write one of them"),
        "{err}"
    );
    let (code, err) = refused("empty-status.csv", "Tarnby,2021,EC:ICT:ICT:2C,Why?,,,,\n");
    assert_eq!(code, Some(3));
    assert!(
        err.contains("empty-status.csv:2: column status: the row has no status; write open, answered or closed"),
        "{err}"
    );
}

#[test]
fn an_unknown_kpi_code_stops_the_run_at_its_line() {
    let (code, err) = refused("kpi.csv", "Tarnby,2021,EC:ICT:ICT:22C,Why?,,open,,\n");
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("error[unknown-kpi]: ")
            && err.contains("kpi.csv:2: column kpi: unknown KPI \"EC:ICT:ICT:22C\""),
        "{err}"
    );
}

#[test]
fn a_bad_date_stops_the_run_at_its_line_naming_its_column() {
    let (code, err) = refused(
        "date.csv",
        "Tarnby,2021,EC:ICT:ICT:2C,Why?,Because,answered,2021-09-30,2021-10-32\n",
    );
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("error[bad-date]: ")
            && err.contains("date.csv:2: column answered: answered date \"2021-10-32\" is not a date; write it as YYYY-MM-DD, e.g. 2021-06-30"),
        "{err}"
    );
}

#[test]
fn doubtful_questions_are_warned_of_and_fail_only_with_strict() {
    let path = log(
        "doubtful.csv",
        "Tarnby,2021,EC:ICT:ICT:2C,Why?,,answered,2021-09-30,\n\
         Tarnby,2021,EC:ICT:ICT:3C,Why?,Because,answered,2021-10-02,2021-09-28\n\
         Tarnby,2021,EC:ICT:ICT:1C,Why?,,closed,2021-10-02,\n",
    );
    let path = path.to_str().unwrap();
    let out = citykpi(&["assess", DATA, "--questions", path, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning[missing-answer]: ") && err.contains("doubtful.csv:2: column answer: the question on EC:ICT:ICT:2C of Tarnby 2021 is marked answered but gives no answer"),
        "{err}"
    );
    assert!(
        err.contains("warning[answered-before-asked]: ") && err.contains("doubtful.csv:3: column answered: the question on EC:ICT:ICT:3C of Tarnby 2021 is answered on 2021-09-28, before it was asked on 2021-10-02"),
        "{err}"
    );
    // A closed question may have no answer (the verifier withdrew it).
    assert!(!err.contains("doubtful.csv:4"), "{err}");
    let out = citykpi(&["assess", DATA, "--questions", path, "--strict"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn compare_reads_the_log_and_refuses_a_bad_one() {
    let path = log("compare.csv", "Tarnby,2021,EC:ICT:ICT:2C,Why?,,maybe,,\n");
    let out = citykpi(&["compare", DATA, "--questions", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("compare.csv:2: column status"));
}

#[test]
fn a_workbook_log_reads_as_the_csv_does_and_a_typed_date_is_a_date() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut reader = csv::Reader::from_path(std::path::Path::new(ROOT).join(QUESTIONS)).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Questions").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(0, j as u16, h).unwrap();
    }
    for (i, record) in reader.records().enumerate() {
        for (j, cell) in record.unwrap().iter().enumerate() {
            let (row, col) = (1 + i as u32, j as u16);
            // Dates typed as a spreadsheet types them: date cells, not text.
            let dated = header[j] == "asked" || header[j] == "answered";
            if let (true, Ok(d)) = (dated, ExcelDateTime::parse_from_str(cell)) {
                sheet
                    .write_datetime_with_format(row, col, &d, &date)
                    .unwrap();
            } else if let Ok(v) = cell.parse::<f64>() {
                sheet.write_number(row, col, v).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(row, col, cell).unwrap();
            }
        }
    }
    let path = log("questions.xlsx", "");
    book.save(&path).unwrap();
    let questions = |log: &str| -> Value {
        let out = citykpi(&["assess", DATA, "--questions", log, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json["assessments"][0]["questions"].clone()
    };
    let from_csv = questions(QUESTIONS);
    let from_book = questions(&format!("{}#Questions", path.display()));
    let fields = |q: &Value| {
        [
            "kpi", "question", "answer", "status", "asked", "answered", "line",
        ]
        .map(|k| q[k].clone())
        .to_vec()
    };
    let (csv, book): (Vec<_>, Vec<_>) = (
        from_csv.as_array().unwrap().iter().map(fields).collect(),
        from_book.as_array().unwrap().iter().map(fields).collect(),
    );
    assert_eq!(csv, book);
    assert_eq!(book[1][5], "2021-10-05");
}

#[test]
fn a_row_without_a_city_or_with_a_bad_year_stops_the_run_at_its_line() {
    let (code, err) = refused("city.csv", ",2021,EC:ICT:ICT:2C,Why?,,open,,\n");
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("error[missing-city]: ") && err.contains("city.csv:2: column city: "),
        "{err}"
    );
    let (code, err) = refused("year.csv", "Tarnby,20x1,EC:ICT:ICT:2C,Why?,,open,,\n");
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("error[bad-year]: ") && err.contains("year.csv:2: column year: "),
        "{err}"
    );
}

#[test]
fn a_log_without_a_required_column_names_it() {
    let dir = std::env::temp_dir().join(format!("citykpi-questions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("no-status.csv");
    std::fs::write(
        &path,
        "city,year,kpi,question\nTarnby,2021,EC:ICT:ICT:2C,Why?\n",
    )
    .unwrap();
    let out = citykpi(&["assess", DATA, "--questions", path.to_str().unwrap()]);
    // A file whose header cannot be read is unreadable: exit 1, as for data.
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error[missing-column]: ")
            && err.contains("no-status.csv:1: the header has no column status; a questions log needs the columns city,year,kpi,question,status"),
        "{err}"
    );
}
