//! CSV: one row per city, year and KPI (or KPI part), for other tools.
//!
//! This is the format for large runs: city-years are rendered in chunks on several
//! threads ([`super::in_chunks`]), with reused buffers, and written in order, so the output
//! is the same for any number of threads. It formats the model; it never computes.

use std::io::Write;
use std::ops::Range;

use super::number::push_rounded;
use super::{
    display_verified, in_chunks, neutralise, note, notes_text, target_origin, write_display_value,
};
use crate::scoring::{Assessment, TargetOrigin};

pub const HEADER: [&str; 29] = [
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
    "data_notes",
];

const LEVELS: [&str; 7] = ["", "1", "2", "3", "4", "5", "6"];

/// City-years rendered at a time, shared among the threads ([`in_chunks`]): about 21 KB of
/// CSV each, so about 2.7 MB besides the chunk being written, on any number of cores.
const IN_FLIGHT: usize = 128;

fn number_into(text: &mut String, value: Option<f64>, decimals: u32) {
    text.clear();
    if let Some(v) = value {
        push_rounded(text, v, decimals);
    }
}

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
    fn record<const N: usize>(&mut self, fields: [&str; N]) {
        for field in fields {
            self.field(field);
        }
        self.end();
    }
}

pub fn render(assessment: &Assessment, threads: usize, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut header = Records { out: Vec::new() };
    header.record(HEADER);
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
    let mut value = String::new();
    let mut display = String::new();
    let mut target = String::new();
    let mut achievement = String::new();
    let mut progress = String::new();
    let mut since_previous = String::new();
    let mut since_base = String::new();
    // Per measure, the last target formatted: its bits (u64::MAX, a NaN, for none) and text.
    let mut targets: Vec<(u64, String)> = Vec::new();
    // Per measure, its fields from `code` to `unit`, written once.
    let mut measures: Vec<Vec<u8>> = Vec::new();
    let mut city_fields = Records { out: Vec::new() };
    let mut points = itoa::Buffer::new();
    for row in rows {
        let city_year = assessment.city_year(row);
        city_fields.out.clear();
        city_fields.field(&neutralise(city_year.city));
        city_fields.field(itoa::Buffer::new().format(city_year.year));
        for o in &city_year.outcomes {
            let m = o.measure;
            if measures.len() <= o.measure_index {
                measures.resize(o.measure_index + 1, Vec::new());
            }
            let fields = &mut measures[o.measure_index];
            if fields.is_empty() {
                let mut records = Records { out: Vec::new() };
                for field in [
                    &o.kpi.code,
                    m.part.as_deref().unwrap_or_default(),
                    &neutralise(o.name),
                    o.kpi.tier.into(),
                    &o.kpi.dimension,
                    o.subdimension,
                    o.category,
                    &m.unit,
                ] {
                    records.field(field);
                }
                *fields = records.out;
            }
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
            writer.raw(&city_fields.out);
            writer.raw(fields);
            writer.plain(&value);
            writer.plain(&display);
            writer.plain(o.status.label());
            writer.field(&note(&city_year, o));
            writer.plain(&target);
            writer.field(&neutralise(
                o.target.and_then(|t| t.source).unwrap_or_default(),
            ));
            match o.target.map(|t| t.origin) {
                Some(TargetOrigin::Default) => writer.plain("default"),
                _ => writer.field(&neutralise(&target_origin(o.target.as_ref()))),
            }
            writer.plain(m.direction.into());
            writer.plain(&achievement);
            writer.plain(o.score.map_or("", |s| points.format(s.points)));
            writer.field(o.band.map_or("", |b| b.label.as_str()));
            writer.field(&neutralise(&city_year.sources(o).join(" | ")));
            writer.plain(trend.map_or("", |p| p.status.into()));
            writer.plain(&progress);
            writer.plain(&since_previous);
            writer.plain(&since_base);
            writer.plain(o.quality.map_or("", |q| LEVELS[usize::from(q.level())]));
            writer.plain(display_verified(o.verified));
            writer.field(&neutralise(&notes_text(city_year.notes(o))));
            writer.end();
        }
    }
    writer.out
}
