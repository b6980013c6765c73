//! Reading data files into a [`Dataset`]: each input opened (`header` gives its columns'
//! roles, `rows` reads its rows, `cells` stores each value), the names in the data
//! resolved to the catalogue's variables, and the problems counted per file. Every
//! problem is collected with its place; it never computes a KPI.

use std::collections::HashMap;

use super::csv_text::{self, TextOptions};
use super::header::Columns;
use super::rows::FileRows;
use super::rule::Rule;
use super::tabular::{self, Prepared, TypedTable};
use super::{name_key, Dataset, Field, Filter, Input, Origin};
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
    /// The row's notes, interned ([`Dataset::notes`]); 0 for none.
    pub(super) notes: u32,
    pub(super) origin: Origin,
}

/// How many problems of one code a file lists by default; the rest are counted, and
/// `check data --all` lists them all ([`Loader::listing_all`]).
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
    /// The id of the last source read: rows of one source often come together.
    pub(super) last_source: Option<u32>,
    pub(super) row_of: HashMap<(String, i32), usize>,
    /// Every source text read, once, at its id - 1 (0 is no source); they become the
    /// dataset's `source_names`.
    pub(super) sources: polars::prelude::PlIndexSet<String>,
    pub(super) notes_of: HashMap<Vec<(String, String)>, u32>,
    /// How many problems of one code a file lists.
    pub(super) listed: usize,
    /// A column another command reads from the data files (`compare --group`), in
    /// [`name_key`] form: not an unknown column.
    pub(super) also_read: Option<String>,
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
            sources: Default::default(),
            notes_of: HashMap::new(),
            listed: LISTED,
            also_read: None,
            out: Loaded {
                dataset: Dataset {
                    fields,
                    values: vec![Vec::new(); n],
                    sources: vec![Vec::new(); n],
                    quality: vec![Vec::new(); n],
                    verified: vec![Vec::new(); n],
                    lines: vec![Vec::new(); n],
                    line_files: vec![Vec::new(); n],
                    notes: vec![Vec::new(); n],
                    source_names: vec![String::new()],
                    note_sets: vec![Vec::new()],
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

    /// List every problem, not [`LISTED`] of each code per file.
    pub fn listing_all(mut self, all: bool) -> Self {
        if all {
            self.listed = usize::MAX;
        }
        self
    }

    /// A column that another part of the command reads from the data files, so that it is
    /// not named as unknown (`compare --group region`).
    pub fn also_reading(mut self, column: Option<&str>) -> Self {
        self.also_read = column.map(|c| name_key(c.trim()).into_owned());
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
            if count > self.listed {
                let more = count - self.listed;
                self.out.problems.push(
                    Problem::new(code, &name, more_not_listed(more, code)).standing_for(more),
                );
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
        let listed = *count <= self.listed;
        if listed {
            self.out.problems.push(problem);
        }
        listed
    }

    fn load_file(&mut self, input: &Input) {
        let file = self.out.dataset.files.len() as u32;
        match tabular::prepare(input) {
            Err(problem) => {
                self.out.dataset.files.push(input.name());
                self.report(problem);
            }
            Ok(Prepared::Csv(input)) => {
                self.out.dataset.files.push(input.name());
                self.load_csv(input, file);
            }
            Ok(Prepared::Typed(mut table)) => {
                self.out.dataset.files.push(table.name().to_string());
                for problem in table.problems() {
                    self.report(problem);
                }
                self.load_typed(table.as_ref(), file);
            }
        }
    }

    /// A CSV file: its header, then its records, parsed on a second thread.
    fn load_csv(&mut self, input: &Input, file: u32) {
        let name = input.name();
        let table = match open(input, &self.options, &name) {
            Ok(table) => table,
            Err(problem) => {
                self.report(problem);
                return;
            }
        };
        self.decimal_comma = table.shape.decimal_comma;
        let header_line = table.header_line;
        let Some(columns) = self.columns(table.header, &name, header_line) else {
            return;
        };
        let at = FileRows {
            name: &name,
            file,
            header_line,
            columns: &columns,
            delimiter: table.shape.delimiter,
        };
        let Some((bytes, rows)) = self.read_rows(table.reader, &at) else {
            return;
        };
        self.bytes_before += bytes;
        self.no_rows(rows, &name, header_line);
    }

    /// A workbook sheet or a Parquet file: its first row with anything in it is the header,
    /// and every cell after it is read as it is typed (a number cell is that number).
    fn load_typed(&mut self, table: &dyn TypedTable, file: u32) {
        let name = table.name().to_string();
        // Numbers are numbers; text cells are read as CSV text with a decimal point.
        self.decimal_comma = false;
        let mut header: Option<(Columns, usize)> = None;
        let mut rows = 0;
        let mut unreadable = false;
        table.for_each_row(&mut |line, fields| {
            if unreadable {
                return;
            }
            let Some((columns, header_line)) = &header else {
                let cells: Vec<String> = (0..fields.len())
                    .map(|i| fields.raw(i).into_text().into_owned())
                    .collect();
                if cells.iter().all(String::is_empty) {
                    return;
                }
                match self.columns(cells, &name, line) {
                    Some(columns) => header = Some((columns, line)),
                    None => unreadable = true,
                }
                return;
            };
            let at = FileRows {
                name: &name,
                file,
                header_line: *header_line,
                columns,
                delimiter: b',',
            };
            if self.read_fields(fields, line, &at) {
                rows += 1;
            }
        });
        match header {
            Some((_, header_line)) => self.no_rows(rows, &name, header_line),
            None if !unreadable => {
                self.report(Problem::new(
                    ProblemCode::EmptyFile,
                    &name,
                    "the file is empty; it needs a header (city,year,variable,value) and rows",
                ));
            }
            None => {}
        }
    }

    /// A file with a header but no data rows is worth a warning.
    fn no_rows(&mut self, rows: usize, name: &str, header_line: usize) {
        if rows == 0 {
            self.report(
                Problem::new(
                    ProblemCode::NoRows,
                    name,
                    "the file has a header but no data rows",
                )
                .at_line(header_line),
            );
        }
    }

    /// The notes of a row, interned: 0 for none.
    pub(super) fn intern_notes(&mut self, notes: Vec<(String, String)>) -> u32 {
        if notes.is_empty() {
            return 0;
        }
        if let Some(&id) = self.notes_of.get(&notes) {
            return id;
        }
        let id = self.out.dataset.note_sets.len() as u32;
        self.out.dataset.note_sets.push(notes.clone());
        self.notes_of.insert(notes, id);
        id
    }

    /// The field a data name refers to; unknown names warn with the closest known name.
    /// Names compare as written, then in lower case and Unicode's composed form (NFC), then
    /// as KPI codes in any of their printed spellings.
    pub(super) fn resolve_field(
        &mut self,
        name: &str,
        file: &str,
        line: usize,
        column: Option<&str>,
    ) -> Option<usize> {
        if let Some(&i) = self.known.get(name) {
            return Some(i);
        }
        let lowered = name_key(name);
        if let Some(&i) = self
            .known
            .get(lowered.as_ref())
            .or_else(|| self.known.get(&normalize_code(&lowered)))
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
        // A KPI with parts, named by its code alone: each part is reported on its own.
        let code = normalize_code(name);
        let parts: Vec<&str> = self
            .catalog
            .measures()
            .filter(|(kpi, m)| kpi.code == code && m.part.is_some())
            .map(|(_, m)| m.key.as_str())
            .collect();
        let hint = if !parts.is_empty() {
            format!(
                "{code} has parts: report each on its own row as {}",
                parts.join(", ")
            )
        } else {
            match closest(
                &lowered,
                self.catalog.variables.iter().map(|v| v.id.as_str()),
            ) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "see `citykpi template` for the variables to collect".into(),
            }
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

/// The entry that stands for the problems of a code a file does not list.
pub(super) fn more_not_listed(more: usize, code: ProblemCode) -> String {
    format!("{more} more `{code}` problems in this file are not listed; fix the ones above and run again, or list them all with `citykpi check data --all`")
}

/// Open an input as CSV text: its header read, its delimiter and decimal mark known.
fn open<'i>(
    input: &'i Input,
    options: &TextOptions,
    name: &str,
) -> Result<csv_text::Table<Box<dyn std::io::Read + Send + 'i>>, Problem> {
    let reader = input.open().map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            "; check the path"
        } else {
            ""
        };
        Problem::new(
            ProblemCode::UnreadableFile,
            name,
            format!("cannot read the file: {e}{hint}"),
        )
    })?;
    csv_text::open(reader, options, name)
}

/// Read and validate every input. The kinds of problems are described in `docs/errors.md`.
pub fn load(catalog: &Catalog, inputs: &[Input], filter: Filter, options: TextOptions) -> Loaded {
    Loader::new(catalog, filter, options).load_all(inputs)
}
