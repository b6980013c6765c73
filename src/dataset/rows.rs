//! Reading a file's rows: for data, a second thread parses CSV records while the loader
//! checks each row's shape (its number of fields, its quotes), its city, year and marks,
//! and hands its values to [`Loader::store`]; for a small file (targets, peers),
//! [`each_row`]. Every problem is reported at its line; it never computes a KPI.

use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender};

use std::borrow::Cow;

use super::csv_text::{self, LfReader};
use super::header::{Columns, Form};
use super::loader::{Loader, Place};
use super::quotes::QuoteFault;
use super::tabular::Fields;
use super::Origin;
use crate::diagnostic::{Problem, ProblemCode};

/// A value with a line break: a quote left open, or a line break typed inside quotes.
const SEVERAL_LINES: &str = "a value runs over several lines from here: a quote that is not closed, or a line break inside quotes; citykpi reads one row per line, so close the quote or put the value on one line (the rows after it cannot be read)";

/// What stops reading a file: the CSV reader's error, or a quote it would read wrong.
enum Fault {
    Csv(csv::Error),
    /// The line (counted after the header) and the kind of quote fault.
    Quote(usize, QuoteFault),
}

type Batch = Result<Vec<csv::StringRecord>, Fault>;

/// What the row loop needs of the file being read.
pub(super) struct FileRows<'c> {
    pub name: &'c str,
    pub file: u32,
    pub header_line: usize,
    pub columns: &'c Columns,
    pub delimiter: u8,
}

