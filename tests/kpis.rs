//! The catalogue against the U4SSC reference list, and KPI values checked by hand
//! against what `citykpi assess` computes from the sample data.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use citykpi::catalog::{Catalog, Direction, Tier};
use serde_json::Value;

const REFERENCE: &str = include_str!("fixtures/u4ssc-reference.csv");

fn citykpi(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_catalogue_matches_the_reference_list() {
    let catalog = Catalog::embedded();
    let mut reader = csv::Reader::from_reader(REFERENCE.as_bytes());
    let mut seen = 0;
    for record in reader.records() {
        let r = record.unwrap();
        let (code, name, tier, unit, direction, target) =
            (&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]);
        let kpi = catalog
            .kpis
            .iter()
            .find(|k| k.code == code)
            .unwrap_or_else(|| panic!("{code} is not defined"));
        seen += 1;
        assert_eq!(kpi.name, name, "{code} name");
        assert_eq!(kpi.tier.to_string(), tier, "{code} tier");
        let unit_ok = kpi.unit == unit || (unit == "yes / partial / no" && kpi.unit == "yes/no");
        assert!(unit_ok, "{code} unit: {} vs {unit}", kpi.unit);
        match direction {
            "higher" => assert_eq!(kpi.direction, Direction::Higher, "{code} direction"),
            "lower" => assert_eq!(kpi.direction, Direction::Lower, "{code} direction"),
            _ => assert!(
                kpi.measures.len() > 1,
                "{code}: direction per part needs parts"
            ),
        }
        let number: Option<f64> = target
            .split_whitespace()
            .next()
            .and_then(|t| t.parse().ok());
        match (number, kpi.measures.len()) {
            (Some(t), 1) => assert_eq!(kpi.measures[0].target, Some(t), "{code} target"),
            (None, 1) if target.is_empty() => {
                assert_eq!(kpi.measures[0].target, None, "{code} has no default target")
            }
            (None, 1) if target == "yes" => {
                assert!(kpi.measures[0].is_yes_no(), "{code} is yes/no")
            }
            _ => {} // parts: checked below
        }
    }
    assert_eq!(seen, 91);
    assert_eq!(catalog.kpis.len(), 91, "no KPI beyond the reference list");
}

#[test]
fn counts_per_dimension_and_subdimension_match_the_methodology() {
    let catalog = Catalog::embedded();
    let count =
        |f: &dyn Fn(&citykpi::catalog::Kpi) -> bool| catalog.kpis.iter().filter(|k| f(k)).count();
    let expected: HashMap<&str, usize> = [
        ("EC", 45),
        ("EN", 17),
        ("SC", 29),
        ("EC:ICT", 17),
        ("EC:P", 7),
        ("EC:I", 21),
        ("EN:EN", 13),
        ("EN:E", 4),
        ("SC:EH", 12),
        ("SC:SH", 17),
    ]
    .into_iter()
    .collect();
    for (group, n) in expected {
        let got = if group.contains(':') {
            count(&|k| k.subdimension_code() == group)
        } else {
            count(&|k| k.dimension == group)
        };
        assert_eq!(got, n, "{group}");
    }
    assert_eq!(count(&|k| k.tier == Tier::Core), 55);
    assert_eq!(count(&|k| k.tier == Tier::Advanced), 36);
    let mut codes: Vec<&str> = catalog.kpis.iter().map(|k| k.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 91, "codes are unique");
}

#[test]
fn kpis_with_parts_have_the_parts_of_the_methodology() {
    let catalog = Catalog::embedded();
    let parts = |code: &str| -> Vec<String> {
        catalog
            .find(code)
            .unwrap()
            .measures
            .iter()
            .map(|m| m.part.clone().unwrap())
            .collect()
    };
    assert_eq!(parts("EC:ICT:ICT:4C"), ["3g", "4g"]);
    assert_eq!(parts("EC:ICT:PS:1A"), ["percent", "number"]);
    assert_eq!(
        parts("EC:I:T:4A"),
        ["public", "private", "cycling", "walking", "para"]
    );
    assert_eq!(
        parts("EC:I:UP:2A"),
        [
            "compact",
            "connected",
            "integrated",
            "inclusive",
            "resilient",
            "overall"
        ]
    );
    assert_eq!(parts("EN:EN:AQ:1C"), ["pm2_5", "pm10", "no2", "so2", "o3"]);
    assert_eq!(parts("EN:EN:WS:4C"), ["primary", "secondary", "tertiary"]);
    assert_eq!(
        parts("EN:EN:WA:1C"),
        [
            "landfill",
            "burnt",
            "incinerated",
            "open_dump",
            "recycled",
            "other"
        ]
    );
    let aq: Vec<Option<f64>> = catalog
        .find("EN:EN:AQ:1C")
        .unwrap()
        .measures
        .iter()
        .map(|m| m.target)
        .collect();
    assert_eq!(
        aq,
        [Some(5.0), Some(15.0), Some(10.0), Some(40.0), Some(100.0)],
        "WHO AQG 2021"
    );
}

