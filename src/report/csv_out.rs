//! CSV: one row per city, year and KPI (or KPI part), for other tools.
//!
//! This is the format for large runs: city-years are rendered in chunks on several
//! threads ([`super::in_chunks`]), with reused buffers, and written in order, so the output
//! is the same for any number of threads. It formats the model; it never computes.

use crate::error::WriteError;
use std::io::Write;
use std::ops::Range;

use super::number::push_rounded;
use super::row::{Cell, KpiRow, MEASURE_COLUMNS, NAMES};
use super::{display_verified, in_chunks, neutralise};
use crate::scoring::Assessment;

/// City-years rendered at a time, shared among the threads ([`in_chunks`]): about 21 KB of
/// CSV each, so about 2.7 MB besides the chunk being written, on any number of cores.
const IN_FLIGHT: usize = 128;

/// CSV records into a byte buffer, quoted as the `csv` crate quotes them (only a field
/// holding a comma, a quote or a line break, quotes doubled), `\n` after each record. The
/// crate's writer looks at every byte through a state machine; this writes a field that
/// needs no quotes (nearly all of them) with one scan and one copy. A record is its fields
/// each followed by a comma, the last comma then turned into the line end, so fields that
/// are the same in many records can be written once and copied in with [`Records::raw`].
struct Records {
    out: Vec<u8>,
}

impl Records {
    /// One field and the comma after it.
    fn field(&mut self, field: &str) {
        let bytes = field.as_bytes();
        // Every byte is looked at (no early exit), which the compiler vectorises.
        let quote = bytes.iter().fold(false, |quote, &b| {
            quote | (b == b',') | (b == b'"') | (b == b'\n') | (b == b'\r')
        });
        if quote {
            self.out.push(b'"');
            for &b in bytes {
                if b == b'"' {
                    self.out.push(b'"');
                }
                self.out.push(b);
            }
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(bytes);
        }
        self.out.push(b',');
    }

    /// A field that never needs quotes (a number, or a word of the report's own: a status,
    /// a direction), and the comma after it.
    fn plain(&mut self, field: &str) {
        debug_assert!(!field.contains([',', '"', '\n', '\r']), "{field}");
        self.out.extend_from_slice(field.as_bytes());
        self.out.push(b',');
    }

    /// Fields written earlier by [`Records::field`], commas included.
    fn raw(&mut self, fields: &[u8]) {
        self.out.extend_from_slice(fields);
    }

    /// Ends the record: its last comma becomes the line end.
    fn end(&mut self) {
        if let Some(last) = self.out.last_mut() {
            *last = b'\n';
        }
    }

    /// A whole record.
    fn record<'f>(&mut self, fields: impl IntoIterator<Item = &'f str>) {
        for field in fields {
            self.field(field);
        }
        self.end();
    }

    /// One typed cell of a [`KpiRow`]; `number` is a reused buffer.
    fn cell(&mut self, cell: Cell, number: &mut String, integer: &mut itoa::Buffer) {
        match cell {
            Cell::Text(None) | Cell::Word(None) => self.plain(""),
            Cell::Text(Some(text)) => self.field(&neutralise(text)),
            Cell::Word(Some(word)) => self.plain(word),
            Cell::Number(None, _) | Cell::Integer(None) => self.plain(""),
            Cell::Number(Some(v), decimals) => {
                number.clear();
                push_rounded(number, v, decimals);
                self.plain(number);
            }
            Cell::Integer(Some(v)) => self.plain(integer.format(v)),
            Cell::Flag(flag) => self.plain(display_verified(flag)),
        }
    }
}

/// The CSV header: `city`, `year`, then the KPI row's columns.
pub fn header() -> impl Iterator<Item = &'static str> {
    ["city", "year"].into_iter().chain(NAMES)
}

pub fn render(
    assessment: &Assessment,
    threads: usize,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let mut header = Records { out: Vec::new() };
    header.record(self::header());
    out.write_all(&header.out)?;
    in_chunks(assessment.len(), IN_FLIGHT, threads, out, |rows| {
        Ok(render_rows(assessment, rows))
    })
}

/// The CSV rows of the city-years in `rows`, without the header.
fn render_rows(assessment: &Assessment, rows: Range<usize>) -> Vec<u8> {
    let mut writer = Records {
        out: Vec::with_capacity(rows.len() * 32 * 1024),
    };
    let mut number = String::new();
    let mut integer = itoa::Buffer::new();
    // Per measure, its columns that depend on the measure alone, written once.
    let mut measures: Vec<Vec<u8>> = Vec::new();
    let mut city_fields = Records { out: Vec::new() };
    for row in rows {
        let city_year = assessment.city_year(row);
        city_fields.out.clear();
        city_fields.field(&neutralise(city_year.city));
        city_fields.field(integer.format(city_year.year));
        for o in &city_year.outcomes {
            let row = KpiRow::new(&city_year, o);
            let cells = row.cells();
            if measures.len() <= o.measure_index {
                measures.resize(o.measure_index + 1, Vec::new());
            }
            let fields = &mut measures[o.measure_index];
            if fields.is_empty() {
                let mut records = Records { out: Vec::new() };
                for &cell in &cells[MEASURE_COLUMNS] {
                    records.cell(cell, &mut number, &mut integer);
                }
                *fields = records.out;
            }
            writer.raw(&city_fields.out);
            writer.raw(fields);
            for &cell in &cells[MEASURE_COLUMNS.end..] {
                writer.cell(cell, &mut number, &mut integer);
            }
            writer.end();
        }
    }
    writer.out
}
