//! The HTML report through the binary: self-contained, one coloured wheel segment per
//! category with a score, every KPI row, text escaped, and a summary instead of sections for
//! more cities than a browser should be given. (`.ci/run` also opens it in Chromium.)

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn citykpi(args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

const SAMPLE: [&str; 5] = [
    "assess",
    "sample-data/vesterby.csv",
    "sample-data/riverton.csv",
    "--targets",
    "sample-data/targets.csv",
];

#[test]
fn the_report_is_self_contained_and_its_wheels_match_the_scores() {
    let html = citykpi(&[&SAMPLE[..], &["--format", "html"]].concat(), None);
    let json: Value = serde_json::from_str(&citykpi(
        &[&SAMPLE[..], &["--format", "json"]].concat(),
        None,
    ))
    .unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // Nothing to fetch: no script, no external style, image or link.
    for banned in ["<script", "<link", "src=", "href=", "@import", "url(http"] {
        assert!(!html.contains(banned), "{banned}");
    }
    let sections: Vec<&str> = html.split("<section class=\"city\">").skip(1).collect();
    assert_eq!(sections.len(), 2, "a section per city");
    for (section, city) in sections.iter().zip(["Riverton", "Vesterby"]) {
        assert!(section.starts_with(&format!("<h2>{city} 2024</h2>")));
        let latest = json["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["city"] == city && a["year"] == 2024)
            .unwrap();
        let categories: Vec<&Value> = latest["summary"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["level"] == "category")
            .collect();
        let scored = categories.iter().filter(|s| !s["score"].is_null()).count();
        let tags: Vec<&str> = section
            .split("<path ")
            .skip(1)
            .map(|t| &t[..t.find('>').unwrap()])
            .filter(|t| t.contains("data-level=\"category\""))
            .collect();
        let coloured = tags
            .iter()
            .filter(|t| t.contains("data-scored=\"true\"") && t.contains("fill=\"#"))
            .count();
        let hatched = tags
            .iter()
            .filter(|t| t.contains("data-scored=\"false\"") && t.contains("url(#no-data)"))
            .count();
        assert_eq!(coloured, scored, "{city}: coloured category segments");
        assert_eq!(
            coloured + hatched,
            categories.len(),
            "{city}: every category"
        );
        // Every KPI row, with its band as text beside the colour.
        assert_eq!(section.matches("<tr><td><code>").count(), 113, "{city}");
        assert!(section.contains("KPIs not reported"));
        assert!(section.contains("KPIs not verified"));
    }
    assert!(html.contains("Bands per KPI"), "the city x KPI matrix");
    assert!(html.contains("95%+ of target"), "bands by text too");
    assert!(html.contains("@page{size:A4"));
}

#[test]
fn text_from_the_data_is_escaped() {
    let data = "city,year,variable,value,source\n\"<b>Oslo</b>\",2024,population,700000,\"<img src=x onerror=alert(1)>\"\n";
    let html = citykpi(&["assess", "-", "--format", "html"], Some(data));
    assert!(html.contains("&lt;b&gt;Oslo&lt;/b&gt; 2024"));
    assert!(!html.contains("<b>Oslo</b>"));
    assert!(!html.contains("<img"));
}

#[test]
fn many_cities_give_the_scores_and_no_sections() {
    let mut data = String::from("city,year,variable,value\n");
    for i in 0..60 {
        data.push_str(&format!("City {i:02},2024,population,{}\n", 1000 + i));
    }
    let html = citykpi(&["assess", "-", "--format", "html"], Some(&data));
    assert!(html.contains("60 cities: more than 50"));
    assert!(!html.contains("<section class=\"city\">"));
    assert_eq!(html.matches("<tr><td>City ").count(), 60);
}
