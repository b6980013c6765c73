//! Running a parsed command line: each subcommand calls the pipeline stages in order
//! (definitions -> data -> engine -> scoring -> report) and picks the exit code.
//!
//! It never computes anything itself. Standard error is written here; standard output and
//! report files through `output`.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use citykpi::catalog::{Catalog, Definitions};
use citykpi::dataset::{self, Dataset, Filter, Input, Questions, Targets, Verification};
use citykpi::diagnostic::{exit, plural, Problems};
use citykpi::report;
use citykpi::report::problems::ProblemFormat;
use citykpi::scoring::Assessment;
use citykpi::{browse, engine, export_sql, plausibility, Error};

use super::analyse;
use super::args::{
    self, year_list, CheckCommand, CheckDataArgs, Cli, Command, ExplainArgs, ExportSqlArgs,
    IndicatorsCommand, TextArgs,
};
use super::output::{check_output, to_terminal, write_output};

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let mut stderr = std::io::stderr().lock();
    let catalog = match &cli.command {
        Command::Check(CheckCommand::Defs { dir, format }) => {
            return check_defs(dir.as_deref().or(cli.defs.as_deref()), *format);
        }
        _ => load_catalog(cli.defs.as_deref(), &mut stderr)?,
    };
    match cli.command {
        Command::Check(CheckCommand::Defs { .. }) => Ok(exit::OK),
        Command::Check(CheckCommand::Data(args)) => check_data(&catalog, &args),
        Command::ExportSql(args) => {
            export_sql(&catalog, &args, cli.defs.as_deref())?;
            Ok(exit::OK)
        }
        Command::Assess(args) => super::assess::assess(&catalog, args, &mut stderr),
        Command::Report(command) => super::report::run(&catalog, command, &mut stderr),
        Command::Explain(args) => explain(&catalog, args, &mut stderr),
        Command::Compare(args) => analyse::compare(&catalog, args, &mut stderr),
        Command::Diff(args) => analyse::diff(args, &mut stderr),
        Command::Indicators(IndicatorsCommand::List(args)) => {
            let options = browse::ListOptions {
                dimension: args.dimension,
                tier: args.tier.0,
                format: args.format,
            };
            write_output(None, &[], |out| browse::list(&catalog, &options, out))?;
            Ok(exit::OK)
        }
        Command::Indicators(IndicatorsCommand::Show { code }) => {
            write_output(None, &[], |out| browse::show(&catalog, &code, out))?;
            Ok(exit::OK)
        }
        Command::Indicators(IndicatorsCommand::Sdg) => {
            write_output(None, &[], |out| browse::sdg(&catalog, out))?;
            Ok(exit::OK)
        }
        Command::Indicators(IndicatorsCommand::Export { dir }) => {
            export_definitions(&dir)?;
            Ok(exit::OK)
        }
        Command::Template(args) => super::template::template(&catalog, args, &mut stderr),
    }
}

/// The catalogue, embedded or from `--defs`; refuses broken definitions.
fn load_catalog(defs: Option<&Path>, stderr: &mut dyn Write) -> anyhow::Result<Catalog> {
    let definitions = match defs {
        Some(dir) => Definitions::Dir(dir),
        None => Definitions::Embedded,
    };
    let catalog =
        Catalog::load(&definitions).map_err(|problems| Error::Definitions { problems })?;
    if defs.is_some() {
        print_problems(&catalog.warnings, stderr)?;
    }
    Ok(catalog)
}

pub(super) fn print_problems(problems: &Problems, stderr: &mut dyn Write) -> std::io::Result<()> {
    for problem in problems.iter() {
        writeln!(stderr, "{problem}")?;
    }
    Ok(())
}

fn check_defs(dir: Option<&Path>, format: ProblemFormat) -> anyhow::Result<u8> {
    let (what, definitions) = match dir {
        Some(dir) => (dir.display().to_string(), Definitions::Dir(dir)),
        None => (
            "the embedded definitions".to_string(),
            Definitions::Embedded,
        ),
    };
    let problems = match Catalog::check(&definitions) {
        Ok(catalog) => catalog.warnings,
        Err(problems) => problems,
    };
    write_output(None, &[], |out| {
        report::problems::render(&problems, format, &what, out)
    })?;
    Ok(if problems.has_errors() {
        exit::FAILURE
    } else {
        exit::OK
    })
}

fn check_data(catalog: &Catalog, args: &CheckDataArgs) -> anyhow::Result<u8> {
    let inputs = parse_inputs(&args.data)?;
    let loaded = dataset::Loader::new(catalog, Filter::default(), args.text.options())
        .listing_all(args.all)
        .load_all(&inputs);
    let mut problems = loaded.problems;
    // What only the computed values show: figures reported beside their inputs that
    // disagree, and the plausibility checks.
    if !problems.unreadable() {
        let results =
            engine::evaluate(catalog, &loaded.dataset).context("evaluating the KPI formulas")?;
        problems.0.extend(results.problems(catalog).0);
        problems.0.extend(plausibility::check(catalog, &results).0);
    }
    let files = inputs
        .iter()
        .map(Input::name)
        .collect::<Vec<_>>()
        .join(", ");
    let what = format!("{files} ({})", plural(loaded.dataset.rows(), "city-year"));
    write_output(None, &[], |out| {
        report::problems::render(&problems, args.format, &what, out)
    })?;
    Ok(match problems.exit_code() {
        Some(code) => code,
        None if args.strict && !problems.is_empty() => exit::DATA,
        None => exit::OK,
    })
}

