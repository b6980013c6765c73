//! Browsing the catalogue: `citykpi indicators list`, `indicators show` and `indicators sdg`.
//!
//! A renderer of the catalogue, as `report` is of the assessment: it formats the
//! definitions and never computes a KPI.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use serde::Serialize;

use crate::catalog::{Catalog, Kpi, Tier};
use crate::error::Error;
use crate::report::display_number;

/// What `indicators list` shows.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// Only this dimension: a code (EC, EN, SC) or a name (economy, environment, society).
    pub dimension: Option<String>,
    /// Only KPIs of this tier.
    pub tier: Option<Tier>,
    pub format: ListFormat,
}

/// The formats of the KPI list.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum ListFormat {
    #[default]
    Table,
    Csv,
    Json,
}

/// A target as the catalogue gives it: `yes` for a yes/no KPI.
fn target_text(m: &crate::catalog::Measure, target: Option<f64>) -> String {
    let target = if m.is_yes_no() { Some(1.0) } else { target };
    target.map_or(String::new(), |t| display_number(m, t))
}

#[derive(Serialize)]
struct Row<'a> {
    code: &'a str,
    name: &'a str,
    tier: String,
    dimension: String,
    subdimension: String,
    category: String,
    unit: &'a str,
    direction: String,
    target: String,
    parts: String,
}

fn selected<'a>(catalog: &'a Catalog, args: &ListOptions) -> Result<Vec<&'a Kpi>, Error> {
    let dimension = match &args.dimension {
        None => None,
        Some(d) => {
            let found = catalog.taxonomy.dimensions.iter().find(|g| {
                g.code.eq_ignore_ascii_case(d)
                    || g.name.to_lowercase().starts_with(&d.to_lowercase())
            });
            match found {
                Some(g) => Some(g.code.clone()),
                None => {
                    let known: Vec<String> = catalog
                        .taxonomy
                        .dimensions
                        .iter()
                        .map(|g| format!("{} ({})", g.code, g.name))
                        .collect();
                    return Err(Error::Usage(format!(
                        "unknown dimension \"{d}\"; use one of {}",
                        known.join(", ")
                    )));
                }
            }
        }
    };
    Ok(catalog
        .kpis
        .iter()
        .filter(|k| dimension.as_ref().is_none_or(|d| &k.dimension == d))
        .filter(|k| args.tier.is_none_or(|t| t == k.tier))
        .collect())
}

pub fn list(
    catalog: &Catalog,
    args: &ListOptions,
    out: &mut dyn Write,
) -> Result<(), crate::Error> {
    let kpis = selected(catalog, args)?;
    let tax = &catalog.taxonomy;
    let rows: Vec<Row> = kpis
        .iter()
        .map(|k| Row {
            code: &k.code,
            name: &k.name,
            tier: k.tier.to_string(),
            dimension: tax.name(&k.dimension),
            subdimension: tax.name(&k.subdimension_code()),
            category: tax.name(&k.category_code()),
            unit: &k.unit,
            direction: k.direction.to_string(),
            target: k
                .measures
                .iter()
                .map(|m| target_text(m, m.target))
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" / "),
            parts: k
                .measures
                .iter()
                .filter_map(|m| m.part.as_deref())
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect();
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        ListFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            for row in &rows {
                writer.serialize(row)?;
            }
            writer.flush()?;
        }
        ListFormat::Table => {
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
            table.set_header([
                "Code",
                "Name",
                "Tier",
                "Sub-dimension",
                "Unit",
                "Direction",
                "Target",
            ]);
            for row in &rows {
                let name = if row.parts.is_empty() {
                    row.name.to_string()
                } else {
                    format!("{} ({})", row.name, row.parts)
                };
                table.add_row([
                    row.code,
                    &name,
                    &row.tier,
                    &row.subdimension,
                    row.unit,
                    &row.direction,
                    &row.target,
                ]);
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "{} KPIs. `citykpi indicators show CODE` for one.",
                rows.len()
            )?;
        }
    }
    Ok(())
}

