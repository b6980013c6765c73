//! City data: CSV files read into one validated table of city-years.
//!
//! Long form (`city,year,variable,value[,unit][,source][,notes]`) is canonical;
//! wide form (`city,year,<variable>...`) is accepted too. Several files are
//! read into one [`Dataset`]: one row per city-year, one column per variable
//! (and per KPI a city reports directly), each cell keeping its source and the
//! file and line it came from. Every problem is collected with its place; this
//! module never computes a KPI.

mod csv_text;
mod targets;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::catalog::{normalize_code, Catalog, Kind};
use crate::diagnostic::{closest, Problem, ProblemCode, Problems};

pub use csv_text::{Decimal, TextOptions};
pub use targets::{TargetRow, Targets};

/// Which city-years to keep while reading.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub cities: Vec<String>,
    pub years: Vec<i32>,
}

impl Filter {
    fn keeps(&self, city: &str, year: i32) -> bool {
        (self.cities.is_empty() || self.cities.iter().any(|c| c.eq_ignore_ascii_case(city)))
            && (self.years.is_empty() || self.years.contains(&year))
    }
}

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
}

/// A column of the dataset: a variable, or a KPI measure a city reports directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The variable id, or the measure id (`ec_ict_ict_1c`) for a KPI reported directly.
    pub id: String,
    pub reported_kpi: bool,
}

/// The data of many cities and years, one row per city-year.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Input names as given on the command line (`-` for stdin), indexed by [`Origin::file`].
    pub files: Vec<String>,
    pub cities: Vec<String>,
    pub years: Vec<i32>,
    pub fields: Vec<Field>,
    /// `values[field][row]`; NaN where the data has no value. A field that no
    /// file gives has an empty column (no memory spent on it).
    pub values: Vec<Vec<f64>>,
    /// `sources[field][row]`: index into `source_names`; 0 = no source given. Empty
    /// for a field no file gives a source for.
    pub sources: Vec<Vec<u32>>,
    pub source_names: Vec<String>,
    pub origins: Vec<Vec<Origin>>,
    /// Cells whose value was rejected (`(field, row)` -> why); they hold no value.
    pub invalid: HashMap<(usize, usize), String>,
}

impl Dataset {
    pub fn rows(&self) -> usize {
        self.cities.len()
    }

    pub fn field_index(&self, id: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.id == id)
    }

    pub fn value(&self, field: usize, row: usize) -> Option<f64> {
        self.values[field].get(row).copied().filter(|v| !v.is_nan())
    }

    /// Why a cell has no usable value, if the data gave one that was rejected.
    pub fn invalid(&self, field: usize, row: usize) -> Option<&str> {
        self.invalid.get(&(field, row)).map(String::as_str)
    }

    pub fn source(&self, field: usize, row: usize) -> Option<&str> {
        match self.sources[field].get(row).copied().unwrap_or(0) {
            0 => None,
            i => Some(&self.source_names[i as usize]),
        }
    }

    /// The file name and line a cell was read from.
    pub fn origin(&self, field: usize, row: usize) -> Option<(&str, u32)> {
        let origin = self.origins[field].get(row)?;
        (origin.line > 0).then(|| (self.files[origin.file as usize].as_str(), origin.line))
    }

    /// False for a column no input file had; such a column holds no values.
    pub fn has_column(&self, field: usize) -> bool {
        !self.values[field].is_empty()
    }
}

/// A dataset source: a path, or `-` for standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    /// Text already in memory, with the name to show in messages.
    Bytes(String, Vec<u8>),
}

impl Input {
    pub fn parse(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::File(PathBuf::from(arg))
        }
    }

    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(path) => path.display().to_string(),
            Input::Bytes(name, _) => name.clone(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::File(path) => Some(path),
            _ => None,
        }
    }

    fn open(&self) -> std::io::Result<Box<dyn Read + Send + '_>> {
        Ok(match self {
            Input::Stdin => Box::new(std::io::stdin()),
            Input::File(path) => Box::new(std::fs::File::open(path)?),
            Input::Bytes(_, bytes) => Box::new(bytes.as_slice()),
        })
    }

    /// The size in bytes, where known (for the progress bar).
    pub fn byte_len(&self) -> Option<u64> {
        match self {
            Input::Stdin => None,
            Input::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Input::Bytes(_, bytes) => Some(bytes.len() as u64),
        }
    }
}

