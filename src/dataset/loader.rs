//! Reading data files into a [`Dataset`]: the header and its form (long or wide), a
//! second thread that parses CSV records while this one checks and stores them, and the
//! names in the data resolved to the catalogue's variables. Every problem is collected
//! with its place; it never computes a KPI.

use std::collections::HashMap;
use std::io::Read;

use super::csv_text::{self, TextOptions};
use super::rule::Rule;
use super::tabular;
use super::{Dataset, Field, Filter, Input, Origin};
use crate::catalog::{normalize_code, Catalog};
use crate::diagnostic::{closest, Problem, ProblemCode, Problems};

/// The result of reading: the dataset built from every valid value, and every problem seen.
#[derive(Debug, Default)]
pub struct Loaded {
    pub dataset: Dataset,
    pub problems: Problems,
}

/// An unknown variable of the file being read: its problem (if listed), the rows that name
/// it, and the first few of their lines.
#[derive(Default)]
pub(super) struct Unknown {
    problem: Option<usize>,
    rows: usize,
    lines: Vec<usize>,
}

/// Where a value stands: its row and what the row says about it.
pub(super) struct Place<'r> {
    pub(super) city: &'r str,
    pub(super) year: i32,
    pub(super) source: &'r str,
    /// The unit the row gives (long form), or empty.
    pub(super) unit: &'r str,
    /// The row's data-quality level and verified flag, as the dataset stores them.
    pub(super) quality: u8,
    pub(super) verified: u8,
    pub(super) origin: Origin,
}

/// How many problems of one code a file lists; the rest are counted.
pub const LISTED: usize = 100;

/// Problems counted for the file being read.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) counts: HashMap<ProblemCode, usize>,
    /// Unknown variables by name.
    pub(super) unknown: HashMap<String, Unknown>,
}

/// Builds a [`Dataset`] from several inputs, checking every value against the catalogue.
pub struct Loader<'a> {
    pub(super) tally: Tally,
    /// (field, unit as given) -> the factor into the field's unit, or `None` if it has none.
    pub(super) unit_factors: HashMap<(usize, String), Option<f64>>,
    /// The currencies rows declare and units name, for `currency::check_currencies`.
    pub(super) currencies: super::currency::Currencies,
    pub(super) catalog: &'a Catalog,
    pub(super) filter: Filter,
    pub(super) options: TextOptions,
    pub(super) decimal_comma: bool,
    pub(super) known: polars::prelude::PlHashMap<String, usize>,
    /// For each field, what its cells may hold.
    pub(super) rules: Vec<Rule>,
    pub(super) last_row: Option<(String, i32, usize)>,
    pub(super) last_source: Option<(String, u32)>,
    pub(super) row_of: HashMap<(String, i32), usize>,
    pub(super) source_of: HashMap<String, u32>,
    /// Called with the bytes read so far, every few thousand rows.
    pub(super) on_progress: Box<dyn Fn(u64) + 'a>,
    pub(super) bytes_before: u64,
    pub(super) out: Loaded,
}

impl<'a> Loader<'a> {
    pub fn new(catalog: &'a Catalog, filter: Filter, options: TextOptions) -> Self {
        let mut fields = Vec::new();
        let mut known = polars::prelude::PlHashMap::default();
        for v in &catalog.variables {
            known.insert(v.id.clone(), fields.len());
            fields.push(Field {
                id: v.id.clone(),
                reported_kpi: false,
            });
        }
        for (_, m) in catalog.measures() {
            known.insert(m.key.clone(), fields.len());
            known.insert(m.id.clone(), fields.len());
            fields.push(Field {
                id: m.id.clone(),
                reported_kpi: true,
            });
        }
        let n = fields.len();
        Loader {
            tally: Tally::default(),
            unit_factors: HashMap::new(),
            currencies: Default::default(),
            catalog,
            filter,
            options,
            decimal_comma: false,
            rules: catalog
                .variables
                .iter()
                .map(Rule::variable)
                .chain(catalog.measures().map(|(_, m)| Rule::reported(m)))
                .collect(),
            last_row: None,
            last_source: None,
            on_progress: Box::new(|_| {}),
            bytes_before: 0,
            known,
            row_of: HashMap::new(),
            source_of: HashMap::new(),
            out: Loaded {
                dataset: Dataset {
                    fields,
                    values: vec![Vec::new(); n],
                    sources: vec![Vec::new(); n],
                    quality: vec![Vec::new(); n],
                    verified: vec![Vec::new(); n],
                    lines: vec![Vec::new(); n],
                    line_files: vec![Vec::new(); n],
                    source_names: vec![String::new()],
                    ..Dataset::default()
                },
                problems: Problems::default(),
            },
        }
    }

