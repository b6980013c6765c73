//! Parquet and Arrow IPC: the long result table, one row per city, year and KPI (or KPI
//! part), with typed columns, for pipelines and for runs too large for text. City-years are
//! turned into a frame a chunk at a time and written as a row group (Parquet,
//! Snappy-compressed) or a record batch (Arrow) each, so memory does not grow with the run.
//! Values are written as computed (CSV rounds them to 6 decimals). It formats the model; it
//! never computes.

use std::io::Write;

use polars::prelude::{
    Column, CompatLevel, DataFrame, IntoColumn, PolarsResult, SchemaExt, StringChunkedBuilder,
};
use polars_arrow::io::ipc::write::default_ipc_fields;
use polars_io::ipc::{IpcCompression, IpcWriter};
use polars_io::parquet::write::{ParquetCompression, ParquetWriter};
use polars_io::SerWriter;

use super::{note, notes_text, target_origin};
use crate::scoring::{Assessment, TargetOrigin};

/// City-years per row group or record batch (about 19 000 rows): two frames of this size
/// are held at a time, so it bounds the memory the report adds to the run.
const CHUNK: usize = 128;

/// The columns of the rows of `rows` (city-years of `assessment`).
fn frame(assessment: &Assessment, rows: std::ops::Range<usize>) -> PolarsResult<DataFrame> {
    let mut city: Vec<&str> = Vec::new();
    let mut year: Vec<i32> = Vec::new();
    let (mut code, mut part, mut name, mut tier, mut dimension, mut unit) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let (mut subdimension, mut category, mut sources) = (Vec::new(), Vec::new(), Vec::new());
    let (mut value, mut status, mut notes, mut target) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut target_source, mut direction) = (Vec::new(), Vec::new());
    // Mostly `default`: written into the column as it comes, not made a String a row.
    let mut origin = StringChunkedBuilder::new("target_origin".into(), 0);
    let (mut achievement, mut points, mut band) = (Vec::new(), Vec::new(), Vec::new());
    let (mut progress_status, mut progress_score) = (Vec::new(), Vec::new());
    let (mut since_previous, mut since_base) = (Vec::new(), Vec::new());
    let (mut quality, mut verified, mut data_notes) = (Vec::new(), Vec::new(), Vec::new());
    for i in rows {
        let city_year = assessment.city_year(i);
        for o in &city_year.outcomes {
            let m = o.measure;
            city.push(city_year.city);
            year.push(city_year.year);
            code.push(o.kpi.code.as_str());
            part.push(m.part.as_deref());
            name.push(o.name);
            tier.push(<&str>::from(o.kpi.tier));
            dimension.push(o.kpi.dimension.as_str());
            subdimension.push(o.subdimension);
            category.push(o.category);
            unit.push(m.unit.as_str());
            value.push(o.value);
            status.push(o.status.label());
            notes.push(note(&city_year, o));
            target.push(o.target.map(|t| t.value));
            target_source.push(o.target.and_then(|t| t.source));
            match o.target.map(|t| t.origin) {
                None => origin.append_null(),
                Some(TargetOrigin::Default) => origin.append_value("default"),
                Some(_) => origin.append_value(target_origin(o.target.as_ref())),
            }
            direction.push(<&str>::from(m.direction));
            achievement.push(o.score.map(|s| s.achievement));
            points.push(o.score.map(|s| i32::from(s.points)));
            band.push(o.band.map(|b| b.label.as_str()));
            sources.push(city_year.sources(o).join(" | "));
            progress_status.push(o.progress.map(|t| <&str>::from(t.progress.status)));
            progress_score.push(o.progress.and_then(|t| t.progress.score));
            since_previous.push(o.progress.map(|t| t.change_since_previous()));
            since_base.push(o.progress.map(|t| t.change_since_base()));
            quality.push(o.quality.map(|q| i32::from(q.level())));
            verified.push(o.verified);
            data_notes.push(notes_text(city_year.notes(o)));
        }
    }
    let height = city.len();
    DataFrame::new(
        height,
        vec![
            Column::new("city".into(), city),
            Column::new("year".into(), year),
            Column::new("code".into(), code),
            Column::new("part".into(), part),
            Column::new("name".into(), name),
            Column::new("tier".into(), tier),
            Column::new("dimension".into(), dimension),
            Column::new("subdimension".into(), subdimension),
            Column::new("category".into(), category),
            Column::new("unit".into(), unit),
            Column::new("value".into(), value),
            Column::new("status".into(), status),
            Column::new("note".into(), notes),
            Column::new("target".into(), target),
            Column::new("target_source".into(), target_source),
            origin.finish().into_column(),
            Column::new("direction".into(), direction),
            Column::new("achievement".into(), achievement),
            Column::new("points".into(), points),
            Column::new("band".into(), band),
            Column::new("sources".into(), sources),
            Column::new("progress_status".into(), progress_status),
            Column::new("progress_score".into(), progress_score),
            Column::new("change_since_previous".into(), since_previous),
            Column::new("change_since_base".into(), since_base),
            Column::new("quality".into(), quality),
            Column::new("verified".into(), verified),
            Column::new("data_notes".into(), data_notes),
        ],
    )
}

/// Hand every chunk of city-years, as a frame, to `write`, in order ([`super::in_order`]).
/// One thread turns the next chunk into a frame while `write` encodes the last, so at most
/// two frames are held.
fn each_frame(
    assessment: &Assessment,
    mut write: impl FnMut(&DataFrame) -> PolarsResult<()>,
) -> anyhow::Result<()> {
    let make = |rows| Ok(frame(assessment, rows)?);
    super::in_order(assessment.len(), CHUNK, 1, make, |frame| Ok(write(&frame)?))
}

/// Write the whole assessment as one Parquet file, a row group per chunk of city-years.
pub fn render_parquet(assessment: &Assessment, out: &mut dyn Write) -> anyhow::Result<()> {
    let schema = frame(assessment, 0..0)?.schema().clone();
    // Snappy, Spark's and pyarrow's default codec: about 20 % more bytes than polars'
    // default zstd, and about 10 % less CPU for the whole run.
    let mut writer = ParquetWriter::new(out)
        .with_compression(ParquetCompression::Snappy)
        .batched(&schema)?;
    each_frame(assessment, |frame| writer.write_batch(frame))?;
    writer.finish()?;
    Ok(())
}

/// Write the whole assessment as one Arrow IPC file, a record batch per chunk of
/// city-years: plain Arrow types (no string views), LZ4-compressed buffers (a quarter of
/// the uncompressed size, for little CPU).
pub fn render_arrow(assessment: &Assessment, out: &mut dyn Write) -> anyhow::Result<()> {
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