pub(super) fn parse_inputs(args: &[String]) -> anyhow::Result<Vec<Input>> {
    let inputs: Vec<Input> = args.iter().map(|d| Input::parse(d)).collect();
    if inputs.iter().filter(|i| **i == Input::Stdin).count() > 1 {
        return Err(Error::Usage("`-` (standard input) can be given only once".into()).into());
    }
    Ok(inputs)
}

/// XLSX, Parquet and Arrow are binary: refuse to write them to a terminal ([`to_terminal`]).
pub(super) fn refuse_terminal(
    output: Option<&Path>,
    format: &str,
    example: &str,
) -> anyhow::Result<()> {
    if to_terminal(output) {
        return Err(Error::Usage(format!(
            "{format} is a binary format and is not written to a terminal; \
             use --output {example} or redirect standard output (> {example})"
        ))
        .into());
    }
    Ok(())
}

/// Write the embedded definitions into `dir`, which must not exist or be empty.
fn export_definitions(dir: &Path) -> anyhow::Result<()> {
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(Error::Usage(format!(
            "{} is not empty; give a new folder so that no file is overwritten",
            dir.display()
        ))
        .into());
    }
    for file in citykpi::catalog::embedded_files() {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, file.text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `export-sql`: the script for the catalogue, with the targets file if one is given.
fn export_sql(catalog: &Catalog, args: &ExportSqlArgs, defs: Option<&Path>) -> anyhow::Result<()> {
    let reads: Vec<&Path> = args.targets.as_deref().into_iter().collect();
    check_output(args.output.as_deref(), &reads, "kpis.sql")?;
    let source = export_sql::Source {
        table: args.table.clone(),
        city: args.city_column.clone(),
        year: args.year_column.clone(),
        variable: args.variable_column.clone(),
        value: args.value_column.clone(),
        unit: args.units(),
    };
    source
        .check(args.dialect)
        .map_err(|bad| Error::Usage(bad.to_string()))?;
    let targets = load_targets(catalog, args.targets.as_deref(), &Default::default())?;
    let defs = defs.map(|d| d.to_string_lossy());
    let options = export_sql::Options {
        dialect: args.dialect,
        source: &source,
        scoring: args.include_scoring,
        targets: targets.as_ref(),
        defs: defs.as_deref(),
    };
    write_output(args.output.as_deref(), &reads, |out| {
        export_sql::write(catalog, &options, out)
    })
}

/// The targets file, if one is given; its errors stop the run.
pub(super) fn load_targets(
    catalog: &Catalog,
    path: Option<&Path>,
    options: &dataset::TextOptions,
) -> anyhow::Result<Option<Targets>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let targets = Targets::from_path(catalog, path, options).map_err(|problems| Error::Data {
        summary: format!("the targets file {} has errors", path.display()),
        problems,
    })?;
    Ok(Some(targets))
}

/// The verification file, if one is given; its errors stop the run (exit 3, or 1 when it
/// cannot be read at all).
pub(super) fn load_verification(
    catalog: &Catalog,
    path: Option<&Path>,
    options: &dataset::TextOptions,
) -> anyhow::Result<Option<Verification>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let verification =
        Verification::from_path(catalog, path, options).map_err(|problems| Error::Data {
            summary: format!("the verification file {} has errors", path.display()),
            problems,
        })?;
    Ok(Some(verification))
}

/// What the results and the files beside the data say against it: the formulas' problems,
/// the plausibility screening, and the cities and years the targets file, the verifier's record
/// and the questions log name that the data lacks.
pub(super) fn disagreements(
    catalog: &Catalog,
    results: &engine::Results,
    data: &Dataset,
    targets: Option<&Targets>,
    verification: Option<&Verification>,
    questions: Option<&Questions>,
) -> Problems {
    let mut problems = results.problems(catalog);
    problems.0.extend(plausibility::check(catalog, results).0);
    problems
        .0
        .extend(targets.into_iter().flat_map(|t| t.check_cities(data).0));
    problems
        .0
        .extend(verification.into_iter().flat_map(|v| v.check(data).0));
    problems
        .0
        .extend(questions.into_iter().flat_map(|q| q.check(data).0));
    problems
}

/// The questions log, if one is given; its errors stop the run (exit 3, or 1 when it
/// cannot be read at all).
pub(super) fn load_questions(
    catalog: &Catalog,
    path: Option<&Path>,
    options: &dataset::TextOptions,
) -> anyhow::Result<Option<Questions>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let questions =
        Questions::from_path(catalog, path, options).map_err(|problems| Error::Data {
            summary: format!("the questions log {} has errors", path.display()),
            problems,
        })?;
    Ok(Some(questions))
}