/// `indicators sdg`: per SDG goal, the targets the KPIs link to (the catalogue's `sdg`
/// values: U4SSC's links) and the targets they do not.
pub fn sdg(catalog: &Catalog, out: &mut dyn Write) -> Result<(), crate::Error> {
    use crate::scoring::sdg::GOALS;
    let informs = |t: &str| catalog.kpis.iter().any(|k| k.sdg.iter().any(|s| s == t));
    writeln!(
        out,
        "The SDG targets the KPIs inform (the catalogue's sdg links, U4SSC's), per goal:"
    )?;
    let (mut targets, mut goals) = (0, 0);
    for goal in &GOALS {
        let (with, without): (Vec<String>, Vec<String>) = goal.targets().partition(|t| informs(t));
        targets += with.len();
        goals += usize::from(!with.is_empty());
        let all = with.len() + without.len();
        let line = match (with.is_empty(), without.is_empty()) {
            (true, _) => format!("none; not informed: {}", without.join(" ")),
            (false, true) => with.join(" "),
            (false, false) => format!("{}; not informed: {}", with.join(" "), without.join(" ")),
        };
        writeln!(
            out,
            "  Goal {} {} ({} of {all}): {line}",
            goal.code,
            goal.name,
            with.len()
        )?;
    }
    writeln!(
        out,
        "{targets} of 169 targets and {goals} of 17 goals are informed."
    )?;
    Ok(())
}

pub fn show(catalog: &Catalog, name: &str, out: &mut dyn Write) -> Result<(), crate::Error> {
    let Some(kpi) = catalog.find(name) else {
        let hint = match catalog.suggest(name) {
            Some(s) => format!("; did you mean {s}?"),
            None => "; `citykpi indicators list` lists them".into(),
        };
        return Err(Error::Usage(format!("unknown KPI \"{name}\"{hint}")));
    };
    let tax = &catalog.taxonomy;
    writeln!(out, "{}  {}", kpi.code, kpi.name)?;
    writeln!(out)?;
    writeln!(out, "{}", kpi.description)?;
    writeln!(out)?;
    writeln!(out, "Tier:          {}", kpi.tier)?;
    writeln!(
        out,
        "Dimension:     {} > {} > {}",
        tax.name(&kpi.dimension),
        tax.name(&kpi.subdimension_code()),
        tax.name(&kpi.category_code())
    )?;
    writeln!(out, "Unit:          {}", kpi.unit)?;
    writeln!(out, "Direction:     {}", kpi.direction)?;
    writeln!(
        out,
        "SDG targets:   {}",
        if kpi.sdg.is_empty() {
            "-".to_string()
        } else {
            kpi.sdg.join(", ")
        }
    )?;
    writeln!(out, "Id:            {}", kpi.id)?;
    writeln!(out, "Definition:    {}", kpi.file)?;
    for m in &kpi.measures {
        writeln!(out)?;
        match &m.part_name {
            Some(part) => writeln!(out, "Part {} ({part})", m.key)?,
            None => writeln!(out, "Measure {}", m.key)?,
        }
        writeln!(out, "  Formula:     {}", m.formula.text)?;
        if m.part.is_some() {
            writeln!(out, "  Unit:        {}", m.unit)?;
            writeln!(out, "  Direction:   {}", m.direction)?;
        }
        let target = if !m.scorable {
            "none (never scored)".to_string()
        } else if m.is_yes_no() {
            "yes (yes/no KPI)".to_string()
        } else {
            match m.target {
                Some(t) => {
                    let reference = m.reference.map_or(String::new(), |r| {
                        format!(" (reference value {r} earns 0 %)")
                    });
                    let source = match &m.target_source {
                        Some(source) => format!(" (source: {source})"),
                        None => " (citykpi's choice; set your own with --targets)".into(),
                    };
                    format!("{}{reference}{source}", target_text(m, Some(t)))
                }
                None => "none by default (reported, not scored; give one with --targets)".into(),
            }
        };
        writeln!(out, "  Target:      {target}")?;
        writeln!(out, "  Inputs:")?;
        for name in &m.formula.reads {
            match catalog.variable(name) {
                Some(v) => writeln!(
                    out,
                    "    {:<36} {} [{}, {}]",
                    v.id,
                    v.description,
                    v.unit,
                    v.range_text()
                )?,
                None => writeln!(out, "    {name:<36} (another KPI)")?,
            }
        }
    }
    if let Some(notes) = &kpi.notes {
        writeln!(out)?;
        writeln!(out, "Notes: {notes}")?;
    }
    Ok(())
}
