//! Money and the keys that declare it, through the real binary with definitions of our own:
//! an amount without `any_currency` takes its own unit's currency only; `partial` and
//! `any_currency` where they cannot apply are definition errors at their line; and the
//! collection sheet of `template --for` keeps the city's currency.

use std::path::Path;
use std::process::{Command, Output};

fn citykpi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citykpi"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The embedded definitions exported to `dir/defs`, with `edit` applied to variables.toml.
fn definitions(dir: &Path, edit: impl FnOnce(String) -> String) {
    let out = citykpi(dir, &["indicators", "export", "defs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join("defs/variables.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
}

#[test]
fn an_amount_without_any_currency_takes_its_own_currency_only() {
    let dir = tempfile::tempdir().unwrap();
    // As KPIs that need GDP in EUR would have it: the amounts read with `city_gdp` without
    // `any_currency` (the definitions refuse a KPI dividing an amount in any currency by one
    // in a given currency).
    definitions(dir.path(), |text| {
        let mut text = text;
        for id in ["city_gdp", "rd_expenditure", "disaster_economic_losses"] {
            let table = format!("[{id}]");
            let (head, tail) = text.split_once(&table).unwrap();
            let tail = tail.replacen("any_currency = true\n", "", 1);
            text = format!("{head}{table}{tail}");
        }
        text
    });
    std::fs::write(
        dir.path().join("gdp.csv"),
        "city,year,variable,value,unit\nOslo,2024,city_gdp,612000,NOK million\nOslo,2024,rd_expenditure,11016,NOK million\nBergen,2024,city_gdp,25,EUR thousand\n",
    )
    .unwrap();
    let out = citykpi(
        dir.path(),
        &[
            "--defs", "defs", "check", "data", "gdp.csv", "--format", "json",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = json["problems"].as_array().unwrap();
    let found: Vec<(&str, u64, &str)> = problems
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap(),
                p["line"].as_u64().unwrap(),
                p["message"].as_str().unwrap(),
            )
        })
        .collect();
    // NOK does not convert into EUR; EUR thousand does (the scale alone).
    assert_eq!(
        found,
        [
            (
                "unit-mismatch",
                2,
                "`city_gdp` is in EUR million, and NOK million does not convert to EUR million; give the value in EUR million"
            ),
            (
                "unit-mismatch",
                3,
                "`rd_expenditure` is in EUR million, and NOK million does not convert to EUR million; give the value in EUR million"
            )
        ]
    );
}

#[test]
fn partial_and_any_currency_only_where_they_apply() {
    let dir = tempfile::tempdir().unwrap();
    definitions(dir.path(), |text| {
        text.replacen(
            "[population]\ndescription = \"Number of inhabitants of the city (resident population)\"\nunit = \"inhabitants\"\nkind = \"count\"\n",
            "[population]\ndescription = \"Number of inhabitants of the city (resident population)\"\nunit = \"inhabitants\"\nkind = \"count\"\npartial = true\nany_currency = true\n",
            1,
        )
    });
    let out = citykpi(dir.path(), &["check", "defs", "defs"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    for expected in [
        "variable `population` has partial = true, which only a boolean variable (kind = \"boolean\") takes",
        "variable `population` has any_currency = true, which only an amount of money (a unit such as \"EUR million\") takes",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(
        text.matches("variable `population` has").count(),
        2,
        "{text}"
    );
    assert!(text.contains("variables.toml:3"), "{text}");
}

#[test]
fn a_kpi_reading_one_amount_in_any_currency_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    definitions(dir.path(), |text| text);
    // R&D per inhabitant would be in whatever currency the city wrote.
    let path = dir
        .path()
        .join("defs/economy/productivity/r-and-d-expenditure.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "formula = \"100 * rd_expenditure / city_gdp\"",
        "formula = \"rd_expenditure / population\"",
    );
    std::fs::write(&path, text).unwrap();
    let out = citykpi(dir.path(), &["check", "defs", "defs", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems: Vec<(&str, &str, u64)> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["severity"] == "error")
        .map(|p| {
            (
                p["code"].as_str().unwrap(),
                p["message"].as_str().unwrap(),
                p["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [(
            "unit-kind-mismatch",
            "EC:P:IN:1C reads `rd_expenditure`, an amount in any currency (any_currency), but no other amount to divide it by; a KPI that needs an absolute amount reads a variable without any_currency, in the currency of its unit",
            8
        )]
    );
}

/// A CSV text as rows of named cells.
fn records(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    (reader.records())
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

/// `template --for`: a city that gave its money in its own currency (a `currency` column)
/// gets the blank amounts in that currency too, so the sheet filled in reads back in one
/// currency.
#[test]
fn blank_amounts_come_in_the_currency_the_city_gave() {
    let dir = std::env::temp_dir().join(format!("citykpi-collect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("oslo.csv"),
        "city,year,variable,value,currency\nOslo,2024,city_gdp,50000,NOK\n",
    )
    .unwrap();
    let out = citykpi(&dir, &["template", "--for", "oslo.csv"]);
    assert_eq!(out.status.code(), Some(0));
    let sheet = String::from_utf8(out.stdout).unwrap();
    let rows = records(&sheet);
    let unit = |name: &str| {
        let row = rows.iter().find(|r| r["variable"] == name).unwrap();
        (row["value"].clone(), row["unit"].clone())
    };
    assert_eq!(unit("city_gdp"), ("50000".into(), "NOK million".into()));
    assert_eq!(
        unit("rd_expenditure"),
        (String::new(), "NOK million".into())
    );
    // Filled in (R&D 500 of a GDP of 50 000), the sheet alone gives R&D at 1 % of GDP.
    let filled: String = sheet
        .lines()
        .map(|l| match l.starts_with("Oslo,2024,rd_expenditure,,") {
            true => l.replacen("rd_expenditure,,", "rd_expenditure,500,", 1),
            false => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("oslo-next.csv"), filled).unwrap();
    let out = citykpi(&dir, &["assess", "oslo-next.csv", "-f", "csv"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = records(&String::from_utf8(out.stdout).unwrap());
    let rd = report.iter().find(|r| r["code"] == "EC:P:IN:1C").unwrap();
    assert_eq!(rd["value"], "1");
}
