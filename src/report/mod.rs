//! Reports: the assessment model rendered as a terminal table, CSV, JSON, JSON Lines,
//! Markdown, an HTML page, an XLSX workbook, Parquet, Arrow or NGSI-LD entities.
//! [`by_sdg`] renders the same assessment grouped by SDG goal and target (`--by sdg`).
//!
//! Every renderer takes the same [`Assessment`] and writes [`CityYearReport`]s as they are
//! scored (CSV and JSON: a chunk at a time per thread), so memory does not grow with the
//! number of city-years. Renderers only
//! format: values, targets, names, statuses and sources all come decided from the model,
//! so every format says the same thing. Renderers never read the engine, the dataset
//! or the formulas.

pub mod by_sdg;
mod columnar;
pub mod compare;
mod csv_out;
pub mod diff;
pub mod explain;
pub mod html;
pub mod json;
mod json_write;
mod markdown;
pub mod ngsi;
mod number;
mod parquet_out;
mod plain_table;
pub mod problems;
pub mod row;
mod table;
mod text;
pub mod verification;
mod wheel;
mod xlsx;

use crate::error::WriteError;
use std::fmt::Write as _;
use std::io::Write;

use crate::catalog::{Measure, MeasureKind};
use crate::scoring::{
    Assessment, CityYearReport, Evidence, NotScored, Outcome, Status, Summary, Target,
    TargetOrigin, Verdict,
};

/// The report formats.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    /// A readable table for the terminal.
    Table,
    /// One row per city, year and KPI (or KPI part).
    Csv,
    /// Every value, score, input and summary, with stable key order.
    Json,
    /// One JSON object per city-year and line (JSON Lines), for pipelines.
    Ndjson,
    /// Markdown tables, for reports and pull requests.
    Md,
    /// One self-contained HTML page with the benchmarking wheel, for a council.
    Html,
    /// An XLSX workbook: a summary sheet, a sheet per dimension and progress (binary).
    Xlsx,
    /// The long result table as Parquet, with typed columns (binary).
    Parquet,
    /// The same table as an Arrow IPC file (binary).
    Arrow,
    /// Smart Data Models `KeyPerformanceIndicator` entities for an NGSI-LD broker: one JSON
    /// array (an upsert's body), one entity a line.
    #[strum(serialize = "ngsi-ld")]
    NgsiLd,
}

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Colour the bands (only on a terminal, never with `NO_COLOR`).
    pub colour: bool,
    /// The width the terminal table must fit (the command line decides it: `COLUMNS`, or
    /// the terminal's); none for a file or a pipe.
    pub width: Option<usize>,
    /// Threads that render CSV rows (the output is the same for any number).
    pub threads: usize,
    /// The NGSI-LD representation (`--ngsi-ld-form`).
    pub ngsi_form: ngsi::NgsiForm,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            colour: false,
            width: None,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
            ngsi_form: ngsi::NgsiForm::default(),
        }
    }
}

/// Render the whole assessment in `format`.
pub fn render(
    format: Format,
    assessment: &Assessment,
    style: Style,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    match format {
        Format::Table => table::render(assessment, style, out),
        Format::Csv => csv_out::render(assessment, style.threads, out),
        Format::Json => json::render(assessment, style.threads, out),
        Format::Ndjson => json::render_lines(assessment, style.threads, out),
        Format::Md => markdown::render(assessment, out),
        Format::Html => html::render(assessment, out),
        Format::Xlsx => xlsx::render(assessment, out),
        Format::Parquet => parquet_out::render(assessment, style.threads, out),
        Format::Arrow => columnar::render_arrow(assessment, out),
        Format::NgsiLd => ngsi::render(assessment, style.ngsi_form, style.threads, out),
    }
}

/// Render city-years `0..len` on up to `threads` threads and write them in order
/// ([`in_order`]): the output is the same for any number of threads.
fn in_chunks(
    len: usize,
    in_flight: usize,
    threads: usize,
    out: &mut dyn Write,
    render: impl Fn(std::ops::Range<usize>) -> Result<Vec<u8>, WriteError> + Sync,
) -> Result<(), WriteError> {
    in_order(len, in_flight, threads, render, |text| {
        Ok(out.write_all(&text)?)
    })
}

