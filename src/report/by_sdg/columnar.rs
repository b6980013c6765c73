//! Results by SDG as Parquet or Arrow IPC: the long table ([`SdgRow`]) with typed columns,
//! a row group (or record batch) per chunk of city-years, so memory does not grow with the
//! run. It formats the model; it never computes.

use std::io::Write;

use polars::prelude::{Column, CompatLevel, DataFrame, PolarsResult, SchemaExt};
use polars_arrow::io::ipc::write::default_ipc_fields;
use polars_io::ipc::{IpcCompression, IpcWriter};
use polars_io::parquet::write::{ParquetCompression, ParquetWriter};
use polars_io::SerWriter;

use super::{each_row, SdgRow, NAMES};
use crate::error::WriteError;
use crate::scoring::sdg::SdgGrouping;
use crate::scoring::Assessment;

/// City-years per row group or record batch.
const CHUNK: usize = 128;

/// The long table's columns of `rows`, typed.
fn frame(rows: &[SdgRow]) -> PolarsResult<DataFrame> {
    let text = |name: &str, f: &dyn Fn(&SdgRow) -> Option<&str>| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    let number = |name: &str, f: &dyn Fn(&SdgRow) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    let integer = |name: &str, f: &dyn Fn(&SdgRow) -> Option<i64>| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    let columns = vec![
        text(NAMES[0], &|r| Some(&r.city)),
        integer(NAMES[1], &|r| Some(i64::from(r.year))),
        text(NAMES[2], &|r| Some(&r.level)),
        text(NAMES[3], &|r| Some(&r.goal)),
        text(NAMES[4], &|r| r.target.as_deref()),
        text(NAMES[5], &|r| r.code.as_deref()),
        text(NAMES[6], &|r| r.part.as_deref()),
        text(NAMES[7], &|r| r.name.as_deref()),
        number(NAMES[8], &|r| r.value),
        text(NAMES[9], &|r| r.display.as_deref()),
        text(NAMES[10], &|r| r.unit.as_deref()),
        number(NAMES[11], &|r| r.score),
        text(NAMES[12], &|r| r.band.as_deref()),
        integer(NAMES[13], &|r| r.points.map(i64::from)),
        integer(NAMES[14], &|r| r.max_points.map(i64::from)),
        text(NAMES[15], &|r| r.progress_status.as_deref()),
        number(NAMES[16], &|r| r.progress_score),
        integer(NAMES[17], &|r| Some(r.kpis_scored as i64)),
        integer(NAMES[18], &|r| Some(r.kpis_linked as i64)),
    ];
    DataFrame::new(rows.len(), columns)
}

/// Every chunk of city-years as a frame, handed to `write` in order.
fn each_frame(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    mut write: impl FnMut(&DataFrame) -> PolarsResult<()>,
) -> Result<(), WriteError> {
    for start in (0..assessment.len()).step_by(CHUNK) {
        let mut rows = Vec::new();
        let end = (start + CHUNK).min(assessment.len());
        each_row(assessment, grouping, start..end, |row| {
            rows.push(row);
            Ok(())
        })?;
        write(&frame(&rows)?)?;
    }
    Ok(())
}

/// Parquet (Snappy, as the long result table) when `parquet`, else Arrow IPC (LZ4).
pub(super) fn render(
    parquet: bool,
    assessment: &Assessment,
    grouping: &SdgGrouping,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let schema = frame(&[])?.schema().clone();
    if parquet {
        let mut writer = ParquetWriter::new(out)
            .with_compression(ParquetCompression::Snappy)
            .batched(&schema)?;
        each_frame(assessment, grouping, |f| writer.write_batch(f))?;
        writer.finish()?;
    } else {
        let compat = CompatLevel::oldest();
        let fields = default_ipc_fields(schema.to_arrow(compat).iter_values());
        let mut writer = IpcWriter::new(out)
            .with_compression(Some(IpcCompression::LZ4))
            .with_compat_level(compat)
            .batched(&schema, fields)?;
        each_frame(assessment, grouping, |f| writer.write_batch(f))?;
        writer.finish()?;
    }
    Ok(())
}
