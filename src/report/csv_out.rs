//! CSV: one row per city, year and KPI (or KPI part), for other tools.
//!
//! This is the format for large runs: city-years are rendered in chunks on several
//! threads ([`super::in_chunks`]), with reused buffers, and written in order, so the output
//! is the same for any number of threads. It formats the model; it never computes.

use std::fmt::Write as _;
use std::io::Write;
use std::ops::Range;

use super::{
    display_verified, in_chunks, neutralise, note, round, target_origin, write_display_value,
};
use crate::scoring::Assessment;

pub const HEADER: [&str; 28] = [
    "city",
    "year",
    "code",
    "part",
    "name",
    "tier",
    "dimension",
    "subdimension",
    "category",
    "unit",
    "value",
    "display",
    "status",
    "note",
    "target",
    "target_source",
    "target_origin",
    "direction",
    "achievement",
    "points",
    "band",
    "sources",
    "progress_status",
    "progress_score",
    "change_since_previous",
    "change_since_base",
    "quality",
    "verified",
];

const LEVELS: [&str; 7] = ["", "1", "2", "3", "4", "5", "6"];

fn number_into(text: &mut String, value: Option<f64>, decimals: i32) {
    text.clear();
    if let Some(v) = value {
        let _ = write!(text, "{}", round(v, decimals));
    }
}

pub fn render(assessment: &Assessment, threads: usize, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut header = csv::Writer::from_writer(&mut *out);
    header.write_record(HEADER)?;
    header.flush()?;
    drop(header);
    // About 25 KB of CSV per city-year: 512 make a chunk of about 13 MB.
    in_chunks(assessment.len(), 512, threads, out, |rows| {
        render_rows(assessment, rows)
    })
}

/// The CSV rows of the city-years in `rows`, without the header.
fn render_rows(assessment: &Assessment, rows: Range<usize>) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 100 * 200));
    let mut value = String::new();
    let mut display = String::new();
    let mut target = String::new();
    let mut achievement = String::new();
    let mut year = String::new();
    let mut progress = String::new();
    let mut since_previous = String::new();
    let mut since_base = String::new();
    for row in rows {
        let city_year = assessment.city_year(row);
        let city = neutralise(city_year.city);
        year.clear();
        let _ = write!(year, "{}", city_year.year);
        for o in &city_year.outcomes {
            let m = o.measure;
            number_into(&mut value, o.value, 6);
            write_display_value(&mut display, m, o.value);
            number_into(&mut target, o.target.map(|t| t.value), 6);
            number_into(&mut achievement, o.score.map(|s| s.achievement), 2);
            let points = o.score.map(|s| s.points.to_string()).unwrap_or_default();
            let sources = city_year.sources(o).join(" | ");
            let trend = o.progress.map(|t| t.progress);
            number_into(&mut progress, trend.and_then(|p| p.score), 2);
            number_into(
                &mut since_previous,
                o.progress.map(|t| t.change_since_previous()),
                6,
            );
            number_into(
                &mut since_base,
                o.progress.map(|t| t.change_since_base()),
                6,
            );
            writer.write_record([
                city.as_ref(),
                &year,
                &o.kpi.code,
                m.part.as_deref().unwrap_or_default(),
                neutralise(o.name).as_ref(),
                o.kpi.tier.into(),
                &o.kpi.dimension,
                o.subdimension,
                o.category,
                &m.unit,
                &value,
                &display,
                o.status.label(),
                &note(&city_year, o),
                &target,
                neutralise(o.target.and_then(|t| t.source).unwrap_or_default()).as_ref(),
                neutralise(&target_origin(o.target.as_ref())).as_ref(),
                m.direction.into(),
                &achievement,
                &points,
                o.band.map_or("", |b| b.label.as_str()),
                neutralise(&sources).as_ref(),
                trend.map_or("", |p| p.status.into()),
                &progress,
                &since_previous,
                &since_base,
                o.quality.map_or("", |q| LEVELS[usize::from(q.level())]),
                display_verified(o.verified),
            ])?;
        }
    }
    writer.flush()?;
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}