/// Make something of every chunk of city-years `0..len` on up to `threads` threads, and
/// hand each to `take` on this thread, in order. `in_flight` city-years are shared among
/// the threads as one chunk each (at least one city-year a chunk; [`Style`] has at most 8
/// threads), so memory does not grow with the machine's cores. Each thread makes every
/// `threads`-th chunk and hands it over when `take` is ready for it, so chunks are made
/// while earlier ones are taken, and at most one chunk per thread is held besides the one
/// being taken. The first error, of a chunk or of `take`, stops the run; a thread's panic
/// is passed on with its own message.
fn in_order<T: Send>(
    len: usize,
    in_flight: usize,
    threads: usize,
    make: impl Fn(std::ops::Range<usize>) -> Result<T, WriteError> + Sync,
    mut take: impl FnMut(T) -> Result<(), WriteError>,
) -> Result<(), WriteError> {
    let threads = threads.max(1);
    let chunk = (in_flight / threads).max(1);
    let count = len.div_ceil(chunk);
    let threads = threads.min(count.max(1));
    let range = move |i: usize| i * chunk..((i + 1) * chunk).min(len);
    let make = &make;
    std::thread::scope(|scope| {
        let (handed, workers): (Vec<_>, Vec<_>) = (0..threads)
            .map(|first| {
                let (hand, receive) = std::sync::mpsc::sync_channel(0);
                let worker = scope.spawn(move || {
                    for i in (first..count).step_by(threads) {
                        if hand.send(make(range(i))).is_err() {
                            break; // the taker stopped
                        }
                    }
                });
                (receive, worker)
            })
            .unzip();
        let mut taken = || -> Result<(), WriteError> {
            for i in 0..count {
                // A thread that hands nothing more has panicked: its panic is passed on below.
                let Ok(made) = handed[i % threads].recv() else {
                    break;
                };
                take(made?)?;
            }
            Ok(())
        };
        let result = taken();
        // Threads still waiting to hand a chunk over stop once nobody takes it.
        drop(handed);
        for worker in workers {
            if let Err(panic) = worker.join() {
                // The first error stands; a panic with no error before it is passed on whole.
                if result.is_ok() {
                    std::panic::resume_unwind(panic);
                }
            }
        }
        result
    })
}

/// A value as reports print it: yes / partial / no for yes/no KPIs, whole counts
/// without decimals, everything else with two decimals (three significant digits
/// below 0.1).
pub fn display_value(measure: &Measure, value: Option<f64>) -> String {
    let mut text = String::new();
    write_display_value(&mut text, measure, value);
    text
}

/// [`display_value`] into a reused buffer (the CSV writer's hot path); empty for no value.
pub fn write_display_value(text: &mut String, measure: &Measure, value: Option<f64>) {
    text.clear();
    let Some(v) = value else {
        return;
    };
    if measure.is_yes_no() {
        text.push_str(if v >= 1.0 {
            "yes"
        } else if v <= 0.0 {
            "no"
        } else {
            "partial"
        });
    } else if measure.kind == MeasureKind::Count && v.fract() == 0.0 {
        let _ = write!(text, "{v:.0}");
    } else if v == 0.0 || v.abs() >= 0.1 {
        let _ = write!(text, "{v:.2}");
    } else {
        // Small values keep three significant digits: 0.001 is not 0.00.
        let digits = (-v.abs().log10().floor()) as usize + 2;
        let _ = write!(text, "{v:.digits$}");
    }
}

/// A target as reports print it: `yes` for a yes/no KPI, the number as given otherwise.
pub fn display_target(measure: &Measure, target: Option<&Target>) -> String {
    target.map_or(String::new(), |t| display_number(measure, t.value))
}

/// A number from the definitions or a targets file, as given: `5`, `0.5`, `yes`.
pub fn display_number(measure: &Measure, value: f64) -> String {
    if measure.is_yes_no() {
        display_value(measure, Some(value))
    } else {
        round(value, 6).to_string()
    }
}

/// Where a target was set: `default` (a published source, or yes for a yes/no KPI),
/// `default (citykpi's choice)`, `targets.csv:4`, `targets.csv:4 (city)`.
pub fn target_origin(target: Option<&Target>) -> String {
    match target.map(|t| t.origin) {
        None => String::new(),
        Some(TargetOrigin::Default) => "default".into(),
        Some(TargetOrigin::Chosen) => "default (citykpi's choice)".into(),
        Some(TargetOrigin::File {
            file,
            line,
            city_specific,
        }) => format!(
            "{file}:{line}{}",
            if city_specific { " (city)" } else { "" }
        ),
    }
}

/// Rounded for machine-readable output: enough digits, no float noise.
pub fn round(value: f64, decimals: i32) -> f64 {
    if value.abs() >= 1e15 {
        return value; // no fraction left to round; scaling would overflow
    }
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 {
        0.0 // no "-0"
    } else {
        rounded
    }
}

