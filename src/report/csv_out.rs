//! CSV: one row per city, year and KPI (or KPI part), for other tools.
//!
//! This is the format for large runs, so each row is written from text
//! prepared once per measure and buffers reused across rows.

use std::fmt::Write as _;
use std::io::Write;

use super::{display_target, neutralise, note, round, write_display_value};
use crate::catalog::Measure;
use crate::dataset::Dataset;
use crate::scoring::Assessment;

pub const HEADER: [&str; 20] = [
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
    "direction",
    "achievement",
    "points",
    "band",
    "sources",
];

/// The columns that depend only on the measure.
struct MeasureText {
    code: String,
    part: String,
    name: String,
    tier: String,
    dimension: String,
    subdimension: String,
    category: String,
    unit: String,
    direction: String,
    /// The dataset field of a value the city reports directly.
    reported_field: Option<usize>,
    /// The dataset fields of the inputs.
    input_fields: Vec<usize>,
}

fn number_into(text: &mut String, value: Option<f64>, decimals: i32) {
    text.clear();
    if let Some(v) = value {
        let _ = write!(text, "{}", round(v, decimals));
    }
}

fn sources_into(text: &mut String, data: &Dataset, fields: &[usize], row: usize) {
    text.clear();
    for &f in fields {
        if let Some(source) = data.source(f, row) {
            if !text.split(" | ").any(|s| s == source) {
                if !text.is_empty() {
                    text.push_str(" | ");
                }
                text.push_str(source);
            }
        }
    }
}

pub fn render(assessment: &Assessment, out: &mut dyn Write) -> anyhow::Result<()> {
    let data = assessment.data;
    let texts: Vec<MeasureText> = assessment
        .catalog
        .measures()
        .map(|(kpi, m): (_, &Measure)| {
            let reported_field = data
                .fields
                .iter()
                .position(|f| f.reported_kpi && f.id == m.id);
            let input_fields = m
                .formula
                .reads
                .iter()
                .filter_map(|r| {
                    data.fields
                        .iter()
                        .position(|f| !f.reported_kpi && &f.id == r)
                })
                .collect();
            MeasureText {
                code: kpi.code.clone(),
                part: m.part.clone().unwrap_or_default(),
                name: neutralise(m.part_name.as_ref().unwrap_or(&kpi.name)).into_owned(),
                tier: kpi.tier.to_string(),
                dimension: kpi.dimension.clone(),
                subdimension: kpi.subdimension_code(),
                category: kpi.category_code(),
                unit: m.unit.clone(),
                direction: m.direction.to_string(),
                reported_field,
                input_fields,
            }
        })
        .collect();
    let mut header = csv::Writer::from_writer(&mut *out);
    header.write_record(HEADER)?;
    header.flush()?;
    drop(header);
    // City-years are rendered in chunks, on every core, and written in order.
    const CHUNK: usize = 512;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let rows = assessment.rows();
    let mut start = 0;
    while start < rows {
        let batch: Vec<std::ops::Range<usize>> = (0..threads)
            .map(|t| (start + t * CHUNK).min(rows)..(start + (t + 1) * CHUNK).min(rows))
            .filter(|r| !r.is_empty())
            .collect();
        start = batch.last().map_or(rows, |r| r.end);
        let rendered: Vec<anyhow::Result<Vec<u8>>> = if batch.len() == 1 {
            vec![render_rows(assessment, &texts, batch[0].clone())]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = batch
                    .iter()
                    .map(|range| {
                        let texts = &texts;
                        scope.spawn(move || render_rows(assessment, texts, range.clone()))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|_| Err(anyhow::anyhow!("a report thread failed")))
                    })
                    .collect()
            })
        };
        for chunk in rendered {
            out.write_all(&chunk?)?;
        }
    }
    Ok(())
}

/// The CSV rows of the city-years in `rows`, without the header.
fn render_rows(
    assessment: &Assessment,
    texts: &[MeasureText],
    rows: std::ops::Range<usize>,
) -> anyhow::Result<Vec<u8>> {
    let data = assessment.data;
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 100 * 200));
    let (mut value, mut display, mut target, mut achievement, mut sources) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    for row in rows {
        let city_year = assessment.city_year(row);
        let city = neutralise(city_year.city);
        let year = city_year.year.to_string();
        for o in &city_year.outcomes {
            let m = o.measure;
            let text = &texts[o.index];
            number_into(&mut value, o.value, 6);
            write_display_value(&mut display, m, o.value);
            if m.is_yes_no() {
                target.clear();
                target.push_str(&display_target(m, o.target));
            } else {
                number_into(&mut target, o.target, 6);
            }
            number_into(&mut achievement, o.score.map(|s| s.achievement), 2);
            // A value reported directly cites its own source, a computed one its inputs'.
            match text
                .reported_field
                .filter(|&f| data.value(f, row).is_some())
            {
                Some(f) => sources_into(&mut sources, data, &[f], row),
                None => sources_into(&mut sources, data, &text.input_fields, row),
            }
            let points = o.score.map(|s| s.points.to_string()).unwrap_or_default();
            let note = note(o);
            writer.write_record([
                city.as_ref(),
                &year,
                &text.code,
                &text.part,
                &text.name,
                &text.tier,
                &text.dimension,
                &text.subdimension,
                &text.category,
                &text.unit,
                &value,
                &display,
                o.status.label(),
                &note,
                &target,
                &text.direction,
                &achievement,
                &points,
                o.band.map_or("", |b| b.label.as_str()),
                neutralise(&sources).as_ref(),
            ])?;
        }
    }
    writer.flush()?;
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}
