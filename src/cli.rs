//! The command line: arguments, and the calls into the pipeline stages.
//!
//! Nothing is computed here: each subcommand loads the catalogue, reads the
//! data, evaluates, scores and renders by calling the stages in order.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::catalog::{Catalog, Definitions, Tier};
use crate::dataset::{self, Decimal, Filter, Input, TextOptions};
use crate::diagnostic::Problems;
use crate::error::{exit, Error};
use crate::report::problems::ProblemFormat;
use crate::report::{self, Format, Style};
use crate::scoring::{Assessment, Targets};
use crate::{browse, engine, export_sql, generate, template};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the run failed (broken definitions, unreadable file, I/O error)
  2  usage error (bad arguments, unknown KPI code)
  3  the data has errors (with --strict: also warnings)";

/// Assess a city against the U4SSC key performance indicators for smart sustainable cities.
///
/// citykpi reads city data (CSV, long or wide form), computes the 91 U4SSC KPIs for every
/// city and year, scores each against its target the U4SSC way and writes the self-assessment
/// report. The KPI definitions are embedded; `--defs DIR` uses your own.
#[derive(Debug, Parser)]
#[command(name = "citykpi", version, after_help = EXIT_CODES, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Use the KPI definitions in DIR instead of the embedded ones.
    #[arg(long, global = true, value_name = "DIR", help_heading = "Definitions")]
    pub defs: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute, score and report every KPI for every city-year in the data.
    #[command(after_help = "Examples:
  citykpi assess sample-data/vesterby.csv --targets sample-data/vesterby-targets.csv
  citykpi assess data/*.csv --city Vesterby --year 2024 --format json --output report.json
  cat city.csv | citykpi assess - --format csv > kpis.csv")]
    Assess(AssessArgs),
    /// Browse the KPI catalogue.
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
    /// Write the data-collection sheet: every variable to collect, ready to fill in.
    #[command(after_help = "Examples:
  citykpi template --tier core > to-collect.csv
  citykpi template --city Vesterby --year 2025 --output vesterby-2025.csv")]
    Template(template::TemplateArgs),
    /// Check data or definitions and report every problem, without computing anything.
    #[command(subcommand)]
    Check(CheckCommand),
    /// Write every KPI as one SQL query (DuckDB or Spark) over a long table of observations.
    #[command(after_help = "Examples:
  citykpi export-sql --dialect duckdb > kpis.sql
  duckdb -c \"CREATE TABLE observations AS FROM 'data.csv'; $(cat kpis.sql)\"
  citykpi export-sql --dialect spark --table city_observations --output kpis.sql")]
    ExportSql {
        /// The SQL dialect.
        #[arg(long, value_enum, default_value_t = export_sql::Dialect::Duckdb)]
        dialect: export_sql::Dialect,
        /// The long table (city, year, variable, value) the query reads.
        #[arg(long, default_value = "observations")]
        table: String,
        /// Write the query to FILE instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write synthetic long-form data for benchmarks (see bench/run.sh).
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
    /// The benchmark floor: polars reads and pivots a long-form file, nothing else.
    #[command(hide = true)]
    BenchFloor {
        file: PathBuf,
        /// Use polars' streaming engine (for files larger than memory).
        #[arg(long)]
        streaming: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Validate datasets against the variable registry: every problem, with file, line and value.
    #[command(after_help = "Examples:
  citykpi check data city.csv
  citykpi check data export.csv --delimiter ';' --decimal comma --format json

Exit code 3 when any error is found (with --strict: any warning).")]
    Data(CheckDataArgs),
    /// Lint KPI definitions: TOML syntax, unknown keys, formulas, names, cycles, units, targets.
    #[command(after_help = "Examples:
  citykpi check defs                 # the embedded definitions
  citykpi check defs my-definitions/

Exit code 1 when any error is found.")]
    Defs {
        /// The definitions folder; the embedded definitions when not given.
        dir: Option<PathBuf>,
        /// How to print the problems.
        #[arg(long, short, value_enum, default_value_t = ProblemFormat::Table)]
        format: ProblemFormat,
    },
}

#[derive(Debug, Args)]
pub struct CheckDataArgs {
    /// City data files (CSV, long or wide form); `-` reads standard input.
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<String>,

    #[command(flatten)]
    pub text: TextArgs,

    /// How to print the problems.
    #[arg(long, short, value_enum, default_value_t = ProblemFormat::Table)]
    pub format: ProblemFormat,

    /// Fail (exit code 3) on warnings too.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// City data files (CSV, long or wide form); `-` reads standard input.
    #[arg(required = true, value_name = "DATA", help_heading = "Input")]
    pub data: Vec<String>,

    /// Only these cities (repeat or separate with commas).
    #[arg(long, value_delimiter = ',', help_heading = "Input")]
    pub city: Vec<String>,

    /// Only these years (repeat or separate with commas).
    #[arg(long, value_delimiter = ',', help_heading = "Input")]
    pub year: Vec<i32>,

    #[command(flatten)]
    pub text: TextArgs,

    /// Targets that replace the defaults: a CSV with columns kpi,target (and optionally city).
    #[arg(long, value_name = "FILE", help_heading = "Definitions")]
    pub targets: Option<PathBuf>,

    /// Only core or advanced KPIs.
    #[arg(long, value_enum, default_value_t = TierFilter::All, help_heading = "Definitions")]
    pub tier: TierFilter,

    /// The report format.
    #[arg(long, short, value_enum, default_value_t = Format::Table, help_heading = "Output")]
    pub format: Format,

    /// Write the report to FILE (written whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Fail (exit code 3) on data warnings too, e.g. unknown variables or repeated rows.
    #[arg(long, help_heading = "Input")]
    pub strict: bool,
}

/// How to read the text of data files (shared by `assess` and `check data`).
#[derive(Debug, Args)]
pub struct TextArgs {
    /// The field delimiter of the data files; detected from the header when not given.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, help_heading = "Input")]
    pub delimiter: Option<u8>,

    /// The decimal mark of numbers in the data files.
    #[arg(long, value_enum, default_value_t = Decimal::Auto, help_heading = "Input")]
    pub decimal: Decimal,
}

impl TextArgs {
    fn options(&self) -> TextOptions {
        TextOptions {
            delimiter: self.delimiter,
            decimal: self.decimal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TierFilter {
    Core,
    Advanced,
    All,
}

impl TierFilter {
    pub fn tier(self) -> Option<Tier> {
        match self {
            TierFilter::Core => Some(Tier::Core),
            TierFilter::Advanced => Some(Tier::Advanced),
            TierFilter::All => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum IndicatorsCommand {
    /// List the KPIs, optionally of one dimension or tier.
    #[command(after_help = "Examples:
  citykpi indicators list
  citykpi indicators list --dimension EN --tier core
  citykpi indicators list --format csv")]
    List(browse::ListArgs),
    /// Show one KPI: definition, formula, inputs, target, SDG links.
    #[command(after_help = "Examples:
  citykpi indicators show EC:ICT:ICT:1C
  citykpi indicators show \"EN: EN: AQ: 1C\"")]
    Show {
        /// The KPI code (`EC:ICT:ICT:1C`, spaces allowed), `CODE/part`, or id (`ec_ict_ict_1c`).
        code: String,
    },
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() => Ok(t.as_bytes()[0]),
        _ => Err("give one ASCII character, e.g. ';' or 'tab'".into()),
    }
}

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli, stderr: &mut dyn Write) -> anyhow::Result<u8> {
    if let Command::Check(CheckCommand::Defs { dir, format }) = &cli.command {
        return check_defs(dir.as_deref().or(cli.defs.as_deref()), *format);
    }
    let catalog = load_catalog(cli.defs.as_deref(), stderr)?;
    match cli.command {
        Command::Check(CheckCommand::Data(args)) => check_data(&catalog, &args),
        Command::Check(CheckCommand::Defs { .. }) => unreachable!("handled above"),
        Command::ExportSql {
            dialect,
            table,
            output,
        } => {
            write_output(output.as_deref(), &[], |out| {
                export_sql::write(&catalog, dialect, &table, out)
            })?;
            Ok(exit::OK)
        }
        Command::Generate(args) => {
            let bar = Progress::new(
                Some(args.cities as u64),
                "{elapsed_precise} [{bar:40}] {pos}/{len} cities",
            );
            let rows = write_output(args.output.as_deref(), &[], |out| {
                generate::generate(&catalog, &args, out, &|n| bar.set(n))?;
                Ok(())
            });
            bar.finish();
            rows?;
            Ok(exit::OK)
        }
        Command::BenchFloor { file, streaming } => {
            let (rows, columns) = generate::floor(&catalog, &file, streaming)?;
            writeln!(stderr, "pivoted {rows} city-years x {columns} columns")?;
            Ok(exit::OK)
        }
        Command::Assess(args) => assess(&catalog, args, stderr),
        Command::Indicators(IndicatorsCommand::List(args)) => {
            browse::list(&catalog, &args, &mut std::io::stdout().lock())?;
            Ok(exit::OK)
        }
        Command::Indicators(IndicatorsCommand::Show { code }) => {
            browse::show(&catalog, &code, &mut std::io::stdout().lock())?;
            Ok(exit::OK)
        }
        Command::Template(args) => {
            let output = args.output.clone();
            write_output(output.as_deref(), &[], |out| {
                template::write(&catalog, &args, out)
            })?;
            Ok(exit::OK)
        }
    }
}

/// A progress bar on standard error that appears only once the work has taken a second,
/// and never when standard error is not a terminal.
pub struct Progress {
    bar: indicatif::ProgressBar,
    start: std::time::Instant,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    pub fn new(len: Option<u64>, template: &str) -> Progress {
        let bar =
            indicatif::ProgressBar::with_draw_target(len, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress {
            bar,
            start: std::time::Instant::now(),
            shown: std::cell::Cell::new(false),
        }
    }

    pub fn set(&self, position: u64) {
        let due = self.start.elapsed() > std::time::Duration::from_secs(1);
        if !self.shown.get() && due && std::io::stderr().is_terminal() {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
        self.bar.set_position(position);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The catalogue, embedded or from `--defs`; refuses broken definitions.
pub fn load_catalog(defs: Option<&Path>, stderr: &mut dyn Write) -> anyhow::Result<Catalog> {
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

pub fn print_problems(problems: &Problems, stderr: &mut dyn Write) -> std::io::Result<()> {
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
    let problems = match Catalog::load(&definitions) {
        Ok(catalog) => catalog.warnings,
        Err(problems) => problems,
    };
    report::problems::render(&problems, format, &what, &mut std::io::stdout().lock())?;
    Ok(if problems.has_errors() {
        exit::FAILURE
    } else {
        exit::OK
    })
}

fn check_data(catalog: &Catalog, args: &CheckDataArgs) -> anyhow::Result<u8> {
    let inputs = parse_inputs(&args.data)?;
    let options = args.text.options();
    let loaded = dataset::load(catalog, &inputs, Filter::default(), options);
    let problems = loaded.problems;
    let files = inputs
        .iter()
        .map(Input::name)
        .collect::<Vec<_>>()
        .join(", ");
    let what = format!("{files} ({} city-years)", loaded.dataset.rows());
    report::problems::render(&problems, args.format, &what, &mut std::io::stdout().lock())?;
    let failed = problems.has_errors() || (args.strict && !problems.is_empty());
    Ok(if failed { exit::DATA } else { exit::OK })
}

fn parse_inputs(args: &[String]) -> anyhow::Result<Vec<Input>> {
    let inputs: Vec<Input> = args.iter().map(|d| Input::parse(d)).collect();
    if inputs.iter().filter(|i| **i == Input::Stdin).count() > 1 {
        return Err(Error::Usage("`-` (standard input) can be given only once".into()).into());
    }
    Ok(inputs)
}

fn assess(catalog: &Catalog, args: AssessArgs, stderr: &mut dyn Write) -> anyhow::Result<u8> {
    let inputs = parse_inputs(&args.data)?;
    let targets = match &args.targets {
        Some(path) => Targets::from_path(catalog, path).map_err(|problems| Error::Data {
            summary: format!("the targets file {} has errors", path.display()),
            problems,
        })?,
        None => Targets::default(),
    };
    let filter = Filter {
        cities: args.city.clone(),
        years: args.year.clone(),
    };
    let options = args.text.options();
    let total: Option<u64> = inputs.iter().map(Input::byte_len).sum();
    let bar = Progress::new(
        total,
        "{elapsed_precise} reading [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
    );
    let loaded = dataset::Loader::new(catalog, filter.clone(), options)
        .with_progress(|bytes| bar.set(bytes))
        .load_all(&inputs);
    bar.finish();
    let problems = loaded.problems;
    // Files that cannot be read at all leave nothing to report on.
    if problems.iter().any(|p| {
        p.code == "unreadable-file"
            || p.code == "not-utf8"
            || p.code == "empty-file"
            || p.code == "missing-column"
    }) {
        let summary = format!(
            "cannot read the data ({} error(s)); nothing was computed",
            problems.errors()
        );
        return Err(Error::Data { summary, problems }.into());
    }
    print_problems(&problems, stderr)?;
    let data_failed = problems.has_errors() || (args.strict && !problems.is_empty());
    let data = loaded.dataset;
    if data.rows() == 0 {
        let what = if filter.cities.is_empty() && filter.years.is_empty() {
            "the data has no rows".to_string()
        } else {
            format!(
                "no data matches --city {:?} --year {:?}",
                filter.cities, filter.years
            )
        };
        return Err(Error::Usage(format!("{what}; nothing to assess")).into());
    }
    let results = engine::evaluate(catalog, &data).context("evaluating the KPI formulas")?;
    let assessment = Assessment {
        catalog,
        data: &data,
        results: &results,
        targets: &targets,
        tier: args.tier.tier(),
    };
    let to_terminal = args.output.as_deref().is_none_or(|o| o == Path::new("-"))
        && std::io::stdout().is_terminal();
    let style = Style {
        colour: args.format == Format::Table
            && to_terminal
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        terminal_width: to_terminal,
    };
    write_output(args.output.as_deref(), &inputs, |out| {
        report::render(args.format, &assessment, style, out)
    })?;
    if data_failed {
        writeln!(
            stderr,
            "error: the data has {} error(s) and {} warning(s); KPIs that read a rejected value say so in the report",
            problems.errors(),
            problems.warnings()
        )?;
        return Ok(exit::DATA);
    }
    Ok(exit::OK)
}

/// Write to FILE through a temporary file renamed into place, or to stdout for none or `-`.
/// An output path that is one of the inputs is refused.
pub fn write_output(
    output: Option<&Path>,
    inputs: &[Input],
    render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let Some(path) = output.filter(|p| *p != Path::new("-")) else {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        render(&mut out)?;
        out.flush()?;
        return Ok(());
    };
    for input in inputs {
        if let Some(input) = input.path() {
            let same = match (input.canonicalize(), path.canonicalize()) {
                (Ok(a), Ok(b)) => a == b,
                _ => input == path,
            };
            if same {
                return Err(Error::Usage(format!(
                    "the output {} is also an input; write the report to another file",
                    path.display()
                ))
                .into());
            }
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".citykpi-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write to {}", dir.display()))?;
    {
        let mut out = std::io::BufWriter::new(temp.as_file_mut());
        render(&mut out)?;
        out.flush()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    // A report is an ordinary file (0644, or the mode of the file it replaces), not 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(path) {
            Ok(existing) => existing.permissions().mode(),
            Err(_) => 0o644,
        };
        let _ = temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode));
    }
    temp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
