//! The commands that look across cities and runs: `compare` (peers) and `diff` (two
//! reports). They load, call the library and write; the library decides.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Context;

use super::args::{self, left_out, left_out_note, year_list, CompareArgs, DiffArgs};
use super::output::{check_output, files_read, write_output};
use super::run::{
    load_questions, load_readable, load_targets, load_verification, parse_inputs, print_problems,
};
use citykpi::catalog::Catalog;
use citykpi::dataset::{self, Filter, Groups, Input};
use citykpi::diagnostic::{exit, plural, Problems};
use citykpi::scoring::{compare, Assessment};
use citykpi::{diff, engine, report, Error};

/// `citykpi compare`: every city of one year against its peers.
pub fn compare(catalog: &Catalog, args: CompareArgs, stderr: &mut dyn Write) -> anyhow::Result<u8> {
    let inputs = parse_inputs(&args.data)?;
    let reads = files_read(
        &inputs,
        &[
            args.targets.as_deref(),
            args.peers.as_deref(),
            args.verify.verification.as_deref(),
            args.verify.questions.as_deref(),
        ],
    );
    check_output(args.output.as_deref(), &reads, "comparison")?;
    let targets = load_targets(catalog, args.targets.as_deref(), &args.text.options())?;
    let verification = load_verification(
        catalog,
        args.verify.verification.as_deref(),
        &args.text.options(),
    )?;
    let questions = load_questions(
        catalog,
        args.verify.questions.as_deref(),
        &args.text.options(),
    )?;
    let mut groups = Groups::new();
    let grouping = match (&args.group, &args.peers) {
        (Some(column), _) => {
            for input in &inputs {
                let Input::File(path) = input else {
                    return Err(Error::Usage(
                        "--group reads the data files again; give CSV files, not `-`, a workbook or Parquet (or pass --peers)".into(),
                    )
                    .into());
                };
                read_groups(path, column, &args.text.options(), &mut groups)?;
            }
            Some(column.clone())
        }
        (None, Some(peers)) => {
            read_groups(peers, "group", &args.text.options(), &mut groups)?;
            Some("group".to_string())
        }
        (None, None) => None,
    };
    let (data, data_exit) = load_readable(
        catalog,
        &inputs,
        Filter::default(),
        &args.text,
        args.group.as_deref(),
        stderr,
    )?;
    // Each city on its latest year (of those asked for); a city with none of them is named.
    let asked = args::years(&args.year);
    let results = engine::evaluate(catalog, &data).context("evaluating the KPI formulas")?;
    if let Some(verification) = &verification {
        print_problems(&verification.check(&data), stderr)?;
    }
    if let Some(questions) = &questions {
        print_problems(&questions.check(&data), stderr)?;
    }
    let assessment = Assessment::new(catalog, &results, targets.as_ref(), None)
        .with_verification(verification.as_ref())
        .with_verified_only(args.verify.verified_only)
        .with_questions(questions.as_ref())
        .with_years(&asked);
    let chosen = latest_per_city(&data, &asked);
    let left_out = left_out(&data.cities, &data.years, &asked);
    if chosen.is_empty() {
        let when = match asked.is_empty() {
            true => String::new(),
            false => format!(" in {}", year_list(&asked)),
        };
        return Err(Error::NoData(format!("the data has no city{when}; check --year")).into());
    }
    if let Some(note) = left_out_note(&left_out, &asked) {
        writeln!(stderr, "{note}")?;
    }
    let mut ungrouped = Vec::new();
    let mut comparison = compare::compare(&assessment, &chosen, args.min_coverage, |city| {
        match (&grouping, groups.get(dataset::name_key(city).as_ref())) {
            (None, _) => "all".to_string(),
            (Some(_), Some(group)) => group.clone(),
            (Some(_), None) => {
                ungrouped.push(city.to_string());
                "(none)".to_string()
            }
        }
    });
    comparison.left_out = left_out;
    if !ungrouped.is_empty() {
        writeln!(
            stderr,
            "warning: {} in no group, compared with each other as \"(none)\": {}",
            match ungrouped.len() {
                1 => "1 city".to_string(),
                n => format!("{n} cities"),
            },
            ungrouped.join(", ")
        )?;
    }
    write_output(args.output.as_deref(), &reads, |out| {
        report::compare::render(&comparison, args.format, out)
    })?;
    Ok(data_exit)
}

/// The city-years to compare: each city's latest year among `asked` (all years when
/// empty), as indexes into the assessment of those years (the rows of those years, in data
/// order).
fn latest_per_city(data: &dataset::Dataset, asked: &[i32]) -> Vec<usize> {
    let mut chosen: Vec<(usize, i32)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    let rows = data.cities.iter().zip(&data.years);
    let wanted = rows.filter(|(_, year)| asked.is_empty() || asked.contains(year));
    for (reported, (city, &year)) in wanted.enumerate() {
        match at.get(city.as_str()) {
            Some(&j) if chosen[j].1 >= year => {}
            Some(&j) => chosen[j] = (reported, year),
            None => {
                at.insert(city, chosen.len());
                chosen.push((reported, year));
            }
        }
    }
    chosen.into_iter().map(|(i, _)| i).collect()
}

fn read_groups(
    path: &std::path::Path,
    column: &str,
    options: &dataset::TextOptions,
    groups: &mut Groups,
) -> anyhow::Result<()> {
    dataset::read_groups(path, column, options, groups).map_err(|problem| {
        Error::Data {
            summary: format!("cannot read the groups from {}", path.display()),
            problems: Problems(vec![problem]),
        }
        .into()
    })
}

/// `citykpi diff`: what changed between two reports.
pub fn diff(args: DiffArgs, stderr: &mut dyn Write) -> anyhow::Result<u8> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(Error::Usage(
            "only one of the two reports can be `-` (standard input); give the other as a file"
                .into(),
        )
        .into());
    }
    let read = |path: &std::path::Path| -> anyhow::Result<String> {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("cannot read the report from standard input")?;
            return Ok(text);
        }
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let parse = |path: &std::path::Path, text| -> anyhow::Result<_> {
        diff::Report::parse(text).map_err(|e| {
            let name = match path.as_os_str() == "-" {
                true => "standard input".to_string(),
                false => path.display().to_string(),
            };
            Error::Usage(format!(
                "{name} is not a report of `citykpi assess --format json` or `ndjson` (schema {}, docs/report.schema.json): {e}",
                report::json::SCHEMA_VERSION
            ))
            .into()
        })
    };
    let (old_text, new_text) = (read(&args.old)?, read(&args.new)?);
    let (old, new) = (parse(&args.old, &old_text)?, parse(&args.new, &new_text)?);
    let changes = diff::changes(&old, &new);
    write_output(None, &[], |out| {
        report::diff::render(&changes, &args.format, out)
    })?;
    let fell = changes.iter().filter(|c| c.is_regression()).count();
    if args.fail_on_regression && fell > 0 {
        writeln!(stderr, "gate: {} fell a band", plural(fell, "KPI"))?;
        return Ok(exit::GATE);
    }
    Ok(exit::OK)
}
