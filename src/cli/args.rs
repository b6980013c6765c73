//! The command line's shape: every subcommand, option and its help text (clap).
//!
//! Arguments parse straight into the library's plain option types; this module never runs anything.

use std::path::PathBuf;
use std::str::FromStr;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use citykpi::browse::ListFormat;
use citykpi::catalog::Tier;
use citykpi::dataset::{Decimal, TextOptions};
use citykpi::quality::Quality;
use citykpi::report::by_sdg::By;
use citykpi::report::ngsi::NgsiForm;
use citykpi::report::problems::ProblemFormat;
use citykpi::report::Format;
use citykpi::scoring::gates::Gate;
use citykpi::template::TemplateFormat;

pub use super::export_args::ExportSqlArgs;
pub use super::report::ReportCommand;

use super::years::year_span;
pub use super::years::{left_out, left_out_note, year_list, years, YearSpan};

pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the run failed: broken definitions, a file that cannot be read, I/O error
  2  usage error: bad arguments, unknown KPI code, an output that is a file read
     (data, targets, peers), a folder, or in a folder that is not there
  3  the data, the targets, the verification file or the questions log has errors
     (with --strict: also warnings), or nothing in the data to assess; the report is
     still written and says so (a targets file with errors is set aside for the
     default targets; a verification file or a questions log with errors stops the
     run before the report)
  4  a CI gate is not met (--fail-under, --min-coverage)
  101  an internal error (a bug: please report it)
When several apply, the lowest code wins (1, 2, 3, then 4); gates are checked and
their `gate:` lines printed even when the data has errors.";

/// A clap parser for a library enum, from its lower-case names (strum).
pub(super) fn names<E>() -> impl TypedValueParser<Value = E>
where
    E: strum::IntoEnumIterator + Into<&'static str> + FromStr + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(E::iter().map(Into::<&'static str>::into))
        .try_map(|name| E::from_str(&name).map_err(|_| format!("unknown value {name}")))
}

/// A clap parser for the text formats (`compare` writes no HTML page and no workbook).
fn text_formats() -> impl TypedValueParser<Value = Format> {
    use strum::IntoEnumIterator;
    PossibleValuesParser::new(
        Format::iter()
            .filter(|f| {
                !matches!(
                    f,
                    Format::Xlsx | Format::Html | Format::Parquet | Format::Arrow | Format::NgsiLd
                )
            })
            .map(Into::<&'static str>::into),
    )
    .try_map(|name| Format::from_str(&name).map_err(|_| format!("unknown value {name}")))
}

/// `--tier`: core, advanced, or all (no filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierFilter(pub Option<Tier>);

fn tier(text: &str) -> Result<TierFilter, String> {
    match text {
        "all" => Ok(TierFilter(None)),
        t => Tier::from_str(t)
            .map(|t| TierFilter(Some(t)))
            .map_err(|_| "give core, advanced or all".to_string()),
    }
}

fn delimiter(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() => Ok(t.as_bytes()[0]),
        _ => Err("give one ASCII character, e.g. ';' or 'tab'".into()),
    }
}

