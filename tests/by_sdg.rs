//! `assess --by sdg`: results by SDG goal and target, through the real binary. A KPI linked
//! to two targets counts under both; the roll-ups are the U4SSC rule's, checked by hand on a
//! small city; a goal no KPI informs is hatched in HTML and listed as uninformed in JSON;
//! every format runs and parses; NGSI-LD and an unknown `--by` are usage errors.

use std::path::Path;
use std::process::{Command, Output};

use calamine::Reader;
use serde_json::Value;

/// Oslo 2024: household internet access (EC:ICT:ICT:1C, SDG 9.c and 17.8) computed at
/// 50 % of its target of 100 (2 points of 4); fixed broadband (EC:ICT:ICT:2C, SDG 9.c and
/// 17.6) reported at 60 %, its target (4 points); open data (EC:ICT:PS:1A, SDG 16.6 and
/// 16.10) with its percent part at 75 % of 100 (3 points) and its number part (30
/// datasets) without a target, so not scored.
const CITY: &str = "city,year,variable,value\n\
    Oslo,2024,households,1000\n\
    Oslo,2024,households_with_internet,500\n\
    Oslo,2024,EC:ICT:ICT:2C,60\n\
    Oslo,2024,open_data_published_datasets,30\n\
    Oslo,2024,open_data_inventoried_datasets,40\n";

fn citykpi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "")
        .output()
        .unwrap()
}

fn city() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("oslo.csv"), CITY).unwrap();
    dir
}

/// The run in `format`, which must succeed, as text.
fn run(dir: &Path, format: &str) -> String {
    let out = citykpi(
        dir,
        &["assess", "oslo.csv", "--by", "sdg", "--format", format],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn goal<'v>(json: &'v Value, code: &str) -> &'v Value {
    json["assessments"][0]["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["goal"] == code)
        .unwrap_or_else(|| panic!("goal {code}"))
}

fn target<'v>(json: &'v Value, code: &str) -> &'v Value {
    let goal = goal(json, code.split('.').next().unwrap());
    goal["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"] == code)
        .unwrap_or_else(|| panic!("target {code}"))
}

fn codes(target: &Value) -> Vec<&str> {
    target["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["code"].as_str().unwrap())
        .collect()
}

#[test]
fn a_kpi_with_two_targets_counts_under_both() {
    let dir = city();
    let json: Value = serde_json::from_str(&run(dir.path(), "json")).unwrap();
    for code in ["9.c", "17.8"] {
        let t = target(&json, code);
        assert!(codes(t).contains(&"EC:ICT:ICT:1C"), "{code}: {t}");
        let kpi = &t["kpis"].as_array().unwrap()
            [codes(t).iter().position(|c| *c == "EC:ICT:ICT:1C").unwrap()];
        assert_eq!(kpi["value"], 50.0);
        assert_eq!(kpi["points"], 2);
        assert_eq!(kpi["band"], "33-66% of target");
    }
    // The long table has it under each target too.
    let csv = run(dir.path(), "csv");
    let rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",kpi,") && l.contains("EC:ICT:ICT:1C"))
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].starts_with("Oslo,2024,kpi,9,9.c,EC:ICT:ICT:1C,"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].starts_with("Oslo,2024,kpi,17,17.8,EC:ICT:ICT:1C,"),
        "{}",
        rows[1]
    );
}

