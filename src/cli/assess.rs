//! `citykpi assess`: the data read and checked, every KPI computed and scored, the report
//! written with what it rests on, the gates checked, and the exit code picked (3 for the
//! data before 4 for a gate). It never computes anything itself.

use std::io::Write;

use anyhow::Context;

use citykpi::catalog::Catalog;
use citykpi::dataset::{self, Dataset, Filter, Input, Targets};
use citykpi::diagnostic::{exit, plural, Problem, ProblemCode, Problems};
use citykpi::report::{self, Format, Style};
use citykpi::scoring::gates::{self, Gate};
use citykpi::scoring::{Assessment, Standing};
use citykpi::{engine, Error};

use super::args::{self, year_list, AssessArgs};
use super::output::{check_output, files_read, to_terminal, write_output, Progress};
use super::run::{
    load_questions, load_verification, parse_inputs, print_problems, refuse_terminal,
};

pub(super) fn assess(
    catalog: &Catalog,
    args: AssessArgs,
    stderr: &mut dyn Write,
) -> anyhow::Result<u8> {
    match args.format {
        Format::Xlsx => refuse_terminal(args.output.as_deref(), "xlsx", "report.xlsx")?,
        Format::Parquet => refuse_terminal(args.output.as_deref(), "parquet", "kpis.parquet")?,
        Format::Arrow => refuse_terminal(args.output.as_deref(), "arrow", "kpis.arrow")?,
        _ => {}
    }
    if let Some(why) = args.by.and_then(|_| report::by_sdg::refusal(args.format)) {
        return Err(Error::Usage(why.into()).into());
    }
    let inputs = parse_inputs(&args.data)?;
    let reads = files_read(
        &inputs,
        &[
            args.targets.as_deref(),
            args.verify.verification.as_deref(),
            args.verify.questions.as_deref(),
        ],
    );
    check_output(args.output.as_deref(), &reads, "report")?;
    check_gates(catalog, &args.fail_under)?;
    let (targets, targets_problems) = targets_or_defaults(catalog, &args, stderr)?;
    // A verification file with errors stops the run: a verifier's status read wrong would
    // score what was not verified.
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
    // Every year is read: earlier years are the base of progress. --year picks what is reported.
    let filter = Filter {
        // Each --city whole, and its parts between commas: "Washington, D.C." and "Oslo,Bergen".
        cities: args
            .city
            .iter()
            .flat_map(|c| {
                std::iter::once(c.clone()).chain(c.split(',').map(|p| p.trim().to_string()))
            })
            .filter(|c| !c.is_empty())
            .collect(),
        years: Vec::new(),
    };
    let total: Option<u64> = inputs.iter().map(Input::byte_len).sum();
    let bar = Progress::new(
        total,
        "{elapsed_precise} reading [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
    );
    let loaded = dataset::Loader::new(catalog, filter.clone(), args.text.options())
        .with_progress(|bytes| bar.set(bytes))
        .load_all(&inputs);
    bar.finish();
    let problems = loaded.problems;
    // Files that cannot be read at all leave nothing to report on.
    if problems.unreadable() {
        let summary = format!(
            "cannot read the data ({}); nothing was computed",
            plural(problems.errors(), "error")
        );
        return Err(Error::Data { summary, problems }.into());
    }
    print_problems(&problems, stderr)?;
    let data_failed = problems.has_errors() || (args.strict && !problems.is_empty());
    let data = loaded.dataset;
    let years = args::years(&args.year);
    let reported = data
        .years
        .iter()
        .filter(|y| years.is_empty() || years.contains(y))
        .count();
    if reported == 0 {
        return Err(Error::NoData(nothing_matches(&args.city, &years)).into());
    }
    // A city with none of the years asked for is named, not dropped in silence.
    if let Some(note) =
        args::left_out_note(&args::left_out(&data.cities, &data.years, &years), &years)
    {
        writeln!(stderr, "{note}")?;
    }
    let results = engine::evaluate(catalog, &data).context("evaluating the KPI formulas")?;
    let assessment = Assessment::new(catalog, &results, targets.as_ref(), args.tier.0)
        .with_base_year(args.base_year)
        .with_min_quality(args.min_quality)
        .with_verification(verification.as_ref())
        .with_verified_only(args.verify.verified_only)
        .with_questions(questions.as_ref())
        .with_years(&years);
    let mut disagreements = super::run::disagreements(
        catalog,
        &results,
        &data,
        targets.as_ref(),
        verification.as_ref(),
        questions.as_ref(),
    );
    disagreements
        .0
        .extend(base_year_problem(&assessment, &data));
    print_problems(&disagreements, stderr)?;
    let data_failed =
        data_failed || (args.strict && !disagreements.is_empty()) || targets_problems.is_some();
    let mut standing = Standing::new([&problems, &disagreements], check_command(&args.data));
    if let (Some(file), Some(set_aside)) = (&args.targets, &targets_problems) {
        standing = standing.with_targets_set_aside(file.display().to_string(), set_aside);
    }
    let assessment = assessment.with_standing(standing);
    let to_terminal = to_terminal(args.output.as_deref());
    let style = Style {
        colour: args.format == Format::Table
            && to_terminal
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: table_width(to_terminal),
        ngsi_form: args.ngsi_ld_form,
        ..Style::default()
    };
    // A reader gone away (`| head`) ends the writing, not the run: the data's exit code
    // and the gates still stand.
    let written = write_output(args.output.as_deref(), &reads, |out| match args.by {
        Some(report::by_sdg::By::Sdg) => {
            report::by_sdg::render(args.format, &assessment, style, out)
        }
        None => report::render(args.format, &assessment, style, out),
    });
    match written {
        Err(err) if !super::is_broken_pipe(&err) => return Err(err),
        _ => {}
    }
    let gate_failed = print_gates(&assessment, &args, stderr)?;
    if data_failed {
        let (errors, warnings) = (
            problems.errors() + disagreements.errors(),
            problems.warnings() + disagreements.warnings(),
        );
        say_data_failed(errors, warnings, args.strict, gate_failed, stderr)?;
        return Ok(exit::DATA);
    }
    Ok(if gate_failed { exit::GATE } else { exit::OK })
}