impl Loader<'_> {
    /// Read every row of an opened CSV table; false when the file stopped at a fault.
    /// Returns the bytes read and the rows that held something.
    pub(super) fn read_rows<R: Read + Send>(
        &mut self,
        reader: csv::Reader<std::io::BufReader<LfReader<R>>>,
        at: &FileRows,
    ) -> Option<(u64, usize)> {
        let (batch_tx, batch_rx) = std::sync::mpsc::sync_channel(4);
        let (recycle_tx, recycle_rx) = std::sync::mpsc::channel();
        let mut rows = 0usize;
        let mut stopped = false;
        let bytes = std::thread::scope(|scope| {
            let parser = scope.spawn(move || read_batches(reader, batch_tx, recycle_rx));
            for batch in batch_rx {
                let records = match batch {
                    Ok(records) => records,
                    Err(fault) => {
                        self.report(fault_problem(fault, at));
                        stopped = true;
                        break;
                    }
                };
                for record in &records {
                    match self.read_row(record, at) {
                        Some(true) => rows += 1,
                        Some(false) => continue,
                        None => {
                            stopped = true;
                            break;
                        }
                    }
                    if rows % 65_536 == 0 {
                        (self.on_progress)(
                            self.bytes_before + record.position().map_or(0, |p| p.byte()),
                        );
                    }
                }
                if stopped {
                    break;
                }
                let _ = recycle_tx.send(records);
            }
            // A panic in the parser must end the run, never leave it with part of the data.
            match parser.join() {
                Ok(bytes) => bytes,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        (!stopped).then_some((bytes, rows))
    }

    /// Check one record and store its values: `Some(true)` for a row that held something,
    /// `Some(false)` for a blank or rejected one, `None` when the file cannot be read on.
    fn read_row(&mut self, record: &csv::StringRecord, at: &FileRows) -> Option<bool> {
        let line = at.header_line + record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|c| c.trim().is_empty()) {
            return Some(false); // blank rows carry nothing
        }
        let columns = at.columns;
        // A line break inside a value means a quote opened here is never closed where it
        // should be: every row after it would be read wrong.
        if let Some(column) = csv_text::broken_column(record) {
            self.report(
                Problem::new(ProblemCode::InvalidCsv, at.name, SEVERAL_LINES)
                    .at_line(line)
                    .in_column(columns.name(column)),
            );
            return None;
        }
        if let Err(problem) = check_fields(record, at, line) {
            self.report(problem);
            return Some(true);
        }
        Some(self.read_fields(record, line, at))
    }

    /// Check one row's city, year and marks and store its values (any input: a CSV record,
    /// or a workbook's or Parquet file's typed cells). False only for a blank row.
    pub(super) fn read_fields(&mut self, fields: &dyn Fields, line: usize, at: &FileRows) -> bool {
        let columns = at.columns;
        let texts: Vec<Cow<str>> = (0..fields.len().max(columns.header.len()))
            .map(|i| fields.raw(i).into_text())
            .collect();
        if texts.iter().all(|t| t.is_empty()) {
            return false; // blank rows carry nothing
        }
        let get = |i: usize| texts.get(i).map_or("", |t| t.as_ref());
        let city = get(columns.city);
        if city.is_empty() {
            self.report(
                Problem::new(
                    ProblemCode::MissingCity,
                    at.name,
                    "the city is empty; give the city's name on every row",
                )
                .at_line(line)
                .in_column(columns.name(columns.city)),
            );
            return true;
        }
        let Some(year) = parse_year(get(columns.year)) else {
            self.report(
                Problem::new(
                    ProblemCode::BadYear,
                    at.name,
                    format!(
                        "year \"{}\" is not a year; write a four-digit year such as 2024",
                        get(columns.year)
                    ),
                )
                .at_line(line)
                .in_column(columns.name(columns.year))
                .with_value(get(columns.year)),
            );
            return true;
        };
        if !self.filter.keeps(city, year) {
            if !self.filter.keeps_city(city) {
                (self.out.dataset.left_out).insert(super::name_key(city).into_owned());
            }
            return true;
        }
        let (quality, verified) = self.marks(
            at.name,
            line,
            columns.quality.map(get).unwrap_or(""),
            columns.verified.map(get).unwrap_or(""),
        );
        let notes = self.note_id(columns, &get);
        let place = Place {
            city,
            year,
            source: columns.source.map(get).unwrap_or(""),
            unit: "",
            quality,
            verified,
            notes,
            origin: Origin {
                file: at.file,
                line: line as u32,
            },
        };
        let currency = columns.currency.map(get).unwrap_or("");
        self.declare_currency(city, year, currency, place.origin);
        self.store_row(fields, &get, place, at, line);
        true
    }

    /// Store the values of a checked row: the one of a long-form row (after its variable is
    /// resolved), or each of a wide one.
    fn store_row<'r>(
        &mut self,
        fields: &dyn Fields,
        get: &impl Fn(usize) -> &'r str,
        mut place: Place<'r>,
        at: &FileRows,
        line: usize,
    ) {
        let columns = at.columns;
        match &columns.form {
            Form::Long {
                variable,
                value,
                unit,
            } => {
                let name = get(*variable);
                if name.is_empty() {
                    self.report(
                        Problem::new(
                            ProblemCode::MissingVariable,
                            at.name,
                            "the variable is empty; name the variable on every row",
                        )
                        .at_line(line)
                        .in_column(columns.name(*variable)),
                    );
                    return;
                }
                if let Some(field) = self.resolve_field(name, at.name, line, None) {
                    place.unit = unit.map(get).unwrap_or("");
                    self.store(
                        &place,
                        field,
                        name,
                        fields.raw(*value),
                        columns.name(*value),
                    );
                }
            }
            Form::Wide(wide) => {
                for &(column, field) in wide {
                    if let Some(field) = field {
                        let header = columns.name(column);
                        self.store(&place, field, header, fields.raw(column), header);
                    }
                }
            }
        }
    }

    /// The notes of a row, interned: 0 where its note columns are empty (or it has none).
    fn note_id<'r>(&mut self, columns: &Columns, get: &impl Fn(usize) -> &'r str) -> u32 {
        if columns.notes.is_empty() {
            return 0;
        }
        let notes: Vec<(String, String)> = columns
            .notes
            .iter()
            .map(|&i| (columns.name(i), get(i)))
            .filter(|(_, text)| !text.is_empty())
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        self.intern_notes(notes)
    }
}

