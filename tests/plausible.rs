//! Magnitudes through the binary: a population of 1e308 in the realistic sample data leaves
//! every KPI that divides by it without a value (never a 0 that scores), and says why; the
//! sample data itself starts no plausibility warning.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn citykpi(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.as_bytes()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The sample city with its 2024 population replaced by `population`.
fn vesterby_with_population(population: &str) -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/vesterby.csv"),
    )
    .unwrap();
    let old = "Vesterby,2024,population,120900,";
    assert!(text.contains(old));
    text.replace(old, &format!("Vesterby,2024,population,{population},"))
}

fn kpis(report: &Value) -> &Vec<Value> {
    report["assessments"][0]["kpis"].as_array().unwrap()
}

fn reads_population(kpi: &Value) -> bool {
    kpi["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["name"] == "population")
}

#[test]
fn a_population_of_1e308_leaves_every_rate_without_a_value_and_never_scores_it() {
    let data = vesterby_with_population("1e308");
    let args = ["assess", "-", "--year", "2024", "--format", "json"];
    let (code, stdout, stderr) = citykpi(&args, &data);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning[implausible-value]: <stdin>:4: Vesterby 2024 `population` = 1e308 is outside its plausible range, 1000 to 50000000"
        ),
        "{stderr}"
    );
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let rates: Vec<&Value> = kpis(&report)
        .iter()
        .filter(|k| reads_population(k))
        .collect();
    // Every KPI per inhabitant or per 100 000 inhabitants, and the shares of the population.
    assert!(rates.len() >= 26, "{}", rates.len());
    for kpi in rates {
        // 0 deaths per 1e308 inhabitants is 0: a zero numerator is no underflow.
        let zero_input = kpi["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["value"].as_f64() == Some(0.0));
        if zero_input && kpi["value"].as_f64() == Some(0.0) {
            continue;
        }
        assert_eq!(kpi["value"], Value::Null, "{}", kpi["key"]);
        assert_eq!(kpi["points"], Value::Null, "{}", kpi["key"]);
        assert_eq!(
            kpi["note"],
            "the formula gives no finite value for these inputs: its result overflows, or underflows below 1e-9; check the magnitudes and units of the inputs",
            "{}",
            kpi["key"]
        );
    }
    // Zero-harm KPIs that a 0 would have earned 4 points keep none.
    for key in ["SC:SH:SA:8C", "SC:SH:SI:3C", "SC:SH:HO:1C"] {
        let kpi = kpis(&report).iter().find(|k| k["key"] == key).unwrap();
        assert_eq!(kpi["points"], Value::Null, "{key}");
    }
}

#[test]
fn a_plausible_population_keeps_every_rate() {
    let data = vesterby_with_population("120900");
    let args = ["assess", "-", "--year", "2024", "--format", "json"];
    let (code, stdout, stderr) = citykpi(&args, &data);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    for kpi in kpis(&report).iter().filter(|k| reads_population(k)) {
        assert!(kpi["value"].as_f64().is_some(), "{}", kpi["key"]);
    }
}
