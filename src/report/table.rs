//! The terminal table: per city-year, the summary, then one table per dimension.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};

use super::{
    dimension_tree, display_coverage, display_score, display_target, display_value, note, Style,
};
use crate::scoring::{Assessment, Outcome};

fn colour_of(name: &str) -> Color {
    match name {
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "dark_yellow" => Color::DarkYellow,
        "red" => Color::Red,
        "blue" => Color::Blue,
        _ => Color::Reset,
    }
}

fn new_table(style: Style, header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    if style.terminal_width {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    if style.colour {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header.iter().map(Cell::new));
    table
}

fn band_cell(style: Style, points: Option<u8>, colour: Option<&str>) -> Cell {
    let mut cell = Cell::new(points.map(|p| p.to_string()).unwrap_or_default())
        .set_alignment(CellAlignment::Center);
    if let (true, Some(colour)) = (style.colour, colour) {
        cell = cell.fg(colour_of(colour));
    }
    cell
}

pub fn render(assessment: &Assessment, style: Style, out: &mut dyn Write) -> anyhow::Result<()> {
    if assessment.rows() == 0 {
        writeln!(out, "No city-years to assess.")?;
        return Ok(());
    }
    let scheme = &assessment.catalog.scheme;
    for row in 0..assessment.rows() {
        let city_year = assessment.city_year(row);
        let summaries = assessment.summaries(&city_year);
        if row > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} {}: U4SSC self-assessment",
            city_year.city, city_year.year
        )?;
        let overall = &summaries[0];
        writeln!(
            out,
            "Overall score {}; KPIs computed: {}",
            display_score(overall),
            display_coverage(overall)
        )?;

        let mut summary = new_table(
            style,
            &[
                "Dimension / sub-dimension",
                "Score",
                "Points",
                "Mean achievement",
                "Computed",
            ],
        );
        for (s, sub) in dimension_tree(&summaries) {
            let name = if !sub {
                s.name.clone()
            } else {
                format!("  {}", s.name)
            };
            let colour = s.score.map(|v| scheme.band_for(v).colour.as_str());
            let score_text = s
                .score
                .map(|v| format!("{v:.1} %"))
                .unwrap_or_else(|| "not scored".into());
            let mut score_cell = Cell::new(score_text).set_alignment(CellAlignment::Right);
            if let (true, Some(c)) = (style.colour, colour) {
                score_cell = score_cell.fg(colour_of(c));
            }
            summary.add_row(vec![
                Cell::new(name),
                score_cell,
                Cell::new(format!("{}/{}", s.points, s.max_points))
                    .set_alignment(CellAlignment::Right),
                Cell::new(
                    s.mean_achievement
                        .map(|v| format!("{v:.1} %"))
                        .unwrap_or_default(),
                )
                .set_alignment(CellAlignment::Right),
                Cell::new(display_coverage(s)),
            ]);
        }
        writeln!(out, "{summary}")?;

        for dimension in summaries.iter().filter(|s| s.level == "dimension") {
            let outcomes: Vec<&Outcome> = city_year
                .outcomes
                .iter()
                .filter(|o| o.kpi.dimension == dimension.code)
                .collect();
            writeln!(out)?;
            writeln!(out, "{}: {}", dimension.name, display_score(dimension))?;
            let mut table = new_table(
                style,
                &[
                    "Code", "KPI", "Value", "Unit", "Target", "Achieved", "Points", "Note",
                ],
            );
            for o in outcomes {
                let m = o.measure;
                let name = match &m.part_name {
                    Some(part) => format!("{}: {part}", o.kpi.name),
                    None => o.kpi.name.clone(),
                };
                table.add_row(vec![
                    Cell::new(&m.key),
                    Cell::new(name),
                    Cell::new(display_value(m, o.value)).set_alignment(CellAlignment::Right),
                    Cell::new(&m.unit),
                    Cell::new(display_target(m, o.target)).set_alignment(CellAlignment::Right),
                    Cell::new(
                        o.score
                            .map(|s| format!("{:.1} %", s.achievement))
                            .unwrap_or_default(),
                    )
                    .set_alignment(CellAlignment::Right),
                    band_cell(
                        style,
                        o.score.map(|s| s.points),
                        o.band.map(|b| b.colour.as_str()),
                    ),
                    Cell::new(note(o)),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }
    writeln!(out)?;
    let legend: Vec<String> = scheme
        .bands
        .iter()
        .map(|b| format!("{} = {}", b.points, b.label))
        .collect();
    writeln!(out, "Points: {}.", legend.join(", "))?;
    Ok(())
}
