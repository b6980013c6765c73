//! The data-collection template: one long-form row per variable to collect.
//!
//! The sheet is the long form `assess` reads (`city,year,variable,value,unit,source`, and
//! the U4SSC data-quality level 1-6 and verified yes/no of each value) plus columns that help the person filling it in (description, valid range,
//! the KPIs that use the variable). Filled in, it goes straight back to `assess`.
//! It never reads city data.

use std::io::Write;

use crate::catalog::{Catalog, Tier};

/// What the template holds.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// Only the variables that KPIs of this tier need.
    pub tier: Option<Tier>,
    /// The city column's value (empty to fill in).
    pub city: String,
    /// The year column's value.
    pub year: Option<i32>,
}

pub const HEADER: [&str; 11] = [
    "city",
    "year",
    "variable",
    "value",
    "unit",
    "source",
    "quality",
    "verified",
    "description",
    "valid_range",
    "used_by",
];

pub fn write(catalog: &Catalog, args: &TemplateOptions, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let year = args.year.map(|y| y.to_string()).unwrap_or_default();
    for variable in &catalog.variables {
        let kpis = catalog.used_by(&variable.id);
        let wanted = match args.tier {
            None => !kpis.is_empty(),
            // A variable belongs to the core sheet when any core KPI reads it.
            Some(Tier::Core) => kpis.iter().any(|k| k.tier == Tier::Core),
            Some(Tier::Advanced) => kpis.iter().any(|k| k.tier == Tier::Advanced),
        };
        if !wanted {
            continue;
        }
        let used_by: Vec<&str> = kpis.iter().map(|k| k.code.as_str()).collect();
        writer.write_record([
            args.city.as_str(),
            year.as_str(),
            variable.id.as_str(),
            "",
            variable.unit.as_str(),
            "",
            "",
            "",
            variable.description.as_str(),
            variable.range_text().as_str(),
            used_by.join(" ").as_str(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
