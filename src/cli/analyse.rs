//! The commands that look across cities and runs: `compare` (peers) and `diff` (two
//! reports). They load, call the library and write; the library decides.

use std::io::Write;

use anyhow::Context;

use super::args::{CompareArgs, DiffArgs};
use super::output::{check_output, files_read, write_output};
use super::run::{load_readable, load_targets, parse_inputs};
use citykpi::catalog::Catalog;
use citykpi::dataset::{self, Filter, Groups, Input};
use citykpi::diagnostic::{exit, plural, Problems};
use citykpi::scoring::{compare, Assessment};
use citykpi::{diff, engine, report, Error};

/// `citykpi compare`: every city of one year against its peers.
pub fn compare(catalog: &Catalog, args: CompareArgs, stderr: &mut dyn Write) -> anyhow::Result<u8> {
    let inputs = parse_inputs(&args.data)?;
    let reads = files_read(&inputs, &[args.targets.as_deref(), args.peers.as_deref()]);
    check_output(args.output.as_deref(), &reads, "comparison")?;
    let targets = load_targets(catalog, args.targets.as_deref(), &args.text.options())?;
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
    let year = match args.year.or_else(|| data.years.iter().copied().max()) {
        Some(year) if data.years.contains(&year) => year,
        _ => {
            let when = args.year.map_or(String::new(), |y| format!(" in {y}"));
            return Err(Error::NoData(format!("the data has no city{when}; check --year")).into());
        }
    };
    let results = engine::evaluate(catalog, &data).context("evaluating the KPI formulas")?;
    let assessment = Assessment::new(catalog, &results, targets.as_ref(), None).with_years(&[year]);
    let mut ungrouped = Vec::new();
    let comparison = compare::compare(&assessment, year, |city| {
        match (&grouping, groups.get(dataset::name_key(city).as_ref())) {
            (None, _) => "all".to_string(),
            (Some(_), Some(group)) => group.clone(),
            (Some(_), None) => {
                ungrouped.push(city.to_string());
                "(none)".to_string()
            }
        }
    });
    if !ungrouped.is_empty() {
        writeln!(
            stderr,
            "warning: {} in no group, compared with each other as \"(none)\": {}",
            plural(ungrouped.len(), "city"),
            ungrouped.join(", ")
        )?;
    }
    write_output(args.output.as_deref(), &reads, |out| {
        report::compare::render(&comparison, args.format, out)
    })?;
    Ok(data_exit)
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
    let read = |path: &std::path::Path| -> anyhow::Result<diff::Report> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        diff::Report::parse(&text).map_err(|e| {
            Error::Usage(format!(
                "{} is not a report of `citykpi assess --format json` or `ndjson`: {e}",
                path.display()
            ))
            .into()
        })
    };
    let (old, new) = (read(&args.old)?, read(&args.new)?);
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