#[test]
fn the_roll_ups_are_points_as_a_share_of_the_maximum() {
    let dir = city();
    let json: Value = serde_json::from_str(&run(dir.path(), "json")).unwrap();
    let points = |v: &Value| {
        (
            v["points"].clone(),
            v["max_points"].clone(),
            v["score"].clone(),
        )
    };
    let n = |p: u32, max: u32, score: f64| (Value::from(p), Value::from(max), Value::from(score));
    // 9.c: 1C (2 points) and 2C (4 points) of 2 x 4: 6 / 8 = 75 %, banded 66-95 %. Linked to
    // 9.c: 1C, 2C, 3C, 4C, 5C and EC:P:EM:4A, of which two have a score.
    let t = target(&json, "9.c");
    assert_eq!(points(t), n(6, 8, 75.0), "{t}");
    assert_eq!(t["band"], "66-95% of target");
    assert_eq!(
        (&t["kpis_scored"], &t["kpis_linked"]),
        (&Value::from(2), &Value::from(6))
    );
    // 17.8: 1C alone scored: 2 of 4, 50 %, banded 33-66 %; 17.6: 2C, 4 of 4.
    let t = target(&json, "17.8");
    assert_eq!(points(t), n(2, 4, 50.0), "{t}");
    assert_eq!(t["band"], "33-66% of target");
    assert_eq!(points(target(&json, "17.6")), n(4, 4, 100.0));
    // Goal 17: 1C and 2C, once each: 6 of 8.
    let g = goal(&json, "17");
    assert_eq!(points(g), n(6, 8, 75.0), "{g}");
    assert_eq!(g["band"], "66-95% of target");
    // Goal 16: open data links to 16.6 and 16.10 but counts once in the goal; its number
    // part has no target and is left out: 3 of 4, not 6 of 8.
    let g = goal(&json, "16");
    assert_eq!(points(g), n(3, 4, 75.0), "{g}");
    assert_eq!(g["kpis_scored"], 1);
    for code in ["16.6", "16.10"] {
        let t = target(&json, code);
        assert_eq!(points(t), n(3, 4, 75.0), "{code}: {t}");
        let parts: Vec<(Value, Value)> = t["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["code"] == "EC:ICT:PS:1A")
            .map(|k| (k["part"].clone(), k["scored"].clone()))
            .collect();
        let expected =
            [("percent", true), ("number", false)].map(|(p, s)| (Value::from(p), Value::from(s)));
        assert_eq!(parts, expected, "{code}");
    }
    // Not reported is left out: a goal with links but no value has no score.
    let g = goal(&json, "3");
    assert_eq!(g["informed"], true);
    assert_eq!(g["score"], Value::Null);
    assert_eq!(g["kpis_scored"], 0);
    // The Markdown and the CSV say the same.
    let md = run(dir.path(), "md");
    assert!(
        md.contains("### Goal 9: Industry, innovation and infrastructure"),
        "{md}"
    );
    assert!(
        md.contains("| 9.c | **Target 9.c** |  | 75.0 % | 66-95% of target |  | 2/6 |"),
        "{md}"
    );
    let csv = run(dir.path(), "csv");
    assert!(
        csv.contains(
            "\nOslo,2024,goal,17,,,,Partnerships for the goals,,,,75,66-95% of target,6,8,,,2,"
        ),
        "{csv}"
    );
}

#[test]
fn a_goal_no_kpi_informs_is_hatched_in_html_and_listed_as_uninformed_in_json() {
    let dir = city();
    let json: Value = serde_json::from_str(&run(dir.path(), "json")).unwrap();
    let goals = json["assessments"][0]["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 17);
    let uninformed: Vec<&str> = goals
        .iter()
        .filter(|g| g["informed"] == false)
        .map(|g| g["goal"].as_str().unwrap())
        .collect();
    assert_eq!(uninformed, ["14"]);
    let g14 = goal(&json, "14");
    assert_eq!(g14["targets"], Value::Array(Vec::new()));
    assert_eq!(g14["uninformed_targets"].as_array().unwrap().len(), 10);
    assert_eq!(g14["kpis_linked"], 0);
    let html = run(dir.path(), "html");
    let tile = |goal: &str| {
        let at = html
            .find(&format!("<g data-goal=\"{goal}\""))
            .unwrap_or_else(|| panic!("tile {goal}"));
        &html[at..at + html[at..].find("</g>").unwrap()]
    };
    assert_eq!(html.matches("<g data-goal=").count(), 17);
    assert!(
        tile("14").contains("data-state=\"uninformed\""),
        "{}",
        tile("14")
    );
    assert!(
        tile("14").contains("fill=\"url(#sdg-hatch-0)\""),
        "{}",
        tile("14")
    );
    assert!(tile("14").contains(">14</text>"), "{}", tile("14"));
    assert!(html.contains("<pattern id=\"sdg-hatch-0\""));
    // Goal 9 (75 %) is in the 66-95 % band's colour; goal 3 (no score) grey.
    assert!(tile("9").contains("data-state=\"scored\""), "{}", tile("9"));
    assert!(tile("9").contains("fill=\"#ffd54f\""), "{}", tile("9"));
    assert!(
        tile("3").contains("data-state=\"not-scored\""),
        "{}",
        tile("3")
    );
    assert!(html.contains("No U4SSC KPI informs goal 14."));
    // The table says so too.
    let table = run(dir.path(), "table");
    assert!(table.contains("No U4SSC KPI informs goal 14."), "{table}");
}

#[test]
fn every_format_runs_and_parses() {
    let dir = city();
    let csv = run(dir.path(), "csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "city,year,level,goal,target,code,part,name,value,display,unit,score,band,points,max_points,progress_status,progress_score,kpis_scored,kpis_linked"
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.iter().filter(|r| &r[2] == "goal").count(), 17);
    assert!(records.iter().all(|r| r.len() == 19));

    let json: Value = serde_json::from_str(&run(dir.path(), "json")).unwrap();
    assert_eq!(json["by"], "sdg");
    assert_eq!(json["assessments"][0]["city"], "Oslo");
    let lines = run(dir.path(), "ndjson");
    assert_eq!(lines.lines().count(), 1);
    let line: Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(line["by"], "sdg");
    assert_eq!(line["goals"], json["assessments"][0]["goals"]);

    let md = run(dir.path(), "md");
    assert!(md.starts_with("# U4SSC results by SDG"));
    assert_eq!(md.matches("\n### Goal ").count(), 17);
    let table = run(dir.path(), "table");
    assert!(table.starts_with("Oslo 2024: results by SDG"), "{table}");
    let html = run(dir.path(), "html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));

    for (format, file) in [
        ("xlsx", "sdg.xlsx"),
        ("parquet", "sdg.parquet"),
        ("arrow", "sdg.arrow"),
    ] {
        let out = citykpi(
            dir.path(),
            &[
                "assess", "oslo.csv", "--by", "sdg", "-f", format, "-o", file,
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut book = calamine::open_workbook_auto(dir.path().join("sdg.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["By SDG"]);
    let sheet = book.worksheet_range("By SDG").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header.join(","), csv.lines().next().unwrap());
    assert_eq!(sheet.height(), records.len() + 1);

    use polars_io::SerReader;
    let file = std::fs::File::open(dir.path().join("sdg.parquet")).unwrap();
    let frame = polars_io::parquet::read::ParquetReader::new(file)
        .finish()
        .unwrap();
    assert_eq!(frame.height(), records.len());
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(names.join(","), csv.lines().next().unwrap());
    let file = std::fs::File::open(dir.path().join("sdg.arrow")).unwrap();
    let frame = polars_io::ipc::IpcReader::new(file).finish().unwrap();
    assert_eq!(frame.height(), records.len());
}

#[test]
fn ngsi_ld_has_no_form_by_sdg() {
    let dir = city();
    let out = citykpi(
        dir.path(),
        &["assess", "oslo.csv", "--by", "sdg", "-f", "ngsi-ld"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: --by sdg has no NGSI-LD form: a KeyPerformanceIndicator entity is one KPI of one city-year"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_grouping_is_a_usage_error_naming_the_allowed_values() {
    let dir = city();
    let out = citykpi(dir.path(), &["assess", "oslo.csv", "--by", "goal"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("invalid value 'goal' for '--by <BY>'"),
        "{stderr}"
    );
    assert!(stderr.contains("[possible values: sdg]"), "{stderr}");
}

#[test]
fn the_sdg_listing_matches_the_catalogue_and_the_169_targets() {
    let out = citykpi(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["indicators", "sdg"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // Every target of tests/ngsi/sdg-targets.txt is on its goal's line, as informed exactly
    // when a KPI of the catalogue links to it.
    let catalog = citykpi::catalog::Catalog::embedded();
    let targets = include_str!("ngsi/sdg-targets.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let mut count = 0;
    for t in targets {
        count += 1;
        let goal = t.split('.').next().unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("  Goal {goal} ")))
            .unwrap_or_else(|| panic!("goal {goal}"));
        let (informs, not) = line
            .split_once(": ")
            .unwrap()
            .1
            .split_once("not informed: ")
            .unwrap_or((line, ""));
        let linked = catalog.kpis.iter().any(|k| k.sdg.iter().any(|s| s == t));
        let listed_as_informed = informs.split([' ', ';']).any(|w| w == t);
        let listed_as_not = not.split(' ').any(|w| w == t);
        assert_eq!(
            (listed_as_informed, listed_as_not),
            (linked, !linked),
            "{t}: {line}"
        );
    }
    assert_eq!(count, 169);
    assert!(
        text.contains("  Goal 14 Life below water (0 of 10): none; not informed: 14.1 "),
        "{text}"
    );
}

#[test]
fn the_published_schema_is_the_one_the_types_give() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/by-sdg.schema.json");
    let fresh = format!(
        "{}\n",
        serde_json::to_string_pretty(&citykpi::report::by_sdg::schema()).unwrap()
    );
    if std::env::var_os("CITYKPI_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == fresh,
        "docs/by-sdg.schema.json is stale: regenerate it with `CITYKPI_WRITE_SCHEMA=1 cargo test --test by_sdg`"
    );
}

#[test]
fn the_sample_run_validates_against_the_schema() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Made strict: an object may hold only the properties the schema lists.
    fn close(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".into(), false.into());
                }
                map.values_mut().for_each(close);
            }
            Value::Array(items) => items.iter_mut().for_each(close),
            _ => {}
        }
    }
    let mut schema = citykpi::report::by_sdg::schema();
    close(&mut schema);
    let validator = jsonschema::validator_for(&schema).unwrap();
    for format in ["json", "ndjson"] {
        let out = citykpi(
            dir,
            &[
                "assess",
                "sample-data/vesterby.csv",
                "sample-data/riverton.csv",
                "--by",
                "sdg",
                "-f",
                format,
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let instances: Vec<Value> = match format {
            "json" => vec![serde_json::from_str(&text).unwrap()],
            _ => text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        };
        for instance in &instances {
            let errors: Vec<String> = validator
                .iter_errors(instance)
                .take(5)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{format}: {errors:#?}");
        }
    }
}

#[test]
fn an_sdg_link_that_is_not_a_target_is_a_definitions_error() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    let out = citykpi(dir.path(), &["indicators", "export", "defs"]);
    assert_eq!(out.status.code(), Some(0));
    let file = defs.join("economy/ict/household-internet-access.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().position(|l| l.starts_with("sdg = ")).unwrap() + 1;
    std::fs::write(
        &file,
        text.replace("sdg = [\"9.c\", \"17.8\"]", "sdg = [\"9.c\", \"11.99\"]"),
    )
    .unwrap();
    std::fs::write(dir.path().join("oslo.csv"), CITY).unwrap();
    let message = format!(
        "error[bad-sdg]: economy/ict/household-internet-access.toml:{line}: EC:ICT:ICT:1C: `11.99` is not an SDG target; write one of the 169, goal.target: 11.2, 3.d, 17.19"
    );
    // The assessment stops (exit 1) rather than leave the link out of the results by SDG.
    let out = citykpi(
        dir.path(),
        &["--defs", "defs", "assess", "oslo.csv", "--by", "sdg"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(&message), "{stderr}");
    let out = citykpi(
        dir.path(),
        &["--defs", "defs", "check", "defs", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"code\":\"bad-sdg\""), "{text}");
    assert!(text.contains(&format!("\"line\":{line}")), "{text}");
}
