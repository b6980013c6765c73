//! A Parquet file turned into CSV text: a header of its column names, then one line per
//! row, so that row N (from 1) is line N + 1. Numbers are written in full precision,
//! strings as they are, booleans as yes/no, dates and times in ISO form, nulls empty. It
//! never checks a value: a column of a type that has no text form here (lists, structs,
//! binary) is written empty with an `unreadable-cell` problem naming the file and column.

use std::path::Path;

use polars::prelude::*;
use polars_io::parquet::read::ParquetReader;
use polars_io::SerReader;

use super::tabular::{self, CsvText, Table};
use crate::diagnostic::{Problem, ProblemCode};

/// Read the Parquet file at `path`.
pub(super) fn read(path: &Path) -> Result<Table, Problem> {
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
        .map(|c| tabular::text(c.name()))
        .collect();
    let columns: Vec<Vec<String>> = frame
        .columns()
        .iter()
        .map(|column| {
            let series = column.as_materialized_series();
            texts(series).unwrap_or_else(|why| {
                problems.push(tabular::unreadable_cell(
                    &name,
                    1,
                    column.name(),
                    format!("the column holds {} values, which cannot be read ({why}); every cell of it is read as empty; write it as numbers or text", column.dtype()),
                ));
                vec![String::new(); frame.height()]
            })
        })
        .collect();
    let mut text = CsvText::new();
    if !header.is_empty() {
        text.row(&header);
    }
    let mut row = vec![String::new(); columns.len()];
    for i in 0..frame.height() {
        for (cell, column) in row.iter_mut().zip(&columns) {
            cell.clone_from(&column[i]);
        }
        text.row(&row);
    }
    Ok(Table {
        name,
        text,
        problems,
    })
}

/// Every cell of a column as text, nulls empty; the error says why the column has none.
fn texts(series: &Series) -> Result<Vec<String>, String> {
    fn all<T>(cells: impl Iterator<Item = Option<T>>, show: impl Fn(T) -> String) -> Vec<String> {
        cells.map(|c| c.map_or_else(String::new, &show)).collect()
    }
    let dtype = series.dtype();
    let failed = |e: PolarsError| e.to_string();
    Ok(match dtype {
        DataType::Null => vec![String::new(); series.len()],
        DataType::Boolean => all(series.bool().map_err(failed)?.iter(), |b| {
            (if b { "yes" } else { "no" }).to_string()
        }),
        DataType::String => all(series.str().map_err(failed)?.iter(), tabular::text),
        DataType::Float64 => all(series.f64().map_err(failed)?.iter(), tabular::number),
        // An f32's shortest form is the number that was stored (0.1, not 0.100000001).
        DataType::Float32 => all(series.f32().map_err(failed)?.iter(), |v| format!("{v}")),
        d if d.is_signed_integer() => {
            let cast = series.strict_cast(&DataType::Int64).map_err(failed)?;
            all(cast.i64().map_err(failed)?.iter(), |v| v.to_string())
        }
        d if d.is_unsigned_integer() => {
            let cast = series.strict_cast(&DataType::UInt64).map_err(failed)?;
            all(cast.u64().map_err(failed)?.iter(), |v| v.to_string())
        }
        d if d.is_temporal() || d.is_decimal() => {
            let cast = series.strict_cast(&DataType::String).map_err(failed)?;
            all(cast.str().map_err(failed)?.iter(), str::to_string)
        }
        _ => return Err("no text form".into()),
    })
}
