//! CSV: one row per city, year and KPI (or KPI part), for other tools.
//!
//! This is the format for large runs: city-years are rendered in chunks on several
//! threads ([`super::in_chunks`]), with reused buffers, and written in order, so the output
//! is the same for any number of threads. It formats the model; it never computes.

use std::fmt::Write as _;
use std::io::Write;
use std::ops::Range;

use super::number::push_plain;
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

/// City-years per chunk: about 25 KB of CSV each, so a chunk is about 3 MB.
const CHUNK: usize = 128;

fn number_into(text: &mut String, value: Option<f64>, decimals: i32) {
    text.clear();
    if let Some(v) = value {
        push_plain(text, round(v, decimals));
    }
}

/// CSV records into a byte buffer, quoted as the `csv` crate quotes them (only a field
/// holding a comma, a quote or a line break, quotes doubled), `\n` after each record. The
/// crate's writer looks at every byte through a state machine; this writes a field that
/// needs no quotes (nearly all of them) with one scan and one copy.
struct Records {
    out: Vec<u8>,
}

impl Records {
    fn record<const N: usize>(&mut self, fields: [&str; N]) {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
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
        }
        self.out.push(b'\n');
    }
}

pub fn render(assessment: &Assessment, threads: usize, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut header = Records { out: Vec::new() };
    header.record(HEADER);
    out.write_all(&header.out)?;
    in_chunks(assessment.len(), CHUNK, threads, out, |rows| {
        Ok(render_rows(assessment, rows))
    })
}

/// The CSV rows of the city-years in `rows`, without the header.
fn render_rows(assessment: &Assessment, rows: Range<usize>) -> Vec<u8> {
    let mut writer = Records {
        out: Vec::with_capacity(rows.len() * 32 * 1024),
    };
    let mut value = String::new();
    let mut display = String::new();
    let mut target = String::new();
    let mut achievement = String::new();
    let mut year = String::new();
    let mut progress = String::new();
    let mut since_previous = String::new();
    let mut since_base = String::new();
    let mut points = String::new();
    // Per measure, the last target formatted: its bits (u64::MAX, a NaN, for none) and text.
    let mut targets: Vec<(u64, String)> = Vec::new();
    for row in rows {
        let city_year = assessment.city_year(row);
        let city = neutralise(city_year.city);
        year.clear();
        let _ = write!(year, "{}", city_year.year);
        for o in &city_year.outcomes {
            let m = o.measure;
            number_into(&mut value, o.value, 6);
            write_display_value(&mut display, m, o.value);
            // A KPI's target is mostly the same in every city-year: formatted once per value.
            match o.target.map(|t| t.value) {
                None => target.clear(),
                Some(v) => {
                    if targets.len() <= o.measure_index {
                        targets.resize(o.measure_index + 1, (u64::MAX, String::new()));
                    }
                    let (bits, text) = &mut targets[o.measure_index];
                    if *bits != v.to_bits() {
                        number_into(text, Some(v), 6);
                        *bits = v.to_bits();
                    }
                    target.clone_from(text);
                }
            }
            number_into(&mut achievement, o.score.map(|s| s.achievement), 2);
            points.clear();
            if let Some(score) = o.score {
                let _ = write!(points, "{}", score.points);
            }
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
            writer.record([
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
            ]);
        }
    }
    writer.out
}
