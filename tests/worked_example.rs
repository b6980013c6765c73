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
