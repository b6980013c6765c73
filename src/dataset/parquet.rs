//! A Parquet file handed to the loader as typed cells: its column names are line 1, and
//! row N (from 1) is line N + 1. Numbers are numbers (integers and floats as `f64`; an
//! `f32` as the decimal it shows), strings as they are, booleans as yes/no, dates and times
//! in ISO form, nulls empty. It never checks a value: a column of a type with no such form
//! (lists, structs, binary) reads as empty, with an `unreadable-cell` problem naming the
//! file and column.

use std::path::Path;

use polars::prelude::*;
use polars_io::parquet::read::ParquetReader;
use polars_io::SerReader;

use std::borrow::Cow;

use super::tabular::{self, Fields, Raw, TypedTable};
use crate::diagnostic::{Problem, ProblemCode};

/// Read the Parquet file at `path`.
pub(super) fn read(path: &Path) -> Result<Frame, Problem> {
    let name = path.display().to_string();
    let unreadable = |message: String| Problem::new(ProblemCode::UnreadableFile, &name, message);
    let file = std::fs::File::open(path).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            "; check the path"
        } else {
            ""
        };
        unreadable(format!("cannot read the file: {e}{hint}"))
    })?;
    let frame = ParquetReader::new(file)
        .finish()
        .map_err(|e| unreadable(format!("cannot read the file as Parquet: {e}")))?;
    let mut problems = Vec::new();
    let header: Vec<String> = frame
        .columns()
        .iter()
        .map(|c| tabular::text(c.name()).into_owned())
        .collect();
    let columns: Vec<Col> = frame
        .columns()
        .iter()
        .map(|column| {
            let series = column.as_materialized_series();
            Col::of(series).unwrap_or_else(|why| {
                problems.push(tabular::unreadable_cell(
                    &name,
                    1,
                    column.name(),
                    format!("the column holds {} values, which cannot be read ({why}); every cell of it is read as empty; write it as numbers or text", column.dtype()),
                ));
                Col::Empty
            })
        })
        .collect();
    Ok(Frame {
        name,
        header,
        height: frame.height(),
        columns,
        problems,
    })
}

/// A Parquet file, read: its column names (line 1) and its columns, typed.
pub(super) struct Frame {
    name: String,
    header: Vec<String>,
    height: usize,
    columns: Vec<Col>,
    problems: Vec<Problem>,
}

/// A column as the loader reads it: numbers as numbers, everything else as text.
enum Col {
    Numbers(Vec<Option<f64>>),
    Texts(Vec<Option<String>>),
    /// A column that cannot be read (its problem is reported once).
    Empty,
}

impl Col {
    /// A column of `series`; the error says why it has no form the loader reads.
    fn of(series: &Series) -> Result<Col, String> {
        let failed = |e: PolarsError| e.to_string();
        let texts = |cells: &mut dyn Iterator<Item = Option<String>>| Col::Texts(cells.collect());
        Ok(match series.dtype() {
            DataType::Null => Col::Empty,
            DataType::Boolean => texts(
                &mut series
                    .bool()
                    .map_err(failed)?
                    .iter()
                    .map(|b| b.map(|b| (if b { "yes" } else { "no" }).to_string())),
            ),
            DataType::String => texts(
                &mut series
                    .str()
                    .map_err(failed)?
                    .iter()
                    .map(|t| t.map(|t| tabular::text(t).into_owned())),
            ),
            // An f32's shortest form is the number that was stored (0.1, not 0.100000001).
            DataType::Float32 => Col::Numbers(
                series
                    .f32()
                    .map_err(failed)?
                    .iter()
                    .map(|v| v.map(|v| format!("{v}").parse().unwrap_or(f64::from(v))))
                    .collect(),
            ),
            d if d.is_float() || d.is_integer() => {
                let cast = series.strict_cast(&DataType::Float64).map_err(failed)?;
                Col::Numbers(cast.f64().map_err(failed)?.iter().collect())
            }
            d if d.is_temporal() || d.is_decimal() => {
                let cast = series.strict_cast(&DataType::String).map_err(failed)?;
                let strings = cast.str().map_err(failed)?;
                Col::Texts(strings.iter().map(|t| t.map(str::to_string)).collect())
            }
            _ => return Err("no text form".into()),
        })
    }
}

/// The header, or one row of the frame.
enum FrameRow<'f> {
    Header(&'f [String]),
    Row(&'f Frame, usize),
}

impl Fields for FrameRow<'_> {
    fn len(&self) -> usize {
        match self {
            FrameRow::Header(header) => header.len(),
            FrameRow::Row(frame, _) => frame.columns.len(),
        }
    }

    fn raw(&self, i: usize) -> Raw<'_> {
        let empty = Raw::Text(Cow::Borrowed(""));
        match self {
            FrameRow::Header(header) => {
                header.get(i).map_or(empty, |h| Raw::Text(Cow::Borrowed(h)))
            }
            FrameRow::Row(frame, row) => match frame.columns.get(i) {
                Some(Col::Numbers(c)) => c[*row].map_or(empty, Raw::Number),
                Some(Col::Texts(c)) => c[*row]
                    .as_deref()
                    .map_or(empty, |t| Raw::Text(Cow::Borrowed(t))),
                Some(Col::Empty) | None => empty,
            },
        }
    }
}

impl TypedTable for Frame {
    fn name(&self) -> &str {
        &self.name
    }

    fn problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    fn for_each_row(&self, visit: &mut dyn FnMut(usize, &dyn Fields)) {
        if self.header.is_empty() {
            return;
        }
        visit(1, &FrameRow::Header(&self.header));
        for row in 0..self.height {
            visit(row + 2, &FrameRow::Row(self, row));
        }
    }
}