/// Assess a city against the U4SSC key performance indicators for smart sustainable cities.
///
/// citykpi reads city data (CSV, workbooks, Parquet; long or wide form), computes the 91 U4SSC KPIs for every
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
  citykpi assess sample-data/vesterby.csv --targets sample-data/targets.csv
  citykpi assess data/*.csv --city Vesterby --year 2024 --format json --output report.json
  citykpi assess data.csv --format ndjson | jq .summary[0].score
  cat city.csv | citykpi assess - --format csv > kpis.csv
  citykpi assess data.csv --format xlsx --output report.xlsx
  citykpi assess city.csv --fail-under 60 --fail-under EN=50 --min-coverage 90   # a CI gate")]
    Assess(AssessArgs),
    /// Explain one KPI value: formula, inputs with sources and lines, target, score, next band.
    #[command(after_help = "Examples:
  citykpi explain Vesterby EC:ICT:ICT:1C --data sample-data/vesterby.csv
  citykpi explain Riverton \"EN: EN: AQ: 1C\" --data sample-data/riverton.csv --year 2023 --format json")]
    Explain(ExplainArgs),
    /// Compare cities: each KPI's rank, percentile, peer median and best peer, and the
    /// U4SSC scores side by side with the coverage behind each, ranked among the cities that
    /// compute at least --min-coverage % of their core KPIs. Each city is compared on its
    /// latest year (of those --year gives), shown beside it.
    #[command(after_help = "Examples:
  citykpi compare sample-data/vesterby.csv sample-data/riverton.csv
  citykpi compare data/*.csv --year 2019-2021 --min-coverage 30
  citykpi compare data/*.csv --peers peers.csv --format csv > ranks.csv   # peers.csv: city,group
  citykpi compare national.csv --group region --format md")]
    Compare(CompareArgs),
    /// Compare two JSON reports of `assess`: what changed in value, band, status, progress
    /// and coverage.
    #[command(after_help = "Examples:
  citykpi diff last-year.json this-year.json
  citykpi assess data.csv --format json | citykpi diff last-year.json -
  citykpi diff before.json after.json --fail-on-regression   # exit 4 when a band fell")]
    Diff(DiffArgs),
    /// Write the U4SSC verification report (`report verification`): the published report's
    /// nine sections per city-year, as HTML that prints on A4, Markdown or JSON.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Browse the KPI catalogue.
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
    /// Write the data-collection sheet: every variable, or what each city lacks (--for).
    #[command(
        after_help = "With --for, per city (its latest year, or each --year it has) the rows are what it
lacks to compute each KPI or part it has no value for: the inputs of the KPI's formula, those
it has filled in (value, source, quality, verified, and where they were read in `origin`).
A city that reports KPI figures (more than half of the values it gives in that year are KPI
codes as variables) gets one row per missing KPI or part, its code as the variable. KPIs come
in the order of the next steps: core KPIs not reported, then those with a part in the weakest
band (0-33 %), then the next (33-66 %), then the rest. Standard error gets a line per city:
`Asker 2020: 77 KPIs not reported; 138 inputs to collect`. Filled in, the sheet goes back to
`assess`, alone or beside the data (a row it repeats is a `duplicate-row` warning; a value it
changes conflicts with the data's row: correct that row, or give the sheet alone).

The columns value, reported, band, verified, quality, origin and source stand in the order of
the U4SSC template (result, reported, benchmark, verified, quality, origin, sources); `assess`
reads value, unit, source, quality and verified, and passes over the others.

Examples:
  citykpi template --tier core > to-collect.csv
  citykpi template --city Vesterby --year 2025 --output vesterby-2025.csv
  citykpi template --format xlsx --output to-collect.xlsx
  citykpi template --for data.csv --city Riverton --format xlsx -o riverton-next.xlsx"
    )]
    Template(TemplateArgs),
    /// Check data or definitions and report every problem, without computing anything.
    #[command(subcommand)]
    Check(CheckCommand),
    /// Write every KPI, score and roll-up as SQL (DuckDB, Spark, ANSI) over a long table.
    #[command(
        after_help = "The script creates the view citykpi_kpis (a row per city, year and KPI part, with the
columns of `assess --format csv`), with --include-scoring also citykpi_rollups (the U4SSC
roll-ups), and ends with a SELECT of the KPI rows. Values are read as `assess` reads them,
each in the unit its row's `unit` column names (--unit-column NAME for another name), as
`assess` converts them; a table without units needs --no-unit-column (values then in the
catalogue's units), else the engine stops at the missing column: the script never reads a
value in the wrong unit in silence. The table name is written as given: quote a part that
has spaces or is a keyword as your engine needs.

Examples:
  citykpi export-sql --dialect duckdb > kpis.sql
  duckdb -c \"CREATE TABLE observations AS FROM 'data.csv'; $(cat kpis.sql)\"
  citykpi export-sql --dialect spark --include-scoring --targets targets.csv --output kpis.sql
  citykpi export-sql --dialect ansi --table lake.obs --variable-column indicator --value-column amount --no-unit-column"
    )]
    ExportSql(ExportSqlArgs),
}

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Validate datasets against the variable registry: every problem, with file, line and value.
    #[command(after_help = "Examples:
  citykpi check data city.csv
  citykpi check data export.csv --delimiter ';' --decimal comma --format json
  citykpi check data big.csv --all --format json   # every problem, not 100 of each code per file

Exit code 1 when a file cannot be read, 3 when any value has an error (with --strict: any warning).")]
    Data(CheckDataArgs),
    /// Lint KPI definitions: TOML syntax, unknown keys, formulas, names, cycles, units, targets.
    #[command(after_help = "Examples:
  citykpi check defs                 # the embedded definitions
  citykpi check defs my-definitions/

Exit code 1 when any error is found.")]
    Defs {
        /// The definitions folder; the embedded definitions when not given.
        dir: Option<PathBuf>,
        /// How to print the problems: table or json.
        #[arg(long, short, value_parser = names::<ProblemFormat>(), default_value = "table")]
        format: ProblemFormat,
    },
}

#[derive(Debug, Args)]
pub struct CheckDataArgs {
    /// City data files (CSV, .xlsx[#Sheet], .parquet; long or wide form); `-` reads standard input.
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<String>,

    #[command(flatten)]
    pub text: TextArgs,

    /// How to print the problems: table or json.
    #[arg(long, short, value_parser = names::<ProblemFormat>(), default_value = "table")]
    pub format: ProblemFormat,

    /// Fail (exit code 3) on warnings too.
    #[arg(long)]
    pub strict: bool,

    /// List every problem; by default a file lists 100 of each code and counts the rest.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// City data files (CSV, .xlsx[#Sheet], .parquet; long or wide form); `-` reads standard input.
    #[arg(required = true, value_name = "DATA", help_heading = "Input")]
    pub data: Vec<String>,

    /// Only these cities (repeat or separate with commas; a name that holds a comma, such as
    /// "Washington, D.C.", is matched whole too).
    #[arg(long, help_heading = "Input")]
    pub city: Vec<String>,

    /// Only these years: a year, a list or a range (`2024`, `2020,2021`, `2019-2021`,
    /// `2020..2022`); earlier years are still read, as the base of progress.
    #[arg(long, value_name = "YEARS", value_delimiter = ',', value_parser = year_span, help_heading = "Input")]
    pub year: Vec<YearSpan>,

    #[command(flatten)]
    pub text: TextArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    /// Targets that replace the defaults: a CSV with columns kpi,target (optionally city, year, source).
    #[arg(long, value_name = "FILE", help_heading = "Definitions")]
    pub targets: Option<PathBuf>,

    /// Only core or advanced KPIs: core, advanced or all.
    #[arg(long, value_parser = tier, default_value = "all", help_heading = "Definitions")]
    pub tier: TierFilter,

    /// Measure progress from YEAR (default: each city's first year with a value).
    #[arg(long, value_name = "YEAR", help_heading = "Definitions")]
    pub base_year: Option<i32>,

    /// Score only values of data-quality LEVEL or better (1 = accurate measurements ...
    /// 6 = unknown methodology; a number or its id, e.g. 3 or higher-level). Weaker values,
    /// and values with no level in the data's `quality` column, are shown but not scored.
    #[arg(long, value_name = "LEVEL", value_parser = quality, help_heading = "Definitions")]
    pub min_quality: Option<Quality>,

    /// The report format: table, csv, json, ndjson (one city-year a line), md, html (one
    /// self-contained page), ngsi-ld (KeyPerformanceIndicator entities, one JSON array),
    /// xlsx, parquet or arrow (an Arrow IPC file; these three with
    /// --output, or standard output redirected to a file). The table fits the terminal's width
    /// (or COLUMNS, when set; a file or pipe gets it whole): names, units, progress and notes
    /// wrap, and while it is still too wide it leaves out Achieved, then Quality, Progress
    /// and Unit (md, csv and html keep every column).
    #[arg(long, short, value_parser = names::<Format>(), default_value = "table", help_heading = "Output")]
    pub format: Format,

    /// Group the results: sdg (by Sustainable Development Goal and target, from the
    /// catalogue's links; every format but ngsi-ld).
    #[arg(long, value_parser = names::<By>(), help_heading = "Output")]
    pub by: Option<By>,

    /// With --format ngsi-ld: normalized (every attribute as {"type": "Property", "value": ...})
    /// or key-values (the bare values, as a broker's options=keyValues gives them).
    #[arg(long, value_name = "FORM", value_parser = names::<NgsiForm>(), default_value = "normalized", help_heading = "Output")]
    pub ngsi_ld_form: NgsiForm,

    /// Write the report to FILE (written whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Fail (exit code 3) on data warnings too, e.g. unknown variables or repeated rows.
    #[arg(long, help_heading = "Input")]
    pub strict: bool,

    /// Exit with code 4 unless every city-year's overall score reaches SCORE %, or with
    /// DIMENSION=SCORE a dimension's (`EN=60`); repeat for several.
    #[arg(long, value_name = "[DIMENSION=]SCORE", value_parser = gate, help_heading = "CI gates")]
    pub fail_under: Vec<Gate>,

    /// Exit with code 4 unless every city-year computes at least PCT % of its core KPIs.
    #[arg(long, value_name = "PCT", value_parser = percent, help_heading = "CI gates")]
    pub min_coverage: Option<f64>,
}

fn quality(text: &str) -> Result<Quality, String> {
    Quality::parse(text).ok_or_else(|| format!("give {}, not {text:?}", Quality::accepted()))
}

fn percent(text: &str) -> Result<f64, String> {
    text.trim()
        .trim_end_matches('%')
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .ok_or_else(|| format!("give a percentage from 0 to 100, not {text:?}"))
}

/// `60` (overall) or `EN=60` (a dimension, by code).
fn gate(text: &str) -> Result<Gate, String> {
    match text.split_once('=') {
        Some((dimension, min)) => Ok(Gate::Score {
            dimension: Some(dimension.trim().to_uppercase()),
            min: percent(min)?,
        }),
        None => Ok(Gate::Score {
            dimension: None,
            min: percent(text)?,
        }),
    }
}

/// How to read the text of data files (shared by `assess` and `check data`).
#[derive(Debug, Args)]
pub struct TextArgs {
    /// The field delimiter of the data files; detected from the header when not given.
    #[arg(long, value_name = "CHAR", value_parser = delimiter, help_heading = "Input")]
    pub delimiter: Option<u8>,

    /// The decimal mark of numbers in the data files: auto, point or comma.
    #[arg(long, value_parser = names::<Decimal>(), default_value = "auto", help_heading = "Input")]
    pub decimal: Decimal,
}

impl TextArgs {
    pub fn options(&self) -> TextOptions {
        TextOptions {
            delimiter: self.delimiter,
            decimal: self.decimal,
        }
    }
}

/// The verifier's record, the questions to the city, and what they change (shared by
/// `assess`, `explain` and `compare`).
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The verifier's record (CSV or workbook): city,year,kpi and any of reported, verified
    /// (yes/no/not verifiable), comment, evidence, verifier, date; it wins over the data's.
    #[arg(long, value_name = "FILE", help_heading = "Verification")]
    pub verification: Option<PathBuf>,

    /// Score only verified values (verification file, else the data's `verified` column).
    #[arg(long, help_heading = "Verification")]
    pub verified_only: bool,

    /// Questions to the city (CSV or workbook): city,year,kpi,question,status (open,
    /// answered, closed) and any of answer, asked, answered; open ones show beside their KPI.
    #[arg(long, value_name = "FILE", help_heading = "Verification")]
    pub questions: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The city.
    pub city: String,

    /// The KPI code (`EC:ICT:ICT:1C`, spaces allowed), `CODE/part`, or id; a KPI with parts
    /// explains every part.
    pub code: String,

    /// City data files (CSV, .xlsx[#Sheet], .parquet; long or wide form); `-` reads standard input.
    #[arg(long, required = true, num_args = 1.., value_name = "DATA", help_heading = "Input")]
    pub data: Vec<String>,

    /// The year, or years one after another (a list or a range: `2020,2021`, `2019-2021`,
    /// `2020..2022`); default: the city's latest.
    #[arg(long, value_name = "YEARS", value_delimiter = ',', value_parser = year_span, help_heading = "Input")]
    pub year: Vec<YearSpan>,

    #[command(flatten)]
    pub text: TextArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    /// Targets that replace the defaults (as for `assess`).
    #[arg(long, value_name = "FILE", help_heading = "Definitions")]
    pub targets: Option<PathBuf>,

    /// Measure progress from YEAR (default: the city's first year with a value).
    #[arg(long, value_name = "YEAR", help_heading = "Definitions")]
    pub base_year: Option<i32>,

    /// The format: table (text) or json.
    #[arg(long, short, value_parser = ["table", "json"], default_value = "table", help_heading = "Output")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// City data files (CSV, .xlsx[#Sheet], .parquet; long or wide form); `-` reads standard input.
    #[arg(required = true, value_name = "DATA", help_heading = "Input")]
    pub data: Vec<String>,

    /// The years to compare from (a year, a list or a range: `2020,2021`, `2019-2021`,
    /// `2020..2022`): each city is compared on its latest year among them; default: each
    /// city's latest year in the data. A city with no data in them is named on stderr.
    #[arg(long, value_name = "YEARS", value_delimiter = ',', value_parser = year_span, help_heading = "Input")]
    pub year: Vec<YearSpan>,

    /// Rank the U4SSC scores of only the cities that compute at least PCT % of their core
    /// KPIs; the others are listed as "not ranked", with their coverage. A score over a
    /// handful of KPIs does not compare with one over most of them.
    #[arg(long, value_name = "PCT", value_parser = percent, default_value = "50", help_heading = "Peers")]
    pub min_coverage: f64,

    #[command(flatten)]
    pub text: TextArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    /// Compare each city only with cities of the same value in this column of the data
    /// files (such as `region` or `size_class`).
    #[arg(
        long,
        value_name = "COLUMN",
        conflicts_with = "peers",
        help_heading = "Peers"
    )]
    pub group: Option<String>,

    /// Compare each city only with the cities of its group: a CSV with columns city,group.
    #[arg(long, value_name = "FILE", help_heading = "Peers")]
    pub peers: Option<PathBuf>,

    /// Targets that replace the defaults (as for `assess`).
    #[arg(long, value_name = "FILE", help_heading = "Definitions")]
    pub targets: Option<PathBuf>,

    /// The format: table, csv, json, ndjson (one KPI row a line) or md.
    #[arg(long, short, value_parser = text_formats(), default_value = "table", help_heading = "Output")]
    pub format: Format,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier report (`assess --format json` or `ndjson`, in any JSON layout: `jq .`
    /// or `jq -S` output reads too); `-` reads standard input.
    pub old: PathBuf,

    /// The later report; `-` reads standard input.
    pub new: PathBuf,

    /// Exit with code 4 when any KPI fell a band.
    #[arg(long)]
    pub fail_on_regression: bool,

    /// The format: table or csv or json.
    #[arg(long, short, value_parser = ["table", "csv", "json"], default_value = "table")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Only the variables that core (or advanced) KPIs need: core, advanced or all.
    #[arg(long, value_parser = tier, default_value = "all")]
    pub tier: TierFilter,

    /// Fill the city column with NAME; with --for, only that city.
    #[arg(long, value_name = "NAME", default_value = "")]
    pub city: String,

    /// What the cities of DATA (files, or `-`) lack: the inputs (or KPI figures) to collect,
    /// with what they have filled in.
    #[arg(long = "for", value_name = "DATA", num_args = 1.., help_heading = "Input")]
    pub data: Vec<String>,

    /// With --for: the targets file, so that the order follows the bands `assess` gives.
    #[arg(long, value_name = "FILE", requires = "data", help_heading = "Input")]
    pub targets: Option<PathBuf>,

    /// With --for: the verifier's record; a KPI or part the verifier marks not reported is
    /// collected again, its value filled in and the verifier's comment in `origin`.
    #[arg(long, value_name = "FILE", requires = "data", help_heading = "Input")]
    pub verification: Option<PathBuf>,

    #[command(flatten)]
    pub text: TextArgs,

    /// Fill the year column with YEARS: a year, or a list or range (`2020,2021`,
    /// `2019-2021`, `2020..2022`) for the rows of each year one after another; with --for,
    /// the years to look at (each city's latest by default).
    #[arg(long, value_name = "YEARS", value_delimiter = ',', value_parser = year_span)]
    pub year: Vec<YearSpan>,

    /// The format: csv, or xlsx (a workbook that checks values as they are typed; with
    /// --output, or standard output redirected to a file).
    #[arg(long, short, value_parser = names::<TemplateFormat>(), default_value = "csv")]
    pub format: TemplateFormat,

    /// Write the sheet to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum IndicatorsCommand {
    /// List the KPIs, optionally of one dimension or tier.
    #[command(after_help = "Examples:
  citykpi indicators list
  citykpi indicators list --dimension EN --tier core
  citykpi indicators list --format csv")]
    List(ListArgs),
    /// Show one KPI: definition, formula, inputs, target, SDG links.
    #[command(after_help = "Examples:
  citykpi indicators show EC:ICT:ICT:1C
  citykpi indicators show \"EN: EN: AQ: 1C\"")]
    Show {
        /// The KPI code (`EC:ICT:ICT:1C`, spaces allowed), `CODE/part`, or id (`ec_ict_ict_1c`).
        code: String,
    },
    /// List, per SDG goal, the targets the KPIs inform (U4SSC's links) and those they do not.
    #[command(after_help = "Examples:
  citykpi indicators sdg
  citykpi assess sample-data/vesterby.csv --by sdg")]
    Sdg,
    /// Write the embedded definitions to DIR, to start your own (use them with `--defs DIR`).
    #[command(after_help = "Examples:
  citykpi indicators export my-definitions
  citykpi --defs my-definitions check defs")]
    Export {
        /// The folder to create; it must not exist or be empty.
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this dimension: a code (EC, EN, SC) or a name (economy, environment, society).
    #[arg(long)]
    pub dimension: Option<String>,

    /// Only core or advanced KPIs: core, advanced or all.
    #[arg(long, value_parser = tier, default_value = "all")]
    pub tier: TierFilter,

    /// The list format: table, csv or json.
    #[arg(long, short, value_parser = names::<ListFormat>(), default_value = "table")]
    pub format: ListFormat,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn tier_all_means_no_filter() {
        assert_eq!(tier("all"), Ok(TierFilter(None)));
        assert_eq!(tier("core"), Ok(TierFilter(Some(Tier::Core))));
        assert!(tier("gold").is_err());
    }
}