/// The result of reading: the dataset built from every valid value, and every problem seen.
#[derive(Debug, Default)]
pub struct Loaded {
    pub dataset: Dataset,
    pub problems: Problems,
}

/// Builds a [`Dataset`] from several inputs, checking every value against the catalogue.
pub struct Loader<'a> {
    catalog: &'a Catalog,
    filter: Filter,
    options: TextOptions,
    decimal_comma: bool,
    known: HashMap<String, usize>,
    /// For each field, its variable's index in the catalogue.
    variable_of: Vec<Option<usize>>,
    last_row: Option<(String, i32, usize)>,
    last_source: Option<(String, u32)>,
    row_of: HashMap<(String, i32), usize>,
    source_of: HashMap<String, u32>,
    /// Called with the bytes read so far, every few thousand rows.
    on_progress: Box<dyn Fn(u64) + 'a>,
    bytes_before: u64,
    out: Loaded,
}

impl<'a> Loader<'a> {
    pub fn new(catalog: &'a Catalog, filter: Filter, options: TextOptions) -> Self {
        let mut fields = Vec::new();
        let mut known = HashMap::new();
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
            catalog,
            filter,
            options,
            decimal_comma: false,
            variable_of: fields
                .iter()
                .map(|f: &Field| {
                    catalog
                        .variables
                        .iter()
                        .position(|v| !f.reported_kpi && v.id == f.id)
                })
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
                    origins: vec![Vec::new(); n],
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

    pub fn load(&mut self, input: &Input) {
        let name = input.name();
        let file = self.out.dataset.files.len() as u32;
        self.out.dataset.files.push(name.clone());
        let mut reader = match input.open() {
            Ok(reader) => std::io::BufReader::with_capacity(1 << 20, reader),
            Err(e) => {
                let hint = if e.kind() == std::io::ErrorKind::NotFound {
                    "; check the path"
                } else {
                    ""
                };
                self.out.problems.push(Problem::new(
                    ProblemCode::UnreadableFile,
                    &name,
                    format!("cannot read the file: {e}{hint}"),
                ));
                return;
            }
        };
        // The header decides the delimiter; it is read ahead, then read again by the CSV reader.
        let head = match std::io::BufRead::fill_buf(&mut reader) {
            Ok(head) => head.to_vec(),
            Err(e) => {
                self.out.problems.push(Problem::new(
                    ProblemCode::UnreadableFile,
                    &name,
                    format!("cannot read the file: {e}"),
                ));
                return;
            }
        };
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
        let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        let header_text = match csv_text::decode(first_line, &name) {
            Ok(text) => text,
            Err(problem) => {
                self.out.problems.push(problem);
                return;
            }
        };
        let shape = match csv_text::Shape::detect(&header_text, &self.options, &name) {
            Ok(shape) => shape,
            Err(problem) => {
                self.out.problems.push(problem);
                return;
            }
        };
        self.decimal_comma = shape.decimal_comma;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(shape.delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(reader);
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
            Err(e) => {
                self.out
                    .problems
                    .push(Problem::new(ProblemCode::InvalidCsv, &name, e.to_string()).at_line(1));
                return;
            }
        };
        let lower: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
        let col = |n: &str| lower.iter().position(|h| h == n);
        let (Some(city_col), Some(year_col)) = (col("city"), col("year")) else {
            let missing: Vec<&str> = ["city", "year"]
                .into_iter()
                .filter(|n| col(n).is_none())
                .collect();
            self.out.problems.push(
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
                .at_line(1),
            );
            return;
        };
        let long = match (col("variable"), col("value")) {
            (Some(variable), Some(value)) => Some((variable, value, col("source"))),
            (None, None) => None,
            (v, _) => {
                let missing = if v.is_none() { "variable" } else { "value" };
                self.out.problems.push(
                    Problem::new(
                        ProblemCode::MissingColumn,
                        &name,
                        format!("the header has no {missing} column; long form needs city,year,variable,value"),
                    )
                    .at_line(1),
                );
                return;
            }
        };
        // Wide form: every other column is a variable (or a KPI code).
        let wide_fields: Vec<(usize, Option<usize>)> = if long.is_none() {
            let ignored = ["city", "year", "unit", "source", "notes", "quality"];
            (0..header.len())
                .filter(|&i| !ignored.contains(&lower[i].as_str()))
                .map(|i| {
                    (
                        i,
                        self.resolve_field(&header[i], &name, 1, Some(&header[i])),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        let source_col = long.and_then(|l| l.2).or_else(|| col("source"));
        let mut rows_read = 0usize;
        // A second thread parses CSV records while this one checks and stores them.
        let (batch_tx, batch_rx) = std::sync::mpsc::sync_channel(4);
        let (recycle_tx, recycle_rx) = std::sync::mpsc::channel();
        let mut failed = false;
        let bytes_read = std::thread::scope(|scope| {
            let parser = scope.spawn(move || read_batches(reader, batch_tx, recycle_rx));
            for batch in batch_rx {
                let records: Vec<csv::StringRecord> = match batch {
                    Ok(records) => records,
                    Err(e) => {
                        let e: csv::Error = e;
                        let line = e.position().map_or(0, |p| p.line() as usize);
                        let problem = match e.kind() {
                            csv::ErrorKind::Utf8 { .. } => Problem::new(
                                ProblemCode::NotUtf8,
                                &name,
                                "the file is not UTF-8; save it as \"CSV UTF-8\" from your spreadsheet",
                            ),
                            _ => Problem::new(ProblemCode::InvalidCsv, &name, format!("{e}; fix this line")),
                        };
                        self.out.problems.push(problem.at_line(line));
                        failed = true;
                        break;
                    }
                };
                for record in &records {
                    let line = record.position().map_or(0, |p| p.line() as usize);
                    if record.iter().all(|c| c.trim().is_empty()) {
                        continue; // blank rows carry nothing
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
                    let get = |i: usize| record.get(i).unwrap_or("").trim();
                    let city = get(city_col);
                    if city.is_empty() {
                        self.out.problems.push(
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
                        self.out.problems.push(
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
                    match long {
                        Some((variable_col, value_col, _)) => {
                            let variable = get(variable_col);
                            if variable.is_empty() {
                                self.out.problems.push(
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
                            self.store(city, year, field, get(value_col), source, origin, "value");
                        }
                        None => {
                            for &(column, field) in &wide_fields {
                                let Some(field) = field else { continue };
                                let raw = get(column);
                                if raw.is_empty() {
                                    continue; // an empty cell in wide form: not collected
                                }
                                self.store(city, year, field, raw, source, origin, &header[column]);
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
            self.out.problems.push(
                Problem::new(
                    ProblemCode::NoRows,
                    &name,
                    "the file has a header but no data rows",
                )
                .at_line(1),
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
        self.out.problems.push(problem);
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn store(
        &mut self,
        city: &str,
        year: i32,
        field: usize,
        raw: &str,
        source: &str,
        origin: Origin,
        column: &str,
    ) {
        if raw.is_empty() {
            return; // not collected (e.g. an unfilled row of the template)
        }
        let catalog = self.catalog;
        let variable = self.variable_of[field].map(|i| &catalog.variables[i]);
        let kind = variable.map(|v| v.kind);
        // Text for messages is built only when there is a problem.
        let line = origin.line as usize;
        if csv_text::is_not_available(raw) && kind != Some(Kind::Boolean) {
            let (name, field_id) = self.names(origin, field);
            self.out.problems.push(
                Problem::new(
                    ProblemCode::NotAvailable,
                    &name,
                    format!("value \"{raw}\" of `{field_id}` is read as not available; leave the cell empty instead"),
                )
                .at_line(line)
                .in_column(column)
                .with_value(raw),
            );
            return;
        }
        let row = self.row(city, year);
        let value = match csv_text::parse_value(raw, kind, self.decimal_comma) {
            Ok(value) => value,
            Err(hint) => {
                let (name, field_id) = self.names(origin, field);
                let at = format!("{name}:{line}");
                self.out.problems.push(
                    Problem::new(
                        ProblemCode::NotANumber,
                        &name,
                        format!("value \"{raw}\" of `{field_id}` is not a number; {hint}"),
                    )
                    .at_line(line)
                    .in_column(column)
                    .with_value(raw),
                );
                self.invalidate(field, row, format!("\"{raw}\" is not a number ({at})"));
                return;
            }
        };
        if let Some(variable) = variable {
            let (min, max) = variable.range();
            if value < min || value > max {
                let (name, field_id) = self.names(origin, field);
                let at = format!("{name}:{line}");
                self.out.problems.push(
                    Problem::new(
                        ProblemCode::OutOfRange,
                        &name,
                        format!(
                            "value {raw} of `{field_id}` is outside its valid range {} (unit: {}); check the value and its unit",
                            variable.range_text(),
                            variable.unit
                        ),
                    )
                    .at_line(line)
                    .in_column(column)
                    .with_value(raw),
                );
                self.invalidate(field, row, format!("{raw} is out of range ({at})"));
                return;
            }
        }
        self.ensure_column(field);
        let data = &self.out.dataset;
        let previous = data.values[field][row];
        let before = data.origins[field][row];
        if !previous.is_nan() || data.invalid.contains_key(&(field, row)) {
            if previous.is_nan() {
                return; // already invalid; its first problem was reported
            }
            let (name, field_id) = self.names(origin, field);
            let at = format!("{name}:{line}");
            let before_at = format!("{}:{}", data.files[before.file as usize], before.line);
            if previous == value {
                self.out.problems.push(
                    Problem::new(
                        ProblemCode::DuplicateRow,
                        &name,
                        format!("{city} {year} `{field_id}` repeats the value of {before_at}; remove one of the rows"),
                    )
                    .at_line(line),
                );
            } else {
                self.out.problems.push(
                    Problem::new(
                        ProblemCode::DuplicateConflict,
                        &name,
                        format!("{city} {year} `{field_id}` is {raw} here but {previous} at {before_at}; keep one of the two rows"),
                    )
                    .at_line(line)
                    .with_value(raw),
                );
                self.invalidate(
                    field,
                    row,
                    format!("conflicting values at {before_at} and {at}"),
                );
            }
            return;
        }
        let source = self.source_id(source);
        let data = &mut self.out.dataset;
        data.values[field][row] = value;
        if source != 0 {
            // Sources get a column only when a file gives one.
            if data.sources[field].is_empty() {
                data.sources[field] = vec![0; data.cities.len()];
            }
            data.sources[field][row] = source;
        }
        data.origins[field][row] = origin;
    }

    /// The file and field names, for a message.
    fn names(&self, origin: Origin, field: usize) -> (String, String) {
        let data = &self.out.dataset;
        (
            data.files[origin.file as usize].clone(),
            data.fields[field].id.clone(),
        )
    }

    /// Give a field its column the first time a file has it.
    fn ensure_column(&mut self, field: usize) {
        let data = &mut self.out.dataset;
        if data.values[field].is_empty() {
            let rows = data.cities.len();
            data.values[field] = vec![f64::NAN; rows];
            data.origins[field] = vec![Origin::default(); rows];
        }
    }

    /// A cell whose value cannot be used: it stays empty and says why.
    fn invalidate(&mut self, field: usize, row: usize, why: String) {
        self.ensure_column(field);
        let data = &mut self.out.dataset;
        data.values[field][row] = f64::NAN;
        data.invalid.entry((field, row)).or_insert(why);
    }

    fn source_id(&mut self, source: &str) -> u32 {
        if source.is_empty() {
            return 0;
        }
        if let Some((last, id)) = &self.last_source {
            if last == source {
                return *id;
            }
        }
        let id = self.intern_source(source);
        self.last_source = Some((source.to_string(), id));
        id
    }

    fn intern_source(&mut self, source: &str) -> u32 {
        if let Some(&id) = self.source_of.get(source) {
            return id;
        }
        let id = self.out.dataset.source_names.len() as u32;
        self.out.dataset.source_names.push(source.to_string());
        self.source_of.insert(source.to_string(), id);
        id
    }

    fn row(&mut self, city: &str, year: i32) -> usize {
        // Rows of one city-year usually come together: check the last one first.
        if let Some((last_city, last_year, row)) = &self.last_row {
            if *last_year == year && last_city == city {
                return *row;
            }
        }
        let row = match self.row_of.get(&(city.to_string(), year)) {
            Some(&row) => row,
            None => {
                let data = &mut self.out.dataset;
                let row = data.cities.len();
                data.cities.push(city.to_string());
                data.years.push(year);
                for f in 0..data.fields.len() {
                    if !data.values[f].is_empty() {
                        data.values[f].push(f64::NAN);
                        if !data.sources[f].is_empty() {
                            data.sources[f].push(0);
                        }
                        data.origins[f].push(Origin::default());
                    }
                }
                self.row_of.insert((city.to_string(), year), row);
                row
            }
        };
        self.last_row = Some((city.to_string(), year, row));
        row
    }

    fn finish(mut self) -> Loaded {
        self.check_parts();
        let data = &mut self.out.dataset;
        let mut order: Vec<usize> = (0..data.cities.len()).collect();
        order.sort_by(|&a, &b| {
            (&data.cities[a], data.years[a]).cmp(&(&data.cities[b], data.years[b]))
        });
        let mut new_row = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_row[old] = new;
        }
        data.invalid = std::mem::take(&mut data.invalid)
            .into_iter()
            .map(|((field, row), why)| ((field, new_row[row]), why))
            .collect();
        data.cities = order.iter().map(|&i| data.cities[i].clone()).collect();
        data.years = order.iter().map(|&i| data.years[i]).collect();
        for f in 0..data.fields.len() {
            if data.values[f].is_empty() {
                continue;
            }
            data.values[f] = order.iter().map(|&i| data.values[f][i]).collect();
            if !data.sources[f].is_empty() {
                data.sources[f] = order.iter().map(|&i| data.sources[f][i]).collect();
            }
            data.origins[f] = order.iter().map(|&i| data.origins[f][i]).collect();
        }
        self.out
    }

    /// A part can never exceed its whole (households with Internet <= households).
    fn check_parts(&mut self) {
        let data = &self.out.dataset;
        let mut problems = Vec::new();
        let mut invalid = Vec::new();
        for v in &self.catalog.variables {
            let Some(whole) = &v.part_of else { continue };
            let (Some(p), Some(w)) = (data.field_index(&v.id), data.field_index(whole)) else {
                continue;
            };
            if !data.has_column(p) || !data.has_column(w) {
                continue;
            }
            for row in 0..data.rows() {
                let (part, total) = (data.values[p][row], data.values[w][row]);
                if part > total {
                    let origin = data.origins[p][row];
                    let whole_origin = data.origins[w][row];
                    problems.push(
                        Problem::new(
                            ProblemCode::PartExceedsWhole,
                            &data.files[origin.file as usize],
                            format!(
                                "{} {} `{}` = {part} is more than `{whole}` = {total} ({}:{}); a part cannot exceed its whole",
                                data.cities[row], data.years[row], v.id, data.files[whole_origin.file as usize], whole_origin.line
                            ),
                        )
                        .at_line(origin.line as usize)
                        .with_value(part.to_string()),
                    );
                    let at = format!("{}:{}", data.files[origin.file as usize], origin.line);
                    invalid.push((p, row, format!("{part} is more than {whole} ({at})")));
                }
            }
        }
        for p in problems {
            self.out.problems.push(p);
        }
        for (field, row, why) in invalid {
            self.invalidate(field, row, why);
        }
    }
}

type Batch = Result<Vec<csv::StringRecord>, csv::Error>;

/// Parse CSV records in batches and send them on; returns the bytes read.
fn read_batches<R: Read>(
    mut reader: csv::Reader<R>,
    batches: std::sync::mpsc::SyncSender<Batch>,
    recycled: std::sync::mpsc::Receiver<Vec<csv::StringRecord>>,
) -> u64 {
    const BATCH: usize = 8192;
    loop {
        let mut records = recycled.try_recv().unwrap_or_default();
        records.resize(BATCH, csv::StringRecord::new());
        let mut n = 0;
        let mut error = None;
        while n < BATCH {
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