#[test]
fn per_100k_and_per_capita_kpis_divide_by_population() {
    let catalog = Catalog::embedded();
    for kpi in &catalog.kpis {
        for m in &kpi.measures {
            let per_population = m.unit.contains("per 100k") && !m.unit.contains("live births")
                || m.unit.contains("per capita");
            if per_population {
                assert!(
                    m.formula.denominators.contains(&"population".to_string()),
                    "{}: {}",
                    m.key,
                    m.formula.text
                );
            }
            if m.unit.contains("per 100k") {
                assert!(
                    m.formula.text.starts_with("100000 *"),
                    "{}: {}",
                    m.key,
                    m.formula.text
                );
            }
        }
    }
}

/// The JSON record of one KPI (or part) for one city-year.
fn kpi_of<'a>(report: &'a Value, city: &str, year: i64, key: &str) -> &'a Value {
    report["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["city"] == city && a["year"] == year)
        .unwrap_or_else(|| panic!("no {city} {year}"))["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == key)
        .unwrap_or_else(|| panic!("no {key}"))
}

fn close(actual: &Value, expected: f64) -> bool {
    actual.as_f64().is_some_and(|a| (a - expected).abs() < 1e-5)
}

#[test]
fn values_computed_by_hand_match_assess() {
    let (code, stdout, stderr) = citykpi(
        &[
            "assess",
            "sample-data/vesterby.csv",
            "sample-data/riverton.csv",
            "--year",
            "2024",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let v = |key: &str| kpi_of(&report, "Vesterby", 2024, key);
    // (key, value by hand from sample-data/vesterby.csv 2024, achievement, points)
    let cases: [(&str, f64, Option<f64>, Option<u64>); 20] = [
        // households_with_internet 53550 / households 55150
        (
            "EC:ICT:ICT:1C",
            100.0 * 53550.0 / 55150.0,
            Some(97.1),
            Some(4),
        ),
        // 4G: area_covered_4g 219.7 km² / city_area 226.5 km² (a part)
        (
            "EC:ICT:ICT:4C/4g",
            100.0 * 219.7 / 226.5,
            Some(97.0),
            Some(4),
        ),
        // unemployed 2540 / labour_force 63500 (lower is better, no default target)
        ("EC:P:EM:1C", 4.0, None, None),
        // R&D 119 / GDP 6610 (EUR million)
        ("EC:P:IN:1C", 100.0 * 119.0 / 6610.0, None, None),
        // travel time index 487.3 / 413.0, target 1, lower: 1 / 1.1799 = 84.75 %
        ("EC:I:T:5A", 487.3 / 413.0, Some(84.75), Some(3)),
        // NO2 17.4 µg/m³ against WHO 10 (lower, a part): 10 / 17.4 = 57.47 %
        ("EN:EN:AQ:1C/no2", 17.4, Some(57.47), Some(2)),
        // water 8 600 000 m³ / 120 900 inhabitants / 365 days, in litres
        (
            "EN:EN:WS:2C",
            1000.0 * 8_600_000.0 / 120_900.0 / 365.0,
            None,
            None,
        ),
        // recycled 23 333 t of 52 200 t (a part)
        (
            "EN:EN:WA:1C/recycled",
            100.0 * 23333.0 / 52200.0,
            None,
            None,
        ),
        // police 107.9 FTE per 100k of 120 900
        ("SC:SH:SA:6C", 100_000.0 * 107.9 / 120_900.0, None, None),
        // road deaths 2 per 100k; zero-harm target, reference 20: 1 - 1.654 / 20 = 91.73 %
        (
            "SC:SH:SA:9C",
            100_000.0 * 2.0 / 120_900.0,
            Some(91.73),
            Some(3),
        ),
        // poverty 11 930 of 120 900; zero-harm, reference 40 %: 1 - 9.868 / 40 = 75.33 %
        (
            "SC:SH:SI:3C",
            100.0 * 11930.0 / 120_900.0,
            Some(75.33),
            Some(3),
        ),
        // maternal deaths 0 per 100k live births, target 70, lower
        ("SC:EH:H:2C", 0.0, Some(100.0), Some(4)),
        // outage time in minutes: 6 058 740 customer minutes / 76 500 customer interruptions
        ("EC:I:ES:2C", 6_058_740.0 / 76500.0, None, None),
        // BMS by floor area: 319 800 m² / 421 000 m² of public buildings = 75.96 %
        (
            "EC:I:B:2A",
            100.0 * 319_800.0 / 421_000.0,
            Some(75.96),
            Some(3),
        ),
        // real-time information at the stop, on the web or in an app: 646 of 652 stops = 99.08 %
        ("EC:ICT:T:1C", 100.0 * 646.0 / 652.0, Some(99.08), Some(4)),
        // arterial roads and highways monitored: 71 km of 149 km = 47.65 %
        ("EC:ICT:T:2C", 100.0 * 71.0 / 149.0, Some(47.65), Some(2)),
        // signal-controlled intersections only: 74 of 168 (no default target)
        ("EC:ICT:T:3A", 100.0 * 74.0 / 168.0, None, None),
        // all procurement transactions: 178 600 electronic of 191 200 = 93.41 %
        (
            "EC:ICT:PS:3A",
            100.0 * 178_600.0 / 191_200.0,
            Some(93.41),
            Some(3),
        ),
        // day-care places 3 810 for 5 130 children aged 0-3 = 74.27 %
        ("SC:SH:SI:5A", 100.0 * 3810.0 / 5130.0, Some(74.27), Some(3)),
        // secondary treatment 14 244 000 m³ of all 15 170 000 m³ produced = 93.90 % (a part)
        (
            "EN:EN:WS:4C/secondary",
            100.0 * 14_244_000.0 / 15_170_000.0,
            Some(93.9),
            Some(3),
        ),
    ];
    for (key, value, achievement, points) in cases {
        let k = v(key);
        assert!(
            close(&k["value"], value),
            "{key}: {} vs {value}",
            k["value"]
        );
        assert_eq!(k["status"], "computed", "{key}");
        match achievement {
            Some(a) => assert!(
                close(&k["achievement"], a),
                "{key}: achievement {} vs {a}",
                k["achievement"]
            ),
            None => assert!(
                k["achievement"].is_null(),
                "{key} is not scored without a target"
            ),
        }
        assert_eq!(k["points"].as_u64(), points, "{key}");
    }
    // yes/no: Vesterby has resilience plans (yes, 4 points), Riverton does not (no, 1 point).
    assert_eq!(v("SC:SH:SA:3A")["display"], "yes");
    assert_eq!(v("SC:SH:SA:3A")["points"], 4);
    let riverton = |key: &str| kpi_of(&report, "Riverton", 2024, key);
    assert_eq!(riverton("SC:SH:SA:3A")["display"], "no");
    assert_eq!(riverton("SC:SH:SA:3A")["points"], 1);
    assert_eq!(riverton("EC:I:UP:2A/inclusive")["display"], "no");
    assert_eq!(riverton("EC:I:UP:2A/compact")["display"], "yes");
    // The KPI-level yes / partial / no over the five principles, reported, not scored (the
    // five principles are): Vesterby 2024 has all five, Riverton 2024 three of five.
    assert_eq!(v("EC:I:UP:2A/overall")["display"], "yes");
    assert!(close(&v("EC:I:UP:2A/overall")["value"], 1.0));
    assert!(v("EC:I:UP:2A/overall")["points"].is_null());
    assert_eq!(v("EC:I:UP:2A/resilient")["points"], 4);
    assert_eq!(riverton("EC:I:UP:2A/overall")["display"], "partial");
    assert!(close(&riverton("EC:I:UP:2A/overall")["value"], 0.5));
    assert!(riverton("EC:I:UP:2A/overall")["points"].is_null());
    assert_eq!(riverton("EC:I:UP:2A/inclusive")["points"], 1);
    // Gaps: exact reasons, and a KPI the city reports directly.
    assert_eq!(
        riverton("EC:ICT:PS:1A/percent")["note"],
        "zero denominator: open_data_inventoried_datasets = 0"
    );
    assert_eq!(riverton("EC:ICT:PS:1A/percent")["value"], Value::Null);
    assert_eq!(
        riverton("EC:P:EM:2C")["note"],
        "missing input: youth_unemployed"
    );
    assert_eq!(
        riverton("SC:SH:SI:5A")["note"],
        "missing input: day_care_places_0_3"
    );
    assert_eq!(riverton("EN:EN:AQ:2C")["status"], "reported");
    assert!(close(&riverton("EN:EN:AQ:2C")["value"], 4.1));
}

#[test]
fn a_filled_template_computes_every_kpi() {
    let (code, template, stderr) =
        citykpi(&["template", "--city", "Roundtrip", "--year", "2025"], None);
    assert_eq!(code, 0, "{stderr}");
    let catalog = Catalog::embedded();
    let mut reader = csv::Reader::from_reader(template.as_bytes());
    let header = reader.headers().unwrap().clone();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let mut row: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        let variable = catalog.variable(&row[2]).unwrap();
        let (_, max) = variable.range();
        row[3] = match variable.kind {
            citykpi::catalog::Kind::Boolean => "yes".into(),
            _ => max.min(100.0).to_string(),
        };
        let source = header.iter().position(|h| h == "source").unwrap();
        row[source] = "round-trip test".into();
        writer.write_record(&row).unwrap();
    }
    let filled = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let (code, stdout, stderr) = citykpi(&["assess", "-", "--format", "json"], Some(&filled));
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let overall = &report["assessments"][0]["summary"][0];
    assert_eq!(overall["core_computed"], 55);
    assert_eq!(overall["advanced_computed"], 36);
    for kpi in report["assessments"][0]["kpis"].as_array().unwrap() {
        assert_eq!(kpi["status"], "computed", "{}", kpi["key"]);
    }
}