/// What a reader needs to know about a value beyond the number: why it is missing,
/// that the city reported it, which inputs were converted from another unit, why it is
/// not scored, how many questions to the city about it are still open.
pub fn note(city_year: &CityYearReport, outcome: &Outcome) -> String {
    let mut text = String::new();
    if let Status::Missing(reason) = &outcome.status {
        let _ = write!(text, "{reason}");
        add_open_questions(&mut text, outcome);
        return text;
    }
    let mut add = |part: &str| {
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(part);
    };
    let converted = |e: &Evidence| {
        e.converted_from
            .map(|(unit, _)| format!("{} from {unit}", e.name))
    };
    match &outcome.reported {
        Some(reported) => {
            add("reported directly");
            if let Some(c) = converted(reported) {
                add(&format!("converted: {c}"));
            }
        }
        None => {
            let list: Vec<String> = city_year
                .inputs(outcome)
                .iter()
                .filter_map(converted)
                .collect();
            if !list.is_empty() {
                add(&format!("converted: {}", list.join(", ")));
            }
        }
    }
    if let Some(why) = outcome.not_scored {
        add(&match why {
            NotScored::Never => "never scored".into(),
            NotScored::NoDirection => "no direction: not scored".into(),
            NotScored::NoTarget => "no target: not scored".into(),
            NotScored::BelowQuality(min) => match outcome.quality {
                Some(q) => format!(
                    "data quality {} is below the minimum {}: not scored",
                    q.level(),
                    min.level()
                ),
                None => format!(
                    "no data quality given (minimum {}): not scored",
                    min.level()
                ),
            },
            NotScored::NotVerified => match outcome.verification.and_then(|v| v.row.verdict) {
                Some(Verdict::NotVerifiable) => {
                    "not verifiable: not scored (--verified-only)".into()
                }
                _ if outcome.verified == Some(false) => {
                    "not verified: not scored (--verified-only)".into()
                }
                _ => "no verified status: not scored (--verified-only)".into(),
            },
            NotScored::NotReported => match outcome.verification {
                Some(v) => format!(
                    "the verifier marks it not reported ({}:{}): not scored",
                    v.file, v.row.line
                ),
                None => "not reported: not scored".into(),
            },
        });
    }
    // Where the verifier's status replaces the data's flag, the report says so.
    if let Some(v) = outcome.verification {
        if let (Some(data), Some(verdict)) = (v.overrides, v.row.verdict) {
            add(&format!(
                "verified: {} per {}:{} (the data says {})",
                verdict.label(),
                v.file,
                v.row.line,
                if data { "yes" } else { "no" }
            ));
        }
    }
    add_open_questions(&mut text, outcome);
    text
}

/// `1 open question` (`2 open questions`) at the end of a note, where there are any.
fn add_open_questions(text: &mut String, outcome: &Outcome) {
    let open = outcome.open_questions();
    if open > 0 {
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(&crate::diagnostic::plural(open, "open question"));
    }
}

/// What a report says first when its data or targets had problems (nothing for a clean
/// run): how many errors, what they left out, and the command that lists them.
pub fn banner(assessment: &Assessment) -> Vec<String> {
    use crate::diagnostic::plural;
    let standing = assessment.standing();
    if standing.is_clean() {
        return Vec::new();
    }
    let mut lines = Vec::new();
    if standing.errors > 0 {
        let missing: usize = assessment.iter().map(|cy| cy.rejected().count()).sum();
        let left_out = match missing {
            0 => "the rows and values it rejected are left out".to_string(),
            1 => "1 KPI has no value because an input was rejected, and the scores leave it out"
                .to_string(),
            n => format!(
                "{n} KPI values are missing because an input was rejected, and the scores leave them out"
            ),
        };
        lines.push(format!(
            "This report rests on data with {} and {}: {left_out}. List every problem with: {}",
            plural(standing.errors, "error"),
            plural(standing.warnings, "warning"),
            standing.check
        ));
    } else if standing.warnings > 0 {
        lines.push(format!(
            "The data has {} (values kept, but doubtful: check them before relying on their scores). List them with: {}",
            plural(standing.warnings, "warning"),
            standing.check
        ));
    }
    if let Some(file) = &standing.targets_set_aside {
        lines.push(format!(
            "The targets file {file} has {} and was set aside: every score here is against the definitions' default targets.",
            plural(standing.targets_errors, "error")
        ));
    }
    lines
}

/// The notes the data gives beside a value (`comment`, `evidence`, ... columns), as one
/// text: `comment: counted in December; evidence: census-2024.pdf p. 3`.
pub fn notes_text<'n>(notes: impl IntoIterator<Item = &'n (String, String)>) -> String {
    let mut text = String::new();
    for (column, note) in notes {
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(column);
        text.push_str(": ");
        text.push_str(note);
    }
    text
}