    /// Report progress (bytes read so far) while loading.
    pub fn with_progress(mut self, on_progress: impl Fn(u64) + 'a) -> Self {
        self.on_progress = Box::new(on_progress);
        self
    }

    /// Read every input, then check parts against wholes and sort the rows.
    pub fn load_all(mut self, inputs: &[Input]) -> Loaded {
        for input in inputs {
            self.load(input);
        }
        self.finish()
    }

    /// Read one input; its problems are listed at most [`LISTED`] times per code, and an
    /// unknown variable once, with the number of rows that have it.
    pub fn load(&mut self, input: &Input) {
        let file = self.out.dataset.files.len() as u32;
        self.load_file(input);
        if matches!(input, Input::Workbook(..)) {
            self.check_fractions(file);
        }
        let name = input.name();
        // In the codes' name order, so the same file always gives the same list.
        let mut counts: Vec<_> = std::mem::take(&mut self.tally.counts).into_iter().collect();
        counts.sort_by_key(|(code, _)| code.name());
        for (code, count) in counts {
            if count > LISTED {
                self.out.problems.push(Problem::new(
                    code,
                    &name,
                    format!(
                        "{} more `{code}` problems in this file are not listed; fix the ones above and run again",
                        count - LISTED
                    ),
                ).standing_for(count - LISTED));
            }
        }
        for unknown in std::mem::take(&mut self.tally.unknown).into_values() {
            if let (Some(problem), true) = (unknown.problem, unknown.rows > 1) {
                let lines: Vec<String> = unknown.lines.iter().map(usize::to_string).collect();
                let p = &mut self.out.problems.0[problem];
                p.message = format!(
                    "{} (on {} rows, first at lines {})",
                    p.message,
                    unknown.rows,
                    lines.join(", ")
                );
            }
        }
    }

    /// Keep a problem, unless this file has already given [`LISTED`] of its code.
    pub(super) fn report(&mut self, problem: Problem) -> bool {
        let count = self.tally.counts.entry(problem.code).or_default();
        *count += 1;
        let listed = *count <= LISTED;
        if listed {
            self.out.problems.push(problem);
        }
        listed
    }

