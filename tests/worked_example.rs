//! The U4SSC worked example of the roll-up, through the binary: four KPIs scoring 1, 3, 4
//! and 1 points give 9 of 16 points, 56.25 %, in the band 33-66 % of target. The city's own
//! targets file sets the targets.

use std::process::Command;

use serde_json::Value;

#[test]
fn four_kpis_scoring_1_3_4_1_give_56_25_percent() {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args([
            "--defs",
            "tests/fixtures/chain-defs",
            "assess",
            "tests/fixtures/worked-example.csv",
            "--targets",
            "tests/fixtures/worked-example-targets.csv",
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let city_year = &report["assessments"][0];
    let points: Vec<u64> = city_year["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["points"].as_u64().unwrap())
        .collect();
    assert_eq!(points, [1, 3, 4, 1]);
    let overall = &city_year["summary"][0];
    assert_eq!(overall["level"], "overall");
    assert_eq!(
        (overall["points"].as_u64(), overall["max_points"].as_u64()),
        (Some(9), Some(16))
    );
    assert_eq!(overall["score"], 56.25);
    assert_eq!(overall["band"], "33-66% of target");
    for kpi in city_year["kpis"].as_array().unwrap().iter().take(3) {
        assert_eq!(kpi["target_source"], "city plan");
        assert!(kpi["target_origin"].as_str().unwrap().ends_with("(city)"));
    }
}

/// Progress toward a target with a year (method 2), through the binary, checked against
/// the arithmetic of the Open SDG progress measure on the components it prints.
#[test]
fn progress_toward_a_target_with_a_year() {
    let out = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args([
            "assess",
            "sample-data/vesterby.csv",
            "--targets",
            "tests/fixtures/targets-with-years.csv",
            "--year",
            "2024",
            "--format",
            "ndjson",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: Value = serde_json::from_str(
        std::str::from_utf8(&out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let kpi = |key: &str| {
        line["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["key"] == key)
            .unwrap()
            .clone()
    };
    for (key, direction) in [("EC:ICT:WS:1C", 1.0), ("EC:I:WS:3C", -1.0)] {
        let k = kpi(key);
        let p = &k["progress"];
        assert_eq!(
            (p["base_year"].as_i64(), p["current_year"].as_i64()),
            (Some(2022), Some(2024)),
            "{key}"
        );
        assert_eq!(p["target_year"], 2030);
        let (y0, yi) = (
            p["base_value"].as_f64().unwrap(),
            p["current_value"].as_f64().unwrap(),
        );
        let target = k["target"].as_f64().unwrap();
        let observed = (yi / y0).powf(1.0 / 2.0) - 1.0;
        let required = (target / y0).powf(1.0 / 8.0) - 1.0;
        assert!(
            (p["observed_growth"].as_f64().unwrap() - observed).abs() < 1e-5,
            "{key}"
        );
        assert!(
            (p["required_growth"].as_f64().unwrap() - required).abs() < 1e-5,
            "{key}"
        );
        let r = direction * observed / required.abs();
        let status = if r >= 0.95 {
            "substantial_progress"
        } else if r >= 0.6 {
            "moderate_progress"
        } else if r >= 0.0 {
            "limited_progress"
        } else {
            "deterioration"
        };
        assert_eq!(p["status"], status, "{key}: R = {r}");
        let score = if r >= 0.6 {
            (7.1429 * r - 4.2857).min(5.0)
        } else {
            (4.1667 * r - 2.5).max(-5.0)
        };
        assert!((p["score"].as_f64().unwrap() - score).abs() < 1e-3, "{key}");
        assert_eq!(
            k["target_source"],
            if direction > 0.0 {
                "national smart-metering plan"
            } else {
                "water loss strategy"
            }
        );
    }
}
