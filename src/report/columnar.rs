//! Arrow IPC: the long result table, one row per city, year and KPI (or KPI part), with
//! typed columns, for pipelines and for runs too large for text (Parquet has the same
//! columns: [`super::parquet_out`]). City-years are turned into a frame a chunk at a time
//! and written as a record batch each, so memory does not grow with the run. Values are
//! written as computed (CSV rounds them to 6 decimals). It formats the model; it never
//! computes.

use crate::error::WriteError;
use std::io::Write;

use polars::prelude::{Column, CompatLevel, DataFrame, PolarsResult, SchemaExt};
use polars_arrow::io::ipc::write::default_ipc_fields;
use polars_io::ipc::{IpcCompression, IpcWriter};
use polars_io::SerWriter;

use super::row::{Cell, KpiRow, NAMES};
use crate::scoring::Assessment;

/// City-years per record batch (about 19 000 rows): two frames of this size
/// are held at a time, so it bounds the memory the report adds to the run.
const CHUNK: usize = 128;

/// One column being filled, of its cells' kind.
enum Filling<'r> {
    Text(Vec<Option<&'r str>>),
    Number(Vec<Option<f64>>),
    Integer(Vec<Option<i32>>),
    Flag(Vec<Option<bool>>),
}

impl<'r> Filling<'r> {
    /// An empty column of the kind of `cell`.
    fn of(cell: Cell) -> Self {
        match cell {
            Cell::Text(_) | Cell::Word(_) => Filling::Text(Vec::new()),
            Cell::Number(..) => Filling::Number(Vec::new()),
            Cell::Integer(_) => Filling::Integer(Vec::new()),
            Cell::Flag(_) => Filling::Flag(Vec::new()),
        }
    }

    fn push(&mut self, cell: Cell<'r>) {
        match (self, cell) {
            (Filling::Text(c), Cell::Text(t)) => c.push(t),
            (Filling::Text(c), Cell::Word(w)) => c.push(w),
            (Filling::Number(c), Cell::Number(v, _)) => c.push(v),
            (Filling::Integer(c), Cell::Integer(v)) => c.push(v.map(|v| v as i32)),
            (Filling::Flag(c), Cell::Flag(v)) => c.push(v),
            _ => unreachable!("a column's cells are all of one kind"),
        }
    }

    fn finish(self, name: &str) -> Column {
        match self {
            Filling::Text(c) => Column::new(name.into(), c),
            Filling::Number(c) => Column::new(name.into(), c),
            Filling::Integer(c) => Column::new(name.into(), c),
            Filling::Flag(c) => Column::new(name.into(), c),
        }
    }
}

/// The columns of the rows of `rows` (city-years of `assessment`): `city`, `year` and the
/// KPI row's columns ([`KpiRow`]), typed as its cells are.
fn frame(assessment: &Assessment, rows: std::ops::Range<usize>) -> PolarsResult<DataFrame> {
    let mut city: Vec<&str> = Vec::new();
    let mut year: Vec<i32> = Vec::new();
    let mut kpi_rows: Vec<KpiRow> = Vec::new();
    for i in rows {
        let city_year = assessment.city_year(i);
        for o in &city_year.outcomes {
            city.push(city_year.city);
            year.push(city_year.year);
            kpi_rows.push(KpiRow::new(&city_year, o));
        }
    }
    let mut columns: Vec<Filling> = KpiRow::blank().cells().map(Filling::of).into();
    for row in &kpi_rows {
        for (column, cell) in columns.iter_mut().zip(row.cells()) {
            column.push(cell);
        }
    }
    let height = city.len();
    let mut all = vec![
        Column::new("city".into(), city),
        Column::new("year".into(), year),
    ];
    all.extend(
        columns
            .into_iter()
            .zip(NAMES)
            .map(|(c, name)| c.finish(name)),
    );
    DataFrame::new(height, all)
}

/// Hand every chunk of city-years, as a frame, to `write`, in order ([`super::in_order`]).
/// One thread turns the next chunk into a frame while `write` encodes the last, so at most
/// two frames are held.
fn each_frame(
    assessment: &Assessment,
    mut write: impl FnMut(&DataFrame) -> PolarsResult<()>,
) -> Result<(), WriteError> {
    let make = |rows| Ok(frame(assessment, rows)?);
    super::in_order(assessment.len(), CHUNK, 1, make, |frame| Ok(write(&frame)?))
}

/// Write the whole assessment as one Arrow IPC file, a record batch per chunk of
/// city-years: plain Arrow types (no string views), LZ4-compressed buffers (a quarter of
/// the uncompressed size, for little CPU).
pub fn render_arrow(assessment: &Assessment, out: &mut dyn Write) -> Result<(), WriteError> {
    let schema = frame(assessment, 0..0)?.schema().clone();
    let compat = CompatLevel::oldest();
    let fields = default_ipc_fields(schema.to_arrow(compat).iter_values());
    let mut writer = IpcWriter::new(out)
        .with_compression(Some(IpcCompression::LZ4))
        .with_compat_level(compat)
        .batched(&schema, fields)?;
    each_frame(assessment, |frame| writer.write_batch(frame))?;
    writer.finish()?;
    Ok(())
}