    fn load_file(&mut self, input: &Input) {
        // A workbook sheet or Parquet file is read as the CSV text it is turned into.
        let prepared = tabular::prepare(input, self.options);
        let name = match &prepared {
            Ok(p) => p.input.name(),
            Err(_) => input.name(),
        };
        let file = self.out.dataset.files.len() as u32;
        self.out.dataset.files.push(name.clone());
        let (input, options) = match prepared {
            Ok(p) => {
                for problem in p.problems {
                    self.report(problem);
                }
                (p.input, p.options)
            }
            Err(problem) => {
                self.report(problem);
                return;
            }
        };
        let opened = input
            .open()
            .map_err(|e| {
                let hint = if e.kind() == std::io::ErrorKind::NotFound {
                    "; check the path"
                } else {
                    ""
                };
                Problem::new(
                    ProblemCode::UnreadableFile,
                    &name,
                    format!("cannot read the file: {e}{hint}"),
                )
            })
            .and_then(|reader| csv_text::open(reader, &options, &name));
        let table = match opened {
            Ok(table) => table,
            Err(problem) => {
                self.report(problem);
                return;
            }
        };
        let csv_text::Table {
            reader,
            shape,
            header,
            header_line,
        } = table;
        self.decimal_comma = shape.decimal_comma;
        let lower: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
        let col = |n: &str| lower.iter().position(|h| h == n);
        let (Some(city_col), Some(year_col)) = (col("city"), col("year")) else {
            let missing: Vec<&str> = ["city", "year"]
                .into_iter()
                .filter(|n| col(n).is_none())
                .collect();
            self.report(
                Problem::new(
                    ProblemCode::MissingColumn,
                    &name,
                    if col("kpi").is_some() && col("target").is_some() {
                        "this is a targets file (kpi,target), not data; pass it with --targets".to_string()
                    } else {
                        format!(
                            "the header has no {} column; long form needs city,year,variable,value and wide form city,year,<variable>...",
                            missing.join(" or ")
                        )
                    },
                )
                .at_line(header_line),
            );
            return;
        };
        let unit_col = col("unit").filter(|_| col("variable").is_some());
        let long = match (col("variable"), col("value")) {
            (Some(variable), Some(value)) => Some((variable, value, col("source"))),
            (None, None) => None,
            (v, _) => {
                let missing = if v.is_none() { "variable" } else { "value" };
                self.report(
                    Problem::new(
                        ProblemCode::MissingColumn,
                        &name,
                        format!("the header has no {missing} column; long form needs city,year,variable,value"),
                    )
                    .at_line(header_line),
                );
                return;
            }
        };
        // Wide form: every other column is a variable (or a KPI code).
        let wide_fields: Vec<(usize, Option<usize>)> = if long.is_none() {
            if col("unit").is_some() {
                self.report(
                    Problem::new(
                        ProblemCode::UnitMismatch,
                        &name,
                        "a unit column in wide form cannot say which value it is for, so it is not read; give each variable in its own unit, or use long form (city,year,variable,value,unit)",
                    )
                    .at_line(header_line)
                    .in_column("unit"),
                );
            }
            let ignored = [
                "city", "year", "unit", "source", "notes", "quality", "verified", "currency",
            ];
            (0..header.len())
                .filter(|&i| !ignored.contains(&lower[i].as_str()))
                .map(|i| {
                    (
                        i,
                        self.resolve_field(&header[i], &name, header_line, Some(&header[i])),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        let source_col = long.and_then(|l| l.2).or_else(|| col("source"));
        let (quality_col, verified_col) = (col("quality"), col("verified"));
        let currency_col = col("currency");
        let mut rows_read = 0usize;
        // A second thread parses CSV records while this one checks and stores them.
        let (batch_tx, batch_rx) = std::sync::mpsc::sync_channel(4);
        let (recycle_tx, recycle_rx) = std::sync::mpsc::channel();
        let mut failed = false;
        let bytes_read = std::thread::scope(|scope| {
            let parser = scope.spawn(move || read_batches(reader, batch_tx, recycle_rx));
            'batches: for batch in batch_rx {
                let records: Vec<csv::StringRecord> = match batch {
                    Ok(records) => records,
                    Err(e) => {
                        let e: csv::Error = e;
                        let line = header_line + e.position().map_or(0, |p| p.line() as usize);
                        let problem = match e.kind() {
                            csv::ErrorKind::Utf8 { .. } => Problem::new(
                                ProblemCode::NotUtf8,
                                &name,
                                "the file is not UTF-8; save it as \"CSV UTF-8\" from your spreadsheet",
                            ),
                            _ => Problem::new(ProblemCode::InvalidCsv, &name, format!("{e}; fix this line")),
                        };
                        self.report(problem.at_line(line));
                        failed = true;
                        break 'batches;
                    }
                };
                for record in &records {
                    let line = header_line + record.position().map_or(0, |p| p.line() as usize);
                    if record.iter().all(|c| c.trim().is_empty()) {
                        continue; // blank rows carry nothing
                    }
                    // A line break inside a value means a quote opened here is never closed
                    // where it should be: every row after it would be read wrong.
                    if let Some(column) = csv_text::broken_column(record) {
                        self.report(
                            Problem::new(
                                ProblemCode::InvalidCsv,
                                &name,
                                "a quoted value runs over several lines from here: a quote is not closed; close it (the rows after it cannot be read)",
                            )
                            .at_line(line)
                            .in_column(header.get(column).map_or("", String::as_str)),
                        );
                        failed = true;
                        break 'batches;
                    }
                    rows_read += 1;
                    if rows_read % 65_536 == 0 {
                        (self.on_progress)(
                            self.bytes_before + record.position().map_or(0, |p| p.byte()),
                        );
                    }
                    let origin = Origin {
                        file,
                        line: line as u32,
                    };
                    let get = |i: usize| csv_text::trim(record.get(i).unwrap_or(""));
                    let city = get(city_col);
                    if city.is_empty() {
                        self.report(
                            Problem::new(
                                ProblemCode::MissingCity,
                                &name,
                                "the city is empty; give the city's name on every row",
                            )
                            .at_line(line)
                            .in_column("city"),
                        );
                        continue;
                    }
                    let Some(year) = parse_year(get(year_col)) else {
                        self.report(
                            Problem::new(
                                ProblemCode::BadYear,
                                &name,
                                format!(
                                    "year \"{}\" is not a year; write a four-digit year such as 2024",
                                    get(year_col)
                                ),
                            )
                            .at_line(line)
                            .in_column("year")
                            .with_value(get(year_col)),
                        );
                        continue;
                    };
                    if !self.filter.keeps(city, year) {
                        continue;
                    }
                    let source = source_col.map(get).unwrap_or("");
                    let unit = unit_col.map(get).unwrap_or("");
                    let (quality, verified) = self.marks(
                        &name,
                        line,
                        quality_col.map(get).unwrap_or(""),
                        verified_col.map(get).unwrap_or(""),
                    );
                    self.declare_currency(city, year, currency_col.map(get).unwrap_or(""), origin);
                    match long {
                        Some((variable_col, value_col, _)) => {
                            let variable = get(variable_col);
                            if variable.is_empty() {
                                self.report(
                                    Problem::new(
                                        ProblemCode::MissingVariable,
                                        &name,
                                        "the variable is empty; name the variable on every row",
                                    )
                                    .at_line(line)
                                    .in_column("variable"),
                                );
                                continue;
                            }
                            let Some(field) = self.resolve_field(variable, &name, line, None)
                            else {
                                continue;
                            };
                            let at = Place {
                                city,
                                year,
                                source,
                                unit,
                                quality,
                                verified,
                                origin,
                            };
                            self.store(&at, field, get(value_col), "value");
                        }
                        None => {
                            for &(column, field) in &wide_fields {
                                let Some(field) = field else { continue };
                                let raw = get(column);
                                let at = Place {
                                    city,
                                    year,
                                    source,
                                    unit: "",
                                    quality,
                                    verified,
                                    origin,
                                };
                                self.store(&at, field, raw, &header[column]);
                            }
                        }
                    }
                }
                let _ = recycle_tx.send(records);
            }
            // A panic in the parser must end the run, never leave it with part of the data.
            match parser.join() {
                Ok(bytes) => bytes,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        if failed {
            return;
        }
        self.bytes_before += bytes_read;
        if rows_read == 0 {
            self.report(
                Problem::new(
                    ProblemCode::NoRows,
                    &name,
                    "the file has a header but no data rows",
                )
                .at_line(header_line),
            );
        }
    }

    /// The field a data name refers to; unknown names warn with the closest known name.
    fn resolve_field(
        &mut self,
        name: &str,
        file: &str,
        line: usize,
        column: Option<&str>,
    ) -> Option<usize> {
        if let Some(&i) = self.known.get(name) {
            return Some(i);
        }
        let lowered = name.to_ascii_lowercase();
        if let Some(&i) = self
            .known
            .get(&lowered)
            .or_else(|| self.known.get(&normalize_code(name)))
        {
            return Some(i);
        }
        // An unknown name is diagnosed once per file; later rows only count.
        if let Some(unknown) = self.tally.unknown.get_mut(name) {
            unknown.rows += 1;
            if unknown.lines.len() < 3 {
                unknown.lines.push(line);
            }
            return None;
        }
        let hint = match closest(
            &lowered,
            self.catalog.variables.iter().map(|v| v.id.as_str()),
        ) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "see `citykpi template` for the variables to collect".into(),
        };
        let mut problem = Problem::new(
            ProblemCode::UnknownVariable,
            file,
            format!("unknown variable \"{name}\" is ignored; {hint}"),
        )
        .at_line(line)
        .with_value(name);
        if let Some(column) = column {
            problem = problem.in_column(column);
        } else {
            problem = problem.in_column("variable");
        }
        let listed = self.report(problem).then(|| self.out.problems.0.len() - 1);
        let unknown = Unknown {
            problem: listed,
            rows: 1,
            lines: vec![line],
        };
        self.tally.unknown.insert(name.to_string(), unknown);
        None
    }
}

/// Parse CSV records in batches and send them on; returns the bytes read.
type Batch = Result<Vec<csv::StringRecord>, csv::Error>;

fn read_batches<R: Read>(
    mut reader: csv::Reader<R>,
    batches: std::sync::mpsc::SyncSender<Batch>,
    recycled: std::sync::mpsc::Receiver<Vec<csv::StringRecord>>,
) -> u64 {
    const BATCH: usize = 8192;
    loop {
        // Records are made as they are needed (a small file does not allocate a whole
        // batch) and reused from the batches the loader hands back.
        let mut records = recycled.try_recv().unwrap_or_default();
        let mut n = 0;
        let mut error = None;
        while n < BATCH {
            if n == records.len() {
                records.push(csv::StringRecord::new());
            }
            match reader.read_record(&mut records[n]) {
                Ok(true) => n += 1,
                Ok(false) => break,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let done = n < BATCH;
        records.truncate(n);
        if n > 0 && batches.send(Ok(records)).is_err() {
            return reader.position().byte();
        }
        if let Some(e) = error {
            let _ = batches.send(Err(e));
            return reader.position().byte();
        }
        if done {
            return reader.position().byte();
        }
    }
}

fn parse_year(raw: &str) -> Option<i32> {
    let raw = raw.strip_suffix(".0").unwrap_or(raw);
    raw.parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
}

/// Read and validate every input. The kinds of problems are described in `docs/errors.md`.
pub fn load(catalog: &Catalog, inputs: &[Input], filter: Filter, options: TextOptions) -> Loaded {
    Loader::new(catalog, filter, options).load_all(inputs)
}