/// `--fail-under DIMENSION=...` must name a dimension of the catalogue.
fn check_gates(catalog: &Catalog, gates: &[Gate]) -> anyhow::Result<()> {
    for gate in gates {
        if let Gate::Score {
            dimension: Some(code),
            ..
        } = gate
        {
            let dimensions = &catalog.taxonomy.dimensions;
            if !dimensions.iter().any(|d| &d.code == code) {
                let known: Vec<&str> = dimensions.iter().map(|d| d.code.as_str()).collect();
                return Err(Error::Usage(format!(
                    "--fail-under {code}=...: no dimension {code}; use one of {}",
                    known.join(", ")
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// The targets file, or its problems where it has errors: then it is set aside, the report
/// is written on the default targets and says so, and the run exits 3. A file that cannot
/// be read at all stops the run, as a data file does.
fn targets_or_defaults(
    catalog: &Catalog,
    args: &AssessArgs,
    stderr: &mut dyn Write,
) -> anyhow::Result<(Option<Targets>, Option<Problems>)> {
    let Some(path) = args.targets.as_deref() else {
        return Ok((None, None));
    };
    match Targets::from_path(catalog, path, &args.text.options()) {
        Ok(targets) => Ok((Some(targets), None)),
        Err(problems) if problems.unreadable() => {
            let summary = format!("cannot read the targets file {}", path.display());
            Err(Error::Data { summary, problems }.into())
        }
        Err(problems) => {
            writeln!(
                stderr,
                "error: the targets file {} has errors; the report is written on the default targets:",
                path.display()
            )?;
            print_problems(&problems, stderr)?;
            Ok((None, Some(problems)))
        }
    }
}

/// Why there is nothing to assess: no rows, or none that `--city` and `--year` keep.
pub(super) fn nothing_matches(cities: &[String], years: &[i32]) -> String {
    let mut what = Vec::new();
    if !cities.is_empty() {
        what.push(format!("--city {}", cities.join(",")));
    }
    if !years.is_empty() {
        what.push(format!("--year {}", year_list(years)));
    }
    if what.is_empty() {
        "the data has no rows; nothing to assess".to_string()
    } else {
        format!("no data matches {}; nothing to assess", what.join(" "))
    }
}

/// Check the gates on every city-year and print each shortfall (`gate: ...`), whatever the
/// data: CI sees them. True when one is not met.
fn print_gates(
    assessment: &Assessment,
    args: &AssessArgs,
    stderr: &mut dyn Write,
) -> std::io::Result<bool> {
    let mut gates = args.fail_under.clone();
    if let Some(min) = args.min_coverage {
        gates.push(Gate::CoreCoverage { min });
    }
    let mut failed = false;
    for city_year in assessment.iter().filter(|_| !gates.is_empty()) {
        for shortfall in gates::check(&city_year, &gates) {
            writeln!(stderr, "gate: {shortfall}")?;
            failed = true;
        }
    }
    Ok(failed)
}

/// The closing line of a run whose data (or targets file) failed: exit 3 comes before a
/// gate's 4, as the exit-code table says.
fn say_data_failed(
    errors: usize,
    warnings: usize,
    strict: bool,
    gate_failed: bool,
    stderr: &mut dyn Write,
) -> std::io::Result<()> {
    let gate = if gate_failed {
        " (a gate is not met either: exit 3 comes first)"
    } else {
        ""
    };
    if errors > 0 || strict {
        writeln!(
            stderr,
            "error: the data has {} and {}; KPIs that read a rejected value say so in the report{gate}",
            plural(errors, "error"),
            plural(warnings, "warning"),
        )
    } else {
        writeln!(
            stderr,
            "error: the targets file has errors; the report is on the default targets{gate}"
        )
    }
}

/// The width a terminal table must fit: `COLUMNS` when set to a number, else the
/// terminal's when writing to one; none for a file or a pipe.
fn table_width(to_terminal: bool) -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok();
    match columns.and_then(|c| c.trim().parse::<usize>().ok()) {
        Some(n) if n > 0 => Some(n),
        _ if to_terminal => comfy_table::Table::new().width().map(usize::from),
        _ => None,
    }
}

/// The command that lists every problem of these data files.
fn check_command(data: &[String]) -> String {
    let files: Vec<String> = data
        .iter()
        .map(|f| {
            if f.contains([' ', '\'', '"']) {
                format!("'{}'", f.replace('\'', "'\\''"))
            } else {
                f.clone()
            }
        })
        .collect();
    format!("citykpi check data {} --all", files.join(" "))
}

/// A warning when `--base-year` names a year in which some cities have no data: it names
/// them, and the year each one's progress is measured from instead.
pub(super) fn base_year_problem(assessment: &Assessment, data: &Dataset) -> Option<Problem> {
    let misfits = assessment.base_year_misfits();
    let year = assessment.base_year()?;
    if misfits.is_empty() {
        return None;
    }
    let listing: Vec<String> = misfits
        .iter()
        .map(|m| match m.instead {
            Some(from) => format!("{} (progress from {from})", m.city),
            None => format!("{} (no data after it: no progress)", m.city),
        })
        .collect();
    let (first, last) = (data.years.iter().min()?, data.years.iter().max()?);
    Some(Problem::new(
        ProblemCode::BaseYearNoData,
        data.files.join(", "),
        format!(
            "--base-year {year}: {} no data in {year}: {}; progress is measured from each city's first later year with data, where it has one; give a year the data has ({first} to {last}) or leave --base-year out",
            match misfits.len() {
                1 => "1 city has".to_string(),
                n => format!("{n} cities have"),
            },
            listing.join(", "),
        ),
    ))
}