/// `yes`, `no`, or empty where the data does not say.
pub fn display_verified(verified: Option<bool>) -> &'static str {
    match verified {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// A quality level and verified flag in a few characters: `2 ✓`, `4 ✗`, `✓`.
pub fn display_assurance(outcome: &Outcome) -> String {
    let level = outcome.quality.map(|q| q.level().to_string());
    let flag = outcome
        .verified
        .map(|v| if v { "✓" } else { "✗" }.to_string());
    [level, flag]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `72.9 % (66-95% of target)`, or `not scored`.
pub fn display_score(summary: &Summary) -> String {
    match (summary.score, summary.band) {
        (Some(score), Some(band)) => format!("{score:.1} % ({})", band.label),
        _ => "not scored".into(),
    }
}

/// `core 55/55, advanced 36/36`.
pub fn display_coverage(summary: &Summary) -> String {
    coverage(summary, summary.core_computed, summary.advanced_computed)
}

/// `core 12/55, advanced 3/36`: the KPIs computed whose every value is verified.
pub fn display_verified_coverage(summary: &Summary) -> String {
    coverage(summary, summary.core_verified, summary.advanced_verified)
}

fn coverage(summary: &Summary, core: usize, advanced: usize) -> String {
    let mut parts = Vec::new();
    if summary.core_defined > 0 {
        parts.push(format!("core {core}/{}", summary.core_defined));
    }
    if summary.advanced_defined > 0 {
        parts.push(format!("advanced {advanced}/{}", summary.advanced_defined));
    }
    parts.join(", ")
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading quote.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err();
    if risky {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunk `r` rendered as its numbers, one a line.
    fn numbers(r: std::ops::Range<usize>) -> Result<Vec<u8>, WriteError> {
        Ok(r.map(|i| format!("{i}\n")).collect::<String>().into_bytes())
    }

    #[test]
    fn chunks_are_written_in_order_on_any_number_of_threads() {
        let expected = numbers(0..1000).unwrap();
        for threads in [1, 2, 3, 7, 500] {
            for in_flight in [1, 3, 64, 2000] {
                let mut out = Vec::new();
                in_chunks(1000, in_flight, threads, &mut out, numbers).unwrap();
                assert!(out == expected, "{threads} threads, {in_flight} in flight");
            }
        }
        let mut out = Vec::new();
        in_chunks(0, 8, 4, &mut out, numbers).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn a_panicking_chunk_is_passed_on_with_its_message_and_an_error_stands() {
        let panicking = |r: std::ops::Range<usize>| match r.start {
            40 => panic!("chunk 40 broke"),
            _ => numbers(r),
        };
        let caught = std::panic::catch_unwind(|| {
            in_chunks(100, 20, 2, &mut Vec::new(), panicking).ok();
        });
        let payload = caught.unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"chunk 40 broke"));
        // Chunk 20 is made by the thread that made chunk 0, while chunk 10 fails.
        let both = |r: std::ops::Range<usize>| match r.start {
            10 => Err(WriteError::TooLarge("chunk 10 failed".into())),
            20 => panic!("chunk 20 broke"),
            _ => numbers(r),
        };
        let error = in_chunks(100, 20, 2, &mut Vec::new(), both).unwrap_err();
        assert_eq!(error.to_string(), "chunk 10 failed");
    }

    #[test]
    fn a_failed_chunk_or_write_stops_the_run_with_its_error() {
        let failing = |r: std::ops::Range<usize>| match r.start {
            30 => Err(WriteError::TooLarge("chunk 30 failed".into())),
            _ => numbers(r),
        };
        let mut out = Vec::new();
        let error = in_chunks(100, 30, 3, &mut out, failing).unwrap_err();
        assert_eq!(error.to_string(), "chunk 30 failed");
        assert!(out == numbers(0..30).unwrap());

        struct Full(usize);
        impl Write for Full {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(std::io::ErrorKind::WriteZero.into());
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let error = in_chunks(100_000, 20, 2, &mut Full(500), numbers).unwrap_err();
        assert!(error.to_string().contains("zero"), "{error}");
    }

    #[test]
    fn formula_like_text_is_neutralised_but_numbers_are_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-12.5"), "-12.5");
        assert_eq!(neutralise("Vesterby"), "Vesterby");
    }

    #[test]
    fn rounding_leaves_no_noise_or_negative_zero_and_never_overflows() {
        assert_eq!(round(97.10000000000001, 6), 97.1);
        assert_eq!(round(-0.0000001, 6).to_string(), "0");
        assert_eq!(round(1e305, 6), 1e305);
    }
}