/// A row has the fields its header needs: no more (a delimiter inside an unquoted value
/// splits it, and every value after it shifts), none under a column the header does not
/// name, and no fewer than its required columns; and no sign that a number was split at a
/// comma that is also the delimiter.
fn check_fields(record: &csv::StringRecord, at: &FileRows, line: usize) -> Result<(), Problem> {
    let (columns, file) = (at.columns, at.name);
    let (len, header) = (record.len(), columns.header.len());
    let split = match at.delimiter {
        b',' => split_number(record, columns),
        _ => None,
    };
    let problem = |code, message: String| Problem::new(code, file, message).at_line(line);
    let quote = match at.delimiter {
        b';' => "(\"Oslo; Norway\")",
        b'\t' => "(a value with a tab)",
        _ => "(\"Oslo, Norway\")",
    };
    if len > header && record.iter().skip(header).any(|c| !c.trim().is_empty()) {
        let hint = split
            .as_ref()
            .map_or(String::new(), |s| format!("; {}", s.hint()));
        return Err(problem(
            ProblemCode::FieldCount,
            format!(
                "the row has {len} fields, the header has {header}: a value holds the delimiter{hint}; put every value that holds the delimiter in double quotes {quote}; the row is not read"
            ),
        ));
    }
    if let Some(i) =
        (0..len.min(header)).find(|&i| columns.name(i).is_empty() && !record[i].trim().is_empty())
    {
        return Err(problem(
            ProblemCode::FieldCount,
            format!(
                "field {} holds \"{}\" under a column the header does not name (the header ends with a delimiter?): a value holds the delimiter, or the header lacks a name; quote the value {quote}, or name the column; the row is not read",
                i + 1,
                record[i].trim()
            ),
        ));
    }
    // As many fields as the header, because a column at the end took the shifted text: a
    // number split at its comma still shows in the field after the value.
    if let Some(split) = split {
        return Err(problem(
            ProblemCode::SplitNumber,
            format!(
                "the value and the field after it (column `{}`) look like one number split at a comma that is also the delimiter; {}; the row is not read",
                columns.name(split.next_column),
                split.hint()
            ),
        )
        .in_column(&split.column)
        .with_value(&split.number));
    }
    // A source or note that is nothing but a number took a value shifted by a delimiter.
    if let Some(i) = columns
        .source
        .into_iter()
        .chain(columns.notes.iter().copied())
        .find(|&i| is_bare_number(record.get(i).unwrap_or("").trim()))
    {
        return Err(problem(
            ProblemCode::SplitNumber,
            format!(
                "column `{}` holds nothing but the number {}: a delimiter inside an earlier unquoted value (a number written 64,950) may have shifted the values into it; quote the values that hold the delimiter {quote}; if this is the {} as meant, write it as text (\"{} units\"); the row is not read",
                columns.name(i),
                record[i].trim(),
                columns.name(i),
                record[i].trim()
            ),
        )
        .in_column(columns.name(i))
        .with_value(record[i].trim()));
    }
    let missing = columns.missing(len);
    if !missing.is_empty() {
        return Err(problem(
            ProblemCode::FieldCount,
            format!(
                "the row has {len} fields, the header has {header}: it ends before {}; give every column up to the last one needed (empty between delimiters if it has no value); the row is not read",
                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(())
}

/// Digits, with one decimal point or comma at most: `28885`, `250.5`.
fn is_bare_number(text: &str) -> bool {
    let (int, frac) = text.split_once(['.', ',']).unwrap_or((text, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

/// A number a comma delimiter split: the value's field and the fields after it.
struct Split {
    /// As written, the pieces joined by their commas: `64,950`, `0,32`, `1,250.5`.
    number: String,
    /// The value's column, and the column the rest went into.
    column: String,
    next_column: usize,
    /// Every piece after the first is a thousands group of three digits.
    thousands: bool,
}

impl Split {
    /// What to write instead.
    fn hint(&self) -> String {
        let number = &self.number;
        if self.thousands {
            let plain = number.replace(',', "");
            format!("\"{number}\" looks like a number with a thousands separator: write {plain}, or \"{number}\" in double quotes")
        } else {
            let point = number.replacen(',', ".", 1);
            format!("\"{number}\" looks like a number split at a comma (a thousands separator or a decimal comma): write it without the comma, or with a decimal point ({point}), or in double quotes")
        }
    }
}

/// In long form, a value of one to three digits and the fields after it that read as one
/// number split at commas: thousands groups of three digits (`64` `950`), or a last piece of
/// digits with an optional fraction (`0` `32`, `1` `250.5`).
fn split_number(record: &csv::StringRecord, columns: &Columns) -> Option<Split> {
    let Form::Long { value, unit, .. } = columns.form else {
        return None;
    };
    // Only a column of text can take a shifted piece in silence (a quality level is a
    // number of its own).
    let next = value + 1;
    let text_column = next >= columns.header.len()
        || columns.name(next).is_empty()
        || columns.source == Some(next)
        || unit == Some(next)
        || columns.notes.contains(&next);
    if !text_column {
        return None;
    }
    let first = record.get(value)?.trim();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(first) || first.len() > 3 {
        return None;
    }
    let mut number = first.to_string();
    let mut thousands = true;
    for group in record.iter().skip(value + 1) {
        let group = group.trim();
        if digits(group) && group.len() == 3 {
            number = format!("{number},{group}");
            continue;
        }
        if is_bare_number(group) && !group.contains(',') {
            number = format!("{number},{group}");
            // `250.5` after `1` is a thousands group with a fraction; `32` after `0` is not.
            thousands &= group.split('.').next().is_some_and(|int| int.len() == 3);
        }
        break;
    }
    (number.len() > first.len()).then(|| Split {
        number,
        column: columns.name(value).to_string(),
        next_column: value + 1,
        thousands: thousands && !first.starts_with('0'),
    })
}

fn fault_problem(fault: Fault, at: &FileRows) -> Problem {
    match fault {
        Fault::Csv(e) => {
            let line = at.header_line + e.position().map_or(0, |p| p.line() as usize);
            let problem = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => Problem::new(
                    ProblemCode::NotUtf8,
                    at.name,
                    "the file is not UTF-8; save it as \"CSV UTF-8\" from your spreadsheet",
                ),
                _ => Problem::new(
                    ProblemCode::InvalidCsv,
                    at.name,
                    format!("{e}; fix this line"),
                ),
            };
            problem.at_line(line)
        }
        Fault::Quote(line, fault) => quote_problem(line, fault, at.name, at.header_line),
    }
}

/// A quote the CSV reader would read wrong, at its line (counted after the header).
fn quote_problem(line: usize, fault: QuoteFault, file: &str, header_line: usize) -> Problem {
    let message = match fault {
        QuoteFault::ClosedMidField => "a quote closes in the middle of a value (as in \"abc\"def, which would be read as abcdef); put the whole value in quotes and double the quotes inside it (\"abc\"\"def\"), or remove the quotes; the rows from here are not read",
        QuoteFault::NeverClosed => "a quote opens a value here and is never closed; close it (the value would be read to the end of the file)",
    };
    Problem::new(ProblemCode::InvalidCsv, file, message).at_line(header_line + line)
}

/// Parse CSV records in batches and send them on; returns the bytes read. A quote the
/// reader would read wrong ends the batches at the record it is in.
fn read_batches<R: Read>(
    mut reader: csv::Reader<std::io::BufReader<LfReader<R>>>,
    batches: SyncSender<Batch>,
    recycled: Receiver<Vec<csv::StringRecord>>,
) -> u64 {
    const BATCH: usize = 8192;
    loop {
        // Records are made as they are needed (a small file does not allocate a whole
        // batch) and reused from the batches the loader hands back.
        let mut records = recycled.try_recv().unwrap_or_default();
        let mut n = 0;
        let mut fault = None;
        while n < BATCH {
            if n == records.len() {
                records.push(csv::StringRecord::new());
            }
            match reader.read_record(&mut records[n]) {
                Ok(true) => {
                    if let Some((line, kind)) = reader.get_ref().get_ref().quote_fault() {
                        let at = records[n].position().map_or(0, |p| p.line() as usize);
                        if line <= at {
                            fault = Some(Fault::Quote(line, kind));
                            break;
                        }
                    }
                    n += 1;
                }
                Ok(false) => {
                    fault = reader
                        .get_ref()
                        .get_ref()
                        .quote_fault()
                        .map(|(line, kind)| Fault::Quote(line, kind));
                    break;
                }
                Err(e) => {
                    fault = Some(Fault::Csv(e));
                    break;
                }
            }
        }
        let done = n < BATCH;
        records.truncate(n);
        if n > 0 && batches.send(Ok(records)).is_err() {
            return reader.position().byte();
        }
        if let Some(fault) = fault {
            let _ = batches.send(Err(fault));
            return reader.position().byte();
        }
        if done {
            return reader.position().byte();
        }
    }
}

pub(super) fn parse_year(raw: &str) -> Option<i32> {
    let raw = raw.strip_suffix(".0").unwrap_or(raw);
    raw.parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
}

/// The rows of a small CSV file opened by [`csv_text::open`] (a targets or peers file):
/// `visit` gets every row that is not blank with its line; a row that cannot be read (a
/// quote never closed or closed mid-value, bytes that are not UTF-8) stops the reading,
/// and its problem is returned. What the rows mean is the caller's.
pub(super) fn each_row<R: Read>(
    table: csv_text::Table<R>,
    file: &str,
    mut visit: impl FnMut(&csv::StringRecord, usize),
) -> Option<Problem> {
    let header_line = table.header_line;
    let width = table.header.len();
    let mut reader = table.reader;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => {
                let fault = reader.get_ref().get_ref().quote_fault();
                return fault.map(|(line, kind)| quote_problem(line, kind, file, header_line));
            }
            Err(e) => {
                let line = header_line + e.position().map_or(0, |p| p.line() as usize);
                return Some(
                    match e.kind() {
                        csv::ErrorKind::Utf8 { .. } => Problem::new(
                            ProblemCode::NotUtf8,
                            file,
                            "the row is not UTF-8 text; save the file as \"CSV UTF-8\"",
                        ),
                        _ => Problem::new(
                            ProblemCode::InvalidCsv,
                            file,
                            format!("{e}; fix the file"),
                        ),
                    }
                    .at_line(line),
                );
            }
        }
        let at = record.position().map_or(0, |p| p.line() as usize);
        if let Some((line, kind)) = reader.get_ref().get_ref().quote_fault() {
            if line <= at {
                return Some(quote_problem(line, kind, file, header_line));
            }
        }
        let line = header_line + at;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if csv_text::broken_column(&record).is_some() {
            return Some(Problem::new(ProblemCode::InvalidCsv, file, SEVERAL_LINES).at_line(line));
        }
        // A delimiter inside an unquoted value shifts what follows: `120,000` read as 120.
        if record.len() > width && record.iter().skip(width).any(|c| !c.trim().is_empty()) {
            return Some(
                Problem::new(
                    ProblemCode::FieldCount,
                    file,
                    format!(
                        "the row has {} fields, the header has {width}: a value holds the delimiter (a number written 120,000?); write numbers without a thousands separator and put text that holds the delimiter in double quotes; the rows from here are not read",
                        record.len()
                    ),
                )
                .at_line(line),
            );
        }
        visit(&record, line);
    }
}
