//! CSV: one row per city, year and KPI (or KPI part), for other tools.

use std::io::Write;

use super::{display_target, display_value, neutralise, note, round};
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

pub fn render(assessment: &Assessment, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let number = |v: Option<f64>, decimals: i32| {
        v.map(|v| round(v, decimals).to_string())
            .unwrap_or_default()
    };
    for row in 0..assessment.rows() {
        let city_year = assessment.city_year(row);
        let year = city_year.year.to_string();
        for o in &city_year.outcomes {
            let m = o.measure;
            let target = if m.is_yes_no() {
                display_target(m, o.target)
            } else {
                number(o.target, 6)
            };
            let sources = super::json::sources(assessment, row, m).join(" | ");
            let record = [
                neutralise(city_year.city).into_owned(),
                year.clone(),
                o.kpi.code.clone(),
                m.part.clone().unwrap_or_default(),
                neutralise(m.part_name.as_ref().map_or(&o.kpi.name, |p| p)).into_owned(),
                o.kpi.tier.to_string(),
                o.kpi.dimension.clone(),
                o.kpi.subdimension_code(),
                o.kpi.category_code(),
                m.unit.clone(),
                number(o.value, 6),
                display_value(m, o.value),
                o.status.label().to_string(),
                note(o),
                target,
                m.direction.to_string(),
                number(o.score.map(|s| s.achievement), 2),
                o.score.map(|s| s.points.to_string()).unwrap_or_default(),
                o.band.map(|b| b.label.clone()).unwrap_or_default(),
                neutralise(&sources).into_owned(),
            ];
            writer.write_record(&record)?;
        }
    }
    writer.flush()?;
    Ok(())
}
