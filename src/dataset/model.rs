//! The dataset's types: one row per city-year, one column per variable (and per KPI a
//! city reports directly), each cell with its source, data-quality level, verified flag and
//! the file and line it came from.
//! This module holds data; it never reads a file.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::quality::Quality;

/// A cell the data flags as verified, in [`Dataset::verified`].
pub const VERIFIED_YES: u8 = 2;
/// A cell the data flags as not verified.
pub const VERIFIED_NO: u8 = 1;

/// Which city-years to keep while reading.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub cities: Vec<String>,
    pub years: Vec<i32>,
}

impl Filter {
    pub(super) fn keeps(&self, city: &str, year: i32) -> bool {
        self.keeps_city(city) && (self.years.is_empty() || self.years.contains(&year))
    }

    /// Whether the city is one `--city` asks for (every city when it names none).
    pub fn keeps_city(&self, city: &str) -> bool {
        self.cities.is_empty() || {
            let key = super::name_key(city);
            self.cities.iter().any(|c| super::name_key(c) == key)
        }
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
    /// The cities (by [`super::name_key`]) the data has but `--city` left out: a file that
    /// names one (targets, the verifier's record) names a city the data has.
    pub left_out: BTreeSet<String>,
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
    /// `notes[field][row]`: index into `note_sets`; 0 = no notes. Empty for a field no
    /// file gives notes for.
    pub notes: Vec<Vec<u32>>,
    /// The notes of a row (`comment`, `evidence`, ... columns: the header's name and the
    /// text), interned; entry 0 is empty.
    pub note_sets: Vec<Vec<(String, String)>>,
    /// `quality[field][row]`: the U4SSC data-quality level (1-6), 0 where none is given.
    /// Empty for a field no file gives a level for.
    pub quality: Vec<Vec<u8>>,
    /// `verified[field][row]`: [`VERIFIED_YES`], [`VERIFIED_NO`], or 0 where not said.
    /// Empty for a field no file flags.
    pub verified: Vec<Vec<u8>>,
    /// `lines[field][row]`: the line a cell was read from; 0 where it was read from none.
    pub lines: Vec<Vec<u32>>,
    /// `line_files[field][row]`: the file of that line, an index into `files`. Empty for a
    /// field whose cells all come from the first file: most runs read one file, and a
    /// cell's origin then costs 4 bytes, not 8.
    pub line_files: Vec<Vec<u32>>,
    /// Cells given in another unit and converted: the unit and the value as given.
    pub converted: HashMap<(usize, usize), (String, f64)>,
    /// Cells the data marks as not reported (`NR`, `n/a`, `..`, an empty value).
    pub not_reported: HashSet<(usize, usize)>,
    /// Cells whose value was rejected (`(field, row)` -> why); they hold no value.
    pub invalid: HashMap<(usize, usize), Rejection>,
}

/// Why the data's value for a cell was rejected, and where the value was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub at: Origin,
    pub why: Rejected,
}

/// The ways a value is rejected; each has its problem in the loader's report.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejected {
    /// The text is not a value of the cell's kind.
    NotANumber(String),
    /// Outside the variable's valid range.
    OutOfRange(String),
    /// Given in a unit that does not convert into the variable's.
    Unit { given: String, expected: String },
    /// Two rows give different values; `other` is the first.
    Conflict { other: Origin },
    /// One row gives a value, another says it is not reported.
    NotReportedAndValue { value: String },
    /// A part larger than its whole (households with Internet > households).
    ExceedsWhole { part: f64, whole: String },
    /// Amounts of one city-year in two currencies (or two currencies declared); `second` is
    /// where the second currency was read.
    MixedCurrency {
        first: &'static str,
        other: &'static str,
        second: Origin,
    },
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

    /// The unit and value a cell was given in, where it was converted.
    pub fn converted_from(&self, field: usize, row: usize) -> Option<(&str, f64)> {
        self.converted
            .get(&(field, row))
            .map(|(unit, value)| (unit.as_str(), *value))
    }

    /// True where the data says the value is not reported.
    pub fn is_not_reported(&self, field: usize, row: usize) -> bool {
        self.not_reported.contains(&(field, row))
    }

    /// Why a cell has no usable value, if the data gave one that was rejected.
    pub fn rejection(&self, field: usize, row: usize) -> Option<&Rejection> {
        self.invalid.get(&(field, row))
    }

    /// Why a cell has no usable value, in words with the file and line, if the data gave
    /// one that was rejected.
    pub fn invalid(&self, field: usize, row: usize) -> Option<String> {
        let r = self.rejection(field, row)?;
        let at = self.place(r.at);
        Some(match &r.why {
            Rejected::NotANumber(raw) => format!("\"{raw}\" is not a number ({at})"),
            Rejected::OutOfRange(raw) => format!("{raw} is out of range ({at})"),
            Rejected::Unit { given, expected } => format!("unit {given} is not {expected} ({at})"),
            Rejected::Conflict { other } => {
                format!("conflicting values at {} and {at}", self.place(*other))
            }
            Rejected::NotReportedAndValue { value } => {
                format!("conflicting rows: not reported, and {value} at {at}")
            }
            Rejected::ExceedsWhole { part, whole } => format!("{part} is more than {whole} ({at})"),
            Rejected::MixedCurrency {
                first,
                other,
                second,
            } => format!(
                "amounts in {first} and {other} in one city-year ({})",
                self.place(*second)
            ),
        })
    }

    /// `file:line` of a place in the data.
    pub fn place(&self, at: Origin) -> String {
        format!("{}:{}", self.files[at.file as usize], at.line)
    }

    pub fn source(&self, field: usize, row: usize) -> Option<&str> {
        match self.sources[field].get(row).copied().unwrap_or(0) {
            0 => None,
            i => Some(&self.source_names[i as usize]),
        }
    }

    /// The notes a cell's row gives (`comment`, `evidence`, ...): column name and text.
    pub fn notes(&self, field: usize, row: usize) -> &[(String, String)] {
        match self.notes[field].get(row).copied().unwrap_or(0) {
            0 => &[],
            i => &self.note_sets[i as usize],
        }
    }

    /// The data-quality level the data gives a cell.
    pub fn quality(&self, field: usize, row: usize) -> Option<Quality> {
        Quality::from_level(self.quality[field].get(row).copied().unwrap_or(0))
    }

    /// Whether the data says a cell was verified.
    pub fn verified(&self, field: usize, row: usize) -> Option<bool> {
        match self.verified[field].get(row).copied().unwrap_or(0) {
            VERIFIED_YES => Some(true),
            VERIFIED_NO => Some(false),
            _ => None,
        }
    }

    /// The file name and line a cell was read from.
    pub fn origin(&self, field: usize, row: usize) -> Option<(&str, u32)> {
        let line = *self.lines[field].get(row)?;
        let file = self.origin_of(field, row).file;
        (line > 0).then(|| (self.files[file as usize].as_str(), line))
    }

    /// The file (index) and line a cell of a field with a column was read from.
    pub fn origin_of(&self, field: usize, row: usize) -> Origin {
        Origin {
            file: self.line_files[field].get(row).copied().unwrap_or(0),
            line: self.lines[field][row],
        }
    }

    /// False for a column no input file had; such a column holds no values.
    pub fn has_column(&self, field: usize) -> bool {
        !self.values[field].is_empty()
    }
}