/// The data, its problems printed; a file that cannot be read at all stops the run.
pub(super) fn load_readable(
    catalog: &Catalog,
    inputs: &[Input],
    filter: Filter,
    text: &TextArgs,
    also_read: Option<&str>,
    stderr: &mut dyn Write,
) -> anyhow::Result<(Dataset, u8)> {
    let loaded = dataset::Loader::new(catalog, filter, text.options())
        .also_reading(also_read)
        .load_all(inputs);
    if loaded.problems.unreadable() {
        let problems = loaded.problems;
        let summary = format!(
            "cannot read the data ({})",
            plural(problems.errors(), "error")
        );
        return Err(Error::Data { summary, problems }.into());
    }
    print_problems(&loaded.problems, stderr)?;
    // The data's errors are printed and the command goes on; it still exits as they say (3).
    let code = loaded.problems.exit_code().unwrap_or(exit::OK);
    Ok((loaded.dataset, code))
}

/// `citykpi explain`: one KPI (every part of it) of one city-year, with its lineage.
fn explain(catalog: &Catalog, args: ExplainArgs, stderr: &mut dyn Write) -> anyhow::Result<u8> {
    let indices: Vec<usize> = match catalog.find_measure(&args.code) {
        Some((_, m)) => catalog
            .measures()
            .position(|(_, x)| x.id == m.id)
            .into_iter()
            .collect(),
        None => match catalog.find(&args.code) {
            Some(kpi) => catalog
                .measures()
                .enumerate()
                .filter(|(_, (k, _))| k.code == kpi.code)
                .map(|(i, _)| i)
                .collect(),
            None => {
                let hint = catalog
                    .suggest(&args.code)
                    .map_or(String::new(), |s| format!("; did you mean {s}?"));
                return Err(Error::Usage(format!("unknown KPI \"{}\"{hint}", args.code)).into());
            }
        },
    };
    let inputs = parse_inputs(&args.data)?;
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
    let filter = Filter {
        cities: vec![args.city.clone()],
        years: Vec::new(),
    };
    let (data, data_exit) = load_readable(catalog, &inputs, filter, &args.text, None, stderr)?;
    // The years asked for that the city has (its latest by default); the others are named.
    let asked = args::years(&args.year);
    let years: Vec<i32> = match asked.is_empty() {
        true => data.years.iter().copied().max().into_iter().collect(),
        false => asked
            .iter()
            .copied()
            .filter(|y| data.years.contains(y))
            .collect(),
    };
    if years.is_empty() {
        let when = match asked.is_empty() {
            true => String::new(),
            false => format!(" in {}", year_list(&asked)),
        };
        return Err(Error::NoData(format!(
            "the data has no city {}{when}; check --city and --year",
            args.city
        ))
        .into());
    }
    let missing: Vec<i32> = asked
        .iter()
        .copied()
        .filter(|y| !years.contains(y))
        .collect();
    if !missing.is_empty() {
        writeln!(
            stderr,
            "note: {} has no data in {}; explained: {}",
            args.city,
            year_list(&missing),
            year_list(&years)
        )?;
    }
    let results = engine::evaluate(catalog, &data).context("evaluating the KPI formulas")?;
    let assessment = Assessment::new(catalog, &results, targets.as_ref(), None)
        .with_base_year(args.base_year)
        .with_verification(verification.as_ref())
        .with_verified_only(args.verify.verified_only)
        .with_questions(questions.as_ref())
        .with_years(&years);
    print_problems(
        &Problems(
            super::assess::base_year_problem(&assessment, &data)
                .into_iter()
                .chain(verification.iter().flat_map(|v| v.check(&data).0))
                .chain(questions.iter().flat_map(|q| q.check(&data).0))
                .collect(),
        ),
        stderr,
    )?;
    let json = args.format == "json";
    let mut texts = Vec::new();
    for city_year in assessment.iter() {
        let outcomes: Vec<_> = city_year
            .outcomes
            .iter()
            .filter(|o| indices.contains(&o.measure_index))
            .collect();
        let mut text = Vec::new();
        report::explain::render(&city_year, &outcomes, &catalog.scheme, json, &mut text)?;
        texts.push(String::from_utf8(text)?);
    }
    write_output(None, &[], |out| {
        match json {
            // Several years: one JSON array of every year's KPIs, as one year gives.
            true if texts.len() > 1 => {
                let items: Vec<&str> = texts
                    .iter()
                    .map(|t| {
                        t.trim()
                            .trim_start_matches('[')
                            .trim_end_matches(']')
                            .trim_matches('\n')
                    })
                    .filter(|t| !t.trim().is_empty())
                    .collect();
                writeln!(out, "[\n{}\n]", items.join(",\n"))?
            }
            true => write!(out, "{}", texts.concat())?,
            false => write!(out, "{}", texts.join("\n"))?,
        }
        Ok::<(), std::io::Error>(())
    })?;
    Ok(data_exit)
}
