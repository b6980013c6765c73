//! `citykpi report verification` through the real binary, on a fixture checked by hand
//! (tests/fixtures/vreport-data.csv and vreport-verification.csv): Asker 2021 reports two KPIs,
//! both verified; Tarnby 2021 reports four (fixed broadband at 15 % of households, 25 % of its
//! target of 60: the lowest band; 3G coverage at 50 %: 33-66 %; 4G not reported), the verifier
//! says NO to one, "not verifiable" to another and comments on a KPI not reported. The nine
//! sections in every format, the counts, the lists, next steps, and the errors; and the
//! reporting counts in the HTML `assess` report.

use std::process::{Command, Output};

use serde_json::{json, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DATA: &str = "tests/fixtures/vreport-data.csv";
const VERIFICATION: &str = "tests/fixtures/vreport-verification.csv";

const SECTIONS: [&str; 9] = [
    "1. Introduction and verification background",
    "2. KPI reporting and verification summary",
    "3. KPI data points reporting and verification summary",
    "4. City performance benchmark",
    "5. Benchmarks and scoring methodology",
    "6. Verification results",
    "7. KPIs not reported",
    "8. KPIs not verified",
    "9. Next steps",
];

fn citykpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The report of the fixture in `format`, with these extra arguments; it must succeed.
fn report(format: &str, extra: &[&str]) -> String {
    let mut args = vec!["report", "verification", DATA, "--format", format];
    args.extend_from_slice(extra);
    let out = citykpi(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn json_report() -> Value {
    let out = report("json", &["--verification", VERIFICATION]);
    serde_json::from_str(&out).expect("the JSON report parses")
}

/// The Markdown of one city-year: from its `## CITY YEAR` heading to the next city-year's
/// (the next `## ` heading that is not a numbered section).
fn city_year<'t>(markdown: &'t str, heading: &str) -> &'t str {
    let start = markdown
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("no {heading}"))
        + 1;
    let rest = &markdown[start..];
    let end = rest
        .match_indices("\n## ")
        .map(|(i, _)| i)
        .find(|&i| !rest[i + 4..].starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn markdown_has_the_nine_sections_in_order_for_every_city_year() {
    let md = report("markdown", &["--verification", VERIFICATION]);
    for cy in ["Asker 2021", "Tarnby 2021"] {
        let part = city_year(&md, cy);
        let mut at = 0;
        for heading in SECTIONS {
            let found = part[at..]
                .find(&format!("\n## {heading}\n"))
                .unwrap_or_else(|| panic!("{cy}: no \"{heading}\" after byte {at}:\n{part}"));
            at += found + 1;
        }
    }
}

#[test]
fn the_background_names_the_verifiers_dates_and_files() {
    let md = report("markdown", &["--verification", VERIFICATION]);
    let tarnby = city_year(&md, "Tarnby 2021");
    for line in [
        "- Verifier: A. Verifier, B. Verifier",
        "- Verification dates: 2021-09-28 to 2021-10-05",
        "- Data: `tests/fixtures/vreport-data.csv`",
        "- Verifier's record: `tests/fixtures/vreport-verification.csv`",
    ] {
        assert!(tarnby.contains(line), "{line}:\n{tarnby}");
    }
    assert!(city_year(&md, "Asker 2021").contains("- Verification dates: 2021-11-01\n"));
}

#[test]
fn json_counts_match_the_fixture_checked_by_hand() {
    let json = json_report();
    let counts = |r: u64, v: u64, nv: u64, nr: u64| json!({"reported": r, "verified": v, "not_verified": nv, "not_reported": nr});
    let asker = &json["city_years"][0];
    assert_eq!(asker["city"], "Asker");
    assert_eq!(asker["kpis"]["overall"], counts(2, 2, 0, 89));
    assert_eq!(asker["data_points"]["overall"], counts(2, 2, 0, 111));
    let tarnby = &json["city_years"][1];
    assert_eq!(tarnby["city"], "Tarnby");
    // 1C and 2C verified; 3C (NO) and 4C (3G not verifiable, 4G not reported) not.
    assert_eq!(tarnby["kpis"]["overall"], counts(4, 2, 2, 87));
    assert_eq!(tarnby["data_points"]["overall"], counts(4, 2, 2, 109));
    let economy = &tarnby["kpis"]["dimensions"][0];
    assert_eq!(economy["code"], "EC");
    assert_eq!(economy["reported"], 4);
    assert_eq!(economy["not_reported"], 41);
    assert_eq!(tarnby["data_points"]["dimensions"][0]["not_reported"], 52);
    assert_eq!(
        tarnby["background"]["verifiers"],
        json!(["A. Verifier", "B. Verifier"])
    );
    // Scored: 1C, 2C and 4C (its 3G part); 3C has no target.
    let overall = &tarnby["benchmark"]["overall"];
    assert_eq!(overall["kpis_scored"], 3);
    assert_eq!(overall["kpis"], 91);
    assert_eq!(tarnby["benchmark"]["dimensions"][0]["kpis"], 45);
}

#[test]
fn results_give_each_value_with_its_unit_and_band_or_na() {
    let md = report("markdown", &["--verification", VERIFICATION]);
    let tarnby = city_year(&md, "Tarnby 2021");
    for row in [
        "| ICT Infrastructure | Fixed Broadband Subscriptions `EC:ICT:ICT:2C` | 15.00 % | less than 33% of target |",
        "| ICT Infrastructure | Wireless Broadband Coverage: 3G `EC:ICT:ICT:4C/3g` | 50.00 % | 33-66% of target |",
        "| ICT Infrastructure | Wireless Broadband Coverage: 4G `EC:ICT:ICT:4C/4g` | not reported | N/A |",
        // Reported, but no target: no benchmark.
        "| ICT Infrastructure | Wireless Broadband Subscriptions `EC:ICT:ICT:3C` | 80000.00 per 100k | N/A |",
    ] {
        assert!(tarnby.contains(row), "{row}:\n{tarnby}");
    }
    let json = json_report();
    let rows = &json["city_years"][1]["results"][0]["categories"][0]["rows"];
    assert_eq!(rows[1]["key"], "EC:ICT:ICT:2C");
    assert_eq!(rows[1]["band"], "less than 33% of target");
    assert_eq!(rows[1]["points"], 1);
    assert_eq!(rows[2]["band"], Value::Null);
}

#[test]
fn kpis_not_reported_say_which_parts_are_missing_with_the_verifiers_comments() {
    let md = report("markdown", &["--verification", VERIFICATION]);
    let tarnby = city_year(&md, "Tarnby 2021");
    assert!(
        tarnby.contains("\n- `EC:ICT:ICT:4C` Wireless Broadband Coverage: Partial - following not reported: 4G\n"),
        "{tarnby}"
    );
    assert!(
        tarnby.contains("\n- `EC:ICT:ICT:5C` Availability of WIFI in Public Areas — The city has no inventory of public WIFI access points\n"),
        "{tarnby}"
    );
    let json = json_report();
    let first = &json["city_years"][1]["not_reported"][0];
    assert_eq!(first["code"], "EC:ICT:ICT:4C");
    assert_eq!(first["partial"], true);
    assert_eq!(
        first["missing_parts"],
        json!([{"key": "EC:ICT:ICT:4C/4g", "name": "4G"}])
    );
}

#[test]
fn kpis_not_verified_give_the_verdict_and_comment_or_say_all_were_verified() {
    let md = report("markdown", &["--verification", VERIFICATION]);
    let tarnby = city_year(&md, "Tarnby 2021");
    assert!(tarnby.contains(
        "\n- `EC:ICT:ICT:3C` Wireless Broadband Subscriptions: not verified (the verifier says no) — Subscriptions include businesses (evidence: Regulator report 2021, p. 4)\n"
    ), "{tarnby}");
    assert!(tarnby.contains(
        "\n- `EC:ICT:ICT:4C` Wireless Broadband Coverage\n  - `EC:ICT:ICT:4C/3g`: not verifiable — The coverage maps are not public\n"
    ), "{tarnby}");
    assert!(!tarnby.contains("All reported KPIs were verified."));
    let asker = city_year(&md, "Asker 2021");
    assert!(
        asker.contains("## 8. KPIs not verified\n\nAll reported KPIs were verified.\n"),
        "{asker}"
    );
    let json = json_report();
    assert_eq!(
        json["city_years"][0]["all_verified"],
        "All reported KPIs were verified."
    );
    assert_eq!(json["city_years"][1]["all_verified"], Value::Null);
    let parts = &json["city_years"][1]["not_verified"][1]["parts"];
    assert_eq!(parts[0]["status"], "not verifiable");
}

#[test]
fn next_steps_list_the_lowest_bands_and_the_kpis_not_reported() {
    let json = json_report();
    let steps = &json["city_years"][1]["next_steps"];
    let keys = |band: &Value| -> Vec<String> {
        band["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(steps["bands"][0]["band"], "less than 33% of target");
    assert_eq!(keys(&steps["bands"][0]), ["EC:ICT:ICT:2C"]);
    assert_eq!(steps["bands"][1]["band"], "33-66% of target");
    assert_eq!(keys(&steps["bands"][1]), ["EC:ICT:ICT:4C/3g"]);
    let not_reported = steps["not_reported"].as_array().unwrap();
    assert_eq!(
        not_reported.len(),
        88,
        "87 KPIs not reported at all, and 4C in part"
    );
    assert_eq!(not_reported[0]["key"], "EC:ICT:ICT:4C");
    assert_eq!(not_reported[1]["key"], "EC:ICT:ICT:5C");
    let md = report("markdown", &["--verification", VERIFICATION]);
    let tarnby = city_year(&md, "Tarnby 2021");
    assert!(tarnby.contains(
        "**less than 33% of target:** `EC:ICT:ICT:2C` Fixed Broadband Subscriptions (15.00 %)\n"
    ));
    assert!(city_year(&md, "Asker 2021").contains("**less than 33% of target:** none\n"));
}

#[test]
fn the_method_is_the_catalogues_bands() {
    let json = json_report();
    let bands = &json["method"]["bands"];
    assert_eq!(
        bands[0],
        json!({"label": "less than 33% of target", "from": 0.0, "points": 1})
    );
    assert_eq!(bands[3]["points"], 4);
    assert_eq!(json["sections"].as_array().unwrap().len(), 9);
    let md = report("markdown", &["--verification", VERIFICATION]);
    assert!(md.contains("earns points by band (less than 33% of target: 1 point; 33-66% of target: 2 points; 66-95% of target: 3 points; 95%+ of target: 4 points)."));
}

#[test]
fn without_a_verification_file_the_report_says_none_was_recorded() {
    let out = citykpi(&["report", "verification", DATA]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stderr),
        "note: no --verification file: the report says that no verification was recorded, and its verified statuses are the data's own `verified` column\n"
    );
    let md = text(&out.stdout);
    let tarnby = city_year(&md, "Tarnby 2021");
    assert!(tarnby.contains("- Verifier's record: none given: no verification was recorded; the verified statuses below are the city's own, from the data's verified column\n"));
    assert!(tarnby.contains("- Verifier: not recorded\n"));
    // Every value of the data is flagged verified.
    assert!(tarnby.contains("All reported KPIs were verified."));
    let json: Value = serde_json::from_str(&report("json", &[])).unwrap();
    assert_eq!(json["verification_file"], Value::Null);
}

#[test]
fn a_verification_file_with_errors_stops_the_run_before_the_report() {
    let out = citykpi(&[
        "report",
        "verification",
        "tests/fixtures/verify-data.csv",
        "--verification",
        "tests/fixtures/verification-bad.csv",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: the verification file tests/fixtures/verification-bad.csv has errors:\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("error[bad-verified]: tests/fixtures/verification-bad.csv:5: column verified: verified \"checked\" is none of yes, no and not verifiable; write one of them\n"), "{stderr}");
}

#[test]
fn bad_arguments_and_missing_data_are_refused() {
    let out = citykpi(&["report", "verification", DATA, "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid value 'pdf' for '--format <FORMAT>'"));
    let out = citykpi(&[
        "report",
        "verification",
        "tests/fixtures/nothere.csv",
        "--verification",
        VERIFICATION,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr)
        .contains("error[unreadable-file]: tests/fixtures/nothere.csv: cannot read the file"));
    let out = citykpi(&[
        "report",
        "verification",
        DATA,
        "--verification",
        VERIFICATION,
        "--city",
        "Oslo",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        text(&out.stderr),
        "error: no data matches --city Oslo; nothing to report\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_report_on_data_with_errors_says_so_and_exits_3() {
    let dir = std::env::temp_dir().join(format!("citykpi-vreport-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.csv");
    std::fs::write(
        &file,
        "city,year,variable,value,unit\nTarnby,2021,EC:ICT:ICT:1C,abc,%\nTarnby,2021,EC:ICT:ICT:2C,45,%\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = citykpi(&[
        "report",
        "verification",
        path,
        "--verification",
        VERIFICATION,
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(3));
    // The error is the data's; the warning, the verifier's row for Asker, whom this data lacks.
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("error[not-a-number]: {path}:2: column value: value \"abc\" of `EC:ICT:ICT:1C` is not a number")), "{stderr}");
    assert!(
        stderr.ends_with(
            "error: the data has 1 error and 1 warning; the report says what they left out\n"
        ),
        "{stderr}"
    );
    let md = text(&out.stdout);
    assert!(md.contains("> **Warning:** This report rests on data with 1 error and 1 warning: 1 KPI has no value because an input was rejected"), "{md}");
}

#[test]
fn a_verification_row_for_a_city_the_data_lacks_is_a_warning() {
    let out = citykpi(&[
        "report",
        "verification",
        "tests/fixtures/verify-data.csv",
        "--verification",
        "tests/fixtures/verification-unknown.csv",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).starts_with("warning[unknown-city]: tests/fixtures/verification-unknown.csv:2: column city: the data has no city \"Tarnbi\""));
    assert!(text(&out.stdout).contains("- Verifier: not recorded\n"));
}

#[test]
fn city_and_year_pick_the_city_years() {
    let json: Value = serde_json::from_str(&report(
        "json",
        &[
            "--verification",
            VERIFICATION,
            "--city",
            "Tarnby",
            "--year",
            "2021",
        ],
    ))
    .unwrap();
    let cities: Vec<&str> = json["city_years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cy| cy["city"].as_str().unwrap())
        .collect();
    assert_eq!(cities, ["Tarnby"]);
}

#[test]
fn html_has_the_nine_sections_a_wheel_per_city_year_and_writes_to_a_file() {
    let dir = std::env::temp_dir().join(format!("citykpi-vreport-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.html");
    let path = file.to_str().unwrap();
    let out = citykpi(&[
        "report",
        "verification",
        DATA,
        "--verification",
        VERIFICATION,
        "--format",
        "html",
        "-o",
        path,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let html = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    for heading in SECTIONS {
        assert_eq!(
            html.matches(&format!("<h3>{heading}</h3>")).count(),
            2,
            "{heading}"
        );
    }
    assert_eq!(html.matches("<svg class=\"wheel\"").count(), 2);
    assert!(html.contains("<p>All reported KPIs were verified.</p>"));
    assert!(html.contains(": Partial - following not reported: 4G</li>"));
    assert!(!html.contains("<script"));
}

#[test]
fn the_assess_html_report_gives_the_reporting_counts() {
    let out = citykpi(&[
        "assess",
        "tests/fixtures/verify-data.csv",
        "--verification",
        "tests/fixtures/verification.csv",
        "--format",
        "html",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(
        "<p class=\"reporting\">Reporting: KPIs: 3 reported (0 verified, 3 not verified), 88 not reported; data points: 4 reported (1 verified, 3 not verified), 109 not reported.</p>"
    ));
}
