//! `citykpi report verification`: the U4SSC verification report of every city-year in the
//! data (or those --city and --year pick), from the data, the targets and the verifier's
//! record, as HTML, Markdown or JSON. Its arguments, and the run: read, compute, score, build
//! the report's model and render it. It never computes anything itself.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use citykpi::catalog::Catalog;
use citykpi::dataset::{self, Filter, Input};
use citykpi::diagnostic::{exit, plural};
use citykpi::report::verification::{self, Format, VerificationReport};
use citykpi::scoring::{Assessment, Standing};
use citykpi::{engine, Error};

use super::args::{self, names, TextArgs, VerifyArgs, YearSpan};
use super::output::{check_output, files_read, write_output};
use super::run::{load_questions, load_targets, load_verification, parse_inputs, print_problems};
use super::years::year_span;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The U4SSC verification report, per city-year: background, KPI and data-point
    /// reporting and verification summaries, the benchmark wheel, the scoring method, the
    /// results per dimension, the KPIs not reported and not verified, and next steps.
    #[command(
        after_help = "Without --verification the report is still written: it says that no verification
was recorded, and its verified statuses are the data's own `verified` column.

Examples:
  citykpi report verification city.csv --verification verification.csv --format html -o report.html
  citykpi report verification city.csv --verification verification.csv --year 2021 --format markdown
  citykpi report verification city.csv --verification v.csv --format json | jq .city_years[0].kpis"
    )]
    Verification(VerificationArgs),
}

#[derive(Debug, Args)]
pub struct VerificationArgs {
    /// City data files (CSV, .xlsx[#Sheet], .parquet; long or wide form); `-` reads standard input.
    #[arg(required = true, value_name = "DATA", help_heading = "Input")]
    pub data: Vec<String>,

    /// Only these cities (repeat or separate with commas).
    #[arg(long, help_heading = "Input")]
    pub city: Vec<String>,

    /// Only these years: a year, a list or a range (`2024`, `2020,2021`, `2019-2021`).
    #[arg(long, value_name = "YEARS", value_delimiter = ',', value_parser = year_span, help_heading = "Input")]
    pub year: Vec<YearSpan>,

    #[command(flatten)]
    pub text: TextArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    /// Targets that replace the defaults (as for `assess`).
    #[arg(long, value_name = "FILE", help_heading = "Definitions")]
    pub targets: Option<PathBuf>,

    /// The format: html (one page that prints on A4), markdown or json.
    #[arg(long, short, value_parser = names::<Format>(), default_value = "markdown", help_heading = "Output")]
    pub format: Format,

    /// Write the report to FILE (written whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

pub(super) fn run(
    catalog: &Catalog,
    command: ReportCommand,
    stderr: &mut dyn Write,
) -> anyhow::Result<u8> {
    let ReportCommand::Verification(args) = command;
    let inputs = parse_inputs(&args.data)?;
    let verification_path = args.verify.verification.as_deref();
    let questions_path = args.verify.questions.as_deref();
    let reads = files_read(
        &inputs,
        &[args.targets.as_deref(), verification_path, questions_path],
    );
    check_output(args.output.as_deref(), &reads, "report.html")?;
    let options = args.text.options();
    let targets = load_targets(catalog, args.targets.as_deref(), &options)?;
    let verification = load_verification(catalog, verification_path, &options)?;
    let questions = load_questions(catalog, questions_path, &options)?;
    if verification.is_none() {
        writeln!(
            stderr,
            "note: no --verification file: the report says that no verification was recorded, and its verified statuses are the data's own `verified` column"
        )?;
    }
    let filter = Filter {
        // Each --city whole, and its parts between commas, as `assess` reads them.
        cities: args
            .city
            .iter()
            .flat_map(|c| std::iter::once(c.as_str()).chain(c.split(',')))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        years: Vec::new(),
    };
    let loaded = dataset::Loader::new(catalog, filter, options).load_all(&inputs);
    let problems = loaded.problems;
    if problems.unreadable() {
        let summary = format!(
            "cannot read the data ({}); nothing was reported",
            plural(problems.errors(), "error")
        );
        return Err(Error::Data { summary, problems }.into());
    }
    print_problems(&problems, stderr)?;
    let data = loaded.dataset;
    let years = args::years(&args.year);
    if !data
        .years
        .iter()
        .any(|y| years.is_empty() || years.contains(y))
    {
        let why = super::assess::nothing_matches(&args.city, &years);
        return Err(Error::NoData(why.replace("nothing to assess", "nothing to report")).into());
    }
    let results = engine::evaluate(catalog, &data).context("evaluating the KPI formulas")?;
    let disagreements = super::run::disagreements(
        catalog,
        &results,
        &data,
        targets.as_ref(),
        verification.as_ref(),
        questions.as_ref(),
    );
    print_problems(&disagreements, stderr)?;
    let standing = Standing::new(
        [&problems, &disagreements],
        format!("citykpi check data {} --all", args.data.join(" ")),
    );
    let assessment = Assessment::new(catalog, &results, targets.as_ref(), None)
        .with_verification(verification.as_ref())
        .with_questions(questions.as_ref())
        .with_verified_only(args.verify.verified_only)
        .with_years(&years)
        .with_standing(standing);
    let files = inputs.iter().map(Input::name).collect();
    let file = verification.as_ref().map(|v| v.file.as_str());
    let report = VerificationReport::new(&assessment, files, file);
    // A reader gone away (`| head`) ends the writing, not the run: the data's exit code stands.
    let written = write_output(args.output.as_deref(), &reads, |out| {
        verification::render(args.format, &report, out)
    });
    match written {
        Err(err) if !super::is_broken_pipe(&err) => return Err(err),
        _ => {}
    }
    // The report is written and says what its data lacks; the errors still fail the run.
    let errors = problems.errors() + disagreements.errors();
    if errors == 0 {
        return Ok(exit::OK);
    }
    writeln!(
        stderr,
        "error: the data has {} and {}; the report says what they left out",
        plural(errors, "error"),
        plural(problems.warnings() + disagreements.warnings(), "warning")
    )?;
    Ok(exit::DATA)
}
